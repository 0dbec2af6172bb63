"""Consents through the core: kinds, answers per carer, withdrawal, history, scanned forms, gaps.

A real vault (cheap KDF) and the manual clock (Tuesday 1 September 2026). Fictional people only.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlcipher3

from app.audit import AuditAction, AuditFilter
from app.children import CarerDetails, ChildDetails
from app.clock import add_months
from app.consents import (
    MAX_FORM_BYTES,
    ConsentDetails,
    ConsentHow,
    ConsentStatus,
    GapKind,
    KindCode,
    KindDetails,
)
from app.errors import NotFound, PermissionDenied, SharewiseError, ValidationError
from app.policy.permissions import Role
from app.session import Session
from tests.conftest import VaultUnderTest

KW_PASSWORD = "copper violin garden"
TODAY = date(2026, 9, 1)
SCAN = b"%PDF-1.4\n% signed by Anna Kowalska-Sentinel\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def kind_id(session: Session, code: KindCode) -> int:
    return next(k.id for k in session.consents.kinds() if k.code is code)


def family(
    session: Session, *, name: str = "Zoë Kowalska", key_worker: int | None = None, room: str = "Acorns"
) -> tuple[int, int, int]:
    """A child with a mother (parental responsibility) and a grandmother (none)."""
    child = session.children.add(
        ChildDetails(
            legal_name=name,
            date_of_birth="2023-03-01",
            start_date="2025-09-01",
            room=room,
            key_worker_id=key_worker,
        )
    )
    child = session.children.add_carer(
        child.id, CarerDetails("Anna Kowalska", "Mother", True, True, "1 Safe Street")
    )
    child = session.children.add_carer(child.id, CarerDetails("Дарья Иванова", "Grandmother", False, False))
    return int(child.id), int(child.carers[0].id), int(child.carers[1].id)


def given(on: date | str = TODAY, **more: object) -> ConsentDetails:
    return ConsentDetails(ConsentStatus.GIVEN, on, ConsentHow.SIGNED_FORM, **more)  # type: ignore[arg-type]


# --- kinds ------------------------------------------------------------------------------------


def test_the_three_kinds_of_the_guidance_are_built_in_in_order(made_vault: VaultUnderTest) -> None:
    kinds = made_vault.session.consents.kinds()
    assert [k.code for k in kinds] == [KindCode.REGISTRATION, KindCode.ADDITIONAL_NEEDS, KindCode.TRANSITION]
    declaration = kinds[0]
    assert "without asking me first" in declaration.wording
    assert kinds[1].names_agencies and kinds[1].review_months == 12
    assert all(k.built_in and k.active for k in kinds)


def test_the_manager_adds_changes_and_retires_kinds(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    photos = s.consents.add_kind(KindDetails("Photographs", "Photos of my child on our displays.", False, 12))
    assert not photos.built_in and photos in s.consents.kinds()
    with pytest.raises(ValidationError, match="already a kind") as same:
        s.consents.add_kind(KindDetails("PHOTOGRAPHS", "Again."))
    assert same.value.field == "name"
    changed = s.consents.update_kind(photos.id, KindDetails("Photographs", "New words.", False, 6))
    assert changed.wording == "New words." and changed.review_months == 6
    retired = s.consents.set_kind_active(photos.id, False)
    assert not retired.active and retired not in s.consents.kinds()
    assert retired in s.consents.kinds(include_retired=True)
    with pytest.raises(ValidationError, match="always asked"):
        s.consents.set_kind_active(kind_id(s, KindCode.REGISTRATION), False)
    with pytest.raises(ValidationError):
        s.consents.add_kind(KindDetails("", "Words"))
    with pytest.raises(ValidationError):
        s.consents.add_kind(KindDetails("Outings", "x" * 4001))
    needs = kind_id(s, KindCode.ADDITIONAL_NEEDS)
    with pytest.raises(ValidationError, match="always names the agencies") as unticked:
        s.consents.update_kind(needs, KindDetails("Additional needs", "We may share.", False, 12))
    assert unticked.value.field == "names_agencies"
    with pytest.raises(ValidationError, match="between 0 and 120"):
        s.consents.add_kind(KindDetails("Outings", "Local walks.", False, 500))
    actions = [e.action for e in s.audit.entries(where=AuditFilter(action=None))]
    assert (
        AuditAction.CONSENT_KIND_ADDED.value in actions and AuditAction.CONSENT_KIND_CHANGED.value in actions
    )


def test_a_retired_kind_is_not_recorded_any_more_but_its_answers_stay(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, _gran = family(s)
    photos = s.consents.add_kind(KindDetails("Photographs", "Photos of my child on our displays."))
    s.consents.record(child, mum, photos.id, given())
    s.consents.set_kind_active(photos.id, False)
    with pytest.raises(ValidationError, match="no longer asked"):
        s.consents.record(child, mum, photos.id, ConsentDetails("refused", TODAY, "verbal", heard_by=s.me.id))
    consents = s.consents.for_child(child)
    assert photos.id in [k.id for k in consents.kinds]  # still shown: this child has an answer
    assert len(consents.for_kind(photos.id)) == 1


# --- answers ----------------------------------------------------------------------------------


def test_a_signed_consent_round_trips_with_its_scan_and_review_date(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, _gran = family(s)
    needs = kind_id(s, KindCode.ADDITIONAL_NEEDS)
    consent = s.consents.record(
        child, mum, needs, given("2026-08-28", agencies="Speech and language therapy; Area SENCO", form=SCAN)
    )
    assert consent.status is ConsentStatus.GIVEN and consent.signed and consent.in_force
    assert consent.carer_name == "Anna Kowalska" and consent.forms == 1
    assert consent.review_on == date(2027, 8, 28)  # the kind's 12 months
    assert consent.recorded_by_name == "Zoë Adams"
    assert consent.summary == "Given (signed form) on 28 August 2026; review by 28 August 2027"
    [event] = s.consents.history(consent.id)
    assert event.forms[0].media_type == "application/pdf" and event.forms[0].size == len(SCAN)
    assert s.consents.open_form(event.forms[0].id).data == SCAN
    opened = s.audit.entries(where=AuditFilter(action=AuditAction.CONSENT_FORM_OPENED.value))
    assert opened and opened[0].subject_id == str(child)


def test_bad_answers_get_a_sentence_naming_the_field_and_save_nothing(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, gran = family(s)
    declaration = kind_id(s, KindCode.REGISTRATION)
    needs = kind_id(s, KindCode.ADDITIONAL_NEEDS)
    cases: list[tuple[int, int, ConsentDetails, str]] = [
        (mum, declaration, given(TODAY + timedelta(days=1)), "on"),
        (mum, declaration, given("2022-01-01"), "on"),
        (mum, declaration, given("not a date"), "on"),
        (mum, declaration, ConsentDetails("given", TODAY), "how"),
        (mum, declaration, ConsentDetails("given", TODAY, "carrier pigeon"), "how"),
        (mum, declaration, ConsentDetails("maybe", TODAY), "status"),
        (mum, declaration, ConsentDetails("given", TODAY, "verbal"), "heard_by"),
        (mum, declaration, ConsentDetails("given", TODAY, "verbal", heard_by=999), "heard_by"),
        (mum, needs, given(), "agencies"),
        (mum, declaration, given(review_on=TODAY), "review_on"),
        (mum, declaration, given(review_on="2040-01-01"), "review_on"),
        (mum, declaration, given(note="n" * 10_000), "note"),
        (mum, declaration, given(form=b"GIF89a not a pdf"), "form"),
        (mum, declaration, given(form=b""), "form"),
        (mum, declaration, ConsentDetails("requested", TODAY, form=SCAN), "form"),
        (mum, declaration, ConsentDetails("withdrawn", TODAY, "verbal", heard_by=1), "status"),
        (gran, declaration, given(), "carer"),
        (12345, declaration, given(), "carer"),
    ]
    for carer, kind, details, field in cases:
        with pytest.raises(ValidationError) as refused:
            s.consents.record(child, carer, kind, details)
        assert refused.value.field == field, (details, refused.value)
        assert str(refused.value)  # a sentence, never empty
    assert s.consents.for_child(child).consents == ()
    assert "parental responsibility" in _sentence(
        lambda: s.consents.record(child, gran, declaration, given())
    )


def _sentence(call: object) -> str:
    try:
        call()  # type: ignore[operator]
    except SharewiseError as exc:
        return str(exc)
    raise AssertionError("expected a refusal")


def test_a_scan_larger_than_the_limit_is_refused(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, _gran = family(s)
    huge = b"%PDF-1.4\n" + b"0" * MAX_FORM_BYTES
    with pytest.raises(ValidationError, match="the limit is 20 MB"):
        s.consents.record(child, mum, kind_id(s, KindCode.REGISTRATION), given(form=huge))


def test_withdrawing_is_one_action_and_the_history_keeps_what_was_given(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, _gran = family(s)
    needs = kind_id(s, KindCode.ADDITIONAL_NEEDS)
    consent = s.consents.record(child, mum, needs, given("2026-08-01", agencies="Portage service"))
    made_vault.clock.advance(3 * 86400)
    with pytest.raises(ValidationError, match="before the last change") as early:
        s.consents.withdraw(consent.id, on="2026-07-30", how="in_writing")
    assert early.value.field == "on"
    withdrawn = s.consents.withdraw(
        consent.id, on="2026-09-03", how="verbal", heard_by=s.me.id, note="Told me at pick-up."
    )
    assert withdrawn.status is ConsentStatus.WITHDRAWN and not withdrawn.in_force
    assert withdrawn.agencies == "Portage service"  # what was withdrawn stays readable
    history = s.consents.history(consent.id)
    assert [e.status for e in history] == [ConsentStatus.GIVEN, ConsentStatus.WITHDRAWN]
    assert history[1].heard_by_name == "Zoë Adams" and history[1].note == "Told me at pick-up."
    with pytest.raises(ValidationError, match="Only consent that was given"):
        s.consents.withdraw(consent.id, on="2026-09-03", how="in_writing")
    # Given again later: the same consent, a third entry.
    again = s.consents.record(child, mum, needs, given("2026-09-04", agencies="Portage service"))
    assert again.id == consent.id and len(s.consents.history(consent.id)) == 3
    entries = s.audit.entries(where=AuditFilter(action=AuditAction.CONSENT_WITHDRAWN.value))
    assert len(entries) == 1
    assert "Portage" not in str(entries[0].detail) and "pick-up" not in str(entries[0].detail)


def test_the_history_cannot_be_rewritten_even_below_the_core(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, _gran = family(s)
    s.consents.record(child, mum, kind_id(s, KindCode.REGISTRATION), given())
    with pytest.raises(sqlcipher3.IntegrityError, match="never rewritten"), s.context.transaction() as tx:
        tx.execute("UPDATE consent_event SET status = 'refused'")
    assert [e.status for e in s.consents.history(s.consents.for_child(child).consents[0].id)] == [
        ConsentStatus.GIVEN
    ]


def test_a_deleted_carer_leaves_their_name_on_the_consent(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, _gran = family(s)
    consent = s.consents.record(child, mum, kind_id(s, KindCode.TRANSITION), given())
    s.children.delete_carer(child, mum)
    kept = s.consents.get(consent.id)
    assert kept.carer_id is None and kept.carer_name == "Anna Kowalska"
    with pytest.raises(ValidationError, match="no longer on the child's record"):
        s.consents.withdraw(consent.id, on=TODAY, how="in_writing")


def test_at_a_glance_each_kind_has_one_line(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, _gran = family(s)
    dad = s.children.add_carer(child, CarerDetails("Nguyễn Văn Minh", "Father", True, False)).carers[-1].id
    declaration = kind_id(s, KindCode.REGISTRATION)
    needs = kind_id(s, KindCode.ADDITIONAL_NEEDS)
    s.consents.record(child, mum, declaration, given())
    s.consents.record(child, dad, declaration, ConsentDetails("requested", TODAY))
    s.consents.record(child, mum, needs, ConsentDetails("refused", TODAY, "in_writing"))
    states = {g.kind.code: g for g in s.consents.for_child(child).glance()}
    assert states[KindCode.REGISTRATION].state == "partly"
    assert "Nguyễn Văn Minh: Asked on 1 September 2026, no answer yet" in states[KindCode.REGISTRATION].text
    assert states[KindCode.ADDITIONAL_NEEDS].state == "refused"
    assert states[KindCode.TRANSITION].state == "not_asked"
    carers = s.consents.for_child(child).carers
    assert [(c.full_name, c.parental_responsibility) for c in carers] == [
        ("Anna Kowalska", True),
        ("Дарья Иванова", False),
        ("Nguyễn Văn Minh", True),
    ]


# --- scanned forms ----------------------------------------------------------------------------


def test_scans_are_kept_inside_the_encrypted_file_and_removed_for_good(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, _gran = family(s)
    consent = s.consents.record(child, mum, kind_id(s, KindCode.REGISTRATION), given(form=SCAN))
    late = s.consents.attach_form(consent.id, PNG)
    assert late.media_type == "image/png" and s.consents.get(consent.id).forms == 2
    s.context.database.checkpoint()
    raw = b"".join(p.read_bytes() for p in made_vault.folder.rglob("*") if p.is_file())
    assert b"Kowalska-Sentinel" not in raw  # the scan is inside the encryption, not beside it
    with pytest.raises(ValidationError):
        s.consents.remove_form(late.id, "")
    s.consents.remove_form(late.id, "Another family's form was scanned by mistake.")
    with pytest.raises(NotFound):
        s.consents.open_form(late.id)
    forms = s.consents.history(consent.id)[0].forms
    assert [f.kept for f in forms] == [True, False]
    assert forms[1].removed.startswith("Removed by Zoë Adams on 1 September 2026: Another family")
    assert s.consents.get(consent.id).forms == 1
    row = s.context.database.one("SELECT length(data) AS n, size FROM consent_form WHERE id = ?", (late.id,))
    assert row is not None and row["n"] == 0 and row["size"] == 0
    removed = s.audit.entries(where=AuditFilter(action=AuditAction.CONSENT_FORM_REMOVED.value))
    assert "family" not in str(removed[0].detail)  # the reason is not in the audit log


def test_a_scan_is_attached_to_an_answer_not_to_a_request(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, _gran = family(s)
    asked = s.consents.record(child, mum, kind_id(s, KindCode.TRANSITION), ConsentDetails("requested", TODAY))
    with pytest.raises(ValidationError, match="Record the parent's answer first"):
        s.consents.attach_form(asked.id, SCAN)


# --- who may -----------------------------------------------------------------------------------


def test_a_key_worker_records_for_own_key_children_only_and_reads_all(made_vault: VaultUnderTest) -> None:
    me = made_vault.add_person("siobhán", "Siobhán Ní Bhriain", {Role.KEY_WORKER}, KW_PASSWORD)
    s = made_vault.session
    mine, mine_mum, _ = family(s, name="Łucja Nowak", key_worker=me)
    theirs, theirs_mum, _ = family(s, name="Αλέξανδρος Παπαδόπουλος")
    given_theirs = s.consents.record(theirs, theirs_mum, kind_id(s, KindCode.REGISTRATION), given(form=SCAN))
    form_id = s.consents.history(given_theirs.id)[0].forms[0].id
    s.close()
    kw = made_vault.vault.sign_in("siobhán", KW_PASSWORD)
    declaration = kind_id(kw, KindCode.REGISTRATION)
    kw.consents.record(mine, mine_mum, declaration, ConsentDetails("given", TODAY, "verbal", heard_by=me))
    assert kw.consents.for_child(mine).may_edit and not kw.consents.for_child(theirs).may_edit
    with pytest.raises(PermissionDenied, match="own key children"):
        kw.consents.record(theirs, theirs_mum, declaration, given())
    with pytest.raises(PermissionDenied):
        kw.consents.withdraw(given_theirs.id, on=TODAY, how="in_writing")
    with pytest.raises(PermissionDenied):
        kw.consents.attach_form(given_theirs.id, SCAN)
    with pytest.raises(PermissionDenied, match="Only the manager or DSL can remove"):
        kw.consents.remove_form(form_id, "Wrong file")
    assert kw.consents.get(given_theirs.id).status is ConsentStatus.GIVEN  # staff may read
    assert kw.consents.open_form(form_id).data == SCAN


# --- gaps -------------------------------------------------------------------------------------


def test_gaps_list_what_is_missing_for_children_on_roll(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    clock = made_vault.clock
    declaration = kind_id(s, KindCode.REGISTRATION)
    needs = kind_id(s, KindCode.ADDITIONAL_NEEDS)
    signed, signed_mum, _ = family(s, name="Siobhán Murphy")
    verbal, verbal_mum, _ = family(s, name="Nguyễn Thị Hoa", room="Oaks")
    left = s.children.add(
        ChildDetails(
            legal_name="Дмитрий Петров",
            date_of_birth="2022-01-01",
            start_date="2024-09-01",
            leaving_date="2026-07-20",
        )
    ).id
    s.consents.record(signed, signed_mum, declaration, given("2025-09-01"))
    s.consents.record(
        verbal, verbal_mum, declaration, ConsentDetails("given", "2025-09-01", "verbal", heard_by=s.me.id)
    )
    s.consents.record(
        signed, signed_mum, needs, given("2025-09-20", agencies="Area SENCO")
    )  # review 2026-09-20
    s.consents.record(verbal, verbal_mum, needs, ConsentDetails("requested", "2026-08-10"))
    gaps = s.consents.gaps()
    found = {(g.child_name, g.gap) for g in gaps}
    assert ("Nguyễn Thị Hoa", GapKind.NO_DECLARATION) in found  # a verbal declaration is not a signed one
    assert ("Siobhán Murphy", GapKind.NO_DECLARATION) not in found
    assert ("Siobhán Murphy", GapKind.REVIEW_DUE) in found
    assert ("Nguyễn Thị Hoa", GapKind.NOT_RETURNED) in found  # asked 22 days ago
    assert all(g.child_id != left for g in gaps)  # leavers are not chased
    review = next(g for g in gaps if g.gap is GapKind.REVIEW_DUE)
    assert review.due == date(2026, 9, 20) and review.carer_name == "Anna Kowalska"
    assert review.sentence == "Sharing information about additional needs (Anna Kowalska): review due"
    assert {g.child_name for g in s.consents.gaps(room="Oaks")} == {"Nguyễn Thị Hoa"}
    clock.advance(30 * 86400)
    later = {(g.child_name, g.gap) for g in s.consents.gaps()}
    assert ("Siobhán Murphy", GapKind.REVIEW_OVERDUE) in later
    s.consents.record(signed, signed_mum, needs, given("2026-10-01", agencies="Area SENCO"))  # renewed
    assert ("Siobhán Murphy", GapKind.REVIEW_OVERDUE) not in {
        (g.child_name, g.gap) for g in s.consents.gaps()
    }


def test_answers_for_list_what_carers_said_for_the_sharing_decision(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, _gran = family(s)
    needs = kind_id(s, KindCode.ADDITIONAL_NEEDS)
    transition = kind_id(s, KindCode.TRANSITION)
    s.consents.record(child, mum, needs, given(agencies="Health visiting"))
    s.consents.record(child, mum, transition, ConsentDetails("refused", TODAY, "in_writing"))
    s.consents.record(child, mum, kind_id(s, KindCode.REGISTRATION), ConsentDetails("requested", TODAY))
    answers = [(c.kind.id, c.status, c.agencies) for c in s.consents.answers_for([child])]
    assert answers == [
        (needs, ConsentStatus.GIVEN, "Health visiting"),
        (transition, ConsentStatus.REFUSED, ""),
    ]  # a request is not an answer
    assert s.consents.answers_for([]) == []


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 1, 31), 13, date(2028, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 9, 1), 12, date(2027, 9, 1)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_review_dates_count_calendar_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected
