"""The information-sharing decision log: intake, the decision path, management backing, the record.

Every request for information about a child or family, and every wish of our own to pass
something on, is opened as an intake by any member of staff and goes to the DSL's queue. The DSL
(or manager) walks it through the decision path (``app.policy.sharing_path``), records advice
where they were not sure, chooses exactly what is shared (each item a fact or an opinion), and
finalises. Sharing identifiable, confidential information without relying on consent needs a
second manager or DSL to confirm with their own password on this PC, or, where the setting has
only one, the record names who was consulted and how (policy 001 §2).

A finalised decision is never rewritten (schema triggers refuse it); corrections are amendments
that keep the original. Key workers may open an intake and read the ones they opened; only the
DSL and manager decide. Every view and list is audit-logged, like concerns.
"""

# ruff: noqa: S608 - the only text put into queries here is placeholders and fixed clauses

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NewType

from app import children, names, usernames, validation
from app import staff as staff_module
from app.audit import AuditAction
from app.children import ChildId
from app.clock import from_text, local_today, to_text
from app.concerns import FUTURE_TOLERANCE, ConcernId
from app.errors import NotFound, PermissionDenied, ValidationError, WrongPassword
from app.policy import permissions, sharing_path
from app.policy.permissions import Action, Role, Scope
from app.policy.sharing_path import (
    Answer,
    Ground,
    LawfulBasis,
    Outcome,
    Question,
    SpecialCondition,
    Verdict,
)
from app.session_context import SessionContext
from app.staff import StaffId
from app.vault.database import Database

ShareId = NewType("ShareId", int)
FollowUpId = NewType("FollowUpId", int)

NOTE_LIMIT = validation.LONG_TEXT_LIMIT
SEARCH_LIMIT = 200
# Requests "mine" returns with nothing typed, newest first: a manager who records most intakes
# has thousands over ten years (2,523 in the benchmark's dataset, 0.23 s to list just after
# sign-in). Beyond it, the window says to search.
LIST_LIMIT = 500
PLANNED_SHARE_DAYS = 28  # "when" may be a planned date this far ahead, no further
BACKING_ROLES = frozenset({Role.MANAGER, Role.DSL})


class Direction(StrEnum):
    REQUEST = "request"
    PROACTIVE = "proactive"

    @property
    def label(self) -> str:
        return {"request": "Request received", "proactive": "We want to share"}[self.value]


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"
    MEETING = "meeting"
    OWN_INITIATIVE = "own_initiative"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS: Mapping[Channel, str] = {
    Channel.PHONE: "Telephone",
    Channel.EMAIL: "Email",
    Channel.LETTER: "Letter",
    Channel.IN_PERSON: "In person",
    Channel.MEETING: "At a meeting",
    Channel.OWN_INITIATIVE: "Our own decision to share",
}


class Urgency(StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        return {"routine": "Routine", "soon": "Within a few days", "urgent": "Urgent — today"}[self.value]


class ShareStatus(StrEnum):
    OPEN = "open"
    FINAL = "final"

    @property
    def label(self) -> str:
        return {"open": "Awaiting decision", "final": "Decided"}[self.value]


class FamilyTold(StrEnum):
    TOLD = "told"
    WILL_TELL = "will_tell"
    NOT_TOLD = "not_told"

    @property
    def label(self) -> str:
        return {
            "told": "The family has been told",
            "will_tell": "The family will be told",
            "not_told": "The family is not being told",
        }[self.value]


class Nature(StrEnum):
    FACT = "fact"
    OPINION = "opinion"

    @property
    def label(self) -> str:
        return {"fact": "Fact", "opinion": "Opinion"}[self.value]


class FollowUpKind(StrEnum):
    TELL_FAMILY = "tell_family"
    CONFIRM_RECEIPT = "confirm_receipt"
    REVIEW = "review"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "tell_family": "Tell the family",
            "confirm_receipt": "Confirm it was received",
            "review": "Review the decision",
            "other": "Other",
        }[self.value]


# The parts of a finalised decision a correction may change, with the words the form uses.
AMENDABLE: Mapping[str, str] = {
    "reasons": "Reasons for the decision",
    "consent_reason": "Why we went on without consent",
    "shared_how": "How it is shared",
    "secured_how": "How it is kept secure",
    "retention": "How long the recipient keeps it",
    "family_reason": "Why the family is not told",
    "identity_protection": "Protecting anyone who could be harmed",
    "discussed_note": "Discussion with the requester",
}


@dataclass(frozen=True)
class Intake:
    """What was asked, by whom, about whom. Child, carer, concern and professional ids link the
    intake to the records it is about."""

    direction: Direction
    received_via: Channel
    received_at: datetime
    child_ids: tuple[int, ...]
    asked_for: str
    purpose: str = ""
    urgency: Urgency = Urgency.ROUTINE
    requester_org: str = ""
    requester_name: str = ""
    requester_role: str = ""
    requester_contact: str = ""
    carer_ids: tuple[int, ...] = ()
    concern_ids: tuple[int, ...] = ()
    professional_ids: tuple[int, ...] = ()
    phone_number: str = ""
    verified_how: str = ""
    called_back_at: datetime | None = None
    called_back_by: int | None = None


@dataclass(frozen=True)
class ChosenItem:
    """An item chosen for sharing: ``key`` from ``item_choices``, or "other" with its own words."""

    key: str
    nature: Nature
    label: str = ""
    content: str = ""


@dataclass(frozen=True)
class OutcomeDraft:
    reasons: str = ""
    lawful_basis: LawfulBasis | None = None
    special_condition: SpecialCondition | None = None
    recipient_name: str = ""
    recipient_role: str = ""
    recipient_org: str = ""
    shared_how: str = ""
    secured_how: str = ""
    retention: str = ""
    shared_on: date | None = None
    family_told: FamilyTold | None = None
    family_reason: str = ""
    identity_protection: str = ""
    discussed_with_requester: bool | None = None
    discussed_note: str = ""
    items: tuple[ChosenItem, ...] = ()


@dataclass(frozen=True)
class NewFollowUp:
    kind: FollowUpKind
    due_date: date
    description: str = ""


@dataclass(frozen=True)
class ItemChoice:
    """Something from the record that could be shared. Third-party information without the
    agency's consent is offered greyed out with ``why_not`` and is refused if chosen."""

    key: str
    label: str
    content: str
    nature: Nature  # the nature it has in the record; the DSL confirms it
    shareable: bool
    why_not: str = ""
    caution: str = ""  # shareable, but think first (an address withheld from another carer)


WITHHELD_CAUTION = (
    "Withheld from another carer on the record: share it only if it cannot reach them "
    "(protect the identity of anyone who could be harmed)."
)


@dataclass(frozen=True)
class LinkedChild:
    id: ChildId
    name: str  # the name used day to day (known-as when there is one)
    date_of_birth: date
    legal_name: str = ""

    @property
    def full_name(self) -> str:
        """The legal name, with the known-as name in brackets when it differs (for the record)."""
        if self.legal_name and self.legal_name != self.name:
            return f"{self.legal_name} (known as {self.name})"
        return self.legal_name or self.name


@dataclass(frozen=True)
class LinkedConcern:
    id: ConcernId
    child_id: ChildId
    seen_at: datetime
    category: str
    third_party_source: str
    shareable: bool


@dataclass(frozen=True)
class LinkedLabel:
    id: int | None  # None once the carer or professional was removed from the record
    label: str


@dataclass(frozen=True)
class Advice:
    question: Question
    adviser: str
    advice: str
    child_named: bool
    sought_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class SharedItem:
    source: str
    label: str
    content: str
    nature: Nature
    source_id: int | None = None

    @property
    def key(self) -> str:
        """The ``ItemChoice.key`` this item was chosen as ("other" for words typed in)."""
        if self.source == "other" or self.source_id is None:
            return "other"
        if self.source.startswith("concern_"):
            return f"concern:{self.source_id}:{self.source.removeprefix('concern_')}"
        return f"{self.source}:{self.source_id}"


