"""Children: the register of children, searched as you type, each child's record, and the
consent gaps (what is missing for the children on roll).

The list comes from the core already in a sensible order for names in any script; clicking a
column header re-sorts it with Qt's collator for the person's own language (dates by the real
date). Opening a child shows their record in the same area, so there is never a second window
with a child's name in its title.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QCollator, QLocale, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.children import Child, ChildSummary, Enrolment, StaffChoice
from app.drafts import Draft
from app.policy.permissions import Action
from app.session import Session
from ui import operations
from ui.areas import Area
from ui.child_forms import (
    ADD_CHILD,
    CARER_FORM,
    CONTACT_FORM,
    EDIT_CHILD,
    PROFESSIONAL_FORM,
    VISIT_FORM,
    ChildForm,
    alive,
    day_text,
    manages_family,
)
from ui.child_record import ChildRecordView, button, record_table, selected_row
from ui.consent_forms import CONSENT_FORM
from ui.consent_gaps import ConsentGapsView
from ui.form_parts import heading
from ui.table_model import RecordTableModel

COLUMNS = ("Name", "Date of birth", "Room", "Key worker", "Started", "Left")
DATE_COLUMNS = (1, 4, 5)
RECORD_FORMS = (EDIT_CHILD, CARER_FORM, CONTACT_FORM, PROFESSIONAL_FORM, VISIT_FORM, CONSENT_FORM)
ENROLMENT_CHOICES = (("On roll", Enrolment.ON_ROLL), ("Left", Enrolment.LEFT), ("All", Enrolment.ALL))
ANY_KEY_WORKER = "Any key worker"
ANY_ROOM = "Any room"
BACK_TO_LIST = "← &Back to children"
BACK_TO_GAPS = "← &Back to consent gaps"


def display_name(child: ChildSummary) -> str:
    """The known-as name, with the legal name in brackets when it differs."""
    if child.known_as and child.known_as != child.legal_name:
        return f"{child.known_as} ({child.legal_name})"
    return child.legal_name


def collator() -> QCollator:
    """Locale-aware, case-insensitive, "Room 2" before "Room 10". A computer left on the "C"
    locale would sort by character code (Łucja after Zoë), so England's order stands in."""
    locale = QLocale()
    if locale.language() in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    made = QCollator(locale)
    made.setNumericMode(True)
    made.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return made


