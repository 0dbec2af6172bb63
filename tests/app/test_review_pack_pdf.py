"""The annual review pack as a PDF, read back with poppler (pdftotext, pdfinfo): built from the
demo vault it shows every section and no child's or family member's name; small numbers are
"fewer than 3" in the tables and "<3" on the charts; names typed into free text are gone; every
page says "Page x of y".

Without poppler-utils the read-back tests are skipped, unless ``SHAREWISE_REQUIRE_INTEGRATION=1``
(set in CI), when they fail instead. Fictional people only. Nothing is written to disk: the PDFs
are piped to poppler.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from app.children import CarerDetails, ChildDetails
from app.clock import ManualClock
from app.concerns import NewConcern
from app.demo import create_demo_vault, demo_accounts
from app.policies import PolicyDetails
from app.policy.retention import RecordKind
from app.reports.charts import HIDDEN_LABEL, axis_top, bar_chart
from app.reports.review_pack import (
    FIGURES_ONLY,
    MISSING_GLYPHS,
    SECTION_TITLES,
    TITLE,
    ReviewPackPdf,
    build_review_pack,
)
from app.review_pack import FEWER, MONTH_LABELS, ReviewFigures
from app.session import Session
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault
from tests.app.test_chronology_pdf import poppler
from tests.conftest import VaultUnderTest

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
COVER = "Annual review of information sharing and records, {year}"


def pages_of(pdf: ReviewPackPdf) -> list[str]:
    """Each page's text, runs of white space made single spaces."""
    result = subprocess.run(
        [poppler("pdftotext"), "-enc", "UTF-8", "-", "-"], input=pdf.data, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [" ".join(unicodedata.normalize("NFC", page).split()) for page in pages]


def info_of(pdf: ReviewPackPdf) -> dict[str, str]:
    result = subprocess.run([poppler("pdfinfo"), "-"], input=pdf.data, capture_output=True, check=True)
    found = {}
    for line in result.stdout.decode("utf-8").splitlines():
        key, _, value = line.partition(":")
        found[key.strip()] = value.strip()
    return found


def section_page(pages: list[str], title: str) -> str:
    """The page a section starts on (after the cover and the contents, which list every title)."""
    return next(page for page in pages[2:] if title in page)


def has_word(text: str, word: str) -> bool:
    """``word`` as a whole word of ``text``, whatever the case."""
    pattern = rf"(?<!\w){re.escape(word.casefold())}(?!\w)"
    return re.search(pattern, text.casefold()) is not None


# --- the demo vault -----------------------------------------------------------------------------


@dataclass
class DemoPack:
    session: Session
    figures: ReviewFigures
    pdf: ReviewPackPdf
    pages: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.pages)


def _demo_json(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        resources.files("resources").joinpath("demo", name).read_text("utf-8")
    )
    return data


def family_names() -> list[str]:
    """Every demo child's legal name and known-as, every carer's and emergency contact's name."""
    found: list[str] = []
    for family in _demo_json("children.json")["families"]:  # type: ignore[attr-defined]
        for child in family["children"]:
            found.append(child["legal_name"])
            if child.get("known_as"):
                found.append(child["known_as"])
        found += [carer["name"] for carer in family["carers"]]
        found += [contact["full_name"] for contact in family.get("contacts", [])]
    return found


def staff_names() -> list[str]:
    return [person["full_name"] for person in _demo_json("setting.json")["staff"]]  # type: ignore[index]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoPack]:
    made = create_demo_vault(
        tmp_path_factory.mktemp("demo") / "vault", keyring=DeviceKeyring(None), clock=ManualClock(NOW)
    )
    vault = Vault.open(
        made.folder, keyring=DeviceKeyring(None), clock=ManualClock(NOW + timedelta(minutes=5))
    )
    first = demo_accounts()[0]
    session = vault.sign_in(first.username, first.password)
    figures = session.review_pack.figures(2026)
    pdf = build_review_pack(figures)
    yield DemoPack(session, figures, pdf, pages_of(pdf))
    session.close()
    vault.close()


