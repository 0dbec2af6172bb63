"""The subject access pack as a PDF: what the setting releases to a parent who asked to see what
it holds about their child.

``build_subject_access_pack`` prints a ``SubjectAccessPack`` from the core and returns a
``SubjectAccessPdf``: the bytes, the page count (the audit entry for a print or a save records it)
and any warnings for the person printing. It is built in memory; nothing is written to disk.

What the pages do and why:

- The renderer prints exactly the items it is given. The core hands over only what is (or, in a
  draft, would be) released, so nothing withheld can appear, not even its label or a heading for
  a section whose every item was withheld. What was withheld, and why, is for the DSL to explain
  in the cover note, because saying so can itself harm someone.
- The cover names the setting, the child, who asked, when the request came in and when it was
  released, then the cover note and what the pack contains. Each section starts on its own
  heading; each item has its label in bold and its words as they were held.
- Until the request is released every page says "DRAFT — not released" at the top and carries a
  large "DRAFT" across it, so a draft printed to check the wording cannot pass for the answer.
- "Page x of y" on every page; pages after the first repeat the setting and whom the pack is
  about, so a page that goes astray is still recognisable.
- Long text flows over pages: a paragraph splits between pages and a word too long for a line is
  broken, so a 10,000-character note never breaks the layout. Text the font cannot show prints
  as "?" and a warning says so.
- The PDF's metadata is generic ("Subject access pack"): no child's or carer's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
)

from app.clock import long_date
from app.reports import fonts
from app.reports.chronology import Printable, numbered_canvas, record_styles
from app.reports.document import a4_document
from app.subject_access import PackItem, Section, SubjectAccessPack

TITLE = "Subject access pack"  # the PDF's metadata title: never a name
DRAFT_MARK = "DRAFT — not released"
DRAFT_NOTE = "This is a draft for checking. It has not been released, and it may still change before it is."
WATERMARK = "DRAFT"
CONFIDENTIAL = "Confidential"
DEMO_LINE = "DEMO — fictional data"
CONTENTS = "What is in this pack"
NOTHING = "We hold no records about the child to release."
MISSING_GLYPHS = "Some characters in this pack cannot be printed with the built-in font and show as ?"

_MARGIN = 20 * mm
_TOP = 28 * mm  # the draft mark and the running header
_BOTTOM = 22 * mm
_LABEL_ROOM = 22 * mm  # a label and the first lines of its words
_INK = colors.HexColor("#1a1a1a")
_MUTED = colors.HexColor("#555555")
_RULE = colors.HexColor("#9a9a9a")
_DRAFT_RED = colors.HexColor("#b00020")
_WATERMARK = colors.Color(0.85, 0.85, 0.85, alpha=0.45)


@dataclass(frozen=True)
class SubjectAccessPdf:
    """The PDF, how many pages it has (for the audit entry), and warnings for the person
    printing (e.g. characters the font cannot show), each one sentence."""

    data: bytes
    pages: int
    warnings: tuple[str, ...] = ()


def _one_line(text: str, font_name: str, size: float, width: float) -> str:
    """The first line of ``text`` that fits ``width``, with an ellipsis when more was cut."""
    if stringWidth(text, font_name, size) <= width:
        return text
    room = width - stringWidth("…", font_name, size)
    first = simpleSplit(text, font_name, size, room)[0]  # broken at a space where there is one
    while first and stringWidth(first, font_name, size) > room:  # one long word: cut it
        first = first[: len(first) * 9 // 10]
    return f"{first.rstrip()}…"


def _styles() -> dict[str, ParagraphStyle]:
    styles = record_styles()
    body = styles["body"]
    styles["section"] = ParagraphStyle(
        "section", body, fontName=fonts.SANS_BOLD, fontSize=14, leading=18, spaceBefore=10, spaceAfter=6
    )
    styles["label"] = ParagraphStyle("label", body, fontName=fonts.SANS_BOLD, spaceBefore=6, spaceAfter=2)
    styles["content"] = ParagraphStyle("content", body, leftIndent=8, spaceAfter=2)
    styles["draft"] = ParagraphStyle(
        "draft",
        body,
        fontName=fonts.SANS_BOLD,
        textColor=_DRAFT_RED,
        borderColor=_DRAFT_RED,
        borderWidth=1.5,
        borderPadding=5,
        spaceBefore=8,
        spaceAfter=8,
    )
    return styles


def _furniture(provider: str, about: str, draft: bool, demo: bool) -> Callable[[Canvas, int, int], None]:
    """The running header, the draft marking and the footer of one page."""

    def draw(canvas: Canvas, page: int, total: int) -> None:
        width, height = A4
        usable = width - 2 * _MARGIN
        canvas.saveState()
        if draft:
            canvas.saveState()
            canvas.setFillColor(_WATERMARK)
            canvas.setFont(fonts.SANS_BOLD, 110)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -40, WATERMARK)
            canvas.restoreState()
            canvas.setFillColor(_DRAFT_RED)
            canvas.setFont(fonts.SANS_BOLD, 11)
            canvas.drawRightString(width - _MARGIN, height - 10 * mm, DRAFT_MARK)
        canvas.setFillColor(_INK)
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.5)
        if page > 1:  # the cover has them in large type already
            top = height - 16 * mm
            canvas.setFont(fonts.SANS_BOLD, 10)
            canvas.drawString(_MARGIN, top, _one_line(provider, fonts.SANS_BOLD, 10, usable))
            canvas.setFont(fonts.SANS, 10)
            canvas.drawString(_MARGIN, top - 13, _one_line(about, fonts.SANS, 10, usable))
            canvas.line(_MARGIN, top - 19, width - _MARGIN, top - 19)
        bottom = 12 * mm
        canvas.line(_MARGIN, bottom + 20, width - _MARGIN, bottom + 20)
        canvas.setFont(fonts.SANS_BOLD, 10)
        canvas.drawString(_MARGIN, bottom + 8, DRAFT_MARK if draft else CONFIDENTIAL)
        canvas.drawRightString(width - _MARGIN, bottom + 8, f"Page {page} of {total}")
        if demo:
            canvas.setFillColor(_DRAFT_RED)
            canvas.setFont(fonts.SANS_BOLD, 9)
            canvas.drawRightString(width - _MARGIN, bottom - 4, DEMO_LINE)
        canvas.restoreState()

    return draw


def _paragraphs(text: str, style: ParagraphStyle, show: Printable) -> list[Flowable]:
    """Plain text as paragraphs (split at blank lines, line breaks kept). A paragraph flows over
    pages by itself, and a word too long for a line is broken, so no length breaks the layout."""
    pieces = text.replace("\r\n", "\n").split("\n\n")
    return [Paragraph(show.markup(piece.strip("\n")), style) for piece in pieces if piece.strip()]


def _cover(
    pack: SubjectAccessPack, styles: dict[str, ParagraphStyle], show: Printable, demo: bool
) -> list[Flowable]:
    request = pack.request
    story: list[Flowable] = [
        Paragraph(show.markup(pack.provider_name.strip(), fonts.SANS_BOLD), styles["provider"])
    ]
    if pack.provider_address.strip():
        story.append(Paragraph(show.markup(pack.provider_address.strip()), styles["muted"]))
    story.append(Spacer(1, 10))
    story.append(
        Paragraph(
            show.markup(f"Information we hold about {request.child_name}", fonts.SANS_BOLD), styles["title"]
        )
    )
    asked = request.requester_name + (f" ({request.relationship})" if request.relationship else "")
    story.append(Paragraph(show.markup(f"Prepared for {asked}"), styles["body"]))
    story.append(Spacer(1, 6))
    story.append(Paragraph(escape(f"Request received on {long_date(request.received_on)}"), styles["body"]))
    if pack.draft or request.released_on is None:
        story.append(Paragraph(escape(f"{DRAFT_MARK}. {DRAFT_NOTE}"), styles["draft"]))
    else:
        story.append(Paragraph(escape(f"Released on {long_date(request.released_on)}"), styles["body"]))
    if demo:
        story.append(Paragraph(escape(DEMO_LINE), styles["demo"]))
    if request.cover_note.strip():
        story.append(Spacer(1, 8))
        story += _paragraphs(request.cover_note, styles["body"], show)
    story.append(Spacer(1, 10))
    story.append(Paragraph(escape(CONTENTS), styles["section"]))
    counts = _by_section(pack.items)
    if not counts:
        story.append(Paragraph(escape(NOTHING), styles["body"]))
    for section, items in counts.items():
        count = len(items)
        story.append(
            Paragraph(escape(f"{section.label}: {count} item{'s' if count != 1 else ''}"), styles["body"])
        )
    return story


def _by_section(items: Iterable[PackItem]) -> dict[Section, list[PackItem]]:
    """The items under their sections, in the pack's section order; empty sections left out."""
    found: dict[Section, list[PackItem]] = {section: [] for section in Section}
    for item in items:
        found[item.section].append(item)
    return {section: listed for section, listed in found.items() if listed}


