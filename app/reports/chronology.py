"""A child's chronology as a PDF: the record a DSL prints for a strategy meeting or a referral.

``build_chronology`` returns a ``ChronologyPdf``: the bytes, the page count (the audit entry for
a print or a save records it) and any warnings for the person printing. It is built in memory;
nothing is written to disk.

What the page does and why:

- Every page says "CONFIDENTIAL — safeguarding record" and "Page x of y", and every page after
  the first repeats the setting and the heading, so a page that goes astray from the pile is
  still recognisable and a missing page is noticed.
- Times are shown in UK time (Europe/London), as staff recorded them; the core stores UTC.
  Whole-day entries (started, left, a professional's dates) show the date only.
- An urgent concern says "URGENT" in words, not in colour alone: the copy may be black and white.
- A note as long as the core allows (20,000 characters) flows over pages: long details are cut
  into several table rows at line or word breaks, so no row is ever taller than a page (which
  ReportLab would refuse with a LayoutError).
- Text the font cannot show is printed as "?" rather than as boxes, and a warning says so.
- The PDF's metadata is generic ("Chronology"): no child's or carer's name. The coded copy
  holds whatever the core put in it (the coded reference and initials) and says to check the
  free text before it is sent.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.chronology import Chronology, ChronologyEntry, heading_for
from app.reports import fonts
from app.reports.document import a4_document

TITLE = "Chronology"  # the PDF's metadata title: never a name
CONFIDENTIAL = "CONFIDENTIAL — safeguarding record"
CODED_NOTE = "Coded copy: names replaced by initials; check the free text before sending"
PARTIAL_NOTE = (
    "Partial chronology: it leaves out concerns and parent contacts recorded by other staff. "
    "Ask the DSL for the full chronology."
)
DEMO_LINE = "DEMO — fictional data"
EMPTY_NOTE = "Nothing is recorded for this child yet."
URGENT = "URGENT"
CONTINUED = "(continued)"
MISSING_GLYPHS = "Some characters in this chronology cannot be printed with the built-in font and show as ?"

_MARGIN = 18 * mm
_TOP = 26 * mm  # room for the running header
_BOTTOM = 24 * mm  # room for the confidential line and page numbers
_INK = colors.HexColor("#1a1a1a")
_MUTED = colors.HexColor("#555555")
_RULE = colors.HexColor("#9a9a9a")
_HEAD_FILL = colors.HexColor("#e8e8e8")
_URGENT_FILL = colors.HexColor("#fbe3e6")
_URGENT_INK = colors.HexColor("#9c0019")
_DEMO_RED = colors.HexColor("#b00020")

# Column widths in millimetres (of 174 mm between the margins): when, what, details, by.
_COLUMNS_MM = (24, 29, 91, 30)
# The details column holds about 45 characters a line at 10 pt. A row is kept to about 14
# lines, well under a page, whatever the text: a long note becomes several rows.
_CHARS_PER_LINE = 45
_LINES_PER_ROW = 14
_CHUNK_CHARS = 600


@dataclass(frozen=True)
class ChronologyPdf:
    """The PDF, how many pages it has (for the audit entry), and warnings for the person
    printing (e.g. characters the font cannot show), each one sentence."""

    data: bytes
    pages: int
    warnings: tuple[str, ...] = ()


# --- UK time ---------------------------------------------------------------------------------


def _london() -> tzinfo | None:
    try:
        return ZoneInfo("Europe/London")
    except ZoneInfoNotFoundError:  # Windows without the tzdata package
        return None


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, 31)  # March and October both have 31 days
    return last - timedelta(days=(last.weekday() + 1) % 7)


def uk_time(moment: datetime) -> datetime:
    """``moment`` (aware; naive counts as UTC, as the core stores it) on UK clocks.

    Without a time zone database (Windows has none unless tzdata is installed) the UK rule is
    applied directly: British Summer Time from 01:00 UTC on the last Sunday of March to 01:00
    UTC on the last Sunday of October.
    """
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    zone = _london()
    if zone is not None:
        return utc.astimezone(zone)
    start = datetime.combine(_last_sunday(utc.year, 3), time(1), UTC)
    end = datetime.combine(_last_sunday(utc.year, 10), time(1), UTC)
    if start <= utc < end:
        return utc.astimezone(timezone(timedelta(hours=1), "BST"))
    return utc.astimezone(timezone(timedelta(0), "GMT"))


def when_text(entry: ChronologyEntry) -> str:
    """``14/03/2026 16:05`` in UK time, or ``14/03/2026`` for a whole-day entry."""
    if entry.all_day:
        return entry.at.strftime("%d/%m/%Y")
    return uk_time(entry.at).strftime("%d/%m/%Y %H:%M")


# --- text the fonts can show -----------------------------------------------------------------


class Printable:
    """Makes text safe to draw in a font and remembers every character that had to become "?"."""

    def __init__(self) -> None:
        self.missing: set[str] = set()

    def __call__(self, text: str, font_name: str = fonts.SANS) -> str:
        composed = unicodedata.normalize("NFC", text)
        lacking = fonts.missing_glyphs(composed, font_name)
        if not lacking:
            return composed
        self.missing |= lacking
        return "".join("?" if char in lacking else char for char in composed)

    def markup(self, text: str, font_name: str = fonts.SANS) -> str:
        """Paragraph markup for plain text: escaped, with its line breaks kept."""
        return escape(self(text, font_name)).replace("\n", "<br/>")


# --- cutting long text into rows -------------------------------------------------------------


def _lines_needed(line: str) -> int:
    return max(1, math.ceil(len(line) / _CHARS_PER_LINE))


def _split_line(line: str, limit: int) -> list[str]:
    """One long line as pieces of at most ``limit`` characters, broken at a space if possible."""
    pieces: list[str] = []
    while len(line) > limit:
        cut = line.rfind(" ", limit // 2, limit)
        if cut <= 0:
            cut = limit
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    pieces.append(line)
    return pieces


def chunks(text: str) -> list[str]:
    """``text`` in pieces small enough for one table row, cut between lines where possible.

    Joining the pieces with new lines gives back the text, except for spaces at a cut.
    """
    if not text:
        return [""]
    found: list[str] = []
    current: list[str] = []
    size = lines = 0
    for line in text.split("\n"):
        for piece in _split_line(line, _CHUNK_CHARS):
            need = _lines_needed(piece)
            if current and (size + len(piece) > _CHUNK_CHARS or lines + need > _LINES_PER_ROW):
                found.append("\n".join(current))
                current, size, lines = [], 0, 0
            current.append(piece)
            size += len(piece) + 1
            lines += need
    found.append("\n".join(current))
    return found


# --- the document ----------------------------------------------------------------------------


def record_styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=fonts.SANS, fontSize=10.5, leading=14, textColor=_INK)
    cell = ParagraphStyle("cell", base, fontSize=10, leading=13)
    return {
        "body": base,
        "provider": ParagraphStyle("provider", base, fontName=fonts.SANS_BOLD, fontSize=12, leading=16),
        "title": ParagraphStyle(
            "title", base, fontName=fonts.SANS_BOLD, fontSize=17, leading=22, spaceBefore=2, spaceAfter=4
        ),
        "muted": ParagraphStyle("muted", base, textColor=_MUTED),
        "note": ParagraphStyle(
            "note",
            base,
            fontName=fonts.SANS_BOLD,
            borderColor=_INK,
            borderWidth=1,
            borderPadding=5,
            spaceBefore=8,
            spaceAfter=6,
        ),
        "demo": ParagraphStyle(
            "demo",
            base,
            fontName=fonts.SANS_BOLD,
            textColor=_DEMO_RED,
            borderColor=_DEMO_RED,
            borderWidth=1.5,
            borderPadding=5,
            spaceBefore=8,
            spaceAfter=6,
        ),
        "cell": cell,
        "cell_muted": ParagraphStyle("cell_muted", cell, textColor=_MUTED),
        "cell_head": ParagraphStyle("cell_head", cell, fontName=fonts.SANS_BOLD),
        "urgent": ParagraphStyle("urgent", cell, fontName=fonts.SANS_BOLD, textColor=_URGENT_INK),
    }


def _fit(text: str, font_name: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` points (for the one-line running header)."""
    if stringWidth(text, font_name, size) <= width:
        return text
    while text and stringWidth(text + "…", font_name, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def page_furniture(
    provider: str, heading: str, printed: str, demo: bool
) -> Callable[[Canvas, int, int], None]:
    """Draws the running header and footer on one page, once the page total is known."""

    def draw(canvas: Canvas, page: int, total: int) -> None:
        width, height = A4
        usable = width - 2 * _MARGIN
        canvas.saveState()
        canvas.setFillColor(_INK)
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.5)
        if page > 1:  # the first page has them in large type already
            top = height - 12 * mm
            canvas.setFont(fonts.SANS_BOLD, 10)
            canvas.drawString(_MARGIN, top, _fit(provider, fonts.SANS_BOLD, 10, usable))
            canvas.setFont(fonts.SANS, 10)
            canvas.drawString(_MARGIN, top - 13, _fit(heading, fonts.SANS, 10, usable))
            canvas.line(_MARGIN, top - 19, width - _MARGIN, top - 19)
        bottom = 12 * mm
        canvas.line(_MARGIN, bottom + 22, width - _MARGIN, bottom + 22)
        canvas.setFont(fonts.SANS_BOLD, 10)
        canvas.drawString(_MARGIN, bottom + 10, CONFIDENTIAL)
        canvas.drawRightString(width - _MARGIN, bottom + 10, f"Page {page} of {total}")
        canvas.setFont(fonts.SANS, 9)
        canvas.setFillColor(_MUTED)
        canvas.drawString(_MARGIN, bottom - 2, _fit(printed, fonts.SANS, 9, usable * 0.75))
        if demo:
            canvas.setFillColor(_DEMO_RED)
            canvas.setFont(fonts.SANS_BOLD, 9)
            canvas.drawRightString(width - _MARGIN, bottom - 2, DEMO_LINE)
        canvas.restoreState()

    return draw


