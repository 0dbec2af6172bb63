"""What the printed forms for parents are filled in with, gathered under the same permissions as
the records themselves.

``session.forms`` hands ``app.reports.forms`` plain data: the setting's name, contact details and
logo; a family's names as they may be printed for one particular carer; the roles of the staff and
the retention periods for the privacy notice. A carer whose address is withheld from another never
has it on a form for that other carer, and neither does the child when they live with the carer
being protected: that rule lives here, so no document can forget it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from app import children, names, validation
from app.audit import AuditAction
from app.children import GONE, CarerId, ChildId, ChildSummary, redact_for
from app.clock import local_today
from app.consents import ConsentKind, ConsentStatus, all_kinds, media_type_of
from app.errors import NotFound, ValidationError
from app.policy.permissions import ROLE_LABELS, Action, Role, Scope
from app.policy.retention import RetentionRule
from app.session_context import SessionContext
from app.settings import ProviderProfile, SettingsService

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 4000  # either side; a logo is printed about 3 cm high

# What each role can see, in words for parents (the permissions table of the architecture page).
ROLE_SEES = {
    Role.MANAGER: "everything we keep, to run the setting and keep children safe",
    Role.DSL: "your child's record, and any safeguarding concern, to keep children safe",
    Role.KEY_WORKER: (
        "the record of the children in their care, and the concerns they write down themselves"
    ),
    Role.REVIEWER: "numbers only, for the yearly review: never your child's name or record",
}


@dataclass(frozen=True)
class Logo:
    data: bytes = field(repr=False)
    media_type: str


@dataclass(frozen=True)
class Branding:
    provider: ProviderProfile
    logo: Logo | None


@dataclass(frozen=True)
class RoleFact:
    role: Role
    label: str
    count: int  # active staff holding the role
    sees: str


@dataclass(frozen=True)
class PrivacyFacts:
    roles: tuple[RoleFact, ...]  # only roles somebody holds
    retention: tuple[RetentionRule, ...]


@dataclass(frozen=True)
class FormCarer:
    """A carer as they may be printed on a form for the recipient (withheld details blank)."""

    id: CarerId
    full_name: str
    relationship: str
    parental_responsibility: bool
    lives_with: bool
    address: str
    phone: str
    email: str
    withheld: bool  # details left off this form because they are withheld from the recipient


@dataclass(frozen=True)
class AgreedBefore:
    """What the recipient answered last time, printed on a form sent again for review."""

    kind_id: int
    status: ConsentStatus
    agencies: str


@dataclass(frozen=True)
class FamilyForms:
    """One child's details as they may be printed on forms addressed to one carer."""

    child_id: ChildId
    legal_name: str
    known_as: str
    date_of_birth: date
    start_date: date
    room: str
    address: str  # "" when withheld from this carer (or not recorded)
    phone: str
    address_withheld: bool
    recipient: FormCarer
    carers: tuple[FormCarer, ...]  # every carer of the child, the recipient included
    answers: tuple[AgreedBefore, ...]

    def answer(self, kind_id: int) -> AgreedBefore | None:
        return next((a for a in self.answers if a.kind_id == kind_id), None)


def _form_carer(carer: children.Carer, hidden: bool) -> FormCarer:
    return FormCarer(
        id=carer.id,
        full_name=carer.full_name,
        relationship=carer.relationship,
        parental_responsibility=carer.parental_responsibility,
        lives_with=carer.lives_with,
        address=carer.address,
        phone=carer.phone,
        email=carer.email,
        withheld=hidden,
    )


def check_logo(data: object) -> Logo:
    """A PNG or JPEG that opens as an image of a sensible size."""
    if not isinstance(data, bytes | bytearray | memoryview) or not bytes(data):
        raise ValidationError("logo", "That file is empty. Choose the logo picture again.")
    raw = bytes(data)
    if len(raw) > MAX_LOGO_BYTES:
        raise ValidationError(
            "logo",
            "That picture is larger than 2 MB. Save a smaller copy of the logo (it prints about 3 cm high).",
        )
    media_type = media_type_of(raw)
    if media_type not in ("image/png", "image/jpeg"):
        raise ValidationError("logo", "The logo must be a PNG or JPEG picture.")
    # Pillow (ReportLab's own dependency) checks the picture opens, so a damaged logo is refused
    # here rather than breaking every form later.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "logo", "That picture could not be read; it may be damaged. Choose another copy."
        ) from None
    if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
        raise ValidationError(
            "logo",
            f"That picture is {width} × {height} pixels; save a copy no more than {MAX_LOGO_PIXELS} wide or "
            f"high.",
        )
    return Logo(raw, media_type)