@dataclass(frozen=True)
class FollowUp:
    id: FollowUpId
    kind: FollowUpKind
    description: str
    due_date: date
    created_by: str
    done_at: datetime | None
    done_by: str
    done_note: str

    def overdue(self, today: date) -> bool:
        return self.done_at is None and self.due_date < today


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
class ShareSummary:
    id: ShareId
    direction: Direction
    received_via: Channel
    received_at: datetime
    requester: str  # organisation and name, for the list
    children: str  # the children's names, for the list
    urgency: Urgency
    status: ShareStatus
    verdict: Verdict
    opened_by: str
    open_followups: int
    overdue_followups: int

    @property
    def needs_attention(self) -> bool:
        return self.status is ShareStatus.OPEN or self.overdue_followups > 0


@dataclass(frozen=True)
class ShareRecord:
    """An intake and everything decided about it. Text fields hold the words as finalised;
    ``current(field)`` gives them after amendments."""

    id: ShareId
    status: ShareStatus
    direction: Direction
    received_via: Channel
    received_at: datetime
    opened_by_id: StaffId
    opened_by: str
    opened_at: datetime
    requester_org: str
    requester_name: str
    requester_role: str
    requester_contact: str
    asked_for: str
    purpose: str
    urgency: Urgency
    phone_number: str
    verified_how: str
    called_back_at: datetime | None
    called_back_by: str
    children: tuple[LinkedChild, ...]
    carers: tuple[LinkedLabel, ...]
    concerns: tuple[LinkedConcern, ...]
    professionals: tuple[LinkedLabel, ...]
    answers: Mapping[Question, Answer]
    outcome: Outcome
    consent_reason: str
    advice: tuple[Advice, ...]
    reasons: str
    lawful_basis: LawfulBasis | None
    special_condition: SpecialCondition | None
    recipient_name: str
    recipient_role: str
    recipient_org: str
    shared_how: str
    secured_how: str
    retention: str
    shared_on: date | None
    family_told: FamilyTold | None
    family_reason: str
    identity_protection: str
    discussed_with_requester: bool | None
    discussed_note: str
    items: tuple[SharedItem, ...]
    backed_by: str
    backed_role: str
    backed_at: datetime | None
    consulted: str
    consulted_how: str
    decided_by: str
    decided_role: str
    decided_at: datetime | None
    followups: tuple[FollowUp, ...]
    amendments: tuple[Amendment, ...]
    may_decide: bool

    @property
    def final(self) -> bool:
        return self.status is ShareStatus.FINAL

    @property
    def backed(self) -> bool:
        return self.backed_at is not None or bool(self.consulted)

    def current(self, field: str) -> str:
        text = str(getattr(self, field))
        for amendment in self.amendments:
            if amendment.field == field:
                text = amendment.new_text
        return text


@dataclass(frozen=True)
class SharingCounts:
    open: int
    urgent: int
    overdue_followups: int


def _moment(text: Any) -> datetime | None:
    return None if text is None else from_text(str(text))


def _day(text: Any) -> date | None:
    return None if text is None else date.fromisoformat(str(text))


def _note(value: object, field: str, label: str, *, required: bool = False) -> str:
    return validation.text(
        value, field=field, label=label, required=required, limit=NOTE_LIMIT, multiline=True
    )


def _line(value: object, field: str, label: str, *, required: bool = False) -> str:
    return validation.text(value, field=field, label=label, required=required)


def _enum(kind: type[StrEnum], value: object, field: str, sentence: str) -> Any:
    try:
        return kind(str(value))
    except ValueError:
        raise ValidationError(field, sentence) from None


def _ids(values: object, field: str) -> tuple[int, ...]:
    if not isinstance(values, (tuple, list)) or any(
        isinstance(v, bool) or not isinstance(v, int) for v in values
    ):
        raise ValidationError(field, "Choose from the lists shown.")
    return tuple(dict.fromkeys(values))


def decode_answers(text: str) -> dict[Question, Answer]:
    """The stored answers; anything not understood (an older or damaged row) is left out."""
    try:
        raw = json.loads(text)
    except ValueError:
        return {}
    found: dict[Question, Answer] = {}
    if isinstance(raw, dict):
        for question, answer in raw.items():
            try:
                q, a = Question(question), Answer(answer)
            except ValueError:
                continue
            if a in sharing_path.QUESTIONS[q].answers:
                found[q] = a
    return found


def encode_answers(answers: Mapping[Question, Answer]) -> str:
    return json.dumps({q.value: a.value for q, a in answers.items()}, sort_keys=True)


def _outcome_as_recorded(row: Any, answers: Mapping[Question, Answer]) -> Outcome:
    """Where the answers lead; for a finalised decision, the verdict and ground as recorded then,
    so a later change to the decision path never changes what a past decision says."""
    outcome = sharing_path.decide(answers)
    if row["status"] != ShareStatus.FINAL:
        return outcome
    return replace(
        outcome,
        verdict=Verdict(row["verdict"]),
        ground=None if row["ground"] is None else Ground(row["ground"]),
        criterion=None if row["criterion"] is None else Answer(row["criterion"]),
    )


def role_words(roles: frozenset[Role]) -> str:
    """The roles that matter for a decision, as printed on the record ("Manager and DSL")."""
    shown = [r.label for r in (Role.MANAGER, Role.DSL, Role.KEY_WORKER) if r in roles]
    return " and ".join(shown) or "Staff"


def reindex(tx: Database, share_id: int) -> None:
    """The search row of one request: who asked, what for, and the children's names."""
    row = tx.one(
        "SELECT requester_org, requester_name, requester_role, asked_for, purpose FROM share_request "
        "WHERE id = ?",
        (share_id,),
    )
    tx.execute("DELETE FROM share_search WHERE rowid = ?", (share_id,))
    if row is None:
        return
    kids = tx.query(
        "SELECT c.legal_name, c.known_as FROM share_child s JOIN child c ON c.id = s.child_id "
        "WHERE s.request_id = ?",
        (share_id,),
    )
    parts = [
        str(row[k]) for k in ("requester_org", "requester_name", "requester_role", "asked_for", "purpose")
    ]
    parts += [f"{k['legal_name']} {k['known_as']}" for k in kids]
    tx.execute(
        "INSERT INTO share_search (rowid, text) VALUES (?, ?)", (share_id, names.fold("\n".join(parts)))
    )


_SUMMARY_SQL = """
SELECT r.id, r.direction, r.received_via, r.received_at, r.requester_org, r.requester_name, r.urgency,
       r.status, r.verdict, s.full_name AS opened_by,
       (SELECT group_concat(name, ', ') FROM (SELECT coalesce(nullif(c.known_as, ''), c.legal_name) AS name
            FROM share_child sc JOIN child c ON c.id = sc.child_id WHERE sc.request_id = r.id
            ORDER BY c.id)) AS children,
       (SELECT count(*) FROM share_followup f WHERE f.request_id = r.id AND +f.done_at IS NULL) AS open_f,
       (SELECT count(*) FROM share_followup f WHERE f.request_id = r.id AND +f.done_at IS NULL
            AND +f.due_date < :today) AS overdue_f
FROM share_request r
JOIN staff s ON s.id = r.opened_by
"""


def _summary(row: Any) -> ShareSummary:
    requester = ", ".join(p for p in (str(row["requester_org"]), str(row["requester_name"])) if p)
    return ShareSummary(
        id=ShareId(int(row["id"])),
        direction=Direction(row["direction"]),
        received_via=Channel(row["received_via"]),
        received_at=from_text(row["received_at"]),
        requester=requester,
        children=str(row["children"] or ""),
        urgency=Urgency(row["urgency"]),
        status=ShareStatus(row["status"]),
        verdict=Verdict(row["verdict"]),
        opened_by=str(row["opened_by"]),
        open_followups=int(row["open_f"]),
        overdue_followups=int(row["overdue_f"]),
    )