def numbered_canvas(draw: Callable[[Canvas, int, int], None], pages: list[int]) -> type[Canvas]:
    """A canvas that holds back each page until the end, so every page can say "of y"."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # ReportLab's name for "this page is finished"
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            pages.append(total)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                draw(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _rows(
    chronology: Chronology, styles: dict[str, ParagraphStyle], show: Printable
) -> tuple[list[list[Paragraph]], list[tuple[object, ...]]]:
    """The table's rows (a header, then one or more rows per entry) and their extra styling."""
    head = ["Date and time (UK)", "What", "Details", "Recorded by"]
    rows: list[list[Paragraph]] = [[Paragraph(h, styles["cell_head"]) for h in head]]
    commands: list[tuple[object, ...]] = []
    for entry in chronology.entries:
        when = when_text(entry)
        what = escape(entry.kind.label)
        pieces = chunks(entry.detail)
        first_row = len(rows)
        for index, piece in enumerate(pieces):
            body = show.markup(piece)
            if index == 0:
                title = f"<b>{show.markup(entry.title, fonts.SANS_BOLD)}</b>"
                details = f"{title}<br/>{body}" if body else title
                what_cell = Paragraph(what, styles["cell"])
                if entry.urgent:
                    what_cell = Paragraph(f"{what}<br/>{URGENT}", styles["urgent"])
                rows.append(
                    [
                        Paragraph(when.replace(" ", "<br/>"), styles["cell"]),
                        what_cell,
                        Paragraph(details, styles["cell"]),
                        Paragraph(show.markup(entry.by), styles["cell"]),
                    ]
                )
            else:
                rows.append(
                    [
                        Paragraph(when.replace(" ", "<br/>"), styles["cell_muted"]),
                        Paragraph(f"{what} {CONTINUED}", styles["cell_muted"]),
                        Paragraph(body, styles["cell"]),
                        Paragraph("", styles["cell"]),
                    ]
                )
        if entry.urgent:
            commands.append(("BACKGROUND", (1, first_row), (1, len(rows) - 1), _URGENT_FILL))
            commands.append(("LINEBEFORE", (0, first_row), (0, len(rows) - 1), 3, _URGENT_INK))
        # A rule under each entry, none between the rows one long entry was cut into.
        commands.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.5, _RULE))
    return rows, commands


