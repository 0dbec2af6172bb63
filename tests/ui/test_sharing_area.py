"""The Sharing area and its dialogs against a real vault: a key worker records a telephone
request, the DSL's queue and badge, the caller check, the intake's draft through a real lock,
the record view (facts and opinions, corrections, follow-ups), the decision wizard's wiring, and
child-protection files sent on and received.

Core work runs on worker threads, so every check waits for the operations to finish. Any error
that would reach the error dialog fails the test. Fictional people only, in several scripts.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import ClassVar

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app import sharing as sharing_module
from app.children import CarerDetails, ChildDetails, ProfessionalDetails
from app.concerns import ConcernId, NewConcern
from app.drafts import Draft, DraftId
from app.errors import PermissionDenied
from app.policy.permissions import Role
from app.policy.sharing_path import Answer as A
from app.policy.sharing_path import LawfulBasis, SpecialCondition
from app.policy.sharing_path import Question as Q
from app.session import Session
from app.sharing import (
    Channel,
    ChosenItem,
    Direction,
    FamilyTold,
    FollowUpKind,
    Intake,
    NewFollowUp,
    OutcomeDraft,
    ShareRecord,
    ShareStatus,
    Urgency,
)
from tests.conftest import MANAGER_PASSWORD, VaultUnderTest, vault_bytes
from tests.ui.conftest import find, sign_in_through_window, top_level, wait_idle
from ui import operations
from ui.areas.concerns import URGENT
from ui.areas.sharing import FOLLOW_UP_OVERDUE, RECEIPT_OVERDUE, SharingArea
from ui.child_forms import alive
from ui.sharing_forms import (
    AddFollowUpDialog,
    AmendShareDialog,
    FollowUpDoneDialog,
    IntakeDialog,
    ReceiptDialog,
    ShareRecordDialog,
    TransferDialog,
    set_checked,
)
from ui.shell import Shell
from ui.workspace import SHARING, SharingBadge, Workspace

ZOE = "Zoë Okafor"
DMITRI = "Дмитрий Волков"
NGUYEN = "Nguyễn Văn An"
LUCJA = "Łucja Nowak"
SIOBHAN = "Siobhán Murphy"
ALEXANDROS = "Αλέξανδρος Παπαδόπουλος"
SOCIAL_CARE = "Anytown Children's Social Care"
KEY_WORKER_PASSWORD = "marmalade lantern seventeen"
ROLE = Qt.ItemDataRole.UserRole


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


# --- building records through the core ------------------------------------------------------------


def add_child(session: Session, name: str, *, leaving: str | None = None) -> int:
    child = session.children.add(
        ChildDetails(
            legal_name=name,
            date_of_birth="2022-03-01",
            start_date="2024-09-01",
            leaving_date=leaving,
            destination="Anytown Primary School" if leaving else "",
        )
    )
    return int(child.id)


def add_carer(session: Session, child_id: int, name: str = LUCJA) -> int:
    child = session.children.add_carer(child_id, CarerDetails(name, "Mother", True, True))
    return int(next(c.id for c in child.carers if c.full_name == name))


def add_professional(session: Session, child_id: int) -> int:
    child = session.children.add_professional(
        child_id, ProfessionalDetails(agency="Health visiting", full_name=SIOBHAN, role="Health visitor")
    )
    return int(child.professionals[0].id)


def log(session: Session, child_id: int, facts: str, opinion: str = "") -> ConcernId:
    category = session.concerns.categories()[0].id
    seen = session.context.clock.now() - timedelta(hours=2)
    return session.concerns.log(NewConcern(child_id, seen, category, facts, opinion=opinion)).id


def open_request(
    session: Session,
    child_id: int,
    *,
    urgency: Urgency = Urgency.ROUTINE,
    asked_for: str = "Attendance and concerns",
    purpose: str = "Section 47 enquiry",
    minutes_ago: int = 30,
    concern_ids: tuple[int, ...] = (),
) -> ShareRecord:
    now = session.context.clock.now()
    return session.sharing.open(
        Intake(
            direction=Direction.REQUEST,
            received_via=Channel.PHONE,
            received_at=now - timedelta(minutes=minutes_ago),
            child_ids=(child_id,),
            asked_for=asked_for,
            purpose=purpose,
            urgency=urgency,
            requester_org=SOCIAL_CARE,
            requester_name=ALEXANDROS,
            requester_role="Social worker",
            concern_ids=concern_ids,
            phone_number="01632 960 111",
            verified_how="Council switchboard",
            called_back_at=now,
        )
    )


REASONS = "Mum agreed; social care need the attendance pattern for their enquiry."


def finalised(session: Session, child_id: int, concern_id: int, *, follow_up_days: int = 2) -> ShareRecord:
    """The core's whole flow: intake, path, outcome with every shareable item, finalise."""
    record = open_request(session, child_id, concern_ids=(concern_id,))
    answers = {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES, Q.CONFIDENTIAL: A.YES, Q.CHILD_AT_RISK: A.NO}
    record = session.sharing.save_answers(record.id, {**answers, Q.CONSENT: A.GIVEN})
    choices = session.sharing.item_choices(record.id)
    day = session.context.clock.now().astimezone().date()
    session.sharing.save_outcome(
        record.id,
        OutcomeDraft(
            reasons=REASONS,
            lawful_basis=LawfulBasis.CONSENT,
            special_condition=SpecialCondition.NONE,
            recipient_name=ALEXANDROS,
            recipient_org=SOCIAL_CARE,
            recipient_role="Social worker",
            shared_how="Secure email",
            secured_how="Encrypted email",
            shared_on=day,
            family_told=FamilyTold.TOLD,
            items=tuple(ChosenItem(x.key, x.nature) for x in choices if x.shareable),
        ),
    )
    followup = NewFollowUp(FollowUpKind.CONFIRM_RECEIPT, day + timedelta(days=follow_up_days))
    return session.sharing.finalise(record.id, [followup])


