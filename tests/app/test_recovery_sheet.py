"""The Recovery Sheet PDF, read back with poppler (pdftotext, pdfinfo, pdffonts).

Without poppler-utils the read-back tests are skipped, unless ``SHAREWISE_REQUIRE_INTEGRATION=1``
(set in CI), when they fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
from reportlab.lib.fonts import tt2ps

from app.reports import fonts
from app.reports.recovery_sheet import (
    DEMO_LINE,
    TITLE,
    build_recovery_sheet,
    issued_date,
    printable,
)
from app.settings import ProviderProfile
from app.vault.recovery_key import ALPHABET, RecoveryKey, generate

NAMES = ("Zoë", "Łucja", "Nguyễn", "Дмитрий", "Αλέξανδρος")
PROVIDER = ProviderProfile(
    name="Łucja's Little Acorns — Дмитрий Pre-school", ofsted_urn="EY123456", address="1 Example Lane"
)
KEY = RecoveryKey(bytes.fromhex("0123456789abcdeffedcba98765432100f1e2d3c"))
ISSUED = datetime(2026, 11, 21, 14, 5)


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        reason = f"{tool} (poppler-utils) is not installed"
        if os.environ.get("SHAREWISE_REQUIRE_INTEGRATION") == "1":
            pytest.fail(f"SHAREWISE_REQUIRE_INTEGRATION=1 but {reason}.", pytrace=False)
        pytest.skip(reason)
    return path


def run(tool: str, *args: str | Path) -> str:
    result = subprocess.run(
        [poppler(tool), *map(str, args)], capture_output=True, check=True, text=True, encoding="utf-8"
    )
    return result.stdout


def write(tmp_path: Path, pdf: bytes, name: str = "sheet.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def text_of(path: Path) -> str:
    """The page's text with runs of white space made single spaces (lines wrap anywhere)."""
    return " ".join(run("pdftotext", "-enc", "UTF-8", path, "-").split())


def info_of(path: Path) -> dict[str, str]:
    fields = {}
    for line in run("pdfinfo", "-enc", "UTF-8", path).splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


@pytest.fixture(scope="module")
def sheet() -> bytes:
    return build_recovery_sheet(PROVIDER, KEY, ISSUED)


def test_is_a_pdf(sheet: bytes) -> None:
    assert sheet.startswith(b"%PDF-")
    assert sheet.rstrip().endswith(b"%%EOF")


def test_the_page_holds_the_name_date_key_groups_and_instructions(sheet: bytes, tmp_path: Path) -> None:
    text = text_of(write(tmp_path, sheet))
    assert TITLE in text
    assert PROVIDER.name in text
    assert "Ofsted URN: EY123456" in text
    assert "21 November 2026" in text
    for number, group in enumerate(KEY.groups(), start=1):
        assert group in text
        assert f"Group {number}" in text
    assert KEY.formatted() in text
    assert "if every manager password is lost or the computer dies" in text
    assert "A manager uses it with their username to set a new password" in text
    assert "this older sheet stops working" in text
    assert "with the committee chair in a sealed envelope" in text
    assert "Never photographed, scanned or emailed" in text
    assert "Shred an old sheet once a new one is issued" in text
    assert "Stored by" in text and "Date" in text
    assert "1 Example Lane" not in text  # the address is not needed on this sheet


def test_groups_are_printed_in_order_with_their_numbers(sheet: bytes, tmp_path: Path) -> None:
    lines = run("pdftotext", "-layout", "-enc", "UTF-8", write(tmp_path, sheet), "-").splitlines()
    groups = KEY.groups()
    first_row = next(i for i, line in enumerate(lines) if groups[0] in line)
    assert lines[first_row].split() == groups[:4]
    assert " ".join(lines[first_row + 1].split()) == "Group 1 Group 2 Group 3 Group 4"
    second_row = next(i for i, line in enumerate(lines) if groups[4] in line)
    assert lines[second_row].split() == groups[4:]
    assert " ".join(lines[second_row + 1].split()) == "Group 5 Group 6 Group 7 Group 8"


def test_one_a4_page(sheet: bytes, tmp_path: Path) -> None:
    info = info_of(write(tmp_path, sheet))
    assert info["Pages"] == "1"
    assert "(A4)" in info["Page size"]


def test_metadata_holds_the_title_and_nothing_personal_or_secret(sheet: bytes, tmp_path: Path) -> None:
    info = info_of(write(tmp_path, sheet))
    assert info["Title"] == "Sharewise Recovery Sheet"
    assert info.get("Author", "") == ""
    assert info.get("Subject", "") == ""
    assert info.get("Keywords", "") == ""
    everything = "\n".join(f"{k}: {v}" for k, v in info.items())
    for group in KEY.groups():
        assert group not in everything
    for part in ("Łucja", "Acorns", "Дмитрий", "EY123456"):
        assert part not in everything
    # Nor anywhere in the raw file outside the (compressed) page content.
    assert KEY.formatted().encode() not in sheet
    for group in KEY.groups():
        assert group.encode() not in sheet
    assert b"Acorns" not in sheet


def test_demo_line_only_on_a_demo_sheet(sheet: bytes, tmp_path: Path) -> None:
    demo = build_recovery_sheet(PROVIDER, KEY, ISSUED, demo=True)
    assert DEMO_LINE in text_of(write(tmp_path, demo, "demo.pdf"))
    assert info_of(tmp_path / "demo.pdf")["Pages"] == "1"
    real = text_of(write(tmp_path, sheet))
    assert "DEMO" not in real
    assert "fictional" not in real


