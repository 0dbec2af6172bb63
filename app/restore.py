"""Restoring a vault from a backup file, for a vault that no program has open.

The program asks the person to sign out first, and the command line runs with nothing open, so
this works on the folder's files under the vault's file lock (``VaultInUse`` if another program
or window holds it). In order:

1. read and check the backup through and through (``check_backup``: the ZIP, its hashes, the
   recovery key or staff password, every encrypted page and the audit chain). A damaged, newer
   or wrongly unlocked backup is refused with its sentence and nothing is changed;
2. keep the current database and key file as a pre-restore backup in ``<folder>/pre-restore/``
   (same .swbackup format), unless the folder holds no vault yet (the restore drill on a fresh
   PC). A WAL left by a crash cannot be folded in without the old vault's key, so it is kept
   beside that file as ``<name>.db-wal``;
3. stage the backup's database as ``sharewise.db.restoring`` and then its key file as
   ``sharewise.slots.restoring``, both fsynced;
4. remove the old database's -wal/-shm (SQLite would otherwise replay the old WAL's pages onto
   the restored file), rename the database into place (the point of no return), then the key
   file, and make the restored key file the kept copy too.

Why this order: a key file only opens a database whose salt its slots name, and a backup from
before a rekey (or from another vault) has a different salt, so neither "old database + new key
file" nor "new database + old key file" may be left behind. The staged key file is the record of
the restore: if the program stops after the database rename, ``Vault.open`` finds the staged key
file without a staged database and rolls forward (the vault opens with the RESTORED data); if it
stops before, it removes the staged files and the vault opens with the OLD data, unchanged.

Another vault's backup (a different vault id) replaces the vault here only with that backup's
recovery key: a staff password proves only that someone works at the backup's setting, and the
staff slots are bound to the old computer's keyring anyway. On a new PC the restored vault opens
with the recovery key (``Vault.recover``), which sets the manager's password, binds every staff
slot to this computer's keyring and issues a new recovery key.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.backup import (
    CHUNK,
    DAMAGED,
    DATABASE,
    SLOTS,
    BackupContents,
    BackupManifest,
    check_backup,
    read_backup,
    write_backup_file,
)
from app.clock import Clock, SystemClock, to_text
from app.errors import (
    BackupDamaged,
    IntegrityError,
    PermissionDenied,
    SharewiseError,
    SlotFileError,
    ValidationError,
    VaultInUse,
)
from app.policy.permissions import Action
from app.vault import restore_note, slot_file
from app.vault.closing import wait_for_closes
from app.vault.device import DeviceKeyring
from app.vault.file_lock import VaultFileLock
from app.vault.files import (
    VaultPaths,
    fsync_folder,
    shred,
    sidecar,
    storage_error,
    write_atomically,
)
from app.vault.sign_in_attempts import SignInAttempts
from app.vault.slot_file import SlotFile
from app.vault.vault import CLOSE_WAIT_SECONDS, Vault, restoring_database, restoring_slots, settle_restore

PRE_RESTORE = "pre-restore"

FOREIGN = (
    "This backup belongs to a different Sharewise vault from the one in this folder. To replace "
    "this vault with it, type that backup's recovery key (from its Recovery Sheet); a staff "
    "password cannot do this. Nothing was changed."
)
NOT_A_MANAGER = (
    "Only a manager can restore a backup: it replaces every record on this computer. Type a "
    "manager's username and password, or the recovery key. Nothing was changed."
)
CHAIN_BROKEN = (
    "This backup opened, but its records failed the check ({detail}). Nothing was changed; use "
    "another backup, and keep this one for IT support."
)


class RestoreCancelled(SharewiseError):
    """The person looked at what the backup holds and chose not to restore it."""


@dataclass(frozen=True)
class RestoreResult:
    """What was restored, and where the vault it replaced was kept."""

    created_at: str
    schema_version: int
    vault_id: str
    children: int
    concerns: int
    decisions: int
    consents: int
    staff: int
    replaced_another_vault: bool
    pre_restore: Path | None
    pre_restore_wal: Path | None


def _live_slots(paths: VaultPaths) -> tuple[SlotFile | None, bytes | None]:
    """The current key file (or its kept copy) and its raw bytes; (None, None) if neither reads."""
    for load, path in ((slot_file.load, paths.slots), (slot_file.load_kept, paths.slots_kept)):
        try:
            return load(paths), path.read_bytes()
        except (SlotFileError, OSError):
            continue
    return None, None


def _keep_current(
    paths: VaultPaths, live: SlotFile | None, raw_slots: bytes | None, clock: Clock
) -> tuple[Path, Path | None]:
    """Write the vault being replaced into ``pre-restore/``; nothing has been changed yet."""
    folder = paths.folder / PRE_RESTORE
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        target = write_backup_file(
            folder,
            database_file=paths.database,
            slots=raw_slots or b"",
            vault_id=live.vault_id if live else "unknown",
            schema_version=live.schema_version if live else 0,
            when=clock.now(),
        )
        wal = sidecar(paths.database, "-wal")
        kept_wal: Path | None = None
        if wal.exists() and wal.stat().st_size > 0:
            kept_wal = target.with_name(target.name + "-wal")
            write_atomically(kept_wal, wal.read_bytes(), doing="keep the current vault's unsaved log")
        fsync_folder(folder)
    except OSError as exc:
        raise storage_error(
            exc, "keep a copy of the current vault before restoring, so nothing was restored"
        ) from exc
    return target, kept_wal


def _stage(backup: Path, manifest: BackupManifest, paths: VaultPaths) -> None:
    """Unpack the database then the key file beside the live ones, checking each against the
    manifest again (the file could have changed since it was checked)."""
    staged_db = restoring_database(paths)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    with zipfile.ZipFile(backup, "r") as archive:
        digest = hashlib.sha256()
        with archive.open(DATABASE) as source, os.fdopen(os.open(staged_db, flags, 0o600), "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        slots = archive.read(SLOTS)
    if (
        digest.hexdigest() != manifest.database_sha256
        or hashlib.sha256(slots).hexdigest() != manifest.slots_sha256
    ):
        raise BackupDamaged(DAMAGED)
    write_atomically(restoring_slots(paths), slots, doing="copy the backup's key file into the data folder")


def _remove_made_folder(paths: VaultPaths) -> None:
    """A refused restore into a folder it created leaves no folder behind (only the lock and
    sign-in counter files can be in it), so the next start offers first-run setup again."""
    for leftover in (paths.lock, paths.sign_in_attempts):
        leftover.unlink(missing_ok=True)
    try:
        paths.folder.rmdir()
    except OSError:
        pass  # something else is in it: leave it alone


@dataclass(frozen=True)
class Proof:
    """How the person proves they may restore: the recovery key, or a manager's password."""

    recovery_key: str | None = None
    username: str = ""
    password: str = ""

    def __post_init__(self) -> None:
        if self.recovery_key is None and not self.username:
            raise ValueError("give the recovery key, or a username and password")