# --- driving the window ---------------------------------------------------------------------------


@pytest.fixture
def make_area(qtbot: QtBot) -> Callable[[Session], SharingArea]:
    def make(session: Session) -> SharingArea:
        area = SharingArea(session)
        qtbot.addWidget(area)
        area.show()
        area.opened()
        wait_idle(qtbot)
        return area

    return make


def ok(dialog: QDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def choose(combo: QComboBox, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)


def pick_child(qtbot: QtBot, dialog: QWidget, prefix: str, search: str) -> None:
    find(dialog, QLineEdit, f"{prefix}SearchEdit").setText(search)
    picker = dialog.child_picker if isinstance(dialog, IntakeDialog) else dialog.picker  # type: ignore[attr-defined]
    picker.run_search()
    wait_idle(qtbot)
    results = find(dialog, QListWidget, f"{prefix}Results")
    assert results.count() >= 1 and results.item(0).data(ROLE) is not None
    results.setCurrentRow(0)
    find(dialog, QPushButton, f"{prefix}AddButton").click()
    wait_idle(qtbot)  # the chosen child's carers, concerns and professionals


def listed(listing: QListWidget) -> list[int]:
    return [int(listing.item(r).data(ROLE)) for r in range(listing.count()) if listing.item(r).data(ROLE)]


def ids(model: object) -> list[int]:
    return [int(model.record(r).id) for r in range(model.rowCount())]  # type: ignore[attr-defined]


def view_text(dialog: ShareRecordDialog) -> str:
    return dialog.view.toPlainText()


def every_text(widgets: list[QWidget]) -> list[str]:
    """The text every widget holds, shown or not."""
    texts: list[str] = []
    for widget in widgets:
        texts.append(widget.windowTitle())
        texts.append(widget.accessibleName())
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
        elif isinstance(widget, QListWidget):
            texts.extend(widget.item(i).text() for i in range(widget.count()))
    return texts


def add_key_worker(made_vault: VaultUnderTest) -> None:
    made_vault.add_person("amara", "Amara Nwosu", {Role.KEY_WORKER}, KEY_WORKER_PASSWORD)


def sign_in_key_worker(made_vault: VaultUnderTest) -> Session:
    """Signing someone else in ends the manager's session (one person at a time)."""
    return made_vault.vault.sign_in("amara", KEY_WORKER_PASSWORD)


# --- the intake -----------------------------------------------------------------------------------


def test_a_key_worker_records_a_telephone_request_and_sees_only_their_own(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], SharingArea]
) -> None:
    add_key_worker(made_vault)
    manager = made_vault.session
    zoe = add_child(manager, ZOE)
    carer = add_carer(manager, zoe)
    professional = add_professional(manager, zoe)
    log(manager, zoe, "The DSL's own note about home.")
    key_worker = sign_in_key_worker(made_vault)
    mine = log(key_worker, zoe, "Crying at drop-off again.")

    area = make_area(key_worker)
    assert [area.tabs.tabText(i) for i in range(area.tabs.count())] == ["My requests"]
    assert area.queue is None and area.transfers is None
    find(area, QPushButton, "newRequestButton").click()
    wait_idle(qtbot)
    dialog = top_level("intakeDialog")
    assert isinstance(dialog, IntakeDialog)
    assert dialog.windowTitle() == "Record a request to share information"
    caller = find(dialog, QGroupBox, "callerCheckGroup")
    assert caller.isHidden()  # how it came in is not chosen yet
    choose(find(dialog, QComboBox, "channelCombo"), "phone")
    assert not caller.isHidden()
    assert "call back" in find(dialog, QLabel, "callerGuidance").text()
    find(dialog, QLineEdit, "requesterOrgEdit").setText(SOCIAL_CARE)
    find(dialog, QLineEdit, "requesterNameEdit").setText(ALEXANDROS)
    find(dialog, QLineEdit, "requesterRoleEdit").setText("Social worker")
    find(dialog, QLineEdit, "requesterContactEdit").setText("a.papadopoulos@anytown.example")
    pick_child(qtbot, dialog, "intakeChild", "Zoe")  # folded search: no accent needed
    assert ZOE in find(dialog, QListWidget, "intakeChildChosenList").item(0).text()
    concerns = find(dialog, QListWidget, "intakeConcernsList")
    assert listed(concerns) == [mine]  # a key worker is offered only the concerns she wrote
    assert listed(find(dialog, QListWidget, "intakeCarersList")) == [carer]
    assert listed(find(dialog, QListWidget, "intakeProfessionalsList")) == [professional]
    assert set_checked(concerns, mine)
    assert set_checked(find(dialog, QListWidget, "intakeCarersList"), carer)
    find(dialog, QPlainTextEdit, "askedForEdit").setPlainText("Attendance since Easter and any concerns.")
    find(dialog, QPlainTextEdit, "purposeEdit").setPlainText("Section 47 enquiry")
    choose(find(dialog, QComboBox, "urgencyCombo"), "urgent")
    find(dialog, QLineEdit, "phoneNumberEdit").setText("01632 960 111")
    find(dialog, QLineEdit, "verifiedHowEdit").setText("Rang the council switchboard and was put through")
    find(dialog, QAbstractButton, "calledBackCheck").setChecked(True)
    assert ZOE not in dialog.windowTitle()

    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        ok(dialog)
    wait_idle(qtbot)
    record = saved.args[0]
    assert isinstance(record, ShareRecord) and record.status is ShareStatus.OPEN
    assert record.urgency is Urgency.URGENT and record.received_via is Channel.PHONE
    assert [c.id for c in record.concerns] == [mine] and [c.id for c in record.carers] == [carer]
    assert record.professionals == () and [c.id for c in record.children] == [zoe]
    assert record.phone_number == "01632 960 111" and record.called_back_at is not None
    assert record.requester_contact == "a.papadopoulos@anytown.example"
    assert top_level("intakeDialog") is None
    assert ids(area.mine.model) == [record.id]  # the list refreshed
    with pytest.raises(PermissionDenied):
        key_worker.sharing.queue()

    area.mine.table.selectRow(0)
    area.mine.open_button.click()
    wait_idle(qtbot)
    opened = top_level("shareRecordDialog")
    assert isinstance(opened, ShareRecordDialog) and opened.windowTitle() == "Information-sharing record"
    assert ALEXANDROS in view_text(opened) and "01632 960 111" in view_text(opened)
    assert opened.edit_button.isVisible()  # her own request, still open
    for button in (
        opened.decide_button,
        opened.print_button,
        opened.amend_button,
        opened.add_followup_button,
    ):
        assert not button.isVisible()


