"""The concern log: what a key worker saw or heard, reviewed by the DSL, closed only with an outcome.

A concern keeps facts, the child's own words and the practitioner's opinion in separate fields
(policy 004). Once recorded it is final: a correction is an amendment that keeps the original,
the new text, the reason, who and when, and a trigger in the schema refuses any rewrite.

Key workers may log a concern about any child but read only the concerns they wrote; the DSL and
manager read and review all of them. Every view of a concern, or of a list of them, is audited.
Information given by another agency is flagged with its source and is not shareable until that
agency's consent is recorded (``Concern.shareable``, used by the sharing decisions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NewType

from app import children, names, validation
from app.audit import AuditAction
from app.children import ChildId
from app.clock import from_text, local_today, to_text
from app.errors import NotFound, ValidationError
from app.policy.permissions import Action, Role, Scope
from app.session_context import SessionContext
from app.staff import StaffId
from app.vault.database import Database

ConcernId = NewType("ConcernId", int)
ActionId = NewType("ActionId", int)
CategoryId = NewType("CategoryId", int)

NOTE_LIMIT = validation.LONG_TEXT_LIMIT
FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks on two PCs disagree a little
SEARCH_LIMIT = 200  # matches a search returns; the window asks for more words beyond that
# Concerns a list returns with nothing typed, in its order: far more than a setting works through
# at once, and a bound on ten years of them (28,000 open concerns took 0.5-1.2 s to list, enough
# Python work to stall the window beside it). Beyond it, the window says to search.
LIST_LIMIT = 500
# From this many matches a search walks the list's order instead of sorting every match (below).
WALK_FROM = 1000
# The DSL's queue: new and urgent first, then open ones, oldest review date first. The index
# concern_queue_order (migration 0007) holds exactly these expressions, so a search walks it.
QUEUE_ORDER = (
    "c.status = 'closed', c.status <> 'new', c.urgent DESC, "
    "coalesce(c.review_date, '9999'), c.seen_at DESC, c.id DESC"
)

# The parts of a concern a correction may change, with the words the form uses for them.
AMENDABLE: Mapping[str, str] = {
    "facts": "What was seen or heard",
    "child_words": "The child's own words",
    "opinion": "Opinion",
    "action_taken": "Action taken",
}


class ConcernStatus(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"new": "New", "reviewed": "Reviewed, open", "closed": "Closed"}[self.value]


@dataclass(frozen=True)
class Category:
    id: CategoryId
    name: str
    guidance: str
    active: bool


@dataclass(frozen=True)
class NewConcern:
    child_id: int
    seen_at: datetime
    category_id: int | None
    facts: str
    child_words: str = ""
    opinion: str = ""
    action_taken: str = ""
    dsl_told_at: datetime | None = None
    urgent: bool = False
    third_party_source: str = ""


@dataclass(frozen=True)
class ConcernSummary:
    id: ConcernId
    child_id: ChildId
    child_name: str
    category: str
    urgent: bool
    status: ConcernStatus
    seen_at: datetime
    author_id: StaffId
    author_name: str
    review_date: date | None
    open_actions: int
    overdue_actions: int
    third_party: bool

    def overdue(self, today: date) -> bool:
        """Open and past its review date, or with an action past its due date."""
        if self.status is ConcernStatus.CLOSED:
            return False
        return (self.review_date is not None and self.review_date < today) or self.overdue_actions > 0


@dataclass(frozen=True)
class Amendment:
    field: str
    original: str
    new_text: str
    reason: str
    amended_by: str
    amended_at: datetime

    @property
    def field_label(self) -> str:
        return AMENDABLE.get(self.field, self.field)


@dataclass(frozen=True)
class Review:
    note: str
    review_date: date | None
    reviewed_by: str
    reviewed_at: datetime


@dataclass(frozen=True)
class ConcernAction:
    id: ActionId
    description: str
    assigned_to: StaffId
    assigned_name: str
    due_date: date
    created_by: str
    created_at: datetime
    done_at: datetime | None
    done_by: str
    done_note: str

    def overdue(self, today: date) -> bool:
        return self.done_at is None and self.due_date < today


@dataclass(frozen=True)
class Concern:
    """A concern as recorded, with everything added since. ``facts`` etc. are the original
    words; ``current(field)`` is the text after amendments."""

    id: ConcernId
    child_id: ChildId
    child_name: str
    category: str
    category_guidance: str
    urgent: bool
    status: ConcernStatus
    seen_at: datetime
    recorded_at: datetime
    author_id: StaffId
    author_name: str
    facts: str
    child_words: str
    opinion: str
    action_taken: str
    dsl_told_at: datetime | None
    third_party_source: str
    third_party_consent_at: datetime | None
    review_date: date | None
    outcome: str
    closed_at: datetime | None
    closed_by: str
    amendments: tuple[Amendment, ...]
    reviews: tuple[Review, ...]
    actions: tuple[ConcernAction, ...]
    may_review: bool

    def current(self, field: str) -> str:
        text = {
            "facts": self.facts,
            "child_words": self.child_words,
            "opinion": self.opinion,
            "action_taken": self.action_taken,
        }[field]
        for amendment in self.amendments:
            if amendment.field == field:
                text = amendment.new_text
        return text

    @property
    def third_party(self) -> bool:
        return bool(self.third_party_source)

    @property
    def shareable(self) -> bool:
        """False for another agency's information until that agency agrees it may be shared."""
        return not self.third_party or self.third_party_consent_at is not None

    @property
    def open_actions(self) -> tuple[ConcernAction, ...]:
        return tuple(a for a in self.actions if a.done_at is None)


