"""Subject access requests through the core: due dates and extensions, what is gathered and
flagged, the DSL's decisions, release, and a released request that nothing can change.

A real vault (cheap KDF) and the manual clock (Tuesday 1 September 2026). One fictional family
with names in several scripts: the mother asks; the father's contact details are withheld from
her on the record. ``Family`` and ``family`` are used by the PDF and window tests too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlcipher3

from app.audit import AuditAction, AuditFilter
from app.children import CarerDetails, ChildDetails, ContactDetails, ProfessionalDetails, VisitDetails
from app.clock import ManualClock, add_months
from app.concerns import NewConcern
from app.consents import ConsentDetails, ConsentHow, ConsentStatus
from app.demo import create_demo_vault, demo_accounts
from app.errors import NotFound, ValidationError
from app.parent_contacts import ContactKind, NewParentContact
from app.session import Session
from app.sharing import Channel, Direction, Intake
from app.subject_access import (
    ANSWER_MONTHS,
    EXTENSION_MONTHS,
    FLAG_AGENCY,
    FLAG_DECISION,
    FLAG_MAY_BE_OTHERS,
    FLAG_OTHER_CALLER,
    FLAG_OTHER_PERSON,
    FLAG_SAFEGUARDING,
    WITHHELD_CARER_REASON,
    Exemption,
    NewRequest,
    PackItem,
    RequestStatus,
    Section,
)
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault
from tests.conftest import MANAGER_NAME, VaultUnderTest

TODAY = date(2026, 9, 1)
SEEN = datetime(2026, 8, 20, 10, 0, tzinfo=UTC)
CHILD = "Łucja Nguyễn"
KNOWN_AS = "Lulu"
MUM = "Дарья Nguyễn"
DAD = "Αλέξανδρος Παπαδόπουλος"
DAD_ADDRESS = "9 Hidden Lane WITHHELD-ADDRESS-SENTINEL"
GRAN = "Zoë Brennan"
CONTACT = "Siobhán Murphy"
FAMILY_NOTE = "Parents separated in 2025; contact arrangements are set by the court."
RELEASED_CONCERN = "RELEASED-CONCERN-SENTINEL: a small bruise on Lulu's left knee after outdoor play."
WITHHELD_CONCERN = "WITHHELD-CONCERN-SENTINEL: Lulu said her uncle shouts at night."
THIRD_PARTY_CONCERN = "THIRD-PARTY-SENTINEL: the health visitor reports two missed checks."
HEALTH = "Anytown Health Visiting Team"


@dataclass
class Family:
    made: VaultUnderTest
    child_id: int
    mum: int
    dad: int
    gran: int
    concern: int  # a concern the DSL releases
    withheld_concern: int  # a concern the DSL withholds (serious harm)
    third_party: int  # given by another agency

    @property
    def session(self) -> Session:
        return self.made.session

    def asked_by_mum(self, received: date | str = "2026-08-28") -> int:
        return int(
            self.session.subject_access.record(
                NewRequest(self.child_id, MUM, self.mum, "", received, "Known to staff; asked in person")
            ).id
        )


def family(made: VaultUnderTest) -> Family:
    s = made.session
    child = s.children.add(
        ChildDetails(
            legal_name=CHILD,
            known_as=KNOWN_AS,
            date_of_birth="2023-03-01",
            start_date="2025-09-01",
            room="Acorns",
            address="1 Safe Street\nAnytown AN1 1AA",
            family_circumstances=FAMILY_NOTE,
        )
    )
    child = s.children.add_carer(child.id, CarerDetails(MUM, "Mother", True, True, "1 Safe Street"))
    child = s.children.add_carer(
        child.id, CarerDetails(DAD, "Father", True, False, DAD_ADDRESS, "07700 900111")
    )
    child = s.children.add_carer(child.id, CarerDetails(GRAN, "Grandmother", False, False, "3 Oak Row"))
    mum, dad, gran = (int(c.id) for c in child.carers)
    s.children.set_withheld(child.id, dad, [mum])
    s.children.add_contact(child.id, ContactDetails(CONTACT, "07700 900222", "Neighbour", True))
    s.children.add_professional(
        child.id, ProfessionalDetails("Speech and language", "Kwame Mensah", "Therapist")
    )
    s.children.log_visit(
        child.id, VisitDetails("Ayşe Demir", HEALTH, SEEN, "Two-year check", supervised_by=s.me.id)
    )
    category = s.concerns.categories()[0].id
    concern = s.concerns.log(NewConcern(child.id, SEEN, category, RELEASED_CONCERN))
    withheld = s.concerns.log(NewConcern(child.id, SEEN, category, WITHHELD_CONCERN))
    third = s.concerns.log(
        NewConcern(child.id, SEEN, category, THIRD_PARTY_CONCERN, third_party_source=HEALTH)
    )
    s.consents.record(child.id, mum, 1, ConsentDetails(ConsentStatus.GIVEN, TODAY, ConsentHow.SIGNED_FORM))
    s.consents.record(child.id, dad, 3, ConsentDetails(ConsentStatus.REQUESTED, TODAY))
    s.parent_contacts.log(
        NewParentContact(SEEN, ContactKind.CALL, "Asked about the trip", MUM, child_id=child.id)
    )
    s.parent_contacts.log(
        NewParentContact(SEEN, ContactKind.VISIT, "Worried about pick-up", GRAN, child_id=child.id)
    )
    s.sharing.open(
        Intake(
            Direction.REQUEST,
            Channel.EMAIL,
            SEEN,
            (child.id,),
            "Attendance",
            requester_org="Anytown School",
            requester_name="Hannah Osei",
        )
    )
    s.transfers.record_sent(
        child.id, receiving_setting="St Mary's Primary", sent_how="By hand", sent_on=TODAY
    )
    return Family(made, int(child.id), mum, dad, gran, int(concern.id), int(withheld.id), int(third.id))


@pytest.fixture
def fam(made_vault: VaultUnderTest) -> Family:
    return family(made_vault)


def by_source(items: list[PackItem], section: Section) -> list[PackItem]:
    return [i for i in items if i.section is section]


def logged(made: VaultUnderTest, action: AuditAction) -> list[dict[str, object]]:
    """The details of the entries for ``action``, oldest first."""
    found = made.session.audit.entries(where=AuditFilter(action=action.value))
    return [e.detail for e in sorted(found, key=lambda e: e.id)]


def audit_count(s: Session) -> int:
    return int(s.context.database.scalar("SELECT count(*) FROM audit_log"))


def decide_the_rest(s: Session, request_id: int, *, withhold: dict[str, Exemption]) -> None:
    """Withhold the items whose content contains a key of ``withhold``; release every other
    item that still needs a decision."""
    for item in s.subject_access.items(request_id):
        match = next((e for text, e in withhold.items() if text in item.content), None)
        if match is not None:
            s.subject_access.decide(item.id, withhold=True, exemption=match, reason="Checked by the DSL.")
        elif item.needs_decision:
            s.subject_access.decide(item.id, withhold=False)


# --- due dates --------------------------------------------------------------------------------


def test_due_one_calendar_month_on_and_extended_by_two(fam: Family) -> None:
    s = fam.session
    assert (ANSWER_MONTHS, EXTENSION_MONTHS) == (1, 2)
    short = s.subject_access.get(fam.asked_by_mum("2026-01-31"))
    assert short.due_on == date(2026, 2, 28) and short.deadline == short.due_on
    assert short.status is RequestStatus.OPEN and not short.gathered and short.items == 0
    with pytest.raises(ValidationError, match="within that month") as late:
        s.subject_access.extend(short.id, reason="Many records")
    assert late.value.field == "reason"
    assert short.overdue(TODAY) and short.days_left(TODAY) == -185

    fam.made.clock.set(datetime(2028, 2, 10, 9, 0, tzinfo=UTC))
    leap = s.subject_access.get(fam.asked_by_mum("2028-01-31"))
    assert leap.due_on == date(2028, 2, 29)
    assert leap.days_left(date(2028, 2, 10)) == 19 and not leap.overdue(date(2028, 2, 10))
    with pytest.raises(ValidationError, match="Why the request needs longer is needed"):
        s.subject_access.extend(leap.id, reason="  ")
    extended = s.subject_access.extend(leap.id, reason="Information from the health visiting team to check")
    assert extended.extended_to == date(2028, 4, 30) and extended.deadline == date(2028, 4, 30)
    assert extended.extension_reason.startswith("Information from")
    assert not extended.overdue(date(2028, 3, 15))
    with pytest.raises(ValidationError, match="only once"):
        s.subject_access.extend(leap.id, reason="Again")
    assert logged(fam.made, AuditAction.SAR_EXTENDED) == [{"request": int(leap.id)}]


def test_the_queue_by_deadline_and_the_counts_for_home(fam: Family) -> None:
    s = fam.session
    later = fam.asked_by_mum("2026-08-28")
    sooner = fam.asked_by_mum("2026-07-20")  # due 20 August: overdue
    listed = s.subject_access.queue()
    assert [r.id for r in listed] == [sooner, later]
    assert listed[0].child_name == f"{CHILD} ({KNOWN_AS})" and listed[0].recorded_by == MANAGER_NAME
    assert listed[0].relationship == "Mother"  # taken from the carer's record when not typed
    before = audit_count(s)
    assert s.subject_access.due_counts() == (2, 1)
    assert audit_count(s) == before  # numbers only: not audit-logged
    assert logged(fam.made, AuditAction.SAR_VIEWED)[-1] == {"listed": 2}


# --- recording ------------------------------------------------------------------------------


def test_recording_checks_every_field(fam: Family) -> None:
    s = fam.session

    def record(**changes: object) -> None:
        values: dict[str, object] = {
            "child_id": fam.child_id,
            "requester_name": MUM,
            "carer_id": fam.mum,
            "relationship": "",
            "received_on": "2026-08-28",
            "identity_checked": "Saw her passport",
        }
        values.update(changes)
        s.subject_access.record(NewRequest(**values))  # type: ignore[arg-type]

    cases: list[tuple[dict[str, object], str, str]] = [
        ({"requester_name": "  "}, "requester_name", "Who is asking is needed"),
        ({"requester_name": "x" * 10_000}, "requester_name", "too long"),
        ({"identity_checked": ""}, "identity_checked", "passport"),
        ({"identity_checked": "y" * 10_000}, "identity_checked", "too long"),
        ({"received_on": "2026-09-02"}, "received_on", "in the future"),
        ({"received_on": "2023-02-01"}, "received_on", "before the child was born"),
        ({"received_on": "31/01/2026"}, "received_on", "not a date"),
        ({"received_on": None}, "received_on", "needed"),
        ({"child_id": 999_999}, "child_id", "not there any more"),
        ({"child_id": None}, "child_id", "Choose the child"),
        ({"carer_id": 999_999}, "carer_id", "not one of this child's parents"),
    ]
    for changes, field, words in cases:
        with pytest.raises(ValidationError, match=words) as refused:
            record(**changes)
        assert refused.value.field == field, changes
    assert s.subject_access.queue() == []

    solicitor = s.subject_access.record(
        NewRequest(
            fam.child_id, "Nguyễn Văn Minh", None, "Solicitor for the mother", date(2026, 8, 3), "Letter"
        )
    )
    assert solicitor.carer_id is None and solicitor.requester_name == "Nguyễn Văn Minh"
    assert solicitor.due_on == date(2026, 9, 3) and solicitor.days_left(TODAY) == 2
    assert logged(fam.made, AuditAction.SAR_RECORDED) == [{"request": int(solicitor.id)}]


# --- gathering ------------------------------------------------------------------------------


def test_gather_snapshots_every_section_and_flags_what_needs_the_dsl(fam: Family) -> None:
    s = fam.session
    request = fam.asked_by_mum()
    calls: list[tuple[int, int]] = []
    items = s.subject_access.gather(request, lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, len(Section)) and calls[-1] == (len(Section), len(Section))
    order = [list(Section).index(i.section) for i in items]
    assert order == sorted(order)  # in the pack's section order
    assert {i.section for i in items} == set(Section)

    record, circumstances = by_source(items, Section.CHILD)
    assert record.flag == "" and "Date of birth: 1 March 2023" in record.content and CHILD in record.content
    assert circumstances.content == FAMILY_NOTE and circumstances.flag == FLAG_MAY_BE_OTHERS

    mum, dad, gran = by_source(items, Section.CARERS)
    assert MUM in mum.label and mum.flag == "" and not mum.withheld  # her own details
    assert dad.flag == FLAG_OTHER_PERSON and dad.withheld and DAD_ADDRESS in dad.content
    assert dad.exemption is Exemption.OTHER_PERSON and dad.reason == WITHHELD_CARER_REASON
    assert dad.needs_decision and dad.decided_by is None  # suggested; the DSL confirms
    assert gran.flag == FLAG_OTHER_PERSON and not gran.withheld

    (contact,) = by_source(items, Section.CONTACTS)
    assert CONTACT in contact.label and contact.flag == FLAG_OTHER_PERSON
    own_consent, dads_consent = by_source(items, Section.CONSENTS)
    assert (
        MUM in own_consent.label and own_consent.flag == "" and "Given (signed form)" in own_consent.content
    )
    assert DAD in dads_consent.label and dads_consent.flag == FLAG_OTHER_PERSON

    concerns = by_source(items, Section.CONCERNS)
    assert len(concerns) == 3 and all(c.label.startswith("Concern of 20 August 2026") for c in concerns)
    ordinary = next(i for i in concerns if RELEASED_CONCERN in i.content)
    third = next(i for i in concerns if THIRD_PARTY_CONCERN in i.content)
    assert ordinary.flag == FLAG_SAFEGUARDING
    assert (
        third.flag.startswith(f"Given to us by another agency ({HEALTH})") and FLAG_SAFEGUARDING in third.flag
    )

    (decision,) = by_source(items, Section.DECISIONS)
    assert decision.flag == FLAG_DECISION and "Anytown School" in decision.content
    assert by_source(items, Section.PROFESSIONALS)[0].flag == FLAG_AGENCY
    assert by_source(items, Section.VISITS)[0].flag == FLAG_AGENCY
    (transfer,) = by_source(items, Section.TRANSFERS)
    assert transfer.flag == "" and "St Mary's Primary" in transfer.label
    own_call, grans_visit = by_source(items, Section.PARENT_CONTACTS)
    assert own_call.flag == "" and grans_visit.flag == FLAG_OTHER_CALLER

    got = s.subject_access.get(request)
    flagged = sum(1 for i in items if i.flag)
    assert got.gathered and got.items == len(items) and got.flagged == flagged == got.undecided
    assert got.withheld == 1
    (detail,) = logged(fam.made, AuditAction.SAR_GATHERED)
    assert detail == {"request": request, "items": len(items), "flagged": flagged, "decisions_kept": 0}


def test_someone_who_is_not_a_carer_sees_every_carer_flagged_and_every_withheld_one_suggested(
    fam: Family,
) -> None:
    s = fam.session
    request = s.subject_access.record(
        NewRequest(fam.child_id, "Ms K. Osei", None, "Solicitor", "2026-08-30", "Letter on headed paper")
    )
    items = s.subject_access.gather(request.id)
    carers = by_source(items, Section.CARERS)
    assert all(c.flag == FLAG_OTHER_PERSON for c in carers)
    assert [c.withheld for c in carers] == [False, True, False]
    assert all(c.flag for c in by_source(items, Section.CONSENTS) + by_source(items, Section.PARENT_CONTACTS))


def test_a_withheld_carer_who_is_also_an_emergency_contact_is_suggested_as_withheld_there_too(
    fam: Family,
) -> None:
    s = fam.session
    s.children.add_contact(fam.child_id, ContactDetails(DAD.upper(), "07700 900111", "Father", True))
    items = s.subject_access.gather(fam.asked_by_mum())
    contact, dad = by_source(items, Section.CONTACTS)
    assert CONTACT in contact.label and not contact.withheld
    assert dad.withheld and dad.needs_decision and dad.exemption is Exemption.OTHER_PERSON
    assert dad.reason == WITHHELD_CARER_REASON


def test_gathering_again_keeps_decisions_on_what_reads_the_same(fam: Family) -> None:
    s = fam.session
    request = fam.asked_by_mum()
    items = s.subject_access.gather(request)
    concern = next(i for i in items if RELEASED_CONCERN in i.content)
    gran = by_source(items, Section.CARERS)[2]
    contact = by_source(items, Section.CONTACTS)[0]
    s.subject_access.decide(concern.id, withhold=False)
    s.subject_access.decide(gran.id, withhold=True, exemption=Exemption.OTHER_PERSON, reason="Not agreed")
    s.subject_access.decide(contact.id, withhold=False, reason="She agreed on the phone")

    s.concerns.review(fam.concern, note="Spoke to mum; an accident in the garden.")  # new words
    s.children.add_contact(fam.child_id, ContactDetails("Ольга Иванова", "07700 900333", "Aunt"))
    again = s.subject_access.gather(request)

    concern = next(i for i in again if RELEASED_CONCERN in i.content)
    assert "Spoke to mum" in concern.content and concern.needs_decision  # a fresh look
    gran = by_source(again, Section.CARERS)[2]
    assert gran.withheld and gran.decided_by == MANAGER_NAME and gran.reason == "Not agreed"
    first, added = by_source(again, Section.CONTACTS)
    assert first.decided and not first.withheld and first.reason == "She agreed on the phone"
    assert "Ольга Иванова" in added.label and added.needs_decision
    assert logged(fam.made, AuditAction.SAR_GATHERED)[-1]["decisions_kept"] == 2


# --- deciding -------------------------------------------------------------------------------


def test_withholding_needs_an_exemption_and_a_reason(fam: Family) -> None:
    s = fam.session
    request = fam.asked_by_mum()
    items = s.subject_access.gather(request)
    item = next(i for i in items if WITHHELD_CONCERN in i.content)
    refusals: list[tuple[dict[str, object], str, str]] = [
        ({"withhold": True}, "exemption", "Choose the exemption"),
        ({"withhold": True, "exemption": "made_up"}, "exemption", "from the list"),
        ({"withhold": True, "exemption": Exemption.SERIOUS_HARM}, "reason", "why the exemption applies"),
        ({"withhold": True, "exemption": Exemption.OTHER, "reason": " "}, "reason", "Say which exemption"),
        ({"withhold": True, "exemption": "crime", "reason": "z" * 10_000}, "reason", "too long"),
        ({"withhold": False, "exemption": Exemption.CRIME}, "exemption", "only when an item is withheld"),
        ({"withhold": "yes"}, "withhold", "release or withhold"),
    ]
    for arguments, field, words in refusals:
        with pytest.raises(ValidationError, match=words) as refused:
            s.subject_access.decide(item.id, **arguments)  # type: ignore[arg-type]
        assert refused.value.field == field, arguments
    assert not next(i for i in s.subject_access.items(request) if i.id == item.id).decided

    withheld = s.subject_access.decide(
        item.id, withhold=True, exemption="serious_harm", reason="Could put Lulu at risk at home."
    )
    assert withheld.withheld and withheld.exemption is Exemption.SERIOUS_HARM
    assert withheld.decided_by == MANAGER_NAME and withheld.decided_at is not None
    other = s.subject_access.decide(
        item.id, withhold=True, exemption=Exemption.OTHER, reason="Management forecasts exemption"
    )
    assert other.exemption is Exemption.OTHER
    released = s.subject_access.decide(item.id, withhold=False)
    assert not released.withheld and released.exemption is None and released.reason == ""
    assert logged(fam.made, AuditAction.SAR_ITEM_DECIDED)[0] == {
        "request": request,
        "item": int(item.id),
        "withheld": True,
        "exemption": "serious_harm",
    }
    with pytest.raises(NotFound):
        s.subject_access.decide(999_999, withhold=False)
    assert all(e.label for e in Exemption) and all(sec.label for sec in Section)


def test_release_is_refused_until_gathered_and_every_flagged_item_decided(fam: Family) -> None:
    s = fam.session
    request = fam.asked_by_mum()
    with pytest.raises(ValidationError, match="Gather the records first"):
        s.subject_access.release(request)
    items = s.subject_access.gather(request)
    flagged = [i for i in items if i.flag]
    with pytest.raises(ValidationError) as refused:
        s.subject_access.release(request)
    sentence = refused.value.sentence
    assert sentence.startswith(f"{len(flagged)} items still need your decision")
    assert Section.CONCERNS.label in sentence and Section.CARERS.label in sentence
    assert Section.TRANSFERS.label not in sentence  # nothing there to decide
    for item in flagged[:-1]:
        s.subject_access.decide(item.id, withhold=False)
    with pytest.raises(ValidationError, match=r"^1 item still needs your decision .*: Calls, visits"):
        s.subject_access.release(request)
    assert s.subject_access.get(request).undecided == 1
    assert s.subject_access.get(request).status is RequestStatus.OPEN


# --- releasing ------------------------------------------------------------------------------


def test_release_marks_what_went_and_then_nothing_can_change(fam: Family) -> None:
    s = fam.session
    request = fam.asked_by_mum()
    s.subject_access.set_cover_note(request, "Dear Дарья, here is what we hold about Lulu.")
    items = s.subject_access.gather(request)
    decide_the_rest(
        s,
        request,
        withhold={
            DAD_ADDRESS: Exemption.OTHER_PERSON,
            WITHHELD_CONCERN: Exemption.SERIOUS_HARM,
            THIRD_PARTY_CONCERN: Exemption.OTHER_PERSON,
        },
    )
    draft = s.subject_access.pack(request)
    assert draft.draft and draft.provider_name == "Sunflower Pre-school"
    assert all(not i.withheld for i in draft.items) and len(draft.items) == len(items) - 3

    answered = s.subject_access.release(request)
    assert answered.status is RequestStatus.RELEASED and answered.released_on == TODAY
    assert answered.released_by == MANAGER_NAME and answered.withheld == 3
    final = s.subject_access.pack(request)
    assert not final.draft and [i.id for i in final.items] == [i.id for i in draft.items]
    assert all(i.released for i in final.items)
    assert not any(i.released for i in s.subject_access.items(request) if i.withheld)
    assert logged(fam.made, AuditAction.SAR_RELEASED) == [
        {"request": request, "released": len(items) - 3, "withheld": 3}
    ]
    assert s.subject_access.due_counts() == (0, 0)
    assert s.subject_access.queue() == [] and len(s.subject_access.queue(include_released=True)) == 1

    item = final.items[0]
    for change in (
        lambda: s.subject_access.decide(item.id, withhold=True, exemption="crime", reason="Late"),
        lambda: s.subject_access.gather(request),
        lambda: s.subject_access.extend(request, reason="More time"),
        lambda: s.subject_access.set_cover_note(request, "Changed"),
        lambda: s.subject_access.release(request),
    ):
        with pytest.raises(
            ValidationError, match="released on 1 September 2026; nothing in it can be changed"
        ):
            change()

    database = s.context.database
    for statement, params in (
        ("UPDATE sar_item SET withheld = 0 WHERE request_id = ?", (request,)),
        ("DELETE FROM sar_item WHERE request_id = ?", (request,)),
        (
            "INSERT INTO sar_item (request_id, section, label, content) VALUES (?, 'child', 'x', 'y')",
            (request,),
        ),
        ("UPDATE sar_request SET cover_note = 'Changed' WHERE id = ?", (request,)),
        ("DELETE FROM sar_request WHERE id = ?", (request,)),
    ):
        with pytest.raises(sqlcipher3.IntegrityError, match="released subject access"):
            with database.transaction() as tx:
                tx.execute(statement, params)
    assert s.subject_access.get(request).cover_note == "Dear Дарья, here is what we hold about Lulu."


def test_an_open_request_and_its_items_may_still_be_changed_below_the_core(fam: Family) -> None:
    """The triggers guard only what was released: gathering again deletes an open pack's items."""
    s = fam.session
    request = fam.asked_by_mum()
    s.subject_access.gather(request)
    with s.context.database.transaction() as tx:
        tx.execute("UPDATE sar_item SET reason = 'x' WHERE request_id = ?", (request,))
        tx.execute("DELETE FROM sar_item WHERE request_id = ?", (request,))
    assert s.subject_access.get(request).items == 0


