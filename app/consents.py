"""Consents: what each carer has agreed to, refused or withdrawn for each child, and when.

``session.consents`` is the only way in. Everyone who works with the children reads a child's
consents (staff need to know whether a photograph may be taken); the manager and DSL record them
for any child, a key worker for their own key children (the permissions table). Only a carer with
parental responsibility gives, refuses or withdraws consent.

Each (child, carer, kind) has one current answer and a history that is never rewritten: a
withdrawal is one more entry, so the setting can always show what it held on a given day. A signed
form scanned back in is stored inside the encrypted database with the entry it proves, and handed
back as bytes: nothing here writes it to disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NewType

from app import children, names, validation
from app.audit import AuditAction
from app.children import CarerId, ChildId
from app.clock import add_months, from_text, local_today, long_date, to_text
from app.errors import NotFound, PermissionDenied, ValidationError
from app.policy.permissions import Action
from app.session_context import SessionContext
from app.vault.database import Database

ConsentId = NewType("ConsentId", int)
KindId = NewType("KindId", int)
FormId = NewType("FormId", int)

MAX_FORM_BYTES = 20 * 1024 * 1024  # a 10-page colour scan is a few MB; 20 MB leaves room
WORDING_LIMIT = 4000
AGENCIES_LIMIT = 1000
NOTE_LIMIT = 2000
REVIEW_WARNING_DAYS = 30  # a consent due for review shows in the gaps this long before
NO_ANSWER_DAYS = 14  # a form sent home and not back after two weeks shows in the gaps
CONSENT_GONE = "That consent is not there any more (the record may have changed). Open the child again."


class ConsentStatus(StrEnum):
    REQUESTED = "requested"
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"requested": "Asked, no answer yet", "given": "Given", "refused": "Refused"}.get(
            self.value, "Withdrawn"
        )


class ConsentHow(StrEnum):
    SIGNED_FORM = "signed_form"
    VERBAL = "verbal"
    IN_WRITING = "in_writing"

    @property
    def label(self) -> str:
        return {"signed_form": "Signed form", "verbal": "Told us in person or by phone"}.get(
            self.value, "Letter or email"
        )


class KindCode(StrEnum):
    """The kinds the guidance names, built in; kinds the manager adds have no code."""

    REGISTRATION = "registration"
    ADDITIONAL_NEEDS = "additional_needs"
    TRANSITION = "transition"


class GapKind(StrEnum):
    NO_DECLARATION = "no_declaration"
    NOT_RETURNED = "not_returned"
    REVIEW_DUE = "review_due"
    REVIEW_OVERDUE = "review_overdue"


@dataclass(frozen=True)
class ConsentKind:
    id: KindId
    code: KindCode | None
    name: str
    wording: str  # what the carer agrees to, as printed on the form
    names_agencies: bool  # the form and the record name the agencies it covers
    review_months: int  # 0: no review date unless one is typed
    active: bool

    @property
    def built_in(self) -> bool:
        return self.code is not None


@dataclass(frozen=True)
class KindDetails:
    """What the manager's "kind of consent" form submits."""

    name: str
    wording: str
    names_agencies: bool = False
    review_months: int = 0


@dataclass(frozen=True)
class ScannedForm:
    """A signed form as stored: the bytes and what they are (checked from the bytes themselves)."""

    data: bytes = field(repr=False)
    media_type: str
    child_id: ChildId | None = None  # whose form it is (set when read back from the vault)


@dataclass(frozen=True)
class ConsentDetails:
    """One change to a consent, as the form submits it.

    ``how`` and, for ``verbal``, ``heard_by`` (the member of staff who heard it) are needed for
    every answer; a request has neither. ``review_on`` None takes the kind's review period.
    ``form`` attaches the signed form with the same change.
    """

    status: ConsentStatus | str
    on: date | str | None
    how: ConsentHow | str | None = None
    heard_by: int | None = None
    agencies: str = ""
    review_on: date | str | None = None
    note: str = ""
    form: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class FormInfo:
    id: FormId
    media_type: str
    size: int
    added_by_name: str
    added_at: datetime
    removed: str = ""  # "" while kept; otherwise who removed it, when and why

    @property
    def kept(self) -> bool:
        return not self.removed


