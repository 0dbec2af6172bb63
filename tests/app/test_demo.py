"""The demo vault holds the fictional staff of resources/demo/setting.json, job titles included."""

from __future__ import annotations

from pathlib import Path

from app.demo import create_demo_vault, demo_accounts
from app.settings import DEMO_VAULT
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault


def test_demo_vault_has_every_account_with_its_job_title(tmp_path: Path) -> None:
    demo = create_demo_vault(tmp_path / "demo", keyring=DeviceKeyring(None))
    first = demo_accounts()[0]
    vault = Vault.open(demo.folder, keyring=DeviceKeyring(None))
    try:
        session = vault.sign_in(first.username, first.password)
        people = {p.username: p for p in session.staff.accounts()}
        assert set(people) == {a.username for a in demo.accounts}
        assert all(people[a.username].job_title == a.job_title != "" for a in demo.accounts)
        assert session.settings.get(DEMO_VAULT) is True
        session.close()
    finally:
        vault.close()
