"""Backups: one file holding the encrypted database copy and the key slots, and reading it back.

A backup is a ZIP (stored, not compressed: its contents are encrypted already) of three members:
``manifest.json`` (format, vault id, schema version, when, sizes and SHA-256 of the other two,
nothing personal), ``sharewise.slots`` (the key-slot file as it is on disk) and ``sharewise.db``
(a raw copy of the encrypted database). Because both are copied byte for byte, the recovery key
opens a backup on any computer, and a staff password opens it on this one.

The file is written under a temporary name in the chosen folder and renamed into place, so a
full or unplugged drive leaves either a whole backup or nothing.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from app import audit, staff
from app.audit import AuditAction
from app.clock import to_text
from app.errors import BackupDamaged, PasswordChangeRequired, SlotFileError, StorageError
from app.policy import permissions
from app.policy.permissions import Action
from app.session_context import SessionContext
from app.settings import BACKUP_FOLDER, SettingsService
from app.usernames import normalise
from app.vault import migrations
from app.vault.database import Database
from app.vault.database_file import PLAIN_SQLITE_HEADER
from app.vault.device import DeviceKeyring
from app.vault.files import fsync_folder, storage_error
from app.vault.sign_in_attempts import SignInAttempts
from app.vault.vault import Vault

FORMAT = "sharewise-backup"
FORMAT_VERSION = 1
SUFFIX = ".swbackup"
MANIFEST = "manifest.json"
DATABASE = "sharewise.db"
SLOTS = "sharewise.slots"
MEMBERS = frozenset({MANIFEST, DATABASE, SLOTS})
MANIFEST_LIMIT = 64 * 1024  # a real manifest is a few hundred bytes
CHUNK = 1 << 20

NOT_A_BACKUP = (
    "This file is not a Sharewise backup (it may be another kind of file, or a backup that was "
    "cut short while it was copied). Nothing was changed; choose the .swbackup file again."
)
DAMAGED = (
    "This backup file is damaged: its contents no longer match the check written when it was "
    "made. Nothing was changed; use another backup, and keep this one for IT support."
)
DATA_DISK_REFUSED = (
    "No backup was made because the disk that holds the Sharewise data is full or reported an "
    "error. Nothing already saved has been lost; free some space on that disk (or ask IT support "
    "to check it) and try again."
)
NEWER = (
    "This backup was made by a newer version of Sharewise. Install the newer version to use it; "
    "nothing was changed."
)


@dataclass(frozen=True)
class BackupInfo:
    """A backup just made: where it is and how big, for the manager to see."""

    path: Path
    bytes: int
    created_at: str


@dataclass(frozen=True)
class BackupManifest:
    """What a backup file says about itself, checked against its contents."""

    path: Path
    format_version: int
    vault_id: str
    schema_version: int
    created_at: str
    database_bytes: int
    database_sha256: str
    slots_bytes: int
    slots_sha256: str


DEFAULT_FOLDER_NAME = "backups"
AUTOMATIC_PREFIX = "sharewise-auto-"
# Only files with exactly this name are ever deleted by the rotation: a backup made with "Back up
# now" (``sharewise-…``), a copy the manager renamed, or anything else in the folder is left alone.
AUTOMATIC_NAME = re.compile(r"sharewise-auto-(\d{4}-\d{2}-\d{2}-\d{6})(?:-\d+)?\.swbackup")
AUTOMATIC_REASONS = frozenset({"sign_out", "close", "daily"})
DAILY = timedelta(hours=24)


def backup_name(when: datetime, prefix: str = "sharewise-") -> str:
    """``sharewise-YYYY-MM-DD-HHMMSS.swbackup`` in this PC's local time, which the manager reads."""
    return f"{prefix}{when.astimezone():%Y-%m-%d-%H%M%S}{SUFFIX}"


def automatic_backups(folder: Path) -> list[tuple[Path, datetime]]:
    """The automatic backups in ``folder`` with the local time their name gives."""
    found: list[tuple[Path, datetime]] = []
    for path in folder.iterdir():
        match = AUTOMATIC_NAME.fullmatch(path.name)
        if match is None or not path.is_file():
            continue
        try:
            when = datetime.strptime(match.group(1), "%Y-%m-%d-%H%M%S").astimezone()
        except ValueError:
            continue  # a name like ours with an impossible date: not ours to delete
        found.append((path, when))
    return found


def _free_name(folder: Path, when: datetime, prefix: str = "sharewise-") -> Path:
    """The backup's name, with -2, -3... if two backups fall in the same second."""
    first = folder / backup_name(when, prefix)
    candidate, number = first, 2
    while candidate.exists():
        candidate = first.with_name(f"{first.stem}-{number}{SUFFIX}")
        number += 1
    return candidate


