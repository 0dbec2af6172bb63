"""One child's record on screen: details, carers, consents, emergency contacts, professionals and
visits, concerns and the chronology, each on its own tab.

Opening the record is audit-logged by the core, and so are the concerns list and the
chronology; those two are loaded only when their tab is first shown, so the log says what was
actually looked at. Buttons that change the record are enabled only for people who may change
it; the core checks again on every call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.children import AgencyVisit, Carer, Child, EmergencyContact, Professional
from app.chronology import Chronology, ChronologyEntry
from app.concerns import ConcernSummary
from app.policy.permissions import Action
from app.session import Session
from ui import operations
from ui.child_forms import (
    CARER_FORM,
    CONTACT_FORM,
    EDIT_CHILD,
    PROFESSIONAL_FORM,
    VISIT_FORM,
    CarerDialog,
    ChildForm,
    ContactDialog,
    LinkCarerDialog,
    ProfessionalDialog,
    VisitDialog,
    WithholdDialog,
    alive,
    day_text,
)
from ui.consent_forms import CONSENT_FORM
from ui.consents_tab import ConsentsTab
from ui.form_parts import button, confirm, heading
from ui.record_list import list_table
from ui.table_model import RecordTableModel

Index = QModelIndex | QPersistentModelIndex
ASK_MANAGER = "Withheld — ask the manager or DSL"
PARTIAL_CHRONOLOGY = "You see only the concerns you wrote."
URGENT_BACKGROUND = QColor("#fde2e1")
(
    TAB_DETAILS,
    TAB_CARERS,
    TAB_CONSENTS,
    TAB_CONTACTS,
    TAB_PROFESSIONALS,
    TAB_CONCERNS,
    TAB_CHRONOLOGY,
) = range(7)


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def moment_text(when: datetime) -> str:
    """A stored UTC moment in this computer's local time."""
    return when.astimezone().strftime("%d/%m/%Y %H:%M")


def first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


# --- table models -------------------------------------------------------------------------------


class CarersModel(RecordTableModel[Carer]):
    """Carers of one child. A carer whose details are withheld from someone shows "Withheld"
    instead of their contact details until "Show" is pressed for that carer."""

    columns = ("Name", "Relationship", "Parental responsibility", "Lives with the child", "Contact details")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.revealed: set[int] = set()
        self.may_see_family = False

    def masked(self, carer: Carer) -> bool:
        return carer.contact_withheld and int(carer.id) not in self.revealed

    def cell(self, carer: Carer, column: int) -> str:
        if column == 0:
            return carer.full_name
        if column == 1:
            return carer.relationship
        if column == 2:
            return yes_no(carer.parental_responsibility)
        if column == 3:
            return yes_no(carer.lives_with)
        if self.masked(carer):
            if not self.may_see_family:
                return ASK_MANAGER
            names = {int(c.id): c.full_name for c in self._rows}
            hidden_from = [names[int(i)] for i in carer.withheld_from if int(i) in names]
            return f"Withheld from {', '.join(hidden_from) or 'another carer'}"
        parts = [carer.address.replace("\n", ", "), carer.phone, carer.email]
        return " · ".join(p for p in parts if p)

    def reveal(self, carer_id: int, shown: bool) -> None:
        if shown:
            self.revealed.add(carer_id)
        else:
            self.revealed.discard(carer_id)
        for row, carer in enumerate(self._rows):
            if int(carer.id) == carer_id:
                self.dataChanged.emit(self.index(row, 4), self.index(row, 4))

    def forget(self) -> None:
        self.revealed.clear()
        super().forget()


class ContactsModel(RecordTableModel[EmergencyContact]):
    columns = ("Name", "Relationship", "Phone", "May collect")

    def cell(self, contact: EmergencyContact, column: int) -> str:
        return (contact.full_name, contact.relationship, contact.phone, yes_no(contact.may_collect))[column]


class ProfessionalsModel(RecordTableModel[Professional]):
    columns = ("Name", "Role", "Agency", "Contact details", "Involved from", "Until")

    def cell(self, p: Professional, column: int) -> str:
        return (p.full_name, p.role, p.agency, p.contact, day_text(p.from_date), day_text(p.to_date))[column]


