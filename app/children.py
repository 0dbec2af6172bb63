"""Children's records: the child, their carers, emergency contacts, professionals and agency visits.

``session.children`` is the only way in. Everyone who works with the children may read the basic
record; the manager and DSL edit any child, a key worker edits only their own key children (the
permissions table). Family circumstances, and who a carer's address is withheld from, are for the
manager and DSL only: a key worker's copy of the record simply does not hold them.

Opening a child's record is audit-logged. Lists (names, rooms, key workers) are not: they are
what every member of staff sees on the register anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NewType, NoReturn

from app import names, validation
from app.audit import AuditAction
from app.clock import from_text, local_today, to_text
from app.errors import NotFound, PermissionDenied, SharewiseError, ValidationError
from app.policy.permissions import Action, Role, Scope
from app.session_context import SessionContext
from app.staff import StaffId
from app.vault.database import Database

ChildId = NewType("ChildId", int)
CarerId = NewType("CarerId", int)
ContactId = NewType("ContactId", int)
ProfessionalId = NewType("ProfessionalId", int)
VisitId = NewType("VisitId", int)

NOTE_LIMIT = validation.LONG_TEXT_LIMIT
OLDEST_CHILD_YEARS = 18  # childminders may care for school-age children; older is a typing slip
GONE = "That child's record is not there any more (it may have been removed)."
MIN_EMERGENCY_CONTACTS = 2  # EYFS since September 2025
MAX_SESSIONS_PER_WEEK = 15  # morning, afternoon and a tea session on five days


class DuplicateChild(SharewiseError):
    """A child with the same legal name and date of birth is already recorded (save again to
    confirm: twins share a birthday, and a returning child may be added twice on purpose)."""


class Enrolment(StrEnum):
    ON_ROLL = "on_roll"
    LEFT = "left"
    ALL = "all"


@dataclass(frozen=True)
class StaffChoice:
    id: StaffId
    full_name: str
    key_worker: bool


@dataclass(frozen=True)
class ChildDetails:
    """What the child form submits. ``family_circumstances`` None means "leave as it is" (and is
    all a key worker can send)."""

    legal_name: str
    date_of_birth: date | str | None
    start_date: date | str | None
    known_as: str = ""
    sex_gender: str = ""
    address: str = ""
    phone: str = ""
    leaving_date: date | str | None = None
    destination: str = ""
    room: str = ""
    key_worker_id: int | None = None
    additional_needs: str = ""
    medical_notes: str = ""
    sessions_per_week: int = 0
    attendance_pattern: str = ""
    family_circumstances: str | None = None


@dataclass(frozen=True)
class ChildSummary:
    """One row of the children list."""

    id: ChildId
    legal_name: str
    known_as: str
    date_of_birth: date
    room: str
    key_worker_id: StaffId | None
    key_worker_name: str
    start_date: date
    leaving_date: date | None

    def on_roll(self, today: date) -> bool:
        return self.leaving_date is None or self.leaving_date > today


@dataclass(frozen=True)
class CarerDetails:
    full_name: str
    relationship: str
    parental_responsibility: bool
    lives_with: bool
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Carer:
    id: CarerId
    full_name: str
    relationship: str
    parental_responsibility: bool
    lives_with: bool
    address: str
    phone: str
    email: str
    # Other carers (of this child) this carer's address and contact details must never reach.
    withheld_from: tuple[CarerId, ...]
    other_children: int  # how many other children this carer is linked to (siblings)

    @property
    def contact_withheld(self) -> bool:
        return bool(self.withheld_from)


@dataclass(frozen=True)
class CarerMatch:
    """A carer found by name, to link to a sibling; ``children`` are the known-as names."""

    id: CarerId
    full_name: str
    children: tuple[str, ...]


@dataclass(frozen=True)
class ContactDetails:
    full_name: str
    phone: str
    relationship: str = ""
    may_collect: bool = False


@dataclass(frozen=True)
class EmergencyContact:
    id: ContactId
    full_name: str
    relationship: str
    phone: str
    may_collect: bool


@dataclass(frozen=True)
class ProfessionalDetails:
    agency: str
    full_name: str
    role: str = ""
    contact: str = ""
    from_date: date | str | None = None
    to_date: date | str | None = None


@dataclass(frozen=True)
class Professional:
    id: ProfessionalId
    agency: str
    full_name: str
    role: str
    contact: str
    from_date: date | None
    to_date: date | None


@dataclass(frozen=True)
class VisitDetails:
    visitor: str
    agency: str
    visited_at: datetime
    purpose: str
    supervised_by: int | None


@dataclass(frozen=True)
class AgencyVisit:
    id: VisitId
    visitor: str
    agency: str
    visited_at: datetime
    purpose: str
    supervised_by: StaffId
    supervisor_name: str
    recorded_by_name: str


@dataclass(frozen=True)
class Child:
    """A child's whole record as this person may see it."""

    id: ChildId
    legal_name: str
    known_as: str
    date_of_birth: date
    sex_gender: str
    address: str
    phone: str
    start_date: date
    leaving_date: date | None
    destination: str
    room: str
    key_worker_id: StaffId | None
    key_worker_name: str
    additional_needs: str
    medical_notes: str
    family_circumstances: str | None  # None: this person may not see it
    sessions_per_week: int
    attendance_pattern: str
    carers: tuple[Carer, ...]
    contacts: tuple[EmergencyContact, ...]
    professionals: tuple[Professional, ...]
    visits: tuple[AgencyVisit, ...]
    may_edit: bool
    may_see_family: bool

    @property
    def name(self) -> str:
        """How staff call the child: known-as name if there is one, else the legal name."""
        return self.known_as or self.legal_name

    @property
    def warnings(self) -> tuple[str, ...]:
        found = []
        if len(self.contacts) < MIN_EMERGENCY_CONTACTS:
            found.append(
                f"Only {len(self.contacts)} emergency contact{'s' if len(self.contacts) != 1 else ''}"
                f" recorded: the EYFS asks for at least {MIN_EMERGENCY_CONTACTS}."
            )
        if self.carers and not any(c.parental_responsibility for c in self.carers):
            found.append("No carer is recorded as having parental responsibility.")
        if not self.carers:
            found.append("No parent or carer is recorded.")
        if self.carers and not any(c.lives_with for c in self.carers):
            found.append("The record does not say who the child normally lives with.")
        return tuple(found)


