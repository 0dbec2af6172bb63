"""Where a vault's files live, and writing small files so a crash never leaves half of one."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from app.errors import StorageError


@dataclass(frozen=True)
class VaultPaths:
    """The files of one vault, all in one folder."""

    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / "sharewise.db"

    @property
    def slots(self) -> Path:
        return self.folder / "sharewise.slots"

    @property
    def slots_kept(self) -> Path:
        """The previous slot file, minus any slot revoked since (see ``slot_file``)."""
        return self.folder / "sharewise.slots.previous"

    @property
    def sign_in_attempts(self) -> Path:
        return self.folder / "sharewise.signin"

    @property
    def lock(self) -> Path:
        return self.folder / "sharewise.lock"

    @property
    def restored_note(self) -> Path:
        """Restores not yet written to the audit log (see ``restore_note``)."""
        return self.folder / "sharewise.restored"

    @property
    def database_being_created(self) -> Path:
        """Setup writes here and renames into place, so a half-done setup is never a vault."""
        return self.folder / "sharewise.db.creating"

    @property
    def database_being_rekeyed(self) -> Path:
        return self.folder / "sharewise.db.rekey"

    @property
    def database_retired(self) -> Path:
        """The pre-rekey file, kept only until it has been overwritten."""
        return self.folder / "sharewise.db.retired"

    def database_sidecars(self) -> list[Path]:
        return [self.folder / "sharewise.db-wal", self.folder / "sharewise.db-shm"]


def storage_error(exc: OSError, doing: str) -> StorageError:
    """A sentence for a failed write. ``doing`` completes "Sharewise could not ..."."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return StorageError(
            f"Sharewise could not {doing} because the disk is full. Nothing already saved has been "
            "lost. Free some space on the disk and try again."
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageError(
            f"Sharewise could not {doing} because the data folder cannot be written to. Check that "
            "the folder still exists and that your account on this computer may change it."
        )
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.EIO):
        return StorageError(
            f"Sharewise could not {doing}: the data folder or its drive is not available. If it is "
            "on a removable or network drive, reconnect it and try again."
        )
    return StorageError(
        f"Sharewise could not {doing} (the system reported error {exc.errno}). Nothing already "
        "saved has been lost; try again, and if it keeps happening ask IT support to check the disk."
    )


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes, *, doing: str) -> None:
    """Replace ``path`` with ``data``: temp file, fsync, rename, fsync the folder.

    After a crash the file holds either the old or the new content, never a mixture.
    """
    temp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
        fsync_folder(path.parent)
    except OSError as exc:
        try:
            temp.unlink(missing_ok=True)
        except OSError:
            pass
        raise storage_error(exc, doing) from exc


def sidecar(path: Path, suffix: str) -> Path:
    """``sharewise.db`` + ``-wal`` -> ``sharewise.db-wal``."""
    return path.with_name(path.name + suffix)


def shred(path: Path) -> None:
    """Overwrite a file with random bytes, sync, then delete it.

    On SSDs and copy-on-write file systems the old blocks may survive elsewhere; the file was
    encrypted anyway, and docs/security.md says what this does and does not achieve.
    """
    try:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            remaining = size
            while remaining > 0:
                chunk = min(remaining, 1 << 20)
                handle.write(os.urandom(chunk))
                remaining -= chunk
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
    except FileNotFoundError:
        pass


def remove_database_files(db_path: Path) -> None:
    """Shred a database file and its WAL and shared-memory files."""
    for path in (db_path, sidecar(db_path, "-wal"), sidecar(db_path, "-shm")):
        shred(path)
