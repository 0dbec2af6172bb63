"""``session.review_pack``: the figures of the annual review pack for one year, with no child
identifiable.

Senior managers and the management committee review the information-sharing arrangements every
year (policy 000, policy 001). The pack gathers what the year shows: the policy register, the
sharing decisions, concerns, consent coverage, retention, staff acknowledgements, security and
subject access requests, then a checklist and a sign-off. It goes to the committee, so it holds
counts, dates, staff names and policy names only: never a child's or a family member's name, and
never an id. Free text typed by the manager (why a record is kept, why a legal hold was placed)
has every child's, carer's and emergency contact's name replaced with "[name]" before it leaves
here, so the renderer cannot print one by mistake.

Counts about children and families (decisions, concerns, consents, records, requests) of 1 or 2
are printed as "fewer than 3" (``shown``), because in a small setting a count of one can point at
a child. Staff and policy counts are printed as they are.

The year is the calendar year on this PC's clock (1 January to 31 December, local time). Figures
that only make sense now (consent coverage, what is due for disposal, overdue actions, security)
are as of the day the pack is built, and the pack says so.

The figures are read with SQL aggregates over the year rather than through the other services:
those log every view of a child's record, and the committee reviewer may not open records at all.
Nothing read here can name a child in the result.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app import audit, staff
from app.audit import AuditAction
from app.clock import add_months, from_text, local_today, long_date, to_text
from app.consents import REVIEW_WARNING_DAYS, KindCode, all_kinds
from app.errors import ValidationError
from app.names import fold
from app.policies import ReviewState, acknowledgement_status, load_policies, protocol_status
from app.policy.agency_types import AgencyType, classify
from app.policy.permissions import Action, Role
from app.policy.retention import RecordKind
from app.policy.sharing_path import WITHOUT_CONSENT, Ground, Verdict
from app.retention import ItemState, destructions, kind_label, review_items
from app.session_context import SessionContext
from app.settings import AUTO_LOCK_MINUTES, DEMO_VAULT, SettingsService
from app.vault.database import Database

SMALL_NUMBER = 3  # counts 1..2 print as "fewer than 3"; 0 prints as "none"
FEWER = f"fewer than {SMALL_NUMBER}"
NAME_MARK = "[name]"
EARLIEST_MARGIN_YEARS = 1  # a pack may be built for the year before the first record, no earlier
NO_BACKUP = "Sharewise has not recorded a backup yet. Check how this computer's data is backed up."

Progress = Callable[[int, int], None]


def shown(count: int) -> str:
    """A count about children or families as the pack prints it: "none", "fewer than 3", or the
    number (with thousands separated)."""
    if count <= 0:
        return "none"
    if count < SMALL_NUMBER:
        return FEWER
    return f"{count:,}"


def suppressed(count: int) -> bool:
    """Whether ``shown`` hides this count (so a chart must not draw it to scale either)."""
    return 0 < count < SMALL_NUMBER


# --- the figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """One line of a count table or one bar of a chart."""

    label: str
    count: int


@dataclass(frozen=True)
class PolicyLine:
    name: str
    version: str
    adopted_on: date | None
    last_reviewed_on: date | None
    next_review_on: date | None
    reviewed_by: str
    signed_by: str
    state: str  # "Up to date", "Review due soon", ... in words
    needs_attention: bool  # due soon, overdue, or no review date


@dataclass(frozen=True)
class PolicySection:
    policies: tuple[PolicyLine, ...]
    tier2_signatory: bool
    tier2_signed_on: date | None
    contract_on: date | None
    contract_due_on: date | None
    contract_state: str
    contract_needs_attention: bool

    @property
    def needing_attention(self) -> int:
        return sum(1 for p in self.policies if p.needs_attention)


@dataclass(frozen=True)
class DecisionSection:
    total: int
    by_outcome: tuple[Tally, ...]
    by_ground: tuple[Tally, ...]  # decisions to share, by what they rest on
    shared: int
    on_consent: int
    without_consent: int  # statutory duty, public function, vital interests, public interest
    consent_not_needed: int  # not identifiable or not confidential
    without_consent_backed: int  # of those without consent: backed by management
    by_agency: tuple[Tally, ...]
    decided: int
    by_time: tuple[Tally, ...]  # received to decided: same day, 1-3 days, 4-7 days, more than a week
    median_days: float | None


@dataclass(frozen=True)
class ConcernSection:
    total: int
    by_month: tuple[Tally, ...]  # 12, January first
    by_category: tuple[Tally, ...]
    still_open: int  # of the year's concerns, not closed on the build day
    closed: int
    actions_overdue: int  # every action not done whose due date has passed (build day)
    actions_done: int  # done during the year
    actions_done_late: int  # of those, done after their due date


@dataclass(frozen=True)
class ConsentSection:
    on_roll: int
    without_declaration: int  # children on roll with no signed registration declaration
    reviews_overdue: int  # consents in force whose review date has passed
    reviews_due: int  # consents in force due for review within REVIEW_WARNING_DAYS
    asked: int  # in the year
    given: int
    refused: int
    withdrawn: int


@dataclass(frozen=True)
class DueLine:
    kind: str
    items: int  # children (or, for parent contact notes, groups of notes)
    records: int


@dataclass(frozen=True)
class KeptLine:
    kind: str
    records: int
    kept_until: date | None
    reason: str  # names replaced with "[name]"


@dataclass(frozen=True)
class DestroyedLine:
    kind: str
    records: int
    rule: str
    destroyed_by: str  # a member of staff
    destroyed_on: date


@dataclass(frozen=True)
class RetentionSection:
    due: tuple[DueLine, ...]
    kept: tuple[KeptLine, ...]
    held_items: int  # a child's records of one kind (or notes about no child)
    held_children: int
    held_records: int
    hold_reasons: tuple[str, ...]  # names replaced with "[name]"
    destroyed: tuple[DestroyedLine, ...]  # in the year

    @property
    def due_records(self) -> int:
        return sum(line.records for line in self.due)

    @property
    def destroyed_records(self) -> int:
        return sum(line.records for line in self.destroyed)


@dataclass(frozen=True)
class AcknowledgementLine:
    full_name: str  # a member of staff
    roles: str
    last_confirmed: date | None
    version: str
    up_to_date: bool


@dataclass(frozen=True)
class StaffSection:
    active: int
    by_role: tuple[Tally, ...]
    policy_name: str  # the policy every member of staff confirms
    acknowledgements: tuple[AcknowledgementLine, ...]

    @property
    def not_up_to_date(self) -> int:
        return sum(1 for a in self.acknowledgements if not a.up_to_date)


@dataclass(frozen=True)
class SecuritySection:
    auto_lock_minutes: int
    binding_state: str  # "bound", "partly bound", "not bound"
    binding_sentence: str
    recovery_key_issued_on: date | None
    failed_sign_ins: int  # in the year
    audit_ok: bool
    audit_entries: int
    audit_sentence: str  # intact, or where the chain breaks
    last_backup_on: date | None

    @property
    def backup_sentence(self) -> str:
        if self.last_backup_on is None:
            return NO_BACKUP
        return f"The last backup Sharewise recorded was made on {long_date(self.last_backup_on)}."


@dataclass(frozen=True)
class SubjectAccessSection:
    received: int
    released_in_time: int
    released_late: int
    extended: int
    still_open: int
    overdue: int  # open, and past the (extended) deadline on the build day


@dataclass(frozen=True)
class ChecklistItem:
    question: str
    note: str  # what the figures say about it ("" when they say nothing)


@dataclass(frozen=True)
class ReviewFigures:
    year: int
    period_start: date
    period_end: date
    provider_name: str
    provider_address: str
    built_on: date
    next_review_on: date  # a year after the pack was built
    demo: bool
    policies: PolicySection
    decisions: DecisionSection
    concerns: ConcernSection
    consents: ConsentSection
    retention: RetentionSection
    staff: StaffSection
    security: SecuritySection
    subject_access: SubjectAccessSection
    checklist: tuple[ChecklistItem, ...]


# --- names out of free text ---------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_JOINER = re.compile(r"[\s\-'’.]*")


NAME_WORD_MIN = 3  # shorter words of a name ("Li", "Ó") are replaced only within the full name


class NameScrubber:
    """Replaces people's names in free text with "[name]": each full name, and each word of a
    name with 3 or more letters, as whole words, whatever the case or accents. Shorter words
    ("Li", "Ó") only go as part of the full name, so ordinary short words survive."""

    def __init__(self, names: Iterable[str]) -> None:
        self._words: set[str] = set()
        self._phrases: dict[str, list[tuple[str, ...]]] = {}
        for name in names:
            words = tuple(fold(w) for w in _WORD.findall(unicodedata.normalize("NFC", name)))
            if not words:
                continue
            self._phrases.setdefault(words[0], []).append(words)
            self._words.update(w for w in words if len(w) >= NAME_WORD_MIN)
        for phrases in self._phrases.values():
            phrases.sort(key=len, reverse=True)

    def __call__(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        tokens = list(_WORD.finditer(text))
        folded = [fold(t.group()) for t in tokens]
        marked = [word in self._words for word in folded]
        for index, word in enumerate(folded):
            for phrase in self._phrases.get(word, ()):
                if tuple(folded[index : index + len(phrase)]) == phrase:
                    for covered in range(index, index + len(phrase)):
                        marked[covered] = True
                    break
        out: list[str] = []
        position = 0
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if not marked[index]:
                index += 1
                continue
            out.append(text[position : token.start()])
            end = token.end()
            # A run of name words ("Łucja Nowak", "Anne-Marie") becomes one mark.
            while (
                index + 1 < len(tokens)
                and marked[index + 1]
                and _JOINER.fullmatch(text[end : tokens[index + 1].start()])
            ):
                index += 1
                end = tokens[index].end()
            out.append(NAME_MARK)
            position = end
            index += 1
        out.append(text[position:])
        return "".join(out)


def family_names(db: Database) -> list[str]:
    """Every name the pack must never print: children (legal name and known-as), carers and
    emergency contacts, past and present."""
    found: list[str] = []
    for row in db.query("SELECT legal_name, known_as FROM child"):
        found.append(str(row["legal_name"]))
        if row["known_as"]:
            found.append(str(row["known_as"]))
    found += [str(r["full_name"]) for r in db.query("SELECT full_name FROM carer")]
    found += [str(r["full_name"]) for r in db.query("SELECT full_name FROM emergency_contact")]
    return found


# --- reading the year ---------------------------------------------------------------------------

MONTH_LABELS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
OUTCOME_LABELS = {
    "shared": "Shared",
    "not_shared": "Not shared",
    "open": "Still open",
    "advice": "Waiting for advice",
}
TIME_LABELS = ("The same day", "1 to 3 days", "4 to 7 days", "More than a week")
_ATTENTION = (ReviewState.DUE_SOON, ReviewState.OVERDUE, ReviewState.NO_DATE)


def _local_day(stored: str) -> date:
    return from_text(stored).astimezone().date()


def _moments(year: int) -> tuple[str, str]:
    """The year's first and (exclusive) last moment on this PC's clock, as stored text."""
    return to_text(datetime(year, 1, 1).astimezone()), to_text(datetime(year + 1, 1, 1).astimezone())


def _days(year: int) -> tuple[str, str]:
    return date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()


def _day(value: object) -> date | None:
    return None if value is None or value == "" else date.fromisoformat(str(value))


def _outcome(status: str, verdict: str) -> str:
    if status == "final":
        return "shared" if verdict == Verdict.SHARE else "not_shared"
    return "advice" if verdict == Verdict.SEEK_ADVICE else "open"


def _time_bucket(days: int) -> int:
    if days <= 0:
        return 0
    if days <= 3:
        return 1
    if days <= 7:
        return 2
    return 3


class ReviewPackService:
    """``session.review_pack``: for the manager, the DSL and the committee reviewer."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def _today(self) -> date:
        return local_today(self._ctx.clock)

    def _first_year(self) -> int:
        """The year of the vault's first record: its creation, or anything dated earlier."""
        db = self._ctx.database
        moments = [
            db.scalar("SELECT at FROM audit_log ORDER BY id LIMIT 1"),  # the vault's creation
            db.scalar("SELECT min(seen_at) FROM concern"),
            db.scalar("SELECT min(received_at) FROM share_request"),
        ]
        days = [
            db.scalar("SELECT min(status_on) FROM consent_event"),
            db.scalar("SELECT min(received_on) FROM sar_request"),
        ]
        years = [_local_day(str(m)).year for m in moments if m]
        years += [date.fromisoformat(str(d)).year for d in days if d]
        return min(years, default=self._today().year)

    def years(self) -> list[int]:
        """The years a pack can be built for, newest first: from the first record to this year."""
        self._ctx.require(Action.REVIEW_PACK)
        this_year = self._today().year
        first = min(self._first_year(), this_year)
        return list(range(this_year, first - 1, -1))

    def _check_year(self, year: object) -> int:
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValidationError("year", "Choose the year the pack is for.")
        this_year = self._today().year
        if year > this_year:
            raise ValidationError(
                "year", f"{year} has not started yet: choose {this_year} or an earlier year."
            )
        earliest = self._first_year() - EARLIEST_MARGIN_YEARS
        if year < earliest:
            raise ValidationError(
                "year",
                f"Sharewise holds nothing from {year}: its first records are from {earliest + 1}. "
                "Choose a later year.",
            )
        return year

    def figures(self, year: int, progress: Progress | None = None) -> ReviewFigures:
        """Everything the pack prints for ``year``. Audit-logged (the year only)."""
        self._ctx.require(Action.REVIEW_PACK)
        year = self._check_year(year)
        db = self._ctx.database
        today = self._today()
        settings = SettingsService(self._ctx)
        total = 9  # eight sections and the checklist

        def done(step: int) -> None:
            if progress is not None:
                progress(step, total)

        policies = self._policies(db, today)
        done(1)
        decisions = self._decisions(db, year)
        done(2)
        concerns = self._concerns(db, year, today)
        done(3)
        consents = self._consents(db, year, today)
        done(4)
        retention = self._retention(db, year, today, settings, _LazyScrubber(db))
        done(5)
        staff_section = self._staff(db, today)
        done(6)
        security = self._security(db, year, settings)
        done(7)
        sar = self._subject_access(db, year, today)
        done(8)
        provider = settings.provider()
        start, end = date(year, 1, 1), date(year, 12, 31)
        figures = ReviewFigures(
            year=year,
            period_start=start,
            period_end=end,
            provider_name=provider.name,
            provider_address=provider.address,
            built_on=today,
            next_review_on=add_months(today, 12),
            demo=bool(settings.get(DEMO_VAULT)),
            policies=policies,
            decisions=decisions,
            concerns=concerns,
            consents=consents,
            retention=retention,
            staff=staff_section,
            security=security,
            subject_access=sar,
            checklist=checklist(policies, decisions, consents, retention, staff_section, security, sar),
        )
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, AuditAction.REVIEW_PACK_BUILT, "review_pack", None, {"year": year})
        done(total)
        return figures

    # --- the sections -------------------------------------------------------------------------

    @staticmethod
    def _policies(db: Database, today: date) -> PolicySection:
        lines = []
        for policy in load_policies(db):
            state = policy.state(today)
            lines.append(
                PolicyLine(
                    name=policy.name,
                    version=policy.version,
                    adopted_on=policy.adopted_on,
                    last_reviewed_on=policy.last_reviewed_on,
                    next_review_on=policy.next_review_on,
                    reviewed_by=policy.reviewed_by,
                    signed_by=policy.signed_by,
                    state=state.label,
                    needs_attention=state in _ATTENTION,
                )
            )
        protocol = protocol_status(db)
        contract = protocol.contract_state(today)
        return PolicySection(
            policies=tuple(lines),
            tier2_signatory=protocol.tier2_signatory,
            tier2_signed_on=protocol.tier2_signed_on,
            contract_on=protocol.contract_on,
            contract_due_on=protocol.contract_due_on,
            contract_state=contract.label,
            contract_needs_attention=contract in _ATTENTION,
        )

    @staticmethod
    def _decisions(db: Database, year: int) -> DecisionSection:
        start, end = _moments(year)
        rows = db.query(
            "SELECT direction, status, verdict, ground, requester_org, recipient_org, received_at, "
            "decided_at, backed_at, consulted FROM share_request WHERE received_at >= ? AND received_at < ?",
            (start, end),
        )
        outcomes: Counter[str] = Counter()
        grounds: Counter[str] = Counter()
        agencies: Counter[AgencyType] = Counter()
        buckets: Counter[int] = Counter()
        took: list[int] = []
        on_consent = without = not_needed = backed = 0
        for row in rows:
            outcome = _outcome(str(row["status"]), str(row["verdict"]))
            outcomes[outcome] += 1
            # Who asked; for our own wish to share, who it was for.
            org = str(row["requester_org"] or "")
            if row["direction"] == "proactive" or not org.strip():
                org = str(row["recipient_org"] or "") or org
            agencies[classify(org)] += 1
            if outcome == "shared" and row["ground"]:
                ground = Ground(row["ground"])
                grounds[ground.value] += 1
                if ground is Ground.CONSENT:
                    on_consent += 1
                elif ground in WITHOUT_CONSENT:
                    without += 1
                    if row["backed_at"] or row["consulted"]:
                        backed += 1
                else:
                    not_needed += 1
            if row["status"] == "final" and row["decided_at"]:
                days = (_local_day(row["decided_at"]) - _local_day(row["received_at"])).days
                took.append(max(0, days))
                buckets[_time_bucket(days)] += 1
        return DecisionSection(
            total=len(rows),
            by_outcome=tuple(Tally(label, outcomes[key]) for key, label in OUTCOME_LABELS.items()),
            by_ground=tuple(Tally(g.label, grounds[g.value]) for g in Ground),
            shared=outcomes["shared"],
            on_consent=on_consent,
            without_consent=without,
            consent_not_needed=not_needed,
            without_consent_backed=backed,
            by_agency=tuple(Tally(a.label, agencies[a]) for a in AgencyType),
            decided=len(took),
            by_time=tuple(Tally(label, buckets[i]) for i, label in enumerate(TIME_LABELS)),
            median_days=float(statistics.median(took)) if took else None,
        )

    @staticmethod
    def _concerns(db: Database, year: int, today: date) -> ConcernSection:
        start, end = _moments(year)
        months: Counter[int] = Counter()
        categories: Counter[int] = Counter()
        closed = 0
        rows = db.query(
            "SELECT seen_at, category_id, status FROM concern WHERE seen_at >= ? AND seen_at < ?",
            (start, end),
        )
        for row in rows:
            months[_local_day(row["seen_at"]).month] += 1
            categories[int(row["category_id"])] += 1
            closed += row["status"] == "closed"
        by_category = [
            Tally(str(c["name"]), categories[int(c["id"])])
            for c in db.query("SELECT id, name, active FROM concern_category ORDER BY position, id")
            if c["active"] or categories[int(c["id"])]
        ]
        overdue = int(
            db.scalar(
                "SELECT count(*) FROM concern_action WHERE done_at IS NULL AND due_date < ?",
                (today.isoformat(),),
            )
            or 0
        )
        done = db.query(
            "SELECT due_date, done_at FROM concern_action WHERE done_at >= ? AND done_at < ?", (start, end)
        )
        late = sum(1 for r in done if _local_day(r["done_at"]) > date.fromisoformat(r["due_date"]))
        return ConcernSection(
            total=len(rows),
            by_month=tuple(Tally(label, months[i]) for i, label in enumerate(MONTH_LABELS, start=1)),
            by_category=tuple(by_category),
            still_open=len(rows) - closed,
            closed=closed,
            actions_overdue=overdue,
            actions_done=len(done),
            actions_done_late=late,
        )

    @staticmethod
    def _consents(db: Database, year: int, today: date) -> ConsentSection:
        on_roll = {
            int(r["id"])
            for r in db.query(
                "SELECT id FROM child WHERE start_date <= ? AND (leaving_date IS NULL OR leaving_date > ?)",
                (today.isoformat(), today.isoformat()),
            )
        }
        kinds = all_kinds(db)
        declaration = next(k for k in kinds.values() if k.code is KindCode.REGISTRATION)
        # As the consent gaps count it: a given answer on a signed form, from any carer.
        signed = {
            int(r["child_id"])
            for r in db.query(
                "SELECT DISTINCT child_id FROM consent WHERE kind_id = ? AND status = 'given' "
                "AND how = 'signed_form'",
                (declaration.id,),
            )
        }
        overdue = due = 0
        soon = today + timedelta(days=REVIEW_WARNING_DAYS)
        for row in db.query(
            "SELECT child_id, kind_id, review_on FROM consent WHERE status = 'given' AND review_on <= ?",
            (soon.isoformat(),),
        ):
            kind = kinds.get(int(row["kind_id"]))
            if int(row["child_id"]) not in on_roll or kind is None or not kind.active:
                continue
            if date.fromisoformat(row["review_on"]) < today:
                overdue += 1
            else:
                due += 1
        first, last = _days(year)
        changes = {
            str(r["status"]): int(r["n"])
            for r in db.query(
                "SELECT status, count(*) AS n FROM consent_event WHERE status_on BETWEEN ? AND ? "
                "GROUP BY status",
                (first, last),
            )
        }
        return ConsentSection(
            on_roll=len(on_roll),
            without_declaration=len(on_roll - signed),
            reviews_overdue=overdue,
            reviews_due=due,
            asked=changes.get("requested", 0),
            given=changes.get("given", 0),
            refused=changes.get("refused", 0),
            withdrawn=changes.get("withdrawn", 0),
        )

    @staticmethod
    def _retention(
        db: Database, year: int, today: date, settings: SettingsService, scrub: Callable[[str], str]
    ) -> RetentionSection:
        items = review_items(db, settings.retention_rules(), today)
        due_items: Counter[RecordKind] = Counter()
        due_records: Counter[RecordKind] = Counter()
        kept: list[KeptLine] = []
        held_items = held_records = 0
        held_children: set[int | None] = set()
        hold_reasons: list[str] = []
        for item in items:
            if item.state is ItemState.DUE:
                due_items[item.kind] += 1
                due_records[item.kind] += item.records
            elif item.state is ItemState.KEPT:
                kept.append(
                    KeptLine(kind_label(item.kind), item.records, item.kept_until, scrub(item.kept_reason))
                )
            elif item.state is ItemState.HELD:
                held_items += 1
                held_children.add(item.child_id)
                held_records += item.records
                reason = scrub(item.hold_reason)
                if reason and reason not in hold_reasons:
                    hold_reasons.append(reason)
        kept.sort(key=lambda k: (k.kept_until or date.max, k.kind))
        destroyed = tuple(
            DestroyedLine(
                kind_label(entry.kind),
                entry.records,
                entry.rule,
                entry.destroyed_by,
                _local_day(entry.destroyed_at),
            )
            for entry in destructions(db, date(year, 1, 1), date(year, 12, 31))
        )
        return RetentionSection(
            due=tuple(
                DueLine(kind_label(k), due_items[k], due_records[k]) for k in RecordKind if due_items[k]
            ),
            kept=tuple(kept),
            held_items=held_items,
            held_children=len(held_children),
            held_records=held_records,
            hold_reasons=tuple(hold_reasons),
            destroyed=destroyed,
        )

    @staticmethod
    def _staff(db: Database, today: date) -> StaffSection:
        people = staff.load_all(db, include_inactive=False)
        by_role = tuple(Tally(role.label, sum(1 for p in people if role in p.roles)) for role in Role)
        policy = next((p for p in load_policies(db) if p.staff_acknowledge), None)
        lines = tuple(
            AcknowledgementLine(
                full_name=a.full_name,
                roles=", ".join(r.label for r in Role if r in a.roles),
                last_confirmed=None if a.last_at is None else _local_day(a.last_at),
                version=a.policy_version or "",
                up_to_date=a.up_to_date,
            )
            for a in acknowledgement_status(db, today)
        )
        return StaffSection(
            active=len(people),
            by_role=by_role,
            policy_name=policy.name if policy is not None else "",
            acknowledgements=lines,
        )

    def _security(self, db: Database, year: int, settings: SettingsService) -> SecuritySection:
        start, end = _moments(year)
        binding = self._ctx.keys.binding_status()
        # One pass over the log (it has no index on the action): the recovery key's latest issue,
        # the year's failed sign-ins, and the latest backup.
        row = db.one(
            "SELECT max(CASE WHEN action IN (?, ?, ?) THEN at END) AS issued, "
            "sum(CASE WHEN action = ? AND at >= ? AND at < ? THEN 1 ELSE 0 END) AS failed, "
            "max(CASE WHEN action = ? THEN at END) AS backup FROM audit_log",
            (
                AuditAction.VAULT_CREATED,
                AuditAction.RECOVERY_KEY_REISSUED,
                AuditAction.VAULT_REKEYED,
                AuditAction.SIGN_IN_FAILED,
                start,
                end,
                AuditAction.BACKUP_MADE,
            ),
        )
        issued = None if row is None else row["issued"]
        failed = None if row is None else row["failed"]
        backup = None if row is None else row["backup"]
        chain = audit.verify(db)
        return SecuritySection(
            auto_lock_minutes=int(settings.get(AUTO_LOCK_MINUTES)),
            binding_state=binding.state,
            binding_sentence=binding.sentence,
            recovery_key_issued_on=None if issued is None else _local_day(str(issued)),
            failed_sign_ins=int(failed or 0),
            audit_ok=chain.ok,
            audit_entries=chain.entries_checked,
            audit_sentence=chain.sentence,
            last_backup_on=None if backup is None else _local_day(str(backup)),
        )

    @staticmethod
    def _subject_access(db: Database, year: int, today: date) -> SubjectAccessSection:
        first, last = _days(year)
        in_time = late = extended = still_open = overdue = 0
        rows = db.query(
            "SELECT due_on, extended_to, status, released_on FROM sar_request "
            "WHERE received_on BETWEEN ? AND ?",
            (first, last),
        )
        for row in rows:
            deadline = date.fromisoformat(row["extended_to"] or row["due_on"])
            extended += row["extended_to"] is not None
            if row["status"] == "released":
                released = _day(row["released_on"])
                if released is not None and released <= deadline:
                    in_time += 1
                else:
                    late += 1
            else:
                still_open += 1
                overdue += deadline < today
        return SubjectAccessSection(
            received=len(rows),
            released_in_time=in_time,
            released_late=late,
            extended=extended,
            still_open=still_open,
            overdue=overdue,
        )


