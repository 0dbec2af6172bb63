"""A searchable list of records: a search box, an optional check box, a table, an Open button and
a count. The concerns and the sharing areas each show their queue and "mine" with it.

Every list shown is audit-logged by the core, so a list loads only when asked (``load``), and a
search waits for a pause in typing. A load still on its way when the list is asked again, or
forgotten at lock, is dropped when it arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui import operations
from ui.table_model import RecordTableModel

SEARCH_DELAY_MS = 300
TOO_MANY = "The first {count} matches are shown. Type more words to narrow the search."
LONG_LIST = "The first {count} are shown, in this order. Search to find the others."


class HasId(Protocol):
    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=HasId)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def list_table(name: str, accessible: str, model: RecordTableModel[Any]) -> QTableView:
    """A read-only table of records, one row selected at a time."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Size columns to the rows in view, not Qt's default of up to 1,000 rows per column: over ten
    # years' concerns that read 8,000 cells through Python and held the window for 0.8 s.
    table.horizontalHeader().setResizeContentsPrecision(0)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class SearchableList(QWidget, Generic[T]):
    """One tab of records. ``load(text, checked)`` gets the search text and the check box's state
    (unchecked when the box is not offered); ``open_requested`` carries the id of the record
    opened from the table or the Open button. Object names start with ``name``: ``{name}Search``,
    ``{name}{choice_name}``, ``{name}Table``, ``{name}OpenButton`` and ``{name}Count``."""

    open_requested = Signal(int)
    loaded = Signal()

    def __init__(
        self,
        name: str,
        accessible: str,
        model: RecordTableModel[T],
        load: Callable[[str, bool], Sequence[T]],
        *,
        noun: str,
        search_limit: int,
        placeholder: str,
        loading: str,
        choice_text: str,
        choice_name: str,
        offer_choice: bool,
        limited_when_ticked: bool = False,
        list_limit: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # With nothing typed the core returns at most ``list_limit`` rows, when it is given.
        self._list_limit = list_limit
        # The core returns only the first ``search_limit`` rows of a search, and of the ticked
        # list too when this is set (every decision over ten years is too many to list at once).
        self._limited_when_ticked = limited_when_ticked
        self.model = model
        self._load = load
        self._noun = noun
        self._search_limit = search_limit
        self._loading = loading
        self._generation = 0
        self.search = QLineEdit()
        self.search.setObjectName(f"{name}Search")
        self.search.setAccessibleName(f"Search {accessible.lower()}")
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(200)
        self.choice = QCheckBox(choice_text)
        self.choice.setObjectName(f"{name}{choice_name}")
        self.choice.setVisible(offer_choice)
        self.count = QLabel()
        self.count.setObjectName(f"{name}Count")
        self.table = list_table(f"{name}Table", accessible, model)
        self.table.activated.connect(self._activated)
        self.open_button = QPushButton("&Open…")
        self.open_button.setObjectName(f"{name}OpenButton")
        self.open_button.clicked.connect(lambda: self._activated(self.table.currentIndex()))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.load)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.choice.toggled.connect(lambda _on: self.load())
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.choice)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.setFocusProxy(self.table)

    def load(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        text, checked = self.search.text(), self.choice.isChecked()
        operations.run(
            self,
            lambda _p: self._load(text, checked),
            label=self._loading,
            on_success=lambda rows: self._loaded(generation, rows),
        )

    def _loaded(self, generation: int, rows: Sequence[T]) -> None:
        if generation != self._generation:
            return  # forgotten, or asked again since
        self.model.set_rows(rows)
        text = plural(len(rows), self._noun)
        limited = bool(self.search.text().strip()) or (self._limited_when_ticked and self.choice.isChecked())
        if limited and len(rows) >= self._search_limit:
            text = TOO_MANY.format(count=len(rows))
        elif not limited and self._list_limit is not None and len(rows) >= self._list_limit:
            text = LONG_LIST.format(count=f"{len(rows):,}")
        self.count.setText(text)
        self.loaded.emit()

    def _activated(self, index: QModelIndex) -> None:
        record = self.model.record(index.row()) if index.isValid() else None
        if record is not None:
            self.open_requested.emit(int(record.id))

    def forget(self) -> None:
        self._generation += 1
        self._timer.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.forget()
        self.count.clear()
