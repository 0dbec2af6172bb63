"""Restoring a backup through the window: from the sign-in page over a vault, and at first run on a
new computer (the drill, through the setup wizard and the recovery key).

A real vault (cheap KDF, in-memory keyrings, manual clock) and real backup files; the file
picker is replaced (a native dialog cannot be driven offscreen). Fictional people only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
)
from pytestqt.qtbot import QtBot

from app.children import ChildDetails
from app.policy.permissions import Role
from app.restore import PRE_RESTORE
from app.session import Session
from app.vault.device import DeviceKeyring
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, MemoryKeyring, VaultUnderTest
from tests.ui.conftest import find, sign_in_through_window, top_level, wait_idle
from ui import operations
from ui import restore_dialog as restore_ui
from ui.main import Program, parse
from ui.restore_dialog import RestoreDialog
from ui.shell import Shell

KEPT = "Αλέξανδρος Quillfeather"  # in the backup
LATER = "Zoë Ó Briain-Sandpiper"  # added after it
KW_USERNAME, KW_PASSWORD = "lucja.kw", "willow copper meadow"


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


def add_child(session: Session, name: str) -> None:
    session.children.add(
        ChildDetails(legal_name=name, date_of_birth="2023-03-01", start_date="2025-09-01", room="Acorns")
    )


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name not in ("sharewise.lock", "sharewise.signin")
    }


@pytest.fixture
def backup(made_vault: VaultUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A backup holding KEPT (and a key worker), then LATER added; the picker returns it."""
    made_vault.add_person(KW_USERNAME, "Łucja Keyworker", {Role.KEY_WORKER}, KW_PASSWORD)
    add_child(made_vault.session, KEPT)
    usb = tmp_path / "usb"
    usb.mkdir()
    path = made_vault.session.backups.make(usb).path
    made_vault.clock.advance(3600)
    add_child(made_vault.session, LATER)
    monkeypatch.setattr(restore_ui, "pick_backup_file", lambda _parent: path)
    return path


def open_dialog(qtbot: QtBot, shell: Shell) -> RestoreDialog:
    find(shell.window, QPushButton, "restoreBackupButton").click()
    dialog = top_level("restoreDialog")
    assert isinstance(dialog, RestoreDialog)
    return dialog


def check_with_password(qtbot: QtBot, dialog: RestoreDialog, username: str, password: str) -> None:
    find(dialog, QPushButton, "restoreChooseButton").click()
    find(dialog, QRadioButton, "restoreWithPassword").setChecked(True)
    find(dialog, QLineEdit, "restoreUsernameEdit").setText(username)
    find(dialog, QLineEdit, "restorePasswordEdit").setText(password)
    find(dialog, QPushButton, "restoreCheckButton").click()
    wait_idle(qtbot)


