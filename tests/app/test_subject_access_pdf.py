"""The subject access pack as a PDF, built from a real vault through ``session.subject_access`` and
read back with poppler (pdftotext, pdfinfo): the final pack leaves out every withheld item, a
draft says so on every page, long notes and names in any script print.

The family of ``tests.app.test_subject_access``: the mother asks; the father's details are
withheld from her, and two concerns are withheld. Fictional people only. Nothing is written to
disk: the PDFs are piped to poppler.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace

import pytest

from app.concerns import NewConcern
from app.reports.subject_access import (
    CONFIDENTIAL,
    DEMO_LINE,
    DRAFT_MARK,
    MISSING_GLYPHS,
    TITLE,
    SubjectAccessPdf,
    build_subject_access_pack,
)
from app.subject_access import Exemption, Section
from tests.app.test_chronology_pdf import poppler
from tests.app.test_subject_access import (
    CHILD,
    CONTACT,
    DAD,
    DAD_ADDRESS,
    FAMILY_NOTE,
    GRAN,
    KNOWN_AS,
    MUM,
    RELEASED_CONCERN,
    SEEN,
    THIRD_PARTY_CONCERN,
    WITHHELD_CONCERN,
    Family,
    decide_the_rest,
    family,
)
from tests.conftest import PROVIDER, VaultUnderTest

COVER_NOTE = "Dear Дарья,\n\nHere is the information we hold about Lulu. Ask Zoë if anything is unclear."
WITHHOLD = {
    DAD: Exemption.OTHER_PERSON,  # his carer record (already suggested) and his consent
    WITHHELD_CONCERN: Exemption.SERIOUS_HARM,
    THIRD_PARTY_CONCERN: Exemption.OTHER_PERSON,
}
NEVER_PRINTED = (
    DAD,
    DAD_ADDRESS,
    "WITHHELD-ADDRESS-SENTINEL",
    "07700 900111",  # the father's phone
    "WITHHELD-CONCERN-SENTINEL",
    "THIRD-PARTY-SENTINEL",
    "Checked by the DSL",  # the reason for withholding
    Exemption.SERIOUS_HARM.label,
)


def run(tool: str, pdf: SubjectAccessPdf, *arguments: str) -> str:
    result = subprocess.run(
        [poppler(tool), *arguments, "-enc", "UTF-8", "-", *(["-"] if tool == "pdftotext" else [])],
        input=pdf.data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def text_of(pdf: SubjectAccessPdf, page: int | None = None) -> str:
    """The text (of one page, or all), white space made single spaces (lines wrap anywhere)."""
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    return " ".join(run("pdftotext", pdf, *pages).split())


@pytest.fixture
def fam(made_vault: VaultUnderTest) -> Family:
    return family(made_vault)


def gathered(fam: Family) -> int:
    request = fam.asked_by_mum()
    fam.session.subject_access.set_cover_note(request, COVER_NOTE)
    fam.session.subject_access.gather(request)
    return request


def released(fam: Family) -> SubjectAccessPdf:
    request = gathered(fam)
    decide_the_rest(fam.session, request, withhold=WITHHOLD)
    fam.session.subject_access.release(request)
    return build_subject_access_pack(fam.session.subject_access.pack(request))


def test_the_final_pack_leaves_out_every_withheld_item(fam: Family) -> None:
    pdf = released(fam)
    text = text_of(pdf)
    for words in NEVER_PRINTED:
        assert words not in text, words
    for words in (
        PROVIDER.name,
        f"Information we hold about {CHILD} ({KNOWN_AS})",
        f"Prepared for {MUM} (Mother)",
        "Request received on 28 August 2026",
        "Released on 1 September 2026",
        "Here is the information we hold about Lulu. Ask Zoë if anything is unclear.",
        FAMILY_NOTE,
        RELEASED_CONCERN,
        f"{GRAN}, Grandmother",
        CONTACT,
        "Hannah Osei, Anytown School",
        "St Mary's Primary",
        f"Page 1 of {pdf.pages}",
        CONFIDENTIAL,
    ):
        assert words in text, words
    for section in Section:
        assert section.label in text, section
    assert "Parents and carers: 2 items" in text  # the mother and the grandmother, not the father
    assert "Concerns about the child's welfare: 1 item" in text
    assert "DRAFT" not in text and DEMO_LINE not in text
    assert pdf.warnings == ()


def test_a_draft_says_so_on_every_page_and_leaves_out_what_is_already_withheld(fam: Family) -> None:
    request = gathered(fam)
    pdf = build_subject_access_pack(fam.session.subject_access.pack(request), demo=True)
    assert pdf.pages >= 3
    for page in range(1, pdf.pages + 1):
        shown = text_of(pdf, page)
        assert DRAFT_MARK in shown and f"Page {page} of {pdf.pages}" in shown, page
        assert DEMO_LINE in shown
    text = text_of(pdf)
    assert DAD_ADDRESS not in text  # suggested as withheld from the mother: not in the draft either
    assert WITHHELD_CONCERN in text  # not decided yet: the draft shows what would go
    assert "Released on" not in text


def test_a_section_with_every_item_withheld_leaves_no_trace(fam: Family) -> None:
    request = gathered(fam)
    s = fam.session
    for item in s.subject_access.items(request):
        if item.section is Section.VISITS:
            s.subject_access.decide(item.id, withhold=True, exemption=Exemption.CRIME, reason="Police asked")
    decide_the_rest(s, request, withhold=WITHHOLD)
    s.subject_access.release(request)
    text = text_of(build_subject_access_pack(s.subject_access.pack(request)))
    assert Section.VISITS.label not in text and "Ayşe Demir" not in text
    assert Section.PROFESSIONALS.label in text


def test_long_notes_and_names_the_font_lacks(fam: Family) -> None:
    s = fam.session
    long_note = " ".join(f"word{n}" for n in range(1500)) + " END-OF-THE-LONG-NOTE"
    assert len(long_note) > 10_000
    s.concerns.log(NewConcern(fam.child_id, SEEN, s.concerns.categories()[0].id, long_note))
    request = gathered(fam)
    s.subject_access.set_cover_note(request, "C" * 10_000 + " END-OF-THE-COVER")
    pack = s.subject_access.pack(request)
    long_name = "Ł" * 200  # one word, longer than the running header's line
    asked = replace(pack, request=replace(pack.request, requester_name="陳大文 Дарья", child_name=long_name))
    fractions: list[float] = []
    pdf = build_subject_access_pack(asked, fractions.append)
    text = text_of(pdf)
    assert "END-OF-THE-LONG-NOTE" in text and "word1499" in text and "END-OF-THE-COVER" in text
    assert "Prepared for ??? Дарья" in text and long_name in text_of(pdf, 1).replace(" ", "")
    assert "Information we hold about… " in text_of(pdf, 2)  # the running header, cut to its line
    (warning,) = pdf.warnings
    assert warning.startswith(MISSING_GLYPHS) and "陳" in warning
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) > 2


def test_the_file_names_nobody_in_its_metadata(fam: Family) -> None:
    pdf = released(fam)
    fields = {}
    for line in run("pdfinfo", pdf).splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    assert fields["Title"] == TITLE
    assert int(fields["Pages"]) == pdf.pages
    assert not fields.get("Author") and not fields.get("Subject") and not fields.get("Keywords")
