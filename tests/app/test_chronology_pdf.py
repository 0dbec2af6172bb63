"""The chronology PDF, built from a real vault and read back with poppler (pdftotext, pdfinfo).

Fictional people only, with names in several scripts. Without poppler-utils the read-back tests
are skipped, unless ``SHAREWISE_REQUIRE_INTEGRATION=1`` (set in CI), when they fail instead.
The PDFs are piped to poppler: nothing here writes a chronology to disk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.children import CarerDetails, ChildDetails, ChildId, VisitDetails
from app.chronology import Chronology, ChronologyEntry, EntryKind
from app.concerns import NewConcern
from app.documents import DocumentKind
from app.errors import PermissionDenied
from app.parent_contacts import ContactKind, NewParentContact
from app.policy.permissions import Role
from app.reports import chronology as report
from app.reports.chronology import CODED_NOTE, CONFIDENTIAL, PARTIAL_NOTE, ChronologyPdf, build_chronology
from app.session import Session
from tests.conftest import PROVIDER, VaultUnderTest

KW_USERNAME = "dmitry"
KW_NAME = "Дмитрий Соколов"
KW_PASSWORD = "velvet thunder candle"
CHILD = "Αλέξανδρος Nguyễn"
KNOWN_AS = "Alex"
BORN = date(2023, 2, 3)
REFERENCE = "Α.N. 03/02/2023"  # the Greek capital alpha: initials keep the script
MUM = "Łucja Nguyễn"
DAD = "Siobhán Kowalska"
WORDS = "Daddy shouted and the plate broke"
OPINION = "Alex seemed frightened of going home"
ORIGINAL = "A bruise on the left arm, about 3 cm"
CORRECTED = "A bruise on the right arm, about 3 cm"
PRINTED_AT = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        reason = f"{tool} (poppler-utils) is not installed"
        if os.environ.get("SHAREWISE_REQUIRE_INTEGRATION") == "1":
            pytest.fail(f"SHAREWISE_REQUIRE_INTEGRATION=1 but {reason}.", pytrace=False)
        pytest.skip(reason)
    return path


def text_of(pdf: ChronologyPdf) -> str:
    """The document's text with runs of white space made single spaces (lines wrap anywhere)."""
    result = subprocess.run(
        [poppler("pdftotext"), "-enc", "UTF-8", "-", "-"], input=pdf.data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


def info_of(pdf: ChronologyPdf) -> dict[str, str]:
    result = subprocess.run(
        [poppler("pdfinfo"), "-enc", "UTF-8", "-"], input=pdf.data, capture_output=True, check=True
    )
    fields = {}
    for line in result.stdout.decode("utf-8").splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


@dataclass
class Record:
    made: VaultUnderTest
    child_id: int
    key_worker_id: int

    @property
    def session(self) -> Session:
        return self.made.session


def category(session: Session, name: str) -> int:
    return next(int(c.id) for c in session.concerns.categories() if c.name == name)


@pytest.fixture
def record(made_vault: VaultUnderTest) -> Record:
    """A child with carers, a corrected, reviewed, actioned and closed concern, an urgent one,
    an agency visit and a parent contact; the manager (also DSL) signed in."""
    made = made_vault
    kw = made.add_person(KW_USERNAME, KW_NAME, {Role.KEY_WORKER}, KW_PASSWORD)
    s = made.session
    child = s.children.add(
        ChildDetails(
            legal_name=CHILD,
            known_as=KNOWN_AS,
            date_of_birth=BORN,
            start_date=date(2025, 9, 1),
            room="Oak",
            key_worker_id=kw,
        )
    )
    s.children.add_carer(child.id, CarerDetails(MUM, "Mother", True, True, phone="07700 900 123"))
    s.children.add_carer(child.id, CarerDetails(DAD, "Father", True, False))
    first = s.concerns.log(
        NewConcern(
            child_id=child.id,
            seen_at=datetime(2026, 7, 6, 13, 30, tzinfo=UTC),  # 14:30 in the UK (summer time)
            category_id=category(s, "Injury or mark"),
            facts=ORIGINAL,
            child_words=WORDS,
            opinion=OPINION,
            action_taken=f"Told {MUM} at collection.",
        )
    )
    made.clock.advance(3600)
    s.concerns.amend(first.id, field="facts", new_text=CORRECTED, reason="Wrong arm written down")
    made.clock.advance(3600)
    s.concerns.review(first.id, note="Spoke to mum; plausible explanation.", review_date=date(2026, 9, 15))
    concern = s.concerns.add_action(
        first.id, description="Check in with Alex each morning", assigned_to=kw, due_date=date(2026, 9, 8)
    )
    made.clock.advance(86_400)
    s.concerns.complete_action(concern.actions[0].id, note="Alex settled well all week")
    s.concerns.close(first.id, outcome="No further concerns; monitored for a week.")
    s.concerns.log(
        NewConcern(
            child_id=child.id,
            seen_at=datetime(2026, 1, 12, 10, 0, tzinfo=UTC),  # 10:00 in the UK (winter)
            category_id=category(s, "Something the child said"),
            facts=f"{KNOWN_AS} said he was hungry and had no breakfast.",
            urgent=True,
            third_party_source="Anytown Health Visiting Team",
        )
    )
    s.children.log_visit(
        child.id,
        VisitDetails(
            visitor="Αθηνά Γεωργίου",
            agency="Anytown Speech and Language",
            visited_at=datetime(2026, 3, 4, 9, 15, tzinfo=UTC),
            purpose="Speech assessment in the Oak room",
            supervised_by=kw,
        ),
    )
    s.parent_contacts.log(
        NewParentContact(
            contact_at=datetime(2026, 5, 20, 8, 45, tzinfo=UTC),
            kind=ContactKind.CALL,
            about="Asked who may collect on Friday.",
            who=MUM,
            child_id=child.id,
        )
    )
    return Record(made, int(child.id), kw)


def build(chronology: Chronology, *, demo: bool = False) -> ChronologyPdf:
    return build_chronology(
        chronology, provider_name=PROVIDER.name, printed_by="Zoë Adams", printed_at=PRINTED_AT, demo=demo
    )


# --- the full copy ---------------------------------------------------------------------------


def test_the_full_copy_holds_every_entry_in_every_script(record: Record) -> None:
    pdf = build(record.session.chronology.for_child(record.child_id))
    text = text_of(pdf)
    assert f"Chronology for {CHILD} ({KNOWN_AS}), born 03/02/2023" in text
    assert PROVIDER.name in text
    for name in (CHILD, MUM, KW_NAME, "Αθηνά Γεωργίου", "Zoë Adams"):
        assert name in text
    assert f"Child's own words: “{WORDS}”" in text
    assert f"Opinion (not fact): {OPINION}" in text
    assert f"Was: {ORIGINAL}" in text
    assert f"Now: {CORRECTED}" in text
    assert "Reason: Wrong arm written down" in text
    assert "Outcome: No further concerns; monitored for a week." in text
    assert "Information from another agency: Anytown Health Visiting Team" in text
    assert "Asked who may collect on Friday." in text
    assert "Printed by Zoë Adams on 01/09/2026 at 10:30 (UK time)" in text
    assert CODED_NOTE not in text and PARTIAL_NOTE not in text and "DEMO" not in text


def test_times_are_uk_time_and_whole_days_show_the_date_only(record: Record) -> None:
    text = text_of(build(record.session.chronology.for_child(record.child_id)))
    assert "06/07/2026 14:30 Concern" in text  # BST
    assert "12/01/2026 10:00 Concern URGENT" in text  # GMT, and urgent said in words
    assert "01/09/2025 Started Started in Oak" in text


def test_every_page_is_marked_confidential_and_numbered(record: Record) -> None:
    pdf = build(record.session.chronology.for_child(record.child_id))
    info = info_of(pdf)
    assert int(info["Pages"]) == pdf.pages >= 1
    assert "(A4)" in info["Page size"]
    text = text_of(pdf)
    assert text.count(CONFIDENTIAL) == pdf.pages
    for page in range(1, pdf.pages + 1):
        assert f"Page {page} of {pdf.pages}" in text
    assert pdf.warnings == ()


def test_the_metadata_names_nobody(record: Record) -> None:
    pdf = build(record.session.chronology.for_child(record.child_id))
    info = info_of(pdf)
    assert info["Title"] == "Chronology"
    assert info.get("Author", "") == "" and info.get("Subject", "") == "" and info.get("Keywords", "") == ""
    everything = "\n".join(info.values())
    for part in ("Nguy", "Αλέξανδρος", "Łucja", "Alex", "Oak"):
        assert part not in everything
    assert b"Nguy" not in pdf.data  # the page text is compressed; nothing leaks beside it


def test_a_demo_copy_says_so(record: Record) -> None:
    text = text_of(build(record.session.chronology.for_child(record.child_id), demo=True))
    assert "DEMO — fictional data" in text


# --- the coded copy --------------------------------------------------------------------------


def test_the_coded_copy_holds_the_reference_and_no_family_names(record: Record) -> None:
    pdf = build(record.session.chronology.for_child(record.child_id, coded=True))
    text = text_of(pdf)
    assert f"Chronology for {REFERENCE}" in text
    assert CODED_NOTE in text
    for name in (CHILD, "Αλέξανδρος", "Nguyễn", KNOWN_AS, MUM, "Łucja", DAD, "Kowalska"):
        assert name not in text
    assert "Told Ł. N. at collection." in text  # the core coded the free text
    assert "A. said he was hungry" in text
    assert f"Now: {CORRECTED}" in text  # the record itself is all there
    assert info_of(pdf)["Title"] == "Chronology"


# --- a key worker's partial view -------------------------------------------------------------


def test_a_key_workers_view_says_it_is_partial(record: Record) -> None:
    record.made.session.close()
    session = record.made.vault.sign_in(KW_USERNAME, KW_PASSWORD)
    chronology = session.chronology.for_child(record.child_id)
    assert not chronology.complete
    text = text_of(build(chronology))
    assert PARTIAL_NOTE in text
    assert WORDS not in text  # the manager wrote that concern
    with pytest.raises(PermissionDenied):
        session.chronology.for_child(record.child_id, coded=True)  # coded copies are the DSL's
    with pytest.raises(PermissionDenied):
        session.documents.printed(DocumentKind.CHRONOLOGY, pages=1, about=("child", record.child_id))
    session.close()


# --- long notes and text the font cannot show ------------------------------------------------


def test_a_ten_thousand_character_note_flows_over_pages(record: Record) -> None:
    s = record.session
    sentence = "Alex drew a picture of the house and talked about the dog at length. "
    note = (sentence * 200)[:9_980] + " END OF NOTE"
    assert len(note) >= 10_000 - 8
    s.concerns.log(
        NewConcern(
            child_id=record.child_id,
            seen_at=datetime(2026, 8, 28, 11, 0, tzinfo=UTC),
            category_id=category(s, "Something else"),
            facts=note,
            opinion="\n".join(f"Line {n}" for n in range(200)),  # many short lines as well
        )
    )
    pdf = build(s.chronology.for_child(record.child_id))
    assert pdf.pages >= 4
    assert int(info_of(pdf)["Pages"]) == pdf.pages
    text = text_of(pdf)
    assert "END OF NOTE" in text
    assert "Line 0" in text and "Line 199" in text
    assert text.count("(continued)") >= 10
    assert f"Page {pdf.pages} of {pdf.pages}" in text


def test_a_name_the_font_lacks_prints_as_question_marks_with_a_warning(record: Record) -> None:
    s = record.session
    s.parent_contacts.log(
        NewParentContact(
            contact_at=datetime(2026, 8, 30, 15, 0, tzinfo=UTC),
            kind=ContactKind.VISIT,
            about="Grandmother 李娜 asked about the trip.",
            who="李娜",
            child_id=record.child_id,
        )
    )
    pdf = build(s.chronology.for_child(record.child_id))
    assert len(pdf.warnings) == 1
    assert "cannot be printed with the built-in font" in pdf.warnings[0]
    assert "李" in pdf.warnings[0]
    text = text_of(pdf)
    assert "Grandmother ?? asked about the trip." in text
    assert "李" not in text


# --- pieces ----------------------------------------------------------------------------------


def test_chunks_keep_every_word_and_stay_small() -> None:
    text = ("word " * 3000) + "\n" + "\n".join("x" for _ in range(100)) + "\n" + "y" * 2500
    pieces = report.chunks(text)
    assert all(len(p) <= 700 for p in pieces)
    assert all(len(p.split("\n")) <= 14 for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())
    assert report.chunks("") == [""]
    assert report.chunks("one\ntwo") == ["one\ntwo"]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # last minute of GMT
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # first minute of BST
        datetime(2026, 7, 6, 23, 30, tzinfo=UTC),  # the next day in the UK
        datetime(2026, 10, 25, 0, 59, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
        datetime(2027, 1, 1, 12, 0),  # naive counts as UTC
    ],
)
def test_uk_time_without_a_zone_database_matches_europe_london(
    moment: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(ZoneInfo("Europe/London"))
    assert report.uk_time(moment).replace(tzinfo=None) == expected.replace(tzinfo=None)
    monkeypatch.setattr(report, "_london", lambda: None)
    fallback = report.uk_time(moment)
    assert fallback.replace(tzinfo=None) == expected.replace(tzinfo=None)
    assert fallback.utcoffset() == expected.utcoffset()


def test_an_empty_or_short_chronology_builds() -> None:
    entry = ChronologyEntry(
        datetime(2026, 1, 5, tzinfo=UTC), True, EntryKind.STARTED, "Started in Saplings", "", ""
    )
    base = Chronology(ChildId(1), "Zoë Ng", date(2024, 1, 1), "Z.N. 01/01/2024", (), True, False)
    empty = build(base)
    assert empty.pages == 1
    assert "Nothing is recorded for this child yet." in text_of(empty)
    one = build(replace(base, entries=(entry,)))
    assert "1 entry, oldest first." in text_of(one)
    assert "05/01/2026 Started Started in Saplings" in text_of(one)
    late = replace(entry, at=datetime(2026, 7, 6, 23, 30, tzinfo=UTC) + timedelta(0), all_day=False)
    assert report.when_text(late) == "07/07/2026 00:30"
