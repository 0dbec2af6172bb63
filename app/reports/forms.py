"""The printed forms for parents as PDF bytes: the registration declaration, a consent form for each
other kind of consent, and the privacy notice "How we look after your information".

``build_forms`` lays out one set of forms per ``FamilyForms`` (one child, addressed to one carer)
into one PDF, each document starting on a new page; ``blank=True`` gives one set with labelled
lines to fill in instead, for new families. ``build_privacy_notice`` gives the notice alone. Both
return a ``FormsPdf``: the bytes, the page count (the audit entry for a print or a save records
it) and any warnings for the person printing. Everything is built in memory; nothing is written to
disk.

What the pages do and why:

- Parents read these, so the type is large (11.5 pt body, larger headings), the words plain, and
  the signature and date lines long enough to write on.
- Every page has the setting's logo (when one is set), name and contact details at the top, and
  at the bottom the document's name, "Page x of y" and, on a form to sign, "Please return this
  form to ...". Pages are counted per family's set (each set goes to a different family, so
  "Page 3 of 6" is what the family holding it needs); ``FormsPdf.pages`` is the whole PDF.
- The renderer prints what it is given: ``app.forms`` has already left out whatever is withheld
  from the carer a form is addressed to. Nothing is printed in place of a withheld detail (no
  "address withheld"), so the form never hints that something is being kept from its reader.
- Text the font cannot show is printed as "?" rather than as boxes, and a warning says so.
- Long text (a kind's wording, a long list of agencies, very long names) wraps and flows over
  pages; no table row is ever taller than a page.
- The PDF's metadata is generic ("Forms for parents"): no child's or carer's name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from PIL import Image, UnidentifiedImageError
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import ImageReader, simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreakIfNotEmpty,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.clock import long_date
from app.consents import ConsentKind, ConsentStatus, KindCode
from app.errors import ValidationError
from app.forms import AgreedBefore, Branding, FamilyForms, FormCarer, PrivacyFacts, RoleFact
from app.policy.permissions import Role
from app.reports import fonts
from app.reports.chronology import Printable, chunks
from app.reports.document import a4_document

TITLE = "Forms for parents"  # the PDF's metadata title: never a name
NOTICE_TITLE = "How we look after your information"
DECLARATION_TITLE = "Registration declaration"
DEMO_LINE = "DEMO — fictional people"
MISSING_GLYPHS = "Some characters in these forms cannot be printed with the built-in font and show as ?"
LOGO_UNREADABLE = "The setting's logo could not be read, so the forms are printed without it."
NOTHING_TO_PRINT = "Choose at least one form to print."
NO_FAMILIES = "There are no families to print forms for. Choose at least one child."
POLICY_TICKS = (
    "I have been given the information-sharing and confidentiality policy",
    "I have been given the safeguarding policy",
    "I understand when the setting may share information without asking me first",
)
AGREE = "I agree"
DISAGREE = "I do not agree"
ICO = "the Information Commissioner's Office (ico.org.uk, 0303 123 1113)"

_MARGIN = 20 * mm
_WIDTH = A4[0] - 2 * _MARGIN  # 170 mm between the margins
_LOGO_HIGH = 25 * mm
_LOGO_WIDE = 55 * mm  # a wide logo is fitted to this instead
_LOGO_PIXELS = 400  # the logo is scaled down to this height once (about 400 dpi at 25 mm)
_HEADER_TOP = 10 * mm  # from the top of the page
_TOP = _HEADER_TOP + _LOGO_HIGH + 8 * mm  # the header, its rule and a gap
_BOTTOM = 25 * mm  # the footer's two lines and its rule
_WRITE_ROW = 11 * mm  # the height of a line to write on
_INK = colors.HexColor("#1a1a1a")
_MUTED = colors.HexColor("#555555")
_RULE = colors.HexColor("#8a8a8a")
_SHADE = colors.HexColor("#f2f2f2")
_DEMO_RED = colors.HexColor("#b00020")


@dataclass(frozen=True)
class FormsPdf:
    """The PDF, how many pages it has (for the audit entry), and warnings for the person
    printing (e.g. a name with characters the font cannot show, printed as "?"), each one
    sentence."""

    data: bytes
    pages: int
    warnings: tuple[str, ...] = ()


def _joined(*parts: str, sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


def _one_line(text: str) -> str:
    """A multi-line address on one line: ``1 Example Lane, Anytown``."""
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


# --- the page furniture ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    """Which document a page belongs to: set by a ``_Marker`` on the document's first page and
    kept by the canvas until the next one."""

    set_number: int
    title: str
    about: str  # the child's name in the footer ("" on blank forms and the notice alone)
    returnable: bool  # a form to sign and give back (a notice is the family's to keep)


class _Marker(Flowable):  # type: ignore[misc]
    """Takes no room; tells the canvas a new document starts here (and reports progress)."""

    _ZEROSIZE = 1

    def __init__(self, mark: _Mark, on_draw: Callable[[_Mark], None]) -> None:
        super().__init__()
        self.mark = mark
        self.on_draw = on_draw

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.forms_mark = self.mark
        self.on_draw(self.mark)


def _fit(text: str, font_name: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` points (for one-line header and footer text)."""
    if _width(text, font_name, size) <= width:
        return text
    while text and _width(text + "…", font_name, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _width(text: str, font_name: str, size: float) -> float:
    return float(stringWidth(text, font_name, size))


def _logo_reader(branding: Branding) -> tuple[ImageReader | None, float, float, bool]:
    """The logo scaled down once (it is drawn on every page), its size on the page in points, and
    whether a logo was set but could not be read."""
    if branding.logo is None:
        return None, 0.0, 0.0, False
    try:
        with Image.open(BytesIO(branding.logo.data)) as opened:
            opened.load()
            image = opened.convert(
                "RGBA" if "A" in opened.getbands() or "transparency" in opened.info else "RGB"
            )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None, 0.0, 0.0, True
    pixels_wide, pixels_high = image.size
    if pixels_high > _LOGO_PIXELS:
        image = image.resize(
            (max(1, round(pixels_wide * _LOGO_PIXELS / pixels_high)), _LOGO_PIXELS), Image.Resampling.LANCZOS
        )
    ratio = pixels_wide / pixels_high
    high = _LOGO_HIGH
    wide = high * ratio
    if wide > _LOGO_WIDE:
        wide, high = _LOGO_WIDE, _LOGO_WIDE / ratio
    return ImageReader(image), wide, high, False


class _Furniture:
    """The header (logo, the setting's name and contact details) and footer of every page."""

    def __init__(self, branding: Branding, show: Printable, demo: bool) -> None:
        provider = branding.provider
        self.name = show(provider.name.strip(), fonts.SANS_BOLD)
        self.address = show(_one_line(provider.address))
        contact = _joined(
            f"Phone {provider.phone}" if provider.phone else "",
            f"Email {provider.email}" if provider.email else "",
            sep="     ",
        )
        self.contact = show(contact)
        self.urn = show(f"Ofsted URN {provider.ofsted_urn}") if provider.ofsted_urn else ""
        self.returning = show(f"Please return this form to {provider.name.strip()}", fonts.SANS_BOLD)
        self.keep = "This notice is yours to keep."
        self.demo = demo
        self.logo, self.logo_wide, self.logo_high, self.logo_failed = _logo_reader(branding)

    def draw(self, canvas: Canvas, mark: _Mark | None, page: int, total: int) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.6)
        self._header(canvas, width, height)
        bottom = 10 * mm
        canvas.line(_MARGIN, bottom + 26, width - _MARGIN, bottom + 26)
        canvas.setFillColor(_INK)
        title = "" if mark is None else _joined(mark.title, mark.about, sep="  ·  ")
        numbering = f"Page {page} of {total}"
        canvas.setFont(fonts.SANS, 10)
        canvas.drawRightString(width - _MARGIN, bottom + 13, numbering)
        room = _WIDTH - _width(numbering, fonts.SANS, 10) - 8 * mm
        canvas.setFont(fonts.SANS_BOLD, 10)
        canvas.drawString(_MARGIN, bottom + 13, _fit(title, fonts.SANS_BOLD, 10, room))
        if mark is not None and mark.returnable:
            canvas.setFont(fonts.SANS_BOLD, 10)
            canvas.drawString(_MARGIN, bottom, _fit(self.returning, fonts.SANS_BOLD, 10, _WIDTH * 0.7))
        elif mark is not None:
            canvas.setFont(fonts.SANS, 10)
            canvas.setFillColor(_MUTED)
            canvas.drawString(_MARGIN, bottom, self.keep)
        if self.demo:
            canvas.setFillColor(_DEMO_RED)
            canvas.setFont(fonts.SANS_BOLD, 10)
            canvas.drawRightString(width - _MARGIN, bottom, DEMO_LINE)
        canvas.restoreState()

    def _header(self, canvas: Canvas, width: float, height: float) -> None:
        top = height - _HEADER_TOP
        left = _MARGIN
        if self.logo is not None:
            canvas.drawImage(
                self.logo,
                _MARGIN,
                top - self.logo_high,
                width=self.logo_wide,
                height=self.logo_high,
                mask="auto",
            )
            left = _MARGIN + self.logo_wide + 6 * mm
        room = width - _MARGIN - left
        if self.demo:
            canvas.setFillColor(_DEMO_RED)
            canvas.setFont(fonts.SANS_BOLD, 10)
            canvas.drawRightString(width - _MARGIN, height - 7 * mm, DEMO_LINE)
        canvas.setFillColor(_INK)
        y = top - 14
        canvas.setFont(fonts.SANS_BOLD, 15)
        canvas.drawString(left, y, _fit(self.name, fonts.SANS_BOLD, 15, room))
        canvas.setFont(fonts.SANS, 10)
        for line in simpleSplit(self.address, fonts.SANS, 10, room)[:2]:
            y -= 13.5
            canvas.drawString(left, y, line)
        if self.contact:
            y -= 13.5
            canvas.drawString(left, y, _fit(self.contact, fonts.SANS, 10, room))
        if self.urn:
            y -= 12
            canvas.setFont(fonts.SANS, 8.5)
            canvas.setFillColor(_MUTED)
            canvas.drawString(left, y, self.urn)
        rule = min(top - _LOGO_HIGH, y - 6) - 2.5 * mm
        canvas.line(_MARGIN, rule, width - _MARGIN, rule)


