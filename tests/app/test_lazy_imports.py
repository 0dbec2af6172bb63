"""Start-up time: the core modules the sign-in page needs do not load the services, the demo or
ReportLab. Each probe runs in a clean interpreter, so a module-level import added back to
``app.session`` or ``app.vault.vault`` (or to anything they import) makes it fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import app
from app.session import Session
from tests.conftest import VaultUnderTest

ROOT = Path(__file__).resolve().parents[2]

# Loaded at sign-in (Session.__init__, on the worker thread) or when first used, never to show the
# sign-in page.
LATER = (
    "app.children",
    "app.chronology",
    "app.concerns",
    "app.consents",
    "app.documents",
    "app.forms",
    "app.parent_contacts",
    "app.policies",
    "app.security",
    "app.sharing",
    "app.transfers",
    "app.review_pack",
    "app.subject_access",
    "app.retention",
    "app.backup",
    "app.restore",
    "app.demo",
    "app.reports",
    "reportlab",
    "importlib.metadata",
    "keyring",  # its plugins load at the first sign-in, on the worker thread (app/vault/device.py)
)


# Loaded by the sign-in itself, on its worker thread: SQLCipher, the key slots' cryptography
# and the session. Opening the folder for the sign-in page reads only small files.
AT_SIGN_IN = (
    "sqlcipher3",
    "cryptography",
    "app.session",
    "app.session_context",
    "app.vault.database",
    "app.vault.key_store",
    "app.vault.migrations",
)


def loaded_after(statement: str, later: tuple[str, ...] = LATER) -> list[str]:
    """The modules of ``later`` (or below them) that ``statement`` loads in a fresh interpreter."""
    probe = (
        "import json, sys\n"
        f"{statement}\n"
        f"later = {later!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if any(m == l or m.startswith(l + '.') "
        "for l in later))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return loaded


def test_the_vault_and_the_session_modules_load_no_service() -> None:
    assert loaded_after("import app.vault.vault, app.session") == []


def test_opening_a_vault_loads_neither_sqlcipher_nor_cryptography_nor_the_session(
    made_vault: VaultUnderTest,
) -> None:
    key = made_vault.recovery_key.formatted()
    made_vault.session.close()
    made_vault.vault.close()
    opened = (
        "from pathlib import Path\n"
        "from app.vault.device import DeviceKeyring\n"
        "from app.vault.vault import Vault\n"
        f"vault = Vault.open(Path({str(made_vault.folder)!r}), keyring=DeviceKeyring(None))\n"
    )
    assert loaded_after(opened, AT_SIGN_IN) == []
    # The same probe sees them once the vault's database is opened with a key.
    unlocked = loaded_after(opened + f"vault.inspect(recovery_key_text={key!r}).close()\n", AT_SIGN_IN)
    assert {"sqlcipher3", "cryptography", "app.vault.database"} <= set(unlocked)


def test_the_probe_sees_a_service_when_one_is_loaded() -> None:
    # The probe itself works: the same check fails once a service is imported.
    assert "app.sharing" in loaded_after("import app.vault.vault, app.sharing")


def test_a_session_still_has_every_service(made_vault: VaultUnderTest) -> None:
    session: Session = made_vault.session
    names = (
        "staff",
        "settings",
        "audit",
        "security",
        "drafts",
        "documents",
        "children",
        "concerns",
        "parent_contacts",
        "chronology",
        "sharing",
        "transfers",
        "consents",
        "forms",
        "policies",
        "retention",
        "subject_access",
        "review_pack",
        "backups",
    )
    for name in names:
        service = getattr(session, name)
        assert type(service).__module__.startswith("app."), name
    assert session.children.__class__.__name__ == "ChildrenService"


def test_the_version_is_read_once_and_only_when_asked() -> None:
    assert loaded_after("import app") == []
    assert "importlib.metadata" in loaded_after("import app; app.version()")
    first = app.version()
    assert first and first == app.version()
    assert app.version.cache_info().hits >= 1
