"""``session.policies``: the policy register, the setting's information-sharing protocol status, and
staff acknowledgements of the confidentiality and information-sharing policy.

Policy 000 asks senior managers to review the information-sharing policies every year, with the
council's yearly contract, and to record who reviewed and signed them. So each policy carries its
review dates and names, and a review falls due twelve calendar months after the last one. Policies
are retired, never deleted: the annual review pack shows what was in force.

One policy at most is marked as "the confidentiality and information-sharing policy staff
acknowledge". Everyone confirms it at their first sign-in, every year after, and whenever its
version changes. What they confirmed (name and version as they were) is kept for good.

The module-level readers (``load_policies``, ``protocol_status``, ``acknowledgement_status``) do
no permission check and no audit: the annual review pack calls them after checking REVIEW_PACK.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from app import names, validation
from app import staff as staff_module
from app.audit import AuditAction
from app.clock import add_months, from_text, local_today, long_date, to_text
from app.errors import NotFound, ValidationError
from app.policy.permissions import Action, Role
from app.session_context import SessionContext
from app.settings import (
    PROTOCOL_CONTRACT_ON,
    PROTOCOL_TIER2_SIGNATORY,
    PROTOCOL_TIER2_SIGNED_ON,
    Setting,
    decode,
    write,
)
from app.vault.database import Database

T = TypeVar("T")

REVIEW_REMINDER_DAYS = 30  # reminders start this many days before a review is due
ACKNOWLEDGE_EVERY_MONTHS = 12
REVIEW_EVERY_MONTHS = 12
NAME_LIMIT = 200
VERSION_LIMIT = 40
REVIEWED_BY_LIMIT = 200
SIGNED_BY_LIMIT = 500  # several staff or committee names
EARLIEST_YEAR = 1950  # a policy adopted before this is a typing mistake
LATEST_YEARS_AHEAD = 10  # a review further away than this is a typing mistake
POLICY_GONE = "That policy is not there any more. Open the policy register again."
NOTHING_MARKED = "No policy is marked as the one staff confirm."


class ReviewState(StrEnum):
    UP_TO_DATE = "up_to_date"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NO_DATE = "no_date"

    @property
    def label(self) -> str:
        return {
            "up_to_date": "Up to date",
            "due_soon": "Review due soon",
            "overdue": "Review overdue",
        }.get(self.value, "No review date")


def review_state(due_on: date | None, today: date) -> ReviewState:
    """Overdue the day after it was due; due soon from REVIEW_REMINDER_DAYS before."""
    if due_on is None:
        return ReviewState.NO_DATE
    if due_on < today:
        return ReviewState.OVERDUE
    if due_on <= today + timedelta(days=REVIEW_REMINDER_DAYS):
        return ReviewState.DUE_SOON
    return ReviewState.UP_TO_DATE


@dataclass(frozen=True)
class Policy:
    id: int
    name: str
    version: str
    adopted_on: date | None
    last_reviewed_on: date | None
    next_review_on: date | None
    reviewed_by: str
    signed_by: str
    staff_acknowledge: bool
    active: bool

    def state(self, today: date) -> ReviewState:
        return review_state(self.next_review_on, today)

    def details(self) -> PolicyDetails:
        """The policy as the manager's form shows it (what ``update`` takes back)."""
        return PolicyDetails(
            name=self.name,
            version=self.version,
            adopted_on=self.adopted_on,
            last_reviewed_on=self.last_reviewed_on,
            next_review_on=self.next_review_on,
            reviewed_by=self.reviewed_by,
            signed_by=self.signed_by,
            staff_acknowledge=self.staff_acknowledge,
        )


@dataclass(frozen=True)
class PolicyDetails:
    """What the manager types. ``next_review_on`` None with a last review: twelve months on."""

    name: str
    version: str = ""
    adopted_on: date | None = None
    last_reviewed_on: date | None = None
    next_review_on: date | None = None
    reviewed_by: str = ""
    signed_by: str = ""
    staff_acknowledge: bool = False


