"""Backups in the window: the Settings box (folder, last backup, warning, Back up now) and the
automatic backups the shell makes at sign-out and close, but never at the lock.

A real vault (cheap KDF, in-memory keyring, manual clock). The folder picker is replaced: a
native dialog cannot be driven offscreen. Fictional people only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.audit import AuditAction
from app.backup import AUTOMATIC_NAME, BackupInfo, BackupService, read_backup
from app.policy.permissions import Role
from app.security import SAME_DRIVE
from app.settings import BACKUP_FOLDER
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest
from tests.ui.conftest import find, sign_in_through_window, top_level, wait_idle
from ui import backups as backups_ui
from ui import operations
from ui.areas.settings import SettingsArea
from ui.main import Program, parse
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


def test_the_clean_up_after_the_event_loop_still_backs_up_an_open_session(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    """``app.quit`` from elsewhere leaves the session open when the loop ends: Program.clean_up
    backs it up here, synchronously, keeps the draft, closes the session and releases the vault."""
    session = sign_in_through_window(qtbot, shell)
    half_typed(shell)
    program = Program(QApplication.instance(), parse([]), made_vault.clock)  # type: ignore[arg-type]
    program.shell = shell
    program.clean_up()
    assert not session.is_open
    assert shell.window.current_page().objectName() != "closingBackup"  # no window to wait in
    assert len(automatic_files(made_vault.folder / "backups")) == 1
    assert after_closing(made_vault) == (["close"], [DRAFT_TITLE])


# --- closing the window: the close backup off the UI thread --------------------------------------

DRAFT_NAME = "Siobhán Ní Bhriain"
DRAFT_TITLE = "Add a staff member"


def half_typed(shell: Shell) -> None:
    """A half-typed form (with a name in it) open when the window is closed."""
    assert shell.workspace is not None
    shell.workspace.open_area("Staff").open_add_dialog().full_name.setText(DRAFT_NAME)  # type: ignore[attr-defined]


def after_closing(made: VaultUnderTest) -> tuple[list[str], list[str]]:
    """Open the same folder again (proving the vault was released), as the manager: the reasons of
    the automatic backups the audit log holds, and the titles of the drafts kept."""
    vault = Vault.open(made.folder, keyring=DeviceKeyring(made.keyring), clock=made.clock)
    try:
        session = vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
        rows = session.context.database.query(
            "SELECT json_extract(detail, '$.reason') FROM audit_log WHERE action = ? ORDER BY id",
            (AuditAction.BACKUP_MADE.value,),
        )
        reasons = [str(row[0]) for row in rows]
        kept = [draft.title for draft in session.drafts.mine()]
        session.close()
    finally:
        vault.close()
    return reasons, kept


class SlowBackup:
    """BackupService.automatic held until ``release`` is set, counting the calls, so a test can
    look at the window while the close backup is still running on its worker thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls: list[str] = []
        self.threads: list[str] = []
        real = BackupService.automatic

        def slowed(service: BackupService, now_reason: str) -> BackupInfo | None:
            self.calls.append(now_reason)
            self.threads.append(threading.current_thread().name)
            self.started.set()
            assert self.release.wait(20), "the test never released the backup"
            return real(service, now_reason)

        monkeypatch.setattr(BackupService, "automatic", slowed)


def test_closing_while_signed_in_backs_up_off_the_ui_thread_then_closes(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowBackup(monkeypatch)
    session = sign_in_through_window(qtbot, shell)
    half_typed(shell)
    vault_id = session.context.keys.vault_id
    window = shell.window

    window.close()  # returns at once: the backup waits on its worker thread
    assert slow.started.wait(10)
    assert window.isVisible()  # the close is held
    page = window.current_page()
    assert page is not None and page.objectName() == "closingBackup"
    shown = " ".join(label.text() for label in page.findChildren(QLabel))
    assert shown.startswith("Backing up before closing…")
    assert window.windowTitle() == "Sharewise — Closing"
    for secret in (DRAFT_NAME, MANAGER_NAME, MANAGER_USERNAME):
        assert secret not in shown and secret not in window.windowTitle()
    assert shell.session is None and shell.workspace is None  # the screen is clear already
    assert top_level("addStaffDialog") is None
    assert not window.toolbar.isVisible()
    assert top_level("progressDialog") is None  # the page says it: no second, modal dialog
    assert session.is_open  # the backup still needs it

    ticks: list[int] = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: ticks == [1], timeout=5000)  # the event loop runs meanwhile

    window.close()  # a second close: no second backup, no early close
    window.quit_action.trigger()
    qtbot.wait(50)
    assert window.isVisible() and slow.calls == ["close"]
    assert session.is_open

    slow.release.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert slow.calls == ["close"] and slow.threads == ["sharewise-operation"]
    assert not session.is_open
    assert shell.closing_backup is None
    files = automatic_files(made_vault.folder / "backups")
    assert len(files) == 1
    assert read_backup(files[0]).vault_id == vault_id
    assert top_level("closingBackupFailed") is None
    assert after_closing(made_vault) == (["close"], [DRAFT_TITLE])


