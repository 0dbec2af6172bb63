"""The Recovery Sheet: one A4 page with the recovery key, what it is for and where to keep it.

The key is printed in large monospace, in its eight groups, each numbered so the recovery
wizard can say "type group 3". The page is built in memory and returned as PDF bytes; nothing is
written to disk. The PDF's metadata holds only the title: no key, no names.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    KeepInFrame,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.clock import long_date
from app.reports import fonts
from app.reports.document import a4_document
from app.settings import ProviderProfile
from app.vault.recovery_key import RecoveryKey

TITLE = "Sharewise Recovery Sheet"
DEMO_LINE = "DEMO — fictional data, not a real recovery key for a setting"
GROUPS_PER_ROW = 4
_MARGIN = 18 * mm
_INK = colors.HexColor("#1a1a1a")
_MUTED = colors.HexColor("#555555")
_DEMO_RED = colors.HexColor("#b00020")


def issued_date(moment: datetime) -> str:
    """``21 November 2026``: the same in every locale, with no leading zero.

    An aware time (the core's clock gives UTC) is shown as the date on this computer, so a key
    issued at 00:30 on a summer morning in the UK is not dated the day before.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return long_date(moment.date())


def printable(text: str, font_name: str = fonts.SANS) -> str:
    """``text`` in NFC with any character the font lacks shown as ``?`` rather than a box.

    NFC first, so a name typed with combining accents (``Nguyễn`` as ``e`` + two marks) uses
    the precomposed letters DejaVu has. A provider name in a script DejaVu does not cover still
    gives a usable sheet: the key is what matters, and it is always plain ASCII.
    """
    composed = unicodedata.normalize("NFC", text)
    missing = fonts.missing_glyphs(composed, font_name)
    return "".join("?" if char in missing else char for char in composed)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=fonts.SANS, fontSize=10.5, leading=14.5, textColor=_INK)
    return {
        "title": ParagraphStyle("title", base, fontName=fonts.SANS_BOLD, fontSize=22, leading=27),
        "provider": ParagraphStyle(
            "provider", base, fontName=fonts.SANS_BOLD, fontSize=14, leading=18, spaceBefore=4
        ),
        "body": base,
        "muted": ParagraphStyle("muted", base, textColor=_MUTED),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=fonts.SANS_BOLD,
            fontSize=13,
            leading=17,
            spaceBefore=10,
            spaceAfter=3,
        ),
        "bullet": ParagraphStyle("bullet", base, leftIndent=12, bulletIndent=0, spaceAfter=2),
        "demo": ParagraphStyle(
            "demo",
            base,
            fontName=fonts.SANS_BOLD,
            fontSize=12,
            leading=16,
            textColor=_DEMO_RED,
            alignment=TA_CENTER,
            borderColor=_DEMO_RED,
            borderWidth=1.5,
            borderPadding=5,
            spaceBefore=8,
            spaceAfter=8,
        ),
        "group": ParagraphStyle(
            "group", base, fontName=fonts.MONO_BOLD, fontSize=30, leading=36, alignment=TA_CENTER
        ),
        "group_number": ParagraphStyle(
            "group_number", base, fontSize=9, leading=11, textColor=_MUTED, alignment=TA_CENTER
        ),
        "whole_key": ParagraphStyle("whole_key", base, fontName=fonts.MONO, fontSize=11, leading=15),
        "signature": ParagraphStyle("signature", base, fontSize=11, leading=15, spaceBefore=24),
    }


