"""Subject access: requests from parents to see what is held about their child, for the manager
and the DSL (the core checks again on every call).

The queue shows each open request with its deadline in words ("in 6 days", "3 days overdue") and
how many items still need a decision. Choosing one shows its pack item by item: why an item needs
a look, the decision, and the words themselves. Gathering runs off the UI thread with its own
progress bar; the draft and the final pack go through the one print flow
(``ui.printing.show_document``), audit-logged against the child. Every list shown is audit-logged
by the core, so the pack's items are read once when a request is chosen and then kept up to date
from what each decision returns. Window titles never name the child.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.documents import DocumentKind
from app.drafts import Draft
from app.session import Session
from app.settings import DEMO_VAULT
from app.subject_access import Exemption, PackItem, RequestStatus, SubjectAccessRequest
from ui import operations
from ui.areas import Area
from ui.areas.concerns import OVERDUE_COLOURS
from ui.concern_forms import shown_day, today
from ui.form_parts import button, confirm, heading
from ui.printing import Built, show_document
from ui.record_list import list_table, plural
from ui.subject_access_forms import (
    COVER_FORM,
    EXTEND_FORM,
    NEW_FORM,
    WITHHOLD_FORM,
    CoverNoteDialog,
    ExtendDialog,
    NewRequestDialog,
    WithholdDialog,
)
from ui.table_model import RecordTableModel

Index = QModelIndex | QPersistentModelIndex
DECISION_WIDTH, SECTION_WIDTH = 170, 120  # pixels before the decision and section are elided
REVIEW_SPLIT = 200  # the items table and the text beside it start at 3:2
TO_DECIDE = "TO DECIDE"
SUGGESTED = "Withhold suggested: confirm"
NOT_GATHERED = "Not gathered yet"
PACK_TITLE = "Subject access pack"
DRAFT_TITLE = "Subject access pack (draft)"
NOT_ALLOWED = (
    "Only the manager or the DSL can open a subject access pack. Ask one of them if a copy is needed."
)
RELEASE_TITLE = "Release the pack"
EXPLAIN = (
    "A parent may see what we hold about their own child. Answer within one calendar month of "
    "receiving the request, or three months if it was extended for a complex request. Gather the "
    "records, decide every item marked TO DECIDE (release it, or withhold it under an exemption), "
    "write the cover note, then release the pack."
)
TO_DECIDE_COLOURS = (QColor("#fff4ce"), QColor("#4d3800"))
SHORT_EXEMPTIONS = {
    Exemption.OTHER_PERSON: "another person",
    Exemption.SERIOUS_HARM: "serious harm",
    Exemption.CHILD_INTERESTS: "the child's interests",
    Exemption.CRIME: "crime",
    Exemption.LEGAL_ADVICE: "legal advice",
    Exemption.OTHER: "other exemption",
}


def deadline_words(request: SubjectAccessRequest, day: date) -> str:
    """The deadline and how far away it is, in words."""
    shown = shown_day(request.deadline)
    extended = " (extended)" if request.extended_to is not None else ""
    if request.released:
        return f"{shown}{extended}"
    left = request.days_left(day)
    if left == 0:
        when = "due today"
    elif left > 0:
        when = f"in {plural(left, 'day')}"
    else:
        when = f"{plural(-left, 'day')} overdue"
    return f"{shown}, {when}{extended}"


def decision_words(item: PackItem) -> str:
    if item.withheld:
        if not item.decided:
            return SUGGESTED
        exemption = "" if item.exemption is None else f": {SHORT_EXEMPTIONS[item.exemption]}"
        return f"Withheld{exemption}"
    if item.needs_decision:
        return TO_DECIDE
    if item.released:
        return "Released"
    return "Release" if item.decided or not item.flag else TO_DECIDE


def item_text(item: PackItem) -> str:
    """The words of one item, with why it needs a look and what was decided."""
    parts = [item.label, "", item.content]
    if item.flag:
        parts += ["", f"Why to check: {item.flag}"]
    if item.withheld and item.exemption is not None:
        parts += ["", f"Exemption: {item.exemption.label}", f"Reason: {item.reason}"]
    elif item.reason:
        parts += ["", f"Note: {item.reason}"]
    if item.decided_by:
        parts.append(f"Decided by {item.decided_by}")
    return "\n".join(parts)


def recount(request: SubjectAccessRequest, items: Sequence[PackItem]) -> SubjectAccessRequest:
    """The request's counts as the items now stand (after a decision), without asking again."""
    return replace(
        request,
        items=len(items),
        flagged=sum(1 for i in items if i.flag),
        undecided=sum(1 for i in items if i.needs_decision),
        withheld=sum(1 for i in items if i.withheld),
        gathered=bool(items),
    )


