"""The Consents tab of a child's record: each kind of consent at a glance, every carer's answer
in a table, and the buttons to record, withdraw, look back over, attach and print.

The consents are read off the UI thread when the tab is first shown, and again after every
change made here. Staff who may only read this child's record (a key worker looking at another
key worker's child) see everything, with the buttons that change things disabled; the core
refuses them anyway. ``forget`` empties it all at lock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.children import StaffChoice
from app.consents import ChildConsents, Consent, ConsentEvent, ConsentStatus, Glance
from app.errors import SharewiseError
from app.session import Session
from ui import operations
from ui.child_forms import alive, day_text
from ui.consent_forms import SCAN_FILTER, ConsentDialog, HistoryDialog, WithdrawDialog, read_scan
from ui.form_parts import button, inline_message
from ui.record_list import list_table
from ui.table_model import RecordTableModel

# The state in words first; the colour only repeats it.
STATE_WORDS = {
    "given": "Given",
    "partly": "Partly given",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
    "requested": "Asked",
    "not_asked": "Not asked yet",
}
STATE_COLOURS = {
    "given": "#e3f1df",
    "partly": "#fff4ce",
    "refused": "#fde2e1",
    "withdrawn": "#fde2e1",
    "requested": "#fff4ce",
    "not_asked": "#ececec",
}
READ_ONLY = (
    "You can read these consents. Only the manager, the DSL or this child's key worker can record "
    "or change them."
)
NO_SCAN = "No scan of the signed form is kept for this consent."


def scans_text(count: int) -> str:
    if not count:
        return "—"
    return f"{count} scan{'s' if count != 1 else ''}"


class GlanceView(QWidget):
    """One line per kind of consent: what it is, the state in words (the colour only repeats
    it), then who said what and when, wrapped to the width of the tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consentGlance")
        self.setAccessibleName("Consents at a glance")
        self.lines: list[Glance] = []
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setColumnStretch(2, 1)

    def set_lines(self, lines: Sequence[Glance]) -> None:
        self.clear()
        self.lines = list(lines)
        for row, line in enumerate(self.lines):
            name = line.kind.name + ("" if line.kind.active else " (no longer asked)")
            kind = self._label(f"glanceKind{row}", name)
            state = self._label(f"glanceState{row}", STATE_WORDS.get(line.state, line.state))
            colour = STATE_COLOURS.get(line.state, "#ffffff")
            state.setStyleSheet(f"background: {colour}; color: #1f1f1f; padding: 2px 8px;")
            state.setAlignment(Qt.AlignmentFlag.AlignCenter)
            details = self._label(f"glanceText{row}", "" if line.state == "not_asked" else line.text)
            details.setWordWrap(True)
            top = Qt.AlignmentFlag.AlignTop
            self.grid.addWidget(kind, row, 0, top)
            self.grid.addWidget(state, row, 1, top)
            self.grid.addWidget(details, row, 2, top)

    @staticmethod
    def _label(name: str, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def shown(self) -> dict[str, tuple[str, str]]:
        """Each line as shown: kind name -> (state in words, details)."""
        found: dict[str, tuple[str, str]] = {}
        for row in range(len(self.lines)):
            kind = self.findChild(QLabel, f"glanceKind{row}")
            state = self.findChild(QLabel, f"glanceState{row}")
            details = self.findChild(QLabel, f"glanceText{row}")
            if kind is not None and state is not None and details is not None:
                found[kind.text()] = (state.text(), details.text())
        return found

    def clear(self) -> None:
        self.lines = []
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)  # gone at once: no name stays behind for a later search
                widget.deleteLater()


class ConsentsModel(RecordTableModel[Consent]):
    columns = ("Kind", "Carer", "Answer", "Date", "How", "Review by", "Signed form")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today: date | None = None

    def cell(self, consent: Consent, column: int) -> str:
        if column == 0:
            return consent.kind.name
        if column == 1:
            return consent.carer_name
        if column == 2:
            return consent.status.label
        if column == 3:
            return day_text(consent.status_on)
        if column == 4:
            return "" if consent.how is None else consent.how.label
        if column == 5:
            review = day_text(consent.review_on) if consent.in_force else ""
            if review and self.today is not None and consent.review_on is not None:
                if consent.review_on < self.today:
                    review += " (overdue)"
                elif consent.review_due(self.today):
                    review += " (due soon)"
            return review
        return scans_text(consent.forms)

    def row_of(self, consent_id: int) -> int | None:
        return next((r for r, c in enumerate(self._rows) if int(c.id) == consent_id), None)


