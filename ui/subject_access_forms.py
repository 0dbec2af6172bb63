"""The forms of the Subject access area: record a request, extend it, write the cover note, and
withhold one item of the pack with the exemption and the reason.

Each form runs its core call off the UI thread. When the core refuses a value, its sentence
appears under the form with the cursor in the field it names, and nothing typed is lost. Every
form with free text keeps a draft when the screen locks. Window titles never name the child or
the person asking (they show in task bars and window lists).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import shiboken6
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.children import Carer
from app.clock import add_months, long_date
from app.drafts import DraftForm
from app.errors import NotFound, ValidationError
from app.session import Session
from app.subject_access import (
    ANSWER_MONTHS,
    EXTENSION_MONTHS,
    IDENTITY_HELP,
    Exemption,
    NewRequest,
    PackItem,
    SubjectAccessRequest,
)
from ui import operations
from ui.concern_forms import ChildChooser, day_edit, from_qdate, note_edit, today
from ui.drafts import KeepsDraft
from ui.form_parts import focus_field, inline_message, ok_cancel
from ui.record_dialog import StepForm

NEW_FORM = "subject access.new"
NEW_TITLE = "Record a subject access request"
EXTEND_FORM = "subject access.extend"
EXTEND_TITLE = "Extend the time to answer"
COVER_FORM = "subject access.cover_note"
COVER_TITLE = "Cover note for the pack"
WITHHOLD_FORM = "subject access.withhold"
WITHHOLD_TITLE = "Withhold an item"
SOMEONE_ELSE = "Someone else (type their name)"
CHOOSE_CHILD_FIRST = "Choose the child the request is about."


def carer_text(carer: Carer) -> str:
    return f"{carer.full_name} ({carer.relationship})" if carer.relationship else carer.full_name


class NewRequestDialog(QDialog, KeepsDraft):
    """Who asked, for which child, when it came in and how their identity was checked."""

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[SubjectAccessRequest], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newSarDialog")
        self.setWindowTitle(NEW_TITLE)
        self._session = session
        self._on_saved = on_saved
        self._finished = False  # saved or cancelled: nothing left to keep as a draft
        self._carers: dict[int, Carer] = {}
        self._generation = 0
        self._pending_carer: int | None = None
        self.chooser = ChildChooser(session, prefix="sarChild")
        self.chooser.chosen_changed.connect(self._child_changed)
        self.who = QComboBox()
        self.who.setObjectName("sarRequesterCombo")
        self.who.setAccessibleName("Who is asking")
        self.who.addItem(SOMEONE_ELSE, None)
        self.who.currentIndexChanged.connect(self._who_changed)
        self.name = QLineEdit()
        self.name.setObjectName("sarRequesterNameEdit")
        self.name.setAccessibleName("Name of the person asking")
        self.name.setMaxLength(200)
        self.relationship = QLineEdit()
        self.relationship.setObjectName("sarRelationshipEdit")
        self.relationship.setAccessibleName("Their relationship to the child")
        self.relationship.setPlaceholderText("e.g. Mother; solicitor acting for the father")
        self.relationship.setMaxLength(200)
        self.received = day_edit("sarReceivedEdit", "Date the request was received", today(session))
        self.identity = note_edit("sarIdentityEdit", "How you checked who they are", IDENTITY_HELP)
        self.due = QLabel()
        self.due.setObjectName("sarDueLabel")
        self.due.setWordWrap(True)
        self.received.dateChanged.connect(lambda _d: self._show_due())
        self.message = inline_message("newSarMessage")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Child", self.chooser)
        form.addRow("&Who is asking", self.who)
        form.addRow("&Name", self.name)
        form.addRow("&Relationship to the child", self.relationship)
        form.addRow("Re&ceived on", self.received)
        form.addRow("", self.due)
        form.addRow("How you checked &who they are", self.identity)
        self.buttons = ok_cancel(self, "Record the request", self.submit)
        self.rejected.connect(self._cancelled)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._fields: dict[str, QWidget] = {
            "child_id": self.chooser,
            "carer_id": self.who,
            "requester_name": self.name,
            "relationship": self.relationship,
            "received_on": self.received,
            "identity_checked": self.identity,
        }
        self.resize(600, 560)
        self._show_due()

    # --- the child's carers ---------------------------------------------------------------------

    def _child_changed(self) -> None:
        """Offer the chosen child's carers as the person asking (read off the UI thread)."""
        self._generation += 1
        generation = self._generation
        child_id = self.chooser.child_id
        wanted = self._pending_carer if self._pending_carer is not None else self.carer_id()
        self._pending_carer = None
        self._fill_carers([], wanted)
        if child_id is None:
            return
        operations.run(
            self,
            lambda _p: self._session.children.carers_for(child_id, None),
            label="Finding the child's parents and carers…",
            on_success=lambda found: self._carers_loaded(generation, list(found), wanted),
        )

    def _carers_loaded(self, generation: int, carers: list[Carer], wanted: int | None) -> None:
        if generation != self._generation or not shiboken6.isValid(self):
            return
        self._fill_carers(carers, wanted)

    def _fill_carers(self, carers: list[Carer], wanted: int | None) -> None:
        self._carers = {int(c.id): c for c in carers}
        self.who.blockSignals(True)
        self.who.clear()
        self.who.addItem(SOMEONE_ELSE, None)
        for carer in carers:
            self.who.addItem(carer_text(carer), int(carer.id))
        index = self.who.findData(wanted) if wanted is not None else -1
        self.who.setCurrentIndex(max(index, 0))
        self.who.blockSignals(False)
        self._who_changed()

    def carer_id(self) -> int | None:
        data = self.who.currentData()
        return None if data is None else int(data)

    def _who_changed(self, _index: int = 0) -> None:
        carer = self._carers.get(self.carer_id() or -1)
        self.name.setReadOnly(carer is not None)
        if carer is not None:
            self.name.setText(carer.full_name)
            if not self.relationship.text().strip():
                self.relationship.setText(carer.relationship)

    def _show_due(self) -> None:
        received = from_qdate(self.received.date())
        self.due.setText(f"Answer by {long_date(add_months(received, ANSWER_MONTHS))} (one calendar month).")

    # --- drafts ---------------------------------------------------------------------------------

    def _texts(self) -> dict[str, str]:
        return {
            "requester_name": self.name.text(),
            "relationship": self.relationship.text(),
            "identity_checked": self.identity.toPlainText(),
        }

    def draft(self) -> DraftForm | None:
        texts = self._texts()
        if self._finished or not any(v.strip() for v in texts.values()):
            return None
        child, carer = self.chooser.child_id, self.carer_id()
        fields = {
            **texts,
            "child_id": "" if child is None else str(child),
            "carer_id": "" if carer is None else str(carer),
            "received_on": from_qdate(self.received.date()).isoformat(),
        }
        return DraftForm(NEW_FORM, NEW_TITLE, fields)

    def fill(self, fields: Mapping[str, str]) -> None:
        """Put a draft's values back (the carers are chosen once they are read)."""
        self._finished = False
        self.name.setText(fields.get("requester_name", ""))
        self.relationship.setText(fields.get("relationship", ""))
        self.identity.setPlainText(fields.get("identity_checked", ""))
        try:
            day = date.fromisoformat(fields.get("received_on", ""))
            self.received.setDate(QDate(day.year, day.month, day.day))
        except ValueError:
            pass  # keep today when the draft has no usable date
        carer = fields.get("carer_id", "")
        self._pending_carer = int(carer) if carer.isdigit() else None
        child = fields.get("child_id", "")
        if child.isdigit():
            self.chooser.choose_id(int(child))

    # --- saving ---------------------------------------------------------------------------------

    def _show(self, sentence: str, field: str) -> None:
        self.message.setText(sentence)
        focus_field(self._fields, field)

    def submit(self) -> None:
        self.message.clear()
        child_id = self.chooser.child_id
        if child_id is None:
            self._show(CHOOSE_CHILD_FIRST, "child_id")
            return
        new = NewRequest(
            child_id=child_id,
            requester_name=self.name.text(),
            carer_id=self.carer_id(),
            relationship=self.relationship.text(),
            received_on=from_qdate(self.received.date()),
            identity_checked=self.identity.toPlainText(),
        )
        self.buttons.setEnabled(False)
        operations.run(
            self,
            lambda _p: self._session.subject_access.record(new),
            label="Recording the request…",
            on_success=self._saved,
            on_failure=self._failed,
            on_done=lambda: self.buttons.setEnabled(True) if shiboken6.isValid(self) else None,
        )

    def _saved(self, request: SubjectAccessRequest) -> None:
        self._finished = True
        if shiboken6.isValid(self):
            self.accept()
        if self._on_saved is not None:
            self._on_saved(request)

    def _failed(self, error: BaseException) -> bool:
        if not shiboken6.isValid(self):
            return False
        if isinstance(error, ValidationError):
            self._show(error.sentence, error.field)
            return True
        if isinstance(error, NotFound):
            self._show(error.sentence, "child_id")
            return True
        return False

    def _cancelled(self) -> None:
        self._finished = True

    def forget(self) -> None:
        self._generation += 1
        self.name.clear()
        self.relationship.clear()
        self.identity.clear()
        self.message.clear()
        self.due.clear()
        self.who.clear()
        self._carers = {}
        self.chooser.forget()


