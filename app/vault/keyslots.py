"""Key slots: the data key wrapped under a password or the recovery key (pure, no files).

A slot is AES-256-GCM over the 32-byte data key with a key from Argon2id(secret, salt). Every
field that says what the slot is (vault, slot id, kind, staff id, KDF parameters, salt, which
database file it opens) is bound in as associated data, so editing any of them makes the slot
fail to open instead of opening something else.

Staff slots may carry a second layer, AES-256-GCM under a key derived from the device secret in
the OS keyring ("bound" slots). The inner, password-only layer is also kept inside the
encrypted database; with the recovery key (and so the data key) in hand, the program can re-wrap
every staff slot for a new device secret without knowing anyone's password.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from app.vault import kdf
from app.vault.kdf import KdfParams

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SlotKind = Literal["staff", "recovery"]
NONCE_BYTES = 12
DATA_KEY_BYTES = 32


class SlotOpenFailed(Exception):
    """The secret (or the device secret) does not open this slot. Internal: callers translate."""


@dataclass(frozen=True)
class Slot:
    slot_id: str
    kind: SlotKind
    staff_id: int | None
    user_tag: str | None
    kdf: KdfParams
    salt: bytes
    db_salt: str
    bound: bool
    nonce: bytes
    ciphertext: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "slot_id": self.slot_id,
            "kind": self.kind,
            "staff_id": self.staff_id,
            "user_tag": self.user_tag,
            "kdf": self.kdf.to_json(),
            "salt": _b64(self.salt),
            "db_salt": self.db_salt,
            "bound": self.bound,
            "nonce": _b64(self.nonce),
            "ciphertext": _b64(self.ciphertext),
        }

    @classmethod
    def from_json(cls, data: Any) -> Slot:
        if not isinstance(data, dict):
            raise ValueError("slot is not an object")
        kind = data["kind"]
        if kind not in ("staff", "recovery"):
            raise ValueError("unknown slot kind")
        staff_id = data.get("staff_id")
        user_tag = data.get("user_tag")
        if kind == "staff" and (
            isinstance(staff_id, bool) or not isinstance(staff_id, int) or not isinstance(user_tag, str)
        ):
            raise ValueError("staff slot without staff id or user tag")
        # Types are checked, never coerced: an edited file is reported as damaged.
        for name in ("slot_id", "db_salt"):
            if not isinstance(data[name], str):
                raise ValueError(f"{name} must be text")
        if not isinstance(data["bound"], bool):
            raise ValueError("bound must be true or false")
        return cls(
            slot_id=data["slot_id"],
            kind=kind,
            staff_id=staff_id if kind == "staff" else None,
            user_tag=user_tag if kind == "staff" else None,
            kdf=KdfParams.from_json(data["kdf"]),
            salt=_unb64(data["salt"]),
            db_salt=data["db_salt"],
            bound=data["bound"],
            nonce=_unb64(data["nonce"]),
            ciphertext=_unb64(data["ciphertext"]),
        )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _aad(vault_id: str, slot: Slot, layer: str) -> bytes:
    fields = {
        "layer": layer,
        "vault_id": vault_id,
        "slot_id": slot.slot_id,
        "kind": slot.kind,
        "staff_id": slot.staff_id,
        "user_tag": slot.user_tag,
        "kdf": slot.kdf.to_json(),
        "salt": _b64(slot.salt),
        "db_salt": slot.db_salt,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _aes_gcm(key: bytes) -> AESGCM:
    """cryptography loads on the sign-in's worker thread, at the first slot opened or made: the
    sign-in page reads the key file (``Slot``) without it, and the window starts sooner."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _invalid_tag() -> type[Exception]:
    from cryptography.exceptions import InvalidTag

    return InvalidTag


def _device_key(device_secret: bytes, vault_id: str, slot_id: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    info = f"sharewise/device-layer/v1|{vault_id}|{slot_id}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(device_secret)


def new_data_key() -> bytes:
    return os.urandom(DATA_KEY_BYTES)


def make_slot(
    *,
    vault_id: str,
    kind: SlotKind,
    secret: bytes,
    data_key: bytes,
    params: KdfParams,
    db_salt: str,
    staff_id: int | None = None,
    user_tag: str | None = None,
) -> Slot:
    """Wrap ``data_key`` under Argon2id(``secret``). Returns an unbound slot."""
    import uuid  # here: it loads ``platform``, which the sign-in page does without

    salt = os.urandom(kdf.SALT_BYTES)
    slot = Slot(
        slot_id=str(uuid.uuid4()),
        kind=kind,
        staff_id=staff_id,
        user_tag=user_tag,
        kdf=params,
        salt=salt,
        db_salt=db_salt,
        bound=False,
        nonce=os.urandom(NONCE_BYTES),
        ciphertext=b"",
    )
    wrapping_key = kdf.derive(secret, salt, params)
    ciphertext = _aes_gcm(wrapping_key).encrypt(slot.nonce, data_key, _aad(vault_id, slot, "inner"))
    return replace(slot, ciphertext=ciphertext)


def bind(slot: Slot, *, vault_id: str, device_secret: bytes) -> Slot:
    """Add the device layer to an unbound slot."""
    if slot.bound:
        raise ValueError("slot is already bound")
    outer_nonce = os.urandom(NONCE_BYTES)
    key = _device_key(device_secret, vault_id, slot.slot_id)
    inner = slot.nonce + slot.ciphertext
    outer = _aes_gcm(key).encrypt(outer_nonce, inner, _aad(vault_id, slot, "device"))
    return replace(slot, bound=True, nonce=outer_nonce, ciphertext=outer)


def unbind(slot: Slot, *, vault_id: str, device_secret: bytes | None) -> Slot:
    """Remove the device layer (cheap: no Argon2id). Raises ``SlotOpenFailed`` on a wrong secret."""
    if not slot.bound:
        return slot
    if device_secret is None:
        raise SlotOpenFailed("no device secret")
    key = _device_key(device_secret, vault_id, slot.slot_id)
    try:
        inner = _aes_gcm(key).decrypt(slot.nonce, slot.ciphertext, _aad(vault_id, slot, "device"))
    except _invalid_tag() as exc:
        raise SlotOpenFailed("device layer") from exc
    return replace(slot, bound=False, nonce=inner[:NONCE_BYTES], ciphertext=inner[NONCE_BYTES:])


def open_slot(slot: Slot, *, vault_id: str, secret: bytes, device_secret: bytes | None = None) -> bytes:
    """The data key, or ``SlotOpenFailed``. Runs Argon2id: slow on purpose."""
    inner = unbind(slot, vault_id=vault_id, device_secret=device_secret)
    wrapping_key = kdf.derive(secret, inner.salt, inner.kdf)
    try:
        data_key = _aes_gcm(wrapping_key).decrypt(
            inner.nonce, inner.ciphertext, _aad(vault_id, inner, "inner")
        )
    except _invalid_tag() as exc:
        raise SlotOpenFailed("secret") from exc
    if len(data_key) != DATA_KEY_BYTES:
        raise SlotOpenFailed("wrong key length")
    return data_key


def burn_time_like(slot: Slot, secret: bytes) -> None:
    """Spend the same Argon2id time as opening ``slot`` would, for unknown usernames."""
    kdf.derive(secret, os.urandom(kdf.SALT_BYTES), slot.kdf)