def test_my_requests_over_the_years_list_the_newest_and_say_to_search(
    made_vault: VaultUnderTest,
    qtbot: QtBot,
    make_area: Callable[[Session], SharingArea],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sharing_module, "LIST_LIMIT", 2)
    session = made_vault.session
    child = add_child(session, DMITRI)
    opened = [open_request(session, child, minutes_ago=40 - n).id for n in range(3)]
    area = make_area(session)
    area.mine.load()
    wait_idle(qtbot)
    assert ids(area.mine.model) == [opened[2], opened[1]]
    assert area.mine.count.text() == "The first 2 are shown, in this order. Search to find the others."
    assert area.queue is not None and len(ids(area.queue.model)) == 3  # the queue is not cut short
    assert area.queue.count.text() == "3 requests"


def test_the_caller_check_is_needed_for_a_telephone_request(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], SharingArea]
) -> None:
    session = made_vault.session
    dmitri = add_child(session, DMITRI)
    area = make_area(session)
    dialog = area.open_intake_dialog()
    wait_idle(qtbot)
    ok(dialog)  # nothing chosen: the form says what is missing, with the field named
    assert dialog.message.text() == "Say how the request came in: telephone, email, letter …"
    choose(dialog.channel, "phone")
    dialog.requester_org.setText(SOCIAL_CARE)
    dialog.requester_name.setText(ALEXANDROS)
    ok(dialog)
    wait_idle(qtbot)
    assert dialog.message.text() == "What is asked for is needed."
    assert dialog.focusWidget() is dialog.asked_for
    dialog.child_picker.search.setText("Дмитрий")  # QTest types Latin letters only
    QTest.keyClick(dialog.child_picker.search, Qt.Key.Key_Return)  # search now, without waiting
    wait_idle(qtbot)
    QTest.keyClick(dialog.child_picker.search, Qt.Key.Key_Return)  # adds the child found
    wait_idle(qtbot)
    assert dialog.child_picker.ids() == [dmitri]
    assert dialog.message.text() == "What is asked for is needed."  # Return did not save the form
    dialog.asked_for.setPlainText("His attendance this term.")
    ok(dialog)
    wait_idle(qtbot)
    message = find(dialog, QLabel, "intakeDialogMessage")
    assert message.text() == ("Take the caller's number, so you can check it and call back (policy 003 §11).")
    assert dialog.isVisible() and dialog.focusWidget() is dialog.phone_number
    assert dialog.asked_for.toPlainText() == "His attendance this term."  # nothing typed is lost
    assert session.sharing.mine() == []

    choose(dialog.channel, "email")  # not a call: no caller check
    assert find(dialog, QGroupBox, "callerCheckGroup").isHidden()
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        ok(dialog)
    wait_idle(qtbot)
    assert saved.args[0].received_via is Channel.EMAIL and saved.args[0].phone_number == ""

    proactive = area.open_intake_dialog()
    choose(proactive.direction, "proactive")
    assert proactive.channel_value() is Channel.OWN_INITIATIVE
    assert [proactive.channel.itemData(i) for i in range(proactive.channel.count())] == [
        "own_initiative",
        "meeting",
    ]
    assert proactive.requester_group.title().startswith("Who it would go to")
    proactive.reject()


