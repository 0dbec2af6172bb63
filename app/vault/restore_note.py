"""The note a restore leaves for the audit log of the vault it put in place.

A restore swaps in a database whose audit log ends when its backup was made; the restore itself
cannot write into it (nobody is signed in, and on a new PC the staff slots do not open yet). So
it leaves this small file beside the vault, and the next sign-in writes one ``vault.restored``
entry per restore, in the same transaction as the sign-in's own entry, then removes the file.
It holds moments and how access was proved, nothing personal.
"""

from __future__ import annotations

import json
from typing import Any

from app.errors import StorageError
from app.vault.files import VaultPaths, write_atomically


def pending(paths: VaultPaths) -> list[dict[str, Any]]:
    """The restores not yet in the audit log (an unreadable note is treated as none)."""
    try:
        document = json.loads(paths.restored_note.read_text(encoding="utf-8"))
        restores = document["restores"]
        if not isinstance(restores, list):
            raise ValueError
        return [dict(r) for r in restores if isinstance(r, dict)]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError):
        return []


def add(paths: VaultPaths, restore: dict[str, Any]) -> None:
    """Add one restore to the note. The restore is done whatever happens here: a note that
    cannot be written costs only its audit entry, never the restored records."""
    document = {"version": 1, "restores": [*pending(paths), restore]}
    try:
        write_atomically(
            paths.restored_note,
            json.dumps(document, sort_keys=True).encode("utf-8"),
            doing="note the restore for the audit log",
        )
    except StorageError:
        pass


def clear(paths: VaultPaths) -> None:
    """After the entries are committed."""
    try:
        paths.restored_note.unlink(missing_ok=True)
    except OSError:
        pass  # written again next time: a restore audited twice is better than not at all
