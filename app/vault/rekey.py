"""Rekey: a new data key for a suspected compromise (a lost laptop, a leaked recovery sheet).

The database is copied under the new key (``sqlcipher_export``), every slot is made afresh,
and the old file is overwritten and deleted. Nothing made before still opens the new file: not
an old password, an old recovery key, an old slot file or a backup's slots. So staff passwords
cannot simply be carried over: the person doing the rekey keeps theirs (they typed it), every
other active account gets a one-time password to change at next sign-in, and a new recovery key
is issued.

Crash safety rests on slot generations (``slot_file``): the new slots are added beside the old
ones before the database file is swapped, so whichever file is in place after a crash, the slot
file can open it. The next sign-in tidies away the other generation and any leftover file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app import audit
from app.audit import AuditAction
from app.clock import Clock
from app.errors import StorageError
from app.staff import Staff, load_all, one_time_password
from app.vault import keyslots, migrations, slot_file
from app.vault.database import Database
from app.vault.database_file import read_salt
from app.vault.device import DeviceKeyring
from app.vault.files import (
    VaultPaths,
    fsync_folder,
    remove_database_files,
    shred,
    storage_error,
)
from app.vault.key_store import KeyStore
from app.vault.recovery_key import RecoveryKey, generate

INTERRUPTED = (
    "Changing the vault's encryption key was interrupted. Your records are safe: sign in again "
    "(with your current password), and try again if you still need a new key."
)


@dataclass(frozen=True)
class RekeyResult:
    recovery_key: RecoveryKey
    one_time_passwords: dict[int, str]


def rekey(
    *,
    paths: VaultPaths,
    database: Database,
    keys: KeyStore,
    device: DeviceKeyring,
    clock: Clock,
    actor: Staff,
    password: str,
) -> tuple[Database, KeyStore, RekeyResult]:
    """Re-encrypt under a new key. The caller has checked ``password`` and the permission.

    Returns the new database (open) and key store. On failure before the swap the old database
    is untouched and still open; after it, the caller must end the session.
    """
    target = paths.database_being_rekeyed
    remove_database_files(target)
    new_key = keyslots.new_data_key()
    database.checkpoint()
    database.export_copy(target, new_key, migrations.current_version(database))
    try:
        new_db = Database.open(target, new_key)
        new_db.configure()
    except BaseException:
        remove_database_files(target)
        raise
    try:
        new_keys = KeyStore(paths, keys.vault_id, device, new_key, read_salt(target))
        passwords, recovery = _new_slots(new_db, new_keys, clock, actor, password)
        new_db.checkpoint()
    finally:
        new_db.close()
    database.close()  # from here on the session must end on any failure
    try:
        _swap(paths, target)
    except BaseException:
        if target.exists():  # the swap never happened: the old file is still the vault
            remove_database_files(target)
        raise
    current = slot_file.load(paths)
    old_generation = [s.slot_id for s in current.slots if s.db_salt != new_keys.db_salt]
    slot_file.save(paths, current.without(old_generation), current)
    reopened = Database.open(paths.database, new_key)
    reopened.configure()
    return reopened, new_keys, RekeyResult(recovery, passwords)


def _new_slots(
    new_db: Database, new_keys: KeyStore, clock: Clock, actor: Staff, password: str
) -> tuple[dict[int, str], RecoveryKey]:
    passwords: dict[int, str] = {}
    with new_db.transaction() as tx:
        tx.execute("DELETE FROM staff_slot_copy")
        new_keys.set_staff_password(tx, staff_id=actor.id, username=actor.username, password=password)
        for person in load_all(tx, include_inactive=False):
            if person.id == actor.id:
                continue
            one_time = one_time_password()
            tx.execute("UPDATE staff SET must_change_password = 1 WHERE id = ?", (person.id,))
            new_keys.set_staff_password(tx, staff_id=person.id, username=person.username, password=one_time)
            passwords[person.id] = one_time
        current = new_keys.load()
        key = generate()
        with_recovery = current.with_slot(new_keys.recovery_slot(key, current.kdf))
        audit.append(
            tx,
            clock,
            actor_id=actor.id,
            action=AuditAction.VAULT_REKEYED,
            subject_type="vault",
            subject_id=new_keys.vault_id,
            detail={"accounts_reset": len(passwords)},
        )
        new_keys.save(with_recovery, current)
    return passwords, key


def _swap(paths: VaultPaths, target: Path) -> None:
    """Put the new file in place atomically, then overwrite and delete the old one."""
    retired: Path | None = paths.database_retired
    try:
        try:
            # A second name for the old file, so it can be overwritten once replaced. Until the
            # rename below, this name IS the live database (see Vault._tidy).
            os.link(paths.database, paths.database_retired)
        except OSError:
            retired = None  # no hard links here (e.g. FAT): the old file can only be unlinked
        for sidecar in paths.database_sidecars():
            sidecar.unlink(missing_ok=True)
        try:
            os.replace(target, paths.database)
        except OSError:
            if retired is not None:
                retired.unlink(missing_ok=True)  # still the live file: drop the name only
            raise
        fsync_folder(paths.folder)
    except OSError as exc:
        raise storage_error(exc, "replace the database with its re-encrypted copy") from exc
    if retired is not None:
        try:
            shred(retired)
        except OSError as exc:
            raise StorageError(
                "The vault now uses its new key, but the old copy could not be overwritten: "
                f"{storage_error(exc, 'overwrite the old copy').sentence}"
            ) from exc
