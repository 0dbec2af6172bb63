"""The Retention area against a real vault: the queue of records past their period, Keep… with a
reason and a review date, Destroy… behind its tick box with progress (the row leaves, the log
shows the entry, the backups note stays on screen), a held item refused with the core's sentence,
placing and lifting holds, drafts at lock, and forgetting.

Fictional people only, in several scripts; the clock is Tuesday 1 September 2026.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.children import CarerDetails, ChildDetails, Enrolment
from app.drafts import Draft, DraftId
from app.parent_contacts import ContactKind, NewParentContact
from app.policy.retention import RecordKind
from app.session import Session
from tests.conftest import VaultUnderTest
from tests.ui.conftest import wait_idle
from ui import operations
from ui.areas.retention import NOTHING_DUE, PERIODS_NOTE, RetentionArea
from ui.retention_forms import NO_NAMES, DestroyDialog, HoldDialog, KeepDialog, LiftDialog

ATHENA, SAOIRSE, MATEUSZ = "Αθηνά Γεωργίου", "Saoirse Ní Bhriain", "Mateusz Kowalczyk"
HOLD_REASON = "Local safeguarding practice review"


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


@dataclass
class Former:
    athena: int
    saoirse: int
    mateusz: int


def former_child(s: Session, name: str, born: str, started: str, left: str) -> int:
    child = s.children.add(
        ChildDetails(name, born, started, leaving_date=left, destination="Anytown Primary", room="Acorns")
    )
    s.children.add_carer(child.id, CarerDetails(f"Parent of {name.split()[0]}", "Parent", True, True))
    return int(child.id)


@pytest.fixture
def former(made_vault: VaultUnderTest) -> Former:
    """Like the demo: children who left more than three years ago, one of them under a legal
    hold, and an old note of a call about no child."""
    s = made_vault.session
    made = Former(
        former_child(s, ATHENA, "2018-05-05", "2019-09-02", "2022-07-22"),
        former_child(s, SAOIRSE, "2018-11-11", "2019-09-02", "2023-07-21"),
        former_child(s, MATEUSZ, "2018-02-02", "2019-01-07", "2022-12-16"),
    )
    s.children.add(ChildDetails("Zoë Brennan", "2023-03-03", "2025-09-01"))  # on roll: never listed
    s.parent_contacts.log(
        NewParentContact(
            datetime(2019, 3, 4, 10, tzinfo=UTC),
            ContactKind.CALL,
            "Asked about places.",
            who="Nguyễn Thị Lan",
        )
    )
    s.retention.place_hold(made.mateusz, reason=HOLD_REASON)
    return made


def open_area(session: Session, qtbot: QtBot) -> RetentionArea:
    area = RetentionArea(session)
    qtbot.addWidget(area)
    area.resize(1100, 700)
    area.show()
    area.opened()
    wait_idle(qtbot)
    return area


def rows(area: RetentionArea) -> list[tuple[str, ...]]:
    model = area.queue_model
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())
    ]


def select(area: RetentionArea, child: str) -> None:
    (row,) = [n for n, r in enumerate(rows(area)) if r[1] == child]
    area.queue_table.selectRow(row)


def shown(kind: type[Any]) -> Any:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    assert len(found) == 1, found
    return found[0]


def close_messages() -> list[str]:
    texts = []
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            texts.append(widget.text())
            widget.close()
    return texts


def test_the_queue_lists_what_is_past_its_period(
    made_vault: VaultUnderTest, former: Former, qtbot: QtBot, qtmodeltester: Any
) -> None:
    area = open_area(made_vault.session, qtbot)
    for model in (area.queue_model, area.holds_model, area.destroyed_model):
        qtmodeltester.check(model)
    found = rows(area)
    assert [r[1] for r in found] == [ATHENA, "Notes about no child", SAOIRSE, MATEUSZ]  # due first
    athena = found[0]
    assert athena[0] == "General record" and (athena[4], athena[5], athena[2]) == (
        "05/05/2018",
        "22/07/2022",
        "22/07/2025",
    )
    assert athena[6] == "2 (1 child's details, 1 carer)" and athena[3] == "Past its period"
    assert found[1][0] == "Parent contact notes" and found[1][6].startswith("1 (1 parent contact note")
    assert found[3][3] == f"Legal hold: {HOLD_REASON}"
    assert area.periods.text() == PERIODS_NOTE and "not held in Sharewise" in PERIODS_NOTE
    assert area.queue_count.text() == "4 items past the retention period; 3 waiting for a decision."
    holds = area.holds_model
    assert holds.rowCount() == 1 and holds.index(0, 0).data() == MATEUSZ
    assert area.destroyed_model.rowCount() == 0
    assert "Zoë Brennan" not in str(found)
    # Nothing selected: nothing to act on.
    assert not area.destroy_button.isEnabled() and not area.keep_button.isEnabled()


def test_keep_with_a_reason_moves_the_item_to_kept(
    made_vault: VaultUnderTest, former: Former, qtbot: QtBot
) -> None:
    area = open_area(made_vault.session, qtbot)
    select(area, SAOIRSE)
    area.keep_button.click()
    dialog = shown(KeepDialog)
    assert dialog.windowTitle() == "Keep records past their period"  # no child named in the title
    assert NO_NAMES in [label.text() for label in dialog.findChildren(type(area.periods))]
    # Without a reason the core says so, under the form, and the dialog stays.
    dialog.ok_button.click()
    wait_idle(qtbot)
    assert dialog.isVisible() and "is needed" in dialog.message.text()
    dialog.reason.setPlainText("An insurance claim about an injury is still open.")
    dialog.review_on.setDate(QDate(2027, 3, 1))
    draft = dialog.draft()
    assert (
        draft is not None
        and draft.form == "retention.keep"
        and draft.fields["child_id"] == str(former.saoirse)
    )
    dialog.ok_button.click()
    wait_idle(qtbot)
    kept = next(r for r in rows(area) if r[1] == SAOIRSE)
    assert kept[3] == "Kept until 01/03/2027: An insurance claim about an injury is still open."
    assert area.queue_count.text() == "4 items past the retention period; 2 waiting for a decision."


def test_destroy_needs_the_tick_runs_with_progress_and_logs_the_entry(
    made_vault: VaultUnderTest, former: Former, qtbot: QtBot
) -> None:
    area = open_area(made_vault.session, qtbot)
    select(area, ATHENA)
    area.destroy_button.click()
    dialog = shown(DestroyDialog)
    assert dialog.windowTitle() == "Destroy records" and ATHENA not in dialog.windowTitle()
    assert ATHENA in dialog.what.text() and "1 child's details, 1 carer" in dialog.what.text()
    assert "permanent" in dialog.permanent.text()
    assert "gone within 12 months (by 1 September 2027)" in dialog.note.text()
    button: QPushButton = dialog.destroy_button
    assert not button.isEnabled()
    button.click()  # does nothing while the box is not ticked
    wait_idle(qtbot)
    assert dialog.isVisible() and made_vault.session.children.find(search="Αθηνά", enrolment=Enrolment.ALL)
    dialog.understand.setChecked(True)
    assert button.isEnabled()
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    button.click()
    wait_idle(qtbot)
    assert seen and seen[-1] == 100 and seen == sorted(seen)
    assert not dialog.isVisible()
    assert ATHENA not in [r[1] for r in rows(area)]
    assert made_vault.session.children.find(search="Αθηνά", enrolment=Enrolment.ALL) == []  # type: ignore[arg-type]
    messages = close_messages()
    assert len(messages) == 1 and "Destroyed: 2 (1 child's details, 1 carer)." in messages[0]
    assert "Backups made before today still hold these records" in messages[0]
    assert area.backups.isVisible() and "USB stick" in area.backups.text()
    area.tabs.setCurrentIndex(2)
    log = area.destroyed_model
    assert log.rowCount() == 1
    entry = [log.index(0, c).data() for c in range(log.columnCount())]
    assert entry[1:] == [
        "General record",
        "2 (1 child's details, 1 carer)",
        "3 years after the child leaves",
        "Zoë Adams",
    ]
    assert ATHENA not in str(entry)


def test_a_held_item_is_refused_with_the_sentence_and_nothing_is_destroyed(
    made_vault: VaultUnderTest, former: Former, qtbot: QtBot
) -> None:
    area = open_area(made_vault.session, qtbot)
    select(area, MATEUSZ)
    area.destroy_button.click()
    dialog = shown(DestroyDialog)
    assert HOLD_REASON in dialog.standing.text()
    dialog.understand.setChecked(True)
    dialog.destroy_button.click()
    wait_idle(qtbot)
    assert dialog.isVisible()
    assert dialog.message.text() == (
        f"These records are under a legal hold ({HOLD_REASON}). Nothing has been destroyed. "
        "Lift the hold first if the inquiry is over."
    )
    assert not dialog.understand.isChecked() and not dialog.destroy_button.isEnabled()
    assert made_vault.session.retention.destructions() == []
    assert made_vault.session.children.find(search="Mateusz", enrolment=Enrolment.ALL)
    dialog.reject()
    assert MATEUSZ in [r[1] for r in rows(area)]


def test_place_a_hold_for_every_record_and_lift_it(
    made_vault: VaultUnderTest, former: Former, qtbot: QtBot
) -> None:
    area = open_area(made_vault.session, qtbot)
    area.tabs.setCurrentIndex(1)
    area.place_button.click()
    dialog = shown(HoldDialog)
    assert dialog.windowTitle() == "Place a legal hold"
    assert dialog.child.count() == 3  # the children in the queue to choose from
    dialog.everything.setChecked(True)
    dialog.reason.setPlainText("Public inquiry: keep everything")
    dialog.ok_button.click()
    wait_idle(qtbot)
    assert area.holds_model.rowCount() == 2
    assert {r[3].split(":")[0] for r in rows(area)} == {"Legal hold"}
    assert made_vault.session.retention.due_count() == 0
    setting_row = next(
        n
        for n in range(area.holds_model.rowCount())
        if area.holds_model.index(n, 0).data() == "Every record in the setting"
    )
    area.holds_table.selectRow(setting_row)
    assert area.lift_button.isEnabled()
    area.lift_button.click()
    lift = shown(LiftDialog)
    lift.ok_button.click()  # a reason is needed to lift a hold too
    wait_idle(qtbot)
    assert lift.isVisible() and "is needed" in lift.message.text()
    lift.reason.setPlainText("The inquiry has reported.")
    lift.ok_button.click()
    wait_idle(qtbot)
    assert area.holds_model.rowCount() == 1
    area.show_lifted.setChecked(True)
    wait_idle(qtbot)
    assert area.holds_model.rowCount() == 2
    assert any("The inquiry has reported." in str(area.holds_model.index(r, 3).data()) for r in range(2))
    assert made_vault.session.retention.due_count() == 3  # Mateusz is still held on his own


def test_a_hold_on_one_child_found_by_search(
    made_vault: VaultUnderTest, former: Former, qtbot: QtBot
) -> None:
    area = open_area(made_vault.session, qtbot)
    select(area, ATHENA)
    area.hold_button.click()
    dialog = shown(HoldDialog)
    assert dialog.child.currentData() == former.athena  # the selected row's child, chosen already
    dialog.search.setText("Saoirse")
    dialog.search_children()
    wait_idle(qtbot)
    assert dialog.child.count() == 1 and dialog.child.currentData() == former.saoirse
    dialog.reason.setPlainText("Court case")
    dialog.ok_button.click()
    wait_idle(qtbot)
    saoirse = next(r for r in rows(area) if r[1] == SAOIRSE)
    assert saoirse[3] == "Legal hold: Court case"


def test_a_keep_draft_comes_back_and_forget_empties_everything(
    made_vault: VaultUnderTest, former: Former, qtbot: QtBot
) -> None:
    area = open_area(made_vault.session, qtbot)
    draft = Draft(
        DraftId(1),
        "retention.keep",
        "Keep records past their period",
        {
            "reason": "Claim still open",
            "review_on": "2027-02-01",
            "kind": "child_record",
            "child_id": str(former.athena),
        },
        "2026-09-01T09:00:00+00:00",
    )
    assert area.restore_draft(draft)
    wait_idle(qtbot)
    dialog = shown(KeepDialog)
    assert dialog.reason.toPlainText() == "Claim still open" and dialog.item.child_id == former.athena
    assert dialog.item.kind is RecordKind.CHILD_RECORD
    assert dialog.review_on.date() == QDate(2027, 2, 1)
    area.forget()
    assert dialog.reason.toPlainText() == ""
    for model in (area.queue_model, area.holds_model, area.destroyed_model):
        assert model.rowCount() == 0
    assert area.queue_count.text() == "" and not area.backups.isVisible()
    assert not area.restore_draft(Draft(DraftId(2), "children.add", "Add a child", {}, ""))


def test_nothing_past_its_period(made_vault: VaultUnderTest, qtbot: QtBot) -> None:
    made_vault.session.children.add(ChildDetails("Łucja Nowak", date(2023, 2, 3), date(2025, 9, 1)))
    area = open_area(made_vault.session, qtbot)
    assert area.queue_model.rowCount() == 0 and area.queue_count.text() == NOTHING_DUE
