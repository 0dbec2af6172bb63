"""The parent contact log: calls, visits and messages from parents, which may be anonymous.

Policy 002 keeps these for seven years (or until the child is 25). Anyone may log one; like
concerns, a key worker reads the entries they recorded and the manager and DSL read all, and
reading the log is audit-logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, NewType

from app import children, validation
from app.audit import AuditAction
from app.children import ChildId
from app.clock import from_text, to_text
from app.concerns import FUTURE_TOLERANCE, NOTE_LIMIT
from app.errors import ValidationError
from app.policy.permissions import Action, Scope
from app.session_context import SessionContext

ParentContactId = NewType("ParentContactId", int)


class ContactKind(StrEnum):
    CALL = "call"
    VISIT = "visit"
    EMAIL = "email"
    LETTER = "letter"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "call": "Phone call",
            "visit": "Visit",
            "email": "Email",
            "letter": "Letter",
            "other": "Other",
        }[self.value]


@dataclass(frozen=True)
class NewParentContact:
    contact_at: datetime
    kind: ContactKind | str
    about: str
    who: str = ""  # empty: the caller did not give their name
    action: str = ""
    child_id: int | None = None


@dataclass(frozen=True)
class ParentContact:
    id: ParentContactId
    contact_at: datetime
    kind: ContactKind
    who: str
    about: str
    action: str
    child_id: ChildId | None
    child_name: str
    recorded_by: str

    @property
    def anonymous(self) -> bool:
        return not self.who


def _row(r: Any) -> ParentContact:
    return ParentContact(
        id=ParentContactId(int(r["id"])),
        contact_at=from_text(r["contact_at"]),
        kind=ContactKind(r["kind"]),
        who=str(r["who"]),
        about=str(r["about"]),
        action=str(r["action"]),
        child_id=None if r["child_id"] is None else ChildId(int(r["child_id"])),
        child_name=str(r["known_as"] or r["legal_name"] or ""),
        recorded_by=str(r["recorder"]),
    )


_SQL = (
    "SELECT p.*, c.known_as, c.legal_name, s.full_name AS recorder FROM parent_contact p "
    "LEFT JOIN child c ON c.id = p.child_id JOIN staff s ON s.id = p.recorded_by"
)


class ParentContactService:
    """``session.parent_contacts``."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def log(self, new: NewParentContact) -> ParentContact:
        self._ctx.require(Action.CONCERN_CREATE)
        now = self._ctx.clock.now()
        when = validation.moment(new.contact_at, field="contact_at", label="When they got in touch")
        if when > now + FUTURE_TOLERANCE:
            raise ValidationError("contact_at", "“When they got in touch” is in the future; please check it.")
        try:
            kind = ContactKind(new.kind)
        except ValueError as exc:
            raise ValidationError("kind", "Choose how they got in touch.") from exc
        who = validation.text(new.who, field="who", label="Who got in touch", required=False)
        about = validation.text(
            new.about, field="about", label="What it was about", limit=NOTE_LIMIT, multiline=True
        )
        action = validation.text(
            new.action, field="action", label="Action taken", required=False, limit=NOTE_LIMIT, multiline=True
        )
        if new.child_id is not None:
            children.heading(self._ctx.database, new.child_id)
        with self._ctx.transaction() as tx:
            contact_id = tx.execute(
                "INSERT INTO parent_contact (child_id, contact_at, kind, who, about, action, recorded_by, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.child_id,
                    to_text(when),
                    kind.value,
                    who,
                    about,
                    action,
                    self._ctx.actor.id,
                    to_text(now),
                ),
            )
            self._ctx.audit(
                tx,
                AuditAction.PARENT_CONTACT_LOGGED,
                "parent_contact",
                contact_id,
                {"child": new.child_id, "anonymous": not who},
            )
        row = self._ctx.database.one(_SQL + " WHERE p.id = ?", (contact_id,))
        return _row(row)

    def entries(self, *, child_id: int | None = None, limit: int = 500) -> list[ParentContact]:
        """Newest first; all of them for the manager/DSL, a key worker's own otherwise."""
        scope = self._ctx.require(Action.CONCERN_READ)
        where: list[str] = ["1 = 1"]
        params: list[object] = []
        if scope is Scope.OWN:
            where.append("p.recorded_by = ?")
            params.append(self._ctx.actor.id)
        if child_id is not None:
            where.append("p.child_id = ?")
            params.append(child_id)
        rows = self._ctx.database.query(
            f"{_SQL} WHERE {' AND '.join(where)} ORDER BY p.contact_at DESC, p.id DESC LIMIT ?",
            [*params, max(1, min(limit, 5000))],
        )
        found = [_row(r) for r in rows]
        with self._ctx.transaction() as tx:
            self._ctx.audit(
                tx,
                AuditAction.PARENT_CONTACTS_VIEWED,
                "child" if child_id else "parent_contact",
                child_id,
                {"count": len(found)},
            )
        return found
