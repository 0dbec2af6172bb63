"""``session.subject_access``: requests from parents to see what is held about their child, the pack
gathered for each, and what was released.

A parent may see everything held about their own child unless an exemption applies, answered
within one calendar month of the request (``ANSWER_MONTHS``), extendable once by two more months
for a complex request; the person must be told within the first month, so an extension is refused
after it. The manager and the DSL handle them (``Action.SUBJECT_ACCESS``).

Gathering takes a snapshot of everything held about the child, as text, into ``sar_item``: what
the pack will print is exactly what the DSL reviewed, even if the record changes meanwhile.
Another agency's information and information about other people is flagged, and the DSL must
decide each flagged item (release or withhold, with the exemption and a reason) before the pack
can be released. A carer whose contact details are withheld from the person asking arrives
already withheld, for the DSL to confirm. Gathering again replaces the snapshot and keeps the
DSL's decisions: a decision to withhold always, a decision to release only while the item reads
the same (new words about someone else deserve a fresh look).

Once released, nothing about the request or its pack changes (the core refuses with a sentence and
the schema's triggers back it). Every view is audit-logged against the child; details name ids,
counts and field names, never what was asked or written.
"""

# ruff: noqa: S608 - the only text put into queries here is "?" placeholders and fixed clauses

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, NewType

from app import children, names, validation
from app.audit import AuditAction
from app.children import Carer, ChildId
from app.clock import add_months, from_text, local_today, long_date, to_text
from app.concerns import AMENDABLE as CONCERN_PARTS
from app.concerns import ConcernStatus
from app.consents import ConsentHow, ConsentStatus, all_kinds
from app.errors import NotFound, ValidationError
from app.parent_contacts import ContactKind
from app.policies import Reminder
from app.policy.permissions import Action
from app.policy.sharing_path import Ground, Verdict
from app.session_context import SessionContext
from app.settings import PROVIDER_ADDRESS, PROVIDER_NAME, SettingsService
from app.sharing import AMENDABLE as SHARE_PARTS
from app.sharing import Channel, Direction, FamilyTold, Nature
from app.transfers import RECEIPT_SCHOOL_DAYS, add_school_days
from app.vault.database import Database

RequestId = NewType("RequestId", int)
ItemId = NewType("ItemId", int)

ANSWER_MONTHS = 1
EXTENSION_MONTHS = 2
IDENTITY_LIMIT = 1000
REASON_LIMIT = 2000
COVER_NOTE_LIMIT = validation.LONG_TEXT_LIMIT

FLAG_OTHER_PERSON = "About another person"
FLAG_MAY_BE_OTHERS = "May be about other people"
FLAG_SAFEGUARDING = (
    "Safeguarding record: check for information about other people and whether releasing it "
    "could put anyone at risk"
)
FLAG_DECISION = "Names other people and agencies"
FLAG_AGENCY = "Information from another agency"
FLAG_OTHER_CALLER = "From another person, or someone who did not give their name"
WITHHELD_CARER_REASON = "Their contact details are withheld from the person asking, on the child's record"

GONE = "That subject access request is not there any more."
ITEM_GONE = "That item of the pack is not there any more; gather the records again."
IDENTITY_HELP = (
    "Say how you checked who they are, e.g. saw their passport; known to staff and asked in person."
)

# In the child section source_id names the part, since both come from the child's own row.
_RECORD_PART, _FAMILY_PART = 1, 2


class RequestStatus(StrEnum):
    OPEN = "open"
    RELEASED = "released"

    @property
    def label(self) -> str:
        return {"open": "Open", "released": "Released"}[self.value]


class Exemption(StrEnum):
    OTHER_PERSON = "other_person"
    SERIOUS_HARM = "serious_harm"
    CHILD_INTERESTS = "child_interests"
    CRIME = "crime"
    LEGAL_ADVICE = "legal_advice"
    OTHER = "other"

    @property
    def label(self) -> str:
        return EXEMPTION_LABELS[self]


EXEMPTION_LABELS = {
    Exemption.OTHER_PERSON: (
        "About another person who has not agreed, and it is not reasonable to release it without "
        "their agreement"
    ),
    Exemption.SERIOUS_HARM: "Likely to cause serious harm to someone's physical or mental health",
    Exemption.CHILD_INTERESTS: (
        "A parent asked, and releasing it would not be in the child's best interests"
    ),
    Exemption.CRIME: "Would prejudice preventing or detecting crime",
    Exemption.LEGAL_ADVICE: "Legal advice (legal professional privilege)",
    Exemption.OTHER: "Another exemption (the reason says which)",
}


class Section(StrEnum):
    """The parts of the pack, in the order it prints them."""

    CHILD = "child"
    CARERS = "carers"
    CONTACTS = "contacts"
    CONSENTS = "consents"
    CONCERNS = "concerns"
    DECISIONS = "decisions"
    PROFESSIONALS = "professionals"
    VISITS = "visits"
    TRANSFERS = "transfers"
    PARENT_CONTACTS = "parent_contacts"

    @property
    def label(self) -> str:
        return SECTION_LABELS[self]


SECTION_LABELS = {
    Section.CHILD: "About the child",
    Section.CARERS: "Parents and carers",
    Section.CONTACTS: "Emergency contacts",
    Section.CONSENTS: "Consents",
    Section.CONCERNS: "Concerns about the child's welfare",
    Section.DECISIONS: "Decisions about sharing information",
    Section.PROFESSIONALS: "Other professionals involved",
    Section.VISITS: "Visits from other agencies",
    Section.TRANSFERS: "Records passed on to the next setting or school",
    Section.PARENT_CONTACTS: "Calls, visits and messages from parents",
}


