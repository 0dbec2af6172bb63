"""Changing one's own password: asked for at the first sign-in with a one-time password, and
from the toolbar at any time."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.errors import ValidationError, WrongPassword
from app.session import Session
from ui import operations
from ui.form_parts import PASSWORDS_DIFFER, message_label, ok_cancel, password_field

RULE = (
    "Choose a password of at least 12 characters that is not a common one and does not contain "
    "your name or the setting's name. Three or four unrelated words work well. Why: if the "
    "computer or a backup is stolen, a program can try millions of short or common passwords; "
    "a long, unusual one keeps the children's records safe."
)


class ChangePasswordDialog(QDialog):
    changed = Signal()

    def __init__(self, session: Session, *, first_time: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle("Choose your password" if first_time else "Change your password")
        self._session = session
        self.current = password_field(
            "currentPasswordEdit", "One-time password" if first_time else "Current password"
        )
        self.new = password_field("newPasswordEdit", "New password")
        self.repeat = password_field("repeatPasswordEdit", "New password again")
        self.message = message_label("changePasswordMessage")
        intro = QLabel(
            (
                "You signed in with a one-time password. Choose your own before you go on.\n\n"
                if first_time
                else ""
            )
            + RULE
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&One-time password" if first_time else "&Current password", self.current)
        form.addRow("&New password", self.new)
        form.addRow("New password &again", self.repeat)
        self.buttons = ok_cancel(self, "Change password", self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        current, new = self.current.text(), self.new.text()
        if new != self.repeat.text():
            self.message.setText(PASSWORDS_DIFFER)
            self.repeat.clear()
            return
        for field in (self.current, self.new, self.repeat):
            field.clear()
        self.buttons.setEnabled(False)
        operations.run(
            self,
            lambda _p: self._session.change_password(current, new),
            label="Changing your password…",
            on_success=lambda _none: self._done(),
            on_failure=self._failed,
            on_done=lambda: self.buttons.setEnabled(True),
        )

    def _done(self) -> None:
        self.accept()
        self.changed.emit()

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, WrongPassword | ValidationError):
            self.message.setText(error.sentence)
            return True
        return False