def test_a_half_typed_request_survives_the_lock(
    made_vault: VaultUnderTest, shell: Shell, qtbot: QtBot
) -> None:
    made_vault.sign_in()
    dmitri = add_child(made_vault.session, DMITRI)
    carer = add_carer(made_vault.session, dmitri)
    made_vault.session.close()
    sign_in_through_window(qtbot, shell)  # the manager, who is also the DSL
    area = shell.workspace.open_area(SHARING)  # type: ignore[union-attr]
    assert isinstance(area, SharingArea) and area.queue is not None
    wait_idle(qtbot)
    area.new_button.click()
    dialog = top_level("intakeDialog")
    assert isinstance(dialog, IntakeDialog)
    assert dialog.draft() is None  # untouched: nothing worth keeping
    choose(dialog.channel, "letter")
    pick_child(qtbot, dialog, "intakeChild", "Дмитрий")
    assert set_checked(dialog.carers, carer)
    QTest.keyClicks(dialog.requester_org, "Anytown Police")
    asked = "Any sightings of the uncle at pick-up."
    QTest.keyClicks(dialog.asked_for, asked)
    draft = dialog.draft()
    assert draft is not None and draft.form == "sharing.intake" and DMITRI not in draft.title
    assert draft.fields["child_ids"] == str(dmitri) and draft.fields["carer_ids"] == str(carer)

    again = IntakeDialog(shell.session)  # type: ignore[arg-type]
    qtbot.addWidget(again)
    again.fill(draft.fields)
    assert again.draft() == draft  # the ticks wait for the lists
    wait_idle(qtbot)
    assert again.draft() == draft and again.carers.item(0).checkState() == Qt.CheckState.Checked
    again.reject()
    qtbot.waitUntil(lambda: not alive(again))  # a cancelled form is deleted: no draft, no text

    shell.lock()

    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    texts = every_text(QApplication.allWidgets())
    assert not [t for t in texts if asked in t or "Волков" in t or LUCJA in t]
    raw = vault_bytes(made_vault.folder)
    assert asked.encode() not in raw  # the draft is kept encrypted

    page = shell.window.current_page()
    assert page is not None and page.objectName() == "lockScreen"
    find(page, QLineEdit, "unlockPasswordEdit").setText(MANAGER_PASSWORD)
    find(page, QPushButton, "unlockButton").click()
    qtbot.waitUntil(lambda: top_level("draftOffer") is not None, timeout=10_000)
    offer = top_level("draftOffer")
    assert isinstance(offer, QMessageBox)
    assert "Record a request to share information" in offer.text() and "Волков" not in offer.text()
    next(b for b in offer.buttons() if b.text() == "Open it").click()
    qtbot.waitUntil(lambda: top_level("intakeDialog") is not None, timeout=10_000)
    wait_idle(qtbot)
    restored = top_level("intakeDialog")
    assert isinstance(restored, IntakeDialog) and restored is not dialog
    assert restored.asked_for.toPlainText() == asked and restored.channel_value() is Channel.LETTER
    assert DMITRI in restored.child_picker.chosen.item(0).text()
    assert checked(restored.carers) == [carer]
    assert shell.session is not None and shell.session.drafts.mine() == []  # taken back

    restored.requester_name.setText(ALEXANDROS)
    with qtbot.waitSignal(restored.saved, timeout=10_000) as saved:
        ok(restored)
    wait_idle(qtbot)
    assert saved.args[0].asked_for == asked and saved.args[0].requester_org == "Anytown Police"

    sharing = shell.workspace.area(SHARING)  # type: ignore[union-attr]
    assert isinstance(sharing, SharingArea)
    other = Draft(DraftId(9), "staff.add", "Add a staff member", {}, "")
    assert sharing.restore_draft(other) is False
    assert sharing.restore_draft(Draft(DraftId(10), "sharing.decide", "Decide", {}, "")) is False


