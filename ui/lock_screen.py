"""The lock screen: what the window shows while nobody is signed in after a lock.

It holds nothing from the session that ended, only the locked person's username and full name
(staff, never a child), so they can unlock with their password, or someone else can switch user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.vault.vault import Vault
from ui.form_parts import heading, message_label, password_field
from ui.password_gate import PasswordGate

if TYPE_CHECKING:
    from app.session import Session


class LockScreen(QWidget):
    unlocked = Signal(object)  # Session
    switch_user = Signal()

    def __init__(
        self, vault: Vault, username: str, full_name: str, locked_at: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self._vault = vault
        self._username = username
        self.gate = PasswordGate(self)
        self.gate.succeeded.connect(self._succeeded)
        self.gate.refused.connect(lambda sentence: self.message.setText(sentence))
        self.gate.countdown.connect(self._countdown)
        self.gate.busy_changed.connect(lambda _busy: self._update_button())

        title = heading("Sharewise is locked")
        who = QLabel(f"Locked at {locked_at}. {full_name} can unlock it with their password.")
        who.setObjectName("lockedWho")
        who.setWordWrap(True)
        self.password = password_field("unlockPasswordEdit", f"Password for {full_name}")
        self.password.setPlaceholderText("Password")
        self.password.returnPressed.connect(self.submit)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        switch = QPushButton("&Switch user")
        switch.setObjectName("switchUserButton")
        switch.setToolTip("Sign in as someone else. Unsaved forms stay kept for the person who locked.")
        switch.clicked.connect(self.switch_user.emit)
        self.message = message_label("unlockMessage")
        self.countdown_label = message_label("unlockCountdown")

        buttons = QHBoxLayout()
        buttons.addWidget(switch)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        box = QWidget()
        box.setMaximumWidth(520)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(who)
        inner.addWidget(self.password)
        inner.addWidget(self.message)
        inner.addWidget(self.countdown_label)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 3)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        outer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFocusProxy(self.password)

    def _update_button(self) -> None:
        self.unlock_button.setEnabled(not self.gate.busy and not self.gate.waiting)

    def _countdown(self, text: str) -> None:
        self.countdown_label.setText(text)
        self._update_button()

    def submit(self) -> None:
        password = self.password.text()
        if not password:
            self.message.setText("Type your password to unlock.")
            return
        self.password.clear()
        self.message.clear()
        username = self._username
        self.gate.attempt(lambda: self._vault.sign_in(username, password, unlocking=True))

    def _succeeded(self, session: Session) -> None:
        self.unlocked.emit(session)
