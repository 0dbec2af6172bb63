"""Start-up time: showing the sign-in page (``python -m ui.main`` on an existing vault) loads
neither the workspace and its areas, nor the signed-in dialogs, the demo, ReportLab or the
keyring's platform back-ends. Run in a clean interpreter, so an eager import added back to any
module on the way to the sign-in page makes this fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.policy.permissions import Role
from app.staff import NewStaff
from app.vault import kdf
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault
from bench.startup import NOT_AT_START
from tests.app.test_lazy_imports import AT_SIGN_IN, LATER
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, MANAGER_USERNAME, PROVIDER

ROOT = Path(__file__).resolve().parents[2]

NOT_FOR_SIGN_IN = (
    *LATER,
    *AT_SIGN_IN,
    *NOT_AT_START,  # what the start-up benchmark reports on, as well as:
    "ui.child_forms",
    "ui.printing",
    "ui.restore_dialog",
    "ui.account",
    "ui.acknowledgement",
    "ui.recovery_sheet",
    "ui.setup_wizard",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.chainer",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)

PROBE = """
import json, sys
from PySide6.QtWidgets import QApplication

app = QApplication(["sharewise"])
import ui.main
import ui.shell

shown = []
start = ui.shell.Shell.start

def start_and_look(self):
    start(self)
    page = self.window.current_page()
    shown.append(page.objectName() if page is not None and page.isVisible() else None)

ui.shell.Shell.start = start_and_look
code = ui.main.main(["--data-dir", sys.argv[1], "--exit-when-ready"])
import PySide6.QtCore
qt_namespace_built = "Qt" in vars(PySide6.QtCore)
not_for_sign_in = json.loads(sys.argv[2])
early = sorted(m for m in sys.modules if any(m == n or m.startswith(n + ".") for n in not_for_sign_in))

import ui.sign_in
marker = object()
returned = ui.sign_in.signed_in_with_modules(marker) is marker
preloaded = [m for m in ("ui.workspace", "ui.backups", "ui.account") if m in sys.modules]
found = {"code": code, "shown": shown, "early": early, "returned": returned, "preloaded": preloaded,
         "qt_namespace_built": qt_namespace_built}
print(json.dumps(found))
"""


def made_vault(tmp_path: Path) -> Path:
    """A vault on disk whose slots are not bound to a keyring (the child has none)."""
    folder = tmp_path / "vault"
    created = Vault.create(
        folder,
        provider=PROVIDER,
        manager=NewStaff(MANAGER_USERNAME, MANAGER_NAME, frozenset({Role.MANAGER, Role.DSL})),
        password=MANAGER_PASSWORD,
        keyring=DeviceKeyring(None),
        kdf_params=kdf.floor(),
    )
    created.session.close()
    created.vault.close()
    return folder


def run_probe(tmp_path: Path, probe: str, *args: str) -> dict[str, Any]:
    """Run ``probe`` in a clean interpreter, offscreen, with no keyring or D-Bus to reach."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY"}},
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path / 'no-bus'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return found


def test_showing_the_sign_in_page_loads_only_what_it_needs(tmp_path: Path) -> None:
    found = run_probe(tmp_path, PROBE, str(made_vault(tmp_path)), json.dumps(NOT_FOR_SIGN_IN))
    assert found["code"] == 0
    assert found["shown"] == ["signInPage"]  # the page really was shown, not an error box
    assert found["early"] == []
    # PySide6 builds the Qt namespace's 94 enums the first time one is used (15-20 ms): the
    # sign-in page goes without (ui.main_window), and the first sign-in builds it.
    assert found["qt_namespace_built"] is False
    # After the password is accepted, the worker thread imports what the workspace needs.
    assert found["returned"] is True
    assert found["preloaded"] == ["ui.workspace", "ui.backups", "ui.account"]