def _item(item: PackItem, styles: dict[str, ParagraphStyle], show: Printable) -> list[Flowable]:
    label = Paragraph(show.markup(item.label, fonts.SANS_BOLD), styles["label"])
    content = _paragraphs(item.content, styles["content"], show)
    # A label is not left alone at the foot of a page; the words may then flow over pages (keeping
    # a long note together with its label would leave a page empty instead).
    return [CondPageBreak(_LABEL_ROOM), label, *content]


def _warnings(missing: Iterable[str]) -> tuple[str, ...]:
    lacking = sorted(set(missing))
    if not lacking:
        return ()
    shown = " ".join(lacking[:12]) + (" …" if len(lacking) > 12 else "")
    return (f"{MISSING_GLYPHS} ({shown}).",)


def build_subject_access_pack(
    pack: SubjectAccessPack, progress: Callable[[float], None] | None = None, *, demo: bool = False
) -> SubjectAccessPdf:
    """The pack on A4 as PDF bytes. ``progress`` hears 0..1 as the sections are laid out (from
    the thread doing the work); ``demo`` marks every page as fictional."""
    fonts.register()
    styles = _styles()
    show = Printable()
    report = progress or (lambda _done: None)
    story = _cover(pack, styles, show, demo)
    sections = _by_section(pack.items)
    for number, (section, items) in enumerate(sections.items(), start=1):
        story.append(PageBreak() if number == 1 else CondPageBreak(40 * mm))
        story.append(Paragraph(escape(section.label), styles["section"]))
        for item in items:
            story += _item(item, styles, show)
        report(0.8 * number / len(sections))
    provider = show(pack.provider_name.strip(), fonts.SANS_BOLD)
    about = show(f"Information we hold about {pack.request.child_name}")
    pages: list[int] = []
    out = BytesIO()
    document = a4_document(out, title=TITLE, left=_MARGIN, right=_MARGIN, top=_TOP, bottom=_BOTTOM)
    document.build(story, canvasmaker=numbered_canvas(_furniture(provider, about, pack.draft, demo), pages))
    report(1.0)
    return SubjectAccessPdf(out.getvalue(), pages[-1] if pages else 0, _warnings(show.missing))