def test_views_are_audited_against_the_child_with_ids_only(fam: Family) -> None:
    s = fam.session
    request = fam.asked_by_mum()
    s.subject_access.gather(request)
    s.subject_access.items(request)
    s.subject_access.pack(request)
    entries = sorted(
        s.audit.entries(where=AuditFilter(action=AuditAction.SAR_VIEWED.value)), key=lambda e: e.id
    )
    assert [(e.subject_type, e.subject_id) for e in entries] == [("child", str(fam.child_id))] * 2
    assert [set(e.detail) for e in entries] == [{"request", "items"}, {"request", "pack"}]
    everything = " ".join(str(e.detail) for e in s.audit.entries())
    for words in (MUM, CHILD, DAD_ADDRESS, "Known to staff"):
        assert words not in everything


# --- the demo vault ---------------------------------------------------------------------------


def test_the_demo_has_a_request_released_one_extended_and_one_due_soon(tmp_path: Path) -> None:
    now = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    made = create_demo_vault(tmp_path / "demo", keyring=DeviceKeyring(None), clock=ManualClock(now))
    vault = Vault.open(made.folder, keyring=DeviceKeyring(None), clock=ManualClock(now))
    first = demo_accounts()[0]
    session = vault.sign_in(first.username, first.password)
    try:
        requests = {r.child_name: r for r in session.subject_access.queue(include_released=True)}
        released = requests["Anaya Patel"]
        assert released.status is RequestStatus.RELEASED and released.undecided == 0
        assert released.released_on is not None and released.released_on <= released.due_on
        assert "Nothing has been withheld" in released.cover_note
        extended = requests["Harry Bennett"]
        assert extended.extended_to == add_months(extended.received_on, 3) and extended.gathered
        assert not extended.overdue(TODAY) and extended.undecided > 0
        due_soon = requests["Noé Whitfield-Martin"]
        assert 0 < due_soon.days_left(TODAY) <= 10 and due_soon.extended_to is None
        items = session.subject_access.items(due_soon.id)
        decided = [i for i in items if i.decided]
        assert decided and due_soon.undecided > 0  # some decided, some still to decide
        withheld = {i.section for i in items if i.withheld and i.decided}
        assert withheld == {Section.CARERS, Section.CONTACTS, Section.CHILD}  # the mother's details
        assert session.subject_access.due_counts() == (2, 0)
    finally:
        session.close()
        vault.close()


def test_home_lines_say_what_is_overdue_and_the_next_deadline_without_names(fam: Family) -> None:
    s = fam.session
    assert s.subject_access.reminders() == []
    fam.asked_by_mum("2026-08-28")  # due 28 September
    fam.asked_by_mum("2026-07-20")  # due 20 August: overdue on 1 September
    late, waiting = s.subject_access.reminders()
    assert late.overdue and late.text == (
        "Subject access: 1 request is past the deadline (since 20 August 2026)."
    )
    assert not waiting.overdue and waiting.due_on == date(2026, 9, 28)
    assert (
        waiting.text == "Subject access: 1 request is open; the next must be answered by 28 September 2026."
    )
    assert CHILD not in late.text + waiting.text
