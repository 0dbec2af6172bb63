"""Children's records in the core: every rule of the record, carers, contacts, professionals, visits,
search and who may see or change what. Fictional people only."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from app import names
from app.children import (
    CarerDetails,
    ChildDetails,
    ContactDetails,
    DuplicateChild,
    Enrolment,
    ProfessionalDetails,
    VisitDetails,
    redact_for,
)
from app.errors import NotFound, PermissionDenied, ValidationError
from app.policy.permissions import Role
from app.session import Session
from tests.conftest import VaultUnderTest

KW_PASSWORD = "copper violin garden"


def details(**changes: object) -> ChildDetails:
    base = ChildDetails(legal_name="Zoë Okafor", date_of_birth="2023-03-01", start_date="2025-09-01")
    return replace(base, **changes)  # type: ignore[arg-type]


def key_worker(made: VaultUnderTest, username: str = "siobhán", name: str = "Siobhán Ní Bhriain") -> int:
    return made.add_person(username, name, {Role.KEY_WORKER}, KW_PASSWORD)


def as_person(made: VaultUnderTest, username: str) -> Session:
    made.session.close()
    return made.vault.sign_in(username, KW_PASSWORD)


# --- the record -------------------------------------------------------------------------------


def test_a_child_round_trips_every_field(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    kw = key_worker(made_vault)
    s = made_vault.session
    note = "Allergic to peanuts (EpiPen in the office).\n" + "x" * 9_950
    child = s.children.add(
        ChildDetails(
            legal_name="Nguyễn Thị Mai",
            known_as="Mai",
            date_of_birth=date(2022, 7, 14),
            start_date=date(2025, 1, 6),
            sex_gender="Girl",
            address="12 Example Road\nAnytown",
            phone="01632 960 321",
            leaving_date=date(2026, 12, 18),
            destination="Anytown Primary School",
            room="Oak",
            key_worker_id=kw,
            additional_needs="Speech and language support",
            medical_notes=note,
            family_circumstances="Mum works nights; grandmother collects.",
            sessions_per_week=6,
            attendance_pattern="Mon–Wed mornings",
        )
    )
    got = s.children.get(child.id)
    assert got.legal_name == "Nguyễn Thị Mai" and got.name == "Mai"
    assert got.date_of_birth == date(2022, 7, 14) and got.leaving_date == date(2026, 12, 18)
    assert got.key_worker_name == "Siobhán Ní Bhriain"
    assert got.medical_notes == note  # a 10,000-character note is kept whole
    assert got.family_circumstances == "Mum works nights; grandmother collects."
    assert got.sessions_per_week == 6 and got.attendance_pattern == "Mon–Wed mornings"
    assert got.may_edit and got.may_see_family


def test_names_are_normalised_so_the_same_name_is_the_same(made_vault: VaultUnderTest) -> None:
    decomposed = "Zoe\u0308 Okafor"  # e + combining diaeresis
    child = made_vault.session.children.add(details(legal_name=decomposed))
    assert child.legal_name == "Zoë Okafor"
    with pytest.raises(DuplicateChild):
        made_vault.session.children.add(details())


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"legal_name": "   "}, "legal_name", "needed"),
        ({"legal_name": "Zoë\nOkafor"}, "legal_name", "line breaks"),
        ({"date_of_birth": "2026-09-02"}, "date_of_birth", "future"),
        ({"date_of_birth": "2001-01-01"}, "date_of_birth", "older than 18"),
        ({"date_of_birth": "31/02/2023"}, "date_of_birth", "not a date"),
        ({"date_of_birth": None}, "date_of_birth", "needed"),
        ({"start_date": "2022-01-01"}, "start_date", "before the date of birth"),
        ({"start_date": "2028-01-01"}, "start_date", "more than a year"),
        ({"leaving_date": "2025-08-01"}, "leaving_date", "before the start date"),
        ({"destination": "Anytown Primary"}, "leaving_date", "leaving date"),
        ({"sessions_per_week": 40}, "sessions_per_week", "between 0 and 15"),
        ({"medical_notes": "x" * 20_001}, "medical_notes", "too long"),
        ({"key_worker_id": 999}, "key_worker_id", "current staff"),
    ],
)
def test_bad_input_gets_a_sentence_naming_the_field_and_saves_nothing(
    made_vault: VaultUnderTest, changes: dict[str, object], field: str, words: str
) -> None:
    s = made_vault.session
    before = s.context.database.scalar("SELECT count(*) FROM child")
    with pytest.raises(ValidationError) as refused:
        s.children.add(details(**changes))
    assert refused.value.field == field
    assert words in refused.value.sentence
    assert s.context.database.scalar("SELECT count(*) FROM child") == before


def test_key_worker_must_have_the_key_worker_role(made_vault: VaultUnderTest) -> None:
    reviewer = made_vault.add_person("αλέξανδρος", "Αλέξανδρος Παπαδόπουλος", {Role.REVIEWER}, KW_PASSWORD)
    with pytest.raises(ValidationError, match="key worker role"):
        made_vault.session.children.add(details(key_worker_id=reviewer))


def test_duplicate_child_is_a_warning_that_can_be_overridden(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    first = s.children.add(details())
    with pytest.raises(DuplicateChild, match="save again"):
        s.children.add(details(legal_name="zoë okafor"))
    twin = s.children.add(details(known_as="Twin"), allow_duplicate=True)
    assert twin.id != first.id
    # Editing one into the other's name and birthday warns too.
    other = s.children.add(details(legal_name="Łucja Nowak"))
    with pytest.raises(DuplicateChild):
        s.children.update(other.id, details())


def test_update_records_changed_field_names_not_values(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child = s.children.add(details())
    s.children.update(child.id, details(room="Saplings", phone="01632 960 999"))
    entry = s.audit.entries(limit=1)[0]
    assert entry.action == "child.changed"
    assert entry.detail == {"fields": ["phone", "room"]}
    assert "01632" not in str(entry.detail)


def test_opening_a_record_is_audited(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child = s.children.add(details())
    s.children.get(child.id)
    entry = s.audit.entries(limit=1)[0]
    assert (entry.action, entry.subject_type, entry.subject_id) == ("child.viewed", "child", str(child.id))
    with pytest.raises(NotFound):
        s.children.get(9999)


def test_names_are_not_readable_in_the_database_file(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child = s.children.add(details(legal_name="Sentinelka Quuxova"))
    s.children.add_carer(child.id, CarerDetails("Carerowa Sentinelova", "Mother", True, True))
    s.context.database.checkpoint()
    for path in made_vault.folder.iterdir():
        if path.is_file():
            data = path.read_bytes()
            assert b"Sentinel" not in data and b"sentinel" not in data, path.name
            assert not data.startswith(b"SQLite format 3")


# --- search, filters, order -------------------------------------------------------------------

PEOPLE = [
    ("Zoë Okafor", ""),
    ("Łucja Nowak", "Lucy"),
    ("Siobhán Ní Bhriain", ""),
    ("Nguyễn Văn An", "An"),
    ("Дмитрий Соколов", "Дима"),
    ("Αλέξανδρος Παπαδόπουλος", ""),
    ("Aoife Byrne", ""),
]


@pytest.fixture
def register(made_vault: VaultUnderTest) -> dict[str, int]:
    s = made_vault.session
    ids = {}
    for legal, known in PEOPLE:
        ids[legal] = int(s.children.add(details(legal_name=legal, known_as=known)).id)
    return ids


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("zoe", {"Zoë Okafor"}),
        ("ZOË", {"Zoë Okafor"}),
        ("lucja", {"Łucja Nowak"}),
        ("łuc", {"Łucja Nowak"}),
        ("lucy", {"Łucja Nowak"}),
        ("siobhan ni", {"Siobhán Ní Bhriain"}),
        ("nguyen", {"Nguyễn Văn An"}),
        ("дмит", {"Дмитрий Соколов"}),
        ("ДМИТРИЙ", {"Дмитрий Соколов"}),
        ("αλεξ", {"Αλέξανδρος Παπαδόπουλος"}),
        ("o", {"Zoë Okafor"}),
        ("nobody", set()),
        ('"', set()),
        ("a* OR b", set()),
        ("NEAR(", set()),
    ],
)
def test_search_as_you_type_folds_case_and_accents_in_every_script(
    made_vault: VaultUnderTest, register: dict[str, int], typed: str, found: set[str]
) -> None:
    assert {c.legal_name for c in made_vault.session.children.find(search=typed)} == found


def test_search_finds_a_child_by_a_carers_name(made_vault: VaultUnderTest, register: dict[str, int]) -> None:
    s = made_vault.session
    s.children.add_carer(register["Aoife Byrne"], CarerDetails("Kwame Mensah", "Stepfather", False, True))
    assert [c.legal_name for c in s.children.find(search="kwame")] == ["Aoife Byrne"]


def test_list_is_sorted_ignoring_accents_and_case(
    made_vault: VaultUnderTest, register: dict[str, int]
) -> None:
    shown = [c.known_as or c.legal_name for c in made_vault.session.children.find()]
    assert shown == sorted(shown, key=names.sort_key)
    assert shown.index("Zoë Okafor") == len([n for n in shown if names.fold(n) < "zoe"])


def test_filters_on_roll_left_key_worker_and_room(made_vault: VaultUnderTest) -> None:
    kw = key_worker(made_vault)
    s = made_vault.session
    s.children.add(details(legal_name="Aoife Byrne", room="Oak", key_worker_id=kw))
    s.children.add(details(legal_name="Chloé Martin", room="Acorns", leaving_date="2026-07-17"))
    s.children.add(details(legal_name="Søren Berg", room="Acorns", leaving_date="2026-12-18"))

    def legal(**kwargs: object) -> list[str]:
        return [c.legal_name for c in s.children.find(**kwargs)]  # type: ignore[arg-type]

    assert legal() == ["Aoife Byrne", "Søren Berg"]  # leaving later this year: still on roll
    assert legal(enrolment=Enrolment.LEFT) == ["Chloé Martin"]
    assert legal(enrolment="left") == ["Chloé Martin"]  # the value a combo box hands back
    with pytest.raises(ValidationError):
        legal(enrolment="gone")
    assert len(legal(enrolment=Enrolment.ALL)) == 3
    assert legal(key_worker_id=kw) == ["Aoife Byrne"]
    assert legal(room="Acorns", enrolment=Enrolment.ALL) == ["Chloé Martin", "Søren Berg"]
    assert s.children.rooms() == ["Acorns", "Oak"]
    made_vault.clock.set(datetime(2026, 12, 19, 9, 0, tzinfo=UTC))
    assert legal() == ["Aoife Byrne"]


# --- who may do what --------------------------------------------------------------------------


def test_key_worker_edits_own_key_children_only(made_vault: VaultUnderTest) -> None:
    me = key_worker(made_vault)
    other = key_worker(made_vault, "lan", "Nguyễn Thị Lan")
    s = made_vault.session
    mine = s.children.add(details(legal_name="Aoife Byrne", key_worker_id=me, family_circumstances="Private"))
    theirs = s.children.add(details(legal_name="Chloé Martin", key_worker_id=other))
    kw = as_person(made_vault, "siobhán")
    assert kw.children.get(mine.id).may_edit and not kw.children.get(theirs.id).may_edit
    kw.children.update(mine.id, details(legal_name="Aoife Byrne", key_worker_id=me, room="Oak"))
    with pytest.raises(PermissionDenied, match="own key children"):
        kw.children.update(theirs.id, details(legal_name="Chloé Martin", key_worker_id=other))
    with pytest.raises(PermissionDenied, match="own key children"):
        kw.children.add_contact(theirs.id, ContactDetails("Aoife Byrne", "07700 900111"))
    with pytest.raises(ValidationError, match="manager or DSL"):
        kw.children.update(mine.id, details(legal_name="Aoife Byrne", key_worker_id=other))
    with pytest.raises(PermissionDenied, match="manager or DSL can add"):
        kw.children.add(details(legal_name="Kwame Mensah", key_worker_id=me))


def test_family_circumstances_are_for_the_manager_and_dsl_only(made_vault: VaultUnderTest) -> None:
    me = key_worker(made_vault)
    s = made_vault.session
    child = s.children.add(details(key_worker_id=me, family_circumstances="Parents separating."))
    kw = as_person(made_vault, "siobhán")
    seen = kw.children.get(child.id)
    assert seen.family_circumstances is None and not seen.may_see_family
    with pytest.raises(PermissionDenied):
        kw.children.update(child.id, details(key_worker_id=me, family_circumstances="Changed"))
    kw.children.update(child.id, details(key_worker_id=me, room="Oak"))  # None: left as it was
    kw.close()
    manager = made_vault.sign_in()
    assert manager.children.get(child.id).family_circumstances == "Parents separating."


# --- carers -----------------------------------------------------------------------------------


def test_siblings_share_one_carer_record(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    older = s.children.add(details(legal_name="Kwame Mensah", date_of_birth="2021-05-01"))
    younger = s.children.add(details(legal_name="Ama Mensah", date_of_birth="2023-10-01"))
    older = s.children.add_carer(
        older.id, CarerDetails("Efua Mensah", "Mother", True, True, phone="07700 900001")
    )
    mum = older.carers[0]
    assert [m.full_name for m in s.children.find_carers("efua")] == ["Efua Mensah"]
    younger = s.children.link_carer(
        younger.id, mum.id, relationship="Mother", parental_responsibility=True, lives_with=True
    )
    assert younger.carers[0].id == mum.id and younger.carers[0].other_children == 1
    s.children.update_carer(
        younger.id, mum.id, CarerDetails("Efua Mensah", "Mother", True, True, phone="07700 900002")
    )
    assert s.children.get(older.id).carers[0].phone == "07700 900002"
    with pytest.raises(ValidationError, match="already on this child"):
        s.children.link_carer(
            younger.id, mum.id, relationship="Mother", parental_responsibility=True, lives_with=True
        )


def test_deleting_a_carer_of_two_children_is_refused_and_removing_keeps_them(
    made_vault: VaultUnderTest,
) -> None:
    s = made_vault.session
    a = s.children.add_carer(
        s.children.add(details(legal_name="Kwame Mensah")).id,
        CarerDetails("Efua Mensah", "Mother", True, True),
    )
    b = s.children.add(details(legal_name="Ama Mensah"))
    mum = a.carers[0].id
    s.children.link_carer(b.id, mum, relationship="Mother", parental_responsibility=True, lives_with=True)
    with pytest.raises(ValidationError, match="also linked to 1 other child") as refused:
        s.children.delete_carer(a.id, mum)
    assert refused.value.field == "carer"
    assert len(s.children.get(a.id).carers) == 1
    after = s.children.remove_carer(a.id, mum)
    assert after.carers == ()
    assert [c.full_name for c in s.children.get(b.id).carers] == ["Efua Mensah"]
    removed = [e for e in s.audit.entries(limit=5) if e.action == "child.carer_removed"]
    assert removed[0].detail == {"carer": mum, "details_kept": True}
    # The last child: removing deletes the details, and search no longer finds them.
    s.children.remove_carer(b.id, mum)
    assert s.children.find_carers("efua") == []
    assert s.context.database.scalar("SELECT count(*) FROM carer") == 0


def test_withheld_details_are_hidden_from_the_other_carer_and_from_key_workers(
    made_vault: VaultUnderTest,
) -> None:
    me = key_worker(made_vault)
    s = made_vault.session
    child = s.children.add(details(key_worker_id=me))
    child = s.children.add_carer(
        child.id, CarerDetails("Anna Nowak", "Mother", True, True, "1 Safe Street", "07700 900010")
    )
    child = s.children.add_carer(child.id, CarerDetails("Piotr Nowak", "Father", True, False, "9 Other Road"))
    mum, dad = child.carers
    with pytest.raises(ValidationError, match="themselves"):
        s.children.set_withheld(child.id, mum.id, [mum.id])
    child = s.children.set_withheld(child.id, mum.id, [dad.id])
    for_dad = {c.full_name: c for c in redact_for(child.carers, dad.id)}
    assert for_dad["Anna Nowak"].address == "" and for_dad["Anna Nowak"].phone == ""
    assert for_dad["Piotr Nowak"].address == "9 Other Road"
    for_mum = {c.full_name: c for c in s.children.carers_for(child.id, mum.id)}
    assert for_mum["Anna Nowak"].address == "1 Safe Street"  # her own details on her own form
    assert {c.address for c in s.children.carers_for(child.id, None)} == {"", "9 Other Road"}
    kw = as_person(made_vault, "siobhán")
    seen = {c.full_name: c for c in kw.children.get(child.id).carers}
    assert seen["Anna Nowak"].address == "" and seen["Anna Nowak"].contact_withheld
    with pytest.raises(PermissionDenied):
        kw.children.set_withheld(child.id, mum.id, [])
    # A key worker editing the withheld carer cannot erase what they cannot see.
    kw.children.update_carer(child.id, mum.id, CarerDetails("Anna Nowak", "Mother", True, True))
    with pytest.raises(ValidationError, match="withheld"):
        kw.children.update_carer(
            child.id, mum.id, CarerDetails("Anna Nowak", "Mother", True, True, "elsewhere")
        )
    kw.close()
    manager = made_vault.sign_in()
    assert manager.children.get(child.id).carers[0].address == "1 Safe Street"


# --- contacts, professionals, visits ----------------------------------------------------------


def test_fewer_than_two_emergency_contacts_warns(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child = s.children.add(details())
    assert any("emergency contact" in w for w in child.warnings)
    child = s.children.add_contact(
        child.id, ContactDetails("Aoife Byrne", "07700 900111", "Aunt", may_collect=True)
    )
    assert any("Only 1 emergency contact" in w for w in child.warnings)
    child = s.children.add_contact(child.id, ContactDetails("Søren Berg", "07700 900222"))
    assert not any("emergency contact" in w for w in child.warnings)
    assert [(c.full_name, c.may_collect) for c in child.contacts] == [
        ("Aoife Byrne", True),
        ("Søren Berg", False),
    ]
    with pytest.raises(ValidationError) as refused:
        s.children.add_contact(child.id, ContactDetails("Kwame Mensah", ""))
    assert refused.value.field == "phone"
    child = s.children.remove_contact(child.id, child.contacts[0].id)
    assert len(child.contacts) == 1


def test_professionals_have_sensible_dates(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child = s.children.add(details())
    with pytest.raises(ValidationError, match="before"):
        s.children.add_professional(
            child.id,
            ProfessionalDetails(
                "Social care", "Дмитрий Соколов", from_date="2026-05-01", to_date="2026-04-01"
            ),
        )
    child = s.children.add_professional(
        child.id, ProfessionalDetails("Social care", "Дмитрий Соколов", "Social worker")
    )
    p = child.professionals[0]
    child = s.children.update_professional(
        child.id,
        p.id,
        ProfessionalDetails("Social care", "Дмитрий Соколов", "Social worker", to_date="2026-08-01"),
    )
    assert child.professionals[0].to_date == date(2026, 8, 1)


def test_a_visit_always_names_who_supervised(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child = s.children.add(details())
    when = made_vault.clock.now() - timedelta(hours=2)
    with pytest.raises(ValidationError, match="never left alone") as refused:
        s.children.log_visit(child.id, VisitDetails("Ayşe Demir", "Health visiting", when, "Check", None))
    assert refused.value.field == "supervised_by"
    with pytest.raises(ValidationError, match="future"):
        s.children.log_visit(
            child.id,
            VisitDetails("Ayşe Demir", "Health visiting", when + timedelta(days=1), "Check", s.me.id),
        )
    with pytest.raises(ValidationError, match="time zone"):
        s.children.log_visit(
            child.id, VisitDetails("Ayşe Demir", "Health", when.replace(tzinfo=None), "Check", s.me.id)
        )
    child = s.children.log_visit(
        child.id, VisitDetails("Ayşe Demir", "Health visiting", when, "Two-year check", s.me.id)
    )
    assert child.visits[0].supervisor_name == s.me.full_name and child.visits[0].visited_at == when
