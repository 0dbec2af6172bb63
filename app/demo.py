"""A throwaway demo vault with fictional people, for trying Sharewise and for screenshots.

Demo accounts get known passwords (printed by ``python -m app demo``) and are marked so the
program can show a "Demo data — fictional" banner. Later issues add children and records here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from app.audit import AuditAction
from app.clock import Clock
from app.policy.permissions import Role
from app.settings import ProviderProfile
from app.staff import NewStaff
from app.vault.device import DeviceKeyring
from app.vault.kdf import KdfParams
from app.vault.recovery_key import RecoveryKey
from app.vault.vault import Vault


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    roles: frozenset[Role]
    password: str
    job_title: str = ""


@dataclass(frozen=True)
class DemoVault:
    folder: Path
    provider: ProviderProfile
    accounts: tuple[DemoAccount, ...]
    recovery_key: RecoveryKey


def demo_data() -> dict[str, Any]:
    text = resources.files("resources").joinpath("demo/setting.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def demo_accounts() -> tuple[DemoAccount, ...]:
    return tuple(
        DemoAccount(
            username=entry["username"],
            full_name=entry["full_name"],
            roles=frozenset(Role(r) for r in entry["roles"]),
            password=entry["password"],
            job_title=str(entry.get("job_title", "")),
        )
        for entry in demo_data()["staff"]
    )


def create_demo_vault(
    folder: Path,
    *,
    keyring: DeviceKeyring | None = None,
    clock: Clock | None = None,
    kdf_params: KdfParams | None = None,
) -> DemoVault:
    """Create the demo vault in ``folder`` (which must not hold a vault) and close it."""
    data = demo_data()
    provider = ProviderProfile(**data["provider"])
    accounts = demo_accounts()
    first, others = accounts[0], accounts[1:]
    created = Vault.create(
        folder,
        provider=provider,
        manager=NewStaff(first.username, first.full_name, first.roles, first.job_title),
        password=first.password,
        keyring=keyring,
        clock=clock,
        kdf_params=kdf_params,
        demo=True,
    )
    try:
        session = created.session
        ctx = session.context
        for account in others:
            person, _one_time = session.staff.add(
                NewStaff(account.username, account.full_name, account.roles, account.job_title)
            )
            # Demo only: a known password instead of the one-time one, so the README can list it.
            with ctx.transaction() as tx:
                tx.execute("UPDATE staff SET must_change_password = 0 WHERE id = ?", (person.id,))
                ctx.audit(tx, AuditAction.PASSWORD_RESET, "staff", person.id, {"demo": True})
                ctx.keys.set_staff_password(
                    tx, staff_id=person.id, username=person.username, password=account.password
                )
        session.close()
    finally:
        created.vault.close()
    return DemoVault(Path(folder), provider, accounts, created.recovery_key)
