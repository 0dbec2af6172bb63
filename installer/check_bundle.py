"""Check the built Linux bundle the way a person and IT support would use it (`make bundle-check`).

Every program runs from dist/sharewise with a throwaway HOME, XDG folders and TMPDIR, no
PYTHONPATH, a working folder outside the source tree, and D-Bus addresses that lead nowhere
(bench.sandbox), so nothing can come from the source tree or touch the real user's files:

1. `sharewise-admin --version` names the version in pyproject.toml (the package metadata is in
   the bundle), `sharewise-admin --help`, and `sharewise-admin self-test`;
2. `sharewise --self-test` on Qt's offscreen platform;
3. `sharewise-admin self-test` under a private D-Bus session with its own unlocked gnome-keyring:
   the keyring line must be "ok" (the Secret Service backend is in the bundle);
4. a real window under a private Xvfb: `sharewise --demo`, the sign-in window (screenshot), sign
   in with the first demo account from the keyboard, the home page (screenshot), Ctrl+Q; it must
   exit 0 without a traceback and remove its demo vault. Screenshots are left in dist/;
5. the archive holds the programs, desktop file, metainfo and icons, and the Linux files pass
   desktop-file-validate and appstreamcli validate --no-net.

Prints one line per check and the bundle's size; exits 1 if anything failed. Needs Xvfb, xauth,
xdotool, dbus-run-session, gnome-keyring-daemon, desktop-file-validate and appstreamcli (.ci/run
installs them); a missing tool is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sandbox import isolated_env, private_xvfb  # noqa: E402
from installer.bundle_config import EXCLUDES, QT_USED  # noqa: E402

DIST = ROOT / "dist"
BUNDLE = DIST / "sharewise"
APP_ID = "org.sharewise.Sharewise"
WAIT = 90.0  # seconds for one window title: the demo vault derives a real Argon2id key per account

# Run as ``python GRAB WINDOW_ID PATH`` on the display under test (as the real-window test does).
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


class CheckFailed(Exception):
    """One check's failure, as a sentence with whatever output explains it."""


def project_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


def folder_size(folder: Path) -> int:
    """Bytes on disk the way du counts them (symbolic links are not followed)."""
    return sum(p.lstat().st_blocks * 512 for p in folder.rglob("*"))


def sandbox(
    base: Path, qpa: str, display: str | None = None, xauthority: Path | None = None
) -> dict[str, str]:
    env = isolated_env(base, qpa, display, xauthority)
    env.pop("PYTHONPATH", None)  # the bundle must not need the source tree
    return env


