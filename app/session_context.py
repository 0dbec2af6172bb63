"""What every service of a signed-in session shares: the database, the keys, the clock, who.

Services never hold the database themselves; they ask the context, so closing (locking) the
session cuts every service off at once, and a rekey can swap the database underneath them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from app import audit
from app.audit import AuditAction
from app.clock import Clock
from app.errors import PasswordChangeRequired, VaultLocked
from app.policy import permissions
from app.policy.permissions import Action, Role, Scope

if TYPE_CHECKING:
    from app.staff import Staff
    from app.vault.database import Database
    from app.vault.key_store import KeyStore
    from app.vault.sign_in_attempts import SignInAttempts

SESSION_ENDED = "This session has ended (the screen was locked or you signed out). Sign in again."


class SessionContext:
    def __init__(
        self,
        database: Database,
        keys: KeyStore,
        clock: Clock,
        actor: Staff,
        attempts: SignInAttempts | None = None,
    ) -> None:
        self._database: Database | None = database
        self._keys: KeyStore | None = keys
        self.clock = clock
        self.actor = actor
        # The vault's failed-password counter: a second person confirming a decision with their
        # password is slowed down after failures exactly as at the sign-in window.
        self.attempts = attempts

    @property
    def is_open(self) -> bool:
        return self._database is not None

    @property
    def database(self) -> Database:
        if self._database is None:
            raise VaultLocked(SESSION_ENDED)
        return self._database

    @property
    def keys(self) -> KeyStore:
        if self._keys is None:
            raise VaultLocked(SESSION_ENDED)
        return self._keys

    @property
    def roles(self) -> frozenset[Role]:
        return self.actor.roles

    def require_signed_in(self) -> None:
        """Session open and password not pending change: what everyone signed in may do needs this."""
        self.database  # noqa: B018 - raises VaultLocked when closed
        if self.actor.must_change_password:
            raise PasswordChangeRequired(
                "You signed in with a one-time password. Choose your own password before doing anything else."
            )

    def require(self, action: Action) -> Scope:
        """Session open, password not pending change, and the roles allow ``action``."""
        self.require_signed_in()
        return permissions.require(self.actor.roles, action)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        with self.database.transaction() as tx:
            yield tx

    def audit(
        self,
        tx: Database,
        action: AuditAction,
        subject_type: str | None = None,
        subject_id: str | int | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        audit.append(
            tx,
            self.clock,
            actor_id=self.actor.id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=detail,
        )

    def replace_database(self, database: Database, keys: KeyStore) -> None:
        """After a rekey: the same session carries on with the new file and key."""
        self._database, self._keys = database, keys

    def close(self, *, wait: bool = True) -> None:
        """Drop the database and keys; nothing reaches them through this context afterwards.

        With ``wait`` False the connection closes on a thread of its own (a lock must clear the
        screen at once); the keys held here are dropped before this returns either way.
        """
        database, self._database, self._keys = self._database, None, None
        if database is None:
            return
        if wait:
            database.close()
        else:
            database.close_in_background()
