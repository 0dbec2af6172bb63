"""The dialogs of the Retention area: destroy an item, keep it past its period, place or lift a
legal hold.

Destroying asks for a tick ("I understand this cannot be undone") before its button works, says
what will go and what the backups still hold, and runs off the UI thread with its own progress
bar; the core checks everything again (a legal hold refuses it, with the sentence shown here).
The forms with free text hand it over as a draft when the screen locks. Window titles never name
a child.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.children import ChildSummary, Enrolment
from app.clock import add_months
from app.errors import SharewiseError
from app.retention import DestructionResult, ItemState, LegalHold, RetentionItem, counts_text, kind_label
from app.session import Session
from ui import operations
from ui.child_forms import FormDialog, alive, date_edit, day_text, from_qdate, line, notes, to_qdate, today
from ui.form_parts import MESSAGE_STYLE, inline_message, message_label

KEEP_FORM = "retention.keep"
HOLD_FORM = "retention.hold"
LIFT_FORM = "retention.lift"
NO_CHILD = "Notes about no child"
EVERY_RECORD = "Every record in the setting"
UNDERSTAND = "I understand this cannot be undone"
NO_NAMES = "Do not name the child or family in the reason; it appears in the annual review pack."
SEARCH_DELAY_MS = 300


def child_text(item: RetentionItem) -> str:
    """Whose records: the child with their date of birth, or that the notes name no child."""
    if item.child_id is None:
        return NO_CHILD
    return f"{item.child_name} (born {day_text(item.born)})" if item.born else item.child_name


def state_text(item: RetentionItem) -> str:
    """The item's state in words, with the date and reason to keep or the hold's reason."""
    if item.state is ItemState.HELD:
        return f"Legal hold: {item.hold_reason}"
    if item.state is ItemState.KEPT:
        return f"Kept until {day_text(item.kept_until)}: {item.kept_reason}"
    return item.state.label


def records_text(records: int, counts: Mapping[str, int]) -> str:
    return f"{records} ({counts_text(counts)})"


def describe(item: RetentionItem) -> str:
    """What the item is, for the top of a dialog (inside it, never in its title)."""
    return (
        f"{kind_label(item.kind)}\n{child_text(item)}\nPast its period since {day_text(item.due_on)}\n"
        f"Records: {records_text(item.records, item.counts)}"
    )


def plain_label(name: str, text: str = "") -> QLabel:
    label = message_label(name)
    label.setText(text)
    return label


# --- destroy ------------------------------------------------------------------------------------


class DestroyDialog(QDialog):
    """Confirm and run the destruction of one item. ``on_destroyed`` hears the result."""

    def __init__(
        self,
        session: Session,
        item: RetentionItem,
        backups_note: str,
        parent: QWidget | None = None,
        *,
        on_destroyed: Callable[[DestructionResult], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("destroyDialog")
        self.setWindowTitle("Destroy records")
        self.session = session
        self.item = item
        self.on_destroyed = on_destroyed
        self.busy = False
        self.what = plain_label("destroyWhat", describe(item))
        self.standing = plain_label("destroyStanding")
        if item.state is ItemState.HELD:
            self.standing.setText(
                f"These records are under a legal hold ({item.hold_reason}). Sharewise will not destroy "
                "them until the hold is lifted."
            )
            self.standing.setStyleSheet(MESSAGE_STYLE)
        elif item.state is ItemState.KEPT:
            self.standing.setText(
                f"You decided to keep these until {day_text(item.kept_until)}: {item.kept_reason}"
            )
        self.standing.setVisible(bool(self.standing.text()))
        self.permanent = plain_label(
            "destroyPermanent",
            "Destroying is permanent: these records are deleted from the vault, with their scanned "
            "forms, and cannot be brought back. The destruction log keeps only the kind, how many, "
            "the rule, who and when.",
        )
        self.note = plain_label("destroyBackupsNote", backups_note)
        self.understand = QCheckBox(UNDERSTAND)
        self.understand.setObjectName("understandCheck")
        self.understand.setAccessibleName(UNDERSTAND)
        self.progress = QProgressBar()
        self.progress.setObjectName("destroyProgress")
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.message = inline_message("destroyMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.destroy_button = self.buttons.addButton("&Destroy", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.destroy_button.setObjectName("confirmDestroyButton")
        self.destroy_button.setEnabled(False)
        self.destroy_button.clicked.connect(lambda _checked=False: self.submit())
        self.buttons.rejected.connect(self.reject)
        self.understand.toggled.connect(
            lambda ticked: self.destroy_button.setEnabled(ticked and not self.busy)
        )
        layout = QVBoxLayout(self)
        for widget in (self.what, self.standing, self.permanent, self.note, self.understand, self.progress):
            layout.addWidget(widget)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def submit(self) -> None:
        if not self.understand.isChecked() or self.busy:
            return
        self.busy = True
        self.message.clear()
        self.destroy_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        retention, kind, child_id = self.session.retention, self.item.kind, self.item.child_id
        operations.run(
            self,
            lambda report: retention.destroy(
                kind, child_id, progress=lambda done, total: report(done / total)
            ),
            label="Destroying the records…",
            on_success=self._destroyed,
            on_failure=self._failed,
            on_done=self._done,
            on_progress=lambda fraction: self.progress.setValue(round(fraction * 100)),
        )

    def _destroyed(self, result: DestructionResult) -> None:
        if alive(self):
            self.busy = False
            self.accept()
        if self.on_destroyed is not None:
            self.on_destroyed(result)

    def _failed(self, error: BaseException) -> bool:
        if not alive(self) or not isinstance(error, SharewiseError):
            return False
        self.message.setText(error.sentence)
        self.understand.setChecked(False)
        self.progress.hide()
        return True

    def _done(self) -> None:
        if alive(self):
            self.busy = False
            self.destroy_button.setEnabled(self.understand.isChecked())

    def reject(self) -> None:
        if self.busy:
            return  # the destruction is under way; its answer closes the dialog
        super().reject()

    def forget(self) -> None:
        self.busy = False  # the lock abandons the operation; the dialog must be able to close
        for label in self.findChildren(QLabel):
            label.clear()
        self.understand.setChecked(False)


# --- keep ---------------------------------------------------------------------------------------


class KeepDialog(FormDialog):
    """Keep an item past its period: why (printed in the annual review pack) and when to look again."""

    form_id = KEEP_FORM
    draft_title = "Keep records past their period"

    def __init__(
        self,
        session: Session,
        item: RetentionItem,
        parent: QWidget | None = None,
        *,
        on_kept: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(session, parent, "keepDialog", self.draft_title)
        self.item = item
        self.on_kept = on_kept
        self.keys = {"kind": item.kind.value, "child_id": "" if item.child_id is None else str(item.child_id)}
        self.reason = notes("keepReason", "Why these records are kept")
        self.review_on = date_edit("keepReviewOn", "Review date")
        self.review_on.setDate(to_qdate(add_months(today(session), 12)))
        self.fields = {"reason": self.reason, "review_on": self.review_on}
        warning = plain_label("keepNoNames", NO_NAMES)
        form = QFormLayout()
        form.addRow(plain_label("keepWhat", describe(item)))
        form.addRow("&Why keep them", self.reason)
        form.addRow("", warning)
        form.addRow("&Look again on", self.review_on)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_buttons(layout, "Keep")

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        return bool(values.get("reason", "").strip())

    def submit(self) -> None:
        reason, review_on = self.reason.toPlainText(), from_qdate(self.review_on.date())
        retention, kind, child_id = self.session.retention, self.item.kind, self.item.child_id
        self.run(
            lambda: retention.keep(kind, child_id, reason=reason, review_on=review_on),
            "Saving…",
            lambda _none: self.on_kept() if self.on_kept is not None else None,
        )


# --- legal holds --------------------------------------------------------------------------------


class HoldDialog(FormDialog):
    """Place a legal hold on one child's records (chosen from the queue or found by name) or on
    every record in the setting."""

    form_id = HOLD_FORM
    draft_title = "Place a legal hold"

    def __init__(
        self,
        session: Session,
        choices: Sequence[tuple[int, str]],
        parent: QWidget | None = None,
        *,
        chosen: int | None = None,
        on_placed: Callable[[LegalHold], None] | None = None,
    ) -> None:
        super().__init__(session, parent, "holdDialog", self.draft_title)
        self.on_placed = on_placed
        self._generation = 0
        self.one_child = QRadioButton("One child's records")
        self.one_child.setObjectName("holdOneChild")
        self.everything = QRadioButton(EVERY_RECORD)
        self.everything.setObjectName("holdEverything")
        group = QButtonGroup(self)
        group.addButton(self.one_child)
        group.addButton(self.everything)
        self.one_child.setChecked(True)
        self.search = line("holdChildSearch", "Find a child by name")
        self.search.setPlaceholderText("Type a name to find a child who is not in the list")
        self.child = QComboBox()
        self.child.setObjectName("holdChildChoice")
        self.child.setAccessibleName("Child")
        self.reason = notes("holdReason", "Why the records are held")
        self.fields = {"child": self.child, "reason": self.reason}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search_children)
        self.search.textEdited.connect(lambda _text: self._timer.start())
        self.one_child.toggled.connect(self._scope_changed)
        self.set_choices(choices, chosen)
        explain = plain_label(
            "holdExplain",
            "While a legal hold is in place (an inquiry, a court case), nothing it covers can be "
            "destroyed. Lift it when the inquiry is over.",
        )
        form = QFormLayout()
        form.addRow(explain)
        form.addRow(self.one_child)
        form.addRow("&Find", self.search)
        form.addRow("&Child", self.child)
        form.addRow(self.everything)
        form.addRow("&Why", self.reason)
        form.addRow("", plain_label("holdNoNames", NO_NAMES))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_buttons(layout, "Place hold")

    def set_choices(self, choices: Sequence[tuple[int, str]], chosen: int | None = None) -> None:
        keep = chosen if chosen is not None else self.child.currentData()
        self.child.clear()
        for child_id, name in choices:
            self.child.addItem(name, child_id)
        found = self.child.findData(keep) if keep is not None else -1
        self.child.setCurrentIndex(found if found >= 0 else (0 if self.child.count() else -1))

    def _scope_changed(self, one: bool) -> None:
        self.search.setEnabled(one)
        self.child.setEnabled(one)

    def search_children(self) -> None:
        """Children whose name or a carer's name matches, left ones included."""
        text = self.search.text()
        if not text.strip():
            return
        self._generation += 1
        generation = self._generation
        children = self.session.children
        operations.run(
            self,
            lambda _p: children.find(search=text, enrolment=Enrolment.ALL, limit=50),
            label="Finding the child…",
            on_success=lambda found: self._found(found, generation),
        )

    def _found(self, found: list[ChildSummary], generation: int) -> None:
        if generation != self._generation or not alive(self):
            return
        self.set_choices(
            [(int(c.id), f"{c.legal_name} (born {day_text(c.date_of_birth)})") for c in found],
            chosen=None,
        )

    def values(self) -> dict[str, str]:
        chosen = self.child.currentData()
        return {
            "reason": self.reason.toPlainText(),
            "scope": "all" if self.everything.isChecked() else "child",
            "child_id": "" if chosen is None else str(chosen),
        }

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        return bool(values.get("reason", "").strip())

    def fill(self, fields: Mapping[str, str]) -> None:
        self.reason.setPlainText(fields.get("reason", ""))
        self.everything.setChecked(fields.get("scope") == "all")
        child_id = fields.get("child_id", "")
        if child_id.isdigit():
            found = self.child.findData(int(child_id))
            if found >= 0:
                self.child.setCurrentIndex(found)

    def submit(self) -> None:
        child_id: int | None = None
        if self.one_child.isChecked():
            chosen = self.child.currentData()
            if chosen is None:
                self.message.setText("Choose the child whose records are held, or hold every record.")
                self.search.setFocus()
                return
            child_id = int(chosen)
        reason = self.reason.toPlainText()
        retention = self.session.retention
        self.run(
            lambda: retention.place_hold(child_id, reason=reason),
            "Placing the hold…",
            lambda hold: self.on_placed(hold) if self.on_placed is not None else None,
        )

    def forget(self) -> None:
        self._generation += 1
        self._timer.stop()
        super().forget()


