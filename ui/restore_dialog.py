"""Restoring a backup in the window: choose the file, prove access, see what it holds, confirm.

Opened from the sign-in page (nobody is signed in, so no record is on screen and no session is
writing) and from first-run setup on a new computer. The dialog only asks and shows: the core
checks the backup through and through before showing it (``check_for_restore``) and checks it
again under the vault's lock before swapping it in, refusing if the file changed in between.
Both run off the UI thread (Argon2id, every page read, the audit chain verified).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.backup import BackupContents
from app.errors import SharewiseError
from app.restore import Checked, Proof, RestoreCancelled, RestoreResult
from ui import operations
from ui.backups import local_moment
from ui.form_parts import button, message_label, password_field
from ui.record_list import plural

T = TypeVar("T")
Check = Callable[[Path, Proof], Checked]
Swap = Callable[[Path, Proof, Callable[[BackupContents], bool]], RestoreResult]

CHANGED_SINCE_CHECKED = (
    "The backup file changed after it was checked, so nothing was restored. Check it again."
)
NEED_FILE = "Choose the backup file first."
NEED_PROOF_KEY = "Type the recovery key from the Recovery Sheet."
NEED_PROOF_PASSWORD = "Type a manager's username and password."  # noqa: S105 (a sentence)


def pick_backup_file(parent: QWidget) -> Path | None:
    """Ask for a .swbackup file (tests replace this: a native dialog cannot be driven offscreen)."""
    chosen, _filter = QFileDialog.getOpenFileName(
        parent, "Choose the backup to restore", "", "Sharewise backups (*.swbackup);;All files (*)"
    )
    return Path(chosen) if chosen else None


class Counts(Protocol):
    @property
    def children(self) -> int: ...
    @property
    def concerns(self) -> int: ...
    @property
    def decisions(self) -> int: ...
    @property
    def consents(self) -> int: ...
    @property
    def staff(self) -> int: ...


def holds(contents: Counts) -> str:
    """What the backup holds, in words, from the counts its check made."""
    return (
        f"It holds {contents.children} {'child' if contents.children == 1 else 'children'}, "
        f"{plural(contents.concerns, 'concern')}, {plural(contents.decisions, 'sharing decision')}, "
        f"{plural(contents.consents, 'consent record')} and {plural(contents.staff, 'staff account')}."
    )


def what_it_means(checked: Checked, folder: Path) -> str:
    made = local_moment(checked.contents.created_at)
    lines = [
        f"This backup was made on {made}. {holds(checked.contents)} Every page was read and its "
        "audit log verifies."
    ]
    if checked.fresh:
        lines.append(f"Restoring sets up Sharewise on this computer from it, in {folder}.")
        return "\n\n".join(lines)
    if checked.foreign:
        lines.append("It is a backup of a different Sharewise vault from the one on this computer.")
    lines.append(
        "Restoring replaces every record in Sharewise on this computer with the backup's: anything "
        f"recorded after {made} will not be there. The records it replaces are kept first, as a "
        f"backup file in {folder / 'pre-restore'}."
    )
    return "\n\n".join(lines)


def restored_sentence(result: RestoreResult) -> str:
    made = local_moment(result.created_at)
    if result.pre_restore is None:
        return (
            f"Sharewise is set up from the backup made on {made}. {holds(result)} On a new "
            "computer, open it with the recovery key: it lets a manager choose a new password and "
            "binds the accounts to this computer, then gives you a new Recovery Sheet to print."
        )
    return (
        f"The backup made on {made} is restored. {holds(result)} The records it replaced are kept "
        f"in {result.pre_restore}. Sign in as usual; if your password is not accepted (a backup "
        "from another computer), choose “Forgotten password?” and use the recovery key."
    )


class RestoreDialog(QDialog):
    """Emits ``restored(RestoreResult)`` when the backup is in place; nothing else changes."""

    restored = Signal(object)

    def __init__(
        self, folder: Path, *, check: Check, swap: Swap, prefer_key: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore from a backup")
        self.setMinimumWidth(560)
        self._folder = folder
        self._check = check
        self._swap = swap
        self.backup: Path | None = None
        self.checked: Checked | None = None

        intro = QLabel(
            "Choose a Sharewise backup file (it ends in .swbackup). On this computer a manager's "
            "password opens it; on a new computer, or for another setting's backup, only the "
            "recovery key from the Recovery Sheet does."
        )
        intro.setWordWrap(True)
        self.file_label = QLabel("No backup chosen.")
        self.file_label.setObjectName("restoreFileLabel")
        self.file_label.setWordWrap(True)
        choose = button("&Choose…", "restoreChooseButton", self.choose)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(choose)

        self.with_password = QRadioButton("A &manager's username and password")
        self.with_password.setObjectName("restoreWithPassword")
        self.with_key = QRadioButton("The &recovery key")
        self.with_key.setObjectName("restoreWithKey")
        group = QButtonGroup(self)
        group.addButton(self.with_password)
        group.addButton(self.with_key)
        (self.with_key if prefer_key else self.with_password).setChecked(True)
        self.username = QLineEdit()
        self.username.setObjectName("restoreUsernameEdit")
        self.username.setAccessibleName("Manager's username")
        self.username.setMaxLength(200)
        self.password = password_field("restorePasswordEdit", "Manager's password")
        self.key = QLineEdit()
        self.key.setObjectName("restoreKeyEdit")
        self.key.setAccessibleName("Recovery key")
        self.key.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.key.setMaxLength(120)
        proof = QFormLayout()
        proof.addRow(self.with_password)
        proof.addRow("&Username", self.username)
        proof.addRow("&Password", self.password)
        proof.addRow(self.with_key)
        proof.addRow("Recovery &key", self.key)

        self.check_button = button("Chec&k the backup", "restoreCheckButton", self.check)
        self.contents = QLabel()
        self.contents.setObjectName("restoreContents")
        self.contents.setWordWrap(True)
        self.understood = QCheckBox()
        self.understood.setObjectName("restoreUnderstood")
        self.understood.toggled.connect(self._update)
        self.message = message_label("restoreMessage")
        self.buttons = QDialogButtonBox()
        self.restore_button: QPushButton = self.buttons.addButton(
            "&Restore", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.clicked.connect(self.restore)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addLayout(proof)
        layout.addWidget(self.check_button)
        layout.addWidget(self.contents)
        layout.addWidget(self.understood)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        for edit in (self.username, self.password, self.key):
            edit.textEdited.connect(self._changed)
        self.with_key.toggled.connect(self._changed)
        self._busy = False
        self._changed()

    # --- state -------------------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        """Anything typed or chosen again makes the earlier check stale."""
        self.checked = None
        self.contents.clear()
        self.contents.hide()
        self.understood.setChecked(False)
        self.understood.hide()
        by_key = self.with_key.isChecked()
        self.key.setEnabled(by_key)
        self.username.setEnabled(not by_key)
        self.password.setEnabled(not by_key)
        self._update()

    def _update(self, *_args: object) -> None:
        self.check_button.setEnabled(not self._busy)
        self.restore_button.setEnabled(
            not self._busy and self.checked is not None and self.understood.isChecked()
        )

    def _proof(self) -> Proof | None:
        if self.with_key.isChecked():
            if not self.key.text().strip():
                self.message.setText(NEED_PROOF_KEY)
                self.key.setFocus()
                return None
            return Proof(recovery_key=self.key.text())
        if not self.username.text().strip() or not self.password.text():
            self.message.setText(NEED_PROOF_PASSWORD)
            (self.password if self.username.text().strip() else self.username).setFocus()
            return None
        return Proof(username=self.username.text().strip(), password=self.password.text())

    def _run(self, work: Callable[[operations.Progress], T], label: str, done: Callable[[T], None]) -> None:
        self._busy = True
        self._update()

        def finished() -> None:
            self._busy = False
            self._update()

        operations.run(self, work, label=label, on_success=done, on_failure=self._failed, on_done=finished)

    # --- steps -------------------------------------------------------------------------------

    def choose(self) -> None:
        chosen = pick_backup_file(self)
        if chosen is None:
            return
        self.backup = chosen
        self.file_label.setText(str(chosen))
        self.message.clear()
        self._changed()

    def check(self) -> None:
        self.message.clear()
        if self.backup is None:
            self.message.setText(NEED_FILE)
            return
        proof = self._proof()
        if proof is None:
            return
        backup, check = self.backup, self._check
        self._changed()
        self._run(lambda _p: check(backup, proof), "Checking the backup…", self._show_checked)

    def _show_checked(self, checked: Checked) -> None:
        self.checked = checked
        self.contents.setText(what_it_means(checked, self._folder))
        self.understood.setText(
            "I understand: this sets up Sharewise from the backup"
            if checked.fresh
            else "I understand: this replaces every record on this computer with the backup's"
        )
        self.contents.show()
        self.understood.show()
        self._update()
        self.adjustSize()  # room for the wrapped explanation

    def restore(self) -> None:
        checked, backup, proof = self.checked, self.backup, self._proof()
        if checked is None or backup is None or proof is None or not self.understood.isChecked():
            return
        self.message.clear()
        shown = checked.contents.manifest
        swap = self._swap
        self._run(
            lambda _p: swap(backup, proof, lambda contents: contents.manifest == shown),
            "Restoring the backup…",
            self._done,
        )

    def _done(self, result: RestoreResult) -> None:
        self.forget()
        self.accept()
        self.restored.emit(result)

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, RestoreCancelled):
            self._changed()
            self.message.setText(CHANGED_SINCE_CHECKED)
            return True
        if isinstance(error, SharewiseError):
            self._changed()
            self.password.clear()
            self.message.setText(error.sentence)
            return True
        return False  # the one error dialog: nothing has been changed by an unexpected failure

    # --- closing -----------------------------------------------------------------------------

    def forget(self) -> None:
        """No password or key stays in a widget once the dialog is done with."""
        for edit in (self.password, self.key):
            edit.clear()

    def reject(self) -> None:
        if self._busy:
            return  # the swap must finish: its result decides what the sign-in page opens
        self.forget()
        super().reject()
