"""A real vault (cheap KDF, memory keyring, manual clock) under the real shell, offscreen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.session import Session
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest
from ui import operations
from ui.shell import Shell


@pytest.fixture(autouse=True)
def freed_on_the_gui_thread() -> Iterator[None]:
    """Free each test's widgets at its end, on the GUI thread. Left to a later garbage collection
    they could be freed from an operation's worker thread while another test walks every widget
    (the lock does), which crashed Qt now and then."""
    yield
    gc.collect()


def find(root: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = root.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def top_level(name: str) -> QWidget | None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == name and widget.isVisible():
            return widget
    return None


def wait_idle(qtbot: QtBot) -> None:
    """Wait until every background operation has delivered its result."""
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)
    qtbot.wait(10)


def sign_in_through_window(
    qtbot: QtBot,
    shell: Shell,
    username: str = MANAGER_USERNAME,
    password: str = MANAGER_PASSWORD,
    *,
    confirm_policy: bool = True,
) -> Session:
    """Sign in on the sign-in page. A person who has not yet confirmed the confidentiality and
    information-sharing policy (everyone at their first sign-in) then confirms it, as they would,
    unless ``confirm_policy`` is False (for tests of that screen)."""
    page = shell.window.current_page()
    assert page is not None and page.objectName() == "signInPage"
    find(page, QLineEdit, "usernameEdit").setText(username)
    find(page, QLineEdit, "passwordEdit").setText(password)
    find(page, QPushButton, "signInButton").click()
    qtbot.waitUntil(lambda: shell.session is not None, timeout=10_000)
    wait_idle(qtbot)
    assert shell.session is not None
    if confirm_policy:
        confirm_the_policy(qtbot, shell)
    return shell.session


def unlock_through_window(qtbot: QtBot, shell: Shell, password: str = MANAGER_PASSWORD) -> Session:
    """Type the password on the lock screen and unlock; wait until the work after it is done."""
    page = shell.window.current_page()
    assert page is not None and page.objectName() == "lockScreen"
    find(page, QLineEdit, "unlockPasswordEdit").setText(password)
    find(page, QPushButton, "unlockButton").click()
    qtbot.waitUntil(lambda: shell.session is not None and shell.workspace is not None, timeout=10_000)
    wait_idle(qtbot)
    assert shell.session is not None
    return shell.session


def confirm_the_policy(qtbot: QtBot, shell: Shell) -> None:
    """If the "Before you start" screen is up, tick the box and confirm, then wait for the workspace."""
    dialog = top_level("acknowledgementDialog")
    if dialog is None:
        return
    find(dialog, QCheckBox, "acknowledgeCheck").setChecked(True)
    find(dialog, QPushButton, "confirmButton").click()
    qtbot.waitUntil(lambda: shell.workspace is not None, timeout=10_000)
    wait_idle(qtbot)


@pytest.fixture
def shell(made_vault: VaultUnderTest, qtbot: QtBot) -> Iterator[Shell]:
    """The shell on the sign-in page of ``made_vault`` (whose own session is signed out)."""
    yield from running_shell(made_vault, qtbot)


def running_shell(made_vault: VaultUnderTest, qtbot: QtBot) -> Iterator[Shell]:
    """The ``shell`` fixture's body, for fixtures outside tests/ui that start it later."""
    made_vault.session.close()
    made_vault.clock.advance(1)
    running = Shell(made_vault.vault, clock=made_vault.clock, watch_os=False)
    running.start()
    qtbot.addWidget(running.window)
    yield running
    operations.abandon_all()
    for widget in QApplication.topLevelWidgets():
        if widget is not running.window and widget.isVisible():
            widget.close()
    if running.session is not None:
        running.session.close()
    running.idle.stop()
