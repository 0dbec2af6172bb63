"""Settings (manager only): the setting's details, the auto-lock time, and what protects the vault.

The details form keeps a draft at lock, like every form. Loading is asynchronous, so a draft
restored while the values are still on their way is applied again once they land: what the
manager typed always wins over what was stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.clock import from_text
from app.drafts import Draft, DraftForm
from app.errors import ValidationError, WrongPassword
from app.security import SecurityStatus
from app.session import Session
from app.settings import (
    AUTO_LOCK_MINUTES,
    PROVIDER_ADDRESS,
    PROVIDER_DSL_NAME,
    PROVIDER_NAME,
    PROVIDER_PHONE,
    PROVIDER_URN,
    Setting,
)
from app.vault.recovery_key import RecoveryKey
from ui import operations
from ui.areas import Area
from ui.drafts import KeepsDraft
from ui.form_parts import heading, message_label, ok_cancel, password_field
from ui.recovery_sheet import show_recovery_sheet

PROVIDER_FORM = "settings.provider"
PROVIDER_FORM_TITLE = "The setting's details"
MINUTES = "auto_lock_minutes"
# Draft field name -> the setting it edits. Draft field names stay stable across versions.
FIELDS: Mapping[str, Setting[Any]] = {
    "name": PROVIDER_NAME,
    "ofsted_urn": PROVIDER_URN,
    "address": PROVIDER_ADDRESS,
    "dsl_name": PROVIDER_DSL_NAME,
    "phone": PROVIDER_PHONE,
    MINUTES: AUTO_LOCK_MINUTES,
}
INVALID_STYLE = "border: 2px solid #b3261e;"


def read_values(session: Session) -> dict[str, str]:
    """The stored settings as the form's field values (runs on a worker thread)."""
    return {name: str(session.settings.get(setting)) for name, setting in FIELDS.items()}


def local_date(stored: str) -> str:
    return from_text(stored).astimezone().strftime("%d %B %Y")


def failed_sentence(count: int) -> str:
    if count == 0:
        return "No failed sign-ins in the last 30 days."
    return f"{count} failed sign-in{'s' if count != 1 else ''} in the last 30 days."


