"""One time-ordered view per child: concerns and what followed them, agency visits, professionals,
parent contacts, the child starting and leaving, information-sharing requests and decisions with
their follow-ups, and the child-protection file sent on when the child left (and, as they land,
consents).

The DSL and manager see everything; a key worker sees the concerns they wrote, the sharing
requests they opened and the rest of the record they may read anyway, and is told the view is
partial. File transfers are the DSL's work, so only those who make sharing decisions see them.
Every view is audit-logged.

The "coded" copy is for insecure channels (policy 002 §8): the child is named only by initials
and date of birth, and the names of the child, their carers, and any other child or carer a
sharing request is about are replaced by initials wherever they appear in the text. Free text can
still describe a family; the window says so.
"""

# ruff: noqa: S608 - the only text put into queries here is "?" placeholders and fixed clauses

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from app import names
from app.audit import AuditAction
from app.children import ChildId
from app.clock import from_text
from app.concerns import AMENDABLE, ConcernId
from app.errors import NotFound
from app.policy import permissions
from app.policy.permissions import Action, Scope
from app.policy.sharing_path import Ground, Verdict, decide
from app.session_context import SessionContext
from app.sharing import AMENDABLE as SHARE_AMENDABLE
from app.sharing import (
    Channel,
    Direction,
    FamilyTold,
    FollowUpKind,
    Nature,
    ShareId,
    ShareStatus,
    Urgency,
    decode_answers,
)
from app.transfers import RECEIPT_SCHOOL_DAYS, add_school_days
from app.vault.database import Database


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
    SHARE_REQUEST = "share_request"
    SHARE_DECISION = "share_decision"
    SHARE_FOLLOWUP = "share_followup"
    TRANSFER_SENT = "transfer_sent"
    TRANSFER_RECEIVED = "transfer_received"

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
    EntryKind.SHARE_REQUEST: "Information sharing",
    EntryKind.SHARE_DECISION: "Sharing decision",
    EntryKind.SHARE_FOLLOWUP: "Sharing follow-up",
    EntryKind.TRANSFER_SENT: "File sent on",
    EntryKind.TRANSFER_RECEIVED: "File received",
}

# The ground of a decision to share, as the few words of a chronology title.
_GROUND_WORDS: Mapping[Ground, str] = {
    Ground.NOT_IDENTIFIABLE: "not identifiable",
    Ground.NOT_CONFIDENTIAL: "not confidential",
    Ground.CONSENT: "consent",
    Ground.STATUTORY_DUTY: "statutory duty",
    Ground.PUBLIC_FUNCTION: "public function",
    Ground.VITAL_INTERESTS: "vital interests",
    Ground.PUBLIC_INTEREST: "public interest",
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
    share_id: ShareId | None = None  # the information-sharing record the entry belongs to


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
    """Replace each whole word of the given names with its initial ("Zoë" -> "Z."); a full stop
    straight after the name is not doubled ("asked Lars." -> "asked L.")."""
    words = sorted({w for person in people for w in person.split() if len(w) >= 2}, key=len, reverse=True)
    for word in words:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)\.?", re.IGNORECASE)
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


def _day_text(text: Any) -> str:
    return date.fromisoformat(str(text)).strftime("%d/%m/%Y")


def _joined(*parts: object) -> str:
    return ", ".join(str(p) for p in parts if p)


def _intake_entry(r: Any) -> ChronologyEntry:
    """A request received, or our own wish to share, when it came in."""
    direction = Direction(r["direction"])
    lines: list[str] = []
    if direction is Direction.REQUEST:
        title = f"Request to share — {r['requester_org']}"
        lines.append(f"From: {_joined(r['requester_name'], r['requester_role'], r['requester_org'])}")
        lines.append(f"Came in by: {Channel(r['received_via']).label}")
        lines.append(f"Asked for: {r['asked_for']}")
    else:
        title = "We want to share information"
        if r["recipient_org"]:
            title += f" with {r['recipient_org']}"
        lines.append(f"What we want to share: {r['asked_for']}")
    if r["purpose"]:
        lines.append(f"Purpose: {r['purpose']}")
    if r["status"] == ShareStatus.OPEN:
        lines.append("Awaiting the DSL's decision.")
    return ChronologyEntry(
        from_text(r["received_at"]),
        False,
        EntryKind.SHARE_REQUEST,
        title,
        "\n".join(lines),
        str(r["opener"]),
        urgent=r["urgency"] == Urgency.URGENT,
        share_id=ShareId(int(r["id"])),
    )