def test_a_failed_close_backup_is_told_before_the_program_closes(
    shell: Shell,
    made_vault: VaultUnderTest,
    qtbot: QtBot,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    unplugged = tmp_path / "unplugged stick Дмитрий"
    made_vault.sign_in()
    made_vault.session.settings.update({BACKUP_FOLDER: str(unplugged)})
    made_vault.session.close()
    session = sign_in_through_window(qtbot, shell)
    half_typed(shell)
    caplog.set_level(logging.WARNING, logger="ui.backups")

    shell.window.close()
    qtbot.waitUntil(lambda: top_level("closingBackupFailed") is not None, timeout=10_000)
    box = top_level("closingBackupFailed")
    assert isinstance(box, QMessageBox)
    text = box.text()
    assert text.startswith("The automatic backup was not made. ")
    assert "not available" in text and "Traceback" not in text
    assert "Nothing you saved is lost" in text and text.endswith("Sharewise closes when you press OK.")
    assert not session.is_open  # the session is closed before the message: the records are safe
    assert shell.window.isVisible()  # the program waits for the message

    shell.window.close()  # closing again while the message is up changes nothing
    assert shell.window.isVisible() and top_level("closingBackupFailed") is box

    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not shell.window.isVisible(), timeout=5000)
    assert automatic_files(unplugged) == []
    messages = [r.getMessage() for r in caplog.records if r.name == "ui.backups"]
    assert len(messages) == 1 and messages[0].startswith("automatic backup at close failed: ")
    assert str(unplugged) not in messages[0] and "Дмитрий" not in messages[0]  # the type name only
    assert after_closing(made_vault) == ([], [DRAFT_TITLE])


def test_the_close_failure_message_closes_by_itself_and_the_program_with_it(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unattended close (the PC shutting down) must still end."""
    monkeypatch.setattr(backups_ui, "CLOSING_MESSAGE_SECONDS", 0.2)
    made_vault.sign_in()
    made_vault.session.settings.update({BACKUP_FOLDER: str(tmp_path / "gone")})
    made_vault.session.close()
    sign_in_through_window(qtbot, shell)
    shell.window.close()
    qtbot.waitUntil(lambda: top_level("closingBackupFailed") is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not shell.window.isVisible(), timeout=10_000)  # nobody pressed OK
    assert top_level("closingBackupFailed") is None
    assert after_closing(made_vault) == ([], [])


def test_closing_when_signed_out_closes_at_once_without_a_backup(
    shell: Shell, made_vault: VaultUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowBackup(monkeypatch)
    slow.release.set()
    assert shell.window.current_page().objectName() == "signInPage"
    shell.window.close()
    assert not shell.window.isVisible()  # at once: nothing to wait for
    assert slow.calls == [] and automatic_files(made_vault.folder / "backups") == []
    assert after_closing(made_vault) == ([], [])


def test_closing_when_locked_closes_at_once_without_a_backup(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowBackup(monkeypatch)
    slow.release.set()
    session = sign_in_through_window(qtbot, shell)
    half_typed(shell)
    shell.lock("on demand")
    assert not session.is_open
    shell.window.close()
    assert not shell.window.isVisible()
    assert slow.calls == [] and automatic_files(made_vault.folder / "backups") == []
    assert after_closing(made_vault) == ([], [DRAFT_TITLE])  # the lock kept it


def test_the_clean_up_waits_for_a_close_backup_still_running(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event loop stopped (``app.quit`` elsewhere) while the close backup ran: its result will
    never be delivered, so Program.clean_up waits for the worker, then closes the session and
    releases the vault itself."""
    slow = SlowBackup(monkeypatch)
    session = sign_in_through_window(qtbot, shell)
    shell.window.close()
    assert slow.started.wait(10)
    program = Program(QApplication.instance(), parse([]), made_vault.clock)  # type: ignore[arg-type]
    program.shell = shell
    threading.Timer(0.2, slow.release.set).start()  # the worker finishes while clean_up waits
    program.clean_up()  # no event processed from here on
    assert slow.release.is_set()
    assert not session.is_open
    assert shell.closing_backup is None
    assert slow.calls == ["close"]
    assert len(automatic_files(made_vault.folder / "backups")) == 1
    assert after_closing(made_vault) == (["close"], [])