class _Step(StepForm[object], KeepsDraft):
    """A small form for one change to a request (or one item of its pack). At lock it keeps a
    draft of what was typed, with the ids to find the request again, unless it was saved or
    cancelled or nothing was typed."""

    FORM = ""

    def __init__(
        self,
        session: Session,
        request: SubjectAccessRequest,
        parent: QWidget | None,
        *,
        name: str,
        title: str,
        ok_text: str,
        on_done: Callable[[object], None],
    ) -> None:
        super().__init__(parent, name=name, title=title, ok_text=ok_text, on_done=on_done)
        self._title = title
        self._session = session
        self.request = request
        self._finished = False
        self.rejected.connect(self._cancelled)
        self.resize(540, 380)

    def texts(self) -> dict[str, str]:
        raise NotImplementedError

    def ids(self) -> dict[str, str]:
        return {"request_id": str(int(self.request.id))}

    def choices(self) -> dict[str, str]:
        return {}

    def draft(self) -> DraftForm | None:
        if self._finished or not any(v.strip() for v in self.texts().values()):
            return None
        return DraftForm(self.FORM, self._title, {**self.ids(), **self.choices(), **self.texts()})

    def fill(self, fields: Mapping[str, str]) -> None:
        raise NotImplementedError

    def _cancelled(self) -> None:
        self._finished = True

    def _saved(self, record: object) -> None:
        self._finished = True
        super()._saved(record)


