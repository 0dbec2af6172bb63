"""Device binding: a random secret in the OS keyring, mixed into staff key slots.

With staff slots bound, a copy of the database and slot file taken from this PC cannot be
attacked with guessed staff passwords alone: the attacker also needs this PC's keyring entry.

Only keyrings that keep secrets encrypted under the person's OS login are accepted: Windows
Credential Manager, the macOS Keychain, the freedesktop Secret Service (GNOME Keyring, KWallet's
Secret Service, KeePassXC) and KWallet. Plaintext, "null" and "fail" backends, and anything a
third-party plugin registers, are refused by name. The user's keyring configuration
(PYTHON_KEYRING_BACKEND, keyringrc.cfg) is deliberately not consulted, so it cannot steer the
device secret into a plaintext file.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

from app.errors import KeyringUnavailable

SERVICE = "Sharewise"
SECRET_BYTES = 32

RECOMMENDED_BACKENDS = frozenset(
    {
        "keyring.backends.Windows.WinVaultKeyring",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.kwallet.DBusKeyringKWallet4",
    }
)


class KeyringState(Enum):
    AVAILABLE = "available"
    NONE = "none"
    LOCKED = "locked"
    FAILED = "failed"


@dataclass(frozen=True)
class KeyringStatus:
    state: KeyringState
    backend_name: str

    @property
    def sentence(self) -> str:
        if self.state is KeyringState.AVAILABLE:
            return f"This computer's secure keyring ({self.backend_name}) is available."
        if self.state is KeyringState.LOCKED:
            return (
                f"This computer's keyring ({self.backend_name}) is locked. Unlocking it (usually by "
                "signing in to the computer) lets Sharewise bind the vault to this computer."
            )
        if self.state is KeyringState.FAILED:
            return (
                f"This computer's keyring ({self.backend_name}) did not answer, so the vault cannot "
                "be bound to this computer right now."
            )
        return (
            "No secure keyring was found on this computer (such as Windows Credential Manager, "
            "the macOS Keychain or GNOME Keyring), so the vault cannot be bound to it."
        )


def qualified_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_recommended(backend: KeyringBackend) -> bool:
    return qualified_name(backend) in RECOMMENDED_BACKENDS


def choose_backend(candidates: list[KeyringBackend]) -> KeyringBackend | None:
    """The highest-priority candidate on the allow-list, or None."""
    allowed = [b for b in candidates if is_recommended(b)]
    if not allowed:
        return None
    return max(allowed, key=_priority)


def _priority(backend: KeyringBackend) -> float:
    try:
        return float(backend.priority)
    except Exception:  # a backend's priority check may probe D-Bus and fail
        return float("-inf")


class DeviceKeyring:
    """The device secret of each vault, in one keyring backend (or none)."""

    def __init__(self, backend: KeyringBackend | None) -> None:
        self._backend = backend

    @classmethod
    def system(cls) -> DeviceKeyring:
        """The best recommended backend on this computer, or none."""
        import keyring.backend

        try:
            candidates = keyring.backend.get_all_keyring()
        except Exception:  # plugin loading can fail in odd environments: treat as no keyring
            candidates = []
        return cls(choose_backend(candidates))

    @property
    def backend_name(self) -> str:
        if self._backend is None:
            return "none"
        return str(getattr(self._backend, "name", type(self._backend).__name__))

    def _entry(self, vault_id: str) -> str:
        return f"device-key/{vault_id}"

    def _unavailable(self, exc: Exception) -> KeyringUnavailable:
        import keyring.errors

        if isinstance(exc, keyring.errors.KeyringLocked):
            return KeyringUnavailable(self.status_for(KeyringState.LOCKED).sentence, locked=True)
        return KeyringUnavailable(self.status_for(KeyringState.FAILED).sentence)

    def read(self, vault_id: str) -> bytes | None:
        """The device secret, None if absent; ``KeyringUnavailable`` if it cannot be asked."""
        if self._backend is None:
            return None
        try:
            stored = self._backend.get_password(SERVICE, self._entry(vault_id))
        except Exception as exc:  # any backend failure means "cannot ask now", never a crash
            raise self._unavailable(exc) from exc
        if stored is None:
            return None
        try:
            secret = base64.b64decode(stored.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            return None
        return secret if len(secret) == SECRET_BYTES else None

    def create(self, vault_id: str) -> bytes:
        """Store a new device secret for ``vault_id`` (replacing any) and return it."""
        if self._backend is None:
            raise KeyringUnavailable(self.status_for(KeyringState.NONE).sentence)
        secret = os.urandom(SECRET_BYTES)
        try:
            self._backend.set_password(
                SERVICE, self._entry(vault_id), base64.b64encode(secret).decode("ascii")
            )
        except Exception as exc:
            raise self._unavailable(exc) from exc
        if self.read(vault_id) != secret:  # some backends accept a write and drop it
            raise KeyringUnavailable(self.status_for(KeyringState.FAILED).sentence)
        return secret

    def delete(self, vault_id: str) -> None:
        if self._backend is None:
            return
        import keyring.errors

        try:
            self._backend.delete_password(SERVICE, self._entry(vault_id))
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored: already in the state we want
        except Exception as exc:
            raise self._unavailable(exc) from exc

    def status_for(self, state: KeyringState) -> KeyringStatus:
        return KeyringStatus(state, self.backend_name)

    def probe(self, vault_id: str) -> KeyringStatus:
        """Whether the keyring can be used now (reads the entry; does not write)."""
        if self._backend is None:
            return self.status_for(KeyringState.NONE)
        try:
            self.read(vault_id)
        except KeyringUnavailable as exc:
            return self.status_for(KeyringState.LOCKED if exc.locked else KeyringState.FAILED)
        return self.status_for(KeyringState.AVAILABLE)
