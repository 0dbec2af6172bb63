"""The policy register panel (a tab of the annual review) and the reminders on Home, against a real
vault: the manager adds a policy and records its review through the dialogs, refusals show inline,
retire and bring back, the protocol box; read-only for the DSL and the committee reviewer; drafts
at the lock and forgetting.

Core work runs on worker threads, so every check waits for the operations to finish. Any error
that would reach the error dialog fails the test instead. Fictional people only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton
from pytestqt.qtbot import QtBot

from app.clock import add_months, local_today, long_date
from app.drafts import Draft, DraftId
from app.errors import PermissionDenied
from app.policies import PolicyDetails
from app.policy.permissions import Role
from app.session import Session
from tests.conftest import VaultUnderTest
from tests.ui.conftest import find, top_level, wait_idle
from ui import operations
from ui.areas.home import NOTHING_DUE, HomeArea
from ui.policy_forms import POLICY_FORM, PolicyDialog, ProtocolDialog, ReviewDialog
from ui.policy_register import PolicyRegisterPanel

SEEDED = "Information sharing and confidentiality"
PASSWORD = "quiet meadow compass"
BUTTONS = (
    "addPolicyButton",
    "editPolicyButton",
    "markReviewedButton",
    "retirePolicyButton",
    "editProtocolButton",
)


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


def make_panel(qtbot: QtBot, session: Session) -> PolicyRegisterPanel:
    panel = PolicyRegisterPanel(session)
    qtbot.addWidget(panel)
    panel.show()
    panel.opened()
    wait_idle(qtbot)
    return panel


@pytest.fixture
def panel(qtbot: QtBot, made_vault: VaultUnderTest) -> Iterator[PolicyRegisterPanel]:
    made = make_panel(qtbot, made_vault.session)
    yield made
    wait_idle(qtbot)
    for name in ("policyDialog", "policyReviewDialog", "protocolDialog"):
        widget = top_level(name)
        if widget is not None:
            widget.close()


def rows(panel: PolicyRegisterPanel) -> list[list[str]]:
    model = panel.model
    return [
        [str(model.data(model.index(row, column))) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def select(panel: PolicyRegisterPanel, name: str) -> None:
    (policy,) = [p for p in panel.model.records() if p.name == name]
    panel.select(policy.id)
    assert panel.selected() == policy


def test_the_register_shows_each_policy_and_its_state_in_words(
    qtbot: QtBot, made_vault: VaultUnderTest
) -> None:
    s = made_vault.session
    s.policies.add(PolicyDetails("Record keeping", version="2", last_reviewed_on=date(2025, 7, 14)))
    s.policies.add(PolicyDetails("Safeguarding", last_reviewed_on=date(2025, 9, 20), reviewed_by="Zoë Adams"))
    s.policies.add(PolicyDetails("Online safety", last_reviewed_on=date(2026, 6, 1)))
    panel = make_panel(qtbot, s)
    states = {row[0]: row[1] for row in rows(panel)}
    assert states == {
        SEEDED: "No review date",
        "Record keeping": "Overdue since 14 July 2026",
        "Safeguarding": "Review due on 20 September 2026",
        "Online safety": "Up to date",
    }
    (seeded,) = [row for row in rows(panel) if row[0] == SEEDED]
    assert seeded[8] == "Yes"  # the one staff confirm
    assert [b for b in BUTTONS if find(panel, QPushButton, b).isVisible()] == list(BUTTONS)  # the manager's


def test_the_manager_adds_a_policy_then_marks_it_reviewed(
    qtbot: QtBot, panel: PolicyRegisterPanel, made_vault: VaultUnderTest
) -> None:
    today = local_today(made_vault.clock)
    panel.add_button.click()
    dialog = top_level("policyDialog")
    assert isinstance(dialog, PolicyDialog) and dialog.windowTitle() == "Add a policy"
    dialog.name.setText("Safeguarding and child protection")
    dialog.version.setText("5")
    dialog.adopted_on.set_value(date(2019, 3, 4))
    dialog.last_reviewed_on.set_value(date(2025, 9, 20))
    dialog.reviewed_by.setText("Zoë Adams")
    dialog.signed_by.setText("Zoë Adams; Αλέξανδρος Παπαδόπουλος")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: top_level("policyDialog") is None, timeout=10_000)
    wait_idle(qtbot)
    assert panel.status.text() == "“Safeguarding and child protection” saved."
    (added,) = [p for p in made_vault.session.policies.register() if p.name.startswith("Safeguarding")]
    assert (added.version, added.next_review_on) == ("5", date(2026, 9, 20))  # twelve months on
    assert panel.selected() == added
    assert "Review due on 20 September 2026" in rows(panel)[1]

    panel.review_button.click()
    review = top_level("policyReviewDialog")
    assert isinstance(review, ReviewDialog)
    assert find(review, QLabel, "policyReviewName").text() == "“Safeguarding and child protection”"
    assert review.reviewed_by.text() == made_vault.session.me.full_name  # who is signed in, to start with
    next_due = add_months(today, 12)
    assert find(review, QLabel, "policyReviewNextWords").text() == (
        f"The next review will be due on {long_date(next_due)}."
    )
    review.signed_by.setText("Zoë Adams; Αλέξανδρος Παπαδόπουλος (chair)")
    review.version.setText("6")
    review.ok_button.click()
    qtbot.waitUntil(lambda: top_level("policyReviewDialog") is None, timeout=10_000)
    wait_idle(qtbot)
    (reviewed,) = [p for p in made_vault.session.policies.register() if p.id == added.id]
    assert (reviewed.last_reviewed_on, reviewed.next_review_on, reviewed.version) == (today, next_due, "6")
    assert reviewed.signed_by == "Zoë Adams; Αλέξανδρος Παπαδόπουλος (chair)"
    assert panel.status.text() == (
        "Review of “Safeguarding and child protection” recorded. "
        f"The next review is due on {long_date(next_due)}."
    )
    assert "Up to date" in rows(panel)[1]


def test_refusals_show_inline_and_keep_what_was_typed(
    qtbot: QtBot, panel: PolicyRegisterPanel, made_vault: VaultUnderTest
) -> None:
    dialog = panel.open_add()
    dialog.version.setText("3")
    dialog.ok_button.click()
    wait_idle(qtbot)
    assert dialog.message.text() == "Name of the policy is needed."
    assert dialog.isVisible() and dialog.version.text() == "3"
    dialog.name.setText("information SHARING and confidentiality")
    dialog.ok_button.click()
    wait_idle(qtbot)
    assert (
        "There is already a policy called “Information sharing and confidentiality”" in dialog.message.text()
    )
    dialog.close()
    select(panel, SEEDED)
    review = panel.open_review()
    assert review is not None
    review.reviewed_by.clear()
    review.ok_button.click()
    wait_idle(qtbot)
    assert review.message.text() == "Reviewed by is needed."
    assert made_vault.session.policies.register()[0].last_reviewed_on is None


def test_retire_show_retired_and_bring_back(
    qtbot: QtBot, panel: PolicyRegisterPanel, made_vault: VaultUnderTest
) -> None:
    made_vault.session.policies.add(PolicyDetails("Use of photographs (2019)"))
    panel.load()
    wait_idle(qtbot)
    select(panel, SEEDED)
    panel.retire_button.click()
    wait_idle(qtbot)
    assert "Mark another policy as the one staff confirm first" in panel.message.text()
    select(panel, "Use of photographs (2019)")
    panel.retire_button.click()
    wait_idle(qtbot)
    assert panel.status.text() == "“Use of photographs (2019)” is retired."
    assert [row[0] for row in rows(panel)] == [SEEDED]
    panel.show_retired.setChecked(True)
    wait_idle(qtbot)
    assert rows(panel)[1][0] == "Use of photographs (2019)" and rows(panel)[1][1] == "Retired"
    select(panel, "Use of photographs (2019)")
    assert panel.retire_button.text() == "&Bring back" and not panel.review_button.isEnabled()
    panel.retire_button.click()
    wait_idle(qtbot)
    assert len(made_vault.session.policies.register()) == 2


def test_the_protocol_box_and_its_dialog(
    qtbot: QtBot, panel: PolicyRegisterPanel, made_vault: VaultUnderTest
) -> None:
    assert "not recorded as a signatory" in panel.tier2_label.text()
    assert panel.contract_label.text() == "No date is recorded for this year's contract with the council."
    panel.edit_protocol_button.click()
    dialog = top_level("protocolDialog")
    assert isinstance(dialog, ProtocolDialog)
    dialog.tier2_signatory.setChecked(True)
    dialog.tier2_signed_on.set_value(date(2023, 5, 2))
    dialog.contract_on.set_value(date(2030, 1, 1))  # in the future: refused
    dialog.ok_button.click()
    wait_idle(qtbot)
    assert "in the future" in dialog.message.text()
    dialog.contract_on.set_value(date(2025, 10, 31))
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: top_level("protocolDialog") is None, timeout=10_000)
    wait_idle(qtbot)
    assert panel.tier2_label.text().startswith(
        "The setting signed the local tier-2 information-sharing protocol on 2 May 2023"
    )
    assert panel.contract_label.text() == (
        "This year's contract with the council: 31 October 2025; renewal due on 31 October 2026."
    )
    assert made_vault.session.policies.protocol().contract_on == date(2025, 10, 31)


@pytest.mark.parametrize("role", [Role.DSL, Role.REVIEWER])
def test_read_only_for_the_dsl_and_the_committee_reviewer(
    qtbot: QtBot, made_vault: VaultUnderTest, role: Role
) -> None:
    made_vault.add_person("lucja", "Łucja Kowalska", {role}, PASSWORD)
    made_vault.session.close()
    session = made_vault.sign_in("lucja", PASSWORD)
    panel = make_panel(qtbot, session)
    assert [row[0] for row in rows(panel)] == [SEEDED]
    assert panel.contract_label.text() != ""
    assert [b for b in BUTTONS if find(panel, QPushButton, b).isVisible()] == []
    select(panel, SEEDED)
    panel.table.doubleClicked.emit(panel.table.currentIndex())
    assert top_level("policyDialog") is None
    with pytest.raises(PermissionDenied):  # hiding the buttons is not the protection
        session.policies.add(PolicyDetails("Complaints"))
    with pytest.raises(PermissionDenied):
        session.policies.set_protocol(tier2_signatory=True, tier2_signed_on=None, contract_on=None)


def test_a_half_typed_policy_is_a_draft_and_comes_back(
    qtbot: QtBot, panel: PolicyRegisterPanel, made_vault: VaultUnderTest
) -> None:
    dialog = panel.open_add()
    assert dialog.draft() is None  # nothing typed yet
    dialog.name.setText("Whistleblowing — Sentinel")
    dialog.signed_by.setText("Дмитрий Соколов")
    dialog.last_reviewed_on.set_value(date(2026, 3, 1))
    kept = dialog.draft()
    assert kept is not None and kept.form == POLICY_FORM and kept.form.split(".")[0] == "annual review"
    dialog.close()
    assert panel.restore_draft(
        Draft(DraftId(1), kept.form, kept.title, kept.fields, "2026-09-01T09:00:00+00:00")
    )
    restored = top_level("policyDialog")
    assert isinstance(restored, PolicyDialog)
    assert (
        restored.name.text() == "Whistleblowing — Sentinel" and restored.signed_by.text() == "Дмитрий Соколов"
    )
    assert restored.last_reviewed_on.value() == date(2026, 3, 1)
    select(panel, SEEDED)
    edit = panel.open_edit()
    assert edit is not None and edit.draft() is None  # opened, nothing changed
    edit.version.setText("2")
    edited = edit.draft()
    assert edited is not None and edited.fields["policy_id"] == str(panel.selected().id)  # type: ignore[union-attr]
    assert not panel.restore_draft(
        Draft(DraftId(2), "annual review.pack", "Other", {}, "2026-09-01T09:00:00+00:00")
    )


def test_forget_empties_the_table_the_protocol_and_the_dialog(
    qtbot: QtBot, panel: PolicyRegisterPanel, made_vault: VaultUnderTest
) -> None:
    dialog = panel.open_add()
    dialog.name.setText("Sentinel policy")
    assert panel.model.rowCount() == 1 and panel.contract_label.text()
    panel.forget()
    assert panel.model.rowCount() == 0
    assert panel.tier2_label.text() == "" and panel.contract_label.text() == ""
    assert dialog.name.text() == "" and not dialog.isVisible()  # emptied, then closed
    assert not panel.edit_protocol_button.isEnabled()


# --- Home ----------------------------------------------------------------------------------------


def test_home_lists_the_reminders_for_the_manager(qtbot: QtBot, made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    s.policies.add(PolicyDetails("Record keeping", last_reviewed_on=date(2025, 7, 14)))
    home = HomeArea(s)
    qtbot.addWidget(home)
    home.show()
    home.opened()
    wait_idle(qtbot)
    listing = find(home, QListWidget, "remindersList")
    assert listing.isVisible()
    assert [listing.item(i).text() for i in range(listing.count())] == [
        "Record keeping: review overdue since 14 July 2026.",
        "Information sharing and confidentiality: no review date is set.",
        "No date is recorded for this year's contract with the council.",
    ]
    home.forget()
    assert listing.count() == 0


def test_home_says_when_nothing_is_due_and_shows_no_list_to_a_key_worker(
    qtbot: QtBot, made_vault: VaultUnderTest
) -> None:
    s = made_vault.session
    s.policies.mark_reviewed(1, on=local_today(made_vault.clock), reviewed_by="Zoë Adams", signed_by="")
    s.policies.set_protocol(
        tier2_signatory=True, tier2_signed_on=None, contract_on=local_today(made_vault.clock)
    )
    home = HomeArea(s)
    qtbot.addWidget(home)
    home.show()
    home.opened()
    wait_idle(qtbot)
    listing = find(home, QListWidget, "remindersList")
    assert [listing.item(i).text() for i in range(listing.count())] == [NOTHING_DUE]
    made_vault.add_person("siobhan", "Siobhán Ní Bhriain", {Role.KEY_WORKER}, PASSWORD)
    made_vault.session.close()
    worker = HomeArea(made_vault.sign_in("siobhan", PASSWORD))
    qtbot.addWidget(worker)
    worker.show()
    worker.opened()
    wait_idle(qtbot)
    assert not find(worker, QListWidget, "remindersList").isVisible()
