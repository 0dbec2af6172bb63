"""First-run setup from an empty folder to a working vault, through the real wizard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from app.clock import ManualClock
from app.data_folder import vault_folder
from app.vault.device import DeviceKeyring
from app.vault.vault import NewVault, Vault
from tests.conftest import MemoryKeyring
from tests.ui.conftest import top_level, wait_idle
from ui.pdf_preview import PdfPreviewDialog
from ui.setup_wizard import SetupWizard

PASSWORD = "velvet otter lighthouse"


def fill_to_manager_page(wizard: SetupWizard, folder: Path) -> None:
    wizard.provider_page.name.setText("Łucja's Little Acorns")
    wizard.provider_page.urn.setText("EY123456")
    wizard.next()
    wizard.folder_page.folder.setText(str(folder))
    wizard.next()
    wizard.manager_page.full_name.setText("Siobhán Ní Bhriain")
    wizard.manager_page.username.setText("siobhan")


def test_the_wizard_makes_a_working_vault(tmp_path: Path, qtbot: QtBot) -> None:
    default, chosen = tmp_path / "default", tmp_path / "elsewhere" / "records"
    keyring = DeviceKeyring(MemoryKeyring())
    wizard = SetupWizard(default, clock=ManualClock(), keyring=keyring)
    qtbot.addWidget(wizard)
    wizard.show()
    finished: list[NewVault] = []
    wizard.finished_setup.connect(finished.append)

    wizard.provider_page.urn.setText("12")  # bad URN, and no name
    wizard.next()
    assert wizard.currentPage() is wizard.provider_page
    assert wizard.provider_page.message.text()
    fill_to_manager_page(wizard, chosen)
    assert wizard.currentPage() is wizard.manager_page

    for weak, why in (("short", "12 characters"), ("password1234", "lists attackers try first")):
        wizard.manager_page.password.setText(weak)
        wizard.manager_page.repeat.setText(weak)
        wizard.next()
        assert wizard.currentPage() is wizard.manager_page
        assert why in wizard.manager_page.message.text()
    wizard.manager_page.password.setText(PASSWORD)
    wizard.manager_page.repeat.setText(PASSWORD + " ")
    wizard.next()
    assert "different" in wizard.manager_page.message.text()
    wizard.manager_page.repeat.setText(PASSWORD)
    wizard.next()
    assert wizard.currentPage() is wizard.create_page
    qtbot.waitUntil(wizard.create_page.isComplete, timeout=20_000)
    assert wizard.create_page.progress.value() == 100
    assert "bound to this computer" in wizard.create_page.binding.text()
    assert wizard.manager_page.password.text() == ""  # not kept once used
    wizard.next()
    assert wizard.currentPage() is wizard.sheet_page
    assert (
        not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
        or not wizard.button(QWizard.WizardButton.BackButton).isVisible()
    )
    assert not wizard.sheet_page.isComplete()
    wizard.sheet_page.show_button.click()
    qtbot.waitUntil(lambda: top_level("pdfPreviewDialog") is not None, timeout=10_000)
    preview = top_level("pdfPreviewDialog")
    assert isinstance(preview, PdfPreviewDialog) and preview.page_count == 1
    assert wizard.sheet_page.isComplete()
    preview.close()
    wizard.next()
    assert wizard.currentPage() is wizard.confirm_page
    group = wizard.confirm_page.group
    key = wizard.created.recovery_key
    wizard.confirm_page.answer.setText("ZZZZZ")
    wizard.next()
    assert f"not group {group}" in wizard.confirm_page.message.text()
    wizard.confirm_page.answer.setText(key.groups()[group - 1].lower())
    wizard.next()  # the last page: Finish
    wizard.accept()
    assert len(finished) == 1
    created = finished[0]
    assert created.session.me.full_name == "Siobhán Ní Bhriain"
    assert created.session.settings.provider().name == "Łucja's Little Acorns"
    assert (chosen / "sharewise.db").exists()
    assert vault_folder(default) == chosen.resolve()  # the next start finds the chosen folder
    assert not (chosen / "sharewise.db").read_bytes().startswith(b"SQLite format 3")
    created.session.close()
    created.vault.close()
    again = Vault.open(chosen, keyring=keyring)
    try:
        assert again.sign_in("siobhan", PASSWORD).me.username == "siobhan"
    finally:
        again.close()


def test_a_folder_that_already_holds_a_vault_is_refused(tmp_path: Path, qtbot: QtBot, made_vault) -> None:  # type: ignore[no-untyped-def]
    wizard = SetupWizard(tmp_path / "default", clock=ManualClock())
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.provider_page.name.setText("Sunflower")
    wizard.next()
    wizard.folder_page.folder.setText(str(made_vault.folder))
    wizard.next()
    assert wizard.currentPage() is wizard.folder_page
    assert "already a Sharewise vault" in wizard.folder_page.message.text()
    wizard.folder_page.folder.setText("relative/folder")
    wizard.next()
    assert "full folder path" in wizard.folder_page.message.text()
    wait_idle(qtbot)
    assert QApplication.activeModalWidget() is None
