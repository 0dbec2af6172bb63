"""The printed forms for parents (registration declaration, consent forms, privacy notice), built
from a real vault through ``session.forms`` and read back with poppler (pdftotext -layout,
pdfinfo, pdfimages).

One family with names in several scripts: a child, her mother (whose address is withheld from the
father, and with whom the child lives) and her father. Fictional people only. Without
poppler-utils the read-back tests are skipped, unless ``SHAREWISE_REQUIRE_INTEGRATION=1`` (set in
CI), when they fail instead. Nothing is written to disk: the PDFs are piped to poppler.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass, replace
from datetime import date

import pytest
from PIL import Image

from app.children import CarerDetails, ChildDetails
from app.consents import ConsentDetails, ConsentHow, ConsentKind, ConsentStatus, KindCode
from app.errors import ValidationError
from app.forms import AgreedBefore, FamilyForms, Logo
from app.policy.permissions import Role
from app.policy.retention import RecordKind
from app.reports.forms import (
    DECLARATION_TITLE,
    DEMO_LINE,
    LOGO_UNREADABLE,
    MISSING_GLYPHS,
    NOTICE_TITLE,
    POLICY_TICKS,
    TITLE,
    FormsPdf,
    build_forms,
    build_privacy_notice,
)
from app.session import Session
from app.settings import RETENTION
from tests.app.test_chronology_pdf import poppler
from tests.conftest import PROVIDER, VaultUnderTest

CHILD = "Αλέξανδρα Nguyễn"
KNOWN_AS = "Sasha"
MUM = "Łucja Nguyễn"
MUM_ADDRESS = "12 Rose Street"
MUM_PHONE = "07700 900 123"
MUM_EMAIL = "lucja@example.org"
DAD = "Дмитрий Соколов"
DAD_ADDRESS = "4 Hill Road"
DAD_PHONE = "07700 900 456"
DAD_EMAIL = "dmitry@example.org"
HOME_ADDRESS = "12 Rose Street\nAnytown AN1 3EF"
HOME_PHONE = "01632 960 333"
EMAIL = "office@sunflower.example.org.uk"
AGENCIES = "Anytown Speech and Language Therapy"
KEY_WORKERS = (
    ("lan", "Nguyễn Thị Lan"),
    ("alexandros", "Αλέξανδρος Παπαδόπουλος"),
    ("siobhan", "Siobhán Kelly"),
)
PASSWORD = "silver pebble orchard"


@dataclass
class Family:
    made: VaultUnderTest
    child_id: int
    mum_id: int
    dad_id: int

    @property
    def session(self) -> Session:
        return self.made.session

    def kinds(self) -> list[ConsentKind]:
        return self.session.forms.kinds()

    def kind(self, code: KindCode) -> ConsentKind:
        return next(k for k in self.kinds() if k.code is code)

    def forms_for(self, carer_id: int) -> FamilyForms:
        return self.session.forms.family(self.child_id, carer_id)

    def build(self, families: list[FamilyForms], *, notice: bool = True, demo: bool = False) -> FormsPdf:
        forms = self.session.forms
        privacy = forms.privacy_facts() if notice else None
        return build_forms(
            families, branding=forms.branding(), kinds=self.kinds(), privacy=privacy, demo=demo
        )


def add_child(made: VaultUnderTest, name: str, born: str = "2023-02-03") -> int:
    details = ChildDetails(
        legal_name=name,
        known_as=KNOWN_AS,
        date_of_birth=born,
        start_date="2025-09-01",
        room="Sunflowers",
        address=HOME_ADDRESS,
        phone=HOME_PHONE,
    )
    return int(made.session.children.add(details).id)


def add_parents(made: VaultUnderTest, child_id: int) -> tuple[int, int]:
    children = made.session.children
    children.add_carer(
        child_id,
        CarerDetails(MUM, "Mother", True, True, f"{MUM_ADDRESS}\nAnytown AN1 3EF", MUM_PHONE, MUM_EMAIL),
    )
    child = children.add_carer(
        child_id,
        CarerDetails(DAD, "Father", True, False, f"{DAD_ADDRESS}\nOthertown OT1 2AB", DAD_PHONE, DAD_EMAIL),
    )
    mum = next(int(c.id) for c in child.carers if c.full_name == MUM)
    dad = next(int(c.id) for c in child.carers if c.full_name == DAD)
    return mum, dad


@pytest.fixture
def family(made_vault: VaultUnderTest) -> Family:
    """The mother's address and contact details must never reach the father; the child lives with her."""
    made_vault.session.settings.update_provider(replace(PROVIDER, email=EMAIL))
    child_id = add_child(made_vault, CHILD)
    mum, dad = add_parents(made_vault, child_id)
    made_vault.session.children.set_withheld(child_id, mum, [dad])
    return Family(made_vault, child_id, mum, dad)


