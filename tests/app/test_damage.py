"""A damaged or mismatched vault is refused with a sentence saying what to do, and left as found.

Every case checks that the evidence is untouched afterwards: the flipped byte is still flipped,
the slot files are byte-identical, a missing database is not recreated.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import settings
from app.errors import IntegrityError, NotEncrypted, SlotFileError, WrongPassword
from app.policy.permissions import Role
from app.staff import NewStaff
from app.vault.database import Database
from app.vault.device import DeviceKeyring
from app.vault.files import VaultPaths
from app.vault.vault import Vault
from tests.conftest import (
    MANAGER_NAME,
    MANAGER_PASSWORD,
    MANAGER_USERNAME,
    PROVIDER,
    MemoryKeyring,
    VaultUnderTest,
)

REPO = Path(__file__).resolve().parents[2]
PAGE = 4096


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _slot_digests(paths: VaultPaths) -> dict[str, str]:
    return {p.name: _digest(p) for p in (paths.slots, paths.slots_kept) if p.exists()}


def _flip(path: Path, offset: int) -> int:
    """Invert one byte in place; returns the new (damaged) value."""
    with path.open("r+b") as handle:
        handle.seek(offset)
        original = handle.read(1)[0]
        handle.seek(offset)
        handle.write(bytes([original ^ 0xFF]))
    return original ^ 0xFF


def _reopen(made_vault: VaultUnderTest) -> Vault:
    return Vault.open(made_vault.folder, keyring=DeviceKeyring(made_vault.keyring), clock=made_vault.clock)


def _fill(made_vault: VaultUnderTest) -> None:
    session = made_vault.session
    for number, name in enumerate(
        ("Łucja Nowak", "Aoife Ní Bhriain", "Ngô Thị Lan", "Олена Коваль", "Δανάη Ρήγα", "Chloé Dubois")
    ):
        session.staff.add(
            NewStaff(f"person{number}", name, frozenset({Role.KEY_WORKER}), job_title="Room leader")
        )
        session.settings.update({settings.PROVIDER_PHONE: f"01632 960 {number:03d}"})


# --- flipped bytes in the database -----------------------------------------------------------


@pytest.mark.parametrize("offset", [20, 100, PAGE - 40])
def test_a_flipped_byte_in_the_first_page_refuses_sign_in_and_changes_nothing(
    made_vault: VaultUnderTest, offset: int
) -> None:
    paths = VaultPaths(made_vault.folder)
    made_vault.session.close()
    slots_before = _slot_digests(paths)
    damaged_value = _flip(paths.database, offset)
    damaged = paths.database.read_bytes()

    with pytest.raises(IntegrityError) as caught:
        made_vault.sign_in()

    assert "backup" in caught.value.sentence
    made_vault.vault.close()
    assert paths.database.read_bytes()[offset] == damaged_value
    assert paths.database.read_bytes() == damaged
    assert _slot_digests(paths) == slots_before


def test_a_flipped_byte_in_the_salt_is_reported_as_damage_not_a_wrong_password(
    made_vault: VaultUnderTest,
) -> None:
    """The first 16 bytes are SQLCipher's salt, which the slots name. Damage there must still
    read as damage (restore from backup), not as a mistyped password that counts towards the
    sign-in delay."""
    paths = VaultPaths(made_vault.folder)
    made_vault.session.close()
    slots_before = _slot_digests(paths)
    damaged_value = _flip(paths.database, 5)
    damaged = paths.database.read_bytes()

    try:
        with pytest.raises(IntegrityError) as caught:
            made_vault.sign_in()
    except WrongPassword as exc:  # make the failure say what happened instead
        pytest.fail(f"a damaged salt was reported as a wrong password: {exc}")

    assert "backup" in caught.value.sentence
    made_vault.vault.close()
    assert paths.database.read_bytes()[5] == damaged_value
    assert paths.database.read_bytes() == damaged
    assert _slot_digests(paths) == slots_before


def _page_of_table(made_vault: VaultUnderTest, table: str) -> int:
    row = made_vault.session.context.database.one(
        "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    )
    assert row is not None
    return int(row[0])


def test_a_flipped_byte_in_a_page_sign_in_does_not_read_is_caught_by_the_check(
    made_vault: VaultUnderTest,
) -> None:
    """schema_migration is one small page that sign-in never reads: sign-in works, the full
    check finds the damage."""
    paths = VaultPaths(made_vault.folder)
    _fill(made_vault)
    page = _page_of_table(made_vault, "schema_migration")
    assert page > 1
    made_vault.session.close()  # the last connection: WAL checkpointed into the file
    assert not paths.database_sidecars()[0].exists()
    slots_before = _slot_digests(paths)
    start = (page - 1) * PAGE
    damaged_value = _flip(paths.database, start + PAGE // 2)
    damaged_page = paths.database.read_bytes()[start : start + PAGE]

    session = made_vault.sign_in()
    with pytest.raises(IntegrityError) as caught:
        session.security.check()

    assert "backup" in caught.value.sentence
    session.close()
    made_vault.vault.close()
    after = paths.database.read_bytes()
    assert after[start + PAGE // 2] == damaged_value
    assert after[start : start + PAGE] == damaged_page
    assert _slot_digests(paths) == slots_before


def test_a_flipped_byte_in_the_last_page_is_refused_at_sign_in_or_by_the_check(
    made_vault: VaultUnderTest,
) -> None:
    paths = VaultPaths(made_vault.folder)
    _fill(made_vault)
    made_vault.session.close()
    size = paths.database.stat().st_size
    assert size % PAGE == 0
    assert size >= 8 * PAGE
    slots_before = _slot_digests(paths)
    offset = size - PAGE + PAGE // 2
    damaged_value = _flip(paths.database, offset)
    damaged_page = paths.database.read_bytes()[size - PAGE :]

    try:
        session = made_vault.sign_in()
    except IntegrityError as exc:
        error = exc
    else:
        with pytest.raises(IntegrityError) as caught:
            session.security.check()
        error = caught.value
        session.close()

    assert "backup" in error.sentence
    made_vault.vault.close()
    after = paths.database.read_bytes()
    assert after[offset] == damaged_value
    assert after[size - PAGE : size] == damaged_page
    assert _slot_digests(paths) == slots_before


def test_an_undamaged_vault_passes_the_check(made_vault: VaultUnderTest) -> None:
    """The control for the cases above: without a flipped byte the same check passes."""
    _fill(made_vault)
    made_vault.session.close()
    session = made_vault.sign_in()
    result = session.security.check()
    assert result.ok
    assert session.context.database.integrity_problems() == []


# --- missing, damaged and mismatched files -----------------------------------------------------


def test_a_missing_slot_file_is_refused_at_open_with_a_sentence(made_vault: VaultUnderTest) -> None:
    paths = VaultPaths(made_vault.folder)
    made_vault.session.close()
    made_vault.vault.close()
    database_before = _digest(paths.database)
    kept = paths.slots.read_bytes()
    paths.slots.unlink()

    with pytest.raises(SlotFileError) as caught:
        _reopen(made_vault)

    sentence = caught.value.sentence
    assert "key file" in sentence
    assert "missing" in sentence
    assert "database has not been changed" in sentence
    assert _digest(paths.database) == database_before
    assert not paths.slots.exists()
    # The refusal let go of the lock: with the file put back, the vault opens again.
    paths.slots.write_bytes(kept)
    _reopen(made_vault).close()


def test_a_truncated_slot_file_is_refused_as_damaged(made_vault: VaultUnderTest) -> None:
    paths = VaultPaths(made_vault.folder)
    made_vault.session.close()
    made_vault.vault.close()
    database_before = _digest(paths.database)
    whole = paths.slots.read_bytes()
    paths.slots.write_bytes(whole[: len(whole) // 2])
    slots_before = _slot_digests(paths)

    with pytest.raises(SlotFileError) as caught:
        _reopen(made_vault)

    assert "damaged" in caught.value.sentence
    assert "database has not been changed" in caught.value.sentence
    assert _digest(paths.database) == database_before
    assert _slot_digests(paths) == slots_before


def test_a_missing_database_beside_slot_files_is_refused(
    made_vault: VaultUnderTest, tmp_path: Path
) -> None:
    paths = VaultPaths(made_vault.folder)
    made_vault.session.close()
    made_vault.vault.close()
    slots_before = _slot_digests(paths)
    moved = tmp_path / "moved-away.db"
    shutil.move(paths.database, moved)
    moved_before = _digest(moved)

    with pytest.raises(IntegrityError) as caught:
        _reopen(made_vault)

    assert "backup" in caught.value.sentence
    assert not paths.database.exists()  # not recreated as an empty database
    assert not any(p.exists() for p in paths.database_sidecars())
    assert _slot_digests(paths) == slots_before
    assert _digest(moved) == moved_before


def test_a_plain_sqlite_file_in_place_of_the_database_is_refused(made_vault: VaultUnderTest) -> None:
    paths = VaultPaths(made_vault.folder)
    made_vault.session.close()
    made_vault.vault.close()
    slots_before = _slot_digests(paths)
    paths.database.unlink()
    plain = sqlite3.connect(paths.database)
    plain.execute("CREATE TABLE staff (id INTEGER PRIMARY KEY, full_name TEXT)")
    plain.execute("INSERT INTO staff (full_name) VALUES ('Mateusz Wiśniewski')")
    plain.commit()
    plain.close()
    plain_before = _digest(paths.database)

    with pytest.raises(NotEncrypted) as caught:
        _reopen(made_vault)

    assert "unencrypted" in caught.value.sentence
    assert _digest(paths.database) == plain_before
    assert _slot_digests(paths) == slots_before


def test_a_slot_file_from_another_vault_is_refused_as_a_mismatch(
    made_vault: VaultUnderTest, tmp_path: Path
) -> None:
    """Same manager username and password in both vaults, so only the mismatch can be at fault."""
    paths = VaultPaths(made_vault.folder)
    made_vault.session.close()
    made_vault.vault.close()
    other_keyring = MemoryKeyring()
    other = Vault.create(
        tmp_path / "other",
        provider=PROVIDER,
        manager=NewStaff(MANAGER_USERNAME, MANAGER_NAME, frozenset({Role.MANAGER})),
        password=MANAGER_PASSWORD,
        keyring=DeviceKeyring(other_keyring),
        clock=made_vault.clock,
    )
    other.session.staff.add(NewStaff("aoife.k", "Aoife Kelly", frozenset({Role.KEY_WORKER})))
    other.vault.close()
    other_paths = VaultPaths(tmp_path / "other")
    database_before = _digest(paths.database)
    shutil.copyfile(other_paths.slots, paths.slots)
    shutil.copyfile(other_paths.slots_kept, paths.slots_kept)
    slots_before = _slot_digests(paths)

    try:
        with pytest.raises(IntegrityError) as caught:
            vault = _reopen(made_vault)
            try:
                vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
            finally:
                vault.close()
    except WrongPassword as exc:  # make the failure say what happened instead
        pytest.fail(f"a key file from another vault was reported as a wrong password: {exc}")

    assert "backup" in caught.value.sentence
    assert _digest(paths.database) == database_before
    assert _slot_digests(paths) == slots_before


# --- restoring the key file --------------------------------------------------------------------


def _restore_key_file(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "restore-key-file", "--data-dir", str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_restore_key_file_brings_back_a_deleted_slot_file(made_vault: VaultUnderTest) -> None:
    paths = VaultPaths(made_vault.folder)
    made_vault.session.staff.add(NewStaff("oisin.b", "Oisín Breathnach", frozenset({Role.KEY_WORKER})))
    made_vault.session.close()
    made_vault.vault.close()
    database_before = _digest(paths.database)
    paths.slots.unlink()
    with pytest.raises(SlotFileError):
        _reopen(made_vault)

    result = _restore_key_file(made_vault.folder)

    assert result.returncode == 0, result.stderr
    assert "restored" in result.stdout
    assert result.stderr == ""
    assert paths.slots.exists()
    assert _digest(paths.database) == database_before
    with _reopen(made_vault) as vault:
        session = vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
        assert session.me.username == MANAGER_USERNAME
        assert session.security.check().ok
        session.close()


def test_restore_key_file_on_a_new_vault_lets_the_manager_sign_in(made_vault: VaultUnderTest) -> None:
    """Straight after setup (no other staff yet) the kept copy must still hold the manager."""
    paths = VaultPaths(made_vault.folder)
    made_vault.session.close()
    made_vault.vault.close()
    paths.slots.unlink()

    result = _restore_key_file(made_vault.folder)

    assert result.returncode == 0, result.stderr
    with _reopen(made_vault) as vault:
        try:
            session = vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
        except WrongPassword:
            pytest.fail(
                "after restore-key-file on a new vault the only manager's password no longer "
                "opens it: the kept copy predates the manager's slot"
            )
        assert session.me.username == MANAGER_USERNAME
        session.close()


def test_restore_key_file_on_a_new_vault_keeps_the_recovery_key_working(
    made_vault: VaultUnderTest,
) -> None:
    paths = VaultPaths(made_vault.folder)
    made_vault.session.close()
    made_vault.vault.close()
    paths.slots.unlink()

    result = _restore_key_file(made_vault.folder)

    assert result.returncode == 0, result.stderr
    with _reopen(made_vault) as vault:
        session, new_key = vault.recover(
            made_vault.recovery_key.formatted(), MANAGER_USERNAME, "amber lighthouse pebble 58"
        )
        assert session.me.username == MANAGER_USERNAME
        assert new_key != made_vault.recovery_key
        session.close()
        vault.sign_in(MANAGER_USERNAME, "amber lighthouse pebble 58").close()


def test_restore_key_file_leaves_a_readable_slot_file_alone(made_vault: VaultUnderTest) -> None:
    paths = VaultPaths(made_vault.folder)
    made_vault.session.close()
    made_vault.vault.close()
    slots_before = _slot_digests(paths)

    result = _restore_key_file(made_vault.folder)

    assert result.returncode == 0, result.stderr
    assert "nothing to restore" in result.stdout
    assert _slot_digests(paths) == slots_before


def test_the_data_is_intact_after_each_refusal(made_vault: VaultUnderTest) -> None:
    """After a refused open (missing key file) and putting the file back, the data reads."""
    paths = VaultPaths(made_vault.folder)
    data_key = made_vault.session.context.keys.data_key
    made_vault.session.close()
    made_vault.vault.close()
    kept = paths.slots.read_bytes()
    paths.slots.unlink()
    with pytest.raises(SlotFileError):
        _reopen(made_vault)
    paths.slots.write_bytes(kept)

    database = Database.open(paths.database, data_key)
    try:
        assert database.integrity_problems() == []
    finally:
        database.close()
    with _reopen(made_vault) as vault:
        vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD).close()
