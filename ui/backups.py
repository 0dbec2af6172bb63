"""Backups in the window: the Settings box, and the automatic backups the shell makes.

The box shows the folder in use, when the last backup was made and any warning; the manager
changes the folder and makes a backup to any folder ("Back up now…", off the UI thread).
Automatic backups (sign-out, close, daily) never stop what the person is doing: a failure is one
message that does not wait for an answer, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
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


def back_up_before_closing(session: Session, reason: str) -> str | None:
    """The sign-out or close backup, made while the session is still open; returns the failure
    sentence (None when it worked or there was nothing to do). Never raises: sign-out and close
    must always complete. The wait cursor shows while the copy is taken."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        session.backups.automatic(reason)
    except VaultLocked:
        return None  # the session had already closed: nothing to back up from
    except Exception as exc:
        log.warning("automatic backup at %s failed: %s", reason, type(exc).__name__)
        return failure_sentence(exc)
    finally:
        QGuiApplication.restoreOverrideCursor()
    return None


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