class ExtendDialog(_Step):
    """Two more months for a complex request, once, decided within the first month."""

    FORM = EXTEND_FORM

    def __init__(
        self,
        session: Session,
        request: SubjectAccessRequest,
        parent: QWidget | None,
        *,
        on_done: Callable[[object], None],
    ) -> None:
        super().__init__(
            session,
            request,
            parent,
            name="extendSarDialog",
            title=EXTEND_TITLE,
            ok_text="Extend",
            on_done=on_done,
        )
        new = add_months(request.received_on, ANSWER_MONTHS + EXTENSION_MONTHS)
        explain = QLabel(
            f"For a complex request the answer may take {EXTENSION_MONTHS} more months: the new deadline "
            f"would be {long_date(new)}. Tell the person asking, and why, before "
            f"{long_date(request.due_on)}."
        )
        explain.setObjectName("extendSarExplain")
        explain.setWordWrap(True)
        self.reason = note_edit("extendReasonEdit", "Why the request needs longer", "What makes it complex.")
        self.form.addRow(explain)
        self.form.addRow("&Why it needs longer", self.reason)
        self.fields = {"reason": self.reason}

    def texts(self) -> dict[str, str]:
        return {"reason": self.reason.toPlainText()}

    def fill(self, fields: Mapping[str, str]) -> None:
        self._finished = False
        self.reason.setPlainText(fields.get("reason", ""))

    def work(self) -> Callable[[], object]:
        request_id, reason = int(self.request.id), self.reason.toPlainText()
        return lambda: self._session.subject_access.extend(request_id, reason=reason)


