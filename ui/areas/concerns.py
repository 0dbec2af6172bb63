"""Concerns: the DSL's queue, each person's own concerns, and the parent contact log.

Everyone signed in may log a concern or a parent contact. The queue is for the DSL and manager
(the core checks again); a key worker sees only the concerns they wrote. Urgent and overdue rows
are coloured and also say so in words, so the meaning never rests on colour alone. Every list
shown is audit-logged by the core, so a list is loaded only when its tab is looked at, and a
search waits for a pause in typing.

``counts_changed`` carries fresh ``QueueCounts`` after the queue loads and after every change,
for the badge on the navigation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import concerns as concerns_module
from app.concerns import Concern, ConcernStatus, ConcernSummary, QueueCounts
from app.drafts import Draft
from app.parent_contacts import ParentContact
from app.policy.permissions import Action
from app.session import Session
from ui import operations
from ui.areas import Area
from ui.concern_categories import CategoriesDialog
from ui.concern_forms import (
    LOG_FORM,
    STEP_FORMS,
    ConcernDialog,
    LogConcernDialog,
    shown_day,
    shown_moment,
    today,
)
from ui.form_parts import heading, inform
from ui.parent_contact_forms import CONTACT_FORM, ParentContactDialog
from ui.record_list import SearchableList, list_table
from ui.table_model import RecordTableModel

Index = QModelIndex | QPersistentModelIndex
URGENT = "URGENT"
OVERDUE = "OVERDUE"
URGENT_COLOURS = (QColor("#fde2e1"), QColor("#5c0b07"))
OVERDUE_COLOURS = (QColor("#fff4ce"), QColor("#4d3800"))
DRAFT_UNAVAILABLE_TITLE = "Unfinished form"


def first_line(text: str, limit: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


class ConcernModel(RecordTableModel[ConcernSummary]):
    """Concern rows. The first column says "URGENT" / "OVERDUE" in words; the row is coloured too."""

    def __init__(
        self, today_: Callable[[], date], *, show_author: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._today = today_
        self.columns = (
            "Needs attention",
            "Child",
            "Seen or heard",
            "Category",
            "Status",
            "Look again by",
            "Actions",
            *(("Written by",) if show_author else ()),
        )

    def flags_text(self, concern: ConcernSummary) -> str:
        flags = []
        if concern.urgent and concern.status is not ConcernStatus.CLOSED:
            flags.append(URGENT)
        if concern.overdue(self._today()):
            flags.append(OVERDUE)
        return ", ".join(flags)

    def cell(self, concern: ConcernSummary, column: int) -> str:
        if column == 0:
            return self.flags_text(concern)
        if column == 1:
            return concern.child_name
        if column == 2:
            return shown_moment(concern.seen_at)
        if column == 3:
            return concern.category + (" (from another agency)" if concern.third_party else "")
        if column == 4:
            return concern.status.label
        if column == 5:
            return "" if concern.status is ConcernStatus.CLOSED else shown_day(concern.review_date)
        if column == 6:
            if not concern.open_actions:
                return ""
            late = f", {concern.overdue_actions} overdue" if concern.overdue_actions else ""
            return f"{concern.open_actions} open{late}"
        return concern.author_name

    def _colours(self, concern: ConcernSummary) -> tuple[QColor, QColor] | None:
        if concern.urgent and concern.status is not ConcernStatus.CLOSED:
            return URGENT_COLOURS
        if concern.overdue(self._today()):
            return OVERDUE_COLOURS
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole):
            concern = self.record(index.row()) if index.isValid() else None
            if concern is None or not (0 <= index.column() < len(self.columns)):
                return None
            if role == Qt.ItemDataRole.FontRole:
                if not self.flags_text(concern):
                    return None
                font = QFont()
                font.setBold(True)
                return font
            colours = self._colours(concern)
            if colours is None:
                return None
            return QBrush(colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1])
        return super().data(index, role)


class ParentContactModel(RecordTableModel[ParentContact]):
    columns = ("When", "How", "Who", "Child", "What about", "Recorded by")

    def cell(self, contact: ParentContact, column: int) -> str:
        if column == 0:
            return shown_moment(contact.contact_at)
        if column == 1:
            return contact.kind.label
        if column == 2:
            return contact.who or "Anonymous"
        if column == 3:
            return contact.child_name
        if column == 4:
            return first_line(contact.about)
        return contact.recorded_by


class ConcernList(SearchableList[ConcernSummary]):
    """One tab of concerns: a search box over the concerns' words, a table, and a count."""

    def __init__(
        self,
        name: str,
        accessible: str,
        model: ConcernModel,
        load: Callable[[str, bool], Sequence[ConcernSummary]],
        *,
        closed_choice: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            name,
            accessible,
            model,
            load,
            noun="concern",
            search_limit=concerns_module.SEARCH_LIMIT,
            list_limit=concerns_module.LIST_LIMIT,
            placeholder="Search the words of the concerns",
            loading="Loading concerns…",
            choice_text="Show closed",
            choice_name="ShowClosed",
            offer_choice=closed_choice,
            parent=parent,
        )


