"""Information sharing end to end through the real window, with nothing stood in: a key worker
signs in, records a telephone request in the real intake dialog and signs out; the manager (also
the DSL) signs in, finds it at the top of the queue, opens it and decides it in the real decision
wizard, shared without consent and backed by a second DSL signing in on the backing page. And a
request declined, its reasons discussed with the requester, finalised with no backing page.

Core work runs on worker threads, so every step waits for the operations to finish. Any error
that would reach the error dialog fails the test. Fictional people only, in several scripts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.audit import AuditAction, AuditFilter
from app.children import ChildDetails
from app.concerns import NewConcern
from app.policy.permissions import Role
from app.policy.sharing_path import Answer, LawfulBasis, Question, SpecialCondition, Verdict
from app.session import Session
from app.sharing import (
    Channel,
    Direction,
    FamilyTold,
    FollowUpKind,
    Intake,
    Nature,
    ShareRecord,
    ShareStatus,
    Urgency,
)
from tests.conftest import MANAGER_NAME, VaultUnderTest
from tests.ui.conftest import find, sign_in_through_window, top_level, wait_idle
from ui import operations
from ui.areas.concerns import URGENT
from ui.areas.sharing import SharingArea
from ui.child_forms import alive
from ui.sharing_forms import IntakeDialog, ShareRecordDialog, set_checked
from ui.sharing_wizard import DecisionWizard
from ui.shell import Shell
from ui.workspace import SHARING

CHILD = "Łucja Nowak"
OTHER_CHILD = "Nguyễn Thị Mai"
REQUESTER = "Αλέξανδρος Παπαδόπουλος"
SOCIAL_CARE = "Anytown Children's Social Care"
KEY_WORKER = "Siobhán Byrne"
KEY_WORKER_PASSWORD = "marmalade lantern seventeen"
DMITRY = "Дмитрий Иванов"
DMITRY_PASSWORD = "silver kettle mountain"
ROLE = Qt.ItemDataRole.UserRole


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


# --- records made through the core before anyone signs in to the window ---------------------------


def add_child(session: Session, name: str) -> int:
    child = session.children.add(
        ChildDetails(
            legal_name=name, date_of_birth="2022-03-01", start_date="2024-09-01", address="2 Elm Road"
        )
    )
    return int(child.id)


def log(session: Session, child_id: int, facts: str, *, opinion: str = "") -> int:
    category = session.concerns.categories()[0].id
    seen = session.context.clock.now() - timedelta(hours=2)
    return int(session.concerns.log(NewConcern(child_id, seen, category, facts, opinion=opinion)).id)


def routine_request(session: Session, child_id: int, *, minutes_ago: int) -> ShareRecord:
    now = session.context.clock.now()
    return session.sharing.open(
        Intake(
            direction=Direction.REQUEST,
            received_via=Channel.PHONE,
            received_at=now - timedelta(minutes=minutes_ago),
            child_ids=(child_id,),
            asked_for="Her home address",
            purpose="A family court matter",
            urgency=Urgency.ROUTINE,
            requester_org="Anytown Family Mediation",
            requester_name="Gráinne Ó Súilleabháin",
            requester_role="Mediator",
            phone_number="01632 960 333",
            verified_how="Rang the service's published number",
            called_back_at=now,
        )
    )


# --- driving the window ---------------------------------------------------------------------------


def open_sharing(qtbot: QtBot, shell: Shell) -> SharingArea:
    """Click "Sharing" on the navigation, as a person would."""
    nav = find(shell.window, QListWidget, "navigation")
    [row] = [r for r in range(nav.count()) if nav.item(r).text().startswith(SHARING)]
    nav.scrollToItem(nav.item(row))
    QTest.mouseClick(
        nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(nav.item(row)).center()
    )
    wait_idle(qtbot)
    assert shell.workspace is not None
    area = shell.workspace.area(SHARING)
    assert isinstance(area, SharingArea) and area.isVisible()
    assert shell.window.windowTitle() == "Sharewise — Sharing"
    return area


def sign_out(qtbot: QtBot, shell: Shell, session: Session) -> None:
    shell.window.sign_out_action.trigger()
    assert shell.session is None
    qtbot.waitUntil(lambda: not session.is_open, timeout=10_000)  # after its backup, off the UI thread
    page = shell.window.current_page()
    assert page is not None and page.objectName() == "signInPage"


def ok(dialog: QWidget) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def choose(combo: QComboBox, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)


def listed(listing: QListWidget) -> list[int]:
    return [int(listing.item(r).data(ROLE)) for r in range(listing.count()) if listing.item(r).data(ROLE)]


def ids(model: object) -> list[int]:
    return [int(model.record(r).id) for r in range(model.rowCount())]  # type: ignore[attr-defined]


def open_from_queue(qtbot: QtBot, area: SharingArea, share_id: int) -> ShareRecordDialog:
    """Queue tab → select the request's row → "Open…"."""
    assert area.queue is not None and area.tabs.currentWidget() is area.queue
    row = ids(area.queue.model).index(share_id)
    area.queue.table.selectRow(row)
    find(area, QPushButton, "shareQueueOpenButton").click()
    wait_idle(qtbot)
    dialog = top_level("shareRecordDialog")
    assert isinstance(dialog, ShareRecordDialog) and dialog.share_id == share_id
    assert dialog.record is not None and dialog.record.status is ShareStatus.OPEN
    return dialog