class _Replacing(RecordTableModel[Any]):
    def replace_record(self, record: Any) -> int:
        """Show ``record`` in place of the row with its id; returns the row (-1 if not shown)."""
        for row, shown in enumerate(self.records()):
            if shown.id == record.id:
                self._rows[row] = record
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))
                return row
        return -1


class QueueModel(_Replacing):
    columns = ("Child", "Asked by", "Received", "Deadline", "Status", "To decide")

    def __init__(self, today_: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today_

    def cell(self, request: SubjectAccessRequest, column: int) -> str:
        if column == 0:
            return request.child_name
        if column == 1:
            return ", ".join(p for p in (request.requester_name, request.relationship) if p)
        if column == 2:
            return shown_day(request.received_on)
        if column == 3:
            return deadline_words(request, self._today())
        if column == 4:
            if request.released:
                return f"Released on {shown_day(request.released_on)}"
            return RequestStatus.OPEN.label
        if not request.gathered:
            return NOT_GATHERED
        return str(request.undecided) if request.undecided else "None"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        request = self.record(index.row()) if index.isValid() else None
        if request is not None and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            if not request.overdue(self._today()):
                return None
            colours = OVERDUE_COLOURS  # "overdue" is in the words too
            return QBrush(colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1])
        return super().data(index, role)


class ItemsModel(_Replacing):
    columns = ("Decision", "Section", "Item", "Why to check")

    def cell(self, item: PackItem, column: int) -> str:
        if column == 0:
            return decision_words(item)
        if column == 1:
            return item.section.label
        if column == 2:
            return item.label
        return item.flag

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.record(index.row()) if index.isValid() else None
        waiting = item is not None and (item.needs_decision or (item.withheld and not item.decided))
        if waiting and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if waiting and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            colours = TO_DECIDE_COLOURS
            return QBrush(colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1])
        return super().data(index, role)


