"""Home after sign-in: the greeting, the setting's name and the auto-lock minutes, with the
settings read off the UI thread (at sign-in the badge counts hold the database, and the window
waited for them: a stall the benchmark's watchdog found)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.settings import SettingsService
from tests.conftest import MANAGER_NAME, PROVIDER, VaultUnderTest
from tests.ui.conftest import find, sign_in_through_window, wait_idle
from ui.shell import Shell


def test_home_greets_and_reads_its_settings_off_the_ui_thread(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[bool] = []
    original = SettingsService.get

    def recording(self: SettingsService, setting):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread() is threading.main_thread())
        return original(self, setting)

    sign_in_through_window(qtbot, shell)  # the shell itself reads the auto-lock minutes: before
    monkeypatch.setattr(SettingsService, "get", recording)
    assert shell.workspace is not None
    home = shell.workspace.open_area("Home")
    home.opened()  # type: ignore[union-attr]
    wait_idle(qtbot)
    summary = find(shell.window, QLabel, "homeSummary").text()
    assert f"You are signed in to {PROVIDER.name}" in summary
    assert "locks after 5 minutes" in summary
    assert home.greeting.text() == f"Hello, {MANAGER_NAME}"  # type: ignore[union-attr]
    assert threads and not any(threads)  # every settings read ran on a worker thread