def _key_table(key: RecoveryKey, styles: dict[str, ParagraphStyle], width: float) -> Table:
    """The eight groups in two rows of four, each with "Group n" underneath."""
    groups = key.groups()
    rows: list[list[Paragraph]] = []
    for start in range(0, len(groups), GROUPS_PER_ROW):
        chunk = groups[start : start + GROUPS_PER_ROW]
        rows.append([Paragraph(group, styles["group"]) for group in chunk])
        rows.append(
            [Paragraph(f"Group {start + offset + 1}", styles["group_number"]) for offset in range(len(chunk))]
        )
    table = Table(rows, colWidths=[width / GROUPS_PER_ROW] * GROUPS_PER_ROW, hAlign="CENTER")
    commands: list[tuple[object, ...]] = [
        ("BOX", (0, 0), (-1, -1), 1.5, _INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for row in range(0, len(rows), 2):
        commands.append(("TOPPADDING", (0, row), (-1, row), 10))
        commands.append(("BOTTOMPADDING", (0, row + 1), (-1, row + 1), 10))
    commands.append(("LINEBELOW", (0, 1), (-1, 1), 0.5, _MUTED))
    table.setStyle(TableStyle(commands))
    return table


def _story(
    provider: ProviderProfile,
    key: RecoveryKey,
    issued_at: datetime,
    demo: bool,
    styles: dict[str, ParagraphStyle],
    width: float,
) -> list[Flowable]:
    name = escape(printable(provider.name.strip(), fonts.SANS_BOLD))
    urn = escape(printable(provider.ofsted_urn.strip()))
    date = issued_date(issued_at)
    story: list[Flowable] = [Paragraph(TITLE, styles["title"]), Paragraph(name, styles["provider"])]
    if urn:
        story.append(Paragraph(f"Ofsted URN: {urn}", styles["body"]))
    story.append(Paragraph(f"Issued on {date}", styles["body"]))
    if demo:
        story.append(Paragraph(escape(DEMO_LINE), styles["demo"]))
    story += [
        Paragraph("The recovery key", styles["heading"]),
        Spacer(1, 2),
        _key_table(key, styles, width),
        Spacer(1, 6),
        Paragraph("The whole key on one line:", styles["muted"]),
        Paragraph(key.formatted(), styles["whole_key"]),
        Paragraph(
            "The key uses the digits 0–9 and capital letters, but never the letters I, L, O or U, so "
            "a round character is always the digit zero and a straight stroke the digit one. If a "
            "group is typed wrongly, Sharewise says which one.",
            styles["muted"],
        ),
        Paragraph("What it is for", styles["heading"]),
        Paragraph(
            "This key opens the setting's Sharewise records on any computer if every manager "
            "password is lost or the computer dies (the records themselves come from the Sharewise "
            "data folder or its backup).",
            styles["body"],
        ),
        Spacer(1, 4),
        Paragraph(
            "A manager uses it with their username to set a new password. Straight after, Sharewise "
            "replaces the key and asks for a new sheet to be printed; from then on this older sheet "
            "stops working. Anyone holding this sheet and a copy of the records can read them, so "
            "keep it as safe as the records.",
            styles["body"],
        ),
        Paragraph("Where to keep it", styles["heading"]),
    ]
    for advice in (
        "Locked away from the computer: for example in the setting's safe, or with the committee "
        "chair in a sealed envelope.",
        "Never photographed, scanned or emailed, and never kept in the same bag as the laptop.",
        "Shred an old sheet once a new one is issued: it no longer works.",
    ):
        story.append(Paragraph(advice, styles["bullet"], bulletText="•"))
    story.append(
        Paragraph(
            "Stored by " + "_" * 34 + "&nbsp;&nbsp;&nbsp;Date " + "_" * 18,
            styles["signature"],
        )
    )
    return story


def build_recovery_sheet(
    provider: ProviderProfile, key: RecoveryKey, issued_at: datetime, *, demo: bool = False
) -> bytes:
    """One A4 page as PDF bytes. ``issued_at`` is when the key was issued (aware: any zone).

    The content always fits one page: should a very long name push it over, the whole page is
    scaled down a little rather than the key running onto a second sheet.
    """
    fonts.register()
    styles = _styles()
    out = BytesIO()
    document = a4_document(out, title=TITLE, left=_MARGIN, right=_MARGIN, top=_MARGIN, bottom=_MARGIN)
    width = document.width
    story = _story(provider, key, issued_at, demo, styles, width * 0.9)
    document.build([KeepInFrame(width, document.height, story, mode="shrink")])
    return out.getvalue()
