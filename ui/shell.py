"""The shell: which page the window shows, and the clear-screen rule.

Signed out → sign-in page. Signed in → workspace. Locked → lock screen. Locking happens in one
turn of the event loop and cannot be stopped by anything on screen:

1. every open form hands over a draft (kept encrypted by the core),
2. running operations are abandoned, and every other window (dialogs, print previews, menus)
   is closed after being asked to forget what it shows,
3. the clipboard is cleared if it holds text copied in Sharewise,
4. the workspace's models are emptied and the workspace destroyed; the lock screen replaces it,
5. the session is closed: the core writes the lock to the audit log and forgets the data key.

The lock makes no backup (it must never wait). Sign-out clears the screen, keeps the drafts, then
makes an automatic backup off the UI thread and closes the session when it is done; closing the
program makes one before the window goes. A failure is one message that waits for nobody. While
someone is signed in, a timer looks every hour whether the daily backup
is due.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QWidget

from app.clock import Clock
from app.vault.vault import Vault
from ui import drafts
from ui.clipboard import ClipboardGuard
from ui.form_parts import inform
from ui.idle import IdleMonitor
from ui.main_window import MainWindow
from ui.os_lock import OsLockWatcher
from ui.sign_in import SignInPage

if TYPE_CHECKING:
    from app.demo import DemoAccount
    from app.drafts import Draft, DraftForm
    from app.restore import RestoreResult
    from app.session import Session
    from app.vault.recovery_key import RecoveryKey
    from ui.backups import ClosingBackup
    from ui.restore_dialog import RestoreDialog
    from ui.workspace import Workspace

# Start-up time: only what shows the sign-in page is imported above. What a signed-in person
# uses (the workspace and its areas, backups, restore, the policy and password dialogs, the lock
# screen, running operations) is imported where it is first needed; ``load_signed_in_modules``
# imports it ahead, on the sign-in worker thread. A test checks that importing this module
# leaves them out, and that showing the sign-in page leaves the Qt namespace alone.

DAILY_CHECK_MS = 60 * 60 * 1000  # every hour


class Shell(QObject):
    def __init__(
        self,
        vault: Vault,
        *,
        clock: Clock,
        provider_name: str = "",
        demo_accounts: tuple[DemoAccount, ...] = (),
        watch_os: bool = True,
    ) -> None:
        super().__init__()
        self.vault = vault
        self.clock = clock
        self.provider_name = provider_name
        self.demo_accounts = demo_accounts
        self.session: Session | None = None
        self.workspace: Workspace | None = None
        self.locked_as: tuple[str, str] | None = None  # username, full name
        self.sign_in_page: SignInPage | None = None
        self.last_lock_reason = ""
        self.window = MainWindow(demo=bool(demo_accounts))
        self.window.lock_requested.connect(lambda: self.lock("on demand"))
        self.window.sign_out_requested.connect(self.sign_out)
        self.window.change_password_requested.connect(self.change_password)
        self.window.closing.connect(self.shut_down)
        self.idle = IdleMonitor(clock, self)
        self.idle.warning.connect(self.window.show_idle_warning)
        self.idle.warning_over.connect(self.window.hide_idle_warning)
        self.idle.idle.connect(lambda: self.lock("idle"))
        self.clipboard = ClipboardGuard(self)
        self.daily_backup_timer = QTimer(self)
        self.daily_backup_timer.setInterval(DAILY_CHECK_MS)
        self.daily_backup_timer.timeout.connect(self.daily_backup_check)
        self.os_watcher = OsLockWatcher(self)
        self.os_watcher.lock_requested.connect(self.lock)
        self._watch_os = watch_os
        self._watching = False  # see _watch_for_lock

    # --- pages -----------------------------------------------------------------------------------

    def start(self) -> None:
        self.window.restore_geometry()
        self.show_sign_in()
        self.window.show()

    def show_sign_in(self) -> None:
        self.locked_as = None
        page = SignInPage(self.vault, self.provider_name, self.demo_accounts)
        page.signed_in.connect(self.signed_in)
        page.recovered.connect(self.recovered)
        page.restore_requested.connect(self.open_restore)
        self.sign_in_page = page
        self.window.set_signed_in(False)
        self.window.show_page(page, "Sign in")

    def signed_in(self, session: Session) -> None:
        from app.settings import AUTO_LOCK_MINUTES, PROVIDER_NAME  # loaded with the session already

        self.session = session
        self.locked_as = None
        self.window.set_signed_in(True)
        minutes = session.settings.get(AUTO_LOCK_MINUTES)
        self.provider_name = session.settings.get(PROVIDER_NAME)
        if session.must_change_password:
            from ui.account import ChangePasswordDialog

            self.window.show_page(QWidget(), "Choose your password")
            dialog = ChangePasswordDialog(session, first_time=True, parent=self.window)
            dialog.changed.connect(lambda: self._confirm_policy(session))
            dialog.rejected.connect(self.sign_out)
            dialog.open()
        else:
            self._confirm_policy(session)
        self.idle.start(minutes)
        self.daily_backup_timer.start()
        self._watch_for_lock()

    def _watch_for_lock(self) -> None:
        """At the first sign-in, listen for what should lock: with nobody signed in there is
        nothing to lock, and start-up is quicker without it (on Linux, connecting to D-Bus).
        Also, PySide6 cannot hand a ``Qt`` namespace value (the application state) to Python
        before that namespace is built, which the sign-in page leaves undone (ui.main_window)."""
        if self._watching:
            return
        self._watching = True
        if self._watch_os:
            self.os_watcher.start(self.window)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # After sleep, the first thing many platforms report is the window becoming active
            # again: let the wall clock decide at once rather than at the next tick.
            app.applicationStateChanged.connect(lambda _state: self.idle.check())

    def _confirm_policy(self, session: Session) -> None:
        """The policy gate: the confidentiality and information-sharing policy, confirmed at the
        first sign-in, every year and when it changes, before the workspace opens. "Sign out", or
        the lock closing it, leaves it due: it comes back at the next sign-in or unlock."""
        if self.session is not session or not session.is_open:
            return
        due = session.policies.acknowledgement_due()
        if due is None:
            self._open_workspace(session)
            return
        from ui.acknowledgement import AcknowledgementDialog

        self.window.show_page(QWidget(), "Before you start")
        dialog = AcknowledgementDialog(session, due, parent=self.window)
        dialog.confirmed.connect(lambda: self._policy_confirmed(session))
        dialog.rejected.connect(self.sign_out)
        dialog.open()

    def _policy_confirmed(self, session: Session) -> None:
        if self.session is session and session.is_open:
            self._open_workspace(session)
            self.window.activateWindow()  # the keyboard shortcuts work at once, as after sign-in

    def _open_workspace(self, session: Session) -> None:
        from ui.workspace import Workspace

        workspace = Workspace(session)
        workspace.area_changed.connect(lambda title: self.window.setWindowTitle(f"Sharewise — {title}"))
        self.workspace = workspace
        workspace.area_created.connect(self._area_created)
        self.window.show_page(workspace, "Home")
        QTimer.singleShot(0, self.offer_drafts)

    def _area_created(self, area: QWidget) -> None:
        signal = getattr(area, "auto_lock_changed", None)
        if signal is not None:  # the Settings area: a new auto-lock time applies at once
            signal.connect(self.idle.set_minutes)

    def offer_drafts(self) -> None:
        """Offer the forms kept at the last lock. Read off the UI thread: just after sign-in the
        Home area's workers hold the database, and the window would wait for them (up to 60 ms
        on ten years of records, found by bench/ui_session.py)."""
        session, workspace = self.session, self.workspace
        if session is None or workspace is None or not session.is_open:
            return
        from ui import operations

        def offer(kept: list[Draft]) -> None:
            if self.session is session and self.workspace is workspace:  # not locked meanwhile
                for draft in kept:
                    self._offer(session, workspace, draft)

        operations.run(
            self.window,
            lambda _progress: session.drafts.mine(),
            label="Looking for unfinished forms…",
            on_success=offer,
        )

    def _offer(self, session: Session, workspace: Workspace, draft: Draft) -> None:
        from ui.areas.home import local_time
        from ui.form_parts import confirm

        def reopen() -> None:
            taken = session.drafts.take(draft.id)
            if not workspace.restore_draft(taken):
                session.drafts.discard(taken.id)

        confirm(
            self.window,
            "Unfinished form",
            f"You were filling in “{draft.title}” when the screen locked "
            f"({local_time(draft.saved_at)}). Open it again to finish it?",
            "Open it",
            reopen,
        ).setObjectName("draftOffer")

    def recovered(self, session: Session, key: RecoveryKey) -> None:
        from ui.recovery_sheet import show_recovery_sheet

        self.signed_in(session)
        show_recovery_sheet(self.window, session, key)

    def change_password(self) -> None:
        if self.session is not None:
            from ui.account import ChangePasswordDialog

            ChangePasswordDialog(self.session, parent=self.window).open()

    # --- restoring a backup (from the sign-in page: nobody is signed in) --------------------------

    def open_restore(self) -> RestoreDialog | None:
        if self.session is not None:
            return None
        from app.restore import check_for_restore, restore_in
        from ui.restore_dialog import RestoreDialog

        vault, clock = self.vault, self.clock
        folder = vault.paths.folder
        dialog = RestoreDialog(
            folder,
            check=lambda path, proof: check_for_restore(
                folder, path, proof, keyring=vault.device_keyring, clock=clock
            ),
            swap=lambda path, proof, confirm: restore_in(vault, path, proof, confirm=confirm),
            prefer_key=False,
            parent=self.window,
        )
        dialog.restored.connect(self.restored)
        dialog.open()
        return dialog

    def restored(self, result: RestoreResult) -> None:
        """A fresh sign-in page (nothing typed before the swap survives it), and what happened."""
        from ui.restore_dialog import restored_sentence

        self.show_sign_in()
        inform(self.window, "Backup restored", restored_sentence(result), name="restoredDialog")

    def restored_at_start(self, result: RestoreResult) -> None:
        """After a restore at first run or over a vault that would not open: say what came
        back, and on a new computer open the recovery key dialog, which sets the manager's
        password and binds the accounts to this computer."""
        from ui.restore_dialog import restored_sentence

        inform(self.window, "Backup restored", restored_sentence(result), name="restoredDialog")
        if result.pre_restore is None and self.sign_in_page is not None:
            self.sign_in_page.open_recovery()  # a new computer: the staff passwords are bound elsewhere

    # --- locking ---------------------------------------------------------------------------------

    def lock(self, reason: str = "on demand") -> None:
        """The clear-screen lock. Never asks, never waits, never fails."""
        from app.session import CloseReason
        from ui.lock_screen import LockScreen  # imported at sign-in (load_signed_in_modules)

        session = self.session
        if session is None:
            return
        self.last_lock_reason = reason
        kept = self._clear_screen()
        me = session.me
        self.locked_as = (me.username, me.full_name)
        locked_at = self.clock.now().astimezone().strftime("%H:%M")
        screen = LockScreen(self.vault, me.username, me.full_name, locked_at)
        screen.unlocked.connect(self.signed_in)
        screen.switch_user.connect(self.show_sign_in)
        self.window.show_page(screen, "Locked")
        # The drafts and the audit entry are written now; the connection closes on a thread of
        # its own, so the lock screen is drawn without waiting for the WAL to be copied in.
        session.close(CloseReason.LOCK, drafts=kept, wait=False)

    def sign_out(self) -> None:
        from app.session import CloseReason

        session = self.session
        if session is None:
            return
        from ui.backups import show_failure, sign_out_backup

        kept = self._clear_screen()
        self.show_sign_in()
        session.keep_drafts(kept)  # now: whatever happens to the backup, the drafts are safe

        def closed(failure: str | None) -> None:
            session.close(CloseReason.SIGN_OUT, wait=False)
            if failure is not None:
                show_failure(self.window, failure)

        sign_out_backup(self.window, session, on_done=closed)  # off the UI thread

    def daily_backup_check(self) -> None:
        """The hourly look: back up off the UI thread if no automatic backup in 24 hours."""
        session = self.session
        if session is None or not session.is_open or self.workspace is None:
            return  # signed out, locked, or still at the password or policy screen
        from ui.backups import daily_backup

        daily_backup(self.window, session)

    def _clear_screen(self) -> list[DraftForm]:
        """Steps 1-4 of the lock; returns the drafts for the session to keep."""
        self.session = None  # first: a dialog closing below may ask to sign out again
        from ui import operations  # not at start-up: it builds the Qt namespace (ui.main_window)

        kept = drafts.collect()
        operations.abandon_all()
        close_other_windows(self.window)
        self.clipboard.clear_if_ours()
        if self.workspace is not None:
            self.workspace.forget()
            self.workspace = None
        self.idle.stop()
        self.daily_backup_timer.stop()
        self.window.hide_idle_warning()
        self.window.set_signed_in(False)
        return kept

    closing_backup: ClosingBackup | None = None  # the close backup under way, if any

    def shut_down(self, *, wait: bool = False) -> None:
        """The window is closing (``MainWindow.closing``): sign out, make the close backup,
        release the vault.

        Signed in: the screen clears at once as at sign-out (drafts kept), the window holds the
        close and shows "Backing up before closing…" while the backup runs off the UI thread,
        then the session closes and the window closes for real; a failure is shown first (until
        OK, or a minute). A second close meanwhile starts no second backup and does not close
        early: quitting mid-copy would lose no record, only that backup, but it would skip the
        sign-out record and leave the copy's temporary file behind, and closing the session
        would wait anyway for the database lock the copy holds. Signed out or locked (no open
        session): the vault is released at once, no backup.

        ``wait=True`` is ``Program.clean_up`` after the event loop has stopped (``app.quit``
        from elsewhere), when nothing queued will be delivered any more: a running close backup
        is waited for, or a session still open gets its backup here, synchronously.
        """
        closing = self.closing_backup
        if closing is not None:
            from app.session import CloseReason
            from ui.backups import CLOSE_WAIT_SECONDS

            if not wait:
                return  # the backup is still running: the window keeps waiting for it
            if not closing.finished.wait(CLOSE_WAIT_SECONDS):
                return  # a stuck drive: leave it to the process's end, which drops the vault lock
            closing.session.close(CloseReason.SIGN_OUT)
            self.closing_backup = None
            self.window.close_held = False
        session = self.session
        if session is not None and session.is_open and not wait:
            from app.session import CloseReason
            from ui.backups import ClosingBackup, closing_page, show_closing_failure

            kept = self._clear_screen()
            session.keep_drafts(kept)  # now: whatever happens to the backup, the drafts are safe
            self.window.close_held = True
            self.window.show_page(closing_page(), "Closing")

            def backed_up(failure: str | None) -> None:
                session.close(CloseReason.SIGN_OUT)
                if failure is None:
                    close_now()
                else:
                    show_closing_failure(self.window, failure, then=close_now)

            def close_now() -> None:
                self.closing_backup = None
                self.window.close_held = False
                self.window.close()  # this time the window goes: here again, then the vault

            self.closing_backup = ClosingBackup(self.window, session, on_done=backed_up)
            return
        self.os_watcher.stop()
        if session is not None:  # the clean-up's fallback, with no event loop to wait in
            from app.session import CloseReason
            from ui.backups import back_up_before_closing

            kept = self._clear_screen()
            back_up_before_closing(session, "close")  # logged if it fails: the program is ending
            session.close(CloseReason.SIGN_OUT, drafts=kept)
        self.vault.close()


def close_other_windows(main: QWidget) -> None:
    """Close every dialog, preview and menu; each forgets what it showed first."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    while (popup := QApplication.activePopupWidget()) is not None:
        popup.close()
        if QApplication.activePopupWidget() is popup:
            break
    for widget in QApplication.topLevelWidgets():
        if widget is main or not widget.isVisible():
            continue
        forget = getattr(widget, "forget", None)
        if callable(forget):
            forget()
        if isinstance(widget, QDialog):
            widget.reject()
        elif isinstance(widget, QMenu):
            widget.hide()
        widget.close()
    # Dialogs parented to the window are top-level widgets too, but hidden ones still hold text.
    for dialog in main.findChildren(QDialog):
        forget = getattr(dialog, "forget", None)
        if callable(forget):
            forget()
        dialog.reject()
        dialog.deleteLater()


def load_signed_in_modules() -> None:
    """Import what the first minutes after sign-in use, ahead: called on the sign-in worker
    thread, so the workspace opens without waiting for imports on the UI thread. Only imports:
    no widget is made here."""
    import ui.account
    import ui.acknowledgement
    import ui.backups
    import ui.lock_screen
    import ui.workspace  # noqa: F401