def redact_for(carers: Iterable[Carer], recipient: CarerId | None) -> tuple[Carer, ...]:
    """The carers as they may be shown or printed for ``recipient`` (another carer).

    A carer whose details are withheld from the recipient keeps their name and relationship but
    loses address, phone and email. ``None`` (a document for no particular carer, e.g. shown to
    a visitor) hides every withheld carer's details, since it cannot know who will read it.
    """
    shown = []
    for carer in carers:
        hidden = carer.withheld_from and (recipient is None or recipient in carer.withheld_from)
        if hidden and carer.id != recipient:
            carer = replace(carer, address="", phone="", email="")
        shown.append(carer)
    return tuple(shown)


# --- cleaning what forms send ----------------------------------------------------------------


def _short(value: object, field: str, label: str, *, required: bool = False) -> str:
    return validation.text(value, field=field, label=label, required=required)


def _note(value: object, field: str, label: str) -> str:
    return validation.text(value, field=field, label=label, required=False, limit=NOTE_LIMIT, multiline=True)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class _CleanChild:
    legal_name: str
    known_as: str
    date_of_birth: date
    sex_gender: str
    address: str
    phone: str
    start_date: date
    leaving_date: date | None
    destination: str
    room: str
    key_worker_id: int | None
    additional_needs: str
    medical_notes: str
    sessions_per_week: int
    attendance_pattern: str
    family_circumstances: str | None


def clean_child(details: ChildDetails, today: date) -> _CleanChild:
    """Check every field; the first problem is raised as ``ValidationError`` naming its field."""
    legal_name = _short(details.legal_name, "legal_name", "Legal name", required=True)
    known_as = _short(details.known_as, "known_as", "Known-as name")
    born = validation.required_day(details.date_of_birth, field="date_of_birth", label="Date of birth")
    if born > today:
        raise ValidationError("date_of_birth", "The date of birth is in the future; please check it.")
    if born < _years_before(today, OLDEST_CHILD_YEARS):
        raise ValidationError(
            "date_of_birth",
            f"That date of birth makes the child older than {OLDEST_CHILD_YEARS}; please check the year.",
        )
    started = validation.required_day(details.start_date, field="start_date", label="Start date")
    if started < born:
        raise ValidationError("start_date", "The start date is before the date of birth; please check it.")
    if started > today + timedelta(days=366):
        raise ValidationError("start_date", "The start date is more than a year away; please check the year.")
    leaving = validation.day(details.leaving_date, field="leaving_date", label="Leaving date", required=False)
    if leaving is not None and leaving < started:
        raise ValidationError("leaving_date", "The leaving date is before the start date; please check both.")
    destination = _short(details.destination, "destination", "Moving on to")
    if destination and leaving is None:
        raise ValidationError(
            "leaving_date", "Add the leaving date for the school or setting the child moves on to."
        )
    sessions = details.sessions_per_week
    sessions = validation.integer(
        sessions,
        field="sessions_per_week",
        label="Sessions per week",
        minimum=0,
        maximum=MAX_SESSIONS_PER_WEEK,
    )
    key_worker = details.key_worker_id
    if key_worker is not None and (isinstance(key_worker, bool) or not isinstance(key_worker, int)):
        raise ValidationError("key_worker_id", "Choose the key worker from the list.")
    family = details.family_circumstances
    return _CleanChild(
        legal_name=legal_name,
        known_as=known_as,
        date_of_birth=born,
        sex_gender=_short(details.sex_gender, "sex_gender", "Sex or gender"),
        address=_note(details.address, "address", "Home address"),
        phone=_short(details.phone, "phone", "Home phone"),
        start_date=started,
        leaving_date=leaving,
        destination=destination,
        room=_short(details.room, "room", "Room or group"),
        key_worker_id=key_worker,
        additional_needs=_note(details.additional_needs, "additional_needs", "Additional needs"),
        medical_notes=_note(details.medical_notes, "medical_notes", "Medical and allergy notes"),
        sessions_per_week=sessions,
        attendance_pattern=_short(details.attendance_pattern, "attendance_pattern", "Attendance pattern"),
        family_circumstances=None
        if family is None
        else _note(family, "family_circumstances", "Family circumstances"),
    )


def clean_carer(details: CarerDetails) -> CarerDetails:
    return CarerDetails(
        full_name=_short(details.full_name, "full_name", "Carer's name", required=True),
        relationship=_short(details.relationship, "relationship", "Relationship to the child", required=True),
        parental_responsibility=validation.flag(
            details.parental_responsibility, field="parental_responsibility", label="Parental responsibility"
        ),
        lives_with=validation.flag(details.lives_with, field="lives_with", label="Lives with the child"),
        address=_note(details.address, "address", "Carer's address"),
        phone=_short(details.phone, "phone", "Carer's phone"),
        email=_short(details.email, "email", "Carer's email"),
    )


def clean_contact(details: ContactDetails) -> ContactDetails:
    return ContactDetails(
        full_name=_short(details.full_name, "full_name", "Contact's name", required=True),
        phone=_short(details.phone, "phone", "Contact's phone", required=True),
        relationship=_short(details.relationship, "relationship", "Relationship to the child"),
        may_collect=validation.flag(details.may_collect, field="may_collect", label="May collect"),
    )