@dataclass(frozen=True)
class ConsentEvent:
    id: int
    status: ConsentStatus
    status_on: date
    how: ConsentHow | None
    heard_by_name: str
    agencies: str
    review_on: date | None
    note: str
    recorded_by_name: str
    recorded_at: datetime
    forms: tuple[FormInfo, ...]


@dataclass(frozen=True)
class Consent:
    """The current answer of one carer, for one child, for one kind of consent."""

    id: ConsentId
    child_id: ChildId
    carer_id: CarerId | None  # None once the carer's details were deleted (carer_name remains)
    carer_name: str
    kind: ConsentKind
    status: ConsentStatus
    status_on: date
    how: ConsentHow | None
    heard_by_name: str
    agencies: str
    review_on: date | None
    note: str
    recorded_by_name: str
    recorded_at: datetime
    forms: int  # scanned forms kept for this consent (all its history)

    @property
    def in_force(self) -> bool:
        return self.status is ConsentStatus.GIVEN

    @property
    def signed(self) -> bool:
        return self.status is ConsentStatus.GIVEN and self.how is ConsentHow.SIGNED_FORM

    def review_due(self, today: date, within_days: int = REVIEW_WARNING_DAYS) -> bool:
        return (
            self.in_force and self.review_on is not None and self.review_on <= today + timedelta(within_days)
        )

    @property
    def summary(self) -> str:
        """One line for the at-a-glance list: "Given (signed form) on 3 September 2026"."""
        when = long_date(self.status_on)
        if self.status is ConsentStatus.REQUESTED:
            return f"Asked on {when}, no answer yet"
        how = f" ({self.how.label.lower()})" if self.how else ""
        line = f"{self.status.label}{how} on {when}"
        if self.in_force and self.review_on is not None:
            line += f"; review by {long_date(self.review_on)}"
        return line


@dataclass(frozen=True)
class CarerChoice:
    """A carer of the child, as the consent form offers them."""

    id: CarerId
    full_name: str
    parental_responsibility: bool


@dataclass(frozen=True)
class Glance:
    """One line per kind of consent on a child's record."""

    kind: ConsentKind
    state: str  # "given", "partly", "refused", "withdrawn", "requested", "not_asked"
    text: str


@dataclass(frozen=True)
class ChildConsents:
    child_id: ChildId
    kinds: tuple[ConsentKind, ...]  # active kinds, and retired ones this child has answers for
    carers: tuple[CarerChoice, ...]
    consents: tuple[Consent, ...]
    may_edit: bool

    def for_kind(self, kind_id: int) -> tuple[Consent, ...]:
        return tuple(c for c in self.consents if c.kind.id == kind_id)

    def glance(self) -> tuple[Glance, ...]:
        """Each kind in a line: who gave, refused or withdrew it, or that nobody was asked."""
        lines = []
        for kind in self.kinds:
            found = self.for_kind(kind.id)
            if not found:
                if kind.active:
                    lines.append(Glance(kind, "not_asked", "Not asked yet"))
                continue
            statuses = {c.status for c in found}
            if statuses == {ConsentStatus.GIVEN}:
                state = "given"
            elif ConsentStatus.GIVEN in statuses:
                state = "partly"
            elif ConsentStatus.WITHDRAWN in statuses:
                state = "withdrawn"
            elif ConsentStatus.REFUSED in statuses:
                state = "refused"
            else:
                state = "requested"
            text = "; ".join(f"{c.carer_name}: {c.summary}" for c in found)
            lines.append(Glance(kind, state, text))
        return tuple(lines)


@dataclass(frozen=True)
class ConsentGap:
    child_id: ChildId
    child_name: str
    room: str
    gap: GapKind
    kind_name: str
    carer_name: str  # "" for a missing declaration (nobody has signed one)
    due: date | None
    consent_id: ConsentId | None

    @property
    def sentence(self) -> str:
        if self.gap is GapKind.NO_DECLARATION:
            return "No signed registration declaration"
        if self.gap is GapKind.NOT_RETURNED:
            return f"{self.kind_name}: asked {self.carer_name}, no answer yet"
        if self.gap is GapKind.REVIEW_OVERDUE:
            return f"{self.kind_name} ({self.carer_name}): review overdue"
        return f"{self.kind_name} ({self.carer_name}): review due"


