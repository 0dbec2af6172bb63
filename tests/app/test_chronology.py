"""The chronology: one time-ordered view per child, partial for key workers, coded for sending;
with information-sharing requests, decisions and follow-ups, and file transfers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app import names
from app.children import CarerDetails, ChildDetails, ProfessionalDetails, VisitDetails
from app.chronology import EntryKind, code_names, coded_reference, heading_for
from app.concerns import NewConcern
from app.errors import PermissionDenied
from app.parent_contacts import NewParentContact
from app.policy.permissions import Role
from app.policy.sharing_path import Answer as A
from app.policy.sharing_path import LawfulBasis, SpecialCondition
from app.policy.sharing_path import Question as Q
from app.session import Session
from app.sharing import (
    Channel,
    ChosenItem,
    Direction,
    FamilyTold,
    FollowUpKind,
    Intake,
    NewFollowUp,
    OutcomeDraft,
    Urgency,
)
from tests.conftest import MANAGER_NAME, VaultUnderTest


def test_initials_and_coded_reference() -> None:
    assert names.initials("Zoë Okafor") == "Z.O."
    assert names.initials("Nguyễn Thị Lan") == "N.T.L."
    assert names.initials("Αλέξανδρος  Παπαδόπουλος") == "Α.Π."
    assert coded_reference("Łucja Nowak", date(2023, 2, 3)) == "Ł.N. 03/02/2023"


def test_code_names_replaces_whole_words_only() -> None:
    text = "Łucja said Anna Nowak shouted; Annabel was there. ŁUCJA cried."
    assert (
        code_names(text, ["Łucja Nowak", "Anna Nowak"])
        == "Ł. said A. N. shouted; Annabel was there. Ł. cried."
    )
    assert (
        code_names("They think it was Lars. Lars said no.", ["Lars Eriksson"])
        == "They think it was L. L. said no."
    )


def test_the_chronology_orders_everything_that_happened(made_vault: VaultUnderTest) -> None:
    s, clock = made_vault.session, made_vault.clock
    child = s.children.add(
        ChildDetails(
            legal_name="Łucja Nowak",
            known_as="Lucy",
            date_of_birth="2023-02-03",
            start_date="2025-09-01",
            room="Acorns",
        )
    )
    s.children.add_carer(child.id, CarerDetails("Anna Nowak", "Mother", True, True))
    s.children.add_professional(
        child.id,
        ProfessionalDetails("Social care", "Дмитрий Соколов", "Social worker", from_date="2026-06-01"),
    )
    first = s.concerns.log(
        NewConcern(
            child.id,
            clock.now() - timedelta(days=2),
            1,
            "Bruise on the arm.",
            "Anna did it",
            "Worried",
            dsl_told_at=clock.now() - timedelta(days=2) + timedelta(minutes=10),
            urgent=True,
        )
    )
    s.concerns.amend(first.id, field="facts", new_text="Bruise on the left arm.", reason="Which arm")
    s.concerns.review(first.id, note="Referred to social care.", review_date="2026-09-10")
    s.concerns.add_action(
        first.id, description="Follow up with Anna", assigned_to=s.me.id, due_date="2026-09-05"
    )
    s.children.log_visit(
        child.id,
        VisitDetails(
            "Αλέξανδρος", "Social care", clock.now() - timedelta(hours=3), "Home visit follow-up", s.me.id
        ),
    )
    s.parent_contacts.log(
        NewParentContact(clock.now() - timedelta(hours=1), "call", "Asked why", child_id=child.id)
    )
    clock.advance(60)
    chronology = s.chronology.for_child(child.id)
    kinds = [e.kind for e in chronology.entries]
    assert kinds[0] is EntryKind.STARTED and EntryKind.PROFESSIONAL in kinds
    assert kinds.index(EntryKind.CONCERN) < kinds.index(EntryKind.DSL_TOLD) < kinds.index(EntryKind.VISIT)
    assert [e.at for e in chronology.entries] == sorted(e.at for e in chronology.entries)
    concern_entry = next(e for e in chronology.entries if e.kind is EntryKind.CONCERN)
    assert concern_entry.urgent and "Bruise on the left arm." in concern_entry.detail
    assert "Opinion (not fact): Worried" in concern_entry.detail and "“Anna did it”" in concern_entry.detail
    amendment = next(e for e in chronology.entries if e.kind is EntryKind.AMENDMENT)
    assert "Was: Bruise on the arm." in amendment.detail and "Reason: Which arm" in amendment.detail
    assert (
        chronology.complete
        and heading_for(chronology) == "Chronology for Łucja Nowak (Lucy), born 03/02/2023"
    )
    entry = s.audit.entries(limit=1)[0]
    assert (entry.action, entry.subject_id) == ("chronology.viewed", str(child.id))
    assert entry.detail == {"entries": len(chronology.entries), "coded": False}

    coded = s.chronology.for_child(child.id, coded=True)
    text = " ".join(f"{e.title} {e.detail}" for e in coded.entries) + coded.child_name
    assert "Łucja" not in text and "Anna" not in text and "Nowak" not in text and "Lucy" not in text
    assert heading_for(coded) == "Chronology for Ł.N. 03/02/2023"


def test_a_key_worker_sees_a_partial_chronology_and_cannot_make_a_coded_copy(
    made_vault: VaultUnderTest,
) -> None:
    s, clock = made_vault.session, made_vault.clock
    child = s.children.add(
        ChildDetails(legal_name="Aoife Byrne", date_of_birth="2022-05-05", start_date="2025-01-06")
    )
    s.concerns.log(NewConcern(child.id, clock.now(), 1, "The DSL's own note."))
    made_vault.add_person("siobhán", "Siobhán Ní Bhriain", {Role.KEY_WORKER}, "copper violin garden")
    s = made_vault.session
    s.close()
    kw = made_vault.vault.sign_in("siobhán", "copper violin garden")
    kw.concerns.log(NewConcern(child.id, clock.now(), 2, "She said her tummy hurt."))
    seen = kw.chronology.for_child(child.id)
    assert not seen.complete
    details = [e.detail for e in seen.entries if e.kind is EntryKind.CONCERN]
    assert len(details) == 1 and "tummy" in details[0]
    with pytest.raises(PermissionDenied):
        kw.chronology.for_child(child.id, coded=True)


# --- information sharing and file transfers --------------------------------------------------

BACKER, BACKER_PASSWORD = "lucja", "quiet meadow compass"
KEY_WORKER, KEY_WORKER_PASSWORD = "siobhán", "copper violin garden"
WITHOUT_CONSENT = {
    Q.PURPOSE: A.YES,
    Q.IDENTIFIABLE: A.YES,
    Q.CONFIDENTIAL: A.YES,
    Q.CHILD_AT_RISK: A.YES,
    Q.CONSENT: A.NOT_SOUGHT,
    Q.OTHER_REASON: A.STATUTORY_DUTY,
}
DECLINED = {Q.PURPOSE: A.NO}


def _request(made: VaultUnderTest, kids: tuple[int, ...], **changes: object) -> Intake:
    now = made.clock.now()
    values: dict[str, object] = {
        "direction": Direction.REQUEST,
        "received_via": Channel.PHONE,
        "received_at": now - timedelta(minutes=30),
        "child_ids": kids,
        "asked_for": "Attendance this term and any concerns",
        "purpose": "Section 47 enquiry",
        "urgency": Urgency.URGENT,
        "requester_org": "Anytown Children's Social Care",
        "requester_name": "Αλέξανδρος Παπαδόπουλος",
        "requester_role": "Social worker",
        "phone_number": "01632 960 111",
        "verified_how": "Council switchboard",
        "called_back_at": now - timedelta(minutes=10),
    }
    values.update(changes)
    return Intake(**values)  # type: ignore[arg-type]


def _share_outcome(s: Session, share_id: int, today: date, **changes: object) -> OutcomeDraft:
    items = tuple(ChosenItem(c.key, c.nature) for c in s.sharing.item_choices(share_id) if c.shareable)
    values: dict[str, object] = {
        "reasons": "Reasonable cause to believe she is at risk of significant harm.",
        "lawful_basis": LawfulBasis.LEGAL_OBLIGATION,
        "special_condition": SpecialCondition.SAFEGUARDING,
        "recipient_name": "Αλέξανδρος Παπαδόπουλος",
        "recipient_role": "Social worker",
        "recipient_org": "Anytown Children's Social Care",
        "shared_how": "Secure email",
        "secured_how": "Encrypted email to the named social worker",
        "shared_on": today,
        "family_told": FamilyTold.NOT_TOLD,
        "family_reason": "Telling Anna now would put Łucja at more risk.",
        "items": items,
    }
    values.update(changes)
    return OutcomeDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def family(made_vault: VaultUnderTest) -> tuple[int, int, int, int]:
    """Two sisters with their mother, a concern about the elder, and a second DSL to back
    decisions; the manager is signed in. Returns (elder, younger, mother, concern)."""
    s = made_vault.session
    elder = s.children.add(
        ChildDetails(
            legal_name="Łucja Nowak", known_as="Lucy", date_of_birth="2022-02-03", start_date="2025-01-06"
        )
    )
    younger = s.children.add(
        ChildDetails(legal_name="Zofia Nowak", date_of_birth="2024-03-04", start_date="2025-09-01")
    )
    record = s.children.add_carer(elder.id, CarerDetails("Anna Nowak", "Mother", True, True))
    mother = record.carers[0].id
    s.children.link_carer(
        younger.id, mother, relationship="Mother", parental_responsibility=True, lives_with=True
    )
    concern = s.concerns.log(
        NewConcern(
            elder.id, made_vault.clock.now() - timedelta(days=1), 1, "Bruise on Łucja's arm.", "Anna did it"
        )
    )
    made_vault.add_person(BACKER, "Łucja Kowalska", {Role.DSL}, BACKER_PASSWORD)
    return int(elder.id), int(younger.id), int(mother), int(concern.id)


def test_sharing_decisions_and_transfers_join_the_chronology_in_time_order(
    made_vault: VaultUnderTest, family: tuple[int, int, int, int]
) -> None:
    elder, younger, mother, concern = family
    s, clock = made_vault.session, made_vault.clock
    today = clock.now().date()
    share = s.sharing.open(
        _request(made_vault, (elder, younger), carer_ids=(mother,), concern_ids=(concern,))
    )
    s.sharing.save_answers(share.id, WITHOUT_CONSENT, consent_reason="Asking would alert the alleged abuser.")
    s.sharing.save_outcome(share.id, _share_outcome(s, share.id, today))
    clock.advance(600)
    s.sharing.confirm_backing(share.id, username=BACKER, password=BACKER_PASSWORD)
    clock.advance(60)
    s.sharing.finalise(share.id, [NewFollowUp(FollowUpKind.CONFIRM_RECEIPT, today + timedelta(days=2))])
    clock.advance(3600)
    (followup,) = s.sharing.get(share.id).followups
    s.sharing.complete_followup(followup.id, note="Receipt confirmed by phone.")
    clock.advance(60)
    s.sharing.amend(
        share.id,
        field="reasons",
        new_text="Evidence of significant harm: a bruise and her words.",
        reason="Clearer",
    )
    clock.advance(60)
    declined = s.sharing.open(
        _request(
            made_vault,
            (elder,),
            received_via=Channel.EMAIL,
            urgency=Urgency.ROUTINE,
            requester_org="Anytown Police",
            requester_name="Kwame Mensah",
            requester_role="Police constable",
            phone_number="",
            called_back_at=None,
            asked_for="The mother's new address",
            purpose="A neighbour dispute",
        )
    )
    s.sharing.save_answers(declined.id, DECLINED)
    s.sharing.save_outcome(
        declined.id,
        OutcomeDraft(
            reasons="Not for keeping a child safe.",
            discussed_with_requester=True,
            discussed_note="Explained our policy by phone.",
        ),
    )
    clock.advance(60)
    s.sharing.finalise(declined.id)
    clock.advance(60)
    proactive = s.sharing.open(
        Intake(
            direction=Direction.PROACTIVE,
            received_via=Channel.OWN_INITIATIVE,
            received_at=clock.now(),
            child_ids=(elder,),
            asked_for="Her speech and language needs, for the new school",
            urgency=Urgency.ROUTINE,
        )
    )
    clock.advance(60)
    sent = s.transfers.record_sent(
        elder,
        receiving_setting="Example Road Primary School",
        receiving_person="Ayşe Demir",
        sent_how="By hand",
        sent_on=today,
    )
    clock.advance(60)
    s.transfers.record_receipt(sent.id, received_on=today, note="Signed receipt returned.")
    clock.advance(60)

    entries = s.chronology.for_child(elder).entries
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    sharing = [e for e in entries if e.share_id == share.id]
    assert [e.kind for e in sharing] == [
        EntryKind.SHARE_REQUEST,
        EntryKind.SHARE_DECISION,
        EntryKind.SHARE_FOLLOWUP,
        EntryKind.AMENDMENT,
    ]
    request, decision, done, correction = sharing
    assert request.title == "Request to share — Anytown Children's Social Care" and request.urgent
    assert "Asked for: Attendance this term and any concerns" in request.detail
    assert "Purpose: Section 47 enquiry" in request.detail and "Awaiting" not in request.detail
    assert request.by == MANAGER_NAME and decision.by == MANAGER_NAME
    assert decision.title == "Decision: Share (statutory duty) (corrected since; see below)"
    assert "With: Αλέξανδρος Παπαδόπουλος, Social worker, Anytown Children's Social Care" in decision.detail
    assert "Reasons: Evidence of significant harm: a bruise and her words." in decision.detail
    assert "Reasonable cause" not in decision.detail  # the current text, not the original
    assert "Items: Łucja Nowak: name, date of birth, address;" in decision.detail
    assert "(opinion)" not in decision.detail and "Anna did it" not in decision.detail  # labels only
    assert "Backed by Łucja Kowalska, Designated safeguarding lead" in decision.detail
    assert "The family is not being told: Telling Anna now" in decision.detail
    assert done.title == "Follow-up done: Confirm it was received" and "by phone" in done.detail
    assert "Was: Reasonable cause" in correction.detail and correction.concern_id is None
    no = next(e for e in entries if e.share_id == declined.id and e.kind is EntryKind.SHARE_DECISION)
    assert no.title == "Decision: Do not share"
    assert "Reasons discussed with the requester: Explained our policy by phone." in no.detail
    (open_one,) = [e for e in entries if e.share_id == proactive.id]
    assert (
        open_one.title == "We want to share information" and "Awaiting the DSL's decision." in open_one.detail
    )
    sent_entry, received_entry = [
        e for e in entries if e.kind in (EntryKind.TRANSFER_SENT, EntryKind.TRANSFER_RECEIVED)
    ]
    assert sent_entry.kind is EntryKind.TRANSFER_SENT and sent_entry.all_day
    assert sent_entry.title == "Child protection file sent to Example Road Primary School"
    assert "Ayşe Demir" in sent_entry.detail and "By hand" in sent_entry.detail
    assert (
        received_entry.kind is EntryKind.TRANSFER_RECEIVED
        and received_entry.detail == "Signed receipt returned."
    )
    # The younger sister's chronology holds the request about both, not the elder's file transfer.
    younger_kinds = [e.kind for e in s.chronology.for_child(younger).entries]
    assert EntryKind.SHARE_DECISION in younger_kinds and EntryKind.TRANSFER_SENT not in younger_kinds


def test_a_file_awaiting_receipt_says_when_it_is_due(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child = s.children.add(
        ChildDetails(legal_name="Kofi Mensah", date_of_birth="2021-05-05", start_date="2023-01-09")
    )
    s.transfers.record_sent(
        child.id, receiving_setting="Riverside Nursery", sent_how="Recorded delivery", sent_on="2026-08-21"
    )
    (entry,) = [e for e in s.chronology.for_child(child.id).entries if e.kind is EntryKind.TRANSFER_SENT]
    assert entry.at.date() == date(2026, 8, 21) and entry.by == MANAGER_NAME
    assert "Receipt not yet confirmed (due by 28/08/2026)" in entry.detail  # Friday to Friday


def test_a_key_worker_sees_only_the_sharing_requests_they_opened(
    made_vault: VaultUnderTest, family: tuple[int, int, int, int]
) -> None:
    elder, _younger, _mother, _concern = family
    s = made_vault.session
    dsl_request = s.sharing.open(_request(made_vault, (elder,))).id
    s.transfers.record_sent(
        elder,
        receiving_setting="Example Road Primary School",
        sent_how="By hand",
        sent_on=made_vault.clock.now().date(),
    )
    made_vault.add_person(KEY_WORKER, "Siobhán Ní Bhriain", {Role.KEY_WORKER}, KEY_WORKER_PASSWORD)
    made_vault.session.close()
    kw = made_vault.vault.sign_in(KEY_WORKER, KEY_WORKER_PASSWORD)
    own = kw.sharing.open(_request(made_vault, (elder,), requester_org="Anytown Health Visiting Team")).id
    seen = kw.chronology.for_child(elder)
    assert not seen.complete
    shares = {e.share_id for e in seen.entries if e.share_id is not None}
    assert shares == {own} and dsl_request not in shares
    (entry,) = [e for e in seen.entries if e.kind is EntryKind.SHARE_REQUEST]
    assert (
        entry.title == "Request to share — Anytown Health Visiting Team" and entry.by == "Siobhán Ní Bhriain"
    )
    assert not any(e.kind in (EntryKind.TRANSFER_SENT, EntryKind.TRANSFER_RECEIVED) for e in seen.entries)
    kw.close()
    manager = made_vault.sign_in()
    full = manager.chronology.for_child(elder)
    assert full.complete
    assert {e.share_id for e in full.entries if e.kind is EntryKind.SHARE_REQUEST} == {dsl_request, own}


def test_the_coded_copy_codes_every_name_in_the_sharing_entries(
    made_vault: VaultUnderTest, family: tuple[int, int, int, int]
) -> None:
    elder, younger, mother, concern = family
    s, clock = made_vault.session, made_vault.clock
    share = s.sharing.open(
        _request(
            made_vault,
            (younger, elder),
            carer_ids=(mother,),
            concern_ids=(concern,),
            asked_for="Whether Zofia and Łucja attend, and Anna Nowak's phone number",
        )
    )
    s.sharing.save_answers(share.id, WITHOUT_CONSENT, consent_reason="Asking Anna would raise the risk.")
    s.sharing.save_outcome(share.id, _share_outcome(s, share.id, clock.now().date()))
    s.sharing.confirm_backing(share.id, username=BACKER, password=BACKER_PASSWORD)
    s.sharing.finalise(share.id)
    # The mother is later taken off the younger child's record: the request keeps her name as it
    # was, and the coded copy of the younger child still codes it.
    s.children.remove_carer(younger, mother)
    for child in (elder, younger):
        plain = s.chronology.for_child(child)
        plain_text = " ".join(f"{e.title} {e.detail}" for e in plain.entries)
        assert "Anna Nowak" in plain_text and "Zofia Nowak" in plain_text and "Łucja Nowak" in plain_text
        coded = s.chronology.for_child(child, coded=True)
        decision = next(e for e in coded.entries if e.kind is EntryKind.SHARE_DECISION)
        assert "Z. N.: name, date of birth, address" in decision.detail
        text = " ".join(f"{e.title} {e.detail} {e.by}" for e in coded.entries if e.share_id is not None)
        for name in ("Łucja", "Lucy", "Zofia", "Anna", "Nowak"):
            assert name not in text, (child, name)