def write_failed(exc: OSError, folder: Path) -> StorageError:
    """The sentence for a backup the disk refused; the folder is the one the manager chose."""
    where = f"The backup could not be written to {folder}"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return StorageError(
            f"{where} because the disk is full. Nothing was changed; free some space or choose "
            "another folder."
        )
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.EIO, errno.ENOTDIR):
        return StorageError(
            f"{where}: the folder or its drive is not available (a USB stick may have been "
            "unplugged). Nothing was changed; reconnect the drive or choose another folder."
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageError(
            f"{where} because that folder cannot be written to. Nothing was changed; choose another folder."
        )
    return StorageError(
        f"{where} (the system reported error {exc.errno}). Nothing was changed; try again or "
        "choose another folder."
    )


def _sha256_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _remove(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass  # the drive has gone: there is nothing left to tidy


def _read_slots(path: Path) -> bytes:
    """The live key file; its failure is the vault's problem, not the backup folder's."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SlotFileError(
            "The vault's key file could not be read, so no backup was made. Sign out and in again; "
            "if this keeps happening, ask IT support to restore the key file (restore-key-file)."
        ) from exc


# The temp files of a backup cut short (the program killed, the PC switched off): hidden, and
# named so nothing takes them for a backup. The next backup into the folder removes them once no
# one has written to them for an hour, so one still being written by another program is left alone.
LEFTOVER_NAME = re.compile(r"\.sharewise-[0-9a-f]{12}(?:\.swbackup|\.db)\.tmp")
LEFTOVER_AGE_SECONDS = 3600


def _tidy_leftovers(folder: Path) -> None:
    """Remove the stale temp files of earlier backups cut short; never anything else."""
    try:
        for path in folder.iterdir():
            if LEFTOVER_NAME.fullmatch(path.name) is None:
                continue
            status = path.lstat()  # a link is never followed, nor removed
            if stat.S_ISREG(status.st_mode) and time.time() - status.st_mtime > LEFTOVER_AGE_SECONDS:
                _remove(path)
    except OSError:
        pass  # tidying is a courtesy: the backup itself is whole


def write_backup_file(
    folder: Path,
    *,
    database_file: Path,
    slots: bytes,
    vault_id: str,
    schema_version: int,
    when: datetime,
    prefix: str = "sharewise-",
) -> Path:
    """Write one .swbackup file into ``folder`` from a database file that nothing is writing to
    (restore uses it for the pre-restore copy). Temp name, fsync, rename: all or nothing. An
    ``OSError`` is left to the caller, which knows what the folder is to the person."""
    db_size, db_hash = _sha256_file(database_file)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "vault_id": vault_id,
        "schema_version": schema_version,
        "created_at": when.astimezone().isoformat(timespec="seconds"),
        "files": {
            DATABASE: {"bytes": db_size, "sha256": db_hash},
            SLOTS: {"bytes": len(slots), "sha256": hashlib.sha256(slots).hexdigest()},
        },
    }
    temp = folder / f".sharewise-{secrets.token_hex(6)}{SUFFIX}.tmp"
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(temp, flags, 0o600), "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_STORED) as archive:
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
                archive.writestr(SLOTS, slots)
                archive.write(database_file, DATABASE)
            raw.flush()
            os.fsync(raw.fileno())
        target = _free_name(folder, when, prefix)
        os.replace(temp, target)
        fsync_folder(folder)
    finally:
        _remove(temp)
    _tidy_leftovers(folder)
    return target


class BackupService:
    """``session.backups``: making a backup, and when the last one was made."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def make(self, folder: Path) -> BackupInfo:
        """Write one backup file into ``folder``. Slow for a big vault: not on the UI thread."""
        self._ctx.require(Action.BACKUP_MANAGE)
        return self._write(Path(folder), prefix="sharewise-", detail={})

    def folder(self) -> Path:
        """The backup folder in use: the manager's choice, or ``backups`` in the vault's folder.

        The default is created (owner-only) when missing; a chosen folder is not, because a
        missing one usually means an unplugged drive, which must be reported, not papered over.
        """
        self._ctx.require_signed_in()
        chosen = SettingsService(self._ctx).get(BACKUP_FOLDER)
        if chosen:
            return Path(chosen)
        default = self._ctx.keys.paths.folder / DEFAULT_FOLDER_NAME
        try:
            default.mkdir(mode=0o700, exist_ok=True)
            os.chmod(default, 0o700)
        except OSError as exc:
            raise write_failed(exc, default) from exc
        return default

    def automatic(self, now_reason: str) -> BackupInfo | None:
        """An automatic backup into the backup folder, then the rotation of automatic backups.

        Allowed to anyone signed in (a key worker's changes need backing up too) because the
        caller chooses nothing: the file always goes to the folder the manager configured, under
        the automatic name, so this cannot be used to copy the vault anywhere else. Returns None
        for a person who has not yet chosen their own password (they could change nothing).
        ``StorageError`` with a sentence when the folder is unavailable; the caller shows it and
        carries on.
        """
        if now_reason not in AUTOMATIC_REASONS:
            raise ValueError(f"unknown reason for an automatic backup: {now_reason!r}")
        try:
            self._ctx.require_signed_in()
        except PasswordChangeRequired:
            return None
        folder = self.folder()
        info = self._write(folder, prefix=AUTOMATIC_PREFIX, detail={"automatic": True, "reason": now_reason})
        self._rotate(folder, info.path)
        return info

    def _rotate(self, folder: Path, made: Path) -> None:
        """Delete the automatic backups the rotation does not keep; never the one just made
        (names give whole seconds, so the rotation cannot tell it from another made that second)."""
        try:
            found = automatic_backups(folder)
        except OSError:
            return  # the drive went between the backup and the tidy: the backup is whole
        keep = rotation(found, self._ctx.clock.now().astimezone()) | {made}
        for path, _when in found:
            if path not in keep:
                _remove(path)

    def due_daily(self) -> bool:
        """True when no automatic backup has been made in the last 24 hours (by this clock).

        A backup dated after now (the clock was set back) does not count: it would otherwise stop
        daily backups until the clock caught up with it, perhaps for a year.
        """
        self._ctx.require_signed_in()
        now = self._ctx.clock.now()
        made = self._ctx.database.scalar(
            "SELECT count(*) FROM audit_log WHERE action = ? AND at >= ? AND at <= ? "
            "AND json_extract(detail, '$.automatic') = 1",
            (AuditAction.BACKUP_MADE.value, to_text(now - DAILY), to_text(now)),
        )
        return not made

    def _write(self, folder: Path, *, prefix: str, detail: dict[str, object]) -> BackupInfo:
        ctx = self._ctx
        keys = ctx.keys
        database = ctx.database
        now = ctx.clock.now()
        created_at = now.astimezone().isoformat(timespec="seconds")
        db_copy = folder / f".sharewise-{secrets.token_hex(6)}.db.tmp"
        try:
            if not folder.is_dir():
                raise FileNotFoundError(errno.ENOENT, "no such folder")
            slots = self._consistent_copy(database, keys.paths.slots, db_copy)
            target = write_backup_file(
                folder,
                database_file=db_copy,
                slots=slots,
                vault_id=keys.vault_id,
                schema_version=migrations.current_version(database),
                when=now,
                prefix=prefix,
            )
            size = target.stat().st_size
        except OSError as exc:
            raise write_failed(exc, folder) from exc
        finally:
            _remove(db_copy)
        with ctx.transaction() as tx:
            ctx.audit(tx, AuditAction.BACKUP_MADE, "vault", keys.vault_id, {"bytes": size, **detail})
        return BackupInfo(path=target, bytes=size, created_at=created_at)

    @staticmethod
    def _consistent_copy(database: Database, slots_path: Path, db_copy: Path) -> bytes:
        """Copy the database and read the slot file with no key change in between.

        Slot changes are written inside a database transaction, which the copy waits for; if the
        slot file changed while the copy was taken, take it again so the pair always belongs
        together.
        """
        for _attempt in range(3):
            before = _read_slots(slots_path)
            try:
                database.copy_to(db_copy)
            except StorageError as exc:
                # The copy's checkpoint writes into the live file; its disk refused. The database's
                # own sentence ("the last change was not saved") would be wrong here.
                raise StorageError(DATA_DISK_REFUSED) from exc
            after = _read_slots(slots_path)
            if before == after:
                return after
            _remove(db_copy)
        raise StorageError(
            "The vault's keys kept changing while the backup was taken. Nothing was changed; try "
            "again in a moment."
        )

    def last(self) -> str | None:
        """When the latest backup was made (stored UTC text), or None if there has never been one."""
        ctx = self._ctx
        ctx.require_signed_in()
        if permissions.scope(ctx.roles, Action.BACKUP_MANAGE) is None:
            ctx.require(Action.REVIEW_PACK)
        value = ctx.database.scalar(
            "SELECT max(at) FROM audit_log WHERE action = ?", (AuditAction.BACKUP_MADE.value,)
        )
        return None if value is None else str(value)


# --- reading a backup back -----------------------------------------------------------------------


def _hash_member(archive: zipfile.ZipFile, name: str) -> tuple[int, str, bytes]:
    """Size, SHA-256 and first 16 bytes of a member (zipfile checks its CRC as it reads)."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    with archive.open(name) as handle:
        stream: IO[bytes] = handle
        while chunk := stream.read(CHUNK):
            if size < 16:
                head = (head + chunk)[:16]
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest(), head


def _manifest(archive: zipfile.ZipFile, path: Path) -> BackupManifest:
    info = archive.getinfo(MANIFEST)
    if info.file_size > MANIFEST_LIMIT:
        raise BackupDamaged(NOT_A_BACKUP)
    document = json.loads(archive.read(MANIFEST).decode("utf-8"))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupDamaged(NOT_A_BACKUP)
    version = document["format_version"]
    if not isinstance(version, int):
        raise BackupDamaged(NOT_A_BACKUP)
    if version > FORMAT_VERSION:
        raise BackupDamaged(NEWER)
    files = document["files"]
    db, slots = files[DATABASE], files[SLOTS]
    return BackupManifest(
        path=path,
        format_version=version,
        vault_id=str(document["vault_id"]),
        schema_version=int(document["schema_version"]),
        created_at=str(document["created_at"]),
        database_bytes=int(db["bytes"]),
        database_sha256=str(db["sha256"]),
        slots_bytes=int(slots["bytes"]),
        slots_sha256=str(slots["sha256"]),
    )


def read_backup(path: Path) -> BackupManifest:
    """Check a backup file end to end without opening it: ``BackupDamaged`` with a sentence if
    it is not a whole, unaltered Sharewise backup. Reads only; needs no session."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path, "r") as archive:
            names = archive.namelist()
            if len(names) != len(MEMBERS) or set(names) != MEMBERS:
                raise BackupDamaged(NOT_A_BACKUP)
            try:
                manifest = _manifest(archive, path)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise BackupDamaged(NOT_A_BACKUP) from exc
            db_size, db_hash, head = _hash_member(archive, DATABASE)
            slots_size, slots_hash, _ = _hash_member(archive, SLOTS)
    except FileNotFoundError as exc:
        raise BackupDamaged(
            "The backup file could not be found (it may have been moved, or its drive unplugged). "
            "Nothing was changed; choose the file again."
        ) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        # A CRC mismatch, a cut-short file, or something that was never a ZIP at all.
        crc = isinstance(exc, zipfile.BadZipFile) and "crc" in str(exc).lower()
        raise BackupDamaged(DAMAGED if crc else NOT_A_BACKUP) from exc
    if (db_size, db_hash) != (manifest.database_bytes, manifest.database_sha256):
        raise BackupDamaged(DAMAGED)
    if (slots_size, slots_hash) != (manifest.slots_bytes, manifest.slots_sha256):
        raise BackupDamaged(DAMAGED)
    if head == PLAIN_SQLITE_HEADER:
        raise BackupDamaged(NOT_A_BACKUP)  # an unencrypted database: never one of ours
    return manifest


# --- opening a backup to check it ---------------------------------------------------------------


@dataclass(frozen=True)
class BackupContents:
    """What a backup holds, found by opening it: for the manager to see before a restore."""

    manifest: BackupManifest
    created_at: str
    schema_version: int
    children: int
    concerns: int
    decisions: int
    consents: int
    staff: int
    problems: tuple[str, ...]
    chain_intact: bool
    chain_sentence: str
    may_restore: bool = False  # the key or password was the recovery key's, or a manager's

    @property
    def ok(self) -> bool:
        return not self.problems and self.chain_intact


COUNTED = {
    "children": "SELECT count(*) FROM child",
    "concerns": "SELECT count(*) FROM concern",
    "decisions": "SELECT count(*) FROM share_request",
    "consents": "SELECT count(*) FROM consent",
    "staff": "SELECT count(*) FROM staff WHERE active = 1",
}


def _count(database: Database, sql: str) -> int:
    """A count, or 0 for a table an older backup does not have yet."""
    table = sql.split(" FROM ")[1].split()[0]
    if not database.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)):
        return 0
    return int(database.scalar(sql))


