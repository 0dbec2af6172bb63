"""The signed-in side of the key slots: the data key is in hand, so slots can be made and dropped.

Staff and vault services call these methods inside their database transaction, so a slot file
that fails to write (full disk, folder gone) rolls the database change back with it. Each staff
slot's password-only layer is also copied into ``staff_slot_copy`` in the same transaction.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Literal

from app.errors import KeyringUnavailable
from app.vault import keyslots, recovery_key, slot_file
from app.vault.database import Database
from app.vault.device import DeviceKeyring, KeyringState, KeyringStatus
from app.vault.files import VaultPaths
from app.vault.kdf import KdfParams, password_bytes
from app.vault.keyslots import Slot
from app.vault.recovery_key import RecoveryKey
from app.vault.slot_file import SlotFile


@dataclass(frozen=True)
class BindingStatus:
    """How far the vault's staff slots are tied to this computer's keyring."""

    keyring: KeyringStatus
    staff_slots: int
    bound_slots: int

    @property
    def state(self) -> Literal["bound", "partly bound", "not bound"]:
        if self.staff_slots and self.bound_slots == self.staff_slots:
            return "bound"
        return "partly bound" if self.bound_slots else "not bound"

    @property
    def sentence(self) -> str:
        if self.state == "bound":
            return (
                "This vault is bound to this computer: a copy of its files taken elsewhere cannot "
                "be opened with staff passwords, only with the recovery key."
            )
        if self.state == "partly bound":
            return (
                f"{self.bound_slots} of {self.staff_slots} staff accounts are bound to this "
                "computer; the others will be bound when those people next sign in."
            )
        return (
            "This vault is not bound to this computer. " + self.keyring.sentence + " Until then, "
            "staff passwords alone protect a copy of the vault's files, so keep the computer's "
            "disk encrypted (BitLocker or FileVault)."
        )


class KeyStore:
    def __init__(
        self,
        paths: VaultPaths,
        vault_id: str,
        device: DeviceKeyring,
        data_key: bytes,
        db_salt: str,
    ) -> None:
        self._paths = paths
        self.vault_id = vault_id
        self._device = device
        self._data_key = data_key
        self.db_salt = db_salt

    @property
    def data_key(self) -> bytes:
        return self._data_key

    @property
    def paths(self) -> VaultPaths:
        return self._paths

    @property
    def device(self) -> DeviceKeyring:
        return self._device

    def load(self) -> SlotFile:
        return slot_file.load(self._paths)

    # --- device secret -------------------------------------------------------------------------

    def device_secret_for_new_slot(self, current: SlotFile) -> bytes | None:
        """The secret to bind a new slot with, or None to leave it unbound.

        Creates the keyring entry when there is none and no slot depends on an old one; never
        replaces a secret that existing bound slots need.
        """
        try:
            secret = self._device.read(self.vault_id)
            if secret is not None:
                return secret
            if any(s.bound for s in current.staff_slots(self.db_salt)):
                return None
            if self._device.probe(self.vault_id).state is not KeyringState.AVAILABLE:
                return None
            return self._device.create(self.vault_id)
        except KeyringUnavailable:
            return None

    def binding_status(self) -> BindingStatus:
        current = self.load()
        staff = current.staff_slots(self.db_salt)
        return BindingStatus(
            keyring=self._device.probe(self.vault_id),
            staff_slots=len(staff),
            bound_slots=sum(1 for s in staff if s.bound),
        )

    # --- staff slots -----------------------------------------------------------------------------

    def set_staff_password(self, tx: Database, *, staff_id: int, username: str, password: str) -> None:
        """Give ``staff_id`` a slot for ``password`` (replacing any), in file and copy table."""
        current = self.load()
        unbound = keyslots.make_slot(
            vault_id=self.vault_id,
            kind="staff",
            secret=password_bytes(password),
            data_key=self._data_key,
            params=current.kdf,
            db_salt=self.db_salt,
            staff_id=staff_id,
            user_tag=current.user_tag(username),
        )
        secret = self.device_secret_for_new_slot(current)
        slot = keyslots.bind(unbound, vault_id=self.vault_id, device_secret=secret) if secret else unbound
        self._store_copy(tx, unbound)
        old = current.staff_slot_for(staff_id, self.db_salt)
        slot_file.save(self._paths, current.with_slot(slot, replacing=old.slot_id if old else None), current)

    def remove_staff_slot(self, tx: Database, staff_id: int) -> None:
        tx.execute("DELETE FROM staff_slot_copy WHERE staff_id = ?", (staff_id,))
        current = self.load()
        gone = [s.slot_id for s in current.slots if s.kind == "staff" and s.staff_id == staff_id]
        if gone:
            slot_file.save(self._paths, current.without(gone), current)

    def bind_slot_if_possible(self, slot: Slot) -> bool:
        """After a sign-in with an unbound slot: add the device layer when the keyring allows."""
        if slot.bound:
            return False
        current = self.load()
        secret = self.device_secret_for_new_slot(current)
        if secret is None:
            return False
        bound = keyslots.bind(slot, vault_id=self.vault_id, device_secret=secret)
        slot_file.save(self._paths, current.with_slot(bound, replacing=slot.slot_id), current)
        return True

    def _store_copy(self, tx: Database, unbound: Slot) -> None:
        tx.execute(
            "INSERT INTO staff_slot_copy (staff_id, slot) VALUES (?, ?) "
            "ON CONFLICT (staff_id) DO UPDATE SET slot = excluded.slot",
            (unbound.staff_id, json.dumps(unbound.to_json(), sort_keys=True)),
        )

    def sync_copy(self, tx: Database, signed_in_slot: Slot, device_secret: bytes | None) -> None:
        """Make the copy table match the slot just used (heals a crash between the two writes)."""
        unbound = keyslots.unbind(signed_in_slot, vault_id=self.vault_id, device_secret=device_secret)
        stored = tx.scalar("SELECT slot FROM staff_slot_copy WHERE staff_id = ?", (unbound.staff_id,))
        if stored is None or json.loads(stored) != unbound.to_json():
            self._store_copy(tx, unbound)

    def rebind_all(self, tx: Database, current: SlotFile) -> tuple[SlotFile, bool]:
        """Rebuild every staff slot from the copy table under a fresh device secret.

        Used after opening with the recovery key: on a new computer, or after the keyring entry
        was lost. Returns the new slot file (not yet saved) and whether it is bound.
        """
        try:
            secret: bytes | None = self._device.create(self.vault_id)
        except KeyringUnavailable:
            secret = None
        rows = tx.query(
            "SELECT c.staff_id, c.slot FROM staff_slot_copy c JOIN staff s ON s.id = c.staff_id "
            "WHERE s.active = 1"
        )
        slots: list[Slot] = []
        for row in rows:
            unbound = Slot.from_json(json.loads(row["slot"]))
            if unbound.db_salt != self.db_salt or unbound.staff_id != row["staff_id"]:
                continue
            slots.append(
                keyslots.bind(unbound, vault_id=self.vault_id, device_secret=secret) if secret else unbound
            )
        others = tuple(s for s in current.slots if s.kind != "staff")
        return SlotFile(
            vault_id=current.vault_id,
            lookup_salt=current.lookup_salt,
            kdf=current.kdf,
            schema_version=current.schema_version,
            created_at=current.created_at,
            slots=(*others, *slots),
        ), secret is not None

    # --- recovery key ----------------------------------------------------------------------------

    def recovery_slot(self, key: RecoveryKey, params: KdfParams) -> Slot:
        return keyslots.make_slot(
            vault_id=self.vault_id,
            kind="recovery",
            secret=key.secret,
            data_key=self._data_key,
            params=params,
            db_salt=self.db_salt,
        )

    def replace_recovery_key(self, current: SlotFile) -> tuple[SlotFile, RecoveryKey]:
        """A new recovery key; the returned file (not yet saved) no longer holds the old slot."""
        key = recovery_key.generate()
        slot = self.recovery_slot(key, current.kdf)
        old = [s.slot_id for s in current.slots if s.kind == "recovery"]
        return current.without(old).with_slot(slot), key

    def save(self, new: SlotFile, previous: SlotFile) -> None:
        slot_file.save(self._paths, new, previous)

    def verify_staff_password(self, staff_id: int, password: str) -> bool:
        """Whether ``password`` opens ``staff_id``'s slot (Argon2id: slow on purpose)."""
        slot = self.load().staff_slot_for(staff_id, self.db_salt)
        if slot is None:
            return False
        try:
            device_secret = self._device.read(self.vault_id) if slot.bound else None
            key = keyslots.open_slot(
                slot,
                vault_id=self.vault_id,
                secret=password_bytes(password),
                device_secret=device_secret,
            )
        except (keyslots.SlotOpenFailed, KeyringUnavailable):
            return False
        return hmac.compare_digest(key, self._data_key)
