"""``session.retention``: which records are past their retention period, decisions to keep them,
legal holds, and destruction. Manager only (``RETENTION_MANAGE``).

The periods are ``SettingsService.retention_rules()`` (the guidance table, months editable in
Settings and printed in the privacy notice). An ITEM of the review queue is one kind of record
for one child:

- SAFEGUARDING (from the date of birth, 300 months: until the child is 25): the child's concerns
  with their amendments, reviews, actions, search rows and links into decisions; the
  information-sharing decisions naming the child; the child-protection files sent on
  (``child_transfer``); the professionals and the agency visits. Due on the date of birth plus
  the period. An item exists only while the child has at least one such record. A decision
  naming brothers or sisters too loses only this child's link; the decision itself (with its
  carers, concerns, professionals, advice, items, amendments, follow-ups and search row) goes
  with the last child left on it. A sharing request always names at least one child.
- CHILD_RECORD (from the leaving date, 36 months): only children with a leaving date. The
  general record: emergency contacts, consents with their history and scanned forms, links to
  carers, carers linked to no other child (and the "withhold from" rules naming them), subject
  access requests about the child, and the child's address, phone, medical notes, needs, family
  circumstances, attendance, sex or gender, destination, room and key worker. While the child
  still has safeguarding records (kept until 25), the child row stays with the legal name,
  known-as name, date of birth and start and leaving dates only, which identify that file, and
  ``general_destroyed_at`` is set so the item does not come back. A child on roll never has one.
- PARENT_CONTACT (from the day of the contact, 84 months): the notes whose local date plus the
  period has come. One item per child, and one for notes about no child (``child_id`` None);
  due on the earliest of them; destroying removes only the notes that are due.
- ACCIDENT (from the date of birth, 21 years and 3 months): Sharewise holds no accident,
  incident or medication records yet. The rule exists for the privacy notice; the queue never
  has such an item.

When a child has no records of any kind left, the child row goes too, with its search row, the
decisions to keep and the lifted legal holds about them.

An item is HELD while an active legal hold covers the child or the whole setting; otherwise
KEPT while the latest decision to keep it has a review date after today; otherwise DUE (a kept
item whose review date has come is due again). A kept item may still be destroyed; a held one
never.

Destroying runs in one transaction: the ``destruction_pass`` row lets the triggers release
finalised decisions, the rows go (children before parents: foreign keys are on, and
``secure_delete`` zeroes what they held), the full-text indexes are merged so deleted words
leave their segments, and the destruction log gets a row with the kind, the counts, the rule in
words, who and when, and never the child's name or id. After the commit the file is vacuumed,
so nothing deleted survives in a page of the database or its WAL. Backups made before still
hold the records until they rotate out (``backups_note``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from app import children, sharing, validation
from app.audit import AuditAction
from app.clock import add_months, from_text, local_today, long_date, to_text
from app.errors import NotFound, ValidationError
from app.policies import Reminder
from app.policy.permissions import Action
from app.policy.retention import (
    BACKUP_ROTATION_MONTHS,
    KIND_SHORT_LABELS,
    RecordKind,
    RetentionRule,
    due_on,
    rule_for_staff,
)
from app.session_context import SessionContext
from app.settings import SettingsService
from app.vault.database import Database

REASON_LIMIT = 1000
LONGEST_KEEP_MONTHS = 120  # a decision to keep is looked at again within 10 years
FTS_TABLES = ("child_search", "concern_search", "share_search")
HOLD_REFUSAL = (
    "These records are under a legal hold ({reason}). Nothing has been destroyed. "
    "Lift the hold first if the inquiry is over."
)
NOT_DUE = (
    "These records are not past their retention period (or have already been destroyed). "
    "Nothing has been destroyed. Refresh the list."
)
NOT_PAST = (
    "These records are not past their retention period (or have already been destroyed), so there "
    "is nothing to keep. Refresh the list."
)
HOLD_GONE = "That legal hold is not there any more. Refresh the list."

# What a destruction counts, in the order it is shown: key -> (one, several).
COUNT_WORDS: Mapping[str, tuple[str, str]] = {
    "concerns": ("concern", "concerns"),
    "decisions": ("information-sharing decision", "information-sharing decisions"),
    "decision_links": ("link to a sibling's decision", "links to siblings' decisions"),
    "transfers": ("record of a file sent on", "records of files sent on"),
    "professionals": ("professional", "professionals"),
    "visits": ("agency visit", "agency visits"),
    "child_details": ("child's details", "children's details"),
    "emergency_contacts": ("emergency contact", "emergency contacts"),
    "consents": ("consent", "consents"),
    "scanned_forms": ("scanned form", "scanned forms"),
    "carers": ("carer", "carers"),
    "subject_access": ("subject access request", "subject access requests"),
    "contacts": ("parent contact note", "parent contact notes"),
}


class ItemState(StrEnum):
    DUE = "due"
    KEPT = "kept"
    HELD = "held"

    @property
    def label(self) -> str:
        return {"due": "Past its period", "kept": "Kept"}.get(self.value, "Legal hold")


_STATE_ORDER = {ItemState.DUE: 0, ItemState.KEPT: 1, ItemState.HELD: 2}


def kind_label(kind: RecordKind) -> str:
    """The kind in a few words ("General record")."""
    return KIND_SHORT_LABELS[kind]


def counts_text(counts: Mapping[str, int]) -> str:
    """ "3 concerns, 1 information-sharing decision, 2 agency visits" (unknown keys as stored)."""
    parts = []
    for key in [*COUNT_WORDS, *sorted(k for k in counts if k not in COUNT_WORDS)]:
        number = counts.get(key, 0)
        if not number:
            continue
        one, several = COUNT_WORDS.get(key, (key.replace("_", " "), key.replace("_", " ")))
        parts.append(f"{number} {one if number == 1 else several}")
    return ", ".join(parts) or "nothing"


@dataclass(frozen=True)
class RetentionItem:
    kind: RecordKind
    child_id: int | None
    child_name: str  # "" when child_id is None
    born: date | None
    left: date | None
    due_on: date
    records: int  # how many records the item would destroy
    counts: Mapping[str, int]  # e.g. {"concerns": 3, "decisions": 1}
    state: ItemState
    kept_reason: str
    kept_until: date | None
    hold_reason: str

    @property
    def key(self) -> tuple[RecordKind, int | None]:
        return self.kind, self.child_id


@dataclass(frozen=True)
class LegalHold:
    id: int
    child_id: int | None  # None: every record in the setting
    child_name: str
    reason: str
    placed_by: str
    placed_at: str
    lifted_by: str | None
    lifted_at: str | None
    lift_reason: str

    @property
    def active(self) -> bool:
        return self.lifted_at is None


@dataclass(frozen=True)
class DestructionEntry:
    id: int
    kind: RecordKind
    records: int
    counts: Mapping[str, int]
    rule: str
    destroyed_by: str
    destroyed_at: str


@dataclass(frozen=True)
class DestructionResult:
    entry: DestructionEntry
    backups_note: str


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Child:
    id: int
    name: str
    born: date
    left: date | None
    general_destroyed: bool


def _name(legal: str, known_as: str) -> str:
    return f"{legal} ({known_as})" if known_as and known_as != legal else legal


def _children(db: Database) -> dict[int, _Child]:
    rows = db.query(
        "SELECT id, legal_name, known_as, date_of_birth, leaving_date, general_destroyed_at FROM child"
    )
    return {
        int(r["id"]): _Child(
            int(r["id"]),
            _name(str(r["legal_name"]), str(r["known_as"])),
            date.fromisoformat(r["date_of_birth"]),
            None if r["leaving_date"] is None else date.fromisoformat(r["leaving_date"]),
            r["general_destroyed_at"] is not None,
        )
        for r in rows
    }


def _due_contacts(db: Database, rule: RetentionRule, today: date) -> dict[int | None, list[tuple[int, date]]]:
    """Parent contact notes past their period, per child: (id, due on). The SQL bound is a few
    days generous (UTC text against a local date); the exact test is on the local date."""
    bound = add_months(today, -rule.months).toordinal() + 5
    rows = db.query(
        "SELECT id, child_id, contact_at FROM parent_contact WHERE contact_at < ? ORDER BY contact_at, id",
        (date.fromordinal(bound).isoformat(),),
    )
    found: dict[int | None, list[tuple[int, date]]] = {}
    for r in rows:
        recorded = from_text(str(r["contact_at"])).astimezone().date()
        due = due_on(rule, born=recorded, left=None, recorded=recorded)
        if due is not None and due <= today:
            child = None if r["child_id"] is None else int(r["child_id"])
            found.setdefault(child, []).append((int(r["id"]), due))
    return found


def _ids(db: Database, sql: str, params: Sequence[Any]) -> list[int]:
    return [int(r[0]) for r in db.query(sql, params)]


def _count(db: Database, sql: str, params: Sequence[Any]) -> int:
    return int(db.scalar(sql, params) or 0)


@dataclass
class _Plan:
    """Exactly what destroying one item removes; its counts are what the queue shows."""

    kind: RecordKind
    child_id: int | None
    concerns: list[int] = field(default_factory=list)
    whole_decisions: list[int] = field(default_factory=list)
    linked_decisions: list[int] = field(default_factory=list)
    transfers: int = 0
    professionals: int = 0
    visits: int = 0
    general: bool = False  # the general record goes (or what was added to it since)
    emergency_contacts: int = 0
    consents: int = 0
    scanned_forms: int = 0
    carers_gone: list[int] = field(default_factory=list)
    subject_access: int = 0
    parent_contacts: list[int] = field(default_factory=list)
    child_row: str = "keep"  # "keep", "blank" or "delete"

    def counts(self) -> dict[str, int]:
        found = {
            "concerns": len(self.concerns),
            "decisions": len(self.whole_decisions),
            "decision_links": len(self.linked_decisions),
            "transfers": self.transfers,
            "professionals": self.professionals,
            "visits": self.visits,
            "child_details": 1 if self.kind is RecordKind.CHILD_RECORD else 0,
            "emergency_contacts": self.emergency_contacts,
            "consents": self.consents,
            "scanned_forms": self.scanned_forms,
            "carers": len(self.carers_gone),
            "subject_access": self.subject_access,
            "contacts": len(self.parent_contacts),
        }
        return {k: v for k, v in found.items() if v}

    @property
    def records(self) -> int:
        return sum(self.counts().values())

    @property
    def has_safeguarding(self) -> bool:
        return bool(
            self.concerns
            or self.whole_decisions
            or self.linked_decisions
            or self.transfers
            or self.professionals
            or self.visits
        )


def _safeguarding_left(db: Database, child_id: int) -> bool:
    return bool(
        db.scalar(
            "SELECT EXISTS (SELECT 1 FROM concern WHERE child_id = :c) "
            "OR EXISTS (SELECT 1 FROM share_child WHERE child_id = :c) "
            "OR EXISTS (SELECT 1 FROM child_transfer WHERE child_id = :c) "
            "OR EXISTS (SELECT 1 FROM professional WHERE child_id = :c) "
            "OR EXISTS (SELECT 1 FROM agency_visit WHERE child_id = :c)",
            {"c": child_id},
        )
    )


def _fill_safeguarding(db: Database, plan: _Plan, child_id: int) -> None:
    plan.concerns = _ids(db, "SELECT id FROM concern WHERE child_id = ? ORDER BY id", (child_id,))
    for r in db.query(
        "SELECT s.request_id, (SELECT count(*) FROM share_child o WHERE o.request_id = s.request_id "
        "AND o.child_id <> s.child_id) AS others FROM share_child s WHERE s.child_id = ? "
        "ORDER BY s.request_id",
        (child_id,),
    ):
        (plan.linked_decisions if int(r["others"]) else plan.whole_decisions).append(int(r["request_id"]))
    plan.transfers = _count(db, "SELECT count(*) FROM child_transfer WHERE child_id = ?", (child_id,))
    plan.professionals = _count(db, "SELECT count(*) FROM professional WHERE child_id = ?", (child_id,))
    plan.visits = _count(db, "SELECT count(*) FROM agency_visit WHERE child_id = ?", (child_id,))


def _fill_general(db: Database, plan: _Plan, child_id: int) -> None:
    plan.general = True
    plan.emergency_contacts = _count(
        db, "SELECT count(*) FROM emergency_contact WHERE child_id = ?", (child_id,)
    )
    plan.consents = _count(db, "SELECT count(*) FROM consent WHERE child_id = ?", (child_id,))
    plan.scanned_forms = _count(
        db,
        "SELECT count(*) FROM consent_form WHERE consent_id IN (SELECT id FROM consent WHERE child_id = ?)",
        (child_id,),
    )
    plan.carers_gone = _ids(
        db,
        "SELECT carer_id FROM child_carer l WHERE child_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM child_carer o WHERE o.carer_id = l.carer_id AND o.child_id <> l.child_id) "
        # nor one who asked to see another child's records: that request keeps naming them
        "AND NOT EXISTS (SELECT 1 FROM sar_request r WHERE r.carer_id = l.carer_id "
        "AND r.child_id <> l.child_id) "
        "ORDER BY carer_id",
        (child_id,),
    )
    plan.subject_access = _count(db, "SELECT count(*) FROM sar_request WHERE child_id = ?", (child_id,))


def _plan(
    db: Database,
    kind: RecordKind,
    child: _Child | None,
    due_contacts: Sequence[int] = (),
) -> _Plan:
    """What destroying (kind, child) would remove, read from ``db`` as it is now."""
    plan = _Plan(kind, None if child is None else child.id)
    if child is None:
        plan.parent_contacts = list(due_contacts)
        return plan
    contacts_left = _count(db, "SELECT count(*) FROM parent_contact WHERE child_id = ?", (child.id,))
    if kind is RecordKind.SAFEGUARDING:
        _fill_safeguarding(db, plan, child.id)
        if child.general_destroyed and not contacts_left:
            plan.child_row = "delete"
            _fill_general(db, plan, child.id)  # anything added to the record since
    elif kind is RecordKind.CHILD_RECORD:
        _fill_general(db, plan, child.id)
        plan.child_row = "blank" if contacts_left or _safeguarding_left(db, child.id) else "delete"
    elif kind is RecordKind.PARENT_CONTACT:
        plan.parent_contacts = list(due_contacts)
        remaining = contacts_left - len(plan.parent_contacts)
        if child.general_destroyed and not remaining and not _safeguarding_left(db, child.id):
            plan.child_row = "delete"
            _fill_general(db, plan, child.id)
    return plan


@dataclass(frozen=True)
class _Standing:
    """The legal holds in force and the latest decision to keep each item."""

    setting_holds: tuple[str, ...]
    child_holds: Mapping[int, tuple[str, ...]]
    keeps: Mapping[tuple[str, int | None], tuple[str, date]]

    def holds_for(self, child_id: int | None) -> tuple[str, ...]:
        own = self.child_holds.get(child_id, ()) if child_id is not None else ()
        return (*own, *self.setting_holds)


def _standing(db: Database) -> _Standing:
    setting: list[str] = []
    per_child: dict[int, list[str]] = {}
    for r in db.query("SELECT child_id, reason FROM legal_hold WHERE lifted_at IS NULL ORDER BY id"):
        if r["child_id"] is None:
            setting.append(str(r["reason"]))
        else:
            per_child.setdefault(int(r["child_id"]), []).append(str(r["reason"]))
    keeps: dict[tuple[str, int | None], tuple[str, date]] = {}
    for r in db.query("SELECT kind, child_id, reason, review_on FROM retention_keep ORDER BY id"):
        child = None if r["child_id"] is None else int(r["child_id"])
        keeps[(str(r["kind"]), child)] = (str(r["reason"]), date.fromisoformat(r["review_on"]))
    return _Standing(tuple(setting), {k: tuple(v) for k, v in per_child.items()}, keeps)


def _item(
    kind: RecordKind, child: _Child | None, due: date, plan: _Plan, standing: _Standing, today: date
) -> RetentionItem:
    child_id = None if child is None else child.id
    holds = standing.holds_for(child_id)
    kept = standing.keeps.get((kind.value, child_id))
    in_force = kept is not None and kept[1] > today
    if holds:
        state = ItemState.HELD
    elif in_force:
        state = ItemState.KEPT
    else:
        state = ItemState.DUE
    return RetentionItem(
        kind=kind,
        child_id=child_id,
        child_name="" if child is None else child.name,
        born=None if child is None else child.born,
        left=None if child is None else child.left,
        due_on=due,
        records=plan.records,
        counts=plan.counts(),
        state=state,
        kept_reason=kept[0] if kept is not None and in_force else "",
        kept_until=kept[1] if kept is not None and in_force else None,
        hold_reason="; ".join(holds),
    )


def _candidates(
    db: Database, rules: Sequence[RetentionRule], today: date
) -> Iterable[tuple[RecordKind, _Child | None, date, _Plan]]:
    """Every item past its period with the plan that would destroy it."""
    by_kind = {rule.kind: rule for rule in rules}
    kids = _children(db)
    rule = by_kind.get(RecordKind.SAFEGUARDING)
    if rule is not None:
        for child in kids.values():
            due = due_on(rule, born=child.born, left=child.left, recorded=None)
            if due is not None and due <= today:
                plan = _plan(db, RecordKind.SAFEGUARDING, child)
                if plan.has_safeguarding:
                    yield RecordKind.SAFEGUARDING, child, due, plan
    rule = by_kind.get(RecordKind.CHILD_RECORD)
    if rule is not None:
        for child in kids.values():
            if child.left is None or child.general_destroyed:
                continue
            due = due_on(rule, born=child.born, left=child.left, recorded=None)
            if due is not None and due <= today:
                yield RecordKind.CHILD_RECORD, child, due, _plan(db, RecordKind.CHILD_RECORD, child)
    rule = by_kind.get(RecordKind.PARENT_CONTACT)
    if rule is not None:
        for child_id, notes in _due_contacts(db, rule, today).items():
            owner = None if child_id is None else kids.get(child_id)
            if child_id is not None and owner is None:
                continue  # cannot happen: the foreign key keeps the child
            plan = _plan(db, RecordKind.PARENT_CONTACT, owner, [n for n, _due in notes])
            yield RecordKind.PARENT_CONTACT, owner, min(d for _n, d in notes), plan
    # RecordKind.ACCIDENT: Sharewise holds no accident, incident or medication records.


def review_items(db: Database, rules: Sequence[RetentionRule], today: date) -> list[RetentionItem]:
    """Every item past its period, due ones first (then kept, then held), earliest first.
    No permission check and no audit: for the annual review pack, which prints no names."""
    standing = _standing(db)
    items = [
        _item(kind, child, due, plan, standing, today)
        for kind, child, due, plan in _candidates(db, rules, today)
    ]
    items.sort(key=lambda i: (_STATE_ORDER[i.state], i.due_on, i.child_name, i.kind.value))
    return items


def _find(
    db: Database, rules: Sequence[RetentionRule], today: date, kind: RecordKind, child_id: int | None
) -> tuple[RetentionItem, _Plan] | None:
    standing = _standing(db)
    for found_kind, child, due, plan in _candidates(db, rules, today):
        if found_kind is kind and (None if child is None else child.id) == child_id:
            return _item(kind, child, due, plan, standing, today), plan
    return None


def _entry(row: Any) -> DestructionEntry:
    try:
        counts = {str(k): int(v) for k, v in json.loads(str(row["detail"])).items()}
    except (ValueError, TypeError, AttributeError):
        counts = {}
    return DestructionEntry(
        id=int(row["id"]),
        kind=RecordKind(row["kind"]),
        records=int(row["records"]),
        counts=counts,
        rule=str(row["rule"]),
        destroyed_by=str(row["destroyed_by_name"] or ""),
        destroyed_at=str(row["destroyed_at"]),
    )


_DESTRUCTION_SQL = (
    "SELECT d.*, s.full_name AS destroyed_by_name FROM destruction d "
    "LEFT JOIN staff s ON s.id = d.destroyed_by"
)
_HOLD_SQL = (
    "SELECT h.*, c.legal_name, c.known_as, p.full_name AS placed_name, l.full_name AS lifted_name "
    "FROM legal_hold h LEFT JOIN child c ON c.id = h.child_id JOIN staff p ON p.id = h.placed_by "
    "LEFT JOIN staff l ON l.id = h.lifted_by"
)
_ACTIVE_FIRST = " ORDER BY h.lifted_at IS NOT NULL, h.id DESC"


def destructions(db: Database, start: date | None = None, end: date | None = None) -> list[DestructionEntry]:
    """The destruction log, newest first; ``start`` and ``end`` are inclusive days on this PC's
    calendar. No permission check and no audit (it holds no personal data)."""
    found = []
    for row in db.query(f"{_DESTRUCTION_SQL} ORDER BY d.destroyed_at DESC, d.id DESC"):
        day = from_text(str(row["destroyed_at"])).astimezone().date()
        if (start is None or day >= start) and (end is None or day <= end):
            found.append(_entry(row))
    return found


# --- destroying ---------------------------------------------------------------------------------


def _marks(ids: Sequence[int]) -> str:
    return ", ".join("?" for _ in ids)


def _delete_decisions(tx: Database, ids: Sequence[int]) -> None:
    for request_id in ids:
        for table in (
            "share_child",
            "share_carer",
            "share_concern",
            "share_professional",
            "share_advice",
            "share_item",
            "share_amendment",
            "share_followup",
        ):
            tx.execute(f"DELETE FROM {table} WHERE request_id = ?", (request_id,))  # noqa: S608 - fixed names
        tx.execute("DELETE FROM share_search WHERE rowid = ?", (request_id,))
        tx.execute("DELETE FROM share_request WHERE id = ?", (request_id,))


def _delete_safeguarding(tx: Database, plan: _Plan, child_id: int) -> None:
    _delete_decisions(tx, plan.whole_decisions)
    for request_id in plan.linked_decisions:
        tx.execute("DELETE FROM share_child WHERE request_id = ? AND child_id = ?", (request_id, child_id))
        sharing.reindex(tx, request_id)  # the sibling's decision no longer finds this child's name
    if plan.concerns:
        marks = _marks(plan.concerns)
        for table in ("concern_amendment", "concern_review", "concern_action", "share_concern"):
            tx.execute(f"DELETE FROM {table} WHERE concern_id IN ({marks})", plan.concerns)  # noqa: S608
        tx.execute(f"DELETE FROM concern_search WHERE rowid IN ({marks})", plan.concerns)  # noqa: S608
        tx.execute(f"DELETE FROM concern WHERE id IN ({marks})", plan.concerns)  # noqa: S608
    for table in ("child_transfer", "professional", "agency_visit"):
        tx.execute(f"DELETE FROM {table} WHERE child_id = ?", (child_id,))  # noqa: S608


def _delete_general(tx: Database, plan: _Plan, child_id: int) -> None:
    tx.execute(
        "DELETE FROM sar_item WHERE request_id IN (SELECT id FROM sar_request WHERE child_id = ?)",
        (child_id,),
    )
    tx.execute("DELETE FROM sar_request WHERE child_id = ?", (child_id,))
    consents = "SELECT id FROM consent WHERE child_id = ?"
    tx.execute(f"DELETE FROM consent_form WHERE consent_id IN ({consents})", (child_id,))  # noqa: S608
    tx.execute(f"DELETE FROM consent_event WHERE consent_id IN ({consents})", (child_id,))  # noqa: S608
    tx.execute("DELETE FROM consent WHERE child_id = ?", (child_id,))
    tx.execute("DELETE FROM emergency_contact WHERE child_id = ?", (child_id,))
    tx.execute("DELETE FROM child_carer WHERE child_id = ?", (child_id,))
    if plan.carers_gone:
        marks = _marks(plan.carers_gone)
        tx.execute(
            f"DELETE FROM carer_withheld WHERE carer_id IN ({marks}) OR from_carer_id IN ({marks})",  # noqa: S608
            [*plan.carers_gone, *plan.carers_gone],
        )
        tx.execute(f"DELETE FROM carer WHERE id IN ({marks})", plan.carers_gone)  # noqa: S608


def _blank_child(tx: Database, child_id: int, now: str, actor_id: int) -> None:
    tx.execute(
        "UPDATE child SET sex_gender = '', address = '', phone = '', destination = '', room = '', "
        "key_worker_id = NULL, additional_needs = '', medical_notes = '', family_circumstances = '', "
        "sessions_per_week = 0, attendance_pattern = '', general_destroyed_at = ?, updated_at = ?, "
        "updated_by = ? WHERE id = ?",
        (now, now, actor_id, child_id),
    )
    children.reindex(tx, child_id)  # the carers' names leave the search row


def _delete_child(tx: Database, child_id: int) -> None:
    tx.execute("DELETE FROM retention_keep WHERE child_id = ?", (child_id,))
    tx.execute("DELETE FROM legal_hold WHERE child_id = ? AND lifted_at IS NOT NULL", (child_id,))
    tx.execute("DELETE FROM child_search WHERE rowid = ?", (child_id,))
    tx.execute("DELETE FROM child WHERE id = ?", (child_id,))


def _run_plan(tx: Database, plan: _Plan, *, now: str, actor_id: int, step: Callable[[], None]) -> None:
    """Delete what the plan names, children before parents, reporting each step."""
    child_id = plan.child_id
    if child_id is not None and plan.kind is RecordKind.SAFEGUARDING:
        _delete_safeguarding(tx, plan, child_id)
    step()
    if plan.parent_contacts:
        tx.execute(
            f"DELETE FROM parent_contact WHERE id IN ({_marks(plan.parent_contacts)})",  # noqa: S608
            plan.parent_contacts,
        )
    step()
    if child_id is not None and plan.general:
        _delete_general(tx, plan, child_id)
    step()
    if child_id is None:
        tx.execute("DELETE FROM retention_keep WHERE kind = ? AND child_id IS NULL", (plan.kind.value,))
    elif plan.child_row == "delete":
        _delete_child(tx, child_id)
    else:
        if plan.child_row == "blank":
            _blank_child(tx, child_id, now, actor_id)
        tx.execute("DELETE FROM retention_keep WHERE kind = ? AND child_id = ?", (plan.kind.value, child_id))
    step()


# --- the service ----------------------------------------------------------------------------------


def _kind(kind: object) -> RecordKind:
    try:
        return RecordKind(str(kind))  # a combo box hands back the plain string
    except ValueError:
        raise ValidationError("kind", "Choose which kind of record this is about.") from None


def _reason(value: object, label: str = "Reason") -> str:
    return validation.text(value, field="reason", label=label, limit=REASON_LIMIT, multiline=True)


class RetentionService:
    """``session.retention``: every method is the manager's (``RETENTION_MANAGE``)."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def _today(self) -> date:
        return local_today(self._ctx.clock)

    def _rules(self) -> tuple[RetentionRule, ...]:
        return SettingsService(self._ctx).retention_rules()

    # --- the queue ------------------------------------------------------------------------------

    def queue(self) -> list[RetentionItem]:
        """Items past their period, due first; listing them (children's names) is audited."""
        self._ctx.require(Action.RETENTION_MANAGE)
        items = review_items(self._ctx.database, self._rules(), self._today())
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, AuditAction.RETENTION_QUEUE_VIEWED, None, None, {"items": len(items)})
        return items

    def due_count(self) -> int:
        """How many items are due (not kept, not held): a number for the Home reminder."""
        self._ctx.require(Action.RETENTION_MANAGE)
        items = review_items(self._ctx.database, self._rules(), self._today())
        return sum(1 for item in items if item.state is ItemState.DUE)

    def reminders(self) -> list[Reminder]:
        """The Home page's line about records waiting for a decision (a number, no names)."""
        due = self.due_count()
        if not due:
            return []
        sets = "set of records is" if due == 1 else "sets of records are"
        return [
            Reminder(
                f"Retention: {due} {sets} past the period they are kept for. Destroy or keep them "
                "in the Retention area.",
                None,
                True,
            )
        ]

    def keep(self, kind: RecordKind, child_id: int | None, *, reason: str, review_on: date) -> None:
        """Keep an item past its period, with why and when to look again."""
        self._ctx.require(Action.RETENTION_MANAGE)
        chosen = _kind(kind)
        why = _reason(reason)
        today = self._today()
        again = validation.required_day(review_on, field="review_on", label="Review date")
        if again <= today:
            raise ValidationError("review_on", "The review date must be after today.")
        if again > add_months(today, LONGEST_KEEP_MONTHS):
            raise ValidationError(
                "review_on",
                "The review date is more than 10 years away. Choose a nearer date: a decision to keep "
                "records is looked at again at least every 10 years.",
            )
        with self._ctx.transaction() as tx:
            if _find(tx, self._rules(), today, chosen, child_id) is None:
                if child_id is not None and not children.child_exists(tx, child_id):
                    raise NotFound(children.GONE)
                raise ValidationError("kind", NOT_PAST)
            tx.execute(
                "INSERT INTO retention_keep (kind, child_id, reason, review_on, decided_by, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (chosen.value, child_id, why, again.isoformat(), self._ctx.actor.id, self._now()),
            )
            self._ctx.audit(
                tx,
                AuditAction.RETENTION_KEPT,
                None if child_id is None else "child",
                child_id,
                {"kind": chosen.value, "review_on": again.isoformat()},
            )

    def _now(self) -> str:
        return to_text(self._ctx.clock.now())

    # --- legal holds ----------------------------------------------------------------------------

    def holds(self, *, include_lifted: bool = False) -> list[LegalHold]:
        """Legal holds, newest first; listing them (children's names) is audited."""
        self._ctx.require(Action.RETENTION_MANAGE)
        if include_lifted:
            rows = self._ctx.database.query(_HOLD_SQL + _ACTIVE_FIRST)
        else:
            rows = self._ctx.database.query(_HOLD_SQL + " WHERE h.lifted_at IS NULL" + _ACTIVE_FIRST)
        found = [self._hold(r) for r in rows]
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, AuditAction.RETENTION_QUEUE_VIEWED, None, None, {"holds": len(found)})
        return found

    @staticmethod
    def _hold(row: Any) -> LegalHold:
        return LegalHold(
            id=int(row["id"]),
            child_id=None if row["child_id"] is None else int(row["child_id"]),
            child_name=""
            if row["legal_name"] is None
            else _name(str(row["legal_name"]), str(row["known_as"])),
            reason=str(row["reason"]),
            placed_by=str(row["placed_name"]),
            placed_at=str(row["placed_at"]),
            lifted_by=None if row["lifted_name"] is None else str(row["lifted_name"]),
            lifted_at=None if row["lifted_at"] is None else str(row["lifted_at"]),
            lift_reason=str(row["lift_reason"]),
        )

    def place_hold(self, child_id: int | None, *, reason: str) -> LegalHold:
        """Stop destruction of one child's records (or, with None, of every record) until lifted."""
        self._ctx.require(Action.RETENTION_MANAGE)
        why = _reason(reason)
        with self._ctx.transaction() as tx:
            if child_id is not None and not children.child_exists(tx, child_id):
                raise NotFound(children.GONE)
            hold_id = tx.execute(
                "INSERT INTO legal_hold (child_id, reason, placed_by, placed_at) VALUES (?, ?, ?, ?)",
                (child_id, why, self._ctx.actor.id, self._now()),
            )
            self._ctx.audit(
                tx,
                AuditAction.LEGAL_HOLD_PLACED,
                None if child_id is None else "child",
                child_id,
                {"hold": hold_id},
            )
        return self._one_hold(hold_id)

    def _one_hold(self, hold_id: int) -> LegalHold:
        row = self._ctx.database.one(_HOLD_SQL + " WHERE h.id = ?", (hold_id,))
        if row is None:
            raise NotFound(HOLD_GONE)
        return self._hold(row)

    def lift_hold(self, hold_id: int, *, reason: str) -> None:
        """The inquiry is over: the records it covered may be destroyed again."""
        self._ctx.require(Action.RETENTION_MANAGE)
        why = _reason(reason, "Why the hold is lifted")
        with self._ctx.transaction() as tx:
            row = tx.one("SELECT child_id, lifted_at FROM legal_hold WHERE id = ?", (hold_id,))
            if row is None:
                raise NotFound(HOLD_GONE)
            if row["lifted_at"] is not None:
                raise ValidationError("hold", "That legal hold has already been lifted.")
            tx.execute(
                "UPDATE legal_hold SET lifted_by = ?, lifted_at = ?, lift_reason = ? WHERE id = ?",
                (self._ctx.actor.id, self._now(), why, hold_id),
            )
            child_id = None if row["child_id"] is None else int(row["child_id"])
            self._ctx.audit(
                tx,
                AuditAction.LEGAL_HOLD_LIFTED,
                None if child_id is None else "child",
                child_id,
                {"hold": hold_id},
            )

    # --- destruction ----------------------------------------------------------------------------

    def destroy(
        self,
        kind: RecordKind,
        child_id: int | None,
        progress: Callable[[int, int], None] | None = None,
    ) -> DestructionResult:
        """Destroy one item for good, record that it was done (no personal data), then vacuum."""
        self._ctx.require(Action.RETENTION_MANAGE)
        chosen = _kind(kind)
        report = progress or (lambda _done, _total: None)
        total = 7
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            report(done, total)

        report(0, total)
        rules = {rule.kind: rule for rule in self._rules()}
        today = self._today()
        with self._ctx.transaction() as tx:
            found = _find(tx, tuple(rules.values()), today, chosen, child_id)
            if found is None:
                if child_id is not None and not children.child_exists(tx, child_id):
                    raise NotFound(children.GONE)
                raise ValidationError("kind", NOT_DUE)
            item, plan = found
            if item.state is ItemState.HELD:
                raise ValidationError("hold", HOLD_REFUSAL.format(reason=item.hold_reason))
            now = self._now()
            tx.execute("INSERT INTO destruction_pass (id) VALUES (1)")
            _run_plan(tx, plan, now=now, actor_id=self._ctx.actor.id, step=step)
            tx.execute("DELETE FROM destruction_pass")
            tx.vacuum_pending()
            for table in FTS_TABLES:
                tx.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")  # noqa: S608 - fixed names
            step()
            counts = plan.counts()
            entry_id = tx.execute(
                "INSERT INTO destruction (kind, records, detail, rule, destroyed_by, destroyed_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    chosen.value,
                    plan.records,
                    json.dumps(counts, sort_keys=True),
                    rule_for_staff(rules[chosen]),
                    self._ctx.actor.id,
                    now,
                ),
            )
            self._ctx.audit(
                tx,
                AuditAction.RECORDS_DESTROYED,
                "destruction",
                entry_id,
                {"kind": chosen.value, "records": plan.records},
            )
        step()
        self._ctx.database.finish_vacuum()  # no page of the file or its WAL keeps what was deleted
        report(total, total)
        row = self._ctx.database.one(f"{_DESTRUCTION_SQL} WHERE d.id = ?", (entry_id,))
        return DestructionResult(_entry(row), self._backups_note())

    def destructions(self, year: int | None = None) -> list[DestructionEntry]:
        """The destruction log (all of it, or one calendar year), newest first."""
        self._ctx.require(Action.RETENTION_MANAGE)
        if year is None:
            return destructions(self._ctx.database)
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
            raise ValidationError("year", "Choose a year.")
        return destructions(self._ctx.database, date(year, 1, 1), date(year, 12, 31))

    def backups_note(self) -> str:
        """What the window says about backups whenever records are destroyed."""
        self._ctx.require(Action.RETENTION_MANAGE)
        return self._backups_note()

    def _backups_note(self) -> str:
        gone_by = add_months(self._today(), BACKUP_ROTATION_MONTHS)
        months = f"{BACKUP_ROTATION_MONTHS} month{'s' if BACKUP_ROTATION_MONTHS != 1 else ''}"
        # Sharewise makes no backups of its own yet (issue 8 adds them, rotating over 12 months):
        # the sentence is about the copies that exist today, and what a rotation would mean.
        return (
            "Backups made before today still hold these records. A backup that is replaced in "
            f"rotation is gone within {months} (by {long_date(gone_by)}); any other copy of the "
            "Sharewise data folder, on a USB stick for example, keeps them until you delete it."
        )