def _unpack(path: Path, folder: Path) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    with zipfile.ZipFile(path, "r") as archive:
        for name in (DATABASE, SLOTS):
            with archive.open(name) as source, os.fdopen(os.open(folder / name, flags, 0o600), "wb") as out:
                while chunk := source.read(CHUNK):
                    out.write(chunk)


def check_backup(
    path: Path,
    *,
    recovery_key: str | None = None,
    username: str | None = None,
    password: str | None = None,
    keyring: DeviceKeyring | None = None,
    attempts: SignInAttempts | None = None,
) -> BackupContents:
    """Open a backup in a private temporary folder and check it through and through.

    Proves access with the recovery key (any computer) or a staff password (this computer, whose
    keyring holds the device key), then runs the encrypted-page, structure and audit-chain
    checks and counts what it holds. Nothing is written to the live vault, and the temporary
    folder is removed afterwards, whatever happens.

    Pass the live vault's ``attempts`` (its sign-in counter) so a wrong staff password here
    counts towards the sign-in delay like one typed at the sign-in window; the backup's own
    unpacked copy is thrown away, so counting there would count nothing.
    """
    if recovery_key is None and (not username or password is None):
        raise ValueError("give the recovery key, or a username and password")
    manifest = read_backup(path)
    folder = Path(tempfile.mkdtemp(prefix="sharewise-check-"))
    try:
        os.chmod(folder, 0o700)
        try:
            _unpack(Path(path), folder)
        except OSError as exc:
            raise storage_error(exc, "unpack the backup to check it") from exc
        with Vault.open(folder, keyring=keyring) as vault:
            database = vault.inspect(
                recovery_key_text=recovery_key,
                username=username or "",
                password=password or "",
                attempts=attempts,
            )
            try:
                if (
                    database.scalar("SELECT value FROM vault_meta WHERE key = 'vault_id'")
                    != manifest.vault_id
                ):
                    raise BackupDamaged(DAMAGED)
                problems = tuple(database.integrity_problems())
                may_restore = recovery_key is not None or _may_restore(database, username or "")
                chain = audit.verify(database) if not problems else None
                counts = {} if problems else {key: _count(database, sql) for key, sql in COUNTED.items()}
                schema = migrations.current_version(database)
            finally:
                database.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return BackupContents(
        manifest=manifest,
        created_at=manifest.created_at,
        schema_version=schema,
        children=counts.get("children", 0),
        concerns=counts.get("concerns", 0),
        decisions=counts.get("decisions", 0),
        consents=counts.get("consents", 0),
        staff=counts.get("staff", 0),
        problems=problems,
        chain_intact=chain is not None and chain.ok,
        chain_sentence=chain.sentence if chain is not None else DAMAGED,
        may_restore=may_restore,
    )


