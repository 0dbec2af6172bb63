"""The Concerns area and its dialogs against a real vault: logging, the queue, the DSL's steps,
corrections, what a key worker sees, the audit of each view, parent contacts, forgetting, and the
step forms' drafts through the real shell's lock and unlock.

Core work runs on worker threads, so every check waits for the operations to finish. Any error
that would reach the error dialog fails the test. Fictional people only, in several scripts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app import concerns as concerns_module
from app.audit import AuditAction, AuditFilter
from app.children import ChildDetails
from app.concerns import ConcernId, ConcernStatus, NewConcern, QueueCounts
from app.drafts import Draft, DraftId
from app.policy.permissions import Role
from app.session import Session
from tests.conftest import MANAGER_PASSWORD, VaultUnderTest, vault_bytes
from tests.ui.conftest import find, sign_in_through_window, top_level, wait_idle
from ui import operations
from ui.areas.concerns import OVERDUE, URGENT, ConcernsArea
from ui.concern_categories import CategoriesDialog
from ui.concern_forms import (
    AddActionDialog,
    AmendDialog,
    CloseConcernDialog,
    CompleteActionDialog,
    ConcernDialog,
    LogConcernDialog,
    ReviewDialog,
)
from ui.shell import Shell

ZOE = "Zoë Okafor"
DMITRI = "Дмитрий Волков"
AIKO = "山田 愛子"
KEY_WORKER_PASSWORD = "marmalade lantern seventeen"


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


def add_child(session: Session, name: str, born: str = "2023-03-01") -> int:
    child = session.children.add(ChildDetails(legal_name=name, date_of_birth=born, start_date="2025-09-01"))
    return int(child.id)


def log(session: Session, child_id: int, facts: str, *, urgent: bool = False, source: str = "") -> ConcernId:
    category = session.concerns.categories()[0].id
    seen = session.context.clock.now() - timedelta(hours=1)
    concern = session.concerns.log(
        NewConcern(child_id, seen, category, facts, urgent=urgent, third_party_source=source)
    )
    return concern.id


@pytest.fixture
def make_area(qtbot: QtBot) -> Callable[[Session], ConcernsArea]:
    def make(session: Session) -> ConcernsArea:
        area = ConcernsArea(session)
        qtbot.addWidget(area)
        area.show()
        area.opened()
        wait_idle(qtbot)
        return area

    return make


def ok(dialog: QDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def choose_child(qtbot: QtBot, dialog: LogConcernDialog, search: str) -> None:
    dialog.chooser.search.setText(search)
    dialog.chooser.run_search()
    wait_idle(qtbot)
    assert dialog.chooser.results.count() >= 1
    dialog.chooser.results.setCurrentRow(0)


def open_concern(qtbot: QtBot, area: ConcernsArea, concern_id: int) -> ConcernDialog:
    dialog = area.open_concern(concern_id)
    wait_idle(qtbot)
    assert dialog.concern is not None
    return dialog


def view_text(dialog: ConcernDialog) -> str:
    return dialog.view.toPlainText()


def test_logging_a_concern_keeps_facts_words_and_opinion_apart(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    session = made_vault.session
    child_id = add_child(session, ZOE)
    add_child(session, DMITRI)
    area = make_area(session)
    dialog = area.open_log_dialog()
    wait_idle(qtbot)
    assert top_level("logConcernDialog") is dialog
    assert ZOE not in dialog.windowTitle()
    assert "secret" in dialog.findChild(QLabel, "secretReminder").text()

    choose_child(qtbot, dialog, "Zoe")  # folded search: no accent needed
    assert dialog.chooser.child_id == child_id
    assert ZOE in dialog.chooser.chosen.text()
    dialog.category.setCurrentIndex(2)
    chosen = session.concerns.categories()[1]
    assert dialog.guidance.text() == chosen.guidance
    dialog.facts.setPlainText("A bruise on the left forearm, about 3 cm, yellow-green.")
    dialog.child_words.setPlainText("Daddy grabbed me.")
    dialog.opinion.setPlainText("It looked older than the weekend.")
    dialog.action_taken.setPlainText("Told the DSL at once.")
    dialog.dsl_told.setChecked(True)
    dialog.urgent.setChecked(True)
    ok(dialog)
    wait_idle(qtbot)
    assert not dialog.isVisible()
    assert dialog.draft() is None  # saved: nothing to keep at lock

    [summary] = session.concerns.mine()
    concern = session.concerns.get(summary.id)
    assert concern.child_id == child_id and concern.category == chosen.name and concern.urgent
    assert concern.facts == "A bruise on the left forearm, about 3 cm, yellow-green."
    assert concern.child_words == "Daddy grabbed me."
    assert concern.opinion == "It looked older than the weekend."
    assert concern.action_taken == "Told the DSL at once."
    assert concern.dsl_told_at is not None and concern.author_id == session.me.id
    assert area.queue is not None and area.queue.model.rowCount() == 1  # the list refreshed


def test_a_future_time_is_refused_inline_and_nothing_typed_is_lost(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    add_child(made_vault.session, AIKO)
    area = make_area(made_vault.session)
    dialog = area.open_log_dialog()
    wait_idle(qtbot)
    ok(dialog)  # nothing chosen yet
    assert dialog.message.text() == "Choose the child this concern is about."
    choose_child(qtbot, dialog, "愛子")
    dialog.category.setCurrentIndex(1)
    dialog.facts.setPlainText("Arrived without a coat in the rain.")
    dialog.opinion.setPlainText("Possibly neglect.")
    dialog.seen.setDateTime(dialog.seen.dateTime().addDays(1))
    ok(dialog)
    wait_idle(qtbot)
    message = dialog.findChild(QLabel, "logConcernMessage")
    assert dialog.isVisible() and "in the future" in message.text()
    focused = dialog.focusWidget()
    assert focused is dialog.seen or dialog.seen.isAncestorOf(focused)
    assert dialog.facts.toPlainText() == "Arrived without a coat in the rain."
    assert dialog.opinion.toPlainText() == "Possibly neglect."
    assert made_vault.session.concerns.mine() == []

    dialog.seen.setDateTime(dialog.seen.dateTime().addDays(-1))
    dialog.facts.setPlainText("w" * 9_999 + ".")  # a 10,000-character note
    ok(dialog)
    wait_idle(qtbot)
    assert not dialog.isVisible()
    [summary] = made_vault.session.concerns.mine()
    assert len(made_vault.session.concerns.get(summary.id).facts) == 10_000


def test_a_half_filled_form_round_trips_through_its_draft(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    child_id = add_child(made_vault.session, DMITRI)
    area = make_area(made_vault.session)
    dialog = area.open_log_dialog()
    wait_idle(qtbot)
    assert dialog.draft() is None  # untouched: not worth keeping
    choose_child(qtbot, dialog, "Дмитрий")
    dialog.category.setCurrentIndex(3)
    dialog.facts.setPlainText("Fell asleep at lunch\nthree days running.")
    dialog.opinion.setPlainText("Tired, not ill.")
    dialog.urgent.setChecked(True)
    dialog.third_party.setChecked(True)
    dialog.third_party_source.setText("Health visitor")
    dialog.seen.setDateTime(dialog.seen.dateTime().addSecs(-3600))
    draft = dialog.draft()
    assert draft is not None and draft.form == "concerns.log" and DMITRI not in draft.title
    assert draft.fields["child_id"] == str(child_id)

    again = LogConcernDialog(made_vault.session)
    qtbot.addWidget(again)
    again.fill(draft.fields)
    wait_idle(qtbot)
    assert again.draft() == draft
    assert DMITRI in again.chooser.chosen.text()

    dialog.reject()
    assert dialog.draft() is None  # cancelled on purpose: nothing to keep

    assert area.restore_draft(Draft(DraftId(1), draft.form, draft.title, draft.fields, "")) is True
    wait_idle(qtbot)
    restored = top_level("logConcernDialog")
    assert isinstance(restored, LogConcernDialog) and restored is not dialog
    assert restored.draft() == draft
    assert area.restore_draft(Draft(DraftId(2), "staff.add", "Add a staff member", {}, "")) is False


def test_the_queue_lists_urgent_first_and_highlights_overdue(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea], qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    session = made_vault.session
    zoe, aiko = add_child(session, ZOE), add_child(session, AIKO)
    calm = log(session, zoe, "Quiet at drop-off.")
    later = log(session, aiko, "Said she is scared to go home.", urgent=True)
    reviewed = log(session, zoe, "Hungry every morning.")
    session.concerns.review(reviewed, note="Talk to mum on Friday.", review_date=date(2026, 9, 4))

    area = make_area(session)
    assert area.tabs.tabText(0) == "Queue"
    model = area.queue.model  # type: ignore[union-attr]
    assert [model.record(r).id for r in range(3)] == [later, calm, reviewed]
    assert model.index(0, 0).data() == URGENT
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(2, 0).data() == ""
    qtmodeltester.check(model)

    area.queue.table.selectRow(0)  # type: ignore[union-attr]
    qtbot.keyClick(area.queue.table, Qt.Key.Key_Return)  # type: ignore[union-attr]
    wait_idle(qtbot)
    opened = top_level("concernDialog")
    assert isinstance(opened, ConcernDialog) and opened.concern_id == later
    opened.reject()

    made_vault.clock.advance(5 * 86_400)  # past the review date
    with qtbot.waitSignal(area.counts_changed, timeout=10_000) as counted:
        area.queue.load()  # type: ignore[union-attr]
        wait_idle(qtbot)
    assert counted.args == [QueueCounts(new=2, urgent=1, overdue=1)]
    row = next(r for r in range(3) if model.record(r).id == reviewed)
    assert model.index(row, 0).data() == OVERDUE
    assert model.index(row, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(row, 1).data(Qt.ItemDataRole.ForegroundRole) is not None

    area.queue.search.setText("scared")  # type: ignore[union-attr]
    area.queue.load()  # type: ignore[union-attr]
    wait_idle(qtbot)
    assert [model.record(r).id for r in range(model.rowCount())] == [later]
    assert area.queue.count.text() == "1 concern"  # type: ignore[union-attr]


def test_a_search_with_too_many_matches_asks_for_more_words(
    made_vault: VaultUnderTest,
    qtbot: QtBot,
    make_area: Callable[[Session], ConcernsArea],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(concerns_module, "SEARCH_LIMIT", 2)
    session = made_vault.session
    child = add_child(session, ZOE)
    for _ in range(3):
        log(session, child, "Hungry at breakfast.")
    area = make_area(session)
    wait_idle(qtbot)
    area.queue.search.setText("hungry")  # type: ignore[union-attr]
    area.queue.load()  # type: ignore[union-attr]
    wait_idle(qtbot)
    assert area.queue.model.rowCount() == 2  # type: ignore[union-attr]
    assert "Type more words" in area.queue.count.text()  # type: ignore[union-attr]


def test_a_long_queue_lists_the_most_pressing_first_and_says_to_search(
    made_vault: VaultUnderTest,
    qtbot: QtBot,
    make_area: Callable[[Session], ConcernsArea],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ten years' open concerns are too many to list at once: with nothing typed the queue shows
    the first LIST_LIMIT in its order (urgent first) and says so; a search still finds the rest."""
    monkeypatch.setattr(concerns_module, "LIST_LIMIT", 3)
    session = made_vault.session
    child = add_child(session, ZOE)
    calm = [log(session, child, f"Tired after lunch, day {day}.") for day in range(4)]
    urgent = log(session, child, "Bruise on the cheek.", urgent=True)
    area = make_area(session)
    wait_idle(qtbot)
    queue = area.queue
    assert queue is not None
    listed = [int(queue.model.record(row).id) for row in range(queue.model.rowCount())]  # type: ignore[union-attr]
    assert listed == [urgent, calm[3], calm[2]]
    assert queue.count.text() == "The first 3 are shown, in this order. Search to find the others."
    queue.search.setText("day 0")
    queue.load()
    wait_idle(qtbot)
    assert [int(queue.model.record(row).id) for row in range(queue.model.rowCount())] == [calm[0]]  # type: ignore[union-attr]
    assert queue.count.text() == "1 concern"


