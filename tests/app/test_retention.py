"""Retention through the core: the review queue and its states, keeping records past their period,
legal holds, and destruction of each kind of record (what goes, what stays, the log without
personal data, the audit chain, and nothing left in any decrypted page of the file or its WAL).

A real vault (cheap KDF) and the manual clock, which starts on Tuesday 1 September 2026; tests
move it years on to reach a child's 25th birthday. Fictional people only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from app.audit import AuditAction, AuditFilter
from app.children import (
    CarerDetails,
    ChildDetails,
    ContactDetails,
    Enrolment,
    ProfessionalDetails,
    VisitDetails,
)
from app.concerns import NewConcern
from app.consents import ConsentDetails, ConsentHow, ConsentStatus, KindCode
from app.errors import NotFound, PermissionDenied, ValidationError
from app.parent_contacts import ContactKind, NewParentContact
from app.policy.permissions import Role
from app.policy.retention import RecordKind
from app.policy.sharing_path import Answer, LawfulBasis, Question, SpecialCondition
from app.retention import ItemState, RetentionItem, counts_text, destructions, review_items
from app.session import Session
from app.settings import RETENTION
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
)
from app.vault.database import Database
from tests.app import sqlcipher_pages
from tests.conftest import VaultUnderTest

SAFEGUARDING, CHILD_RECORD, PARENT_CONTACT = (
    RecordKind.SAFEGUARDING,
    RecordKind.CHILD_RECORD,
    RecordKind.PARENT_CONTACT,
)
TODAY = date(2026, 9, 1)
SEEN = datetime(2026, 8, 20, 10, 0, tzinfo=UTC)
KEEP_REASON = "An insurance claim about an injury at nursery is still open."
HOLD_REASON = "Local safeguarding practice review under way"
WITH_CONSENT = {
    Question.PURPOSE: Answer.YES,
    Question.IDENTIFIABLE: Answer.YES,
    Question.CONFIDENTIAL: Answer.YES,
    Question.CHILD_AT_RISK: Answer.NO,
    Question.CONSENT: Answer.GIVEN,
}


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def move_to(made: VaultUnderTest, day: date) -> None:
    made.clock.set(at(day, 9))


def add_child(
    s: Session, name: str, born: str, started: str, left: str | None = None, *, known_as: str = ""
) -> int:
    child = s.children.add(
        ChildDetails(
            legal_name=name,
            known_as=known_as,
            date_of_birth=born,
            start_date=started,
            leaving_date=left,
            destination="Anytown Primary School" if left else "",
            address="4 Quiet Lane, Anytown",
            phone="01632 960 444",
            room="Acorns",
            medical_notes="Asthma: blue inhaler in the office.",
            additional_needs="Speech and language support.",
            attendance_pattern="Mornings",
            sex_gender="Girl",
            family_circumstances="Parents separated last year.",
        )
    )
    return int(child.id)


def concern(s: Session, child_id: int, facts: str, when: datetime = SEEN) -> int:
    return int(s.concerns.log(NewConcern(child_id, when, 1, facts)).id)


def decision(
    s: Session,
    child_ids: tuple[int, ...],
    *,
    concern_ids: tuple[int, ...] = (),
    carer_ids: tuple[int, ...] = (),
    professional_ids: tuple[int, ...] = (),
) -> int:
    """A finalised decision to share with consent, with advice, an item, a follow-up and a correction."""
    share = s.sharing.open(
        Intake(
            Direction.REQUEST,
            Channel.EMAIL,
            SEEN,
            child_ids,
            "Attendance this term",
            requester_org="Anytown Children's Social Care",
            requester_name="Αλέξανδρος Παπαδόπουλος",
            carer_ids=carer_ids,
            concern_ids=concern_ids,
            professional_ids=professional_ids,
        )
    ).id
    s.sharing.save_answers(share, WITH_CONSENT)
    s.sharing.record_advice(
        share, question=Question.PURPOSE, adviser="LADO", advice="Share the attendance", child_named=False
    )
    s.sharing.save_outcome(
        share,
        OutcomeDraft(
            reasons="To support the family.",
            recipient_name="Αλέξανδρος Παπαδόπουλος",
            recipient_org="Anytown Children's Social Care",
            shared_how="Secure email",
            secured_how="Encrypted",
            shared_on=SEEN.date(),
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            special_condition=SpecialCondition.SAFEGUARDING,
            family_told=FamilyTold.TOLD,
            items=(ChosenItem(f"child:{child_ids[0]}", Nature.FACT),),
        ),
    )
    s.sharing.finalise(share, [NewFollowUp(FollowUpKind.CONFIRM_RECEIPT, TODAY + timedelta(days=7))])
    s.sharing.amend(share, field="reasons", new_text="To support the family at home.", reason="Clearer")
    return int(share)


def count(s: Session, sql: str, *params: object) -> int:
    return int(s.context.database.scalar(sql, params))


def rows_in(s: Session, table: str, where: str = "", *params: object) -> int:
    """How many rows of ``table`` (a fixed name from the test) match ``where``."""
    return count(s, f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else ""), *params)  # noqa: S608


@dataclass
class World:
    s: Session
    lucja: int  # left in 2025; shares a decision and a mother with her sister
    zoe: int  # Łucja's sister, on roll
    alex: int  # left in 2022: the general record is due
    mother: int  # Anna Nowak, carer of both sisters
    father: int  # Piotr Nowak, carer of Łucja only
    grandmother: int  # Дарья Иванова, carer of Zoë only
    alex_carer: int
    lucja_concerns: tuple[int, int]
    zoe_concern: int
    shared: int  # names both sisters
    lucja_only: int


@pytest.fixture
def world(made_vault: VaultUnderTest) -> World:
    s = made_vault.session
    lucja = add_child(s, "Łucja Nowak", "2021-03-01", "2022-01-10", "2025-07-20", known_as="Lucy")
    zoe = add_child(s, "Zoë Nowak", "2023-02-03", "2024-01-08")
    alex = add_child(s, "Αλέξανδρος Γεωργίου", "2021-05-05", "2021-09-01", "2022-08-31")
    record = s.children.add_carer(lucja, CarerDetails("Anna Nowak", "Mother", True, True, "4 Quiet Lane"))
    mother = int(record.carers[0].id)
    record = s.children.add_carer(lucja, CarerDetails("Piotr Nowak", "Father", True, False, "9 Far Road"))
    father = next(int(c.id) for c in record.carers if c.full_name == "Piotr Nowak")
    s.children.link_carer(zoe, mother, relationship="Mother", parental_responsibility=True, lives_with=True)
    record = s.children.add_carer(zoe, CarerDetails("Дарья Иванова", "Grandmother", False, False))
    grandmother = next(int(c.id) for c in record.carers if c.full_name == "Дарья Иванова")
    s.children.set_withheld(lucja, mother, [father])  # the mother's address is not for the father
    record = s.children.add_carer(alex, CarerDetails("Ελένη Γεωργίου", "Mother", True, True))
    alex_carer = int(record.carers[0].id)
    for child in (lucja, zoe, alex):
        s.children.add_contact(child, ContactDetails("Aoife Byrne", "07700 900456", "Neighbour", True))
    professional = s.children.add_professional(
        lucja, ProfessionalDetails("Speech and language", "Kwame Mensah", "Therapist", from_date="2024-01-05")
    ).professionals[0]
    s.children.log_visit(lucja, VisitDetails("Ayşe Demir", "Health visiting", SEEN, "Two-year check", 1))
    first = concern(s, lucja, "Bruise on the left shin, about 2 cm.")
    s.concerns.amend(
        first, field="facts", new_text="Bruise on the right shin, about 2 cm.", reason="Wrong leg"
    )
    s.concerns.review(first, note="Talk to mum at pick-up.")
    s.concerns.add_action(first, description="Call the health visitor", assigned_to=1, due_date=TODAY)
    second = concern(s, lucja, "Arrived hungry three days running.")
    zoe_concern = concern(s, zoe, "Said her sister cried all night.")
    shared = decision(s, (lucja, zoe), concern_ids=(first, zoe_concern), carer_ids=(mother,))
    lucja_only = decision(s, (lucja,), concern_ids=(second,), professional_ids=(int(professional.id),))
    s.transfers.record_sent(lucja, receiving_setting="Anytown Primary", sent_how="By hand", sent_on=TODAY)
    declaration = next(k.id for k in s.consents.kinds() if k.code is KindCode.REGISTRATION)
    for child, carer in ((lucja, mother), (zoe, mother), (alex, alex_carer)):
        signed = ConsentDetails(
            ConsentStatus.GIVEN, date(2023, 9, 1), ConsentHow.SIGNED_FORM, form=b"%PDF-1.4 x"
        )
        s.consents.record(child, carer, declaration, signed)
    for child, when, about in (
        (alex, datetime(2019, 8, 20, 11, tzinfo=UTC), "Asked about places for next year."),
        (alex, datetime(2022, 1, 10, 11, tzinfo=UTC), "Asked about the nativity play."),
        (None, datetime(2019, 1, 15, 11, tzinfo=UTC), "Asked whether we take two-year-olds."),
        (lucja, datetime(2022, 3, 1, 11, tzinfo=UTC), "Asked about the trip."),
    ):
        s.parent_contacts.log(NewParentContact(when, ContactKind.CALL, about, who="Anna", child_id=child))
    return World(
        s,
        lucja,
        zoe,
        alex,
        mother,
        father,
        grandmother,
        alex_carer,
        (first, second),
        zoe_concern,
        shared,
        lucja_only,
    )


def item(items: list[RetentionItem], kind: RecordKind, child_id: int | None) -> RetentionItem:
    (found,) = [i for i in items if i.kind is kind and i.child_id == child_id]
    return found


def keys(items: list[RetentionItem]) -> set[tuple[RecordKind, int | None]]:
    return {i.key for i in items}


# --- the queue --------------------------------------------------------------------------------


def test_the_queue_today_holds_only_what_is_past_its_period(world: World) -> None:
    items = world.s.retention.queue()
    assert keys(items) == {(CHILD_RECORD, world.alex), (PARENT_CONTACT, world.alex), (PARENT_CONTACT, None)}
    general = item(items, CHILD_RECORD, world.alex)
    assert general.state is ItemState.DUE and general.child_name == "Αλέξανδρος Γεωργίου"
    assert general.due_on == date(2025, 8, 31) and general.left == date(2022, 8, 31)
    assert general.born == date(2021, 5, 5)
    assert general.counts == {
        "child_details": 1,
        "emergency_contacts": 1,
        "consents": 1,
        "scanned_forms": 1,
        "carers": 1,
    }
    assert general.records == 5
    notes = item(items, PARENT_CONTACT, world.alex)
    assert notes.counts == {"contacts": 1} and notes.due_on == date(2026, 8, 20)  # one of its two notes
    nobody = item(items, PARENT_CONTACT, None)
    assert nobody.child_name == "" and nobody.born is None and nobody.due_on == date(2026, 1, 15)
    assert [i.due_on for i in items] == sorted(i.due_on for i in items)
    assert world.s.retention.due_count() == 3
    assert (
        counts_text(general.counts)
        == "1 child's details, 1 emergency contact, 1 consent, 1 scanned form, 1 carer"
    )


def test_nobody_on_roll_has_a_general_record_item_and_no_accident_items_ever(
    made_vault: VaultUnderTest, world: World
) -> None:
    move_to(made_vault, date(2049, 6, 1))  # everyone is past 25; Zoë is still on roll
    items = world.s.retention.queue()
    assert (CHILD_RECORD, world.zoe) not in keys(items)
    assert (SAFEGUARDING, world.zoe) in keys(items)
    assert (CHILD_RECORD, world.lucja) in keys(items)
    assert not any(i.kind is RecordKind.ACCIDENT for i in items)
    # Alex has no safeguarding records: no item for him of that kind, whatever his age.
    assert (SAFEGUARDING, world.alex) not in keys(items)


def test_safeguarding_falls_due_on_the_25th_birthday(made_vault: VaultUnderTest, world: World) -> None:
    move_to(made_vault, date(2046, 2, 28))
    assert (SAFEGUARDING, world.lucja) not in keys(world.s.retention.queue())
    move_to(made_vault, date(2046, 3, 1))
    found = item(world.s.retention.queue(), SAFEGUARDING, world.lucja)
    assert found.due_on == date(2046, 3, 1) and found.child_name == "Łucja Nowak (Lucy)"
    assert found.counts == {
        "concerns": 2,
        "decisions": 1,
        "decision_links": 1,
        "transfers": 1,
        "professionals": 1,
        "visits": 1,
    }


def test_viewing_the_queue_is_audited_with_numbers_only(world: World) -> None:
    world.s.retention.queue()
    (entry,) = world.s.audit.entries(where=AuditFilter(action=AuditAction.RETENTION_QUEUE_VIEWED.value))
    assert json.loads(json.dumps(entry.detail)) == {"items": 3}
    before = count(world.s, "SELECT count(*) FROM audit_log")
    assert world.s.retention.due_count() == 3
    assert count(world.s, "SELECT count(*) FROM audit_log") == before  # the Home number is not audited


def test_changed_periods_change_the_queue(world: World) -> None:
    world.s.settings.update({RETENTION[CHILD_RECORD]: 12 * 10, RETENTION[PARENT_CONTACT]: 12 * 3})
    items = world.s.retention.queue()
    assert (CHILD_RECORD, world.alex) not in keys(items)  # ten years after leaving now
    notes = item(items, PARENT_CONTACT, world.alex)
    assert notes.counts == {"contacts": 2}  # both notes are over three years old
    assert (PARENT_CONTACT, world.lucja) in keys(items)


# --- keeping ----------------------------------------------------------------------------------


def test_keep_moves_an_item_to_kept_until_its_review_date(made_vault: VaultUnderTest, world: World) -> None:
    s = world.s
    s.retention.keep(CHILD_RECORD, world.alex, reason=KEEP_REASON, review_on=date(2027, 3, 1))
    kept = item(s.retention.queue(), CHILD_RECORD, world.alex)
    assert kept.state is ItemState.KEPT and kept.kept_reason == KEEP_REASON
    assert kept.kept_until == date(2027, 3, 1)
    assert s.retention.due_count() == 2
    (entry,) = s.audit.entries(where=AuditFilter(action=AuditAction.RETENTION_KEPT.value))
    assert (entry.subject_type, entry.subject_id) == ("child", str(world.alex))
    assert entry.detail == {"kind": "child_record", "review_on": "2027-03-01"}
    # The latest decision counts; when its review date comes the item is due again.
    s.retention.keep(
        CHILD_RECORD, world.alex, reason="Claim settled; look again soon.", review_on="2026-10-01"
    )
    assert item(s.retention.queue(), CHILD_RECORD, world.alex).kept_until == date(2026, 10, 1)
    move_to(made_vault, date(2026, 10, 1))
    again = item(s.retention.queue(), CHILD_RECORD, world.alex)
    assert again.state is ItemState.DUE and again.kept_reason == "" and again.kept_until is None
    # Notes about no child are kept the same way, with no child named in the audit log.
    s.retention.keep(PARENT_CONTACT, None, reason="Part of a complaint file.", review_on=date(2027, 1, 1))
    assert item(s.retention.queue(), PARENT_CONTACT, None).state is ItemState.KEPT
    last = s.audit.entries(where=AuditFilter(action=AuditAction.RETENTION_KEPT.value))[0]
    assert (last.subject_type, last.subject_id) == (None, None)


@pytest.mark.parametrize(
    ("reason", "review_on", "field", "words"),
    [
        ("", date(2027, 1, 1), "reason", "is needed"),
        ("   ", date(2027, 1, 1), "reason", "is needed"),
        ("x" * 1001, date(2027, 1, 1), "reason", "too long"),
        ("y" * 10_000, date(2027, 1, 1), "reason", "too long"),
        ("Claim open", None, "review_on", "is needed"),
        ("Claim open", "not a date", "review_on", "not a date"),
        ("Claim open", TODAY, "review_on", "after today"),
        ("Claim open", date(2020, 1, 1), "review_on", "after today"),
        ("Claim open", date(2036, 9, 2), "review_on", "10 years"),
    ],
)
def test_keep_refuses_bad_input_by_field(
    world: World, reason: str, review_on: object, field: str, words: str
) -> None:
    with pytest.raises(ValidationError, match=words) as refused:
        world.s.retention.keep(CHILD_RECORD, world.alex, reason=reason, review_on=review_on)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert count(world.s, "SELECT count(*) FROM retention_keep") == 0


def test_keep_accepts_ten_years_and_names_in_any_script(world: World) -> None:
    world.s.retention.keep(
        CHILD_RECORD, world.alex, reason="Zoë, Łucja, Дмитрий: staff to ask.", review_on=date(2036, 9, 1)
    )
    assert item(world.s.retention.queue(), CHILD_RECORD, world.alex).kept_reason.startswith("Zoë, Łucja")


def test_keep_refuses_an_item_that_is_not_past_its_period(world: World) -> None:
    for kind, child in ((CHILD_RECORD, world.zoe), (CHILD_RECORD, world.lucja), (SAFEGUARDING, world.lucja)):
        with pytest.raises(ValidationError, match="not past their retention period"):
            world.s.retention.keep(kind, child, reason="Just in case", review_on=date(2027, 1, 1))
    with pytest.raises(NotFound):
        world.s.retention.keep(CHILD_RECORD, 987654, reason="Just in case", review_on=date(2027, 1, 1))
    with pytest.raises(ValidationError) as refused:
        world.s.retention.keep("photos", world.alex, reason="x", review_on=date(2027, 1, 1))  # type: ignore[arg-type]
    assert refused.value.field == "kind"
    assert count(world.s, "SELECT count(*) FROM retention_keep") == 0


# --- legal holds ------------------------------------------------------------------------------


def test_a_hold_on_a_child_holds_their_items_and_lifting_releases_them(world: World) -> None:
    s = world.s
    hold = s.retention.place_hold(world.alex, reason=HOLD_REASON)
    assert hold.active and hold.child_name == "Αλέξανδρος Γεωργίου" and hold.placed_by == "Zoë Adams"
    items = s.retention.queue()
    assert item(items, CHILD_RECORD, world.alex).state is ItemState.HELD
    assert item(items, CHILD_RECORD, world.alex).hold_reason == HOLD_REASON
    assert item(items, PARENT_CONTACT, world.alex).state is ItemState.HELD
    assert item(items, PARENT_CONTACT, None).state is ItemState.DUE  # notes about no child are not his
    assert [i.state for i in items] == [ItemState.DUE, ItemState.HELD, ItemState.HELD]  # due first
    assert s.retention.due_count() == 1
    assert [h.id for h in s.retention.holds()] == [hold.id]
    placed = s.audit.entries(where=AuditFilter(action=AuditAction.LEGAL_HOLD_PLACED.value))[0]
    assert (placed.subject_type, placed.subject_id, placed.detail) == (
        "child",
        str(world.alex),
        {"hold": hold.id},
    )
    s.retention.lift_hold(hold.id, reason="The review has reported.")
    assert s.retention.holds() == []
    (lifted,) = s.retention.holds(include_lifted=True)
    assert (
        lifted.lifted_by == "Zoë Adams"
        and lifted.lift_reason == "The review has reported."
        and not lifted.active
    )
    assert item(s.retention.queue(), CHILD_RECORD, world.alex).state is ItemState.DUE
    with pytest.raises(ValidationError, match="already been lifted"):
        s.retention.lift_hold(hold.id, reason="Again")


def test_a_setting_wide_hold_holds_everything(world: World) -> None:
    s = world.s
    s.retention.keep(CHILD_RECORD, world.alex, reason=KEEP_REASON, review_on=date(2027, 3, 1))
    hold = s.retention.place_hold(None, reason="Public inquiry: keep every record")
    assert hold.child_id is None and hold.child_name == ""
    items = s.retention.queue()
    assert {i.state for i in items} == {ItemState.HELD}
    assert item(items, CHILD_RECORD, world.alex).kept_reason == KEEP_REASON  # still shown while held
    assert s.retention.due_count() == 0
    placed = s.audit.entries(where=AuditFilter(action=AuditAction.LEGAL_HOLD_PLACED.value))[0]
    assert (placed.subject_type, placed.subject_id) == (None, None)


def test_hold_and_lift_validation(world: World) -> None:
    s = world.s
    for reason in ("", "  ", "z" * 1001):
        with pytest.raises(ValidationError) as refused:
            s.retention.place_hold(world.alex, reason=reason)
        assert refused.value.field == "reason"
    with pytest.raises(NotFound):
        s.retention.place_hold(987654, reason=HOLD_REASON)
    hold = s.retention.place_hold(world.alex, reason=HOLD_REASON)
    with pytest.raises(ValidationError) as refused:
        s.retention.lift_hold(hold.id, reason="")
    assert refused.value.field == "reason"
    with pytest.raises(NotFound):
        s.retention.lift_hold(hold.id + 100, reason="Over")
    assert s.retention.holds()[0].active
    assert count(s, "SELECT count(*) FROM legal_hold") == 1


@pytest.mark.parametrize("setting_wide", [False, True])
def test_a_legal_hold_blocks_destruction_and_nothing_is_deleted(world: World, setting_wide: bool) -> None:
    s = world.s
    s.retention.place_hold(None if setting_wide else world.alex, reason=HOLD_REASON)
    tables = (
        "child",
        "carer",
        "consent",
        "consent_form",
        "emergency_contact",
        "parent_contact",
        "destruction",
    )
    before = {t: rows_in(s, t) for t in tables}
    audit_before = count(s, "SELECT count(*) FROM audit_log")
    for kind in (CHILD_RECORD, PARENT_CONTACT):
        with pytest.raises(ValidationError) as refused:
            s.retention.destroy(kind, world.alex)
        assert str(refused.value) == (
            f"These records are under a legal hold ({HOLD_REASON}). Nothing has been destroyed. "
            "Lift the hold first if the inquiry is over."
        )
    assert {t: rows_in(s, t) for t in tables} == before
    assert count(s, "SELECT count(*) FROM audit_log") == audit_before
    assert count(s, "SELECT count(*) FROM destruction_pass") == 0


# --- destroying -------------------------------------------------------------------------------


def test_destroying_a_general_record_when_nothing_else_is_held_removes_the_child(
    made_vault: VaultUnderTest, world: World
) -> None:
    s = world.s
    s.retention.destroy(PARENT_CONTACT, world.alex)  # the note that is due
    assert count(s, "SELECT count(*) FROM parent_contact WHERE child_id = ?", world.alex) == 1
    steps: list[tuple[int, int]] = []
    result = s.retention.destroy(
        CHILD_RECORD, world.alex, progress=lambda done, total: steps.append((done, total))
    )
    # Another note (not due) is still held: the row stays, blanked, with the marker.
    row = s.context.database.one("SELECT * FROM child WHERE id = ?", (world.alex,))
    assert row is not None and row["general_destroyed_at"] is not None
    assert (row["legal_name"], row["date_of_birth"], row["leaving_date"]) == (
        "Αλέξανδρος Γεωργίου",
        "2021-05-05",
        "2022-08-31",
    )
    assert row["address"] == row["medical_notes"] == row["family_circumstances"] == row["room"] == ""
    assert row["key_worker_id"] is None and row["destination"] == "" and row["sex_gender"] == ""
    assert count(s, "SELECT count(*) FROM carer WHERE id = ?", world.alex_carer) == 0
    assert count(s, "SELECT count(*) FROM consent WHERE child_id = ?", world.alex) == 0
    assert count(s, "SELECT count(*) FROM emergency_contact WHERE child_id = ?", world.alex) == 0
    assert result.entry.counts == {
        "child_details": 1,
        "emergency_contacts": 1,
        "consents": 1,
        "scanned_forms": 1,
        "carers": 1,
    }
    assert result.entry.records == 5 and result.entry.rule == "3 years after the child leaves"
    assert "gone within 12 months (by 1 September 2027)" in result.backups_note
    assert (
        steps[0] == (0, 7) and steps[-1] == (7, 7) and [d for d, _t in steps] == sorted(d for d, _t in steps)
    )
    # The general record does not come back, and the other children are untouched.
    assert (CHILD_RECORD, world.alex) not in keys(s.retention.queue())
    assert count(s, "SELECT count(*) FROM child WHERE id IN (?, ?)", world.lucja, world.zoe) == 2
    assert count(s, "SELECT count(*) FROM consent") == 2
    # Seven years after the second note, it is due; destroying it leaves nothing, so the child goes.
    move_to(made_vault, date(2029, 1, 11))
    s.retention.destroy(PARENT_CONTACT, world.alex)
    assert count(s, "SELECT count(*) FROM child WHERE id = ?", world.alex) == 0
    assert count(s, "SELECT count(*) FROM child_search WHERE rowid = ?", world.alex) == 0


def test_destroying_a_general_record_of_a_child_with_nothing_else_removes_the_row(world: World) -> None:
    s = world.s
    s.settings.update({RETENTION[PARENT_CONTACT]: 12})  # every note is a year old: all due
    s.retention.destroy(PARENT_CONTACT, world.alex)
    s.retention.keep(CHILD_RECORD, world.alex, reason=KEEP_REASON, review_on=date(2027, 1, 1))
    hold = s.retention.place_hold(world.alex, reason=HOLD_REASON)
    s.retention.lift_hold(hold.id, reason="Over")
    result = s.retention.destroy(CHILD_RECORD, world.alex)  # a kept item may still be destroyed
    assert result.entry.records == 5
    assert count(s, "SELECT count(*) FROM child WHERE id = ?", world.alex) == 0
    assert count(s, "SELECT count(*) FROM retention_keep") == 0
    assert count(s, "SELECT count(*) FROM legal_hold") == 0  # the lifted hold went with the child
    assert count(s, "SELECT count(*) FROM child_search WHERE rowid = ?", world.alex) == 0
    assert s.context.database.integrity_problems() == []


def test_destroying_the_general_record_keeps_shared_carers_and_the_safeguarding_file(
    made_vault: VaultUnderTest, world: World
) -> None:
    s = world.s
    with s.context.transaction() as tx:  # a subject access request about Łucja, as helper C records it
        request = tx.execute(
            "INSERT INTO sar_request (child_id, requester_name, carer_id, received_on, identity_checked, "
            "due_on, recorded_by, recorded_at) VALUES (?, 'Piotr Nowak', ?, '2026-08-01', 'Passport', "
            "'2026-09-01', 1, '2026-08-01T10:00:00+00:00')",
            (world.lucja, world.father),
        )
        tx.execute(
            "INSERT INTO sar_item (request_id, section, label, content) "
            "VALUES (?, 'record', 'Name', 'Łucja')",
            (request,),
        )
        tx.execute(
            "UPDATE sar_request SET status = 'released', released_on = '2026-08-20' WHERE id = ?", (request,)
        )
    move_to(made_vault, date(2028, 7, 20))
    result = s.retention.destroy(CHILD_RECORD, world.lucja)
    assert result.entry.counts == {
        "child_details": 1,
        "emergency_contacts": 1,
        "consents": 1,
        "scanned_forms": 1,
        "carers": 1,  # her father; her mother is her sister's carer too
        "subject_access": 1,
    }
    assert count(s, "SELECT count(*) FROM carer WHERE id = ?", world.father) == 0
    assert count(s, "SELECT count(*) FROM carer WHERE id = ?", world.mother) == 1
    assert count(s, "SELECT count(*) FROM child_carer WHERE child_id = ?", world.lucja) == 0
    assert count(s, "SELECT count(*) FROM child_carer WHERE child_id = ?", world.zoe) == 2
    assert count(s, "SELECT count(*) FROM carer_withheld") == 0  # the rule named her father
    assert count(s, "SELECT count(*) FROM sar_request") == count(s, "SELECT count(*) FROM sar_item") == 0
    # Her safeguarding file stays, identified by her name and dates; her sister's consent stays.
    assert count(s, "SELECT count(*) FROM concern WHERE child_id = ?", world.lucja) == 2
    assert count(s, "SELECT count(*) FROM consent WHERE child_id = ?", world.zoe) == 1
    row = s.context.database.one("SELECT * FROM child WHERE id = ?", (world.lucja,))
    assert (row["legal_name"], row["known_as"], row["start_date"]) == ("Łucja Nowak", "Lucy", "2022-01-10")
    assert row["phone"] == "" and row["attendance_pattern"] == "" and row["sessions_per_week"] == 0
    # Her search row keeps her names only; her father's name is no longer found.
    assert s.children.find(search="Piotr", enrolment=Enrolment.ALL) == []
    assert [c.id for c in s.children.find(search="Lucy", enrolment=Enrolment.ALL)] == [world.lucja]


def test_destroying_safeguarding_records_leaves_a_siblings_decision_until_the_last_child(
    made_vault: VaultUnderTest, world: World
) -> None:
    s = world.s
    assert {r.id for r in s.sharing.queue(search="Lucy", include_final=True)} == {
        world.shared,
        world.lucja_only,
    }
    move_to(made_vault, date(2046, 3, 1))
    s.retention.destroy(CHILD_RECORD, world.lucja)
    s.retention.destroy(PARENT_CONTACT, world.lucja)  # with these gone, her row goes with her file
    result = s.retention.destroy(SAFEGUARDING, world.lucja)
    assert result.entry.records == 7 and result.entry.rule == "Until the child is 25 years old"
    # Her own decision went whole; the sisters' decision stays for Zoë, without Łucja on it.
    assert count(s, "SELECT count(*) FROM share_request WHERE id = ?", world.lucja_only) == 0
    for table in ("share_child", "share_concern", "share_professional", "share_advice", "share_item"):
        assert rows_in(s, table, "request_id = ?", world.lucja_only) == 0
    for table in ("share_amendment", "share_followup", "share_carer"):
        assert rows_in(s, table, "request_id = ?", world.lucja_only) == 0
    assert count(s, "SELECT count(*) FROM share_search WHERE rowid = ?", world.lucja_only) == 0
    shared = s.sharing.get(world.shared)
    assert [c.id for c in shared.children] == [world.zoe]
    assert count(s, "SELECT count(*) FROM share_concern WHERE request_id = ?", world.shared) == 1  # Zoë's
    assert count(s, "SELECT count(*) FROM share_amendment WHERE request_id = ?", world.shared) == 1
    # Every safeguarding record of Łucja is gone; Zoë's are untouched; Łucja's row went with them.
    for table in ("concern", "child_transfer", "professional", "agency_visit", "share_child"):
        assert rows_in(s, table, "child_id = ?", world.lucja) == 0
    for table in ("concern_amendment", "concern_review", "concern_action"):
        assert rows_in(s, table) == 0  # only Łucja's first concern had them
    assert count(s, "SELECT count(*) FROM concern_search WHERE rowid IN (?, ?)", *world.lucja_concerns) == 0
    assert count(s, "SELECT count(*) FROM concern WHERE child_id = ?", world.zoe) == 1
    assert count(s, "SELECT count(*) FROM child WHERE id = ?", world.lucja) == 0
    assert s.sharing.queue(search="Lucy", include_final=True) == []
    # Zoë's 25th birthday: the last child on the decision goes, and the decision with her.
    move_to(made_vault, date(2048, 2, 3))
    s.retention.destroy(SAFEGUARDING, world.zoe)
    assert count(s, "SELECT count(*) FROM share_request") == 0
    for table in (
        "share_child",
        "share_carer",
        "share_concern",
        "share_advice",
        "share_item",
        "share_amendment",
    ):
        assert rows_in(s, table) == 0
    assert count(s, "SELECT count(*) FROM share_followup") == 0
    assert count(s, "SELECT count(*) FROM child WHERE id = ?", world.zoe) == 1  # on roll: her record stays
    assert s.context.database.integrity_problems() == []


def test_destroying_parent_contact_notes_removes_only_those_due(world: World) -> None:
    s = world.s
    result = s.retention.destroy(PARENT_CONTACT, None)
    assert result.entry.counts == {"contacts": 1} and result.entry.rule == "7 years after it was written"
    assert count(s, "SELECT count(*) FROM parent_contact WHERE child_id IS NULL") == 0
    assert count(s, "SELECT count(*) FROM parent_contact") == 3
    assert (PARENT_CONTACT, None) not in keys(s.retention.queue())


def test_destroying_what_is_not_due_is_refused_and_changes_nothing(world: World) -> None:
    s = world.s
    audit_before = count(s, "SELECT count(*) FROM audit_log")
    for kind, child in (
        (CHILD_RECORD, world.zoe),
        (SAFEGUARDING, world.lucja),
        (RecordKind.ACCIDENT, world.alex),
    ):
        with pytest.raises(ValidationError, match="not past their retention period"):
            s.retention.destroy(kind, child)
    with pytest.raises(NotFound):
        s.retention.destroy(CHILD_RECORD, 987654)
    assert count(s, "SELECT count(*) FROM audit_log") == audit_before
    assert count(s, "SELECT count(*) FROM destruction") == 0


def test_the_destruction_log_and_its_audit_entry_hold_no_name_or_child_id(world: World) -> None:
    s = world.s
    result = s.retention.destroy(CHILD_RECORD, world.alex)
    row = s.context.database.one("SELECT * FROM destruction WHERE id = ?", (result.entry.id,))
    stored = " ".join(str(value) for value in tuple(row))
    for word in ("Αλέξανδρος", "Γεωργίου", "Ελένη", "Aoife", "Anytown"):
        assert word not in stored
    assert set(json.loads(row["detail"])) <= {
        "child_details",
        "emergency_contacts",
        "consents",
        "scanned_forms",
        "carers",
    }
    assert row["kind"] == "child_record" and row["records"] == 5
    (entry,) = s.audit.entries(where=AuditFilter(action=AuditAction.RECORDS_DESTROYED.value))
    assert (entry.subject_type, entry.subject_id) == ("destruction", str(result.entry.id))
    assert entry.detail == {"kind": "child_record", "records": 5}
    assert str(world.alex) not in json.dumps(entry.detail)
    assert s.audit.verify().ok
    # The log cannot be rewritten.
    with pytest.raises(Exception, match="never rewritten"), s.context.transaction() as tx:
        tx.execute("DELETE FROM destruction")
    # It reads back by year, newest first, and for the annual review pack without a session call.
    assert [e.id for e in s.retention.destructions(2026)] == [result.entry.id]
    assert s.retention.destructions(2025) == []
    assert destructions(s.context.database, date(2026, 9, 1), date(2026, 9, 1))[0].destroyed_by == "Zoë Adams"
    assert review_items(s.context.database, s.settings.retention_rules(), TODAY) == s.retention.queue()


def test_only_the_manager_manages_retention(made_vault: VaultUnderTest, world: World) -> None:
    made_vault.add_person("siobhán", "Siobhán Ní Bhriain", {Role.DSL}, "copper violin garden")
    made_vault.session.close()
    dsl = made_vault.vault.sign_in("siobhán", "copper violin garden")
    for call in (
        dsl.retention.queue,
        dsl.retention.due_count,
        dsl.retention.holds,
        dsl.retention.backups_note,
        lambda: dsl.retention.destroy(CHILD_RECORD, world.alex),
        lambda: dsl.retention.place_hold(None, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    dsl.close()


# --- nothing left in the file ------------------------------------------------------------------

SENTINEL = "Ŝentinel-Qwxz-7731"
SCAN_SENTINEL = "Ŝcanned-Jvkq-4419"


def needles(sentinel: str) -> list[bytes]:
    """The sentinel as written, its first 8 characters, and (for text the search indexes hold)
    its distinctive word as they fold it: lower case, no accents."""
    found = [sentinel.encode(), sentinel[:8].encode()]
    if sentinel == SENTINEL:  # the scan's bytes are in no search index
        found.append(sentinel.split("-")[1].lower().encode())
    return found


def test_destroyed_data_is_absent_from_every_decrypted_page_after_vacuum(
    made_vault: VaultUnderTest, world: World
) -> None:
    s = world.s
    db = s.context.database
    key = s.context.keys.data_key
    path = db.path
    child = add_child(s, "Saoirse Ní Bhriain", "2010-04-04", "2011-01-10", "2013-07-19")
    carer = int(
        s.children.add_carer(child, CarerDetails(f"Róisín {SENTINEL}", "Mother", True, True)).carers[0].id
    )
    concern(s, child, f"Told us at drop-off: {SENTINEL} was shouting at home.", at(date(2012, 5, 1)))
    declaration = next(k.id for k in s.consents.kinds() if k.code is KindCode.REGISTRATION)
    scan = b"%PDF-1.4\n% " + SCAN_SENTINEL.encode() + b"\n" + b"signature strokes " * 40
    s.consents.record(
        child,
        carer,
        declaration,
        ConsentDetails(ConsentStatus.GIVEN, date(2010, 12, 1), ConsentHow.SIGNED_FORM, form=scan),
    )
    # The decryptor works: the sentinels are there, first in the WAL, then in the file.
    for needle in [*needles(SENTINEL), *needles(SCAN_SENTINEL)]:
        assert any(needle in page for page in sqlcipher_pages.wal_pages(path, key)), needle
    db.checkpoint()
    for needle in [*needles(SENTINEL), *needles(SCAN_SENTINEL)]:
        assert any(needle in page for page in sqlcipher_pages.database_pages(path, key)), needle
    s.settings.update({RETENTION[SAFEGUARDING]: 12})  # her safeguarding file is due too
    s.retention.destroy(SAFEGUARDING, child)
    s.retention.destroy(CHILD_RECORD, child)
    assert count(s, "SELECT count(*) FROM child WHERE id = ?", child) == 0
    for needle in [*needles(SENTINEL), *needles(SCAN_SENTINEL)]:
        assert sqlcipher_pages.pages_holding(path, key, needle) == [], needle
    # Everything else is still readable, and the other children are as they were.
    assert db.integrity_problems() == []
    assert count(s, "SELECT count(*) FROM child") == 3
    assert s.audit.verify().ok


def test_a_carer_who_asked_about_another_child_is_kept_with_that_request(world: World) -> None:
    """Deleting her would rewrite a released subject access request about another child."""
    s = world.s
    with s.context.transaction() as tx:
        request = tx.execute(
            "INSERT INTO sar_request (child_id, requester_name, carer_id, received_on, identity_checked, "
            "due_on, recorded_by, recorded_at) VALUES (?, 'Ελένη Γεωργίου', ?, '2026-08-01', 'Passport', "
            "'2026-09-01', 1, '2026-08-01T10:00:00+00:00')",
            (world.zoe, world.alex_carer),
        )
        tx.execute(
            "UPDATE sar_request SET status = 'released', released_on = '2026-08-20' WHERE id = ?", (request,)
        )
    assert "carers" not in item(s.retention.queue(), CHILD_RECORD, world.alex).counts
    result = s.retention.destroy(CHILD_RECORD, world.alex)
    assert "carers" not in result.entry.counts
    assert rows_in(s, "carer", "id = ?", world.alex_carer) == 1
    assert rows_in(s, "sar_request", "id = ? AND carer_id = ?", request, world.alex_carer) == 1


# --- the Home line and an interrupted vacuum ------------------------------------------------------


def test_home_reminds_the_manager_of_what_is_due_in_numbers_only(world: World) -> None:
    (line,) = world.s.retention.reminders()
    assert line.overdue and line.text.startswith("Retention: 3 sets of records are past the period")
    assert "Γεωργίου" not in line.text and "Anna" not in line.text
    for kind, child in ((CHILD_RECORD, world.alex), (PARENT_CONTACT, world.alex), (PARENT_CONTACT, None)):
        world.s.retention.keep(kind, child, reason=KEEP_REASON, review_on=date(2027, 3, 1))
    assert world.s.retention.reminders() == []


def test_a_destruction_stopped_before_its_vacuum_is_vacuumed_at_the_next_sign_in(
    made_vault: VaultUnderTest, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen can lock (closing the database) between the commit and the VACUUM: the deleted
    pages are zeroed already, and the next opening of the vault finishes the job."""
    s = world.s
    words = "Asked whether we take two-year-olds."  # the 2019 note about no child, due now
    path, key = s.context.database.path, s.context.keys.data_key
    s.context.database.checkpoint()
    assert sqlcipher_pages.pages_holding(path, key, words.encode()) != []

    def power_cut(_database: object) -> None:
        raise RuntimeError("the program stopped here")

    monkeypatch.setattr(Database, "vacuum", power_cut)
    with pytest.raises(RuntimeError):
        s.retention.destroy(PARENT_CONTACT, None)
    monkeypatch.undo()
    assert count(s, "SELECT count(*) FROM vault_meta WHERE key = 'vacuum_pending'") == 1
    assert count(s, "SELECT count(*) FROM parent_contact WHERE child_id IS NULL") == 0  # committed
    s.close()
    again = made_vault.sign_in()
    assert count(again, "SELECT count(*) FROM vault_meta WHERE key = 'vacuum_pending'") == 0
    assert sqlcipher_pages.pages_holding(path, key, words.encode()) == []
    assert again.audit.verify().ok
