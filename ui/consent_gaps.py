"""Consent gaps: what is missing for the children on roll, for the manager to chase.

A child with no signed registration declaration, a form sent home and not back after two weeks,
a consent due for review within a month or overdue: one line each, from
``session.consents.gaps``, read off the UI thread each time the page is shown or the room
changes. Opening a line shows that child's Consents tab. The printed forms for new starters,
blank forms and the privacy notice are started from here too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from app.consents import ConsentGap, GapKind
from app.policy.permissions import Action
from app.session import Session
from ui import operations
from ui.child_forms import alive, day_text
from ui.form_parts import button, heading
from ui.record_list import list_table
from ui.table_model import RecordTableModel

Index = QModelIndex | QPersistentModelIndex
ANY_ROOM = "Any room"
NO_GAPS = "No gaps: every child on roll has a signed registration declaration, and nothing is waiting."
OVERDUE_TEXT = QColor("#b3261e")


def missing_text(gap: ConsentGap) -> str:
    """What is missing, without the carer (they have their own column)."""
    if gap.gap is GapKind.NO_DECLARATION:
        return "No signed registration declaration"
    if gap.gap is GapKind.NOT_RETURNED:
        return f"{gap.kind_name}: asked, no answer yet"
    if gap.gap is GapKind.REVIEW_OVERDUE:
        return f"{gap.kind_name}: review overdue"
    return f"{gap.kind_name}: review due"


def count_text(gaps: list[ConsentGap]) -> str:
    if not gaps:
        return NO_GAPS
    children = len({g.child_id for g in gaps})
    return (
        f"{len(gaps)} gap{'s' if len(gaps) != 1 else ''} for {children} child{'ren' if children != 1 else ''}"
    )


class GapsModel(RecordTableModel[ConsentGap]):
    columns = ("Child", "Room", "What is missing", "Carer", "Due")

    def cell(self, gap: ConsentGap, column: int) -> str:
        return (gap.child_name, gap.room, missing_text(gap), gap.carer_name, day_text(gap.due))[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        gap = self.record(index.row()) if index.isValid() else None
        if (
            gap is not None
            and role == Qt.ItemDataRole.ForegroundRole
            and gap.gap is GapKind.REVIEW_OVERDUE
            and 0 <= index.column() < len(self.columns)
        ):
            return QBrush(OVERDUE_TEXT)  # "overdue" is in the words too
        return super().data(index, role)


class ConsentGapsView(QWidget):
    """The gaps page of the Children area. ``open_requested`` carries the child's id;
    ``back_requested`` asks for the children list again."""

    open_requested = Signal(int)
    back_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consentGapsView")
        self.session = session
        self._generation = 0
        self.model = GapsModel(self)
        self.back_button = button("← &Back to the list", "gapsBackButton", self.back_requested.emit)
        self.room = QComboBox()
        self.room.setObjectName("gapsRoomFilter")
        self.room.setAccessibleName("Room")
        self.room.addItem(ANY_ROOM, None)
        self.room.currentIndexChanged.connect(lambda _i: self.load())
        self.table: QTableView = list_table("consentGapsTable", "Consent gaps", self.model)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.count = QLabel()
        self.count.setObjectName("consentGapsCount")
        self.count.setWordWrap(True)
        self.open_button = button("&Open the child's consents", "openGapButton", self.open_selected)
        self.starters_button = button(
            "Print forms for &new starters…", "starterFormsButton", self.print_starters
        )
        self.blank_button = button("B&lank forms…", "blankFormsButton", self.print_blank)
        self.notice_button = button("Pri&vacy notice…", "privacyNoticeButton", self.print_notice)
        # Filled-in forms hold families' details: for those who may change the records (the core
        # limits a key worker to their own key children).
        self.starters_button.setVisible(session.may(Action.CHILD_EDIT))
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Room"))
        filters.addWidget(self.room)
        filters.addWidget(self.open_button)
        filters.addStretch(1)
        printing = QHBoxLayout()
        printing.addWidget(self.starters_button)
        printing.addWidget(self.blank_button)
        printing.addWidget(self.notice_button)
        printing.addStretch(1)
        explain = QLabel(
            "Children on roll without a signed registration declaration, forms sent home two weeks "
            "ago or more with no answer, and consents due for review within a month or overdue."
        )
        explain.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(heading("Consent gaps"))
        layout.addWidget(explain)
        layout.addLayout(filters)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addLayout(printing)
        self.setFocusProxy(self.table)
        self._update_buttons()

    # --- loading -------------------------------------------------------------------------------

    def load(self) -> None:
        """The rooms and the gaps for the chosen room; an older answer landing late is dropped."""
        self._generation += 1
        generation = self._generation
        room = self.room.currentData()
        children, consents = self.session.children, self.session.consents
        operations.run(
            self,
            lambda _p: (children.rooms(), consents.gaps(room=room)),
            label="Finding consent gaps…",
            on_success=lambda found: self._show(found, generation),
        )

    def _show(self, found: tuple[list[str], list[ConsentGap]], generation: int) -> None:
        if generation != self._generation or not alive(self):
            return
        rooms, gaps = found
        chosen = self.room.currentData()
        self.room.blockSignals(True)
        self.room.clear()
        self.room.addItem(ANY_ROOM, None)
        for room in rooms:
            self.room.addItem(room, room)
        where = self.room.findData(chosen) if chosen is not None else 0
        self.room.setCurrentIndex(max(where, 0))
        self.room.blockSignals(False)
        if chosen is not None and where < 0:
            self.load()  # the chosen room has gone: show every room
            return
        self.model.set_rows(gaps)
        self.count.setText(count_text(gaps))
        self._update_buttons()

    # --- actions -------------------------------------------------------------------------------

    def selected(self) -> ConsentGap | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    def open_selected(self) -> None:
        gap = self.selected()
        if gap is None:
            index = self.table.currentIndex()
            gap = self.model.record(index.row()) if index.isValid() else None
        if gap is not None:
            self.open_requested.emit(int(gap.child_id))

    def print_starters(self) -> Any:
        from ui.printing import open_batch_forms  # written alongside; imported when first used

        return open_batch_forms(self, self.session)

    def print_blank(self) -> Any:
        from ui.printing import print_blank_forms

        return print_blank_forms(self, self.session)

    def print_notice(self) -> Any:
        from ui.printing import print_privacy_notice

        return print_privacy_notice(self, self.session)

    # --- forgetting ----------------------------------------------------------------------------

    def forget(self) -> None:
        self._generation += 1  # a load still on its way is dropped
        self.model.forget()
        self.count.clear()
        self.room.blockSignals(True)
        self.room.clear()
        self.room.addItem(ANY_ROOM, None)
        self.room.blockSignals(False)
        self._update_buttons()