def checked(listing: QListWidget) -> list[int]:
    return [
        int(listing.item(r).data(ROLE))
        for r in range(listing.count())
        if listing.item(r).checkState() == Qt.CheckState.Checked
    ]


def test_correcting_an_open_request_from_its_record(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], SharingArea]
) -> None:
    session = made_vault.session
    zoe = add_child(session, ZOE)
    concern = log(session, zoe, "Hungry every morning.")
    record = open_request(session, zoe, concern_ids=(concern,))
    area = make_area(session)
    dialog = area.open_record(record.id)
    wait_idle(qtbot)
    assert dialog.decide_button.isVisible() and dialog.edit_button.isVisible()
    dialog.edit_button.click()
    wait_idle(qtbot)
    edit = top_level("intakeDialog")
    assert isinstance(edit, IntakeDialog) and edit.share_id == record.id
    assert edit.windowTitle() == "Correct an information-sharing request"
    assert edit.asked_for.toPlainText() == "Attendance and concerns"
    assert edit.channel_value() is Channel.PHONE and edit.phone_number.text() == "01632 960 111"
    assert checked(edit.concerns) == [concern] and edit.child_picker.ids() == [zoe]
    assert edit.draft() is not None and edit.draft().fields["share_id"] == str(record.id)  # type: ignore[union-attr]
    read = IntakeDialog(session, share_id=record.id)  # with only the id it reads the record itself
    qtbot.addWidget(read)
    wait_idle(qtbot)
    assert read.draft() == edit.draft()
    read.reject()
    edit.asked_for.setPlainText("Attendance and concerns since January.")
    ok(edit)
    wait_idle(qtbot)
    assert "since January" in view_text(dialog)
    assert session.sharing.get(record.id).asked_for == "Attendance and concerns since January."
    assert ids(area.queue.model) == [record.id]  # type: ignore[union-attr]


# --- the queue and the badge ----------------------------------------------------------------------


def test_the_dsl_sees_urgent_requests_first_and_the_counts(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], SharingArea], qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    add_key_worker(made_vault)
    zoe = add_child(made_vault.session, ZOE)
    routine = open_request(made_vault.session, zoe, minutes_ago=10, asked_for="Dates of attendance")
    urgent = open_request(
        sign_in_key_worker(made_vault),
        zoe,
        urgency=Urgency.URGENT,
        minutes_ago=60,
        purpose="Police welfare check tonight",
    )
    session = made_vault.sign_in()
    area = make_area(session)
    assert [area.tabs.tabText(i) for i in range(area.tabs.count())] == [
        "Queue",
        "My requests",
        "File transfers",
    ]
    model = area.queue.model  # type: ignore[union-attr]
    assert ids(model) == [urgent.id, routine.id]  # urgent first, though it came in earlier
    assert model.index(0, 0).data() == URGENT
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(1, 0).data() == "" and model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(0, model.columnCount() - 1).data() == "Amara Nwosu"
    qtmodeltester.check(model)

    with qtbot.waitSignal(area.counts_changed, timeout=10_000) as counted:
        area.queue.load()  # type: ignore[union-attr]
        wait_idle(qtbot)
    assert counted.args == [SharingBadge(open=2, urgent=1, overdue_followups=0, overdue_transfers=0)]

    area.queue.search.setText("welfare")  # type: ignore[union-attr]
    area.queue.load()  # type: ignore[union-attr]
    wait_idle(qtbot)
    assert ids(model) == [urgent.id] and area.queue.count.text() == "1 request"  # type: ignore[union-attr]

    area.tabs.setCurrentWidget(area.mine)
    wait_idle(qtbot)
    assert ids(area.mine.model) == [routine.id]  # the manager's own, not the key worker's
    qtmodeltester.check(area.mine.model)

    area.queue.table.selectRow(0)  # type: ignore[union-attr]
    qtbot.keyClick(area.queue.table, Qt.Key.Key_Return)  # type: ignore[union-attr]
    wait_idle(qtbot)
    opened = top_level("shareRecordDialog")
    assert isinstance(opened, ShareRecordDialog) and opened.share_id == urgent.id
    assert opened.decide_button.isVisible() and opened.print_button.isVisible()


