"""One time-ordered view per child: concerns and what followed them, agency visits, professionals,
parent contacts, the child starting and leaving (and, as they land, sharing decisions and consents).

The DSL and manager see everything; a key worker sees the concerns they wrote and the rest of the
record they may read anyway, and is told the view is partial. Every view is audit-logged.

The "coded" copy is for insecure channels (policy 002 §8): the child is named only by initials
and date of birth, and the names of the child and their carers are replaced by initials wherever
they appear in the text. Free text can still describe a family; the window says so.
"""

# ruff: noqa: S608 - the only text put into queries here is "?" placeholders and fixed clauses

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum

from app import names
from app.audit import AuditAction
from app.children import ChildId
from app.clock import from_text
from app.concerns import AMENDABLE, ConcernId
from app.errors import NotFound
from app.policy.permissions import Action, Scope
from app.session_context import SessionContext


class EntryKind(StrEnum):
    STARTED = "started"
    LEFT = "left"
    CONCERN = "concern"
    DSL_TOLD = "dsl_told"
    REVIEW = "review"
    ACTION = "action"
    ACTION_DONE = "action_done"
    AMENDMENT = "amendment"
    CLOSED = "closed"
    VISIT = "visit"
    PROFESSIONAL = "professional"
    PARENT_CONTACT = "parent_contact"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    EntryKind.STARTED: "Started",
    EntryKind.LEFT: "Left",
    EntryKind.CONCERN: "Concern",
    EntryKind.DSL_TOLD: "DSL told",
    EntryKind.REVIEW: "DSL review",
    EntryKind.ACTION: "Action",
    EntryKind.ACTION_DONE: "Action done",
    EntryKind.AMENDMENT: "Correction",
    EntryKind.CLOSED: "Concern closed",
    EntryKind.VISIT: "Agency visit",
    EntryKind.PROFESSIONAL: "Professional",
    EntryKind.PARENT_CONTACT: "Parent contact",
}


@dataclass(frozen=True)
class ChronologyEntry:
    at: datetime  # UTC; for a whole-day entry, midnight UTC of that day
    all_day: bool  # show the date only
    kind: EntryKind
    title: str  # one line, e.g. "Injury or mark — urgent"
    detail: str  # the words, labelled where they are opinion or the child's own
    by: str  # staff name, or "" for the record itself
    concern_id: ConcernId | None = None
    urgent: bool = False


@dataclass(frozen=True)
class Chronology:
    child_id: ChildId
    child_name: str  # legal name (known-as in brackets); the coded reference in a coded copy
    date_of_birth: date
    coded_reference: str
    entries: tuple[ChronologyEntry, ...]
    complete: bool  # False: a key worker's view, without concerns others wrote
    coded: bool


def coded_reference(legal_name: str, date_of_birth: date) -> str:
    """Initials and date of birth, e.g. "Z.A. 03/02/2023" (policy 002: coded identifiers)."""
    return f"{names.initials(legal_name)} {date_of_birth.strftime('%d/%m/%Y')}"


def code_names(text: str, people: Iterable[str]) -> str:
    """Replace each whole word of the given names with its initial ("Zoë" -> "Z.")."""
    words = sorted({w for person in people for w in person.split() if len(w) >= 2}, key=len, reverse=True)
    for word in words:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        text = pattern.sub(f"{word[0].upper()}.", text)
    return text


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _concern_detail(facts: str, words: str, opinion: str, action: str, third_party: str) -> str:
    parts = [f"Seen or heard: {facts}"]
    if words:
        parts.append(f"Child's own words: “{words}”")
    if opinion:
        parts.append(f"Opinion (not fact): {opinion}")
    if action:
        parts.append(f"Action taken: {action}")
    if third_party:
        parts.append(
            f"Information from another agency: {third_party} (not to be shared without their consent)"
        )
    return "\n".join(parts)