def test_the_demo_pack_shows_every_section_in_order(demo: DemoPack) -> None:
    text = demo.text
    assert demo.figures.demo
    assert COVER.format(year=2026) in demo.pages[0]
    assert FIGURES_ONLY in demo.pages[0]
    assert "Little Acorns Pre-school" in demo.pages[0] or demo.figures.provider_name in demo.pages[0]
    assert "fewer than 3" in demo.pages[0]  # the introduction says it once
    positions = [text.index(title, len(demo.pages[0]) + len(demo.pages[1])) for title in SECTION_TITLES]
    assert positions == sorted(positions)
    contents = demo.pages[1]
    for title in SECTION_TITLES:  # each listed with its page number
        number = next(n for n, page in enumerate(demo.pages, start=1) if n > 2 and page.find(title) >= 0)
        assert re.search(rf"{re.escape(title)}[ .]*{number}\b", contents), title


def test_every_page_says_page_x_of_y(demo: DemoPack) -> None:
    total = demo.pdf.pages
    assert total >= 12 and int(info_of(demo.pdf)["Pages"]) == total == len(demo.pages)
    for number, page in enumerate(demo.pages, start=1):
        assert f"Page {number} of {total}" in page


def test_no_child_or_family_member_is_named_in_the_demo_pack(demo: DemoPack) -> None:
    text = demo.text
    names = family_names()
    assert len(names) > 100  # the demo has forty children with their carers and contacts
    for name in names:
        if len(name) >= 3:  # a known-as of two letters ("An") is an English word too
            assert not has_word(text, name), name
    # Their words too (first names, surnames), except words the pack prints for other reasons:
    # staff names (staff are named on purpose) and the months of the chart ("Jun").
    allowed = {w.casefold() for n in staff_names() for w in re.findall(r"\w+", n)}
    allowed |= {m.casefold() for m in MONTH_LABELS}
    checked = 0
    for name in names:
        for word in re.findall(r"\w+", name):
            if len(word) >= 3 and word.casefold() not in allowed:
                checked += 1
                assert not has_word(text, word), f"{word} (from {name})"
    assert checked > 150


def test_the_demo_pack_has_its_charts(demo: DemoPack) -> None:
    concerns = section_page(demo.pages, SECTION_TITLES[2])
    for month in MONTH_LABELS:  # the month chart's labels are text in the PDF
        assert has_word(concerns, month)
    decisions = section_page(demo.pages, SECTION_TITLES[1])
    assert has_word(decisions, "Waiting for advice")
    by_month = [t.count for t in demo.figures.concerns.by_month]
    if any(0 < n < 3 for n in by_month):
        assert HIDDEN_LABEL in concerns
    result = subprocess.run(
        [poppler("pdfimages"), "-list", "-", "-"], input=demo.pdf.data, capture_output=True, check=False
    )
    # The charts are drawn as vector graphics, not pictures: nothing to leak in an image.
    assert len(result.stdout.decode("utf-8").splitlines()) <= 2


def test_the_metadata_names_nothing(demo: DemoPack) -> None:
    info = info_of(demo.pdf)
    assert info["Title"] == TITLE
    assert info.get("Author", "") == "" and info.get("Subject", "") == ""


def test_the_demo_figures_say_who_confirmed_the_policy(demo: DemoPack) -> None:
    staff_page = section_page(demo.pages, SECTION_TITLES[5])
    for name in staff_names():
        assert name in staff_page


# --- small numbers ------------------------------------------------------------------------------


