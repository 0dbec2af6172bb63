"""The sign-in page, "Forgotten password", and opening the vault with the recovery key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import RecoveryKeyInvalid, ValidationError
from app.vault.vault import Vault
from ui.form_parts import PASSWORDS_DIFFER, heading, message_label, ok_cancel, password_field
from ui.password_gate import PasswordGate

if TYPE_CHECKING:
    from app.demo import DemoAccount  # the demo's data loads only with --demo
    from app.session import Session
    from app.vault.recovery_key import RecoveryKey

FORGOTTEN = (
    "Ask a manager: on the Staff screen they can reset your password and give you a one-time "
    "password to sign in with, after which you choose a new one.\n\n"
    "If you are the manager and nobody else can sign in, the recovery key on the Recovery Sheet "
    "(kept locked away at setup) opens the vault and lets you choose a new password."
)


class SignInPage(QWidget):
    signed_in = Signal(object)  # Session
    recovered = Signal(object, object)  # Session, new RecoveryKey
    restore_requested = Signal()

    def __init__(
        self,
        vault: Vault,
        provider_name: str = "",
        demo_accounts: tuple[DemoAccount, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInPage")
        self._vault = vault
        self.gate = PasswordGate(self)
        self.gate.succeeded.connect(self._succeeded)
        self.gate.refused.connect(self._refused)
        self.gate.countdown.connect(self._countdown)
        self.gate.busy_changed.connect(lambda _busy: self._update_button())

        self.username = QLineEdit()
        self.username.setObjectName("usernameEdit")
        self.username.setAccessibleName("Username")
        self.username.setMaxLength(200)
        self.password = password_field("passwordEdit", "Password")
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        # Made before anyone signs in, so they leave the Qt namespace alone (ui.main_window).
        self.message = message_label("signInMessage", can_select=False)
        self.countdown_label = message_label("countdownLabel", can_select=False)
        forgotten = QPushButton("Forgotten password?")
        forgotten.setObjectName("forgottenButton")
        forgotten.setFlat(True)
        forgotten.clicked.connect(self.explain_forgotten)
        restore = QPushButton("Restore from a backup…")
        restore.setObjectName("restoreBackupButton")
        restore.setFlat(True)
        restore.clicked.connect(self.restore_requested.emit)

        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(forgotten)
        buttons.addWidget(restore)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_in_button)

        box = QWidget()
        box.setMaximumWidth(560)
        inner = QVBoxLayout(box)
        inner.addWidget(heading("Sign in to Sharewise"))
        if provider_name:
            inner.addWidget(QLabel(provider_name))
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addWidget(self.countdown_label)
        inner.addLayout(buttons)
        if demo_accounts:
            inner.addWidget(self._demo_table(demo_accounts))

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.setFocusProxy(self.username)

    def _demo_table(self, accounts: tuple[DemoAccount, ...]) -> QWidget:
        """Demo mode only: the fictional accounts and their passwords, double-click to fill in."""
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.addWidget(QLabel("Demo accounts (fictional). Double-click one to fill in the form:"))
        table = QTableWidget(len(accounts), 3)
        table.setObjectName("demoAccounts")
        table.setAccessibleName("Demo accounts")
        table.setHorizontalHeaderLabels(["Username", "Role", "Password"])
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for row, account in enumerate(accounts):
            roles = ", ".join(sorted(r.label for r in account.roles))
            for column, text in enumerate((account.username, roles, account.password)):
                table.setItem(row, column, QTableWidgetItem(text))
        table.verticalHeader().hide()
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        rows_height = sum(table.rowHeight(r) for r in range(len(accounts)))
        table.setMinimumHeight(rows_height + table.horizontalHeader().height() + 2 * table.frameWidth())

        def fill(row: int, _column: int) -> None:
            self.username.setText(accounts[row].username)
            self.password.setText(accounts[row].password)
            self.password.setFocus()

        table.cellDoubleClicked.connect(fill)
        layout.addWidget(table)
        return holder

    def _update_button(self) -> None:
        self.sign_in_button.setEnabled(not self.gate.busy and not self.gate.waiting)

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.message.setText("Type your username and password.")
            (self.username if not username else self.password).setFocus()
            return
        self.message.setText("")
        self.password.clear()  # never kept in the form after an attempt
        self.gate.attempt(lambda: signed_in_with_modules(self._vault.sign_in(username, password)))

    def _succeeded(self, session: Session) -> None:
        self.message.setText("")
        self.username.clear()
        self.signed_in.emit(session)

    def _refused(self, sentence: str) -> None:
        self.message.setText(sentence)
        self.password.setFocus()

    def _countdown(self, text: str) -> None:
        self.countdown_label.setText(text)
        self._update_button()

    def explain_forgotten(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("forgottenDialog")
        box.setWindowTitle("Forgotten password")
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(FORGOTTEN)
        use_key = box.addButton("Use the recovery key…", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        use_key.clicked.connect(self.open_recovery)
        box.open()

    def open_recovery(self) -> None:
        dialog = RecoveryDialog(self._vault, self)
        dialog.recovered.connect(self.recovered.emit)
        dialog.open()

    def forget(self) -> None:
        self.username.clear()
        self.password.clear()
        self.message.clear()


def signed_in_with_modules(session: Session) -> Session:
    """On the sign-in worker thread, after the password was accepted: import what the workspace
    needs, so the UI thread does not wait for it (start-up imports only the sign-in page)."""
    from ui.shell import load_signed_in_modules

    load_signed_in_modules()
    return session


class RecoveryDialog(QDialog):
    """Open the vault with the recovery key, as a manager, and choose a new password."""

    recovered = Signal(object, object)  # Session, new RecoveryKey

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setWindowTitle("Open with the recovery key")
        self._vault = vault
        self.key = QLineEdit()
        self.key.setObjectName("recoveryKeyEdit")
        self.key.setAccessibleName("Recovery key")
        self.key.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.key.setMaxLength(120)
        self.username = QLineEdit()
        self.username.setObjectName("recoveryUsernameEdit")
        self.username.setAccessibleName("Manager's username")
        self.new_password = password_field("recoveryNewPassword", "New password")
        self.repeat = password_field("recoveryRepeatPassword", "New password again")
        self.message = message_label("recoveryMessage")
        intro = QLabel(
            "Type the recovery key from the Recovery Sheet, a manager's username, and a new "
            "password for that manager. Afterwards Sharewise gives you a new recovery key, "
            "because this one will have been used: print the new sheet and lock it away."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Recovery &key", self.key)
        form.addRow("Manager's &username", self.username)
        form.addRow("&New password", self.new_password)
        form.addRow("New password &again", self.repeat)
        self.buttons = ok_cancel(self, "Open the vault", self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        if self.new_password.text() != self.repeat.text():
            self.message.setText(PASSWORDS_DIFFER)
            self.repeat.clear()
            self.new_password.setFocus()
            return
        from ui import operations

        key, username, password = self.key.text(), self.username.text().strip(), self.new_password.text()
        self.buttons.setEnabled(False)
        operations.run(
            self,
            lambda _p: self._vault.recover(key, username, password),
            label="Opening the vault with the recovery key…",
            on_success=self._done,
            on_failure=self._failed,
            on_done=lambda: self.buttons.setEnabled(True),
        )

    def _done(self, result: tuple[Session, RecoveryKey]) -> None:
        self.new_password.clear()
        self.repeat.clear()
        self.key.clear()
        self.accept()
        self.recovered.emit(*result)

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, RecoveryKeyInvalid | ValidationError):
            self.message.setText(error.sentence)
            return True
        return False
