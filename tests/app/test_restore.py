"""Restoring a backup: the drill onto a fresh folder, over a vault, refusals, a crash mid-swap.

A real vault (cheap KDF, in-memory keyrings, the manual clock at Tuesday 1 September 2026).
Fictional people only, with names in several scripts.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app import audit
from app import restore as restore_module
from app.backup import DATABASE, BackupContents, BackupDamaged, check_backup, read_backup
from app.children import ChildDetails
from app.errors import (
    AccountLocked,
    DeviceKeyMissing,
    NewerDatabase,
    PermissionDenied,
    RecoveryKeyMismatch,
    ValidationError,
    VaultInUse,
    WrongPassword,
)
from app.policy.permissions import Role
from app.restore import PRE_RESTORE, Proof, RestoreCancelled, check_for_restore, restore_backup, restore_in
from app.session import Session
from app.staff import NewStaff
from app.vault import migrations, recovery_key
from app.vault.device import DeviceKeyring
from app.vault.files import VaultPaths
from app.vault.vault import Vault, restoring_slots
from tests.conftest import (
    MANAGER_NAME,
    MANAGER_PASSWORD,
    MANAGER_USERNAME,
    PROVIDER,
    MemoryKeyring,
    VaultUnderTest,
)

KEPT = "Nguyễn Thị Quillfeather"  # in the backup
LATER = "Дмитрий Sandpiper-Ó Briain"  # added after the backup was made
NEW_PASSWORD = "copper meadow kite 64"


def add_child(session: Session, name: str) -> int:
    child = session.children.add(
        ChildDetails(legal_name=name, date_of_birth="2023-03-01", start_date="2025-09-01", room="Acorns")
    )
    return int(child.id)


def names(session: Session) -> set[str]:
    return {c.legal_name for c in session.children.find()}


def snapshot(folder: Path) -> dict[str, str]:
    """Every vault file's SHA-256, except the lock (empty, held) and the sign-in counter."""
    if not folder.exists():
        return {}
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name not in ("sharewise.lock", "sharewise.signin")
    }


def close(made_vault: VaultUnderTest) -> None:
    made_vault.session.close()
    made_vault.vault.close()


def reopen(made_vault: VaultUnderTest, keyring: MemoryKeyring | None = None) -> Vault:
    """Open the folder again; the fixture closes it at teardown."""
    made_vault.vault = Vault.open(
        made_vault.folder, keyring=DeviceKeyring(keyring or made_vault.keyring), clock=made_vault.clock
    )
    return made_vault.vault


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


@pytest.fixture
def backed_up(made_vault: VaultUnderTest, usb: Path) -> Path:
    """A backup holding one child, then a second child added after it; the vault is closed."""
    add_child(made_vault.session, KEPT)
    path = made_vault.session.backups.make(usb).path
    made_vault.clock.advance(3600)
    add_child(made_vault.session, LATER)
    close(made_vault)
    return path


# --- the drill: a new PC ------------------------------------------------------------------------


def test_the_restore_drill_onto_a_fresh_folder_with_the_recovery_key(
    made_vault: VaultUnderTest, usb: Path, tmp_path: Path
) -> None:
    add_child(made_vault.session, KEPT)
    backup = made_vault.session.backups.make(usb).path
    new_pc = MemoryKeyring()  # the old computer's keyring is gone with it
    fresh = tmp_path / "new-pc" / "Sharewise"

    result = restore_backup(
        fresh,
        backup,
        recovery_key=made_vault.recovery_key.formatted(),
        keyring=DeviceKeyring(new_pc),
        clock=made_vault.clock,
    )

    assert result.pre_restore is None and not (fresh / PRE_RESTORE).exists()
    assert (result.children, result.staff) == (1, 1)
    assert result.vault_id == made_vault.session.context.keys.vault_id
    assert not result.replaced_another_vault
    assert read_backup(backup).created_at == result.created_at
    assert not restoring_slots(VaultPaths(fresh)).exists()
    with Vault.open(fresh, keyring=DeviceKeyring(new_pc), clock=made_vault.clock) as vault:
        # Staff passwords are bound to the old PC's keyring: only the recovery key opens it here.
        with pytest.raises(DeviceKeyMissing):
            vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
        session, new_key = vault.recover(made_vault.recovery_key.formatted(), MANAGER_USERNAME, NEW_PASSWORD)
        assert names(session) == {KEPT}
        assert audit.verify(session.context.database).ok
        assert new_key.formatted() != made_vault.recovery_key.formatted()
        session.close()
        # recover re-bound the slots to this PC: the new password now works here.
        again = vault.sign_in(MANAGER_USERNAME, NEW_PASSWORD)
        assert names(again) == {KEPT}
        again.close()


