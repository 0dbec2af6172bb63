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

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QWidget

from app.clock import Clock
from app.demo import DemoAccount
from app.drafts import Draft, DraftForm
from app.session import CloseReason, Session
from app.settings import AUTO_LOCK_MINUTES, PROVIDER_NAME
from app.vault.recovery_key import RecoveryKey
from app.vault.vault import Vault
from ui import drafts, operations
from ui.account import ChangePasswordDialog
from ui.acknowledgement import AcknowledgementDialog
from ui.areas.home import local_time
from ui.backups import back_up_before_closing, daily_backup, show_failure, sign_out_backup
from ui.clipboard import ClipboardGuard
from ui.form_parts import confirm
from ui.idle import IdleMonitor
from ui.lock_screen import LockScreen
from ui.main_window import MainWindow
from ui.os_lock import OsLockWatcher
from ui.recovery_sheet import show_recovery_sheet
from ui.sign_in import SignInPage
from ui.workspace import Workspace

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
        self.last_lock_reason = ""
        self.window = MainWindow(demo=bool(demo_accounts))
        self.window.lock_requested.connect(lambda: self.lock("on demand"))
        self.window.sign_out_requested.connect(self.sign_out)
        self.window.change_password_requested.connect(self.change_password)
        self.window.closing.connect(self.shut_down)
        self.idle = IdleMonitor(clock, AUTO_LOCK_MINUTES.default, self)
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
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # After sleep, the first thing many platforms report is the window becoming active
            # again: let the wall clock decide at once rather than at the next tick.
            app.applicationStateChanged.connect(lambda _state: self.idle.check())

    # --- pages -----------------------------------------------------------------------------------

    def start(self) -> None:
        self.window.restore_geometry()
        self.show_sign_in()
        self.window.show()
        if self._watch_os:
            self.os_watcher.start(self.window)

    def show_sign_in(self) -> None:
        self.locked_as = None
        page = SignInPage(self.vault, self.provider_name, self.demo_accounts)
        page.signed_in.connect(self.signed_in)
        page.recovered.connect(self.recovered)
        self.window.set_signed_in(False)
        self.window.show_page(page, "Sign in")

    def signed_in(self, session: Session) -> None:
        self.session = session
        self.locked_as = None
        self.window.set_signed_in(True)
        self.idle.set_minutes(session.settings.get(AUTO_LOCK_MINUTES))
        self.provider_name = session.settings.get(PROVIDER_NAME)
        if session.must_change_password:
            self.window.show_page(QWidget(), "Choose your password")
            dialog = ChangePasswordDialog(session, first_time=True, parent=self.window)
            dialog.changed.connect(lambda: self._confirm_policy(session))
            dialog.rejected.connect(self.sign_out)
            dialog.open()
        else:
            self._confirm_policy(session)
        self.idle.start()
        self.daily_backup_timer.start()

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
        session, workspace = self.session, self.workspace
        if session is None or workspace is None or not session.is_open:
            return
        for draft in session.drafts.mine():
            self._offer(session, workspace, draft)

    def _offer(self, session: Session, workspace: Workspace, draft: Draft) -> None:
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
        self.signed_in(session)
        show_recovery_sheet(self.window, session, key)

    def change_password(self) -> None:
        if self.session is not None:
            ChangePasswordDialog(self.session, parent=self.window).open()

    # --- locking ---------------------------------------------------------------------------------

    def lock(self, reason: str = "on demand") -> None:
        """The clear-screen lock. Never asks, never waits, never fails."""
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
        session.close(CloseReason.LOCK, drafts=kept)

    def sign_out(self) -> None:
        session = self.session
        if session is None:
            return
        kept = self._clear_screen()
        self.show_sign_in()
        session.keep_drafts(kept)  # now: whatever happens to the backup, the drafts are safe

        def closed(failure: str | None) -> None:
            session.close(CloseReason.SIGN_OUT)
            if failure is not None:
                show_failure(self.window, failure)

        sign_out_backup(self.window, session, on_done=closed)  # off the UI thread

    def daily_backup_check(self) -> None:
        """The hourly look: back up off the UI thread if no automatic backup in 24 hours."""
        session = self.session
        if session is None or not session.is_open or self.workspace is None:
            return  # signed out, locked, or still at the password or policy screen
        daily_backup(self.window, session)

    def _clear_screen(self) -> list[DraftForm]:
        """Steps 1-4 of the lock; returns the drafts for the session to keep."""
        self.session = None  # first: a dialog closing below may ask to sign out again
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

    def shut_down(self) -> None:
        """The window is closing: sign out (keeping half-typed forms), release the vault."""
        self.os_watcher.stop()
        session = self.session
        if session is not None:
            kept = self._clear_screen()
            back_up_before_closing(session, "close")  # logged if it fails: the window is going
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