class VisitsModel(RecordTableModel[AgencyVisit]):
    columns = ("When", "Visitor", "Agency", "Purpose", "Supervised by", "Recorded by")

    def cell(self, v: AgencyVisit, column: int) -> str:
        return (
            moment_text(v.visited_at),
            v.visitor,
            v.agency,
            first_line(v.purpose),
            v.supervisor_name,
            v.recorded_by_name,
        )[column]


class ConcernsModel(RecordTableModel[ConcernSummary]):
    columns = ("Seen", "Category", "Urgent", "Status", "Written by")

    def cell(self, c: ConcernSummary, column: int) -> str:
        return (moment_text(c.seen_at), c.category, yes_no(c.urgent), c.status.label, c.author_name)[column]


class ChronologyModel(RecordTableModel[ChronologyEntry]):
    """Entries oldest first, as the core orders them; urgent concerns stand out in bold on red."""

    columns = ("When", "What", "Detail", "By")

    def cell(self, e: ChronologyEntry, column: int) -> str:
        if column == 0:
            return e.at.date().strftime("%d/%m/%Y") if e.all_day else moment_text(e.at)
        if column == 1:
            return f"Urgent: {e.title}" if e.urgent and "urgent" not in e.title.casefold() else e.title
        if column == 2:
            return first_line(e.detail)
        return e.by

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.record(index.row()) if index.isValid() else None
        if entry is not None and 0 <= index.column() < len(self.columns):
            if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
                return entry.detail or None
            if entry.urgent and role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(URGENT_BACKGROUND)
            if entry.urgent and role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)


def record_table(name: str, accessible: str, model: RecordTableModel[Any]) -> QTableView:
    """A list table whose rows stay one line each, without row numbers."""
    table = list_table(name, accessible, model)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    return table


def selected_row(table: QTableView) -> int | None:
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else None


# --- the view -----------------------------------------------------------------------------------


DETAIL_FIELDS = (
    ("legal_name", "Legal name"),
    ("known_as", "Known as"),
    ("date_of_birth", "Date of birth"),
    ("sex_gender", "Sex or gender"),
    ("address", "Home address"),
    ("phone", "Home phone"),
    ("room", "Room or group"),
    ("key_worker", "Key worker"),
    ("start_date", "Started"),
    ("leaving_date", "Leaving date"),
    ("destination", "Moving on to"),
    ("sessions", "Sessions per week"),
    ("attendance_pattern", "Attendance pattern"),
    ("additional_needs", "Additional needs"),
    ("medical_notes", "Medical and allergy notes"),
    ("family_circumstances", "Family circumstances"),
)


