"""First-run setup: the setting, where the data lives, the first manager, the key derivation
calibrated on this PC, device binding in plain words, and the Recovery Sheet, of which the
manager types one group back so we know it was really kept.

Nothing is written until the "Create the vault" page; from then on Back is disabled (the vault
exists), and cancelling leaves a working vault and says how to get a new Recovery Sheet.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app import settings, staff
from app.clock import Clock
from app.data_folder import remember_vault_folder
from app.errors import SharewiseError, ValidationError
from app.policy.passwords import check_new_password
from app.policy.permissions import Role
from app.settings import ProviderProfile
from app.staff import NewStaff
from app.vault import kdf
from app.vault.device import DeviceKeyring
from app.vault.vault import NewVault, Vault
from ui import operations
from ui.account import RULE
from ui.form_parts import PASSWORDS_DIFFER, message_label, password_field
from ui.recovery_sheet import show_recovery_sheet

CALIBRATION_SHARE = 0.8  # of the progress bar; creating the vault takes the rest


def line(name: str, accessible: str, limit: int = 200) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setMaxLength(limit)
    return edit


def explain(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def owning_wizard(page: QWizardPage) -> SetupWizard:
    wizard = page.wizard()
    if not isinstance(wizard, SetupWizard):
        raise TypeError("setup pages belong to the setup wizard")
    return wizard


class ProviderPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your setting")
        self.setSubTitle("These details go on the forms you print. Only the name is needed now.")
        self.name = line("providerNameEdit", "Setting's name")
        self.urn = line("providerUrnEdit", "Ofsted URN", 12)
        self.address = QPlainTextEdit()
        self.address.setObjectName("providerAddressEdit")
        self.address.setAccessibleName("Address")
        self.address.setTabChangesFocus(True)
        self.address.setMaximumHeight(90)
        self.dsl = line("providerDslEdit", "Designated safeguarding lead")
        self.phone = line("providerPhoneEdit", "Phone number", 24)
        self.message = message_label("providerMessage")
        form = QFormLayout(self)
        form.addRow("Setting's &name", self.name)
        form.addRow("Ofsted &URN", self.urn)
        form.addRow("&Address", self.address)
        form.addRow("&Designated safeguarding lead", self.dsl)
        form.addRow("&Phone", self.phone)
        form.addRow(self.message)

    def profile(self) -> ProviderProfile:
        return ProviderProfile(
            name=self.name.text(),
            ofsted_urn=self.urn.text(),
            address=self.address.toPlainText(),
            dsl_name=self.dsl.text(),
            phone=self.phone.text(),
        )

    def validatePage(self) -> bool:
        try:
            settings.clean_all(self.profile().as_settings())
        except ValidationError as error:
            self.message.setText(error.sentence)
            return False
        self.message.clear()
        return True


class FolderPage(QWizardPage):
    def __init__(self, default: Path) -> None:
        super().__init__()
        self.setTitle("Where the records are kept")
        self.setSubTitle(
            "Sharewise keeps everything in one encrypted file in this folder. The usual place is "
            "fine for most settings; choose another only if IT support asked you to."
        )
        self.default = default
        self.folder = line("dataFolderEdit", "Data folder", 1000)
        self.folder.setText(str(default))
        browse = QPushButton("&Choose…")
        browse.setObjectName("chooseFolderButton")
        browse.clicked.connect(self.browse)
        self.message = message_label("folderMessage")
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose the data folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def chosen(self) -> Path:
        return Path(self.folder.text().strip()).expanduser()

    def validatePage(self) -> bool:
        text = self.folder.text().strip()
        if not text:
            self.message.setText("Choose a folder for the records.")
            return False
        folder = self.chosen()
        if not folder.is_absolute():
            self.message.setText("Choose a full folder path, for example with Choose….")
            return False
        if Vault.exists(folder):
            self.message.setText(
                "There is already a Sharewise vault in this folder. Cancel setup and start "
                "Sharewise again to sign in to it, or choose an empty folder."
            )
            return False
        existing = folder
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir() or not os.access(existing, os.W_OK):
            self.message.setText("Sharewise cannot write in that folder. Choose one in your own files.")
            return False
        self.message.clear()
        return True


class ManagerPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The first manager")
        self.setSubTitle("This account can add staff, change settings and see the audit log.")
        self.full_name = line("managerNameEdit", "Full name")
        self.username = line("managerUsernameEdit", "Username", 64)
        self.password = password_field("managerPasswordEdit", "Password")
        self.repeat = password_field("managerRepeatEdit", "Password again")
        self.message = message_label("managerMessage")
        form = QFormLayout(self)
        form.addRow("&Full name", self.full_name)
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)
        form.addRow("Password &again", self.repeat)
        form.addRow(explain(RULE))
        form.addRow(self.message)

    def manager(self) -> NewStaff:
        return NewStaff(self.username.text(), self.full_name.text(), frozenset({Role.MANAGER}))

    def validatePage(self) -> bool:
        provider_page = self.wizard().page(0)
        provider = provider_page.name.text() if isinstance(provider_page, ProviderPage) else ""
        try:
            cleaned = staff.clean_new_staff(self.manager())
            if self.password.text() != self.repeat.text():
                raise ValidationError("password", PASSWORDS_DIFFER)
            check_new_password(
                self.password.text(),
                username=cleaned.username,
                full_name=cleaned.full_name,
                provider_name=provider,
            )
        except ValidationError as error:
            self.message.setText(error.sentence)
            return False
        self.message.clear()
        return True


class CreatePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Creating the encrypted vault")
        self.setSubTitle(
            "Sharewise measures this computer so that each password check takes about half a "
            "second: quick for you, slow for anyone trying to guess."
        )
        self.setCommitPage(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("setupProgress")
        self.progress.setAccessibleName("Setup progress")
        self.progress.setRange(0, 100)
        self.status = message_label("setupStatus")
        self.binding = message_label("bindingStatus")
        self.retry = QPushButton("&Try again")
        self.retry.setObjectName("retryCreateButton")
        self.retry.hide()
        self.retry.clicked.connect(self.start)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.binding)
        layout.addWidget(self.retry)
        layout.addStretch(1)
        self.created: NewVault | None = None
        self._running = False

    def initializePage(self) -> None:
        if self.created is None and not self._running:
            self.start()

    def start(self) -> None:
        wizard = owning_wizard(self)
        profile = wizard.provider_page.profile()
        manager, password = wizard.manager_page.manager(), wizard.manager_page.password.text()
        folder = wizard.folder_page.chosen()
        keyring, clock, default = wizard.keyring, wizard.clock, wizard.folder_page.default
        self._running = True
        self.retry.hide()
        self.status.setText("Measuring this computer…")

        def work(progress: operations.Progress) -> NewVault:
            params = kdf.calibrate(progress=lambda f: progress(f * CALIBRATION_SHARE))
            progress(CALIBRATION_SHARE)
            created = Vault.create(
                folder,
                provider=profile,
                manager=manager,
                password=password,
                keyring=keyring,
                clock=clock,
                kdf_params=params,
            )
            try:
                remember_vault_folder(folder, default)
            except SharewiseError:
                created.session.close()
                created.vault.close()
                raise
            progress(1.0)
            return created

        operations.run(
            self,
            work,
            label="Creating the vault…",
            on_progress=lambda f: self.progress.setValue(round(f * 100)),
            on_success=self._created,
            on_failure=self._failed,
        )

    def _created(self, created: NewVault) -> None:
        self._running = False
        self.created = created
        wizard = self.wizard()
        if isinstance(wizard, SetupWizard):
            wizard.manager_page.password.clear()
            wizard.manager_page.repeat.clear()
        self.progress.setValue(100)
        self.status.setText("The vault is ready.")
        binding = created.session.security.binding_status()
        self.binding.setText(binding.sentence)
        self.completeChanged.emit()

    def _failed(self, error: BaseException) -> bool:
        self._running = False
        self.status.setText(f"{getattr(error, 'sentence', 'Setup did not finish.')} Nothing was kept.")
        self.retry.show()
        return isinstance(error, SharewiseError)

    def isComplete(self) -> bool:
        return self.created is not None


class SheetPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your Recovery Sheet")
        self.setSubTitle(
            "The recovery key opens the vault if every manager password is lost or this computer "
            "dies. It is shown only now."
        )
        self.show_button = QPushButton("&Show the Recovery Sheet…")
        self.show_button.setObjectName("showSheetButton")
        self.show_button.clicked.connect(self.show_sheet)
        self.handled = message_label("sheetHandled")
        layout = QVBoxLayout(self)
        layout.addWidget(
            explain(
                "Print the sheet (or save it and print it straight away), then keep it locked "
                "away from this computer: in the setting's safe, or sealed with the committee "
                "chair. Do not photograph or email it."
            )
        )
        layout.addWidget(self.show_button)
        layout.addWidget(self.handled)
        layout.addStretch(1)
        self.seen = False

    def show_sheet(self) -> None:
        created = owning_wizard(self).created
        if created is None:
            return

        def shown(_dialog: QWidget) -> None:
            self.seen = True
            self.completeChanged.emit()

        show_recovery_sheet(
            self,
            created.session,
            created.recovery_key,
            on_shown=shown,
            on_handled=lambda how: self.handled.setText(f"The Recovery Sheet was {how}."),
        )

    def isComplete(self) -> bool:
        return self.seen


class ConfirmPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Check the Recovery Sheet")
        self.group = secrets.randbelow(8) + 1
        self.ask = explain("")
        self.answer = line("confirmGroupEdit", "Recovery key group", 12)
        self.message = message_label("confirmMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(self.ask)
        layout.addWidget(self.answer)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.ask.setText(
            f"Type group {self.group} of the recovery key from the printed sheet (the five "
            f"characters numbered {self.group}). This makes sure the sheet you keep is readable."
        )

    def validatePage(self) -> bool:
        created = owning_wizard(self).created
        if created is None:
            return False
        expected = created.recovery_key.groups()[self.group - 1]
        typed = self.answer.text().strip().upper().replace("O", "0").replace("I", "1").replace("L", "1")
        if typed != expected:
            self.message.setText(
                f"That is not group {self.group}. Look at the sheet again: groups are numbered "
                "1 to 8 from the left."
            )
            return False
        return True


class SetupWizard(QWizard):
    """Emits ``finished_setup(NewVault)``; or ``abandoned_after_creation(Vault)`` when the
    manager cancels after the vault exists (it signs out; they sign in normally)."""

    finished_setup = Signal(object)
    abandoned_after_creation = Signal(object)
    restore_requested = Signal()  # a new computer: set up from a backup instead

    def __init__(self, default_folder: Path, *, clock: Clock, keyring: DeviceKeyring | None = None) -> None:
        super().__init__()
        self.setObjectName("setupWizard")
        self.setWindowTitle("Set up Sharewise")
        self.clock = clock
        self.keyring = keyring
        self.provider_page = ProviderPage()
        self.folder_page = FolderPage(default_folder)
        self.manager_page = ManagerPage()
        self.create_page = CreatePage()
        self.sheet_page = SheetPage()
        self.confirm_page = ConfirmPage()
        for page in (
            self.provider_page,
            self.folder_page,
            self.manager_page,
            self.create_page,
            self.sheet_page,
            self.confirm_page,
        ):
            self.addPage(page)
        # On the first page only: a new computer for a setting that already has records.
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, "Restore from a &backup…")
        self.button(QWizard.WizardButton.CustomButton1).setObjectName("setupRestoreButton")
        self.customButtonClicked.connect(lambda _which: self.restore_requested.emit())
        self.currentIdChanged.connect(
            lambda page_id: self.setOption(QWizard.WizardOption.HaveCustomButton1, page_id == self.startId())
        )
        self.setButtonText(QWizard.WizardButton.CommitButton, "Create the vault")
        self.setButtonText(QWizard.WizardButton.FinishButton, "Start using Sharewise")
        self.setMinimumSize(640, 520)

    @property
    def created(self) -> NewVault | None:
        return self.create_page.created

    def accept(self) -> None:
        created = self.created
        super().accept()
        if created is not None:
            self.finished_setup.emit(created)

    def reject(self) -> None:
        created = self.created
        super().reject()
        if created is not None:
            created.session.close()
            self.abandoned_after_creation.emit(created.vault)
