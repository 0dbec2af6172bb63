"""What the printed forms are filled in with (``session.forms``): withheld addresses never reach
the other carer, the privacy notice's roles and periods come from the vault, the logo is checked.
Fictional people only."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from app.audit import AuditAction, AuditFilter
from app.children import CarerDetails, ChildDetails
from app.consents import ConsentDetails, ConsentStatus, KindCode
from app.errors import PermissionDenied, ValidationError
from app.forms import MAX_LOGO_BYTES, check_logo
from app.policy.permissions import Role
from app.policy.retention import Basis, RecordKind, RetentionRule, years_and_months
from app.settings import RETENTION
from tests.conftest import VaultUnderTest

KW_PASSWORD = "copper violin garden"


def png(width: int = 40, height: int = 20) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (250, 200, 0)).save(out, "PNG")
    return out.getvalue()


def split_family(
    made: VaultUnderTest, *, mum_lives_with: bool = True, key_worker: int | None = None
) -> tuple[int, int, int]:
    """Mum's details are withheld from dad (family conflict)."""
    s = made.session
    child = s.children.add(
        ChildDetails(
            legal_name="Łucja Nowak",
            date_of_birth="2023-02-03",
            start_date="2026-09-07",
            address="4 Hidden Close, Anytown",
            phone="01632 960 555",
            room="Acorns",
            key_worker_id=key_worker,
        )
    )
    child = s.children.add_carer(
        child.id,
        CarerDetails(
            "Anna Nowak",
            "Mother",
            True,
            mum_lives_with,
            "4 Hidden Close, Anytown",
            "07700 900010",
            "anna@example.org",
        ),
    )
    child = s.children.add_carer(
        child.id, CarerDetails("Piotr Nowak", "Father", True, False, "9 Other Road", "07700 900020")
    )
    mum, dad = child.carers
    s.children.set_withheld(child.id, mum.id, [dad.id])
    return int(child.id), int(mum.id), int(dad.id)


def test_the_form_for_the_other_carer_leaves_out_the_withheld_carer_and_the_childs_home(
    made_vault: VaultUnderTest,
) -> None:
    child, mum, dad = split_family(made_vault)
    for_dad = made_vault.session.forms.family(child, dad)
    assert for_dad.recipient.full_name == "Piotr Nowak" and for_dad.recipient.address == "9 Other Road"
    printed_mum = next(c for c in for_dad.carers if c.id == mum)
    assert (printed_mum.address, printed_mum.phone, printed_mum.email) == ("", "", "")
    assert printed_mum.withheld and printed_mum.full_name == "Anna Nowak"
    # The child lives with mum: the child's own address would give her away.
    assert for_dad.address == "" and for_dad.phone == "" and for_dad.address_withheld
    for_mum = made_vault.session.forms.family(child, mum)
    assert (
        for_mum.recipient.address == "4 Hidden Close, Anytown"
        and for_mum.address == "4 Hidden Close, Anytown"
    )
    assert not for_mum.address_withheld
    assert next(c for c in for_mum.carers if c.id == dad).address == "9 Other Road"


def test_the_childs_address_is_printed_when_they_do_not_live_with_the_protected_carer(
    made_vault: VaultUnderTest,
) -> None:
    child, mum, dad = split_family(made_vault, mum_lives_with=False)
    for_dad = made_vault.session.forms.family(child, dad)
    assert for_dad.address == "4 Hidden Close, Anytown" and not for_dad.address_withheld
    assert next(c for c in for_dad.carers if c.id == mum).address == ""


