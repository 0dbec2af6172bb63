"""What can be told about the database file without opening it, and without SQLCipher.

The sign-in page checks that the key file and the database belong together (the salt in the
database's first 16 bytes) before anyone signs in; SQLCipher loads later, at sign-in, off the
window's thread.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import IntegrityError, NotEncrypted

PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"
SALT_BYTES = 16

DAMAGED = (
    "The database file is damaged: a check of its encrypted pages failed. Sharewise has not "
    "changed it. Restore the vault from the most recent backup, and keep the damaged file for "
    "IT support."
)


def read_salt(path: Path) -> str:
    """The SQLCipher salt (the file's first 16 bytes, stored in clear) as hex."""
    with path.open("rb") as handle:
        head = handle.read(SALT_BYTES)
    if len(head) < SALT_BYTES:
        raise IntegrityError(DAMAGED)
    if head == PLAIN_SQLITE_HEADER:
        raise NotEncrypted(
            "The database file is an ordinary, unencrypted SQLite file, not a Sharewise vault. "
            "Sharewise will not use it."
        )
    return head.hex()