def test_restore_from_the_sign_in_page_brings_back_the_backup_and_keeps_the_replaced_records(
    backup: Path, shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    dialog = open_dialog(qtbot, shell)
    restore_button = find(dialog, QPushButton, "restoreButton")
    assert not restore_button.isEnabled()  # nothing checked yet
    check_with_password(qtbot, dialog, MANAGER_USERNAME, MANAGER_PASSWORD)

    shown = find(dialog, QLabel, "restoreContents").text()
    assert "1 child," in shown and "2 staff accounts" in shown and "audit log verifies" in shown
    assert "replaces every record" in shown and str(made_vault.folder / PRE_RESTORE) in shown
    assert KEPT not in shown  # counts, never names
    assert not restore_button.isEnabled()  # not until the manager ticks that they understand
    find(dialog, QCheckBox, "restoreUnderstood").setChecked(True)
    assert restore_button.isEnabled()
    restore_button.click()
    wait_idle(qtbot)

    assert not dialog.isVisible()
    assert find(dialog, QLineEdit, "restorePasswordEdit").text() == ""  # no password left behind
    told = top_level("restoredDialog")
    assert told is not None and "is restored" in told.text()  # type: ignore[attr-defined]
    told.close()
    kept = list((made_vault.folder / PRE_RESTORE).glob("*.swbackup"))
    assert len(kept) == 1
    session = sign_in_through_window(qtbot, shell)
    assert {c.legal_name for c in session.children.find()} == {KEPT}


def test_a_wrong_password_says_so_and_changes_nothing(
    backup: Path, shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    before = snapshot(made_vault.folder)
    dialog = open_dialog(qtbot, shell)
    check_with_password(qtbot, dialog, MANAGER_USERNAME, "not the password at all")
    assert "password" in find(dialog, QLabel, "restoreMessage").text().lower()
    assert find(dialog, QLineEdit, "restorePasswordEdit").text() == ""
    assert not find(dialog, QLabel, "restoreContents").isVisible()
    assert not find(dialog, QPushButton, "restoreButton").isEnabled()
    assert snapshot(made_vault.folder) == before


def test_a_key_worker_may_not_restore(
    backup: Path, shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    before = snapshot(made_vault.folder)
    dialog = open_dialog(qtbot, shell)
    check_with_password(qtbot, dialog, KW_USERNAME, KW_PASSWORD)
    assert "Only a manager can restore" in find(dialog, QLabel, "restoreMessage").text()
    assert not find(dialog, QPushButton, "restoreButton").isEnabled()
    assert snapshot(made_vault.folder) == before


def test_typing_after_the_check_makes_it_stale(backup: Path, shell: Shell, qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, shell)
    check_with_password(qtbot, dialog, MANAGER_USERNAME, MANAGER_PASSWORD)
    find(dialog, QCheckBox, "restoreUnderstood").setChecked(True)
    assert find(dialog, QPushButton, "restoreButton").isEnabled()
    qtbot.keyClicks(find(dialog, QLineEdit, "restoreUsernameEdit"), "x")
    assert not find(dialog, QPushButton, "restoreButton").isEnabled()
    assert not find(dialog, QLabel, "restoreContents").isVisible()


def test_a_backup_changed_after_its_check_is_not_restored(
    backup: Path, shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, shell)
    check_with_password(qtbot, dialog, MANAGER_USERNAME, MANAGER_PASSWORD)
    find(dialog, QCheckBox, "restoreUnderstood").setChecked(True)
    # Another, good, backup now sits under the same name: it is not the one the manager saw.
    made_vault.sign_in()
    (tmp_path / "elsewhere").mkdir()
    newer = made_vault.session.backups.make(tmp_path / "elsewhere").path
    made_vault.session.close()
    backup.write_bytes(newer.read_bytes())
    before = snapshot(made_vault.folder)
    find(dialog, QLineEdit, "restorePasswordEdit").setText(MANAGER_PASSWORD)
    find(dialog, QPushButton, "restoreButton").click()
    wait_idle(qtbot)
    assert "changed after it was checked" in find(dialog, QLabel, "restoreMessage").text()
    assert snapshot(made_vault.folder) == before
    assert not (made_vault.folder / PRE_RESTORE).exists()


# --- the drill through the window: a new computer -------------------------------------------------


def test_first_run_on_a_new_computer_restores_with_the_recovery_key_and_opens_recovery(
    made_vault: VaultUnderTest, backup: Path, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_pc = MemoryKeyring()  # the old computer's keyring went with it
    monkeypatch.setattr(DeviceKeyring, "system", classmethod(lambda _cls: DeviceKeyring(new_pc)))
    folder = tmp_path / "new-pc" / "Sharewise"
    app = QApplication.instance()
    program = Program(app, parse(["--data-dir", str(folder)]), made_vault.clock)  # type: ignore[arg-type]
    program.open_folder(folder)  # no vault: first-run setup
    wizard = program.wizard
    assert wizard is not None
    qtbot.addWidget(wizard)
    find(wizard, QPushButton, "setupRestoreButton").click()
    dialog = top_level("restoreDialog")
    assert isinstance(dialog, RestoreDialog)
    assert find(dialog, QRadioButton, "restoreWithKey").isChecked()  # a new PC: the key is the way
    find(dialog, QPushButton, "restoreChooseButton").click()
    find(dialog, QLineEdit, "restoreKeyEdit").setText(made_vault.recovery_key.formatted())
    find(dialog, QPushButton, "restoreCheckButton").click()
    wait_idle(qtbot)
    assert "sets up Sharewise on this computer" in find(dialog, QLabel, "restoreContents").text()
    find(dialog, QCheckBox, "restoreUnderstood").setChecked(True)
    find(dialog, QPushButton, "restoreButton").click()
    wait_idle(qtbot)

    shell = program.shell
    assert shell is not None
    qtbot.addWidget(shell.window)
    assert program.wizard is None and not wizard.isVisible()
    assert top_level("restoredDialog") is not None
    recovery = top_level("recoveryDialog")
    assert recovery is not None  # straight to the recovery key: it binds the accounts to this PC
    find(recovery, QLineEdit, "recoveryKeyEdit").setText(made_vault.recovery_key.formatted())
    find(recovery, QLineEdit, "recoveryUsernameEdit").setText(MANAGER_USERNAME)
    find(recovery, QLineEdit, "recoveryNewPassword").setText("lantern heron pebble 42")
    find(recovery, QLineEdit, "recoveryRepeatPassword").setText("lantern heron pebble 42")
    recovery.submit()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: shell.session is not None, timeout=10_000)
    wait_idle(qtbot)
    session = shell.session
    assert session is not None
    assert {c.legal_name for c in session.children.find()} == {KEPT}
    assert new_pc.entries  # the device key for this computer is in this computer's keyring
    shell.sign_out()
    qtbot.waitUntil(lambda: not session.is_open, timeout=10_000)
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget is not shell.window:
            widget.close()
    shell.vault.close()


# --- a vault whose key files are gone: the start-up error offers the restore ------------------------


class ExitRecorder:
    """Stands in for the QApplication the program would end: records ``exit`` calls."""

    def __init__(self) -> None:
        self.exits: list[int] = []

    def exit(self, code: int = 0) -> None:
        self.exits.append(code)


def test_closing_the_start_up_message_ends_the_program(made_vault: VaultUnderTest, qtbot: QtBot) -> None:
    made_vault.session.close()
    made_vault.vault.close()
    made_vault.vault.paths.slots.unlink()
    app = ExitRecorder()
    program = Program(app, parse([]), made_vault.clock)  # type: ignore[arg-type]
    program.open_folder(made_vault.folder)
    error = top_level("startupError")
    assert error is not None
    error.button(QMessageBox.StandardButton.Close).click()  # type: ignore[attr-defined]
    assert app.exits == [1] and top_level("restoreDialog") is None


def test_a_vault_without_its_key_files_is_restored_from_the_start_up_message(
    made_vault: VaultUnderTest, backup: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DeviceKeyring, "system", classmethod(lambda _cls: DeviceKeyring(made_vault.keyring)))
    made_vault.session.close()
    made_vault.vault.close()
    paths = made_vault.vault.paths
    paths.slots.unlink()
    paths.slots_kept.unlink()
    app = ExitRecorder()
    program = Program(app, parse([]), made_vault.clock)  # type: ignore[arg-type]
    program.open_folder(made_vault.folder)
    error = top_level("startupError")
    assert error is not None and "key file" in error.text()  # type: ignore[attr-defined]

    find(error, QPushButton, "startupRestoreButton").click()
    dialog = top_level("restoreDialog")
    assert isinstance(dialog, RestoreDialog)
    dialog.reject()  # changed their mind: the message comes back, the program does not just end
    error = top_level("startupError")
    assert error is not None
    find(error, QPushButton, "startupRestoreButton").click()
    dialog = top_level("restoreDialog")
    assert isinstance(dialog, RestoreDialog)
    assert find(dialog, QRadioButton, "restoreWithKey").isChecked()
    find(dialog, QPushButton, "restoreChooseButton").click()
    find(dialog, QLineEdit, "restoreKeyEdit").setText(made_vault.recovery_key.formatted())
    find(dialog, QPushButton, "restoreCheckButton").click()
    wait_idle(qtbot)
    understood = find(dialog, QCheckBox, "restoreUnderstood")
    assert "replaces every record" in understood.text()
    understood.setChecked(True)
    find(dialog, QPushButton, "restoreButton").click()
    wait_idle(qtbot)

    assert app.exits == []  # choosing to restore, or cancelling it, never ended the program
    shell = program.shell
    assert shell is not None
    qtbot.addWidget(shell.window)
    told = top_level("restoredDialog")
    assert told is not None and "Sign in as usual" in told.text()  # type: ignore[attr-defined]
    told.close()
    assert top_level("recoveryDialog") is None  # this computer's keyring still opens the accounts
    session = sign_in_through_window(qtbot, shell)
    assert {c.legal_name for c in session.children.find()} == {KEPT}
    assert (made_vault.folder / PRE_RESTORE).is_dir()  # the unreadable vault is kept, in case
    shell.sign_out()
    qtbot.waitUntil(lambda: not session.is_open, timeout=10_000)
    shell.vault.close()
