"""The key-slot file beside the database: salts, KDF parameters and wrapped keys, as JSON.

Nothing in it is personal. Usernames appear only as a keyed hash ("user tag") so the file can
find a person's slot before the database is open; the key for that hash is random per vault but
stored here, so the tag hides names from a glance, not from someone guessing likely usernames.

Every slot names the database file it opens by that file's SQLCipher salt (its first 16 bytes).
During a rekey the file briefly holds slots for both the old and the new database, so a crash at
any moment leaves slots that open whichever database file is in place.

Writes are atomic (``files.write_atomically``) and the previous version is kept beside it, minus
any slot the new version dropped: a revoked password, a deactivated account or a replaced
recovery key must not live on in the kept copy. A kept copy left without a recovery slot or
without any staff slot would open nothing useful, so in that case the new version is kept.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from app.errors import SlotFileError
from app.vault.files import VaultPaths, write_atomically
from app.vault.kdf import KdfParams
from app.vault.keyslots import Slot

FORMAT = "sharewise-key-slots"
VERSION = 1


@dataclass(frozen=True)
class SlotFile:
    vault_id: str
    lookup_salt: bytes
    kdf: KdfParams
    schema_version: int
    created_at: str
    slots: tuple[Slot, ...]

    def user_tag(self, normalised_username: str) -> str:
        import hashlib
        import hmac

        digest = hmac.new(self.lookup_salt, normalised_username.encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()

    def staff_slot(self, user_tag: str, db_salt: str) -> Slot | None:
        for slot in self.slots:
            if slot.kind == "staff" and slot.user_tag == user_tag and slot.db_salt == db_salt:
                return slot
        return None

    def staff_slot_for(self, staff_id: int, db_salt: str) -> Slot | None:
        for slot in self.slots:
            if slot.kind == "staff" and slot.staff_id == staff_id and slot.db_salt == db_salt:
                return slot
        return None

    def recovery_slot(self, db_salt: str) -> Slot | None:
        for slot in self.slots:
            if slot.kind == "recovery" and slot.db_salt == db_salt:
                return slot
        return None

    def staff_slots(self, db_salt: str) -> list[Slot]:
        return [s for s in self.slots if s.kind == "staff" and s.db_salt == db_salt]

    def without(self, slot_ids: Iterable[str]) -> SlotFile:
        gone = set(slot_ids)
        return replace(self, slots=tuple(s for s in self.slots if s.slot_id not in gone))

    def with_slot(self, slot: Slot, replacing: str | None = None) -> SlotFile:
        kept = tuple(s for s in self.slots if s.slot_id != replacing)
        return replace(self, slots=(*kept, slot))

    def to_bytes(self) -> bytes:
        document: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": self.vault_id,
            "lookup_salt": base64.b64encode(self.lookup_salt).decode("ascii"),
            "kdf": self.kdf.to_json(),
            "schema_version": self.schema_version,
            "created_at": self.created_at,
            "slots": [s.to_json() for s in self.slots],
        }
        return (json.dumps(document, indent=1, sort_keys=True) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> SlotFile:
        document = json.loads(raw.decode("utf-8"))
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError("not a Sharewise key file")
        version = document.get("version")
        if not isinstance(version, int) or version < 1:
            raise ValueError("bad version")
        if version > VERSION:
            raise _NewerFormat()
        return cls(
            vault_id=str(document["vault_id"]),
            lookup_salt=base64.b64decode(document["lookup_salt"], validate=True),
            kdf=KdfParams.from_json(document["kdf"]),
            schema_version=int(document["schema_version"]),
            created_at=str(document["created_at"]),
            slots=tuple(Slot.from_json(s) for s in document["slots"]),
        )


class _NewerFormat(ValueError):
    pass


def _read(path_description: str, raw: bytes) -> SlotFile:
    try:
        return SlotFile.from_bytes(raw)
    except _NewerFormat as exc:
        raise SlotFileError(
            f"The vault's key file ({path_description}) was written by a newer version of "
            "Sharewise. Install the newer version to open this vault; nothing has been changed."
        ) from exc
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise SlotFileError(
            f"The vault's key file ({path_description}) is damaged, so no one can sign in. The "
            "database has not been changed. Ask IT support to restore the key file from the kept "
            "copy (sharewise-admin restore-key-file) or from a backup."
        ) from exc


def load(paths: VaultPaths) -> SlotFile:
    try:
        raw = paths.slots.read_bytes()
    except FileNotFoundError as exc:
        kept = " A kept copy is in the same folder." if paths.slots_kept.exists() else ""
        raise SlotFileError(
            f"The vault's key file ({paths.slots.name}) is missing, so no one can sign in. The "
            f"database has not been changed.{kept} Ask IT support to restore the key file "
            "(sharewise-admin restore-key-file) or restore the vault from a backup."
        ) from exc
    except OSError as exc:
        raise SlotFileError(
            f"The vault's key file ({paths.slots.name}) could not be read (error {exc.errno}). "
            "Check that the data folder is available and try again."
        ) from exc
    return _read(paths.slots.name, raw)


def load_kept(paths: VaultPaths) -> SlotFile:
    try:
        raw = paths.slots_kept.read_bytes()
    except FileNotFoundError as exc:
        raise SlotFileError(
            "There is no kept copy of the key file in this folder. Restore the vault from a backup."
        ) from exc
    return _read(paths.slots_kept.name, raw)


def save(paths: VaultPaths, new: SlotFile, previous: SlotFile | None) -> None:
    """Write ``new`` atomically, keeping ``previous`` minus the slots ``new`` dropped."""
    if previous is not None:
        current_ids = {s.slot_id for s in new.slots}
        kept = replace(previous, slots=tuple(s for s in previous.slots if s.slot_id in current_ids))
        kinds = {s.kind for s in kept.slots}
        if kinds != {"recovery", "staff"}:
            kept = new  # a kept copy nobody could sign in with would be no copy at all
        write_atomically(paths.slots_kept, kept.to_bytes(), doing="keep a copy of the key file")
    write_atomically(paths.slots, new.to_bytes(), doing="save the key file")
