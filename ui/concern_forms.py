"""Logging a concern, and reading one with everything added since (reviews, actions, corrections).

The log form keeps facts, the child's own words and the practitioner's opinion in separate boxes,
because policy asks for them apart: a DSL or a court must be able to tell what was seen from what
was thought. Key workers are often interrupted, so the form keeps a draft at lock and nothing
typed is lost when the core refuses a field: its sentence appears under the form and the field
it names gets the focus.

The Children area opens ``LogConcernDialog`` with a fixed child; the Concerns area opens it with
a search-as-you-type chooser. Window titles never hold a child's name (they show in task bars
and window lists).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.children import ChildSummary, Enrolment
from app.concerns import AMENDABLE, Category, Concern, ConcernStatus, NewConcern
from app.drafts import DraftForm
from app.errors import NotFound, PermissionDenied, ValidationError
from app.session import Session
from ui import operations
from ui.drafts import KeepsDraft
from ui.form_parts import confirm, focus_field, inline_message, ok_cancel
from ui.record_dialog import RecordDialog, StepForm

LOG_FORM = "concerns.log"
LOG_FORM_TITLE = "Log a concern"
AMEND_FORM = "concerns.amend"
REVIEW_FORM = "concerns.review"
ACTION_FORM = "concerns.action"
ACTION_DONE_FORM = "concerns.action_done"
CLOSE_FORM = "concerns.close"
STEP_FORMS = (AMEND_FORM, REVIEW_FORM, ACTION_FORM, ACTION_DONE_FORM, CLOSE_FORM)
SEARCH_DELAY_MS = 250  # wait for a pause in typing before searching
NOTE_MAX_HEIGHT = 110
OPINION_STYLE = "QPlainTextEdit { background: #fff8e1; }"
OVERDUE_COLOUR = "#b3261e"
NO_SECRETS_REMINDER = (
    "Never promise a child to keep a secret. Tell them you will need to tell someone who can help."
)


# --- small shared pieces --------------------------------------------------------------------------


def today(session: Session) -> date:
    """Today as the people in the room see it (their local date), from the session's clock."""
    return session.context.clock.now().astimezone().date()


def shown_moment(when: datetime | None) -> str:
    return "" if when is None else when.astimezone().strftime("%d %b %Y at %H:%M")


def shown_day(day: date | None) -> str:
    return "" if day is None else day.strftime("%d %b %Y")


def to_qdatetime(when: datetime) -> QDateTime:
    """An aware moment as the local time a QDateTimeEdit shows."""
    return QDateTime.fromSecsSinceEpoch(int(when.timestamp()))


