"""Typed errors of the core, each carrying one sentence a manager can act on.

The sentence is the whole message: no personal data, no file contents, no secrets, so an error
can be shown, logged or reported as it is. The UI shows ``str(error)``.
"""

from __future__ import annotations


class SharewiseError(Exception):
    """Base of every error the core raises on purpose."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence

    def __str__(self) -> str:
        return self.sentence


# --- opening and signing in -------------------------------------------------------------------


class VaultNotFound(SharewiseError):
    """There is no vault in the data folder (the UI offers first-run setup)."""


class VaultExists(SharewiseError):
    """Creating a vault where one already is."""


class VaultInUse(SharewiseError):
    """Another copy of the program has this vault open."""


class VaultLocked(SharewiseError):
    """The session was closed (signed out or locked); sign in again."""


class WrongPassword(SharewiseError):
    """Unknown username or wrong password: deliberately the same error for both.

    ``retry_after`` is the number of seconds before the next attempt is accepted (0 when there
    is no delay), so a window can show a countdown at once.
    """

    def __init__(self, sentence: str, retry_after: float = 0.0) -> None:
        super().__init__(sentence)
        self.retry_after = retry_after


class AccountLocked(SharewiseError):
    """Too many failed attempts: wait ``retry_after`` seconds."""

    def __init__(self, sentence: str, retry_after: float) -> None:
        super().__init__(sentence)
        self.retry_after = retry_after


class PasswordChangeRequired(SharewiseError):
    """Signed in with a one-time password: nothing else is allowed until it is changed."""


class DeviceKeyMissing(SharewiseError):
    """Staff slots are bound to a device key this computer's keyring does not hold."""


class KeyringUnavailable(SharewiseError):
    """The keyring holding the device key is locked (``locked``) or not answering."""

    def __init__(self, sentence: str, locked: bool = False) -> None:
        super().__init__(sentence)
        self.locked = locked


class RecoveryKeyInvalid(SharewiseError):
    """The typed recovery key is malformed (length, character, or a group's check character)."""

    def __init__(self, sentence: str, group: int | None = None) -> None:
        super().__init__(sentence)
        self.group = group


class RecoveryKeyMismatch(SharewiseError):
    """A well-formed recovery key that does not open this vault."""


# --- files and storage ------------------------------------------------------------------------


class IntegrityError(SharewiseError):
    """The database or a key file is damaged or does not belong to this vault."""


class SlotFileError(SharewiseError):
    """The key-slot file is missing or unreadable."""


class NewerDatabase(SharewiseError):
    """The database was written by a newer version of Sharewise; it is left untouched."""


class NotEncrypted(SharewiseError):
    """The SQLite library in use is not SQLCipher, or the file is a plain SQLite database."""


class StorageError(SharewiseError):
    """The disk refused a write (full, read-only, removed)."""


class BackupDamaged(SharewiseError):
    """A backup file is truncated, altered, or not a Sharewise backup at all."""


# --- using a session --------------------------------------------------------------------------


class PermissionDenied(SharewiseError):
    """The signed-in person's roles do not allow the action."""

    def __init__(self, sentence: str, action: str) -> None:
        super().__init__(sentence)
        self.action = action


class ValidationError(SharewiseError):
    """A field's value was refused; ``field`` names it so a form can highlight it."""

    def __init__(self, field: str, sentence: str) -> None:
        super().__init__(sentence)
        self.field = field


class NotFound(SharewiseError):
    """A record asked for by id does not exist (or is not visible to this person)."""