def pages_of(pdf: FormsPdf) -> list[str]:
    """Each page's text (pdftotext -layout), runs of white space made single spaces."""
    result = subprocess.run(
        [poppler("pdftotext"), "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf.data,
        capture_output=True,
        check=True,
    )
    pages = result.stdout.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [" ".join(page.split()) for page in pages]


def text_of(pdf: FormsPdf) -> str:
    return " ".join(pages_of(pdf))


def info_of(pdf: FormsPdf) -> dict[str, str]:
    result = subprocess.run(
        [poppler("pdfinfo"), "-enc", "UTF-8", "-"], input=pdf.data, capture_output=True, check=True
    )
    fields = {}
    for line in result.stdout.decode("utf-8").splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def images_in(pdf: FormsPdf) -> list[str]:
    """The image lines of ``pdfimages -list`` (one per image drawn on a page)."""
    result = subprocess.run(
        [poppler("pdfimages"), "-list", "-"], input=pdf.data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8").splitlines()[2:]


def tiny_png() -> bytes:
    picture = Image.new("RGBA", (60, 30), (250, 200, 0, 255))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


# --- names and what each carer may see ----------------------------------------------------------


def test_names_in_every_script_print_as_typed(family: Family) -> None:
    pdf = family.build(family.session.forms.families([family.child_id]))
    text = text_of(pdf)
    for name in (CHILD, MUM, DAD, "Zoë Adams"):
        assert name in text
    assert pdf.warnings == ()
    assert "?" not in text  # nothing had to be replaced


def test_a_name_the_font_cannot_show_prints_as_question_marks_with_a_warning(family: Family) -> None:
    children = family.session.children
    children.add_carer(family.child_id, CarerDetails("王秀英", "Grandmother", False, False))
    pdf = family.build([family.forms_for(family.mum_id)], notice=False)
    text = text_of(pdf)
    assert "王" not in text
    assert "??? Grandmother" in text
    assert len(pdf.warnings) == 1
    assert pdf.warnings[0].startswith(MISSING_GLYPHS)
    assert all(char in pdf.warnings[0] for char in "王秀英")
    assert CHILD in text  # the rest still prints as typed


def test_the_withheld_mothers_details_and_the_childs_home_are_not_on_the_fathers_forms(
    family: Family,
) -> None:
    text = text_of(family.build([family.forms_for(family.dad_id)]))
    assert MUM in text and "Mother, has parental responsibility" in text
    for secret in (MUM_ADDRESS, MUM_PHONE, MUM_EMAIL, "AN1 3EF", HOME_PHONE, "Home address", "Home phone"):
        assert secret not in text
    assert "withheld" not in text.lower()  # no hint that something is being kept back
    # His own details are there to check, and the child's.
    for shown in (
        DAD_ADDRESS,
        DAD_PHONE,
        DAD_EMAIL,
        CHILD,
        "3 February 2023",
        "1 September 2025",
        "Sunflowers",
    ):
        assert shown in text


def test_the_mothers_forms_have_her_details_the_childs_home_and_the_fathers_contact(family: Family) -> None:
    text = text_of(family.build([family.forms_for(family.mum_id)]))
    for shown in (MUM_ADDRESS, MUM_PHONE, MUM_EMAIL, "Home address", "Anytown AN1 3EF", HOME_PHONE):
        assert shown in text
    assert DAD in text and "Father, has parental responsibility" in text
    assert DAD_ADDRESS in text and DAD_PHONE in text
    assert DAD_EMAIL not in text  # another carer's email is not printed for this one


def test_the_declaration_has_the_wording_the_ticks_and_the_signature_lines(family: Family) -> None:
    registration = family.kind(KindCode.REGISTRATION)
    pdf = build_forms(
        [family.forms_for(family.mum_id)],
        branding=family.session.forms.branding(),
        kinds=[registration],
        privacy=None,
    )
    text = text_of(pdf)
    assert DECLARATION_TITLE in text
    assert " ".join(registration.wording.split()) in text
    for tick in (*POLICY_TICKS, "Signed", "Name in capitals", "Date", "Relationship to the child"):
        assert tick in text
    assert f"Known as {KNOWN_AS}" in text
    assert "Please check these and correct anything that is wrong" in text
    assert all(f"Please return this form to {PROVIDER.name}" in page for page in pages_of(pdf))


def test_consent_forms_carry_the_wording_the_answer_and_the_agencies_agreed_before(family: Family) -> None:
    needs = family.kind(KindCode.ADDITIONAL_NEEDS)
    family.session.consents.record(
        family.child_id,
        family.mum_id,
        needs.id,
        ConsentDetails(ConsentStatus.GIVEN, date(2026, 9, 1), ConsentHow.SIGNED_FORM, agencies=AGENCIES),
    )
    transition = family.kind(KindCode.TRANSITION)
    kinds = [needs, transition]
    branding = family.session.forms.branding()
    mums = text_of(
        build_forms([family.forms_for(family.mum_id)], branding=branding, kinds=kinds, privacy=None)
    )
    dads = text_of(
        build_forms([family.forms_for(family.dad_id)], branding=branding, kinds=kinds, privacy=None)
    )
    for text in (mums, dads):
        assert needs.name in text and transition.name in text
        assert " ".join(needs.wording.split()) in text
        assert text.count("I agree I do not agree") == 2  # the two boxes, side by side on each form
        assert f"tell the manager, call {PROVIDER.phone} or email {EMAIL}" in text
        assert f"{CHILD} (known as {KNOWN_AS})" in text
    assert AGENCIES in mums and f"{MUM} (Mother)" in mums
    assert AGENCIES not in dads and f"{DAD} (Father)" in dads
    assert "Please write the agencies this covers" in dads


def test_only_the_contact_details_that_are_set_are_offered_for_a_change_of_mind(family: Family) -> None:
    family.session.settings.update_provider(replace(PROVIDER, phone="", email=""))
    text = text_of(family.build([family.forms_for(family.mum_id)], notice=False))
    assert "You can change your mind at any time: tell the manager." in text
    assert "call" not in text and EMAIL not in text


# --- the privacy notice -------------------------------------------------------------------------


def test_the_notice_lists_the_roles_people_actually_hold(family: Family) -> None:
    made = family.made
    ids = [made.add_person(username, name, {Role.KEY_WORKER}, PASSWORD) for username, name in KEY_WORKERS]
    made.session.staff.deactivate(ids[-1])  # left: no longer counted
    forms = made.session.forms
    text = text_of(build_privacy_notice(branding=forms.branding(), privacy=forms.privacy_facts()))
    assert "Key workers (2 people): the record of the children in their care" in text
    assert "The manager (1 person): everything we keep" in text
    assert "The designated safeguarding lead (1 person):" in text
    assert "reviewer" not in text.lower()  # nobody holds the role


def test_the_notice_says_the_retention_periods_that_are_set(family: Family) -> None:
    session = family.session
    session.settings.update({RETENTION[RecordKind.CHILD_RECORD]: 60})
    pdf = build_privacy_notice(branding=session.forms.branding(), privacy=session.forms.privacy_facts())
    text = text_of(pdf)
    assert (
        "Your child's record, registration forms, consent forms and attendance — "
        "for 5 years after your child leaves us" in text
    )
    assert "for 3 years after your child leaves us" not in text
    assert "until your child is 25 years old" in text  # the others as the defaults
    assert "21 years and 3 months" in text


def test_the_notice_says_how_to_ask_and_complain(family: Family) -> None:
    forms = family.session.forms
    pdf = build_privacy_notice(branding=forms.branding(), privacy=forms.privacy_facts())
    text = text_of(pdf)
    assert NOTICE_TITLE in text
    for words in (
        "within one month",
        "correct anything that is wrong",
        "ico.org.uk",
        "0303 123 1113",
        "without asking you first",
        "encrypted",
        "shredded",
        f"Our designated safeguarding lead is {PROVIDER.dsl_name}.",
        "1 Example Lane, Anytown",
        EMAIL,
    ):
        assert words in text
    assert 1 <= pdf.pages <= 2
    assert all("This notice is yours to keep." in page for page in pages_of(pdf))
    assert "Please return this form" not in text
    assert pdf.warnings == ()


# --- the page furniture -------------------------------------------------------------------------


def test_every_page_has_the_settings_name_contact_details_and_numbering_per_family(family: Family) -> None:
    families = family.session.forms.families([family.child_id])
    assert len(families) == 2  # both parents have parental responsibility
    pdf = family.build(families)
    pages = pages_of(pdf)
    assert len(pages) == pdf.pages == int(info_of(pdf)["Pages"])
    for page in pages:
        for shown in (PROVIDER.name, PROVIDER.phone, EMAIL, "Ofsted URN EY123456", "1 Example Lane, Anytown"):
            assert shown in page
    sizes = [family.build([f]).pages for f in families]
    numbers = [re.search(r"Page (\d+) of (\d+)", page) for page in pages]
    assert [(int(m[1]), int(m[2])) for m in numbers if m] == [
        (n, size) for size in sizes for n in range(1, size + 1)
    ]


def test_a_batch_is_every_familys_set_in_turn(family: Family) -> None:
    made = family.made
    others = [
        add_child(made, name, born)
        for name, born in (("Zoë Ålund", "2022-05-06"), ("Siobhán Kelly", "2023-11-30"))
    ]
    for child_id in others:
        add_parents(made, child_id)
    children = [family.child_id, *others]
    families = made.session.forms.families(children)
    assert len(families) == 6
    single = sum(family.build([f]).pages for f in families)
    progress: list[float] = []
    forms = made.session.forms
    pdf = build_forms(
        families,
        branding=forms.branding(),
        kinds=forms.kinds(),
        privacy=forms.privacy_facts(),
        progress=progress.append,
    )
    assert pdf.pages == single == int(info_of(pdf)["Pages"])
    pages = pages_of(pdf)
    assert sum("Page 1 of" in page for page in pages) == 6
    assert progress[0] == 0 and progress[-1] == 1 and progress == sorted(progress)
    text = " ".join(pages)
    assert text.count(DECLARATION_TITLE + " ·") >= 6  # in the footers, with each child's name
    assert "Zoë Ålund" in text and "Siobhán Kelly" in text


def test_the_logo_is_printed_when_one_is_set(family: Family) -> None:
    forms = family.session.forms
    without = family.build([family.forms_for(family.mum_id)], notice=False)
    assert images_in(without) == []
    forms.set_logo(tiny_png())
    with_logo = family.build([family.forms_for(family.mum_id)], notice=False)
    assert len(images_in(with_logo)) >= with_logo.pages  # on every page
    assert with_logo.warnings == ()


def test_a_demo_build_says_so_on_every_page(family: Family) -> None:
    pdf = family.build([family.forms_for(family.mum_id)], demo=True)
    assert all(page.count(DEMO_LINE) == 2 for page in pages_of(pdf))  # top and bottom
    assert DEMO_LINE not in text_of(family.build([family.forms_for(family.mum_id)]))


def test_the_metadata_names_nobody(family: Family) -> None:
    info = info_of(family.build(family.session.forms.families([family.child_id])))
    assert info["Title"] == TITLE
    assert info.get("Author", "") == ""
    everything = " ".join(info.values())
    for name in (CHILD, MUM, DAD, "Zoë Adams", "Nguyễn", "Sasha"):
        assert name not in everything


# --- blank forms --------------------------------------------------------------------------------


def test_blank_forms_have_labelled_lines_and_no_childs_details(family: Family) -> None:
    forms = family.session.forms
    pdf = build_forms(
        [], branding=forms.branding(), kinds=forms.kinds(), privacy=forms.privacy_facts(), blank=True
    )
    text = text_of(pdf)
    for label in (
        "Child's legal name",
        "Date of birth",
        "Start date",
        "Your name",
        "Relationship to the child",
        "Address",
        "Do you have parental responsibility?",
        "Name in capitals",
        "Please write the agencies this covers",
        DECLARATION_TITLE,
        family.kind(KindCode.ADDITIONAL_NEEDS).name,
        NOTICE_TITLE,
    ):
        assert label in text
    for private in (CHILD, KNOWN_AS, MUM, DAD, MUM_ADDRESS, DAD_PHONE, "3 February 2023", "Sunflowers"):
        assert private not in text
    assert sum("Page 1 of" in page for page in pages_of(pdf)) == 1  # one set


def test_blank_forms_take_no_families_and_something_must_be_chosen(family: Family) -> None:
    forms = family.session.forms
    branding, kinds = forms.branding(), forms.kinds()
    with pytest.raises(ValueError, match="without families"):
        build_forms(
            [family.forms_for(family.mum_id)], branding=branding, kinds=kinds, privacy=None, blank=True
        )
    with pytest.raises(ValidationError, match="Choose at least one child"):
        build_forms([], branding=branding, kinds=kinds, privacy=None)
    with pytest.raises(ValidationError, match="Choose at least one form"):
        build_forms([family.forms_for(family.mum_id)], branding=branding, kinds=[], privacy=None)


# --- long text ----------------------------------------------------------------------------------


def test_very_long_agencies_names_and_wording_wrap_over_pages(family: Family) -> None:
    needs = family.kind(KindCode.ADDITIONAL_NEEDS)
    words = " ".join(f"Agency{n}" for n in range(1, 1200))
    agencies = (words + " LastAgency")[-10_000:]
    assert len(agencies) == 10_000
    long_name = "Αλέξανδρα " * 20 + "W" * 150  # 200 characters, one word longer than a line
    mum = family.forms_for(family.mum_id)
    recipient = replace(mum.recipient, full_name=long_name, address="Flat 1\n" + "Long Road " * 50)
    long = replace(
        mum,
        legal_name=long_name,
        recipient=recipient,
        carers=tuple(recipient if c.id == recipient.id else c for c in mum.carers),
        answers=(AgreedBefore(needs.id, ConsentStatus.GIVEN, agencies),),
    )
    wordy = replace(needs, name="Sharing " * 30, wording="We may share. " * 280)
    pdf = build_forms(
        [long],
        branding=family.session.forms.branding(),
        kinds=[family.kind(KindCode.REGISTRATION), wordy],
        privacy=None,
    )
    text = text_of(pdf)
    assert pdf.pages >= 4
    assert "LastAgency" in text and "Agency1199" in text
    assert "I do not agree" in text and "Name in capitals" in text
    assert pdf.warnings == ()


def test_agencies_named_on_a_refusal_are_offered_again_without_saying_agreed(family: Family) -> None:
    needs = family.kind(KindCode.ADDITIONAL_NEEDS)
    refused = replace(
        family.forms_for(family.mum_id), answers=(AgreedBefore(needs.id, ConsentStatus.REFUSED, AGENCIES),)
    )
    pdf = build_forms([refused], branding=family.session.forms.branding(), kinds=[needs], privacy=None)
    text = text_of(pdf)
    assert AGENCIES in text
    assert "These agencies were named on your last answer" in text
    assert "You agreed before" not in text


def test_a_logo_that_cannot_be_read_is_left_off_with_a_warning(family: Family) -> None:
    branding = family.session.forms.branding()
    broken = replace(branding, logo=Logo(tiny_png()[:40], "image/png"))
    kinds = [family.kind(KindCode.TRANSITION)]
    pdf = build_forms([family.forms_for(family.mum_id)], branding=broken, kinds=kinds, privacy=None)
    assert pdf.warnings == (LOGO_UNREADABLE,)
    assert images_in(pdf) == []
    assert PROVIDER.name in text_of(pdf)
