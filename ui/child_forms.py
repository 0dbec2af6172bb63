"""The forms of a child's record: the child, carers, emergency contacts, professionals, visits.

Every form is non-blocking (``open()``), runs the core call off the UI thread and, when the core
refuses a value, shows its sentence inline and puts the cursor in the field it names, so nothing
typed is lost. Forms that hold typing hand it over as a draft when the screen locks. Window
titles never name the child: a title can show in the taskbar or a screen-sharing list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.children import (
    MAX_SESSIONS_PER_WEEK,
    Carer,
    CarerDetails,
    CarerMatch,
    Child,
    ChildDetails,
    ContactDetails,
    DuplicateChild,
    EmergencyContact,
    Professional,
    ProfessionalDetails,
    StaffChoice,
    VisitDetails,
)
from app.drafts import DraftForm
from app.errors import SharewiseError, ValidationError
from app.policy.permissions import Action, Role
from app.session import Session
from ui import operations
from ui.drafts import KeepsDraft
from ui.form_parts import message_label, ok_cancel

ADD_CHILD = "children.add"
EDIT_CHILD = "children.edit"
CARER_FORM = "children.carer"
CONTACT_FORM = "children.contact"
PROFESSIONAL_FORM = "children.professional"
VISIT_FORM = "children.visit"

SHORT_LIMIT = 200
DATE_FORMAT = "dd/MM/yyyy"
NOT_SET = QDate(1900, 1, 1)  # the date edit's "no date chosen yet" value, shown as "Not set"
RELATIONSHIPS = ("Mother", "Father", "Parent", "Step-parent", "Grandparent", "Foster carer", "Guardian")


# --- small parts ------------------------------------------------------------------------------


def alive(widget: QObject | None) -> bool:
    """False once Qt has deleted the widget (a closed dialog), so late callbacks do nothing."""
    return widget is not None and shiboken6.isValid(widget)


def manages_family(session: Session) -> bool:
    """The manager and DSL: family circumstances, withheld addresses, adding children."""
    return bool(session.roles & {Role.MANAGER, Role.DSL})


def today(session: Session) -> date:
    """Today in this computer's time zone, by the session's clock (tests move it)."""
    return session.context.clock.now().astimezone().date()


def line(name: str, accessible: str, limit: int = SHORT_LIMIT) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setMaxLength(limit)
    return field


def notes(name: str, accessible: str, lines: int = 4) -> QPlainTextEdit:
    """A multi-line field. No length cap here: the core's limit (20,000 characters) says so in words."""
    field = QPlainTextEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setTabChangesFocus(True)
    field.setFixedHeight(field.fontMetrics().lineSpacing() * (lines + 1))
    return field


def check(name: str, text: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setAccessibleName(text)
    return box


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def day_text(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


class _NotSetHelper(QObject):
    """Makes a "Not set" date easy to fill in: typing a digit or pressing up/down starts from a
    useful month instead of 1900, and so does the calendar. Merely tabbing through leaves it unset."""

    def __init__(self, edit: QDateEdit, page: date) -> None:
        super().__init__(edit)
        self._edit = edit
        self._page = page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._edit.date() != NOT_SET:
            return False
        if watched is self._edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) or event.text().isdigit():  # type: ignore[attr-defined]
                self._edit.setDate(to_qdate(self._page))
                self._edit.setSelectedSection(QDateEdit.Section.DaySection)
                return key in (Qt.Key.Key_Up, Qt.Key.Key_Down)  # a digit goes on to be typed
        elif watched is not self._edit and event.type() == QEvent.Type.Show:
            self._edit.calendarWidget().setCurrentPage(self._page.year, self._page.month)
        return False


def date_edit(name: str, accessible: str, *, optional_page: date | None = None) -> QDateEdit:
    """A date with a calendar popup. With ``optional_page`` it starts as "Not set" (so a date of
    birth is never saved by accident as today) and its calendar opens on that month."""
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    if optional_page is not None:
        edit.setMinimumDate(NOT_SET)
        edit.setSpecialValueText("Not set")
        edit.setDate(NOT_SET)
        helper = _NotSetHelper(edit, optional_page)
        edit.installEventFilter(helper)
        edit.calendarWidget().installEventFilter(helper)
    return edit


def date_value(edit: QDateEdit) -> date | None:
    return None if edit.date() == NOT_SET else from_qdate(edit.date())


class OptionalDate(QWidget):
    """A date that may be left out: a tick box ("Has a leaving date") and the date it enables."""

    def __init__(self, name: str, accessible: str, tick_text: str, start: date) -> None:
        super().__init__()
        self.tick = check(f"{name}Check", tick_text)
        self.edit = date_edit(name, accessible)
        self.edit.setDate(to_qdate(start))
        self.edit.setEnabled(False)
        self.tick.toggled.connect(self.edit.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.tick)
        row.addWidget(self.edit, 1)
        self.setFocusProxy(self.tick)

    def value(self) -> date | None:
        return from_qdate(self.edit.date()) if self.tick.isChecked() else None

    def set_value(self, day: date | None) -> None:
        self.tick.setChecked(day is not None)
        if day is not None:
            self.edit.setDate(to_qdate(day))

    def text(self) -> str:
        found = self.value()
        return "" if found is None else found.isoformat()

    def set_text(self, text: str) -> None:
        try:
            self.set_value(date.fromisoformat(text) if text else None)
        except ValueError:
            self.set_value(None)


def text_of(widget: QWidget) -> str:
    """The typed text of any field, for drafts and change checks."""
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, OptionalDate):
        return widget.text()
    if isinstance(widget, QDateEdit):
        found = date_value(widget)
        return "" if found is None else found.isoformat()
    if isinstance(widget, QCheckBox):
        return "1" if widget.isChecked() else ""
    if isinstance(widget, QSpinBox):
        return str(widget.value())
    return ""