def decide(qtbot: QtBot, record: ShareRecordDialog) -> DecisionWizard:
    assert record.decide_button.isVisible() and record.decide_button.isEnabled()
    record.decide_button.click()
    wait_idle(qtbot)
    wizard = top_level("decisionWizard")
    assert isinstance(wizard, DecisionWizard) and wizard.share_id == record.share_id
    return wizard


def page(wizard: DecisionWizard) -> str:
    shown = wizard.pages.currentWidget()
    assert shown is not None
    return shown.objectName()


def click(qtbot: QtBot, wizard: DecisionWizard, name: str) -> None:
    button = find(wizard, QPushButton, name)
    assert button.isVisible() and button.isEnabled(), f"{name} cannot be pressed"
    button.click()
    wait_idle(qtbot)


def answer(qtbot: QtBot, wizard: DecisionWizard, question: Question, choice: Answer) -> None:
    assert page(wizard) == f"questionPage_{question.value}"
    find(wizard, QRadioButton, f"answer_{question.value}_{choice.value}").click()
    click(qtbot, wizard, "nextButton")


def text_of(wizard: QWidget, name: str) -> str:
    return str(find(wizard, QLabel, name).text())


def audit_count(session: Session, action: AuditAction, share_id: int) -> int:
    found = session.audit.entries(limit=1000, where=AuditFilter(action=action.value))
    return sum(1 for e in found if e.subject_id == str(share_id))


# --- the tests ------------------------------------------------------------------------------------