def _table(chronology: Chronology, styles: dict[str, ParagraphStyle], show: Printable) -> Table:
    rows, extra = _rows(chronology, styles, show)
    table = Table(
        rows,
        colWidths=[w * mm for w in _COLUMNS_MM],
        repeatRows=1,
        splitByRow=1,
        hAlign="LEFT",
    )
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 1, _INK),
        ("BOX", (0, 0), (-1, -1), 0.75, _INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        *extra,
    ]
    table.setStyle(TableStyle(commands))
    return table


def _story(
    chronology: Chronology,
    provider: str,
    heading: str,
    printed: str,
    demo: bool,
    styles: dict[str, ParagraphStyle],
    show: Printable,
) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph(escape(provider), styles["provider"]),
        Paragraph(escape(heading), styles["title"]),
        Paragraph(escape(printed), styles["muted"]),
    ]
    if demo:
        story.append(Paragraph(escape(DEMO_LINE), styles["demo"]))
    if chronology.coded:
        story.append(Paragraph(escape(CODED_NOTE), styles["note"]))
    if not chronology.complete:
        story.append(Paragraph(escape(PARTIAL_NOTE), styles["note"]))
    count = len(chronology.entries)
    if count == 0:
        story += [Spacer(1, 6), Paragraph(EMPTY_NOTE, styles["body"])]
        return story
    story += [
        Spacer(1, 4),
        Paragraph(f"{count} entr{'y' if count == 1 else 'ies'}, oldest first.", styles["body"]),
        Spacer(1, 6),
        _table(chronology, styles, show),
    ]
    return story


