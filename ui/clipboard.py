"""Clearing the clipboard at lock, but only when it still holds what was copied in Sharewise.

Text someone copied from another program is theirs; text copied from a child's record must not
outlive the lock. ``ownsClipboard`` answers this on Windows and X11; elsewhere we note whether
the clipboard last changed while Sharewise was the active application.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QClipboard, QGuiApplication


class ClipboardGuard(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ours = False
        QGuiApplication.clipboard().dataChanged.connect(self._changed)

    def _changed(self) -> None:
        from PySide6.QtCore import Qt  # not at start-up: see ui.main_window

        clipboard = QGuiApplication.clipboard()
        self._ours = clipboard.ownsClipboard() or (
            QGuiApplication.applicationState() == Qt.ApplicationState.ApplicationActive
        )

    def holds_our_text(self) -> bool:
        clipboard = QGuiApplication.clipboard()
        return bool(clipboard.text()) and (clipboard.ownsClipboard() or self._ours)

    def clear_if_ours(self) -> bool:
        clipboard = QGuiApplication.clipboard()
        cleared = False
        if self.holds_our_text():
            clipboard.clear(QClipboard.Mode.Clipboard)
            cleared = True
        if clipboard.supportsSelection() and clipboard.ownsSelection():
            clipboard.clear(QClipboard.Mode.Selection)  # X11's middle-click selection
            cleared = True
        self._ours = False
        return cleared