class ParentContactList(QWidget):
    """The parent contact log, newest first, with the button to log another."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ParentContactModel(self)
        self._generation = 0
        self.table = list_table("parentContactsTable", "Parent contacts", self.model)
        self.log_button = QPushButton("Log a parent &contact…")
        self.log_button.setObjectName("logParentContactButton")
        self.count = QLabel()
        self.count.setObjectName("parentContactsCount")
        row = QHBoxLayout()
        row.addWidget(self.log_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.setFocusProxy(self.table)

    def forget(self) -> None:
        self._generation += 1
        self.model.forget()
        self.count.clear()


class ConcernsArea(Area):
    title = "Concerns"
    counts_changed = Signal(object)  # QueueCounts, for the navigation badge

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.reviewer = session.may(Action.CONCERN_REVIEW)
        log = QPushButton("&Log a concern…")
        log.setObjectName("logConcernButton")
        log.clicked.connect(lambda: self.open_log_dialog())
        self.categories_button = QPushButton("Categories…")
        self.categories_button.setObjectName("categoriesButton")
        self.categories_button.clicked.connect(lambda: self.open_categories())
        self.categories_button.setVisible(session.may(Action.SETTINGS_MANAGE))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("concernTabs")
        self.queue: ConcernList | None = None
        if self.reviewer:
            self.queue = ConcernList(
                "queue",
                "Concerns to review",
                ConcernModel(self._today, show_author=True, parent=self),
                lambda text, closed: session.concerns.queue(search=text, include_closed=closed),
                closed_choice=True,
            )
            self.queue.loaded.connect(self.refresh_counts)
            self.tabs.addTab(self.queue, "Queue")
        self.mine = ConcernList(
            "mine",
            "Concerns I wrote",
            ConcernModel(self._today, show_author=False, parent=self),
            # no choice offered: closed ones are listed
            lambda text, _closed: session.concerns.mine(search=text, include_closed=True),
            closed_choice=False,
        )
        self.tabs.addTab(self.mine, "My concerns")
        self.contacts = ParentContactList()
        self.contacts.log_button.clicked.connect(lambda: self.open_parent_contact_dialog())
        self.contacts.table.activated.connect(self._show_contact)
        self.tabs.addTab(self.contacts, "Parent contacts")
        for page in self.concern_lists():
            page.open_requested.connect(self.open_concern)
        self.tabs.currentChanged.connect(lambda _i: self.load_current())
        buttons = QHBoxLayout()
        buttons.addWidget(log)
        buttons.addStretch(1)
        buttons.addWidget(self.categories_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Concerns"))
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)
        self.setFocusProxy(self.tabs)

    def _today(self) -> date:
        return today(self.session)

    def concern_lists(self) -> list[ConcernList]:
        return [page for page in (self.queue, self.mine) if page is not None]

    # --- loading --------------------------------------------------------------------------------

    def opened(self) -> None:
        self.load_current()
        if self.tabs.currentWidget() is not self.queue:
            self.refresh_counts()

    def load_current(self) -> None:
        page = self.tabs.currentWidget()
        if isinstance(page, ConcernList):
            page.load()
        elif page is self.contacts:
            self.load_contacts()

    def load_contacts(self) -> None:
        self.contacts._generation += 1
        generation = self.contacts._generation

        def loaded(rows: list[ParentContact]) -> None:
            if generation == self.contacts._generation:
                self.contacts.model.set_rows(rows)
                self.contacts.count.setText(f"{len(rows)} contact{'s' if len(rows) != 1 else ''}")

        operations.run(
            self,
            lambda _p: self.session.parent_contacts.entries(),
            label="Loading the parent contact log…",
            on_success=loaded,
        )

    def refresh_counts(self) -> None:
        """Numbers for the navigation badge (DSL and manager only; not audit-logged)."""
        if not self.reviewer:
            return
        operations.run(
            self,
            lambda _p: self.session.concerns.counts(),
            label="Counting concerns…",
            on_success=self._counted,
        )

    def _counted(self, counts: QueueCounts) -> None:
        self.counts_changed.emit(counts)

    def _changed(self, _record: object = None) -> None:
        self.load_current()
        if self.tabs.currentWidget() is not self.queue:
            self.refresh_counts()

    # --- opening forms --------------------------------------------------------------------------

    def open_log_dialog(self, fields: dict[str, str] | None = None) -> LogConcernDialog:
        dialog = LogConcernDialog(self.session, self, on_logged=self._logged)
        if fields:
            dialog.fill(fields)
        dialog.open()
        return dialog

    def _logged(self, concern: Concern) -> None:
        self._changed(concern)

    def open_parent_contact_dialog(self, fields: dict[str, str] | None = None) -> ParentContactDialog:
        dialog = ParentContactDialog(self.session, self, on_logged=self._changed)
        if fields:
            dialog.fill(fields)
        dialog.open()
        return dialog

    def open_concern(self, concern_id: int) -> ConcernDialog:
        dialog = ConcernDialog(self.session, concern_id, self, on_changed=self._changed)
        dialog.open()
        return dialog

    def open_categories(self) -> CategoriesDialog:
        dialog = CategoriesDialog(self.session, self)
        dialog.open()
        return dialog

    def _show_contact(self, index: QModelIndex) -> None:
        contact = self.contacts.model.record(index.row()) if index.isValid() else None
        if contact is None:
            return
        lines = [
            f"When: {shown_moment(contact.contact_at)}",
            f"How: {contact.kind.label}",
            f"Who: {contact.who or 'Anonymous'}",
            *([f"Child: {contact.child_name}"] if contact.child_name else []),
            f"What it was about: {contact.about}",
            *([f"What was done: {contact.action}"] if contact.action else []),
            f"Recorded by: {contact.recorded_by}",
        ]
        inform(self, "Parent contact", "\n\n".join(lines), name="parentContactDetails")

    # --- lock -----------------------------------------------------------------------------------

    def restore_draft(self, draft: Draft) -> bool:
        if draft.form == LOG_FORM:
            self.open_log_dialog(dict(draft.fields))
            return True
        if draft.form == CONTACT_FORM:
            self.open_parent_contact_dialog(dict(draft.fields))
            return True
        if draft.form in STEP_FORMS:
            return self.resume_step(draft.form, dict(draft.fields))
        return False

    def resume_step(self, form: str, fields: dict[str, str]) -> bool:
        """Reopen the concern (an audited view: the person is looking at it again), then the
        step form with what was typed. If the step cannot be taken any more, say so in a
        sentence: the draft has still been dealt with."""
        concern_id = fields.get("concern_id", "")
        if not concern_id.isdigit():
            return False
        dialog = self.open_concern(int(concern_id))
        dialog.resume(form, fields, self._draft_unavailable)
        return True

    def _draft_unavailable(self, sentence: str) -> None:
        inform(self, DRAFT_UNAVAILABLE_TITLE, sentence, name="draftUnavailable")

    def forget(self) -> None:
        for page in self.concern_lists():
            page.forget()
        self.contacts.forget()
        for dialog in self.findChildren(QDialog):
            forget = getattr(dialog, "forget", None)
            if callable(forget):
                forget()
            if isinstance(dialog, QMessageBox):
                dialog.setText("")
            dialog.reject()