def set_text_of(widget: QWidget, text: str) -> None:
    if isinstance(widget, QLineEdit):
        widget.setText(text)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
    elif isinstance(widget, QComboBox):
        if widget.isEditable():
            widget.setEditText(text)
        else:
            found = widget.findText(text)
            if found >= 0:
                widget.setCurrentIndex(found)
    elif isinstance(widget, OptionalDate):
        widget.set_text(text)
    elif isinstance(widget, QDateEdit):
        try:
            widget.setDate(to_qdate(date.fromisoformat(text)) if text else NOT_SET)
        except ValueError:
            widget.setDate(NOT_SET)
    elif isinstance(widget, QCheckBox):
        widget.setChecked(text == "1")
    elif isinstance(widget, QSpinBox) and text.isdigit():
        widget.setValue(int(text))


def select_data(combo: QComboBox, value: object) -> None:
    found = combo.findData(value)
    combo.setCurrentIndex(found)


# --- the common form dialog ---------------------------------------------------------------------


class FormDialog(QDialog, KeepsDraft):
    """What every form here shares: inline errors with focus, drafts, no closing mid-save.

    ``fields`` maps the core's field names (``ValidationError.field``) to widgets; the draft is
    those fields' text plus ``keys`` (which record the form is for).
    """

    form_id = ""
    draft_title = ""

    def __init__(self, session: Session, parent: QWidget | None, name: str, title: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.fields: dict[str, QWidget] = {}
        self.keys: dict[str, str] = {}
        self.message = message_label(f"{name}Message")
        self.buttons: QDialogButtonBox | None = None
        self.busy = False
        self.finished_ok = False
        self._operation: operations.Operation[Any] | None = None

    def add_buttons(self, layout: QVBoxLayout, ok_text: str) -> QDialogButtonBox:
        layout.addWidget(self.message)
        self.buttons = ok_cancel(self, ok_text, self.submit)
        layout.addWidget(self.buttons)
        return self.buttons

    @property
    def ok_button(self) -> Any:
        assert self.buttons is not None  # noqa: S101 - every form adds its buttons
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def submit(self) -> None:
        raise NotImplementedError

    def values(self) -> dict[str, str]:
        return {key: text_of(widget) for key, widget in self.fields.items()}

    def fill(self, fields: Mapping[str, str]) -> None:
        for key, widget in self.fields.items():
            if key in fields:
                set_text_of(widget, fields[key])

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        return any(v.strip() for v in values.values())

    def draft(self) -> DraftForm | None:
        if self.finished_ok or not self.form_id or not alive(self):
            return None
        values = self.values()
        if not self.worth_keeping(values):
            return None
        return DraftForm(self.form_id, self.draft_title, {**values, **self.keys})

    def run(self, work: Callable[[], Any], label: str, on_success: Callable[[Any], None]) -> None:
        """Run the core call; on success close and hand over the result, else show why inline."""
        self.busy = True
        self.message.clear()
        if self.buttons is not None:
            self.buttons.setEnabled(False)

        def succeeded(result: Any) -> None:
            if not alive(self):
                return
            self.finished_ok = True
            self.accept()
            on_success(result)

        def done() -> None:
            if alive(self):
                self.busy = False
                if self.buttons is not None:
                    self.buttons.setEnabled(True)

        self._operation = operations.run(
            self,
            lambda _p: work(),
            label=label,
            on_success=succeeded,
            on_failure=self.failed,
            on_done=done,
        )

    def failed(self, error: BaseException) -> bool:
        """The core's sentence, inline; the cursor goes to the field it names."""
        if not alive(self) or not isinstance(error, SharewiseError):
            return False
        self.message.setText(error.sentence)
        if isinstance(error, ValidationError):
            widget = self.fields.get(error.field)
            if widget is not None and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def reject(self) -> None:
        running = self._operation
        if self.busy and running is not None and not (running.done or running.abandoned):
            return  # the save is under way; its answer closes or keeps the form
        super().reject()

    def forget(self) -> None:
        """The screen is locking (the draft is already taken): empty every field."""
        self.finished_ok = True
        for field in self.findChildren(QLineEdit):
            field.clear()
        for notes_field in self.findChildren(QPlainTextEdit):
            notes_field.clear()
        for label in self.findChildren(QLabel):
            label.clear()  # explanations may name a carer
        for box in self.findChildren(QCheckBox):
            box.setText("")
        for listing in self.findChildren(QListWidget):
            listing.clear()
        for combo in self.findChildren(QComboBox):
            combo.clear()


# --- the child ----------------------------------------------------------------------------------


class ChildForm(FormDialog):
    """Add a child, or change one's details. Family circumstances appear only for the manager
    and DSL; everyone else sends None, which the core reads as "leave as it is"."""

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        *,
        child: Child | None = None,
        on_saved: Callable[[Child], None] | None = None,
    ) -> None:
        adding = child is None
        super().__init__(
            session, parent, "childForm", "Add a child" if adding else "Change a child's details"
        )
        self.message.setObjectName("childFormMessage")
        self.child = child
        self.form_id = ADD_CHILD if adding else EDIT_CHILD
        self.draft_title = self.windowTitle()
        if child is not None:
            self.keys = {"child_id": str(int(child.id))}
        self.on_saved = on_saved
        self.allow_duplicate = False
        now = today(session)
        self.ok_text = "Add" if adding else "Save"
        self.legal_name = line("legalNameEdit", "Legal name")
        self.known_as = line("knownAsEdit", "Known-as name")
        self.date_of_birth = date_edit(
            "dateOfBirthEdit", "Date of birth", optional_page=now.replace(year=now.year - 2, day=1)
        )
        self.sex_gender = line("sexGenderEdit", "Sex or gender")
        self.address = notes("childAddressEdit", "Home address", 3)
        self.phone = line("childPhoneEdit", "Home phone")
        self.start_date = date_edit("startDateEdit", "Start date")
        self.start_date.setDate(to_qdate(now))
        self.leaving_date = OptionalDate("leavingDateEdit", "Leaving date", "Has a leaving date", now)
        self.destination = line("destinationEdit", "Moving on to (school or setting)")
        self.room = QComboBox()
        self.room.setObjectName("roomCombo")
        self.room.setAccessibleName("Room or group")
        self.room.setEditable(True)
        self.room.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.room.lineEdit().setMaxLength(SHORT_LIMIT)
        self.key_worker = QComboBox()
        self.key_worker.setObjectName("keyWorkerCombo")
        self.key_worker.setAccessibleName("Key worker")
        self.additional_needs = notes("additionalNeedsEdit", "Additional needs")
        self.medical_notes = notes("medicalNotesEdit", "Medical and allergy notes")
        may_family = child.may_see_family if child is not None else session.may(Action.CHILD_FAMILY)
        self.family: QPlainTextEdit | None = (
            notes("familyCircumstancesEdit", "Family circumstances") if may_family else None
        )
        self.sessions = QSpinBox()
        self.sessions.setObjectName("sessionsSpin")
        self.sessions.setAccessibleName("Sessions per week")
        self.sessions.setRange(0, MAX_SESSIONS_PER_WEEK)
        self.attendance = line("attendancePatternEdit", "Attendance pattern")
        self.fields = {
            "legal_name": self.legal_name,
            "known_as": self.known_as,
            "date_of_birth": self.date_of_birth,
            "sex_gender": self.sex_gender,
            "address": self.address,
            "phone": self.phone,
            "start_date": self.start_date,
            "leaving_date": self.leaving_date,
            "destination": self.destination,
            "room": self.room,
            "key_worker_id": self.key_worker,
            "additional_needs": self.additional_needs,
            "medical_notes": self.medical_notes,
            "sessions_per_week": self.sessions,
            "attendance_pattern": self.attendance,
        }
        if self.family is not None:
            self.fields["family_circumstances"] = self.family
        self._load_choices()
        if child is not None:
            self._show(child)
        # A different name or date of birth is a new question: ask about duplicates again.
        self.legal_name.textChanged.connect(self._forget_duplicate)
        self.date_of_birth.dateChanged.connect(self._forget_duplicate)

        form = QFormLayout()
        form.addRow("&Legal name", self.legal_name)
        form.addRow("&Known as", self.known_as)
        form.addRow("Date of &birth", self.date_of_birth)
        form.addRow("&Sex or gender", self.sex_gender)
        form.addRow("Home &address", self.address)
        form.addRow("Home &phone", self.phone)
        form.addRow("S&tart date", self.start_date)
        form.addRow("Leaving date", self.leaving_date)
        form.addRow("Moving on to", self.destination)
        form.addRow("&Room or group", self.room)
        form.addRow("Key &worker", self.key_worker)
        form.addRow("Sessions per week", self.sessions)
        form.addRow("Attendance pattern", self.attendance)
        form.addRow("Additional &needs", self.additional_needs)
        form.addRow("&Medical and allergy notes", self.medical_notes)
        if self.family is not None:
            form.addRow("&Family circumstances\n(manager and DSL only)", self.family)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_buttons(layout, self.ok_text)

    def _load_choices(self) -> None:
        """Rooms and key workers: short lists, read at once (they are not audited)."""
        rooms = self.session.children.rooms()
        staff: list[StaffChoice] = self.session.children.staff_choices()
        self.room.addItems(rooms)
        self.room.setEditText("")
        self.key_worker.addItem("None yet", None)
        for person in staff:
            if person.key_worker:
                self.key_worker.addItem(person.full_name, int(person.id))
        child = self.child
        current = None if child is None or child.key_worker_id is None else int(child.key_worker_id)
        if current is not None and self.key_worker.findData(current) < 0:  # no longer a key worker here
            self.key_worker.addItem((child.key_worker_name if child else "") or "Former key worker", current)
        # Only the manager or DSL choose the key worker (the core refuses anyone else).
        self.key_worker.setEnabled(manages_family(self.session))

    def _show(self, child: Child) -> None:
        self.legal_name.setText(child.legal_name)
        self.known_as.setText(child.known_as)
        self.date_of_birth.setDate(to_qdate(child.date_of_birth))
        self.sex_gender.setText(child.sex_gender)
        self.address.setPlainText(child.address)
        self.phone.setText(child.phone)
        self.start_date.setDate(to_qdate(child.start_date))
        self.leaving_date.set_value(child.leaving_date)
        self.destination.setText(child.destination)
        self.room.setEditText(child.room)
        select_data(self.key_worker, None if child.key_worker_id is None else int(child.key_worker_id))
        self.additional_needs.setPlainText(child.additional_needs)
        self.medical_notes.setPlainText(child.medical_notes)
        if self.family is not None:
            self.family.setPlainText(child.family_circumstances or "")
        self.sessions.setValue(child.sessions_per_week)
        self.attendance.setText(child.attendance_pattern)

    def values(self) -> dict[str, str]:
        found = super().values()
        data = self.key_worker.currentData()
        found["key_worker_id"] = "" if data is None else str(data)
        return found

    def fill(self, fields: Mapping[str, str]) -> None:
        super().fill({k: v for k, v in fields.items() if k != "key_worker_id"})
        chosen = fields.get("key_worker_id", "")
        if chosen.isdigit() and self.key_worker.isEnabled():
            select_data(self.key_worker, int(chosen))

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        if self.child is not None:
            return True  # an edit in progress: even a cleared field is a change worth offering back
        typed = {k: v for k, v in values.items() if k not in ("start_date", "sessions_per_week")}
        return any(v.strip() for v in typed.values())

    def details(self) -> ChildDetails:
        return ChildDetails(
            legal_name=self.legal_name.text(),
            known_as=self.known_as.text(),
            date_of_birth=date_value(self.date_of_birth),
            sex_gender=self.sex_gender.text(),
            address=self.address.toPlainText(),
            phone=self.phone.text(),
            start_date=from_qdate(self.start_date.date()),
            leaving_date=self.leaving_date.value(),
            destination=self.destination.text(),
            room=self.room.currentText(),
            key_worker_id=self.key_worker.currentData(),
            additional_needs=self.additional_needs.toPlainText(),
            medical_notes=self.medical_notes.toPlainText(),
            sessions_per_week=self.sessions.value(),
            attendance_pattern=self.attendance.text(),
            family_circumstances=None if self.family is None else self.family.toPlainText(),
        )

    def submit(self) -> None:
        details = self.details()
        allow = self.allow_duplicate
        children = self.session.children
        child = self.child
        if child is None:
            self.run(lambda: children.add(details, allow_duplicate=allow), "Adding the child…", self._saved)
        else:
            self.run(
                lambda: children.update(child.id, details, allow_duplicate=allow),
                "Saving the child's details…",
                self._saved,
            )

    def _saved(self, child: Child) -> None:
        if self.on_saved is not None:
            self.on_saved(child)

    def failed(self, error: BaseException) -> bool:
        if alive(self) and isinstance(error, DuplicateChild):
            self.message.setText(error.sentence)
            self.allow_duplicate = True
            self.ok_button.setText("Add anyway" if self.child is None else "Save anyway")
            return True
        return super().failed(error)

    def _forget_duplicate(self, *_args: object) -> None:
        if self.allow_duplicate:
            self.allow_duplicate = False
            self.ok_button.setText(self.ok_text)


