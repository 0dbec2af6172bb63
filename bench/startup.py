"""Start-up time of the program against a bare PySide6 window. Run alone with
``python -m bench.startup`` (prints the report section) or through ``make bench``.

Measured: wall-clock time from launching a process to the process having exited after its first
window was shown. Two kinds of process, started the same way (``python -m`` / ``python FILE``,
same interpreter, same environment, alternating one after the other):

- the program: ``python -m ui.main --data-dir VAULT --exit-when-ready``, on a vault created once
  beforehand (so the first window is the sign-in page: imports, opening the vault, the window);
- bare Qt: a script that creates a QApplication and a QMainWindow, shows it and quits from a
  ``QTimer.singleShot(0)`` after ``show()``, as ``--exit-when-ready`` does.

Both include the interpreter starting and tearing down; the difference is what Sharewise adds.
The architecture's goal is start-up within 1.5x of bare Qt. Each platform is measured with
QT_QPA_PLATFORM=offscreen, and with xcb under a private Xvfb when Xvfb is installed.

The child processes get a throwaway HOME / XDG_* / TMPDIR (so QSettings and the keyring never
touch the real user's files) and D-Bus addresses that lead nowhere (so the keyring lookup at
start-up finds no Secret Service and the OS-lock watcher connects to nothing; on a desktop both
add D-Bus round trips that are not measured here).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.sandbox import ROOT, compile_program, isolated_env, private_xvfb

RUNS = 15
WARM_UP = 2  # per kind, discarded: the first runs after a build read .pyc files and Qt plugins from disk
TARGET_RATIO = 1.5
TIMEOUT = 120.0

BARE_QT = """\
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("Bare Qt")
window.resize(1100, 720)
window.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""

# In a child process: how long importing the Qt modules bare Qt imports too takes (the floor both
# pay), then the rest of importing the program, then main() up to its exit. Then whether the Qt
# namespace was built on the way (the sign-in page goes without it: ui/main_window.py) and how
# long building it takes, which the first sign-in pays instead.
PHASES = """\
import json, sys, time
start = time.perf_counter()
import ui  # as `python -m ui.main` does: ui/__init__ (and the core it loads) before PySide6
core = time.perf_counter()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
qt = time.perf_counter()
import ui.main
imported = time.perf_counter()
code = ui.main.main(["--data-dir", sys.argv[1], "--exit-when-ready"])
done = time.perf_counter()
import PySide6.QtCore
built = "Qt" in vars(PySide6.QtCore)
before = time.perf_counter()
PySide6.QtCore.Qt
namespace = time.perf_counter() - before
print(json.dumps({"code": code, "qt": qt - core, "import": (core - start) + (imported - qt),
                  "main": done - imported, "namespace": namespace, "built": built}))
"""

# Modules that showing the sign-in page must not load (tests/ui/test_lazy_imports_ui.py checks the
# same): the report says whether any came back.
NOT_AT_START = (
    "reportlab",
    "app.sharing",
    "app.children",
    "app.review_pack",
    "app.subject_access",
    "app.retention",
    "app.demo",
    "app.restore",
    "app.backup",
    "ui.workspace",
    "ui.areas",
    "ui.sharing_wizard",
    "ui.backups",
    "importlib.metadata",
    "keyring.backends.SecretService",
    "sqlcipher3",
    "cryptography",
    "app.session",
    "app.vault.database",
    "ui.operations",
    "ui.lock_screen",
    "PySide6.QtDBus",
    "secrets",
    "hashlib",
    "importlib.resources",
)

# In a fresh child process: the keyring backend lookup the vault does at first use (DeviceKeyring.system,
# which loads every keyring plugin), with the modules it needs already imported.
KEYRING_LOOKUP = """\
import json, time
from app.vault.device import DeviceKeyring
start = time.perf_counter()
DeviceKeyring.system()
print(json.dumps({"keyring": time.perf_counter() - start}))
"""


@dataclass
class Timing:
    label: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def quartiles(self) -> tuple[float, float]:
        q1, _q2, q3 = statistics.quantiles(self.seconds, n=4, method="inclusive")
        return q1, q3

    def describe(self) -> str:
        q1, q3 = self.quartiles
        return (
            f"median {ms(self.median)}, IQR {ms(q1)}–{ms(q3)}, "
            f"min {ms(min(self.seconds))}, max {ms(max(self.seconds))} (n={len(self.seconds)})"
        )


@dataclass
class PlatformResult:
    platform: str  # "offscreen" or "xcb (Xvfb)"
    program: Timing
    bare: Timing

    @property
    def ratio(self) -> float:
        return self.program.median / self.bare.median

    @property
    def meets_target(self) -> bool:
        return self.ratio <= TARGET_RATIO


@dataclass
class ImportCost:
    """Self time of every module imported by ``import ui.main``, grouped by top-level package."""

    total: float
    by_package: list[tuple[str, float]]
    slowest_modules: list[tuple[str, float]]
    not_at_start: list[str]  # modules of NOT_AT_START that were imported all the same