class SharingService:
    """``session.sharing``."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def _now(self) -> datetime:
        return self._ctx.clock.now()

    def _today(self) -> date:
        return local_today(self._ctx.clock)

    # --- intake -------------------------------------------------------------------------------

    def _clean_intake(self, intake: Intake, scope_concerns: Scope) -> Intake:
        db = self._ctx.database
        now = self._now()
        direction = _enum(
            Direction, intake.direction, "direction", "Say whether this is a request or our wish."
        )
        channel = _enum(Channel, intake.received_via, "received_via", "Say how the request came in.")
        if direction is Direction.REQUEST and channel is Channel.OWN_INITIATIVE:
            raise ValidationError("received_via", "Say how the request came in: telephone, email, letter ...")
        if direction is Direction.PROACTIVE and channel not in (Channel.OWN_INITIATIVE, Channel.MEETING):
            raise ValidationError(
                "received_via", "For our own wish to share, choose “our own decision” or “at a meeting”."
            )
        received = validation.moment(intake.received_at, field="received_at", label="When it came in")
        if received > now + FUTURE_TOLERANCE:
            raise ValidationError("received_at", "“When it came in” is in the future; please check the date.")
        urgency = _enum(Urgency, intake.urgency, "urgency", "Say how urgent it is.")
        org = _line(intake.requester_org, "requester_org", "Organisation")
        who = _line(intake.requester_name, "requester_name", "Name")
        role = _line(intake.requester_role, "requester_role", "Role")
        contact = _line(intake.requester_contact, "requester_contact", "Contact details")
        if direction is Direction.REQUEST and not (org and who):
            field = "requester_org" if not org else "requester_name"
            raise ValidationError(field, "Record who asked: their organisation and their name.")
        asked = _note(intake.asked_for, "asked_for", "What is asked for", required=True)
        purpose = _note(intake.purpose, "purpose", "The stated purpose")
        phone = _line(intake.phone_number, "phone_number", "Number taken")
        verified = _line(intake.verified_how, "verified_how", "How the number was checked")
        if channel is Channel.PHONE and direction is Direction.REQUEST and not phone:
            raise ValidationError(
                "phone_number",
                "Take the caller's number, so you can check it and call back (policy 003 §11).",
            )
        called_back = None
        called_by = None
        if intake.called_back_at is not None:
            called_back = validation.moment(
                intake.called_back_at, field="called_back_at", label="Called back"
            )
            if called_back > now + FUTURE_TOLERANCE:
                raise ValidationError("called_back_at", "“Called back” is in the future; please check it.")
            if called_back < received - timedelta(minutes=1):
                raise ValidationError(
                    "called_back_at", "The call back is before the call came in; check both."
                )
            called_by = intake.called_back_by if intake.called_back_by is not None else self._ctx.actor.id
            if isinstance(called_by, bool) or not db.scalar(
                "SELECT 1 FROM staff WHERE id = ? AND active = 1", (called_by,)
            ):
                raise ValidationError("called_back_by", "Choose who called back from the staff list.")
        kids = _ids(intake.child_ids, "child_ids")
        if not kids:
            raise ValidationError("child_ids", "Choose the child or children the request is about.")
        for kid in kids:
            children.heading(db, kid)
        marks = ",".join("?" * len(kids))
        carers = _ids(intake.carer_ids, "carer_ids")
        for carer in carers:
            if not db.scalar(
                f"SELECT 1 FROM child_carer WHERE carer_id = ? AND child_id IN ({marks})", (carer, *kids)
            ):
                raise ValidationError("carer_ids", "Choose carers of the children the request is about.")
        concerns = _ids(intake.concern_ids, "concern_ids")
        for concern in concerns:
            row = db.one(
                f"SELECT author_id FROM concern WHERE id = ? AND child_id IN ({marks})", (concern, *kids)
            )
            if row is None or (scope_concerns is Scope.OWN and row["author_id"] != self._ctx.actor.id):
                raise ValidationError(
                    "concern_ids", "Choose concerns about these children that you can read."
                )
        professionals = _ids(intake.professional_ids, "professional_ids")
        for professional in professionals:
            if not db.scalar(
                f"SELECT 1 FROM professional WHERE id = ? AND child_id IN ({marks})", (professional, *kids)
            ):
                raise ValidationError("professional_ids", "Choose professionals working with these children.")
        return Intake(
            direction=direction,
            received_via=channel,
            received_at=received,
            child_ids=kids,
            asked_for=asked,
            purpose=purpose,
            urgency=urgency,
            requester_org=org,
            requester_name=who,
            requester_role=role,
            requester_contact=contact,
            carer_ids=carers,
            concern_ids=concerns,
            professional_ids=professionals,
            phone_number=phone,
            verified_how=verified,
            called_back_at=called_back,
            called_back_by=called_by,
        )

    def _concern_scope(self) -> Scope:
        found = permissions.scope(self._ctx.roles, Action.CONCERN_READ)
        return found if found is not None else Scope.OWN

    def _write_links(self, tx: Database, share_id: int, intake: Intake) -> None:
        for table in ("share_child", "share_carer", "share_concern", "share_professional"):
            tx.execute(f"DELETE FROM {table} WHERE request_id = ?", (share_id,))
        for kid in intake.child_ids:
            tx.execute("INSERT INTO share_child (request_id, child_id) VALUES (?, ?)", (share_id, kid))
        for carer in intake.carer_ids:
            name = tx.scalar("SELECT full_name FROM carer WHERE id = ?", (carer,))
            tx.execute(
                "INSERT INTO share_carer (request_id, carer_id, label) VALUES (?, ?, ?)",
                (share_id, carer, name),
            )
        for concern in intake.concern_ids:
            tx.execute(
                "INSERT INTO share_concern (request_id, concern_id) VALUES (?, ?)", (share_id, concern)
            )
        for professional in intake.professional_ids:
            row = tx.one("SELECT full_name, role, agency FROM professional WHERE id = ?", (professional,))
            if row is None:  # checked moments ago in the same transaction
                raise NotFound("That professional is no longer on the child's record.")
            label = ", ".join(p for p in (str(row["full_name"]), str(row["role"]), str(row["agency"])) if p)
            tx.execute(
                "INSERT INTO share_professional (request_id, professional_id, label) VALUES (?, ?, ?)",
                (share_id, professional, label),
            )
        reindex(tx, share_id)

    @staticmethod
    def _intake_params(intake: Intake) -> dict[str, Any]:
        return {
            "direction": intake.direction.value,
            "received_via": intake.received_via.value,
            "received_at": to_text(intake.received_at),
            "requester_org": intake.requester_org,
            "requester_name": intake.requester_name,
            "requester_role": intake.requester_role,
            "requester_contact": intake.requester_contact,
            "asked_for": intake.asked_for,
            "purpose": intake.purpose,
            "urgency": intake.urgency.value,
            "phone_number": intake.phone_number,
            "verified_how": intake.verified_how,
            "called_back_at": None if intake.called_back_at is None else to_text(intake.called_back_at),
            "called_back_by": intake.called_back_by,
        }

    def open(self, intake: Intake) -> ShareRecord:
        """Record a request (or our wish to share); it goes to the DSL's queue."""
        self._ctx.require(Action.SHARING_INTAKE)
        clean = self._clean_intake(intake, self._concern_scope())
        params = self._intake_params(clean)
        params.update(opened_by=self._ctx.actor.id, opened_at=to_text(self._now()))
        columns = ", ".join(params)
        with self._ctx.transaction() as tx:
            share_id = tx.execute(
                f"INSERT INTO share_request ({columns}) VALUES ({', '.join(':' + c for c in params)})", params
            )
            self._write_links(tx, share_id, clean)
            self._ctx.audit(
                tx,
                AuditAction.SHARE_OPENED,
                "share_request",
                share_id,
                {
                    "children": len(clean.child_ids),
                    "via": clean.received_via.value,
                    "urgency": clean.urgency.value,
                },
            )
        return self._load(share_id)

    def _readable(self, share_id: int) -> Any:
        """The row, if this person may read it; ``NotFound`` otherwise (no hint either way)."""
        scope = self._ctx.require(Action.SHARING_READ)
        row = self._ctx.database.one("SELECT opened_by, status FROM share_request WHERE id = ?", (share_id,))
        if row is None or (scope is Scope.OWN and row["opened_by"] != self._ctx.actor.id):
            raise NotFound("That information-sharing record is not there, or it is not one you can read.")
        return row

    def _still_open(self, row: Any) -> None:
        if row["status"] == ShareStatus.FINAL:
            raise ValidationError(
                "status",
                "This decision is finalised and is never rewritten. Add an amendment to correct it, or open "
                "a new request.",
            )

    def update_intake(self, share_id: int, intake: Intake) -> ShareRecord:
        """Correct the intake before the decision is finalised (its opener, or the DSL)."""
        self._ctx.require(Action.SHARING_INTAKE)
        row = self._readable(share_id)
        self._still_open(row)
        scope = self._concern_scope()
        clean = self._clean_intake(intake, scope)
        db = self._ctx.database
        stored = db.one("SELECT called_back_at, called_back_by FROM share_request WHERE id = ?", (share_id,))
        if (
            stored is not None
            and intake.called_back_by is None
            and clean.called_back_at is not None
            and stored["called_back_at"] == to_text(clean.called_back_at)
        ):
            # The same call back as before: it stays with whoever made it, not whoever corrects.
            clean = replace(clean, called_back_by=stored["called_back_by"])
        if scope is Scope.OWN:
            # Concerns the DSL linked that this person cannot read stay linked: they never saw them,
            # so their correction cannot mean to remove them.
            hidden = tuple(
                int(r["concern_id"])
                for r in db.query(
                    "SELECT s.concern_id FROM share_concern s JOIN concern c ON c.id = s.concern_id "
                    "WHERE s.request_id = ? AND c.author_id <> ?",
                    (share_id, self._ctx.actor.id),
                )
                if db.scalar("SELECT child_id FROM concern WHERE id = ?", (r["concern_id"],))
                in clean.child_ids
            )
            clean = replace(clean, concern_ids=clean.concern_ids + hidden)
        params = self._intake_params(clean)
        sets = ", ".join(f"{c} = :{c}" for c in params)
        before = self._substance(share_id)
        with self._ctx.transaction() as tx:
            tx.execute(f"UPDATE share_request SET {sets} WHERE id = :id", {**params, "id": share_id})
            self._write_links(tx, share_id, clean)
            if self._substance(share_id, tx) != before:
                self._clear_backing(tx, share_id)
            self._ctx.audit(tx, AuditAction.SHARE_INTAKE_CHANGED, "share_request", share_id)
        return self._load(share_id)

    def _substance(self, share_id: int, db: Database | None = None) -> tuple[object, ...]:
        """What a backer confirmed about the intake: who asked, for what, about whom. Recording
        the call back or fixing the urgency does not need the decision backed again."""
        db = db or self._ctx.database
        row = db.one(
            "SELECT direction, requester_org, requester_name, requester_role, asked_for, purpose "
            "FROM share_request WHERE id = ?",
            (share_id,),
        )
        links = tuple(
            tuple(
                r[0]
                for r in db.query(
                    f"SELECT {column} FROM {table} WHERE request_id = ? ORDER BY 1", (share_id,)
                )
            )
            for table, column in (
                ("share_child", "child_id"),
                ("share_carer", "carer_id"),
                ("share_concern", "concern_id"),
                ("share_professional", "professional_id"),
            )
        )
        return (tuple(row) if row is not None else (), links)

    # --- reading ------------------------------------------------------------------------------

    def get(self, share_id: int) -> ShareRecord:
        """One record with everything decided about it; the view is audit-logged."""
        self._readable(share_id)
        record = self._load(share_id)
        with self._ctx.transaction() as tx:
            self._ctx.audit(
                tx,
                AuditAction.SHARE_VIEWED,
                "share_request",
                share_id,
                {"children": [c.id for c in record.children]},
            )
        return record

    def _summaries(self, where: str, params: dict[str, Any], order: str) -> list[ShareSummary]:
        params = {"today": self._today().isoformat(), "me": self._ctx.actor.id, **params}
        rows = self._ctx.database.query(f"{_SUMMARY_SQL} WHERE 1 = 1 {where} ORDER BY {order}", params)
        return [_summary(r) for r in rows]

    def _listed(
        self, where: str, search: str, order: str, which: str, *, limit: int | None = None
    ) -> list[ShareSummary]:
        """Summaries in ``order``. A search returns its first ``SEARCH_LIMIT`` rows, a list with
        a ``limit`` its first ``limit``: the ids are picked by a cheap query first, then only
        those become summaries, since ten years hold some 10,000 decisions."""
        params: dict[str, Any] = {}
        if search.strip() or limit is not None:
            pick: dict[str, Any] = {"me": self._ctx.actor.id, "today": self._today().isoformat()}
            matching = ""
            if search.strip():
                query = children.fts_query(search)
                if query is None:
                    return []
                # The unary + keeps SQLite walking the queue's index in order rather than
                # reading every match of a one-letter search and sorting it.
                matching = " AND +r.id IN (SELECT rowid FROM share_search WHERE share_search MATCH :q)"
                pick["q"] = query
            first = self._ctx.database.query(
                f"SELECT r.id FROM share_request r WHERE 1 = 1 {matching} {where} "
                f"ORDER BY {order} LIMIT {SEARCH_LIMIT if search.strip() else limit}",
                pick,
            )
            where = f" AND r.id IN ({','.join(str(int(r['id'])) for r in first) or 'NULL'})"
        found = self._summaries(where, params, order)
        with self._ctx.transaction() as tx:
            self._ctx.audit(
                tx,
                AuditAction.SHARES_LISTED,
                "share_request",
                None,
                {"list": which, "count": len(found), "searched": bool(search.strip())},
            )
        return found

    _QUEUE_ORDER = (
        "r.status = 'final', r.urgency = 'urgent' DESC, r.urgency = 'soon' DESC, "
        "r.received_at DESC, r.id DESC"
    )

    def queue(self, *, search: str = "", include_final: bool = False) -> list[ShareSummary]:
        """The DSL's queue: intakes awaiting a decision (urgent first), then decisions with overdue
        follow-ups; with ``include_final`` every decision, the first ``SEARCH_LIMIT`` of them."""
        self._ctx.require(Action.SHARING_DECIDE)
        where = (
            ""
            if include_final
            # Two indexed lookups, not a test of every decision ever made.
            else (
                " AND r.id IN (SELECT id FROM share_request WHERE status = 'open' UNION ALL "
                "SELECT request_id FROM share_followup WHERE done_at IS NULL AND due_date < :today)"
            )
        )
        limit = SEARCH_LIMIT if include_final else None
        return self._listed(where, search, self._QUEUE_ORDER, "queue", limit=limit)

    def mine(self, *, search: str = "") -> list[ShareSummary]:
        """The intakes this person opened, newest first: at most ``LIST_LIMIT`` with nothing
        typed, ``SEARCH_LIMIT`` matches of a search."""
        self._ctx.require(Action.SHARING_INTAKE)
        order = "r.received_at DESC, r.id DESC"
        return self._listed(" AND r.opened_by = :me", search, order, "mine", limit=LIST_LIMIT)

    def for_child(self, child_id: int) -> list[ShareSummary]:
        """The requests about this child this person may read, newest first; audit-logged."""
        scope = self._ctx.require(Action.SHARING_READ)
        children.heading(self._ctx.database, child_id)
        own = "" if scope is Scope.ALL else " AND r.opened_by = :me"
        found = self._summaries(
            f" AND r.id IN (SELECT request_id FROM share_child WHERE child_id = :child) {own}",
            {"child": child_id},
            "r.received_at DESC, r.id DESC",
        )
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, AuditAction.SHARES_LISTED, "child", child_id, {"count": len(found)})
        return found

    def counts(self) -> SharingCounts:
        """For the badge on the navigation: numbers only, so not audit-logged."""
        self._ctx.require(Action.SHARING_DECIDE)
        row = self._ctx.database.one(
            "SELECT (SELECT count(*) FROM share_request WHERE status = 'open') AS open, "
            "(SELECT count(*) FROM share_request WHERE status = 'open' AND urgency = 'urgent') AS urgent, "
            "(SELECT count(*) FROM share_followup WHERE done_at IS NULL AND due_date < :today) AS overdue",
            {"today": self._today().isoformat()},
        )
        if row is None:  # a SELECT of subqueries always returns one row
            return SharingCounts(0, 0, 0)
        return SharingCounts(int(row["open"]), int(row["urgent"]), int(row["overdue"]))

    def _load(self, share_id: int) -> ShareRecord:
        db = self._ctx.database
        row = db.one(
            "SELECT r.*, o.full_name AS opener, cb.full_name AS caller, b.full_name AS backer, "
            "d.full_name AS decider FROM share_request r JOIN staff o ON o.id = r.opened_by "
            "LEFT JOIN staff cb ON cb.id = r.called_back_by LEFT JOIN staff b ON b.id = r.backed_by "
            "LEFT JOIN staff d ON d.id = r.decided_by WHERE r.id = ?",
            (share_id,),
        )
        if row is None:
            raise NotFound("That information-sharing record is not there any more.")
        answers = decode_answers(str(row["answers"]))
        kids = tuple(
            LinkedChild(
                ChildId(int(k["id"])),
                str(k["known_as"] or k["legal_name"]),
                date.fromisoformat(k["date_of_birth"]),
                str(k["legal_name"]),
            )
            for k in db.query(
                "SELECT c.id, c.legal_name, c.known_as, c.date_of_birth FROM share_child s "
                "JOIN child c ON c.id = s.child_id WHERE s.request_id = ? ORDER BY c.id",
                (share_id,),
            )
        )
        concerns = tuple(
            LinkedConcern(
                ConcernId(int(c["id"])),
                ChildId(int(c["child_id"])),
                from_text(c["seen_at"]),
                str(c["category"]),
                str(c["third_party_source"]),
                not c["third_party_source"] or c["third_party_consent_at"] is not None,
            )
            for c in db.query(
                "SELECT c.id, c.child_id, c.seen_at, cat.name AS category, c.third_party_source, "
                "c.third_party_consent_at FROM share_concern s JOIN concern c ON c.id = s.concern_id "
                "JOIN concern_category cat ON cat.id = c.category_id WHERE s.request_id = ? "
                "ORDER BY c.seen_at, c.id",
                (share_id,),
            )
        )
        carers = tuple(
            LinkedLabel(None if r["carer_id"] is None else int(r["carer_id"]), str(r["label"]))
            for r in db.query(
                "SELECT carer_id, label FROM share_carer WHERE request_id = ? ORDER BY rowid", (share_id,)
            )
        )
        professionals = tuple(
            LinkedLabel(None if r["professional_id"] is None else int(r["professional_id"]), str(r["label"]))
            for r in db.query(
                "SELECT professional_id, label FROM share_professional WHERE request_id = ? ORDER BY rowid",
                (share_id,),
            )
        )
        advice = tuple(
            Advice(
                Question(a["question"]),
                str(a["adviser"]),
                str(a["advice"]),
                bool(a["child_named"]),
                from_text(a["sought_at"]),
                str(a["who"]),
            )
            for a in db.query(
                "SELECT a.*, s.full_name AS who FROM share_advice a JOIN staff s ON s.id = a.recorded_by "
                "WHERE a.request_id = ? ORDER BY a.id",
                (share_id,),
            )
        )
        items = tuple(
            SharedItem(
                str(i["source"]),
                str(i["label"]),
                str(i["content"]),
                Nature(i["nature"]),
                None if i["source_id"] is None else int(i["source_id"]),
            )
            for i in db.query("SELECT * FROM share_item WHERE request_id = ? ORDER BY id", (share_id,))
        )
        followups = tuple(
            FollowUp(
                FollowUpId(int(f["id"])),
                FollowUpKind(f["kind"]),
                str(f["description"]),
                date.fromisoformat(f["due_date"]),
                str(f["creator"]),
                _moment(f["done_at"]),
                str(f["doer"] or ""),
                str(f["done_note"]),
            )
            for f in db.query(
                "SELECT f.*, c.full_name AS creator, d.full_name AS doer FROM share_followup f "
                "JOIN staff c ON c.id = f.created_by LEFT JOIN staff d ON d.id = f.done_by "
                "WHERE f.request_id = ? ORDER BY f.due_date, f.id",
                (share_id,),
            )
        )
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
                "SELECT a.*, s.full_name AS who FROM share_amendment a JOIN staff s ON s.id = a.amended_by "
                "WHERE a.request_id = ? ORDER BY a.id",
                (share_id,),
            )
        )
        discussed = row["discussed_with_requester"]
        return ShareRecord(
            id=ShareId(int(row["id"])),
            status=ShareStatus(row["status"]),
            direction=Direction(row["direction"]),
            received_via=Channel(row["received_via"]),
            received_at=from_text(row["received_at"]),
            opened_by_id=StaffId(int(row["opened_by"])),
            opened_by=str(row["opener"]),
            opened_at=from_text(row["opened_at"]),
            requester_org=str(row["requester_org"]),
            requester_name=str(row["requester_name"]),
            requester_role=str(row["requester_role"]),
            requester_contact=str(row["requester_contact"]),
            asked_for=str(row["asked_for"]),
            purpose=str(row["purpose"]),
            urgency=Urgency(row["urgency"]),
            phone_number=str(row["phone_number"]),
            verified_how=str(row["verified_how"]),
            called_back_at=_moment(row["called_back_at"]),
            called_back_by=str(row["caller"] or ""),
            children=kids,
            carers=carers,
            concerns=concerns,
            professionals=professionals,
            answers=answers,
            outcome=_outcome_as_recorded(row, answers),
            consent_reason=str(row["consent_reason"]),
            advice=advice,
            reasons=str(row["reasons"]),
            lawful_basis=None if row["lawful_basis"] is None else LawfulBasis(row["lawful_basis"]),
            special_condition=(
                None if row["special_condition"] is None else SpecialCondition(row["special_condition"])
            ),
            recipient_name=str(row["recipient_name"]),
            recipient_role=str(row["recipient_role"]),
            recipient_org=str(row["recipient_org"]),
            shared_how=str(row["shared_how"]),
            secured_how=str(row["secured_how"]),
            retention=str(row["retention"]),
            shared_on=_day(row["shared_on"]),
            family_told=None if row["family_told"] is None else FamilyTold(row["family_told"]),
            family_reason=str(row["family_reason"]),
            identity_protection=str(row["identity_protection"]),
            discussed_with_requester=None if discussed is None else bool(discussed),
            discussed_note=str(row["discussed_note"]),
            items=items,
            backed_by=str(row["backer"] or ""),
            backed_role=str(row["backed_role"]),
            backed_at=_moment(row["backed_at"]),
            consulted=str(row["consulted"]),
            consulted_how=str(row["consulted_how"]),
            decided_by=str(row["decider"] or ""),
            decided_role=str(row["decided_role"]),
            decided_at=_moment(row["decided_at"]),
            followups=followups,
            amendments=amendments,
            may_decide=bool(self._ctx.roles & BACKING_ROLES),
        )

    # --- the decision path --------------------------------------------------------------------

    def _deciding(self, share_id: int) -> Any:
        self._ctx.require(Action.SHARING_DECIDE)
        row = self._ctx.database.one("SELECT * FROM share_request WHERE id = ?", (share_id,))
        if row is None:
            raise NotFound("That information-sharing record is not there any more.")
        self._still_open(row)
        return row

    @staticmethod
    def _clear_backing(tx: Database, share_id: int) -> None:
        """A change to what is decided needs backing again: the backer confirmed what they saw."""
        tx.execute(
            "UPDATE share_request SET backed_by = NULL, backed_role = '', backed_at = NULL, consulted = '', "
            "consulted_how = '' WHERE id = ? AND (backed_at IS NOT NULL OR consulted <> '')",
            (share_id,),
        )

    def save_answers(
        self, share_id: int, answers: Mapping[Question, Answer], *, consent_reason: str | None = None
    ) -> ShareRecord:
        """Keep the answers so far (the wizard calls this on every page, so it can be resumed).
        ``consent_reason`` None leaves the reason already kept as it is."""
        row = self._deciding(share_id)
        try:
            clean = sharing_path.check(answers)
        except (sharing_path.InvalidAnswer, TypeError, AttributeError):
            raise ValidationError(
                "answers", "One of the answers is not one Sharewise offers; choose again."
            ) from None
        before = decode_answers(str(row["answers"]))
        for question, answer in clean.items():
            if before.get(question) is Answer.NOT_SURE and answer is not Answer.NOT_SURE:
                advised = self._ctx.database.scalar(
                    "SELECT 1 FROM share_advice WHERE request_id = ? AND question = ?",
                    (share_id, question.value),
                )
                if not advised:
                    raise ValidationError(
                        "advice",
                        "You were not sure about this question: record the advice you were given before "
                        "answering it.",
                    )
        outcome = sharing_path.decide(clean)
        reason = (
            str(row["consent_reason"])
            if consent_reason is None
            else _note(consent_reason, "consent_reason", "Why we go on without consent")
        )
        encoded = encode_answers(clean)
        if encoded == row["answers"] and reason == row["consent_reason"]:
            return self._load(share_id)
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE share_request SET answers = ?, verdict = ?, ground "
                "= ?, criterion = ?, consent_reason = ? "
                "WHERE id = ?",
                (
                    encoded,
                    outcome.verdict.value,
                    None if outcome.ground is None else outcome.ground.value,
                    None if outcome.criterion is None else outcome.criterion.value,
                    reason,
                    share_id,
                ),
            )
            self._clear_backing(tx, share_id)
            self._ctx.audit(
                tx,
                AuditAction.SHARE_PATH_ANSWERED,
                "share_request",
                share_id,
                {"verdict": outcome.verdict.value, "steps": len(outcome.path)},
            )
        return self._load(share_id)

    def record_advice(
        self,
        share_id: int,
        *,
        question: Question,
        adviser: str,
        advice: str,
        child_named: bool,
        sought_at: datetime | None = None,
    ) -> ShareRecord:
        """Advice sought when someone was not sure: from whom (name, role, organisation), what
        they said, and whether the child had to be named to them (golden rule 3)."""
        self._deciding(share_id)
        question = _enum(Question, question, "question", "Say which question the advice was about.")
        adviser = _line(adviser, "adviser", "Who gave the advice", required=True)
        advice = _note(advice, "advice", "The advice given", required=True)
        named = validation.flag(child_named, field="child_named", label="The child was named")
        now = self._now()
        when = now if sought_at is None else validation.moment(sought_at, field="sought_at", label="When")
        if when > now + FUTURE_TOLERANCE:
            raise ValidationError(
                "sought_at", "“When the advice was given” is in the future; please check it."
            )
        with self._ctx.transaction() as tx:
            tx.execute(
                "INSERT INTO share_advice (request_id, question, adviser, advice, child_named, sought_at, "
                "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    share_id,
                    question.value,
                    adviser,
                    advice,
                    int(named),
                    to_text(when),
                    self._ctx.actor.id,
                    to_text(now),
                ),
            )
            self._ctx.audit(
                tx,
                AuditAction.SHARE_ADVICE,
                "share_request",
                share_id,
                {"question": question.value, "named": named},
            )
        return self._load(share_id)

    # --- what is shared -----------------------------------------------------------------------

    def item_choices(self, share_id: int) -> list[ItemChoice]:
        """What could be shared from the linked records, each with its nature. Another agency's
        information is offered only once that agency's consent is recorded (policy 001 §1.3)."""
        self._deciding(share_id)
        db = self._ctx.database
        choices: list[ItemChoice] = []
        for kid in db.query(
            "SELECT c.* FROM share_child s JOIN child c ON c.id = "
            "s.child_id WHERE s.request_id = ? ORDER BY c.id",
            (share_id,),
        ):
            born = date.fromisoformat(kid["date_of_birth"]).strftime("%d/%m/%Y")
            details = f"{kid['legal_name']}, born {born}"
            if kid["address"]:
                details += f", {kid['address']}"
            # A carer the child lives with whose details are withheld: the child's address is theirs.
            hidden_home = kid["address"] and db.scalar(
                "SELECT 1 FROM child_carer cc JOIN carer_withheld w ON w.carer_id = cc.carer_id "
                "WHERE cc.child_id = ? AND cc.lives_with = 1",
                (kid["id"],),
            )
            choices.append(
                ItemChoice(
                    f"child:{kid['id']}",
                    f"{kid['legal_name']}: name, date of birth, address",
                    details,
                    Nature.FACT,
                    True,
                    caution=WITHHELD_CAUTION if hidden_home else "",
                )
            )
        for carer in db.query(
            "SELECT c.*, s.carer_id FROM share_carer s JOIN carer c ON "
            "c.id = s.carer_id WHERE s.request_id = ?",
            (share_id,),
        ):
            parts = [p for p in (str(carer["full_name"]), str(carer["address"]), str(carer["phone"])) if p]
            withheld = db.scalar("SELECT 1 FROM carer_withheld WHERE carer_id = ?", (carer["id"],))
            choices.append(
                ItemChoice(
                    f"carer:{carer['id']}",
                    f"{carer['full_name']}: name and contact details",
                    ", ".join(parts),
                    Nature.FACT,
                    True,
                    caution=WITHHELD_CAUTION if withheld else "",
                )
            )
        for prof in db.query(
            "SELECT p.* FROM share_professional s JOIN professional p ON p.id = s.professional_id "
            "WHERE s.request_id = ?",
            (share_id,),
        ):
            text = ", ".join(p for p in (str(prof["full_name"]), str(prof["role"]), str(prof["agency"])) if p)
            choices.append(
                ItemChoice(
                    f"professional:{prof['id']}", f"Professional involved: {text}", text, Nature.FACT, True
                )
            )
        for concern in db.query(
            "SELECT c.*, cat.name AS category FROM share_concern s JOIN concern c ON c.id = s.concern_id "
            "JOIN concern_category cat ON cat.id = c.category_id WHERE s.request_id = ? ORDER BY c.seen_at",
            (share_id,),
        ):
            amended = {
                a["field"]: str(a["new_text"])
                for a in db.query(
                    "SELECT field, new_text FROM concern_amendment WHERE concern_id = ? ORDER BY id",
                    (concern["id"],),
                )
            }
            seen = from_text(concern["seen_at"]).astimezone().strftime("%d/%m/%Y")  # the UK day
            third_party = str(concern["third_party_source"])
            shareable = not third_party or concern["third_party_consent_at"] is not None
            why_not = (
                ""
                if shareable
                else (
                    f"Information from another agency ({third_party}): not "
                    f"shared without that agency's consent, "
                    "which is not recorded."
                )
            )
            for field, label, nature in (
                ("facts", "what was seen or heard", Nature.FACT),
                ("child_words", "the child's own words", Nature.FACT),
                ("opinion", "opinion", Nature.OPINION),
            ):
                text = amended.get(field, str(concern[field]))
                if text:
                    choices.append(
                        ItemChoice(
                            f"concern:{concern['id']}:{field}",
                            f"Concern of {seen} ({concern['category']}): {label}",
                            text,
                            nature,
                            shareable,
                            why_not,
                        )
                    )
        return choices

    def _clean_items(
        self, share_id: int, chosen: Sequence[ChosenItem]
    ) -> list[tuple[str, int | None, str, str, Nature]]:
        if not isinstance(chosen, (tuple, list)):
            raise ValidationError("items", "Choose what is shared from the list.")
        offered = {c.key: c for c in self.item_choices(share_id)}
        clean: list[tuple[str, int | None, str, str, Nature]] = []
        for item in chosen:
            nature = _enum(Nature, item.nature, "items", "Mark each item shared as a fact or an opinion.")
            if item.key == "other":
                label = _line(item.label, "items", "What the item is", required=True)
                content = _note(item.content, "items", "The words shared", required=True)
                clean.append(("other", None, label, content, nature))
                continue
            choice = offered.get(item.key)
            if choice is None:
                raise ValidationError("items", "One of the items chosen is no longer linked to this request.")
            if not choice.shareable:
                raise ValidationError("items", choice.why_not)
            source, _, rest = choice.key.partition(":")
            source_id = int(rest.split(":")[0])
            if source == "concern":
                source = "concern_" + rest.split(":")[1]
            clean.append((source, source_id, choice.label, choice.content, nature))
        return clean

    def save_outcome(self, share_id: int, draft: OutcomeDraft) -> ShareRecord:
        """Keep the outcome page as typed so far. Checks each field; completeness is checked when
        finalising, so a half-filled page can be kept and resumed."""
        row = self._deciding(share_id)
        received = from_text(row["received_at"])
        reasons = _note(draft.reasons, "reasons", "Reasons for the decision")
        basis = (
            None
            if draft.lawful_basis is None
            else _enum(
                LawfulBasis, draft.lawful_basis, "lawful_basis", "Choose the lawful basis from the list."
            )
        )
        condition = (
            None
            if draft.special_condition is None
            else _enum(
                SpecialCondition,
                draft.special_condition,
                "special_condition",
                "Choose the condition from the list.",
            )
        )
        shared_on = validation.day(
            draft.shared_on, field="shared_on", label="When it is shared", required=False
        )
        if shared_on is not None:
            if shared_on < local_today_of(received):
                raise ValidationError(
                    "shared_on", "“When it is shared” is before the request came in; check the date."
                )
            if shared_on > self._today() + timedelta(days=PLANNED_SHARE_DAYS):
                raise ValidationError(
                    "shared_on",
                    f"“When it is shared” is more than {PLANNED_SHARE_DAYS} days ahead; check the date.",
                )
        family = (
            None
            if draft.family_told is None
            else _enum(FamilyTold, draft.family_told, "family_told", "Say whether the family is told.")
        )
        discussed = draft.discussed_with_requester
        if discussed is not None:
            discussed = validation.flag(discussed, field="discussed_with_requester", label="Discussed")
        items = self._clean_items(share_id, draft.items)
        params = {
            "reasons": reasons,
            "lawful_basis": None if basis is None else basis.value,
            "special_condition": None if condition is None else condition.value,
            "recipient_name": _line(draft.recipient_name, "recipient_name", "Their name"),
            "recipient_role": _line(draft.recipient_role, "recipient_role", "Their role"),
            "recipient_org": _line(draft.recipient_org, "recipient_org", "Their organisation"),
            "shared_how": _note(draft.shared_how, "shared_how", "How it is shared"),
            "secured_how": _note(draft.secured_how, "secured_how", "How it is kept secure"),
            "retention": _note(draft.retention, "retention", "How long the recipient keeps it"),
            "shared_on": None if shared_on is None else shared_on.isoformat(),
            "family_told": None if family is None else family.value,
            "family_reason": _note(draft.family_reason, "family_reason", "Why the family is not told"),
            "identity_protection": _note(
                draft.identity_protection, "identity_protection", "Protecting anyone who could be harmed"
            ),
            "discussed_with_requester": None if discussed is None else int(discussed),
            "discussed_note": _note(draft.discussed_note, "discussed_note", "Discussion with the requester"),
        }
        stored_items = [
            (str(i["source"]), i["source_id"], str(i["label"]), str(i["content"]), Nature(i["nature"]))
            for i in self._ctx.database.query(
                "SELECT source, source_id, label, content, nature FROM "
                "share_item WHERE request_id = ? ORDER BY id",
                (share_id,),
            )
        ]
        unchanged = all(row[k] == v for k, v in params.items()) and stored_items == items
        if unchanged:
            return self._load(share_id)
        sets = ", ".join(f"{c} = :{c}" for c in params)
        with self._ctx.transaction() as tx:
            tx.execute(f"UPDATE share_request SET {sets} WHERE id = :id", {**params, "id": share_id})
            tx.execute("DELETE FROM share_item WHERE request_id = ?", (share_id,))
            for source, source_id, label, content, nature in items:
                tx.execute(
                    "INSERT INTO share_item (request_id, source, source_id, label, content, nature) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (share_id, source, source_id, label, content, nature.value),
                )
            self._clear_backing(tx, share_id)
            self._ctx.audit(
                tx, AuditAction.SHARE_OUTCOME_SAVED, "share_request", share_id, {"items": len(items)}
            )
        return self._load(share_id)

    # --- management backing -------------------------------------------------------------------

    def _other_backers(self) -> int:
        return int(
            self._ctx.database.scalar(
                "SELECT count(DISTINCT s.id) FROM staff s JOIN staff_role r ON r.staff_id = s.id "
                "WHERE s.active = 1 AND r.role IN ('manager', 'dsl') AND s.id <> ?",
                (self._ctx.actor.id,),
            )
        )

    def may_consult_instead(self) -> bool:
        """True when nobody else here is a manager or DSL, so backing is recorded as a consultation."""
        self._ctx.require(Action.SHARING_DECIDE)
        return self._other_backers() == 0

    def _needs_backing(self, share_id: int) -> Any:
        row = self._deciding(share_id)
        if not sharing_path.decide(decode_answers(str(row["answers"]))).backing_required:
            raise ValidationError(
                "backing",
                "This decision does not share without consent, so it does not need management backing.",
            )
        return row

    def confirm_backing(self, share_id: int, *, username: str, password: str) -> ShareRecord:
        """A second manager or DSL confirms the decision with their own username and password on
        this PC. Slow on purpose (Argon2id), so the window calls it off the UI thread. Wrong
        passwords count towards that account's sign-in delay."""
        self._needs_backing(share_id)
        keys = self._ctx.keys
        slots = keys.load()
        try:
            normal = usernames.normalise(username)
        except ValidationError:
            normal = ""
        tag = slots.user_tag(normal)
        attempts = self._ctx.attempts
        if attempts is not None:
            attempts.check(tag)
        row = self._ctx.database.one("SELECT id FROM staff WHERE username = ? AND active = 1", (normal,))
        staff_id = None if row is None else int(row["id"])
        # An unknown username costs the same time as a known one, so the answer reveals nothing.
        verified = keys.verify_staff_password(staff_id if staff_id is not None else -1, password)
        if staff_id is None or not verified:
            if staff_id is None:
                keys.verify_staff_password(self._ctx.actor.id, "\x00not a password")
            wait = attempts.record_failure(tag) if attempts is not None else 0.0
            with self._ctx.transaction() as tx:
                self._ctx.audit(tx, AuditAction.SHARE_BACKING_FAILED, "share_request", share_id)
            sentence = "That username or password is not right, so the decision is not backed."
            if wait:
                sentence += f" For safety, wait {int(wait)} seconds before trying again."
            raise WrongPassword(sentence, retry_after=wait)
        if staff_id == self._ctx.actor.id:
            raise ValidationError(
                "backing",
                "The backing must come from a second person: ask another manager or DSL to sign in here.",
            )
        backer = staff_module.load(self._ctx.database, staff_id)
        if backer is None or not backer.roles & BACKING_ROLES:
            raise PermissionDenied(
                "Only a manager or designated safeguarding lead can back "
                "a decision to share without consent.",
                action=Action.SHARING_DECIDE.value,
            )
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE share_request SET backed_by = ?, backed_role = ?, backed_at = ?, consulted = '', "
                "consulted_how = '' WHERE id = ?",
                (backer.id, role_words(backer.roles), to_text(self._now()), share_id),
            )
            self._ctx.audit(tx, AuditAction.SHARE_BACKED, "share_request", share_id, {"backer": backer.id})
        if attempts is not None:
            # The right password, as at sign-in, ends the run of failures (they stay waiting to be
            # written to the audit log at the next sign-in).
            attempts.settle(tag, 0)
        return self._load(share_id)

    def record_consulted(self, share_id: int, *, consulted: str, how: str) -> ShareRecord:
        """Where the setting has only one manager or DSL: who was consulted (name, role,
        organisation, e.g. the committee's safeguarding officer or children's social care) and how."""
        self._needs_backing(share_id)
        if self._other_backers():
            raise ValidationError(
                "consulted",
                "Another manager or DSL works here: they confirm the decision by signing in on this PC.",
            )
        consulted = _line(consulted, "consulted", "Who was consulted", required=True)
        how = _note(how, "consulted_how", "How and when they were consulted", required=True)
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE share_request SET consulted = ?, consulted_how = ?, backed_at = ?, backed_by = NULL, "
                "backed_role = '' WHERE id = ?",
                (consulted, how, to_text(self._now()), share_id),
            )
            self._ctx.audit(tx, AuditAction.SHARE_BACKED, "share_request", share_id, {"consulted": True})
        return self._load(share_id)

    # --- finalising ---------------------------------------------------------------------------

    def missing(self, record: ShareRecord) -> list[tuple[str, str]]:
        """What still stops ``record`` being finalised, as (field, sentence); empty when ready."""
        outcome = record.outcome
        gaps: list[tuple[str, str]] = []
        if outcome.verdict is Verdict.SEEK_ADVICE:
            return [
                ("answers", "Seek advice on the question you were not sure about, record it, then answer it.")
            ]
        if not outcome.decided:
            return [("answers", "Answer the remaining questions of the decision path first.")]
        if outcome.consent_reason_required and not record.consent_reason:
            gaps.append(
                ("consent_reason", "Say why consent was refused, withdrawn or not sought, and why we go on.")
            )
        if not record.reasons:
            gaps.append(("reasons", "Record the reasons for the decision, whether you share or not."))
        if outcome.verdict is Verdict.SHARE:
            if not (record.recipient_name and record.recipient_org):
                gaps.append(("recipient_name", "Record who receives it: their name, role and organisation."))
            if not record.items:
                gaps.append(("items", "Choose exactly what is shared, marking each item fact or opinion."))
            if not record.shared_how:
                gaps.append(("shared_how", "Say how it is shared."))
            if not record.secured_how:
                gaps.append(("secured_how", "Say how it is kept secure on the way."))
            if record.shared_on is None:
                gaps.append(("shared_on", "Say when it is (or will be) shared."))
            if outcome.ground not in (Ground.NOT_IDENTIFIABLE,) and record.lawful_basis is None:
                gaps.append(("lawful_basis", "Choose the lawful basis (UK GDPR Article 6)."))
            if outcome.ground not in (Ground.NOT_IDENTIFIABLE,) and record.special_condition is None:
                gaps.append(
                    ("special_condition", "Say whether special-category data is shared, and the condition.")
                )
            if outcome.ground is Ground.NOT_IDENTIFIABLE:
                pass  # nobody is identifiable, so there is no family to tell
            elif record.family_told is None:
                gaps.append(("family_told", "Say whether the family has been or will be told."))
            elif record.family_told is FamilyTold.NOT_TOLD and not record.family_reason:
                gaps.append(("family_reason", "Say why the family is not told (it would raise the risk)."))
            if (
                record.received_via is Channel.PHONE
                and record.direction is Direction.REQUEST
                and not (record.verified_how and record.called_back_at)
            ):
                gaps.append(
                    ("verified_how", "Check the caller's number independently and call back before sharing.")
                )
            if outcome.backing_required and not record.backed:
                gaps.append(
                    ("backing", "Sharing without consent needs the backing of a second manager or DSL.")
                )
        elif record.direction is Direction.REQUEST:
            if record.discussed_with_requester is None:
                gaps.append(
                    ("discussed_with_requester", "Say whether the reasons were discussed with the requester.")
                )
            elif not record.discussed_with_requester and not record.discussed_note:
                gaps.append(("discussed_note", "Say why the reasons were not discussed with the requester."))
        return gaps

    def finalise(self, share_id: int, followups: Sequence[NewFollowUp] = ()) -> ShareRecord:
        """Record the decision for good, with the follow-ups it needs. The decision maker is the
        person signed in; their name, role and the time go on the record."""
        row = self._deciding(share_id)
        record = self._load(share_id)
        gaps = self.missing(record)
        if gaps:
            field, sentence = gaps[0]
            raise ValidationError(field, sentence)
        if record.outcome.backing_required and row["backed_by"] == self._ctx.actor.id:
            raise ValidationError(
                "backing",
                "The person who backed the decision cannot also make it: ask the other to finalise.",
            )
        today = self._today()
        clean: list[NewFollowUp] = []
        for followup in followups:
            kind = _enum(FollowUpKind, followup.kind, "followups", "Choose the kind of follow-up.")
            due = validation.required_day(followup.due_date, field="followups", label="Follow-up due date")
            if due < today:
                raise ValidationError(
                    "followups", "A follow-up's due date has already passed; choose today or later."
                )
            description = _line(
                followup.description, "followups", "Follow-up", required=kind is FollowUpKind.OTHER
            )
            clean.append(NewFollowUp(kind, due, description))
        now = to_text(self._now())
        with self._ctx.transaction() as tx:
            for followup in clean:
                tx.execute(
                    "INSERT INTO share_followup (request_id, kind, "
                    "description, due_date, created_by, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        share_id,
                        followup.kind.value,
                        followup.description,
                        followup.due_date.isoformat(),
                        self._ctx.actor.id,
                        now,
                    ),
                )
            tx.execute(
                "UPDATE share_request SET status = 'final', decided_by = ?, decided_role = ?, decided_at = ? "
                "WHERE id = ?",
                (self._ctx.actor.id, role_words(self._ctx.roles), now, share_id),
            )
            self._ctx.audit(
                tx,
                AuditAction.SHARE_FINALISED,
                "share_request",
                share_id,
                {
                    "verdict": record.outcome.verdict.value,
                    "ground": None if record.outcome.ground is None else record.outcome.ground.value,
                    "without_consent": record.outcome.without_consent,
                },
            )
        return self._load(share_id)

    # --- after the decision -------------------------------------------------------------------

    def _final(self, share_id: int) -> Any:
        self._ctx.require(Action.SHARING_DECIDE)
        row = self._ctx.database.one("SELECT status FROM share_request WHERE id = ?", (share_id,))
        if row is None:
            raise NotFound("That information-sharing record is not there any more.")
        if row["status"] != ShareStatus.FINAL:
            raise ValidationError(
                "status",
                "This decision is not finalised yet: finish it (follow-ups are set when finalising).",
            )
        return row

    def add_followup(self, share_id: int, followup: NewFollowUp) -> ShareRecord:
        self._final(share_id)
        kind = _enum(FollowUpKind, followup.kind, "kind", "Choose the kind of follow-up.")
        due = validation.required_day(followup.due_date, field="due_date", label="Due date")
        if due < self._today():
            raise ValidationError("due_date", "The due date has already passed; choose today or later.")
        description = _line(
            followup.description, "description", "What needs doing", required=kind is FollowUpKind.OTHER
        )
        with self._ctx.transaction() as tx:
            followup_id = tx.execute(
                "INSERT INTO share_followup (request_id, kind, "
                "description, due_date, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    share_id,
                    kind.value,
                    description,
                    due.isoformat(),
                    self._ctx.actor.id,
                    to_text(self._now()),
                ),
            )
            self._ctx.audit(
                tx, AuditAction.SHARE_FOLLOWUP_ADDED, "share_request", share_id, {"followup": followup_id}
            )
        return self._load(share_id)

    def complete_followup(self, followup_id: int, *, note: str = "") -> ShareRecord:
        self._ctx.require(Action.SHARING_DECIDE)
        row = self._ctx.database.one(
            "SELECT request_id, done_at FROM share_followup WHERE id = ?", (followup_id,)
        )
        if row is None:
            raise NotFound("That follow-up is not there any more.")
        if row["done_at"] is not None:
            raise ValidationError("followup", "That follow-up is already marked done.")
        note = _note(note, "note", "What was done")
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE share_followup SET done_at = ?, done_by = ?, done_note = ? WHERE id = ?",
                (to_text(self._now()), self._ctx.actor.id, note, followup_id),
            )
            self._ctx.audit(
                tx,
                AuditAction.SHARE_FOLLOWUP_DONE,
                "share_request",
                int(row["request_id"]),
                {"followup": followup_id},
            )
        return self._load(int(row["request_id"]))

    def amend(self, share_id: int, *, field: str, new_text: str, reason: str) -> ShareRecord:
        """Correct one part of a finalised decision; the original stays beside the new text."""
        self._final(share_id)
        if field not in AMENDABLE:
            raise ValidationError("field", "Choose which part of the decision to correct.")
        new_text = _note(new_text, "new_text", AMENDABLE[field], required=field == "reasons")
        reason = validation.text(
            reason, field="reason", label="Reason for the correction", limit=2000, multiline=True
        )
        current = self._load(share_id).current(field)
        if new_text == current:
            raise ValidationError(
                "new_text", "The new text is the same as the current text; nothing to correct."
            )
        with self._ctx.transaction() as tx:
            tx.execute(
                "INSERT INTO share_amendment (request_id, field, original, "
                "new_text, reason, amended_by, amended_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (share_id, field, current, new_text, reason, self._ctx.actor.id, to_text(self._now())),
            )
            self._ctx.audit(tx, AuditAction.SHARE_AMENDED, "share_request", share_id, {"field": field})
        return self._load(share_id)


def local_today_of(moment: datetime) -> date:
    """The calendar day of ``moment`` where the PC is (a request at 00:30 BST is that day)."""
    return moment.astimezone().date()