@dataclass(frozen=True)
class ProtocolStatus:
    tier2_signatory: bool  # signed the local tier-2 protocol (so bound by the tier-1 multi-agency one)
    tier2_signed_on: date | None
    contract_on: date | None  # this year's contract with the council (renewed yearly)
    contract_due_on: date | None  # add_months(contract_on, 12)

    def contract_state(self, today: date) -> ReviewState:
        return review_state(self.contract_due_on, today)


@dataclass(frozen=True)
class StaffAcknowledgement:
    """One per active staff member, ordered by name. With no policy marked, nobody is up to date
    (the reminders say why) and ``last_at`` is their latest confirmation of any policy."""

    staff_id: int
    full_name: str
    roles: frozenset[Role]
    last_at: str | None  # stored moment of their latest acknowledgement
    policy_version: str | None  # the version they confirmed
    up_to_date: bool


@dataclass(frozen=True)
class AcknowledgementDue:
    policy_name: str
    policy_version: str
    why: str


@dataclass(frozen=True)
class Reminder:
    text: str  # a sentence with no child's data
    due_on: date | None
    overdue: bool


# --- reading ----------------------------------------------------------------------------------


def _day(value: Any) -> date | None:
    return None if value is None or value == "" else date.fromisoformat(str(value))


def _policy(row: Any) -> Policy:
    return Policy(
        id=int(row["id"]),
        name=str(row["name"]),
        version=str(row["version"]),
        adopted_on=_day(row["adopted_on"]),
        last_reviewed_on=_day(row["last_reviewed_on"]),
        next_review_on=_day(row["next_review_on"]),
        reviewed_by=str(row["reviewed_by"]),
        signed_by=str(row["signed_by"]),
        staff_acknowledge=bool(row["staff_acknowledge"]),
        active=bool(row["active"]),
    )


def load_policies(db: Database, *, include_retired: bool = False) -> list[Policy]:
    """The register in the order the policies were added."""
    where = "" if include_retired else "WHERE active = 1"
    return [_policy(r) for r in db.query(f"SELECT * FROM policy {where} ORDER BY position, id")]  # noqa: S608


def _get_policy(db: Database, policy_id: int) -> Policy:
    row = db.one("SELECT * FROM policy WHERE id = ?", (policy_id,))
    if row is None:
        raise NotFound(POLICY_GONE)
    return _policy(row)


def _marked(db: Database) -> Policy | None:
    """The policy staff confirm, while it is in force."""
    row = db.one("SELECT * FROM policy WHERE staff_acknowledge = 1 AND active = 1")
    return None if row is None else _policy(row)


def _setting(db: Database, setting: Setting[T]) -> T:
    return decode(setting, db.scalar("SELECT value FROM setting WHERE key = ?", (setting.key,)))


def protocol_status(db: Database) -> ProtocolStatus:
    contract_on = _day(_setting(db, PROTOCOL_CONTRACT_ON))
    return ProtocolStatus(
        tier2_signatory=_setting(db, PROTOCOL_TIER2_SIGNATORY),
        tier2_signed_on=_day(_setting(db, PROTOCOL_TIER2_SIGNED_ON)),
        contract_on=contract_on,
        contract_due_on=None if contract_on is None else add_months(contract_on, REVIEW_EVERY_MONTHS),
    )


def _local_day(stored: str) -> date:
    """The day on this PC's calendar of a stored UTC moment (as ``local_today`` counts days)."""
    return from_text(stored).astimezone().date()


def _why_due(policy: Policy, latest: Any, confirmed_anything: bool, today: date) -> str | None:
    """Why this person must confirm ``policy`` now, or None when their confirmation stands."""
    if latest is None:
        if confirmed_anything:
            return "You have not confirmed this policy yet."
        return "This is your first sign-in."
    if str(latest["policy_version"]) != policy.version:
        version = f" (version {policy.version})" if policy.version else ""
        return f"The policy has changed{version}."
    if add_months(_local_day(str(latest["acknowledged_at"])), ACKNOWLEDGE_EVERY_MONTHS) <= today:
        return "It is a year since you last confirmed it."
    return None


def _latest(db: Database, staff_id: int, policy_id: int | None) -> Any:
    if policy_id is None:
        return db.one(
            "SELECT * FROM policy_acknowledgement WHERE staff_id = ? ORDER BY acknowledged_at DESC, id DESC "
            "LIMIT 1",
            (staff_id,),
        )
    return db.one(
        "SELECT * FROM policy_acknowledgement WHERE staff_id = ? AND policy_id = ? "
        "ORDER BY acknowledged_at DESC, id DESC LIMIT 1",
        (staff_id, policy_id),
    )