@dataclass(frozen=True)
class NewRequest:
    child_id: int
    requester_name: str
    carer_id: int | None
    relationship: str
    received_on: date | str | None
    identity_checked: str


@dataclass(frozen=True)
class SubjectAccessRequest:
    id: RequestId
    child_id: ChildId
    child_name: str  # legal name, with the known-as name in brackets when it differs
    requester_name: str
    carer_id: int | None
    relationship: str
    received_on: date
    identity_checked: str
    due_on: date
    extended_to: date | None
    extension_reason: str
    cover_note: str
    status: RequestStatus
    released_on: date | None
    released_by: str | None
    recorded_by: str
    items: int
    flagged: int
    undecided: int
    withheld: int
    gathered: bool

    @property
    def deadline(self) -> date:
        return self.extended_to or self.due_on

    @property
    def released(self) -> bool:
        return self.status is RequestStatus.RELEASED

    def days_left(self, today: date) -> int:
        """Days until the deadline; negative once it has passed."""
        return (self.deadline - today).days

    def overdue(self, today: date) -> bool:
        return self.status is RequestStatus.OPEN and today > self.deadline


@dataclass(frozen=True)
class PackItem:
    id: ItemId
    section: Section
    label: str
    content: str
    flag: str  # why the DSL must look ("" = nothing to review), in words
    withheld: bool
    exemption: Exemption | None
    reason: str
    decided_by: str | None
    decided_at: str | None
    released: bool

    @property
    def decided(self) -> bool:
        return self.decided_by is not None

    @property
    def needs_decision(self) -> bool:
        return bool(self.flag) and not self.decided


@dataclass(frozen=True)
class SubjectAccessPack:
    """What the PDF prints."""

    request: SubjectAccessRequest
    provider_name: str
    provider_address: str
    items: tuple[PackItem, ...]  # only the items that are (or will be) released, in order
    draft: bool  # True until released: the PDF says DRAFT on every page


@dataclass(frozen=True)
class _Gathered:
    section: Section
    source_id: int | None
    label: str
    content: str
    flag: str = ""
    withheld: bool = False
    exemption: Exemption | None = None
    reason: str = ""


# --- reading rows ----------------------------------------------------------------------------

_REQUEST_SQL = """
SELECT r.*, c.legal_name, c.known_as, rb.full_name AS recorder, lb.full_name AS releaser,
    (SELECT count(*) FROM sar_item i WHERE i.request_id = r.id) AS item_count,
    (SELECT count(*) FROM sar_item i WHERE i.request_id = r.id AND i.flag <> '') AS flagged_count,
    (SELECT count(*) FROM sar_item i WHERE i.request_id = r.id AND i.flag <> ''
        AND i.decided_by IS NULL) AS undecided_count,
    (SELECT count(*) FROM sar_item i WHERE i.request_id = r.id AND i.withheld = 1) AS withheld_count
FROM sar_request r JOIN child c ON c.id = r.child_id JOIN staff rb ON rb.id = r.recorded_by
LEFT JOIN staff lb ON lb.id = r.released_by
"""

_ITEM_SQL = "SELECT i.*, s.full_name AS decider FROM sar_item i LEFT JOIN staff s ON s.id = i.decided_by"


def _day(text: Any) -> date | None:
    return None if text is None else date.fromisoformat(str(text))


def _child_name(legal: str, known: str) -> str:
    return f"{legal} ({known})" if known and known != legal else legal


def _request(row: Any) -> SubjectAccessRequest:
    items = int(row["item_count"])
    return SubjectAccessRequest(
        id=RequestId(int(row["id"])),
        child_id=ChildId(int(row["child_id"])),
        child_name=_child_name(str(row["legal_name"]), str(row["known_as"])),
        requester_name=str(row["requester_name"]),
        carer_id=None if row["carer_id"] is None else int(row["carer_id"]),
        relationship=str(row["relationship"]),
        received_on=date.fromisoformat(row["received_on"]),
        identity_checked=str(row["identity_checked"]),
        due_on=date.fromisoformat(row["due_on"]),
        extended_to=_day(row["extended_to"]),
        extension_reason=str(row["extension_reason"]),
        cover_note=str(row["cover_note"]),
        status=RequestStatus(row["status"]),
        released_on=_day(row["released_on"]),
        released_by=None if row["releaser"] is None else str(row["releaser"]),
        recorded_by=str(row["recorder"]),
        items=items,
        flagged=int(row["flagged_count"]),
        undecided=int(row["undecided_count"]),
        withheld=int(row["withheld_count"]),
        gathered=items > 0,
    )


def _item(row: Any) -> PackItem:
    exemption = str(row["exemption"])
    return PackItem(
        id=ItemId(int(row["id"])),
        section=Section(row["section"]),
        label=str(row["label"]),
        content=str(row["content"]),
        flag=str(row["flag"]),
        withheld=bool(row["withheld"]),
        exemption=Exemption(exemption) if exemption else None,
        reason=str(row["reason"]),
        decided_by=None if row["decider"] is None else str(row["decider"]),
        decided_at=None if row["decided_at"] is None else str(row["decided_at"]),
        released=bool(row["released"]),
    )


# --- words for the pack ----------------------------------------------------------------------


def _lines(*pairs: tuple[str, object]) -> str:
    """``Label: value`` lines for the values that are there."""
    return "\n".join(f"{label}: {value}" for label, value in pairs if value not in (None, ""))


def _yes(flag: Any) -> str:
    return "Yes" if flag else "No"


def _when(text: Any) -> str:
    """A stored moment as the people in the setting read it: "3 February 2026 at 14:05"."""
    if text is None:
        return ""
    local = from_text(str(text)).astimezone()
    return f"{long_date(local.date())} at {local:%H:%M}"


