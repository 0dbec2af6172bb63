"""The demo vault: the fictional staff of resources/demo/setting.json, job titles included, the
fictional children of resources/demo/children.json with a year of records in every state, the
information-sharing decisions and file transfers of resources/demo/sharing.json, and the consents,
email address and logo of resources/demo/consents.json.

Built once per module on a manual clock (the cheap KDF is on for tests).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from app.audit import AuditAction, AuditFilter
from app.children import Child, Enrolment
from app.chronology import EntryKind
from app.clock import ManualClock
from app.concerns import ConcernStatus
from app.consents import Consent, ConsentHow, ConsentStatus, GapKind, KindCode
from app.demo import (
    create_demo_vault,
    demo_accounts,
    demo_children,
    demo_consents,
    demo_data,
    demo_logo,
    demo_sharing,
)
from app.forms import check_logo
from app.policy.permissions import Role
from app.policy.sharing_path import Answer, Ground, LawfulBasis, Question, Verdict
from app.reports import fonts
from app.session import Session
from app.settings import DEMO_VAULT
from app.sharing import Channel, Direction, FollowUpKind, ShareRecord, ShareStatus, Urgency
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
ROOMS = {"Acorns", "Oak", "Saplings"}
# Ofcom keeps these for drama: 01632 960000-960999 and 07700 900000-900999.
DRAMA = re.compile(r"(?:01632 ?960|07700 ?900) ?\d{3}")
PHONE_LIKE = re.compile(r"(?<![\d])(?:\+44 ?|0)\d[\d ]{8,12}\d(?![\d])")


@dataclass
class Demo:
    folder: Path
    vault: Vault
    session: Session
    children: list[Child]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    made = create_demo_vault(
        tmp_path_factory.mktemp("demo") / "vault", keyring=DeviceKeyring(None), clock=ManualClock(NOW)
    )
    vault = Vault.open(
        made.folder, keyring=DeviceKeyring(None), clock=ManualClock(NOW + timedelta(minutes=5))
    )
    first = demo_accounts()[0]
    session = vault.sign_in(first.username, first.password)
    children = [session.children.get(c.id) for c in session.children.find(enrolment=Enrolment.ALL)]
    built = Demo(made.folder, vault, session, children)
    yield built
    built.session.close()  # a test may have signed someone else in and the manager back
    vault.close()


def test_demo_vault_has_every_account_with_its_job_title(tmp_path: Path) -> None:
    demo = create_demo_vault(tmp_path / "demo", keyring=DeviceKeyring(None))
    first = demo_accounts()[0]
    vault = Vault.open(demo.folder, keyring=DeviceKeyring(None))
    try:
        session = vault.sign_in(first.username, first.password)
        people = {p.username: p for p in session.staff.accounts()}
        assert set(people) == {a.username for a in demo.accounts}
        assert all(people[a.username].job_title == a.job_title != "" for a in demo.accounts)
        assert session.settings.get(DEMO_VAULT) is True
        session.close()
    finally:
        vault.close()


# --- the children ----------------------------------------------------------------------------


def test_about_forty_children_with_names_rooms_and_key_workers(demo: Demo) -> None:
    assert len(demo.children) >= 35
    key_workers = {a.full_name for a in demo_accounts() if Role.KEY_WORKER in a.roles}
    for child in demo.children:
        assert child.legal_name.strip() and child.legal_name == child.legal_name.strip()
        assert child.known_as == child.known_as.strip()
        assert child.room in ROOMS
        assert child.key_worker_name in key_workers
        assert child.carers, child.legal_name
        assert all(c.full_name.strip() for c in child.carers)
    assert {c.room for c in demo.children} == ROOMS
    assert {c.key_worker_name for c in demo.children} == key_workers


def test_names_come_in_many_scripts_and_accents_and_all_print(demo: Demo) -> None:
    names = " ".join(
        [c.legal_name for c in demo.children] + [k.full_name for c in demo.children for k in c.carers]
    )
    for sample in ("Zoë", "Łucja", "Siobhán", "Nguyễn", "Дмитрий", "Αλέξανδρος", "Aoife", "Kwame", "Ayşe"):
        assert sample in names or sample in {a.full_name.split()[0] for a in demo_accounts()}
    for sample in ("Søren", "Chloé", "Мария", "Ștefan", "Kjærgaard", "Ó Súilleabháin"):
        assert sample in names
    assert fonts.missing_glyphs(names, fonts.SANS) == set()  # every chronology prints without "?"


def test_ages_and_start_dates_are_relative_to_now(demo: Demo) -> None:
    today = NOW.date()
    for child in demo.children:
        age = today - child.date_of_birth
        assert timedelta(days=365) <= age <= timedelta(days=6 * 365), child.legal_name
        assert child.date_of_birth < child.start_date < today
        if child.leaving_date is not None and child.leaving_date <= today:
            # A leaver: gone on to a school or setting, with the child-protection file sent after.
            assert child.destination
            assert all(t.sent_on >= child.leaving_date for t in demo.session.transfers.for_child(child.id))
    assert sum(1 for c in demo.children if c.leaving_date and c.leaving_date > today) >= 1
    # Two recent leavers, and three who left years ago and are past their retention period
    # (resources/demo/retention.json; a fourth was destroyed during the build).
    assert sum(1 for c in demo.children if c.leaving_date and c.leaving_date <= today) == 5
    assert sum(1 for c in demo.children if c.leaving_date and (today - c.leaving_date).days > 3 * 365) == 3


def test_siblings_share_a_carer_and_one_carers_address_is_withheld(demo: Demo) -> None:
    carer_children: dict[int, set[int]] = {}
    for child in demo.children:
        for carer in child.carers:
            carer_children.setdefault(carer.id, set()).add(child.id)
    assert sum(1 for kids in carer_children.values() if len(kids) > 1) >= 6
    shared = [c for child in demo.children for c in child.carers if c.other_children]
    assert shared
    withheld = [(child, c) for child in demo.children for c in child.carers if c.contact_withheld]
    assert len(withheld) >= 1
    child, carer = withheld[0]
    assert all(other in {c.id for c in child.carers} for other in carer.withheld_from)
    assert child.family_circumstances  # the manager can read why


def test_most_children_have_two_emergency_contacts_and_a_few_do_not(demo: Demo) -> None:
    short = [c for c in demo.children if len(c.contacts) < 2]
    assert 1 <= len(short) <= 5
    assert all(any("emergency contact" in w for w in c.warnings) for c in short)
    assert sum(1 for c in demo.children if len(c.contacts) >= 2) >= len(demo.children) - 5


def test_professionals_and_agency_visits(demo: Demo) -> None:
    assert sum(1 for c in demo.children if c.professionals) >= 4
    assert any(p.to_date is not None for c in demo.children for p in c.professionals)
    visits = [v for c in demo.children for v in c.visits]
    assert len(visits) >= 3
    assert all(v.visited_at < NOW and v.supervisor_name for v in visits)


# --- concerns and parent contacts ------------------------------------------------------------


def test_concerns_in_every_state(demo: Demo) -> None:
    concerns = demo.session.concerns.queue(include_closed=True)
    statuses = Counter(c.status for c in concerns)
    assert set(statuses) == set(ConcernStatus)
    assert statuses[ConcernStatus.CLOSED] > len(concerns) / 2  # most are closed
    assert 2 <= statuses[ConcernStatus.NEW] <= 4
    counts = demo.session.concerns.counts()
    assert counts.urgent >= 1
    today = NOW.date()
    past_review = [c for c in concerns if c.status is ConcernStatus.REVIEWED and c.overdue(today)]
    assert len(past_review) == 1  # one open concern is past its review date
    assert past_review[0].review_date is not None and past_review[0].review_date < today
    assert any(c.open_actions for c in concerns if c.status is ConcernStatus.REVIEWED)
    assert sum(1 for c in concerns if c.third_party) == 1
    for concern in concerns:
        assert NOW - timedelta(days=366) < concern.seen_at < NOW
        full = demo.session.concerns.get(concern.id)
        if concern.status is ConcernStatus.CLOSED:
            assert full.outcome.strip()
            assert full.closed_at is not None and full.seen_at < full.closed_at <= NOW


def test_key_workers_wrote_their_own_concerns_and_the_dsl_reviewed(demo: Demo) -> None:
    concerns = demo.session.concerns.queue(include_closed=True)
    authors = {c.author_name for c in concerns}
    assert {a.full_name for a in demo_accounts() if a.roles == {Role.KEY_WORKER}} <= authors
    people = demo.session.audit.people()
    reviews = demo.session.audit.entries(where=AuditFilter(action=AuditAction.CONCERN_REVIEWED.value))
    dsls = {a.full_name for a in demo_accounts() if Role.DSL in a.roles}
    assert reviews and all(people[int(e.actor_id or 0)] in dsls for e in reviews)


def test_parent_contacts_include_an_anonymous_one(demo: Demo) -> None:
    contacts = demo.session.parent_contacts.entries()
    assert len(contacts) >= 4
    assert sum(1 for c in contacts if c.anonymous) == 1
    assert any(c.child_id is not None for c in contacts)


# --- fictional numbers only, and an audit log in order ---------------------------------------


def test_every_phone_number_is_from_the_drama_ranges(demo: Demo) -> None:
    numbers = [demo.session.settings.provider().phone]
    for child in demo.children:
        numbers += [child.phone, *(c.phone for c in child.carers), *(c.phone for c in child.contacts)]
        numbers += [p.contact for p in child.professionals]
    numbers = [n for n in numbers if n]
    assert len(numbers) > 100
    assert all(DRAMA.fullmatch(n) for n in numbers), [n for n in numbers if not DRAMA.fullmatch(n)]
    # Nor anything phone-like anywhere in the demo files (notes, addresses, e-mails).
    for name in ("setting.json", "children.json", "sharing.json"):
        text = resources.files("resources").joinpath(f"demo/{name}").read_text("utf-8")
        found = PHONE_LIKE.findall(text)
        assert found
        assert all(DRAMA.fullmatch(n.strip()) for n in found), [n for n in found if not DRAMA.fullmatch(n)]
    emails = [c.email for child in demo.children for c in child.carers if c.email]
    assert emails and all(e.endswith("@example.com") for e in emails)
    assert demo.session.settings.provider().email.endswith("@littleacorns.example.org.uk")
    consents = resources.files("resources").joinpath("demo/consents.json").read_text("utf-8")
    assert PHONE_LIKE.findall(consents) == []


def test_the_audit_chain_verifies_and_reads_in_order(demo: Demo) -> None:
    assert demo.session.audit.verify().ok
    entries = demo.session.audit.entries(limit=5000)
    times = [e.at for e in reversed(entries)]
    assert times == sorted(times)
    assert datetime.fromisoformat(times[0]) < NOW - timedelta(days=366)  # a year of use
    built = [e for e in entries if datetime.fromisoformat(e.at) < NOW]
    # Each sign-in costs one Argon2id derivation: the build keeps to a few sittings.
    assert 5 <= sum(1 for e in built if e.action == AuditAction.SIGN_IN.value) <= 14


def test_the_same_demo_every_time(demo: Demo, tmp_path: Path) -> None:
    again = create_demo_vault(tmp_path / "again", keyring=DeviceKeyring(None), clock=ManualClock(NOW))
    vault = Vault.open(again.folder, keyring=DeviceKeyring(None), clock=ManualClock(NOW))
    try:
        first = demo_accounts()[0]
        session = vault.sign_in(first.username, first.password)

        def key(s: Session) -> list[tuple[str, date, date, str]]:
            found = s.children.find(enrolment=Enrolment.ALL)
            return [(c.legal_name, c.date_of_birth, c.start_date, c.room) for c in found]

        assert key(session) == key(demo.session)
        seen = [(c.seen_at, c.status) for c in session.concerns.queue(include_closed=True)]
        assert seen == [(c.seen_at, c.status) for c in demo.session.concerns.queue(include_closed=True)]

        def shares(s: Session) -> list[tuple[datetime, Verdict, str]]:
            return [(r.received_at, r.verdict, r.requester) for r in s.sharing.queue(include_final=True)]

        assert shares(session) == shares(demo.session)
        assert all_consents(session, demo.children) == all_consents(demo.session, demo.children)
        session.close()
    finally:
        vault.close()


def test_the_data_file_names_only_known_staff_rooms_and_categories() -> None:
    data = demo_children()
    staff = {a.username for a in demo_accounts()}
    children = {c["id"] for f in data["families"] for c in f["children"]}
    assert len(children) == sum(len(f["children"]) for f in data["families"])  # ids are unique
    assert set(data["rooms"]) == ROOMS
    for family in data["families"]:
        for child in family["children"]:
            assert child["room"] in ROOMS and child["key_worker"] in staff
    for concern in data["concerns"]:
        assert concern["child"] in children and concern["author"] in staff
    assert len({c["key"] for c in data["concerns"]}) == len(data["concerns"])


# --- information sharing and file transfers --------------------------------------------------


@pytest.fixture(scope="module")
def decisions(demo: Demo) -> list[ShareRecord]:
    return [demo.session.sharing.get(r.id) for r in demo.session.sharing.queue(include_final=True)]


def _one(records: list[ShareRecord], **where: object) -> ShareRecord:
    found = [r for r in records if all(getattr(r, k) == v for k, v in where.items())]
    assert len(found) == 1, where
    return found[0]


def test_decisions_of_every_verdict_and_ground(decisions: list[ShareRecord]) -> None:
    final = [r for r in decisions if r.final]
    assert {r.outcome.verdict for r in final} == {Verdict.SHARE, Verdict.DO_NOT_SHARE}
    grounds = {r.outcome.ground for r in final if r.outcome.verdict is Verdict.SHARE}
    assert grounds >= {
        Ground.STATUTORY_DUTY,
        Ground.CONSENT,
        Ground.PUBLIC_INTEREST,
        Ground.PUBLIC_FUNCTION,
        Ground.NOT_IDENTIFIABLE,
    }
    dsls = {a.full_name for a in demo_accounts() if a.roles & {Role.DSL, Role.MANAGER}}
    for record in final:
        assert record.decided_by in dsls and record.decided_at is not None
        assert record.received_at < record.decided_at < NOW
        assert record.current("reasons").strip()
        if record.outcome.backing_required:  # shared without consent: a second manager or DSL backed it
            assert record.backed_by in dsls and record.backed_by != record.decided_by
            assert record.backed_at is not None and not record.consulted


def test_a_phone_request_from_social_care_shared_on_a_statutory_duty(decisions: list[ShareRecord]) -> None:
    record = _one(decisions, requester_name="Gemma Hartley", requester_org="Anytown Children's Services")
    assert record.received_via is Channel.PHONE and record.urgency is Urgency.URGENT
    assert record.phone_number and record.verified_how and record.called_back_at is not None
    assert record.outcome.ground is Ground.STATUTORY_DUTY and record.outcome.without_consent
    assert record.answers[Question.CONSENT] is Answer.NOT_SOUGHT and record.consent_reason
    assert record.lawful_basis is LawfulBasis.LEGAL_OBLIGATION and record.family_reason
    assert record.backed_by == "Łucja Kowalska"
    assert any(i.nature.value == "opinion" for i in record.items)  # opinion marked apart from fact


def test_shares_with_consent_public_interest_and_to_the_next_school(decisions: list[ShareRecord]) -> None:
    therapy = _one(decisions, recipient_org="Anytown Speech and Language Therapy")
    assert therapy.direction is Direction.PROACTIVE and therapy.outcome.ground is Ground.CONSENT
    assert therapy.lawful_basis is LawfulBasis.CONSENT and not therapy.outcome.backing_required
    health = _one(decisions, requester_role="Health visitor")
    assert health.outcome.ground is Ground.PUBLIC_INTEREST and health.outcome.criterion is not None
    assert health.answers[Question.CONSENT] is Answer.REFUSED and health.backed_by
    school = _one(decisions, recipient_org="Anytown Primary School")
    assert school.direction is Direction.PROACTIVE and school.received_via is Channel.MEETING
    assert school.outcome.verdict is Verdict.SHARE and [c.name for c in school.children] == ["Kofi Mensah"]


def test_a_police_request_declined_and_the_reasons_discussed(decisions: list[ShareRecord]) -> None:
    police = _one(decisions, requester_org="Anytown Police")
    assert police.outcome.verdict is Verdict.DO_NOT_SHARE and not police.items
    assert police.discussed_with_requester is True and police.current("discussed_note")
    assert police.answers[Question.OTHER_REASON] is Answer.NONE and police.consent_reason


def test_anonymised_figures_name_nobody(decisions: list[ShareRecord], demo: Demo) -> None:
    figures = _one(decisions, requester_org="Anytown Council Early Years Team")
    assert figures.outcome.ground is Ground.NOT_IDENTIFIABLE and figures.lawful_basis is None
    assert figures.items and all(i.source == "other" for i in figures.items)
    shared = " ".join(i.content for i in figures.items)
    for child in demo.children:
        for name in (child.legal_name, child.known_as, *(c.full_name for c in child.carers)):
            for word in name.split():
                assert len(word) < 3 or word not in shared, word


def test_advice_sought_when_not_sure_then_decided(decisions: list[ShareRecord]) -> None:
    (advised,) = [r for r in decisions if r.advice]
    (advice,) = advised.advice
    assert advice.question is Question.OTHER_REASON and not advice.child_named
    assert advised.final and advised.answers[advice.question] is not Answer.NOT_SURE
    assert advised.outcome.ground is Ground.PUBLIC_FUNCTION
    assert advised.decided_at is not None and advice.sought_at < advised.decided_at


def test_a_third_party_concern_is_excluded(decisions: list[ShareRecord], demo: Demo) -> None:
    (record,) = [r for r in decisions if any(not c.shareable for c in r.concerns)]
    assert record.final and record.outcome.verdict is Verdict.SHARE and record.items
    for linked in record.concerns:
        concern = demo.session.concerns.get(linked.id)
        assert concern.third_party_source
        assert all(concern.facts not in i.content for i in record.items)
        assert not any(i.source.startswith("concern") for i in record.items)
    assert "not shared without her consent" in record.current("reasons")


def test_an_open_urgent_intake_from_a_key_worker_awaits_the_dsl(
    decisions: list[ShareRecord], demo: Demo
) -> None:
    (waiting,) = [r for r in decisions if not r.final]
    key_workers = {a.full_name for a in demo_accounts() if a.roles == {Role.KEY_WORKER}}
    assert waiting.status is ShareStatus.OPEN and waiting.urgency is Urgency.URGENT
    assert waiting.opened_by in key_workers and waiting.outcome.verdict is Verdict.UNDECIDED
    assert NOW - timedelta(days=2) < waiting.received_at < NOW
    assert demo.session.sharing.missing(waiting)  # nothing decided yet
    counts = demo.session.sharing.counts()
    assert (counts.open, counts.urgent) == (1, 1)
    assert demo.session.sharing.queue()[0].id == waiting.id  # first on the DSL's queue


def test_follow_ups_done_and_overdue_and_one_correction(decisions: list[ShareRecord], demo: Demo) -> None:
    today = NOW.date()
    followups = [f for r in decisions for f in r.followups]
    done = [f for f in followups if f.done_at is not None]
    assert len(done) >= 3 and all(f.done_note and f.done_by for f in done)
    assert {f.kind for f in done} >= {FollowUpKind.CONFIRM_RECEIPT, FollowUpKind.TELL_FAMILY}
    overdue = [f for f in followups if f.overdue(today)]
    assert len(overdue) == 1 and demo.session.sharing.counts().overdue_followups == 1
    assert any(f.done_at is None and not f.overdue(today) for f in followups)  # one still to come
    queued = {r.id for r in demo.session.sharing.queue()}
    assert {r.id for r in decisions if any(f.overdue(today) for f in r.followups)} <= queued
    (corrected,) = [r for r in decisions if r.amendments]
    (amendment,) = corrected.amendments
    assert amendment.original == getattr(corrected, amendment.field) != corrected.current(amendment.field)
    assert amendment.reason


def test_file_transfers_for_leavers(demo: Demo) -> None:
    today = NOW.date()
    left = [c for c in demo.children if c.leaving_date is not None and c.leaving_date <= today]
    transfers = [t for c in left for t in demo.session.transfers.for_child(c.id)]
    assert len(transfers) == 2
    (received,) = [t for t in transfers if t.received_on is not None]
    assert received.receipt_note and received.received_on is not None
    assert received.sent_on <= received.received_on < today
    (waiting,) = demo.session.transfers.waiting()
    assert waiting.overdue(today) and demo.session.transfers.overdue_count() == 1
    assert (today - waiting.sent_on).days > 7  # more than 5 school days, whatever the weekday


def test_the_chronology_shows_decisions_and_transfers(demo: Demo) -> None:
    by_name = {c.legal_name: c for c in demo.children}
    noe = demo.session.chronology.for_child(by_name["Noé Whitfield-Martin"].id)
    titles = [e.title for e in noe.entries if e.kind is EntryKind.SHARE_DECISION]
    assert titles == ["Decision: Share (statutory duty)", "Decision: Share (public function)"]
    artyom = demo.session.chronology.for_child(by_name["Артём Иванов"].id)
    kinds = [e.kind for e in artyom.entries]
    assert (
        kinds.index(EntryKind.LEFT)
        < kinds.index(EntryKind.TRANSFER_SENT)
        < kinds.index(EntryKind.TRANSFER_RECEIVED)
    )
    coded = demo.session.chronology.for_child(by_name["Noé Whitfield-Martin"].id, coded=True)
    text = " ".join(f"{e.title} {e.detail}" for e in coded.entries if e.share_id is not None)
    for name in ("Noé", "Chloé", "Thomas", "Whitfield", "Martin"):
        assert name not in text


def test_a_key_worker_sees_the_request_she_opened(demo: Demo) -> None:
    siobhan = next(a for a in demo_accounts() if a.username == "siobhan")
    session = demo.vault.sign_in(siobhan.username, siobhan.password)
    try:
        mine = session.sharing.mine()
        assert len(mine) == 1 and mine[0].status is ShareStatus.OPEN
        (child,) = [c for c in demo.children if c.legal_name == "Oisín Murphy"]
        seen = session.chronology.for_child(child.id)
        assert {e.share_id for e in seen.entries if e.share_id is not None} == {mine[0].id}
    finally:
        session.close()
        first = demo_accounts()[0]
        demo.session = demo.vault.sign_in(first.username, first.password)


def test_everyone_named_in_the_decisions_is_one_of_the_demo_people(
    decisions: list[ShareRecord], demo: Demo
) -> None:
    data = demo_children()
    cast = {a.full_name for a in demo_accounts()}
    cast |= {c["name"] for f in data["families"] for c in f["carers"]}
    cast |= {p["full_name"] for p in data["professionals"]} | {v["visitor"] for v in data["visits"]}
    outside = {p["name"] for p in demo_sharing()["people"]}
    assert not outside & cast  # the invented outside contacts are new people, not demo families
    cast |= outside
    named: list[str] = []
    for r in decisions:
        named += [
            r.requester_name,
            r.recipient_name,
            r.opened_by,
            r.decided_by,
            r.backed_by,
            r.called_back_by,
        ]
        named += [a.adviser.split(",")[0] for a in r.advice] + [a.amended_by for a in r.amendments]
        named += [c.label for c in r.carers] + [p.label.split(",")[0] for p in r.professionals]
        named += [f.done_by for f in r.followups] + [f.created_by for f in r.followups]
        assert not r.phone_number or DRAMA.fullmatch(r.phone_number), r.phone_number
        assert not r.requester_contact or r.requester_contact.endswith("@example.com")
        assert {c.name for c in r.children} <= {c.known_as or c.legal_name for c in demo.children}
    for child in demo.children:
        for t in demo.session.transfers.for_child(child.id):
            named += [t.receiving_person.split(",")[0], t.sent_by, t.receipt_by]
    named = [n for n in named if n]
    assert len(named) > 40
    assert set(named) <= cast, set(named) - cast


# --- consents and the printed forms ----------------------------------------------------------

PHOTOS = "Photographs for the setting's displays"


def all_consents(session: Session, children: list[Child]) -> list[tuple[str, str, ConsentStatus, date]]:
    return [
        (c.carer_name, c.kind.name, c.status, c.status_on)
        for child in children
        for c in session.consents.for_child(child.id).consents
    ]


@pytest.fixture(scope="module")
def consents(demo: Demo) -> list[Consent]:
    return [c for child in demo.children for c in demo.session.consents.for_child(child.id).consents]


def test_consents_of_every_status_from_carers_with_parental_responsibility(
    demo: Demo, consents: list[Consent]
) -> None:
    statuses = Counter(c.status for c in consents)
    assert set(statuses) == set(ConsentStatus)
    assert statuses[ConsentStatus.REFUSED] == 1 and statuses[ConsentStatus.WITHDRAWN] == 1
    assert statuses[ConsentStatus.GIVEN] > len(consents) / 2
    today = NOW.date()
    by_id = {child.id: child for child in demo.children}
    for consent in consents:
        child = by_id[consent.child_id]
        (carer,) = [c for c in child.carers if c.id == consent.carer_id]
        assert carer.parental_responsibility and carer.full_name == consent.carer_name
        assert child.date_of_birth < consent.status_on <= today
        assert consent.recorded_at < NOW
        if consent.status is not ConsentStatus.REQUESTED:
            assert consent.how is not None
            assert consent.how is not ConsentHow.VERBAL or consent.heard_by_name
    (refused,) = [c for c in consents if c.status is ConsentStatus.REFUSED]
    assert refused.kind.code is KindCode.TRANSITION and refused.note


def test_a_withdrawal_keeps_the_consent_it_takes_back(demo: Demo, consents: list[Consent]) -> None:
    (withdrawn,) = [c for c in consents if c.status is ConsentStatus.WITHDRAWN]
    assert withdrawn.note and withdrawn.kind.name == PHOTOS and not withdrawn.in_force
    history = demo.session.consents.history(withdrawn.id)
    assert [e.status for e in history] == [ConsentStatus.GIVEN, ConsentStatus.WITHDRAWN]
    assert history[0].status_on < history[1].status_on


def test_most_children_signed_the_registration_declaration(demo: Demo, consents: list[Consent]) -> None:
    signed = {c.child_id for c in consents if c.kind.code is KindCode.REGISTRATION and c.signed}
    assert len(demo.children) - 3 == len(signed)
    for child in demo.children:
        if child.id in signed:
            (declaration,) = [
                c for c in consents if c.child_id == child.id and c.kind.code is KindCode.REGISTRATION
            ]
            assert declaration.status_on <= child.start_date  # signed before the first session


def test_additional_needs_consents_name_the_agencies(consents: list[Consent]) -> None:
    given = [c for c in consents if c.kind.code is KindCode.ADDITIONAL_NEEDS and c.in_force]
    assert len(given) >= 3
    assert all(c.agencies.strip() and c.review_on is not None for c in given)
    assert any("Speech and language therapy" in c.agencies and "Area SENCO" in c.agencies for c in given)


def test_leavers_and_children_near_school_age_have_transition_consents(
    demo: Demo, consents: list[Consent]
) -> None:
    today = NOW.date()
    transition = {c.child_id: c for c in consents if c.kind.code is KindCode.TRANSITION}
    leavers = [c for c in demo.children if c.leaving_date is not None]
    assert leavers and all(transition[c.id].in_force for c in leavers)
    this_term = [c for c in transition.values() if (today - c.status_on).days < 120]
    assert len(this_term) >= 6  # asked of the families whose children start school next


def test_the_setting_added_a_photographs_kind(demo: Demo, consents: list[Consent]) -> None:
    (kind,) = [k for k in demo.session.consents.kinds() if not k.built_in]
    assert kind.name == PHOTOS and kind.review_months == 12 and not kind.names_agencies
    assert PHOTOS in [k.name for k in demo.session.forms.kinds()]
    given = [c for c in consents if c.kind.id == kind.id and c.in_force]
    assert len(given) >= 10 and all(c.review_on is not None for c in given)


def test_the_gaps_list_has_a_missing_declaration_a_form_not_back_and_a_review(
    demo: Demo, consents: list[Consent]
) -> None:
    today = NOW.date()
    gaps = demo.session.consents.gaps()
    found = Counter(g.gap for g in gaps)
    assert found[GapKind.NO_DECLARATION] == 3
    assert found[GapKind.NOT_RETURNED] >= 2
    assert found[GapKind.REVIEW_DUE] == 1 and found[GapKind.REVIEW_OVERDUE] == 0
    on_roll = {c.id for c in demo.children if c.leaving_date is None or c.leaving_date > today}
    assert {g.child_id for g in gaps} <= on_roll
    by_id = {c.id: c for c in consents}
    for gap in gaps:
        if gap.gap is GapKind.NOT_RETURNED:
            assert gap.consent_id is not None
            assert (today - by_id[gap.consent_id].status_on).days > 14
        if gap.gap is GapKind.REVIEW_DUE:
            assert gap.due is not None and today < gap.due <= today + timedelta(days=30)
    # A form sent home in the last fortnight is not chased yet.
    recent = [c for c in consents if c.status is ConsentStatus.REQUESTED and (today - c.status_on).days < 14]
    assert recent and not {c.id for c in recent} & {g.consent_id for g in gaps}


def test_a_few_signed_forms_are_scanned_in_small(demo: Demo, consents: list[Consent]) -> None:
    with_scans = [c for c in consents if c.forms]
    assert 4 <= len(with_scans) <= 10  # a lean demo: a few small PDFs, not one per child
    (form,) = demo.session.consents.history(with_scans[0].id)[-1].forms
    assert form.media_type == "application/pdf" and form.size < 5_000
    scan = demo.session.consents.open_form(form.id)
    assert scan.data.startswith(b"%PDF-") and b"demo scan" in scan.data  # in its title


def test_the_printed_forms_carry_the_demo_logo_and_email(demo: Demo) -> None:
    branding = demo.session.forms.branding()
    assert branding.logo is not None and branding.logo.data == demo_logo()
    assert branding.logo.media_type == "image/png" and check_logo(branding.logo.data)
    assert len(branding.logo.data) < 30 * 1024
    assert branding.provider.email == demo_data()["provider"]["email"]


def test_the_consents_file_names_only_demo_children_carers_and_staff() -> None:
    data = demo_consents()
    families = demo_children()["families"]
    children = {c["id"]: f for f in families for c in f["children"]}
    staff = {a.username for a in demo_accounts()}
    kinds = {k.value for k in KindCode} | {k["name"] for k in data["kinds"]}
    named = set(data["declarations"]["missing"]) | set(data["declarations"]["scanned"])
    assert named <= set(children)
    for spec in data["consents"]:
        assert spec["child"] in children and spec["kind"] in kinds
        carers = {c["name"] for c in children[spec["child"]]["carers"] if c["parental_responsibility"]}
        assert spec.get("carer", next(iter(carers))) in carers
        for event in spec["events"]:
            assert event.get("heard_by", "zoe") in staff
            assert ConsentStatus(event["status"])
