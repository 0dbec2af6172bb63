"""Retention (manager only): records past their retention period, legal holds, and the log of
what was destroyed.

Three tabs. "Past their period" lists each item of the core's review queue (a kind of record for
one child) with what destroying it would remove, and offers Destroy…, Keep… and Legal hold….
"Legal holds" lists the holds in force (and, ticked, the lifted ones), to place or lift one.
"Destroyed" is the destruction log: when, what kind, how many, under which rule, by whom. The
three lists are read off the UI thread each time the area is shown; listing them is audited by
the core. After a destruction the tables refresh and the note about backups stays on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.drafts import Draft
from app.retention import (
    DestructionEntry,
    DestructionResult,
    ItemState,
    LegalHold,
    RetentionItem,
    kind_label,
)
from app.session import Session
from ui import operations
from ui.areas import Area
from ui.areas.home import local_time
from ui.child_forms import alive, day_text
from ui.form_parts import button, heading, inform, message_label
from ui.record_list import list_table, plural
from ui.retention_forms import (
    EVERY_RECORD,
    HOLD_FORM,
    KEEP_FORM,
    LIFT_FORM,
    NO_CHILD,
    DestroyDialog,
    HoldDialog,
    KeepDialog,
    LiftDialog,
    child_text,
    records_text,
    state_text,
)
from ui.table_model import RecordTableModel

TAB_QUEUE, TAB_HOLDS, TAB_DESTROYED = "Past their period", "Legal holds", "Destroyed"
PERIODS_NOTE = (
    "How long each kind of record is kept is set in Settings, and printed in the privacy notice. "
    "Accident, incident and medication records are not held in Sharewise, so none appear here."
)
NOTHING_DUE = "Nothing is past its retention period."
STATE_WIDTH = 240  # pixels before a reason to keep or hold is elided


class QueueModel(RecordTableModel[RetentionItem]):
    # What decides the next step (due on, kept or held) comes first; the long list of what the
    # records are comes last, where the table stretches it, so nothing needed is off the edge.
    columns = ("Kind", "Child", "Due on", "State", "Born", "Left", "Records")
    STATE = 3

    def cell(self, item: RetentionItem, column: int) -> str:
        values = (
            kind_label(item.kind),
            item.child_name or NO_CHILD,
            day_text(item.due_on),
            state_text(item),
            day_text(item.born),
            day_text(item.left),
            records_text(item.records, item.counts),
        )
        return values[column]


class HoldsModel(RecordTableModel[LegalHold]):
    columns = ("Covers", "Reason", "Placed", "Lifted")

    def cell(self, hold: LegalHold, column: int) -> str:
        if column == 0:
            return hold.child_name or EVERY_RECORD
        if column == 1:
            return hold.reason
        if column == 2:
            return f"{local_time(hold.placed_at)} by {hold.placed_by}"
        if hold.lifted_at is None:
            return "In force"
        return f"{local_time(hold.lifted_at)} by {hold.lifted_by or ''}: {hold.lift_reason}"


class DestroyedModel(RecordTableModel[DestructionEntry]):
    columns = ("When", "Kind", "How many", "Rule", "Who")

    def cell(self, entry: DestructionEntry, column: int) -> str:
        if column == 0:
            return local_time(entry.destroyed_at)
        if column == 1:
            return kind_label(entry.kind)
        if column == 2:
            return records_text(entry.records, entry.counts)
        if column == 3:
            return entry.rule
        return entry.destroyed_by


@dataclass(frozen=True)
class _Loaded:
    items: list[RetentionItem]
    holds: list[LegalHold]
    destroyed: list[DestructionEntry]
    backups_note: str


class RetentionArea(Area):
    title = "Retention"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._generation = 0
        self._backups_note = ""
        self._pending: list[Draft] = []
        self.queue_model = QueueModel(self)
        self.holds_model = HoldsModel(self)
        self.destroyed_model = DestroyedModel(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("retentionTabs")

        # Past their period
        self.periods = message_label("retentionPeriodsNote")
        self.periods.setText(PERIODS_NOTE)
        self.queue_count = message_label("retentionQueueCount")
        self.queue_table: QTableView = list_table(
            "retentionQueueTable", "Records past their period", self.queue_model
        )
        # A long reason to keep or hold is elided here (the whole of it is in the Keep and hold
        # dialogs), so the dates and the records stay in view.
        state_header = self.queue_table.horizontalHeader()
        state_header.setSectionResizeMode(QueueModel.STATE, QHeaderView.ResizeMode.Interactive)
        state_header.resizeSection(QueueModel.STATE, STATE_WIDTH)
        self.queue_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.destroy_button = button("&Destroy…", "destroyButton", self.open_destroy)
        self.keep_button = button("&Keep…", "keepButton", self.open_keep)
        self.hold_button = button("Legal &hold…", "holdButton", self.open_hold_for_selected)
        self.backups = message_label("retentionBackupsNote")
        self.backups.hide()
        queue_page = QWidget()
        actions = QHBoxLayout()
        for each in (self.destroy_button, self.keep_button, self.hold_button):
            actions.addWidget(each)
        actions.addStretch(1)
        layout = QVBoxLayout(queue_page)
        layout.addWidget(self.periods)
        layout.addWidget(self.queue_count)
        layout.addWidget(self.queue_table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.backups)
        self.tabs.addTab(queue_page, TAB_QUEUE)

        # Legal holds
        self.show_lifted = QCheckBox("Show lifted holds too")
        self.show_lifted.setObjectName("showLiftedHolds")
        self.show_lifted.toggled.connect(lambda _ticked: self.refresh())
        self.holds_table: QTableView = list_table("legalHoldsTable", "Legal holds", self.holds_model)
        self.holds_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.place_button = button("&Place hold…", "placeHoldButton", lambda: self.open_hold(None))
        self.lift_button = button("&Lift…", "liftHoldButton", self.open_lift)
        holds_page = QWidget()
        hold_actions = QHBoxLayout()
        hold_actions.addWidget(self.place_button)
        hold_actions.addWidget(self.lift_button)
        hold_actions.addStretch(1)
        layout = QVBoxLayout(holds_page)
        explain = QLabel(
            "Nothing a legal hold covers (an inquiry, a court case) can be destroyed until the hold "
            "is lifted. A hold may cover one child's records or every record in the setting."
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        layout.addWidget(self.show_lifted)
        layout.addWidget(self.holds_table, 1)
        layout.addLayout(hold_actions)
        self.tabs.addTab(holds_page, TAB_HOLDS)

        # Destroyed
        self.destroyed_table: QTableView = list_table(
            "destroyedTable", "Records destroyed", self.destroyed_model
        )
        destroyed_page = QWidget()
        layout = QVBoxLayout(destroyed_page)
        explain = QLabel(
            "What was destroyed, under which rule, by whom and when. The log keeps no names or other "
            "personal details, and is kept for good."
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        layout.addWidget(self.destroyed_table, 1)
        self.tabs.addTab(destroyed_page, TAB_DESTROYED)

        outer = QVBoxLayout(self)
        outer.addWidget(heading("Retention and disposal"))
        outer.addWidget(self.tabs, 1)
        self.setFocusProxy(self.tabs)
        self._update_buttons()

    # --- loading -------------------------------------------------------------------------------

    def opened(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """The three lists and the backups sentence; an older answer landing late is dropped."""
        self._generation += 1
        generation = self._generation
        retention = self.session.retention
        lifted = self.show_lifted.isChecked()
        operations.run(
            self,
            lambda _p: _Loaded(
                retention.queue(),
                retention.holds(include_lifted=lifted),
                retention.destructions(),
                retention.backups_note(),
            ),
            label="Finding records past their period…",
            on_success=lambda loaded: self._show(loaded, generation),
        )

    def _show(self, loaded: _Loaded, generation: int) -> None:
        if generation != self._generation or not alive(self):
            return
        self._backups_note = loaded.backups_note
        self.queue_model.set_rows(loaded.items)
        self.holds_model.set_rows(loaded.holds)
        self.destroyed_model.set_rows(loaded.destroyed)
        self.queue_count.setText(self._count_text(loaded.items))
        self._update_buttons()
        pending, self._pending = self._pending, []
        for draft in pending:
            self._restore(draft)

    @staticmethod
    def _count_text(items: Sequence[RetentionItem]) -> str:
        if not items:
            return NOTHING_DUE
        due = sum(1 for i in items if i.state is ItemState.DUE)
        return f"{plural(len(items), 'item')} past the retention period; {due} waiting for a decision."

    # --- selection ------------------------------------------------------------------------------

    def selected_item(self) -> RetentionItem | None:
        rows = self.queue_table.selectionModel().selectedRows()
        return self.queue_model.record(rows[0].row()) if rows else None

    def selected_hold(self) -> LegalHold | None:
        rows = self.holds_table.selectionModel().selectedRows()
        return self.holds_model.record(rows[0].row()) if rows else None

    def select_item(self, item: RetentionItem) -> bool:
        for row, found in enumerate(self.queue_model.records()):
            if found.key == item.key:
                self.queue_table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        item = self.selected_item()
        for each in (self.destroy_button, self.keep_button):
            each.setEnabled(item is not None)
        self.hold_button.setEnabled(item is not None and item.child_id is not None)
        hold = self.selected_hold()
        self.lift_button.setEnabled(hold is not None and hold.active)

    def _children_in_queue(self) -> list[tuple[int, str]]:
        seen: dict[int, str] = {}
        for item in self.queue_model.records():
            if item.child_id is not None and item.child_id not in seen:
                seen[item.child_id] = child_text(item)
        return sorted(seen.items(), key=lambda pair: pair[1].casefold())

    # --- actions -------------------------------------------------------------------------------

    def open_destroy(self) -> DestroyDialog | None:
        item = self.selected_item()
        if item is None:
            return None
        dialog = DestroyDialog(self.session, item, self._backups_note, self, on_destroyed=self._destroyed)
        dialog.open()
        return dialog

    def _destroyed(self, result: DestructionResult) -> None:
        if not alive(self):
            return
        self.backups.setText(result.backups_note)
        self.backups.show()
        self.refresh()
        inform(
            self,
            "Records destroyed",
            f"Destroyed: {records_text(result.entry.records, result.entry.counts)}.\n\n{result.backups_note}",
            name="destroyedDialog",
        )

    def open_keep(self, fields: dict[str, str] | None = None, item: RetentionItem | None = None) -> Any:
        chosen = item or self.selected_item()
        if chosen is None:
            return None
        dialog = KeepDialog(self.session, chosen, self, on_kept=self.refresh)
        if fields:
            dialog.fill(fields)
        dialog.open()
        return dialog

    def open_hold_for_selected(self) -> HoldDialog | None:
        item = self.selected_item()
        return self.open_hold(None if item is None else item.child_id)

    def open_hold(self, child_id: int | None, fields: dict[str, str] | None = None) -> HoldDialog:
        dialog = HoldDialog(
            self.session,
            self._children_in_queue(),
            self,
            chosen=child_id,
            on_placed=lambda _hold: self.refresh(),
        )
        if fields:
            dialog.fill(fields)
        dialog.open()
        return dialog

    def open_lift(self, fields: dict[str, str] | None = None, hold: LegalHold | None = None) -> Any:
        chosen = hold or self.selected_hold()
        if chosen is None or not chosen.active:
            return None
        dialog = LiftDialog(self.session, chosen, self, on_lifted=self.refresh)
        if fields:
            dialog.fill(fields)
        dialog.open()
        return dialog

    # --- drafts and the lock ----------------------------------------------------------------------

    def restore_draft(self, draft: Draft) -> bool:
        if draft.form not in (KEEP_FORM, HOLD_FORM, LIFT_FORM):
            return False
        self._pending.append(draft)  # reopened once the lists are loaded
        self.refresh()
        return True

    def _restore(self, draft: Draft) -> None:
        fields = dict(draft.fields)
        if draft.form == HOLD_FORM:
            child_id = fields.get("child_id", "")
            self.open_hold(int(child_id) if child_id.isdigit() else None, fields)
        elif draft.form == KEEP_FORM:
            child = fields.get("child_id", "")
            for item in self.queue_model.records():
                if item.kind.value == fields.get("kind") and str(item.child_id or "") == child:
                    self.open_keep(fields, item)
                    return
        else:
            for hold in self.holds_model.records():
                if str(hold.id) == fields.get("hold_id"):
                    self.open_lift(fields, hold)
                    return

    def forget(self) -> None:
        self._generation += 1  # a load still on its way is dropped
        self._pending = []
        self._backups_note = ""
        for window in self.findChildren(QWidget):
            if window.isWindow() and not isinstance(window, QProgressDialog):  # those are ui.operations'
                forget = getattr(window, "forget", None)
                if callable(forget):
                    forget()
                if isinstance(window, QDialog):
                    window.reject()
                window.close()
                window.deleteLater()
        self.queue_model.forget()
        self.holds_model.forget()
        self.destroyed_model.forget()
        self.queue_count.clear()
        self.backups.clear()
        self.backups.hide()
        self.show_lifted.blockSignals(True)
        self.show_lifted.setChecked(False)
        self.show_lifted.blockSignals(False)
        self._update_buttons()