def _on(text: Any) -> str:
    return "" if text is None else long_date(date.fromisoformat(str(text)))


def _sentence(text: object) -> str:
    """``text`` ending with a full stop, so another sentence can follow it."""
    words = str(text).rstrip()
    return words if not words or words[-1] in '.!?”"' else f"{words}."


def _joined(*parts: object) -> str:
    return ", ".join(str(p) for p in parts if p)


class _Gatherer:
    """Reads everything held about one child, section by section, into ``_Gathered`` items."""

    def __init__(self, db: Database, request: SubjectAccessRequest) -> None:
        self.db = db
        self.request = request
        self.child_id = int(request.child_id)
        self.carers = children.carers_of(db, self.child_id)
        self.requester = request.carer_id

    def section(self, section: Section) -> list[_Gathered]:
        return {
            Section.CHILD: self.child,
            Section.CARERS: self.carer_items,
            Section.CONTACTS: self.contacts,
            Section.CONSENTS: self.consents,
            Section.CONCERNS: self.concerns,
            Section.DECISIONS: self.decisions,
            Section.PROFESSIONALS: self.professionals,
            Section.VISITS: self.visits,
            Section.TRANSFERS: self.transfers,
            Section.PARENT_CONTACTS: self.parent_contacts,
        }[section]()

    def child(self) -> list[_Gathered]:
        row = self.db.one(
            "SELECT c.*, s.full_name AS key_worker FROM child c LEFT JOIN staff s ON s.id = c.key_worker_id "
            "WHERE c.id = ?",
            (self.child_id,),
        )
        if row is None:
            raise NotFound(children.GONE)
        sessions = int(row["sessions_per_week"])
        record = _lines(
            ("Legal name", row["legal_name"]),
            ("Known as", row["known_as"]),
            ("Date of birth", _on(row["date_of_birth"])),
            ("Sex or gender", row["sex_gender"]),
            ("Home address", str(row["address"]).replace("\n", ", ")),
            ("Home phone", row["phone"]),
            ("Room or group", row["room"]),
            ("Key worker", row["key_worker"]),
            ("Started", _on(row["start_date"])),
            ("Left", _on(row["leaving_date"])),
            ("Moving on to", row["destination"]),
            ("Sessions per week", sessions or ""),
            ("Attendance pattern", row["attendance_pattern"]),
            ("Additional needs", row["additional_needs"]),
            ("Medical and allergy notes", row["medical_notes"]),
        )
        found = [_Gathered(Section.CHILD, _RECORD_PART, "The child's record", record)]
        family = str(row["family_circumstances"])
        if family:
            found.append(
                _Gathered(Section.CHILD, _FAMILY_PART, "Family circumstances", family, FLAG_MAY_BE_OTHERS)
            )
        return found

    def carer_items(self) -> list[_Gathered]:
        found = []
        for carer in self.carers:
            content = _lines(
                ("Name", carer.full_name),
                ("Relationship to the child", carer.relationship),
                ("Parental responsibility", _yes(carer.parental_responsibility)),
                ("The child lives with them", _yes(carer.lives_with)),
                ("Address", carer.address.replace("\n", ", ")),
                ("Phone", carer.phone),
                ("Email", carer.email),
            )
            label = _joined(carer.full_name, carer.relationship)
            if carer.id == self.requester:
                found.append(_Gathered(Section.CARERS, int(carer.id), label, content))
                continue
            hidden = self._hidden(carer)
            found.append(
                _Gathered(
                    Section.CARERS,
                    int(carer.id),
                    label,
                    content,
                    FLAG_OTHER_PERSON,
                    withheld=bool(hidden),
                    exemption=Exemption.OTHER_PERSON if hidden else None,
                    reason=WITHHELD_CARER_REASON if hidden else "",
                )
            )
        return found

    def _hidden(self, carer: Carer) -> bool:
        """Whether this carer's contact details are withheld from the person asking (from anyone
        who is not a carer, since nobody can know who they are acting for)."""
        if carer.id == self.requester or not carer.withheld_from:
            return False
        return self.requester is None or self.requester in carer.withheld_from

    def contacts(self) -> list[_Gathered]:
        # A carer whose details are withheld is often an emergency contact too, with the phone
        # number the person asking must not have: suggested as withheld like their carer record.
        hidden = {names.fold(c.full_name) for c in self.carers if self._hidden(c)}
        found = []
        for r in self.db.query(
            "SELECT * FROM emergency_contact WHERE child_id = ? ORDER BY position, id", (self.child_id,)
        ):
            withheld = names.fold(str(r["full_name"])) in hidden
            found.append(
                _Gathered(
                    Section.CONTACTS,
                    int(r["id"]),
                    _joined(r["full_name"], r["relationship"]),
                    _lines(
                        ("Name", r["full_name"]),
                        ("Relationship to the child", r["relationship"]),
                        ("Phone", r["phone"]),
                        ("May collect the child", _yes(r["may_collect"])),
                    ),
                    FLAG_OTHER_PERSON,
                    withheld=withheld,
                    exemption=Exemption.OTHER_PERSON if withheld else None,
                    reason=WITHHELD_CARER_REASON if withheld else "",
                )
            )
        return found

    def consents(self) -> list[_Gathered]:
        kinds = all_kinds(self.db)
        rows = self.db.query(
            "SELECT * FROM consent WHERE child_id = ? ORDER BY kind_id, id", (self.child_id,)
        )
        history: dict[int, list[Any]] = {}
        for e in self.db.query(
            "SELECT e.*, h.full_name AS heard FROM consent_event e LEFT JOIN staff h ON h.id = e.heard_by "
            "JOIN consent c ON c.id = e.consent_id WHERE c.child_id = ? ORDER BY e.id",
            (self.child_id,),
        ):
            history.setdefault(int(e["consent_id"]), []).append(e)
        found = []
        for r in rows:
            kind = kinds[int(r["kind_id"])]
            lines = [f"Kind of consent: {kind.name}", f"Parent or carer: {r['carer_name']}"]
            for e in history.get(int(r["id"]), []):
                status = ConsentStatus(e["status"])
                how = "" if e["how"] is None else f" ({ConsentHow(e['how']).label.lower()})"
                line = f"{_on(e['status_on'])}: {status.label}{how}"
                if e["heard"]:
                    line += f", heard by {e['heard']}"
                extra = [
                    f"agencies: {e['agencies']}" if e["agencies"] else "",
                    f"review by {_on(e['review_on'])}" if e["review_on"] else "",
                    f"note: {e['note']}" if e["note"] else "",
                ]
                lines.append("; ".join([line, *(x for x in extra if x)]))
            own = r["carer_id"] is not None and int(r["carer_id"]) == self.requester
            found.append(
                _Gathered(
                    Section.CONSENTS,
                    int(r["id"]),
                    f"{kind.name}: {r['carer_name']}",
                    "\n".join(lines),
                    "" if own else FLAG_OTHER_PERSON,
                )
            )
        return found

    def concerns(self) -> list[_Gathered]:
        rows = self.db.query(
            "SELECT c.*, cat.name AS category, a.full_name AS author, x.full_name AS closer FROM concern c "
            "JOIN concern_category cat ON cat.id = c.category_id JOIN staff a ON a.id = c.author_id "
            "LEFT JOIN staff x ON x.id = c.closed_by WHERE c.child_id = ? ORDER BY c.seen_at, c.id",
            (self.child_id,),
        )
        if not rows:
            return []
        ids = [int(r["id"]) for r in rows]
        marks = ",".join("?" * len(ids))

        def grouped(sql: str) -> dict[int, list[Any]]:
            found: dict[int, list[Any]] = {}
            for r in self.db.query(sql.format(marks=marks), ids):
                found.setdefault(int(r["concern_id"]), []).append(r)
            return found

        amendments = grouped(
            "SELECT a.*, s.full_name AS who FROM concern_amendment a JOIN staff s ON s.id = a.amended_by "
            "WHERE a.concern_id IN ({marks}) ORDER BY a.id"
        )
        reviews = grouped(
            "SELECT r.*, s.full_name AS who FROM concern_review r JOIN staff s ON s.id = r.reviewed_by "
            "WHERE r.concern_id IN ({marks}) ORDER BY r.id"
        )
        actions = grouped(
            "SELECT a.*, s.full_name AS assignee, d.full_name AS doer FROM concern_action a "
            "JOIN staff s ON s.id = a.assigned_to LEFT JOIN staff d ON d.id = a.done_by "
            "WHERE a.concern_id IN ({marks}) ORDER BY a.id"
        )
        found = []
        for c in rows:
            cid = int(c["id"])
            current = {field: str(c[field]) for field in CONCERN_PARTS}
            corrections = []
            for a in amendments.get(cid, []):
                current[str(a["field"])] = str(a["new_text"])
                part = CONCERN_PARTS.get(str(a["field"]), str(a["field"]))
                corrections.append(
                    f"Corrected on {_when(a['amended_at'])} by {a['who']}: {part} was “{a['original']}”. "
                    f"Reason: {a['reason']}"
                )
            lines = [
                _lines(
                    ("Seen or heard on", _when(c["seen_at"])),
                    ("Recorded by", c["author"]),
                    ("Category", c["category"]),
                    ("Urgent", "Yes" if c["urgent"] else ""),
                    ("What was seen or heard", current["facts"]),
                    (
                        "The child's own words",
                        f"“{current['child_words']}”" if current["child_words"] else "",
                    ),
                    ("Opinion (not fact)", current["opinion"]),
                    ("Action taken", current["action_taken"]),
                    ("DSL told", _when(c["dsl_told_at"])),
                    ("Information from another agency", c["third_party_source"]),
                )
            ]
            lines += corrections
            for r in reviews.get(cid, []):
                again = f" Look again by {_on(r['review_date'])}." if r["review_date"] else ""
                lines.append(f"Reviewed by {r['who']} on {_when(r['reviewed_at'])}: {r['note']}{again}")
            for a in actions.get(cid, []):
                line = f"Action for {a['assignee']}, due {_on(a['due_date'])}: {_sentence(a['description'])}"
                if a["done_at"]:
                    line += f" Done on {_when(a['done_at'])}" + (f" by {a['doer']}" if a["doer"] else "")
                    line += f": {a['done_note']}" if a["done_note"] else "."
                lines.append(line)
            status = ConcernStatus(c["status"])
            if status is ConcernStatus.CLOSED:
                lines.append(f"Closed on {_when(c['closed_at'])} by {c['closer'] or ''}: {c['outcome']}")
            else:
                lines.append(f"Status: {status.label}")
            flag = FLAG_SAFEGUARDING
            source = str(c["third_party_source"])
            if source:
                agreed = (
                    " (they agreed it may be shared: check that covers the parent)"
                    if c["third_party_consent_at"]
                    else ""
                )
                flag = (
                    f"Given to us by another agency ({source}){agreed}: ask them before releasing it. {flag}"
                )
            found.append(
                _Gathered(
                    Section.CONCERNS,
                    cid,
                    f"Concern of {_when(c['seen_at'])}: {c['category']}",
                    "\n".join(line for line in lines if line),
                    flag,
                )
            )
        return found

    def decisions(self) -> list[_Gathered]:
        rows = self.db.query(
            "SELECT r.*, d.full_name AS decider FROM share_child sc "
            "JOIN share_request r ON r.id = sc.request_id LEFT JOIN staff d ON d.id = r.decided_by "
            "WHERE sc.child_id = ? ORDER BY r.received_at, r.id",
            (self.child_id,),
        )
        if not rows:
            return []
        ids = [int(r["id"]) for r in rows]
        marks = ",".join("?" * len(ids))
        corrected: dict[int, dict[str, str]] = {}
        for a in self.db.query(
            "SELECT request_id, field, new_text FROM share_amendment "
            f"WHERE request_id IN ({marks}) ORDER BY id",
            ids,
        ):
            corrected.setdefault(int(a["request_id"]), {})[str(a["field"])] = str(a["new_text"])
        shared: dict[int, list[Any]] = {}
        for i in self.db.query(f"SELECT * FROM share_item WHERE request_id IN ({marks}) ORDER BY id", ids):
            shared.setdefault(int(i["request_id"]), []).append(i)
        found = []
        for r in rows:
            sid = int(r["id"])
            now = {field: corrected.get(sid, {}).get(field, str(r[field])) for field in SHARE_PARTS}
            request = Direction(r["direction"]) is Direction.REQUEST
            lines = [
                _lines(
                    ("Received" if request else "Recorded", _when(r["received_at"])),
                    (
                        "Asked by",
                        _joined(r["requester_name"], r["requester_role"], r["requester_org"])
                        if request
                        else "",
                    ),
                    ("Came in by", Channel(r["received_via"]).label if request else ""),
                    ("What was asked for" if request else "What we wanted to share", r["asked_for"]),
                    ("Purpose", r["purpose"]),
                )
            ]
            if r["status"] == "final":
                verdict = Verdict(r["verdict"])
                ground = "" if r["ground"] is None else Ground(r["ground"]).label
                items = "; ".join(
                    f"{i['label']}{' (opinion)' if i['nature'] == Nature.OPINION else ''}: {i['content']}"
                    for i in shared.get(sid, [])
                )
                told = "" if r["family_told"] is None else FamilyTold(r["family_told"]).label
                lines.append(
                    _lines(
                        ("Decision", verdict.label),
                        ("Decided on", _when(r["decided_at"])),
                        ("Decided by", r["decider"]),
                        ("On the ground of", ground),
                        ("Reasons", now["reasons"]),
                        (
                            "Shared with",
                            _joined(r["recipient_name"], r["recipient_role"], r["recipient_org"]),
                        ),
                        ("Shared on", _on(r["shared_on"])),
                        ("How it was shared", now["shared_how"]),
                        ("What was shared", items),
                        ("The family", _joined(told, now["family_reason"])),
                    )
                )
            else:
                lines.append("Decision: not made yet")
            what = "Request to share information" if request else "Our decision to share information"
            found.append(
                _Gathered(
                    Section.DECISIONS,
                    sid,
                    f"{what} of {_when(r['received_at'])}",
                    "\n".join(line for line in lines if line),
                    FLAG_DECISION,
                )
            )
        return found

    def professionals(self) -> list[_Gathered]:
        return [
            _Gathered(
                Section.PROFESSIONALS,
                int(p["id"]),
                _joined(p["full_name"], p["agency"]),
                _lines(
                    ("Name", p["full_name"]),
                    ("Agency", p["agency"]),
                    ("Role", p["role"]),
                    ("Contact", p["contact"]),
                    ("Involved from", _on(p["from_date"])),
                    ("Involved until", _on(p["to_date"])),
                ),
                FLAG_AGENCY,
            )
            for p in self.db.query(
                "SELECT * FROM professional WHERE child_id = ? ORDER BY from_date, id", (self.child_id,)
            )
        ]

    def visits(self) -> list[_Gathered]:
        return [
            _Gathered(
                Section.VISITS,
                int(v["id"]),
                f"Visit of {_when(v['visited_at'])}: {_joined(v['visitor'], v['agency'])}",
                _lines(
                    ("When", _when(v["visited_at"])),
                    ("Visitor", v["visitor"]),
                    ("Agency", v["agency"]),
                    ("Purpose", v["purpose"]),
                    ("Supervised by", v["supervisor"]),
                ),
                FLAG_AGENCY,
            )
            for v in self.db.query(
                "SELECT v.*, s.full_name AS supervisor FROM agency_visit v "
                "JOIN staff s ON s.id = v.supervised_by WHERE v.child_id = ? ORDER BY v.visited_at, v.id",
                (self.child_id,),
            )
        ]

    def transfers(self) -> list[_Gathered]:
        found = []
        for t in self.db.query(
            "SELECT t.*, s.full_name AS sender FROM child_transfer t JOIN staff s ON s.id = t.sent_by "
            "WHERE t.child_id = ? ORDER BY t.sent_on, t.id",
            (self.child_id,),
        ):
            sent = date.fromisoformat(t["sent_on"])
            if t["received_on"] is None:
                due = add_school_days(sent, RECEIPT_SCHOOL_DAYS)
                receipt = f"Not confirmed yet (expected by {long_date(due)})"
            else:
                receipt = _joined(f"Confirmed on {_on(t['received_on'])}", t["receipt_note"])
            found.append(
                _Gathered(
                    Section.TRANSFERS,
                    int(t["id"]),
                    f"Child protection file sent to {t['receiving_setting']}",
                    _lines(
                        ("Sent to", _joined(t["receiving_person"], t["receiving_setting"])),
                        ("How", t["sent_how"]),
                        ("Sent on", long_date(sent)),
                        ("Sent by", t["sender"]),
                        ("Receipt", receipt),
                    ),
                )
            )
        return found

    def parent_contacts(self) -> list[_Gathered]:
        asking = names.fold(self.request.requester_name).split()
        found = []
        for p in self.db.query(
            "SELECT p.*, s.full_name AS recorder FROM parent_contact p JOIN staff s ON s.id = p.recorded_by "
            "WHERE p.child_id = ? ORDER BY p.contact_at, p.id",
            (self.child_id,),
        ):
            who = str(p["who"])
            kind = ContactKind(p["kind"]).label
            found.append(
                _Gathered(
                    Section.PARENT_CONTACTS,
                    int(p["id"]),
                    f"{kind} on {_when(p['contact_at'])}",
                    _lines(
                        ("When", _when(p["contact_at"])),
                        ("From", who or "Someone who did not give their name"),
                        ("What it was about", p["about"]),
                        ("What we did", p["action"]),
                        ("Recorded by", p["recorder"]),
                    ),
                    "" if who and names.fold(who).split() == asking else FLAG_OTHER_CALLER,
                )
            )
        return found