def _decision_entry(r: Any, corrected: Mapping[str, str], items: list[Any]) -> ChronologyEntry:
    """A finalised decision: the verdict and ground, with whom and what, and the reasons as they
    read now (after any correction)."""
    outcome = decide(decode_answers(str(r["answers"])))

    def current(field: str) -> str:
        return corrected.get(field, str(r[field]))

    lines: list[str] = []
    if outcome.verdict is Verdict.SHARE:
        ground = "" if outcome.ground is None else f" ({_GROUND_WORDS[outcome.ground]})"
        title = f"Decision: Share{ground}"
        lines.append(f"With: {_joined(r['recipient_name'], r['recipient_role'], r['recipient_org'])}")
        when = _day_text(r["shared_on"]) if r["shared_on"] else ""
        how = current("shared_how")
        if when or how:
            lines.append(f"Shared: {_joined(when, how)}")
        if items:
            shown = [
                f"{i['label']} (opinion)"
                if i["nature"] == Nature.OPINION and not str(i["label"]).endswith("opinion")
                else str(i["label"])
                for i in items
            ]
            lines.append("Items: " + "; ".join(shown))
    else:
        title = f"Decision: {outcome.verdict.label}"
    lines.append(f"Reasons: {current('reasons')}")
    if outcome.verdict is Verdict.SHARE:
        if outcome.consent_reason_required and current("consent_reason"):
            lines.append(f"Without consent because: {current('consent_reason')}")
        if r["backer"]:
            lines.append(f"Backed by {_joined(r['backer'], r['backed_role'])}")
        elif r["consulted"]:
            lines.append(f"Consulted: {r['consulted']} ({r['consulted_how']})")
        if r["family_told"]:
            told = FamilyTold(r["family_told"])
            reason = current("family_reason") if told is FamilyTold.NOT_TOLD else ""
            lines.append(told.label + (f": {reason}" if reason else ""))
    elif r["direction"] == Direction.REQUEST and r["discussed_with_requester"] is not None:
        discussed = (
            "Reasons discussed with the requester"
            if r["discussed_with_requester"]
            else "Reasons not discussed with the requester"
        )
        note = current("discussed_note")
        lines.append(discussed + (f": {note}" if note else ""))
    if corrected:
        title += " (corrected since; see below)"
    return ChronologyEntry(
        from_text(r["decided_at"]),
        False,
        EntryKind.SHARE_DECISION,
        title,
        "\n".join(lines),
        str(r["decider"] or ""),
        share_id=ShareId(int(r["id"])),
    )


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
        sharing, named = self._sharing(db, child_id)
        entries += sharing
        entries += self._transfers(db, child_id)
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
                *named,
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
        complete = not own and self._sharing_scope() is Scope.ALL and self._sees_transfers()
        return Chronology(ChildId(child_id), name, born, reference, tuple(entries), complete, coded)

    # --- information sharing and file transfers -----------------------------------------------

    def _sharing_scope(self) -> Scope | None:
        return permissions.scope(self._ctx.roles, Action.SHARING_READ)

    def _sees_transfers(self) -> bool:
        return permissions.scope(self._ctx.roles, Action.SHARING_DECIDE) is not None

    def _sharing(self, db: Database, child_id: int) -> tuple[list[ChronologyEntry], list[str]]:
        """The sharing requests about the child this person may read (a key worker: the ones they
        opened), each decision and follow-up done, and the names of everyone else the requests are
        about (other children, carers as they were named), for the coded copy."""
        scope = self._sharing_scope()
        if scope is None:
            return [], []
        own = scope is Scope.OWN
        rows = db.query(
            "SELECT r.*, o.full_name AS opener, d.full_name AS decider, b.full_name AS backer "
            "FROM share_child sc JOIN share_request r ON r.id = sc.request_id "
            "JOIN staff o ON o.id = r.opened_by LEFT JOIN staff d ON d.id = r.decided_by "
            "LEFT JOIN staff b ON b.id = r.backed_by WHERE sc.child_id = ?"
            + (" AND r.opened_by = ?" if own else ""),
            (child_id, self._ctx.actor.id) if own else (child_id,),
        )
        if not rows:
            return [], []
        ids = [int(r["id"]) for r in rows]
        marks = ",".join("?" * len(ids))
        entries: list[ChronologyEntry] = []
        named: list[str] = []
        for k in db.query(
            "SELECT c.legal_name, c.known_as FROM share_child s JOIN child c ON c.id = s.child_id "
            f"WHERE s.request_id IN ({marks}) AND s.child_id <> ?",
            (*ids, child_id),
        ):
            named += [str(k["legal_name"]), str(k["known_as"])]
        named += [
            str(c["label"])
            for c in db.query(f"SELECT label FROM share_carer WHERE request_id IN ({marks})", ids)
        ]
        corrected: dict[int, dict[str, str]] = {}
        for a in db.query(
            "SELECT a.*, s.full_name AS who FROM share_amendment a JOIN staff s ON s.id = a.amended_by "
            f"WHERE a.request_id IN ({marks}) ORDER BY a.id",
            ids,
        ):
            sid = int(a["request_id"])
            corrected.setdefault(sid, {})[str(a["field"])] = str(a["new_text"])
            label = SHARE_AMENDABLE.get(a["field"], a["field"])
            entries.append(
                ChronologyEntry(
                    from_text(a["amended_at"]),
                    False,
                    EntryKind.AMENDMENT,
                    f"Sharing decision: {label} corrected",
                    f"Was: {a['original']}\nNow: {a['new_text']}\nReason: {a['reason']}",
                    str(a["who"]),
                    share_id=ShareId(sid),
                )
            )
        items: dict[int, list[Any]] = {}
        for i in db.query(
            f"SELECT request_id, label, nature FROM share_item WHERE request_id IN ({marks}) ORDER BY id", ids
        ):
            items.setdefault(int(i["request_id"]), []).append(i)
        for f in db.query(
            "SELECT f.*, s.full_name AS doer FROM share_followup f LEFT JOIN staff s ON s.id = f.done_by "
            f"WHERE f.request_id IN ({marks}) AND f.done_at IS NOT NULL",
            ids,
        ):
            entries.append(
                ChronologyEntry(
                    from_text(f["done_at"]),
                    False,
                    EntryKind.SHARE_FOLLOWUP,
                    f"Follow-up done: {FollowUpKind(f['kind']).label}",
                    "\n".join(p for p in (str(f["description"]), str(f["done_note"])) if p),
                    str(f["doer"] or ""),
                    share_id=ShareId(int(f["request_id"])),
                )
            )
        for r in rows:
            entries.append(_intake_entry(r))
            if r["status"] == ShareStatus.FINAL and r["decided_at"]:
                entries.append(
                    _decision_entry(r, corrected.get(int(r["id"]), {}), items.get(int(r["id"]), []))
                )
        return entries, named

    def _transfers(self, db: Database, child_id: int) -> list[ChronologyEntry]:
        """The child-protection file sent on when the child left, and its receipt."""
        if not self._sees_transfers():
            return []
        entries: list[ChronologyEntry] = []
        for t in db.query(
            "SELECT t.*, s.full_name AS sender, r.full_name AS receiver FROM child_transfer t "
            "JOIN staff s ON s.id = t.sent_by LEFT JOIN staff r ON r.id = t.receipt_by "
            "WHERE t.child_id = ? ORDER BY t.sent_on, t.id",
            (child_id,),
        ):
            sent = date.fromisoformat(t["sent_on"])
            lines = [f"Sent to: {_joined(t['receiving_person'], t['receiving_setting'])}"]
            lines.append(f"How: {t['sent_how']}")
            if t["received_on"] is None:
                due = add_school_days(sent, RECEIPT_SCHOOL_DAYS)
                lines.append(f"Receipt not yet confirmed (due by {due.strftime('%d/%m/%Y')})")
            entries.append(
                ChronologyEntry(
                    _day_start(sent),
                    True,
                    EntryKind.TRANSFER_SENT,
                    f"Child protection file sent to {t['receiving_setting']}",
                    "\n".join(lines),
                    str(t["sender"]),
                )
            )
            if t["received_on"] is not None:
                entries.append(
                    ChronologyEntry(
                        _day_start(date.fromisoformat(t["received_on"])),
                        True,
                        EntryKind.TRANSFER_RECEIVED,
                        f"Receipt of the child protection file confirmed by {t['receiving_setting']}",
                        str(t["receipt_note"]),
                        str(t["receiver"] or ""),
                    )
                )
        return entries


def heading_for(chronology: Chronology) -> str:
    """The line at the top of a printed or shown chronology."""
    if chronology.coded:
        return f"Chronology for {chronology.coded_reference}"
    return f"Chronology for {chronology.child_name}, born {chronology.date_of_birth.strftime('%d/%m/%Y')}"
