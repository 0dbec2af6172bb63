"""Help → About Sharewise: the versions (Sharewise, SQLCipher, Qt, PySide6, Python), signed out or
in, and a Copy button whose text holds nothing about the setting or its people."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from app import version
from app.self_test import library_versions
from tests.conftest import MANAGER_NAME, MANAGER_USERNAME, PROVIDER
from tests.ui.conftest import find, sign_in_through_window, top_level
from ui.about import AboutDialog
from ui.main_window import MainWindow
from ui.shell import Shell


def open_about(qtbot: QtBot, window: MainWindow) -> AboutDialog:
    window.about_action.trigger()
    qtbot.waitUntil(lambda: top_level("aboutDialog") is not None, timeout=5_000)
    dialog = top_level("aboutDialog")
    assert isinstance(dialog, AboutDialog)
    return dialog


def test_about_shows_the_versions_signed_out(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.about_action.isEnabled()
    assert window.about_action.text() == "&About Sharewise"
    assert window.about_action in find(window, QMenu, "helpMenu").actions()
    dialog = open_about(qtbot, window)
    assert dialog.windowTitle() == "About Sharewise"
    assert find(dialog, QLabel, "aboutHeading").text() == f"<b>Sharewise {version()}</b>"
    shown = find(dialog, QLabel, "versionsLabel").text().splitlines()
    core = library_versions()
    assert core.sqlcipher  # a real SQLCipher, not the empty answer of plain SQLite
    assert shown[:3] == [
        f"SQLCipher {core.sqlcipher} (SQLite {core.sqlite})",
        f"Qt {qVersion()} (PySide6 {PySide6.__version__})",
        f"Python {platform.python_version()}",
    ]
    assert shown[3].startswith("System: ")
    find(dialog, QPushButton, "closeButton").click()
    qtbot.waitUntil(lambda: top_level("aboutDialog") is None, timeout=5_000)
    assert open_about(qtbot, window) is dialog  # asked again: the same box


def test_copy_puts_the_versions_and_nothing_personal_on_the_clipboard(shell: Shell, qtbot: QtBot) -> None:
    sign_in_through_window(qtbot, shell)
    QApplication.clipboard().setText("")
    dialog = open_about(qtbot, shell.window)
    find(dialog, QPushButton, "copyVersionsButton").click()
    copied = QApplication.clipboard().text()
    assert copied.splitlines()[0] == f"Sharewise {version()}"
    assert f"Qt {qVersion()} (PySide6 {PySide6.__version__})" in copied
    assert f"Python {platform.python_version()}" in copied
    for personal in (PROVIDER.name, MANAGER_NAME, MANAGER_USERNAME, "Zoë"):
        assert personal not in copied
        assert personal not in dialog.findChild(QLabel, "versionsLabel").text()
    assert find(dialog, QPushButton, "copyVersionsButton").text() == "Copied"


def test_the_lock_closes_the_about_box_like_every_dialog(shell: Shell, qtbot: QtBot) -> None:
    sign_in_through_window(qtbot, shell)
    open_about(qtbot, shell.window)
    shell.window.lock_action.trigger()
    qtbot.waitUntil(lambda: shell.session is None, timeout=10_000)
    qtbot.waitUntil(lambda: top_level("aboutDialog") is None, timeout=5_000)
    assert shell.window.about_action.isEnabled()  # still there on the lock screen: nothing personal
    # The lock deleted the box with every other dialog: asking again makes a new one.
    qtbot.waitUntil(lambda: shell.window.about_dialog is None, timeout=5_000)
    again = open_about(qtbot, shell.window)
    assert find(again, QLabel, "aboutHeading").text() == f"<b>Sharewise {version()}</b>"