# --- carers -------------------------------------------------------------------------------------


class CarerDialog(FormDialog):
    """Add a parent or carer, or change one. A carer shared with a sibling has one set of contact
    details, so a change here shows on the sibling's record too."""

    form_id = CARER_FORM

    def __init__(
        self,
        session: Session,
        child: Child,
        parent: QWidget | None = None,
        *,
        carer: Carer | None = None,
        on_saved: Callable[[Child], None] | None = None,
    ) -> None:
        title = "Add a parent or carer" if carer is None else "Change a parent or carer"
        super().__init__(session, parent, "carerDialog", title)
        self.draft_title = title
        self.child, self.carer, self.on_saved = child, carer, on_saved
        self.keys = {"child_id": str(int(child.id))}
        if carer is not None:
            self.keys["carer_id"] = str(int(carer.id))
        self.full_name = line("carerNameEdit", "Carer's full name")
        self.relationship = QComboBox()
        self.relationship.setObjectName("relationshipCombo")
        self.relationship.setAccessibleName("Relationship to the child")
        self.relationship.setEditable(True)
        self.relationship.addItems(RELATIONSHIPS)
        self.relationship.setEditText("")
        self.relationship.lineEdit().setMaxLength(SHORT_LIMIT)
        self.responsibility = check("parentalResponsibilityCheck", "Has parental responsibility")
        self.lives_with = check("livesWithCheck", "The child lives with them")
        self.address = notes("carerAddressEdit", "Carer's address", 3)
        self.phone = line("carerPhoneEdit", "Carer's phone")
        self.email = line("carerEmailEdit", "Carer's email")
        self.fields = {
            "full_name": self.full_name,
            "relationship": self.relationship,
            "parental_responsibility": self.responsibility,
            "lives_with": self.lives_with,
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
        }
        # A key worker's copy of a withheld carer has no contact details: they cannot change them.
        self.details_locked = carer is not None and carer.contact_withheld and not child.may_see_family
        note = QLabel(
            "This carer's contact details are withheld. Only the manager or DSL can see or change them."
        )
        note.setObjectName("carerWithheldNote")
        note.setWordWrap(True)
        note.setVisible(self.details_locked)
        if carer is not None:
            self.full_name.setText(carer.full_name)
            self.relationship.setEditText(carer.relationship)
            self.responsibility.setChecked(carer.parental_responsibility)
            self.lives_with.setChecked(carer.lives_with)
            self.address.setPlainText(carer.address)
            self.phone.setText(carer.phone)
            self.email.setText(carer.email)
        others = 0 if carer is None else carer.other_children
        shared = QLabel(
            f"These details are shared with this carer's other {'child' if others == 1 else 'children'} "
            "at the setting: a change here shows on their record too."
        )
        shared.setObjectName("carerSharedNote")
        shared.setWordWrap(True)
        shared.setVisible(bool(others))
        for widget in (self.address, self.phone, self.email):
            widget.setEnabled(not self.details_locked)
        form = QFormLayout()
        form.addRow("&Full name", self.full_name)
        form.addRow("&Relationship to the child", self.relationship)
        form.addRow("", self.responsibility)
        form.addRow("", self.lives_with)
        form.addRow("", note)
        form.addRow("&Address", self.address)
        form.addRow("&Phone", self.phone)
        form.addRow("&Email", self.email)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(shared)
        self.add_buttons(layout, "Add" if carer is None else "Save")

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        return self.carer is not None or any(
            v.strip() for k, v in values.items() if k not in ("parental_responsibility", "lives_with")
        )

    def submit(self) -> None:
        details = CarerDetails(
            full_name=self.full_name.text(),
            relationship=self.relationship.currentText(),
            parental_responsibility=self.responsibility.isChecked(),
            lives_with=self.lives_with.isChecked(),
            address="" if self.details_locked else self.address.toPlainText(),
            phone="" if self.details_locked else self.phone.text(),
            email="" if self.details_locked else self.email.text(),
        )
        children, child_id, carer = self.session.children, self.child.id, self.carer
        if carer is None:
            self.run(lambda: children.add_carer(child_id, details), "Adding the carer…", self._saved)
        else:
            self.run(
                lambda: children.update_carer(child_id, carer.id, details), "Saving the carer…", self._saved
            )

    def _saved(self, child: Child) -> None:
        if self.on_saved is not None:
            self.on_saved(child)