def _set_canvas(furniture: _Furniture, pages: list[int]) -> type[Canvas]:
    """A canvas that holds back each page until the end, so every page can say "Page x of y",
    counted within its family's set."""

    class SetCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []
            self.forms_mark: _Mark | None = None

        def showPage(self) -> None:  # ReportLab's name for "this page is finished"
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            marks: list[_Mark | None] = [state.get("forms_mark") for state in self._held]
            totals = Counter(-1 if m is None else m.set_number for m in marks)
            counted: Counter[int] = Counter()
            for state, mark in zip(self._held, marks, strict=True):
                key = -1 if mark is None else mark.set_number
                counted[key] += 1
                self.__dict__.update(state)
                furniture.draw(self, mark, counted[key], totals[key])
                super().showPage()
            pages.append(len(self._held))
            super().save()

    return SetCanvas


# --- the pieces of a form ----------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    # No single line of a paragraph left alone at the top of a page.
    body = ParagraphStyle(
        "body", fontName=fonts.SANS, fontSize=11.5, leading=16, textColor=_INK, allowWidows=0, allowOrphans=0
    )
    cell = ParagraphStyle("cell", body, fontSize=11, leading=15)
    return {
        "body": body,
        "lead": ParagraphStyle("lead", body, spaceAfter=6),
        "title": ParagraphStyle(
            "title", body, fontName=fonts.SANS_BOLD, fontSize=18, leading=23, spaceAfter=8
        ),
        "section": ParagraphStyle(
            "section",
            body,
            fontName=fonts.SANS_BOLD,
            fontSize=13.5,
            leading=18,
            spaceBefore=10,
            spaceAfter=5,
        ),
        "bullet": ParagraphStyle(
            "bullet",
            body,
            leftIndent=14,
            bulletIndent=2,
            bulletFontName=fonts.SANS,
            spaceBefore=2,
            spaceAfter=2,
        ),
        "wording": ParagraphStyle(
            "wording",
            body,
            borderColor=_RULE,
            borderWidth=0.8,
            borderPadding=7,
            backColor=_SHADE,
            spaceBefore=6,
            spaceAfter=11,
        ),
        "cell": cell,
        "label": ParagraphStyle("label", cell, fontName=fonts.SANS_BOLD),
        "head": ParagraphStyle("head", cell, fontName=fonts.SANS_BOLD, fontSize=10, leading=13),
        "muted": ParagraphStyle("muted", cell, fontSize=10, leading=13, textColor=_MUTED),
        "tick": ParagraphStyle("tick", body, fontSize=12, leading=16),
        "answer": ParagraphStyle("answer", body, fontName=fonts.SANS_BOLD, fontSize=13, leading=17),
        "person": ParagraphStyle("person", body, fontName=fonts.SANS_BOLD, spaceBefore=6),
        "detail": ParagraphStyle("detail", body, leftIndent=12),
    }