class LiftDialog(FormDialog):
    """Lift a legal hold, saying why (the inquiry is over)."""

    form_id = LIFT_FORM
    draft_title = "Lift a legal hold"

    def __init__(
        self,
        session: Session,
        hold: LegalHold,
        parent: QWidget | None = None,
        *,
        on_lifted: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(session, parent, "liftDialog", self.draft_title)
        self.hold = hold
        self.on_lifted = on_lifted
        self.keys = {"hold_id": str(hold.id)}
        self.reason = notes("liftReason", "Why the hold is lifted")
        self.fields = {"reason": self.reason}
        covers = hold.child_name or EVERY_RECORD
        form = QFormLayout()
        form.addRow(plain_label("liftWhat", f"{covers}\nHeld because: {hold.reason}"))
        form.addRow("&Why lift it", self.reason)
        form.addRow(
            "", plain_label("liftAfter", "Once lifted, records past their period can be destroyed again.")
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_buttons(layout, "Lift hold")

    def submit(self) -> None:
        reason, retention, hold_id = self.reason.toPlainText(), self.session.retention, self.hold.id
        self.run(
            lambda: retention.lift_hold(hold_id, reason=reason),
            "Lifting the hold…",
            lambda _none: self.on_lifted() if self.on_lifted is not None else None,
        )