class CoverNoteDialog(_Step):
    """The letter at the front of the pack. ``on_done`` receives the note as saved (text)."""

    FORM = COVER_FORM

    def __init__(
        self,
        session: Session,
        request: SubjectAccessRequest,
        parent: QWidget | None,
        *,
        on_done: Callable[[object], None],
    ) -> None:
        super().__init__(
            session,
            request,
            parent,
            name="coverNoteDialog",
            title=COVER_TITLE,
            ok_text="Save the cover note",
            on_done=on_done,
        )
        explain = QLabel(
            "Printed at the front of the pack. Say what is in it and, where it is safe to, that some "
            "information was withheld and why, and how to complain to the Information Commissioner's "
            "Office."
        )
        explain.setWordWrap(True)
        self.note = note_edit("coverNoteEdit", "Cover note")
        self.note.setMaximumHeight(16_777_215)
        self.note.setMinimumHeight(180)
        self.note.setPlainText(request.cover_note)
        self.form.addRow(explain)
        self.form.addRow("&Cover note", self.note)
        self.fields = {"cover_note": self.note}

    def texts(self) -> dict[str, str]:
        note = self.note.toPlainText()
        return {"cover_note": note} if note != self.request.cover_note else {}

    def fill(self, fields: Mapping[str, str]) -> None:
        self._finished = False
        if "cover_note" in fields:
            self.note.setPlainText(fields["cover_note"])

    def work(self) -> Callable[[], object]:
        request_id, note = int(self.request.id), self.note.toPlainText()

        def save() -> str:
            self._session.subject_access.set_cover_note(request_id, note)
            return note.strip()

        return save


class WithholdDialog(_Step):
    """Withhold one item: the exemption that applies and why. ``on_done`` gets the ``PackItem``."""

    FORM = WITHHOLD_FORM

    def __init__(
        self,
        session: Session,
        request: SubjectAccessRequest,
        item: PackItem,
        parent: QWidget | None,
        *,
        on_done: Callable[[object], None],
    ) -> None:
        super().__init__(
            session,
            request,
            parent,
            name="withholdDialog",
            title=WITHHOLD_TITLE,
            ok_text="Withhold the item",
            on_done=on_done,
        )
        self.item = item
        what = QLabel(f"Item: {item.label}")
        what.setObjectName("withholdItemLabel")
        what.setWordWrap(True)
        self.exemption = QComboBox()
        self.exemption.setObjectName("exemptionCombo")
        self.exemption.setAccessibleName("Exemption")
        self.exemption.addItem("Choose the exemption that applies", None)
        for exemption in Exemption:
            self.exemption.addItem(exemption.label, exemption.value)
        if item.exemption is not None:
            self.exemption.setCurrentIndex(max(self.exemption.findData(item.exemption.value), 0))
        self.reason = note_edit("withholdReasonEdit", "Why it is withheld", "Why the exemption applies here.")
        self.reason.setPlainText(item.reason)
        self.form.addRow(what)
        self.form.addRow("&Exemption", self.exemption)
        self.form.addRow("&Reason", self.reason)
        self.fields = {"exemption": self.exemption, "reason": self.reason}

    def ids(self) -> dict[str, str]:
        return {**super().ids(), "item_id": str(int(self.item.id))}

    def choices(self) -> dict[str, str]:
        return {"exemption": str(self.exemption.currentData() or "")}

    def texts(self) -> dict[str, str]:
        reason = self.reason.toPlainText()
        return {"reason": reason} if reason != self.item.reason else {}

    def fill(self, fields: Mapping[str, str]) -> None:
        self._finished = False
        index = self.exemption.findData(fields.get("exemption", ""))
        if index >= 0:
            self.exemption.setCurrentIndex(index)
        if "reason" in fields:
            self.reason.setPlainText(fields["reason"])

    def work(self) -> Callable[[], object]:
        item_id = int(self.item.id)
        exemption = self.exemption.currentData()
        reason = self.reason.toPlainText()
        return lambda: self._session.subject_access.decide(
            item_id, withhold=True, exemption=None if exemption is None else str(exemption), reason=reason
        )
