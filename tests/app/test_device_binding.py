"""Device binding: staff slots tied to this computer's keyring, and what happens without it.

The keyring backends here are in-memory stand-ins (``MemoryKeyring``, ``LockedKeyring``) or
``DeviceKeyring(None)``; the real Secret Service is exercised in
``tests/integration/test_secret_service.py``. Fictional people only.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend

from app.audit import AuditAction
from app.clock import ManualClock
from app.errors import DeviceKeyMissing, KeyringUnavailable, RecoveryKeyMismatch, WrongPassword
from app.policy.permissions import Role
from app.staff import NewStaff
from app.vault.device import (
    RECOMMENDED_BACKENDS,
    SERVICE,
    DeviceKeyring,
    KeyringState,
    choose_backend,
    is_recommended,
    qualified_name,
)
from app.vault.vault import DEVICE_KEY_MISSING, NewVault, Vault
from tests.conftest import (
    MANAGER_NAME,
    MANAGER_PASSWORD,
    MANAGER_USERNAME,
    PROVIDER,
    LockedKeyring,
    MemoryKeyring,
    VaultUnderTest,
)

LUCJA, LUCJA_PASSWORD = "łucja", "green kettle mountain"
DMITRY, DMITRY_PASSWORD = "дмитрий", "velvet thunder candle"
NEW_MANAGER_PASSWORD = "orange lantern harbour"


@pytest.fixture
def to_close() -> Iterator[list[Vault]]:
    """Vaults a test opens itself; closed (and their folder locks released) afterwards."""
    vaults: list[Vault] = []
    yield vaults
    for vault in vaults:
        vault.close()


def create(folder: Path, device: DeviceKeyring, clock: ManualClock, to_close: list[Vault]) -> NewVault:
    created = Vault.create(
        folder,
        provider=PROVIDER,
        manager=NewStaff(MANAGER_USERNAME, MANAGER_NAME, frozenset({Role.MANAGER, Role.DSL})),
        password=MANAGER_PASSWORD,
        keyring=device,
        clock=clock,
    )
    to_close.append(created.vault)
    return created


def reopen(made_vault: VaultUnderTest, device: DeviceKeyring) -> Vault:
    """Close the fixture's vault and open its folder again with ``device`` (e.g. "another PC").

    The fixture's teardown closes whatever ``made_vault.vault`` is, so the new vault goes there.
    """
    made_vault.vault.close()
    vault = Vault.open(made_vault.folder, keyring=device, clock=made_vault.clock)
    made_vault.vault = vault
    return vault


def fake_backend(module: str, qualname: str, priority: float = 1.0) -> KeyringBackend:
    """An object that looks like a backend class named ``module.qualname`` to the allow-list.

    Deliberately not a ``KeyringBackend`` subclass: keyring registers every subclass globally,
    and a fake "SecretService" must never be picked up by ``DeviceKeyring.system()`` elsewhere.
    """
    cls = type(qualname.rpartition(".")[2], (), {"priority": priority})
    cls.__module__ = module
    cls.__qualname__ = qualname
    return cast(KeyringBackend, cls())


def actions(session_vault: Vault, username: str, password: str) -> list[tuple[str, str | None]]:
    session = session_vault.sign_in(username, password)
    try:
        return [(e.action, e.subject_id) for e in session.audit.entries(limit=500)]
    finally:
        session.close()


# --- an in-memory keyring that works --------------------------------------------------------------


def test_new_vault_with_a_working_keyring_is_bound(made_vault: VaultUnderTest) -> None:
    status = made_vault.session.security.binding_status()

    assert status.state == "bound"
    assert status.staff_slots == status.bound_slots == 1
    assert status.keyring.state is KeyringState.AVAILABLE
    assert "cannot be opened with staff passwords" in status.sentence
    vault_id = made_vault.vault.info().vault_id
    assert list(made_vault.keyring.entries) == [(SERVICE, f"device-key/{vault_id}")]
    assert SERVICE == "Sharewise"


def test_staff_added_later_are_bound_with_the_same_entry(made_vault: VaultUnderTest) -> None:
    made_vault.add_person(LUCJA, "Łucja Nowak", {Role.KEY_WORKER}, LUCJA_PASSWORD)
    made_vault.add_person(DMITRY, "Дмитрий Соколов", {Role.KEY_WORKER}, DMITRY_PASSWORD)

    status = made_vault.session.security.binding_status()
    assert (status.state, status.staff_slots, status.bound_slots) == ("bound", 3, 3)
    assert len(made_vault.keyring.entries) == 1


# --- no keyring at all -----------------------------------------------------------------------------


def test_vault_without_any_keyring_works_unbound(
    tmp_path: Path, clock: ManualClock, to_close: list[Vault]
) -> None:
    created = create(tmp_path / "vault", DeviceKeyring(None), clock, to_close)
    created.session.close()

    session = created.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert session.me.full_name == MANAGER_NAME
    status = session.security.binding_status()
    assert status.state == "not bound"
    assert (status.staff_slots, status.bound_slots) == (1, 0)
    assert status.keyring.state is KeyringState.NONE
    assert status.keyring.backend_name == "none"
    assert "No secure keyring was found" in status.keyring.sentence
    assert "No secure keyring was found" in status.sentence
    assert "not bound" in status.sentence

    info = created.vault.info()
    assert info.binding.state == "not bound"
    assert info.binding.keyring.state is KeyringState.NONE
    assert info.binding.sentence == status.sentence
    assert info.staff_accounts == 1


# --- a keyring that is locked -----------------------------------------------------------------------


def test_vault_created_while_keyring_is_locked_works_unbound(
    tmp_path: Path, clock: ManualClock, to_close: list[Vault]
) -> None:
    created = create(tmp_path / "vault", DeviceKeyring(LockedKeyring()), clock, to_close)
    assert created.session.me.username == MANAGER_USERNAME
    created.session.close()

    session = created.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    status = session.security.binding_status()
    assert status.state == "not bound"
    assert status.bound_slots == 0
    assert status.keyring.state is KeyringState.LOCKED
    assert "locked" in status.keyring.sentence
    assert "locked" in status.sentence
    assert created.vault.info().binding.state == "not bound"


def test_bound_vault_with_keyring_locked_later_points_to_the_recovery_key(
    made_vault: VaultUnderTest,
) -> None:
    vault = reopen(made_vault, DeviceKeyring(LockedKeyring()))

    with pytest.raises(KeyringUnavailable) as raised:
        vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)

    assert raised.value.locked
    assert "locked" in raised.value.sentence
    assert "the recovery key can" in raised.value.sentence
    # Still usable afterwards: info works and reports the locked keyring.
    info = vault.info()
    assert info.binding.keyring.state is KeyringState.LOCKED
    assert info.binding.state == "bound"  # the slots are still bound; only the keyring is locked


def test_recovery_while_keyring_is_locked_leaves_the_vault_unbound(made_vault: VaultUnderTest) -> None:
    vault = reopen(made_vault, DeviceKeyring(LockedKeyring()))

    session, new_key = vault.recover(
        made_vault.recovery_key.formatted(), MANAGER_USERNAME, NEW_MANAGER_PASSWORD
    )

    assert new_key.formatted() != made_vault.recovery_key.formatted()
    status = session.security.binding_status()
    assert status.state == "not bound"
    assert status.keyring.state is KeyringState.LOCKED
    session.close()
    again = vault.sign_in(MANAGER_USERNAME, NEW_MANAGER_PASSWORD)
    assert again.me.username == MANAGER_USERNAME


# --- the keyring entry is lost, or this is another PC -----------------------------------------------


@pytest.mark.parametrize("where", ["entry removed from this PC", "another PC"])
def test_lost_device_key_is_recovered_with_the_recovery_key(
    made_vault: VaultUnderTest, where: str
) -> None:
    lucja_id = made_vault.add_person(LUCJA, "Łucja Nowak", {Role.KEY_WORKER}, LUCJA_PASSWORD)
    dmitry_id = made_vault.add_person(DMITRY, "Дмитрий Соколов", {Role.KEY_WORKER}, DMITRY_PASSWORD)
    old_key = made_vault.recovery_key
    if where == "another PC":
        pc = MemoryKeyring()
        vault = reopen(made_vault, DeviceKeyring(pc))
    else:
        pc = made_vault.keyring
        made_vault.session.close()
        pc.entries.clear()
        vault = made_vault.vault

    with pytest.raises(DeviceKeyMissing) as manager_error:
        vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    with pytest.raises(DeviceKeyMissing) as unknown_error:
        vault.sign_in("siobhán.nobody", "copper violin garden")
    with pytest.raises(DeviceKeyMissing):
        vault.sign_in(LUCJA, LUCJA_PASSWORD)
    # The same error and sentence whether or not the username exists: nothing to enumerate.
    assert manager_error.value.sentence == unknown_error.value.sentence == DEVICE_KEY_MISSING
    assert "recovery key" in manager_error.value.sentence

    session, new_key = vault.recover(old_key.formatted(), MANAGER_USERNAME, NEW_MANAGER_PASSWORD)

    assert session.me.username == MANAGER_USERNAME
    assert new_key.formatted() != old_key.formatted()
    status = session.security.binding_status()
    assert (status.state, status.staff_slots, status.bound_slots) == ("bound", 3, 3)
    vault_id = vault.info().vault_id
    assert list(pc.entries) == [(SERVICE, f"device-key/{vault_id}")]
    session.close()

    # Everyone else keeps their own password on the re-bound vault.
    lucja = vault.sign_in(LUCJA, LUCJA_PASSWORD)
    assert lucja.me.id == lucja_id
    assert not lucja.must_change_password
    lucja.close()
    dmitry = vault.sign_in(DMITRY.upper(), DMITRY_PASSWORD)
    assert dmitry.me.id == dmitry_id
    dmitry.close()

    # The manager's password is the new one.
    with pytest.raises(WrongPassword):
        vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    manager = vault.sign_in(MANAGER_USERNAME, NEW_MANAGER_PASSWORD)
    assert manager.security.binding_status().state == "bound"
    manager.close()

    # A recovery key stops working once used.
    with pytest.raises(RecoveryKeyMismatch):
        vault.recover(old_key.formatted(), MANAGER_USERNAME, "another fresh passphrase")
    # ... and the new one does work.
    session, _newer = vault.recover(new_key.formatted(), MANAGER_USERNAME, "another fresh passphrase")
    assert session.me.username == MANAGER_USERNAME
    session.close()


def test_recovery_is_written_to_the_audit_log(made_vault: VaultUnderTest) -> None:
    vault = reopen(made_vault, DeviceKeyring(MemoryKeyring()))
    session, _key = vault.recover(
        made_vault.recovery_key.formatted(), MANAGER_USERNAME, NEW_MANAGER_PASSWORD
    )
    logged = session.audit.entries(limit=500)
    session.close()

    names = [e.action for e in logged]
    assert AuditAction.RECOVERY_KEY_USED.value in names
    assert AuditAction.RECOVERY_KEY_REISSUED.value in names
    bound = [e for e in logged if e.action == AuditAction.DEVICE_BOUND.value]
    assert bound and bound[0].detail == {"bound": True}


# --- created without a keyring, opened later with one ----------------------------------------------


def test_slots_are_bound_one_by_one_at_sign_in_when_a_keyring_appears(
    tmp_path: Path, clock: ManualClock, to_close: list[Vault]
) -> None:
    folder = tmp_path / "vault"
    created = create(folder, DeviceKeyring(None), clock, to_close)
    setup = VaultUnderTest(
        folder, created.vault, created.session, created.recovery_key, MemoryKeyring(), clock
    )
    lucja_id = setup.add_person(LUCJA, "Łucja Nowak", {Role.KEY_WORKER}, LUCJA_PASSWORD)
    manager_id = setup.session.me.id
    assert setup.session.security.binding_status().state == "not bound"
    created.vault.close()

    pc = MemoryKeyring()
    vault = Vault.open(folder, keyring=DeviceKeyring(pc), clock=clock)
    to_close.append(vault)

    manager = vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    status = manager.security.binding_status()
    assert (status.state, status.staff_slots, status.bound_slots) == ("partly bound", 2, 1)
    assert "1 of 2" in status.sentence
    assert len(pc.entries) == 1
    manager.close()

    lucja = vault.sign_in(LUCJA, LUCJA_PASSWORD)
    lucja.close()

    assert vault.info().binding.state == "bound"
    logged = actions(vault, MANAGER_USERNAME, MANAGER_PASSWORD)
    bound_subjects = [subject for action, subject in logged if action == AuditAction.DEVICE_BOUND.value]
    assert sorted(bound_subjects) == sorted([str(manager_id), str(lucja_id)])
    assert len(pc.entries) == 1

    # The binding is real: without this PC's keyring, the passwords no longer open the vault.
    vault.close()
    elsewhere = Vault.open(folder, keyring=DeviceKeyring(MemoryKeyring()), clock=clock)
    to_close.append(elsewhere)
    with pytest.raises(DeviceKeyMissing):
        elsewhere.sign_in(LUCJA, LUCJA_PASSWORD)


# --- a copy of the files taken elsewhere ------------------------------------------------------------


@pytest.mark.parametrize("keyring_there", ["empty keyring", "no keyring"])
def test_copied_vault_cannot_be_opened_with_the_manager_password(
    made_vault: VaultUnderTest, tmp_path: Path, to_close: list[Vault], keyring_there: str
) -> None:
    made_vault.vault.close()
    copy = tmp_path / "copied"
    shutil.copytree(made_vault.folder, copy)
    device = DeviceKeyring(MemoryKeyring() if keyring_there == "empty keyring" else None)

    stolen = Vault.open(copy, keyring=device, clock=made_vault.clock)
    to_close.append(stolen)
    with pytest.raises(DeviceKeyMissing):
        stolen.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)

    # The original, on its own PC, still opens with the password.
    original = Vault.open(
        made_vault.folder, keyring=DeviceKeyring(made_vault.keyring), clock=made_vault.clock
    )
    made_vault.vault = original
    session = original.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert session.me.username == MANAGER_USERNAME
    session.close()


# --- which keyrings are accepted ---------------------------------------------------------------------


def test_fail_and_null_backends_are_refused() -> None:
    fail = keyring.backends.fail.Keyring()
    null = keyring.backends.null.Keyring()

    assert not is_recommended(fail)
    assert not is_recommended(null)
    assert choose_backend([fail, null]) is None


def test_plaintext_backend_from_keyrings_alt_is_refused() -> None:
    plaintext = fake_backend("keyrings.alt.file", "PlaintextKeyring", priority=100)

    assert qualified_name(plaintext) == "keyrings.alt.file.PlaintextKeyring"
    assert not is_recommended(plaintext)
    assert choose_backend([plaintext]) is None


def test_test_doubles_are_not_on_the_allow_list() -> None:
    assert not is_recommended(MemoryKeyring())
    assert not is_recommended(LockedKeyring())
    assert choose_backend([MemoryKeyring(), LockedKeyring()]) is None


def test_secret_service_backend_is_chosen_over_refused_ones() -> None:
    secret_service = fake_backend("keyring.backends.SecretService", "Keyring", priority=5)
    plaintext = fake_backend("keyrings.alt.file", "PlaintextKeyring", priority=100)
    null = keyring.backends.null.Keyring()

    assert is_recommended(secret_service)
    assert choose_backend([plaintext, null, secret_service]) is secret_service


def test_the_higher_priority_allowed_backend_wins() -> None:
    kwallet = fake_backend("keyring.backends.kwallet", "DBusKeyring", priority=4.9)
    secret_service = fake_backend("keyring.backends.SecretService", "Keyring", priority=5)

    assert choose_backend([kwallet, secret_service]) is secret_service
    assert choose_backend([secret_service, kwallet]) is secret_service
    kwallet_first = fake_backend("keyring.backends.kwallet", "DBusKeyring", priority=6)
    assert choose_backend([secret_service, kwallet_first]) is kwallet_first


def test_an_allowed_backend_whose_priority_check_fails_loses() -> None:
    class Probing:
        @property
        def priority(self) -> float:
            raise RuntimeError("D-Bus is not answering")

    Probing.__module__ = "keyring.backends.libsecret"
    Probing.__qualname__ = "Keyring"
    broken = cast(KeyringBackend, Probing())
    working = fake_backend("keyring.backends.SecretService", "Keyring", priority=0.5)

    assert is_recommended(broken)
    assert choose_backend([broken, working]) is working


def test_no_candidates_means_no_backend() -> None:
    assert choose_backend([]) is None


def test_allow_list_is_only_os_keyrings() -> None:
    assert all(name.startswith("keyring.backends.") for name in RECOMMENDED_BACKENDS)
    assert not any(".fail." in name or ".null." in name or "chainer" in name for name in RECOMMENDED_BACKENDS)


def test_system_keyring_is_never_a_refused_backend() -> None:
    device = DeviceKeyring.system()

    backend = device._backend
    assert backend is None or is_recommended(backend)
    if backend is None:
        assert device.backend_name == "none"


def test_system_keyring_picks_from_what_keyring_offers(monkeypatch: pytest.MonkeyPatch) -> None:
    secret_service = fake_backend("keyring.backends.SecretService", "Keyring", priority=5)
    offered: list[KeyringBackend] = [
        keyring.backends.fail.Keyring(),
        keyring.backends.null.Keyring(),
        fake_backend("keyrings.alt.file", "PlaintextKeyring", priority=100),
        MemoryKeyring(),
        secret_service,
    ]
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: offered)
    # The user's keyring configuration is deliberately ignored.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

    assert DeviceKeyring.system()._backend is secret_service

    offered.remove(secret_service)
    device = DeviceKeyring.system()
    assert device._backend is None
    assert device.backend_name == "none"


def test_system_keyring_survives_keyring_failing_to_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> list[KeyringBackend]:
        raise RuntimeError("a plugin failed to import")

    monkeypatch.setattr(keyring.backend, "get_all_keyring", broken)

    device = DeviceKeyring.system()
    assert device._backend is None
    assert device.probe("any-vault").state is KeyringState.NONE