def _may_restore(database: Database, username: str) -> bool:
    """Whether the person whose password opened the backup may restore it: restoring replaces
    every record, so it is the manager's (``BACKUP_MANAGE``), read from the backup's own staff."""
    row = database.one("SELECT id FROM staff WHERE username = ? AND active = 1", (normalise(username),))
    person = staff.load(database, int(row["id"])) if row else None
    return person is not None and permissions.scope(person.roles, Action.BACKUP_MANAGE) is not None


# --- which automatic backups to keep -------------------------------------------------------------


def rotation(backups: Sequence[tuple[Path, datetime]], now: datetime) -> set[Path]:
    """The automatic backups to keep: the newest of each of the last 7 days, of the last 4 ISO
    weeks and of the last 12 months (one backup may count for several), and always the newest
    one up to ``now``, however old, so a long-unused vault keeps its last backup.

    Days, weeks and months are read from the datetimes as given, so pass local times. A backup
    dated after ``now`` (the clock went back) is kept: it is probably the newest there is.
    """
    today = now.date()
    days = {today.toordinal() - n for n in range(7)}
    monday = today.toordinal() - (today.isoweekday() - 1)
    weeks = {monday - 7 * n for n in range(4)}
    months = {(today.year * 12 + today.month - 1) - n for n in range(12)}

    newest: dict[tuple[str, int], tuple[datetime, Path]] = {}
    keep: set[Path] = set()

    def offer(bucket: tuple[str, int], when: datetime, path: Path) -> None:
        held = newest.get(bucket)
        if held is None or when > held[0]:
            newest[bucket] = (when, path)

    for path, when in backups:
        if when > now:
            keep.add(path)
            continue
        day = when.date()
        if day.toordinal() in days:
            offer(("day", day.toordinal()), when, path)
        week_start = day.toordinal() - (day.isoweekday() - 1)
        if week_start in weeks:
            offer(("week", week_start), when, path)
        month = day.year * 12 + day.month - 1
        if month in months:
            offer(("month", month), when, path)
    keep.update(path for _, path in newest.values())
    placed = [item for item in backups if item[1] <= now]
    if placed:
        keep.add(max(placed, key=lambda item: item[1])[0])
    return keep