class SubjectAccessArea(Area):
    title = "Subject access"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._queue_generation = 0
        self._items_generation = 0
        self._shown_id: int | None = None  # the request whose items are shown
        self.queue_model = QueueModel(self._today, self)
        self.items_model = ItemsModel(self)
        self.new_button = button("&New request…", "newSarButton", self.open_new_request)
        self.extend_button = button("E&xtend…", "extendSarButton", self.open_extend)
        self.cover_button = button("&Cover note…", "coverNoteButton", self.open_cover_note)
        self.gather_button = button("&Gather the records", "gatherButton", self.gather)
        self.preview_button = button("&Preview", "previewSarButton", self.preview)
        self.release_button = button("&Release…", "releaseSarButton", self.ask_release)
        self.show_released = QCheckBox("Show &released")
        self.show_released.setObjectName("showReleasedCheck")
        self.show_released.toggled.connect(lambda _on: self.load_queue())
        self.queue = list_table("sarQueueTable", "Subject access requests", self.queue_model)
        # "Asked by" (name and relationship) takes what room is left, so the deadline, status and
        # what is left to decide are never pushed off the edge.
        self.queue.horizontalHeader().setStretchLastSection(False)
        self.queue.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.queue.setWordWrap(False)
        self.queue.selectionModel().selectionChanged.connect(lambda *_: self._request_chosen())
        self.count = QLabel()
        self.count.setObjectName("sarQueueCount")
        self.progress = QProgressBar()
        self.progress.setObjectName("sarGatherProgress")
        self.progress.setAccessibleName("Gathering the records")
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("sarStatus")
        self.status.setWordWrap(True)
        self.items: QTableView = list_table("sarItemsTable", "Items of the pack", self.items_model)
        # The item's label gets the room left.
        items_header = self.items.horizontalHeader()
        items_header.setStretchLastSection(False)
        for column, width in ((0, DECISION_WIDTH), (1, SECTION_WIDTH)):
            items_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            items_header.resizeSection(column, width)
        items_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.items.setColumnHidden(3, True)  # "Why to check" is in full beside the table
        self.items.setWordWrap(False)
        self.items.selectionModel().selectionChanged.connect(lambda *_: self._item_chosen())
        self.content = QPlainTextEdit()
        self.content.setObjectName("sarItemContent")
        self.content.setAccessibleName("The item's words")
        self.content.setReadOnly(True)
        self.release_item_button = button("Re&lease this item", "releaseItemButton", self.release_item)
        self.withhold_button = button("&Withhold…", "withholdItemButton", self.open_withhold)

        top = QHBoxLayout()
        for widget in (self.new_button, self.extend_button, self.cover_button):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.show_released)
        pack = QHBoxLayout()
        for widget in (self.gather_button, self.preview_button, self.release_button):
            pack.addWidget(widget)
        pack.addWidget(self.progress, 1)
        pack.addStretch(1)
        explain = QLabel(EXPLAIN)
        explain.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.content, 1)
        decide = QHBoxLayout()
        decide.addWidget(self.release_item_button)
        decide.addWidget(self.withhold_button)
        decide.addStretch(1)
        side_layout.addLayout(decide)
        review = QSplitter(Qt.Orientation.Horizontal)
        review.addWidget(self.items)
        review.addWidget(side)
        review.setStretchFactor(0, 3)
        review.setStretchFactor(1, 2)
        review.setSizes([3 * REVIEW_SPLIT, 2 * REVIEW_SPLIT])  # the items get three fifths at first
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.queue, 1)
        upper_layout.addWidget(self.count)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(pack)
        lower_layout.addWidget(self.status)
        lower_layout.addWidget(review, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Subject access requests"))
        layout.addWidget(explain)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.setFocusProxy(self.queue)
        self._update_buttons()

    def _today(self) -> date:
        return today(self.session)

    # --- loading ------------------------------------------------------------------------------

    def opened(self) -> None:
        self.load_queue()

    def load_queue(self, then_select: int | None = None) -> None:
        """The requests (audit-logged by the core); the chosen one stays chosen."""
        self._queue_generation += 1
        generation = self._queue_generation
        wanted = then_select if then_select is not None else self._shown_id
        released = self.show_released.isChecked()
        operations.run(
            self,
            lambda _p: self.session.subject_access.queue(include_released=released),
            label="Loading the requests…",
            on_success=lambda rows: self._queue_loaded(generation, rows, wanted),
        )

    def _queue_loaded(self, generation: int, rows: list[SubjectAccessRequest], wanted: int | None) -> None:
        if generation != self._queue_generation or not shiboken6.isValid(self):
            return
        self.queue_model.set_rows(rows)
        self.count.setText(plural(len(rows), "request"))
        row = next((n for n, r in enumerate(rows) if r.id == wanted), -1)
        if row >= 0:
            self.queue.selectRow(row)
        else:
            self._show_items(None, [])
        self._update_buttons()

    def selected(self) -> SubjectAccessRequest | None:
        rows = self.queue.selectionModel().selectedRows()
        return self.queue_model.record(rows[0].row()) if rows else None

    def _request_chosen(self) -> None:
        request = self.selected()
        if request is None:
            self._show_items(None, [])
        elif request.id != self._shown_id:
            self.load_items(request.id)
        self._update_buttons()

    def load_items(self, request_id: int) -> None:
        self._items_generation += 1
        generation = self._items_generation
        self.content.clear()
        self.items_model.forget()
        self._shown_id = request_id
        operations.run(
            self,
            lambda _p: self.session.subject_access.items(request_id),
            label="Opening the pack…",
            on_success=lambda found: self._items_loaded(generation, request_id, found),
        )

    def _items_loaded(self, generation: int, request_id: int, found: list[PackItem]) -> None:
        if generation != self._items_generation or not shiboken6.isValid(self):
            return
        self._show_items(request_id, found)

    def _show_items(self, request_id: int | None, found: Sequence[PackItem]) -> None:
        if request_id is None:
            self._items_generation += 1  # a read still on its way is for a request not chosen now
        self._shown_id = request_id
        self.items_model.set_rows(found)
        self.content.clear()
        self._show_status()
        self._update_buttons()

    def _show_status(self) -> None:
        request = self.selected()
        if request is None:
            self.status.clear()
            return
        if request.released:
            who = f" by {request.released_by}" if request.released_by else ""
            going = plural(request.items - request.withheld, "item")
            self.status.setText(
                f"Released on {shown_day(request.released_on)}{who}: {going} released, "
                f"{request.withheld} withheld. Nothing in it can be changed."
            )
        elif not request.gathered:
            self.status.setText("The records have not been gathered yet: choose “Gather the records”.")
        else:
            waiting = (
                f"{plural(request.undecided, 'item')} still to decide"
                if request.undecided
                else "ready to release"
            )
            self.status.setText(
                f"{plural(request.items, 'item')} gathered, {request.flagged} to check, {request.withheld} "
                f"withheld; {waiting}."
            )

    def selected_item(self) -> PackItem | None:
        rows = self.items.selectionModel().selectedRows()
        return self.items_model.record(rows[0].row()) if rows else None

    def _item_chosen(self) -> None:
        item = self.selected_item()
        self.content.setPlainText("" if item is None else item_text(item))
        self._update_buttons()

    def _update_buttons(self) -> None:
        request = self.selected()
        open_ = request is not None and not request.released
        gathered = request is not None and request.gathered
        self.extend_button.setEnabled(open_ and request is not None and request.extended_to is None)
        self.cover_button.setEnabled(open_)
        self.gather_button.setEnabled(open_)
        self.gather_button.setText(
            "&Gather the records again" if open_ and gathered else "&Gather the records"
        )
        self.preview_button.setEnabled(gathered)
        self.release_button.setEnabled(open_ and gathered and request is not None and request.undecided == 0)
        item = self.selected_item()
        self.release_item_button.setEnabled(open_ and item is not None)
        self.withhold_button.setEnabled(open_ and item is not None)

    def _replace_request(self, request: SubjectAccessRequest) -> None:
        self.queue_model.replace_record(request)
        self._show_status()
        self._update_buttons()

    # --- forms ---------------------------------------------------------------------------------

    def open_new_request(self, fields: dict[str, str] | None = None) -> NewRequestDialog:
        dialog = NewRequestDialog(self.session, self, on_saved=lambda r: self.load_queue(int(r.id)))
        if fields:
            dialog.fill(fields)
        dialog.open()
        return dialog

    def open_extend(
        self, request: SubjectAccessRequest | None = None, fields: dict[str, str] | None = None
    ) -> ExtendDialog | None:
        chosen = request or self.selected()
        if chosen is None:
            return None
        dialog = ExtendDialog(self.session, chosen, self, on_done=self._request_changed)
        if fields:
            dialog.fill(fields)
        dialog.open()
        return dialog

    def _request_changed(self, request: object) -> None:
        if isinstance(request, SubjectAccessRequest):
            self._replace_request(request)

    def open_cover_note(
        self, request: SubjectAccessRequest | None = None, fields: dict[str, str] | None = None
    ) -> CoverNoteDialog | None:
        chosen = request or self.selected()
        if chosen is None:
            return None
        request_id = chosen.id

        def saved(note: object) -> None:
            current = next((r for r in self.queue_model.records() if r.id == request_id), None)
            if current is not None and isinstance(note, str):
                self._replace_request(replace(current, cover_note=note))

        dialog = CoverNoteDialog(self.session, chosen, self, on_done=saved)
        if fields:
            dialog.fill(fields)
        dialog.open()
        return dialog

    def open_withhold(
        self,
        item: PackItem | None = None,
        fields: dict[str, str] | None = None,
        request: SubjectAccessRequest | None = None,
    ) -> WithholdDialog | None:
        request, chosen = request or self.selected(), item or self.selected_item()
        if request is None or chosen is None:
            return None
        dialog = WithholdDialog(self.session, request, chosen, self, on_done=self._item_decided)
        if fields:
            dialog.fill(fields)
        dialog.open()
        return dialog

    # --- the pack ------------------------------------------------------------------------------

    def gather(self) -> None:
        request = self.selected()
        if request is None:
            return
        request_id = int(request.id)
        self.gather_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()

        def work(progress: operations.Progress) -> list[PackItem]:
            return self.session.subject_access.gather(
                request_id, lambda done, total: progress(done / total if total else 1.0)
            )

        def gathered(found: list[PackItem]) -> None:
            current = next((r for r in self.queue_model.records() if r.id == request_id), None)
            if current is None:
                return
            self._items_generation += 1  # an older read of the items is out of date now
            self._replace_request(recount(current, found))
            self._show_items(request_id, found)

        def done() -> None:
            if shiboken6.isValid(self):
                self.progress.hide()
                self._update_buttons()

        operations.run(
            self,
            work,
            label="Gathering the records…",
            on_success=gathered,
            on_done=done,
            on_progress=lambda fraction: self.progress.setValue(round(fraction * 100)),
        )

    def release_item(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        item_id = int(item.id)
        operations.run(
            self,
            lambda _p: self.session.subject_access.decide(item_id, withhold=False),
            label="Saving the decision…",
            on_success=self._item_decided,
        )

    def _item_decided(self, item: object) -> None:
        if not isinstance(item, PackItem) or not shiboken6.isValid(self):
            return
        row = self.items_model.replace_record(item)
        request = self.selected()
        if request is not None and request.id == self._shown_id:
            self._replace_request(recount(request, self.items_model.records()))
        if row >= 0:
            following = next(
                (n for n, i in enumerate(self.items_model.records()) if n > row and i.needs_decision), row
            )
            self.items.selectRow(following)
        self._item_chosen()

    def preview(self, on_shown: Callable[[QDialog], None] | None = None) -> None:
        request = self.selected()
        if request is None:
            return
        self._show_pack(request, on_shown)

    def _show_pack(self, request: SubjectAccessRequest, on_shown: Callable[[QDialog], None] | None) -> None:
        request_id, session = int(request.id), self.session

        def build(progress: operations.Progress) -> Built:
            from app.reports.subject_access import build_subject_access_pack  # ReportLab loads here

            pack = session.subject_access.pack(request_id)
            demo = bool(session.settings.get(DEMO_VAULT))
            return build_subject_access_pack(pack, progress, demo=demo)

        show_document(
            self,
            session,
            build,
            kind=DocumentKind.SUBJECT_ACCESS_PACK,
            title=PACK_TITLE if request.released else DRAFT_TITLE,
            document_kind=PACK_TITLE,
            not_allowed=NOT_ALLOWED,
            label="Preparing the pack…",
            about=("child", int(request.child_id)),
            glyphs_name="sarGlyphsDialog",
            on_shown=on_shown,
        )

    def ask_release(self, on_shown: Callable[[QDialog], None] | None = None) -> QMessageBox | None:
        request = self.selected()
        if request is None or request.released:
            return None
        going = request.items - request.withheld
        text = (
            f"{plural(going, 'item')} will be released and {request.withheld} withheld, dated today. "
            "After this nothing in the request or its pack can be changed. The final pack then opens "
            "for you to print or save."
        )
        return confirm(self, RELEASE_TITLE, text, "Release the pack", lambda: self.release(request, on_shown))

    def release(
        self, request: SubjectAccessRequest, on_shown: Callable[[QDialog], None] | None = None
    ) -> None:
        request_id = int(request.id)

        def released(answered: SubjectAccessRequest) -> None:
            if not shiboken6.isValid(self):
                return
            self._replace_request(answered)
            self.load_items(request_id)
            self._show_pack(answered, on_shown)

        operations.run(
            self,
            lambda _p: self.session.subject_access.release(request_id),
            label="Releasing the pack…",
            on_success=released,
        )

    # --- lock ----------------------------------------------------------------------------------

    def restore_draft(self, draft: Draft) -> bool:
        fields = dict(draft.fields)
        if draft.form == NEW_FORM:
            self.open_new_request(fields)
            return True
        if draft.form not in (EXTEND_FORM, COVER_FORM, WITHHOLD_FORM):
            return False
        request_id = fields.get("request_id", "")
        if not request_id.isdigit():
            return False
        self.load_queue(int(request_id))

        def reopen(found: tuple[SubjectAccessRequest, list[PackItem]]) -> None:
            request, items = found
            if draft.form == EXTEND_FORM:
                self.open_extend(request, fields)
            elif draft.form == COVER_FORM:
                self.open_cover_note(request, fields)
            else:
                item_id = fields.get("item_id", "")
                item = next((i for i in items if str(int(i.id)) == item_id), None)
                if item is not None:
                    self.open_withhold(item, fields, request)

        def read() -> tuple[SubjectAccessRequest, list[PackItem]]:
            request = self.session.subject_access.get(int(request_id))
            items = self.session.subject_access.items(int(request_id)) if draft.form == WITHHOLD_FORM else []
            return request, items

        operations.run(self, lambda _p: read(), label="Opening the request…", on_success=reopen)
        return True

    def forget(self) -> None:
        self._queue_generation += 1
        self._items_generation += 1
        self._shown_id = None
        self.queue_model.forget()
        self.items_model.forget()
        self.content.clear()
        self.status.clear()
        self.count.clear()
        self.progress.hide()
        for dialog in self.findChildren(QDialog):
            forget = getattr(dialog, "forget", None)
            if callable(forget):
                forget()
            if isinstance(dialog, QMessageBox):
                dialog.setText("")
            dialog.reject()
        self._update_buttons()
