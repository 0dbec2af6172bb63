"""The signed-in session: the only way from the UI into the data.

Every service hanging off it (``session.staff``, ``session.settings``, ...) checks the permission
table and writes its own audit entries; the UI never reaches the database another way. Closing
the session (sign out, or the screen locking) drops the connection and the key, and every
service is cut off at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING

from app import drafts as drafts_module
from app import staff
from app.audit import AuditAction
from app.errors import ValidationError, WrongPassword
from app.policy import permissions
from app.policy.permissions import Action, Role
from app.settings import PROVIDER_NAME
from app.staff import Staff

if TYPE_CHECKING:
    from app.backup import BackupService
    from app.drafts import DraftForm
    from app.retention import RetentionService
    from app.review_pack import ReviewPackService
    from app.session_context import SessionContext
    from app.subject_access import SubjectAccessService


class CloseReason(StrEnum):
    SIGN_OUT = "sign_out"
    LOCK = "lock"


class Session:
    def __init__(
        self,
        context: SessionContext,
        *,
        failed_attempts: int,
        previous_sign_in_at: str | None,
        on_close: Callable[[Session], None] | None = None,
    ) -> None:
        self.context = context
        self._failed_attempts = failed_attempts
        self._previous_sign_in_at = previous_sign_in_at
        self._on_close = on_close
        # The services load here, not when this module is imported: a Session is made at sign-in,
        # on the worker thread, so the sign-in page shows without them (start-up time).
        from app.children import ChildrenService
        from app.chronology import ChronologyService
        from app.concerns import ConcernService
        from app.consents import ConsentService
        from app.documents import DocumentService
        from app.drafts import DraftService
        from app.forms import FormService
        from app.parent_contacts import ParentContactService
        from app.policies import PolicyService
        from app.security import AuditService, SecurityService
        from app.settings import SettingsService
        from app.sharing import SharingService
        from app.staff import StaffService
        from app.transfers import TransferService

        self.staff = StaffService(context)
        self.settings = SettingsService(context)
        self.audit = AuditService(context)
        self.security = SecurityService(context)
        self.drafts = DraftService(context)
        self.documents = DocumentService(context)
        self.children = ChildrenService(context)
        self.concerns = ConcernService(context)
        self.parent_contacts = ParentContactService(context)
        self.chronology = ChronologyService(context)
        self.sharing = SharingService(context)
        self.transfers = TransferService(context)
        self.consents = ConsentService(context)
        self.forms = FormService(context, self.settings)
        self.policies = PolicyService(context)

    # The yearly work (retention, subject access, the review pack) loads when first used, not at
    # start-up: most sessions never touch it.
    @cached_property
    def retention(self) -> RetentionService:
        from app.retention import RetentionService

        return RetentionService(self.context)

    @cached_property
    def subject_access(self) -> SubjectAccessService:
        from app.subject_access import SubjectAccessService

        return SubjectAccessService(self.context)

    @cached_property
    def review_pack(self) -> ReviewPackService:
        from app.review_pack import ReviewPackService

        return ReviewPackService(self.context)

    @cached_property
    def backups(self) -> BackupService:
        from app.backup import BackupService

        return BackupService(self.context)

    @property
    def me(self) -> Staff:
        return self.context.actor

    @property
    def roles(self) -> frozenset[Role]:
        return self.context.actor.roles

    def may(self, action: Action) -> bool:
        """For deciding what to show. The services check again; this is not the protection."""
        return permissions.scope(self.roles, action) is not None

    @property
    def failed_attempts_since_last_sign_in(self) -> int:
        return self._failed_attempts

    @property
    def previous_sign_in_at(self) -> str | None:
        return self._previous_sign_in_at

    @property
    def must_change_password(self) -> bool:
        return self.context.actor.must_change_password

    @property
    def is_open(self) -> bool:
        return self.context.is_open

    def change_password(self, current: str, new: str) -> None:
        """Change one's own password (rewraps one slot). Slow: Argon2id twice."""
        ctx = self.context
        me = ctx.actor
        if not ctx.keys.verify_staff_password(me.id, current):
            raise WrongPassword("Your current password is not right, so nothing was changed.")
        if new == current:
            raise ValidationError("password", "Choose a new password, different from the current one.")
        staff.check_password_for(me, new, self.settings.get(PROVIDER_NAME))
        with ctx.transaction() as tx:
            tx.execute("UPDATE staff SET must_change_password = 0 WHERE id = ?", (me.id,))
            ctx.audit(tx, AuditAction.PASSWORD_CHANGED, "staff", me.id)
            ctx.keys.set_staff_password(tx, staff_id=me.id, username=me.username, password=new)
        ctx.actor = staff.load(ctx.database, me.id) or me

    def keep_drafts(self, drafts: Sequence[DraftForm]) -> int:
        """Keep half-typed forms now, for a sign-out that closes the session only after its backup
        (which runs off the UI thread). Never raises; returns how many were kept."""
        if not drafts or not self.context.is_open:
            return 0
        try:
            with self.context.transaction() as tx:
                return drafts_module.keep(self.context, tx, drafts)
        except Exception:
            return 0

    def close(
        self,
        reason: CloseReason = CloseReason.SIGN_OUT,
        drafts: Sequence[DraftForm] = (),
        *,
        wait: bool = True,
    ) -> int:
        """Sign out or lock, keeping ``drafts`` (unsaved forms) encrypted for this person.

        Safe to call twice; never raises (a lock must always succeed). Returns how many drafts
        were kept: if the disk refuses them, the lock still happens and the caller can say so.
        The drafts and the audit entry are committed before this returns; with ``wait`` False
        (the window) the connection itself then closes on a thread of its own
        (``Database.close_in_background``), the session being closed to its callers already.
        """
        if not self.context.is_open:
            return 0
        action = AuditAction.SIGN_OUT if reason is CloseReason.SIGN_OUT else AuditAction.SESSION_LOCKED
        kept = 0
        try:
            try:
                with self.context.transaction() as tx:
                    kept = drafts_module.keep(self.context, tx, drafts)
                    self.context.audit(tx, action, "staff", self.context.actor.id)
            except Exception:
                kept = 0  # the drafts could not be written: record the lock or sign-out alone
                with self.context.transaction() as tx:
                    self.context.audit(tx, action, "staff", self.context.actor.id)
        except Exception:  # noqa: S110 - nothing (a damaged or full disk) may stop a lock
            pass
        finally:
            self.context.close(wait=wait)
            if self._on_close is not None:
                self._on_close(self)
        return kept

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