def test_the_navigation_badge_counts_requests_follow_ups_and_files(
    made_vault: VaultUnderTest, shell: Shell, qtbot: QtBot
) -> None:
    made_vault.sign_in()
    session = made_vault.session
    zoe = add_child(session, ZOE)
    leaver = add_child(session, NGUYEN, leaving="2026-08-31")
    finalised(session, zoe, log(session, zoe, "Bruise on the shin.", "Looked like a fall."))
    open_request(session, zoe, urgency=Urgency.URGENT)
    session.transfers.record_sent(
        leaver, receiving_setting="Anytown Primary School", sent_how="By hand", sent_on=date(2026, 9, 1)
    )
    made_vault.add_person("siobhan", "Siobhán Byrne", {Role.KEY_WORKER}, "amber meadow kettle")
    made_vault.session.close()
    made_vault.clock.advance(8 * 86_400)  # the follow-up and the receipt are overdue now
    sign_in_through_window(qtbot, shell)
    wait_idle(qtbot)
    nav = find(shell.window, QListWidget, "navigation")
    texts = [nav.item(i).text() for i in range(nav.count())]
    assert texts[:2] == ["Home", "Children"] and texts[2] == "Concerns (1 new)"
    assert texts[3] == "Sharing (1 open, 1 urgent, 2 overdue)"
    assert nav.item(3).toolTip() == (
        "Sharing: 1 open request (1 urgent), 1 follow-up overdue, 1 file receipt overdue"
    )
    assert nav.item(3).data(Qt.ItemDataRole.AccessibleTextRole) == nav.item(3).toolTip()
    assert texts[4:] == ["Subject access", "Annual review", "Retention", "Staff", "Settings", "Audit"]
    assert "Zoë" not in " ".join(texts) and "Nguyễn" not in " ".join(texts)  # numbers, never names
    workspace = shell.window.findChild(Workspace)
    assert workspace is not None and workspace.badge_timer.isActive()
    QTest.keyClick(shell.window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert shell.window.windowTitle() == "Sharewise — Sharing"
    QTest.keyClick(shell.window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert shell.window.windowTitle() == "Sharewise — Staff"

    shell.lock()
    page = shell.window.current_page()
    page.findChild(QPushButton, "switchUserButton").click()  # type: ignore[union-attr]
    sign_in_through_window(qtbot, shell, "siobhan", "amber meadow kettle")
    wait_idle(qtbot)
    nav = find(shell.window, QListWidget, "navigation")
    assert [nav.item(i).text() for i in range(nav.count())] == ["Home", "Children", "Concerns", "Sharing"]
    workspace = shell.window.findChild(Workspace)
    assert workspace is not None and not workspace.badge_timer.isActive()  # a key worker: no badge


# --- the record -----------------------------------------------------------------------------------


def test_the_record_shows_facts_and_opinions_and_keeps_corrections_beside_the_original(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], SharingArea]
) -> None:
    session = made_vault.session
    zoe = add_child(session, ZOE)
    concern = log(session, zoe, "A bruise on the left shin, 2 cm.", "Probably from the climbing frame.")
    record = finalised(session, zoe, concern)
    area = make_area(session)
    dialog = area.open_record(record.id)
    wait_idle(qtbot)
    shown = view_text(dialog)
    assert "FACT" in shown and "OPINION" in shown
    assert "A bruise on the left shin, 2 cm." in shown and "Probably from the climbing frame." in shown
    assert "Is there a clear and legitimate purpose for sharing this information?" in shown
    assert "Consent given" in shown and "Article 6(1)(a) consent" in shown
    assert "Zoë Adams" in shown  # decided by the manager, who is also the DSL
    assert ZOE not in dialog.windowTitle()
    assert not dialog.decide_button.isVisible() and not dialog.edit_button.isVisible()  # finalised
    assert dialog.amend_button.isVisible() and dialog.print_button.isVisible()

    dialog.amend_button.click()
    amend = top_level("amendShareDialog")
    assert isinstance(amend, AmendShareDialog)
    amend.choose_part("reasons")
    assert amend.new_text.toPlainText() == REASONS  # prefilled with the current words
    amend.new_text.setPlainText("Mum agreed in writing; social care need the attendance pattern.")
    ok(amend)  # no reason yet
    wait_idle(qtbot)
    assert amend.isVisible() and amend.message.text() == "Reason for the correction is needed."
    amend.reason.setPlainText("She agreed in writing, not on the phone.")
    ok(amend)
    wait_idle(qtbot)
    shown = view_text(dialog)
    assert "Mum agreed in writing; social care need the attendance pattern." in shown
    assert f"As first written: “{REASONS}”" in shown
    assert "She agreed in writing, not on the phone." in shown and "Corrections" in shown
    stored = session.sharing.get(record.id)
    assert stored.reasons == REASONS and stored.current("reasons").startswith("Mum agreed in writing")


