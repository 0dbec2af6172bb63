"""Audit (manager only): who did what and when, narrowed by person, action and dates, and a check
that the chain of entries is unbroken.

Dates are chosen in local time and turned into exact UTC instants for the core: "from" is the
start of that local day, "to" includes the whole of its day (the filter ends at the start of the
next one). Viewing the log is itself logged by the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.audit import AuditAction, AuditEntry, AuditFilter, ChainReport, action_label
from app.clock import from_text, to_text
from app.session import Session
from ui import operations
from ui.areas import Area
from ui.form_parts import heading, message_label
from ui.table_model import RecordTableModel

PAGE_SIZE = 200
COLUMNS = ("When", "Who", "Action", "Subject", "Details")
NOBODY = "—"
OK_STYLE = "color: #1b5e20;"
BROKEN_STYLE = "color: #b3261e; font-weight: bold;"
Index = QModelIndex | QPersistentModelIndex


def when_text(stored: str) -> str:
    return from_text(stored).astimezone().strftime("%d %b %Y %H:%M:%S")


def subject_text(entry: AuditEntry) -> str:
    return " ".join(part for part in (entry.subject_type, entry.subject_id) if part)


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return NOBODY
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(v) for v in value)
    if isinstance(value, Mapping):
        return "{" + details_text(value) + "}"
    return str(value)


def details_text(detail: Mapping[str, Any]) -> str:
    """``{"keys": ["a", "b"], "pages": 1}`` -> ``keys: a, b; pages: 1``."""
    return "; ".join(f"{key}: {_value_text(value)}" for key, value in detail.items())


def local_day_start(day: date) -> str:
    """The stored form of midnight at the start of ``day`` in this computer's time zone.

    A naive datetime's ``astimezone`` reads it as local time with the offset in force on that
    day, so a date either side of a clock change gets the right instant.
    """
    return to_text(datetime(day.year, day.month, day.day).astimezone(UTC))


def date_filter(since: date | None, until: date | None) -> tuple[str | None, str | None]:
    """Local dates, both inclusive, as ``AuditFilter``'s inclusive ``since`` and exclusive ``until``."""
    return (
        None if since is None else local_day_start(since),
        None if until is None else local_day_start(until + timedelta(days=1)),
    )


class AuditModel(RecordTableModel[AuditEntry]):
    columns = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._people: dict[int, str] = {}

    def cell(self, entry: AuditEntry, column: int) -> str:
        if column == 0:
            return when_text(entry.at)
        if column == 1:
            return self.who(entry.actor_id)
        if column == 2:
            return action_label(entry.action)
        if column == 3:
            return subject_text(entry)
        return details_text(entry.detail)

    def who(self, actor_id: int | None) -> str:
        if actor_id is None:
            return NOBODY
        return self._people.get(actor_id, f"Account {actor_id}")

    def set_people(self, people: Mapping[int, str]) -> None:
        self._people = dict(people)
        if self._rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self._rows) - 1, 1))

    def entry(self, row: int) -> AuditEntry | None:
        return self.record(row)

    def last_id(self) -> int | None:
        return int(self._rows[-1].id) if self._rows else None

        self._people = {}