def run(
    args: Sequence[str], env: dict[str, str], cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            list(args),
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise CheckFailed(f"{' '.join(args)} did not finish in {timeout:.0f} s") from exc


def explain(done: subprocess.CompletedProcess[str]) -> str:
    return f"exit code {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}"


def need(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        raise CheckFailed(f"{', '.join(missing)} not found (.ci/run installs them)")


def check_admin(work: Path) -> str:
    env = sandbox(work, "offscreen")
    admin = str(BUNDLE / "sharewise-admin")
    done = run([admin, "--version"], env, work)
    expected = f"Sharewise {project_version()}"
    if done.returncode != 0 or done.stdout.strip() != expected:
        raise CheckFailed(f"--version should print “{expected}”\n{explain(done)}")
    done = run([admin, "--help"], env, work)
    if done.returncode != 0 or "self-test" not in done.stdout:
        raise CheckFailed(f"--help failed\n{explain(done)}")
    done = run([admin, "self-test"], env, work)
    passed(done, "sharewise-admin self-test")
    return f"{expected}; --help; self-test: {done.stdout.splitlines()[-1]}"


def passed(done: subprocess.CompletedProcess[str], what: str) -> None:
    lines = done.stdout.splitlines()
    if done.returncode != 0 or not lines or lines[-1] != "Self-test passed.":
        raise CheckFailed(f"{what} did not pass\n{explain(done)}")
    if "Traceback" in done.stderr:
        raise CheckFailed(f"{what} printed a traceback\n{explain(done)}")
    for line in lines:
        print(f"    {line}")


def check_gui_self_test(work: Path) -> str:
    env = sandbox(work, "offscreen")
    done = run([str(BUNDLE / "sharewise"), "--self-test"], env, work)
    passed(done, "sharewise --self-test")
    leftovers = list((work / "tmp").iterdir())
    if leftovers:
        raise CheckFailed(f"the self-test left files in its temporary folder: {leftovers}")
    return f"{sum(1 for line in done.stdout.splitlines() if line.startswith('ok:'))} checks ok"


def check_keyring(work: Path) -> str:
    need("dbus-run-session", "gnome-keyring-daemon")
    env = sandbox(work, "offscreen")
    env["SHAREWISE_CHECK_ADMIN"] = str(BUNDLE / "sharewise-admin")
    env["SHAREWISE_CHECK_KEYRING_PASSWORD"] = os.urandom(12).hex()
    shell = (
        'printf "%s" "$SHAREWISE_CHECK_KEYRING_PASSWORD" '
        "| gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null "
        '&& "$SHAREWISE_CHECK_ADMIN" self-test'
    )
    done = run(["dbus-run-session", "--", "sh", "-c", shell], env, work)
    line = next((x for x in done.stdout.splitlines() if ": Keyring: " in x), "")
    if not line.startswith("ok: Keyring: "):
        raise CheckFailed(f"the bundled keyring backend did not reach gnome-keyring\n{explain(done)}")
    if done.returncode != 0:
        raise CheckFailed(f"the keyring worked but the self-test failed\n{explain(done)}")
    return line.removeprefix("ok: Keyring: ")


class Window:
    """xdotool against the running program; each wait fails at once if the program has died."""

    def __init__(self, env: dict[str, str], process: subprocess.Popen[bytes], stderr: Path) -> None:
        self.env, self.process, self.stderr = env, process, stderr

    def context(self) -> str:
        return f"exit code {self.process.poll()}\n--- stderr\n{self.stderr.read_text('utf-8', 'replace')}"

    def xdotool(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run(["xdotool", *args], self.env, Path.cwd(), timeout=30)

    def wait_for(self, title: str) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CheckFailed(f"the program exited while waiting for “{title}”\n{self.context()}")
            for window in self.xdotool("search", "--name", f"^{title}$").stdout.split():
                if self.xdotool("getwindowname", window).stdout.rstrip("\n") == title:
                    time.sleep(1.0)  # the title changes before the page is painted
                    return window
            time.sleep(0.2)
        raise CheckFailed(f"no window titled “{title}” after {WAIT:.0f} s\n{self.context()}")

    def focus(self, window: str) -> None:
        self.xdotool("windowactivate", window)  # refused without a window manager; harmless
        done = self.xdotool("windowfocus", "--sync", window)
        if done.returncode != 0:
            raise CheckFailed(f"xdotool could not focus the window\n{explain(done)}")
        time.sleep(0.2)

    def send(self, *args: str) -> None:
        done = self.xdotool(*args)
        if done.returncode != 0:
            raise CheckFailed(f"xdotool {' '.join(args)} failed\n{explain(done)}")

    def screenshot(self, window: str, path: Path) -> int:
        """Save the window as a PNG; return how many colours it has (1 = blank)."""
        done = run([sys.executable, "-c", GRAB, str(int(window)), str(path)], self.env, Path.cwd())
        if done.returncode != 0 or not path.is_file():
            raise CheckFailed(f"the screenshot {path.name} failed\n{explain(done)}")
        return count_colours(path)


def count_colours(path: Path) -> int:
    from PySide6.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    data = bytes(image.constBits())[: image.width() * image.height() * 4]
    return len(set(memoryview(data).cast("I")))


def check_real_window(work: Path) -> str:
    need("Xvfb", "xauth", "xdotool")
    staff = json.loads((ROOT / "resources" / "demo" / "setting.json").read_text("utf-8"))["staff"][0]
    with ExitStack() as stack:
        try:
            display, xauthority = stack.enter_context(private_xvfb(work))
        except RuntimeError as exc:
            raise CheckFailed(str(exc)) from exc
        env = sandbox(work, "xcb", display, xauthority)
        stderr_path = work / "stderr.txt"
        with open(stderr_path, "wb") as stderr:
            process = subprocess.Popen(
                [str(BUNDLE / "sharewise"), "--demo"],
                cwd=work,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        try:
            window = Window(env, process, stderr_path)
            sign_in = window.wait_for("Sharewise — Sign in")
            window.focus(sign_in)
            shots = {"sign-in": window.screenshot(sign_in, DIST / "bundle-sign-in.png")}
            window.send("type", "--delay", "30", staff["username"])
            window.send("key", "Tab")
            window.send("type", "--delay", "30", staff["password"])
            window.send("key", "Return")
            home = window.wait_for("Sharewise — Home")
            shots["home"] = window.screenshot(home, DIST / "bundle-home.png")
            window.focus(home)
            window.send("key", "ctrl+q")
            try:
                code = process.wait(timeout=60)
            except subprocess.TimeoutExpired as exc:
                raise CheckFailed(
                    f"the program did not exit within 60 s of Ctrl+Q\n{window.context()}"
                ) from exc
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    stderr_text = stderr_path.read_text("utf-8", "replace")
    if code != 0 or "Traceback (most recent call last)" in stderr_text:
        raise CheckFailed(f"the program exited with code {code}\n--- stderr\n{stderr_text}")
    blank = [name for name, colours in shots.items() if colours < 16]
    if blank:
        raise CheckFailed(f"the {' and '.join(blank)} screenshot is blank ({shots})")
    left = list((work / "tmp").glob("sharewise-demo-*"))
    if left:
        raise CheckFailed(f"the demo vault was not deleted on exit: {left}")
    return (
        f"sign-in and home windows drawn ({shots['sign-in']} and {shots['home']} colours; "
        "dist/bundle-sign-in.png, dist/bundle-home.png), Ctrl+Q exit 0, demo vault removed"
    )


def check_archive(work: Path) -> str:
    need("desktop-file-validate", "appstreamcli")
    version = project_version()
    archive = DIST / f"sharewise-{version}-linux-x86_64.tar.gz"
    if not archive.is_file():
        raise CheckFailed(f"{archive.name} is missing (make bundle)")
    top = f"sharewise-{version}"
    wanted = {
        f"{top}/sharewise/sharewise",
        f"{top}/sharewise/sharewise-admin",
        f"{top}/INSTALL.txt",
        f"{top}/share/applications/{APP_ID}.desktop",
        f"{top}/share/metainfo/{APP_ID}.metainfo.xml",
        f"{top}/share/icons/hicolor/256x256/apps/{APP_ID}.png",
        f"{top}/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
    }
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        tar.extractall(
            work / "unpacked", members=[m for m in tar.getmembers() if m.name in wanted], filter="data"
        )
    missing = sorted(wanted - names)
    if missing:
        raise CheckFailed(f"the archive lacks {missing}")
    share = work / "unpacked" / top / "share"
    for command in (
        ["desktop-file-validate", str(share / "applications" / f"{APP_ID}.desktop")],
        ["appstreamcli", "validate", "--no-net", str(share / "metainfo" / f"{APP_ID}.metainfo.xml")],
    ):
        done = run(command, os.environ.copy(), work)
        if done.returncode != 0 or (command[0] == "desktop-file-validate" and done.stdout.strip()):
            raise CheckFailed(f"{' '.join(command[:2])} refused the file\n{explain(done)}")
        remark = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "no remarks"
        print(f"    {command[0]}: {remark}")
    return (
        f"{archive.name}: {archive.stat().st_size / 1e6:.1f} MB, {len(names)} entries; both validators pass"
    )


def check_contents(_work: Path) -> str:
    """No test code or developer tools, and no Qt module, translation or QML beyond what we use."""
    viewer = Path(sys.executable).parent / "pyi-archive_viewer"
    modules: set[str] = set()
    for program in ("sharewise", "sharewise-admin"):
        done = run([str(viewer), "-r", "-b", str(BUNDLE / program)], os.environ.copy(), ROOT)
        if done.returncode != 0:
            raise CheckFailed(f"pyi-archive_viewer could not read {program}\n{explain(done)}")
        modules.update(line.strip() for line in done.stdout.splitlines() if line.startswith(" "))
    if not {"app.cli", "ui.main", "app.vault.vault"} <= modules:
        raise CheckFailed("the programs' archives do not list app.cli, ui.main and app.vault.vault")
    unwanted = sorted(m for m in modules if any(m == x or m.startswith(f"{x}.") for x in EXCLUDES))
    files = [p.relative_to(BUNDLE).as_posix() for p in BUNDLE.rglob("*")]
    qt_modules = {Path(f).name.split(".")[0] for f in files if f.startswith("_internal/PySide6/Qt")}
    stray = sorted(m for m in qt_modules if m.startswith("Qt") and m not in QT_USED and m != "Qt")
    extra = sorted(
        f for f in files if any(x in f.split("/") for x in ("translations", "qml", "tests", "bench"))
    )
    if unwanted or stray or extra:
        raise CheckFailed(
            f"left-out code is in the bundle: modules {unwanted}, Qt {stray}, files {extra[:10]}"
        )
    return f"{len(modules)} modules, {len(files)} files; no test code, only {', '.join(sorted(QT_USED))}"


CHECKS: list[tuple[str, Callable[[Path], str]]] = [
    ("contents", check_contents),
    ("admin command line", check_admin),
    ("sharewise --self-test (offscreen)", check_gui_self_test),
    ("keyring in a private D-Bus session", check_keyring),
    ("real window under Xvfb", check_real_window),
    ("archive and validators", check_archive),
]


def main() -> int:
    if not (BUNDLE / "sharewise").is_file():
        print("dist/sharewise/sharewise is missing: run make bundle first.", file=sys.stderr)
        return 1
    print(f"Bundle: dist/sharewise is {folder_size(BUNDLE) / 2**20:.0f} MiB")
    failures = 0
    for name, check in CHECKS:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="sharewise-bundle-check-") as temp:
            try:
                result = check(Path(temp))
            except CheckFailed as exc:
                failures += 1
                print(f"FAILED: {name}: {exc}")
                continue
        print(f"ok: {name} ({time.monotonic() - started:.0f} s): {result}")
    if failures:
        print(f"Bundle check failed: {failures} of {len(CHECKS)} checks.")
        return 1
    print("Bundle check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
