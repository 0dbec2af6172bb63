"""A throwaway demo vault with fictional people, for trying Sharewise and for screenshots.

Demo accounts get known passwords (printed by ``python -m app demo``) and are marked so the
program can show a "Demo data — fictional" banner. The vault also holds about forty fictional
children (``resources/demo/children.json``) with carers, contacts, professionals, agency visits,
parent contacts and a year of concerns in every state, information-sharing decisions of every
kind with the child-protection files sent on for two leavers (``resources/demo/sharing.json``), and
consents in every state with a few signed forms scanned in, a kind of consent the manager added
and a logo for the printed forms (``resources/demo/consents.json``), so every screen has something
to show.

Everything goes in through the session's core API, as the people who would do it: the manager
adds the children, key workers log their own concerns, the DSL reviews and decides what is shared
(the deputy DSL confirms, with her own password, each decision to share without consent). To make
the records look lived-in, the vault is built on a clock that starts a little over a year ago and
moves forwards through the year, so review dates, action dates and the audit log all read as they
would after a year of use. The clock only ever moves forwards, so the audit log stays in order.

Each sign-in costs one Argon2id derivation, so the key workers sign in for a few sittings (a
handful of concerns written up at the end of the day) rather than once per concern, and the sharing
decisions fall on days the DSL is signed in anyway. Each backing confirmed costs one derivation too;
the demo has three. Consents are paperwork the manager types in from the forms parents return: if
someone else is signed in at that moment, it waits until she is next at the PC anyway.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from app.audit import AuditAction
from app.children import CarerDetails, Child, ChildDetails, ContactDetails, ProfessionalDetails, VisitDetails
from app.clock import Clock, SystemClock
from app.concerns import NewConcern
from app.consents import ConsentDetails, ConsentHow, ConsentStatus, KindCode, KindDetails
from app.parent_contacts import ContactKind, NewParentContact
from app.policies import PolicyDetails
from app.policy.permissions import Role
from app.policy.retention import RecordKind
from app.policy.sharing_path import Answer, LawfulBasis, Question, SpecialCondition
from app.session import Session
from app.settings import ProviderProfile
from app.sharing import (
    Channel,
    ChosenItem,
    Direction,
    FamilyTold,
    FollowUpKind,
    Intake,
    Nature,
    NewFollowUp,
    OutcomeDraft,
    Urgency,
)
from app.staff import NewStaff
from app.subject_access import NewRequest
from app.vault import kdf
from app.vault.device import DeviceKeyring
from app.vault.kdf import KdfParams
from app.vault.recovery_key import RecoveryKey
from app.vault.vault import Vault

SEED = 20260901  # the same demo every time
HISTORY_DAYS = 400  # the vault was "set up" this long before now
DAYS_PER_MONTH = 30.44
MANAGER = "zoe"  # adds the children, and as DSL reviews concerns and decides what is shared
_SITTING = time(15, 0)  # key workers write up at the end of the day (UTC), one after another
_REVIEW = time(8, 15)  # the DSL's morning
_DONE = time(11, 0)
_CLOSE = time(12, 0)
_SAME_DAY = time(16, 30)  # an urgent concern is looked at the same afternoon
_PAPERWORK = time(13, 0)  # the manager types in the consent forms that came back


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    roles: frozenset[Role]
    password: str
    job_title: str = ""


@dataclass(frozen=True)
class DemoVault:
    folder: Path
    provider: ProviderProfile
    accounts: tuple[DemoAccount, ...]
    recovery_key: RecoveryKey


def _resource(name: str) -> dict[str, Any]:
    text = resources.files("resources").joinpath(f"demo/{name}").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def demo_data() -> dict[str, Any]:
    return _resource("setting.json")


def demo_children() -> dict[str, Any]:
    """The fictional families, professionals, visits, parent contacts and concerns."""
    return _resource("children.json")


def demo_sharing() -> dict[str, Any]:
    """The fictional information-sharing decisions, the outside people they name, and the
    child-protection files sent on for leavers."""
    return _resource("sharing.json")


def demo_consents() -> dict[str, Any]:
    """The fictional consents, the kind of consent the setting added, and the logo's file."""
    return _resource("consents.json")


def demo_policies() -> dict[str, Any]:
    """The fictional policy register, the protocol and contract dates, and who confirmed the policy."""
    return _resource("policies.json")


def demo_subject_access() -> dict[str, Any]:
    """The fictional subject access requests: one released, one extended, one open and due soon."""
    return _resource("subject_access.json")


def demo_retention() -> dict[str, Any]:
    """The fictional children who left more than three years ago, old notes of calls, and the
    manager's retention decisions about them."""
    return _resource("retention.json")


def demo_logo() -> bytes:
    """The fictional demo setting's logo (a PNG drawn once for the demo)."""
    name = str(demo_consents()["forms"]["logo"])
    return resources.files("resources").joinpath(f"demo/{name}").read_bytes()


def demo_scan(title: str) -> bytes:
    """A one-page PDF standing in for a signed form scanned back in (fictional, no names on it)."""
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
    from reportlab.pdfgen import canvas  # type: ignore[import-untyped]

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)  # invariant: the same bytes every time
    width, height = A4
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, height - 96, title)
    page.setFont("Helvetica", 11)
    page.drawString(72, height - 124, "Fictional: made for the Sharewise demo vault. Nobody signed this.")
    page.line(72, 200, width - 72, 200)
    page.drawString(72, 184, "Signed by a parent with parental responsibility")
    path = page.beginPath()
    path.moveTo(90, 214)
    path.curveTo(120, 250, 140, 190, 170, 226)
    path.curveTo(190, 250, 210, 200, 250, 220)
    page.drawPath(path)
    page.showPage()
    page.save()
    return out.getvalue()


def demo_accounts() -> tuple[DemoAccount, ...]:
    return tuple(
        DemoAccount(
            username=entry["username"],
            full_name=entry["full_name"],
            roles=frozenset(Role(r) for r in entry["roles"]),
            password=entry["password"],
            job_title=str(entry.get("job_title", "")),
        )
        for entry in demo_data()["staff"]
    )