@dataclass(frozen=True)
class QueueCounts:
    new: int
    urgent: int
    overdue: int


def _moment(text: Any) -> datetime | None:
    return None if text is None else from_text(str(text))


def _day(text: Any) -> date | None:
    return None if text is None else date.fromisoformat(str(text))


def _note(value: object, field: str, label: str, *, required: bool = False) -> str:
    return validation.text(
        value, field=field, label=label, required=required, limit=NOTE_LIMIT, multiline=True
    )


_SUMMARY_SQL = """
SELECT c.id, c.child_id, ch.known_as, ch.legal_name, cat.name AS category, c.urgent, c.status,
       c.seen_at, c.author_id, s.full_name AS author_name, c.review_date, c.third_party_source,
       (SELECT count(*) FROM concern_action a
            WHERE a.concern_id = c.id AND +a.done_at IS NULL) AS open_actions,
       (SELECT count(*) FROM concern_action a WHERE a.concern_id = c.id AND +a.done_at IS NULL
            AND +a.due_date < :today) AS overdue_actions
FROM concern c
JOIN child ch ON ch.id = c.child_id
JOIN concern_category cat ON cat.id = c.category_id
JOIN staff s ON s.id = c.author_id
"""


def _summary(row: Any) -> ConcernSummary:
    return ConcernSummary(
        id=ConcernId(int(row["id"])),
        child_id=ChildId(int(row["child_id"])),
        child_name=str(row["known_as"] or row["legal_name"]),
        category=str(row["category"]),
        urgent=bool(row["urgent"]),
        status=ConcernStatus(row["status"]),
        seen_at=from_text(row["seen_at"]),
        author_id=StaffId(int(row["author_id"])),
        author_name=str(row["author_name"]),
        review_date=_day(row["review_date"]),
        open_actions=int(row["open_actions"]),
        overdue_actions=int(row["overdue_actions"]),
        third_party=bool(row["third_party_source"]),
    )


def reindex(tx: Database, concern_id: int) -> None:
    """The search row of one concern: its words as recorded and as amended."""
    row = tx.one("SELECT facts, child_words, opinion, action_taken FROM concern WHERE id = ?", (concern_id,))
    tx.execute("DELETE FROM concern_search WHERE rowid = ?", (concern_id,))
    if row is None:
        return
    amended = tx.query("SELECT new_text FROM concern_amendment WHERE concern_id = ?", (concern_id,))
    parts = [
        row["facts"],
        row["child_words"],
        row["opinion"],
        row["action_taken"],
        *(a["new_text"] for a in amended),
    ]
    text = names.fold("\n".join(parts))
    tx.execute("INSERT INTO concern_search (rowid, text) VALUES (?, ?)", (concern_id, text))