def clean_professional(details: ProfessionalDetails) -> Professional:
    start = validation.day(details.from_date, field="from_date", label="Involved from", required=False)
    end = validation.day(details.to_date, field="to_date", label="Involved until", required=False)
    if start is not None and end is not None and end < start:
        raise ValidationError("to_date", "“Involved until” is before “Involved from”; please check both.")
    return Professional(
        id=ProfessionalId(0),
        agency=_short(details.agency, "agency", "Agency", required=True),
        full_name=_short(details.full_name, "full_name", "Professional's name", required=True),
        role=_short(details.role, "role", "Role"),
        contact=_short(details.contact, "contact", "Contact details"),
        from_date=start,
        to_date=end,
    )


# --- reading rows -----------------------------------------------------------------------------


def _day(text: Any) -> date | None:
    return None if text is None else date.fromisoformat(str(text))


def summary(row: Any) -> ChildSummary:
    return ChildSummary(
        id=ChildId(int(row["id"])),
        legal_name=str(row["legal_name"]),
        known_as=str(row["known_as"]),
        date_of_birth=date.fromisoformat(row["date_of_birth"]),
        room=str(row["room"]),
        key_worker_id=None if row["key_worker_id"] is None else StaffId(int(row["key_worker_id"])),
        key_worker_name=str(row["key_worker_name"] or ""),
        start_date=date.fromisoformat(row["start_date"]),
        leaving_date=_day(row["leaving_date"]),
    )


SUMMARY_SQL = (
    "SELECT c.id, c.legal_name, c.known_as, c.date_of_birth, c.room, c.key_worker_id, "
    "s.full_name AS key_worker_name, c.start_date, c.leaving_date FROM child c "
    "LEFT JOIN staff s ON s.id = c.key_worker_id"
)


def fts_query(text: str) -> str | None:
    """Words typed into a search box as an FTS5 query: every word, as a prefix, must match.

    Each word is quoted (so FTS syntax characters typed by a person are just text); None when
    nothing searchable was typed.
    """
    words = [w for w in names.fold(text).replace('"', " ").split() if any(c.isalnum() for c in w)]
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words[:8])


def reindex(tx: Database, child_id: int) -> None:
    """Refresh the search row of one child: their names and their carers' names."""
    row = tx.one("SELECT legal_name, known_as FROM child WHERE id = ?", (child_id,))
    tx.execute("DELETE FROM child_search WHERE rowid = ?", (child_id,))
    if row is None:
        return
    carers = tx.query(
        "SELECT k.full_name FROM carer k JOIN child_carer cc ON cc.carer_id = k.id WHERE cc.child_id = ?",
        (child_id,),
    )
    text = " ".join([row["legal_name"], row["known_as"], *(r["full_name"] for r in carers)])
    tx.execute("INSERT INTO child_search (rowid, names) VALUES (?, ?)", (child_id, names.fold(text)))


def carers_of(db: Database, child_id: int) -> tuple[Carer, ...]:
    """A child's carers in full, with whom each one's details are withheld from. Callers redact
    (``redact_for``) before anything reaches a screen or a page."""
    rows = db.query(
        "SELECT k.*, cc.relationship, cc.parental_responsibility, cc.lives_with, "
        "(SELECT count(*) FROM child_carer o WHERE o.carer_id = k.id AND o.child_id <> ?) AS others "
        "FROM carer k JOIN child_carer cc ON cc.carer_id = k.id WHERE cc.child_id = ? ORDER BY k.id",
        (child_id, child_id),
    )
    withheld: dict[int, list[CarerId]] = {}
    ids = [int(r["id"]) for r in rows]
    if ids:
        marks = ",".join("?" * len(ids))
        for w in db.query(
            f"SELECT carer_id, from_carer_id FROM carer_withheld WHERE carer_id IN ({marks})",  # noqa: S608
            ids,
        ):
            withheld.setdefault(int(w["carer_id"]), []).append(CarerId(int(w["from_carer_id"])))
    return tuple(
        Carer(
            id=CarerId(int(r["id"])),
            full_name=str(r["full_name"]),
            relationship=str(r["relationship"]),
            parental_responsibility=bool(r["parental_responsibility"]),
            lives_with=bool(r["lives_with"]),
            address=str(r["address"]),
            phone=str(r["phone"]),
            email=str(r["email"]),
            withheld_from=tuple(sorted(withheld.get(int(r["id"]), []))),
            other_children=int(r["others"]),
        )
        for r in rows
    )


def child_exists(database: Database, child_id: int) -> bool:
    return bool(database.scalar("SELECT 1 FROM child WHERE id = ?", (child_id,)))


def heading(database: Database, child_id: int) -> tuple[str, str, date]:
    """(legal name, known-as, date of birth) of a child, or ``NotFound``."""
    row = database.one("SELECT legal_name, known_as, date_of_birth FROM child WHERE id = ?", (child_id,))
    if row is None:
        raise NotFound(GONE)
    return str(row["legal_name"]), str(row["known_as"]), date.fromisoformat(row["date_of_birth"])