def _warnings(missing: Iterable[str]) -> tuple[str, ...]:
    lacking = sorted(set(missing))
    if not lacking:
        return ()
    shown = " ".join(lacking[:12]) + (" …" if len(lacking) > 12 else "")
    return (f"{MISSING_GLYPHS} ({shown}).",)


def build_chronology(
    chronology: Chronology,
    *,
    provider_name: str,
    printed_by: str,
    printed_at: datetime,
    demo: bool = False,
) -> ChronologyPdf:
    """The chronology on A4 as PDF bytes, with its page count and any warnings.

    ``printed_at`` is when it was printed (aware, any zone; shown in UK time). The text is
    printed as the core gave it: for a coded copy the core has already replaced the names.
    """
    fonts.register()
    styles = record_styles()
    show = Printable()
    provider = show(provider_name.strip(), fonts.SANS_BOLD)
    heading = show(heading_for(chronology), fonts.SANS_BOLD)
    printed = show(
        f"Printed by {printed_by} on {uk_time(printed_at).strftime('%d/%m/%Y at %H:%M')} (UK time)"
    )
    story = _story(chronology, provider, heading, printed, demo, styles, show)
    pages: list[int] = []
    out = BytesIO()
    document = a4_document(out, title=TITLE, left=_MARGIN, right=_MARGIN, top=_TOP, bottom=_BOTTOM)
    furniture = page_furniture(provider, heading, printed, demo)
    document.build(story, canvasmaker=numbered_canvas(furniture, pages))
    return ChronologyPdf(out.getvalue(), pages[-1] if pages else 0, _warnings(show.missing))