@dataclass(frozen=True)
class Checked:
    """A backup checked for restoring into one folder: what it holds, and what it replaces."""

    contents: BackupContents
    fresh: bool  # the folder holds no vault yet: nothing will be replaced
    foreign: bool  # it replaces a different vault (allowed with the backup's recovery key only)


@dataclass(frozen=True)
class _Live:
    checked: Checked
    manifest: BackupManifest
    slots: SlotFile | None
    raw_slots: bytes | None


def _check(
    paths: VaultPaths, backup: Path, proof: Proof, keyring: DeviceKeyring | None, clock: Clock
) -> _Live:
    """Every refusal, before anything is changed: damaged, newer, foreign without the recovery
    key, a wrong key or password (counted at the sign-in window), not a manager, a broken chain."""
    fresh = not paths.database.exists() and not paths.slots.exists()
    live, raw_slots = (None, None) if fresh else _live_slots(paths)
    manifest = read_backup(backup)
    foreign = not fresh and (live is None or live.vault_id != manifest.vault_id)
    if foreign and proof.recovery_key is None:
        raise ValidationError("recovery_key", FOREIGN)
    contents = check_backup(
        backup,
        recovery_key=proof.recovery_key,
        username=proof.username,
        password=proof.password,
        keyring=keyring,
        attempts=SignInAttempts(paths.sign_in_attempts, clock),
    )
    if not contents.may_restore:
        raise PermissionDenied(NOT_A_MANAGER, Action.BACKUP_MANAGE.value)
    if contents.problems:
        raise IntegrityError(CHAIN_BROKEN.format(detail="damaged pages"))
    if not contents.chain_intact:
        raise IntegrityError(CHAIN_BROKEN.format(detail="the audit log does not verify"))
    return _Live(Checked(contents, fresh, foreign), manifest, live, raw_slots)