class ProviderForm(QGroupBox, KeepsDraft):
    """The setting's name, URN, address, DSL, phone and the auto-lock minutes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("The setting", parent)
        self.setObjectName("providerForm")
        self._loaded: dict[str, str] | None = None
        self.name = self._line("providerNameEdit", "The setting's name", 200)
        self.ofsted_urn = self._line("ofstedUrnEdit", "Ofsted URN", 12)
        self.address = QPlainTextEdit()
        self.address.setObjectName("addressEdit")
        self.address.setAccessibleName("Address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.address.fontMetrics().lineSpacing() * 5)
        self.dsl_name = self._line("dslNameEdit", "Designated safeguarding lead", 200)
        self.phone = self._line("phoneEdit", "Phone number", 24)
        self.minutes = QSpinBox()
        self.minutes.setObjectName("autoLockMinutesSpin")
        self.minutes.setAccessibleName("Lock the screen after this many minutes without use")
        self.minutes.setRange(1, 15)
        self.minutes.setSuffix(" minutes")
        self.minutes.setValue(AUTO_LOCK_MINUTES.default)
        self.widgets: dict[str, QWidget] = {
            "name": self.name,
            "ofsted_urn": self.ofsted_urn,
            "address": self.address,
            "dsl_name": self.dsl_name,
            "phone": self.phone,
            MINUTES: self.minutes,
        }
        form = QFormLayout(self)
        form.addRow("&Name", self.name)
        form.addRow("Ofsted &URN", self.ofsted_urn)
        form.addRow("A&ddress", self.address)
        form.addRow("Designated safeguarding &lead", self.dsl_name)
        form.addRow("&Phone", self.phone)
        form.addRow("Lock the screen &after", self.minutes)

    @staticmethod
    def _line(name: str, accessible: str, limit: int) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setAccessibleName(accessible)
        field.setMaxLength(limit)
        return field

    def values(self) -> dict[str, str]:
        return {
            "name": self.name.text(),
            "ofsted_urn": self.ofsted_urn.text(),
            "address": self.address.toPlainText(),
            "dsl_name": self.dsl_name.text(),
            "phone": self.phone.text(),
            MINUTES: str(self.minutes.value()),
        }

    def fill(self, fields: Mapping[str, str]) -> None:
        """Set the fields named in ``fields``; others are left as they are."""
        for name, line in (
            ("name", self.name),
            ("ofsted_urn", self.ofsted_urn),
            ("dsl_name", self.dsl_name),
            ("phone", self.phone),
        ):
            if name in fields:
                line.setText(fields[name])
        if "address" in fields:
            self.address.setPlainText(fields["address"])
        if MINUTES in fields:
            try:
                self.minutes.setValue(int(fields[MINUTES]))
            except ValueError:
                pass  # a damaged draft value: keep what the field shows

    def edits(self) -> dict[str, str]:
        """The fields that differ from what was loaded (all non-empty ones before any load)."""
        baseline = self._loaded
        if baseline is None:
            baseline = {name: "" for name in FIELDS} | {MINUTES: str(AUTO_LOCK_MINUTES.default)}
        return {name: value for name, value in self.values().items() if value != baseline.get(name)}

    def loaded(self, values: Mapping[str, str], *, keep: Mapping[str, str] | None = None) -> None:
        """Show stored values, then put back ``keep`` (edits or a draft) on top of them."""
        self._loaded = dict(values)
        self.fill(values)
        if keep:
            self.fill(keep)

    def highlight(self, field: str | None) -> None:
        """Mark the field holding ``field`` (a setting key), or clear every mark with None."""
        for name, widget in self.widgets.items():
            bad = field is not None and FIELDS[name].key == field
            widget.setStyleSheet(INVALID_STYLE if bad else "")
            widget.setAccessibleDescription("This value was refused; see the message." if bad else "")
            if bad:
                widget.setFocus()

    def draft(self) -> DraftForm | None:
        if not self.edits():
            return None
        return DraftForm(PROVIDER_FORM, PROVIDER_FORM_TITLE, self.values())

    def forget(self) -> None:
        self._loaded = None
        for line in (self.name, self.ofsted_urn, self.dsl_name, self.phone):
            line.clear()
        self.address.clear()
        self.minutes.setValue(AUTO_LOCK_MINUTES.default)
        self.highlight(None)


class ReissueKeyDialog(QDialog):
    """Asks the manager's password again before a new recovery key replaces the old one."""

    def __init__(
        self, session: Session, on_issued: Callable[[RecoveryKey], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reissueKeyDialog")
        self.setWindowTitle("Re-issue the recovery key")
        self._session = session
        self._on_issued = on_issued
        text = QLabel(
            "A new recovery key replaces the current one, which stops working at once. Print the "
            "new Recovery Sheet and lock it away; destroy the old one. Type your password to go on."
        )
        text.setWordWrap(True)
        self.password = password_field("reissuePasswordEdit", "Your password")
        self.message = message_label("reissueMessage")
        form = QFormLayout()
        form.addRow("Your &password", self.password)
        self.buttons = ok_cancel(self, "Re-issue", self.submit)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("reissueConfirmButton")
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.password.setFocus()

    def submit(self) -> None:
        password = self.password.text()
        self.password.clear()
        if not password:
            self.message.setText("Type your password to re-issue the recovery key.")
            return
        self.message.clear()
        self.buttons.setEnabled(False)
        operations.run(
            self,
            lambda _p: self._session.security.reissue_recovery_key(password),
            label="Making a new recovery key…",
            on_success=self._issued,
            on_failure=self._failed,
            on_done=lambda: self.buttons.setEnabled(True),
        )

    def _issued(self, key: RecoveryKey) -> None:
        self.accept()
        self._on_issued(key)

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, WrongPassword):
            self.message.setText(error.sentence)
            self.password.setFocus()
            return True
        return False


class SettingsArea(Area):
    title = "Settings"
    auto_lock_changed = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._loading = 0
        self._pending_draft: dict[str, str] | None = None
        self._reissue_dialog: ReissueKeyDialog | None = None
        self.form = ProviderForm()
        self.message = message_label("settingsMessage")
        self.save = QPushButton("&Save changes")
        self.save.setObjectName("saveSettingsButton")
        self.save.clicked.connect(self.save_changes)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save)
        save_row.addWidget(self.message, 1)

        security = QGroupBox("Security")
        security.setObjectName("securityGroup")
        self.encryption = self._fact("encryptionLabel", "Encryption")
        self.binding = self._fact("bindingLabel", "Binding to this computer")
        self.recovery_issued = self._fact("recoveryKeyIssuedLabel", "Recovery key")
        self.failed_sign_ins = self._fact("failedSignInsLabel", "Failed sign-ins")
        self.reissue = QPushButton("&Re-issue recovery key…")
        self.reissue.setObjectName("reissueRecoveryKeyButton")
        self.reissue.clicked.connect(lambda: self.open_reissue_dialog())
        reissue_row = QHBoxLayout()
        reissue_row.addWidget(self.reissue)
        reissue_row.addStretch(1)
        security_layout = QVBoxLayout(security)
        for label in (self.encryption, self.binding, self.recovery_issued, self.failed_sign_ins):
            security_layout.addWidget(label)
        security_layout.addLayout(reissue_row)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Settings"))
        layout.addWidget(self.form)
        layout.addLayout(save_row)
        layout.addWidget(security)
        layout.addStretch(1)
        self.setFocusProxy(self.form.name)

    @staticmethod
    def _fact(name: str, accessible: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # --- loading --------------------------------------------------------------------------

    def opened(self) -> None:
        self.load_values()
        self.load_status()

    def load_values(self) -> None:
        self._loading += 1
        self.save.setEnabled(False)
        operations.run(
            self,
            lambda _p: read_values(self.session),
            label="Loading the settings…",
            on_success=self._values_loaded,
            on_done=self._load_done,
        )

    def _values_loaded(self, values: dict[str, str]) -> None:
        # Keep what the manager has typed since the last load, and a draft restored meanwhile.
        keep = self.form.edits()
        if self._pending_draft is not None:
            keep = keep | self._pending_draft
            self._pending_draft = None
        self.form.loaded(values, keep=keep)

    def _load_done(self) -> None:
        self._loading = max(0, self._loading - 1)
        if self._loading == 0:
            self.save.setEnabled(True)
            self._pending_draft = None  # a failed load: the fields already show the draft

    def load_status(self) -> None:
        operations.run(
            self,
            lambda _p: self.session.security.status(),
            label="Checking the vault's protection…",
            on_success=self.show_status,
        )

    def show_status(self, status: SecurityStatus) -> None:
        self.encryption.setText(status.encryption_sentence)
        self.binding.setText(status.binding.sentence)
        self.recovery_issued.setText(
            f"Recovery key issued on {local_date(status.recovery_key_issued_at)}."
            if status.recovery_key_issued_at
            else "No recovery key has been issued yet."
        )
        self.failed_sign_ins.setText(failed_sentence(status.failed_sign_ins_last_30_days))

    # --- saving ---------------------------------------------------------------------------

    def save_changes(self) -> None:
        values = self.form.values()
        minutes = self.form.minutes.value()
        changes: dict[Setting[Any], object] = {
            FIELDS[name]: value for name, value in values.items() if name != MINUTES
        }
        changes[AUTO_LOCK_MINUTES] = minutes
        self.form.highlight(None)
        self.message.clear()
        self.save.setEnabled(False)

        def work(_progress: operations.Progress) -> dict[str, str]:
            self.session.settings.update(changes)
            return read_values(self.session)

        operations.run(
            self,
            work,
            label="Saving the settings…",
            on_success=self._saved,
            on_failure=self._save_failed,
            on_done=lambda: self.save.setEnabled(self._loading == 0),
        )

    def _saved(self, values: dict[str, str]) -> None:
        self.form.loaded(values)
        self.message.setText("Saved.")
        self.auto_lock_changed.emit(int(values[MINUTES]))

    def _save_failed(self, error: BaseException) -> bool:
        if isinstance(error, ValidationError):
            self.message.setText(error.sentence)
            self.form.highlight(error.field)
            return True
        return False

    # --- the recovery key -----------------------------------------------------------------

    def open_reissue_dialog(self) -> ReissueKeyDialog:
        dialog = ReissueKeyDialog(self.session, self._reissued, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "_reissue_dialog", None))
        self._reissue_dialog = dialog
        dialog.open()
        return dialog

    def _reissued(self, key: RecoveryKey) -> None:
        show_recovery_sheet(self, self.session, key)
        self.load_status()

    # --- drafts and forgetting ------------------------------------------------------------

    def restore_draft(self, draft: Draft) -> bool:
        if draft.form != PROVIDER_FORM:
            return False
        fields = {name: value for name, value in draft.fields.items() if name in FIELDS}
        self.form.fill(fields)
        if self._loading:
            self._pending_draft = fields  # the load on its way must not overwrite the draft
        return True

    def forget(self) -> None:
        self._pending_draft = None
        self._loading = 0  # a lock abandons the loads on their way; they never report back
        self.save.setEnabled(True)
        if self._reissue_dialog is not None:
            self._reissue_dialog.password.clear()
            self._reissue_dialog.close()
        self.form.forget()
        self.message.clear()
        for label in (self.encryption, self.binding, self.recovery_issued, self.failed_sign_ins):
            label.clear()
