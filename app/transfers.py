"""Sending the child-protection file on when a child leaves (KCSIE and local protocols).

The file goes to the next setting or school securely, separately from the main record, and a
confirmation of receipt is kept. Sharewise records to whom, how and when it was sent, reminds the
DSL when no receipt is recorded after 5 school days, and records the receipt. School days here are
Monday to Friday: bank holidays and school holidays are not known to the program, so a reminder
can come a day or two early, never late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NewType

from app import children, validation
from app.audit import AuditAction
from app.children import ChildId
from app.clock import local_today, to_text
from app.errors import NotFound, ValidationError
from app.policy.permissions import Action
from app.session_context import SessionContext

TransferId = NewType("TransferId", int)

RECEIPT_SCHOOL_DAYS = 5


def add_school_days(start: date, days: int) -> date:
    """``days`` weekdays after ``start`` (a file sent on Friday is due a receipt on the next Friday)."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


@dataclass(frozen=True)
class Transfer:
    id: TransferId
    child_id: ChildId
    child_name: str
    receiving_setting: str
    receiving_person: str
    sent_how: str
    sent_on: date
    sent_by: str
    received_on: date | None
    receipt_note: str
    receipt_by: str

    @property
    def receipt_due(self) -> date:
        return add_school_days(self.sent_on, RECEIPT_SCHOOL_DAYS)

    def overdue(self, today: date) -> bool:
        """No receipt recorded after 5 school days."""
        return self.received_on is None and today > self.receipt_due


_SQL = (
    "SELECT t.*, c.legal_name, c.known_as, s.full_name AS sender, r.full_name AS receipt_name "
    "FROM child_transfer t JOIN child c ON c.id = t.child_id JOIN staff s ON s.id = t.sent_by "
    "LEFT JOIN staff r ON r.id = t.receipt_by"
)


def _transfer(row: Any) -> Transfer:
    return Transfer(
        id=TransferId(int(row["id"])),
        child_id=ChildId(int(row["child_id"])),
        child_name=str(row["known_as"] or row["legal_name"]),
        receiving_setting=str(row["receiving_setting"]),
        receiving_person=str(row["receiving_person"]),
        sent_how=str(row["sent_how"]),
        sent_on=date.fromisoformat(row["sent_on"]),
        sent_by=str(row["sender"]),
        received_on=None if row["received_on"] is None else date.fromisoformat(row["received_on"]),
        receipt_note=str(row["receipt_note"]),
        receipt_by=str(row["receipt_name"] or ""),
    )


class TransferService:
    """``session.transfers``: the DSL's work, so it needs the sharing-decision permission."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def _today(self) -> date:
        return local_today(self._ctx.clock)

    def _now(self) -> datetime:
        return self._ctx.clock.now()

    def record_sent(
        self,
        child_id: int,
        *,
        receiving_setting: str,
        receiving_person: str = "",
        sent_how: str,
        sent_on: date | str | None,
    ) -> Transfer:
        self._ctx.require(Action.SHARING_DECIDE)
        _legal, _known, born = children.heading(self._ctx.database, child_id)
        setting = validation.text(receiving_setting, field="receiving_setting", label="Setting or school")
        person = validation.text(
            receiving_person, field="receiving_person", label="Who it was sent to", required=False
        )
        how = validation.text(sent_how, field="sent_how", label="How it was sent", limit=400)
        sent = validation.required_day(sent_on, field="sent_on", label="Date sent")
        if sent > self._today():
            raise ValidationError("sent_on", "“Date sent” is in the future; record it once it has gone.")
        if sent < born:
            raise ValidationError("sent_on", "“Date sent” is before the child was born; check the year.")
        with self._ctx.transaction() as tx:
            transfer_id = tx.execute(
                "INSERT INTO child_transfer (child_id, receiving_setting, "
                "receiving_person, sent_how, sent_on, "
                "sent_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (child_id, setting, person, how, sent.isoformat(), self._ctx.actor.id, to_text(self._now())),
            )
            self._ctx.audit(tx, AuditAction.TRANSFER_SENT, "child", child_id, {"transfer": transfer_id})
        return self._get(transfer_id)

    def _get(self, transfer_id: int) -> Transfer:
        row = self._ctx.database.one(f"{_SQL} WHERE t.id = ?", (transfer_id,))
        if row is None:
            raise NotFound("That file transfer is not there any more.")
        return _transfer(row)

    def record_receipt(self, transfer_id: int, *, received_on: date | str | None, note: str = "") -> Transfer:
        """The receiving setting confirmed they have the file."""
        self._ctx.require(Action.SHARING_DECIDE)
        transfer = self._get(transfer_id)
        if transfer.received_on is not None:
            raise ValidationError("received_on", "The receipt of this file is already recorded.")
        received = validation.required_day(received_on, field="received_on", label="Date received")
        if received > self._today():
            raise ValidationError("received_on", "“Date received” is in the future; please check it.")
        if received < transfer.sent_on:
            raise ValidationError("received_on", "“Date received” is before the file was sent; check both.")
        note = validation.text(note, field="note", label="Note", required=False, limit=2000, multiline=True)
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE child_transfer SET received_on = ?, receipt_note = ?, receipt_by = ?, receipt_at = ? "
                "WHERE id = ? AND received_on IS NULL",
                (received.isoformat(), note, self._ctx.actor.id, to_text(self._now()), transfer_id),
            )
            self._ctx.audit(
                tx, AuditAction.TRANSFER_RECEIVED, "child", transfer.child_id, {"transfer": transfer_id}
            )
        return self._get(transfer_id)

    def waiting(self) -> list[Transfer]:
        """Files sent with no receipt yet, oldest first (overdue ones are those past 5 school days)."""
        self._ctx.require(Action.SHARING_DECIDE)
        found = [
            _transfer(r)
            for r in self._ctx.database.query(f"{_SQL} WHERE t.received_on IS NULL ORDER BY t.sent_on, t.id")
        ]
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, AuditAction.TRANSFERS_LISTED, "child_transfer", None, {"count": len(found)})
        return found

    def for_child(self, child_id: int) -> list[Transfer]:
        self._ctx.require(Action.SHARING_DECIDE)
        children.heading(self._ctx.database, child_id)
        found = [
            _transfer(r)
            for r in self._ctx.database.query(
                f"{_SQL} WHERE t.child_id = ? ORDER BY t.sent_on, t.id",
                (child_id,),
            )
        ]
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, AuditAction.TRANSFERS_LISTED, "child", child_id, {"count": len(found)})
        return found

    def overdue_count(self) -> int:
        """For the badge: files with no receipt after 5 school days. Numbers only, not audited."""
        self._ctx.require(Action.SHARING_DECIDE)
        today = self._today()
        rows = self._ctx.database.query("SELECT sent_on FROM child_transfer WHERE received_on IS NULL")
        return sum(
            1 for r in rows if today > add_school_days(date.fromisoformat(r["sent_on"]), RECEIPT_SCHOOL_DAYS)
        )