def table(name: str, accessible: str, model: RecordTableModel[Any]) -> QTableView:
    made = list_table(name, accessible, model)
    made.setWordWrap(False)
    made.verticalHeader().hide()
    return made


class ConsentsTab(QWidget):
    """The tab itself. ``show_child`` says whose record it is; ``load`` reads the consents."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consentsTab")
        self.session = session
        self.child_id: int | None = None
        self.born: date | None = None
        self.consents: ChildConsents | None = None
        self.staff: list[StaffChoice] = []
        self.loaded = False
        self._generation = 0
        self._pending: dict[str, str] | None = None  # a draft waiting for the consents to load
        self.glance = GlanceView()
        self.model = ConsentsModel(self)
        self.table = table("consentsTable", "Every consent", self.model)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.activated.connect(lambda _index: self.show_history())
        self.record_button = button("&Record consent…", "recordConsentButton", self.record_consent)
        self.withdraw_button = button("&Withdraw…", "withdrawConsentButton", self.withdraw)
        self.history_button = button("Hi&story…", "consentHistoryButton", self.show_history)
        self.attach_button = button("A&ttach signed form…", "attachFormButton", self.attach_form)
        self.open_form_button = button("Open si&gned form", "openFormButton", self.open_form)
        self.print_button = button("Print &forms…", "printFormsButton", self.print_forms)
        self.print_button.setToolTip(
            "The registration declaration, consent forms and privacy notice for this child's family, "
            "filled in (for the selected carer, or for each carer with parental responsibility)."
        )
        self.withdraw_button.setToolTip("For consent that was given: the carer takes it back.")
        self.note = QLabel()
        self.note.setObjectName("consentsNote")
        self.note.setWordWrap(True)
        self.message = inline_message("consentsMessage")
        row = QHBoxLayout()
        for widget in (
            self.record_button,
            self.withdraw_button,
            self.history_button,
            self.attach_button,
            self.open_form_button,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.print_button)
        glance_heading, every_heading = QLabel("At a glance"), QLabel("Every answer")
        for label in (glance_heading, every_heading):
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        every_heading.setBuddy(self.table)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addWidget(glance_heading)
        layout.addWidget(self.glance)
        layout.addWidget(every_heading)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    # --- loading -------------------------------------------------------------------------------

    def show_child(self, child_id: int, born: date | None) -> None:
        """Another child's record: nothing of the last one stays; read when the tab is shown."""
        if child_id != self.child_id:
            self.forget()
        self.child_id, self.born = child_id, born
        self.loaded = False

    def load(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return
        self.loaded = True
        self._generation += 1
        generation = self._generation
        consents, children = self.session.consents, self.session.children
        operations.run(
            self,
            lambda _p: (consents.for_child(child_id), children.staff_choices()),
            label="Loading consents…",
            on_success=lambda found: self._show(found, generation),
        )

    def _show(self, found: tuple[ChildConsents, list[StaffChoice]], generation: int) -> None:
        if generation != self._generation or not alive(self):
            return  # forgotten, another child opened, or loaded again since
        chosen = self.selected()
        self.consents, self.staff = found
        self.model.today = self.session.context.clock.now().astimezone().date()
        self.glance.set_lines(self.consents.glance())
        self.model.set_rows(self.consents.consents)
        if chosen is not None:
            row = self.model.row_of(int(chosen.id))
            if row is not None:
                self.table.selectRow(row)
        if not self.consents.may_edit:
            self.note.setText(READ_ONLY)
        elif not any(c.parental_responsibility for c in self.consents.carers):
            self.note.setText(
                "No one on the Carers tab is recorded as having parental responsibility, so no one "
                "can give consent for this child yet."
            )
        else:
            self.note.clear()
        self.note.setVisible(bool(self.note.text()))
        self._update_buttons()
        if self._pending is not None:
            fields, self._pending = self._pending, None
            self.record_consent(fields)

    def _changed(self, *_args: object) -> None:
        if alive(self) and self.child_id is not None:
            self.load()

    # --- selections and buttons ----------------------------------------------------------------

    def selected(self) -> Consent | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        loaded = self.consents is not None
        editable = self.consents is not None and self.consents.may_edit
        consent = self.selected()
        kinds = () if self.consents is None else self.consents.kinds
        self.record_button.setEnabled(editable and any(k.active for k in kinds))
        self.withdraw_button.setEnabled(
            editable
            and consent is not None
            and consent.status is ConsentStatus.GIVEN
            and consent.carer_id is not None
        )
        self.history_button.setEnabled(consent is not None)
        self.attach_button.setEnabled(
            editable and consent is not None and consent.status is not ConsentStatus.REQUESTED
        )
        self.open_form_button.setEnabled(consent is not None and consent.forms > 0)
        # Filled-in forms hold the family's details: the same people who may change the record.
        self.print_button.setEnabled(loaded and editable)

    # --- actions -------------------------------------------------------------------------------

    def record_consent(self, fields: Mapping[str, str] | None = None) -> ConsentDialog | None:
        """The Record consent form, with the selected row's kind and carer already chosen."""
        data = self.consents
        if data is None:
            if fields is not None and self.child_id is not None:
                self._pending = dict(fields)  # opened once the consents have loaded
                if not self.loaded:
                    self.load()
            return None
        consent = self.selected()
        kind_id = None if consent is None else int(consent.kind.id)
        carer_id = None if consent is None or consent.carer_id is None else int(consent.carer_id)
        dialog = ConsentDialog(
            self.session,
            data,
            self.staff,
            self,
            born=self.born,
            kind_id=kind_id,
            carer_id=carer_id,
            on_saved=self._changed,
        )
        if fields:
            dialog.fill(fields)
        dialog.open()
        return dialog

    def restore(self, fields: Mapping[str, str]) -> bool:
        """Reopen a Record consent draft kept at lock (possibly before the consents are read)."""
        if self.child_id is None:
            return False
        if self.consents is None:
            self._pending = dict(fields)
            if not self.loaded:
                self.load()
            return True
        return self.record_consent(fields) is not None

    def withdraw(self) -> WithdrawDialog | None:
        consent = self.selected()
        if consent is None or consent.status is not ConsentStatus.GIVEN:
            return None
        dialog = WithdrawDialog(self.session, consent, self.staff, self, on_saved=self._changed)
        dialog.open()
        return dialog

    def show_history(self) -> HistoryDialog | None:
        consent = self.selected()
        if consent is None:
            return None
        dialog = HistoryDialog(self.session, consent, self, on_changed=self._changed)
        dialog.open()
        return dialog

    def attach_form(self) -> None:
        """A signed form that came back after the answer was typed in."""
        consent = self.selected()
        if consent is None:
            return
        generation = self._generation
        path, _ = QFileDialog.getOpenFileName(self, "Choose the scanned signed form", "", SCAN_FILTER)
        if not path or not alive(self) or generation != self._generation:
            return  # cancelled, or the screen locked while the picker was open
        self.message.clear()
        consents, consent_id = self.session.consents, consent.id
        operations.run(
            self,
            lambda _p: consents.attach_form(consent_id, read_scan(path)),
            label="Attaching the signed form…",
            on_success=self._changed,
            on_failure=self._failed,
        )

    def open_form(self) -> None:
        """The latest scan kept for the selected consent, shown in the window (audit-logged)."""
        consent = self.selected()
        if consent is None or self.child_id is None:
            return
        self.message.clear()
        generation, child_id = self._generation, self.child_id
        consents, consent_id = self.session.consents, consent.id

        def latest(events: list[ConsentEvent]) -> None:
            if generation != self._generation or not alive(self):
                return
            kept = [f for e in events for f in e.forms if f.kept]
            if not kept:
                self.message.setText(NO_SCAN)
                return
            from ui.printing import show_signed_form  # written alongside; imported when first used

            show_signed_form(self, self.session, int(kept[-1].id), child_id=child_id)

        operations.run(
            self,
            lambda _p: consents.history(consent_id),
            label="Finding the signed form…",
            on_success=latest,
            on_failure=self._failed,
        )

    def print_forms(self) -> Any:
        if self.child_id is None:
            return None
        consent = self.selected()
        carer_id = None if consent is None or consent.carer_id is None else int(consent.carer_id)
        from ui.printing import print_family_forms  # written alongside; imported when first used

        return print_family_forms(self, self.session, self.child_id, carer_id=carer_id)

    def _failed(self, error: BaseException) -> bool:
        if not alive(self) or not isinstance(error, SharewiseError):
            return False
        self.message.setText(error.sentence)
        return True

    # --- forgetting ----------------------------------------------------------------------------

    def forget(self) -> None:
        """Drop every consent, name and open form (the lock relies on it)."""
        self._generation += 1  # results still on their way are dropped
        self.child_id = self.born = self.consents = None
        self.staff = []
        self.loaded = False
        self._pending = None
        for dialog in self.findChildren(QDialog):
            if isinstance(dialog, QProgressDialog):
                continue  # those belong to ui.operations
            forget = getattr(dialog, "forget", None)
            if callable(forget):
                forget()
            dialog.close()
            dialog.deleteLater()
        self.glance.clear()
        self.model.forget()
        self.model.today = None
        self.note.clear()
        self.note.hide()
        self.message.clear()
        self._update_buttons()
