"""The manager's security tools: checking the vault, the audit log, the recovery key, rekeying.

``session.audit`` shows and verifies the audit log; ``session.security`` checks the database,
reports device binding, re-issues the recovery key and rekeys. All are manager-only, and the
dangerous ones ask for the manager's password again, so a session left unlocked for a minute
cannot be used to take the vault over.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

from app import audit, staff
from app.audit import AuditAction, AuditEntry, AuditFilter, ChainReport
from app.clock import from_text, to_text
from app.errors import IntegrityError, StorageError, VaultLocked, WrongPassword
from app.policy.permissions import Action
from app.session_context import SessionContext
from app.vault import rekey as rekeying
from app.vault.database_file import DAMAGED
from app.vault.kdf import KdfParams
from app.vault.key_store import BindingStatus
from app.vault.recovery_key import RecoveryKey

WRONG_CURRENT = "Your password is not right, so nothing was changed."
BACKUP_OLD_DAYS = 7
SAME_DRIVE = (
    "The backups are on the same drive as the data: a dead disk would take both. Choose a folder "
    "on another drive or a USB stick."
)


@dataclass(frozen=True)
class VaultCheck:
    """The result of a full check; only returned when the database itself is undamaged."""

    audit: ChainReport

    @property
    def ok(self) -> bool:
        return self.audit.ok

    @property
    def sentence(self) -> str:
        if self.audit.ok:
            return f"The database passed every check. {self.audit.sentence}"
        return f"The database is readable, but: {self.audit.sentence}"


@dataclass(frozen=True)
class SecurityStatus:
    """What the Settings screen shows about protection, in facts the manager can check."""

    cipher_version: str
    kdf: KdfParams
    binding: BindingStatus
    recovery_key_issued_at: str | None
    failed_sign_ins_last_30_days: int
    last_backup_at: str | None = None
    backup_warning: str | None = None

    @property
    def encryption_sentence(self) -> str:
        strength = (
            "below the safe minimum (a test setting)"
            if self.kdf.below_floor
            else f"Argon2id with {self.kdf.memory_kib // 1024} MiB and {self.kdf.iterations} passes"
        )
        return (
            f"Everything is encrypted with SQLCipher {self.cipher_version} (AES-256). Passwords "
            f"are protected by {strength}."
        )


class AuditService:
    """``session.audit``: the manager's view of the audit log."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def entries(
        self, *, limit: int = 200, before: int | None = None, where: AuditFilter | None = None
    ) -> list[AuditEntry]:
        """A page of entries, newest first; viewing the log is itself logged."""
        self._ctx.require(Action.AUDIT_VIEW)
        found = audit.entries(self._ctx.database, limit=limit, before=before, where=where)
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, AuditAction.AUDIT_VIEWED, detail={"entries": len(found)})
        return found

    def people(self) -> dict[int, str]:
        """Every account's id and full name (inactive ones too), to name who did what."""
        self._ctx.require(Action.AUDIT_VIEW)
        return {p.id: p.full_name for p in staff.load_all(self._ctx.database, include_inactive=True)}

    def verify(self) -> ChainReport:
        self._ctx.require(Action.AUDIT_VIEW)
        return audit.verify(self._ctx.database)


