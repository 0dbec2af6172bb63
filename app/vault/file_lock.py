"""One program at a time per vault: an OS file lock the system drops when the process dies.

``flock`` (POSIX) and ``msvcrt.locking`` (Windows) are released by the kernel when the holder
exits, however it exits, so a crash never leaves a stale lock behind. The lock file holds nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.errors import VaultInUse
from app.vault.files import storage_error

IN_USE = (
    "Sharewise is already open with this vault, in another window or by another person signed "
    "in to this computer. Switch to that window, or close it, and try again."
)


class VaultFileLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        try:
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise storage_error(exc, "open the vault") from exc
        try:
            _lock(fd)
        except OSError as exc:
            os.close(fd)
            raise VaultInUse(IN_USE) from exc
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