def test_a_key_workers_telephone_request_is_shared_without_consent_backed_and_finalised(
    made_vault: VaultUnderTest, shell: Shell, qtbot: QtBot
) -> None:
    manager = made_vault.sign_in()
    made_vault.add_person("siobhan", KEY_WORKER, {Role.KEY_WORKER}, KEY_WORKER_PASSWORD)
    made_vault.add_person("dmitry", DMITRY, {Role.DSL}, DMITRY_PASSWORD)
    manager = made_vault.session  # add_person signed the manager back in
    kid = add_child(manager, CHILD)
    other = add_child(manager, OTHER_CHILD)
    log(manager, kid, "The DSL's own note about home.")
    routine = routine_request(manager, other, minutes_ago=180)  # came in earlier, but routine
    manager.close()
    key_worker = made_vault.vault.sign_in("siobhan", KEY_WORKER_PASSWORD)
    hers = log(key_worker, kid, "A bruise on the left forearm.", opinion="It looked deliberate.")
    key_worker.close()
    made_vault.clock.advance(60)

    # --- the key worker records the telephone request -------------------------------------------
    session = sign_in_through_window(qtbot, shell, "siobhan", KEY_WORKER_PASSWORD)
    assert session.me.full_name == KEY_WORKER
    area = open_sharing(qtbot, shell)
    assert area.queue is None and [area.tabs.tabText(i) for i in range(area.tabs.count())] == ["My requests"]
    find(area, QPushButton, "newRequestButton").click()
    wait_idle(qtbot)
    intake = top_level("intakeDialog")
    assert isinstance(intake, IntakeDialog) and intake.share_id is None
    choose(find(intake, QComboBox, "channelCombo"), "phone")
    find(intake, QLineEdit, "requesterOrgEdit").setText(SOCIAL_CARE)
    find(intake, QLineEdit, "requesterNameEdit").setText(REQUESTER)
    find(intake, QLineEdit, "requesterRoleEdit").setText("Social worker")
    search = find(intake, QLineEdit, "intakeChildSearchEdit")
    QTest.keyClicks(search, "Lucja")  # typed, accent folded; the search waits for a pause
    results = find(intake, QListWidget, "intakeChildResults")
    qtbot.waitUntil(lambda: bool(listed(results)), timeout=10_000)
    wait_idle(qtbot)
    assert listed(results) == [kid] and CHILD in results.item(0).text()
    results.setCurrentRow(0)
    find(intake, QPushButton, "intakeChildAddButton").click()
    wait_idle(qtbot)  # the chosen child's carers, concerns and professionals
    assert intake.child_picker.ids() == [kid]
    assert CHILD in find(intake, QListWidget, "intakeChildChosenList").item(0).text()
    concerns = find(intake, QListWidget, "intakeConcernsList")
    assert listed(concerns) == [hers]  # a key worker is offered only the concerns she wrote
    assert set_checked(concerns, hers)
    find(intake, QPlainTextEdit, "askedForEdit").setPlainText("Attendance this term and any concerns.")
    find(intake, QPlainTextEdit, "purposeEdit").setPlainText("Section 47 enquiry")
    choose(find(intake, QComboBox, "urgencyCombo"), "urgent")
    find(intake, QLineEdit, "phoneNumberEdit").setText("01632 960 111")
    find(intake, QLineEdit, "verifiedHowEdit").setText("Rang the council switchboard and was put through")
    find(intake, QAbstractButton, "calledBackCheck").setChecked(True)
    with qtbot.waitSignal(intake.saved, timeout=10_000) as saved:
        ok(intake)
    wait_idle(qtbot)
    opened = saved.args[0]
    assert isinstance(opened, ShareRecord) and opened.status is ShareStatus.OPEN
    share_id = int(opened.id)
    assert opened.urgency is Urgency.URGENT and opened.received_via is Channel.PHONE
    assert [c.id for c in opened.concerns] == [hers] and opened.called_back_at is not None
    assert top_level("intakeDialog") is None
    assert ids(area.mine.model) == [share_id]
    sign_out(qtbot, shell, session)
    assert top_level("intakeDialog") is None and top_level("shareRecordDialog") is None

    # --- the DSL finds it at the top of the queue and opens it ----------------------------------
    made_vault.clock.advance(300)
    session = sign_in_through_window(qtbot, shell)
    assert session.me.full_name == MANAGER_NAME
    area = open_sharing(qtbot, shell)
    assert area.queue is not None and area.tabs.currentWidget() is area.queue
    model = area.queue.model
    assert ids(model) == [share_id, int(routine.id)]  # urgent first, though it came in later
    assert model.index(0, 0).data() == URGENT and model.index(1, 0).data() == ""
    assert model.index(0, model.columnCount() - 1).data() == KEY_WORKER
    record = open_from_queue(qtbot, area, share_id)
    shown = record.view.toPlainText()
    assert REQUESTER in shown and "01632 960 111" in shown and CHILD in shown
    assert "NOT CALLED BACK" not in shown and "NOT CHECKED" not in shown
    assert "NOT BACKED" not in shown

    # --- the path: share without consent on a statutory duty ------------------------------------
    wizard = decide(qtbot, record)
    assert page(wizard) == "questionPage_purpose" and CHILD not in wizard.windowTitle()
    answer(qtbot, wizard, Question.PURPOSE, Answer.YES)
    answer(qtbot, wizard, Question.IDENTIFIABLE, Answer.YES)
    answer(qtbot, wizard, Question.CONFIDENTIAL, Answer.YES)
    answer(qtbot, wizard, Question.CHILD_AT_RISK, Answer.YES)
    answer(qtbot, wizard, Question.CONSENT, Answer.NOT_SOUGHT)
    assert page(wizard) == "questionPage_consent"  # the reason is needed first
    reason = find(wizard, QPlainTextEdit, "consentReasonEdit")
    assert reason.isVisible()
    reason.setPlainText("Asking the parent would alert them before the enquiry.")
    click(qtbot, wizard, "nextButton")
    answer(qtbot, wizard, Question.OTHER_REASON, Answer.STATUTORY_DUTY)

    # --- the outcome page -----------------------------------------------------------------------
    assert page(wizard) == "outcomePage"
    assert "Share" in text_of(wizard, "verdictLabel") and "statutory duty" in text_of(wizard, "verdictLabel")
    assert find(wizard, QWidget, "shareFields").isVisible()
    assert find(wizard, QComboBox, "basisCombo").currentData() == LawfulBasis.LEGAL_OBLIGATION.value
    assert find(wizard, QComboBox, "conditionCombo").currentData() == SpecialCondition.SAFEGUARDING.value
    find(wizard, QCheckBox, f"itemCheck_child:{kid}").setChecked(True)
    find(wizard, QCheckBox, f"itemCheck_concern:{hers}:facts").setChecked(True)
    find(wizard, QCheckBox, f"itemCheck_concern:{hers}:opinion").setChecked(True)
    assert find(wizard, QLineEdit, "recipientNameEdit").text() == REQUESTER  # from the requester
    assert find(wizard, QLineEdit, "recipientOrgEdit").text() == SOCIAL_CARE
    find(wizard, QLineEdit, "recipientRoleEdit").setText("Social worker")
    find(wizard, QPlainTextEdit, "sharedHowEdit").setPlainText("Secure email")
    find(wizard, QPlainTextEdit, "securedHowEdit").setPlainText("To the council's verified address")
    day = made_vault.clock.now().astimezone().date()
    find(wizard, QDateEdit, "sharedOnEdit").setDate(QDate(day.year, day.month, day.day))
    find(wizard, QRadioButton, "familyTold_not_told").click()
    family_reason = find(wizard, QPlainTextEdit, "familyReasonEdit")
    assert family_reason.isEnabled()
    family_reason.setPlainText("Telling them would put the child at more risk.")
    find(wizard, QPlainTextEdit, "reasonsEdit").setPlainText("A section 47 enquiry is under way.")
    click(qtbot, wizard, "nextButton")

    # --- the backing page: Дмитрий signs in with his own password -------------------------------
    assert page(wizard) == "backingPage"
    assert find(wizard, QWidget, "backingSignIn").isVisible()
    username = find(wizard, QLineEdit, "backerUsernameEdit")
    password = find(wizard, QLineEdit, "backerPasswordEdit")
    username.setText("dmitry")
    password.setText("not his password")
    find(wizard, QPushButton, "confirmBackingButton").click()
    assert password.text() == ""  # cleared at once
    qtbot.waitUntil(lambda: "not right" in text_of(wizard, "backingMessage"), timeout=10_000)
    wait_idle(qtbot)
    assert text_of(wizard, "backingMessage") == (
        "That username or password is not right, so the decision is not backed."
    )
    assert wizard.record is not None and not wizard.record.backed
    assert "Not backed" in text_of(wizard, "backingResult")
    assert audit_count(session, AuditAction.SHARE_BACKED, share_id) == 0
    assert audit_count(session, AuditAction.SHARE_BACKING_FAILED, share_id) == 1

    username.setText("dmitry")
    password.setText(DMITRY_PASSWORD)
    find(wizard, QPushButton, "confirmBackingButton").click()
    qtbot.waitUntil(lambda: DMITRY in text_of(wizard, "backingResult"), timeout=10_000)
    wait_idle(qtbot)
    assert password.text() == "" and text_of(wizard, "backingMessage") == ""
    assert shell.session is session and session.me.full_name == MANAGER_NAME  # still the manager
    click(qtbot, wizard, "nextButton")

    # --- finalise, with a follow-up -------------------------------------------------------------
    assert page(wizard) == "finalisePage"
    assert text_of(wizard, "missingLabel") == ""
    receipt = find(wizard, QCheckBox, "followUpCheck_confirm_receipt")
    receipt.setChecked(True)
    due = day + timedelta(days=2)
    find(wizard, QDateEdit, "followUpDate_confirm_receipt").setDate(QDate(due.year, due.month, due.day))
    find(wizard, QCheckBox, "followUpCheck_review").setChecked(False)
    with qtbot.waitSignal(wizard.finalised, timeout=10_000):
        find(wizard, QPushButton, "finaliseButton").click()
    wait_idle(qtbot)
    assert not alive(wizard) or not wizard.isVisible()

    # --- the record dialog shows it decided; the queue moves on ---------------------------------
    assert record.isVisible() and record.record is not None and record.record.final
    assert not record.decide_button.isVisible() and not record.edit_button.isVisible()
    assert record.amend_button.isVisible() and record.add_followup_button.isVisible()
    shown = record.view.toPlainText()
    assert DMITRY in shown and "Management backing" in shown and "NOT BACKED" not in shown
    assert "Telling them would put the child at more risk." in shown
    assert "A section 47 enquiry is under way." in shown
    assert ids(model) == [int(routine.id)]

    # --- and the core agrees --------------------------------------------------------------------
    stored = session.sharing.get(share_id)
    assert stored.final and stored.outcome.verdict is Verdict.SHARE and stored.outcome.without_consent
    assert stored.backed_by == DMITRY and stored.backed_at is not None
    assert stored.decided_by == MANAGER_NAME and stored.opened_by == KEY_WORKER
    assert stored.consent_reason == "Asking the parent would alert them before the enquiry."
    assert stored.family_told is FamilyTold.NOT_TOLD
    assert stored.family_reason == "Telling them would put the child at more risk."
    assert stored.recipient_name == REQUESTER and stored.shared_how == "Secure email"
    assert stored.shared_on == day
    assert [i.nature for i in stored.items] == [Nature.FACT, Nature.FACT, Nature.OPINION]
    assert [(f.kind, f.due_date) for f in stored.followups if f.kind is FollowUpKind.CONFIRM_RECEIPT] == [
        (FollowUpKind.CONFIRM_RECEIPT, due)
    ]
    assert FollowUpKind.REVIEW not in {f.kind for f in stored.followups}
    for action in (AuditAction.SHARE_OPENED, AuditAction.SHARE_BACKED, AuditAction.SHARE_FINALISED):
        assert audit_count(session, action, share_id) == 1, action