class _LazyScrubber:
    """Reads the names only if some free text needs scrubbing (most years have none)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._scrubber: NameScrubber | None = None

    def __call__(self, text: str) -> str:
        if not text.strip():
            return text.strip()
        if self._scrubber is None:
            self._scrubber = NameScrubber(family_names(self._db))
        return self._scrubber(text.strip())


# --- the checklist ------------------------------------------------------------------------------


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def checklist(
    policies: PolicySection,
    decisions: DecisionSection,
    consents: ConsentSection,
    retention: RetentionSection,
    staff_section: StaffSection,
    security: SecuritySection,
    sar: SubjectAccessSection,
) -> tuple[ChecklistItem, ...]:
    """The yearly review questions of the policies, each with what the figures say about it."""
    attention = policies.needing_attention
    contract = (
        "The council contract is recorded."
        if policies.contract_on
        else "No council contract date is recorded."
    )
    without = decisions.without_consent
    unbacked = without - decisions.without_consent_backed
    items = [
        (
            "Have all policies been reviewed and signed, with a date for the next review?",
            "Every policy is up to date."
            if policies.policies and not attention
            else f"{_plural(attention, 'policy needs', 'policies need')} attention (see section 1)."
            if attention
            else "No policies are recorded in the register.",
        ),
        (
            "Has every member of staff confirmed the confidentiality and information-sharing policy "
            "this year?",
            "Everyone has."
            if not staff_section.not_up_to_date
            else f"{_plural(staff_section.not_up_to_date, 'member', 'members')} of staff not up to date "
            "(see section 6).",
        ),
        (
            "Is the tier-2 protocol signed, and has the council contract been renewed?",
            (
                "The setting is a tier-2 signatory. "
                if policies.tier2_signatory
                else "No tier-2 signature is recorded. "
            )
            + contract,
        ),
        (
            "Was every decision to share or not to share recorded with its reasons?",
            f"{shown(decisions.total)} decisions received in the year; {shown(decisions.decided)} decided.",
        ),
        (
            "Was every decision to share without consent backed by the management team?",
            "There were no decisions to share without consent."
            if not without
            else "All of them were backed."
            if not unbacked
            else f"{shown(unbacked)} without recorded backing (see section 2).",
        ),
        (
            "Was consent sought where appropriate, and are consent gaps being followed up?",
            f"Children on roll without a signed registration declaration: "
            f"{shown(consents.without_declaration)}; consent reviews overdue: "
            f"{shown(consents.reviews_overdue)}.",
        ),
        (
            "Were records past their retention period destroyed, or kept with a reason?",
            f"Records due for disposal now: {shown(retention.due_records)}; kept with a reason: "
            f"{shown(sum(k.records for k in retention.kept))}; destroyed in the year: "
            f"{shown(retention.destroyed_records)}.",
        ),
        (
            "Has the Recovery Sheet been kept safe, and has a backup been restored in a test?",
            security.backup_sentence,
        ),
        (
            "Were subject access requests answered within their deadline?",
            "None were received in the year."
            if not sar.received
            else f"Released late: {shown(sar.released_late)}; overdue now: {shown(sar.overdue)}.",
        ),
        ("Do any policies or procedures need to change after this review?", ""),
    ]
    return tuple(ChecklistItem(question, note) for question, note in items)
