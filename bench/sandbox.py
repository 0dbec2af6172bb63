"""Child processes that cannot reach the real user's session: a throwaway home, no D-Bus, and
optionally a private X server. Shared by the start-up benchmark and the real-window test, so
both measure and drive the program in the same clean surroundings."""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Inherited variables that would let a child reach the real user's session, keyring or display.
SESSION_VARIABLES = (
    "DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS", "GNOME_KEYRING_CONTROL", "SSH_AUTH_SOCK",
    "XAUTHORITY", "DISPLAY", "WAYLAND_DISPLAY", "SESSION_MANAGER", "SHAREWISE_TEST_CHEAP_KDF",
    "QT_QPA_PLATFORM",
)


def compile_program() -> None:
    """Byte code for every module of the program, as an installed copy has it. Sources changed
    while the project is worked on would otherwise be compiled again in every measured process
    (``PYTHONDONTWRITEBYTECODE`` is common in development shells and CI), which is not the
    program's own time."""
    import sys

    subprocess.run([sys.executable, "-m", "compileall", "-q", "app", "ui", "bench"], cwd=ROOT, check=False)


def isolated_env(
    base: Path, qpa: str, display: str | None = None, xauthority: Path | None = None
) -> dict[str, str]:
    """The current environment minus the session, with HOME, XDG folders and TMPDIR under ``base``.

    The D-Bus addresses point at sockets that do not exist: no autolaunch, no Secret Service, and
    the real desktop's screen lock or sleep cannot lock the program half-way through.
    """
    env = {k: v for k, v in os.environ.items() if k not in SESSION_VARIABLES}
    home, runtime, temp = base / "home", base / "runtime", base / "tmp"
    for folder in (home / ".config", home / ".local" / "share", home / ".cache", temp):
        folder.mkdir(parents=True, exist_ok=True)
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_RUNTIME_DIR=str(runtime),
        TMPDIR=str(temp),
        QT_QPA_PLATFORM=qpa,
        PYTHONIOENCODING="utf-8",
        DBUS_SESSION_BUS_ADDRESS=f"unix:path={base / 'no-session-bus'}",
        DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={base / 'no-system-bus'}",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    if display is not None:
        env["DISPLAY"] = display
    if xauthority is not None:
        env["XAUTHORITY"] = str(xauthority)
    return env


@contextmanager
def private_xvfb(folder: Path, timeout: float = 30) -> Iterator[tuple[str, Path]]:
    """A private Xvfb on a display number it picks itself (-displayfd), cookie-protected, killed
    afterwards. Yields (":N", xauthority file). ``RuntimeError`` if it cannot start."""
    xvfb_path, xauth_path = shutil.which("Xvfb"), shutil.which("xauth")
    if xvfb_path is None or xauth_path is None:
        raise RuntimeError("Xvfb and xauth are needed (apt-get install xvfb xauth)")
    xauthority = folder / "xauthority"
    xauthority.touch(mode=0o600)
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        [xvfb_path, "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp",
         "-auth", str(xauthority)],
        pass_fds=(write_fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd, "rb") as reader:
            # -displayfd writes the number once the server accepts connections.
            ready, _, _ = select.select([reader], [], [], timeout)
            number = reader.readline().decode().strip() if ready else ""
        if not number.isdigit():
            raise RuntimeError(f"Xvfb did not start (exit code {server.poll()})")
        display = f":{number}"
        subprocess.run(
            [xauth_path, "-f", str(xauthority), "add", display, ".", os.urandom(16).hex()],
            check=True, capture_output=True, timeout=timeout,
        )
        yield display, xauthority
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