class ChildRecordView(QWidget):
    """One child's record. ``load`` opens it through the core (audited); every change made here
    comes back as the updated record, which is shown without opening it again."""

    changed = Signal()  # the record was changed here: the children list may need refreshing

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("childRecord")
        self.session = session
        self.child: Child | None = None
        self._generation = 0
        self._concerns_loaded = False
        self._chronology_loaded = False
        self.title = heading("")
        self.title.setObjectName("childHeading")
        self.title.setAccessibleName("Child's name")
        self.summary = QLabel()
        self.summary.setObjectName("childSummary")
        self.summary.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("childWarnings")
        self.warnings.setAccessibleName("Warnings about this record")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("background: #fff4ce; color: #4d3800; padding: 6px;")
        self.warnings.hide()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("childTabs")
        self.tabs.setAccessibleName("Parts of the record")
        self.tabs.addTab(self._details_tab(), "&Details")
        self.tabs.addTab(self._carers_tab(), "&Carers")
        self.consents_tab = ConsentsTab(session)
        self.tabs.addTab(self.consents_tab, "Co&nsents")
        self.tabs.addTab(self._contacts_tab(), "&Emergency contacts")
        self.tabs.addTab(self._professionals_tab(), "&Professionals and visits")
        self.tabs.addTab(self._concerns_tab(), "C&oncerns")
        self.tabs.addTab(self._chronology_tab(), "C&hronology")
        self.tabs.currentChanged.connect(self._tab_shown)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.warnings)
        layout.addWidget(self.tabs, 1)
        self._update_buttons()

    # --- building the tabs ------------------------------------------------------------------------

    def _details_tab(self) -> QWidget:
        page = QWidget()
        self.detail_labels: dict[str, QLabel] = {}
        self.details_form = QFormLayout()
        for key, label in DETAIL_FIELDS:
            value = QLabel()
            value.setObjectName(f"detail_{key}")
            value.setAccessibleName(label)
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.detail_labels[key] = value
            self.details_form.addRow(label, value)
        self.edit_child_button = button("Change &details…", "editChildButton", self.edit_child)
        row = QHBoxLayout()
        row.addWidget(self.edit_child_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addLayout(self.details_form)
        layout.addStretch(1)
        return page

    def _carers_tab(self) -> QWidget:
        page = QWidget()
        self.carers_model = CarersModel(self)
        self.carers_table = record_table("carersTable", "Parents and carers", self.carers_model)
        self.carers_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.add_carer_button = button("&Add carer…", "addCarerButton", self.add_carer)
        self.link_carer_button = button("Add a &sibling's carer…", "linkCarerButton", self.link_carer)
        self.edit_carer_button = button("&Edit carer…", "editCarerButton", self.edit_carer)
        self.withhold_button = button("&Withhold details…", "withholdButton", self.withhold)
        self.remove_carer_button = button("&Remove from this child…", "removeCarerButton", self.remove_carer)
        self.show_withheld_button = QPushButton("&Show")
        self.show_withheld_button.setObjectName("showWithheldButton")
        self.show_withheld_button.setAccessibleName("Show this carer's withheld contact details")
        self.show_withheld_button.setToolTip("Show this carer's withheld contact details (manager and DSL)")
        self.show_withheld_button.setCheckable(True)
        self.show_withheld_button.toggled.connect(self._reveal)
        row = QHBoxLayout()
        for widget in (
            self.add_carer_button,
            self.link_carer_button,
            self.edit_carer_button,
            self.withhold_button,
            self.remove_carer_button,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.show_withheld_button)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.carers_table, 1)
        return page

    def _contacts_tab(self) -> QWidget:
        page = QWidget()
        self.contacts_model = ContactsModel(self)
        self.contacts_table = record_table("contactsTable", "Emergency contacts", self.contacts_model)
        self.contacts_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.add_contact_button = button("&Add contact…", "addContactButton", self.add_contact)
        self.edit_contact_button = button("&Edit contact…", "editContactButton", self.edit_contact)
        self.remove_contact_button = button("&Remove contact…", "removeContactButton", self.remove_contact)
        row = QHBoxLayout()
        for widget in (self.add_contact_button, self.edit_contact_button, self.remove_contact_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.contacts_table, 1)
        return page

    def _professionals_tab(self) -> QWidget:
        page = QWidget()
        self.professionals_model = ProfessionalsModel(self)
        self.professionals_table = record_table(
            "professionalsTable", "Professionals involved", self.professionals_model
        )
        self.professionals_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.add_professional_button = button(
            "&Add professional…", "addProfessionalButton", self.add_professional
        )
        self.edit_professional_button = button(
            "&Edit professional…", "editProfessionalButton", self.edit_professional
        )
        self.remove_professional_button = button(
            "&Remove professional…", "removeProfessionalButton", self.remove_professional
        )
        self.visits_model = VisitsModel(self)
        self.visits_table = record_table("visitsTable", "Agency visits", self.visits_model)
        self.log_visit_button = button("&Log a visit…", "logVisitButton", self.log_visit)
        row = QHBoxLayout()
        for widget in (
            self.add_professional_button,
            self.edit_professional_button,
            self.remove_professional_button,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        visits_row = QHBoxLayout()
        visits_label = QLabel("Agency visits")
        visits_row.addWidget(visits_label)
        visits_row.addStretch(1)
        visits_row.addWidget(self.log_visit_button)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.professionals_table, 1)
        layout.addLayout(visits_row)
        layout.addWidget(self.visits_table, 1)
        return page

    def _concerns_tab(self) -> QWidget:
        page = QWidget()
        self.concerns_model = ConcernsModel(self)
        self.concerns_table = record_table("concernsTable", "Concerns about this child", self.concerns_model)
        self.concerns_table.activated.connect(self.open_concern)
        self.log_concern_button = button("&Log a concern…", "logConcernButton", self.log_concern)
        self.open_concern_button = button("&Open concern", "openConcernButton", self.open_concern)
        self.concerns_note = QLabel()
        self.concerns_note.setObjectName("concernsNote")
        self.concerns_note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.log_concern_button)
        row.addWidget(self.open_concern_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.concerns_note)
        layout.addWidget(self.concerns_table, 1)
        return page

    def _chronology_tab(self) -> QWidget:
        page = QWidget()
        self.chronology_model = ChronologyModel(self)
        self.chronology_table = record_table("chronologyTable", "Chronology", self.chronology_model)
        self.chronology_table.setWordWrap(True)
        self.chronology_note = QLabel()
        self.chronology_note.setObjectName("chronologyNote")
        self.chronology_note.setWordWrap(True)
        self.print_button = button(
            "&Print chronology…", "printChronologyButton", lambda: self.print_copy(False)
        )
        self.coded_button = button("Co&ded copy…", "codedChronologyButton", lambda: self.print_copy(True))
        self.coded_button.setToolTip(
            "For sending where it could be seen by others: the child and carers appear only as initials."
        )
        # Printing is the DSL's and manager's (the core refuses others); no point offering it.
        self.print_button.setVisible(self.session.may(Action.CONCERN_REVIEW))
        self.coded_button.setVisible(self.session.may(Action.CONCERN_REVIEW))
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.coded_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.chronology_note)
        layout.addWidget(self.chronology_table, 1)
        return page

    # --- loading and showing ---------------------------------------------------------------------

    def load(self, child_id: int, then: Callable[[], None] | None = None) -> None:
        """Open a child's record (audit-logged by the core), starting on the Details tab."""
        self.forget()
        self._generation += 1
        generation = self._generation

        def opened(child: Child) -> None:
            if generation != self._generation:
                return  # another child was opened (or the view forgotten) meanwhile
            self.show_child(child)
            if then is not None:
                then()

        children = self.session.children
        operations.run(
            self, lambda _p: children.get(child_id), label="Opening the record…", on_success=opened
        )

    def show_child(self, child: Child) -> None:
        """Show a record the core returned (after opening or changing it)."""
        same = self.child is not None and self.child.id == child.id
        if not same:
            self._concerns_loaded = False
            self._chronology_loaded = False
            self.carers_model.revealed.clear()
            self.consents_tab.show_child(child.id, child.date_of_birth)
            self.tabs.setCurrentIndex(TAB_DETAILS)
        else:
            self._chronology_loaded = False  # the change may add to it; reload when next shown
            self.consents_tab.loaded = False  # a carer's parental responsibility may have changed
        self.child = child
        self.title.setText(
            child.name if child.name == child.legal_name else f"{child.name} ({child.legal_name})"
        )
        facts = [f"Born {day_text(child.date_of_birth)}"]
        if child.room:
            facts.append(child.room)
        facts.append(f"Key worker: {child.key_worker_name or 'none yet'}")
        if child.leaving_date is not None:
            facts.append(f"Leaving date {day_text(child.leaving_date)}")
        self.summary.setText(" · ".join(facts))
        self.warnings.setText("\n".join(f"⚠ {w}" for w in child.warnings))
        self.warnings.setVisible(bool(child.warnings))
        self._show_details(child)
        self.carers_model.may_see_family = child.may_see_family
        self.carers_model.set_rows(child.carers)
        self.contacts_model.set_rows(child.contacts)
        self.professionals_model.set_rows(child.professionals)
        self.visits_model.set_rows(child.visits)
        self._update_buttons()
        if self.tabs.currentIndex() in (TAB_CONSENTS, TAB_CONCERNS, TAB_CHRONOLOGY):
            self._tab_shown(self.tabs.currentIndex())

    def _show_details(self, child: Child) -> None:
        values = {
            "legal_name": child.legal_name,
            "known_as": child.known_as,
            "date_of_birth": day_text(child.date_of_birth),
            "sex_gender": child.sex_gender,
            "address": child.address,
            "phone": child.phone,
            "room": child.room,
            "key_worker": child.key_worker_name or "None yet",
            "start_date": day_text(child.start_date),
            "leaving_date": day_text(child.leaving_date) or "Not set",
            "destination": child.destination,
            "sessions": str(child.sessions_per_week),
            "attendance_pattern": child.attendance_pattern,
            "additional_needs": child.additional_needs,
            "medical_notes": child.medical_notes,
            "family_circumstances": child.family_circumstances or "",
        }
        for key, label in self.detail_labels.items():
            label.setText(values[key])
        # Only the manager and DSL have the family circumstances at all; for others the row goes.
        self.details_form.setRowVisible(
            self.detail_labels["family_circumstances"], child.family_circumstances is not None
        )

    def _tab_shown(self, index: int) -> None:
        if self.child is None:
            return
        if index == TAB_CONSENTS and not self.consents_tab.loaded:
            self.consents_tab.load()
        elif index == TAB_CONCERNS and not self._concerns_loaded:
            self.load_concerns()
        elif index == TAB_CHRONOLOGY and not self._chronology_loaded:
            self.load_chronology()

    def load_concerns(self) -> None:
        """The concerns list is audit-logged: it is read only when its tab is opened."""
        child = self.child
        if child is None or not self.session.may(Action.CONCERN_READ):
            return
        self._concerns_loaded = True
        generation = self._generation
        concerns = self.session.concerns

        def listed(found: list[ConcernSummary]) -> None:
            if generation == self._generation and alive(self):
                self.concerns_model.set_rows(found)
                self.concerns_note.setText("" if found else "No concerns recorded that you can see.")

        operations.run(
            self, lambda _p: concerns.for_child(child.id), label="Loading concerns…", on_success=listed
        )

    def load_chronology(self) -> None:
        """The chronology is audit-logged too, so it waits for its tab."""
        child = self.child
        if child is None or not self.session.may(Action.CONCERN_READ):
            return
        self._chronology_loaded = True
        generation = self._generation
        chronology = self.session.chronology

        def built(found: Chronology) -> None:
            if generation == self._generation and alive(self):
                self.chronology_model.set_rows(found.entries)
                self.chronology_note.setText("" if found.complete else PARTIAL_CHRONOLOGY)

        operations.run(
            self,
            lambda _p: chronology.for_child(child.id),
            label="Putting the chronology together…",
            on_success=built,
        )

    def _update_buttons(self) -> None:
        child = self.child
        editable = child is not None and child.may_edit
        family = child is not None and child.may_see_family
        carer = self.selected_carer()
        for widget in (self.edit_child_button, self.add_carer_button, self.link_carer_button):
            widget.setEnabled(editable)
        self.add_contact_button.setEnabled(editable)
        self.add_professional_button.setEnabled(editable)
        self.edit_carer_button.setEnabled(editable and carer is not None)
        self.remove_carer_button.setEnabled(editable and carer is not None)
        self.withhold_button.setVisible(family)
        self.withhold_button.setEnabled(editable and family and carer is not None)
        contact = self.selected_contact() is not None
        self.edit_contact_button.setEnabled(editable and contact)
        self.remove_contact_button.setEnabled(editable and contact)
        professional = self.selected_professional() is not None
        self.edit_professional_button.setEnabled(editable and professional)
        self.remove_professional_button.setEnabled(editable and professional)
        self.log_visit_button.setEnabled(child is not None)
        self.log_concern_button.setEnabled(child is not None and self.session.may(Action.CONCERN_CREATE))
        self.print_button.setEnabled(child is not None)
        self.coded_button.setEnabled(child is not None)
        # "Show" only where the details are really here: a key worker's copy has them blanked.
        revealable = carer is not None and carer.contact_withheld and family
        self.show_withheld_button.setEnabled(revealable)
        self.show_withheld_button.blockSignals(True)
        self.show_withheld_button.setChecked(
            carer is not None and int(carer.id) in self.carers_model.revealed and revealable
        )
        self.show_withheld_button.setText("&Hide" if self.show_withheld_button.isChecked() else "&Show")
        self.show_withheld_button.blockSignals(False)

    # --- selections -------------------------------------------------------------------------------

    def selected_carer(self) -> Carer | None:
        row = selected_row(self.carers_table)
        return None if row is None else self.carers_model.record(row)

    def selected_contact(self) -> EmergencyContact | None:
        row = selected_row(self.contacts_table)
        return None if row is None else self.contacts_model.record(row)

    def selected_professional(self) -> Professional | None:
        row = selected_row(self.professionals_table)
        return None if row is None else self.professionals_model.record(row)

    def select_carer(self, carer_id: int) -> None:
        for row, carer in enumerate(self.carers_model.records()):
            if int(carer.id) == carer_id:
                self.carers_table.selectRow(row)

    # --- actions ----------------------------------------------------------------------------------

    def _saved(self, child: Child) -> None:
        if alive(self) and self.child is not None and self.child.id == child.id:
            self.show_child(child)
            self.changed.emit()

    def _open(self, dialog: QDialog, fields: Mapping[str, str] | None = None) -> Any:
        if fields:
            dialog.fill(fields)  # type: ignore[attr-defined]
        dialog.open()
        return dialog

    def edit_child(self, fields: Mapping[str, str] | None = None) -> ChildForm | None:
        if self.child is None:
            return None
        return self._open(ChildForm(self.session, self, child=self.child, on_saved=self._saved), fields)

    def add_carer(self, fields: Mapping[str, str] | None = None) -> CarerDialog | None:
        if self.child is None:
            return None
        return self._open(CarerDialog(self.session, self.child, self, on_saved=self._saved), fields)

    def link_carer(self) -> LinkCarerDialog | None:
        if self.child is None:
            return None
        return self._open(LinkCarerDialog(self.session, self.child, self, on_saved=self._saved))

    def edit_carer(self, fields: Mapping[str, str] | None = None, carer: Carer | None = None) -> Any:
        carer = carer or self.selected_carer()
        if self.child is None or carer is None:
            return None
        return self._open(
            CarerDialog(self.session, self.child, self, carer=carer, on_saved=self._saved), fields
        )

    def withhold(self) -> WithholdDialog | None:
        carer = self.selected_carer()
        if self.child is None or carer is None:
            return None
        return self._open(WithholdDialog(self.session, self.child, carer, self, on_saved=self._saved))

    def remove_carer(self) -> Any:
        child, carer = self.child, self.selected_carer()
        if child is None or carer is None:
            return None
        if carer.other_children:
            others = "child's record" if carer.other_children == 1 else "other children's records"
            text = (
                f"Remove {carer.full_name} from this child's record? They are also a carer of another "
                f"child here, so their details stay on the other {others}."
            )
        else:
            text = (
                f"Remove {carer.full_name} from this child's record? They are not linked to any other "
                "child, so their details will be deleted."
            )
        children = self.session.children
        return confirm(
            self,
            "Remove a carer",
            text,
            "Remove",
            lambda: operations.run(
                self,
                lambda _p: children.remove_carer(child.id, carer.id),
                label="Removing the carer…",
                on_success=self._saved,
            ),
        )

    def _reveal(self, shown: bool) -> None:
        carer = self.selected_carer()
        if carer is not None:
            self.carers_model.reveal(int(carer.id), shown)
        self.show_withheld_button.setText("&Hide" if shown else "&Show")

    def add_contact(self, fields: Mapping[str, str] | None = None) -> ContactDialog | None:
        if self.child is None:
            return None
        return self._open(ContactDialog(self.session, self.child, self, on_saved=self._saved), fields)

    def edit_contact(
        self, fields: Mapping[str, str] | None = None, contact: EmergencyContact | None = None
    ) -> Any:
        contact = contact or self.selected_contact()
        if self.child is None or contact is None:
            return None
        return self._open(
            ContactDialog(self.session, self.child, self, contact=contact, on_saved=self._saved), fields
        )

    def remove_contact(self) -> Any:
        child, contact = self.child, self.selected_contact()
        if child is None or contact is None:
            return None
        children = self.session.children
        return confirm(
            self,
            "Remove an emergency contact",
            f"Remove {contact.full_name} from this child's emergency contacts?",
            "Remove",
            lambda: operations.run(
                self,
                lambda _p: children.remove_contact(child.id, contact.id),
                label="Removing the contact…",
                on_success=self._saved,
            ),
        )

    def add_professional(self, fields: Mapping[str, str] | None = None) -> ProfessionalDialog | None:
        if self.child is None:
            return None
        return self._open(ProfessionalDialog(self.session, self.child, self, on_saved=self._saved), fields)

    def edit_professional(
        self, fields: Mapping[str, str] | None = None, professional: Professional | None = None
    ) -> Any:
        professional = professional or self.selected_professional()
        if self.child is None or professional is None:
            return None
        return self._open(
            ProfessionalDialog(
                self.session, self.child, self, professional=professional, on_saved=self._saved
            ),
            fields,
        )

    def remove_professional(self) -> Any:
        child, professional = self.child, self.selected_professional()
        if child is None or professional is None:
            return None
        children = self.session.children
        return confirm(
            self,
            "Remove a professional",
            f"Remove {professional.full_name} ({professional.agency}) from this child's record? Use this "
            "for an entry made by mistake. If they are simply no longer involved, edit them and give the "
            "date instead, so the chronology keeps it.",
            "Remove",
            lambda: operations.run(
                self,
                lambda _p: children.remove_professional(child.id, professional.id),
                label="Removing the professional…",
                on_success=self._saved,
            ),
        )

    def log_visit(self, fields: Mapping[str, str] | None = None) -> VisitDialog | None:
        if self.child is None:
            return None
        return self._open(VisitDialog(self.session, self.child, self, on_saved=self._saved), fields)

    def _concern_changed(self, *_args: object) -> None:
        if alive(self) and self.child is not None:
            self._chronology_loaded = False
            self.load_concerns()

    def log_concern(self) -> Any:
        if self.child is None:
            return None
        from ui.concern_forms import LogConcernDialog  # written alongside; imported when first used

        dialog = LogConcernDialog(self.session, self, child_id=self.child.id, on_logged=self._concern_changed)
        dialog.open()
        return dialog

    def open_concern(self, *_args: object) -> Any:
        row = selected_row(self.concerns_table)
        concern = None if row is None else self.concerns_model.record(row)
        if concern is None:
            return None
        from ui.concern_forms import ConcernDialog

        dialog = ConcernDialog(self.session, concern.id, self, on_changed=self._concern_changed)
        dialog.open()
        return dialog

    def print_copy(self, coded: bool) -> Any:
        if self.child is None:
            return None
        from ui.chronology_print import print_chronology

        return print_chronology(self, self.session, self.child.id, coded=coded)

    def show_consents(self) -> None:
        """Bring the Consents tab forward (read when first shown), e.g. from the consent gaps."""
        self.tabs.setCurrentIndex(TAB_CONSENTS)

    def restore(self, form: str, fields: Mapping[str, str]) -> bool:
        """Reopen a form kept as a draft at lock; the record is already showing."""
        child = self.child
        if child is None:
            return False

        def number(key: str) -> int | None:
            text = fields.get(key, "")
            return int(text) if text.isdigit() else None

        if form == EDIT_CHILD:
            return self.edit_child(fields) is not None
        if form == CARER_FORM:
            carer_id = number("carer_id")
            if carer_id is None:
                return self.add_carer(fields) is not None
            carer = next((c for c in child.carers if int(c.id) == carer_id), None)
            return carer is not None and self.edit_carer(fields, carer) is not None
        if form == CONTACT_FORM:
            contact_id = number("contact_id")
            if contact_id is None:
                return self.add_contact(fields) is not None
            contact = next((c for c in child.contacts if int(c.id) == contact_id), None)
            return contact is not None and self.edit_contact(fields, contact) is not None
        if form == PROFESSIONAL_FORM:
            professional_id = number("professional_id")
            if professional_id is None:
                return self.add_professional(fields) is not None
            found = next((p for p in child.professionals if int(p.id) == professional_id), None)
            return found is not None and self.edit_professional(fields, found) is not None
        if form == VISIT_FORM:
            return self.log_visit(fields) is not None
        if form == CONSENT_FORM:
            self.show_consents()  # the form opens once the consents are read
            return self.consents_tab.restore(fields)
        return False

    # --- forgetting -------------------------------------------------------------------------------

    def forget(self) -> None:
        """Drop the record from every model, label and open form (the lock relies on it)."""
        self._generation += 1  # results still on their way are dropped
        self.child = None
        self._concerns_loaded = self._chronology_loaded = False
        self.consents_tab.forget()
        for dialog in self.findChildren(QDialog):
            if not isinstance(dialog, QProgressDialog):  # those belong to ui.operations
                dialog.close()
                dialog.deleteLater()
        for model in (
            self.carers_model,
            self.contacts_model,
            self.professionals_model,
            self.visits_model,
            self.concerns_model,
            self.chronology_model,
        ):
            model.forget()
        for label in (self.title, self.summary, self.warnings, self.chronology_note, self.concerns_note):
            label.clear()
        self.warnings.hide()
        for label in self.detail_labels.values():
            label.clear()
        self._update_buttons()