class _BuildClock:
    """The clock the demo is built on: set to each moment in turn, never backwards, so the
    audit log reads in order even when two steps fall in the same second."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def move_to(self, when: datetime) -> None:
        self._now = max(when, self._now + timedelta(seconds=1))

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    actor: str = field(compare=False)
    run: Callable[[Session], None] = field(compare=False)
    flexible: bool = field(default=False, compare=False)  # paperwork: may wait for its person


def _in_opening_hours(when: datetime) -> datetime:
    """The latest moment at or before ``when`` inside nursery hours (09:00-17:00), so a demo made
    at night does not show concerns seen at 3 a.m."""
    if 9 <= when.hour < 17:
        return when
    day = when.date() - timedelta(days=1) if when.hour < 9 else when.date()
    return datetime.combine(day, time(16, 30), UTC) - timedelta(minutes=when.minute)


def _at(day: date, moment: time, minutes: float = 0) -> datetime:
    return datetime.combine(day, moment, UTC) + timedelta(minutes=minutes)


def _answers(given: Mapping[str, str]) -> dict[Question, Answer]:
    return {Question(q): Answer(a) for q, a in given.items()}


class _Builder:
    """Fills a new demo vault through the core API. One instance per vault."""

    def __init__(
        self,
        vault: Vault,
        session: Session,
        clock: _BuildClock,
        now: datetime,
        accounts: tuple[DemoAccount, ...],
    ) -> None:
        self._vault = vault
        self._session = session
        self._actor = MANAGER
        self._clock = clock
        self._now = now
        self._today = now.date()
        self._passwords = {a.username: a.password for a in accounts}
        self._rng = random.Random(SEED)  # noqa: S311 - fictional data, not a secret
        self._staff = {p.username: int(p.id) for p in session.staff.accounts()}
        self._children: dict[str, int] = {}
        self._starts: dict[str, date] = {}
        self._concerns: dict[str, int] = {}
        self._logged: dict[str, datetime] = {}  # concern key -> when it was written up
        self._categories: dict[str, int] = {}
        self._carers: dict[str, int] = {}  # carer name -> id (siblings share one)
        self._professionals: dict[tuple[str, str], int] = {}  # (child, name) -> id, once added
        self._shares: dict[str, int] = {}
        self._kinds: dict[str, int] = {}  # kind code or name -> id
        self._consents: dict[tuple[int, int, str], int] = {}  # (child, carer, kind) -> consent id
        self._scans: dict[str, bytes] = {}
        self._first_carer: dict[str, str] = {}  # child ref -> first carer with parental responsibility
        self._setup = clock.now()
        self._steps: list[_Step] = []

    # --- helpers ------------------------------------------------------------------------------

    def _day(self, days_ago: float) -> date:
        return self._today - timedelta(days=round(days_ago))

    def _minutes(self, low: int, high: int) -> int:
        return self._rng.randint(low, high)

    def _step(
        self, at: datetime, actor: str, run: Callable[[Session], None], *, flexible: bool = False
    ) -> None:
        self._steps.append(_Step(at, len(self._steps), actor, run, flexible))

    def _as(self, actor: str) -> Session:
        """The session of ``actor``, signing the current person out and them in if need be."""
        if actor != self._actor:
            self._session.close()
            self._session = self._vault.sign_in(actor, self._passwords[actor])
            self._actor = actor
            self._clock.advance(20)
            if actor not in self._never_confirm and self._session.policies.acknowledgement_due():
                self._session.policies.acknowledge()  # as the window asks them to at sign-in
        return self._session

    def finish(self) -> None:
        self._session.close()

    # --- the children, at set-up --------------------------------------------------------------

    def add_families(self, families: list[dict[str, Any]]) -> None:
        """Every child with carers (siblings share them), contacts and who may not know what."""
        session = self._session
        births: dict[str, date] = {}
        for family in families:
            carers: dict[str, int] = {}
            signer = next((str(c["name"]) for c in family["carers"] if c["parental_responsibility"]), None)
            for spec in family["children"]:
                if signer is not None:
                    self._first_carer[str(spec["id"])] = signer
                self._clock.advance(self._minutes(2, 5) * 60)
                record = self._add_child(session, family, spec, births)
                child_id = int(record.id)
                for carer in family["carers"]:
                    name = str(carer["name"])
                    if name in carers:
                        record = session.children.link_carer(
                            child_id,
                            carers[name],
                            relationship=str(carer["relationship"]),
                            parental_responsibility=bool(carer["parental_responsibility"]),
                            lives_with=bool(carer["lives_with"]),
                        )
                        continue
                    before = {c.id for c in record.carers}
                    record = session.children.add_carer(
                        child_id,
                        CarerDetails(
                            full_name=name,
                            relationship=str(carer["relationship"]),
                            parental_responsibility=bool(carer["parental_responsibility"]),
                            lives_with=bool(carer["lives_with"]),
                            address=str(carer.get("address", "")),
                            phone=str(carer.get("phone", "")),
                            email=str(carer.get("email", "")),
                        ),
                    )
                    (carers[name],) = {int(c.id) for c in record.carers if c.id not in before}
                    self._carers[name] = carers[name]
                for contact in family["contacts"]:
                    session.children.add_contact(
                        child_id,
                        ContactDetails(
                            full_name=str(contact["full_name"]),
                            phone=str(contact["phone"]),
                            relationship=str(contact.get("relationship", "")),
                            may_collect=bool(contact.get("may_collect", False)),
                        ),
                    )
                for rule in family.get("withheld", []):
                    session.children.set_withheld(
                        child_id, carers[str(rule["carer"])], [carers[str(n)] for n in rule["from"]]
                    )

    def _add_child(
        self, session: Session, family: Mapping[str, Any], spec: Mapping[str, Any], births: dict[str, date]
    ) -> Child:
        ref = str(spec["id"])
        twin = spec.get("twin_of")
        born = (
            births[str(twin)]
            if twin
            else self._day(float(spec["age_months"]) * DAYS_PER_MONTH + self._minutes(0, 20))
        )
        births[ref] = born
        started = max(
            born + timedelta(days=270),
            self._day(float(spec["started_months_ago"]) * DAYS_PER_MONTH + self._minutes(0, 10)),
        )
        leaving = spec.get("leaving_in_days")
        circumstances = spec.get("family_circumstances")
        child = session.children.add(
            ChildDetails(
                legal_name=str(spec["legal_name"]),
                known_as=str(spec.get("known_as", "")),
                date_of_birth=born,
                start_date=started,
                sex_gender=str(spec.get("sex_gender", "")),
                address=str(family["address"]),
                phone=str(family.get("home_phone", "")),
                leaving_date=None if leaving is None else self._today + timedelta(days=int(leaving)),
                destination=str(spec.get("destination", "")),
                room=str(spec["room"]),
                key_worker_id=self._staff[str(spec["key_worker"])],
                additional_needs=str(spec.get("additional_needs", "")),
                medical_notes=str(spec.get("medical_notes", "")),
                sessions_per_week=int(spec.get("sessions_per_week", 0)),
                attendance_pattern=str(spec.get("attendance_pattern", "")),
                family_circumstances=None if circumstances is None else str(circumstances),
            )
        )
        self._children[ref] = int(child.id)
        self._starts[ref] = started
        return child

    # --- the year that followed ---------------------------------------------------------------

    def plan_professionals(self, professionals: list[dict[str, Any]]) -> None:
        for spec in professionals:
            ref = str(spec["child"])
            child = self._children[ref]
            start = self._day(float(spec["from_days_ago"]))
            details = ProfessionalDetails(
                agency=str(spec["agency"]),
                full_name=str(spec["full_name"]),
                role=str(spec.get("role", "")),
                contact=str(spec.get("contact", "")),
                from_date=start,
            )
            when = max(_at(start, _REVIEW, self._minutes(60, 180)), self._clock.now())
            ended = spec.get("to_days_ago")

            def add(
                s: Session, child: int = child, details: ProfessionalDetails = details, ref: str = ref
            ) -> None:
                record = s.children.add_professional(child, details)
                added = max(int(p.id) for p in record.professionals if p.full_name == details.full_name)
                self._professionals[(ref, details.full_name)] = added

            self._step(when, MANAGER, add)
            if ended is not None:
                end = self._day(float(ended))

                def no_longer_involved(
                    s: Session, child: int = child, details: ProfessionalDetails = details, end: date = end
                ) -> None:
                    record = s.children.get(child)
                    (found,) = [p for p in record.professionals if p.full_name == details.full_name]
                    s.children.update_professional(child, found.id, replace(details, to_date=end))

                self._step(_at(end, _REVIEW, self._minutes(60, 180)), MANAGER, no_longer_involved)

    def plan_visits(self, visits: list[dict[str, Any]]) -> None:
        for spec in visits:
            child = self._children[str(spec["child"])]
            visited = _at(self._day(float(spec["days_ago"])), time(int(spec["hour"])), self._minutes(0, 30))
            details = VisitDetails(
                visitor=str(spec["visitor"]),
                agency=str(spec["agency"]),
                visited_at=visited,
                purpose=str(spec["purpose"]),
                supervised_by=self._staff[str(spec["supervised_by"])],
            )

            def log(s: Session, child: int = child, details: VisitDetails = details) -> None:
                s.children.log_visit(child, details)

            self._step(visited + timedelta(minutes=75), MANAGER, log)

    def plan_parent_contacts(self, contacts: list[dict[str, Any]]) -> None:
        for spec in contacts:
            ref = spec.get("child")
            when = _at(self._day(float(spec["days_ago"])), time(int(spec["hour"])), self._minutes(0, 40))
            contact = NewParentContact(
                contact_at=when,
                kind=ContactKind(str(spec["kind"])),
                about=str(spec["about"]),
                who=str(spec.get("who", "")),
                action=str(spec.get("action", "")),
                child_id=None if ref is None else self._children[str(ref)],
            )

            def log(s: Session, contact: NewParentContact = contact) -> None:
                s.parent_contacts.log(contact)

            self._step(when + timedelta(minutes=10), MANAGER, log)

    def plan_concerns(self, concerns: list[dict[str, Any]]) -> None:
        """Each concern and what followed it. A key worker's concerns of one day are written up
        in one sitting; the DSL reviews the next morning (an urgent one the same afternoon)."""
        sittings: dict[tuple[str, float], int] = {}  # (author, days ago) -> concerns so far
        slots: dict[tuple[str, float], int] = {}  # several key workers on one day: one after another
        for spec in concerns:
            author = str(spec["author"])
            if "hours_ago" in spec:
                logged = _in_opening_hours(self._now - timedelta(hours=float(spec["hours_ago"])))
                day = logged.date()
                seen = logged - timedelta(minutes=self._minutes(45, 90))
            else:
                day = self._day(float(spec["days_ago"]))
                seen = _at(day, time(int(spec.get("seen_hour", 10))), self._minutes(0, 50))
                if author == MANAGER:
                    logged = seen + timedelta(minutes=self._minutes(20, 40))
                else:
                    sitting = (author, float(spec["days_ago"]))
                    slot = slots.setdefault(sitting, sum(1 for _author, d in slots if d == sitting[1]))
                    place = sittings.get(sitting, 0)
                    sittings[sitting] = place + 1
                    logged = _at(day, _SITTING, 25 * slot + 6 * place + self._minutes(0, 4))
            ref = str(spec["child"])
            if day < self._starts[ref] + timedelta(days=7):
                raise ValueError(f"demo concern {spec['key']} is from before the child started")
            self._plan_concern(spec, author, day, seen, logged)

    def _plan_concern(
        self, spec: Mapping[str, Any], author: str, day: date, seen: datetime, logged: datetime
    ) -> None:
        key = str(spec["key"])
        child = self._children[str(spec["child"])]
        self._logged[key] = logged
        told = None
        if author != MANAGER:
            told = seen + timedelta(minutes=int(spec.get("told_after_minutes", 20)))
        new = NewConcern(
            child_id=child,
            seen_at=seen,
            category_id=None,
            facts=str(spec["facts"]),
            child_words=str(spec.get("child_words", "")),
            opinion=str(spec.get("opinion", "")),
            action_taken=str(spec.get("action_taken", "")),
            dsl_told_at=told,
            urgent=bool(spec.get("urgent", False)),
            third_party_source=str(spec.get("third_party_source", "")),
        )
        category = str(spec["category"])

        def log(s: Session) -> None:
            if not self._categories:
                self._categories.update({c.name: int(c.id) for c in s.concerns.categories()})
            concern = s.concerns.log(replace(new, category_id=self._categories[category]))
            self._concerns[key] = int(concern.id)

        self._step(logged, author, log)
        amend = spec.get("amend")
        if amend:

            def correct(s: Session, amend: Mapping[str, Any] = amend) -> None:
                s.concerns.amend(
                    self._concerns[key],
                    field=str(amend["field"]),
                    new_text=str(amend["new_text"]),
                    reason=str(amend["reason"]),
                )

            self._step(logged + timedelta(minutes=3), author, correct)
        last = logged
        review = spec.get("review")
        if review:
            after = int(review["after_days"])
            reviewed = (
                _at(day, _SAME_DAY, self._minutes(0, 10))
                if after == 0
                else _at(day + timedelta(days=after), _REVIEW, self._minutes(0, 40))
            )
            again = review.get("look_again_days")
            look_again = None if again is None else reviewed.date() + timedelta(days=int(again))

            def dsl_review(
                s: Session, note: str = str(review["note"]), when: date | None = look_again
            ) -> None:
                s.concerns.review(self._concerns[key], note=note, review_date=when)

            self._step(reviewed, MANAGER, dsl_review)
            last = reviewed
            for number, action in enumerate(spec.get("actions", [])):
                last = self._plan_action(key, action, day, reviewed + timedelta(minutes=2 + number), last)
        close = spec.get("close")
        if close:
            closed = _at(day + timedelta(days=int(close["after_days"])), _CLOSE, self._minutes(0, 40))
            if closed <= last:
                raise ValueError(f"demo concern {key} closes before its review or actions")

            def close_it(s: Session, outcome: str = str(close["outcome"])) -> None:
                s.concerns.close(self._concerns[key], outcome=outcome)

            self._step(closed, MANAGER, close_it)

    def _plan_action(
        self, key: str, action: Mapping[str, Any], day: date, added: datetime, last: datetime
    ) -> datetime:
        holder: list[int] = []

        def add(s: Session) -> None:
            concern = s.concerns.add_action(
                self._concerns[key],
                description=str(action["description"]),
                assigned_to=self._staff[str(action["to"])],
                due_date=added.date() + timedelta(days=int(action["due_days"])),
            )
            holder.append(int(concern.actions[-1].id))

        self._step(added, MANAGER, add)
        done_after = action.get("done_after_days")
        if done_after is None:
            return max(last, added)
        done = _at(day + timedelta(days=int(done_after)), _DONE, self._minutes(0, 40))

        def complete(s: Session) -> None:
            s.concerns.complete_action(holder[0], note=str(action.get("done_note", "")))

        self._step(done, MANAGER, complete)
        return max(last, done)

    # --- information sharing and file transfers ------------------------------------------------

    def _local_today(self) -> date:
        """Today on this PC's calendar at the build clock's moment, as the core counts it."""
        return self._clock.now().astimezone().date()

    def plan_sharing(self, decisions: list[dict[str, Any]]) -> None:
        """Each decision as it happened: the intake by whoever took it, the DSL's answers (and
        advice where she was not sure), the outcome, the deputy DSL's backing where it shares
        without consent, finalising with follow-ups, then follow-ups done and corrections."""
        for spec in decisions:
            key = str(spec["key"])
            if "after_concern" in spec:
                anchor = self._logged[str(spec["after_concern"])]
                received = anchor + timedelta(minutes=int(spec["received_after_minutes"]))
                opened = anchor + timedelta(minutes=int(spec["open_after_minutes"]))
            else:
                received = _at(
                    self._day(float(spec["days_ago"])), time(int(spec["hour"]), int(spec["minute"]))
                )
                # Written up once the call back is done, or a quarter of an hour after it came in.
                later = int(spec["intake"].get("called_back_after_minutes", 10)) + 5
                opened = received + timedelta(minutes=int(spec.get("open_after_minutes", max(15, later))))
            self._step(opened, str(spec.get("opened_by", MANAGER)), self._opening(spec, received))
            unsure = spec.get("unsure")
            if unsure:
                self._plan_advice(key, unsure, spec, received)
            decided = spec.get("decided")
            if decided is None:
                continue  # still open, awaiting the DSL
            when = _at(
                received.date() + timedelta(days=int(decided["after_days"])),
                time(int(decided["hour"]), int(decided["minute"])),
            )
            self._step(when, MANAGER, self._deciding(spec))
            for number, followup in enumerate(spec.get("followups", [])):
                after = followup.get("done_after_days")
                if after is None:
                    continue
                done = _at(when.date() + timedelta(days=int(after)), time(int(followup["done_hour"]), number))

                def complete(
                    s: Session, key: str = key, number: int = number, note: str = str(followup["note"])
                ) -> None:
                    record = s.sharing.get(self._shares[key])
                    made = sorted(record.followups, key=lambda f: f.id)
                    s.sharing.complete_followup(made[number].id, note=note)

                self._step(done, MANAGER, complete)
            amend = spec.get("amend")
            if amend:
                amended = _at(
                    when.date() + timedelta(days=int(amend["after_days"])),
                    time(int(amend["hour"]), int(amend["minute"])),
                )

                def correct(s: Session, key: str = key, amend: Mapping[str, Any] = amend) -> None:
                    s.sharing.amend(
                        self._shares[key],
                        field=str(amend["field"]),
                        new_text=str(amend["new_text"]),
                        reason=str(amend["reason"]),
                    )

                self._step(amended, MANAGER, correct)

    def _opening(self, spec: Mapping[str, Any], received: datetime) -> Callable[[Session], None]:
        key = str(spec["key"])
        words = spec["intake"]
        called_back = words.get("called_back_after_minutes")

        def open_intake(s: Session) -> None:
            intake = Intake(
                direction=Direction(words["direction"]),
                received_via=Channel(words["received_via"]),
                received_at=received,
                child_ids=tuple(self._children[str(c)] for c in spec["children"]),
                asked_for=str(words["asked_for"]),
                purpose=str(words.get("purpose", "")),
                urgency=Urgency(words["urgency"]),
                requester_org=str(words.get("requester_org", "")),
                requester_name=str(words.get("requester_name", "")),
                requester_role=str(words.get("requester_role", "")),
                requester_contact=str(words.get("requester_contact", "")),
                carer_ids=tuple(self._carers[str(n)] for n in spec.get("carers", [])),
                concern_ids=tuple(self._concerns[str(k)] for k in spec.get("concerns", [])),
                professional_ids=tuple(
                    self._professionals[(str(c), str(n))]
                    for n in spec.get("professionals", [])
                    for c in spec["children"]
                    if (str(c), str(n)) in self._professionals
                ),
                phone_number=str(words.get("phone_number", "")),
                verified_how=str(words.get("verified_how", "")),
                called_back_at=None
                if called_back is None
                else received + timedelta(minutes=int(called_back)),
            )
            self._shares[key] = int(s.sharing.open(intake).id)

        return open_intake

    def _plan_advice(
        self, key: str, unsure: Mapping[str, Any], spec: Mapping[str, Any], received: datetime
    ) -> None:
        """Not sure at one question: the answers so far, then the advice sought the next day."""

        def not_sure(s: Session) -> None:
            s.sharing.save_answers(
                self._shares[key],
                _answers(unsure["answers"]),
                consent_reason=str(spec.get("consent_reason", "")),
            )

        self._step(received + timedelta(minutes=int(unsure["after_minutes"])), MANAGER, not_sure)
        advice = unsure["advice"]
        recorded = _at(
            received.date() + timedelta(days=int(advice["after_days"])),
            time(int(advice["hour"]), int(advice["minute"])),
        )

        def record_advice(s: Session) -> None:
            s.sharing.record_advice(
                self._shares[key],
                question=Question(advice["question"]),
                adviser=str(advice["adviser"]),
                advice=str(advice["advice"]),
                child_named=bool(advice["child_named"]),
                sought_at=recorded - timedelta(minutes=int(advice["sought_minutes_before"])),
            )

        self._step(recorded, MANAGER, record_advice)

    def _deciding(self, spec: Mapping[str, Any]) -> Callable[[Session], None]:
        key = str(spec["key"])
        words = spec["outcome"]
        backer = spec.get("backed_by")

        def decide(s: Session) -> None:
            share = self._shares[key]
            s.sharing.save_answers(
                share, _answers(spec["answers"]), consent_reason=str(spec.get("consent_reason", ""))
            )
            today = self._local_today()
            basis, condition, told = (
                words.get("lawful_basis"),
                words.get("special_condition"),
                words.get("family_told"),
            )
            s.sharing.save_outcome(
                share,
                OutcomeDraft(
                    reasons=str(words["reasons"]),
                    lawful_basis=None if basis is None else LawfulBasis(basis),
                    special_condition=None if condition is None else SpecialCondition(condition),
                    recipient_name=str(words.get("recipient_name", "")),
                    recipient_role=str(words.get("recipient_role", "")),
                    recipient_org=str(words.get("recipient_org", "")),
                    shared_how=str(words.get("shared_how", "")),
                    secured_how=str(words.get("secured_how", "")),
                    retention=str(words.get("retention", "")),
                    shared_on=today if words.get("recipient_org") else None,
                    family_told=None if told is None else FamilyTold(told),
                    family_reason=str(words.get("family_reason", "")),
                    identity_protection=str(words.get("identity_protection", "")),
                    discussed_with_requester=words.get("discussed_with_requester"),
                    discussed_note=str(words.get("discussed_note", "")),
                    items=self._items(s, share, spec.get("items", [])),
                ),
            )
            if backer is not None:
                self._clock.advance(600)  # the deputy comes to the office PC to confirm
                s.sharing.confirm_backing(share, username=str(backer), password=self._passwords[str(backer)])
            self._clock.advance(120)
            s.sharing.finalise(
                share,
                [
                    NewFollowUp(
                        FollowUpKind(f["kind"]),
                        self._local_today() + timedelta(days=int(f["due_days"])),
                        str(f.get("description", "")),
                    )
                    for f in spec.get("followups", [])
                ],
            )

        return decide

    def _items(self, s: Session, share: int, chosen: list[Any]) -> tuple[ChosenItem, ...]:
        """The items named in the data, as ``item_choices`` offers them (each with the nature it
        has in the record), or an item of our own words."""
        offered = {c.key: c for c in s.sharing.item_choices(share)}
        items: list[ChosenItem] = []
        for item in chosen:
            if isinstance(item, dict):
                items.append(
                    ChosenItem("other", Nature(item["nature"]), str(item["label"]), str(item["content"]))
                )
                continue
            source, _, rest = str(item).partition(":")
            if source == "child":
                key = f"child:{self._children[rest]}"
            elif source == "carer":
                key = f"carer:{self._carers[rest]}"
            elif source == "professional":
                (key,) = [k for k, c in offered.items() if k.startswith("professional:") and rest in c.label]
            else:
                concern, field_name = rest.split(":")
                key = f"concern:{self._concerns[concern]}:{field_name}"
            items.append(ChosenItem(key, offered[key].nature))
        return tuple(items)

    def plan_transfers(self, transfers: list[dict[str, Any]]) -> None:
        """The child-protection file sent on for each leaver, and the receipt where one came."""
        for spec in transfers:
            child = self._children[str(spec["child"])]
            sent = _at(self._day(float(spec["sent_days_ago"])), time(10, 30))
            holder: list[int] = []

            def send(
                s: Session, child: int = child, spec: Mapping[str, Any] = spec, holder: list[int] = holder
            ) -> None:
                transfer = s.transfers.record_sent(
                    child,
                    receiving_setting=str(spec["receiving_setting"]),
                    receiving_person=str(spec.get("receiving_person", "")),
                    sent_how=str(spec["sent_how"]),
                    sent_on=self._local_today(),
                )
                holder.append(int(transfer.id))

            self._step(sent, MANAGER, send)
            received = spec.get("received_days_ago")
            if received is None:
                continue

            def receipt(s: Session, spec: Mapping[str, Any] = spec, holder: list[int] = holder) -> None:
                s.transfers.record_receipt(
                    holder[0], received_on=self._local_today(), note=str(spec.get("receipt_note", ""))
                )

            self._step(_at(self._day(float(received)), time(14, 0)), MANAGER, receipt)

    # --- consents and the printed forms --------------------------------------------------------

    def plan_forms(self, data: Mapping[str, Any]) -> None:
        """The logo set the day after set-up, and the kinds of consent the manager added."""
        self._step(
            _at(self._setup.date() + timedelta(days=1), time(12, 0)), MANAGER, self._set_logo, flexible=True
        )
        for spec in data["kinds"]:
            details = KindDetails(
                name=str(spec["name"]),
                wording=str(spec["wording"]),
                names_agencies=bool(spec.get("names_agencies", False)),
                review_months=int(spec.get("review_months", 0)),
            )

            def add(s: Session, details: KindDetails = details) -> None:
                self._kinds[details.name] = int(s.consents.add_kind(details).id)

            self._step(_at(self._day(float(spec["days_ago"])), time(9, 30)), MANAGER, add, flexible=True)

    @staticmethod
    def _set_logo(s: Session) -> None:
        s.forms.set_logo(demo_logo())

    def plan_consents(self, data: Mapping[str, Any]) -> None:
        """A signed registration declaration for most children (typed in from the paper forms at
        set-up, or on the day for later starters), then each consent's history as it happened."""
        declarations = data["declarations"]
        before = timedelta(days=int(declarations["days_before_start"]))
        missing = set(declarations["missing"])
        scanned = set(declarations["scanned"])
        typed_in = _at(self._setup.date() + timedelta(days=1), _PAPERWORK)
        for number, (ref, started) in enumerate(self._starts.items()):
            if ref in missing:
                continue
            signed = started - before
            event = {"status": ConsentStatus.GIVEN.value, "how": ConsentHow.SIGNED_FORM.value}
            when = max(_at(signed, _PAPERWORK), typed_in + timedelta(minutes=2 * number))
            self._plan_event(
                ref,
                self._first_carer[ref],
                KindCode.REGISTRATION.value,
                event | {"scan": ref in scanned},
                signed,
                when,
            )
        for spec in data["consents"]:
            ref = str(spec["child"])
            carer = str(spec.get("carer", self._first_carer[ref]))
            for number, event in enumerate(spec["events"]):
                day = self._day(float(event["days_ago"]))
                self._plan_event(ref, carer, str(spec["kind"]), event, day, _at(day, _PAPERWORK, number))

    def _plan_event(
        self, ref: str, carer_name: str, kind_key: str, event: Mapping[str, Any], day: date, when: datetime
    ) -> None:
        status = ConsentStatus(event["status"])
        how = None if event.get("how") is None else ConsentHow(event["how"])
        heard = event.get("heard_by")
        note = str(event.get("note", ""))
        scan = bool(event.get("scan", False))

        def record(s: Session) -> None:
            child, carer = self._children[ref], self._carers[carer_name]
            on = min(day, self._local_today())
            heard_by = None if heard is None else self._staff[str(heard)]
            form = self._scan(kind_key) if scan else None
            key = (child, carer, kind_key)
            if status is ConsentStatus.WITHDRAWN:
                s.consents.withdraw(
                    self._consents[key], on=on, how=how, heard_by=heard_by, note=note, form=form
                )
                return
            details = ConsentDetails(
                status, on, how, heard_by, agencies=str(event.get("agencies", "")), note=note, form=form
            )
            self._consents[key] = int(s.consents.record(child, carer, self._kind_id(s, kind_key), details).id)

        self._step(when, MANAGER, record, flexible=True)

    def _kind_id(self, s: Session, key: str) -> int:
        if key not in self._kinds:
            for kind in s.consents.kinds(include_retired=True):
                self._kinds[kind.code.value if kind.code else kind.name] = int(kind.id)
        return self._kinds[key]

    def _scan(self, kind_key: str) -> bytes:
        if kind_key not in self._scans:
            title = {
                KindCode.REGISTRATION.value: "Signed registration declaration (demo scan)",
                KindCode.ADDITIONAL_NEEDS.value: "Signed consent: sharing about additional needs (demo scan)",
                KindCode.TRANSITION.value: "Signed consent: passing on development summaries (demo scan)",
            }.get(kind_key, "Signed consent form (demo scan)")
            self._scans[kind_key] = demo_scan(title)
        return self._scans[kind_key]

    # --- the policy register and who confirmed the policy -------------------------------------

    _never_confirm: frozenset[str] = frozenset()  # demo people who have not confirmed the policy

    def plan_policies(self, data: Mapping[str, Any]) -> None:
        """The register as the manager typed it in at set-up (she confirms the policy then), each
        year's reviews, a policy added and one retired, the protocol and the council contract
        renewed. Everyone else confirms the policy at sign-in (``_as``); the committee chair signs
        in once, more than a year ago."""
        ids: dict[str, int] = {}
        protocol, confirmations = data["protocol"], data["acknowledgements"]
        self._never_confirm = frozenset(str(u) for u in confirmations["never"])

        def day(days: object) -> date | None:
            return None if days is None else self._day(float(str(days)))

        def details(spec: Mapping[str, Any]) -> PolicyDetails:
            return PolicyDetails(
                name=str(spec["name"]),
                version=str(spec.get("version", "")),
                adopted_on=day(spec.get("adopted_days_ago")),
                last_reviewed_on=day(spec.get("reviewed_days_ago")),
                reviewed_by=str(spec.get("reviewed_by", "")),
                signed_by=str(spec.get("signed_by", "")),
                staff_acknowledge=bool(spec.get("staff_acknowledge", False)),
            )

        def contract(s: Session, days: object) -> None:
            s.policies.set_protocol(
                tier2_signatory=True,
                tier2_signed_on=day(protocol["tier2_signed_days_ago"]),
                contract_on=day(days),
            )

        def set_up(s: Session) -> None:
            for spec in data["policies"]:
                if not spec.get("setup"):
                    continue
                if spec.get("staff_acknowledge"):
                    (marked,) = [p for p in s.policies.register() if p.staff_acknowledge]
                    ids[str(spec["name"])] = s.policies.update(marked.id, details(spec)).id
                else:
                    ids[str(spec["name"])] = s.policies.add(details(spec)).id
            contract(s, protocol["contract_days_ago"])
            s.policies.acknowledge()

        self._step(_at(self._setup.date() + timedelta(days=1), time(11, 0)), MANAGER, set_up, flexible=True)
        renewed = protocol["contract_renewed_days_ago"]
        self._step(
            _at(self._day(float(renewed)), time(10, 15)),
            MANAGER,
            lambda s: contract(s, renewed),
            flexible=True,
        )
        for spec in data["policies"]:
            self._plan_policy(spec, ids, details(spec))
        self._step(
            _at(self._day(float(confirmations["chair_visit_days_ago"])), time(18, 0)),
            str(confirmations["chair"]),
            lambda s: None,  # a look at what Sharewise holds after a committee meeting
        )

    def _plan_policy(self, spec: Mapping[str, Any], ids: dict[str, int], details: PolicyDetails) -> None:
        name = str(spec["name"])
        if "added_days_ago" in spec:

            def add(s: Session) -> None:
                ids[name] = s.policies.add(details).id

            self._step(
                _at(self._day(float(spec["added_days_ago"])), time(10, 30)), MANAGER, add, flexible=True
            )
        for review in spec.get("reviews", []):

            def reviewed(s: Session, review: Mapping[str, Any] = review) -> None:
                s.policies.mark_reviewed(
                    ids[name],
                    on=self._day(float(review["days_ago"])),
                    reviewed_by=str(review["reviewed_by"]),
                    signed_by=str(review.get("signed_by", "")),
                    version=review.get("version"),
                )
                if review.get("confirm"):
                    s.policies.acknowledge()  # the manager confirms what she has just reviewed

            self._step(
                _at(self._day(float(review["days_ago"])), time(10, 0)), MANAGER, reviewed, flexible=True
            )
        if "retired_days_ago" in spec:
            self._step(
                _at(self._day(float(spec["retired_days_ago"])), time(10, 45)),
                MANAGER,
                lambda s: s.policies.set_active(ids[name], False),
                flexible=True,
            )

    # --- subject access requests ---------------------------------------------------------------

    def plan_subject_access(self, requests: list[dict[str, Any]]) -> None:
        """Each request as it was handled: recorded the day it came in, extended within the first
        month where it was complex, the records gathered and some items decided, one released."""
        for spec in requests:
            holder: list[int] = []

            def record(s: Session, spec: Mapping[str, Any] = spec, holder: list[int] = holder) -> None:
                asking = str(spec["requester"])
                new = NewRequest(
                    self._children[str(spec["child"])],
                    asking,
                    self._carers[asking],
                    "",
                    self._local_today(),
                    str(spec["identity_checked"]),
                )
                holder.append(int(s.subject_access.record(new).id))

            def extend(s: Session, spec: Mapping[str, Any] = spec, holder: list[int] = holder) -> None:
                s.subject_access.extend(holder[0], reason=str(spec["extension_reason"]))

            def review(s: Session, spec: Mapping[str, Any] = spec, holder: list[int] = holder) -> None:
                self._review_pack(s, holder[0], spec)

            def release(s: Session, holder: list[int] = holder) -> None:
                s.subject_access.release(holder[0])

            when: dict[str, tuple[time, Callable[[Session], None]]] = {
                "received_days_ago": (time(9, 45), record),
                "extend_days_ago": (time(10, 0), extend),
                "gather_days_ago": (time(10, 30), review),
                "release_days_ago": (time(10, 0), release),
            }
            for key, (moment, step) in when.items():
                if key in spec:
                    self._step(_at(self._day(float(spec[key])), moment), MANAGER, step)

    @staticmethod
    def _review_pack(s: Session, request_id: int, spec: Mapping[str, Any]) -> None:
        """Gather the records, make the DSL's decisions and write the cover note."""
        for item in s.subject_access.gather(request_id):
            for decision in spec.get("decisions", []):
                text = str(decision["text"])
                if item.section.value == decision["section"] and (text in item.label or text in item.content):
                    s.subject_access.decide(
                        item.id,
                        withhold=bool(decision["withhold"]),
                        exemption=decision.get("exemption"),
                        reason=str(decision.get("reason", "")),
                    )
        if spec.get("release_rest"):
            for item in s.subject_access.items(request_id):
                if item.needs_decision:
                    s.subject_access.decide(item.id, withhold=False)
        if spec.get("cover_note"):
            s.subject_access.set_cover_note(request_id, str(spec["cover_note"]))

    # --- retention and disposal -----------------------------------------------------------------

    def plan_retention(self, data: Mapping[str, Any]) -> None:
        """Children who left more than three years ago, typed in from the paper files at set-up
        (their declarations and transition consents with them), two old notes from the paper
        contact log, and the manager's decisions: one general record kept with a reason, one child
        under a legal hold, and one general record destroyed this year. The random numbers drawn
        here are put back, so every other record comes out as it did before."""
        state = self._rng.getstate()
        self.add_families(data["families"])
        self._rng.setstate(state)
        typed_in = _at(self._setup.date() + timedelta(days=1), _PAPERWORK)
        before = timedelta(days=int(data["transition_days_before_leaving"]))
        event = {"status": ConsentStatus.GIVEN.value, "how": ConsentHow.SIGNED_FORM.value}
        for family in data["families"]:
            for spec in family["children"]:
                ref = str(spec["id"])
                left = self._today + timedelta(days=int(spec["leaving_in_days"]))
                self._plan_event(
                    ref, self._first_carer[ref], KindCode.TRANSITION.value, event, left - before, typed_in
                )
        for number, spec in enumerate(data["parent_contacts"]):
            contact = NewParentContact(
                contact_at=_at(self._day(float(spec["days_ago"])), time(int(spec["hour"]))),
                kind=ContactKind(str(spec["kind"])),
                about=str(spec["about"]),
                who=str(spec.get("who", "")),
                action=str(spec.get("action", "")),
            )

            def log(s: Session, contact: NewParentContact = contact) -> None:
                s.parent_contacts.log(contact)

            self._step(typed_in + timedelta(minutes=30 + number), MANAGER, log, flexible=True)
        keep, hold, destroy = data["keep"], data["hold"], data["destroy"]

        def keep_it(s: Session) -> None:
            s.retention.keep(
                RecordKind(keep["kind"]),
                self._children[str(keep["child"])],
                reason=str(keep["reason"]),
                review_on=self._local_today() + timedelta(days=int(keep["review_in_days"])),
            )

        def hold_it(s: Session) -> None:
            s.retention.place_hold(self._children[str(hold["child"])], reason=str(hold["reason"]))

        def destroy_it(s: Session) -> None:
            s.retention.destroy(RecordKind(destroy["kind"]), self._children[str(destroy["child"])])

        self._step(_at(self._day(float(keep["days_ago"])), time(10, 0)), MANAGER, keep_it, flexible=True)
        self._step(_at(self._day(float(hold["days_ago"])), time(10, 0)), MANAGER, hold_it, flexible=True)
        # Destroyed this year (the annual review pack shows it), and never in the future.
        destroyed = max(
            _at(date(self._today.year, 1, 2), time(10, 0)),
            _at(self._day(float(destroy["days_ago"])), time(10, 0)),
        )
        self._step(min(destroyed, self._now - timedelta(hours=2)), MANAGER, destroy_it, flexible=True)

    def run(self) -> None:
        """Every planned step in time order, each by its person, on the moving clock.

        A ``flexible`` step (paperwork) that falls while someone else is signed in waits, in
        order, until its person is signed in anyway: each extra sign-in costs a derivation."""
        waiting: list[_Step] = []
        for step in sorted(self._steps):
            if step.at > self._now:
                raise ValueError("demo step planned in the future")
            if step.flexible and (waiting or step.actor != self._actor):
                waiting.append(step)
                continue
            self._clock.move_to(step.at)
            step.run(self._as(step.actor))
            while waiting and waiting[0].actor == self._actor:
                self._clock.advance(20)
                waiting.pop(0).run(self._session)
        for step in waiting:  # still waiting at the end: its person signs in once more
            self._clock.advance(20)
            step.run(self._as(step.actor))


