"""Information-sharing decisions in the core: intake, scope, the path kept and resumed, advice,
third-party exclusion, management backing by a second sign-in, finalising, immutability,
amendments and follow-ups. Fictional people only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlcipher3

from app import sharing as sharing_module
from app.children import CarerDetails, ChildDetails, ChildId, ProfessionalDetails
from app.concerns import NewConcern
from app.errors import AccountLocked, NotFound, PermissionDenied, ValidationError, WrongPassword
from app.policy.permissions import Role
from app.policy.sharing_path import Answer as A
from app.policy.sharing_path import LawfulBasis, SpecialCondition, Verdict
from app.policy.sharing_path import Question as Q
from app.session import Session
from app.sharing import (
    SEARCH_LIMIT,
    Channel,
    ChosenItem,
    Direction,
    FamilyTold,
    FollowUpKind,
    Intake,
    Nature,
    NewFollowUp,
    OutcomeDraft,
    ShareRecord,
    ShareStatus,
    Urgency,
)
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest

BACKER, BACKER_NAME, BACKER_PASSWORD = "dmitry", "Дмитрий Иванов", "silver kettle mountain"
KW, KW_PASSWORD = "siobhán", "copper violin garden"

WITHOUT_CONSENT = {
    Q.PURPOSE: A.YES,
    Q.IDENTIFIABLE: A.YES,
    Q.CONFIDENTIAL: A.YES,
    Q.CHILD_AT_RISK: A.YES,
    Q.CONSENT: A.NOT_SOUGHT,
    Q.OTHER_REASON: A.STATUTORY_DUTY,
}
WITH_CONSENT = {
    Q.PURPOSE: A.YES,
    Q.IDENTIFIABLE: A.YES,
    Q.CONFIDENTIAL: A.YES,
    Q.CHILD_AT_RISK: A.NO,
    Q.CONSENT: A.GIVEN,
}


@pytest.fixture
def child(made_vault: VaultUnderTest) -> ChildId:
    s = made_vault.session
    kid = s.children.add(
        ChildDetails(legal_name="Zoë Ålund", known_as="", date_of_birth="2023-02-03", start_date="2025-09-01")
    )
    s.children.add_carer(kid.id, CarerDetails("Nguyễn Thị Mai", "Mother", True, True, phone="07700 900111"))
    s.children.add_professional(
        kid.id, ProfessionalDetails("Speech and language", "Kwame Mensah", "Therapist")
    )
    return kid.id


def intake(made: VaultUnderTest, kid: int, **changes: object) -> Intake:
    now = made.clock.now()
    values: dict[str, object] = {
        "direction": Direction.REQUEST,
        "received_via": Channel.EMAIL,
        "received_at": now - timedelta(minutes=30),
        "child_ids": (kid,),
        "asked_for": "Attendance this term and any concerns",
        "purpose": "Section 47 enquiry",
        "urgency": Urgency.SOON,
        "requester_org": "Anytown Children's Social Care",
        "requester_name": "Αλέξανδρος Παπαδόπουλος",
        "requester_role": "Social worker",
        "requester_contact": "alexandros@example.org",
    }
    values.update(changes)
    return Intake(**values)  # type: ignore[arg-type]


def log_concern(s: Session, made: VaultUnderTest, kid: int, **changes: object) -> int:
    values: dict[str, object] = {
        "child_id": kid,
        "seen_at": made.clock.now() - timedelta(hours=2),
        "category_id": 1,
        "facts": "A bruise about 2 cm across on the left shin.",
        "child_words": "Daddy was cross",
        "opinion": "Seemed frightened when collected.",
    }
    values.update(changes)
    return int(s.concerns.log(NewConcern(**values)).id)  # type: ignore[arg-type]


def full_outcome(s: Session, made: VaultUnderTest, share_id: int, **changes: object) -> OutcomeDraft:
    items = tuple(ChosenItem(c.key, c.nature) for c in s.sharing.item_choices(share_id) if c.shareable)
    values: dict[str, object] = {
        "reasons": "Reasonable cause to believe the child is at risk of significant harm.",
        "lawful_basis": LawfulBasis.LEGAL_OBLIGATION,
        "special_condition": SpecialCondition.SAFEGUARDING,
        "recipient_name": "Αλέξανδρος Παπαδόπουλος",
        "recipient_role": "Social worker",
        "recipient_org": "Anytown Children's Social Care",
        "shared_how": "Secure email to the named social worker",
        "secured_how": "Encrypted email; confirmed the address by phone",
        "retention": "Kept on the child's social care file",
        "shared_on": made.clock.now().date(),
        "family_told": FamilyTold.NOT_TOLD,
        "family_reason": "Telling the family now would put the child at more risk.",
        "identity_protection": "The neighbour who raised it is not named.",
        "items": items,
    }
    values.update(changes)
    return OutcomeDraft(**values)  # type: ignore[arg-type]


def add_backer(made: VaultUnderTest, roles: set[Role] | None = None) -> None:
    made.add_person(BACKER, BACKER_NAME, roles or {Role.DSL}, BACKER_PASSWORD)


def decided_without_consent(made: VaultUnderTest, kid: int) -> ShareRecord:
    """An open request with the path answered (share without consent) and the outcome filled."""
    s = made.session
    record = s.sharing.open(intake(made, kid, concern_ids=(log_concern(s, made, kid),)))
    s.sharing.save_answers(
        record.id, WITHOUT_CONSENT, consent_reason="Asking would alert the alleged abuser."
    )
    return s.sharing.save_outcome(record.id, full_outcome(s, made, record.id))


def audit_actions(s: Session, limit: int = 20) -> list[str]:
    return [e.action for e in s.audit.entries(limit=limit)]


# --- intake ---------------------------------------------------------------------------------------


def test_an_intake_is_recorded_and_reaches_the_dsl_queue(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    got = s.sharing.open(intake(made_vault, child, urgency=Urgency.URGENT))
    assert got.status is ShareStatus.OPEN and got.outcome.verdict is Verdict.UNDECIDED
    assert got.outcome.next_question is Q.PURPOSE
    assert [c.name for c in got.children] == ["Zoë Ålund"] and got.opened_by == s.me.full_name
    assert got.requester_name == "Αλέξανδρος Παπαδόπουλος" and got.urgency is Urgency.URGENT
    queue = s.sharing.queue()
    assert [q.id for q in queue] == [got.id] and queue[0].children == "Zoë Ålund"
    assert s.sharing.counts().open == 1 and s.sharing.counts().urgent == 1
    entry = next(e for e in s.audit.entries(limit=10) if e.action == "share.opened")
    assert entry.detail == {"children": 1, "via": "email", "urgency": "urgent"}  # no names, no words


def test_search_finds_requests_by_requester_and_child_in_any_script(
    made_vault: VaultUnderTest, child: int
) -> None:
    s = made_vault.session
    found = s.sharing.open(intake(made_vault, child)).id
    assert [r.id for r in s.sharing.queue(search="αλεξ")] == [found]
    assert [r.id for r in s.sharing.queue(search="zoe alund")] == [found]
    assert s.sharing.queue(search="police") == []


def test_my_requests_stop_at_the_list_limit_newest_first_but_a_search_finds_any(
    made_vault: VaultUnderTest, child: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = made_vault.session
    opened = []
    for n in range(5):
        made_vault.clock.advance(60)
        opened.append(s.sharing.open(intake(made_vault, child, purpose=f"Review number {n}")).id)
    newest_first = opened[::-1]
    assert [r.id for r in s.sharing.mine()] == newest_first
    monkeypatch.setattr(sharing_module, "LIST_LIMIT", 3)
    assert [r.id for r in s.sharing.mine()] == newest_first[:3]
    assert [r.id for r in s.sharing.mine(search="αλεξ")] == newest_first  # SEARCH_LIMIT only
    assert len(s.sharing.queue()) == 5  # the DSL's queue is not cut short


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"requester_org": ""}, "requester_org", "who asked"),
        ({"requester_name": "  "}, "requester_name", "who asked"),
        ({"asked_for": ""}, "asked_for", "needed"),
        ({"child_ids": ()}, "child_ids", "Choose the child"),
        ({"child_ids": (999,)}, None, ""),
        ({"received_via": Channel.OWN_INITIATIVE}, "received_via", "how the request came in"),
        ({"received_via": Channel.PHONE}, "phone_number", "Take the caller's number"),
        ({"asked_for": "x" * 20_001}, "asked_for", "too long"),
        ({"requester_name": "A\nB"}, "requester_name", "line breaks"),
        ({"urgency": "whenever"}, "urgency", "how urgent"),
        ({"carer_ids": (999,)}, "carer_ids", "carers of the children"),
        ({"professional_ids": (999,)}, "professional_ids", "professionals working"),
    ],
)
def test_bad_intakes_are_refused_with_the_field_named(
    made_vault: VaultUnderTest, child: int, changes: dict[str, object], field: str | None, words: str
) -> None:
    s = made_vault.session
    with pytest.raises((ValidationError, NotFound)) as refused:
        s.sharing.open(intake(made_vault, child, **changes))
    if field is not None:
        assert isinstance(refused.value, ValidationError) and refused.value.field == field
        assert words in str(refused.value)
    assert s.sharing.queue(include_final=True) == []


def test_a_future_request_is_refused(made_vault: VaultUnderTest, child: int) -> None:
    later = made_vault.clock.now() + timedelta(days=1)
    with pytest.raises(ValidationError, match="in the future"):
        made_vault.session.sharing.open(intake(made_vault, child, received_at=later))


def test_a_long_note_in_any_script_is_kept_whole(made_vault: VaultUnderTest, child: int) -> None:
    words = "Дмитрий сказал: " + "ä" * 9_990
    got = made_vault.session.sharing.open(intake(made_vault, child, asked_for=words))
    assert made_vault.session.sharing.get(got.id).asked_for == words


def test_links_carry_carers_concerns_and_professionals(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    kid = s.children.get(child)
    concern = log_concern(s, made_vault, child)
    got = s.sharing.open(
        intake(
            made_vault,
            child,
            carer_ids=(kid.carers[0].id,),
            concern_ids=(concern,),
            professional_ids=(kid.professionals[0].id,),
        )
    )
    assert [c.label for c in got.carers] == ["Nguyễn Thị Mai"]
    assert [c.id for c in got.concerns] == [concern]
    assert got.professionals[0].label == "Kwame Mensah, Therapist, Speech and language"
    # A carer later deleted from the record keeps their name on the request.
    s.children.remove_carer(child, kid.carers[0].id)  # their only child: the details go too
    again = s.sharing.get(got.id)
    assert again.carers[0].id is None and again.carers[0].label == "Nguyễn Thị Mai"


def test_a_proactive_share_needs_no_requester(made_vault: VaultUnderTest, child: int) -> None:
    got = made_vault.session.sharing.open(
        intake(
            made_vault,
            child,
            direction=Direction.PROACTIVE,
            received_via=Channel.OWN_INITIATIVE,
            requester_org="",
            requester_name="",
            asked_for="Transition summary for the reception class teacher",
        )
    )
    assert got.direction is Direction.PROACTIVE and got.received_via is Channel.OWN_INITIATIVE


# --- scope --------------------------------------------------------------------------------------


def key_worker(made: VaultUnderTest) -> Session:
    made.add_person(KW, "Siobhán Ní Bhriain", {Role.KEY_WORKER}, KW_PASSWORD)
    made.session.close()
    return made.vault.sign_in(KW, KW_PASSWORD)


def test_key_workers_open_intakes_and_read_only_their_own(made_vault: VaultUnderTest, child: int) -> None:
    manager_share = made_vault.session.sharing.open(intake(made_vault, child)).id
    manager_concern = log_concern(made_vault.session, made_vault, child)
    kw = key_worker(made_vault)
    own_concern = log_concern(kw, made_vault, child)
    # A concern the key worker cannot read cannot be linked (nor its existence learnt).
    with pytest.raises(ValidationError, match="you can read"):
        kw.sharing.open(intake(made_vault, child, concern_ids=(manager_concern,)))
    mine = kw.sharing.open(intake(made_vault, child, concern_ids=(own_concern,)))
    assert kw.sharing.get(mine.id).opened_by == "Siobhán Ní Bhriain"
    assert [r.id for r in kw.sharing.mine()] == [mine.id]
    assert [r.id for r in kw.sharing.for_child(child)] == [mine.id]
    with pytest.raises(NotFound):
        kw.sharing.get(manager_share)
    with pytest.raises(PermissionDenied):
        kw.sharing.queue()
    with pytest.raises(PermissionDenied):
        kw.sharing.save_answers(mine.id, WITH_CONSENT)
    with pytest.raises(PermissionDenied):
        kw.sharing.finalise(mine.id)
    # The key worker may correct their own intake while it is open.
    fixed = kw.sharing.update_intake(mine.id, intake(made_vault, child, asked_for="Attendance only"))
    assert fixed.asked_for == "Attendance only"
    with pytest.raises(NotFound):
        kw.sharing.update_intake(manager_share, intake(made_vault, child))


# --- the path -----------------------------------------------------------------------------------


def test_answers_are_kept_so_the_path_can_be_resumed(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    share = s.sharing.open(intake(made_vault, child)).id
    s.sharing.save_answers(share, {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES})
    made_vault.session.close()
    again = made_vault.sign_in().sharing.get(share)
    assert dict(again.answers) == {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES}
    assert again.outcome.next_question is Q.CONFIDENTIAL


def test_answers_that_do_not_belong_are_refused(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    share = s.sharing.open(intake(made_vault, child)).id
    for bad in ({Q.CONSENT: A.YES}, {"purpose": "perhaps"}, {"colour": "yes"}):
        with pytest.raises(ValidationError, match="not one Sharewise offers"):
            s.sharing.save_answers(share, bad)  # type: ignore[arg-type]
    assert dict(s.sharing.get(share).answers) == {}


def test_not_sure_means_seek_advice_which_is_recorded(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    share = s.sharing.open(intake(made_vault, child)).id
    got = s.sharing.save_answers(share, {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES, Q.CONFIDENTIAL: A.NOT_SURE})
    assert got.outcome.verdict is Verdict.SEEK_ADVICE and got.outcome.next_question is Q.CONFIDENTIAL
    with pytest.raises(ValidationError, match="Seek advice"):
        s.sharing.finalise(share)
    got = s.sharing.record_advice(
        share,
        question=Q.CONFIDENTIAL,
        adviser="Duty officer, Anytown Children's Social Care",
        advice="Treat it as confidential; the family gave it in confidence.",
        child_named=False,
    )
    assert got.advice[0].adviser.startswith("Duty officer") and got.advice[0].child_named is False
    with pytest.raises(ValidationError, match="Who gave the advice"):
        s.sharing.record_advice(share, question=Q.CONFIDENTIAL, adviser="", advice="x", child_named=False)
    got = s.sharing.save_answers(share, {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES, Q.CONFIDENTIAL: A.YES})
    assert got.outcome.next_question is Q.CHILD_AT_RISK and len(got.advice) == 1


def test_consent_refused_needs_its_reason_before_finalising(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    share = s.sharing.open(intake(made_vault, child)).id
    refused = {**WITHOUT_CONSENT, Q.CONSENT: A.REFUSED}
    s.sharing.save_answers(share, refused)
    record = s.sharing.save_outcome(share, full_outcome(s, made_vault, share))
    assert ("consent_reason", "Say why consent was refused, withdrawn or not sought, and why we go on.") in (
        s.sharing.missing(record)
    )


# --- what is shared -----------------------------------------------------------------------------


def test_third_party_information_is_not_shared_without_the_agencys_consent(
    made_vault: VaultUnderTest, child: int
) -> None:
    s = made_vault.session
    theirs = log_concern(
        s, made_vault, child, facts="Missed two health checks.", third_party_source="Health visiting"
    )
    ours = log_concern(s, made_vault, child)
    share = s.sharing.open(intake(made_vault, child, concern_ids=(theirs, ours))).id
    s.sharing.save_answers(share, WITH_CONSENT)
    choices = {c.key: c for c in s.sharing.item_choices(share)}
    blocked = choices[f"concern:{theirs}:facts"]
    assert not blocked.shareable and "Health visiting" in blocked.why_not
    assert (
        choices[f"concern:{ours}:facts"].shareable
        and choices[f"concern:{ours}:opinion"].nature is Nature.OPINION
    )
    with pytest.raises(ValidationError, match="not shared without that agency's consent"):
        s.sharing.save_outcome(share, OutcomeDraft(items=(ChosenItem(blocked.key, Nature.FACT),)))
    assert s.sharing.get(share).items == ()
    s.concerns.record_third_party_consent(theirs)
    got = s.sharing.save_outcome(share, OutcomeDraft(items=(ChosenItem(blocked.key, Nature.FACT),)))
    assert [i.content for i in got.items] == ["Missed two health checks."]


def test_items_keep_the_words_as_shared_and_their_nature(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    concern = log_concern(s, made_vault, child)
    share = s.sharing.open(intake(made_vault, child, concern_ids=(concern,))).id
    s.sharing.save_answers(share, WITH_CONSENT)
    got = s.sharing.save_outcome(
        share,
        OutcomeDraft(
            items=(
                ChosenItem(f"concern:{concern}:opinion", Nature.OPINION),
                ChosenItem("other", Nature.FACT, label="Attendance", content="Attended 38 of 40 sessions."),
            )
        ),
    )
    assert [(i.label.split(": ")[-1], i.nature) for i in got.items] == [
        ("opinion", Nature.OPINION),
        ("Attendance", Nature.FACT),
    ]
    # A later correction of the concern does not change what the record says was shared.
    s.concerns.amend(concern, field="opinion", new_text="Seemed tired.", reason="Misheard")
    assert s.sharing.get(share).items[0].content == "Seemed frightened when collected."
    with pytest.raises(ValidationError, match="no longer linked"):
        s.sharing.save_outcome(share, OutcomeDraft(items=(ChosenItem("concern:999:facts", Nature.FACT),)))
    with pytest.raises(ValidationError, match="fact or an opinion"):
        s.sharing.save_outcome(share, OutcomeDraft(items=(ChosenItem(f"concern:{concern}:facts", "rumour"),)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("days", "words"),
    [(-2, "before the request came in"), (40, "more than 28 days ahead")],
)
def test_the_day_it_is_shared_must_be_plausible(
    made_vault: VaultUnderTest, child: int, days: int, words: str
) -> None:
    s = made_vault.session
    share = s.sharing.open(intake(made_vault, child)).id
    with pytest.raises(ValidationError, match=words):
        s.sharing.save_outcome(
            share, OutcomeDraft(shared_on=made_vault.clock.now().date() + timedelta(days=days))
        )


# --- management backing -------------------------------------------------------------------------


def test_sharing_without_consent_needs_a_second_person_to_sign_in(
    made_vault: VaultUnderTest, child: int
) -> None:
    add_backer(made_vault)
    s = made_vault.session
    record = decided_without_consent(made_vault, child)
    assert record.outcome.backing_required and not record.backed
    assert s.sharing.missing(record) == [
        ("backing", "Sharing without consent needs the backing of a second manager or DSL.")
    ]
    with pytest.raises(ValidationError, match="backing of a second manager"):
        s.sharing.finalise(record.id)
    with pytest.raises(WrongPassword):
        s.sharing.confirm_backing(record.id, username=BACKER, password="wrong horse battery")
    with pytest.raises(WrongPassword):
        s.sharing.confirm_backing(record.id, username="nobody.here", password=BACKER_PASSWORD)
    assert "share.backing_failed" in audit_actions(s)
    with pytest.raises(ValidationError, match="second person"):
        s.sharing.confirm_backing(record.id, username=MANAGER_USERNAME, password=MANAGER_PASSWORD)
    assert not s.sharing.get(record.id).backed
    backed = s.sharing.confirm_backing(record.id, username=BACKER.upper(), password=BACKER_PASSWORD)
    assert backed.backed_by == BACKER_NAME and backed.backed_role == "Designated safeguarding lead"
    final = s.sharing.finalise(record.id)
    assert final.status is ShareStatus.FINAL and final.decided_by == s.me.full_name
    assert final.decided_role == "Manager and Designated safeguarding lead" and final.decided_at is not None
    assert final.outcome.without_consent
    entry = next(e for e in s.audit.entries(limit=10) if e.action == "share.finalised")
    assert entry.detail == {"verdict": "share", "ground": "statutory_duty", "without_consent": True}


def test_a_key_worker_cannot_back_a_decision(made_vault: VaultUnderTest, child: int) -> None:
    made_vault.add_person(KW, "Siobhán Ní Bhriain", {Role.KEY_WORKER}, KW_PASSWORD)
    add_backer(made_vault)  # so consultation is not offered instead
    record = decided_without_consent(made_vault, child)
    with pytest.raises(PermissionDenied, match="Only a manager or designated safeguarding lead"):
        made_vault.session.sharing.confirm_backing(record.id, username=KW, password=KW_PASSWORD)
    assert not made_vault.session.sharing.get(record.id).backed


def test_wrong_backing_passwords_slow_down_like_sign_in(made_vault: VaultUnderTest, child: int) -> None:
    add_backer(made_vault)
    s = made_vault.session
    record = decided_without_consent(made_vault, child)
    for _ in range(5):
        with pytest.raises(WrongPassword):
            s.sharing.confirm_backing(record.id, username=BACKER, password="not it")
    with pytest.raises(AccountLocked):
        s.sharing.confirm_backing(record.id, username=BACKER, password=BACKER_PASSWORD)


def test_changing_the_decision_needs_backing_again(made_vault: VaultUnderTest, child: int) -> None:
    add_backer(made_vault)
    s = made_vault.session
    record = decided_without_consent(made_vault, child)
    s.sharing.confirm_backing(record.id, username=BACKER, password=BACKER_PASSWORD)
    # Saving the same thing again keeps the backing ...
    s.sharing.save_outcome(record.id, full_outcome(s, made_vault, record.id))
    assert s.sharing.get(record.id).backed
    # ... sharing with someone else, or on another ground, does not.
    s.sharing.save_outcome(record.id, full_outcome(s, made_vault, record.id, recipient_name="Someone else"))
    assert not s.sharing.get(record.id).backed
    s.sharing.confirm_backing(record.id, username=BACKER, password=BACKER_PASSWORD)
    s.sharing.save_answers(
        record.id,
        {**WITHOUT_CONSENT, Q.OTHER_REASON: A.VITAL_INTERESTS},
        consent_reason="Asking would alert him.",
    )
    assert not s.sharing.get(record.id).backed


def test_the_backer_cannot_also_finalise(made_vault: VaultUnderTest, child: int) -> None:
    add_backer(made_vault)
    record = decided_without_consent(made_vault, child)
    made_vault.session.close()
    backer = made_vault.vault.sign_in(BACKER, BACKER_PASSWORD)
    backer.sharing.confirm_backing(record.id, username=MANAGER_USERNAME, password=MANAGER_PASSWORD)
    # Дмитрий is signed in and the manager backed: Дмитрий may finalise ...
    assert backer.sharing.get(record.id).backed_by == "Zoë Adams"
    backer.close()
    # ... but the manager, who backed it, may not.
    manager = made_vault.sign_in()
    with pytest.raises(ValidationError, match="cannot also make it"):
        manager.sharing.finalise(record.id)


def test_a_setting_with_one_manager_records_who_was_consulted(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    record = decided_without_consent(made_vault, child)
    assert s.sharing.may_consult_instead()
    with pytest.raises(ValidationError, match="Who was consulted"):
        s.sharing.record_consulted(record.id, consulted="", how="Phone")
    got = s.sharing.record_consulted(
        record.id,
        consulted="Łucja Kowalska, chair and safeguarding officer of the committee",
        how="By telephone at 10:15; she agreed the referral should go today.",
    )
    assert got.backed and got.consulted.startswith("Łucja")
    assert s.sharing.finalise(got.id).consulted_how.startswith("By telephone")


def test_consultation_is_not_enough_when_a_second_manager_works_here(
    made_vault: VaultUnderTest, child: int
) -> None:
    add_backer(made_vault, {Role.MANAGER})
    record = decided_without_consent(made_vault, child)
    assert not made_vault.session.sharing.may_consult_instead()
    with pytest.raises(ValidationError, match="signing in on this PC"):
        made_vault.session.sharing.record_consulted(record.id, consulted="A friend", how="Text message")


def test_a_share_with_consent_needs_no_backing(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    share = s.sharing.open(intake(made_vault, child, concern_ids=(log_concern(s, made_vault, child),))).id
    s.sharing.save_answers(share, WITH_CONSENT)
    record = s.sharing.save_outcome(
        share,
        full_outcome(
            s,
            made_vault,
            share,
            lawful_basis=LawfulBasis.CONSENT,
            special_condition=SpecialCondition.EXPLICIT_CONSENT,
            family_told=FamilyTold.TOLD,
            family_reason="",
        ),
    )
    assert not record.outcome.backing_required and s.sharing.missing(record) == []
    with pytest.raises(ValidationError, match="does not need management backing"):
        s.sharing.record_consulted(share, consulted="Someone", how="Phone")
    assert s.sharing.finalise(share).outcome.ground is not None


def test_a_telephone_request_is_verified_before_anything_is_shared(
    made_vault: VaultUnderTest, child: int
) -> None:
    s = made_vault.session
    phoned = intake(made_vault, child, received_via=Channel.PHONE, phone_number="01632 960 111")
    share = s.sharing.open(phoned).id
    s.sharing.save_answers(share, WITH_CONSENT)
    record = s.sharing.save_outcome(share, full_outcome(s, made_vault, share, family_told=FamilyTold.TOLD))
    assert ("verified_how", "Check the caller's number independently and call back before sharing.") in (
        s.sharing.missing(record)
    )
    with pytest.raises(ValidationError, match="call back"):
        s.sharing.finalise(share)
    early = made_vault.clock.now() - timedelta(hours=3)
    with pytest.raises(ValidationError, match="before the call came in"):
        s.sharing.update_intake(share, replace(phoned, verified_how="Switchboard", called_back_at=early))
    s.sharing.update_intake(
        share,
        replace(phoned, verified_how="Rang the council switchboard", called_back_at=made_vault.clock.now()),
    )
    final = s.sharing.finalise(share)
    assert final.called_back_by == s.me.full_name and final.verified_how.startswith("Rang")


# --- declining ----------------------------------------------------------------------------------


def test_a_decline_records_reasons_and_the_talk_with_the_requester(
    made_vault: VaultUnderTest, child: int
) -> None:
    s = made_vault.session
    share = s.sharing.open(intake(made_vault, child, requester_org="A solicitor's office")).id
    record = s.sharing.save_answers(share, {Q.PURPOSE: A.NO})
    assert record.outcome.verdict is Verdict.DO_NOT_SHARE and not record.outcome.backing_required
    assert [f for f, _ in s.sharing.missing(record)] == ["reasons", "discussed_with_requester"]
    record = s.sharing.save_outcome(
        share, OutcomeDraft(reasons="A private dispute between the parents.", discussed_with_requester=False)
    )
    assert [f for f, _ in s.sharing.missing(record)] == ["discussed_note"]
    s.sharing.save_outcome(
        share,
        OutcomeDraft(
            reasons="A private dispute between the parents.",
            discussed_with_requester=True,
            discussed_note="Explained by phone that we share only to keep a child safe.",
        ),
    )
    final = s.sharing.finalise(share)
    assert (
        final.outcome.verdict is Verdict.DO_NOT_SHARE and final.items == () and final.discussed_with_requester
    )


# --- never rewritten ----------------------------------------------------------------------------


def finalised(made: VaultUnderTest, kid: int) -> ShareRecord:
    s = made.session
    share = s.sharing.open(intake(made, kid, concern_ids=(log_concern(s, made, kid),))).id
    s.sharing.save_answers(share, WITH_CONSENT)
    s.sharing.save_outcome(
        share,
        full_outcome(
            s,
            made,
            share,
            lawful_basis=LawfulBasis.CONSENT,
            family_told=FamilyTold.WILL_TELL,
            family_reason="",
        ),
    )
    today = made.clock.now().date()
    return s.sharing.finalise(
        share,
        [
            NewFollowUp(FollowUpKind.TELL_FAMILY, today + timedelta(days=1)),
            NewFollowUp(FollowUpKind.CONFIRM_RECEIPT, today + timedelta(days=3)),
        ],
    )


def test_a_finalised_decision_is_never_rewritten(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    record = finalised(made_vault, child)
    with pytest.raises(ValidationError, match="never rewritten"):
        s.sharing.save_answers(record.id, {Q.PURPOSE: A.NO})
    with pytest.raises(ValidationError, match="never rewritten"):
        s.sharing.save_outcome(record.id, OutcomeDraft(reasons="Changed my mind"))
    with pytest.raises(ValidationError, match="never rewritten"):
        s.sharing.update_intake(record.id, intake(made_vault, child))
    with pytest.raises(ValidationError, match="never rewritten"):
        s.sharing.record_advice(record.id, question=Q.PURPOSE, adviser="x", advice="y", child_named=False)
    with pytest.raises(ValidationError, match="never rewritten"):
        s.sharing.finalise(record.id)
    db = s.context.database
    for sql in (
        "UPDATE share_request SET reasons = 'rewritten' WHERE id = ?",
        "DELETE FROM share_request WHERE id = ?",
        "DELETE FROM share_item WHERE request_id = ?",
        "UPDATE share_item SET content = 'rewritten' WHERE request_id = ?",
        "INSERT INTO share_item (request_id, source, label, content, nature) "
        "VALUES (?, 'other', 'x', 'y', 'fact')",
        "DELETE FROM share_child WHERE request_id = ?",
    ):
        with pytest.raises(sqlcipher3.IntegrityError, match="never"), db.transaction() as tx:
            tx.execute(sql, (record.id,))
    assert s.sharing.get(record.id) == replace(record, may_decide=record.may_decide)


def test_amendments_keep_the_original(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    record = finalised(made_vault, child)
    got = s.sharing.amend(
        record.id, field="shared_how", new_text="By hand, in a sealed envelope", reason="Wrong"
    )
    assert (
        got.shared_how == record.shared_how and got.current("shared_how") == "By hand, in a sealed envelope"
    )
    assert got.amendments[0].original == record.shared_how and got.amendments[0].amended_by == s.me.full_name
    with pytest.raises(ValidationError, match="same as the current text"):
        s.sharing.amend(
            record.id, field="shared_how", new_text="By hand, in a sealed envelope", reason="Again"
        )
    with pytest.raises(ValidationError, match="which part"):
        s.sharing.amend(record.id, field="verdict", new_text="do_not_share", reason="Oops")
    with pytest.raises(ValidationError, match="Reason for the correction"):
        s.sharing.amend(record.id, field="reasons", new_text="Better words", reason=" ")
    open_one = s.sharing.open(intake(made_vault, child)).id
    with pytest.raises(ValidationError, match="not finalised yet"):
        s.sharing.amend(open_one, field="reasons", new_text="x", reason="y")
    with pytest.raises(sqlcipher3.IntegrityError), s.context.database.transaction() as tx:
        tx.execute("UPDATE share_amendment SET new_text = 'x'")


# --- follow-ups ---------------------------------------------------------------------------------


def test_follow_ups_fall_due_and_show_on_the_queue(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    record = finalised(made_vault, child)
    assert [f.kind for f in record.followups] == [FollowUpKind.TELL_FAMILY, FollowUpKind.CONFIRM_RECEIPT]
    assert s.sharing.queue() == [] and s.sharing.counts().overdue_followups == 0
    made_vault.clock.advance(2 * 86_400)
    queue = s.sharing.queue()
    assert [(q.id, q.overdue_followups, q.open_followups) for q in queue] == [(record.id, 1, 2)]
    assert s.sharing.counts().overdue_followups == 1
    done = s.sharing.complete_followup(record.followups[0].id, note="Told mother at collection.")
    assert done.followups[0].done_by == s.me.full_name and done.followups[0].done_note.startswith("Told")
    assert s.sharing.queue() == []
    with pytest.raises(ValidationError, match="already marked done"):
        s.sharing.complete_followup(record.followups[0].id)
    with pytest.raises(ValidationError, match="already passed"):
        s.sharing.add_followup(record.id, NewFollowUp(FollowUpKind.REVIEW, date(2020, 1, 1)))
    with pytest.raises(ValidationError, match="What needs doing"):
        s.sharing.add_followup(record.id, NewFollowUp(FollowUpKind.OTHER, made_vault.clock.now().date()))
    later = s.sharing.add_followup(
        record.id, NewFollowUp(FollowUpKind.REVIEW, made_vault.clock.now().date() + timedelta(days=30))
    )
    assert len(later.followups) == 3


def test_every_view_and_list_is_audited(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    share = s.sharing.open(intake(made_vault, child)).id
    s.sharing.get(share)
    s.sharing.queue()
    s.sharing.for_child(child)
    actions = audit_actions(s, 5)
    assert actions.count("share.listed") == 2 and "share.viewed" in actions
    viewed = next(e for e in s.audit.entries(limit=10) if e.action == "share.viewed")
    assert viewed.detail == {"children": [child]}


def test_a_right_backing_password_ends_the_run_of_failures(made_vault: VaultUnderTest, child: int) -> None:
    add_backer(made_vault)
    s = made_vault.session
    record = decided_without_consent(made_vault, child)
    for _ in range(4):
        with pytest.raises(WrongPassword):
            s.sharing.confirm_backing(record.id, username=BACKER, password="not it")
    s.sharing.confirm_backing(record.id, username=BACKER, password=BACKER_PASSWORD)
    # Four more mistakes are again free of any wait, as after a successful sign-in.
    s.sharing.save_outcome(record.id, full_outcome(s, made_vault, record.id, recipient_name="Another"))
    for _ in range(4):
        with pytest.raises(WrongPassword) as wrong:
            s.sharing.confirm_backing(record.id, username=BACKER, password="not it")
        assert wrong.value.retry_after == 0


def test_saved_items_name_the_choice_they_came_from(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    concern = log_concern(s, made_vault, child)
    share = s.sharing.open(intake(made_vault, child, concern_ids=(concern,))).id
    s.sharing.save_answers(share, WITH_CONSENT)
    keys = (f"child:{child}", f"concern:{concern}:child_words")
    got = s.sharing.save_outcome(share, OutcomeDraft(items=tuple(ChosenItem(k, Nature.FACT) for k in keys)))
    assert tuple(i.key for i in got.items) == keys


def test_the_consent_reason_is_kept_unless_given_again(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    share = s.sharing.open(intake(made_vault, child)).id
    s.sharing.save_answers(share, WITHOUT_CONSENT, consent_reason="Asking would alert him.")
    assert s.sharing.save_answers(share, WITHOUT_CONSENT).consent_reason == "Asking would alert him."
    assert s.sharing.save_answers(share, WITHOUT_CONSENT, consent_reason="").consent_reason == ""


def test_anonymous_figures_need_no_word_to_the_family(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    share = s.sharing.open(
        intake(made_vault, child, asked_for="How many two-year-olds took up funded places")
    ).id
    s.sharing.save_answers(share, {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.NO})
    record = s.sharing.save_outcome(
        share,
        OutcomeDraft(
            reasons="Figures only; nobody can be identified.",
            recipient_name="Early years team",
            recipient_org="Anytown Council",
            shared_how="Email",
            secured_how="Totals only",
            shared_on=made_vault.clock.now().date(),
            items=(ChosenItem("other", Nature.FACT, label="Totals", content="12 funded two-year-olds"),),
        ),
    )
    assert s.sharing.missing(record) == []


def test_a_not_sure_answer_changes_only_after_advice(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    share = s.sharing.open(intake(made_vault, child)).id
    s.sharing.save_answers(share, {Q.PURPOSE: A.NOT_SURE})
    with pytest.raises(ValidationError, match="record the advice"):
        s.sharing.save_answers(share, {Q.PURPOSE: A.YES})
    s.sharing.record_advice(
        share, question=Q.PURPOSE, adviser="LADO", advice="A legitimate purpose.", child_named=False
    )
    assert s.sharing.save_answers(share, {Q.PURPOSE: A.YES}).answers[Q.PURPOSE] is A.YES


def test_a_finalised_decision_shows_the_verdict_recorded_then(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    record = finalised(made_vault, child)
    # Were the decision path ever to change, the stored verdict and ground are what the record says.
    with s.context.transaction() as tx:
        tx.execute("DROP TRIGGER share_request_is_final")
        tx.execute('UPDATE share_request SET answers = \'{"purpose": "no"}\' WHERE id = ?', (record.id,))
    again = s.sharing.get(record.id)
    assert again.outcome.verdict is Verdict.SHARE and again.outcome.ground is record.outcome.ground


def test_a_proactive_share_says_how_it_arose(made_vault: VaultUnderTest, child: int) -> None:
    with pytest.raises(ValidationError, match="our own decision"):
        made_vault.session.sharing.open(
            intake(made_vault, child, direction=Direction.PROACTIVE, received_via=Channel.EMAIL)
        )


def test_follow_ups_are_set_on_finalised_decisions(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    share = s.sharing.open(intake(made_vault, child)).id
    with pytest.raises(ValidationError, match="not finalised yet"):
        s.sharing.add_followup(share, NewFollowUp(FollowUpKind.REVIEW, made_vault.clock.now().date()))


def test_a_withheld_address_is_offered_with_a_caution(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    kid = s.children.get(child)
    mother = kid.carers[0].id
    s.children.update(child, replace_details(kid, address="3 Hidden Row"))
    father = s.children.add_carer(child, CarerDetails("Thomas Ålund", "Father", True, False)).carers
    father_id = next(c.id for c in father if c.full_name == "Thomas Ålund")
    s.children.set_withheld(child, mother, [father_id])
    share = s.sharing.open(intake(made_vault, child, carer_ids=(mother, father_id))).id
    s.sharing.save_answers(share, WITH_CONSENT)
    choices = {c.key: c for c in s.sharing.item_choices(share)}
    assert "Withheld from another carer" in choices[f"carer:{mother}"].caution
    assert "Withheld from another carer" in choices[f"child:{child}"].caution
    assert choices[f"carer:{father_id}"].caution == "" and choices[f"carer:{mother}"].shareable


def replace_details(kid: object, **changes: object) -> ChildDetails:
    fields = {
        "legal_name": kid.legal_name,  # type: ignore[attr-defined]
        "date_of_birth": kid.date_of_birth,  # type: ignore[attr-defined]
        "start_date": kid.start_date,  # type: ignore[attr-defined]
    }
    fields.update(changes)
    return ChildDetails(**fields)  # type: ignore[arg-type]


def test_a_key_workers_correction_keeps_what_she_cannot_see(made_vault: VaultUnderTest, child: int) -> None:
    made_vault.add_person(KW, "Siobhán Ní Bhriain", {Role.KEY_WORKER}, KW_PASSWORD)
    dsl_concern = log_concern(made_vault.session, made_vault, child)
    made_vault.session.close()
    kw = made_vault.vault.sign_in(KW, KW_PASSWORD)
    own = log_concern(kw, made_vault, child)
    phoned = intake(
        made_vault,
        child,
        received_via=Channel.PHONE,
        phone_number="01632 960 111",
        verified_how="Switchboard",
        called_back_at=made_vault.clock.now(),
        concern_ids=(own,),
    )
    share = kw.sharing.open(phoned).id
    kw.close()
    manager = made_vault.sign_in()
    manager.sharing.update_intake(share, replace(phoned, concern_ids=(own, dsl_concern)))
    manager.close()
    kw = made_vault.vault.sign_in(KW, KW_PASSWORD)
    kw.sharing.update_intake(share, replace(phoned, asked_for="Attendance only"))
    kw.close()
    got = made_vault.sign_in().sharing.get(share)
    assert {c.id for c in got.concerns} == {own, dsl_concern}
    # The call back is still Siobhán's, though the manager corrected the intake in between.
    assert got.called_back_by == "Siobhán Ní Bhriain"


def test_every_decision_lists_the_first_two_hundred_in_queue_order(
    made_vault: VaultUnderTest, child: int
) -> None:
    s = made_vault.session
    first = s.sharing.open(intake(made_vault, child, urgency=Urgency.URGENT)).id
    for _ in range(SEARCH_LIMIT):
        s.sharing.open(intake(made_vault, child, urgency=Urgency.ROUTINE))
    listed = s.sharing.queue(include_final=True)
    assert len(listed) == SEARCH_LIMIT and listed[0].id == first
    assert len(s.sharing.queue()) == SEARCH_LIMIT + 1  # the open ones are never cut short
    assert [r.id for r in s.sharing.queue(search="zoë", include_final=True)][:1] == [first]