def media_type_of(data: bytes) -> str | None:
    """What a scanned file is, from its first bytes (never from its name)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def check_scan(data: object) -> ScannedForm:
    """A scan the program can keep: PDF, PNG or JPEG, not empty, not absurdly large."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValidationError("form", "The scanned form could not be read. Choose the file again.")
    raw = bytes(data)
    if not raw:
        raise ValidationError(
            "form", "That file is empty. Scan the signed form again and choose the new file."
        )
    if len(raw) > MAX_FORM_BYTES:
        raise ValidationError(
            "form",
            f"That file is {len(raw) / 1024 / 1024:.1f} MB; the limit is {MAX_FORM_BYTES // 1024 // 1024} "
            f"MB. "
            "Scan it in black and white or at a lower resolution, then try again.",
        )
    media_type = media_type_of(raw)
    if media_type is None:
        raise ValidationError(
            "form",
            "Sharewise keeps scanned forms as PDF, PNG or JPEG files only. Save the scan as one of those.",
        )
    return ScannedForm(raw, media_type)


# --- reading rows ------------------------------------------------------------------------------

_KIND_SQL = "SELECT * FROM consent_kind"
_CONSENT_SQL = (
    "SELECT c.*, h.full_name AS heard_by_name, r.full_name AS recorded_by_name, "
    "(SELECT count(*) FROM consent_form f WHERE f.consent_id = c.id AND f.removed_at IS NULL) AS forms "
    "FROM consent c LEFT JOIN staff h ON h.id = c.heard_by JOIN staff r ON r.id = c.recorded_by"
)


def _kind(row: Any) -> ConsentKind:
    return ConsentKind(
        id=KindId(int(row["id"])),
        code=None if row["code"] is None else KindCode(row["code"]),
        name=str(row["name"]),
        wording=str(row["wording"]),
        names_agencies=bool(row["names_agencies"]),
        review_months=int(row["review_months"]),
        active=bool(row["active"]),
    )


def _day(text: Any) -> date | None:
    return None if text is None else date.fromisoformat(str(text))


def _consent(row: Any, kinds: Mapping[int, ConsentKind]) -> Consent:
    return Consent(
        id=ConsentId(int(row["id"])),
        child_id=ChildId(int(row["child_id"])),
        carer_id=None if row["carer_id"] is None else CarerId(int(row["carer_id"])),
        carer_name=str(row["carer_name"]),
        kind=kinds[int(row["kind_id"])],
        status=ConsentStatus(row["status"]),
        status_on=date.fromisoformat(row["status_on"]),
        how=None if row["how"] is None else ConsentHow(row["how"]),
        heard_by_name=str(row["heard_by_name"] or ""),
        agencies=str(row["agencies"]),
        review_on=_day(row["review_on"]),
        note=str(row["note"]),
        recorded_by_name=str(row["recorded_by_name"]),
        recorded_at=from_text(row["recorded_at"]),
        forms=int(row["forms"]),
    )


def all_kinds(database: Database) -> dict[int, ConsentKind]:
    return {int(r["id"]): _kind(r) for r in database.query(f"{_KIND_SQL} ORDER BY position, id")}


@dataclass(frozen=True)
class _Clean:
    status: ConsentStatus
    on: date
    how: ConsentHow | None
    heard_by: int | None
    agencies: str
    review_on: date | None
    note: str
    form: ScannedForm | None