# --- over an existing vault ---------------------------------------------------------------------


def test_restore_over_a_vault_keeps_the_replaced_one_as_a_pre_restore_backup(
    made_vault: VaultUnderTest, backed_up: Path
) -> None:
    vault_id = read_backup(backed_up).vault_id
    result = restore_backup(
        made_vault.folder,
        backed_up,
        username=MANAGER_USERNAME,
        password=MANAGER_PASSWORD,
        keyring=DeviceKeyring(made_vault.keyring),
        clock=made_vault.clock,
    )

    assert result.children == 1
    assert result.pre_restore is not None and result.pre_restore.parent == made_vault.folder / PRE_RESTORE
    assert result.pre_restore_wal is None  # the vault was closed properly: no log left over
    pre = read_backup(result.pre_restore)
    assert pre.vault_id == vault_id
    kept = check_backup(result.pre_restore, recovery_key=made_vault.recovery_key.formatted())
    assert kept.ok and kept.children == 2  # it holds the change made after the backup

    session = reopen(made_vault).sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert names(session) == {KEPT}  # the later change is gone from the live vault
    assert audit.verify(session.context.database).ok
    session.close()


def test_a_cancelled_restore_changes_nothing(made_vault: VaultUnderTest, backed_up: Path) -> None:
    before = snapshot(made_vault.folder)
    seen: list[int] = []

    def decline(contents: BackupContents) -> bool:
        seen.append(contents.children)
        return False

    with pytest.raises(RestoreCancelled):
        restore_backup(
            made_vault.folder, backed_up, recovery_key=made_vault.recovery_key.formatted(), confirm=decline
        )
    assert seen == [1]
    assert snapshot(made_vault.folder) == before


# --- refusals change nothing --------------------------------------------------------------------


def test_a_key_worker_s_password_opens_the_backup_but_may_not_restore_it(
    made_vault: VaultUnderTest, usb: Path
) -> None:
    made_vault.add_person("siobhan.kw", "Siobhán Keyworker", {Role.KEY_WORKER}, NEW_PASSWORD)
    add_child(made_vault.session, KEPT)
    backup = made_vault.session.backups.make(usb).path
    close(made_vault)
    before = snapshot(made_vault.folder)
    keyring = DeviceKeyring(made_vault.keyring)
    with pytest.raises(PermissionDenied) as refused:
        restore_backup(
            made_vault.folder, backup, username="siobhan.kw", password=NEW_PASSWORD, keyring=keyring
        )
    assert "Only a manager can restore" in refused.value.sentence
    assert snapshot(made_vault.folder) == before
    assert not (made_vault.folder / PRE_RESTORE).exists()
    # The same person's password proves nothing more in check_backup: it opens, but may not restore.
    assert not check_backup(backup, username="siobhan.kw", password=NEW_PASSWORD, keyring=keyring).may_restore
    assert check_backup(
        backup, username=MANAGER_USERNAME, password=MANAGER_PASSWORD, keyring=keyring
    ).may_restore
    assert check_backup(backup, recovery_key=made_vault.recovery_key.formatted()).may_restore


