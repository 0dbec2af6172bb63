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

from app.policy.permissions import Role
from app.staff import NewStaff
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault
from tests.app.test_lazy_imports import AT_SIGN_IN, LATER
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, MANAGER_USERNAME, PROVIDER, MemoryKeyring

ROOT = Path(__file__).resolve().parents[2]

NOT_FOR_SIGN_IN = (
    *LATER,
    *AT_SIGN_IN,
    "ui.workspace",
    "ui.areas",
    "ui.sharing_wizard",
    "ui.child_forms",
    "ui.printing",
    "ui.backups",
    "ui.restore_dialog",
    "ui.account",
    "ui.acknowledgement",
    "ui.recovery_sheet",
    "ui.setup_wizard",
    "keyring.backends.SecretService",
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
not_for_sign_in = json.loads(sys.argv[2])
early = sorted(m for m in sys.modules if any(m == n or m.startswith(n + ".") for n in not_for_sign_in))

import ui.sign_in
marker = object()
returned = ui.sign_in.signed_in_with_modules(marker) is marker
preloaded = [m for m in ("ui.workspace", "ui.backups", "ui.account") if m in sys.modules]
found = {"code": code, "shown": shown, "early": early, "returned": returned, "preloaded": preloaded}
print(json.dumps(found))
"""


def test_showing_the_sign_in_page_loads_only_what_it_needs(tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    created = Vault.create(
        folder,
        provider=PROVIDER,
        manager=NewStaff(MANAGER_USERNAME, MANAGER_NAME, frozenset({Role.MANAGER, Role.DSL})),
        password=MANAGER_PASSWORD,
        keyring=DeviceKeyring(MemoryKeyring()),
    )
    created.session.close()
    created.vault.close()
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY"}},
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path / 'no-bus'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder), json.dumps(NOT_FOR_SIGN_IN)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["code"] == 0
    assert found["shown"] == ["signInPage"]  # the page really was shown, not an error box
    assert found["early"] == []
    # After the password is accepted, the worker thread imports what the workspace needs.
    assert found["returned"] is True
    assert found["preloaded"] == ["ui.workspace", "ui.backups", "ui.account"]
