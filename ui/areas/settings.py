"""Settings (manager only): the setting's details, the auto-lock time, what goes on the printed
forms for parents (email address, logo, how long records are kept, the kinds of consent), and what
protects the vault.

The details form, the retention periods and the kind-of-consent dialog keep a draft at lock, like
every form. Loading is asynchronous, so a draft restored while the values are still on their way is
applied again once they land: what the manager typed always wins over what was stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.clock import from_text
from app.drafts import Draft, DraftForm
from app.errors import ValidationError, WrongPassword
from app.forms import MAX_LOGO_BYTES
from app.policy.retention import DEFAULT_RULES, MAX_MONTHS, MIN_MONTHS, RecordKind, RetentionRule
from app.security import SecurityStatus
from app.session import Session
from app.settings import (
    AUTO_LOCK_MINUTES,
    PROVIDER_ADDRESS,
    PROVIDER_DSL_NAME,
    PROVIDER_EMAIL,
    PROVIDER_NAME,
    PROVIDER_PHONE,
    PROVIDER_URN,
    RETENTION,
    Setting,
)
from app.vault.recovery_key import RecoveryKey
from ui import operations
from ui.areas import Area
from ui.backups import BackupsBox
from ui.consent_kinds import KIND_FORM, ConsentKindsBox
from ui.drafts import KeepsDraft
from ui.form_parts import (
    confirm,
    fact_label,
    heading,
    inline_message,
    message_label,
    ok_cancel,
    password_field,
)
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
    "email": PROVIDER_EMAIL,
}
INVALID_STYLE = "border: 2px solid #b3261e;"
RETENTION_FORM = "settings.retention"
RETENTION_FORM_TITLE = "How long records are kept"
LOGO_HEIGHT = 72  # pixels on screen; the forms print it about 3 cm high
LOGO_WIDTH = 240
NO_LOGO = "No logo: forms are printed with the setting's name only."
UNREADABLE_FILE = "That file could not be opened. Check it is still there, then choose it again."


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
    """The setting's name, URN, address, DSL, phone, email and the auto-lock minutes."""

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
        self.email = self._line("emailEdit", "Email address", 254)
        self.email.setPlaceholderText("Printed on the forms for parents, e.g. office@example.org.uk")
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
            "email": self.email,
        }
        form = QFormLayout(self)
        form.addRow("&Name", self.name)
        form.addRow("Ofsted &URN", self.ofsted_urn)
        form.addRow("A&ddress", self.address)
        form.addRow("Designated safeguarding &lead", self.dsl_name)
        form.addRow("&Phone", self.phone)
        form.addRow("E&mail address", self.email)
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
            "email": self.email.text(),
        }

    def fill(self, fields: Mapping[str, str]) -> None:
        """Set the fields named in ``fields``; others are left as they are."""
        for name, line in (
            ("name", self.name),
            ("ofsted_urn", self.ofsted_urn),
            ("dsl_name", self.dsl_name),
            ("phone", self.phone),
            ("email", self.email),
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
        for line in (self.name, self.ofsted_urn, self.dsl_name, self.phone, self.email):
            line.clear()
        self.address.clear()
        self.minutes.setValue(AUTO_LOCK_MINUTES.default)
        self.highlight(None)


def logo_image(data: bytes | None) -> QImage | None:
    """The logo scaled for the preview (runs on a worker thread: QImage may, QPixmap may not)."""
    if data is None:
        return None
    image = QImage.fromData(data)
    if image.isNull():
        return None
    return image.scaled(
        QSize(LOGO_WIDTH, LOGO_HEIGHT),
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def read_logo(session: Session) -> QImage | None:
    logo = session.forms.branding().logo
    return logo_image(None if logo is None else logo.data)


class LogoBox(QGroupBox):
    """The logo printed at the top of the forms for parents: shown small, chosen, or removed."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Logo for printed forms", parent)
        self.setObjectName("logoBox")
        self._session = session
        self._confirm: QMessageBox | None = None
        self.has_logo = False
        explain = QLabel(
            "A PNG or JPEG picture, printed about 3 cm high at the top of the forms for parents."
        )
        explain.setWordWrap(True)
        self.preview = QLabel(NO_LOGO)
        self.preview.setObjectName("logoPreview")
        self.preview.setAccessibleName("The logo printed on forms")
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.preview.setFixedSize(LOGO_WIDTH + 16, LOGO_HEIGHT + 16)
        self.choose_button = QPushButton("&Choose logo…")
        self.choose_button.setObjectName("chooseLogoButton")
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = QPushButton("Remo&ve logo")
        self.remove_button.setObjectName("removeLogoButton")
        self.remove_button.clicked.connect(lambda: self.ask_remove())
        self.remove_button.setEnabled(False)
        self.message = inline_message("logoMessage")
        self.status = message_label("logoStatus")
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.preview)
        row.addLayout(buttons)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(row)
        layout.addWidget(self.message)

    def load(self) -> None:
        session = self._session
        operations.run(
            self, lambda _p: read_logo(session), label="Loading the logo…", on_success=self.show_logo
        )

    def show_logo(self, image: QImage | None) -> None:
        self.has_logo = image is not None
        self.remove_button.setEnabled(self.has_logo)
        if image is None:
            self.preview.clear()
            self.preview.setText(NO_LOGO)
            return
        self.preview.setPixmap(QPixmap.fromImage(image))

    def choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose the logo", "", "Pictures (*.png *.jpg *.jpeg);;All files (*)"
        )
        if path:
            self.use_file(Path(path))

    def use_file(self, path: Path) -> None:
        """Read the picture and keep it in the vault (both off the UI thread)."""
        forms = self._session.forms

        def work(_progress: operations.Progress) -> QImage | None:
            with path.open("rb") as file:
                data = file.read(MAX_LOGO_BYTES + 1)  # enough for the core to say it is too large
            forms.set_logo(data)
            return logo_image(data)

        self._run(work, "Saving the logo…", "Logo saved: the forms printed from now on carry it.")

    def ask_remove(self) -> QMessageBox:
        self._confirm = confirm(
            self,
            "Remove the logo",
            "Take the logo off the printed forms? You can choose it again at any time.",
            "Remove logo",
            self.remove,
        )
        return self._confirm

    def remove(self) -> None:
        forms = self._session.forms

        def work(_progress: operations.Progress) -> QImage | None:
            forms.set_logo(None)
            return None

        self._run(work, "Removing the logo…", "Logo removed.")

    def _run(self, work: Callable[[operations.Progress], QImage | None], label: str, done: str) -> None:
        self.message.clear()
        self.status.clear()
        self.choose_button.setEnabled(False)
        self.remove_button.setEnabled(False)

        def saved(image: QImage | None) -> None:
            self.show_logo(image)
            self.status.setText(done)

        operations.run(
            self,
            work,
            label=label,
            on_success=saved,
            on_failure=self._failed,
            on_done=self._enable,
        )

    def _enable(self) -> None:
        self.choose_button.setEnabled(True)
        self.remove_button.setEnabled(self.has_logo)

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, ValidationError):
            self.message.setText(error.sentence)
            return True
        if isinstance(error, OSError):
            self.message.setText(UNREADABLE_FILE)
            return True
        return False

    def forget(self) -> None:
        if self._confirm is not None:
            self._confirm.close()
            self._confirm = None
        self.show_logo(None)
        self.message.clear()
        self.status.clear()
        self.choose_button.setEnabled(True)


def read_retention(session: Session) -> dict[str, int]:
    """The retention periods as stored, months by record kind (runs on a worker thread)."""
    return {rule.kind.value: rule.months for rule in session.settings.retention_rules()}


DEFAULT_MONTHS = {rule.kind.value: rule.months for rule in DEFAULT_RULES}


def period_words(rule: RetentionRule) -> str:
    return f"Parents read: “{rule.period}”"


class RetentionBox(QGroupBox, KeepsDraft):
    """How long each kind of record is kept, in months, with the words parents will read."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("How long records are kept", parent)
        self.setObjectName("retentionBox")
        self._session = session
        self._loaded: dict[str, int] | None = None
        self._loading = 0
        self._pending: dict[str, int] | None = None
        explain = QLabel(
            "The privacy notice for parents prints these periods, and the annual review will use them to "
            "find records that are due for disposal."
        )
        explain.setWordWrap(True)
        self.spins: dict[str, QSpinBox] = {}
        self.periods: dict[str, QLabel] = {}
        grid = QGridLayout()
        for row, rule in enumerate(DEFAULT_RULES):
            key = rule.kind.value
            label = QLabel(rule.label)
            label.setWordWrap(True)
            spin = QSpinBox()
            spin.setObjectName(f"retention_{key}")
            spin.setAccessibleName(f"{rule.label}: kept for this many months")
            spin.setRange(MIN_MONTHS, MAX_MONTHS)
            spin.setSuffix(" months")
            spin.setValue(rule.months)
            spin.setToolTip(f"The guidance suggests {rule.months} months ({rule.period}).")
            label.setBuddy(spin)
            period = QLabel(period_words(rule))
            period.setObjectName(f"retentionPeriod_{key}")
            period.setWordWrap(True)
            spin.valueChanged.connect(lambda months, r=rule: self._show_period(r, months))
            grid.addWidget(label, row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(period, row, 2)
            self.spins[key] = spin
            self.periods[key] = period
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(2, 2)
        self.save = QPushButton("Save peri&ods")
        self.save.setObjectName("retentionSaveButton")
        self.save.clicked.connect(self.save_changes)
        self.message = inline_message("retentionMessage")
        self.status = message_label("retentionStatus")
        save_row = QHBoxLayout()
        save_row.addWidget(self.save)
        save_row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(grid)
        layout.addLayout(save_row)
        layout.addWidget(self.message)

    def _show_period(self, rule: RetentionRule, months: int) -> None:
        self.periods[rule.kind.value].setText(period_words(RetentionRule(rule.kind, rule.basis, months)))

    def values(self) -> dict[str, int]:
        return {key: spin.value() for key, spin in self.spins.items()}

    def fill(self, months: Mapping[str, int]) -> None:
        for key, value in months.items():
            if key in self.spins:
                self.spins[key].setValue(value)

    def edits(self) -> dict[str, int]:
        baseline = self._loaded if self._loaded is not None else DEFAULT_MONTHS
        return {key: value for key, value in self.values().items() if value != baseline.get(key)}

    # --- loading and saving ---------------------------------------------------------------

    def load(self) -> None:
        session = self._session
        self._loading += 1
        self.save.setEnabled(False)
        operations.run(
            self,
            lambda _p: read_retention(session),
            label="Loading the retention periods…",
            on_success=self._landed,
            on_done=self._load_done,
        )

    def _landed(self, months: dict[str, int]) -> None:
        keep = self.edits()
        if self._pending is not None:
            keep = keep | self._pending
            self._pending = None
        self.loaded(months, keep=keep)

    def loaded(self, months: Mapping[str, int], *, keep: Mapping[str, int] | None = None) -> None:
        self._loaded = dict(months)
        self.fill(months)
        if keep:
            self.fill(keep)

    def _load_done(self) -> None:
        self._loading = max(0, self._loading - 1)
        if self._loading == 0:
            self.save.setEnabled(True)
            self._pending = None

    def save_changes(self) -> None:
        changes: dict[Setting[Any], object] = {
            RETENTION[RecordKind(key)]: value for key, value in self.values().items()
        }
        settings = self._session.settings
        self.highlight(None)
        self.message.clear()
        self.status.clear()
        self.save.setEnabled(False)

        def work(_progress: operations.Progress) -> dict[str, int]:
            settings.update(changes)
            return {rule.kind.value: rule.months for rule in settings.retention_rules()}

        operations.run(
            self,
            work,
            label="Saving the retention periods…",
            on_success=self._saved,
            on_failure=self._failed,
            on_done=lambda: self.save.setEnabled(self._loading == 0),
        )

    def _saved(self, months: dict[str, int]) -> None:
        self.loaded(months)
        self.status.setText("Saved.")

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, ValidationError):
            self.message.setText(error.sentence)
            self.highlight(error.field)
            return True
        return False

    def highlight(self, field: str | None) -> None:
        for key, spin in self.spins.items():
            bad = field is not None and RETENTION[RecordKind(key)].key == field
            spin.setStyleSheet(INVALID_STYLE if bad else "")
            if bad:
                spin.setFocus()

    # --- drafts and forgetting ------------------------------------------------------------

    def draft(self) -> DraftForm | None:
        if not self.edits():
            return None
        return DraftForm(RETENTION_FORM, RETENTION_FORM_TITLE, {k: str(v) for k, v in self.values().items()})

    def restore_draft(self, draft: Draft) -> bool:
        if draft.form != RETENTION_FORM:
            return False
        months: dict[str, int] = {}
        for key, value in draft.fields.items():
            if key in self.spins:
                try:
                    months[key] = int(value)
                except ValueError:
                    continue  # a damaged draft value: keep what the field shows
        self.fill(months)
        if self._loading:
            self._pending = months  # the load on its way must not overwrite the draft
        return True

    def forget(self) -> None:
        self._loaded = None
        self._pending = None
        self._loading = 0
        self.fill(DEFAULT_MONTHS)
        self.highlight(None)
        self.message.clear()
        self.status.clear()
        self.save.setEnabled(True)


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
        self.encryption = fact_label("encryptionLabel", "Encryption")
        self.binding = fact_label("bindingLabel", "Binding to this computer")
        self.recovery_issued = fact_label("recoveryKeyIssuedLabel", "Recovery key")
        self.failed_sign_ins = fact_label("failedSignInsLabel", "Failed sign-ins")
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

        self.logo = LogoBox(session)
        self.retention = RetentionBox(session)
        self.kinds = ConsentKindsBox(session)
        self.backups = BackupsBox(session)
        body = QWidget()
        body.setObjectName("settingsBody")
        inner = QVBoxLayout(body)
        inner.addWidget(self.form)
        inner.addLayout(save_row)
        inner.addWidget(self.logo)
        inner.addWidget(self.retention)
        inner.addWidget(self.kinds)
        inner.addWidget(security)
        inner.addWidget(self.backups)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("settingsScroll")
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Settings"))
        layout.addWidget(scroll, 1)
        self.setFocusProxy(self.form.name)

    # --- loading --------------------------------------------------------------------------

    def opened(self) -> None:
        self.load_values()
        self.load_status()
        self.logo.load()
        self.retention.load()
        self.kinds.load()
        self.backups.load()

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
        if draft.form == RETENTION_FORM:
            return self.retention.restore_draft(draft)
        if draft.form == KIND_FORM:
            return self.kinds.restore_draft(draft)
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
        self.logo.forget()
        self.retention.forget()
        self.kinds.forget()
        self.backups.forget()
        self.message.clear()
        for label in (self.encryption, self.binding, self.recovery_issued, self.failed_sign_ins):
            label.clear()