def _flip_database_byte(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(DATABASE)
    raw = bytearray(path.read_bytes())
    header = info.header_offset
    start = header + 30 + int.from_bytes(raw[header + 26 : header + 28], "little")
    start += int.from_bytes(raw[header + 28 : header + 30], "little")
    raw[start + info.compress_size // 2] ^= 0x01
    path.write_bytes(bytes(raw))


def test_a_damaged_backup_is_refused_and_changes_nothing(made_vault: VaultUnderTest, backed_up: Path) -> None:
    _flip_database_byte(backed_up)
    before = snapshot(made_vault.folder)
    with pytest.raises(BackupDamaged) as refused:
        restore_backup(made_vault.folder, backed_up, recovery_key=made_vault.recovery_key.formatted())
    assert "Nothing was changed" in refused.value.sentence
    assert snapshot(made_vault.folder) == before
    assert not (made_vault.folder / PRE_RESTORE).exists()


def test_a_wrong_recovery_key_is_refused_and_changes_nothing(
    made_vault: VaultUnderTest, backed_up: Path
) -> None:
    before = snapshot(made_vault.folder)
    with pytest.raises(RecoveryKeyMismatch):
        restore_backup(made_vault.folder, backed_up, recovery_key=recovery_key.generate().formatted())
    assert snapshot(made_vault.folder) == before


def test_a_refused_restore_onto_a_new_folder_leaves_no_folder(
    made_vault: VaultUnderTest, backed_up: Path, tmp_path: Path
) -> None:
    fresh = tmp_path / "new-pc" / "Sharewise"
    wrong = recovery_key.generate().formatted()
    with pytest.raises(RecoveryKeyMismatch):
        restore_backup(fresh, backed_up, recovery_key=wrong, keyring=DeviceKeyring(MemoryKeyring()))
    assert not fresh.exists()  # so the next start offers first-run setup, not a half-made folder


def test_wrong_passwords_are_refused_and_count_towards_the_sign_in_delay(
    made_vault: VaultUnderTest, backed_up: Path
) -> None:
    before = snapshot(made_vault.folder)
    keyring = DeviceKeyring(made_vault.keyring)
    waits = []
    for _ in range(5):
        with pytest.raises(WrongPassword) as refused:
            restore_backup(
                made_vault.folder,
                backed_up,
                username=MANAGER_USERNAME,
                password="not the password",
                keyring=keyring,
                clock=made_vault.clock,
            )
        waits.append(refused.value.retry_after)
    assert waits == [0, 0, 0, 0, 30]
    assert "wait 30 seconds" in refused.value.sentence
    # Even the right password now waits, here and at the sign-in window alike.
    with pytest.raises(AccountLocked):
        restore_backup(
            made_vault.folder,
            backed_up,
            username=MANAGER_USERNAME,
            password=MANAGER_PASSWORD,
            keyring=keyring,
            clock=made_vault.clock,
        )
    assert snapshot(made_vault.folder) == before
    with pytest.raises(AccountLocked):
        reopen(made_vault).sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    made_vault.clock.advance(31)
    session = made_vault.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert session.failed_attempts_since_last_sign_in == 5
    session.close()


def test_a_backup_from_a_newer_version_is_refused_and_changes_nothing(
    made_vault: VaultUnderTest, usb: Path, tmp_path: Path
) -> None:
    with made_vault.session.context.database.transaction() as tx:
        tx.execute(f"PRAGMA user_version = {migrations.latest() + 1}")
    newer = made_vault.session.backups.make(usb).path
    close(made_vault)
    target = tmp_path / "other"
    other = Vault.create(
        target,
        provider=PROVIDER,
        manager=NewStaff(MANAGER_USERNAME, MANAGER_NAME, frozenset({Role.MANAGER})),
        password=MANAGER_PASSWORD,
        keyring=DeviceKeyring(MemoryKeyring()),
        clock=made_vault.clock,
    )
    other.session.close()
    other.vault.close()
    before = snapshot(target)
    with pytest.raises(NewerDatabase) as refused:
        restore_backup(target, newer, recovery_key=made_vault.recovery_key.formatted())
    assert "newer version" in refused.value.sentence
    assert snapshot(target) == before
    assert not (target / PRE_RESTORE).exists()


def test_another_vault_s_backup_needs_its_recovery_key(
    made_vault: VaultUnderTest, usb: Path, tmp_path: Path
) -> None:
    other_folder = tmp_path / "other"
    other = Vault.create(
        other_folder,
        provider=PROVIDER,
        manager=NewStaff(MANAGER_USERNAME, MANAGER_NAME, frozenset({Role.MANAGER, Role.DSL})),
        password=MANAGER_PASSWORD,
        keyring=DeviceKeyring(made_vault.keyring),
        clock=made_vault.clock,
    )
    add_child(other.session, LATER)
    foreign = other.session.backups.make(usb).path
    other.session.close()
    other.vault.close()
    add_child(made_vault.session, KEPT)
    close(made_vault)
    before = snapshot(made_vault.folder)

    with pytest.raises(ValidationError) as refused:
        restore_backup(
            made_vault.folder,
            foreign,
            username=MANAGER_USERNAME,
            password=MANAGER_PASSWORD,
            keyring=DeviceKeyring(made_vault.keyring),
        )
    assert refused.value.field == "recovery_key"
    assert "different Sharewise vault" in refused.value.sentence
    assert snapshot(made_vault.folder) == before

    result = restore_backup(
        made_vault.folder, foreign, recovery_key=other.recovery_key.formatted(), clock=made_vault.clock
    )
    assert result.replaced_another_vault and result.pre_restore is not None
    assert check_backup(result.pre_restore, recovery_key=made_vault.recovery_key.formatted()).children == 1
    session = reopen(made_vault).sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert names(session) == {LATER}
    session.close()


def test_a_vault_open_in_this_process_is_refused(made_vault: VaultUnderTest, usb: Path) -> None:
    add_child(made_vault.session, KEPT)
    backup = made_vault.session.backups.make(usb).path
    made_vault.session.close()  # signed out, but the window still holds the vault
    before = snapshot(made_vault.folder)
    with pytest.raises(VaultInUse):
        restore_backup(made_vault.folder, backup, recovery_key=made_vault.recovery_key.formatted())
    assert snapshot(made_vault.folder) == before


def test_a_vault_held_by_another_program_is_refused(made_vault: VaultUnderTest, backed_up: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from app.vault.file_lock import VaultFileLock; from pathlib import Path; "
            "lock = VaultFileLock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True); "
            "sys.stdin.read()",
            str(VaultPaths(made_vault.folder).lock),
        ],
        cwd=Path(__file__).resolve().parents[2],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = snapshot(made_vault.folder)
        with pytest.raises(VaultInUse) as refused:
            restore_backup(made_vault.folder, backed_up, recovery_key=made_vault.recovery_key.formatted())
        assert "already open" in refused.value.sentence
        assert snapshot(made_vault.folder) == before
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


# --- a crash between the two renames ------------------------------------------------------------


class Crash(BaseException):
    """The process dying: nothing after it runs (the kernel still drops the file lock)."""


def _crash_at_database_swap(monkeypatch: pytest.MonkeyPatch, folder: Path, *, after: bool) -> None:
    real_replace = os.replace
    database = VaultPaths(folder).database

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == database and not after:
            raise Crash
        real_replace(src, dst)
        if Path(dst) == database:
            raise Crash

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(restore_module, "settle_restore", lambda paths: None)  # no tidying after death


def test_a_crash_after_the_database_swap_opens_with_the_restored_data(
    made_vault: VaultUnderTest, backed_up: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crash_at_database_swap(monkeypatch, made_vault.folder, after=True)
    with pytest.raises(Crash):
        restore_backup(made_vault.folder, backed_up, recovery_key=made_vault.recovery_key.formatted())
    monkeypatch.undo()
    paths = VaultPaths(made_vault.folder)
    assert restoring_slots(paths).exists()  # the key file was never swapped in

    session = reopen(made_vault).sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert names(session) == {KEPT}  # rolled forward: the backup's data
    assert not restoring_slots(paths).exists()
    assert audit.verify(session.context.database).ok
    session.close()


def test_a_crash_before_the_database_swap_opens_with_the_old_data(
    made_vault: VaultUnderTest, backed_up: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crash_at_database_swap(monkeypatch, made_vault.folder, after=False)
    with pytest.raises(Crash):
        restore_backup(made_vault.folder, backed_up, recovery_key=made_vault.recovery_key.formatted())
    monkeypatch.undo()

    session = reopen(made_vault).sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert names(session) == {KEPT, LATER}  # rolled back: the vault as it was
    assert sorted(p.name for p in made_vault.folder.iterdir() if "restoring" in p.name) == []
    session.close()


# --- the window's restore: check first, then swap under the lock the program holds ----------------


def test_check_for_restore_shows_what_the_backup_holds_and_changes_nothing(
    made_vault: VaultUnderTest, backed_up: Path, tmp_path: Path
) -> None:
    before = snapshot(made_vault.folder)
    proof = Proof(username=MANAGER_USERNAME, password=MANAGER_PASSWORD)
    checked = check_for_restore(
        made_vault.folder, backed_up, proof, keyring=DeviceKeyring(made_vault.keyring), clock=made_vault.clock
    )
    assert (checked.contents.children, checked.fresh, checked.foreign) == (1, False, False)
    assert snapshot(made_vault.folder) == before
    assert not (made_vault.folder / PRE_RESTORE).exists()

    new_pc = tmp_path / "new-pc"
    on_new_pc = check_for_restore(new_pc, backed_up, Proof(recovery_key=made_vault.recovery_key.formatted()))
    assert on_new_pc.fresh and not on_new_pc.foreign
    assert not new_pc.exists()


def test_restore_in_an_open_vault_swaps_under_its_lock_and_the_vault_signs_in_to_the_backup(
    made_vault: VaultUnderTest, backed_up: Path
) -> None:
    vault = reopen(made_vault)
    with pytest.raises(VaultInUse):  # the program holds the folder all through
        Vault.open(made_vault.folder, keyring=DeviceKeyring(made_vault.keyring))
    result = restore_in(vault, backed_up, Proof(username=MANAGER_USERNAME, password=MANAGER_PASSWORD))
    assert result.children == 1 and result.pre_restore is not None
    session = vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)  # the same Vault object, no reopen
    assert names(session) == {KEPT}
    session.close()


def test_restore_in_is_refused_while_someone_is_signed_in(made_vault: VaultUnderTest, usb: Path) -> None:
    add_child(made_vault.session, KEPT)
    backup = made_vault.session.backups.make(usb).path
    before = snapshot(made_vault.folder)
    with pytest.raises(VaultInUse) as refused:
        restore_in(made_vault.vault, backup, Proof(recovery_key=made_vault.recovery_key.formatted()))
    assert "Sign out first" in refused.value.sentence
    assert made_vault.session.is_open
    assert snapshot(made_vault.folder) == before


def test_restore_in_is_refused_while_the_last_session_is_still_closing(
    made_vault: VaultUnderTest, usb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock or sign-out closes its connection on a thread of its own; a restore straight after
    waits for it, and refuses rather than swap the files under a connection that is still open."""
    add_child(made_vault.session, KEPT)
    backup = made_vault.session.backups.make(usb).path
    database = made_vault.session.context.database
    monkeypatch.setattr("app.restore.CLOSE_WAIT_SECONDS", 0.05)
    with database._lock:  # as a worker's statement holds it: the close cannot finish
        made_vault.session.close(wait=False)
        before = snapshot(made_vault.folder)
        with pytest.raises(VaultInUse) as refused:
            restore_in(made_vault.vault, backup, Proof(recovery_key=made_vault.recovery_key.formatted()))
        assert "still closing" in refused.value.sentence
        assert snapshot(made_vault.folder) == before
    monkeypatch.setattr("app.restore.CLOSE_WAIT_SECONDS", 30.0)
    result = restore_in(made_vault.vault, backup, Proof(recovery_key=made_vault.recovery_key.formatted()))
    assert result.children == 1 and database.closed


def test_wrong_passwords_in_the_window_s_check_count_at_the_sign_in_window_of_the_same_program(
    made_vault: VaultUnderTest, backed_up: Path
) -> None:
    """The restore dialog's check and the sign-in window run in one program with one vault open:
    four wrong passwords in one and one at the other make five, and the delay applies to both."""
    vault = reopen(made_vault)
    keyring = DeviceKeyring(made_vault.keyring)
    wrong = Proof(username=MANAGER_USERNAME, password="not the password")
    for _ in range(4):
        with pytest.raises(WrongPassword):
            check_for_restore(made_vault.folder, backed_up, wrong, keyring=keyring, clock=made_vault.clock)
    with pytest.raises(WrongPassword) as fifth:
        vault.sign_in(MANAGER_USERNAME, "still not the password")
    assert fifth.value.retry_after == 30
    with pytest.raises(AccountLocked):
        check_for_restore(made_vault.folder, backed_up, wrong, keyring=keyring, clock=made_vault.clock)
    with pytest.raises(AccountLocked):
        vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)


def restore_entries(session: Session) -> list[dict[str, object]]:
    rows = session.context.database.query(
        "SELECT actor_id, at, detail FROM audit_log WHERE action = ? ORDER BY id",
        (audit.AuditAction.VAULT_RESTORED.value,),
    )
    return [{"actor_id": r["actor_id"], "at": r["at"], **json.loads(r["detail"])} for r in rows]


def test_the_next_sign_in_writes_the_restore_into_the_restored_vault_s_audit_log(
    made_vault: VaultUnderTest, backed_up: Path
) -> None:
    made_vault.clock.advance(60)
    result = restore_backup(
        made_vault.folder,
        backed_up,
        username=MANAGER_USERNAME,
        password=MANAGER_PASSWORD,
        keyring=DeviceKeyring(made_vault.keyring),
        clock=made_vault.clock,
    )
    assert (made_vault.folder / "sharewise.restored").exists()
    made_vault.clock.advance(60)
    session = reopen(made_vault).sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    [entry] = restore_entries(session)
    assert entry["proof"] == "manager_password" and entry["replaced_another_vault"] is False
    assert entry["backup_created_at"] == result.created_at
    assert result.pre_restore is not None and entry["pre_restore"] == result.pre_restore.name
    assert entry["actor_id"] is None  # an account of the vault it replaced; "proof" says how
    assert audit.verify(session.context.database).ok
    assert not (made_vault.folder / "sharewise.restored").exists()
    session.close()
    again = made_vault.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert len(restore_entries(again)) == 1  # written once
    again.close()


def test_the_drill_s_restore_is_in_the_audit_log_after_the_recovery_key_sign_in(
    made_vault: VaultUnderTest, usb: Path, tmp_path: Path
) -> None:
    backup = made_vault.session.backups.make(usb).path
    fresh = tmp_path / "new-pc"
    restore_backup(fresh, backup, recovery_key=made_vault.recovery_key.formatted(), clock=made_vault.clock)
    new_pc = DeviceKeyring(MemoryKeyring())
    with Vault.open(fresh, keyring=new_pc, clock=made_vault.clock) as vault:
        session, _key = vault.recover(made_vault.recovery_key.formatted(), MANAGER_USERNAME, NEW_PASSWORD)
        [entry] = restore_entries(session)
        assert entry["proof"] == "recovery_key" and entry["pre_restore"] is None
        session.close()