class ChronologyService:
    """``session.chronology``."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def for_child(self, child_id: int, *, coded: bool = False) -> Chronology:
        if coded:  # a copy for sending outside is the DSL's or manager's call
            self._ctx.require(Action.CONCERN_REVIEW)
        scope = self._ctx.require(Action.CONCERN_READ)
        self._ctx.require(Action.CHILD_READ)
        db = self._ctx.database
        row = db.one("SELECT * FROM child WHERE id = ?", (child_id,))
        if row is None:
            raise NotFound("That child's record is not there any more (it may have been removed).")
        legal, known = str(row["legal_name"]), str(row["known_as"])
        born = date.fromisoformat(row["date_of_birth"])
        entries: list[ChronologyEntry] = [
            ChronologyEntry(
                _day_start(date.fromisoformat(row["start_date"])),
                True,
                EntryKind.STARTED,
                f"Started{' in ' + row['room'] if row['room'] else ''}",
                "",
                "",
            )
        ]
        if row["leaving_date"]:
            left = date.fromisoformat(row["leaving_date"])
            entries.append(
                ChronologyEntry(
                    _day_start(left),
                    True,
                    EntryKind.LEFT,
                    f"Left{' for ' + row['destination'] if row['destination'] else ''}",
                    "",
                    "",
                )
            )
        own = scope is Scope.OWN
        me = self._ctx.actor.id
        concerns = db.query(
            "SELECT c.*, cat.name AS category, s.full_name AS author, cs.full_name AS closer FROM concern c "
            "JOIN concern_category cat ON cat.id = c.category_id JOIN staff s ON s.id = c.author_id "
            "LEFT JOIN staff cs ON cs.id = c.closed_by WHERE c.child_id = ?"
            + (" AND c.author_id = ?" if own else ""),
            (child_id, me) if own else (child_id,),
        )
        ids = [int(c["id"]) for c in concerns]
        amended: dict[int, dict[str, str]] = {}
        if ids:
            marks = ",".join("?" * len(ids))
            for a in db.query(
                "SELECT a.*, s.full_name AS who FROM concern_amendment a JOIN staff s ON s.id = a.amended_by "
                f"WHERE a.concern_id IN ({marks}) ORDER BY a.id",
                ids,
            ):
                cid = int(a["concern_id"])
                amended.setdefault(cid, {})[a["field"]] = a["new_text"]
                label = AMENDABLE.get(a["field"], a["field"])
                entries.append(
                    ChronologyEntry(
                        from_text(a["amended_at"]),
                        False,
                        EntryKind.AMENDMENT,
                        f"{label} corrected",
                        f"Was: {a['original']}\nNow: {a['new_text']}\nReason: {a['reason']}",
                        str(a["who"]),
                        ConcernId(cid),
                    )
                )
            for r in db.query(
                "SELECT r.*, s.full_name AS who FROM concern_review r JOIN staff s ON s.id = r.reviewed_by "
                f"WHERE r.concern_id IN ({marks})",
                ids,
            ):
                due = (
                    f"\nLook again by {date.fromisoformat(r['review_date']).strftime('%d/%m/%Y')}"
                    if r["review_date"]
                    else ""
                )
                entries.append(
                    ChronologyEntry(
                        from_text(r["reviewed_at"]),
                        False,
                        EntryKind.REVIEW,
                        "Reviewed by the DSL",
                        f"{r['note']}{due}",
                        str(r["who"]),
                        ConcernId(int(r["concern_id"])),
                    )
                )
            for a in db.query(
                "SELECT a.*, s.full_name AS assignee, c.full_name AS creator, d.full_name AS doer "
                "FROM concern_action a JOIN staff s ON s.id = a.assigned_to "
                "JOIN staff c ON c.id = a.created_by "
                f"LEFT JOIN staff d ON d.id = a.done_by WHERE a.concern_id IN ({marks})",
                ids,
            ):
                due = date.fromisoformat(a["due_date"]).strftime("%d/%m/%Y")
                cid = ConcernId(int(a["concern_id"]))
                entries.append(
                    ChronologyEntry(
                        from_text(a["created_at"]),
                        False,
                        EntryKind.ACTION,
                        f"Action for {a['assignee']}, due {due}",
                        str(a["description"]),
                        str(a["creator"]),
                        cid,
                    )
                )
                if a["done_at"]:
                    entries.append(
                        ChronologyEntry(
                            from_text(a["done_at"]),
                            False,
                            EntryKind.ACTION_DONE,
                            "Action done",
                            f"{a['description']}\n{a['done_note']}".strip(),
                            str(a["doer"] or ""),
                            cid,
                        )
                    )
        for c in concerns:
            cid = int(c["id"])
            fields = {f: amended.get(cid, {}).get(f, str(c[f])) for f in AMENDABLE}
            urgent = bool(c["urgent"])
            title = f"{c['category']}{' — urgent' if urgent else ''}"
            if cid in amended:
                title += " (corrected since; see below)"
            entries.append(
                ChronologyEntry(
                    from_text(c["seen_at"]),
                    False,
                    EntryKind.CONCERN,
                    title,
                    _concern_detail(
                        fields["facts"],
                        fields["child_words"],
                        fields["opinion"],
                        fields["action_taken"],
                        str(c["third_party_source"]),
                    ),
                    str(c["author"]),
                    ConcernId(cid),
                    urgent,
                )
            )
            if c["dsl_told_at"]:
                entries.append(
                    ChronologyEntry(
                        from_text(c["dsl_told_at"]),
                        False,
                        EntryKind.DSL_TOLD,
                        "DSL told",
                        "",
                        str(c["author"]),
                        ConcernId(cid),
                    )
                )
            if c["closed_at"]:
                entries.append(
                    ChronologyEntry(
                        from_text(c["closed_at"]),
                        False,
                        EntryKind.CLOSED,
                        "Concern closed",
                        f"Outcome: {c['outcome']}",
                        str(c["closer"] or ""),
                        ConcernId(cid),
                    )
                )
        for v in db.query(
            "SELECT v.*, s.full_name AS supervisor, w.full_name AS recorder FROM agency_visit v "
            "JOIN staff s ON s.id = v.supervised_by JOIN staff w ON w.id = v.recorded_by "
            "WHERE v.child_id = ?",
            (child_id,),
        ):
            entries.append(
                ChronologyEntry(
                    from_text(v["visited_at"]),
                    False,
                    EntryKind.VISIT,
                    f"Visit: {v['visitor']} ({v['agency']})",
                    f"{v['purpose']}\nSupervised by {v['supervisor']}",
                    str(v["recorder"]),
                )
            )
        for p in db.query("SELECT * FROM professional WHERE child_id = ?", (child_id,)):
            who = f"{p['full_name']}, {p['role'] + ', ' if p['role'] else ''}{p['agency']}"
            if p["from_date"]:
                entries.append(
                    ChronologyEntry(
                        _day_start(date.fromisoformat(p["from_date"])),
                        True,
                        EntryKind.PROFESSIONAL,
                        f"Professional involved: {who}",
                        "",
                        "",
                    )
                )
            if p["to_date"]:
                entries.append(
                    ChronologyEntry(
                        _day_start(date.fromisoformat(p["to_date"])),
                        True,
                        EntryKind.PROFESSIONAL,
                        f"Professional no longer involved: {who}",
                        "",
                        "",
                    )
                )
        for p in db.query(
            "SELECT p.*, s.full_name AS recorder FROM parent_contact p JOIN staff s ON s.id = p.recorded_by "
            "WHERE p.child_id = ?" + (" AND p.recorded_by = ?" if own else ""),
            (child_id, me) if own else (child_id,),
        ):
            who = p["who"] or "Anonymous"
            detail = str(p["about"]) + (f"\nAction: {p['action']}" if p["action"] else "")
            entries.append(
                ChronologyEntry(
                    from_text(p["contact_at"]),
                    False,
                    EntryKind.PARENT_CONTACT,
                    f"Parent contact ({p['kind']}): {who}",
                    detail,
                    str(p["recorder"]),
                )
            )
        entries.sort(key=lambda e: (e.at, e.kind != EntryKind.CONCERN))
        reference = coded_reference(legal, born)
        name = f"{legal} ({known})" if known and known != legal else legal
        if coded:
            people = [
                legal,
                known,
                *(
                    str(r["full_name"])
                    for r in db.query(
                        "SELECT k.full_name FROM carer k JOIN child_carer cc ON cc.carer_id = k.id "
                        "WHERE cc.child_id = ?",
                        (child_id,),
                    )
                ),
            ]
            entries = [
                replace(e, title=code_names(e.title, people), detail=code_names(e.detail, people))
                for e in entries
            ]
            name = reference
        with self._ctx.transaction() as tx:
            self._ctx.audit(
                tx,
                AuditAction.CHRONOLOGY_VIEWED,
                "child",
                child_id,
                {"entries": len(entries), "coded": coded},
            )
        return Chronology(ChildId(child_id), name, born, reference, tuple(entries), not own, coded)


def heading_for(chronology: Chronology) -> str:
    """The line at the top of a printed or shown chronology."""
    if chronology.coded:
        return f"Chronology for {chronology.coded_reference}"
    return f"Chronology for {chronology.child_name}, born {chronology.date_of_birth.strftime('%d/%m/%Y')}"