@dataclass
class Phases:
    """Medians, offscreen, measured inside the program's process (interpreter start not included)."""

    runs: int
    import_qt: float  # PySide6.QtCore and QtWidgets, as bare Qt imports them: the floor
    import_program: float  # the rest of import ui.main: Sharewise's modules and their libraries
    qt_namespace: float  # PySide6 building the enums of the Qt namespace: at the first sign-in
    namespace_at_start: bool  # whether showing the sign-in page built it all the same
    main: float  # ui.main.main() from the start to its return after the first window
    keyring_lookup: float  # DeviceKeyring.system(), done at the first sign-in (worker thread)


@dataclass
class StartupResults:
    runs: int
    platforms: list[PlatformResult]
    imports: ImportCost | None
    phases: Phases | None
    skipped: list[str] = field(default_factory=list)  # platforms not measured, and why

    @property
    def meets_target(self) -> bool:
        return all(p.meets_target for p in self.platforms)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def make_vault(folder: Path) -> None:
    """The vault the program opens: the demo one, created once with the floor Argon2id."""
    from app.demo import create_demo_vault
    from app.vault import kdf
    from app.vault.device import DeviceKeyring

    create_demo_vault(folder, keyring=DeviceKeyring(None), kdf_params=kdf.floor())


def run_once(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or "Traceback" in done.stderr:
        raise RuntimeError(
            f"{' '.join(command)} exited with {done.returncode}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        )
    return elapsed


def measure(label: str, env: dict[str, str], vault: Path, bare_script: Path, runs: int) -> PlatformResult:
    program_command = [sys.executable, "-m", "ui.main", "--data-dir", str(vault), "--exit-when-ready"]
    bare_command = [sys.executable, str(bare_script)]
    for _ in range(WARM_UP):
        run_once(program_command, env)
        run_once(bare_command, env)
    program: list[float] = []
    bare: list[float] = []
    for i in range(runs):
        # Alternate which goes first so a slow patch of the machine falls on both.
        pair = [(program_command, program), (bare_command, bare)]
        for command, results in pair if i % 2 == 0 else reversed(pair):
            results.append(run_once(command, env))
    return PlatformResult(label, Timing("Sharewise", program), Timing("bare Qt", bare))


def import_cost(env: dict[str, str]) -> ImportCost:
    """``python -X importtime -c 'import ui.main'``: where the program's import time goes."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import ui.main"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    pattern = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|\s*(\S+)\s*$")
    by_package: dict[str, float] = defaultdict(float)
    modules: list[tuple[str, float]] = []
    for line in done.stderr.splitlines():
        match = pattern.match(line)
        if match is None:
            continue
        self_time, name = int(match.group(1)) / 1e6, match.group(3)
        by_package[name.split(".")[0]] += self_time
        modules.append((name, self_time))
    total = sum(by_package.values())
    early = sorted(
        name
        for name, _seconds in modules
        if any(name == lazy or name.startswith(lazy + ".") for lazy in NOT_AT_START)
    )
    return ImportCost(
        total,
        sorted(by_package.items(), key=lambda item: -item[1])[:12],
        sorted(modules, key=lambda item: -item[1])[:12],
        early,
    )


def child_json(script: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"phase measurement failed ({done.returncode}):\n{done.stderr}")
    result: dict[str, float] = json.loads(lines[-1])
    return result


def phases(env: dict[str, str], vault: Path, runs: int = 7) -> Phases:
    program = [child_json(PHASES, [str(vault)], env) for _ in range(runs)]
    lookups = [child_json(KEYRING_LOOKUP, [], env)["keyring"] for _ in range(runs)]
    return Phases(
        runs,
        statistics.median(p["qt"] for p in program),
        statistics.median(p["import"] for p in program),
        statistics.median(p["namespace"] for p in program),
        any(p["built"] for p in program),
        statistics.median(p["main"] for p in program),
        statistics.median(lookups),
    )


def bench_startup(runs: int = RUNS, *, with_xcb: bool = True) -> StartupResults:
    platforms: list[PlatformResult] = []
    skipped: list[str] = []
    compile_program()
    with tempfile.TemporaryDirectory(prefix="sharewise-startup-") as temp:
        base = Path(temp)
        vault = base / "vault"
        make_vault(vault)
        bare_script = base / "bare_qt.py"
        bare_script.write_text(BARE_QT, encoding="utf-8")
        offscreen_env = isolated_env(base / "offscreen", "offscreen")
        platforms.append(measure("offscreen", offscreen_env, vault, bare_script, runs))
        missing = [tool for tool in ("Xvfb", "xauth") if shutil.which(tool) is None]
        if not with_xcb:
            skipped.append("xcb: not asked for")
        elif missing:
            skipped.append(f"xcb: {' and '.join(missing)} not installed")
        else:
            home = base / "xcb"
            home.mkdir()
            with private_xvfb(home) as (display, xauthority):
                env = isolated_env(home, "xcb", display, xauthority)
                platforms.append(measure("xcb (Xvfb)", env, vault, bare_script, runs))
        imports = import_cost(offscreen_env)
        split = phases(offscreen_env, vault)
    return StartupResults(runs, platforms, imports, split, skipped)


def report_lines(results: StartupResults, *, machine: bool = False) -> list[str]:
    """The "Start-up" section of docs/benchmarks.md (``machine``: add the machine line)."""
    lines = ["## Start-up", ""]
    if machine:
        lines += [
            f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}.",
            "",
        ]
    lines += [
        "Time from launching a process to its exit after its first window was shown: "
        "`python -m ui.main --data-dir VAULT --exit-when-ready` on a demo vault created beforehand "
        "(the first window is the sign-in page), against a bare PySide6 script that creates a "
        "QApplication and a QMainWindow, shows it and quits from `QTimer.singleShot(0)`. Both are "
        "started the same way by the same interpreter, include interpreter start-up and exit, run "
        f"alternately {results.runs} times each after {WARM_UP} discarded warm-up runs, with a "
        "throwaway HOME and no D-Bus (so neither the keyring lookup nor the OS-lock watcher finds a "
        "service: on a desktop, their D-Bus round trips come on top). "
        f"Target: Sharewise within {TARGET_RATIO}x of bare Qt.",
        "",
        "| platform | Sharewise | bare Qt | ratio of medians | target 1.5x |",
        "| --- | --- | --- | --- | --- |",
    ]
    for p in results.platforms:
        lines.append(
            f"| {p.platform} | {p.program.describe()} | {p.bare.describe()} | {p.ratio:.2f}x | "
            f"{'met' if p.meets_target else 'missed'} |"
        )
    lines.append("")
    for reason in results.skipped:
        lines += [f"Not measured: {reason}.", ""]
    if results.platforms:
        verdict = "met" if results.meets_target else "missed"
        worst = max(results.platforms, key=lambda p: p.ratio)
        extra = worst.program.median - worst.bare.median
        lines += [
            f"Verdict: the 1.5x target is {verdict} (worst {worst.ratio:.2f}x on {worst.platform}; "
            f"Sharewise adds {ms(extra)} to bare Qt's {ms(worst.bare.median)}).",
            "",
        ]
    if results.phases is not None:
        split = results.phases
        lines += [
            f"Where the time goes, measured inside the program's process (offscreen, medians of "
            f"{split.runs}): importing the Qt modules bare Qt imports too (PySide6.QtCore, QtWidgets: "
            f"the floor both pay, besides the interpreter) {ms(split.import_qt)}; the rest of "
            f"`import ui.main` (Sharewise's modules and the libraries they load) "
            f"{ms(split.import_program)}; `main()` from its start to its return after the first "
            f"window {ms(split.main)}. "
            + (
                "Showing the sign-in page built the enums of PySide6's `Qt` namespace, which it is "
                "meant to go without (ui/main_window.py): "
                if split.namespace_at_start
                else "The sign-in page goes without the enums of PySide6's `Qt` namespace "
                "(ui/main_window.py); "
            )
            + f"building them takes {ms(split.qt_namespace)}, at the first sign-in, beside Argon2id. "
            "The keyring backend lookup "
            f"(`DeviceKeyring.system()`, which loads every keyring plugin) costs "
            f"{ms(split.keyring_lookup)}; it happens at the first sign-in, on the worker thread, "
            "not during start-up.",
            "",
        ]
    if results.imports is not None:
        imports = results.imports
        lines += [
            f"Imports: `python -X importtime -c 'import ui.main'` spends "
            f"{ms(imports.total)} importing modules (self time, one run, so noisy). By top-level "
            "package: "
            + ", ".join(f"{name} {ms(seconds)}" for name, seconds in imports.by_package)
            + ". Slowest single modules: "
            + ", ".join(f"`{name}` {ms(seconds)}" for name, seconds in imports.slowest_modules)
            + ".",
            "",
            "What the sign-in page does not need loads later: SQLCipher, cryptography (the key "
            "slots' AES-GCM and Argon2id) and the session with its services at sign-in, on the "
            "worker thread (opening the folder reads only the lock, key and attempts files; the "
            "worker then also imports the workspace, backups and account modules), the "
            "workspace's areas when first opened, "
            "the demo, restore, setup and ReportLab only where used, `importlib.metadata` only "
            "when the version is asked for. "
            + (
                "Imported at start-up all the same: "
                + ", ".join(f"`{name}`" for name in imports.not_at_start)
                + "."
                if imports.not_at_start
                else "None of them is imported at start-up (checked by "
                "tests/ui/test_lazy_imports_ui.py as well)."
            ),
            "",
        ]
    return lines


def main() -> None:
    results = bench_startup()
    print("\n".join(report_lines(results, machine=True)))


if __name__ == "__main__":
    main()