class ChildrenModel(RecordTableModel[ChildSummary]):
    """The children list. Rows arrive in the core's order; ``sort`` (a header click) re-sorts
    them and keeps that order for later searches until the sort is cleared (column -1)."""

    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._core_order: list[ChildSummary] = []
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    def cell(self, child: ChildSummary, column: int) -> str:
        if column == 0:
            return display_name(child)
        if column == 1:
            return day_text(child.date_of_birth)
        if column == 2:
            return child.room
        if column == 3:
            return child.key_worker_name
        if column == 4:
            return day_text(child.start_date)
        return day_text(child.leaving_date)

    def child(self, row: int) -> ChildSummary | None:
        return self.record(row)

    def set_rows(self, rows: Sequence[ChildSummary]) -> None:
        self._core_order = list(rows)
        self.beginResetModel()
        self._rows = self._sorted(self._core_order)
        self.endResetModel()

    def _sorted(self, rows: list[ChildSummary]) -> list[ChildSummary]:
        column = self._sort_column
        if not 0 <= column < len(self.columns):
            return list(rows)
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if column in DATE_COLUMNS:
            dated = [r for r in rows if self._day(r, column) is not None]
            undated = [r for r in rows if self._day(r, column) is None]
            dated.sort(key=lambda r: self._day(r, column) or date.min, reverse=descending)
            return dated + undated  # "no leaving date" stays at the bottom either way
        compare = collator().compare
        return sorted(
            rows,
            key=functools.cmp_to_key(lambda a, b: compare(self.cell(a, column), self.cell(b, column))),
            reverse=descending,
        )

    @staticmethod
    def _day(child: ChildSummary, column: int) -> date | None:
        return {1: child.date_of_birth, 4: child.start_date, 5: child.leaving_date}[column]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        before = list(self._rows)
        self._rows = self._sorted(self._core_order)
        position = {id(child): row for row, child in enumerate(self._rows)}
        old = self.persistentIndexList()
        new = [self.index(position[id(before[i.row()])], i.column()) for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def forget(self) -> None:
        self._core_order = []
        super().forget()


class ChildrenArea(Area):
    title = "Children"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._generation = 0
        self.model = ChildrenModel(self)
        self.search = QLineEdit()
        self.search.setObjectName("childSearch")
        self.search.setAccessibleName("Search children by their name or a carer's name")
        self.search.setPlaceholderText("Search by the child's or a carer's name")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(200)
        self.search.textChanged.connect(lambda _text: self.refresh())
        self.enrolment = QComboBox()
        self.enrolment.setObjectName("enrolmentFilter")
        self.enrolment.setAccessibleName("On roll or left")
        for label, value in ENROLMENT_CHOICES:
            self.enrolment.addItem(label, value)
        self.key_worker = QComboBox()
        self.key_worker.setObjectName("keyWorkerFilter")
        self.key_worker.setAccessibleName("Key worker")
        self.key_worker.addItem(ANY_KEY_WORKER, None)
        self.room = QComboBox()
        self.room.setObjectName("roomFilter")
        self.room.setAccessibleName("Room")
        self.room.addItem(ANY_ROOM, None)
        for combo in (self.enrolment, self.key_worker, self.room):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table = record_table("childrenTable", "Children", self.model)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the core's order until a click
        header.setSortIndicatorClearable(True)
        self.table.setSortingEnabled(True)
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.count = QLabel()
        self.count.setObjectName("childrenCount")
        self.open_button = button("&Open", "openChildButton", self.open_selected)
        self.add_button = button("&Add a child…", "addChildButton", self.open_add_form)
        # Only the manager and DSL add children; the core refuses key workers anyway.
        self.add_button.setVisible(session.may(Action.CHILD_EDIT) and manages_family(session))
        self.gaps_button = button("Consent &gaps", "consentGapsButton", self.show_gaps)
        self.gaps_button.setToolTip("Children without a signed declaration, forms not back, reviews due")
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.enrolment)
        filters.addWidget(self.key_worker)
        filters.addWidget(self.room)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.gaps_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.addWidget(heading("Children"))
        list_layout.addLayout(filters)
        list_layout.addLayout(buttons)
        list_layout.addWidget(self.table, 1)

        self.record = ChildRecordView(session)
        self.record.changed.connect(self._record_changed)
        self.back_button = button(BACK_TO_LIST, "backToChildren", self.back_to_list)
        self._from_gaps = False  # the record was opened from the consent gaps: "Back" goes there
        record_page = QWidget()
        record_layout = QVBoxLayout(record_page)
        back_row = QHBoxLayout()
        back_row.addWidget(self.back_button)
        back_row.addStretch(1)
        record_layout.addLayout(back_row)
        record_layout.addWidget(self.record, 1)

        self.stack = QStackedWidget()
        self.stack.setObjectName("childrenStack")
        self.stack.addWidget(list_page)
        self.stack.addWidget(record_page)
        self.gaps = ConsentGapsView(session)
        self.gaps.open_requested.connect(self.open_gap)
        self.gaps.back_requested.connect(self.back_to_list)
        self.stack.addWidget(self.gaps)
        self.list_page, self.record_page = list_page, record_page
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.setFocusProxy(self.search)
        self._list_stale = False
        self._update_buttons()

    # --- the list ---------------------------------------------------------------------------------

    def opened(self) -> None:
        if self.stack.currentWidget() is self.list_page:
            self.load_choices()
            self.refresh()
        elif self.stack.currentWidget() is self.gaps:
            self.gaps.load()

    def load_choices(self) -> None:
        """Rooms and key workers for the filters (short lists, not audited)."""
        children = self.session.children
        operations.run(
            self,
            lambda _p: (children.rooms(), children.staff_choices()),
            label="Loading rooms and key workers…",
            on_success=self._show_choices,
        )

    def _show_choices(self, found: tuple[list[str], list[StaffChoice]]) -> None:
        rooms, staff = found
        gone = self._refill(self.room, ANY_ROOM, [(room, room) for room in rooms])
        gone |= self._refill(
            self.key_worker, ANY_KEY_WORKER, [(p.full_name, int(p.id)) for p in staff if p.key_worker]
        )
        if gone:
            self.refresh()  # the chosen room or key worker has gone: show everyone again

    @staticmethod
    def _refill(combo: QComboBox, any_text: str, items: list[tuple[str, Any]]) -> bool:
        """New choices, keeping what was chosen without a re-query; True if it has gone."""
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(any_text, None)
        for text, value in items:
            combo.addItem(text, value)
        found = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)
        return chosen is not None and found < 0

    def refresh(self) -> None:
        """Ask the core again for the search and filters; an older answer landing late is dropped."""
        self._generation += 1
        generation = self._generation
        search = self.search.text()
        enrolment = Enrolment(self.enrolment.currentData() or Enrolment.ON_ROLL)
        key_worker = self.key_worker.currentData()
        room = self.room.currentData()
        children = self.session.children
        operations.run(
            self,
            lambda _p: children.find(search=search, enrolment=enrolment, key_worker_id=key_worker, room=room),
            label="Finding children…",
            on_success=lambda rows: self._show_rows(rows, generation),
        )

    def _show_rows(self, rows: list[ChildSummary], generation: int) -> None:
        if generation != self._generation or not alive(self):
            return
        chosen = self.selected()
        self.model.set_rows(rows)
        self.count.setText(
            f"{len(rows)} child{'ren' if len(rows) != 1 else ''}" if rows else "No children found"
        )
        if chosen is not None:
            for row, child in enumerate(self.model.records()):
                if child.id == chosen.id:
                    self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> ChildSummary | None:
        row = selected_row(self.table)
        return None if row is None else self.model.child(row)

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    # --- one child --------------------------------------------------------------------------------

    def open_selected(self) -> None:
        child = self.selected()
        if child is not None:
            self.open_child(child.id)

    def open_child(self, child_id: int, then: Callable[[], None] | None = None) -> None:
        """Show the record page and open the child's record (audit-logged)."""
        self._set_from_gaps(False)
        self.stack.setCurrentWidget(self.record_page)
        self.back_button.setFocus()
        self.record.load(child_id, then)

    def show_record(self, child: Child) -> None:
        """A record the core just returned (a child added here): shown without opening it again."""
        self.record.forget()
        self.stack.setCurrentWidget(self.record_page)
        self.record.show_child(child)
        self._list_stale = True

    def back_to_list(self) -> None:
        self.record.forget()
        if self._from_gaps and self.stack.currentWidget() is self.record_page:
            self.show_gaps()
            return
        self._set_from_gaps(False)
        self.stack.setCurrentWidget(self.list_page)
        if self._list_stale:
            self._list_stale = False
            self.load_choices()
        self.refresh()
        self.table.setFocus()

    def _record_changed(self) -> None:
        self._list_stale = True

    # --- consent gaps -----------------------------------------------------------------------------

    def show_gaps(self) -> None:
        """The consent gaps page, read afresh each time it is shown."""
        self._set_from_gaps(False)
        self.stack.setCurrentWidget(self.gaps)
        self.gaps.load()
        self.gaps.setFocus()

    def open_gap(self, child_id: int) -> None:
        """A gap's child, on their Consents tab; "Back" comes back to the gaps."""
        self.open_child(child_id, self.record.show_consents)
        self._set_from_gaps(True)

    def _set_from_gaps(self, from_gaps: bool) -> None:
        self._from_gaps = from_gaps
        self.back_button.setText(BACK_TO_GAPS if from_gaps else BACK_TO_LIST)
        self.back_button.setAccessibleName(self.back_button.text().replace("&", ""))

    def open_add_form(self, fields: Mapping[str, str] | None = None) -> ChildForm:
        form = ChildForm(self.session, self, on_saved=self.show_record)
        if fields:
            form.fill(fields)
        form.open()
        return form

    # --- drafts and the lock ----------------------------------------------------------------------

    def restore_draft(self, draft: Draft) -> bool:
        if draft.form == ADD_CHILD:
            self.open_add_form(dict(draft.fields))
            return True
        if draft.form not in RECORD_FORMS:
            return False
        child_id = draft.fields.get("child_id", "")
        if not child_id.isdigit():
            return False
        fields = dict(draft.fields)
        self.open_child(int(child_id), lambda: self.record.restore(draft.form, fields))
        return True

    def forget(self) -> None:
        self._generation += 1  # a search still on its way is dropped
        self.record.forget()
        self.gaps.forget()
        self._set_from_gaps(False)
        self.stack.setCurrentWidget(self.list_page)
        for window in self.findChildren(QWidget):
            if window.isWindow() and not isinstance(window, QProgressDialog):  # those are ui.operations'
                window.close()
                window.deleteLater()
        self.model.forget()
        self.count.clear()
        for combo, any_text in ((self.key_worker, ANY_KEY_WORKER), (self.room, ANY_ROOM)):
            self._refill(combo, any_text, [])
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._update_buttons()