class LinkCarerDialog(FormDialog):
    """Add a sibling's parent or carer to this child, so both records share one set of details."""

    def __init__(
        self,
        session: Session,
        child: Child,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[Child], None] | None = None,
    ) -> None:
        super().__init__(session, parent, "linkCarerDialog", "Add a sibling's parent or carer")
        self.child, self.on_saved = child, on_saved
        self._generation = 0
        self._already = {int(c.id) for c in child.carers}
        explain = QLabel(
            "Type the parent's or carer's name, then choose them from the list. Their contact "
            "details stay as they are on the sibling's record."
        )
        explain.setWordWrap(True)
        self.search = line("carerSearchEdit", "Search carers by name")
        self.search.setPlaceholderText("Carer's name")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.find)
        self.results = QListWidget()
        self.results.setObjectName("carerResults")
        self.results.setAccessibleName("Carers found")
        self.relationship = QComboBox()
        self.relationship.setObjectName("linkRelationshipCombo")
        self.relationship.setAccessibleName("Relationship to this child")
        self.relationship.setEditable(True)
        self.relationship.addItems(RELATIONSHIPS)
        self.relationship.setEditText("")
        self.responsibility = check("linkResponsibilityCheck", "Has parental responsibility for this child")
        self.lives_with = check("linkLivesWithCheck", "This child lives with them")
        self.fields = {
            "carer": self.results,
            "relationship": self.relationship,
            "parental_responsibility": self.responsibility,
            "lives_with": self.lives_with,
        }
        form = QFormLayout()
        form.addRow("&Search", self.search)
        form.addRow("&Carers found", self.results)
        form.addRow("&Relationship to this child", self.relationship)
        form.addRow("", self.responsibility)
        form.addRow("", self.lives_with)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        self.add_buttons(layout, "Add to this child")

    def draft(self) -> DraftForm | None:
        return None  # a search and a choice: quick to do again, and it names other children

    def find(self, text: str) -> None:
        self._generation += 1
        generation = self._generation
        if not text.strip():
            self.results.clear()
            return
        children = self.session.children
        operations.run(
            self,
            lambda _p: children.find_carers(text),
            label="Finding carers…",
            on_success=lambda found: self._found(found, generation),
        )

    def _found(self, found: list[CarerMatch], generation: int) -> None:
        if not alive(self) or generation != self._generation:
            return  # a newer search is on its way
        self.results.clear()
        for match in found:
            if int(match.id) in self._already:
                continue
            shown = f"{match.full_name} — carer of {', '.join(match.children)}"
            item = QListWidgetItem(shown)
            item.setData(Qt.ItemDataRole.UserRole, int(match.id))
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def chosen(self) -> int | None:
        item = self.results.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def submit(self) -> None:
        carer_id = self.chosen()
        if carer_id is None:
            self.message.setText("Search for the carer and choose them from the list.")
            self.search.setFocus()
            return
        children, child_id = self.session.children, self.child.id
        relationship = self.relationship.currentText()
        responsibility, lives_with = self.responsibility.isChecked(), self.lives_with.isChecked()
        self.run(
            lambda: children.link_carer(
                child_id,
                carer_id,
                relationship=relationship,
                parental_responsibility=responsibility,
                lives_with=lives_with,
            ),
            "Adding the carer…",
            self._saved,
        )

    def _saved(self, child: Child) -> None:
        if self.on_saved is not None:
            self.on_saved(child)

    def forget(self) -> None:
        self._generation += 1  # a search still on its way is dropped
        self.results.clear()
        super().forget()


