"""logind's sleep and session-lock signals reach Sharewise's lock (a stand-in logind on a private bus)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROBE = Path(__file__).with_name("dbus_logind_probe.py")


def run_probe(**extra: str) -> dict[str, Any]:
    tool = shutil.which("dbus-run-session")
    if tool is None:
        if os.environ.get("SHAREWISE_REQUIRE_INTEGRATION") == "1":
            pytest.fail("dbus-run-session is required in CI")
        pytest.skip("dbus-run-session is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBUS_") and k != "XDG_SESSION_ID"}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(Path(__file__).parents[2]), **extra)
    done = subprocess.run(
        [tool, "--", sys.executable, str(PROBE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stdout + done.stderr[-2000:]
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def test_session_found_by_pid_with_a_real_uint() -> None:
    result = run_probe()
    assert result["calls"][:1] == ["GetSessionByPID(u)"]  # logind rejects an 'i'
    assert "logind PrepareForSleep" in result["sources"]
    assert "logind session Lock" in result["sources"]
    # Sleep(false) and another session's Lock are ignored.
    assert result["received"] == ["sleep", "session_locked"]


@pytest.mark.parametrize(
    ("extra", "calls"),
    [
        ({"XDG_SESSION_ID": "c7"}, ["GetSessionByPID(u)", "GetSession(s)"]),
        ({}, ["GetSessionByPID(u)", "GetSession(s)"]),  # "auto"
        ({"XDG_SESSION_ID": "gone"}, ["GetSessionByPID(u)", "GetSession(s)", "GetSession(s)"]),
    ],
)
def test_session_fallbacks_when_the_pid_is_in_no_session(extra: dict[str, str], calls: list[str]) -> None:
    result = run_probe(STAND_IN_PID_FAILS="1", **extra)
    assert result["calls"][: len(calls)] == calls
    assert result["received"] == ["sleep", "session_locked"]