def test_a_chart_hides_1_and_2_behind_one_fixed_bar() -> None:
    drawing = bar_chart(
        [("one", 1), ("two", 2), ("three", 3), ("none", 0), ("many", 40)], width=400, height=150
    )
    (chart,) = drawing.contents
    assert chart.barLabelArray == [[HIDDEN_LABEL, HIDDEN_LABEL, "3", "0", "40"]]
    one, two, three, none, many = chart.data[0]
    assert one == two > 0  # the same height whether it is 1 or 2
    assert one not in (1, 2) and three == 3 and none == 0 and many == 40
    assert chart.bars[(0, 0)].fillColor != chart.bars[0].fillColor
    assert axis_top([1, 2]) == (3, 1)  # the axis never ends at 1 or 2
    assert axis_top([0, 7, 40]) == (40, 10)


def test_counts_of_1_and_2_print_as_fewer_than_3_and_3_as_3(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    child = s.children.add(ChildDetails("Zoë Ålund", "2023-02-03", "2025-09-01", room="Acorns")).id
    categories = s.concerns.categories()
    seen = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    for category, count in zip(categories, (1, 2, 3), strict=False):
        for _ in range(count):
            s.concerns.log(NewConcern(child, seen, category.id, "Seemed tired all day."))
    pdf = build_review_pack(s.review_pack.figures(2026))
    page = section_page(pages_of(pdf), SECTION_TITLES[2])
    table = page[page.index("Category Concerns") :]
    assert f"{categories[0].name} {FEWER}" in table
    assert f"{categories[1].name} {FEWER}" in table
    assert re.search(rf"{re.escape(categories[2].name)} 3\b", table)
    assert f"{categories[3].name} none" in table
    assert "Concerns seen in 2026: 6." in page
    # On the charts: March has 6; the categories' chart says <3 twice and 3 once.
    assert page.count(HIDDEN_LABEL) == 2


# --- free text and glyphs -----------------------------------------------------------------------


def test_names_typed_into_reasons_never_reach_the_paper(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    kept = s.children.add(
        ChildDetails("Łucja Nowak", "2017-03-01", "2019-09-01", leaving_date="2021-07-20", known_as="Lulu")
    ).id
    s.children.add_carer(kept, CarerDetails("Дмитрий Соколов", "Father", True, True))
    s.retention.keep(
        RecordKind.CHILD_RECORD,
        kept,
        reason="Lulu's father Дмитрий Соколов asked us to keep it; see LUCJA NOWAK's sibling file.",
        review_on=date(2027, 3, 1),
    )
    s.policies.add(PolicyDetails("Safeguarding and child protection", "4", signed_by="Zoë Adams"))
    pages = pages_of(build_review_pack(s.review_pack.figures(2026)))
    text = " ".join(pages)
    for word in ("Łucja", "Lucja", "Nowak", "Lulu", "Дмитрий", "Соколов"):
        assert not has_word(text, word), word
    assert "[name]'s father [name] asked us to keep it; see [name]'s sibling file." in text
    assert "Safeguarding and child protection (version 4)" in text


def test_characters_the_font_lacks_are_pointed_out(made_vault: VaultUnderTest) -> None:
    made_vault.session.policies.add(PolicyDetails("保护儿童 policy", "1"))
    pdf = build_review_pack(made_vault.session.review_pack.figures(2026))
    (warning,) = pdf.warnings
    assert warning.startswith(MISSING_GLYPHS)
    assert "?? policy" in " ".join(pages_of(pdf))


def test_progress_moves_forward_to_the_end(made_vault: VaultUnderTest) -> None:
    heard: list[float] = []
    build_review_pack(made_vault.session.review_pack.figures(2026), progress=heard.append)
    assert heard == sorted(heard) and heard[-1] == 1.0 and len(heard) >= 10


def test_a_past_year_says_nothing_about_the_year_running_on(
    made_vault: VaultUnderTest, tmp_path: Path
) -> None:
    figures = made_vault.session.review_pack.figures(2025)
    cover = pages_of(build_review_pack(figures))[0]
    assert COVER.format(year=2025) in cover
    assert "not over yet" not in cover
    this_year = pages_of(build_review_pack(made_vault.session.review_pack.figures(2026)))[0]
    assert "The year is not over yet: the figures run to 1 September 2026." in this_year
