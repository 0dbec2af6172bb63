"""Backups in the window: the Settings box (folder, last backup, warning, Back up now) and the
automatic backups the shell makes at sign-out and close, but never at the lock.

A real vault (cheap KDF, in-memory keyring, manual clock). The folder picker is replaced: a
native dialog cannot be driven offscreen. Fictional people only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app.audit import AuditAction
from app.backup import AUTOMATIC_NAME, read_backup
from app.policy.permissions import Role
from app.security import SAME_DRIVE
from app.settings import BACKUP_FOLDER
from tests.conftest import VaultUnderTest
from tests.ui.conftest import find, sign_in_through_window, top_level, wait_idle
from ui import backups as backups_ui
from ui import operations
from ui.areas.settings import SettingsArea
from ui.shell import Shell

KW_USERNAME, KW_NAME, KW_PASSWORD = "nguyen", "Nguyễn Thị Hoa", "willow copper meadow"


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


def automatic_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if AUTOMATIC_NAME.fullmatch(p.name)]


def backups_made(made: VaultUnderTest) -> int:
    made.sign_in()
    count = int(
        made.session.context.database.scalar(
            "SELECT count(*) FROM audit_log WHERE action = ?", (AuditAction.BACKUP_MADE.value,)
        )
    )
    made.session.close()
    return count


def test_back_up_now_from_the_settings_box_writes_a_readable_backup(
    made_vault: VaultUnderTest, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usb = tmp_path / "usb stick Łucja"
    usb.mkdir()
    asked: list[Path | None] = []

    def pick(_parent: object, _title: str, start: Path | None) -> Path:
        asked.append(start)
        return usb

    monkeypatch.setattr(backups_ui, "pick_folder", pick)
    area = SettingsArea(made_vault.session)
    qtbot.addWidget(area)
    area.opened()
    wait_idle(qtbot)
    box = area.backups
    default = made_vault.folder / "backups"
    assert find(box, QLabel, "backupFolderLabel").text() == f"Backup folder: {default}"
    assert find(box, QLabel, "lastBackupLabel").text() == "No backup has been made yet."
    assert SAME_DRIVE in find(box, QLabel, "backupWarningLabel").text()  # the default's drive

    find(box, QPushButton, "backUpNowButton").click()
    wait_idle(qtbot)
    assert asked == [default]  # the picker starts at the backup folder
    made = list(usb.glob("*.swbackup"))
    assert len(made) == 1
    assert read_backup(made[0]).vault_id == made_vault.session.context.keys.vault_id
    message = find(box, QLabel, "backupMessage").text()
    assert message.startswith(f"Backup saved: {made[0]} (") and message.endswith("KB).")
    assert find(box, QLabel, "lastBackupLabel").text().startswith("Last backup: 01 September 2026 at ")

    area.forget()
    assert all(
        not find(box, QLabel, n).text() for n in ("backupFolderLabel", "lastBackupLabel", "backupMessage")
    )


def test_changing_the_folder_in_the_box_is_kept(
    made_vault: VaultUnderTest, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other drive"
    other.mkdir()
    monkeypatch.setattr(backups_ui, "pick_folder", lambda *_args: other)
    area = SettingsArea(made_vault.session)
    qtbot.addWidget(area)
    area.opened()
    wait_idle(qtbot)
    find(area.backups, QPushButton, "changeBackupFolderButton").click()
    wait_idle(qtbot)
    assert made_vault.session.settings.get(BACKUP_FOLDER) == str(other)
    assert find(area.backups, QLabel, "backupFolderLabel").text() == f"Backup folder: {other}"
    assert find(area.backups, QLabel, "backupMessage").text() == f"Automatic backups now go to {other}."


def test_a_key_worker_s_sign_out_makes_an_automatic_backup(
    made_vault: VaultUnderTest, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    made_vault.add_person(KW_USERNAME, KW_NAME, {Role.KEY_WORKER}, KW_PASSWORD)
    made_vault.session.close()
    shell = Shell(made_vault.vault, clock=made_vault.clock, watch_os=False)
    shell.start()
    qtbot.addWidget(shell.window)
    try:
        session = sign_in_through_window(qtbot, shell, KW_USERNAME, KW_PASSWORD)
        folder = made_vault.folder / "backups"
        assert automatic_files(folder) == []
        shell.window.sign_out_action.trigger()
        qtbot.waitUntil(lambda: not session.is_open, timeout=10_000)  # after its backup, off the UI thread
        assert shell.window.current_page().objectName() == "signInPage"
        files = automatic_files(folder)
        assert len(files) == 1
        read_backup(files[0])
        assert top_level("automaticBackupFailed") is None
    finally:
        shell.idle.stop()


def test_the_lock_makes_no_backup(shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot) -> None:
    session = sign_in_through_window(qtbot, shell)
    folder = made_vault.folder / "backups"
    shell.lock("on demand")
    assert not session.is_open
    assert automatic_files(folder) == []
    assert shell.window.current_page().objectName() == "lockScreen"
    assert backups_made(made_vault) == 0


def test_an_unplugged_backup_folder_does_not_stop_the_sign_out(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot, tmp_path: Path
) -> None:
    made_vault.sign_in()
    made_vault.session.settings.update({BACKUP_FOLDER: str(tmp_path / "unplugged stick")})
    made_vault.session.close()
    session = sign_in_through_window(qtbot, shell)
    shell.window.sign_out_action.trigger()
    qtbot.waitUntil(lambda: not session.is_open, timeout=10_000)  # the sign-out completed
    assert shell.session is None
    assert shell.window.current_page().objectName() == "signInPage"
    box = top_level("automaticBackupFailed")
    assert box is not None and box.isVisible()
    assert not box.isModal()
    text = box.text()  # type: ignore[attr-defined]
    assert text.startswith("The automatic backup was not made. ")
    assert "not available" in text and "Traceback" not in text
    assert backups_made(made_vault) == 0
    box.close()


def test_the_daily_check_backs_up_only_when_due(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    session = sign_in_through_window(qtbot, shell)
    folder = made_vault.folder / "backups"
    assert shell.daily_backup_timer.isActive()
    shell.daily_backup_check()
    wait_idle(qtbot)
    assert len(automatic_files(folder)) == 1
    made_vault.clock.advance(3600)
    shell.daily_backup_check()
    wait_idle(qtbot)
    assert len(automatic_files(folder)) == 1  # not due again within 24 hours
    made_vault.clock.advance(24 * 3600)
    shell.daily_backup_check()
    wait_idle(qtbot)
    assert len(automatic_files(folder)) == 2
    assert top_level("progressDialog") is None
    shell.lock("on demand")
    assert not shell.daily_backup_timer.isActive()
    assert not session.is_open


def test_closing_the_program_makes_a_backup(shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot) -> None:
    session = sign_in_through_window(qtbot, shell)
    shell.shut_down()
    assert not session.is_open
    assert len(automatic_files(made_vault.folder / "backups")) == 1
