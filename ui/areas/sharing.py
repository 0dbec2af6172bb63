"""Sharing: the DSL's queue of information-sharing requests, each person's own requests, and the
child-protection files sent on when children leave.

Everyone who may record a request sees "My requests". The queue and the file transfers are for
the DSL and manager (the core checks again). Urgent requests and overdue follow-ups or receipts
are coloured and also say so in words, so the meaning never rests on colour alone. Every list
shown is audit-logged by the core, so a list is loaded only when its tab is looked at, and a
search waits for a pause in typing.

``counts_changed`` carries a fresh ``SharingBadge`` after the queue or the transfers load and
after every change, for the badge on the navigation.
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

from app import sharing as sharing_module
from app.drafts import Draft
from app.policy.permissions import Action
from app.session import Session
from app.sharing import ShareStatus, ShareSummary, Urgency
from app.transfers import Transfer
from ui import operations
from ui.areas import Area
from ui.areas.concerns import OVERDUE, OVERDUE_COLOURS, URGENT, URGENT_COLOURS
from ui.concern_forms import shown_day, shown_moment, today
from ui.form_parts import heading
from ui.record_list import SearchableList, list_table, plural
from ui.sharing_forms import (
    DECIDE_FORM,
    INTAKE_FORM,
    IntakeDialog,
    ReceiptDialog,
    ShareRecordDialog,
    TransferDialog,
)
from ui.table_model import RecordTableModel
from ui.workspace import SharingBadge

Index = QModelIndex | QPersistentModelIndex
FOLLOW_UP_OVERDUE = "FOLLOW-UP OVERDUE"
RECEIPT_OVERDUE = OVERDUE


class _Flagged(RecordTableModel[Any]):
    """Rows that say why they need attention in words (first column), coloured and bold too."""

    def flags_text(self, record: Any) -> str:
        raise NotImplementedError

    def colours(self, record: Any) -> tuple[QColor, QColor] | None:
        raise NotImplementedError

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole):
            record = self.record(index.row()) if index.isValid() else None
            if record is None or not (0 <= index.column() < len(self.columns)):
                return None
            if role == Qt.ItemDataRole.FontRole:
                if not self.flags_text(record):
                    return None
                font = QFont()
                font.setBold(True)
                return font
            colours = self.colours(record)
            if colours is None:
                return None
            return QBrush(colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1])
        return super().data(index, role)


class ShareModel(_Flagged):
    """Request rows. The first column says "URGENT" / "FOLLOW-UP OVERDUE" in words."""

    def __init__(self, *, show_opener: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            "Needs attention",
            "Received",
            "Children",
            "Request or ours",
            "Who asked (or to whom)",
            "How",
            "Urgency",
            "Status",
            "Decision",
            "Follow-ups",
            *(("Opened by",) if show_opener else ()),
        )

    def flags_text(self, share: ShareSummary) -> str:
        flags = []
        if share.status is ShareStatus.OPEN and share.urgency is Urgency.URGENT:
            flags.append(URGENT)
        if share.overdue_followups:
            flags.append(FOLLOW_UP_OVERDUE)
        return ", ".join(flags)

    def colours(self, share: ShareSummary) -> tuple[QColor, QColor] | None:
        if share.status is ShareStatus.OPEN and share.urgency is Urgency.URGENT:
            return URGENT_COLOURS
        if share.overdue_followups:
            return OVERDUE_COLOURS
        return None

    def cell(self, share: ShareSummary, column: int) -> str:
        if column == 0:
            return self.flags_text(share)
        if column == 1:
            return shown_moment(share.received_at)
        if column == 2:
            return share.children
        if column == 3:
            return share.direction.label
        if column == 4:
            return share.requester
        if column == 5:
            return share.received_via.label
        if column == 6:
            return share.urgency.label
        if column == 7:
            return share.status.label
        if column == 8:
            return share.verdict.label
        if column == 9:
            if not share.open_followups:
                return ""
            late = f", {share.overdue_followups} overdue" if share.overdue_followups else ""
            return f"{share.open_followups} open{late}"
        return share.opened_by


class TransferModel(_Flagged):
    """Files sent with no receipt yet; "OVERDUE" once 5 school days have passed."""

    columns = ("Needs attention", "Child", "Sent to", "Person", "How it was sent", "Sent on", "Receipt due")

    def __init__(self, today_: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today_

    def flags_text(self, transfer: Transfer) -> str:
        return RECEIPT_OVERDUE if transfer.overdue(self._today()) else ""

    def colours(self, transfer: Transfer) -> tuple[QColor, QColor] | None:
        return OVERDUE_COLOURS if transfer.overdue(self._today()) else None

    def cell(self, transfer: Transfer, column: int) -> str:
        if column == 0:
            return self.flags_text(transfer)
        if column == 1:
            return transfer.child_name
        if column == 2:
            return transfer.receiving_setting
        if column == 3:
            return transfer.receiving_person
        if column == 4:
            return transfer.sent_how
        if column == 5:
            return shown_day(transfer.sent_on)
        return shown_day(transfer.receipt_due)


class ShareList(SearchableList[ShareSummary]):
    """One tab of requests: a search box over who asked, what for and the children's names, a
    table, and a count."""

    def __init__(
        self,
        name: str,
        accessible: str,
        model: ShareModel,
        load: Callable[[str, bool], Sequence[ShareSummary]],
        *,
        decided_choice: bool,
        list_limit: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            name,
            accessible,
            model,
            load,
            noun="request",
            search_limit=sharing_module.SEARCH_LIMIT,
            list_limit=list_limit,
            placeholder="Search who asked, what for, or a child's name",
            loading="Loading the requests…",
            choice_text="Show decided too",
            choice_name="ShowDecided",
            offer_choice=decided_choice,
            limited_when_ticked=True,
            parent=parent,
        )


class TransferList(QWidget):
    """Child-protection files sent with no receipt yet, oldest first."""

    loaded = Signal()

    def __init__(self, today_: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TransferModel(today_, self)
        self._generation = 0
        self._load: Callable[[], Sequence[Transfer]] | None = None
        explain = QLabel(
            "Files sent on to a child's next setting or school, waiting for the receipt to be "
            "confirmed. A receipt not recorded after 5 school days is marked OVERDUE."
        )
        explain.setWordWrap(True)
        self.table = list_table("transfersTable", "Files waiting for a receipt", self.model)
        self.sent_button = QPushButton("Record file &sent…")
        self.sent_button.setObjectName("recordSentButton")
        self.receipt_button = QPushButton("Record &receipt…")
        self.receipt_button.setObjectName("recordReceiptButton")
        self.count = QLabel()
        self.count.setObjectName("transfersCount")
        row = QHBoxLayout()
        row.addWidget(self.sent_button)
        row.addWidget(self.receipt_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.setFocusProxy(self.table)

    def selected(self) -> Transfer | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def load(self, work: Callable[[], Sequence[Transfer]]) -> None:
        self._generation += 1
        generation = self._generation

        def loaded(rows: Sequence[Transfer]) -> None:
            if generation != self._generation:
                return
            self.model.set_rows(rows)
            self.count.setText(f"{plural(len(rows), 'file')} waiting for a receipt")
            self.loaded.emit()

        operations.run(self, lambda _p: work(), label="Loading the file transfers…", on_success=loaded)

    def forget(self) -> None:
        self._generation += 1
        self.model.forget()
        self.count.clear()


class SharingArea(Area):
    title = "Sharing"
    counts_changed = Signal(object)  # SharingBadge, for the navigation badge

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.decider = session.may(Action.SHARING_DECIDE)
        new = QPushButton("&New request…")
        new.setObjectName("newRequestButton")
        new.clicked.connect(lambda: self.open_intake_dialog())
        self.new_button = new
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sharingTabs")
        self.queue: ShareList | None = None
        self.transfers: TransferList | None = None
        if self.decider:
            self.queue = ShareList(
                "shareQueue",
                "Requests to decide",
                ShareModel(show_opener=True, parent=self),
                lambda text, decided: session.sharing.queue(search=text, include_final=decided),
                decided_choice=True,
            )
            self.queue.loaded.connect(self.refresh_counts)
            self.tabs.addTab(self.queue, "Queue")
        self.mine = ShareList(
            "shareMine",
            "Requests I recorded",
            ShareModel(show_opener=False, parent=self),
            lambda text, _decided: session.sharing.mine(search=text),
            decided_choice=False,
            list_limit=sharing_module.LIST_LIMIT,
        )
        self.tabs.addTab(self.mine, "My requests")
        if self.decider:
            self.transfers = TransferList(self._today)
            self.transfers.sent_button.clicked.connect(lambda: self.open_transfer_dialog())
            self.transfers.receipt_button.clicked.connect(lambda: self.open_receipt_dialog())
            self.transfers.table.activated.connect(lambda _i: self.open_receipt_dialog())
            self.transfers.loaded.connect(self.refresh_counts)
            self.tabs.addTab(self.transfers, "File transfers")
        for page in self.share_lists():
            page.open_requested.connect(self.open_record)
        self.tabs.currentChanged.connect(lambda _i: self.load_current())
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Information sharing"))
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)
        self.setFocusProxy(self.tabs)

    def _today(self) -> date:
        return today(self.session)

    def share_lists(self) -> list[ShareList]:
        return [page for page in (self.queue, self.mine) if page is not None]

    # --- loading --------------------------------------------------------------------------------

    def opened(self) -> None:
        self.load_current()
        if self.tabs.currentWidget() is self.mine:
            self.refresh_counts()

    def load_current(self) -> None:
        page = self.tabs.currentWidget()
        if isinstance(page, ShareList):
            page.load()
        elif page is self.transfers and self.transfers is not None:
            self.transfers.load(self.session.transfers.waiting)

    def refresh_counts(self) -> None:
        """Numbers for the navigation badge (DSL and manager only; not audit-logged)."""
        if not self.decider:
            return
        operations.run(
            self,
            lambda _p: SharingBadge.count(self.session),
            label="Counting requests…",
            on_success=self._counted,
        )

    def _counted(self, badge: SharingBadge) -> None:
        self.counts_changed.emit(badge)

    def _changed(self, _record: object = None) -> None:
        self.load_current()
        if self.tabs.currentWidget() is self.mine:
            self.refresh_counts()

    # --- opening forms --------------------------------------------------------------------------

    def open_intake_dialog(
        self, fields: dict[str, str] | None = None, share_id: int | None = None
    ) -> IntakeDialog:
        dialog = IntakeDialog(self.session, self, fields=fields, share_id=share_id)
        dialog.saved.connect(self._changed)
        dialog.open()
        return dialog

    def open_record(self, share_id: int) -> ShareRecordDialog:
        dialog = ShareRecordDialog(self.session, share_id, self)
        dialog.changed.connect(self._changed)
        dialog.open()
        return dialog

    def open_transfer_dialog(self, child_id: int | None = None) -> TransferDialog:
        dialog = TransferDialog(self.session, self, child_id=child_id)
        dialog.saved.connect(self._changed)
        dialog.open()
        return dialog

    def open_receipt_dialog(self, transfer: Transfer | None = None) -> ReceiptDialog | None:
        chosen = transfer
        if chosen is None and self.transfers is not None:
            chosen = self.transfers.selected()
        if chosen is None:
            return None
        dialog = ReceiptDialog(self.session, chosen, self)
        dialog.saved.connect(self._changed)
        dialog.open()
        return dialog

    def open_decision_wizard(self, share_id: int, fields: dict[str, str] | None = None) -> QDialog:
        from ui.sharing_wizard import DecisionWizard  # written alongside; loaded when first used

        wizard = DecisionWizard(self.session, share_id, self, fields=fields)
        wizard.changed.connect(self._changed)
        wizard.finalised.connect(self._changed)
        wizard.open()
        return wizard

    # --- lock -----------------------------------------------------------------------------------

    def restore_draft(self, draft: Draft) -> bool:
        fields = dict(draft.fields)
        share_id = fields.get("share_id", "")
        if draft.form == INTAKE_FORM:
            self.open_intake_dialog(fields, int(share_id) if share_id.isdigit() else None)
            return True
        if draft.form == DECIDE_FORM:
            if not share_id.isdigit():
                return False
            self.open_decision_wizard(int(share_id), fields)
            return True
        return False

    def forget(self) -> None:
        for page in self.share_lists():
            page.forget()
        if self.transfers is not None:
            self.transfers.forget()
        for dialog in self.findChildren(QDialog):
            forget = getattr(dialog, "forget", None)
            if callable(forget):
                forget()
            if isinstance(dialog, QMessageBox):
                dialog.setText("")
            dialog.reject()
