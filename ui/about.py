"""Help → About Sharewise: the versions IT support asks for, and a button to copy them.

Shows nothing about the setting or anyone in it, so it works signed out and needs no
permission. The versions come from the core (``app.self_test.library_versions``: SQLCipher is
asked directly) and from Qt.
"""

from __future__ import annotations

import platform

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.self_test import library_versions
from ui.self_test import qt_versions

DESCRIPTION = (
    "Encrypted children's records, concern log and information-sharing decisions for early-years settings."
)
SUPPORT = (
    "When you report a problem, copy these versions into your email. Never send records, names "
    "or screenshots of a child's details."
)


def version_lines() -> list[str]:
    """What the Copy button puts on the clipboard: versions and the system, nothing personal."""
    core = library_versions()
    qt, pyside = qt_versions()
    return [
        f"Sharewise {core.sharewise}",
        f"SQLCipher {core.sqlcipher or 'MISSING'} (SQLite {core.sqlite})",
        f"Qt {qt} (PySide6 {pyside})",
        f"Python {core.python}",
        f"System: {platform.platform(terse=True)}",
    ]


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Sharewise")
        self.lines = version_lines()

        heading = QLabel(f"<b>{self.lines[0]}</b>")
        heading.setObjectName("aboutHeading")
        description = QLabel(DESCRIPTION)
        description.setWordWrap(True)
        self.versions = QLabel("\n".join(self.lines[1:]))
        self.versions.setObjectName("versionsLabel")
        self.versions.setAccessibleName("Versions")
        self.versions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        support = QLabel(SUPPORT)
        support.setObjectName("supportLabel")
        support.setWordWrap(True)

        self.copy_button = QPushButton("Copy versions")
        self.copy_button.setObjectName("copyVersionsButton")
        self.copy_button.setAccessibleDescription(
            "Copies the versions (nothing personal) for a support email"
        )
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy)
        close = QPushButton("Close")
        close.setObjectName("closeButton")
        close.setDefault(True)
        close.clicked.connect(self.accept)

        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(description)
        layout.addWidget(self.versions)
        layout.addWidget(support)
        layout.addLayout(buttons)
        self.setMinimumWidth(440)

    def showEvent(self, event: QShowEvent) -> None:
        self.copy_button.setText("Copy versions")  # shown again: nothing copied yet
        super().showEvent(event)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self.lines))
        self.copy_button.setText("Copied")