class ConcernService:
    """``session.concerns``."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def _now(self) -> datetime:
        return self._ctx.clock.now()

    def _today(self) -> date:
        return local_today(self._ctx.clock)

    # --- categories ---------------------------------------------------------------------------

    def categories(self, *, include_inactive: bool = False) -> list[Category]:
        self._ctx.require(Action.CONCERN_CREATE)
        where = "" if include_inactive else "WHERE active = 1"
        return [
            Category(CategoryId(int(r["id"])), str(r["name"]), str(r["guidance"]), bool(r["active"]))
            for r in self._ctx.database.query(f"SELECT * FROM concern_category {where} ORDER BY position, id")  # noqa: S608
        ]

    def _clean_category(self, name: str, guidance: str, except_id: int | None) -> tuple[str, str]:
        name = validation.text(name, field="name", label="Category name", limit=80)
        guidance = validation.text(guidance, field="guidance", label="Guidance", required=False, limit=400)
        if self._ctx.database.scalar(
            "SELECT 1 FROM concern_category WHERE name = ? COLLATE NOCASE AND id IS NOT ?", (name, except_id)
        ):
            raise ValidationError("name", "There is already a category with that name.")
        return name, guidance

    def add_category(self, name: str, guidance: str = "") -> Category:
        self._ctx.require(Action.SETTINGS_MANAGE)
        name, guidance = self._clean_category(name, guidance, None)
        with self._ctx.transaction() as tx:
            position = int(tx.scalar("SELECT coalesce(max(position), 0) + 1 FROM concern_category"))
            category_id = tx.execute(
                "INSERT INTO concern_category (name, guidance, position) VALUES (?, ?, ?)",
                (name, guidance, position),
            )
            self._ctx.audit(
                tx, AuditAction.CATEGORY_CHANGED, "concern_category", category_id, {"change": "added"}
            )
        return Category(CategoryId(category_id), name, guidance, True)

    def update_category(self, category_id: int, *, name: str, guidance: str, active: bool) -> Category:
        """Rename, reword or retire a category. Retired ones stay on the concerns that used them."""
        self._ctx.require(Action.SETTINGS_MANAGE)
        if not self._ctx.database.scalar("SELECT 1 FROM concern_category WHERE id = ?", (category_id,)):
            raise NotFound("That category is not there any more.")
        name, guidance = self._clean_category(name, guidance, category_id)
        active = validation.flag(active, field="active", label="In use")
        if not active and not self._ctx.database.scalar(
            "SELECT 1 FROM concern_category WHERE active = 1 AND id <> ?", (category_id,)
        ):
            raise ValidationError("active", "Keep at least one category in use.")
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE concern_category SET name = ?, guidance = ?, active = ? WHERE id = ?",
                (name, guidance, int(active), category_id),
            )
            self._ctx.audit(
                tx, AuditAction.CATEGORY_CHANGED, "concern_category", category_id, {"change": "changed"}
            )
        return Category(CategoryId(category_id), name, guidance, active)

    # --- logging ------------------------------------------------------------------------------

    def log(self, new: NewConcern) -> Concern:
        """Record a concern: committed with its audit entry, durable before this returns."""
        self._ctx.require(Action.CONCERN_CREATE)
        db = self._ctx.database
        _legal, _known, born = children.heading(db, new.child_id)
        now = self._now()
        seen = validation.moment(new.seen_at, field="seen_at", label="When it was seen or heard")
        if seen > now + FUTURE_TOLERANCE:
            raise ValidationError(
                "seen_at", "“When it was seen or heard” is in the future; please check the date and time."
            )
        if seen.date() < born:
            raise ValidationError(
                "seen_at", "“When it was seen or heard” is before the child was born; please check the year."
            )
        category = new.category_id
        if category is None or isinstance(category, bool) or not isinstance(category, int):
            raise ValidationError("category_id", "Choose the category that fits best.")
        if not db.scalar("SELECT 1 FROM concern_category WHERE id = ? AND active = 1", (category,)):
            raise ValidationError("category_id", "That category is no longer in use; choose another.")
        facts = _note(new.facts, "facts", "What was seen or heard", required=True)
        words = _note(new.child_words, "child_words", "The child's own words")
        opinion = _note(new.opinion, "opinion", "Opinion")
        action = _note(new.action_taken, "action_taken", "Action taken")
        told = None
        if new.dsl_told_at is not None:
            told = validation.moment(new.dsl_told_at, field="dsl_told_at", label="When the DSL was told")
            if told > now + FUTURE_TOLERANCE:
                raise ValidationError(
                    "dsl_told_at", "“When the DSL was told” is in the future; please check it."
                )
            if told < seen - timedelta(minutes=1):
                raise ValidationError(
                    "dsl_told_at", "The DSL was told before the concern was seen; please check both times."
                )
        urgent = validation.flag(new.urgent, field="urgent", label="Urgent")
        source = validation.text(
            new.third_party_source,
            field="third_party_source",
            label="Agency that gave the information",
            required=False,
        )
        with self._ctx.transaction() as tx:
            concern_id = tx.execute(
                "INSERT INTO concern (child_id, author_id, seen_at, recorded_at, category_id, urgent, facts, "
                "child_words, opinion, action_taken, dsl_told_at, third_party_source) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.child_id,
                    self._ctx.actor.id,
                    to_text(seen),
                    to_text(now),
                    category,
                    int(urgent),
                    facts,
                    words,
                    opinion,
                    action,
                    None if told is None else to_text(told),
                    source,
                ),
            )
            reindex(tx, concern_id)
            self._ctx.audit(
                tx,
                AuditAction.CONCERN_LOGGED,
                "concern",
                concern_id,
                {"child": new.child_id, "urgent": urgent},
            )
        return self._load(concern_id)

    # --- reading ------------------------------------------------------------------------------

    @staticmethod
    def _scope_filter(scope: Scope) -> str:
        return "" if scope is Scope.ALL else " AND c.author_id = :me"

    def _summaries(self, where: str, params: dict[str, Any], order: str) -> list[ConcernSummary]:
        params = {"today": self._today().isoformat(), "me": self._ctx.actor.id, **params}
        rows = self._ctx.database.query(f"{_SUMMARY_SQL} WHERE 1 = 1 {where} ORDER BY {order}", params)
        return [_summary(r) for r in rows]

    def get(self, concern_id: int) -> Concern:
        """One concern with its amendments, reviews and actions; the view is audit-logged."""
        scope = self._ctx.require(Action.CONCERN_READ)
        author = self._ctx.database.scalar("SELECT author_id FROM concern WHERE id = ?", (concern_id,))
        if author is None or (scope is Scope.OWN and author != self._ctx.actor.id):
            raise NotFound("That concern is not there, or it is not one you can read.")
        concern = self._load(concern_id)
        with self._ctx.transaction() as tx:
            self._ctx.audit(
                tx, AuditAction.CONCERN_VIEWED, "concern", concern_id, {"child": concern.child_id}
            )
        return concern

    def for_child(self, child_id: int) -> list[ConcernSummary]:
        """This child's concerns that the person may read, newest first; audit-logged."""
        scope = self._ctx.require(Action.CONCERN_READ)
        children.heading(self._ctx.database, child_id)
        own = self._scope_filter(scope)
        found = self._summaries(
            f"AND c.child_id = :child {own}", {"child": child_id}, "c.seen_at DESC, c.id DESC"
        )
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, AuditAction.CONCERNS_LISTED, "child", child_id, {"count": len(found)})
        return found

    def mine(self, *, search: str = "", include_closed: bool = True) -> list[ConcernSummary]:
        """The concerns this person wrote, newest first (limited as ``queue``)."""
        self._ctx.require(Action.CONCERN_CREATE)
        return self._listed(
            "AND c.author_id = :me", search, include_closed, "c.seen_at DESC, c.id DESC", "mine"
        )

    def queue(self, *, search: str = "", include_closed: bool = False) -> list[ConcernSummary]:
        """The DSL's queue: new and urgent first, then open ones, oldest review date first.

        At most ``LIST_LIMIT`` concerns with nothing typed, ``SEARCH_LIMIT`` matches of a search.
        """
        self._ctx.require(Action.CONCERN_REVIEW)
        return self._listed("", search, include_closed, QUEUE_ORDER, "queue")

    def _listed(
        self, where: str, search: str, include_closed: bool, order: str, which: str
    ) -> list[ConcernSummary]:
        params: dict[str, Any] = {}
        if not include_closed:
            where += " AND c.status <> 'closed'"
        if search.strip():
            query = children.fts_query(search)
            if query is None:
                return []
            # A few typed letters can match thousands of concerns over the years: pick the first
            # SEARCH_LIMIT in the list's order cheaply, then build summaries for those alone. A
            # name matches a few hundred: look each up by id and sort them. A common word or a
            # short prefix matches thousands: the unary + keeps SQLite from sorting them all; it
            # walks an index already in the list's order (concern_queue_order for the queue,
            # concern_author for "mine"), keeps what the FTS match holds, and stops at the limit.
            # SQLite cannot tell which case it is in, so count first (up to WALK_FROM: cheap).
            params["q"] = query
            many = self._ctx.database.scalar(
                "SELECT count(*) FROM (SELECT rowid FROM concern_search WHERE concern_search MATCH :q "
                "LIMIT :walk)",
                {"q": query, "walk": WALK_FROM},
            )
            matching = "c.id IN (SELECT rowid FROM concern_search WHERE concern_search MATCH :q)"
            where += f" AND +{matching}" if int(many) >= WALK_FROM else f" AND {matching}"
            limit = SEARCH_LIMIT
        else:
            limit = LIST_LIMIT  # walked along the same indexes, in the list's order
        first = self._ctx.database.query(
            f"SELECT c.id FROM concern c WHERE 1 = 1 {where} ORDER BY {order} LIMIT {limit}",  # noqa: S608
            {"me": self._ctx.actor.id, **params},
        )
        where = f" AND c.id IN ({','.join(str(int(r['id'])) for r in first) or 'NULL'})"
        found = self._summaries(where, {}, order)
        with self._ctx.transaction() as tx:
            self._ctx.audit(
                tx,
                AuditAction.CONCERNS_LISTED,
                "concern",
                None,
                {"list": which, "count": len(found), "searched": bool(search.strip())},
            )
        return found

    def counts(self) -> QueueCounts:
        """For the badge on the navigation: numbers only, so not audit-logged."""
        self._ctx.require(Action.CONCERN_REVIEW)
        today = self._today().isoformat()
        # Each part from an index (migration 0008): overdue is an open concern past its review
        # date, or one that is not (no date, or a later one) with an open action past its due.
        row = self._ctx.database.one(
            "SELECT (SELECT count(*) FROM concern WHERE status = 'new') AS new, "
            "(SELECT count(*) FROM concern WHERE status = 'new' AND urgent = 1) AS urgent, "
            "(SELECT count(*) FROM concern WHERE status <> 'closed' AND review_date < :today) "
            "+ (SELECT count(DISTINCT a.concern_id) FROM concern_action a "
            "JOIN concern c ON c.id = a.concern_id WHERE a.done_at IS NULL AND a.due_date < :today "
            "AND c.status <> 'closed' AND NOT coalesce(c.review_date < :today, 0)) AS overdue",
            {"today": today},
        )
        if row is None:  # a SELECT of subqueries always returns one row
            return QueueCounts(0, 0, 0)
        return QueueCounts(int(row["new"]), int(row["urgent"]), int(row["overdue"]))

    def _load(self, concern_id: int) -> Concern:
        db = self._ctx.database
        row = db.one(
            "SELECT c.*, ch.known_as, ch.legal_name, cat.name AS category, cat.guidance, "
            "s.full_name AS author_name, cs.full_name AS closed_by_name FROM concern c "
            "JOIN child ch ON ch.id = c.child_id JOIN concern_category cat ON cat.id = c.category_id "
            "JOIN staff s ON s.id = c.author_id LEFT JOIN staff cs ON cs.id = c.closed_by WHERE c.id = ?",
            (concern_id,),
        )
        if row is None:
            raise NotFound("That concern is not there, or it is not one you can read.")
        amendments = tuple(
            Amendment(
                str(a["field"]),
                str(a["original"]),
                str(a["new_text"]),
                str(a["reason"]),
                str(a["who"]),
                from_text(a["amended_at"]),
            )
            for a in db.query(
                "SELECT a.*, s.full_name AS who FROM concern_amendment a JOIN staff s ON s.id = a.amended_by "
                "WHERE a.concern_id = ? ORDER BY a.id",
                (concern_id,),
            )
        )
        reviews = tuple(
            Review(str(r["note"]), _day(r["review_date"]), str(r["who"]), from_text(r["reviewed_at"]))
            for r in db.query(
                "SELECT r.*, s.full_name AS who FROM concern_review r JOIN staff s ON s.id = r.reviewed_by "
                "WHERE r.concern_id = ? ORDER BY r.id",
                (concern_id,),
            )
        )
        actions = tuple(
            ConcernAction(
                ActionId(int(a["id"])),
                str(a["description"]),
                StaffId(int(a["assigned_to"])),
                str(a["assignee"]),
                date.fromisoformat(a["due_date"]),
                str(a["creator"]),
                from_text(a["created_at"]),
                _moment(a["done_at"]),
                str(a["doer"] or ""),
                str(a["done_note"]),
            )
            for a in db.query(
                "SELECT a.*, s.full_name AS assignee, c.full_name AS creator, d.full_name AS doer "
                "FROM concern_action a JOIN staff s ON s.id = a.assigned_to "
                "JOIN staff c ON c.id = a.created_by "
                "LEFT JOIN staff d ON d.id = a.done_by WHERE a.concern_id = ? ORDER BY a.id",
                (concern_id,),
            )
        )
        may_review = bool(self._ctx.roles & {Role.MANAGER, Role.DSL})
        return Concern(
            id=ConcernId(int(row["id"])),
            child_id=ChildId(int(row["child_id"])),
            child_name=str(row["known_as"] or row["legal_name"]),
            category=str(row["category"]),
            category_guidance=str(row["guidance"]),
            urgent=bool(row["urgent"]),
            status=ConcernStatus(row["status"]),
            seen_at=from_text(row["seen_at"]),
            recorded_at=from_text(row["recorded_at"]),
            author_id=StaffId(int(row["author_id"])),
            author_name=str(row["author_name"]),
            facts=str(row["facts"]),
            child_words=str(row["child_words"]),
            opinion=str(row["opinion"]),
            action_taken=str(row["action_taken"]),
            dsl_told_at=_moment(row["dsl_told_at"]),
            third_party_source=str(row["third_party_source"]),
            third_party_consent_at=_moment(row["third_party_consent_at"]),
            review_date=_day(row["review_date"]),
            outcome=str(row["outcome"]),
            closed_at=_moment(row["closed_at"]),
            closed_by=str(row["closed_by_name"] or ""),
            amendments=amendments,
            reviews=reviews,
            actions=actions,
            may_review=may_review,
        )

    # --- the DSL's work -----------------------------------------------------------------------

    def _open_for_review(self, concern_id: int) -> Any:
        self._ctx.require(Action.CONCERN_REVIEW)
        row = self._ctx.database.one("SELECT status, seen_at FROM concern WHERE id = ?", (concern_id,))
        if row is None:
            raise NotFound("That concern is not there any more.")
        if row["status"] == ConcernStatus.CLOSED:
            raise ValidationError(
                "status", "This concern is closed. Log a new concern if something more has happened."
            )
        return row

    def review(self, concern_id: int, *, note: str, review_date: date | str | None = None) -> Concern:
        """The DSL has read the concern: their note, and when to look at it again."""
        self._open_for_review(concern_id)
        note = _note(note, "note", "Review note", required=True)
        when = validation.day(review_date, field="review_date", label="Review date", required=False)
        if when is not None and when < self._today():
            raise ValidationError("review_date", "The review date has already passed; choose today or later.")
        with self._ctx.transaction() as tx:
            tx.execute(
                "INSERT INTO concern_review (concern_id, note, review_date, reviewed_by, reviewed_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    concern_id,
                    note,
                    None if when is None else when.isoformat(),
                    self._ctx.actor.id,
                    to_text(self._now()),
                ),
            )
            tx.execute(
                "UPDATE concern SET status = 'reviewed', review_date = ? WHERE id = ?",
                (None if when is None else when.isoformat(), concern_id),
            )
            self._ctx.audit(tx, AuditAction.CONCERN_REVIEWED, "concern", concern_id)
        return self._load(concern_id)

    def add_action(
        self, concern_id: int, *, description: str, assigned_to: int | None, due_date: date | str | None
    ) -> Concern:
        self._open_for_review(concern_id)
        description = _note(description, "description", "What needs doing", required=True)
        due = validation.required_day(due_date, field="due_date", label="Due date")
        if due < self._today():
            raise ValidationError("due_date", "The due date has already passed; choose today or later.")
        if assigned_to is None or not self._ctx.database.scalar(
            "SELECT 1 FROM staff WHERE id = ? AND active = 1", (assigned_to,)
        ):
            raise ValidationError("assigned_to", "Choose who will do it from the list of current staff.")
        with self._ctx.transaction() as tx:
            action_id = tx.execute(
                "INSERT INTO concern_action "
                "(concern_id, description, assigned_to, due_date, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    concern_id,
                    description,
                    assigned_to,
                    due.isoformat(),
                    self._ctx.actor.id,
                    to_text(self._now()),
                ),
            )
            tx.execute(
                "UPDATE concern SET status = 'reviewed' WHERE id = ? AND status = 'new'", (concern_id,)
            )
            self._ctx.audit(
                tx, AuditAction.CONCERN_ACTION_ADDED, "concern", concern_id, {"action": action_id}
            )
        return self._load(concern_id)

    def complete_action(self, action_id: int, *, note: str = "") -> Concern:
        self._ctx.require(Action.CONCERN_REVIEW)
        row = self._ctx.database.one(
            "SELECT concern_id, done_at FROM concern_action WHERE id = ?", (action_id,)
        )
        if row is None:
            raise NotFound("That action is not there any more.")
        if row["done_at"] is not None:
            raise ValidationError("action", "That action is already marked done.")
        note = _note(note, "note", "What was done")
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE concern_action SET done_at = ?, done_by = ?, done_note = ? WHERE id = ?",
                (to_text(self._now()), self._ctx.actor.id, note, action_id),
            )
            self._ctx.audit(
                tx, AuditAction.CONCERN_ACTION_DONE, "concern", int(row["concern_id"]), {"action": action_id}
            )
        return self._load(int(row["concern_id"]))

    def close(self, concern_id: int, *, outcome: str) -> Concern:
        """Close with the outcome (what happened in the end); refused while actions are open."""
        self._open_for_review(concern_id)
        outcome = _note(outcome, "outcome", "Outcome", required=True)
        open_actions = int(
            self._ctx.database.scalar(
                "SELECT count(*) FROM concern_action WHERE concern_id = ? AND done_at IS NULL", (concern_id,)
            )
        )
        if open_actions:
            raise ValidationError(
                "outcome",
                f"{open_actions} action{'s are' if open_actions != 1 else ' is'} still open. Mark "
                f"{'them' if open_actions != 1 else 'it'} done (saying what happened) before closing.",
            )
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE concern SET status = 'closed', outcome = ?, closed_at = ?, closed_by = ? "
                "WHERE id = ?",
                (outcome, to_text(self._now()), self._ctx.actor.id, concern_id),
            )
            self._ctx.audit(tx, AuditAction.CONCERN_CLOSED, "concern", concern_id)
        return self._load(concern_id)

    def amend(self, concern_id: int, *, field: str, new_text: str, reason: str) -> Concern:
        """Correct one part of a concern; the original stays and is shown beside the new text.

        The author (within their scope) or the DSL/manager may amend, closed or not.
        """
        scope = self._ctx.require(Action.CONCERN_READ)
        author = self._ctx.database.scalar("SELECT author_id FROM concern WHERE id = ?", (concern_id,))
        if author is None or (scope is Scope.OWN and author != self._ctx.actor.id):
            raise NotFound("That concern is not there, or it is not one you can read.")
        if field not in AMENDABLE:
            raise ValidationError("field", "Choose which part of the concern to correct.")
        label = AMENDABLE[field]
        new_text = _note(new_text, "new_text", label, required=field == "facts")
        reason = validation.text(
            reason, field="reason", label="Reason for the correction", limit=2000, multiline=True
        )
        current = self._load(concern_id).current(field)
        if new_text == current:
            raise ValidationError(
                "new_text", "The new text is the same as the current text; nothing to correct."
            )
        with self._ctx.transaction() as tx:
            tx.execute(
                "INSERT INTO concern_amendment "
                "(concern_id, field, original, new_text, reason, amended_by, amended_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (concern_id, field, current, new_text, reason, self._ctx.actor.id, to_text(self._now())),
            )
            reindex(tx, concern_id)
            self._ctx.audit(tx, AuditAction.CONCERN_AMENDED, "concern", concern_id, {"field": field})
        return self._load(concern_id)

    def record_third_party_consent(self, concern_id: int) -> Concern:
        """The agency that gave this information agreed it may be shared."""
        self._ctx.require(Action.CONCERN_REVIEW)
        row = self._ctx.database.one(
            "SELECT third_party_source, third_party_consent_at FROM concern WHERE id = ?", (concern_id,)
        )
        if row is None:
            raise NotFound("That concern is not there any more.")
        if not row["third_party_source"]:
            raise ValidationError("third_party", "This concern was not given by another agency.")
        if row["third_party_consent_at"] is not None:
            raise ValidationError("third_party", "The agency's consent is already recorded.")
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE concern SET third_party_consent_at = ?, third_party_consent_by = ? WHERE id = ?",
                (to_text(self._now()), self._ctx.actor.id, concern_id),
            )
            self._ctx.audit(tx, AuditAction.THIRD_PARTY_CONSENT, "concern", concern_id)
        return self._load(concern_id)
