"""Device binding against the real freedesktop Secret Service (gnome-keyring).

The check runs in a subprocess under a private D-Bus session bus (``dbus-run-session``) with its
own gnome-keyring-daemon, unlocked with a throwaway password, and HOME / XDG_* pointing into
``tmp_path``, so it never sees or writes the developer's real login keyring. The subprocess
creates a vault WITHOUT passing a keyring (so ``DeviceKeyring.system()`` picks the backend, as in
the program), and reports each step as a JSON line that this test asserts on.

Needs ``dbus-run-session`` and ``gnome-keyring-daemon`` (Debian/Ubuntu: ``apt-get install
dbus dbus-daemon gnome-keyring``). Without them the test is skipped, unless
``SHAREWISE_REQUIRE_INTEGRATION=1`` (set in CI), when it fails instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[2]
TOOLS = ("dbus-run-session", "gnome-keyring-daemon")
SECRET_SERVICE = "keyring.backends.SecretService.Keyring"

# Start an unlocked Secret Service on the private bus, then run the check. gnome-keyring-daemon
# reads the unlock password from stdin; --daemonize returns once the daemon is serving, and the
# daemon exits when dbus-run-session tears the bus down.
SHELL = (
    'printf "%s" "$SHAREWISE_TEST_KEYRING_PASSWORD" '
    "| gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null "
    '&& "$SHAREWISE_TEST_PYTHON" "$SHAREWISE_TEST_SCRIPT" "$SHAREWISE_TEST_VAULT"'
)

SCRIPT = r'''
import json
import sys
from pathlib import Path

from keyring.backends import SecretService

from app.errors import DeviceKeyMissing, SharewiseError
from app.policy.permissions import Role
from app.settings import ProviderProfile
from app.staff import NewStaff
from app.vault.device import SERVICE, DeviceKeyring, qualified_name
from app.vault.vault import Vault

USERNAME, PASSWORD, NEW_PASSWORD = "αλέξανδρος", "amber falcon riddle", "orange lantern harbour"
folder = Path(sys.argv[1])


def report(step, **fields):
    print(json.dumps({"step": step, **fields}, ensure_ascii=False), flush=True)


def sign_in_outcome(vault, password):
    try:
        session = vault.sign_in(USERNAME, password)
    except SharewiseError as exc:
        return {"ok": False, "error": type(exc).__name__, "sentence": exc.sentence}
    session.close()
    return {"ok": True}


system = DeviceKeyring.system()
backend = system._backend
report("backend", name=None if backend is None else qualified_name(backend),
       keyring_name=system.backend_name)
if backend is None:
    sys.exit(3)

created = Vault.create(
    folder,
    provider=ProviderProfile(name="Little Acorns Pre-school"),
    manager=NewStaff(USERNAME, "Αλέξανδρος Παπαδόπουλος", frozenset({Role.MANAGER})),
    password=PASSWORD,
)
vault, recovery_key = created.vault, created.recovery_key
status = created.session.security.binding_status()
vault_id = vault.info().vault_id
entry = f"device-key/{vault_id}"
report("created", state=status.state, keyring_state=status.keyring.state.value,
       entry_present=SecretService.Keyring().get_password(SERVICE, entry) is not None)
created.session.close()

report("sign_in_again", **sign_in_outcome(vault, PASSWORD))

vault.close()
vault = Vault.open(folder)
report("sign_in_after_reopen", **sign_in_outcome(vault, PASSWORD))

SecretService.Keyring().delete_password(SERVICE, entry)
report("entry_deleted", entry_present=SecretService.Keyring().get_password(SERVICE, entry) is not None)

report("sign_in_without_entry", **sign_in_outcome(vault, PASSWORD))

session, new_key = vault.recover(recovery_key.formatted(), USERNAME, NEW_PASSWORD)
status = session.security.binding_status()
report("recovered", state=status.state, new_key=new_key.formatted() != recovery_key.formatted(),
       entry_present=SecretService.Keyring().get_password(SERVICE, entry) is not None)
session.close()

report("sign_in_new_password", **sign_in_outcome(vault, NEW_PASSWORD))
report("sign_in_old_password", **sign_in_outcome(vault, PASSWORD))
session = vault.sign_in(USERNAME, NEW_PASSWORD)
report("final", state=session.security.binding_status().state)
session.close()
vault.close()
report("done")
'''


def require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = (
        f"{' and '.join(missing)} not found: the Secret Service integration test needs dbus and "
        "gnome-keyring (apt-get install dbus dbus-daemon gnome-keyring)"
    )
    if os.environ.get("SHAREWISE_REQUIRE_INTEGRATION") == "1":
        pytest.fail(f"SHAREWISE_REQUIRE_INTEGRATION=1 but {reason}.", pytrace=False)
    pytest.skip(reason)


def private_env(tmp_path: Path, script: Path, vault: Path) -> dict[str, str]:
    env = dict(os.environ)
    for inherited in ("DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL", "SSH_AUTH_SOCK"):
        env.pop(inherited, None)
    home = tmp_path / "home"
    runtime = tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env.update(
        HOME=str(home),
        XDG_RUNTIME_DIR=str(runtime),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT), env.get("PYTHONPATH")])),
        PYTHONIOENCODING="utf-8",
        SHAREWISE_TEST_CHEAP_KDF="1",
        SHAREWISE_TEST_KEYRING_PASSWORD="test-keyring-pw",
        SHAREWISE_TEST_PYTHON=sys.executable,
        SHAREWISE_TEST_SCRIPT=str(script),
        SHAREWISE_TEST_VAULT=str(vault),
    )
    return env


@pytest.mark.integration
def test_binding_with_the_real_secret_service(tmp_path: Path) -> None:
    require_tools()
    script = tmp_path / "secret_service_check.py"
    script.write_text(SCRIPT, encoding="utf-8")
    vault = tmp_path / "vault"

    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", SHELL],
        cwd=PROJECT,
        env=private_env(tmp_path, script, vault),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )

    context = f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    steps: dict[str, dict[str, Any]] = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            steps[record.pop("step")] = record
    assert "Traceback" not in done.stderr, context

    assert steps.get("backend", {}).get("name") == SECRET_SERVICE, context
    created = {"state": "bound", "keyring_state": "available", "entry_present": True}
    assert steps["created"] == created, context
    assert steps["sign_in_again"] == {"ok": True}, context
    assert steps["sign_in_after_reopen"] == {"ok": True}, context
    assert steps["entry_deleted"] == {"entry_present": False}, context
    assert steps["sign_in_without_entry"]["error"] == "DeviceKeyMissing", context
    assert "recovery key" in steps["sign_in_without_entry"]["sentence"], context
    assert steps["recovered"] == {"state": "bound", "new_key": True, "entry_present": True}, context
    assert steps["sign_in_new_password"] == {"ok": True}, context
    assert steps["sign_in_old_password"]["error"] == "WrongPassword", context
    assert steps["final"] == {"state": "bound"}, context
    assert "done" in steps, context
    assert done.returncode == 0, context
