"""The information-sharing decision record PDF, built from real records in a real vault and read
back with poppler (pdftotext, pdfinfo).

Records of several kinds: a share without consent (backed by a second DSL, with follow-ups, a
correction, and another agency's information left out), a decline discussed with the requester,
a record still open, and advice recorded after "not sure". Fictional people only, with names in
several scripts. Without poppler-utils the read-back tests are skipped, unless
``SHAREWISE_REQUIRE_INTEGRATION=1`` (set in CI), when they fail instead. Nothing is written to
disk: the PDFs are piped to poppler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from app.children import CarerDetails, ChildDetails, ProfessionalDetails
from app.concerns import NewConcern
from app.documents import REQUIRES, DocumentKind
from app.errors import PermissionDenied
from app.policy.permissions import Action, Role
from app.policy.sharing_path import Answer as A
from app.policy.sharing_path import LawfulBasis, SpecialCondition
from app.policy.sharing_path import Question as Q
from app.reports.decision_record import (
    CONFIDENTIAL,
    DRAFT,
    SIGNATURE,
    TITLE,
    DecisionRecordPdf,
    build_decision_record,
)
from app.session import Session
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
    ShareRecord,
    Urgency,
)
from tests.app.test_chronology_pdf import info_of, text_of
from tests.conftest import PROVIDER, VaultUnderTest

CHILD = "Zoë Ålund"
SISTER = "Łucja Ålund"
MUM = "Siobhán Ålund"
HEALTH_VISITOR = "Αθηνά Γεωργίου"
SOCIAL_WORKER = "Αλέξανδρος Παπαδόπουλος"
BACKER_USERNAME = "dmitry"
BACKER = "Дмитрий Иванов"
BACKER_PASSWORD = "silver kettle mountain"
KW_USERNAME = "lan"
KW_PASSWORD = "silver pebble orchard"
SOLICITOR = "Nguyễn Văn An"
FACTS = "Bruise on the shin, about 2 cm"
OPINION = "Seemed withdrawn at lunch"
AGENCY_FACTS = "Health visitor reports missed appointments"
REASONS = "Child at risk of significant harm"
CORRECTED = "Child at risk of significant harm; the police are also involved"
PRINTED_AT = datetime(2026, 9, 6, 8, 15, tzinfo=UTC)  # 09:15 in the UK (summer time)


@dataclass
class Shared:
    made: VaultUnderTest
    record: ShareRecord
    draft: ShareRecord  # the same request before it was backed and finalised

    @property
    def session(self) -> Session:
        return self.made.session


def category(session: Session, name: str) -> int:
    return next(int(c.id) for c in session.concerns.categories() if c.name == name)


def build(record: ShareRecord, *, printed_at: datetime = PRINTED_AT) -> DecisionRecordPdf:
    return build_decision_record(
        record, provider_name=PROVIDER.name, printed_by="Zoë Adams", printed_at=printed_at
    )


def add_child(made: VaultUnderTest, name: str = CHILD) -> int:
    details = ChildDetails(legal_name=name, known_as="", date_of_birth="2023-02-03", start_date="2025-09-01")
    return int(made.session.children.add(details).id)


@pytest.fixture
def shared(made_vault: VaultUnderTest) -> Shared:
    """A telephone request from children's social care, shared without consent on a statutory
    duty, backed by a second DSL, finalised with two follow-ups (one done), then corrected. One
    linked concern came from another agency without its consent, so it is not shared."""
    m = made_vault
    s = m.session
    kid = add_child(m)
    child = s.children.add_carer(kid, CarerDetails(MUM, "Mother", True, True, phone="07700 900 123"))
    child = s.children.add_professional(
        kid, ProfessionalDetails("Anytown Health", HEALTH_VISITOR, "Health visitor")
    )
    own = s.concerns.log(
        NewConcern(
            child_id=kid,
            seen_at=m.clock.now() - timedelta(hours=2),
            category_id=category(s, "Injury or mark"),
            facts=FACTS,
            opinion=OPINION,
        )
    )
    agency = s.concerns.log(
        NewConcern(
            child_id=kid,
            seen_at=m.clock.now() - timedelta(hours=3),
            category_id=category(s, "Something else"),
            facts=AGENCY_FACTS,
            third_party_source="Anytown Health Visiting Team",
        )
    )
    r = s.sharing.open(
        Intake(
            direction=Direction.REQUEST,
            received_via=Channel.PHONE,
            received_at=m.clock.now() - timedelta(minutes=30),
            child_ids=(kid,),
            asked_for="Attendance and concerns since June",
            purpose="Section 47 enquiry",
            urgency=Urgency.URGENT,
            requester_org="Anytown Children's Social Care",
            requester_name=SOCIAL_WORKER,
            requester_role="Social worker",
            requester_contact="a.papadopoulos@anytown.example",
            carer_ids=(child.carers[0].id,),
            concern_ids=(own.id, agency.id),
            professional_ids=(child.professionals[0].id,),
            phone_number="01632 960 111",
            verified_how="Council switchboard",
            called_back_at=m.clock.now(),
        )
    )
    r = s.sharing.save_answers(
        r.id,
        {
            Q.PURPOSE: A.YES,
            Q.IDENTIFIABLE: A.YES,
            Q.CONFIDENTIAL: A.YES,
            Q.CHILD_AT_RISK: A.YES,
            Q.CONSENT: A.NOT_SOUGHT,
            Q.OTHER_REASON: A.STATUTORY_DUTY,
        },
        consent_reason="Asking would alert the alleged abuser",
    )
    choices = s.sharing.item_choices(r.id)
    assert [c.shareable for c in choices if AGENCY_FACTS in c.content] == [False]
    r = s.sharing.save_outcome(
        r.id,
        OutcomeDraft(
            reasons=REASONS,
            lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
            special_condition=SpecialCondition.SAFEGUARDING,
            recipient_name=SOCIAL_WORKER,
            recipient_org="Anytown CSC",
            recipient_role="Social worker",
            shared_how="Secure email",
            secured_how="Encrypted email to a named address",
            retention="Kept on the child's social care file for the enquiry",
            shared_on=m.clock.now().date(),
            family_told=FamilyTold.NOT_TOLD,
            family_reason="Telling them would raise the risk",
            identity_protection="The staff member who saw the bruise is not named",
            items=tuple(ChosenItem(x.key, x.nature) for x in choices if x.shareable),
        ),
    )
    draft = r
    m.add_person(BACKER_USERNAME, BACKER, {Role.DSL}, BACKER_PASSWORD)
    s = m.session
    r = s.sharing.confirm_backing(r.id, username=BACKER_USERNAME, password=BACKER_PASSWORD)
    today = m.clock.now().date()
    r = s.sharing.finalise(
        r.id,
        [
            NewFollowUp(FollowUpKind.TELL_FAMILY, today + timedelta(days=1), "Once CSC agree"),
            NewFollowUp(FollowUpKind.CONFIRM_RECEIPT, today + timedelta(days=2)),
        ],
    )
    m.clock.advance(3600)
    r = s.sharing.complete_followup(r.followups[0].id, note="CSC agreed; mother told at collection")
    r = s.sharing.amend(r.id, field="reasons", new_text=CORRECTED, reason="Left out the police")
    return Shared(m, r, draft)


# --- a share without consent -----------------------------------------------------------------


def test_the_request_and_the_people_are_all_there(shared: Shared) -> None:
    text = text_of(build(shared.record))
    assert PROVIDER.name in text
    assert TITLE in text
    assert f"Decision {shared.record.id} · Decided" in text
    assert f"Child {CHILD}, born 03/02/2023" in text
    assert f"Parent or carer {MUM}" in text
    assert f"Professional {HEALTH_VISITOR}, Health visitor, Anytown Health" in text
    assert "Direction Request received" in text
    assert "Received via Telephone" in text
    assert "When (UK time) 01/09/2026 09:30" in text  # 08:30 UTC in summer
    assert "Urgency Urgent — today" in text
    assert "Who asked: organisation Anytown Children's Social Care" in text
    assert f"Who asked: name {SOCIAL_WORKER}" in text
    assert "Who asked: role Social worker" in text
    assert "a.papadopoulos@anytown.example" in text
    assert "What was asked for Attendance and concerns since June" in text
    assert "The stated purpose Section 47 enquiry" in text
    # The telephone identity check: number, how it was checked, the call back and by whom.
    assert "Number taken 01632 960 111" in text
    assert "Council switchboard" in text
    assert "Called back 01/09/2026 10:00 by Zoë Adams" in text


def test_the_path_and_the_outcome_are_printed_in_words(shared: Shared) -> None:
    text = text_of(build(shared.record))
    # A question that wraps in its cell reads out around its answer, so whole rows are checked
    # only for questions that fit on one line.
    assert "3 Is the information confidential? Yes" in text
    assert "6 Is there another lawful reason to share? A statutory duty or a court order" in text
    order = [
        Q.PURPOSE.text,
        Q.IDENTIFIABLE.text,
        Q.CONFIDENTIAL.text,
        Q.CHILD_AT_RISK.text,
        Q.CONSENT.text,
        Q.OTHER_REASON.text,
    ]
    positions = [text.index(f"{n} {question[:30]}") for n, question in enumerate(order, start=1)]
    assert positions == sorted(positions)
    assert Q.CRITICAL_CRITERION.text not in text  # not on the path walked
    assert A.NOT_SOUGHT.label in text
    assert "Decision Share" in text
    assert "Ground A statutory duty or court order" in text
    assert "Why we went on without consent Asking would alert the alleged abuser" in text
    assert LawfulBasis.LEGAL_OBLIGATION.label in text
    assert "Article 9(2)(g) with DPA 2018 Schedule 1 paragraph 18" in text
    assert "No advice was recorded." in text


def test_what_was_shared_is_marked_fact_or_opinion(shared: Shared) -> None:
    record = shared.record
    assert {i.nature for i in record.items} == {Nature.FACT, Nature.OPINION}
    text = text_of(build(record))
    assert f"FACT {CHILD}: name, date of birth, address {CHILD}, born 03/02/2023" in text
    assert "FACT Concern of 01/09/2026" in text and FACTS in text
    assert f"OPINION Concern of 01/09/2026 (Injury or mark): opinion {OPINION}" in text
    assert f"Shared with: name {SOCIAL_WORKER}" in text
    assert "Shared with: role Social worker" in text
    assert "Shared with: organisation Anytown CSC" in text
    assert "How it is shared Secure email" in text
    assert "How it is kept secure Encrypted email to a named address" in text
    assert "How long the recipient keeps it Kept on the child's social care file" in text
    assert "When it is shared 01/09/2026" in text
    assert "Is the family told? The family is not being told" in text
    assert "Why the family is not told Telling them would raise the risk" in text
    assert "The staff member who saw the bruise is not named" in text
    assert "Not shared" not in text


def test_another_agencys_information_is_listed_but_not_shared(shared: Shared) -> None:
    assert all(AGENCY_FACTS not in item.content for item in shared.record.items)
    text = text_of(build(shared.record))
    assert AGENCY_FACTS not in text
    assert (
        "Information from another agency (Anytown Health Visiting Team): "
        "not shared without that agency's consent." in text
    )


def test_the_backer_the_decider_and_the_follow_ups(shared: Shared) -> None:
    text = text_of(build(shared.record))  # printed five days on: one follow-up is overdue
    assert f"Backed by {BACKER} (Designated safeguarding lead)" in text
    assert "Confirmed with their own username and password on this PC" in text
    assert "Name Zoë Adams Role Manager and Designated safeguarding lead" in text
    assert "Date and time (UK) 01/09/2026 10:00" in text
    assert "Tell the family: Once CSC agree 02/09/2026 Done 01/09/2026 11:00 by Zoë Adams" in text
    assert "CSC agreed; mother told at collection" in text
    assert "Confirm it was received 03/09/2026 Not done: OVERDUE" in text
    assert "Decision maker: Zoë Adams (Manager and Designated safeguarding lead)" in text
    assert SIGNATURE.startswith("Signed ____")
    assert "Signed ____" in text and "Date ____" in text
    early = text_of(build(shared.record, printed_at=datetime(2026, 9, 1, 12, 0, tzinfo=UTC)))
    assert "Confirm it was received 03/09/2026 Not done yet" in early
    assert "OVERDUE" not in early


def test_a_correction_shows_the_current_text_and_keeps_the_original(shared: Shared) -> None:
    text = text_of(build(shared.record))
    assert f"Reasons for the decision (corrected: see Corrections) {CORRECTED}" in text
    assert "Correction 1: Reasons for the decision" in text
    assert f"Was {REASONS} Now {CORRECTED}" in text
    assert "Reason for the correction Left out the police" in text
    assert "Corrected by Zoë Adams, on 01/09/2026 11:00" in text


def test_pages_are_counted_marked_and_the_metadata_names_nobody(shared: Shared) -> None:
    pdf = build(shared.record)
    info = info_of(pdf)
    assert int(info["Pages"]) == pdf.pages >= 2
    assert "(A4)" in info["Page size"]
    text = text_of(pdf)
    assert text.count(CONFIDENTIAL) == pdf.pages
    for page in range(1, pdf.pages + 1):
        assert f"Page {page} of {pdf.pages}" in text
    assert pdf.warnings == ()
    assert DRAFT not in text and "DRAFT" not in text
    assert info["Title"] == TITLE
    assert info.get("Author", "") == "" and info.get("Subject", "") == "" and info.get("Keywords", "") == ""
    everything = "\n".join(info.values())
    for part in ("Zoë", "Ålund", "lund", "Siobhán", "Αλέξανδρος", "Дмитрий", "Anytown"):
        assert part not in everything
    assert b"lund" not in pdf.data and b"Anytown" not in pdf.data  # nothing beside the page text


# --- the same request before it was decided --------------------------------------------------


def test_a_record_not_yet_finalised_says_draft_on_every_page(shared: Shared) -> None:
    pdf = build(shared.draft)
    text = text_of(pdf)
    assert f"Decision {shared.draft.id} · Awaiting decision" in text
    assert text.count(DRAFT) >= pdf.pages  # the banner, and every later page's running header
    assert "Decided by Not yet decided." in text
    assert "Not yet backed." in text
    assert "Corrections" not in text


def test_an_open_record_without_answers_builds(made_vault: VaultUnderTest) -> None:
    kid = add_child(made_vault, "Дарья Ålund")
    record = made_vault.session.sharing.open(
        Intake(
            direction=Direction.REQUEST,
            received_via=Channel.LETTER,
            received_at=made_vault.clock.now() - timedelta(days=1),
            child_ids=(kid,),
            asked_for="A copy of the attendance register",
            requester_org="Anytown Primary",
            requester_name="Siobhán Byrne",
        )
    )
    pdf = build(record)
    text = text_of(pdf)
    assert DRAFT in text
    assert "Child Дарья Ålund, born 03/02/2023" in text
    assert "Received via Letter" in text
    assert "When (UK time) 31/08/2026 10:00" in text
    assert "No question has been answered yet." in text
    assert f"Next question: {Q.PURPOSE.text}" in text
    assert "Decision Not yet decided" in text
    assert "Number taken" not in text  # no identity check for a letter
    assert "No follow-ups were recorded." in text
    assert pdf.pages == int(info_of(pdf)["Pages"])


# --- a decline -------------------------------------------------------------------------------


def test_a_decline_gives_the_reasons_and_the_discussion_with_the_requester(
    made_vault: VaultUnderTest,
) -> None:
    s = made_vault.session
    kid = add_child(made_vault, "Nguyễn Thị Mai")
    r = s.sharing.open(
        Intake(
            direction=Direction.REQUEST,
            received_via=Channel.EMAIL,
            received_at=made_vault.clock.now() - timedelta(hours=4),
            child_ids=(kid,),
            asked_for="Who collects the child and when",
            purpose="Contact dispute",
            requester_org="Byrne & Kowalska Solicitors",
            requester_name=SOLICITOR,
            requester_role="Solicitor for the father",
        )
    )
    r = s.sharing.save_answers(r.id, {Q.PURPOSE: A.NO})
    r = s.sharing.save_outcome(
        r.id,
        OutcomeDraft(
            reasons="A dispute between adults is not a safeguarding purpose",
            discussed_with_requester=True,
            discussed_note=f"Explained to {SOLICITOR} by telephone; a court order would be considered",
        ),
    )
    r = s.sharing.finalise(r.id)
    text = text_of(build(r))
    assert "Decision Do not share" in text
    assert "Reasons for the decision A dispute between adults is not a safeguarding purpose" in text
    assert "Not shared What happens The information is not shared." in text
    assert "Reasons discussed with the requester? Yes" in text
    assert f"Explained to {SOLICITOR} by telephone" in text
    assert "Consent Not asked: the decision path did not reach it" in text
    assert "Management backing Not needed" in text
    assert "What is shared" not in text and "FACT" not in text and "Lawful basis" not in text
    assert "Received via Email" in text and "Number taken" not in text
    assert "DRAFT" not in text


# --- advice after "not sure" -----------------------------------------------------------------


def test_advice_sought_after_not_sure_is_printed_with_the_path_as_answered_again(
    made_vault: VaultUnderTest,
) -> None:
    s = made_vault.session
    kid = add_child(made_vault, "Αλέξανδρος Ålund")
    r = s.sharing.open(
        Intake(
            direction=Direction.PROACTIVE,
            received_via=Channel.OWN_INITIATIVE,
            received_at=made_vault.clock.now() - timedelta(hours=1),
            child_ids=(kid,),
            asked_for="That the child starts a new room on Monday",
            purpose="Settling-in support at the new childminder",
            requester_org="Anytown Childminding",
            requester_name="Łucja Kowalska",
        )
    )
    r = s.sharing.save_answers(r.id, {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES, Q.CONFIDENTIAL: A.NOT_SURE})
    r = s.sharing.record_advice(
        r.id,
        question=Q.CONFIDENTIAL,
        adviser="Siobhán Murphy, Early Years Adviser, Anytown Council",
        advice="A room move is not confidential; share it with the family's agreement",
        child_named=False,
    )
    waiting = text_of(build(r))
    assert f"Stopped to seek advice at: {Q.CONFIDENTIAL.text}" in waiting
    assert "Decision Seek advice before deciding" in waiting
    assert DRAFT in waiting
    r = s.sharing.save_answers(r.id, {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES, Q.CONFIDENTIAL: A.NO})
    choice = s.sharing.item_choices(r.id)[0]
    r = s.sharing.save_outcome(
        r.id,
        OutcomeDraft(
            reasons="Not confidential, and it helps the child settle",
            lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
            special_condition=SpecialCondition.NONE,
            recipient_name="Łucja Kowalska",
            recipient_org="Anytown Childminding",
            shared_how="Told in person at handover",
            secured_how="Spoken, not written down",
            shared_on=made_vault.clock.now().date(),
            family_told=FamilyTold.TOLD,
            items=(
                ChosenItem(choice.key, Nature.FACT),
                ChosenItem("other", Nature.OPINION, "How the child is settling", "Needs a quiet start"),
            ),
        ),
    )
    r = s.sharing.finalise(r.id)
    text = text_of(build(r))
    assert "What we want to share That the child starts a new room on Monday" in text
    assert "Received via Our own decision to share" in text
    assert "Who it is for: name Łucja Kowalska" in text
    assert "Advice 1" in text
    assert f"About the question {Q.CONFIDENTIAL.text}" in text
    assert "Adviser Siobhán Murphy, Early Years Adviser, Anytown Council" in text
    assert "Advice given A room move is not confidential" in text
    assert "Was the child named? No, the child was not named" in text
    assert "Recorded by Zoë Adams" in text
    assert f"3 {Q.CONFIDENTIAL.text} No" in text  # the path as answered after the advice
    assert "Ground The information is not confidential" in text
    assert "Management backing Not needed" in text
    assert "OPINION How the child is settling Needs a quiet start" in text
    assert "Is the family told? The family has been told" in text
    assert "Why the family is not told" not in text
    assert "DRAFT" not in text


# --- backing by consultation, and a demo vault ----------------------------------------------


def test_where_nobody_else_can_back_it_the_consultation_is_printed(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    assert s.sharing.may_consult_instead()  # Zoë is the only manager and DSL
    kid = add_child(made_vault, "Siobhán Ålund")
    r = s.sharing.open(
        Intake(
            direction=Direction.PROACTIVE,
            received_via=Channel.OWN_INITIATIVE,
            received_at=made_vault.clock.now(),
            child_ids=(kid,),
            asked_for="Our concern about a bruise",
        )
    )
    r = s.sharing.save_answers(
        r.id,
        {
            Q.PURPOSE: A.YES,
            Q.IDENTIFIABLE: A.YES,
            Q.CONFIDENTIAL: A.YES,
            Q.CHILD_AT_RISK: A.YES,
            Q.CONSENT: A.REFUSED,
            Q.OTHER_REASON: A.PUBLIC_INTEREST,
            Q.CRITICAL_CRITERION: A.REASONABLE_CAUSE,
        },
        consent_reason="Mother refused; the risk to the child outweighs it",
    )
    choice = s.sharing.item_choices(r.id)[0]
    r = s.sharing.save_outcome(
        r.id,
        OutcomeDraft(
            reasons="Reasonable cause to believe the child is at risk",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            special_condition=SpecialCondition.SAFEGUARDING,
            recipient_name="Front door duty worker",
            recipient_org="Anytown MASH",
            shared_how="Telephone, then the online referral form",
            secured_how="Council's secure portal",
            shared_on=made_vault.clock.now().date(),
            family_told=FamilyTold.WILL_TELL,
            items=(ChosenItem(choice.key, Nature.FACT),),
        ),
    )
    r = s.sharing.record_consulted(
        r.id, consulted="Αθηνά Γεωργίου, LADO, Anytown Council", how="By telephone at 10:05"
    )
    r = s.sharing.finalise(r.id)
    pdf = build_decision_record(
        r, provider_name=PROVIDER.name, printed_by="Zoë Adams", printed_at=PRINTED_AT, demo=True
    )
    text = text_of(pdf)
    assert "Consulted Αθηνά Γεωργίου, LADO, Anytown Council" in text
    assert "How and when they were consulted By telephone at 10:05" in text
    assert "Ground Public interest" in text
    assert f"Critical criterion (public interest) {A.REASONABLE_CAUSE.label}" in text
    assert f"Consent {A.REFUSED.label}" in text
    assert "Mother refused; the risk to the child outweighs it" in text
    assert "Is the family told? The family will be told" in text
    assert "DEMO — fictional data" in text
    assert "Backed by" not in text


# --- long text and text the font cannot show -------------------------------------------------


def test_long_reasons_flow_over_pages(shared: Shared) -> None:
    sentence = "The pattern of bruising and the missed appointments together raise the concern. "
    long_text = (sentence * 200)[:12_000] + " END OF REASONS"
    record = shared.session.sharing.amend(
        shared.record.id, field="reasons", new_text=long_text, reason="Fuller reasons"
    )
    pdf = build(record)
    assert pdf.pages >= build(shared.record).pages + 4  # both the current text and the trail
    text = text_of(pdf)
    assert text.count("END OF REASONS") == 2  # the current text, and "Now" in the correction
    assert "(continued)" in text
    assert f"Page {pdf.pages} of {pdf.pages}" in text
    assert int(info_of(pdf)["Pages"]) == pdf.pages


def test_a_name_the_font_lacks_prints_as_question_marks_with_a_warning(made_vault: VaultUnderTest) -> None:
    kid = add_child(made_vault)
    record = made_vault.session.sharing.open(
        Intake(
            direction=Direction.REQUEST,
            received_via=Channel.EMAIL,
            received_at=made_vault.clock.now(),
            child_ids=(kid,),
            asked_for="Attendance",
            requester_org="Anytown Family Hub",
            requester_name="王芳 🙂",
        )
    )
    pdf = build(record)
    assert len(pdf.warnings) == 1
    assert "cannot be printed with the built-in font and show as ?" in pdf.warnings[0]
    assert "王" in pdf.warnings[0] and "🙂" in pdf.warnings[0]
    text = text_of(pdf)
    assert "Who asked: name ?? ?" in text
    assert "王" not in text and "🙂" not in text
    assert "\u25a1" not in text and "\ufffd" not in text  # no boxes


# --- who may print it ------------------------------------------------------------------------


def test_only_those_who_decide_may_print_or_save_it(made_vault: VaultUnderTest) -> None:
    assert REQUIRES[DocumentKind.DECISION_RECORD] is Action.SHARING_DECIDE
    made_vault.add_person(KW_USERNAME, "Nguyễn Thị Lan", {Role.KEY_WORKER}, KW_PASSWORD)
    made_vault.session.close()
    session = made_vault.vault.sign_in(KW_USERNAME, KW_PASSWORD)
    with pytest.raises(PermissionDenied):
        session.documents.printed(DocumentKind.DECISION_RECORD, pages=2, about=("share_request", 1))
    with pytest.raises(PermissionDenied):
        session.documents.saved(DocumentKind.DECISION_RECORD, pages=2, about=("share_request", 1))
    session.close()
