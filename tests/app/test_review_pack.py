"""The annual review pack's figures: small numbers, names kept out of free text, and each section
counted from a small vault built through the services. Fictional people only, in several scripts.

The vault's clock starts on Tuesday 1 September 2026 at 09:00 UTC; moments are chosen at midday
UTC so that they fall on the same calendar day in any time zone the tests run in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.audit import AuditAction, AuditFilter
from app.children import CarerDetails, ChildDetails
from app.concerns import NewConcern
from app.consents import ConsentDetails, ConsentHow, ConsentStatus, KindCode
from app.documents import DocumentKind
from app.errors import PermissionDenied, ValidationError, WrongPassword
from app.policy.agency_types import AgencyType
from app.policy.permissions import Role
from app.policy.retention import RecordKind
from app.policy.sharing_path import Answer as A
from app.policy.sharing_path import Ground
from app.policy.sharing_path import Question as Q
from app.review_pack import (
    FEWER,
    NAME_MARK,
    NO_BACKUP,
    NameScrubber,
    ReviewFigures,
    Tally,
    shown,
    suppressed,
)
from app.session import Session
from app.sharing import Channel, Direction, FamilyTold, Intake, OutcomeDraft, Urgency
from app.subject_access import NewRequest
from tests.app.test_sharing import WITH_CONSENT, WITHOUT_CONSENT, full_outcome
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest

NOON = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
REVIEWER, REVIEWER_NAME, REVIEWER_PASSWORD = "αθηνά", "Αθηνά Γεωργίου", "amber quill harbour"
BACKER, BACKER_NAME, BACKER_PASSWORD = "dmitry", "Дмитрий Иванов", "silver kettle mountain"
KW, KW_NAME, KW_PASSWORD = "siobhán", "Siobhán Ní Bhriain", "copper violin garden"


def at(month: int, day: int, year: int = 2026) -> datetime:
    return NOON.replace(year=year, month=month, day=day)


def tally(tallies: tuple[Tally, ...], label: str) -> int:
    (count,) = [t.count for t in tallies if t.label == label]
    return count


def add_child(s: Session, name: str, **changes: object) -> int:
    values: dict[str, object] = {
        "legal_name": name,
        "date_of_birth": "2023-02-03",
        "start_date": "2025-09-01",
        "room": "Acorns",
    }
    values.update(changes)
    return int(s.children.add(ChildDetails(**values), allow_duplicate=True).id)  # type: ignore[arg-type]


def add_mother(s: Session, child: int, name: str) -> int:
    record = s.children.add_carer(child, CarerDetails(name, "Mother", True, True, phone="07700 900111"))
    return int(next(c.id for c in record.carers if c.full_name == name))


# --- small numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "none"), (1, FEWER), (2, FEWER), (3, "3"), (12, "12"), (1234, "1,234"), (-1, "none")],
)
def test_shown(count: int, expected: str) -> None:
    assert shown(count) == expected


def test_fewer_than_three_is_suppressed_and_nothing_else() -> None:
    assert [n for n in range(0, 6) if suppressed(n)] == [1, 2]
    assert FEWER == "fewer than 3"


# --- names out of free text ---------------------------------------------------------------------

FAMILY = ["Łucja Nowak", "Zoë Ålund", "Nguyễn Thị Mai", "Дмитрий Соколов", "Siobhán Ó Briain", "Li Na"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kept for Łucja Nowak's sibling case.", "Kept for [name]'s sibling case."),
        ("Ask LUCJA about it", "Ask [name] about it"),  # case and accents do not matter
        ("Ask lucja nowak", "Ask [name]"),
        ("Zoe Alund and Zoë's mother", "[name] and [name]'s mother"),
        ("Mrs Nguyen Thi Mai called", "Mrs [name] called"),  # "Thi" is 3 letters: a name word
        ("Inquiry: Дмитрий", "Inquiry: [name]"),
        ("Siobhán Ó Briain", "[name]"),  # "Ó" goes as part of the full name
        ("Ó is a short word", "Ó is a short word"),  # but not on its own
        ("Li Na asked", "[name] asked"),
        ("Li is short", "Li is short"),
        ("Nowakowski is another family", "Nowakowski is another family"),  # whole words only
        ("Court order (Nowak v Nowak)", "Court order ([name] v [name])"),
        ("", ""),
    ],
)
def test_names_are_replaced_in_free_text(text: str, expected: str) -> None:
    assert NameScrubber(FAMILY)(text) == expected


def test_a_very_long_reason_is_scrubbed_whole() -> None:
    text = ("Łucja " * 2000).strip()
    scrubbed = NameScrubber(FAMILY)(text)
    assert "ucja" not in scrubbed
    assert scrubbed == NAME_MARK  # a run of name words is one mark


# --- years --------------------------------------------------------------------------------------


def test_years_run_from_the_first_record_to_this_year(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    assert s.review_pack.years() == [2026]
    child = add_child(s, "Αλέξανδρος Παπαδόπουλος")
    s.concerns.log(NewConcern(child, at(11, 20, 2025), 1, "Arrived without a coat in the rain."))
    assert s.review_pack.years() == [2026, 2025]
    made_vault.clock.set(datetime(2028, 1, 5, 12, 0, tzinfo=UTC))
    assert s.review_pack.years() == [2028, 2027, 2026, 2025]


@pytest.mark.parametrize(
    ("year", "words"),
    [
        (2027, "2027 has not started yet"),
        (2024, "Sharewise holds nothing from 2024"),
        ("2026", "Choose the year"),
        (True, "Choose the year"),
        (None, "Choose the year"),
    ],
)
def test_a_year_out_of_range_is_refused(made_vault: VaultUnderTest, year: object, words: str) -> None:
    with pytest.raises(ValidationError) as refused:
        made_vault.session.review_pack.figures(year)  # type: ignore[arg-type]
    assert refused.value.field == "year"
    assert words in refused.value.sentence


def test_the_year_before_the_first_record_is_allowed_and_the_build_is_audited(
    made_vault: VaultUnderTest,
) -> None:
    s = made_vault.session
    steps: list[tuple[int, int]] = []
    figures = s.review_pack.figures(2025, progress=lambda done, total: steps.append((done, total)))
    assert figures.year == 2025
    assert (figures.period_start, figures.period_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert figures.built_on == date(2026, 9, 1)
    assert figures.next_review_on == date(2027, 9, 1)
    assert steps == [(n, 9) for n in range(1, 10)]
    (entry,) = s.audit.entries(where=AuditFilter(action=AuditAction.REVIEW_PACK_BUILT.value))
    assert entry.detail == {"year": 2025}


# --- sharing decisions --------------------------------------------------------------------------


def _intake(made: VaultUnderTest, child: int, org: str, **changes: object) -> Intake:
    values: dict[str, object] = {
        "direction": Direction.REQUEST,
        "received_via": Channel.EMAIL,
        "received_at": made.clock.now() - timedelta(minutes=30),
        "child_ids": (child,),
        "asked_for": "Attendance this term",
        "purpose": "Checking on the family",
        "urgency": Urgency.SOON,
        "requester_org": org,
        "requester_name": "Kwame Mensah",
        "requester_role": "Practitioner",
        "requester_contact": "kwame@example.org",
    }
    values.update(changes)
    return Intake(**values)  # type: ignore[arg-type]


def test_decisions_by_outcome_ground_consent_agency_and_time(made_vault: VaultUnderTest) -> None:
    made_vault.add_person(BACKER, BACKER_NAME, {Role.DSL}, BACKER_PASSWORD)
    s = made_vault.session
    clock = made_vault.clock
    child = add_child(s, "Zoë Ålund")
    add_mother(s, child, "Nguyễn Thị Mai")

    # Shared on consent, decided the same day (children's social care).
    one = s.sharing.open(_intake(made_vault, child, "Anytown Children's Social Care")).id
    s.sharing.save_answers(one, WITH_CONSENT)
    s.sharing.save_outcome(
        one, full_outcome(s, made_vault, one, family_told=FamilyTold.TOLD, family_reason="")
    )
    s.sharing.finalise(one)

    # Shared without consent, backed by a second DSL, decided two days later (police).
    two = s.sharing.open(_intake(made_vault, child, "Anyshire Police")).id
    s.sharing.save_answers(two, WITHOUT_CONSENT, consent_reason="Asking would raise the risk.")
    s.sharing.save_outcome(two, full_outcome(s, made_vault, two))
    s.sharing.confirm_backing(two, username=BACKER, password=BACKER_PASSWORD)
    clock.advance(2 * 86400)
    s.sharing.finalise(two)

    # Our own wish to share with the NHS, decided five days later: not shared.
    three = s.sharing.open(
        _intake(
            made_vault,
            child,
            "",
            direction=Direction.PROACTIVE,
            received_via=Channel.OWN_INITIATIVE,
            requester_name="",
            requester_role="",
            requester_contact="",
        )
    ).id
    s.sharing.save_answers(three, {Q.PURPOSE: A.NO})
    s.sharing.save_outcome(
        three, OutcomeDraft(reasons="No clear purpose.", recipient_org="NHS Anytown health visiting")
    )
    clock.advance(5 * 86400)
    s.sharing.finalise(three)

    # Waiting for advice (a school), and still open (Cafcass).
    four = s.sharing.open(_intake(made_vault, child, "St Mary's Primary School")).id
    s.sharing.save_answers(four, {Q.PURPOSE: A.NOT_SURE})
    s.sharing.open(_intake(made_vault, child, "Cafcass"))
    # Received last year: not in this year's figures.
    s.sharing.open(_intake(made_vault, child, "Anyshire Police", received_at=at(12, 31, 2025)))

    figures = s.review_pack.figures(2026)
    d = figures.decisions
    assert d.total == 5
    assert [(t.label, t.count) for t in d.by_outcome] == [
        ("Shared", 2),
        ("Not shared", 1),
        ("Still open", 1),
        ("Waiting for advice", 1),
    ]
    assert tally(d.by_ground, Ground.CONSENT.label) == 1
    assert tally(d.by_ground, Ground.STATUTORY_DUTY.label) == 1
    assert sum(t.count for t in d.by_ground) == d.shared == 2
    assert (d.on_consent, d.without_consent, d.without_consent_backed, d.consent_not_needed) == (1, 1, 1, 0)
    assert {t.label: t.count for t in d.by_agency} == {
        AgencyType.SOCIAL_CARE.label: 1,
        AgencyType.POLICE.label: 1,
        AgencyType.HEALTH.label: 1,  # the recipient of our own wish to share
        AgencyType.EDUCATION.label: 1,
        AgencyType.LEGAL.label: 1,
        AgencyType.OTHER.label: 0,
    }
    assert d.decided == 3
    assert [t.count for t in d.by_time] == [1, 1, 1, 0]
    assert d.median_days == 2.0
    last_year = s.review_pack.figures(2025).decisions
    assert last_year.total == 1
    assert tally(last_year.by_outcome, "Still open") == 1


# --- concerns -----------------------------------------------------------------------------------


def test_concerns_by_month_category_state_and_actions(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    clock = made_vault.clock
    child = add_child(s, "Łucja Nowak")
    categories = [c.id for c in s.concerns.categories()]
    logged = []
    for month, category, count in ((1, categories[0], 1), (3, categories[1], 2), (8, categories[2], 3)):
        for n in range(count):
            concern = s.concerns.log(NewConcern(child, at(month, 10 + n), category, "Seemed tired all day."))
            logged.append(int(concern.id))
    s.concerns.log(NewConcern(child, at(12, 31, 2025), categories[0], "Last year's concern."))
    s.concerns.close(logged[0], outcome="Spoke to the family; all well.")

    late = s.concerns.add_action(
        logged[1], description="Call the health visitor", assigned_to=1, due_date=date(2026, 9, 1)
    )
    on_time = s.concerns.add_action(
        logged[2], description="Check attendance", assigned_to=1, due_date=date(2026, 9, 10)
    )
    s.concerns.complete_action(on_time.actions[-1].id, note="Done.")
    clock.advance(3 * 86400)
    s.concerns.complete_action(late.actions[-1].id, note="Done, late.")
    s.concerns.add_action(logged[3], description="Write to the GP", assigned_to=1, due_date=date(2026, 9, 5))
    clock.advance(3 * 86400)  # 7 September: that one is overdue

    c = s.review_pack.figures(2026).concerns
    assert c.total == 6
    assert [t.label for t in c.by_month][:3] == ["Jan", "Feb", "Mar"]
    assert [t.count for t in c.by_month] == [1, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0]
    by_category = {t.label: t.count for t in c.by_category}
    names = [cat.name for cat in s.concerns.categories()]
    assert (by_category[names[0]], by_category[names[1]], by_category[names[2]]) == (1, 2, 3)
    assert sum(by_category.values()) == 6  # every active category listed, the rest with none
    assert (c.still_open, c.closed) == (5, 1)
    assert (c.actions_overdue, c.actions_done, c.actions_done_late) == (1, 2, 1)


# --- consent coverage ---------------------------------------------------------------------------


def test_consent_coverage_counts_signed_declarations_of_children_on_roll(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    kinds = {k.code: k for k in s.consents.kinds()}
    declaration, needs, transition = (
        kinds[KindCode.REGISTRATION].id,
        kinds[KindCode.ADDITIONAL_NEEDS].id,
        kinds[KindCode.TRANSITION].id,
    )
    signed = add_child(s, "Zoë Ålund")
    verbal = add_child(s, "Αλέξανδρος Παπαδόπουλος")
    nothing = add_child(s, "Дмитрий Соколов")
    add_child(s, "Siobhán Ó Briain", start_date="2026-10-01")  # not started yet
    add_child(s, "Nguyễn Văn An", start_date="2024-09-01", leaving_date="2026-07-31")  # left
    mum_signed, mum_verbal, mum_nothing = (
        add_mother(s, signed, "Łucja Ålund"),
        add_mother(s, verbal, "Ελένη Παπαδοπούλου"),
        add_mother(s, nothing, "Ольга Соколова"),
    )
    today = date(2026, 9, 1)
    sign = ConsentHow.SIGNED_FORM
    s.consents.record(
        signed,
        mum_signed,
        declaration,
        ConsentDetails(ConsentStatus.GIVEN, today, sign, review_on=date(2026, 9, 20)),
    )
    s.consents.record(
        verbal,
        mum_verbal,
        declaration,
        ConsentDetails(ConsentStatus.GIVEN, today, ConsentHow.VERBAL, heard_by=1),
    )
    agencies = "Anytown Speech and Language Therapy"
    s.consents.record(
        nothing,
        mum_nothing,
        needs,
        ConsentDetails(
            ConsentStatus.GIVEN, date(2025, 6, 1), sign, agencies=agencies, review_on=date(2026, 8, 1)
        ),
    )
    given = s.consents.record(
        signed,
        mum_signed,
        needs,
        ConsentDetails(ConsentStatus.GIVEN, date(2026, 2, 1), sign, agencies=agencies),
    )
    s.consents.withdraw(given.id, on=date(2026, 5, 1), how=ConsentHow.IN_WRITING)
    s.consents.record(
        verbal, mum_verbal, transition, ConsentDetails(ConsentStatus.REFUSED, date(2026, 8, 15), sign)
    )
    s.consents.record(
        nothing, mum_nothing, transition, ConsentDetails(ConsentStatus.REQUESTED, date(2026, 8, 20))
    )

    c = s.review_pack.figures(2026).consents
    assert c.on_roll == 3
    assert c.without_declaration == 2  # a verbal declaration does not count
    assert (c.reviews_overdue, c.reviews_due) == (1, 1)
    assert (c.asked, c.given, c.refused, c.withdrawn) == (1, 3, 1, 1)


# --- staff --------------------------------------------------------------------------------------


def test_staff_by_role_and_who_confirmed_the_policy(made_vault: VaultUnderTest) -> None:
    made_vault.add_person(KW, KW_NAME, {Role.KEY_WORKER}, KW_PASSWORD)
    made_vault.add_person(REVIEWER, REVIEWER_NAME, {Role.REVIEWER}, REVIEWER_PASSWORD)
    s = made_vault.session
    s.policies.acknowledge()

    staff = s.review_pack.figures(2026).staff
    assert staff.active == 3
    assert {t.label: t.count for t in staff.by_role} == {
        "Manager": 1,
        "Designated safeguarding lead": 1,
        "Key worker": 1,
        "Committee reviewer": 1,
    }
    assert staff.policy_name == "Information sharing and confidentiality"
    lines = {a.full_name: a for a in staff.acknowledgements}
    assert set(lines) == {"Zoë Adams", KW_NAME, REVIEWER_NAME}
    assert lines["Zoë Adams"].up_to_date and lines["Zoë Adams"].last_confirmed == date(2026, 9, 1)
    assert lines["Zoë Adams"].version == "1"
    assert not lines[KW_NAME].up_to_date and lines[KW_NAME].last_confirmed is None
    assert staff.not_up_to_date == 2


# --- security -----------------------------------------------------------------------------------


def _fail_then_sign_in(made: VaultUnderTest) -> None:
    made.session.close()
    with pytest.raises(WrongPassword):
        made.vault.sign_in(MANAGER_USERNAME, "not the password at all")
    made.clock.advance(120)  # past any delay after a failure
    made.sign_in()


def test_security_counts_failed_sign_ins_in_the_year_only(made_vault: VaultUnderTest) -> None:
    _fail_then_sign_in(made_vault)
    made_vault.clock.set(datetime(2027, 1, 10, 12, 0, tzinfo=UTC))
    _fail_then_sign_in(made_vault)
    _fail_then_sign_in(made_vault)
    s = made_vault.session

    this_year = s.review_pack.figures(2027).security
    last_year = s.review_pack.figures(2026).security
    assert (last_year.failed_sign_ins, this_year.failed_sign_ins) == (1, 2)
    assert this_year.auto_lock_minutes == 5
    assert this_year.binding_state == "bound"
    assert "bound to this computer" in this_year.binding_sentence
    assert this_year.recovery_key_issued_on == date(2026, 9, 1)
    assert this_year.audit_ok and this_year.audit_entries > 5
    assert this_year.last_backup_on is None and this_year.backup_sentence == NO_BACKUP

    with s.context.transaction() as tx:  # as the backups of a later issue will record one
        s.context.audit(tx, AuditAction.BACKUP_MADE, "vault", None, {"files": 2})
    backed_up = s.review_pack.figures(2027).security
    assert backed_up.last_backup_on == date(2027, 1, 10)
    assert backed_up.backup_sentence == "The last backup Sharewise recorded was made on 10 January 2027."


def test_a_broken_audit_chain_is_reported(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    with s.context.database.transaction() as tx:  # someone with the key in hand, outside the program
        tx.execute("DROP TRIGGER audit_log_no_update")
        tx.execute("UPDATE audit_log SET detail = '{\"changed\": 1}' WHERE id = 2")
    security = s.review_pack.figures(2026).security
    assert not security.audit_ok
    assert "entry 2" in security.audit_sentence


# --- retention, with names kept out of the reasons ----------------------------------------------


def test_retention_kept_and_held_reasons_have_no_names(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    kept = add_child(
        s, "Łucja Nowak", date_of_birth="2017-03-01", start_date="2019-09-01", leaving_date="2021-07-20"
    )
    add_mother(s, kept, "Anna Nowak")
    held = add_child(
        s, "Zoë Ålund", date_of_birth="2017-05-01", start_date="2019-09-01", leaving_date="2021-07-20"
    )
    add_child(
        s, "Дмитрий Соколов", date_of_birth="2017-06-01", start_date="2019-09-01", leaving_date="2021-07-20"
    )
    s.retention.keep(
        RecordKind.CHILD_RECORD,
        kept,
        reason="Kept for Łucja's sibling; ask ANNA NOWAK first.",
        review_on=date(2027, 3, 1),
    )
    s.retention.place_hold(held, reason="Inquiry about Zoe Alund's placement")

    r = s.review_pack.figures(2026).retention
    (line,) = r.kept
    assert line.reason == "Kept for [name]'s sibling; ask [name] first."
    assert line.kept_until == date(2027, 3, 1)
    assert r.held_items >= 1 and r.hold_reasons == ("Inquiry about [name]'s placement",)
    assert r.due_records >= 1  # the third child's general record is past its period
    assert r.destroyed == ()


# --- subject access requests --------------------------------------------------------------------


def test_subject_access_requests_of_the_year(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child = add_child(s, "Zoë Ålund")
    mum = add_mother(s, child, "Łucja Ålund")

    def received(on: date) -> int:
        return int(
            s.subject_access.record(NewRequest(child, "Łucja Ålund", mum, "Mother", on, "Passport seen")).id
        )

    received(date(2026, 7, 1))  # due 1 August: overdue now
    extended = received(date(2026, 8, 20))
    s.subject_access.extend(extended, reason="Many records from several years to review.")
    received(date(2026, 8, 25))

    sar = s.review_pack.figures(2026).subject_access
    assert (sar.received, sar.extended, sar.still_open, sar.overdue) == (3, 1, 3, 1)
    assert (sar.released_in_time, sar.released_late) == (0, 0)


# --- the committee reviewer ---------------------------------------------------------------------


def test_the_committee_reviewer_builds_the_pack_and_opens_nothing_else(made_vault: VaultUnderTest) -> None:
    made_vault.add_person(REVIEWER, REVIEWER_NAME, {Role.REVIEWER}, REVIEWER_PASSWORD)
    add_child(made_vault.session, "Zoë Ålund")
    made_vault.session.close()
    reviewer = made_vault.vault.sign_in(REVIEWER, REVIEWER_PASSWORD)
    assert reviewer.roles == frozenset({Role.REVIEWER})

    assert reviewer.review_pack.years() == [2026]
    figures = reviewer.review_pack.figures(2026)
    assert isinstance(figures, ReviewFigures)
    assert figures.consents.on_roll == 1
    reviewer.documents.printed(DocumentKind.REVIEW_PACK, pages=14)
    with pytest.raises(PermissionDenied):
        reviewer.children.find()
    with pytest.raises(PermissionDenied):
        reviewer.concerns.queue()
    reviewer.close()

    manager = made_vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    printed = manager.audit.entries(where=AuditFilter(action=AuditAction.DOCUMENT_PRINTED.value))
    assert [(e.subject_type, e.subject_id, e.detail) for e in printed] == [
        ("document", DocumentKind.REVIEW_PACK.value, {"kind": "review_pack", "pages": 14})
    ]