def test_names_in_every_script_print_and_the_real_bold_face_is_embedded(tmp_path: Path) -> None:
    provider = ProviderProfile(name=" · ".join(NAMES) + " Nursery")
    path = write(tmp_path, build_recovery_sheet(provider, generate(), ISSUED))
    assert provider.name in text_of(path)
    embedded = run("pdffonts", path)
    for face in ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono-Bold"):
        assert any(
            line.split()[0].endswith("+" + face) and " yes " in line for line in embedded.splitlines()[2:]
        )


def test_a_name_typed_with_combining_accents_prints_composed(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Pre-school")
    assert decomposed != "Nguyễn Pre-school"
    path = write(tmp_path, build_recovery_sheet(ProviderProfile(name=decomposed), KEY, ISSUED))
    assert "Nguyễn Pre-school" in text_of(path)


def test_a_name_the_font_cannot_show_prints_question_marks_not_boxes(tmp_path: Path) -> None:
    assert printable("漢字 Nursery") == "?? Nursery"
    path = write(tmp_path, build_recovery_sheet(ProviderProfile(name="漢字 Nursery"), KEY, ISSUED))
    text = text_of(path)
    assert "?? Nursery" in text
    assert KEY.groups()[2] in text


def test_a_very_long_name_still_fits_one_page(tmp_path: Path) -> None:
    long_name = ("Дмитрий and Αλέξανδρος Community Nursery " * 6)[:200]
    path = write(tmp_path, build_recovery_sheet(ProviderProfile(name=long_name), KEY, ISSUED, demo=True))
    assert info_of(path)["Pages"] == "1"
    text = text_of(path)
    for group in KEY.groups():
        assert group in text


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 21), "21 November 2026"),
        (datetime(2027, 3, 1, 23, 59), "1 March 2027"),
        (datetime(2030, 12, 9), "9 December 2030"),
    ],
)
def test_issued_date_reads_the_same_in_every_locale(moment: datetime, expected: str) -> None:
    assert issued_date(moment) == expected


# --- fonts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("font_name", [fonts.SANS, fonts.SANS_BOLD])
def test_dejavu_sans_covers_names_in_every_script(font_name: str) -> None:
    for name in NAMES:
        assert fonts.missing_glyphs(name, font_name) == set()
    assert fonts.missing_glyphs("Łucja's Little Acorns — 0–9 “quoted” £5 €", font_name) == set()


@pytest.mark.parametrize("font_name", [fonts.MONO, fonts.MONO_BOLD])
def test_dejavu_mono_covers_the_key_but_not_every_name(font_name: str) -> None:
    """Mono is for the key (plain ASCII); it lacks most Vietnamese letters, so names stay in Sans."""
    assert fonts.missing_glyphs(ALPHABET + "-", font_name) == set()
    assert fonts.missing_glyphs("Nguyễn", font_name) == {"ễ"}


def test_missing_glyphs_finds_what_dejavu_lacks() -> None:
    assert fonts.missing_glyphs("漢", fonts.SANS) == {"漢"}
    assert fonts.missing_glyphs("Zoë 漢字 Дмитрий", fonts.SANS_BOLD) == {"漢", "字"}
    assert fonts.missing_glyphs("", fonts.SANS) == set()


def test_missing_glyphs_ignores_line_breaks_and_tabs() -> None:
    assert fonts.missing_glyphs("1 Example Lane\nAnytown\t\r\n", fonts.SANS) == set()


def test_missing_glyphs_for_a_builtin_font_is_its_windows_1252_range() -> None:
    assert fonts.missing_glyphs("Zoë – €5", "Helvetica") == set()
    assert fonts.missing_glyphs("Łucja Дмитрий", "Helvetica") == {"Ł", *"Дмитрий"}


def test_missing_glyphs_for_an_unknown_font_raises() -> None:
    with pytest.raises(KeyError):
        fonts.missing_glyphs("a", "NoSuchFont-Regular")


def test_register_is_idempotent_and_bold_maps_to_the_real_bold_face() -> None:
    fonts.register()
    fonts.register()
    assert tt2ps(fonts.SANS, 1, 0) == fonts.SANS_BOLD
    assert tt2ps(fonts.MONO, 1, 0) == fonts.MONO_BOLD
    assert tt2ps(fonts.SANS, 0, 0) == fonts.SANS


def test_the_fonts_and_their_licence_ship_as_package_data() -> None:
    folder = resources.files("resources").joinpath("fonts")
    for file_name in (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSansMono.ttf",
        "DejaVuSansMono-Bold.ttf",
    ):
        assert folder.joinpath(file_name).read_bytes()[:4] == b"\x00\x01\x00\x00"
    licence = folder.joinpath("LICENSE-DejaVu.txt").read_text("utf-8")
    assert "Bitstream Vera Fonts Copyright" in licence
    assert "DejaVu changes are in public domain" in licence


@pytest.fixture
def london(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("london")
def test_an_aware_time_is_dated_on_this_computers_calendar() -> None:
    assert issued_date(datetime(2026, 6, 21, 23, 30, tzinfo=UTC)) == "22 June 2026"  # 00:30 BST
    assert issued_date(datetime(2026, 11, 21, 23, 30, tzinfo=UTC)) == "21 November 2026"  # GMT
