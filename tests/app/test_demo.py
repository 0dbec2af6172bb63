"""The demo vault: the fictional staff of resources/demo/setting.json, job titles included, and the
fictional children of resources/demo/children.json with a year of records in every state.

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
from app.clock import ManualClock
from app.concerns import ConcernStatus
from app.demo import create_demo_vault, demo_accounts, demo_children
from app.policy.permissions import Role
from app.reports import fonts
from app.session import Session
from app.settings import DEMO_VAULT
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
    yield Demo(made.folder, vault, session, children)
    session.close()
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
        assert child.leaving_date is None or child.leaving_date > today
    assert sum(1 for c in demo.children if c.leaving_date) >= 1


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
    for name in ("setting.json", "children.json"):
        text = resources.files("resources").joinpath(f"demo/{name}").read_text("utf-8")
        found = PHONE_LIKE.findall(text)
        assert found
        assert all(DRAMA.fullmatch(n.strip()) for n in found), [n for n in found if not DRAMA.fullmatch(n)]
    emails = [c.email for child in demo.children for c in child.carers if c.email]
    assert emails and all(e.endswith("@example.com") for e in emails)


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