class WithholdDialog(FormDialog):
    """Manager and DSL: whom this carer's address and contact details must never reach (a
    court order, or a parent fleeing domestic abuse)."""

    def __init__(
        self,
        session: Session,
        child: Child,
        carer: Carer,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[Child], None] | None = None,
    ) -> None:
        super().__init__(session, parent, "withholdDialog", "Withhold a carer's details")
        self.child, self.carer, self.on_saved = child, carer, on_saved
        explain = QLabel(
            f"Tick the carers who must never see {carer.full_name}'s address, phone or email. Key "
            "workers will see “Withheld” instead of these details, and printed records leave them out."
        )
        explain.setWordWrap(True)
        self.boxes: dict[int, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        for other in child.carers:
            if other.id == carer.id:
                continue
            box = check(f"withhold_{int(other.id)}", f"{other.full_name} ({other.relationship})")
            box.setChecked(other.id in carer.withheld_from)
            self.boxes[int(other.id)] = box
            layout.addWidget(box)
        if not self.boxes:
            none = QLabel("There are no other carers on this child's record yet.")
            none.setWordWrap(True)
            layout.addWidget(none)
        self.add_buttons(layout, "Save")

    def draft(self) -> DraftForm | None:
        return None  # tick boxes only

    def chosen(self) -> list[int]:
        return [carer_id for carer_id, box in self.boxes.items() if box.isChecked()]

    def submit(self) -> None:
        children, chosen = self.session.children, self.chosen()
        child_id, carer_id = self.child.id, self.carer.id
        self.run(
            lambda: children.set_withheld(child_id, carer_id, chosen),
            "Saving who may see the details…",
            self._saved,
        )

    def _saved(self, child: Child) -> None:
        if self.on_saved is not None:
            self.on_saved(child)


# --- emergency contacts and professionals -------------------------------------------------------


class ContactDialog(FormDialog):
    form_id = CONTACT_FORM

    def __init__(
        self,
        session: Session,
        child: Child,
        parent: QWidget | None = None,
        *,
        contact: EmergencyContact | None = None,
        on_saved: Callable[[Child], None] | None = None,
    ) -> None:
        title = "Add an emergency contact" if contact is None else "Change an emergency contact"
        super().__init__(session, parent, "contactDialog", title)
        self.draft_title = title
        self.child, self.contact, self.on_saved = child, contact, on_saved
        self.keys = {"child_id": str(int(child.id))}
        if contact is not None:
            self.keys["contact_id"] = str(int(contact.id))
        self.full_name = line("contactNameEdit", "Contact's full name")
        self.relationship = line("contactRelationshipEdit", "Relationship to the child")
        self.phone = line("contactPhoneEdit", "Contact's phone")
        self.may_collect = check("mayCollectCheck", "May collect the child")
        self.fields = {
            "full_name": self.full_name,
            "relationship": self.relationship,
            "phone": self.phone,
            "may_collect": self.may_collect,
        }
        if contact is not None:
            self.full_name.setText(contact.full_name)
            self.relationship.setText(contact.relationship)
            self.phone.setText(contact.phone)
            self.may_collect.setChecked(contact.may_collect)
        form = QFormLayout()
        form.addRow("&Full name", self.full_name)
        form.addRow("&Relationship to the child", self.relationship)
        form.addRow("&Phone", self.phone)
        form.addRow("", self.may_collect)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_buttons(layout, "Add" if contact is None else "Save")

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        return self.contact is not None or any(v.strip() for k, v in values.items() if k != "may_collect")

    def submit(self) -> None:
        details = ContactDetails(
            full_name=self.full_name.text(),
            phone=self.phone.text(),
            relationship=self.relationship.text(),
            may_collect=self.may_collect.isChecked(),
        )
        children, child_id, contact = self.session.children, self.child.id, self.contact
        if contact is None:
            self.run(lambda: children.add_contact(child_id, details), "Adding the contact…", self._saved)
        else:
            self.run(
                lambda: children.update_contact(child_id, contact.id, details),
                "Saving the contact…",
                self._saved,
            )

    def _saved(self, child: Child) -> None:
        if self.on_saved is not None:
            self.on_saved(child)


class ProfessionalDialog(FormDialog):
    """A professional involved with the child (health visitor, social worker, SENCO at school).
    When they stop being involved, give an end date rather than removing them."""

    form_id = PROFESSIONAL_FORM

    def __init__(
        self,
        session: Session,
        child: Child,
        parent: QWidget | None = None,
        *,
        professional: Professional | None = None,
        on_saved: Callable[[Child], None] | None = None,
    ) -> None:
        title = "Add a professional" if professional is None else "Change a professional"
        super().__init__(session, parent, "professionalDialog", title)
        self.draft_title = title
        self.child, self.professional, self.on_saved = child, professional, on_saved
        self.keys = {"child_id": str(int(child.id))}
        if professional is not None:
            self.keys["professional_id"] = str(int(professional.id))
        now = today(session)
        self.full_name = line("professionalNameEdit", "Professional's name")
        self.role = line("professionalRoleEdit", "Their role")
        self.agency = line("agencyEdit", "Agency")
        self.contact = line("professionalContactEdit", "Contact details")
        self.from_date = OptionalDate("fromDateEdit", "Involved from", "Known start date", now)
        self.to_date = OptionalDate("toDateEdit", "Involved until", "No longer involved from", now)
        self.fields = {
            "full_name": self.full_name,
            "role": self.role,
            "agency": self.agency,
            "contact": self.contact,
            "from_date": self.from_date,
            "to_date": self.to_date,
        }
        if professional is not None:
            self.full_name.setText(professional.full_name)
            self.role.setText(professional.role)
            self.agency.setText(professional.agency)
            self.contact.setText(professional.contact)
            self.from_date.set_value(professional.from_date)
            self.to_date.set_value(professional.to_date)
        form = QFormLayout()
        form.addRow("&Name", self.full_name)
        form.addRow("&Role", self.role)
        form.addRow("A&gency", self.agency)
        form.addRow("&Contact details", self.contact)
        form.addRow("Involved &from", self.from_date)
        form.addRow("Involved &until", self.to_date)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_buttons(layout, "Add" if professional is None else "Save")

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        return self.professional is not None or any(v.strip() for v in values.values())

    def submit(self) -> None:
        details = ProfessionalDetails(
            agency=self.agency.text(),
            full_name=self.full_name.text(),
            role=self.role.text(),
            contact=self.contact.text(),
            from_date=self.from_date.value(),
            to_date=self.to_date.value(),
        )
        children, child_id, professional = self.session.children, self.child.id, self.professional
        if professional is None:
            self.run(
                lambda: children.add_professional(child_id, details), "Adding the professional…", self._saved
            )
        else:
            self.run(
                lambda: children.update_professional(child_id, professional.id, details),
                "Saving the professional…",
                self._saved,
            )

    def _saved(self, child: Child) -> None:
        if self.on_saved is not None:
            self.on_saved(child)


class VisitDialog(FormDialog):
    """Log an agency visit. The supervising member of staff must be chosen on purpose (no
    default): visitors are never left alone with children."""

    form_id = VISIT_FORM
    draft_title = "Log an agency visit"

    def __init__(
        self,
        session: Session,
        child: Child,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[Child], None] | None = None,
    ) -> None:
        super().__init__(session, parent, "visitDialog", "Log an agency visit")
        self.child, self.on_saved = child, on_saved
        self.keys = {"child_id": str(int(child.id))}
        self.visitor = line("visitorEdit", "Visitor's name")
        self.agency = line("visitAgencyEdit", "Agency")
        self.visited_at = QDateTimeEdit()
        self.visited_at.setObjectName("visitedAtEdit")
        self.visited_at.setAccessibleName("Date and time of the visit")
        self.visited_at.setCalendarPopup(True)
        self.visited_at.setDisplayFormat("dd/MM/yyyy HH:mm")
        stamp = int(session.context.clock.now().timestamp())
        self.visited_at.setDateTime(QDateTime.fromSecsSinceEpoch(stamp - stamp % 60))
        self.purpose = notes("purposeEdit", "Purpose of the visit")
        self.supervisor = QComboBox()
        self.supervisor.setObjectName("supervisorCombo")
        self.supervisor.setAccessibleName("Supervised by")
        self.supervisor.setPlaceholderText("Choose who supervised")
        for person in session.children.staff_choices():
            self.supervisor.addItem(person.full_name, int(person.id))
        self.supervisor.setCurrentIndex(-1)
        self.fields = {
            "visitor": self.visitor,
            "agency": self.agency,
            "visited_at": self.visited_at,
            "purpose": self.purpose,
            "supervised_by": self.supervisor,
        }
        form = QFormLayout()
        form.addRow("&Visitor's name", self.visitor)
        form.addRow("&Agency", self.agency)
        form.addRow("&When", self.visited_at)
        form.addRow("&Purpose", self.purpose)
        form.addRow("&Supervised by", self.supervisor)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_buttons(layout, "Log the visit")

    def when(self) -> datetime:
        """The typed local time, made aware with this computer's offset on that day."""
        return self.visited_at.dateTime().toPython().astimezone()

    def values(self) -> dict[str, str]:
        found = {
            "visitor": self.visitor.text(),
            "agency": self.agency.text(),
            "purpose": self.purpose.toPlainText(),
        }
        found["visited_at"] = self.visited_at.dateTime().toString(Qt.DateFormat.ISODate)
        data = self.supervisor.currentData()
        found["supervised_by"] = "" if data is None else str(data)
        return found

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        return any(values[k].strip() for k in ("visitor", "agency", "purpose"))

    def fill(self, fields: Mapping[str, str]) -> None:
        self.visitor.setText(fields.get("visitor", ""))
        self.agency.setText(fields.get("agency", ""))
        self.purpose.setPlainText(fields.get("purpose", ""))
        when = QDateTime.fromString(fields.get("visited_at", ""), Qt.DateFormat.ISODate)
        if when.isValid():
            self.visited_at.setDateTime(when)
        chosen = fields.get("supervised_by", "")
        if chosen.isdigit():
            select_data(self.supervisor, int(chosen))

    def submit(self) -> None:
        details = VisitDetails(
            visitor=self.visitor.text(),
            agency=self.agency.text(),
            visited_at=self.when(),
            purpose=self.purpose.toPlainText(),
            supervised_by=self.supervisor.currentData(),
        )
        children, child_id = self.session.children, self.child.id
        self.run(lambda: children.log_visit(child_id, details), "Logging the visit…", self._saved)

    def _saved(self, child: Child) -> None:
        if self.on_saved is not None:
            self.on_saved(child)