def from_qdatetime(value: QDateTime) -> datetime:
    """The local time chosen in a QDateTimeEdit as an aware datetime (the core wants a zone)."""
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC).astimezone()


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def moment_edit(name: str, accessible: str, when: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(to_qdatetime(when))
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setDisplayFormat("dd/MM/yyyy HH:mm")
    edit.setCalendarPopup(True)
    return edit


def day_edit(name: str, accessible: str, day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


def note_edit(name: str, accessible: str, placeholder: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    edit.setMinimumHeight(60)
    edit.setMaximumHeight(NOTE_MAX_HEIGHT)
    return edit


def child_label(child: ChildSummary, today_: date) -> str:
    """Name, date of birth and room: enough to tell two children with the same name apart."""
    name = child.known_as or child.legal_name
    if child.known_as and child.known_as != child.legal_name:
        name = f"{child.known_as} ({child.legal_name})"
    parts = [f"{name} — born {shown_day(child.date_of_birth)}"]
    if child.room:
        parts.append(child.room)
    if not child.on_roll(today_):
        parts.append("has left")
    return ", ".join(parts)


class ChildChooser(QWidget):
    """Which child: fixed (opened from a child's record), or found by typing part of a name.

    The search runs off the UI thread after a short pause in typing; the chosen child stays
    chosen while the person searches again, and is shown in words beneath.
    """

    chosen_changed = Signal()

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        *,
        fixed_id: int | None = None,
        optional: bool = False,
        prefix: str = "child",
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._child_id: int | None = fixed_id
        self._generation = 0
        self.fixed = fixed_id is not None
        self._optional = optional
        self.chosen = QLabel()
        self.chosen.setObjectName(f"{prefix}ChosenLabel")
        self.chosen.setWordWrap(True)
        self.chosen.setAccessibleName("Chosen child")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setObjectName(f"{prefix}SearchEdit")
        self.search.setAccessibleName("Find the child by name")
        self.search.setPlaceholderText("Type part of the child's or a parent's name")
        self.search.setMaxLength(100)
        self.results = QListWidget()
        self.results.setObjectName(f"{prefix}Results")
        self.results.setAccessibleName("Children found")
        self.results.setMaximumHeight(100)
        self.clear_button = QPushButton("No particular child")
        self.clear_button.setObjectName(f"{prefix}ClearButton")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        if self.fixed:
            self.search.hide()
            self.results.hide()
            self.clear_button.hide()
            layout.addWidget(self.chosen)
            self.choose_id(fixed_id)
        else:
            self.search.textChanged.connect(lambda _text: self._timer.start())
            self.results.currentItemChanged.connect(self._picked)
            self.clear_button.clicked.connect(self.clear_choice)
            self.clear_button.setVisible(optional)
            row = QHBoxLayout()
            row.addWidget(self.search, 1)
            row.addWidget(self.clear_button)
            layout.addLayout(row)
            layout.addWidget(self.results)
            layout.addWidget(self.chosen)
            self.results.hide()  # shown once something is typed
            self.setFocusProxy(self.search)
            self._show_nothing_chosen()

    @property
    def child_id(self) -> int | None:
        return self._child_id

    def _show_nothing_chosen(self) -> None:
        self.chosen.setText("" if self._optional else "No child chosen yet.")

    def run_search(self) -> None:
        """Search now (the pause timer calls this; tests may too)."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        text = self.search.text()
        if not text.strip():
            self.results.clear()
            self.results.hide()
            return
        operations.run(
            self,
            lambda _p: self._session.children.find(search=text, enrolment=Enrolment.ALL, limit=30),
            label="Finding the child…",
            on_success=lambda found: self._found(generation, found),
        )

    def _found(self, generation: int, found: list[ChildSummary]) -> None:
        if generation != self._generation:
            return  # typed again since: a newer search is on its way
        self.results.blockSignals(True)
        self.results.clear()
        day = today(self._session)
        for child in found:
            item = QListWidgetItem(child_label(child, day))
            item.setData(Qt.ItemDataRole.UserRole, int(child.id))
            self.results.addItem(item)
            if child.id == self._child_id:
                self.results.setCurrentItem(item)
        if not found:
            item = QListWidgetItem("No child found with that name.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(item)
        self.results.blockSignals(False)
        self.results.show()

    def _picked(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return
        self._child_id = int(item.data(Qt.ItemDataRole.UserRole))
        self.chosen.setText(f"Child: {item.text()}")
        self.chosen_changed.emit()

    def choose_id(self, child_id: int | None) -> None:
        """Show ``child_id`` as chosen (a draft, or a fixed child); its name is looked up."""
        self._child_id = child_id
        if child_id is None:
            self._show_nothing_chosen()
            return
        self.chosen.setText("Child: …")
        self._generation += 1
        generation = self._generation

        def shown(found: list[ChildSummary]) -> None:
            if generation != self._generation or self._child_id != child_id:
                return
            match = next((c for c in found if c.id == child_id), None)
            if match is None:
                self._child_id = None if not self.fixed else child_id
                self.chosen.setText("That child's record is not there any more; choose the child again.")
            else:
                self.chosen.setText(f"Child: {child_label(match, today(self._session))}")
            self.chosen_changed.emit()

        operations.run(
            self,
            lambda _p: self._session.children.find(enrolment=Enrolment.ALL),
            label="Finding the child…",
            on_success=shown,
        )

    def clear_choice(self) -> None:
        if self.fixed:
            return
        self._child_id = None
        self.results.clearSelection()
        self._show_nothing_chosen()
        self.chosen_changed.emit()

    def forget(self) -> None:
        self._generation += 1
        self._timer.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.results.clear()
        self.results.hide()
        self.chosen.clear()
        if not self.fixed:
            self._child_id = None


# --- logging a concern ----------------------------------------------------------------------------


class LogConcernDialog(QDialog, KeepsDraft):
    """The concern form: what was seen or heard, the child's words, opinion kept apart."""

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        *,
        child_id: int | None = None,
        on_logged: Callable[[Concern], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("logConcernDialog")
        self.setWindowTitle(LOG_FORM_TITLE)
        self._session = session
        self._on_logged = on_logged
        self._finished = False  # saved or cancelled: nothing left to keep as a draft
        self._pending_category: int | None = None
        self._guidance: dict[int, str] = {}
        now = session.context.clock.now()

        self.chooser = ChildChooser(session, fixed_id=child_id, prefix="concernChild")
        self.seen = moment_edit("seenAtEdit", "When you saw or heard it", now)
        self.category = QComboBox()
        self.category.setObjectName("categoryCombo")
        self.category.setAccessibleName("Category")
        self.category.addItem("Choose the category that fits best", None)
        self.category.currentIndexChanged.connect(self._show_guidance)
        self.guidance = QLabel()
        self.guidance.setObjectName("categoryGuidance")
        self.guidance.setWordWrap(True)
        self.guidance.setAccessibleName("Guidance for this category")
        self.facts = note_edit(
            "factsEdit",
            "What you saw or heard (facts)",
            "Only what you saw or heard: where, when, who was there.",
        )
        self.child_words = note_edit(
            "childWordsEdit",
            "The child's own words, exactly as said",
            "Write the words exactly, even if they are not grammatical.",
        )
        self.opinion = note_edit(
            "opinionEdit",
            "Your opinion (kept separate, labelled as opinion)",
            "Opinion: what you think it might mean. Leave empty if you have none.",
        )
        self.opinion.setStyleSheet(OPINION_STYLE)
        self.action_taken = note_edit("actionTakenEdit", "What you did", "Who you told, what you said.")
        self.dsl_told = QCheckBox("I have told the DSL")
        self.dsl_told.setObjectName("dslToldCheck")
        self.dsl_told_at = moment_edit("dslToldAtEdit", "When you told the DSL", now)
        self.dsl_told_at.setEnabled(False)
        self.dsl_told.toggled.connect(self.dsl_told_at.setEnabled)
        self.urgent = QCheckBox("Urgent: the DSL needs to see this today")
        self.urgent.setObjectName("urgentCheck")
        self.third_party = QCheckBox("Given by another agency (for example health visitor, police)")
        self.third_party.setObjectName("thirdPartyCheck")
        self.third_party_source = QLineEdit()
        self.third_party_source.setObjectName("thirdPartySourceEdit")
        self.third_party_source.setAccessibleName("Which agency gave the information")
        self.third_party_source.setPlaceholderText("Which agency")
        self.third_party_source.setMaxLength(200)
        self.third_party_source.setEnabled(False)
        self.third_party.toggled.connect(self.third_party_source.setEnabled)
        reminder = QLabel(NO_SECRETS_REMINDER)
        reminder.setObjectName("secretReminder")
        reminder.setWordWrap(True)
        reminder.setStyleSheet("font-weight: bold;")
        self.message = inline_message("logConcernMessage")

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # notes get the full width
        form.addRow("Child", self.chooser)
        form.addRow("W&hen you saw or heard it", self.seen)
        form.addRow("C&ategory", self.category)
        form.addRow("", self.guidance)
        form.addRow("What you saw or heard (&facts)", self.facts)
        form.addRow("The child's own &words, exactly as said", self.child_words)
        opinion_label = QLabel("Your &opinion (kept separate, labelled as opinion)")
        opinion_label.setBuddy(self.opinion)
        opinion_label.setStyleSheet("font-style: italic;")
        form.addRow(opinion_label, self.opinion)
        form.addRow("What you &did", self.action_taken)
        told = QHBoxLayout()
        told.addWidget(self.dsl_told)
        told.addWidget(self.dsl_told_at, 1)
        form.addRow("DSL told", told)
        form.addRow("", self.urgent)
        agency = QVBoxLayout()
        agency.addWidget(self.third_party)
        agency.addWidget(self.third_party_source)
        form.addRow("Another agency", agency)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(reminder)
        inner.addLayout(form)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        self.buttons = ok_cancel(self, "Record the concern", self.submit)
        self.rejected.connect(self._cancelled)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(640, 720)
        self._fields: dict[str, QWidget] = {
            "child_id": self.chooser,
            "seen_at": self.seen,
            "category_id": self.category,
            "facts": self.facts,
            "child_words": self.child_words,
            "opinion": self.opinion,
            "action_taken": self.action_taken,
            "dsl_told_at": self.dsl_told_at,
            "urgent": self.urgent,
            "third_party_source": self.third_party_source,
        }
        operations.run(
            self,
            lambda _p: session.concerns.categories(),
            label="Loading the categories…",
            on_success=self._categories_loaded,
        )

    # --- categories -----------------------------------------------------------------------------

    def _categories_loaded(self, categories: list[Category]) -> None:
        wanted = self._pending_category if self._pending_category is not None else self.category_id()
        self.category.blockSignals(True)
        while self.category.count() > 1:
            self.category.removeItem(1)
        self._guidance = {}
        for category in categories:
            self.category.addItem(category.name, int(category.id))
            self._guidance[int(category.id)] = category.guidance
        self.category.blockSignals(False)
        self._select_category(wanted)
        self._pending_category = None

    def _select_category(self, category_id: int | None) -> None:
        index = self.category.findData(category_id) if category_id is not None else 0
        self.category.setCurrentIndex(max(index, 0))
        self._show_guidance()

    def _show_guidance(self, _index: int = 0) -> None:
        chosen = self.category_id()
        self.guidance.setText("" if chosen is None else self._guidance.get(chosen, ""))

    def category_id(self) -> int | None:
        data = self.category.currentData()
        return None if data is None else int(data)

    # --- drafts ---------------------------------------------------------------------------------

    def _texts(self) -> dict[str, str]:
        return {
            "facts": self.facts.toPlainText(),
            "child_words": self.child_words.toPlainText(),
            "opinion": self.opinion.toPlainText(),
            "action_taken": self.action_taken.toPlainText(),
            "third_party_source": self.third_party_source.text(),
        }

    def draft(self) -> DraftForm | None:
        texts = self._texts()
        if self._finished or not any(v.strip() for v in texts.values()):
            return None
        category = self._pending_category if self._pending_category is not None else self.category_id()
        fields = {
            **texts,
            "child_id": "" if self.chooser.child_id is None else str(self.chooser.child_id),
            "seen_at": from_qdatetime(self.seen.dateTime()).isoformat(),
            "category_id": "" if category is None else str(category),
            "dsl_told": "1" if self.dsl_told.isChecked() else "",
            "dsl_told_at": from_qdatetime(self.dsl_told_at.dateTime()).isoformat(),
            "urgent": "1" if self.urgent.isChecked() else "",
            "third_party": "1" if self.third_party.isChecked() else "",
        }
        return DraftForm(LOG_FORM, LOG_FORM_TITLE, fields)

    def fill(self, fields: Mapping[str, str]) -> None:
        """Put a draft's values back (the categories may still be loading: chosen when they land)."""
        self._finished = False
        self.facts.setPlainText(fields.get("facts", ""))
        self.child_words.setPlainText(fields.get("child_words", ""))
        self.opinion.setPlainText(fields.get("opinion", ""))
        self.action_taken.setPlainText(fields.get("action_taken", ""))
        self.third_party.setChecked(fields.get("third_party", "") == "1")
        self.third_party_source.setText(fields.get("third_party_source", ""))
        self.urgent.setChecked(fields.get("urgent", "") == "1")
        self.dsl_told.setChecked(fields.get("dsl_told", "") == "1")
        for key, edit in (("seen_at", self.seen), ("dsl_told_at", self.dsl_told_at)):
            try:
                edit.setDateTime(to_qdatetime(datetime.fromisoformat(fields[key])))
            except (KeyError, ValueError):
                pass  # keep the default (now) when the draft has no usable time
        child = fields.get("child_id", "")
        if child.isdigit() and not self.chooser.fixed:
            self.chooser.choose_id(int(child))
        category = fields.get("category_id", "")
        if category.isdigit():
            if self.category.findData(int(category)) >= 0:
                self._select_category(int(category))
            else:
                self._pending_category = int(category)

    # --- saving ---------------------------------------------------------------------------------

    def _show(self, sentence: str, field: str) -> None:
        self.message.setText(sentence)
        focus_field(self._fields, field)

    def submit(self) -> None:
        self.message.clear()
        child_id = self.chooser.child_id
        if child_id is None:
            self._show("Choose the child this concern is about.", "child_id")
            return
        source = self.third_party_source.text() if self.third_party.isChecked() else ""
        if self.third_party.isChecked() and not source.strip():
            self._show("Write which agency gave the information.", "third_party_source")
            return
        new = NewConcern(
            child_id=child_id,
            seen_at=from_qdatetime(self.seen.dateTime()),
            category_id=self.category_id(),
            facts=self.facts.toPlainText(),
            child_words=self.child_words.toPlainText(),
            opinion=self.opinion.toPlainText(),
            action_taken=self.action_taken.toPlainText(),
            dsl_told_at=from_qdatetime(self.dsl_told_at.dateTime()) if self.dsl_told.isChecked() else None,
            urgent=self.urgent.isChecked(),
            third_party_source=source,
        )
        self.buttons.setEnabled(False)
        operations.run(
            self,
            lambda _p: self._session.concerns.log(new),
            label="Recording the concern…",
            on_success=self._logged,
            on_failure=self._failed,
            on_done=lambda: self.buttons.setEnabled(True),
        )

    def _logged(self, concern: Concern) -> None:
        self._finished = True
        self.accept()
        if self._on_logged is not None:
            self._on_logged(concern)

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, ValidationError):
            self._show(error.sentence, error.field)
            return True
        if isinstance(error, NotFound):  # the child's record was removed meanwhile
            self._show(error.sentence, "child_id")
            return True
        return False

    def _cancelled(self) -> None:
        self._finished = True

    def forget(self) -> None:
        """At lock, after the draft was taken: clear every field."""
        for edit in (self.facts, self.child_words, self.opinion, self.action_taken):
            edit.clear()
        self.third_party_source.clear()
        self.message.clear()
        self.guidance.clear()
        self.chooser.forget()


# --- reading a concern ----------------------------------------------------------------------------


def _para(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _quoted(text: str) -> str:
    return f"“{_para(text)}”"


def _part(concern: Concern, field: str, heading: str, *, quote: bool = False, opinion: bool = False) -> str:
    current = concern.current(field)
    if not current.strip():
        body = "<p><i>Nothing recorded.</i></p>"
    elif opinion:
        body = f'<p style="background-color: #fff8e1;"><b>Opinion:</b> {_para(current)}</p>'
    else:
        body = f"<p>{_quoted(current) if quote else _para(current)}</p>"
    changes = [a for a in concern.amendments if a.field == field]
    if changes:
        original = getattr(concern, field)
        items = "".join(
            f"<li>{html.escape(shown_moment(a.amended_at))}, {html.escape(a.amended_by)} changed "
            f"{_quoted(a.original)} to {_quoted(a.new_text)} — reason: {_para(a.reason)}</li>"
            for a in changes
        )
        body += (
            f"<p><i>Corrected. As first written:</i> {_quoted(original) if original else '(empty)'}</p>"
            f"<ul>{items}</ul>"
        )
    return f"<h3>{html.escape(heading)}</h3>{body}"


def concern_html(concern: Concern, day: date) -> str:
    """The whole concern as read-only text: as recorded, then what was added since."""
    facts = [
        ("Child", concern.child_name),
        ("Seen or heard", shown_moment(concern.seen_at)),
        ("Recorded", f"{shown_moment(concern.recorded_at)} by {concern.author_name}"),
        ("Category", concern.category),
        ("Urgent", "Yes — URGENT" if concern.urgent else "No"),
        ("Status", concern.status.label),
    ]
    if concern.review_date is not None and concern.status is not ConcernStatus.CLOSED:
        late = " — OVERDUE" if concern.review_date < day else ""
        facts.append(("Look at it again by", shown_day(concern.review_date) + late))
    parts = ["<p>" + "<br>".join(f"<b>{html.escape(k)}:</b> {html.escape(v)}" for k, v in facts) + "</p>"]
    parts.append(_part(concern, "facts", "What was seen or heard (facts)"))
    parts.append(_part(concern, "child_words", "The child's own words", quote=True))
    parts.append(_part(concern, "opinion", "Opinion", opinion=True))
    parts.append(_part(concern, "action_taken", "Action taken"))
    told = (
        f"Yes, on {shown_moment(concern.dsl_told_at)}" if concern.dsl_told_at else "Not recorded on the form."
    )
    parts.append(f"<h3>DSL told</h3><p>{html.escape(told)}</p>")
    if concern.third_party:
        consent = (
            f"The agency agreed it may be shared ({shown_moment(concern.third_party_consent_at)})."
            if concern.third_party_consent_at
            else "Not to be shared without that agency's consent. Their consent is not recorded yet."
        )
        parts.append(
            f"<h3>Given by another agency</h3><p>Source: {html.escape(concern.third_party_source)}<br>"
            f"{html.escape(consent)}</p>"
        )
    if concern.reviews:
        items = "".join(
            f"<li>{html.escape(shown_moment(r.reviewed_at))}, {html.escape(r.reviewed_by)}: {_para(r.note)}"
            + (f" <i>(look again by {html.escape(shown_day(r.review_date))})</i>" if r.review_date else "")
            + "</li>"
            for r in concern.reviews
        )
        parts.append(f"<h3>Reviews</h3><ul>{items}</ul>")
    else:
        parts.append("<h3>Reviews</h3><p><i>Not reviewed yet.</i></p>")
    if concern.actions:
        rows = []
        for a in concern.actions:
            if a.done_at is not None:
                done = f"Done {shown_moment(a.done_at)} by {a.done_by}" + (
                    f": {a.done_note}" if a.done_note else ""
                )
                state = html.escape(done)
            elif a.overdue(day):
                state = f'<b style="color: {OVERDUE_COLOUR};">OVERDUE — not done yet</b>'
            else:
                state = "Not done yet"
            rows.append(
                f"<tr><td>{_para(a.description)}</td><td>{html.escape(a.assigned_name)}</td>"
                f"<td>{html.escape(shown_day(a.due_date))}</td><td>{state}</td></tr>"
            )
        parts.append(
            '<h3>Actions</h3><table border="1" cellpadding="4" cellspacing="0">'
            "<tr><th>What needs doing</th><th>Who</th><th>Due</th><th>Done</th></tr>"
            + "".join(rows)
            + "</table>"
        )
    if concern.status is ConcernStatus.CLOSED:
        parts.append(
            f"<h3>Outcome</h3><p>{_para(concern.outcome)}</p>"
            f"<p><i>Closed {html.escape(shown_moment(concern.closed_at))} by "
            f"{html.escape(concern.closed_by)}.</i></p>"
        )
    return "".join(parts)


class ConcernDialog(RecordDialog[Concern]):
    """One concern, read-only, with the DSL's and author's next steps as buttons.

    Opening it reads the concern through ``session.concerns.get``, which writes a
    "concern viewed" audit entry; changes come back as the updated concern, so they are shown
    without a second (audited) read. ``resume`` reopens a step form from a lock draft once the
    concern has loaded.
    """

    INLINE_LOAD_ERRORS = (NotFound,)  # a refusal gets the usual error message

    def __init__(
        self,
        session: Session,
        concern_id: int,
        parent: QWidget | None = None,
        *,
        on_changed: Callable[[Concern], None] | None = None,
    ) -> None:
        super().__init__(
            session,
            parent,
            name="concern",
            title="Concern",
            accessible="The concern",
            opening="Opening the concern…",
            size=(760, 680),
        )
        self.concern_id = concern_id
        self._on_changed = on_changed
        self._resume: tuple[str, dict[str, str], Callable[[str], None]] | None = None
        self.concern: Concern | None = None
        self.amend_button = self._button("&Correct…", "amendButton", self.open_amend)
        self.review_button = self._button("&Review…", "reviewButton", self.open_review)
        self.add_action_button = self._button("&Add action…", "addActionButton", self.open_add_action)
        self.done_button = self._button("&Mark action done…", "actionDoneButton", self.open_complete_action)
        self.close_button = self._button("Close with &outcome…", "closeConcernButton", self.open_close)
        self.consent_button = self._button(
            "Record agency co&nsent", "agencyConsentButton", self.record_consent
        )
        self.reload()

    def fetch(self) -> Concern:
        return self._session.concerns.get(self.concern_id)

    def _loaded(self, concern: Concern) -> None:
        self.show_concern(concern)
        if self._resume is not None:
            self._resume_step()

    def _load_failed(self, error: BaseException) -> bool:
        if self._resume is not None and isinstance(error, NotFound | PermissionDenied):
            form, _fields, unavailable = self._resume
            self._resume = None
            self.reject()
            unavailable(
                "That concern is not there any more, or you can no longer open it, so "
                f"{STEP_DIALOGS[form].WHAT} could not be put back."
            )
            return True
        return super()._load_failed(error)

    def show_concern(self, concern: Concern) -> None:
        self.concern = concern
        self.view.setHtml(concern_html(concern, today(self._session)))
        is_open = concern.status is not ConcernStatus.CLOSED
        reviewer = concern.may_review
        self.amend_button.setVisible(reviewer or concern.author_id == self._session.me.id)
        for button in (self.review_button, self.add_action_button, self.close_button):
            button.setVisible(reviewer)
            button.setEnabled(is_open)
        self.done_button.setVisible(reviewer)
        self.done_button.setEnabled(bool(concern.open_actions))
        self.consent_button.setVisible(
            reviewer and concern.third_party and concern.third_party_consent_at is None
        )

    # --- drafts ---------------------------------------------------------------------------------

    def resume(self, form: str, fields: Mapping[str, str], unavailable: Callable[[str], None]) -> None:
        """Once the concern is loaded, open the step form ``form`` filled with a draft's fields.

        If the step cannot be taken any more (the concern is gone, closed, or no longer the
        person's to work on), ``unavailable`` gets a sentence saying so instead.
        """
        if form not in STEP_DIALOGS:
            return
        self._resume = (form, dict(fields), unavailable)
        if self.concern is not None:
            self._resume_step()

    def _resume_step(self) -> None:
        concern, resume = self.concern, self._resume
        if concern is None or resume is None:
            return
        self._resume = None
        form, fields, unavailable = resume
        sentence = self._step_unavailable(form, concern)
        if sentence:
            unavailable(sentence)
            return
        openers: dict[str, Callable[[], _StepDialog | None]] = {
            AMEND_FORM: self.open_amend,
            REVIEW_FORM: self.open_review,
            ACTION_FORM: self.open_add_action,
            ACTION_DONE_FORM: self.open_complete_action,
            CLOSE_FORM: self.open_close,
        }
        dialog = openers[form]()
        if dialog is not None:
            dialog.fill(fields)

    def _step_unavailable(self, form: str, concern: Concern) -> str:
        """Why the step ``form`` can no longer be taken on ``concern`` ("" when it can)."""
        what = STEP_DIALOGS[form].WHAT
        if form == AMEND_FORM:  # the core allows corrections on closed concerns too
            if concern.may_review or concern.author_id == self._session.me.id:
                return ""
            return f"You can no longer correct that concern, so {what} could not be put back."
        if not concern.may_review:
            return f"You can no longer work on that concern, so {what} could not be put back."
        if concern.status is ConcernStatus.CLOSED:
            return (
                f"That concern has been closed since, so {what} could not be added to it. "
                "If something more has happened, log a new concern."
            )
        if form == ACTION_DONE_FORM and not concern.open_actions:
            return f"Every action on that concern is marked done now, so {what} could not be put back."
        return ""

    def _changed(self, concern: Concern) -> None:
        self.message.clear()
        self.show_concern(concern)
        if self._on_changed is not None:
            self._on_changed(concern)

    def open_amend(self) -> AmendDialog | None:
        if self.concern is None:
            return None
        return self._step(AmendDialog(self._session, self.concern, self, on_done=self._changed))

    def open_review(self) -> ReviewDialog | None:
        if self.concern is None:
            return None
        return self._step(ReviewDialog(self._session, self.concern, self, on_done=self._changed))

    def open_add_action(self) -> AddActionDialog | None:
        if self.concern is None:
            return None
        return self._step(AddActionDialog(self._session, self.concern, self, on_done=self._changed))

    def open_complete_action(self) -> CompleteActionDialog | None:
        if self.concern is None:
            return None
        return self._step(CompleteActionDialog(self._session, self.concern, self, on_done=self._changed))

    def open_close(self) -> CloseConcernDialog | None:
        if self.concern is None:
            return None
        return self._step(CloseConcernDialog(self._session, self.concern, self, on_done=self._changed))

    def record_consent(self) -> None:
        concern = self.concern
        if concern is None:
            return
        confirm(
            self,
            "Agency consent",
            f"Record that {concern.third_party_source} agreed this information may be shared? "
            "Only do this once you have their agreement.",
            "Record consent",
            self._record_consent,
        )

    def _record_consent(self) -> None:
        operations.run(
            self,
            lambda _p: self._session.concerns.record_third_party_consent(self.concern_id),
            label="Recording the agency's consent…",
            on_success=self._changed,
            on_failure=self._inline_failure,
        )

    def _inline_failure(self, error: BaseException) -> bool:
        if isinstance(error, ValidationError | NotFound):
            self.message.setText(error.sentence)
            return True
        return False

    def forget(self) -> None:
        self._resume = None
        self.concern = None
        super().forget()


# --- the next steps on a concern ------------------------------------------------------------------


class _StepDialog(StepForm[Concern], KeepsDraft):
    """A small form for one change to a concern; the core's refusal is shown inside it.

    At lock it keeps a draft (the concern's id, what was chosen and what was typed) unless
    nothing was typed, or it was saved or cancelled. A save still running when the screen locks
    is abandoned, so its form keeps its draft. ``fill`` puts a draft's fields back.
    """

    FORM = ""  # the draft's form id
    WHAT = ""  # what a draft of this form holds, in words: "the outcome you were writing"

    def __init__(
        self,
        session: Session,
        concern: Concern,
        parent: QWidget | None,
        *,
        name: str,
        title: str,
        ok_text: str,
        on_done: Callable[[Concern], None],
    ) -> None:
        super().__init__(parent, name=name, title=title, ok_text=ok_text, on_done=on_done)
        self._title = title  # no personal data: it names the draft when it is offered back
        self._session = session
        self.concern = concern
        self._finished = False  # saved or cancelled: nothing left to keep as a draft
        self.rejected.connect(self._cancelled)
        self.resize(520, 360)

    # --- drafts ---------------------------------------------------------------------------------

    def texts(self) -> dict[str, str]:
        """What the person typed, by field."""
        raise NotImplementedError

    def choices(self) -> dict[str, str]:
        """What the person chose (an action, a date), by field."""
        return {}

    def typed_anything(self) -> bool:
        return any(value.strip() for value in self.texts().values())

    def draft(self) -> DraftForm | None:
        if self._finished or not self.typed_anything():
            return None
        fields = {"concern_id": str(int(self.concern.id)), **self.choices(), **self.texts()}
        return DraftForm(self.FORM, self._title, fields)

    def fill(self, fields: Mapping[str, str]) -> None:
        """Put a draft's fields back."""
        raise NotImplementedError

    def _cancelled(self) -> None:
        self._finished = True

    def _saved(self, concern: Concern) -> None:
        self._finished = True
        super()._saved(concern)


class AmendDialog(_StepDialog):
    """Correct one part. The original stays on the record beside the new text."""

    FORM = AMEND_FORM
    WHAT = "the correction you were writing"

    def __init__(
        self,
        session: Session,
        concern: Concern,
        parent: QWidget | None,
        *,
        on_done: Callable[[Concern], None],
    ) -> None:
        super().__init__(
            session,
            concern,
            parent,
            name="amendDialog",
            title="Correct part of the concern",
            ok_text="Save the correction",
            on_done=on_done,
        )
        explain = QLabel(
            "The words as first written are kept and shown beside your correction, with your reason."
        )
        explain.setWordWrap(True)
        self.part = QComboBox()
        self.part.setObjectName("amendFieldCombo")
        self.part.setAccessibleName("Which part to correct")
        for field, label in AMENDABLE.items():
            self.part.addItem(label, field)
        self.new_text = note_edit("amendNewTextEdit", "The corrected text")
        self.new_text.setMaximumHeight(16_777_215)
        self.reason = note_edit("amendReasonEdit", "Reason for the correction", "Why it needs correcting.")
        self.part.currentIndexChanged.connect(self._prefill)
        self.form.addRow(explain)
        self.form.addRow("&Part", self.part)
        self.form.addRow("&Corrected text", self.new_text)
        self.form.addRow("&Reason", self.reason)
        self.fields = {"field": self.part, "new_text": self.new_text, "reason": self.reason}
        self._prefill()

    def choose_part(self, field: str) -> None:
        self.part.setCurrentIndex(max(self.part.findData(field), 0))

    def _prefill(self, _index: int = 0) -> None:
        self.new_text.setPlainText(self._current_text())

    def _current_text(self) -> str:
        return self.concern.current(str(self.part.currentData()))

    def texts(self) -> dict[str, str]:
        # The corrected text is kept only once changed: an untouched copy of the current words
        # would, put back later, undo a correction someone else saved meanwhile.
        new_text = self.new_text.toPlainText()
        changed = {"new_text": new_text} if new_text != self._current_text() else {}
        return {**changed, "reason": self.reason.toPlainText()}

    def choices(self) -> dict[str, str]:
        return {"field": str(self.part.currentData())}

    def typed_anything(self) -> bool:
        texts = self.texts()
        return "new_text" in texts or bool(texts["reason"].strip())

    def fill(self, fields: Mapping[str, str]) -> None:
        self._finished = False
        field = fields.get("field", "")
        if self.part.findData(field) >= 0:
            self.choose_part(field)
            if "new_text" in fields:
                self.new_text.setPlainText(fields["new_text"])
        self.reason.setPlainText(fields.get("reason", ""))

    def work(self) -> Callable[[], Concern]:
        field, new_text, reason = (
            str(self.part.currentData()),
            self.new_text.toPlainText(),
            self.reason.toPlainText(),
        )
        concern_id = self.concern.id
        return lambda: self._session.concerns.amend(concern_id, field=field, new_text=new_text, reason=reason)


class ReviewDialog(_StepDialog):
    """The DSL has read it: a note, and when to look again."""

    FORM = REVIEW_FORM
    WHAT = "the review you were writing"

    def __init__(
        self,
        session: Session,
        concern: Concern,
        parent: QWidget | None,
        *,
        on_done: Callable[[Concern], None],
    ) -> None:
        super().__init__(
            session,
            concern,
            parent,
            name="reviewDialog",
            title="Review the concern",
            ok_text="Save the review",
            on_done=on_done,
        )
        self.note = note_edit("reviewNoteEdit", "Review note", "What you decided and why.")
        self.use_date = QCheckBox("Look at it again by")
        self.use_date.setObjectName("reviewDateCheck")
        self.use_date.setChecked(True)
        self.review_date = day_edit("reviewDateEdit", "Review date", today(session) + timedelta(days=14))
        self.use_date.toggled.connect(self.review_date.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.use_date)
        row.addWidget(self.review_date, 1)
        self.form.addRow("&Note", self.note)
        self.form.addRow("Review date", row)
        self.fields = {"note": self.note, "review_date": self.review_date}

    def texts(self) -> dict[str, str]:
        return {"note": self.note.toPlainText()}

    def choices(self) -> dict[str, str]:
        return {
            "use_review_date": "1" if self.use_date.isChecked() else "",
            "review_date": from_qdate(self.review_date.date()).isoformat(),
        }

    def fill(self, fields: Mapping[str, str]) -> None:
        self._finished = False
        self.note.setPlainText(fields.get("note", ""))
        self.use_date.setChecked(fields.get("use_review_date", "1") == "1")
        day = _day(fields.get("review_date", ""))
        if day is not None:
            self.review_date.setDate(QDate(day.year, day.month, day.day))

    def work(self) -> Callable[[], Concern]:
        note = self.note.toPlainText()
        when = from_qdate(self.review_date.date()) if self.use_date.isChecked() else None
        concern_id = self.concern.id
        return lambda: self._session.concerns.review(concern_id, note=note, review_date=when)


class AddActionDialog(_StepDialog):
    """Something someone must do, by a date; the concern cannot close until it is done."""

    FORM = ACTION_FORM
    WHAT = "the action you were adding"

    def __init__(
        self,
        session: Session,
        concern: Concern,
        parent: QWidget | None,
        *,
        on_done: Callable[[Concern], None],
    ) -> None:
        super().__init__(
            session,
            concern,
            parent,
            name="addActionDialog",
            title="Add an action",
            ok_text="Add the action",
            on_done=on_done,
        )
        self._pending_assignee: int | None = None  # from a draft, chosen once the staff list lands
        self.description = note_edit("actionDescriptionEdit", "What needs doing")
        self.assignee = QComboBox()
        self.assignee.setObjectName("actionAssigneeCombo")
        self.assignee.setAccessibleName("Who will do it")
        self.assignee.addItem("Choose who will do it", None)
        self.due = day_edit("actionDueEdit", "Due date", today(session) + timedelta(days=7))
        self.form.addRow("&What needs doing", self.description)
        self.form.addRow("Who &will do it", self.assignee)
        self.form.addRow("&Due by", self.due)
        self.fields = {"description": self.description, "assigned_to": self.assignee, "due_date": self.due}
        operations.run(
            self,
            lambda _p: session.children.staff_choices(),
            label="Loading the staff list…",
            on_success=self._staff_loaded,
        )

    def _staff_loaded(self, choices: list[Any]) -> None:
        wanted = self._pending_assignee if self._pending_assignee is not None else self.assignee_id()
        for person in choices:
            self.assignee.addItem(person.full_name, int(person.id))
        if wanted is not None:
            self.assignee.setCurrentIndex(max(self.assignee.findData(wanted), 0))
        self._pending_assignee = None

    def assignee_id(self) -> int | None:
        data = self.assignee.currentData()
        return None if data is None else int(data)

    def texts(self) -> dict[str, str]:
        return {"description": self.description.toPlainText()}

    def choices(self) -> dict[str, str]:
        assigned = self._pending_assignee if self._pending_assignee is not None else self.assignee_id()
        return {
            "assigned_to": "" if assigned is None else str(assigned),
            "due_date": from_qdate(self.due.date()).isoformat(),
        }

    def fill(self, fields: Mapping[str, str]) -> None:
        self._finished = False
        self.description.setPlainText(fields.get("description", ""))
        day = _day(fields.get("due_date", ""))
        if day is not None:
            self.due.setDate(QDate(day.year, day.month, day.day))
        assigned = fields.get("assigned_to", "")
        if assigned.isdigit():
            if self.assignee.findData(int(assigned)) >= 0:
                self.assignee.setCurrentIndex(self.assignee.findData(int(assigned)))
            else:
                self._pending_assignee = int(assigned)

    def work(self) -> Callable[[], Concern]:
        description = self.description.toPlainText()
        assigned = self.assignee_id()
        due = from_qdate(self.due.date())
        concern_id = self.concern.id
        return lambda: self._session.concerns.add_action(
            concern_id, description=description, assigned_to=assigned, due_date=due
        )


class CompleteActionDialog(_StepDialog):
    """Mark an open action done, saying what happened."""

    FORM = ACTION_DONE_FORM
    WHAT = "the note you were writing on an action"

    def __init__(
        self,
        session: Session,
        concern: Concern,
        parent: QWidget | None,
        *,
        on_done: Callable[[Concern], None],
    ) -> None:
        super().__init__(
            session,
            concern,
            parent,
            name="completeActionDialog",
            title="Mark an action done",
            ok_text="Mark done",
            on_done=on_done,
        )
        self.action = QComboBox()
        self.action.setObjectName("actionChoiceCombo")
        self.action.setAccessibleName("Which action")
        for action in concern.open_actions:
            first_line = action.description.splitlines()[0] if action.description else ""
            self.action.addItem(
                f"{first_line[:80]} ({action.assigned_name}, due {shown_day(action.due_date)})",
                int(action.id),
            )
        self.note = note_edit("actionDoneNoteEdit", "What was done", "What happened.")
        self.form.addRow("&Action", self.action)
        self.form.addRow("What was &done", self.note)
        self.fields = {"action": self.action, "note": self.note}

    def texts(self) -> dict[str, str]:
        return {"note": self.note.toPlainText()}

    def choices(self) -> dict[str, str]:
        data = self.action.currentData()
        return {"action_id": "" if data is None else str(int(data))}

    def fill(self, fields: Mapping[str, str]) -> None:
        self._finished = False
        self.note.setPlainText(fields.get("note", ""))
        action = fields.get("action_id", "")
        index = self.action.findData(int(action)) if action.isdigit() else -1
        if index >= 0:
            self.action.setCurrentIndex(index)
        elif action:
            self.message.setText(
                "The action you were marking done is done already. Check which action this note is "
                "about before saving."
            )

    def work(self) -> Callable[[], Concern]:
        data = self.action.currentData()
        if data is None:
            raise ValidationError("action", "There is no open action to mark done.")
        action_id, note = int(data), self.note.toPlainText()
        return lambda: self._session.concerns.complete_action(action_id, note=note)


class CloseConcernDialog(_StepDialog):
    """Close with the outcome: what happened in the end."""

    FORM = CLOSE_FORM
    WHAT = "the outcome you were writing"

    def __init__(
        self,
        session: Session,
        concern: Concern,
        parent: QWidget | None,
        *,
        on_done: Callable[[Concern], None],
    ) -> None:
        super().__init__(
            session,
            concern,
            parent,
            name="closeConcernDialog",
            title="Close the concern",
            ok_text="Close the concern",
            on_done=on_done,
        )
        explain = QLabel(
            "A closed concern stays on the record. If something more happens, log a new concern."
        )
        explain.setWordWrap(True)
        self.outcome = note_edit("outcomeEdit", "Outcome", "What happened in the end, and why it can close.")
        self.outcome.setMaximumHeight(16_777_215)
        self.form.addRow(explain)
        self.form.addRow("&Outcome", self.outcome)
        self.fields = {"outcome": self.outcome}

    def work(self) -> Callable[[], Concern]:
        outcome, concern_id = self.outcome.toPlainText(), self.concern.id
        return lambda: self._session.concerns.close(concern_id, outcome=outcome)

    def texts(self) -> dict[str, str]:
        return {"outcome": self.outcome.toPlainText()}

    def fill(self, fields: Mapping[str, str]) -> None:
        self._finished = False
        self.outcome.setPlainText(fields.get("outcome", ""))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


STEP_DIALOGS: dict[str, type[_StepDialog]] = {
    dialog.FORM: dialog
    for dialog in (AmendDialog, ReviewDialog, AddActionDialog, CompleteActionDialog, CloseConcernDialog)
}