class ChildrenService:
    """``session.children``."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    # --- helpers ------------------------------------------------------------------------------

    def _today(self) -> date:
        return local_today(self._ctx.clock)

    def _now(self) -> str:
        return to_text(self._ctx.clock.now())

    def _may_edit(self, key_worker_id: int | None) -> bool:
        try:
            scope = self._ctx.require(Action.CHILD_EDIT)
        except SharewiseError:
            return False
        return scope is Scope.ALL or key_worker_id == self._ctx.actor.id

    def _require_edit(self, child_id: int) -> Scope:
        return require_edit(self._ctx, child_id)

    def _check_staff(self, tx: Database, staff_id: int | None, field: str, *, key_worker: bool) -> None:
        if staff_id is None:
            return
        row = tx.one("SELECT active FROM staff WHERE id = ?", (staff_id,))
        if row is None or not row["active"]:
            raise ValidationError(field, "Choose someone from the list of current staff.")
        if key_worker and not tx.scalar(
            "SELECT 1 FROM staff_role WHERE staff_id = ? AND role = ?", (staff_id, Role.KEY_WORKER.value)
        ):
            raise ValidationError(field, "The key worker must be a member of staff with the key worker role.")

    # --- lists --------------------------------------------------------------------------------

    def find(
        self,
        *,
        search: str = "",
        enrolment: Enrolment = Enrolment.ON_ROLL,
        key_worker_id: int | None = None,
        room: str | None = None,
        limit: int | None = None,
    ) -> list[ChildSummary]:
        """Children matching the search words (names of the child or a carer) and filters."""
        self._ctx.require(Action.CHILD_READ)
        try:
            enrolment = Enrolment(enrolment)  # a combo box hands back the plain string
        except ValueError as exc:
            raise ValidationError("enrolment", "Choose on roll, left or all.") from exc
        where: list[str] = []
        params: list[Any] = []
        query = fts_query(search)
        if search.strip() and query is None:
            return []
        if query is not None:
            where.append("c.id IN (SELECT rowid FROM child_search WHERE child_search MATCH ?)")
            params.append(query)
        today = self._today().isoformat()
        if enrolment is Enrolment.ON_ROLL:
            where.append("(c.leaving_date IS NULL OR c.leaving_date > ?)")
            params.append(today)
        elif enrolment is Enrolment.LEFT:
            where.append("c.leaving_date <= ?")
            params.append(today)
        if key_worker_id is not None:
            where.append("c.key_worker_id = ?")
            params.append(key_worker_id)
        if room:
            where.append("c.room = ?")
            params.append(room)
        sql = SUMMARY_SQL + (" WHERE " + " AND ".join(where) if where else "")
        rows = [summary(r) for r in self._ctx.database.query(sql, params)]
        rows.sort(key=lambda c: names.sort_key(c.known_as or c.legal_name))
        return rows if limit is None else rows[:limit]

    def rooms(self) -> list[str]:
        self._ctx.require(Action.CHILD_READ)
        rows = self._ctx.database.query("SELECT DISTINCT room FROM child WHERE room <> ''")
        return sorted((str(r["room"]) for r in rows), key=names.sort_key)

    def staff_choices(self) -> list[StaffChoice]:
        """Current staff, for choosing a key worker, a supervisor or who an action is for."""
        self._ctx.require(Action.CHILD_READ)
        rows = self._ctx.database.query(
            "SELECT s.id, s.full_name, EXISTS (SELECT 1 FROM staff_role r WHERE r.staff_id = s.id "
            "AND r.role = ?) AS key_worker FROM staff s WHERE s.active = 1",
            (Role.KEY_WORKER.value,),
        )
        found = [StaffChoice(StaffId(int(r["id"])), str(r["full_name"]), bool(r["key_worker"])) for r in rows]
        return sorted(found, key=lambda s: names.sort_key(s.full_name))

    def find_carers(self, search: str) -> list[CarerMatch]:
        """Carers whose name matches, with the children they belong to (to link a sibling)."""
        self._ctx.require(Action.CHILD_READ)
        words = [w.casefold() for w in search.split() if w]
        if not words:
            return []
        rows = self._ctx.database.query(
            "SELECT k.id, k.full_name, c.known_as, c.legal_name FROM carer k "
            "JOIN child_carer cc ON cc.carer_id = k.id JOIN child c ON c.id = cc.child_id"
        )
        found: dict[int, tuple[str, list[str]]] = {}
        for r in rows:
            folded = names.fold(str(r["full_name"]))
            if all(names.fold(w) in folded for w in words):
                entry = found.setdefault(int(r["id"]), (str(r["full_name"]), []))
                entry[1].append(str(r["known_as"] or r["legal_name"]))
        matches = [
            CarerMatch(CarerId(i), n, tuple(sorted(c, key=names.sort_key))) for i, (n, c) in found.items()
        ]
        return sorted(matches, key=lambda m: names.sort_key(m.full_name))[:50]

    # --- one child ----------------------------------------------------------------------------

    def get(self, child_id: int) -> Child:
        """The whole record; opening it is audit-logged."""
        self._ctx.require(Action.CHILD_READ)
        child = self._load(child_id)
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, AuditAction.CHILD_VIEWED, "child", child_id)
        return child

    def _load(self, child_id: int) -> Child:
        db = self._ctx.database
        row = db.one(
            "SELECT c.*, s.full_name AS key_worker_name FROM child c "
            "LEFT JOIN staff s ON s.id = c.key_worker_id WHERE c.id = ?",
            (child_id,),
        )
        if row is None:
            raise NotFound(GONE)
        may_family = self._ctx.roles & {Role.MANAGER, Role.DSL} != frozenset()
        return Child(
            id=ChildId(int(row["id"])),
            legal_name=str(row["legal_name"]),
            known_as=str(row["known_as"]),
            date_of_birth=date.fromisoformat(row["date_of_birth"]),
            sex_gender=str(row["sex_gender"]),
            address=str(row["address"]),
            phone=str(row["phone"]),
            start_date=date.fromisoformat(row["start_date"]),
            leaving_date=_day(row["leaving_date"]),
            destination=str(row["destination"]),
            room=str(row["room"]),
            key_worker_id=None if row["key_worker_id"] is None else StaffId(int(row["key_worker_id"])),
            key_worker_name=str(row["key_worker_name"] or ""),
            additional_needs=str(row["additional_needs"]),
            medical_notes=str(row["medical_notes"]),
            family_circumstances=str(row["family_circumstances"]) if may_family else None,
            sessions_per_week=int(row["sessions_per_week"]),
            attendance_pattern=str(row["attendance_pattern"]),
            carers=self._carers(db, child_id, may_family),
            contacts=self._contacts(db, child_id),
            professionals=self._professionals(db, child_id),
            visits=self._visits(db, child_id),
            may_edit=self._may_edit(row["key_worker_id"]),
            may_see_family=may_family,
        )

    def _carers(self, db: Database, child_id: int, may_family: bool) -> tuple[Carer, ...]:
        carers = carers_of(db, child_id)
        if may_family:
            return carers
        # Staff without the family permission never see a withheld carer's details on screen:
        # they cannot know who is standing at the desk.
        return redact_for(carers, None)

    @staticmethod
    def _contacts(db: Database, child_id: int) -> tuple[EmergencyContact, ...]:
        return tuple(
            EmergencyContact(
                ContactId(int(r["id"])),
                str(r["full_name"]),
                str(r["relationship"]),
                str(r["phone"]),
                bool(r["may_collect"]),
            )
            for r in db.query(
                "SELECT * FROM emergency_contact WHERE child_id = ? ORDER BY position, id", (child_id,)
            )
        )

    @staticmethod
    def _professionals(db: Database, child_id: int) -> tuple[Professional, ...]:
        return tuple(
            Professional(
                ProfessionalId(int(r["id"])),
                str(r["agency"]),
                str(r["full_name"]),
                str(r["role"]),
                str(r["contact"]),
                _day(r["from_date"]),
                _day(r["to_date"]),
            )
            for r in db.query(
                "SELECT * FROM professional WHERE child_id = ? ORDER BY to_date IS NOT NULL, from_date, id",
                (child_id,),
            )
        )

    @staticmethod
    def _visits(db: Database, child_id: int) -> tuple[AgencyVisit, ...]:
        return tuple(
            AgencyVisit(
                VisitId(int(r["id"])),
                str(r["visitor"]),
                str(r["agency"]),
                from_text(r["visited_at"]),
                str(r["purpose"]),
                StaffId(int(r["supervised_by"])),
                str(r["supervisor"]),
                str(r["recorder"]),
            )
            for r in db.query(
                "SELECT v.*, s.full_name AS supervisor, w.full_name AS recorder FROM agency_visit v "
                "JOIN staff s ON s.id = v.supervised_by JOIN staff w ON w.id = v.recorded_by "
                "WHERE v.child_id = ? ORDER BY v.visited_at DESC, v.id DESC",
                (child_id,),
            )
        )

    # --- adding and changing ------------------------------------------------------------------

    def _duplicates(self, clean: _CleanChild, except_id: int | None) -> int:
        return int(
            self._ctx.database.scalar(
                "SELECT count(*) FROM child WHERE legal_name = ? COLLATE NOCASE AND date_of_birth = ? "
                "AND id IS NOT ?",
                (clean.legal_name, clean.date_of_birth.isoformat(), except_id),
            )
        )

    def add(self, details: ChildDetails, *, allow_duplicate: bool = False) -> Child:
        """Add a child (manager or DSL). ``DuplicateChild`` when the same legal name and date of
        birth is already recorded, unless ``allow_duplicate``."""
        scope = self._ctx.require(Action.CHILD_EDIT)
        if scope is not Scope.ALL:
            raise_not_key_worker(adding=True)
        clean = clean_child(details, self._today())
        if clean.family_circumstances is not None:
            self._ctx.require(Action.CHILD_FAMILY)
        if not allow_duplicate and self._duplicates(clean, None):
            raise DuplicateChild(
                "A child with this legal name and date of birth is already recorded. If this is a "
                "different child (or a child returning), save again to add them anyway."
            )
        now, me = self._now(), self._ctx.actor.id
        with self._ctx.transaction() as tx:
            self._check_staff(tx, clean.key_worker_id, "key_worker_id", key_worker=True)
            child_id = tx.execute(
                "INSERT INTO child (legal_name, known_as, date_of_birth, sex_gender, address, phone, "
                "start_date, leaving_date, destination, room, key_worker_id, additional_needs, "
                "medical_notes, family_circumstances, sessions_per_week, attendance_pattern, "
                "created_at, created_by, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    clean.legal_name,
                    clean.known_as,
                    clean.date_of_birth.isoformat(),
                    clean.sex_gender,
                    clean.address,
                    clean.phone,
                    clean.start_date.isoformat(),
                    None if clean.leaving_date is None else clean.leaving_date.isoformat(),
                    clean.destination,
                    clean.room,
                    clean.key_worker_id,
                    clean.additional_needs,
                    clean.medical_notes,
                    clean.family_circumstances or "",
                    clean.sessions_per_week,
                    clean.attendance_pattern,
                    now,
                    me,
                    now,
                    me,
                ),
            )
            reindex(tx, child_id)
            self._ctx.audit(tx, AuditAction.CHILD_ADDED, "child", child_id)
        return self._load(child_id)

    def update(self, child_id: int, details: ChildDetails, *, allow_duplicate: bool = False) -> Child:
        """Change the record. A key worker may change their own key children's record, but not
        the key worker (that is the manager's or DSL's call) nor family circumstances."""
        scope = self._require_edit(child_id)
        clean = clean_child(details, self._today())
        if clean.family_circumstances is not None:
            self._ctx.require(Action.CHILD_FAMILY)
        before = self._ctx.database.one("SELECT * FROM child WHERE id = ?", (child_id,))
        if before is None:
            raise NotFound(GONE)
        if scope is Scope.OWN and clean.key_worker_id != before["key_worker_id"]:
            raise ValidationError("key_worker_id", "Only the manager or DSL can change a child's key worker.")
        if not allow_duplicate and self._duplicates(clean, child_id):
            raise DuplicateChild(
                "Another child with this legal name and date of birth is already recorded. Save again "
                "to keep both records."
            )
        values: dict[str, Any] = {
            "legal_name": clean.legal_name,
            "known_as": clean.known_as,
            "date_of_birth": clean.date_of_birth.isoformat(),
            "sex_gender": clean.sex_gender,
            "address": clean.address,
            "phone": clean.phone,
            "start_date": clean.start_date.isoformat(),
            "leaving_date": None if clean.leaving_date is None else clean.leaving_date.isoformat(),
            "destination": clean.destination,
            "room": clean.room,
            "key_worker_id": clean.key_worker_id,
            "additional_needs": clean.additional_needs,
            "medical_notes": clean.medical_notes,
            "sessions_per_week": clean.sessions_per_week,
            "attendance_pattern": clean.attendance_pattern,
        }
        if clean.family_circumstances is not None:
            values["family_circumstances"] = clean.family_circumstances
        changed = sorted(k for k, v in values.items() if before[k] != v)
        if changed:
            with self._ctx.transaction() as tx:
                if "key_worker_id" in changed:
                    self._check_staff(tx, clean.key_worker_id, "key_worker_id", key_worker=True)
                assignments = ", ".join(f"{k} = ?" for k in changed)
                tx.execute(
                    f"UPDATE child SET {assignments}, updated_at = ?, updated_by = ? WHERE id = ?",  # noqa: S608
                    [*(values[k] for k in changed), self._now(), self._ctx.actor.id, child_id],
                )
                if {"legal_name", "known_as"} & set(changed):
                    reindex(tx, child_id)
                self._ctx.audit(tx, AuditAction.CHILD_CHANGED, "child", child_id, {"fields": changed})
        return self._load(child_id)

    # --- carers -------------------------------------------------------------------------------

    def _require_linked(self, child_id: int, carer_id: int) -> None:
        if not self._ctx.database.scalar(
            "SELECT 1 FROM child_carer WHERE child_id = ? AND carer_id = ?", (child_id, carer_id)
        ):
            raise NotFound("That carer is no longer on this child's record.")

    def add_carer(self, child_id: int, details: CarerDetails) -> Child:
        self._require_edit(child_id)
        clean = clean_carer(details)
        now = self._now()
        with self._ctx.transaction() as tx:
            carer_id = tx.execute(
                "INSERT INTO carer (full_name, address, phone, email, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (clean.full_name, clean.address, clean.phone, clean.email, now, now),
            )
            self._link(tx, child_id, carer_id, clean)
            reindex(tx, child_id)
            self._ctx.audit(tx, AuditAction.CARER_ADDED, "child", child_id, {"carer": carer_id})
        return self._load(child_id)

    @staticmethod
    def _link(tx: Database, child_id: int, carer_id: int, clean: CarerDetails) -> None:
        tx.execute(
            "INSERT INTO child_carer (child_id, carer_id, relationship, parental_responsibility, lives_with) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                child_id,
                carer_id,
                clean.relationship,
                int(clean.parental_responsibility),
                int(clean.lives_with),
            ),
        )

    def link_carer(
        self,
        child_id: int,
        carer_id: int,
        *,
        relationship: str,
        parental_responsibility: bool,
        lives_with: bool,
    ) -> Child:
        """Add an existing carer (a sibling's parent) to this child, keeping one set of details."""
        self._require_edit(child_id)
        row = self._ctx.database.one("SELECT full_name FROM carer WHERE id = ?", (carer_id,))
        if row is None:
            raise NotFound("That carer's record is not there any more.")
        if self._ctx.database.scalar(
            "SELECT 1 FROM child_carer WHERE child_id = ? AND carer_id = ?", (child_id, carer_id)
        ):
            raise ValidationError("carer", "That carer is already on this child's record.")
        clean = clean_carer(
            CarerDetails(str(row["full_name"]), relationship, parental_responsibility, lives_with)
        )
        with self._ctx.transaction() as tx:
            self._link(tx, child_id, carer_id, clean)
            reindex(tx, child_id)
            self._ctx.audit(
                tx, AuditAction.CARER_ADDED, "child", child_id, {"carer": carer_id, "linked": True}
            )
        return self._load(child_id)

    def update_carer(self, child_id: int, carer_id: int, details: CarerDetails) -> Child:
        """Change a carer's details (shared with their other children) and their link to this one.

        Someone who may not see withheld details cannot change them either: blank address,
        phone and email sent for a withheld carer mean "unchanged", not "erase".
        """
        self._require_edit(child_id)
        self._require_linked(child_id, carer_id)
        clean = clean_carer(details)
        db = self._ctx.database
        before = db.one("SELECT * FROM carer WHERE id = ?", (carer_id,))
        if before is None:
            raise NotFound("That carer's record is not there any more.")
        withheld = bool(db.scalar("SELECT 1 FROM carer_withheld WHERE carer_id = ?", (carer_id,)))
        if withheld and not (self._ctx.roles & {Role.MANAGER, Role.DSL}):
            if clean.address or clean.phone or clean.email:
                raise ValidationError(
                    "address",
                    "This carer's contact details are withheld; only the manager or DSL can change them.",
                )
            clean = replace(clean, address=before["address"], phone=before["phone"], email=before["email"])
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE carer SET full_name = ?, address = ?, phone = ?, email = ?, updated_at = ? "
                "WHERE id = ?",
                (clean.full_name, clean.address, clean.phone, clean.email, self._now(), carer_id),
            )
            tx.execute(
                "UPDATE child_carer SET relationship = ?, parental_responsibility = ?, lives_with = ? "
                "WHERE child_id = ? AND carer_id = ?",
                (
                    clean.relationship,
                    int(clean.parental_responsibility),
                    int(clean.lives_with),
                    child_id,
                    carer_id,
                ),
            )
            for linked in tx.query("SELECT child_id FROM child_carer WHERE carer_id = ?", (carer_id,)):
                reindex(tx, int(linked["child_id"]))
            self._ctx.audit(tx, AuditAction.CARER_CHANGED, "child", child_id, {"carer": carer_id})
        return self._load(child_id)

    def remove_carer(self, child_id: int, carer_id: int) -> Child:
        """Take a carer off this child's record. Their details stay while another child (a
        sibling) still has them; otherwise they are deleted with the link."""
        self._require_edit(child_id)
        self._require_linked(child_id, carer_id)
        with self._ctx.transaction() as tx:
            tx.execute("DELETE FROM child_carer WHERE child_id = ? AND carer_id = ?", (child_id, carer_id))
            others = int(tx.scalar("SELECT count(*) FROM child_carer WHERE carer_id = ?", (carer_id,)))
            if others == 0:
                _delete_carer_row(tx, carer_id)
            reindex(tx, child_id)
            self._ctx.audit(
                tx,
                AuditAction.CARER_REMOVED,
                "child",
                child_id,
                {"carer": carer_id, "details_kept": others > 0},
            )
        return self._load(child_id)

    def delete_carer(self, child_id: int, carer_id: int) -> Child:
        """Delete a carer's details altogether: refused while they belong to another child."""
        self._require_edit(child_id)
        self._require_linked(child_id, carer_id)
        others = int(
            self._ctx.database.scalar(
                "SELECT count(*) FROM child_carer WHERE carer_id = ? AND child_id <> ?", (carer_id, child_id)
            )
        )
        if others:
            raise ValidationError(
                "carer",
                f"This carer is also linked to {others} other child{'ren' if others != 1 else ''}, so their "
                "details cannot be deleted. Remove them from this child only; nothing has been changed.",
            )
        with self._ctx.transaction() as tx:
            tx.execute("DELETE FROM child_carer WHERE child_id = ? AND carer_id = ?", (child_id, carer_id))
            _delete_carer_row(tx, carer_id)
            reindex(tx, child_id)
            self._ctx.audit(tx, AuditAction.CARER_DELETED, "child", child_id, {"carer": carer_id})
        return self._load(child_id)

    def set_withheld(self, child_id: int, carer_id: int, withheld_from: Sequence[int]) -> Child:
        """Record whom this carer's address and contact details must never reach (manager/DSL)."""
        self._ctx.require(Action.CHILD_FAMILY)
        self._require_edit(child_id)
        self._require_linked(child_id, carer_id)
        chosen = sorted(set(withheld_from))
        for other in chosen:
            if other == carer_id:
                raise ValidationError(
                    "withheld_from", "A carer's details cannot be withheld from themselves."
                )
            self._require_linked(child_id, other)
        with self._ctx.transaction() as tx:
            tx.execute("DELETE FROM carer_withheld WHERE carer_id = ?", (carer_id,))
            for other in chosen:
                tx.execute(
                    "INSERT INTO carer_withheld (carer_id, from_carer_id) VALUES (?, ?)", (carer_id, other)
                )
            self._ctx.audit(
                tx, AuditAction.CARER_WITHHELD, "child", child_id, {"carer": carer_id, "from": chosen}
            )
        return self._load(child_id)

    def carers_for(self, child_id: int, recipient: int | None) -> tuple[Carer, ...]:
        """This child's carers as they may appear on a document for ``recipient`` (a carer)."""
        self._ctx.require(Action.CHILD_READ)
        heading(self._ctx.database, child_id)
        return redact_for(
            self._carers(self._ctx.database, child_id, True), CarerId(recipient) if recipient else None
        )

    # --- emergency contacts -------------------------------------------------------------------

    def add_contact(self, child_id: int, details: ContactDetails) -> Child:
        self._require_edit(child_id)
        clean = clean_contact(details)
        with self._ctx.transaction() as tx:
            position = int(
                tx.scalar(
                    "SELECT coalesce(max(position), 0) + 1 FROM emergency_contact WHERE child_id = ?",
                    (child_id,),
                )
            )
            contact_id = tx.execute(
                "INSERT INTO emergency_contact "
                "(child_id, full_name, relationship, phone, may_collect, position) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    child_id,
                    clean.full_name,
                    clean.relationship,
                    clean.phone,
                    int(clean.may_collect),
                    position,
                ),
            )
            self._ctx.audit(tx, AuditAction.CONTACT_ADDED, "child", child_id, {"contact": contact_id})
        return self._load(child_id)

    def _require_contact(self, child_id: int, contact_id: int) -> None:
        if not self._ctx.database.scalar(
            "SELECT 1 FROM emergency_contact WHERE id = ? AND child_id = ?", (contact_id, child_id)
        ):
            raise NotFound("That emergency contact is no longer on this child's record.")

    def update_contact(self, child_id: int, contact_id: int, details: ContactDetails) -> Child:
        self._require_edit(child_id)
        self._require_contact(child_id, contact_id)
        clean = clean_contact(details)
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE emergency_contact SET full_name = ?, relationship = ?, phone = ?, may_collect = ? "
                "WHERE id = ?",
                (clean.full_name, clean.relationship, clean.phone, int(clean.may_collect), contact_id),
            )
            self._ctx.audit(tx, AuditAction.CONTACT_CHANGED, "child", child_id, {"contact": contact_id})
        return self._load(child_id)

    def remove_contact(self, child_id: int, contact_id: int) -> Child:
        self._require_edit(child_id)
        self._require_contact(child_id, contact_id)
        with self._ctx.transaction() as tx:
            tx.execute("DELETE FROM emergency_contact WHERE id = ?", (contact_id,))
            self._ctx.audit(tx, AuditAction.CONTACT_REMOVED, "child", child_id, {"contact": contact_id})
        return self._load(child_id)

    # --- professionals and visits -------------------------------------------------------------

    def add_professional(self, child_id: int, details: ProfessionalDetails) -> Child:
        self._require_edit(child_id)
        p = clean_professional(details)
        with self._ctx.transaction() as tx:
            professional_id = tx.execute(
                "INSERT INTO professional (child_id, agency, full_name, role, contact, from_date, to_date) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (child_id, p.agency, p.full_name, p.role, p.contact, _iso(p.from_date), _iso(p.to_date)),
            )
            self._ctx.audit(
                tx, AuditAction.PROFESSIONAL_ADDED, "child", child_id, {"professional": professional_id}
            )
        return self._load(child_id)

    def _require_professional(self, child_id: int, professional_id: int) -> None:
        if not self._ctx.database.scalar(
            "SELECT 1 FROM professional WHERE id = ? AND child_id = ?", (professional_id, child_id)
        ):
            raise NotFound("That professional is no longer on this child's record.")

    def update_professional(self, child_id: int, professional_id: int, details: ProfessionalDetails) -> Child:
        self._require_edit(child_id)
        self._require_professional(child_id, professional_id)
        p = clean_professional(details)
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE professional SET agency = ?, full_name = ?, role = ?, contact = ?, from_date = ?, "
                "to_date = ? WHERE id = ?",
                (
                    p.agency,
                    p.full_name,
                    p.role,
                    p.contact,
                    _iso(p.from_date),
                    _iso(p.to_date),
                    professional_id,
                ),
            )
            self._ctx.audit(
                tx, AuditAction.PROFESSIONAL_CHANGED, "child", child_id, {"professional": professional_id}
            )
        return self._load(child_id)

    def remove_professional(self, child_id: int, professional_id: int) -> Child:
        """For an entry made in error; a professional who stops being involved gets an end date."""
        self._require_edit(child_id)
        self._require_professional(child_id, professional_id)
        with self._ctx.transaction() as tx:
            tx.execute("DELETE FROM professional WHERE id = ?", (professional_id,))
            self._ctx.audit(
                tx, AuditAction.PROFESSIONAL_REMOVED, "child", child_id, {"professional": professional_id}
            )
        return self._load(child_id)

    def log_visit(self, child_id: int, details: VisitDetails) -> Child:
        """Record an agency visit. Anyone who works with the child may (the visit happened in the
        room); the supervising member of staff is required."""
        self._ctx.require(Action.CHILD_READ)
        heading(self._ctx.database, child_id)
        visitor = _short(details.visitor, "visitor", "Visitor's name", required=True)
        agency = _short(details.agency, "agency", "Agency", required=True)
        when = validation.moment(details.visited_at, field="visited_at", label="Date and time of the visit")
        if when > self._ctx.clock.now() + timedelta(minutes=5):
            raise ValidationError("visited_at", "The visit is in the future; log it once it has happened.")
        purpose = _note(details.purpose, "purpose", "Purpose of the visit")
        if not purpose:
            raise ValidationError("purpose", "Purpose of the visit is needed.")
        if details.supervised_by is None:
            raise ValidationError(
                "supervised_by",
                "Choose the member of staff who supervised: visitors are never left alone with children.",
            )
        with self._ctx.transaction() as tx:
            self._check_staff(tx, details.supervised_by, "supervised_by", key_worker=False)
            visit_id = tx.execute(
                "INSERT INTO agency_visit (child_id, visitor, agency, visited_at, purpose, supervised_by, "
                "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    child_id,
                    visitor,
                    agency,
                    to_text(when),
                    purpose,
                    details.supervised_by,
                    self._ctx.actor.id,
                    self._now(),
                ),
            )
            self._ctx.audit(tx, AuditAction.VISIT_LOGGED, "child", child_id, {"visit": visit_id})
        return self._load(child_id)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _delete_carer_row(tx: Database, carer_id: int) -> None:
    tx.execute("DELETE FROM carer_withheld WHERE carer_id = ? OR from_carer_id = ?", (carer_id, carer_id))
    tx.execute("DELETE FROM carer WHERE id = ?", (carer_id,))


def require_edit(context: SessionContext, child_id: int, refusal: str | None = None) -> Scope:
    """CHILD_EDIT on this child: ALL, or OWN and the person is the child's key worker (consents
    and a family's forms follow the same rule). ``refusal`` replaces the usual sentence."""
    scope = context.require(Action.CHILD_EDIT)
    row = context.database.one("SELECT key_worker_id FROM child WHERE id = ?", (child_id,))
    if row is None:
        raise NotFound(GONE)
    if scope is Scope.OWN and row["key_worker_id"] != context.actor.id:
        if refusal is not None:
            raise PermissionDenied(refusal, action=Action.CHILD_EDIT.value)
        raise_not_key_worker()
    return scope


def raise_not_key_worker(*, adding: bool = False) -> NoReturn:
    if adding:
        raise PermissionDenied(
            "Only the manager or DSL can add a child. Ask them to add the child and make you the key worker.",
            action=Action.CHILD_EDIT.value,
        )
    raise PermissionDenied(
        "You can change the records of your own key children only. Ask the manager or DSL to make this "
        "change.",
        action=Action.CHILD_EDIT.value,
    )
