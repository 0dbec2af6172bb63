"""Backups in the window: the Settings box, and the automatic backups the shell makes.

The box shows the folder in use, when the last backup was made and any warning; the manager
changes the folder and makes a backup to any folder ("Back up now…", off the UI thread).
Automatic backups (sign-out, close, daily) run off the UI thread and never stop what the person
is doing: a failure is one message that does not wait for an answer, never a traceback. The close
backup is the one that is waited for, by the window alone: it shows "Backing up before closing…"
and closes when the backup is done, after showing a failure until OK (or a minute).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.backup import BackupInfo
from app.clock import from_text
from app.errors import SharewiseError, VaultLocked
from app.policy.permissions import Action
from app.security import SecurityStatus
from app.session import Session
from app.settings import BACKUP_FOLDER
from ui import operations
from ui.errors import sentence_for
from ui.form_parts import fact_label, message_label

log = logging.getLogger(__name__)

AUTOMATIC_FAILED = "The automatic backup was not made. {sentence}"
UNEXPECTED = "Something went wrong while making it; your records are safe. Try “Back up now…” in Settings."
CLOSING = "Backing up before closing…"
CLOSING_EXPLAIN = "Sharewise closes by itself when the backup is done."
# A failed close backup: what a manager needs to know before the program goes. Nothing saved is
# at risk (the backup only copies the vault), and the next sign-out, close or daily check tries
# again, so the message says so and does not keep the program open for long.
CLOSING_FAILED_AFTER = (
    " Nothing you saved is lost. Sharewise tries the backup again at the next sign-out or close, "
    "and once a day while it is open. Sharewise closes when you press OK."
)
CLOSING_MESSAGE_SECONDS = 60.0  # then the message closes by itself, and the program with it
# The clean-up after the event loop waits this long for a running close backup; a drive that
# has not answered by then is stuck, and the process ending drops the vault lock anyway.
CLOSE_WAIT_SECONDS = 120.0


def pick_folder(parent: QWidget, title: str, start: Path | None) -> Path | None:
    """Ask for a folder (tests replace this: a native dialog cannot be driven offscreen)."""
    chosen = QFileDialog.getExistingDirectory(parent, title, str(start or ""))
    return Path(chosen) if chosen else None


def size_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def local_moment(stored: str) -> str:
    return from_text(stored).astimezone().strftime("%d %B %Y at %H:%M")


class BackupsBox(QGroupBox):
    """Settings → Backups. Choosing the folder is the manager's; the core checks it again."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Backups", parent)
        self.setObjectName("backupsBox")
        self._session = session
        self.folder: Path | None = None
        self.folder_label = fact_label("backupFolderLabel", "Backup folder")
        self.last_label = fact_label("lastBackupLabel", "Last backup")
        self.warning_label = fact_label("backupWarningLabel", "Backup warning")
        self.warning_label.setStyleSheet("color: #8a4b00;")
        self.change_button = QPushButton("C&hange…")
        self.change_button.setObjectName("changeBackupFolderButton")
        self.change_button.setAccessibleName("Change the backup folder")
        self.change_button.clicked.connect(self.change_folder)
        self.change_button.setEnabled(session.may(Action.SETTINGS_MANAGE))
        self.now_button = QPushButton("&Back up now…")
        self.now_button.setObjectName("backUpNowButton")
        self.now_button.clicked.connect(self.back_up_now)
        self.now_button.setEnabled(session.may(Action.BACKUP_MANAGE))
        self.message = message_label("backupMessage")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.change_button)
        now_row = QHBoxLayout()
        now_row.addWidget(self.now_button)
        now_row.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        explain = QLabel(
            "Sharewise makes an encrypted backup when someone signs out or closes it, and once a "
            "day while it is in use, keeping 7 daily, 4 weekly and 12 monthly ones."
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        layout.addLayout(folder_row)
        layout.addWidget(self.last_label)
        layout.addWidget(self.warning_label)
        layout.addLayout(now_row)
        restore = QLabel(
            "To restore a backup, sign out and choose “Restore from a backup…” on the sign-in "
            "page: nobody may be signed in while the records are replaced."
        )
        restore.setObjectName("restoreHint")
        restore.setWordWrap(True)
        layout.addWidget(restore)

    # --- showing ---------------------------------------------------------------------------

    def load(self) -> None:
        session = self._session

        def work(_progress: operations.Progress) -> tuple[Path, SecurityStatus]:
            return session.backups.folder(), session.security.status()

        operations.run(self, work, label="Checking the backups…", on_success=self.show_status)

    def show_status(self, found: tuple[Path, SecurityStatus]) -> None:
        folder, status = found
        self.folder = folder
        self.folder_label.setText(f"Backup folder: {folder}")
        self.last_label.setText(
            f"Last backup: {local_moment(status.last_backup_at)}."
            if status.last_backup_at
            else "No backup has been made yet."
        )
        self.warning_label.setText(status.backup_warning or "")
        self.warning_label.setVisible(bool(status.backup_warning))

    # --- changing the folder and backing up now --------------------------------------------

    def change_folder(self) -> None:
        chosen = pick_folder(self, "Choose the backup folder", self.folder)
        if chosen is None:
            return
        session = self._session
        self.message.clear()

        def work(_progress: operations.Progress) -> tuple[Path, SecurityStatus]:
            session.settings.update({BACKUP_FOLDER: str(chosen)})
            return session.backups.folder(), session.security.status()

        def changed(found: tuple[Path, SecurityStatus]) -> None:
            self.show_status(found)
            self.message.setText(f"Automatic backups now go to {found[0]}.")

        operations.run(self, work, label="Changing the backup folder…", on_success=changed)

    def back_up_now(self) -> None:
        chosen = pick_folder(self, "Back up to which folder?", self.folder)
        if chosen is None:
            return
        session = self._session
        self.message.clear()
        self.now_button.setEnabled(False)
        operations.run(
            self,
            lambda _progress: session.backups.make(chosen),
            label="Making a backup…",
            on_success=self._made,
            on_done=lambda: self.now_button.setEnabled(session.may(Action.BACKUP_MANAGE)),
        )

    def _made(self, made: BackupInfo) -> None:
        self.message.setText(f"Backup saved: {made.path} ({size_words(made.bytes)}).")
        self.load()

    def forget(self) -> None:
        self.folder = None
        for label in (self.folder_label, self.last_label, self.warning_label, self.message):
            label.clear()


# --- automatic backups (called by the shell) ----------------------------------------------------


def failure_sentence(error: BaseException) -> str:
    """What to tell the person when an automatic backup failed: a sentence, never a traceback."""
    if isinstance(error, SharewiseError):
        return AUTOMATIC_FAILED.format(sentence=sentence_for(error))
    return AUTOMATIC_FAILED.format(sentence=UNEXPECTED)


def show_failure(parent: QWidget | None, sentence: str) -> QMessageBox:
    """One message that does not block: the sign-in page works while it is up."""
    box = QMessageBox(parent)
    box.setObjectName("automaticBackupFailed")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Sharewise — backup")
    box.setText(sentence)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box


def automatic_or_sentence(session: Session, reason: str) -> str | None:
    """Make the automatic backup; the failure sentence, or None when it worked or there was
    nothing to do (the session had already closed). Never raises an ``Exception``: sign-out and
    close must always complete. Only the error's type is logged, never its message."""
    try:
        session.backups.automatic(reason)
    except VaultLocked:
        return None  # the session had already closed: nothing to back up from
    except Exception as exc:
        log.warning("automatic backup at %s failed: %s", reason, type(exc).__name__)
        return failure_sentence(exc)
    return None


def back_up_before_closing(session: Session, reason: str) -> str | None:
    """The close backup made here and now, for a clean-up after the event loop has stopped (no
    window to wait in); returns the failure sentence or None. The wait cursor shows meanwhile."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return automatic_or_sentence(session, reason)
    finally:
        QGuiApplication.restoreOverrideCursor()


def closing_page() -> QWidget:
    """What the window shows while the close backup runs: nothing about anyone."""
    page = QWidget()
    page.setObjectName("closingBackup")
    title = QLabel(CLOSING)
    title.setObjectName("closingBackupLabel")
    title.setStyleSheet("font-size: 16pt;")
    explain = QLabel(CLOSING_EXPLAIN)
    explain.setWordWrap(True)
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    for label in (title, explain):
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label)
    layout.addStretch(1)
    return page


class ClosingBackup:
    """The close backup, off the UI thread (the window shows ``closing_page`` meanwhile).

    ``on_done`` hears the failure sentence (or None) on the UI thread. ``finished`` is set by the
    worker itself, so a clean-up that runs after the event loop has stopped (when ``on_done``
    can no longer be delivered) can still wait for the copy to end before closing the session.
    """

    def __init__(self, parent: QWidget, session: Session, on_done: Callable[[str | None], None]) -> None:
        self.session = session
        self.finished = threading.Event()

        def work(_progress: operations.Progress) -> str | None:
            try:
                return automatic_or_sentence(session, "close")
            finally:
                self.finished.set()

        def failed(error: BaseException) -> bool:  # only if something slipped past the sentence
            log.warning("automatic backup at close failed: %s", type(error).__name__)
            on_done(failure_sentence(error))
            return True

        operations.run(
            parent,
            work,
            label=CLOSING,
            on_success=on_done,
            on_failure=failed,
            on_progress=lambda _f: None,  # the window's page says what is happening: no dialog
        )


def show_closing_failure(parent: QWidget, sentence: str, then: Callable[[], None]) -> QMessageBox:
    """The close backup failed: say so before the program goes, until OK or for a minute (an
    unattended close, the PC shutting down, must still end), then ``then()``."""
    box = QMessageBox(parent)
    box.setObjectName("closingBackupFailed")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Sharewise — backup")
    box.setText(sentence + CLOSING_FAILED_AFTER)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    timer = QTimer(box)  # dies with the box
    timer.setSingleShot(True)
    timer.timeout.connect(box.accept)
    timer.start(round(CLOSING_MESSAGE_SECONDS * 1000))
    box.finished.connect(lambda _result: then())
    box.open()
    return box


def sign_out_backup(parent: QWidget, session: Session, on_done: Callable[[str | None], None]) -> None:
    """The sign-out backup, off the UI thread; ``on_done`` hears the failure sentence (or None)
    on the UI thread and closes the session. The screen is already clear and the drafts kept."""

    def work(_progress: operations.Progress) -> None:
        session.backups.automatic("sign_out")

    def failed(error: BaseException) -> bool:
        if isinstance(error, VaultLocked):
            on_done(None)  # the session was closed meanwhile (a new sign-in): nothing to back up
        else:
            log.warning("automatic backup at sign_out failed: %s", type(error).__name__)
            on_done(failure_sentence(error))
        return True

    operations.run(
        parent,
        work,
        label="Backing up before signing out…",
        on_success=lambda _r: on_done(None),
        on_failure=failed,
    )


def daily_backup(parent: QWidget, session: Session) -> None:
    """The daily backup, off the UI thread, with no progress dialog (nobody asked for it)."""

    def work(_progress: operations.Progress) -> BackupInfo | None:
        if not session.backups.due_daily():
            return None
        return session.backups.automatic("daily")

    def failed(error: BaseException) -> bool:
        if not isinstance(error, VaultLocked):
            show_failure(parent, failure_sentence(error))
        return True

    operations.run(parent, work, label="Backing up…", on_failure=failed, on_progress=lambda _f: None)
