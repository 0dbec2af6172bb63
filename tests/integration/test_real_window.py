"""The installed program in a real X server, driven from the keyboard like a person would.

A private Xvfb (on a display number it picks itself, with its own cookie) runs the INSTALLED
entry point ``sharewise --demo`` (the gui-script next to ``sys.executable``). xdotool waits for
each window title, gives the window the keyboard focus and types: the first demo account's
username, Tab, its password, Return → "Sharewise — Home"; Ctrl+2, Ctrl+3, Ctrl+4, Ctrl+8 →
"Sharewise — Children", "Sharewise — Concerns", "Sharewise — Sharing", "Sharewise — Staff"; Ctrl+L →
"Sharewise — Locked"; Ctrl+Q → the process exits with code 0 and no Python traceback, and the
throwaway demo vault is gone from its temp folder.

Screenshots of the window at each step are taken by a small PySide6 script on the same display
and written over ``docs/screenshots/{sign-in,signed-in,children,concerns,sharing,staff,locked}.png``
(the README shows them). The test checks none is blank and that the locked screen differs
substantially from the signed-in one. Whether the demo banner is shown is covered by the offscreen tests.

The program gets a throwaway HOME / XDG_* / XDG_RUNTIME_DIR (0700) / TMPDIR and D-Bus addresses
that lead nowhere, so it touches none of the real user's files or services (and the host's own
screen lock cannot lock it mid-test). SHAREWISE_TEST_CHEAP_KDF is
UNSET for it: the demo vault and the sign-in use the real floor Argon2id, as for a person.

Needs ``Xvfb``, ``xauth`` and ``xdotool`` (Debian/Ubuntu: ``apt-get install xvfb xauth
xdotool``). Without them the test is skipped, unless ``SHAREWISE_REQUIRE_INTEGRATION=1`` (set in
CI), when it fails instead. No window manager is needed (focus is set with ``windowfocus``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.sandbox import isolated_env, private_xvfb

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "docs" / "screenshots"
TOOLS = ("Xvfb", "xauth", "xdotool")
DEMO_SETTING = PROJECT / "resources" / "demo" / "setting.json"
WAIT = 60.0  # seconds for any one window title (the demo vault takes Argon2id per account)
EXIT_WAIT = 30.0

# Run as ``python -c GRAB WINDOW_ID PATH`` on the display under test: the window's pixels as a PNG.
GRAB = """\
import sys
from PySide6.QtGui import QGuiApplication

app = QGuiApplication(sys.argv[:1])
screen = app.primaryScreen()
image = screen.grabWindow(int(sys.argv[1]))
if image.isNull():
    image = screen.grabWindow(0)