class _Box(Flowable):  # type: ignore[misc]
    """An empty square to tick."""

    def __init__(self, size: float = 5.5 * mm) -> None:
        super().__init__()
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.setStrokeColor(_INK)
        self.canv.setLineWidth(1.2)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


class _Sheet:
    """The story being built, with the styles and the glyph check every piece of text goes
    through."""

    def __init__(self, show: Printable) -> None:
        self.show = show
        self.styles = _styles()
        self.story: list[Flowable] = []

    def para(self, text: str, style: str = "body", bullet: str | None = None) -> Paragraph:
        """A paragraph of plain text (escaped, glyph-checked, line breaks kept)."""
        font = self.styles[style].fontName
        return Paragraph(self.show.markup(text, font), self.styles[style], bulletText=bullet)

    def add(self, *flowables: Flowable) -> None:
        self.story.extend(flowables)

    def title(self, text: str) -> None:
        self.add(self.para(text, "title"))

    def section(self, text: str, room: float = 45 * mm) -> None:
        """A heading kept with a few lines of what follows it."""
        self.add(CondPageBreak(room), self.para(text, "section"))

    def line(self, text: str, style: str = "body") -> None:
        self.add(self.para(text, style))

    def bullets(self, lines: Iterable[str]) -> None:
        for text in lines:
            self.add(self.para(text, "bullet", bullet="•"))
        self.add(Spacer(1, 4))

    @staticmethod
    def _table(
        rows: list[list[Any]],
        widths: Sequence[float],
        extra: Sequence[tuple[object, ...]] = (),
        heights: Sequence[float | None] | None = None,
    ) -> Table:
        table = Table(rows, colWidths=list(widths), rowHeights=heights, splitByRow=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    *extra,
                ]
            )
        )
        return table

    def fields(self, entries: Sequence[tuple[str, str]], label_width: float = 45 * mm) -> None:
        """Labelled values, one a row, with a rule under each; a long value runs on over rows."""
        rows: list[list[Any]] = []
        for label, value in entries:
            for index, piece in enumerate(chunks(value)):
                rows.append([self.para(label if index == 0 else "", "label"), self.para(piece, "cell")])
        extra = [("LINEBELOW", (0, 0), (-1, -1), 0.5, _RULE), ("LINEABOVE", (0, 0), (-1, 0), 0.5, _RULE)]
        self.add(self._table(rows, (label_width, _WIDTH - label_width), extra))

    def write_lines(self, labels: Sequence[str], label_width: float = 62 * mm) -> None:
        """Labelled lines to write on (a label may repeat for a second line: "" continues it)."""
        rows = [[self.para(label, "label"), ""] for label in labels]
        extra = [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (1, 0), (1, -1), 0.8, _INK),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        self.add(self._table(rows, (label_width, _WIDTH - label_width), extra, [_WRITE_ROW] * len(rows)))

    def ticks(self, lines: Sequence[str]) -> Flowable:
        """Boxes to tick, one a line."""
        rows = [[_Box(), self.para(text, "tick")] for text in lines]
        extra = [("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
        return self._table(rows, (12 * mm, _WIDTH - 12 * mm), extra)

    def either(self, first: str, second: str) -> Flowable:
        """Two boxes side by side, to tick one."""
        row = [_Box(), self.para(first, "answer"), _Box(), self.para(second, "answer")]
        extra = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]
        return self._table([row], (10 * mm, 45 * mm, 10 * mm, 60 * mm), extra)

    def choice(self, label: str, options: Sequence[str] = ("Yes", "No")) -> None:
        """A question answered by ticking one of a few boxes on one line."""
        cells: list[Any] = [self.para(label, "label")]
        # In line with the lines to write on above, unless the question is longer than their labels.
        widths = [max(62 * mm, _width(label, fonts.SANS_BOLD, 11) + 12 * mm)]
        for option in options:
            cells += [_Box(4.5 * mm), self.para(option, "cell")]
            widths += [8 * mm, 25 * mm]
        self.add(self._table([cells], widths, [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))

    def signature(self, *, relationship: bool) -> Flowable:
        labels = ["Signed", "Name in capitals", "Date"]
        if relationship:
            labels.append("Relationship to the child")
        rows = [[self.para(label, "label"), ""] for label in labels]
        extra = [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (1, 0), (1, -1), 0.8, _INK),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        heights = [14 * mm] + [_WRITE_ROW] * (len(rows) - 1)
        return self._table(rows, (62 * mm, _WIDTH - 62 * mm), extra, heights)


# --- the documents -----------------------------------------------------------------------------


def _child_name(family: FamilyForms) -> str:
    """The legal name, with the name the child is known by when that is not simply its first part."""
    known = family.known_as.strip()
    if known and not f"{family.legal_name} ".startswith(f"{known} "):
        return f"{family.legal_name} (known as {family.known_as})"
    return family.legal_name


def _carer_label(carer: FormCarer) -> str:
    return _joined(carer.full_name, f"({carer.relationship})" if carer.relationship else "", sep=" ")


def _your_details(sheet: _Sheet, carer: FormCarer) -> None:
    """The recipient's own details beside an empty column for corrections."""
    label_width, held = 38 * mm, 72 * mm
    rows: list[list[Any]] = [
        ["", sheet.para("What we hold", "head"), sheet.para("If it is wrong, write it here", "head")]
    ]
    for label, value in (
        ("Name", carer.full_name),
        ("Relationship to the child", carer.relationship),
        ("Address", carer.address),
        ("Phone", carer.phone),
        ("Email", carer.email),
    ):
        room = Spacer(1, (14 if label == "Address" else 7) * mm)  # room to write, however short the value
        for index, piece in enumerate(chunks(value)):
            first = index == 0
            rows.append(
                [
                    sheet.para(label if first else "", "label"),
                    sheet.para(piece, "cell"),
                    room if first else "",
                ]
            )
    extra = [
        ("GRID", (0, 1), (-1, -1), 0.5, _RULE),
        ("BOX", (0, 0), (-1, -1), 0.8, _INK),
        ("BACKGROUND", (0, 0), (-1, 0), _SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, _INK),
    ]
    table = sheet._table(rows, (label_width, held, _WIDTH - label_width - held), extra)
    table.repeatRows = 1
    sheet.add(table)


def _other_carers(sheet: _Sheet, family: FamilyForms) -> None:
    others = [c for c in family.carers if c.id != family.recipient.id]
    sheet.section("Other parents and carers we hold")
    if not others:
        sheet.line("We do not hold details of any other parent or carer for your child.")
    for carer in others:
        responsibility = (
            "has parental responsibility"
            if carer.parental_responsibility
            else "does not have parental responsibility"
        )
        lines = [
            sheet.para(carer.full_name, "person"),
            sheet.para(_joined(carer.relationship, responsibility), "detail"),
        ]
        # Only what this form may show: a withheld carer's details arrive blank and leave no line.
        if carer.address:
            lines.append(sheet.para(f"Address: {_one_line(carer.address)}", "detail"))
        if carer.phone:
            lines.append(sheet.para(f"Phone: {carer.phone}", "detail"))
        sheet.add(KeepTogether(lines))
    sheet.add(Spacer(1, 4))
    sheet.line(
        "If anything here is wrong, or someone is missing, please write it on this form or tell the manager."
    )


def _declaration_end(sheet: _Sheet, kind: ConsentKind) -> None:
    """The wording, the three ticks and the signature, kept together where they fit."""
    block: list[Flowable] = [
        sheet.para("Declaration", "section"),
        sheet.para(kind.wording, "wording"),
        sheet.para("Please tick each box:", "lead"),
        sheet.ticks(POLICY_TICKS),
        sheet.signature(relationship=True),
    ]
    sheet.add(CondPageBreak(60 * mm), KeepTogether(block))


def _declaration(sheet: _Sheet, family: FamilyForms, kind: ConsentKind) -> None:
    sheet.title(DECLARATION_TITLE)
    sheet.line(
        f"For {family.recipient.full_name}. Please check the details below, correct anything that is "
        "wrong, tick the boxes, then sign and return this form.",
        "lead",
    )
    sheet.section("About your child")
    entries = [("Legal name", family.legal_name)]
    if family.known_as:
        entries.append(("Known as", family.known_as))
    entries += [
        ("Date of birth", long_date(family.date_of_birth)),
        ("Start date", long_date(family.start_date)),
    ]
    if family.room:
        entries.append(("Room", family.room))
    if family.address and not family.address_withheld:
        entries.append(("Home address", family.address))
    if family.phone and not family.address_withheld:
        entries.append(("Home phone", family.phone))
    sheet.fields(entries)
    sheet.section("Your details")
    sheet.line("Please check these and correct anything that is wrong.", "lead")
    _your_details(sheet, family.recipient)
    _other_carers(sheet, family)
    _declaration_end(sheet, kind)


def _blank_declaration(sheet: _Sheet, kind: ConsentKind) -> None:
    sheet.title(DECLARATION_TITLE)
    sheet.line(
        "Welcome. Please fill in this form, tick the boxes, then sign and return it. Write in capitals "
        "if you can.",
        "lead",
    )
    sheet.section("About your child")
    sheet.write_lines(
        [
            "Child's legal name",
            "Known as (if different)",
            "Date of birth",
            "Start date",
            "Home address",
            "",
            "Home phone",
        ]
    )
    sheet.section("Your details")
    sheet.write_lines(["Your name", "Relationship to the child", "Address", "", "Phone", "Email"])
    sheet.choice("Do you have parental responsibility?")
    sheet.section("Other parents and carers", room=70 * mm)
    sheet.line(
        "Anyone else with parental responsibility, or who your child lives with (if there is more than "
        "one, please tell the manager). If someone's address or phone number must not be given to "
        "another parent, please tell the manager too.",
        "lead",
    )
    sheet.write_lines(["Name", "Relationship to the child", "Address", "Phone"])
    sheet.choice("Parental responsibility?")
    _declaration_end(sheet, kind)


def _change_your_mind(branding: Branding) -> str:
    provider = branding.provider
    ways = ["tell the manager"]
    if provider.phone:
        ways.append(f"call {provider.phone}")
    if provider.email:
        ways.append(f"email {provider.email}")
    said = ways[0] if len(ways) == 1 else ", ".join(ways[:-1]) + " or " + ways[-1]
    return f"You can change your mind at any time: {said}."


def _agencies(sheet: _Sheet, before: AgreedBefore | None) -> None:
    """The agencies the consent covers: those of the carer's last answer, and lines to add more."""
    sheet.section("Agencies")
    named = before.agencies.strip() if before is not None else ""
    if named and before is not None and before.status is ConsentStatus.GIVEN:
        intro = (
            "You agreed before to us sharing with the agencies below. Cross out any you no longer "
            "agree to, and add any others on the lines below."
        )
    elif named:
        intro = (
            "These agencies were named on your last answer. Cross out any you do not want, and add "
            "any others on the lines below."
        )
    else:
        intro = (
            "Please write the agencies this covers (for example, the health visitor or your child's "
            "therapist)."
        )
    rows: list[list[Any]] = [[sheet.para(intro, "cell")]]
    rows += [[sheet.para(piece, "answer")] for piece in chunks(named)] if named else []
    first_line = len(rows)
    rows += [[""] for _ in range(3)]
    heights: list[float | None] = [None] * first_line + [_WRITE_ROW] * (len(rows) - first_line)
    extra = [
        ("BOX", (0, 0), (-1, -1), 0.8, _INK),
        ("LINEBELOW", (0, first_line - 1), (-1, -2), 0.5, _RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
    ]
    sheet.add(sheet._table(rows, (_WIDTH,), extra, heights))


def _answer(sheet: _Sheet, branding: Branding) -> None:
    block: list[Flowable] = [
        sheet.para("Your answer: please tick one box", "section"),
        sheet.either(AGREE, DISAGREE),
        Spacer(1, 4),
        sheet.para(_change_your_mind(branding), "body"),
        sheet.signature(relationship=False),
    ]
    sheet.add(CondPageBreak(70 * mm), KeepTogether(block))


def _consent(sheet: _Sheet, family: FamilyForms, kind: ConsentKind, branding: Branding) -> None:
    sheet.title(kind.name)
    sheet.fields(
        [
            ("Child", _child_name(family)),
            ("Date of birth", long_date(family.date_of_birth)),
            ("This form is for", _carer_label(family.recipient)),
        ]
    )
    sheet.section("What we are asking")
    sheet.add(sheet.para(kind.wording, "wording"))
    if kind.names_agencies:
        _agencies(sheet, family.answer(kind.id))
    _answer(sheet, branding)


def _blank_consent(sheet: _Sheet, kind: ConsentKind, branding: Branding) -> None:
    sheet.title(kind.name)
    sheet.write_lines(["Child's name", "Date of birth", "Your name", "Relationship to the child"])
    sheet.section("What we are asking")
    sheet.add(sheet.para(kind.wording, "wording"))
    if kind.names_agencies:
        _agencies(sheet, None)
    _answer(sheet, branding)


_ROLE_WORDS = {  # (one person, several people)
    Role.MANAGER: ("The manager", "The managers"),
    Role.DSL: ("The designated safeguarding lead", "The designated safeguarding leads"),
    Role.KEY_WORKER: ("The key worker", "Key workers"),
    Role.REVIEWER: ("The committee reviewer", "Committee reviewers"),
}


def role_line(fact: RoleFact) -> str:
    """``Key workers (6 people): the record of the children in their care, ...``."""
    one, several = _ROLE_WORDS.get(fact.role, (fact.label, fact.label))
    who = one if fact.count == 1 else several
    people = "1 person" if fact.count == 1 else f"{fact.count} people"
    return f"{who} ({people}): {fact.sees}."


def _notice(sheet: _Sheet, branding: Branding, privacy: PrivacyFacts) -> None:
    provider = branding.provider
    name = provider.name.strip()
    sheet.title(NOTICE_TITLE)
    sheet.line(
        f"{name} keeps information about your child and about you. This notice says what we keep, why, "
        "who can see it, how long we keep it, and what you can ask us to do.",
        "lead",
    )
    sheet.section("What we keep", 30 * mm)
    sheet.bullets(
        [
            "About your child: their name, date of birth, address, room and attendance, health and any "
            "additional needs, notes of their learning and development, records of accidents and "
            "medicines, and any worry about their safety.",
            "About you: your name, your relationship to your child, your address, phone number and email, "
            "whether you have parental responsibility, the consents you give us, and notes of our contact "
            "with you.",
        ]
    )
    sheet.section("Why we keep it", 30 * mm)
    sheet.line(
        "To look after your child safely and well, to contact you, to meet the law and the Early Years "
        "Foundation Stage, and to keep children safe. We keep only what we need for these reasons."
    )
    sheet.section("Who can see it", 30 * mm)
    sheet.bullets([role_line(fact) for fact in privacy.roles])
    sheet.line(
        "Each member of staff signs in with their own password and sees only what their job needs. "
        "Nobody outside the setting can see your records unless we share them as explained below."
    )
    sheet.section("When we share it", 30 * mm)
    sheet.line(
        "We share information about your child only when we need to, and we normally ask you first: "
        "for example, with your consent, to your health visitor or to your child's next school."
    )
    sheet.add(Spacer(1, 4))
    sheet.line(
        "Keeping children safe comes first. If we are worried that a child may be at risk of harm, we "
        "will share information with children's social care or the police, and we may do this without "
        "asking you first if asking could put a child at greater risk or cause a harmful delay. We write "
        "down every decision to share, and why."
    )
    sheet.section("How long we keep it", 30 * mm)
    sheet.bullets([f"{rule.held} — {rule.period}." for rule in privacy.retention])
    sheet.line("After that we destroy it securely.")
    sheet.section("How we keep it safe", 30 * mm)
    sheet.line(
        "Computer records are encrypted and need a password to open. Screens are locked whenever they "
        "are left. Paper is locked away, and shredded when it is no longer needed."
    )
    sheet.section("Your rights", 30 * mm)
    sheet.bullets(
        [
            "You can see what we hold about you and your child: ask the manager, and we will answer "
            "within one month.",
            "You can ask us to correct anything that is wrong.",
            f"If you are unhappy with how we look after your information, please tell us. You can also "
            f"complain to {ICO}.",
        ]
    )
    sheet.section("How to ask", 30 * mm)
    contact = [name, _one_line(provider.address)]
    contact += [
        f"Phone {provider.phone}" if provider.phone else "",
        f"Email {provider.email}" if provider.email else "",
    ]
    sheet.line("\n".join(c for c in contact if c))
    if provider.dsl_name:
        sheet.add(Spacer(1, 4))
        sheet.line(f"Our designated safeguarding lead is {provider.dsl_name}.")


# --- building ----------------------------------------------------------------------------------


def _warnings(missing: Iterable[str], logo_failed: bool) -> tuple[str, ...]:
    found: list[str] = []
    lacking = sorted(set(missing))
    if lacking:
        shown = " ".join(lacking[:12]) + (" …" if len(lacking) > 12 else "")
        found.append(f"{MISSING_GLYPHS} ({shown}).")
    if logo_failed:
        found.append(LOGO_UNREADABLE)
    return tuple(found)


def _build(
    sets: Sequence[Callable[[_Sheet, Callable[[str, str, bool], None]], None]],
    *,
    branding: Branding,
    show: Printable,
    demo: bool,
    progress: Callable[[float], None] | None,
) -> FormsPdf:
    """Lay out each set (a function adding its documents to the sheet) into one PDF."""
    sheet = _Sheet(show)
    count = len(sets)

    def reached(mark: _Mark) -> None:
        if progress is not None:
            progress(mark.set_number / count)

    for number, lay_out in enumerate(sets):

        def start(title: str, about: str, returnable: bool, number: int = number) -> None:
            if sheet.story:
                sheet.add(PageBreakIfNotEmpty())
            sheet.add(
                _Marker(
                    _Mark(number, show(title, fonts.SANS_BOLD), show(about, fonts.SANS_BOLD), returnable),
                    reached,
                )
            )

        lay_out(sheet, start)
    furniture = _Furniture(branding, show, demo)
    pages: list[int] = []
    out = BytesIO()
    document = a4_document(out, title=TITLE, left=_MARGIN, right=_MARGIN, top=_TOP, bottom=_BOTTOM)
    document.build(sheet.story, canvasmaker=_set_canvas(furniture, pages))
    if progress is not None:
        progress(1.0)
    return FormsPdf(out.getvalue(), pages[-1] if pages else 0, _warnings(show.missing, furniture.logo_failed))


def build_forms(
    families: Sequence[FamilyForms],
    *,
    branding: Branding,
    kinds: Sequence[ConsentKind],
    privacy: PrivacyFacts | None,
    blank: bool = False,
    demo: bool = False,
    progress: Callable[[float], None] | None = None,
) -> FormsPdf:
    """Each family's forms in turn, in one PDF: for each kind in ``kinds`` (in that order) the
    registration declaration (the kind whose code is ``KindCode.REGISTRATION``) or a consent form,
    then the privacy notice when ``privacy`` is given. ``blank``: one set with nothing filled in
    (``families`` must be empty). ``demo`` marks every page as fictional. ``progress`` is called
    with 0..1 as the families are laid out (from the thread doing the work).

    Raises ``ValidationError`` when there is nothing to print.
    """
    if not kinds and privacy is None:
        raise ValidationError("kinds", NOTHING_TO_PRINT)
    if blank and families:
        raise ValueError("blank forms are printed without families")
    if not blank and not families:
        raise ValidationError("families", NO_FAMILIES)
    fonts.register()
    show = Printable()

    def family_set(family: FamilyForms | None) -> Callable[[_Sheet, Callable[[str, str, bool], None]], None]:
        def lay_out(sheet: _Sheet, start: Callable[[str, str, bool], None]) -> None:
            about = "" if family is None else family.legal_name
            for kind in kinds:
                registration = kind.code is KindCode.REGISTRATION
                start(DECLARATION_TITLE if registration else kind.name, about, True)
                if family is None:
                    if registration:
                        _blank_declaration(sheet, kind)
                    else:
                        _blank_consent(sheet, kind, branding)
                elif registration:
                    _declaration(sheet, family, kind)
                else:
                    _consent(sheet, family, kind, branding)
            if privacy is not None:
                start(NOTICE_TITLE, "", False)
                _notice(sheet, branding, privacy)

        return lay_out

    sets = [family_set(None)] if blank else [family_set(f) for f in families]
    return _build(sets, branding=branding, show=show, demo=demo, progress=progress)


def build_privacy_notice(*, branding: Branding, privacy: PrivacyFacts, demo: bool = False) -> FormsPdf:
    """The privacy notice for parents alone ("How we look after your information")."""
    fonts.register()
    show = Printable()

    def lay_out(sheet: _Sheet, start: Callable[[str, str, bool], None]) -> None:
        start(NOTICE_TITLE, "", False)
        _notice(sheet, branding, privacy)

    return _build([lay_out], branding=branding, show=show, demo=demo, progress=None)