class SecurityService:
    """``session.security``."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def check(self) -> VaultCheck:
        """Every encrypted page, SQLite's structure, foreign keys, then the audit chain.

        ``IntegrityError`` (advising restore from backup) when the database is damaged.
        """
        self._ctx.require(Action.AUDIT_VIEW)
        if self._ctx.database.integrity_problems():
            raise IntegrityError(DAMAGED)
        report = audit.verify(self._ctx.database)
        with self._ctx.transaction() as tx:
            self._ctx.audit(
                tx,
                AuditAction.VAULT_CHECKED,
                detail={"audit_ok": report.ok, "first_broken": report.first_broken},
            )
        return VaultCheck(report)

    def status(self) -> SecurityStatus:
        self._ctx.require(Action.SETTINGS_MANAGE)
        database = self._ctx.database
        issued = database.scalar(
            "SELECT max(at) FROM audit_log WHERE action IN (?, ?, ?)",
            (AuditAction.VAULT_CREATED, AuditAction.RECOVERY_KEY_REISSUED, AuditAction.VAULT_REKEYED),
        )
        since = to_text(self._ctx.clock.now() - timedelta(days=30))
        failed = database.scalar(
            "SELECT count(*) FROM audit_log WHERE action = ? AND at >= ?",
            (AuditAction.SIGN_IN_FAILED, since),
        )
        last_backup = database.scalar(
            "SELECT max(at) FROM audit_log WHERE action = ?", (AuditAction.BACKUP_MADE.value,)
        )
        last_backup_at = None if last_backup is None else str(last_backup)
        return SecurityStatus(
            cipher_version=str(database.scalar("PRAGMA cipher_version") or ""),
            kdf=self._ctx.keys.load().kdf,
            binding=self._ctx.keys.binding_status(),
            recovery_key_issued_at=None if issued is None else str(issued),
            failed_sign_ins_last_30_days=int(failed or 0),
            last_backup_at=last_backup_at,
            backup_warning=self._backup_warning(last_backup_at),
        )

    def _backup_warning(self, last_backup_at: str | None) -> str | None:
        """Why the backups may not save the day: too old, missing, or on the data's own drive."""
        from app.backup import BackupService  # imported here: app.backup imports the vault, a cycle

        warnings: list[str] = []
        if last_backup_at is None:
            warnings.append("No backup has been made yet: make one now with “Back up now…”.")
        else:
            age = self._ctx.clock.now() - from_text(last_backup_at)
            if age > timedelta(days=BACKUP_OLD_DAYS):
                warnings.append(
                    f"No backup for {age.days} days: make one now with “Back up now…”, and check "
                    "that the backup folder is available."
                )
        try:
            folder = BackupService(self._ctx).folder()
            same = os.stat(folder).st_dev == os.stat(self._ctx.keys.paths.folder).st_dev
        except (OSError, StorageError):
            warnings.append(
                "The backup folder is not available (a USB stick may be unplugged), so automatic "
                "backups cannot be made. Reconnect the drive or choose another folder."
            )
        else:
            if same:
                warnings.append(SAME_DRIVE)
        return " ".join(warnings) or None

    def binding_status(self) -> BindingStatus:
        self._ctx.require(Action.SETTINGS_MANAGE)
        return self._ctx.keys.binding_status()

    def kdf_parameters(self) -> KdfParams:
        self._ctx.require(Action.SETTINGS_MANAGE)
        return self._ctx.keys.load().kdf

    def _confirm_password(self, password: str) -> None:
        if not self._ctx.keys.verify_staff_password(self._ctx.actor.id, password):
            raise WrongPassword(WRONG_CURRENT)

    def reissue_recovery_key(self, password: str) -> RecoveryKey:
        """A new recovery key; the old one stops working at once. Print the new one."""
        self._ctx.require(Action.SETTINGS_MANAGE)
        self._confirm_password(password)
        keys = self._ctx.keys
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, AuditAction.RECOVERY_KEY_REISSUED, "vault", keys.vault_id)
            current = keys.load()
            renewed, key = keys.replace_recovery_key(current)
            keys.save(renewed, current)
        return key

    def rekey(self, password: str) -> rekeying.RekeyResult:
        """Re-encrypt everything under a new data key (see ``app.vault.rekey``).

        Returns the new recovery key and a one-time password for every other active account.
        """
        self._ctx.require(Action.SETTINGS_MANAGE)
        self._confirm_password(password)
        old_database, keys = self._ctx.database, self._ctx.keys
        try:
            database, new_keys, result = rekeying.rekey(
                paths=keys.paths,
                database=old_database,
                keys=keys,
                device=keys.device,
                clock=self._ctx.clock,
                actor=self._ctx.actor,
                password=password,
            )
        except BaseException as exc:
            if old_database.closed:
                self._ctx.close()
                raise VaultLocked(rekeying.INTERRUPTED) from exc
            raise
        self._ctx.replace_database(database, new_keys)
        return result