def acknowledgement_status(db: Database, today: date) -> list[StaffAcknowledgement]:
    """Each active member of staff: when they last confirmed the marked policy, and whether that
    still stands today."""
    marked = _marked(db)
    found = []
    for person in staff_module.load_all(db, include_inactive=False):
        latest = _latest(db, int(person.id), None if marked is None else marked.id)
        up_to_date = (
            marked is not None
            and latest is not None
            and _why_due(marked, latest, confirmed_anything=True, today=today) is None
        )
        found.append(
            StaffAcknowledgement(
                staff_id=int(person.id),
                full_name=person.full_name,
                roles=person.roles,
                last_at=None if latest is None else str(latest["acknowledged_at"]),
                policy_version=None if latest is None else str(latest["policy_version"]),
                up_to_date=up_to_date,
            )
        )
    return found


# --- the service --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Changes:
    values: Mapping[str, object]  # column -> value to store
    fields: list[str]  # the names of the fields that changed


class PolicyService:
    """``session.policies``."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def _today(self) -> date:
        return local_today(self._ctx.clock)

    # --- the register -------------------------------------------------------------------------

    def register(self, *, include_retired: bool = False) -> list[Policy]:
        """Not audited: policies hold no one's personal data."""
        self._ctx.require(Action.REVIEW_PACK)
        return load_policies(self._ctx.database, include_retired=include_retired)

    def _past_day(self, value: object, field: str, label: str) -> date | None:
        day = validation.day(value, field=field, label=label, required=False)
        if day is None:
            return None
        if day > self._today():
            raise ValidationError(field, f"“{label}” is in the future; please check it.")
        if day.year < EARLIEST_YEAR:
            raise ValidationError(field, f"“{label}” is before {EARLIEST_YEAR}; please check the year.")
        return day

    def _next_day(self, value: object, after: date | None, after_words: str) -> date | None:
        day = validation.day(value, field="next_review_on", label="Next review", required=False)
        if day is None:
            return None
        if after is not None and day <= after:
            raise ValidationError("next_review_on", f"“Next review” must be after {after_words}.")
        if day > add_months(self._today(), 12 * LATEST_YEARS_AHEAD):
            raise ValidationError(
                "next_review_on",
                f"“Next review” is more than {LATEST_YEARS_AHEAD} years away; please check the year.",
            )
        return day

    def _clean(self, details: PolicyDetails, current: Policy | None) -> PolicyDetails:
        name = validation.text(details.name, field="name", label="Name of the policy", limit=NAME_LIMIT)
        version = validation.text(
            details.version, field="version", label="Version", required=False, limit=VERSION_LIMIT
        )
        adopted = self._past_day(details.adopted_on, "adopted_on", "Adopted on")
        reviewed = self._past_day(details.last_reviewed_on, "last_reviewed_on", "Last reviewed on")
        if adopted is not None and reviewed is not None and reviewed < adopted:
            raise ValidationError(
                "last_reviewed_on", "“Last reviewed on” is before the policy was adopted; please check it."
            )
        after = reviewed or adopted
        words = "the last review" if reviewed is not None else "the policy was adopted"
        next_review = self._next_day(details.next_review_on, after, words)
        if next_review is None and reviewed is not None:
            next_review = add_months(reviewed, REVIEW_EVERY_MONTHS)
        reviewed_by = validation.text(
            details.reviewed_by,
            field="reviewed_by",
            label="Reviewed by",
            required=False,
            limit=REVIEWED_BY_LIMIT,
        )
        signed_by = validation.text(
            details.signed_by, field="signed_by", label="Signed by", required=False, limit=SIGNED_BY_LIMIT
        )
        acknowledge = validation.flag(
            details.staff_acknowledge, field="staff_acknowledge", label="Staff confirm this policy"
        )
        if acknowledge and current is not None and not current.active:
            raise ValidationError(
                "staff_acknowledge",
                "This policy is retired. Bring it back before marking it as the one staff confirm.",
            )
        folded = names.fold(name)
        for other in load_policies(self._ctx.database):
            if (current is None or other.id != current.id) and names.fold(other.name) == folded:
                raise ValidationError("name", f"There is already a policy called “{other.name}” in use.")
        return PolicyDetails(
            name, version, adopted, reviewed, next_review, reviewed_by, signed_by, acknowledge
        )

    @staticmethod
    def _columns(clean: PolicyDetails) -> dict[str, object]:
        def iso(day: date | None) -> str | None:
            return None if day is None else day.isoformat()

        return {
            "name": clean.name,
            "version": clean.version,
            "adopted_on": iso(clean.adopted_on),
            "last_reviewed_on": iso(clean.last_reviewed_on),
            "next_review_on": iso(clean.next_review_on),
            "reviewed_by": clean.reviewed_by,
            "signed_by": clean.signed_by,
            "staff_acknowledge": int(clean.staff_acknowledge),
        }

    def _move_mark(self, tx: Database, policy_id: int | None) -> int | None:
        """Take the staff-confirm mark off whichever policy holds it (before giving it to
        ``policy_id``: the unique index allows one). Returns the policy it came from."""
        previous = tx.scalar("SELECT id FROM policy WHERE staff_acknowledge = 1")
        if previous is None or previous == policy_id:
            return None
        tx.execute("UPDATE policy SET staff_acknowledge = 0 WHERE id = ?", (previous,))
        return int(previous)

    def add(self, details: PolicyDetails) -> Policy:
        self._ctx.require(Action.SETTINGS_MANAGE)
        columns = self._columns(self._clean(details, None))
        with self._ctx.transaction() as tx:
            moved = self._move_mark(tx, None) if columns["staff_acknowledge"] else None
            position = int(tx.scalar("SELECT coalesce(max(position), 0) + 1 FROM policy"))
            policy_id = tx.execute(
                f"INSERT INTO policy ({', '.join(columns)}, position) "  # noqa: S608 - our own column names
                f"VALUES ({', '.join('?' for _ in columns)}, ?)",
                (*columns.values(), position),
            )
            detail: dict[str, object] = {}
            if moved is not None:
                detail["staff_acknowledge_moved_from"] = moved
            self._ctx.audit(tx, AuditAction.POLICY_ADDED, "policy", policy_id, detail or None)
        return _get_policy(self._ctx.database, policy_id)

    def update(self, policy_id: int, details: PolicyDetails) -> Policy:
        """Change what the register says. A new version of the policy staff confirm asks
        everyone to confirm it again at their next sign-in."""
        self._ctx.require(Action.SETTINGS_MANAGE)
        current = _get_policy(self._ctx.database, policy_id)
        columns = self._columns(self._clean(details, current))
        return self._write(current, columns)

    def _write(self, current: Policy, columns: Mapping[str, object], **extra: object) -> Policy:
        stored = self._columns(current.details())
        changed = [key for key, value in columns.items() if stored[key] != value]
        if not changed:
            return current
        with self._ctx.transaction() as tx:
            moved = None
            if columns.get("staff_acknowledge"):
                moved = self._move_mark(tx, current.id)
            assignments = ", ".join(f"{key} = ?" for key in changed)
            tx.execute(
                f"UPDATE policy SET {assignments} WHERE id = ?",  # noqa: S608 - our own column names
                (*(columns[key] for key in changed), current.id),
            )
            detail: dict[str, object] = {"fields": changed, **extra}
            if moved is not None:
                detail["staff_acknowledge_moved_from"] = moved
            self._ctx.audit(tx, AuditAction.POLICY_CHANGED, "policy", current.id, detail)
        return _get_policy(self._ctx.database, current.id)

    def mark_reviewed(
        self,
        policy_id: int,
        *,
        on: date,
        reviewed_by: str,
        signed_by: str,
        version: str | None = None,
        next_review_on: date | None = None,
    ) -> Policy:
        """This year's review: when, who reviewed and signed it, the version if it changed, and
        the next review (twelve months on unless given)."""
        self._ctx.require(Action.SETTINGS_MANAGE)
        current = _get_policy(self._ctx.database, policy_id)
        if not current.active:
            raise ValidationError("on", "This policy is retired. Bring it back before recording a review.")
        day = validation.required_day(on, field="on", label="Reviewed on")
        if day > self._today():
            raise ValidationError(
                "on", "“Reviewed on” is in the future; record the review on the day it is done."
            )
        if current.last_reviewed_on is not None and day < current.last_reviewed_on:
            raise ValidationError(
                "on",
                f"“Reviewed on” is before the last review ({long_date(current.last_reviewed_on)}); "
                "please check it.",
            )
        if current.adopted_on is not None and day < current.adopted_on:
            raise ValidationError("on", "“Reviewed on” is before the policy was adopted; please check it.")
        who = validation.text(reviewed_by, field="reviewed_by", label="Reviewed by", limit=REVIEWED_BY_LIMIT)
        signed = validation.text(
            signed_by, field="signed_by", label="Signed by", required=False, limit=SIGNED_BY_LIMIT
        )
        new_version = current.version
        if version is not None:
            typed = validation.text(
                version, field="version", label="Version", required=False, limit=VERSION_LIMIT
            )
            new_version = typed or current.version
        next_review = self._next_day(next_review_on, day, "the review") or add_months(
            day, REVIEW_EVERY_MONTHS
        )
        columns = self._columns(current.details())
        columns.update(
            version=new_version,
            last_reviewed_on=day.isoformat(),
            next_review_on=next_review.isoformat(),
            reviewed_by=who,
            signed_by=signed,
        )
        return self._write(current, columns, review=True)

    def set_active(self, policy_id: int, active: bool) -> None:
        """Retire a policy no longer in force (it stays in the register's history) or bring it back."""
        self._ctx.require(Action.SETTINGS_MANAGE)
        wanted = validation.flag(active, field="active", label="In force")
        current = _get_policy(self._ctx.database, policy_id)
        if current.active == wanted:
            return
        if not wanted and current.staff_acknowledge:
            raise ValidationError(
                "active",
                "Staff confirm this policy when they sign in, so it cannot be retired. Mark another policy "
                "as the one staff confirm first, then retire this one.",
            )
        if wanted:
            folded = names.fold(current.name)
            for other in load_policies(self._ctx.database):
                if names.fold(other.name) == folded:
                    raise ValidationError(
                        "active",
                        f"There is already a policy called “{other.name}” in use. Rename one of them first.",
                    )
        with self._ctx.transaction() as tx:
            tx.execute("UPDATE policy SET active = ? WHERE id = ?", (int(wanted), policy_id))
            self._ctx.audit(
                tx, AuditAction.POLICY_CHANGED, "policy", policy_id, {"fields": ["active"], "active": wanted}
            )

    # --- the information-sharing protocol -----------------------------------------------------

    def protocol(self) -> ProtocolStatus:
        self._ctx.require(Action.REVIEW_PACK)
        return protocol_status(self._ctx.database)

    def set_protocol(
        self, *, tier2_signatory: bool, tier2_signed_on: date | None, contract_on: date | None
    ) -> None:
        """Whether the setting signed the tier-2 protocol and when, and the date of this year's
        contract with the council. Written as settings, audited like any settings change."""
        self._ctx.require(Action.SETTINGS_MANAGE)
        signatory = validation.flag(
            tier2_signatory, field="tier2_signatory", label=PROTOCOL_TIER2_SIGNATORY.label
        )
        signed_on = self._protocol_day(tier2_signed_on, PROTOCOL_TIER2_SIGNED_ON, "tier2_signed_on")
        if signed_on and not signatory:
            raise ValidationError(
                "tier2_signed_on",
                "A date is given but the setting is not marked as a signatory of the tier-2 protocol. "
                "Tick it, or leave the date empty.",
            )
        contract = self._protocol_day(contract_on, PROTOCOL_CONTRACT_ON, "contract_on")
        cleaned: dict[Setting[Any], object] = {
            PROTOCOL_TIER2_SIGNATORY: signatory,
            PROTOCOL_TIER2_SIGNED_ON: signed_on,
            PROTOCOL_CONTRACT_ON: contract,
        }
        db = self._ctx.database
        changed = [s.key for s, v in cleaned.items() if _setting(db, s) != v]
        if not changed:
            return
        with self._ctx.transaction() as tx:
            write(tx, cleaned)
            self._ctx.audit(tx, AuditAction.SETTINGS_CHANGED, "settings", None, {"keys": changed})

    def _protocol_day(self, value: object, setting: Setting[str], field: str) -> str:
        day = validation.day(value, field=field, label=setting.label, required=False)
        if day is None:
            return ""
        if day > self._today():
            raise ValidationError(field, f"“{setting.label}” is in the future; please check it.")
        try:
            return setting.clean(day.isoformat())
        except ValidationError as refused:
            raise ValidationError(field, refused.sentence) from None

    # --- reminders ----------------------------------------------------------------------------

    def reminders(self) -> list[Reminder]:
        """What the manager should see to: reviews due within a month or overdue, policies with no
        review date, the council contract, and no policy marked for staff to confirm. Overdue
        first, then by date."""
        self._ctx.require(Action.REVIEW_PACK)
        db = self._ctx.database
        today = self._today()
        found: list[Reminder] = []
        for policy in load_policies(db):
            due = policy.next_review_on
            state = policy.state(today)
            if state is ReviewState.OVERDUE and due is not None:
                found.append(Reminder(f"{policy.name}: review overdue since {long_date(due)}.", due, True))
            elif state is ReviewState.DUE_SOON and due is not None:
                found.append(Reminder(f"{policy.name}: review due on {long_date(due)}.", due, False))
            elif state is ReviewState.NO_DATE:
                found.append(Reminder(f"{policy.name}: no review date is set.", None, False))
        protocol = protocol_status(db)
        due = protocol.contract_due_on
        state = protocol.contract_state(today)
        if due is None:
            found.append(
                Reminder("No date is recorded for this year's contract with the council.", None, False)
            )
        elif state is ReviewState.OVERDUE:
            found.append(
                Reminder(f"The contract with the council: renewal overdue since {long_date(due)}.", due, True)
            )
        elif state is ReviewState.DUE_SOON:
            found.append(
                Reminder(f"The contract with the council: renewal due on {long_date(due)}.", due, False)
            )
        if _marked(db) is None:
            found.append(Reminder(NOTHING_MARKED, None, False))
        return sorted(found, key=reminder_order)

    # --- staff acknowledgements ---------------------------------------------------------------

    def acknowledgements(self) -> list[StaffAcknowledgement]:
        """Who has confirmed the policy and whether it still stands. Staff names, no children."""
        self._ctx.require(Action.REVIEW_PACK)
        return acknowledgement_status(self._ctx.database, self._today())

    def acknowledgement_due(self) -> AcknowledgementDue | None:
        """What the signed-in person must confirm before they start, or None. Anyone signed in."""
        self._ctx.require_signed_in()
        db = self._ctx.database
        marked = _marked(db)
        if marked is None:
            return None
        me = int(self._ctx.actor.id)
        latest = _latest(db, me, marked.id)
        confirmed_anything = latest is not None or _latest(db, me, None) is not None
        why = _why_due(marked, latest, confirmed_anything, self._today())
        return None if why is None else AcknowledgementDue(marked.name, marked.version, why)

    def acknowledge(self) -> None:
        """The signed-in person confirms they have read the policy and will follow it. The name and
        version are kept as they are now."""
        self._ctx.require_signed_in()
        marked = _marked(self._ctx.database)
        if marked is None:
            raise NotFound("No policy is marked for staff to confirm, so there is nothing to confirm.")
        me = int(self._ctx.actor.id)
        with self._ctx.transaction() as tx:
            tx.execute(
                "INSERT INTO policy_acknowledgement (staff_id, policy_id, policy_name, policy_version, "
                "acknowledged_at) VALUES (?, ?, ?, ?, ?)",
                (me, marked.id, marked.name, marked.version, to_text(self._ctx.clock.now())),
            )
            self._ctx.audit(tx, AuditAction.POLICY_ACKNOWLEDGED, "staff", me, {"policy": marked.id})


def reminder_order(reminder: Reminder) -> tuple[int, date, str]:
    """Overdue first, then the soonest due, then those with no date."""
    return (0 if reminder.overdue else 1, reminder.due_on or date.max, reminder.text)