def test_a_follow_up_goes_overdue_is_marked_done_and_another_is_added(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], SharingArea]
) -> None:
    session = made_vault.session
    zoe = add_child(session, ZOE)
    record = finalised(session, zoe, log(session, zoe, "Arrived without a coat in the rain."))
    made_vault.clock.advance(3 * 86_400)  # past the follow-up's due date
    area = make_area(session)
    model = area.queue.model  # type: ignore[union-attr]
    assert ids(model) == [record.id]  # decided, but listed: its follow-up is overdue
    assert model.index(0, 0).data() == FOLLOW_UP_OVERDUE and model.index(0, 9).data() == "1 open, 1 overdue"
    dialog = area.open_record(record.id)
    wait_idle(qtbot)
    assert "OVERDUE" in view_text(dialog) and dialog.followup_done_button.isEnabled()

    dialog.followup_done_button.click()
    done = top_level("followUpDoneDialog")
    assert isinstance(done, FollowUpDoneDialog) and done.followup.count() == 1
    done.note.setPlainText(f"Rang {ALEXANDROS}: received and read.")
    ok(done)
    wait_idle(qtbot)
    assert "Done" in view_text(dialog) and "received and read" in view_text(dialog)
    assert not dialog.followup_done_button.isEnabled()
    assert session.sharing.get(record.id).followups[0].done_at is not None
    assert ids(model) == []  # nothing overdue any more: off the queue

    dialog.add_followup_button.click()
    add = top_level("addFollowUpDialog")
    assert isinstance(add, AddFollowUpDialog)
    choose(add.kind, "other")
    ok(add)  # "Other" needs its words
    wait_idle(qtbot)
    assert add.isVisible() and add.message.text() == "What needs doing is needed."
    add.description.setText("Review with the family support worker")
    ok(add)
    wait_idle(qtbot)
    assert "Review with the family support worker" in view_text(dialog)
    assert dialog.followup_done_button.isEnabled()
    assert len(session.sharing.get(record.id).followups) == 2


# --- the decision wizard and the printout (written alongside; stood in for here) --------------------