def create_demo_vault(
    folder: Path,
    *,
    keyring: DeviceKeyring | None = None,
    clock: Clock | None = None,
    kdf_params: KdfParams | None = None,
) -> DemoVault:
    """Create the demo vault in ``folder`` (which must not hold a vault) and close it.

    ``clock`` gives "now" (the records are dated up to it). ``kdf_params`` defaults to the
    floor: the vault is thrown away and guards only fictional people, and every demo account's
    sign-in during the build costs one derivation.
    """
    data = demo_data()
    provider = ProviderProfile(**data["provider"])
    accounts = demo_accounts()
    first, others = accounts[0], accounts[1:]
    now = (clock or SystemClock()).now()
    build_clock = _BuildClock(_at(now.date() - timedelta(days=HISTORY_DAYS), time(8, 0)))
    created = Vault.create(
        folder,
        provider=provider,
        manager=NewStaff(first.username, first.full_name, first.roles, first.job_title),
        password=first.password,
        keyring=keyring,
        clock=build_clock,
        kdf_params=kdf_params or kdf.floor(),
        demo=True,
    )
    try:
        session = created.session
        ctx = session.context
        for account in others:
            build_clock.advance(60)
            person, _one_time = session.staff.add(
                NewStaff(account.username, account.full_name, account.roles, account.job_title)
            )
            # Demo only: a known password instead of the one-time one, so the README can list it.
            with ctx.transaction() as tx:
                tx.execute("UPDATE staff SET must_change_password = 0 WHERE id = ?", (person.id,))
                ctx.audit(tx, AuditAction.PASSWORD_RESET, "staff", person.id, {"demo": True})
                ctx.keys.set_staff_password(
                    tx, staff_id=person.id, username=person.username, password=account.password
                )
        _fill(created.vault, session, build_clock, now, accounts)
    finally:
        created.vault.close()
    return DemoVault(Path(folder), provider, accounts, created.recovery_key)


def _fill(
    vault: Vault, session: Session, clock: _BuildClock, now: datetime, accounts: tuple[DemoAccount, ...]
) -> None:
    children = demo_children()
    builder = _Builder(vault, session, clock, now, accounts)
    try:
        clock.advance(3600)
        builder.add_families(children["families"])
        builder.plan_retention(demo_retention())
        builder.plan_professionals(children["professionals"])
        builder.plan_visits(children["visits"])
        builder.plan_parent_contacts(children["parent_contacts"])
        builder.plan_concerns(children["concerns"])
        sharing = demo_sharing()
        builder.plan_sharing(sharing["decisions"])
        builder.plan_transfers(sharing["transfers"])
        consents = demo_consents()
        builder.plan_forms(consents)
        builder.plan_consents(consents)
        builder.plan_subject_access(demo_subject_access()["requests"])
        builder.plan_policies(demo_policies())
        builder.run()
    finally:
        builder.finish()