def test_families_are_the_carers_with_parental_responsibility(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, _mum, _dad = split_family(made_vault)
    s.children.add_carer(child, CarerDetails("Дарья Иванова", "Grandmother", False, True))
    assert [f.recipient.full_name for f in s.forms.families([child])] == ["Anna Nowak", "Piotr Nowak"]
    # Nobody with parental responsibility recorded: forms go to whoever the child lives with.
    foster = s.children.add(
        ChildDetails(legal_name="Siobhán Kelly", date_of_birth="2024-01-01", start_date="2026-09-01")
    ).id
    s.children.add_carer(foster, CarerDetails("Αλέξανδρος Παπαδόπουλος", "Foster carer", False, True))
    s.children.add_carer(foster, CarerDetails("Aoife Kelly", "Aunt", False, False))
    assert [f.recipient.full_name for f in s.forms.families([foster])] == ["Αλέξανδρος Παπαδόπουλος"]
    with pytest.raises(ValidationError, match="not on this child's record"):
        s.forms.family(foster, 99999)


def test_previous_answers_come_with_the_family(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child, mum, _dad = split_family(made_vault)
    needs = next(k for k in s.consents.kinds() if k.code is KindCode.ADDITIONAL_NEEDS)
    s.consents.record(
        child, mum, needs.id, ConsentDetails("given", "2026-08-20", "signed_form", agencies="Portage")
    )
    answer = s.forms.family(child, mum).answer(needs.id)
    assert answer is not None and answer.status is ConsentStatus.GIVEN and answer.agencies == "Portage"


def test_starters_for_a_batch_by_room_and_start_date(made_vault: VaultUnderTest) -> None:
    kw = made_vault.add_person("siobhán", "Siobhán Ní Bhriain", {Role.KEY_WORKER}, KW_PASSWORD)
    s = made_vault.session
    add = s.children.add
    add(
        ChildDetails(
            legal_name="Zoë Adeyemi",
            date_of_birth="2023-05-05",
            start_date="2026-09-14",
            room="Acorns",
            key_worker_id=kw,
        )
    )
    add(
        ChildDetails(legal_name="Nguyễn An", date_of_birth="2023-05-05", start_date="2026-10-20", room="Oaks")
    )
    add(
        ChildDetails(
            legal_name="Дмитрий Орлов",
            date_of_birth="2022-05-05",
            start_date="2024-09-02",
            room="Acorns",
            leaving_date="2026-07-20",
        )
    )
    names = lambda **kw_: [c.legal_name for c in s.forms.starters(**kw_)]  # noqa: E731
    assert names(starting_from="2026-09-01", starting_to="2026-09-30") == ["Zoë Adeyemi"]
    assert names(room="Oaks") == ["Nguyễn An"]
    assert names() == ["Zoë Adeyemi", "Nguyễn An"]  # the leaver is not on roll
    with pytest.raises(ValidationError) as backwards:
        s.forms.starters(starting_from="2026-10-01", starting_to="2026-09-01")
    assert backwards.value.field == "starting_to"
    s.close()
    mine = made_vault.vault.sign_in("siobhán", KW_PASSWORD)
    assert [c.legal_name for c in mine.forms.starters()] == ["Zoë Adeyemi"]  # own key children only


def test_a_key_worker_gets_forms_for_own_key_children_only(made_vault: VaultUnderTest) -> None:
    kw = made_vault.add_person("siobhán", "Siobhán Ní Bhriain", {Role.KEY_WORKER}, KW_PASSWORD)
    mine, _mum, dad = split_family(made_vault, key_worker=kw)
    theirs = made_vault.session.children.add(
        ChildDetails(legal_name="Αλέξανδρος Βλάχος", date_of_birth="2023-01-01", start_date="2026-09-01")
    ).id
    made_vault.session.close()
    s = made_vault.vault.sign_in("siobhán", KW_PASSWORD)
    assert s.forms.family(mine, dad).recipient.full_name == "Piotr Nowak"
    with pytest.raises(PermissionDenied):
        s.forms.families([theirs])


def test_privacy_facts_follow_the_staff_list_and_the_retention_settings(made_vault: VaultUnderTest) -> None:
    made_vault.add_person("siobhán", "Siobhán Ní Bhriain", {Role.KEY_WORKER}, KW_PASSWORD)
    gone = made_vault.add_person("nguyen", "Nguyễn Thị Lan", {Role.KEY_WORKER}, KW_PASSWORD)
    made_vault.add_person("dmitry", "Дмитрий Соколов", {Role.KEY_WORKER, Role.DSL}, KW_PASSWORD)
    s = made_vault.session
    s.staff.deactivate(gone)
    facts = s.forms.privacy_facts()
    assert [(r.role, r.count) for r in facts.roles] == [
        (Role.MANAGER, 1),
        (Role.DSL, 2),
        (Role.KEY_WORKER, 2),
    ]
    assert Role.REVIEWER not in [r.role for r in facts.roles]  # nobody holds it, so not listed
    assert {r.kind: r.period for r in facts.retention}[
        RecordKind.CHILD_RECORD
    ] == "for 3 years after your child leaves us"
    s.settings.update({RETENTION[RecordKind.CHILD_RECORD]: 66})
    assert {r.kind: r.months for r in s.forms.privacy_facts().retention}[RecordKind.CHILD_RECORD] == 66
    with pytest.raises(ValidationError):
        s.settings.update({RETENTION[RecordKind.ACCIDENT]: 0})


def test_retention_periods_in_plain_words() -> None:
    assert (
        RetentionRule(RecordKind.SAFEGUARDING, Basis.BIRTH, 300).period == "until your child is 25 years old"
    )
    assert RetentionRule(RecordKind.ACCIDENT, Basis.BIRTH, 255).period == (
        "until your child is 21 years and 3 months old"
    )
    assert (
        RetentionRule(RecordKind.PARENT_CONTACT, Basis.RECORDED, 84).period
        == "for 7 years after it was written"
    )
    assert (
        years_and_months(1) == "1 month"
        and years_and_months(12) == "1 year"
        and years_and_months(13) == ("1 year and 1 month")
    )


def test_the_logo_is_checked_kept_and_audited(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    assert s.forms.branding().logo is None
    s.forms.set_logo(png())
    branding = s.forms.branding()
    assert branding.logo is not None and branding.logo.media_type == "image/png"
    assert branding.provider.name == "Sunflower Pre-school"
    for bad, words in (
        (b"", "empty"),
        (b"GIF89a" + b"\x00" * 20, "PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "could not be read"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_LOGO_BYTES, "larger than 2 MB"),
        (png(4100, 10), "4100 × 10 pixels"),
    ):
        with pytest.raises(ValidationError, match=words):
            check_logo(bad)
    s.forms.set_logo(None)
    assert s.forms.branding().logo is None
    entries = s.audit.entries(where=AuditFilter(action=AuditAction.LOGO_CHANGED.value))
    assert [e.detail["logo"] for e in entries] == [False, True]


def test_the_start_date_filter_takes_dates(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    s.children.add(
        ChildDetails(legal_name="Zoë Adeyemi", date_of_birth="2023-05-05", start_date="2026-09-14")
    )
    assert len(s.forms.starters(starting_from=date(2026, 9, 14), starting_to=date(2026, 9, 14))) == 1
    with pytest.raises(ValidationError):
        s.forms.starters(starting_from="fourteenth")
