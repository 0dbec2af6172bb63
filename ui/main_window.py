"""The one main window. Its central area shows one page at a time: sign-in, the workspace of a
signed-in person, or the lock screen. Swapping the page is how locking hides everything at once:
the workspace widget (with every table model and form in it) is taken out and destroyed.

The title only ever names the program and the area ("Sharewise — Staff"), never a child.

Start-up time: nothing here touches the ``Qt`` namespace until someone signs in. PySide6 builds
all 94 of its enums (about 1,200 members) the first time any of them is used, about 15–20 ms;
the sign-in page does without them, so that cost falls on the first sign-in, beside Argon2id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent  # made with QEvent, which start-up goes without (ui.idle)

GEOMETRY_KEY = "window/geometry"  # the only thing Sharewise keeps in QSettings
DEMO_BANNER = "Demo data — fictional. Nothing here is about real people."


def set_shortcut(action: QAction, keys: QKeySequence) -> None:
    """``QAction.setShortcut`` chooses between its overloads by looking at ``Qt.Key``, which
    builds the whole Qt namespace (see the module's note); the ``shortcut`` property takes the
    same key sequence without that."""
    action.setProperty("shortcut", keys)


def title_for(page: str | None) -> str:
    return "Sharewise" if not page else f"Sharewise — {page}"


class MainWindow(QMainWindow):
    lock_requested = Signal()
    sign_out_requested = Signal()
    change_password_requested = Signal()
    closing = Signal()

    def __init__(self, *, demo: bool = False) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(title_for(None))
        self.setMinimumSize(720, 480)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        if demo:
            from PySide6.QtCore import Qt  # the demo only: a real setting's sign-in page goes without

            banner = QLabel(DEMO_BANNER)
            banner.setObjectName("demoBanner")
            banner.setAccessibleName("Demo data banner")
            banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
            banner.setStyleSheet("background: #8a4b00; color: white; font-weight: bold; padding: 6px;")
            layout.addWidget(banner)
        self.idle_warning = QLabel()
        self.idle_warning.setObjectName("idleWarning")
        self.idle_warning.setAccessibleName("Lock warning")
        self.idle_warning.setStyleSheet("background: #fff3c4; color: #3d2e00; padding: 8px;")
        self.idle_warning.hide()
        layout.addWidget(self.idle_warning)
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.toolbar = QToolBar("Session")
        self.toolbar.setObjectName("sessionToolbar")
        self.toolbar.setMovable(False)
        self.lock_action = QAction("&Lock screen", self)
        self.lock_action.setObjectName("lockAction")
        set_shortcut(self.lock_action, QKeySequence("Ctrl+L"))
        self.lock_action.setToolTip("Lock the screen now (Ctrl+L)")
        self.lock_action.triggered.connect(self.lock_requested.emit)
        self.password_action = QAction("Change &password…", self)
        self.password_action.setObjectName("changePasswordAction")
        self.password_action.triggered.connect(self.change_password_requested.emit)
        self.sign_out_action = QAction("Sign &out", self)
        self.sign_out_action.setObjectName("signOutAction")
        self.sign_out_action.triggered.connect(self.sign_out_requested.emit)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setObjectName("quitAction")
        set_shortcut(self.quit_action, QKeySequence(QKeySequence.StandardKey.Quit))
        if self.quit_action.shortcut().isEmpty():  # Windows has no standard Quit key
            set_shortcut(self.quit_action, QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.addAction(self.quit_action)
        for action in (self.lock_action, self.password_action, self.sign_out_action):
            self.toolbar.addAction(action)
        self.addToolBar(self.toolbar)

        # Help works signed out too: About shows versions only, nothing personal.
        self.about_dialog: QDialog | None = None
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.setObjectName("helpMenu")
        self.about_action = QAction("&About Sharewise", self)
        self.about_action.setObjectName("aboutAction")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)  # macOS: the application menu
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)
        self.set_signed_in(False)

    def show_about(self) -> None:
        """One About box, made when first asked for and kept until the lock deletes it with every
        other dialog (it holds nothing personal: versions only)."""
        if self.about_dialog is None:
            from ui.about import AboutDialog  # loads only when asked for

            self.about_dialog = AboutDialog(self)
            # The lock deletes every dialog of the window: then the next one is made afresh.
            self.about_dialog.destroyed.connect(self._about_gone)
        self.about_dialog.open()

    def _about_gone(self) -> None:
        self.about_dialog = None

    def set_signed_in(self, signed_in: bool) -> None:
        if signed_in and not self._signed_in_once:
            self._finish_for_signed_in()
        self.toolbar.setVisible(signed_in)
        for action in (self.lock_action, self.password_action, self.sign_out_action):
            action.setEnabled(signed_in)

    _signed_in_once = False

    def _finish_for_signed_in(self) -> None:
        """What only a signed-in person meets, set at the first sign-in (see the module's note):
        the toolbar's look, the countdown's alignment, and Ctrl+L and Ctrl+Q working from any
        window of the program (on the sign-in page the main window is the only one open)."""
        from PySide6.QtCore import Qt

        self._signed_in_once = True
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.idle_warning.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for action in (self.lock_action, self.quit_action):
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    def show_page(self, page: QWidget, title: str | None) -> None:
        """Replace whatever was shown; the old page is destroyed with all it held."""
        old = [self.pages.widget(i) for i in range(self.pages.count())]
        self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)
        for widget in old:
            self.pages.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self.setWindowTitle(title_for(title))
        page.setFocus()

    def current_page(self) -> QWidget | None:
        return self.pages.currentWidget()

    def show_idle_warning(self, seconds: int) -> None:
        self.idle_warning.setText(
            f"Sharewise will lock in {seconds} seconds because nobody has used it. "
            "Move the mouse or press a key to keep working."
        )
        self.idle_warning.show()

    def hide_idle_warning(self) -> None:
        self.idle_warning.hide()

    def restore_geometry(self) -> None:
        stored = QSettings().value(GEOMETRY_KEY)
        if isinstance(stored, QByteArray | bytes) and self.restoreGeometry(QByteArray(stored)):
            return
        self.resize(1100, 720)

    # Set by the shell while it makes the close backup: the close is held, and the shell closes
    # the window again itself once the backup is done.
    close_held = False

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()  # the shell: at once when signed out, or it starts the close backup
        if self.close_held:
            event.ignore()  # the window stays, showing "Backing up before closing…"
            return
        QSettings().setValue(GEOMETRY_KEY, self.saveGeometry())
        event.accept()