# --- the service -----------------------------------------------------------------------------


class SubjectAccessService:
    """``session.subject_access``: the manager and the DSL."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def _today(self) -> date:
        return local_today(self._ctx.clock)

    def _now(self) -> str:
        return to_text(self._ctx.clock.now())

    def _load(self, request_id: int) -> SubjectAccessRequest:
        row = self._ctx.database.one(f"{_REQUEST_SQL} WHERE r.id = ?", (request_id,))
        if row is None:
            raise NotFound(GONE)
        return _request(row)

    def _item_rows(self, request_id: int) -> list[PackItem]:
        return [
            _item(r)
            for r in self._ctx.database.query(
                f"{_ITEM_SQL} WHERE i.request_id = ? ORDER BY i.position, i.id", (request_id,)
            )
        ]

    @staticmethod
    def _require_open(request: SubjectAccessRequest) -> None:
        if request.released:
            when = "" if request.released_on is None else f" on {long_date(request.released_on)}"
            raise ValidationError(
                "status",
                f"This request was answered and its pack released{when}; nothing in it can be changed now. "
                "If the parent asks again, record a new request.",
            )

    def _audit(self, action: AuditAction, request: SubjectAccessRequest, **detail: object) -> None:
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, action, "child", request.child_id, {"request": int(request.id), **detail})

    # --- recording and listing ----------------------------------------------------------------

    def record(self, new: NewRequest) -> SubjectAccessRequest:
        """A parent (or someone for them) asked to see what is held about a child."""
        self._ctx.require(Action.SUBJECT_ACCESS)
        db = self._ctx.database
        child_id = new.child_id
        if isinstance(child_id, bool) or not isinstance(child_id, int):
            raise ValidationError("child_id", "Choose the child the request is about.")
        try:
            _legal, _known, born = children.heading(db, child_id)
        except NotFound:
            raise ValidationError(
                "child_id", "That child's record is not there any more; choose the child again."
            ) from None
        requester = validation.text(new.requester_name, field="requester_name", label="Who is asking")
        relationship = validation.text(
            new.relationship, field="relationship", label="Their relationship to the child", required=False
        )
        carer_id = new.carer_id
        if carer_id is not None:
            carer = next((c for c in children.carers_of(db, child_id) if c.id == carer_id), None)
            if carer is None:
                raise ValidationError(
                    "carer_id",
                    "That person is not one of this child's parents or carers on the record. Choose them "
                    "from the list, or type the name of someone else.",
                )
            relationship = relationship or carer.relationship
        received = validation.required_day(new.received_on, field="received_on", label="Received on")
        today = self._today()
        if received > today:
            raise ValidationError("received_on", "The date the request was received is in the future.")
        if received < born:
            raise ValidationError(
                "received_on", "The date received is before the child was born; please check the year."
            )
        if not isinstance(new.identity_checked, str) or not new.identity_checked.strip():
            raise ValidationError("identity_checked", IDENTITY_HELP)
        identity = validation.text(
            new.identity_checked,
            field="identity_checked",
            label="How you checked who they are",
            limit=IDENTITY_LIMIT,
            multiline=True,
        )
        due = add_months(received, ANSWER_MONTHS)
        with self._ctx.transaction() as tx:
            request_id = tx.execute(
                "INSERT INTO sar_request (child_id, requester_name, carer_id, relationship, received_on, "
                "identity_checked, due_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    child_id,
                    requester,
                    carer_id,
                    relationship,
                    received.isoformat(),
                    identity,
                    due.isoformat(),
                    self._ctx.actor.id,
                    self._now(),
                ),
            )
            self._ctx.audit(tx, AuditAction.SAR_RECORDED, "child", child_id, {"request": request_id})
        return self._load(request_id)

    def queue(self, *, include_released: bool = False) -> list[SubjectAccessRequest]:
        """Open requests by deadline (then the released ones, newest first, when asked)."""
        self._ctx.require(Action.SUBJECT_ACCESS)
        where = "" if include_released else " WHERE r.status = 'open'"
        found = [_request(r) for r in self._ctx.database.query(_REQUEST_SQL + where)]
        found.sort(
            key=lambda r: (
                r.released,
                -r.released_on.toordinal() if r.released_on else r.deadline.toordinal(),
                r.id,
            )
        )
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, AuditAction.SAR_VIEWED, "sar_request", None, {"listed": len(found)})
        return found

    def due_counts(self) -> tuple[int, int]:
        """(open, overdue): numbers only, for the Home page; not audit-logged."""
        self._ctx.require(Action.SUBJECT_ACCESS)
        row = self._ctx.database.one(
            "SELECT count(*) AS open, coalesce(sum(coalesce(extended_to, due_on) < ?), 0) AS late "
            "FROM sar_request WHERE status = 'open'",
            (self._today().isoformat(),),
        )
        return (0, 0) if row is None else (int(row["open"]), int(row["late"]))

    def reminders(self) -> list[Reminder]:
        """The Home page's lines: requests overdue, and the next deadline (numbers and dates only)."""
        self._ctx.require(Action.SUBJECT_ACCESS)
        today = self._today()
        deadlines = [
            date.fromisoformat(str(row[0]))
            for row in self._ctx.database.query(
                "SELECT coalesce(extended_to, due_on) FROM sar_request WHERE status = 'open' ORDER BY 1"
            )
        ]
        late = [day for day in deadlines if day < today]
        waiting = [day for day in deadlines if day >= today]
        found = []
        if late:
            requests = "request is" if len(late) == 1 else "requests are"
            found.append(
                Reminder(
                    f"Subject access: {len(late)} {requests} past the deadline (since {long_date(late[0])}).",
                    late[0],
                    True,
                )
            )
        if waiting:
            requests = "request is" if len(waiting) == 1 else "requests are"
            found.append(
                Reminder(
                    f"Subject access: {len(waiting)} {requests} open; the next must be answered by "
                    f"{long_date(waiting[0])}.",
                    waiting[0],
                    False,
                )
            )
        return found

    def get(self, request_id: int) -> SubjectAccessRequest:
        self._ctx.require(Action.SUBJECT_ACCESS)
        request = self._load(request_id)
        self._audit(AuditAction.SAR_VIEWED, request)
        return request

    # --- changing an open request --------------------------------------------------------------

    def extend(self, request_id: int, *, reason: str) -> SubjectAccessRequest:
        """Two more months for a complex request: once, and only within the first month."""
        self._ctx.require(Action.SUBJECT_ACCESS)
        request = self._load(request_id)
        self._require_open(request)
        if request.extended_to is not None:
            raise ValidationError(
                "reason",
                f"This request was already extended, to {long_date(request.extended_to)}; it can be extended "
                "only once.",
            )
        if self._today() > request.due_on:
            raise ValidationError(
                "reason",
                f"The month to answer ended on {long_date(request.due_on)}. An extension has to be "
                "decided, and the person told, within that month; answer the request as soon as you can.",
            )
        why = validation.text(
            reason,
            field="reason",
            label="Why the request needs longer",
            limit=REASON_LIMIT,
            multiline=True,
        )
        extended = add_months(request.received_on, ANSWER_MONTHS + EXTENSION_MONTHS)
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE sar_request SET extended_to = ?, extension_reason = ? WHERE id = ?",
                (extended.isoformat(), why, request_id),
            )
            self._ctx.audit(tx, AuditAction.SAR_EXTENDED, "child", request.child_id, {"request": request_id})
        return self._load(request_id)

    def set_cover_note(self, request_id: int, note: str) -> None:
        """The letter at the front of the pack (what is in it, anything withheld and why, how to
        complain); empty for none."""
        self._ctx.require(Action.SUBJECT_ACCESS)
        request = self._load(request_id)
        self._require_open(request)
        text = validation.text(
            note,
            field="cover_note",
            label="Cover note",
            required=False,
            limit=COVER_NOTE_LIMIT,
            multiline=True,
        )
        with self._ctx.transaction() as tx:
            tx.execute("UPDATE sar_request SET cover_note = ? WHERE id = ?", (text, request_id))
            self._ctx.audit(
                tx,
                AuditAction.SAR_CHANGED,
                "child",
                request.child_id,
                {"request": request_id, "fields": ["cover_note"]},
            )

    # --- the pack ------------------------------------------------------------------------------

    def gather(self, request_id: int, progress: Callable[[int, int], None] | None = None) -> list[PackItem]:
        """Snapshot everything held about the child, section by section (``progress(done, total)``
        after each), keeping the DSL's decisions on what reads the same."""
        self._ctx.require(Action.SUBJECT_ACCESS)
        request = self._load(request_id)
        self._require_open(request)
        report = progress or (lambda _done, _total: None)
        sections = list(Section)
        report(0, len(sections))
        gatherer = _Gatherer(self._ctx.database, request)
        gathered: list[_Gathered] = []
        for number, section in enumerate(sections, start=1):
            gathered += gatherer.section(section)
            report(number, len(sections))
        with self._ctx.transaction() as tx:
            if tx.scalar("SELECT status FROM sar_request WHERE id = ?", (request_id,)) != RequestStatus.OPEN:
                self._require_open(self._load(request_id))  # released meanwhile, on another PC
            earlier = {
                (str(r["section"]), r["source_id"]): r
                for r in tx.query(
                    "SELECT * FROM sar_item WHERE request_id = ? AND decided_by IS NOT NULL", (request_id,)
                )
            }
            tx.execute("DELETE FROM sar_item WHERE request_id = ?", (request_id,))
            kept = 0
            for position, item in enumerate(gathered):
                values = self._carried(item, earlier.get((item.section.value, item.source_id)))
                kept += values[-1] is not None
                tx.execute(
                    "INSERT INTO sar_item (request_id, section, source_id, position, label, content, flag, "
                    "withheld, exemption, reason, decided_by, decided_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        request_id,
                        item.section.value,
                        item.source_id,
                        position,
                        item.label,
                        item.content,
                        item.flag,
                        *values,
                    ),
                )
            flagged = sum(1 for item in gathered if item.flag)
            self._ctx.audit(
                tx,
                AuditAction.SAR_GATHERED,
                "child",
                request.child_id,
                {"request": request_id, "items": len(gathered), "flagged": flagged, "decisions_kept": kept},
            )
        return self._item_rows(request_id)

    @staticmethod
    def _carried(item: _Gathered, before: Any) -> tuple[int, str, str, int | None, str | None]:
        """(withheld, exemption, reason, decided_by, decided_at) for a newly gathered item: the
        DSL's earlier decision on the same source where it still holds, else the suggestion."""
        if before is not None and (before["withheld"] or str(before["content"]) == item.content):
            return (
                int(before["withheld"]),
                str(before["exemption"]),
                str(before["reason"]),
                int(before["decided_by"]),
                str(before["decided_at"]),
            )
        exemption = "" if item.exemption is None else item.exemption.value
        return int(item.withheld), exemption, item.reason, None, None

    def items(self, request_id: int) -> list[PackItem]:
        """Every gathered item, withheld or not, for the DSL's review."""
        self._ctx.require(Action.SUBJECT_ACCESS)
        request = self._load(request_id)
        found = self._item_rows(request_id)
        self._audit(AuditAction.SAR_VIEWED, request, items=len(found))
        return found

    def decide(
        self, item_id: int, *, withhold: bool, exemption: Exemption | str | None = None, reason: str = ""
    ) -> PackItem:
        """Release or withhold one item; withholding names the exemption and the reason."""
        self._ctx.require(Action.SUBJECT_ACCESS)
        row = self._ctx.database.one("SELECT request_id FROM sar_item WHERE id = ?", (item_id,))
        if row is None:
            raise NotFound(ITEM_GONE)
        request = self._load(int(row["request_id"]))
        self._require_open(request)
        if not isinstance(withhold, bool):
            raise ValidationError("withhold", "Choose whether to release or withhold the item.")
        chosen: Exemption | None = None
        if withhold:
            if exemption is None or exemption == "":
                raise ValidationError(
                    "exemption", "Choose the exemption that allows this item to be withheld."
                )
            try:
                chosen = Exemption(exemption)
            except ValueError:
                raise ValidationError("exemption", "Choose the exemption from the list.") from None
            if not isinstance(reason, str) or not reason.strip():
                sentence = (
                    "Say which exemption applies, and why it applies to this item."
                    if chosen is Exemption.OTHER
                    else "Say why the exemption applies to this item."
                )
                raise ValidationError("reason", sentence)
        elif exemption not in (None, ""):
            raise ValidationError("exemption", "An exemption is chosen only when an item is withheld.")
        why = validation.text(
            reason, field="reason", label="Reason", required=withhold, limit=REASON_LIMIT, multiline=True
        )
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE sar_item SET withheld = ?, exemption = ?, reason = ?, decided_by = ?, decided_at = ? "
                "WHERE id = ?",
                (
                    int(withhold),
                    "" if chosen is None else chosen.value,
                    why,
                    self._ctx.actor.id,
                    self._now(),
                    item_id,
                ),
            )
            self._ctx.audit(
                tx,
                AuditAction.SAR_ITEM_DECIDED,
                "child",
                request.child_id,
                {
                    "request": int(request.id),
                    "item": item_id,
                    "withheld": withhold,
                    "exemption": None if chosen is None else chosen.value,
                },
            )
        found = self._ctx.database.one(f"{_ITEM_SQL} WHERE i.id = ?", (item_id,))
        if found is None:  # pragma: no cover - written just above
            raise NotFound(ITEM_GONE)
        return _item(found)

    def pack(self, request_id: int) -> SubjectAccessPack:
        """What the PDF prints: a draft of what would be released, or exactly what was."""
        self._ctx.require(Action.SUBJECT_ACCESS)
        request = self._load(request_id)
        found = self._item_rows(request_id)
        shown = tuple(i for i in found if i.released) if request.released else tuple(_kept(found))
        settings = SettingsService(self._ctx)
        self._audit(AuditAction.SAR_VIEWED, request, pack=len(shown))
        return SubjectAccessPack(
            request=request,
            provider_name=settings.get(PROVIDER_NAME),
            provider_address=settings.get(PROVIDER_ADDRESS),
            items=shown,
            draft=not request.released,
        )

    def release(self, request_id: int) -> SubjectAccessRequest:
        """Answer the request: every item not withheld is released, today, by this person."""
        self._ctx.require(Action.SUBJECT_ACCESS)
        request = self._load(request_id)
        self._require_open(request)
        found = self._item_rows(request_id)
        if not found:
            raise ValidationError(
                "items", "Gather the records first, then review them; there is nothing to release yet."
            )
        waiting = [i for i in found if i.needs_decision]
        if waiting:
            sections = ", ".join(dict.fromkeys(i.section.label for i in waiting))
            count = len(waiting)
            raise ValidationError(
                "items",
                f"{count} item{'s' if count != 1 else ''} still need{'s' if count == 1 else ''} your "
                f"decision (release or withhold): {sections}.",
            )
        released = sum(1 for i in found if not i.withheld)
        with self._ctx.transaction() as tx:
            # Items first: once the request is released the triggers refuse any change to them.
            tx.execute(
                "UPDATE sar_item SET released = 1 WHERE request_id = ? AND withheld = 0", (request_id,)
            )
            tx.execute(
                "UPDATE sar_request SET status = 'released', released_on = ?, released_by = ? WHERE id = ?",
                (self._today().isoformat(), self._ctx.actor.id, request_id),
            )
            self._ctx.audit(
                tx,
                AuditAction.SAR_RELEASED,
                "child",
                request.child_id,
                {"request": request_id, "released": released, "withheld": len(found) - released},
            )
        return self._load(request_id)


def _kept(items: Iterable[PackItem]) -> Iterable[PackItem]:
    return (i for i in items if not i.withheld)