def check_for_restore(
    folder: Path,
    backup: Path,
    proof: Proof,
    *,
    keyring: DeviceKeyring | None = None,
    clock: Clock | None = None,
) -> Checked:
    """The checks a restore makes, without changing anything, for the person to see what the
    backup holds before they confirm. Reads the folder's files without its lock: the vault may
    be open in this program, with nobody signed in. Slow (Argon2id, a full check)."""
    paths = VaultPaths(Path(folder))
    return _check(paths, Path(backup), proof, keyring, clock or SystemClock()).checked


def _swap(
    paths: VaultPaths,
    backup: Path,
    proof: Proof,
    keyring: DeviceKeyring | None,
    clock: Clock,
    confirm: Callable[[BackupContents], bool] | None,
) -> RestoreResult:
    """Check, keep the current vault, stage and swap; the caller holds the vault's lock."""
    swapped = False
    try:
        settle_restore(paths)  # an earlier restore that stopped part-way
        live = _check(paths, backup, proof, keyring, clock)
        contents = live.checked.contents
        if confirm is not None and not confirm(contents):
            raise RestoreCancelled("The backup was not restored; nothing was changed.")
        pre_restore, pre_wal = (
            _keep_current(paths, live.slots, live.raw_slots, clock)
            if paths.database.exists()
            else (None, None)
        )
        try:
            _stage(backup, live.manifest, paths)
        except OSError as exc:
            raise storage_error(exc, "copy the backup into the data folder, so nothing was restored") from exc
        try:
            for leftover in paths.database_sidecars():
                shred(leftover)
            os.replace(restoring_database(paths), paths.database)
            swapped = True
            fsync_folder(paths.folder)
        except OSError as exc:
            raise storage_error(exc, "swap the backup in") from exc
        settle_restore(paths)
        restore_note.add(
            paths,
            {
                "restored_at": to_text(clock.now()),
                "backup_created_at": contents.created_at,
                "proof": "recovery_key" if proof.recovery_key is not None else "manager_password",
                "replaced_another_vault": live.checked.foreign,
                "pre_restore": pre_restore.name if pre_restore is not None else None,
            },
        )
    except BaseException:
        if not swapped:
            settle_restore(paths)  # removes whatever was staged: the vault is as it was
        raise
    return RestoreResult(
        created_at=contents.created_at,
        schema_version=contents.schema_version,
        vault_id=live.manifest.vault_id,
        children=contents.children,
        concerns=contents.concerns,
        decisions=contents.decisions,
        consents=contents.consents,
        staff=contents.staff,
        replaced_another_vault=live.checked.foreign,
        pre_restore=pre_restore,
        pre_restore_wal=pre_wal,
    )


def restore_backup(
    folder: Path,
    backup: Path,
    *,
    recovery_key: str | None = None,
    username: str | None = None,
    password: str | None = None,
    keyring: DeviceKeyring | None = None,
    clock: Clock | None = None,
    confirm: Callable[[BackupContents], bool] | None = None,
) -> RestoreResult:
    """Replace the vault in ``folder`` (or fill an empty folder) with ``backup``.

    Slow (Argon2id, a full check, copies): not on the UI thread. ``confirm`` is shown what the
    backup holds after it has been checked and before anything changes, with the lock still
    held; returning False raises ``RestoreCancelled`` and changes nothing.
    """
    if recovery_key is None and (not username or password is None):
        raise ValueError("give the recovery key, or a username and password")
    proof = Proof(recovery_key, username or "", password or "")
    folder, backup = Path(folder), Path(backup)
    paths = VaultPaths(folder)
    made_folder = not folder.exists()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, "open the data folder to restore into") from exc
    lock = VaultFileLock(paths.lock)
    lock.acquire()
    swapped = False
    try:
        result = _swap(paths, backup, proof, keyring, clock or SystemClock(), confirm)
        swapped = True
    finally:
        lock.release()
        if made_folder and not swapped:
            _remove_made_folder(paths)
    return result


def restore_in(
    vault: Vault, backup: Path, proof: Proof, *, confirm: Callable[[BackupContents], bool] | None = None
) -> RestoreResult:
    """Restore into a vault this program has open (the window's restore), under the lock it
    already holds, so no other program can take the folder in between. Nobody may be signed in:
    a session would go on writing to the replaced database."""
    if vault.signed_in:
        raise VaultInUse("Sign out first: a backup can be restored only while nobody is signed in.")
    if not wait_for_closes(timeout=CLOSE_WAIT_SECONDS):  # a lock or sign-out still closing the files
        raise VaultInUse(
            "Sharewise is still closing the records after the last sign-out. Try again in a minute."
        )
    return _swap(vault.paths, Path(backup), proof, vault.device_keyring, vault.clock, confirm)
