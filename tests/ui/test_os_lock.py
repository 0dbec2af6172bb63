"""The operating system's lock, user switch and sleep reach Sharewise's lock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ui.os_lock import windows_lock_reason

PROBE = Path(__file__).with_name("dbus_screensaver_probe.py")


@pytest.mark.parametrize(
    ("message", "wparam", "reason"),
    [
        (0x02B1, 0x7, "session_locked"),
        (0x02B1, 0x2, "user_switched"),
        (0x02B1, 0x4, "user_switched"),
        (0x02B1, 0x8, None),  # unlock: nothing to do
        (0x0218, 0x4, "sleep"),
        (0x0218, 0x7, None),  # resume
        (0x0010, 0x7, None),  # WM_CLOSE
    ],
)
def test_windows_messages_that_lock(message: int, wparam: int, reason: str | None) -> None:
    assert windows_lock_reason(message, wparam) == reason


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("SHAREWISE_REQUIRE_INTEGRATION") == "1":
            pytest.fail(f"{tool} is required in CI")
        pytest.skip(f"{tool} is not installed")
    return found


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBUS_")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(Path(__file__).parents[2]), **extra)
    return env


def test_a_real_screen_saver_signal_requests_a_lock_and_its_end_does_not() -> None:
    run_session = _need("dbus-run-session")
    _need("dbus-send")
    done = subprocess.run(
        [run_session, "--", sys.executable, str(PROBE)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = dict(
        line.split(": ", 1) if ": " in line else (line.rstrip(":"), "") for line in done.stdout.splitlines()
    )
    assert "org.freedesktop.ScreenSaver ActiveChanged" in lines["sources"]
    assert lines["received"] == "screensaver"  # true locked once; false did nothing


def test_no_bus_at_all_is_not_an_error(tmp_path: Path) -> None:
    code = (
        "from PySide6.QtCore import QCoreApplication\nfrom ui.os_lock import OsLockWatcher\n"
        "app = QCoreApplication([])\nw = OsLockWatcher()\nprint('sources', w.start())\nw.stop()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(
            DBUS_SESSION_BUS_ADDRESS=f"unix:path={tmp_path / 'nothing-here'}",
            DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={tmp_path / 'no-system-bus'}",
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "sources []" in done.stdout