class AuditArea(Area):
    title = "Audit"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._applied = AuditFilter()
        self._more = False
        self._generation = 0  # a page asked for before the last reload is dropped when it lands
        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setAccessibleName("Audit log entries")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.person = QComboBox()
        self.person.setObjectName("auditPersonCombo")
        self.person.setAccessibleName("Person")
        self.action = QComboBox()
        self.action.setObjectName("auditActionCombo")
        self.action.setAccessibleName("Action")
        self.use_from, self.from_date = self._date_filter("auditFrom", "&From")
        self.use_to, self.to_date = self._date_filter("auditTo", "&To")
        self.apply = QPushButton("&Apply")
        self.apply.setObjectName("auditApplyButton")
        self.apply.clicked.connect(self.reload)
        filters = QHBoxLayout()
        person_label = QLabel("&Person")
        person_label.setBuddy(self.person)
        action_label_ = QLabel("A&ction")
        action_label_.setBuddy(self.action)
        for widget in (
            person_label,
            self.person,
            action_label_,
            self.action,
            self.use_from,
            self.from_date,
            self.use_to,
            self.to_date,
            self.apply,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)

        self.load_more = QPushButton("&Load more")
        self.load_more.setObjectName("auditLoadMoreButton")
        self.load_more.setEnabled(False)
        self.load_more.clicked.connect(self.fetch_more)
        self.verify = QPushButton("&Verify the audit chain")
        self.verify.setObjectName("auditVerifyButton")
        self.verify.clicked.connect(self.verify_chain)
        self.verify_result = message_label("auditVerifyResult")
        self.verify_result.setAccessibleName("Audit chain check")
        self.message = message_label("auditMessage")
        bottom = QHBoxLayout()
        bottom.addWidget(self.load_more)
        bottom.addWidget(self.verify)
        bottom.addWidget(self.verify_result, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Audit log"))
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.table)

    def _date_filter(self, name: str, text: str) -> tuple[QCheckBox, QDateEdit]:
        box = QCheckBox(text)
        box.setObjectName(f"{name}Check")
        edit = QDateEdit()
        edit.setObjectName(f"{name}Date")
        edit.setAccessibleName(f"{text.replace('&', '')} date")
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd MMM yyyy")
        edit.setDate(QDate.currentDate())
        edit.setEnabled(False)
        box.toggled.connect(edit.setEnabled)
        return box, edit

    # --- filters --------------------------------------------------------------------------

    def _fill_actions(self) -> None:
        if self.action.count():
            return
        self.action.addItem("All actions", None)
        for action in sorted(AuditAction, key=lambda a: a.label):
            self.action.addItem(action.label, action.value)

    def _fill_people(self, people: Mapping[int, str]) -> None:
        chosen = self.person.currentData()
        self.person.clear()
        self.person.addItem("Everyone", None)
        for person_id, name in sorted(people.items(), key=lambda item: (item[1].casefold(), item[0])):
            self.person.addItem(name, person_id)
        found = self.person.findData(chosen) if chosen is not None else -1
        self.person.setCurrentIndex(max(found, 0))

    def current_filter(self) -> AuditFilter | None:
        """The filter the controls describe, or None (with a message) when the dates cross."""
        since_day = self.from_date.date().toPython() if self.use_from.isChecked() else None
        until_day = self.to_date.date().toPython() if self.use_to.isChecked() else None
        if since_day is not None and until_day is not None and since_day > until_day:
            self.message.setText("The “from” date is after the “to” date, so nothing can match.")
            return None
        since, until = date_filter(since_day, until_day)
        return AuditFilter(
            actor_id=self.person.currentData(),
            action=self.action.currentData(),
            since=since,
            until=until,
        )

    # --- loading --------------------------------------------------------------------------

    def opened(self) -> None:
        self._fill_actions()
        self.reload()

    def reload(self) -> None:
        self.message.clear()
        chosen = self.current_filter()
        if chosen is None:
            return
        self._applied = chosen
        self._generation += 1
        self.apply.setEnabled(False)
        self.load_more.setEnabled(False)

        def work(_progress: operations.Progress) -> tuple[dict[int, str], list[AuditEntry]]:
            people = self.session.audit.people()
            return people, self.session.audit.entries(limit=PAGE_SIZE, where=chosen)

        operations.run(
            self,
            work,
            label="Loading the audit log…",
            on_success=self._loaded,
            on_done=self._load_done,
        )

    def _loaded(self, result: tuple[dict[int, str], list[AuditEntry]]) -> None:
        people, rows = result
        self._fill_actions()
        self._fill_people(people)
        self.model.set_people(people)
        self.model.set_rows(rows)
        self._more = len(rows) == PAGE_SIZE
        if not rows:
            self.message.setText("No entries match.")

    def fetch_more(self) -> None:
        last = self.model.last_id()
        if last is None:
            return
        chosen, generation = self._applied, self._generation
        self.load_more.setEnabled(False)
        operations.run(
            self,
            lambda _p: self.session.audit.entries(limit=PAGE_SIZE, before=last, where=chosen),
            label="Loading older entries…",
            on_success=lambda rows: self._more_loaded(rows, generation),
            on_done=self._load_done,
        )

    def _more_loaded(self, rows: list[AuditEntry], generation: int) -> None:
        if generation != self._generation:
            return
        self.model.add_rows(rows)
        self._more = len(rows) == PAGE_SIZE

    def _load_done(self) -> None:
        self.apply.setEnabled(True)
        self.load_more.setEnabled(self._more)

    # --- verifying ------------------------------------------------------------------------

    def verify_chain(self) -> None:
        self.verify.setEnabled(False)
        operations.run(
            self,
            lambda _p: self.session.audit.verify(),
            label="Checking the audit log…",
            on_success=self.show_report,
            on_done=lambda: self.verify.setEnabled(True),
        )

    def show_report(self, report: ChainReport) -> None:
        self.verify_result.setText(report.sentence)
        self.verify_result.setStyleSheet(OK_STYLE if report.ok else BROKEN_STYLE)

    def forget(self) -> None:
        self.model.forget()
        self.person.clear()
        self.action.clear()
        self.verify_result.clear()
        self.verify_result.setStyleSheet("")
        self.message.clear()
        self._applied = AuditFilter()
        self._generation += 1
        self._more = False
        self.load_more.setEnabled(False)