def test_the_dsl_declines_a_request_discussed_with_the_requester_without_a_backing_page(
    made_vault: VaultUnderTest, shell: Shell, qtbot: QtBot
) -> None:
    manager = made_vault.sign_in()
    made_vault.add_person("dmitry", DMITRY, {Role.DSL}, DMITRY_PASSWORD)  # a backer, not needed
    manager = made_vault.session
    kid = add_child(manager, "Αλέξανδρος Νικολάου")
    share_id = int(routine_request(manager, kid, minutes_ago=45).id)
    manager.close()

    session = sign_in_through_window(qtbot, shell)
    area = open_sharing(qtbot, shell)
    assert area.queue is not None and ids(area.queue.model) == [share_id]
    record = open_from_queue(qtbot, area, share_id)
    wizard = decide(qtbot, record)
    visited: list[str] = []
    wizard.pages.currentChanged.connect(lambda _i: visited.append(page(wizard)))

    answer(qtbot, wizard, Question.PURPOSE, Answer.NO)
    assert page(wizard) == "outcomePage"
    assert text_of(wizard, "verdictLabel") == Verdict.DO_NOT_SHARE.label
    assert not find(wizard, QWidget, "shareFields").isVisible()
    assert find(wizard, QWidget, "declineFields").isVisible()
    find(wizard, QPlainTextEdit, "reasonsEdit").setPlainText(
        "The address is not ours to give for a family court matter."
    )
    find(wizard, QRadioButton, "discussedYesRadio").click()
    find(wizard, QPlainTextEdit, "discussedNoteEdit").setPlainText("Explained why on the call back.")
    click(qtbot, wizard, "nextButton")

    assert page(wizard) == "finalisePage"  # no backing page for a decline
    assert "backingPage" not in visited
    assert text_of(wizard, "missingLabel") == ""
    assert not find(wizard, QCheckBox, "followUpCheck_confirm_receipt").isChecked()
    with qtbot.waitSignal(wizard.finalised, timeout=10_000):
        find(wizard, QPushButton, "finaliseButton").click()
    wait_idle(qtbot)
    assert not alive(wizard) or not wizard.isVisible()

    assert record.isVisible() and record.record is not None and record.record.final
    assert not record.decide_button.isVisible() and record.amend_button.isVisible()
    shown = record.view.toPlainText()
    assert "Reasons discussed with the requester" in shown and "Explained why on the call back." in shown
    assert "Management backing" not in shown
    assert ids(area.queue.model) == []

    stored = session.sharing.get(share_id)
    assert stored.final and stored.outcome.verdict is Verdict.DO_NOT_SHARE
    assert (
        stored.discussed_with_requester is True and stored.discussed_note == "Explained why on the call back."
    )
    assert stored.reasons == "The address is not ours to give for a family court matter."
    assert not stored.backed and stored.backed_by == "" and stored.items == ()
    assert stored.decided_by == MANAGER_NAME
    assert audit_count(session, AuditAction.SHARE_BACKED, share_id) == 0
    assert audit_count(session, AuditAction.SHARE_FINALISED, share_id) == 1