sys.exit(0 if not image.isNull() and image.save(sys.argv[2], "PNG") else 1)
"""

def unavailable(reason: str) -> None:
    if os.environ.get("SHAREWISE_REQUIRE_INTEGRATION") == "1":
        pytest.fail(f"SHAREWISE_REQUIRE_INTEGRATION=1 but {reason}.", pytrace=False)
    pytest.skip(reason)


def require_tools() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the real-window test runs under Xvfb, on Linux only")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        unavailable(
            f"{' and '.join(missing)} not found: the real-window test needs them "
            "(apt-get install xvfb xauth xdotool)"
        )


def entry_point() -> Path:
    """The installed gui-script, next to the interpreter running the tests."""
    script = Path(sys.executable).parent / "sharewise"
    if not script.is_file():
        unavailable(f"the sharewise entry point is not installed next to {sys.executable} (pip install -e .)")
    return script


def first_demo_account() -> tuple[str, str]:
    staff = json.loads(DEMO_SETTING.read_text(encoding="utf-8"))["staff"]
    assert "manager" in staff[0]["roles"], "the first demo account should be a manager"
    return staff[0]["username"], staff[0]["password"]


@dataclass
class XDisplay:
    name: str  # ":N"
    xauthority: Path


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[XDisplay]:
    """A private Xvfb for this test (see ``bench.sandbox``), killed afterwards."""
    require_tools()
    with ExitStack() as stack:
        try:
            name, xauthority = stack.enter_context(private_xvfb(tmp_path))
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield XDisplay(name, xauthority)


def private_env(tmp_path: Path, display: XDisplay) -> dict[str, str]:
    return isolated_env(tmp_path, "xcb", display.name, display.xauthority)


class Driver:
    """xdotool against one running program; every wait fails early if the program has died."""

    def __init__(self, env: dict[str, str], process: subprocess.Popen[bytes], stderr: Path) -> None:
        self.env = env
        self.process = process
        self.stderr = stderr

    def context(self) -> str:
        return f"exit code {self.process.poll()}\nstderr:\n{self.stderr.read_text('utf-8', 'replace')}"

    def xdotool(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        try:
            done = subprocess.run(
                ["xdotool", *args], env=self.env, capture_output=True, text=True, encoding="utf-8",
                timeout=30, check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"xdotool {' '.join(args)} did not finish in 30 s\n{self.context()}", pytrace=False)
        if check and done.returncode != 0:
            pytest.fail(f"xdotool {' '.join(args)} failed: {done.stderr}\n{self.context()}", pytrace=False)
        return done

    def window_titled(self, title: str) -> str | None:
        found = self.xdotool("search", "--name", f"^{title}$", check=False)
        for window in found.stdout.split():
            name = self.xdotool("getwindowname", window, check=False)
            if name.returncode == 0 and name.stdout.rstrip("\n") == title:
                return window
        return None

    def wait_for(self, title: str, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"the program exited while waiting for “{title}”\n{self.context()}", pytrace=False
                )
            window = self.window_titled(title)
            if window is not None:
                return window
            time.sleep(0.1)
        titles = self.xdotool("search", "--name", "Sharewise", check=False).stdout.split()
        names = [self.xdotool("getwindowname", w, check=False).stdout.strip() for w in titles]
        pytest.fail(f"no window titled “{title}” after {timeout:.0f} s (windows: {names})\n{self.context()}",
                    pytrace=False)

    def assert_no_error_dialog(self, step: str) -> None:
        """ui.errors shows every unexpected exception in a box titled just "Sharewise" (and
        prints no traceback), as does a failed start; the main window always names its page."""
        found = self.xdotool("search", "--onlyvisible", "--name", "^Sharewise$", check=False)
        assert not found.stdout.split(), f"an error dialog is open {step}\n{self.context()}"

    def focus(self, window: str) -> None:
        # Without a window manager windowactivate is refused (no _NET_ACTIVE_WINDOW); with one it
        # raises the window. windowfocus sets the X input focus either way.
        self.xdotool("windowactivate", window, check=False)
        self.xdotool("windowfocus", "--sync", window)
        time.sleep(0.2)

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "30", text)

    def key(self, *keys: str) -> None:
        self.xdotool("key", "--delay", "50", *keys)


def settle() -> None:
    """A title changes before the new page is painted: give it a moment."""
    time.sleep(1.0)


def screenshot(env: dict[str, str], window: str, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    done = subprocess.run(
        [sys.executable, "-c", GRAB, str(int(window)), str(path)], env=env, capture_output=True,
        text=True, timeout=60, check=False,
    )
    assert done.returncode == 0 and path.is_file(), f"screenshot {name} failed:\n{done.stderr}"
    return path


def pixels(path: Path) -> tuple[tuple[int, int], memoryview]:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not an image"
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = bytes(image.constBits())[: image.width() * image.height() * 4]
    return (image.width(), image.height()), memoryview(data).cast("I")


def colours(path: Path) -> int:
    return len(set(pixels(path)[1]))


def differing_fraction(a: Path, b: Path) -> float:
    size_a, pixels_a = pixels(a)
    size_b, pixels_b = pixels(b)
    if size_a != size_b:
        return 1.0
    return sum(x != y for x, y in zip(pixels_a, pixels_b, strict=True)) / len(pixels_a)


def looks_like_traceback(stderr: str) -> bool:
    return "Traceback (most recent call last)" in stderr or "Fatal Python error" in stderr


@pytest.mark.integration
def test_sign_in_staff_lock_and_quit_in_a_real_window(tmp_path: Path, x_display: XDisplay) -> None:
    program = entry_point()
    username, password = first_demo_account()
    env = private_env(tmp_path, x_display)
    stderr_path = tmp_path / "stderr.txt"
    with open(stderr_path, "wb") as stderr, open(tmp_path / "stdout.txt", "wb") as stdout:
        process = subprocess.Popen(
            [str(program), "--demo"], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
            stdout=stdout, stderr=stderr, start_new_session=True,
        )
    driver = Driver(env, process, stderr_path)
    shots: dict[str, Path] = {}
    try:
        window = driver.wait_for("Sharewise — Sign in")
        settle()
        driver.focus(window)
        shots["sign-in"] = screenshot(env, window, "sign-in.png")
        driver.assert_no_error_dialog("after the sign-in page appeared")

        driver.type(username)
        driver.key("Tab")
        driver.type(password)
        driver.key("Return")
        window = driver.wait_for("Sharewise — Home")
        settle()
        shots["signed-in"] = screenshot(env, window, "signed-in.png")
        driver.assert_no_error_dialog("after signing in")

        for keys, area, name in (
            ("ctrl+2", "Children", "children.png"),
            ("ctrl+3", "Concerns", "concerns.png"),
            ("ctrl+4", "Sharing", "sharing.png"),
            ("ctrl+8", "Staff", "staff.png"),
        ):
            driver.focus(window)
            driver.key(keys)
            window = driver.wait_for(f"Sharewise — {area}")
            settle()
            shots[area.lower()] = screenshot(env, window, name)
            driver.assert_no_error_dialog(f"after {keys}")

        driver.focus(window)
        driver.key("ctrl+l")
        window = driver.wait_for("Sharewise — Locked")
        settle()
        shots["locked"] = screenshot(env, window, "locked.png")
        driver.assert_no_error_dialog("after Ctrl+L")

        driver.focus(window)
        driver.key("ctrl+q")
        try:
            code = process.wait(timeout=EXIT_WAIT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the program did not exit within {EXIT_WAIT:.0f} s of Ctrl+Q\n{driver.context()}",
                        pytrace=False)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    stderr_text = stderr_path.read_text("utf-8", "replace")
    assert code == 0, driver.context()
    assert not looks_like_traceback(stderr_text), driver.context()
    leftovers = sorted(p.name for p in (tmp_path / "tmp").glob("sharewise-demo-*"))
    assert leftovers == [], f"the demo vault was not deleted on exit: {leftovers}"

    for name, path in shots.items():
        assert colours(path) > 1, f"the {name} screenshot is blank"
    changed = differing_fraction(shots["signed-in"], shots["locked"])
    assert changed > 0.05, f"the locked screen differs from the signed-in one in only {changed:.1%} of pixels"
    for area in ("children", "concerns", "sharing", "staff"):
        changed = differing_fraction(shots["signed-in"], shots[area])
        assert changed > 0.01, f"opening {area} did not change the screen"
    assert differing_fraction(shots["children"], shots["staff"]) > 0.01, "Ctrl+5 did not change the screen"
    assert differing_fraction(shots["concerns"], shots["sharing"]) > 0.01, "Ctrl+4 did not change the screen"