# The whole way from a fresh start to the workspace, a lock and an unlock, in a program where
# nothing built the Qt namespace ahead (in the other UI tests, pytest-qt and the tests' own
# imports have built it long before). PySide6 cannot hand a Qt namespace value to a Python
# slot before the namespace is built: a signal like that connected at start-up would raise at
# every change of focus, which this run would report.
SIGN_IN_LOCK_UNLOCK = """
import json, sys, traceback
import PySide6.QtCore as QtCore
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QPushButton

import app.vault.vault
from app.vault.device import DeviceKeyring
import ui.main
import ui.shell

app.vault.vault.DeviceKeyring.system = classmethod(lambda cls: DeviceKeyring(None))
username, password = sys.argv[2], sys.argv[3]
seen = {"errors": [], "steps": []}

def record(kind, error, tb):
    seen["errors"].append("".join(traceback.format_exception(kind, error, tb))[-2000:])
    QApplication.instance().exit(3)

ui.main.install_excepthook = lambda: setattr(sys, "excepthook", record)

def top_level(name):
    return next((w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()), None)

def when(condition, then, tries=400):
    if condition():
        then()
    elif tries == 0:
        seen["steps"].append("timed out")
        QApplication.instance().exit(4)
    else:
        QTimer.singleShot(25, lambda: when(condition, then, tries - 1))

def page_name(shell):
    page = shell.window.current_page()
    return page.objectName() if page is not None else None

start = ui.shell.Shell.start

def start_and_drive(shell):
    start(shell)
    seen["qt_namespace_built"] = "Qt" in vars(QtCore)
    seen["steps"].append(page_name(shell))
    page = shell.window.current_page()
    page.findChild(QLineEdit, "usernameEdit").setText(username)
    page.findChild(QLineEdit, "passwordEdit").setText(password)
    page.findChild(QPushButton, "signInButton").click()
    when(lambda: top_level("acknowledgementDialog") is not None, lambda: confirm(shell))

def confirm(shell):
    dialog = top_level("acknowledgementDialog")
    dialog.findChild(QCheckBox, "acknowledgeCheck").setChecked(True)
    dialog.findChild(QPushButton, "confirmButton").click()
    when(lambda: shell.workspace is not None, lambda: lock(shell))

def lock(shell):
    seen["steps"].append("workspace")
    seen["toolbar_shown"] = shell.window.toolbar.isVisible()
    shell.window.lock_action.trigger()
    seen["steps"].append(page_name(shell))
    screen = shell.window.current_page()
    screen.findChild(QLineEdit, "unlockPasswordEdit").setText(password)
    screen.findChild(QPushButton, "unlockButton").click()
    when(lambda: shell.workspace is not None, lambda: done(shell))

def done(shell):
    seen["steps"].append("workspace")
    seen["session_open"] = shell.session is not None and shell.session.is_open
    seen["shortcut_contexts"] = [
        action.shortcutContext().name for action in (shell.window.lock_action, shell.window.quit_action)
    ]
    QApplication.instance().exit(0)

ui.shell.Shell.start = start_and_drive
seen["code"] = ui.main.main(["--data-dir", sys.argv[1]])
print(json.dumps(seen))
"""


def test_a_fresh_program_signs_in_locks_and_unlocks(tmp_path: Path) -> None:
    found = run_probe(
        tmp_path, SIGN_IN_LOCK_UNLOCK, str(made_vault(tmp_path)), MANAGER_USERNAME, MANAGER_PASSWORD
    )
    assert found["errors"] == []
    assert found["code"] == 0
    assert found["qt_namespace_built"] is False
    assert found["steps"] == ["signInPage", "workspace", "lockScreen", "workspace"]
    assert found["toolbar_shown"] is True
    assert found["session_open"] is True
    # Set at the first sign-in: Ctrl+L and Ctrl+Q work from any window of the program.
    assert found["shortcut_contexts"] == ["ApplicationShortcut", "ApplicationShortcut"]


def test_the_core_modules_of_the_sign_in_page_load_before_pyside6() -> None:
    """``ui/__init__.py`` imports them before any PySide6 import, so PySide6's import hook does
    not read their source at every start (see its note). A PySide6 import added to
    ``ui.pyside_fix`` or to those core modules would undo that."""
    probe = (
        "import json, sys, ui; "
        "print(json.dumps(['PySide6' in sys.modules, 'app.vault.vault' in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == [False, True]
