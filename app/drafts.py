"""Drafts: a half-filled form kept, encrypted, when the screen locks.

A lock can never be blocked or cancelled by an open form (the clear-screen rule), so the form's
fields are handed to ``Session.close(CloseReason.LOCK, drafts=...)`` and written into the
encrypted database in the same transaction as the lock's audit entry. After the same person
signs in again, the window offers each draft back. Drafts are only ever visible to the person
who typed them, and never hold a password (fields named like one are dropped here, whatever
the window sends).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NewType

from app import validation
from app.audit import AuditAction
from app.clock import to_text
from app.errors import NotFound, ValidationError

if TYPE_CHECKING:
    from app.session_context import SessionContext
    from app.vault.database import Database, Row

DraftId = NewType("DraftId", int)

MAX_FIELDS = 60
MAX_FIELD_CHARS = 100_000
MAX_DRAFTS_PER_LOCK = 20


@dataclass(frozen=True)
class DraftForm:
    """What a window hands over when it is locked with unsaved input."""

    form: str  # which form, a stable identifier such as "staff.add"
    title: str  # the form's name in words, with no personal data ("Add a staff member")
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Draft:
    id: DraftId
    form: str
    title: str
    fields: Mapping[str, str]
    saved_at: str


def _clean(draft: DraftForm) -> DraftForm:
    form = validation.text(draft.form, field="form", label="Form", limit=60)
    title = validation.text(draft.title, field="title", label="Form title", limit=120)
    fields: dict[str, str] = {}
    for name, value in list(draft.fields.items())[:MAX_FIELDS]:
        if not isinstance(name, str) or not isinstance(value, str) or "password" in name.lower():
            continue
        fields[name[:60]] = value[:MAX_FIELD_CHARS]
    return DraftForm(form, title, fields)


def keep(ctx: SessionContext, tx: Database, drafts: Iterable[DraftForm]) -> int:
    """Store the drafts worth keeping (inside the caller's transaction); returns how many."""
    kept: list[str] = []
    now = to_text(ctx.clock.now())
    for draft in list(drafts)[:MAX_DRAFTS_PER_LOCK]:
        try:
            cleaned = _clean(draft)
        except ValidationError:
            continue
        if not any(v.strip() for v in cleaned.fields.values()):
            continue  # an untouched form is not worth offering back
        tx.execute(
            "INSERT INTO draft (staff_id, form, title, content, saved_at) VALUES (?, ?, ?, ?, ?)",
            (ctx.actor.id, cleaned.form, cleaned.title, json.dumps(dict(cleaned.fields)), now),
        )
        kept.append(cleaned.form)
    if kept:
        ctx.audit(tx, AuditAction.DRAFTS_KEPT, "staff", ctx.actor.id, {"forms": kept})
    return len(kept)


def _draft(row: Row) -> Draft:
    content = json.loads(str(row["content"]))
    return Draft(
        id=DraftId(int(row["id"])),
        form=str(row["form"]),
        title=str(row["title"]),
        fields={str(k): str(v) for k, v in content.items()},
        saved_at=str(row["saved_at"]),
    )


class DraftService:
    """``session.drafts``: one's own drafts, offered back after signing in again."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def mine(self) -> list[Draft]:
        rows = self._ctx.database.query(
            "SELECT * FROM draft WHERE staff_id = ? ORDER BY id", (self._ctx.actor.id,)
        )
        return [_draft(r) for r in rows]

    def take(self, draft_id: int) -> Draft:
        """Hand a draft back to its form and delete the stored copy (the form now holds it)."""
        with self._ctx.transaction() as tx:
            row = tx.one("SELECT * FROM draft WHERE id = ? AND staff_id = ?", (draft_id, self._ctx.actor.id))
            if row is None:
                raise NotFound("That draft no longer exists.")
            tx.execute("DELETE FROM draft WHERE id = ?", (draft_id,))
        return _draft(row)

    def discard(self, draft_id: int) -> None:
        with self._ctx.transaction() as tx:
            tx.execute("DELETE FROM draft WHERE id = ? AND staff_id = ?", (draft_id, self._ctx.actor.id))