class ConsentService:
    """``session.consents``."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def _today(self) -> date:
        return local_today(self._ctx.clock)

    def _require_edit(self, child_id: int) -> None:
        children.require_edit(self._ctx, child_id)

    def _may_edit(self, child_id: int) -> bool:
        try:
            self._require_edit(child_id)
        except PermissionDenied:
            return False
        return True

    # --- kinds of consent ---------------------------------------------------------------------

    def kinds(self, *, include_retired: bool = False) -> list[ConsentKind]:
        self._ctx.require(Action.CHILD_READ)
        found = all_kinds(self._ctx.database).values()
        return [k for k in found if include_retired or k.active]

    def _kind(self, kind_id: int) -> ConsentKind:
        row = self._ctx.database.one(f"{_KIND_SQL} WHERE id = ?", (kind_id,))
        if row is None:
            raise NotFound("That kind of consent is not there any more.")
        return _kind(row)

    def _clean_kind(self, details: KindDetails, except_id: int | None) -> KindDetails:
        name = validation.text(details.name, field="name", label="Name of the consent")
        wording = validation.text(
            details.wording,
            field="wording",
            label="What the parent agrees to",
            limit=WORDING_LIMIT,
            multiline=True,
        )
        months = validation.integer(
            details.review_months,
            field="review_months",
            label="Review after (months)",
            minimum=0,
            maximum=120,
        )
        agencies = validation.flag(details.names_agencies, field="names_agencies", label="Names agencies")
        kind = None if except_id is None else all_kinds(self._ctx.database).get(except_id)
        if kind is not None and kind.code is KindCode.ADDITIONAL_NEEDS and not agencies:
            raise ValidationError(
                "names_agencies",
                "Consent to share information about additional needs always names the agencies.",
            )
        folded = names.fold(name)
        for other in all_kinds(self._ctx.database).values():
            if other.id != except_id and names.fold(other.name) == folded:
                raise ValidationError("name", f"There is already a kind of consent called “{other.name}”.")
        return KindDetails(name, wording, agencies, months)

    def add_kind(self, details: KindDetails) -> ConsentKind:
        """A kind the manager adds (photographs, outings, sun cream...)."""
        self._ctx.require(Action.SETTINGS_MANAGE)
        clean = self._clean_kind(details, None)
        with self._ctx.transaction() as tx:
            position = int(tx.scalar("SELECT coalesce(max(position), 0) + 1 FROM consent_kind"))
            kind_id = tx.execute(
                "INSERT INTO consent_kind (name, wording, names_agencies, review_months, position) "
                "VALUES (?, ?, ?, ?, ?)",
                (clean.name, clean.wording, int(clean.names_agencies), clean.review_months, position),
            )
            self._ctx.audit(tx, AuditAction.CONSENT_KIND_ADDED, "consent_kind", kind_id)
        return self._kind(kind_id)

    def update_kind(self, kind_id: int, details: KindDetails) -> ConsentKind:
        """Change a kind's name, wording or review period. Answers already given keep standing:
        forms printed from now on carry the new wording."""
        self._ctx.require(Action.SETTINGS_MANAGE)
        self._kind(kind_id)
        clean = self._clean_kind(details, kind_id)
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE consent_kind SET name = ?, wording = ?, names_agencies = ?, review_months = ? "
                "WHERE id = ?",
                (clean.name, clean.wording, int(clean.names_agencies), clean.review_months, kind_id),
            )
            self._ctx.audit(tx, AuditAction.CONSENT_KIND_CHANGED, "consent_kind", kind_id)
        return self._kind(kind_id)

    def set_kind_active(self, kind_id: int, active: bool) -> ConsentKind:
        """Retire a kind (no longer asked or printed; its answers stay) or bring it back."""
        self._ctx.require(Action.SETTINGS_MANAGE)
        kind = self._kind(kind_id)
        if kind.code is KindCode.REGISTRATION and not active:
            raise ValidationError(
                "active", "The registration declaration is always asked for, so it cannot be retired."
            )
        with self._ctx.transaction() as tx:
            tx.execute("UPDATE consent_kind SET active = ? WHERE id = ?", (int(active), kind_id))
            self._ctx.audit(tx, AuditAction.CONSENT_KIND_CHANGED, "consent_kind", kind_id, {"active": active})
        return self._kind(kind_id)

    # --- a child's consents -------------------------------------------------------------------

    def for_child(self, child_id: int) -> ChildConsents:
        """Everything at a glance. Not audited by itself: opening the child's record is."""
        self._ctx.require(Action.CHILD_READ)
        db = self._ctx.database
        children.heading(db, child_id)
        kinds = all_kinds(db)
        consents = tuple(
            _consent(r, kinds)
            for r in db.query(f"{_CONSENT_SQL} WHERE c.child_id = ? ORDER BY c.kind_id, c.id", (child_id,))
        )
        answered = {c.kind.id for c in consents}
        carers = tuple(
            CarerChoice(c.id, c.full_name, c.parental_responsibility)
            for c in children.carers_of(db, child_id)
        )
        return ChildConsents(
            child_id=ChildId(child_id),
            kinds=tuple(k for k in kinds.values() if k.active or k.id in answered),
            carers=carers,
            consents=consents,
            may_edit=self._may_edit(child_id),
        )

    def get(self, consent_id: int) -> Consent:
        self._ctx.require(Action.CHILD_READ)
        db = self._ctx.database
        row = db.one(f"{_CONSENT_SQL} WHERE c.id = ?", (consent_id,))
        if row is None:
            raise NotFound(CONSENT_GONE)
        return _consent(row, all_kinds(db))

    def history(self, consent_id: int) -> list[ConsentEvent]:
        """Every change to this consent, oldest first, with the forms scanned for each."""
        self._ctx.require(Action.CHILD_READ)
        db = self._ctx.database
        self.get(consent_id)
        forms: dict[int, list[FormInfo]] = {}
        for f in db.query(
            "SELECT f.id, f.event_id, f.media_type, f.size, f.added_at, f.removed_at, f.removed_reason, "
            "s.full_name, r.full_name AS remover FROM consent_form f JOIN staff s ON s.id = f.added_by "
            "LEFT JOIN staff r ON r.id = f.removed_by WHERE f.consent_id = ? ORDER BY f.id",
            (consent_id,),
        ):
            removed = ""
            if f["removed_at"] is not None:
                when = long_date(from_text(f["removed_at"]).astimezone().date())
                removed = f"Removed by {f['remover']} on {when}: {f['removed_reason']}"
            info = FormInfo(
                FormId(int(f["id"])),
                str(f["media_type"]),
                int(f["size"]),
                str(f["full_name"]),
                from_text(f["added_at"]),
                removed,
            )
            forms.setdefault(int(f["event_id"]), []).append(info)
        return [
            ConsentEvent(
                id=int(r["id"]),
                status=ConsentStatus(r["status"]),
                status_on=date.fromisoformat(r["status_on"]),
                how=None if r["how"] is None else ConsentHow(r["how"]),
                heard_by_name=str(r["heard_by_name"] or ""),
                agencies=str(r["agencies"]),
                review_on=_day(r["review_on"]),
                note=str(r["note"]),
                recorded_by_name=str(r["recorded_by_name"]),
                recorded_at=from_text(r["recorded_at"]),
                forms=tuple(forms.get(int(r["id"]), [])),
            )
            for r in db.query(
                "SELECT e.*, h.full_name AS heard_by_name, r.full_name AS recorded_by_name FROM "
                "consent_event e "
                "LEFT JOIN staff h ON h.id = e.heard_by JOIN staff r ON r.id = e.recorded_by "
                "WHERE e.consent_id = ? ORDER BY e.id",
                (consent_id,),
            )
        ]

    # --- recording ----------------------------------------------------------------------------

    def _clean(
        self, details: ConsentDetails, kind: ConsentKind, born: date, previous: Consent | None
    ) -> _Clean:
        try:
            status = ConsentStatus(details.status)
        except ValueError:
            raise ValidationError(
                "status", "Choose whether consent was asked for, given, refused or withdrawn."
            ) from None
        label = "Date asked" if status is ConsentStatus.REQUESTED else "Date"
        on = validation.required_day(details.on, field="on", label=label)
        today = self._today()
        if on > today:
            raise ValidationError("on", f"“{label}” is in the future; record it on the day it happens.")
        if on < born:
            raise ValidationError("on", f"“{label}” is before the child was born; please check the year.")
        if previous is not None and on < previous.status_on:
            raise ValidationError(
                "on",
                f"“{label}” is before the last change to this consent ({long_date(previous.status_on)}); "
                "please check it.",
            )
        if status is ConsentStatus.WITHDRAWN and (
            previous is None or previous.status is not ConsentStatus.GIVEN
        ):
            raise ValidationError(
                "status", "Only consent that was given can be withdrawn. Record a refusal instead."
            )
        how: ConsentHow | None = None
        heard_by: int | None = None
        if status is not ConsentStatus.REQUESTED:
            if details.how in (None, ""):
                raise ValidationError(
                    "how", "Say how the parent gave their answer: a signed form, in person, or in writing."
                )
            try:
                how = ConsentHow(details.how)
            except ValueError:
                raise ValidationError(
                    "how", "Choose how the parent gave their answer from the list."
                ) from None
            if how is ConsentHow.VERBAL:
                heard_by = self._staff(details.heard_by)
        agencies = validation.text(
            details.agencies,
            field="agencies",
            label="Agencies",
            required=False,
            limit=AGENCIES_LIMIT,
            multiline=True,
        )
        if kind.names_agencies and status is ConsentStatus.GIVEN and not agencies:
            raise ValidationError("agencies", "Name the agencies the parent agreed we may share with.")
        review_on = validation.day(details.review_on, field="review_on", label="Review by", required=False)
        if review_on is None and status is ConsentStatus.GIVEN and kind.review_months:
            review_on = add_months(on, kind.review_months)
        if review_on is not None and review_on <= on:
            raise ValidationError("review_on", "“Review by” must be after the date of the answer.")
        if review_on is not None and review_on > today + timedelta(days=366 * 10):
            raise ValidationError(
                "review_on", "“Review by” is more than ten years away; please check the year."
            )
        note = validation.text(
            details.note, field="note", label="Note", required=False, limit=NOTE_LIMIT, multiline=True
        )
        form = None if details.form is None else check_scan(details.form)
        if form is not None and status is ConsentStatus.REQUESTED:
            raise ValidationError(
                "form", "Attach the signed form when it comes back, with the parent's answer."
            )
        return _Clean(status, on, how, heard_by, agencies, review_on, note, form)

    def _staff(self, staff_id: int | None) -> int:
        if staff_id is None:
            raise ValidationError("heard_by", "Say which member of staff the parent told.")
        row = self._ctx.database.one("SELECT active FROM staff WHERE id = ?", (staff_id,))
        if row is None or not row["active"]:
            raise ValidationError("heard_by", "Choose who the parent told from the list of current staff.")
        return staff_id

    def record(self, child_id: int, carer_id: int, kind_id: int, details: ConsentDetails) -> Consent:
        """Record a request, or a carer's answer, for this child and kind of consent."""
        self._require_edit(child_id)
        db = self._ctx.database
        _legal, _known, born = children.heading(db, child_id)
        kind = self._kind(kind_id)
        if not kind.active:
            raise ValidationError("kind", f"“{kind.name}” is no longer asked for (the manager retired it).")
        carer = next((c for c in children.carers_of(db, child_id) if c.id == carer_id), None)
        if carer is None:
            raise ValidationError(
                "carer", "Choose one of this child's carers; that person is not on the record."
            )
        if not carer.parental_responsibility:
            raise ValidationError(
                "carer",
                f"{carer.full_name} is not recorded as having parental responsibility, so cannot give or "
                f"refuse "
                "consent for this child. If they do have it, change their details on the Carers tab first.",
            )
        row = db.one(
            "SELECT id FROM consent WHERE child_id = ? AND carer_id = ? AND kind_id = ?",
            (child_id, carer_id, kind_id),
        )
        previous = None if row is None else self.get(int(row["id"]))
        clean = self._clean(details, kind, born, previous)
        return self._write(child_id, kind, carer.id, carer.full_name, previous, clean)

    def withdraw(
        self,
        consent_id: int,
        *,
        on: date | str | None,
        how: ConsentHow | str | None,
        heard_by: int | None = None,
        note: str = "",
        form: bytes | None = None,
    ) -> Consent:
        """One action: the carer takes back consent they gave. The earlier answer stays in the history."""
        self._ctx.require(Action.CHILD_EDIT)
        consent = self.get(consent_id)
        self._require_edit(consent.child_id)
        if consent.carer_id is None:
            raise ValidationError("carer", "This carer is no longer on the child's record.")
        _legal, _known, born = children.heading(self._ctx.database, consent.child_id)
        details = ConsentDetails(
            ConsentStatus.WITHDRAWN, on, how, heard_by, agencies=consent.agencies, note=note, form=form
        )
        clean = self._clean(details, consent.kind, born, consent)
        return self._write(
            consent.child_id, consent.kind, consent.carer_id, consent.carer_name, consent, clean
        )

    def _write(
        self,
        child_id: int,
        kind: ConsentKind,
        carer_id: int,
        carer_name: str,
        previous: Consent | None,
        clean: _Clean,
    ) -> Consent:
        now = to_text(self._ctx.clock.now())
        me = self._ctx.actor.id
        values = (
            clean.status.value,
            clean.on.isoformat(),
            None if clean.how is None else clean.how.value,
            clean.heard_by,
            clean.agencies,
            None if clean.review_on is None else clean.review_on.isoformat(),
            clean.note,
            me,
            now,
        )
        with self._ctx.transaction() as tx:
            if previous is None:
                consent_id = tx.execute(
                    "INSERT INTO consent (child_id, carer_id, carer_name, kind_id, status, status_on, how, "
                    "heard_by, "
                    "agencies, review_on, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?, ?)",
                    (child_id, carer_id, carer_name, kind.id, *values),
                )
            else:
                consent_id = previous.id
                tx.execute(
                    "UPDATE consent SET status = ?, status_on = ?, how = ?, heard_by = ?, agencies = ?, "
                    "review_on = ?, note = ?, recorded_by = ?, recorded_at = ?, carer_name = ? WHERE id = ?",
                    (*values, carer_name, consent_id),
                )
            event_id = tx.execute(
                "INSERT INTO consent_event (consent_id, status, status_on, how, heard_by, agencies, "
                "review_on, "
                "note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (consent_id, *values),
            )
            detail: dict[str, object] = {"consent": consent_id, "kind": kind.id, "status": clean.status.value}
            if clean.form is not None:
                detail["form"] = self._store_form(tx, consent_id, event_id, clean.form, now)
            action = (
                AuditAction.CONSENT_WITHDRAWN
                if clean.status is ConsentStatus.WITHDRAWN
                else AuditAction.CONSENT_RECORDED
            )
            self._ctx.audit(tx, action, "child", child_id, detail)
        return self.get(consent_id)

    def _store_form(self, tx: Database, consent_id: int, event_id: int, form: ScannedForm, now: str) -> int:
        return tx.execute(
            "INSERT INTO consent_form (consent_id, event_id, media_type, size, data, added_by, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (consent_id, event_id, form.media_type, len(form.data), form.data, self._ctx.actor.id, now),
        )

    # --- scanned forms ------------------------------------------------------------------------

    def attach_form(self, consent_id: int, data: bytes) -> FormInfo:
        """Keep the signed form for the latest answer (it came back after the answer was typed in)."""
        self._ctx.require(Action.CHILD_EDIT)
        consent = self.get(consent_id)
        self._require_edit(consent.child_id)
        form = check_scan(data)
        if consent.status is ConsentStatus.REQUESTED:
            raise ValidationError(
                "form", "Record the parent's answer first; the signed form is kept with the answer it gives."
            )
        now = to_text(self._ctx.clock.now())
        with self._ctx.transaction() as tx:
            event_id = int(tx.scalar("SELECT max(id) FROM consent_event WHERE consent_id = ?", (consent_id,)))
            form_id = self._store_form(tx, consent_id, event_id, form, now)
            self._ctx.audit(
                tx,
                AuditAction.CONSENT_FORM_ATTACHED,
                "child",
                consent.child_id,
                {"consent": consent_id, "form": form_id},
            )
        return FormInfo(
            FormId(form_id), form.media_type, len(form.data), self._ctx.actor.full_name, from_text(now)
        )

    def _form_row(self, form_id: int) -> Any:
        row = self._ctx.database.one(
            "SELECT f.*, c.child_id FROM consent_form f JOIN consent c ON c.id = f.consent_id WHERE f.id = ?",
            (form_id,),
        )
        if row is None or row["removed_at"] is not None:
            raise NotFound("That scanned form is not there any more (it may have been removed).")
        return row

    def open_form(self, form_id: int) -> ScannedForm:
        """The scanned form's bytes, for showing in the window. Every opening is audit-logged."""
        self._ctx.require(Action.CHILD_READ)
        row = self._form_row(form_id)
        with self._ctx.transaction() as tx:
            self._ctx.audit(
                tx,
                AuditAction.CONSENT_FORM_OPENED,
                "child",
                int(row["child_id"]),
                {"consent": int(row["consent_id"]), "form": form_id},
            )
        return ScannedForm(bytes(row["data"]), str(row["media_type"]), ChildId(int(row["child_id"])))

    def remove_form(self, form_id: int, reason: str) -> None:
        """Take away a scan attached by mistake (another family's form, the wrong page). The
        manager or DSL only. The scan's bytes go; that it was there, who removed it and why stay
        in the consent's history (not in the audit log, which is never destroyed)."""
        try:
            self._ctx.require(Action.CHILD_FAMILY)  # the manager and DSL, who see the whole family
        except PermissionDenied:
            raise PermissionDenied(
                "Only the manager or DSL can remove a scanned form. Ask them if the wrong file was attached.",
                action=Action.CHILD_FAMILY.value,
            ) from None
        row = self._form_row(form_id)
        why = validation.text(
            reason, field="reason", label="Why it is removed", limit=NOTE_LIMIT, multiline=True
        )
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE consent_form SET data = zeroblob(0), size = 0, removed_by = ?, removed_at = ?, "
                "removed_reason = ? WHERE id = ?",
                (self._ctx.actor.id, to_text(self._ctx.clock.now()), why, form_id),
            )
            self._ctx.audit(
                tx,
                AuditAction.CONSENT_FORM_REMOVED,
                "child",
                int(row["child_id"]),
                {"consent": int(row["consent_id"]), "form": form_id},
            )

    # --- gaps ---------------------------------------------------------------------------------

    def gaps(self, *, room: str | None = None) -> list[ConsentGap]:
        """What is missing for children on roll: no signed registration declaration, forms sent
        home and not back after two weeks, consents due for review within a month or overdue."""
        self._ctx.require(Action.CHILD_READ)
        db = self._ctx.database
        today = self._today()
        where = ["(ch.leaving_date IS NULL OR ch.leaving_date > ?)"]
        params: list[object] = [today.isoformat()]
        if room:
            where.append("ch.room = ?")
            params.append(room)
        roll = db.query(
            f"SELECT ch.id, ch.legal_name, ch.known_as, ch.room FROM child ch WHERE {' AND '.join(where)}",  # noqa: S608
            params,
        )
        on_roll = {int(r["id"]): r for r in roll}
        if not on_roll:
            return []
        kinds = all_kinds(db)
        declaration = next(k for k in kinds.values() if k.code is KindCode.REGISTRATION)
        signed = {
            int(r["child_id"])
            for r in db.query(
                "SELECT DISTINCT child_id FROM consent WHERE kind_id = ? AND status = 'given' AND how = "
                "'signed_form'",
                (declaration.id,),
            )
        }
        found: list[ConsentGap] = []

        def gap(
            child_id: int, kind: GapKind, kind_name: str, carer: str, due: date | None, cid: int | None
        ) -> None:
            row = on_roll[child_id]
            found.append(
                ConsentGap(
                    ChildId(child_id),
                    str(row["known_as"] or row["legal_name"]),
                    str(row["room"]),
                    kind,
                    kind_name,
                    carer,
                    due,
                    None if cid is None else ConsentId(cid),
                )
            )

        for child_id in on_roll:
            if child_id not in signed:
                gap(child_id, GapKind.NO_DECLARATION, declaration.name, "", None, None)
        soon = (today + timedelta(days=REVIEW_WARNING_DAYS)).isoformat()
        asked_before = (today - timedelta(days=NO_ANSWER_DAYS)).isoformat()
        for r in db.query(
            "SELECT id, child_id, carer_name, kind_id, status, status_on, review_on FROM consent "
            "WHERE (status = 'given' AND review_on <= ?) OR (status = 'requested' AND status_on <= ?)",
            (soon, asked_before),
        ):
            child_id = int(r["child_id"])
            kind = kinds[int(r["kind_id"])]
            if child_id not in on_roll or not kind.active:
                continue
            if r["status"] == "requested":
                due = date.fromisoformat(r["status_on"]) + timedelta(days=NO_ANSWER_DAYS)
                gap(child_id, GapKind.NOT_RETURNED, kind.name, str(r["carer_name"]), due, int(r["id"]))
                continue
            review = date.fromisoformat(r["review_on"])
            which = GapKind.REVIEW_OVERDUE if review < today else GapKind.REVIEW_DUE
            gap(child_id, which, kind.name, str(r["carer_name"]), review, int(r["id"]))
        found.sort(key=lambda g: (g.due or date.min, names.sort_key(g.child_name), g.kind_name))
        return found

    # --- for other services -------------------------------------------------------------------

    def answers_for(self, child_ids: Iterable[int]) -> list[Consent]:
        """What the carers of these children have answered (given, refused or withdrawn), for the
        consent question of a sharing decision: a refusal or withdrawal matters there as much."""
        self._ctx.require(Action.CHILD_READ)
        ids = sorted(set(child_ids))
        if not ids:
            return []
        db = self._ctx.database
        kinds = all_kinds(db)
        marks = ",".join("?" * len(ids))
        return [
            _consent(r, kinds)
            for r in db.query(
                f"{_CONSENT_SQL} WHERE c.child_id IN ({marks}) AND c.status <> 'requested' "
                "ORDER BY c.child_id, c.kind_id, c.id",
                ids,
            )
        ]