class FormService:
    """``session.forms``."""

    def __init__(self, context: SessionContext, settings: SettingsService) -> None:
        self._ctx = context
        self._settings = settings

    # --- the setting ---------------------------------------------------------------------------

    def branding(self) -> Branding:
        self._ctx.require(Action.CHILD_READ)
        row = self._ctx.database.one("SELECT media_type, data FROM provider_logo WHERE id = 1")
        logo = None if row is None else Logo(bytes(row["data"]), str(row["media_type"]))
        return Branding(self._settings.provider(), logo)

    def set_logo(self, data: bytes | None) -> None:
        """Set the logo printed on forms (None takes it off)."""
        self._ctx.require(Action.SETTINGS_MANAGE)
        logo = None if data is None else check_logo(data)
        with self._ctx.transaction() as tx:
            tx.execute("DELETE FROM provider_logo")
            if logo is not None:
                tx.execute(
                    "INSERT INTO provider_logo (id, media_type, data) VALUES (1, ?, ?)",
                    (logo.media_type, logo.data),
                )
            self._ctx.audit(tx, AuditAction.LOGO_CHANGED, "settings", None, {"logo": logo is not None})

    def privacy_facts(self) -> PrivacyFacts:
        """Who can see what (from the staff actually signed up) and how long records are kept."""
        self._ctx.require(Action.CHILD_READ)
        counts = {
            Role(r["role"]): int(r["n"])
            for r in self._ctx.database.query(
                "SELECT sr.role, count(*) AS n FROM staff_role sr JOIN staff s ON s.id = sr.staff_id "
                "WHERE s.active = 1 GROUP BY sr.role"
            )
        }
        roles = tuple(
            RoleFact(role, ROLE_LABELS[role], counts[role], ROLE_SEES[role])
            for role in Role
            if counts.get(role)
        )
        return PrivacyFacts(roles, self._settings.retention_rules())

    def kinds(self) -> list[ConsentKind]:
        """The kinds of consent printed as forms, in order (retired kinds are not)."""
        self._ctx.require(Action.CHILD_READ)
        return [k for k in all_kinds(self._ctx.database).values() if k.active]

    # --- families ------------------------------------------------------------------------------

    def _require_edit(self, child_id: int) -> None:
        children.require_edit(
            self._ctx,
            child_id,
            "You can print forms for your own key children only. Ask the manager or DSL to print them.",
        )

    def family(self, child_id: int, carer_id: int) -> FamilyForms:
        """This child's details for forms addressed to ``carer_id``. Printing a family's forms is
        for those who may change the child's record (a key worker: their own key children)."""
        self._require_edit(child_id)
        db = self._ctx.database
        row = db.one("SELECT * FROM child WHERE id = ?", (child_id,))
        if row is None:
            raise NotFound(GONE)
        everyone = children.carers_of(db, child_id)
        recipient_id = CarerId(carer_id)
        if all(c.id != recipient_id for c in everyone):
            raise ValidationError("carer", "That carer is not on this child's record any more.")
        shown = redact_for(everyone, recipient_id)
        printed = tuple(
            _form_carer(c, c.id != recipient_id and recipient_id in c.withheld_from) for c in shown
        )
        # The child lives with a carer whose whereabouts must not reach this recipient: the
        # child's own address would give them away.
        hide_home = any(
            c.lives_with and c.id != recipient_id and recipient_id in c.withheld_from for c in everyone
        )
        answers = tuple(
            AgreedBefore(int(a["kind_id"]), ConsentStatus(a["status"]), str(a["agencies"]))
            for a in db.query(
                "SELECT kind_id, status, agencies FROM consent WHERE child_id = ? AND carer_id = ?",
                (child_id, carer_id),
            )
        )
        return FamilyForms(
            child_id=ChildId(child_id),
            legal_name=str(row["legal_name"]),
            known_as=str(row["known_as"]),
            date_of_birth=date.fromisoformat(row["date_of_birth"]),
            start_date=date.fromisoformat(row["start_date"]),
            room=str(row["room"]),
            address="" if hide_home else str(row["address"]),
            phone="" if hide_home else str(row["phone"]),
            address_withheld=hide_home,
            recipient=next(c for c in printed if c.id == recipient_id),
            carers=printed,
            answers=answers,
        )

    def families(self, child_ids: Sequence[int]) -> list[FamilyForms]:
        """Forms for every carer with parental responsibility of each child (for batch printing).

        A child with no such carer recorded gets forms for the carers they live with, so that
        nobody is left without a form; a child with neither is skipped.
        """
        found: list[FamilyForms] = []
        for child_id in child_ids:
            self._require_edit(child_id)
            carers = children.carers_of(self._ctx.database, child_id)
            chosen = [c for c in carers if c.parental_responsibility] or [c for c in carers if c.lives_with]
            found.extend(self.family(child_id, c.id) for c in chosen)
        return found

    def starters(
        self,
        *,
        room: str | None = None,
        starting_from: date | str | None = None,
        starting_to: date | str | None = None,
    ) -> list[ChildSummary]:
        """Children on roll for a batch: a room, children starting between two dates, or both.
        A key worker gets their own key children only (forms for others are not theirs to print)."""
        scope = self._ctx.require(Action.CHILD_EDIT)
        first = validation.day(starting_from, field="starting_from", label="Starting from", required=False)
        last = validation.day(starting_to, field="starting_to", label="Starting up to", required=False)
        if first is not None and last is not None and last < first:
            raise ValidationError(
                "starting_to", "“Starting up to” is before “Starting from”; please check both."
            )
        today = local_today(self._ctx.clock)
        where = ["(c.leaving_date IS NULL OR c.leaving_date > ?)"]
        params: list[object] = [today.isoformat()]
        if room:
            where.append("c.room = ?")
            params.append(room)
        if first is not None:
            where.append("c.start_date >= ?")
            params.append(first.isoformat())
        if last is not None:
            where.append("c.start_date <= ?")
            params.append(last.isoformat())
        if scope is Scope.OWN:
            where.append("c.key_worker_id = ?")
            params.append(self._ctx.actor.id)
        rows = self._ctx.database.query(f"{children.SUMMARY_SQL} WHERE {' AND '.join(where)}", params)
        found = [children.summary(r) for r in rows]
        found.sort(key=lambda c: (c.start_date, names.sort_key(c.legal_name)))
        return found