def test_reviewing_acting_and_closing_through_the_concern_dialog(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    session = made_vault.session
    made_vault.add_person("amara", "Amara Nwosu", {Role.KEY_WORKER}, KEY_WORKER_PASSWORD)
    session = made_vault.session
    concern_id = log(session, add_child(session, ZOE), "Scratch on cheek.")
    area = make_area(session)
    changes: list[object] = []
    dialog = area.open_concern(concern_id)
    dialog._on_changed = lambda c: (changes.append(c), area._changed(c))  # type: ignore[method-assign]
    wait_idle(qtbot)
    assert dialog.windowTitle() == "Concern" and ZOE in view_text(dialog)
    assert dialog.review_button.isVisible() and not dialog.consent_button.isVisible()

    dialog.review_button.click()
    review = top_level("reviewDialog")
    assert review is not None
    review.note.setPlainText("Spoke to dad; he says the cat.")
    review.review_date.setDate(QDate(2026, 9, 10))
    ok(review)
    wait_idle(qtbot)
    assert "he says the cat" in view_text(dialog) and "Reviewed, open" in view_text(dialog)

    dialog.add_action_button.click()
    wait_idle(qtbot)
    add = top_level("addActionDialog")
    add.description.setPlainText("Check the cheek again on Monday.")
    add.assignee.setCurrentIndex(add.assignee.findText("Amara Nwosu"))
    add.due.setDate(QDate(2026, 9, 7))
    ok(add)
    wait_idle(qtbot)
    assert "Check the cheek again" in view_text(dialog) and "Amara Nwosu" in view_text(dialog)

    dialog.close_button.click()
    closing = top_level("closeConcernDialog")
    closing.outcome.setPlainText("Healed; no further concern.")
    ok(closing)
    wait_idle(qtbot)
    assert closing.isVisible()
    assert closing.findChild(QLabel, "closeConcernDialogMessage").text().startswith("1 action is still open")
    assert closing.outcome.toPlainText() == "Healed; no further concern."
    closing.reject()

    made_vault.clock.advance(10 * 86_400)  # the action is now overdue
    dialog.show_concern(dialog.concern)  # type: ignore[arg-type]
    assert "OVERDUE" in view_text(dialog)
    dialog.done_button.click()
    done = top_level("completeActionDialog")
    done.note.setPlainText("Looked fine.")
    ok(done)
    wait_idle(qtbot)
    dialog.close_button.click()
    closing = top_level("closeConcernDialog")
    closing.outcome.setPlainText("Healed; no further concern.")
    ok(closing)
    wait_idle(qtbot)
    assert not closing.isVisible()
    assert dialog.concern is not None and dialog.concern.status is ConcernStatus.CLOSED
    assert "Healed; no further concern." in view_text(dialog) and "Looked fine." in view_text(dialog)
    assert not dialog.review_button.isEnabled() and not dialog.close_button.isEnabled()
    assert len(changes) == 4
    stored = session.concerns.get(concern_id)
    assert stored.outcome == "Healed; no further concern." and len(stored.reviews) == 1


def test_a_correction_shows_the_original_the_new_text_and_the_reason(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    session = made_vault.session
    concern_id = log(session, add_child(session, DMITRI), "Bruise on the right knee.")
    area = make_area(session)
    dialog = open_concern(qtbot, area, concern_id)
    dialog.amend_button.click()
    amend = top_level("amendDialog")
    assert amend.new_text.toPlainText() == "Bruise on the right knee."  # prefilled
    amend.new_text.setPlainText("Bruise on the left knee.")
    ok(amend)  # no reason yet
    wait_idle(qtbot)
    assert amend.isVisible() and amend.message.text()
    amend.reason.setPlainText("I wrote the wrong side.")
    ok(amend)
    wait_idle(qtbot)
    shown = view_text(dialog)
    assert "Bruise on the left knee." in shown
    assert "As first written: “Bruise on the right knee.”" in shown
    assert "I wrote the wrong side." in shown
    stored = session.concerns.get(concern_id)
    assert (
        stored.facts == "Bruise on the right knee." and stored.current("facts") == "Bruise on the left knee."
    )


def test_agency_information_is_flagged_until_consent_is_recorded(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    session = made_vault.session
    concern_id = log(session, add_child(session, AIKO), "Police attended the home.", source="Police")
    area = make_area(session)
    dialog = open_concern(qtbot, area, concern_id)
    assert "not to be shared without that agency's consent" in view_text(dialog).lower()
    assert dialog.consent_button.isVisible()
    dialog.consent_button.click()
    box = top_level("confirmDialog")
    next(b for b in box.buttons() if b.text() == "Record consent").click()
    wait_idle(qtbot)
    assert session.concerns.get(concern_id).shareable
    assert not dialog.consent_button.isVisible()


def test_a_key_worker_sees_no_queue_and_only_their_own_concerns(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    made_vault.add_person("amara", "Amara Nwosu", {Role.KEY_WORKER}, KEY_WORKER_PASSWORD)
    zoe = add_child(made_vault.session, ZOE)
    log(made_vault.session, zoe, "The manager's own concern.")
    key_worker = made_vault.vault.sign_in("amara", KEY_WORKER_PASSWORD)
    mine = log(key_worker, zoe, "Crying at nappy change.")

    area = make_area(key_worker)
    titles = [area.tabs.tabText(i) for i in range(area.tabs.count())]
    assert titles == ["My concerns", "Parent contacts"] and area.queue is None
    assert not area.categories_button.isVisibleTo(area)
    assert [area.mine.model.record(r).id for r in range(area.mine.model.rowCount())] == [mine]
    dialog = open_concern(qtbot, area, mine)
    assert dialog.amend_button.isVisible()  # the author may correct
    assert not dialog.review_button.isVisible() and not dialog.close_button.isVisible()


def test_each_opening_of_a_concern_is_audited(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    session = made_vault.session
    concern_id = log(session, add_child(session, ZOE), "Late collection again.")
    area = make_area(session)

    def views() -> int:
        found = session.audit.entries(limit=1000, where=AuditFilter(action=AuditAction.CONCERN_VIEWED.value))
        return sum(1 for e in found if e.subject_id == str(concern_id))

    before = views()
    for _ in range(2):
        dialog = open_concern(qtbot, area, concern_id)
        dialog.reject()
    assert views() == before + 2


def test_an_anonymous_parent_contact(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea], qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    session = made_vault.session
    child_id = add_child(session, AIKO)
    area = make_area(session)
    area.tabs.setCurrentWidget(area.contacts)
    wait_idle(qtbot)
    area.contacts.log_button.click()
    dialog = top_level("parentContactDialog")
    dialog.who.setText("Someone")
    dialog.anonymous.setChecked(True)
    assert dialog.who.text() == "" and not dialog.who.isEnabled()
    dialog.about.setPlainText("Worried about shouting heard next door.")
    dialog.chooser.search.setText("山田")
    dialog.chooser.run_search()
    wait_idle(qtbot)
    dialog.chooser.results.setCurrentRow(0)
    draft = dialog.draft()
    assert draft is not None and draft.form == "concerns.parent_contact" and draft.fields["anonymous"] == "1"
    ok(dialog)
    wait_idle(qtbot)
    assert not dialog.isVisible()
    [contact] = session.parent_contacts.entries()
    assert contact.anonymous and contact.child_id == child_id
    model = area.contacts.model
    assert model.rowCount() == 1 and model.index(0, 2).data() == "Anonymous"
    qtmodeltester.check(model)


def test_a_named_parent_contact_needs_a_name_or_the_anonymous_box(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    area = make_area(made_vault.session)
    dialog = area.open_parent_contact_dialog()
    dialog.about.setPlainText("Asked about the new pick-up rules.")
    ok(dialog)
    assert "Anonymous" in dialog.message.text() and dialog.isVisible()
    dialog.who.setText("Grace Mensah (mother)")
    dialog.kind.setCurrentIndex(dialog.kind.findData("visit"))
    ok(dialog)
    wait_idle(qtbot)
    [contact] = made_vault.session.parent_contacts.entries()
    assert (
        contact.who == "Grace Mensah (mother)" and contact.kind.value == "visit" and contact.child_id is None
    )


def test_the_manager_adds_renames_and_retires_categories(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea], qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    session = made_vault.session
    area = make_area(session)
    assert area.categories_button.isVisible()
    area.categories_button.click()
    dialog = top_level("categoriesDialog")
    assert isinstance(dialog, CategoriesDialog)
    wait_idle(qtbot)
    count = dialog.model.rowCount()
    dialog.name.setText("Online safety")
    dialog.guidance.setPlainText("What was seen on which device.")
    dialog.add_button.click()
    wait_idle(qtbot)
    assert dialog.model.rowCount() == count + 1
    assert dialog.selected() is not None and dialog.selected().name == "Online safety"
    dialog.name.setText("Online and phone safety")
    dialog.save_button.click()
    wait_idle(qtbot)
    assert dialog.selected().name == "Online and phone safety"
    dialog.retire_button.click()
    wait_idle(qtbot)
    assert not dialog.selected().active and dialog.retire_button.text() == "&Restore"
    assert "Online and phone safety" not in [c.name for c in session.concerns.categories()]
    dialog.name.setText("Injury or mark")  # a name already used
    dialog.add_button.click()
    wait_idle(qtbot)
    assert "already a category" in dialog.message.text()
    qtmodeltester.check(dialog.model)


def test_forget_leaves_no_child_name_anywhere(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea], qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    session = made_vault.session
    zoe = add_child(session, ZOE)
    concern_id = log(session, zoe, "Said Zoë Okafor's brother hits her.", urgent=True)
    area = make_area(session)
    area.queue.search.setText("Okafor")  # type: ignore[union-attr]
    area.queue.load()  # type: ignore[union-attr]
    wait_idle(qtbot)
    assert area.queue.model.rowCount() == 1  # type: ignore[union-attr]
    qtmodeltester.check(area.queue.model)  # type: ignore[union-attr]
    area.tabs.setCurrentWidget(area.mine)
    wait_idle(qtbot)
    qtmodeltester.check(area.mine.model)
    dialog = open_concern(qtbot, area, concern_id)
    log_dialog = area.open_log_dialog()
    choose_child(qtbot, log_dialog, "Zoë")
    assert ZOE in view_text(dialog)

    area.forget()
    for page in area.concern_lists():
        assert page.model.rowCount() == 0 and page.search.text() == ""
    assert area.contacts.model.rowCount() == 0
    texts: list[str] = []
    for widget in area.findChildren(QWidget):
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit | QTextBrowser):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
        texts.append(widget.windowTitle())
        texts.append(widget.accessibleName())
    assert not [t for t in texts if "Zoë" in t or "Okafor" in t]
    assert not dialog.isVisible() and not log_dialog.isVisible()


def test_times_are_shown_in_local_time_and_stored_with_a_zone(
    made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    from ui.concern_forms import from_qdatetime, to_qdatetime

    now = made_vault.clock.now()
    back = from_qdatetime(to_qdatetime(now))
    assert back.tzinfo is not None and back == now
    assert isinstance(back, datetime)


def test_a_concern_logged_from_a_childs_record_has_the_child_fixed(
    made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    session = made_vault.session
    child_id = add_child(session, DMITRI)
    logged: list[object] = []
    dialog = LogConcernDialog(session, child_id=child_id, on_logged=logged.append)
    qtbot.addWidget(dialog)
    dialog.open()
    wait_idle(qtbot)
    assert dialog.chooser.fixed and not dialog.chooser.search.isVisible()
    assert DMITRI in dialog.chooser.chosen.text() and DMITRI not in dialog.windowTitle()
    dialog.category.setCurrentIndex(1)
    dialog.facts.setPlainText("Limping at arrival.")
    assert dialog.draft().fields["child_id"] == str(child_id)  # type: ignore[union-attr]
    ok(dialog)
    wait_idle(qtbot)
    assert len(logged) == 1 and session.concerns.for_child(child_id)[0].id == logged[0].id  # type: ignore[attr-defined]


# --- the step forms' drafts -----------------------------------------------------------------------

OUTCOME = "Healed well; mum agreed to a GP check-up."


def every_text(widgets: list[QWidget]) -> list[str]:
    """The text every widget holds, shown or not."""
    texts: list[str] = []
    for widget in widgets:
        texts.append(widget.windowTitle())
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
    return texts


def test_the_lock_keeps_a_half_typed_outcome_and_unlocking_brings_it_back(
    made_vault: VaultUnderTest, shell: Shell, qtbot: QtBot
) -> None:
    made_vault.sign_in()
    concern_id = log(made_vault.session, add_child(made_vault.session, ZOE), "Scratch on the cheek.")
    made_vault.session.close()
    sign_in_through_window(qtbot, shell)  # the manager, who is also the DSL
    area = shell.workspace.open_area("Concerns")  # type: ignore[union-attr]
    assert isinstance(area, ConcernsArea) and area.queue is not None
    wait_idle(qtbot)
    area.queue.table.selectRow(0)
    area.queue.open_button.click()
    wait_idle(qtbot)
    opened = top_level("concernDialog")
    assert isinstance(opened, ConcernDialog) and opened.concern_id == concern_id
    opened.close_button.click()
    closing = top_level("closeConcernDialog")
    assert isinstance(closing, CloseConcernDialog)
    QTest.keyClicks(closing.outcome, OUTCOME)
    assert closing.outcome.toPlainText() == OUTCOME

    shell.lock()

    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    assert top_level("closeConcernDialog") is None and top_level("concernDialog") is None
    texts = every_text(QApplication.allWidgets())
    assert not [t for t in texts if OUTCOME in t or "Okafor" in t]  # the child; Zoë Adams is the DSL
    raw = vault_bytes(made_vault.folder)
    assert OUTCOME.encode() not in raw  # the draft is kept encrypted

    page = shell.window.current_page()
    assert page is not None and page.objectName() == "lockScreen"
    find(page, QLineEdit, "unlockPasswordEdit").setText(MANAGER_PASSWORD)
    find(page, QPushButton, "unlockButton").click()
    qtbot.waitUntil(lambda: top_level("draftOffer") is not None, timeout=10_000)
    offer = top_level("draftOffer")
    assert isinstance(offer, QMessageBox)
    assert "Close the concern" in offer.text() and "Okafor" not in offer.text()
    next(b for b in offer.buttons() if b.text() == "Open it").click()
    qtbot.waitUntil(lambda: top_level("closeConcernDialog") is not None, timeout=10_000)
    wait_idle(qtbot)
    restored = top_level("closeConcernDialog")
    assert isinstance(restored, CloseConcernDialog) and restored is not closing
    assert restored.outcome.toPlainText() == OUTCOME and restored.concern.id == concern_id
    reopened = top_level("concernDialog")
    assert isinstance(reopened, ConcernDialog) and ZOE in view_text(reopened)
    assert shell.session is not None and shell.session.drafts.mine() == []  # taken back

    ok(restored)  # and it can be finished
    wait_idle(qtbot)
    assert not restored.isVisible() and restored.draft() is None
    stored = shell.session.concerns.get(concern_id)
    assert stored.status is ConcernStatus.CLOSED and stored.outcome == OUTCOME


StepSetup = Callable[[QDialog], None]
STEP_DIALOGS = (AmendDialog, ReviewDialog, AddActionDialog, CompleteActionDialog, CloseConcernDialog)


def _amend(dialog: QDialog) -> None:
    assert isinstance(dialog, AmendDialog)
    dialog.choose_part("child_words")
    assert dialog.draft() is None  # choosing a part is not typing
    dialog.new_text.setPlainText("“I fell off the slide,” she said.")
    dialog.reason.setPlainText("I left out her words.")


def _review(dialog: QDialog) -> None:
    assert isinstance(dialog, ReviewDialog)
    dialog.review_date.setDate(QDate(2026, 10, 2))
    assert dialog.draft() is None  # a date alone is not worth keeping
    dialog.note.setPlainText("Spoke to Дмитрий's grandmother.\nNo further worry.")


def _action(dialog: QDialog) -> None:
    assert isinstance(dialog, AddActionDialog)
    dialog.assignee.setCurrentIndex(dialog.assignee.findText("Amara Nwosu"))
    dialog.due.setDate(QDate(2026, 9, 30))
    assert dialog.draft() is None
    dialog.description.setPlainText("Ring the health visitor.")


def _action_done(dialog: QDialog) -> None:
    assert isinstance(dialog, CompleteActionDialog)
    dialog.action.setCurrentIndex(1)  # the second open action
    dialog.note.setPlainText("Rang; 山田 visits on Tuesday.")


def _close(dialog: QDialog) -> None:
    assert isinstance(dialog, CloseConcernDialog)
    dialog.outcome.setPlainText("Nothing more to do.")


STEPS: list[tuple[str, str, str, StepSetup, set[str]]] = [
    ("amend_button", "amendDialog", "concerns.amend", _amend, {"field", "new_text", "reason"}),
    ("review_button", "reviewDialog", "concerns.review", _review, {"note", "review_date", "use_review_date"}),
    (
        "add_action_button",
        "addActionDialog",
        "concerns.action",
        _action,
        {"description", "assigned_to", "due_date"},
    ),
    ("done_button", "completeActionDialog", "concerns.action_done", _action_done, {"action_id", "note"}),
    ("close_button", "closeConcernDialog", "concerns.close", _close, {"outcome"}),
]


@pytest.mark.parametrize(("button", "name", "form", "fill_in", "keys"), STEPS, ids=[s[2] for s in STEPS])
def test_each_step_form_keeps_a_draft_that_comes_back(
    made_vault: VaultUnderTest,
    qtbot: QtBot,
    make_area: Callable[[Session], ConcernsArea],
    button: str,
    name: str,
    form: str,
    fill_in: StepSetup,
    keys: set[str],
) -> None:
    amara = made_vault.add_person("amara", "Amara Nwosu", {Role.KEY_WORKER}, KEY_WORKER_PASSWORD)
    session = made_vault.session  # the manager, signed in again
    concern_id = log(session, add_child(session, ZOE), "Scratch on cheek.")
    for what in ("Check the cheek on Monday.", "Ask about the cat."):
        session.concerns.add_action(
            concern_id, description=what, assigned_to=amara, due_date=date(2026, 9, 20)
        )
    area = make_area(session)
    concern_dialog = open_concern(qtbot, area, concern_id)
    getattr(concern_dialog, button).click()
    wait_idle(qtbot)
    dialog = top_level(name)
    assert isinstance(dialog, STEP_DIALOGS)
    assert dialog.draft() is None  # untouched: nothing worth keeping
    fill_in(dialog)
    draft = dialog.draft()
    assert draft is not None and draft.form == form
    assert draft.fields["concern_id"] == str(concern_id) and set(draft.fields) == keys | {"concern_id"}
    assert draft.title == dialog.windowTitle() and "Okafor" not in draft.title

    # the same kind of form, filled from the draft, gives the same draft back
    assert concern_dialog.concern is not None
    again = type(dialog)(session, concern_dialog.concern, None, on_done=lambda _c: None)
    qtbot.addWidget(again)
    again.fill(draft.fields)
    wait_idle(qtbot)  # the staff list of the action form arrives after the draft's choice
    assert again.draft() == draft

    dialog.reject()
    assert dialog.draft() is None  # cancelled on purpose: nothing to keep
    concern_dialog.reject()

    # the area reopens the concern, then the form with what was typed
    assert area.restore_draft(Draft(DraftId(1), draft.form, draft.title, draft.fields, "")) is True
    wait_idle(qtbot)
    reopened = top_level("concernDialog")
    assert isinstance(reopened, ConcernDialog) and reopened is not concern_dialog
    assert reopened.concern is not None and reopened.concern.id == concern_id
    restored = top_level(name)
    assert isinstance(restored, type(dialog)) and restored is not dialog and restored is not again
    assert restored.draft() == draft
    assert restored.parent() is reopened


def test_a_step_form_whose_save_is_running_keeps_its_draft(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    concern_id = log(made_vault.session, add_child(made_vault.session, AIKO), "Hungry at breakfast.")
    area = make_area(made_vault.session)
    dialog = open_concern(qtbot, area, concern_id).open_review()
    assert dialog is not None
    dialog.note.setPlainText("Breakfast club offered.")
    ok(dialog)  # the save runs on a worker thread; its result has not been delivered yet
    assert not dialog.buttons.isEnabled()
    draft = dialog.draft()
    assert draft is not None and draft.fields["note"] == "Breakfast club offered."
    wait_idle(qtbot)
    assert not dialog.isVisible() and dialog.draft() is None  # saved: nothing left to keep


def unavailable_sentence(qtbot: QtBot) -> str:
    qtbot.waitUntil(lambda: top_level("draftUnavailable") is not None, timeout=10_000)
    box = top_level("draftUnavailable")
    assert isinstance(box, QMessageBox)
    return box.text()


def test_a_draft_for_a_concern_that_cannot_be_opened_is_explained_not_crashed(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    area = make_area(made_vault.session)
    fields = {"concern_id": "9999", "outcome": "Lost text."}
    assert area.restore_draft(Draft(DraftId(1), "concerns.close", "Close the concern", fields, "")) is True
    wait_idle(qtbot)
    sentence = unavailable_sentence(qtbot)
    assert "not there any more" in sentence and "outcome" in sentence
    assert top_level("concernDialog") is None and top_level("closeConcernDialog") is None
    broken = {"outcome": "No concern named."}
    assert area.restore_draft(Draft(DraftId(2), "concerns.close", "Close the concern", broken, "")) is False


def test_a_draft_for_a_concern_closed_since_is_explained(
    made_vault: VaultUnderTest, qtbot: QtBot, make_area: Callable[[Session], ConcernsArea]
) -> None:
    session = made_vault.session
    concern_id = log(session, add_child(session, DMITRI), "Tired all week.")
    session.concerns.close(concern_id, outcome="Baby sibling born; sleeping better now.")
    area = make_area(session)
    fields = {"concern_id": str(concern_id), "note": "Looked again."}
    assert area.restore_draft(Draft(DraftId(1), "concerns.review", "Review the concern", fields, ""))
    wait_idle(qtbot)
    assert "closed since" in unavailable_sentence(qtbot)
    assert top_level("reviewDialog") is None
    shown = top_level("concernDialog")
    assert isinstance(shown, ConcernDialog) and "Baby sibling born" in view_text(shown)
    top_level("draftUnavailable").close()  # type: ignore[union-attr]
    shown.reject()

    # a correction may still be made to a closed concern: that draft comes back
    fields = {"concern_id": str(concern_id), "field": "facts", "reason": "Wrong day."}
    assert area.restore_draft(Draft(DraftId(2), "concerns.amend", "Correct part of the concern", fields, ""))
    wait_idle(qtbot)
    amend = top_level("amendDialog")
    assert isinstance(amend, AmendDialog) and amend.reason.toPlainText() == "Wrong day."
    assert amend.new_text.toPlainText() == "Tired all week."  # untouched: the current words


def test_a_draft_the_person_may_no_longer_act_on_is_explained(
    made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    made_vault.add_person("amara", "Amara Nwosu", {Role.KEY_WORKER}, KEY_WORKER_PASSWORD)
    made_vault.add_person("rui", "Rui Tanaka", {Role.REVIEWER}, KEY_WORKER_PASSWORD)
    child = add_child(made_vault.session, AIKO)
    key_worker = made_vault.vault.sign_in("amara", KEY_WORKER_PASSWORD)
    mine = log(key_worker, child, "Cried at nappy change.")

    area = ConcernsArea(key_worker)  # a key worker (say a DSL whose role was taken away)
    qtbot.addWidget(area)
    fields = {"concern_id": str(mine), "note": "Seen."}
    assert area.restore_draft(Draft(DraftId(1), "concerns.review", "Review the concern", fields, ""))
    wait_idle(qtbot)
    assert "no longer" in unavailable_sentence(qtbot) and top_level("reviewDialog") is None
    top_level("draftUnavailable").close()  # type: ignore[union-attr]
    top_level("concernDialog").reject()  # type: ignore[union-attr]

    reviewer = made_vault.vault.sign_in("rui", KEY_WORKER_PASSWORD)  # may not read concerns at all
    elsewhere = ConcernsArea(reviewer)
    qtbot.addWidget(elsewhere)
    fields = {"concern_id": str(mine), "outcome": "Done."}
    assert elsewhere.restore_draft(Draft(DraftId(2), "concerns.close", "Close the concern", fields, ""))
    wait_idle(qtbot)
    assert "can no longer open it" in unavailable_sentence(qtbot)
    assert top_level("concernDialog") is None
