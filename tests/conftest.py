"""Shared fixtures: a temporary vault with cheap Argon2id and an in-memory keyring.

The cheap-KDF switch is the environment variable, so subprocesses started by tests inherit it.
Fictional people only, with names in several scripts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ["SHAREWISE_TEST_CHEAP_KDF"] = "1"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from app.clock import ManualClock
from app.policy.permissions import Role
from app.session import Session
from app.settings import ProviderProfile
from app.staff import NewStaff
from app.vault.closing import wait_for_closes
from app.vault.device import DeviceKeyring
from app.vault.recovery_key import RecoveryKey
from app.vault.vault import Vault

MANAGER_USERNAME = "zoë.adams"
MANAGER_NAME = "Zoë Adams"
MANAGER_PASSWORD = "purple teapot river"
PROVIDER = ProviderProfile(
    name="Sunflower Pre-school",
    ofsted_urn="EY123456",
    address="1 Example Lane\nAnytown",
    dsl_name="Zoë Adams",
    phone="01632 960 222",
)


class MemoryKeyring(KeyringBackend):
    """A working keyring held in memory (stands in for Credential Manager / Keychain)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.entries[(service, username)]


class LockedKeyring(KeyringBackend):
    """A keyring that is there but locked (the person has not unlocked their login keyring)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


@dataclass
class VaultUnderTest:
    folder: Path
    vault: Vault
    session: Session
    recovery_key: RecoveryKey
    keyring: MemoryKeyring
    clock: ManualClock

    def sign_in(self, username: str = MANAGER_USERNAME, password: str = MANAGER_PASSWORD) -> Session:
        self.session = self.vault.sign_in(username, password)
        return self.session

    def add_person(self, username: str, full_name: str, roles: set[Role], password: str) -> int:
        """Add an account the real way (one-time password, first sign-in, forced change) and
        sign the manager back in. Returns the new staff id."""
        person, one_time = self.session.staff.add(NewStaff(username, full_name, frozenset(roles)))
        first = self.vault.sign_in(username, one_time)
        first.change_password(one_time, password)
        first.close()
        self.sign_in()
        return int(person.id)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


def vault_bytes(folder: Path) -> bytes:
    """Every byte of the database and its WAL as they lie on disk, once a lock's or sign-out's
    close (on a thread of its own) has finished copying the WAL in."""
    assert wait_for_closes(timeout=30)
    return b"".join(p.read_bytes() for p in sorted(Path(folder).glob("sharewise.db*")))


@pytest.fixture
def vault_folder(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def made_vault(
    vault_folder: Path, memory_keyring: MemoryKeyring, clock: ManualClock
) -> Iterator[VaultUnderTest]:
    """A new vault with its first manager signed in (manager and DSL)."""
    created = Vault.create(
        vault_folder,
        provider=PROVIDER,
        manager=NewStaff(MANAGER_USERNAME, MANAGER_NAME, frozenset({Role.MANAGER, Role.DSL})),
        password=MANAGER_PASSWORD,
        keyring=DeviceKeyring(memory_keyring),
        clock=clock,
    )
    under_test = VaultUnderTest(
        vault_folder, created.vault, created.session, created.recovery_key, memory_keyring, clock
    )
    yield under_test
    under_test.vault.close()