class FakeWizard(QDialog):
    finalised = Signal(object)
    changed = Signal(object)
    made: ClassVar[list[FakeWizard]] = []

    def __init__(
        self, session: Session, share_id: int, parent: QWidget | None = None, fields: object = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("decisionWizard")
        self.session, self.share_id, self.fields = session, share_id, fields
        FakeWizard.made.append(self)


def test_decide_opens_the_wizard_and_its_drafts_come_back(
    made_vault: VaultUnderTest,
    qtbot: QtBot,
    make_area: Callable[[Session], SharingArea],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wizard_module = types.ModuleType("ui.sharing_wizard")
    wizard_module.DecisionWizard = FakeWizard  # type: ignore[attr-defined]
    printed: list[tuple[object, ...]] = []
    print_module = types.ModuleType("ui.decision_print")
    print_module.print_decision_record = lambda *args: printed.append(args)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ui.sharing_wizard", wizard_module)
    monkeypatch.setitem(sys.modules, "ui.decision_print", print_module)
    FakeWizard.made.clear()
    session = made_vault.session
    zoe = add_child(session, ZOE)
    concern = log(session, zoe, "Said she sleeps in the car.")
    record = open_request(session, zoe, concern_ids=(concern,))
    area = make_area(session)
    dialog = area.open_record(record.id)
    wait_idle(qtbot)
    dialog.decide_button.click()
    [wizard] = FakeWizard.made
    assert wizard.share_id == record.id and wizard.parent() is dialog and wizard.isVisible()

    answered = session.sharing.save_answers(record.id, {Q.PURPOSE: A.NO})
    wizard.changed.emit(answered)
    wait_idle(qtbot)
    assert "Do not share" in view_text(dialog)
    session.sharing.save_outcome(
        record.id, OutcomeDraft(reasons="No legitimate purpose.", discussed_with_requester=True)
    )
    decided = session.sharing.finalise(record.id)
    wizard.finalised.emit(decided)
    wait_idle(qtbot)
    assert not dialog.decide_button.isVisible() and dialog.amend_button.isVisible()
    assert ids(area.queue.model) == []  # type: ignore[union-attr]

    dialog.print_button.click()
    assert printed == [(dialog, session, record.id)]

    fields = {"share_id": str(record.id), "page": "outcome"}
    assert area.restore_draft(Draft(DraftId(1), "sharing.decide", "Decide on a request", fields, ""))
    assert FakeWizard.made[-1].fields == fields and FakeWizard.made[-1].share_id == record.id


# --- file transfers -------------------------------------------------------------------------------


def test_a_file_sent_goes_overdue_after_five_school_days_until_its_receipt(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], SharingArea], qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    session = made_vault.session
    leaver = add_child(session, NGUYEN, leaving="2026-08-31")
    add_child(session, ZOE)  # on roll, not leaving: not offered
    area = make_area(session)
    assert area.transfers is not None
    area.tabs.setCurrentWidget(area.transfers)
    wait_idle(qtbot)
    find(area, QPushButton, "recordSentButton").click()
    wait_idle(qtbot)  # the leavers are listed at once
    dialog = top_level("transferDialog")
    assert isinstance(dialog, TransferDialog) and NGUYEN not in dialog.windowTitle()
    results = find(dialog, QListWidget, "transferChildResults")
    assert listed(results) == [leaver] and "has left" in results.item(0).text()
    assert "separately from the main record" in find(dialog, QLabel, "transferGuidance").text()
    ok(dialog)
    assert dialog.message.text() == "Choose the child whose file was sent."
    pick_child(qtbot, dialog, "transferChild", "Nguyen")
    ok(dialog)  # no setting yet
    wait_idle(qtbot)
    assert dialog.message.text() == "Setting or school is needed." and dialog.isVisible()
    find(dialog, QLineEdit, "receivingSettingEdit").setText("Anytown Primary School")
    find(dialog, QLineEdit, "receivingPersonEdit").setText("Mrs Dmitrieva, DSL")
    find(dialog, QLineEdit, "sentHowEdit").setText("By hand in a sealed envelope, separately")
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        ok(dialog)
    wait_idle(qtbot)
    transfer = saved.args[0]
    assert transfer.child_id == leaver and transfer.sent_on == date(2026, 9, 1)  # a Tuesday
    model = area.transfers.model
    assert ids(model) == [transfer.id] and model.index(0, 0).data() == ""
    assert model.index(0, 6).data() == "08 Sep 2026"  # five school days on
    qtmodeltester.check(model)

    made_vault.clock.advance(7 * 86_400)  # Tuesday 8 September: due today, not overdue yet
    area.load_current()
    wait_idle(qtbot)
    assert model.index(0, 0).data() == ""
    made_vault.clock.advance(86_400)  # Wednesday: overdue
    with qtbot.waitSignal(area.counts_changed, timeout=10_000) as counted:
        area.load_current()
        wait_idle(qtbot)
    assert model.index(0, 0).data() == RECEIPT_OVERDUE
    assert model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert counted.args == [SharingBadge(open=0, urgent=0, overdue_followups=0, overdue_transfers=1)]

    area.transfers.table.selectRow(0)
    find(area, QPushButton, "recordReceiptButton").click()
    receipt = top_level("receiptDialog")
    assert isinstance(receipt, ReceiptDialog) and NGUYEN in find(receipt, QLabel, "receiptSummary").text()
    receipt.note.setPlainText("Confirmed by email from the school's DSL.")
    ok(receipt)
    wait_idle(qtbot)
    assert ids(model) == [] and area.transfers.count.text() == "0 files waiting for a receipt"
    [stored] = session.transfers.for_child(leaver)
    assert stored.received_on == date(2026, 9, 9) and stored.receipt_note.startswith("Confirmed")


# --- the lock -------------------------------------------------------------------------------------


def test_forget_leaves_no_child_name_anywhere(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], SharingArea]
) -> None:
    session = made_vault.session
    zoe = add_child(session, ZOE)
    add_carer(session, zoe)
    record = open_request(session, zoe, urgency=Urgency.URGENT)
    area = make_area(session)
    assert ids(area.queue.model) == [record.id]  # type: ignore[union-attr]
    area.tabs.setCurrentWidget(area.mine)
    wait_idle(qtbot)
    assert ids(area.mine.model) == [record.id]
    dialog = area.open_record(record.id)
    wait_idle(qtbot)
    intake = area.open_intake_dialog()
    pick_child(qtbot, intake, "intakeChild", "Okafor")
    assert "Okafor" in view_text(dialog) and LUCJA in intake.carers.item(0).text()

    area.forget()
    wait_idle(qtbot)
    for page in area.share_lists():
        assert page.model.rowCount() == 0 and page.search.text() == ""
    assert area.transfers is not None and area.transfers.model.rowCount() == 0
    texts = every_text(area.findChildren(QWidget))
    assert not [t for t in texts if "Okafor" in t or LUCJA in t or ALEXANDROS in t]
    assert top_level("shareRecordDialog") is None and top_level("intakeDialog") is None
