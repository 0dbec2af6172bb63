"""The annual review pack as a PDF: figures only, for the manager and the management committee.

``build_review_pack`` lays out a ``ReviewFigures`` (``app.review_pack``): a cover, the contents
with page numbers (platypus ``TableOfContents``, so the document is built in two passes), the
eight sections of figures with bar charts, the checklist of yearly review questions and the
sign-off page. It returns a ``ReviewPackPdf``: the bytes, the page count (the audit entry for a
print or a save records it) and any warnings for the person printing. Everything is built in
memory; nothing is written to disk.

What the pages do and why:

- The figures hold no child's or family member's name; the renderer prints what it is given and
  adds none. Counts about children and families of 1 or 2 print as "fewer than 3" (``shown``);
  on a chart such a count is a light hatched bar of one fixed height labelled "<3", so its size
  cannot be read off the axis. The introduction says so once.
- Every page says "Page x of y", and every page after the cover names the setting and the year,
  so a page that strays from the pile is still recognisable.
- Text the font cannot show (a policy or category name in a script DejaVu lacks) is printed as
  "?" rather than as boxes, and a warning says so.
- The PDF's metadata is generic ("Annual review pack").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents  # type: ignore[import-untyped]

from app.clock import MONTHS, long_date
from app.reports import fonts
from app.reports.charts import bar_chart
from app.reports.chronology import Printable, chunks, numbered_canvas
from app.reports.document import a4_document
from app.review_pack import FEWER, NAME_MARK, SMALL_NUMBER, ReviewFigures, Tally, shown

TITLE = "Annual review pack"  # the PDF's metadata title
FIGURES_ONLY = "Figures only: no child can be identified from this pack"
CONTENTS = "Contents"
DEMO_LINE = "DEMO — fictional data"
SECTION_TITLES = (
    "1. Policies and what is due",
    "2. Information-sharing decisions",
    "3. Concerns",
    "4. Consent",
    "5. Retention and disposal",
    "6. Staff",
    "7. Security",
    "8. Subject access requests",
    "9. Review checklist",
    "10. Sign-off",
)
SMALL_NUMBERS_NOTE = (
    f"So that no child can be picked out, every count of children, families or their records "
    f"between 1 and {SMALL_NUMBER - 1} is printed as “{FEWER}” (“<{SMALL_NUMBER}” on the charts, "
    f"drawn as a light hatched bar of one fixed height). Counts of staff and of policies are "
    f"printed in full."
)
AGENCY_NOTE = (
    "Agency types are worked out from the organisation's name as it was recorded (for example "
    "“NHS” or “GP” counts as health, “MASH” as children's social care), so a name that says "
    "little is counted as “other”."
)
NOT_RECORDED = "not recorded"
MISSING_GLYPHS = "Some characters in this pack cannot be printed with the built-in font and show as ?"

_MARGIN = 18 * mm
_WIDTH = A4[0] - 2 * _MARGIN  # 174 mm
_TOP = 24 * mm
_BOTTOM = 22 * mm
_INK = colors.HexColor("#1a1a1a")
_MUTED = colors.HexColor("#555555")
_RULE = colors.HexColor("#9a9a9a")
_HEAD_FILL = colors.HexColor("#e8e8e8")
_ATTENTION = colors.HexColor("#9c0019")
_DEMO_RED = colors.HexColor("#b00020")


@dataclass(frozen=True)
class ReviewPackPdf:
    """The PDF, how many pages it has (for the audit entry), and warnings for the person
    printing, each one sentence."""

    data: bytes
    pages: int
    warnings: tuple[str, ...] = ()


def short_date(day: date | None) -> str:
    """``3 Feb 2026`` (the same in any locale), or "not recorded"."""
    if day is None:
        return NOT_RECORDED
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName=fonts.SANS, fontSize=10, leading=14, textColor=_INK, allowWidows=0, allowOrphans=0
    )
    cell = ParagraphStyle("cell", body, fontSize=9, leading=12)
    return {
        "body": body,
        "lead": ParagraphStyle("lead", body, spaceAfter=6),
        "muted": ParagraphStyle("muted", body, textColor=_MUTED, fontSize=9, leading=12, spaceAfter=4),
        "provider": ParagraphStyle("provider", body, fontName=fonts.SANS_BOLD, fontSize=16, leading=21),
        "cover": ParagraphStyle(
            "cover", body, fontName=fonts.SANS_BOLD, fontSize=24, leading=30, spaceBefore=40, spaceAfter=16
        ),
        "boxed": ParagraphStyle(
            "boxed",
            body,
            fontName=fonts.SANS_BOLD,
            fontSize=12,
            leading=16,
            borderColor=_INK,
            borderWidth=1.2,
            borderPadding=8,
            spaceBefore=18,
            spaceAfter=18,
        ),
        "demo": ParagraphStyle(
            "demo",
            body,
            fontName=fonts.SANS_BOLD,
            textColor=_DEMO_RED,
            borderColor=_DEMO_RED,
            borderWidth=1.5,
            borderPadding=5,
            spaceBefore=8,
            spaceAfter=8,
        ),
        "h1": ParagraphStyle(
            "h1", body, fontName=fonts.SANS_BOLD, fontSize=15, leading=20, spaceBefore=4, spaceAfter=8
        ),
        "h2": ParagraphStyle(
            "h2", body, fontName=fonts.SANS_BOLD, fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=4
        ),
        "cell": cell,
        "cell_head": ParagraphStyle("cell_head", cell, fontName=fonts.SANS_BOLD),
        "cell_bold": ParagraphStyle("cell_bold", cell, fontName=fonts.SANS_BOLD),
        "cell_attention": ParagraphStyle(
            "cell_attention", cell, fontName=fonts.SANS_BOLD, textColor=_ATTENTION
        ),
        "cell_muted": ParagraphStyle("cell_muted", cell, textColor=_MUTED),
        "question": ParagraphStyle("question", body, fontSize=10.5, leading=14),
        "toc": ParagraphStyle("toc", body, fontSize=11, leading=18),
    }


class _Pack:
    """The story being built, with the styles and the glyph check every piece of text goes
    through."""

    def __init__(self, show: Printable) -> None:
        self.show = show
        self.styles = _styles()
        self.story: list[Flowable] = []

    def para(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of plain text (escaped, glyph-checked, line breaks kept)."""
        return Paragraph(self.show.markup(text, self.styles[style].fontName), self.styles[style])

    def add(self, *flowables: Flowable) -> None:
        self.story.extend(flowables)

    def line(self, text: str, style: str = "body") -> None:
        self.add(self.para(text, style))

    def section(self, title: str) -> None:
        """A numbered section on a new page; the heading goes into the contents."""
        heading = self.para(title, "h1")
        heading.toc_entry = title
        self.add(PageBreak(), heading)

    def subheading(self, text: str) -> None:
        self.add(CondPageBreak(40 * mm), self.para(text, "h2"))

    def table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        attention: Iterable[int] = (),
        empty: str = "",
    ) -> None:
        """A table with a shaded header that repeats over pages; long cells run on over rows.
        Rows in ``attention`` are printed in bold dark red (a review overdue, say)."""
        if not rows and empty:
            self.line(empty)
            return
        flagged = set(attention)
        cells: list[list[Paragraph]] = [[self.para(h, "cell_head") for h in head]]
        for number, row in enumerate(rows):
            style = "cell_attention" if number in flagged else "cell"
            pieces = [chunks(value) for value in row]
            for index in range(max(len(p) for p in pieces)):
                cells.append([self.para(p[index] if index < len(p) else "", style) for p in pieces])
        table = Table(cells, colWidths=list(widths), repeatRows=1, splitByRow=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), _HEAD_FILL),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, _INK),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.4, _RULE),
                    ("BOX", (0, 0), (-1, -1), 0.6, _INK),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        self.add(table, Spacer(1, 6))

    def tallies(self, head: Sequence[str], tallies: Sequence[Tally], *, family: bool = True) -> None:
        """Label and count, two columns; ``family`` counts are shown with ``shown``."""
        rows = [(t.label, shown(t.count) if family else str(t.count)) for t in tallies]
        self.table(head, rows, (_WIDTH * 0.7, _WIDTH * 0.3))

    def facts(self, entries: Sequence[tuple[str, str]]) -> None:
        """Labelled values, one a row, with a rule under each."""
        rows: list[list[Paragraph]] = []
        for label, value in entries:
            for index, piece in enumerate(chunks(value)):
                rows.append([self.para(label if index == 0 else "", "cell_bold"), self.para(piece, "cell")])
        table = Table(rows, colWidths=[_WIDTH * 0.42, _WIDTH * 0.58], splitByRow=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, _RULE),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.4, _RULE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        self.add(table, Spacer(1, 6))

    def chart(self, tallies: Sequence[Tally], *, height: float, horizontal: bool) -> None:
        bars = [(self.show(t.label), t.count) for t in tallies]
        self.add(
            Spacer(1, 4), bar_chart(bars, width=_WIDTH, height=height, horizontal=horizontal), Spacer(1, 8)
        )

    def box(self) -> Table:
        """An empty square to tick."""
        square = Table([[""]], colWidths=[5 * mm], rowHeights=[5 * mm])
        square.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.1, _INK)]))
        return square

    def write_lines(self, labels: Sequence[str], label_width: float = 45 * mm) -> Table:
        rows = [[self.para(label, "cell_bold"), ""] for label in labels]
        table = Table(
            rows,
            colWidths=[label_width, _WIDTH - label_width],
            rowHeights=[11 * mm] * len(rows),
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LINEBELOW", (1, 0), (1, -1), 0.8, _INK),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table


# --- the sections -------------------------------------------------------------------------------


def _cover(pack: _Pack, figures: ReviewFigures) -> None:
    pack.line(figures.provider_name.strip(), "provider")
    address = ", ".join(line.strip() for line in figures.provider_address.splitlines() if line.strip())
    if address:
        pack.line(address, "muted")
    pack.line(f"Annual review of information sharing and records, {figures.year}", "cover")
    pack.line(f"The year reviewed: 1 January to 31 December {figures.year}.", "lead")
    pack.line(f"Built on {long_date(figures.built_on)}.", "lead")
    if figures.built_on.year == figures.year:
        pack.line(f"The year is not over yet: the figures run to {long_date(figures.built_on)}.", "lead")
    pack.line(FIGURES_ONLY, "boxed")
    if figures.demo:
        pack.line(DEMO_LINE, "demo")
    pack.line(
        "This pack gathers what the year shows for the annual review of the information-sharing "
        "arrangements (policies 000 and 001): the policies and what is due, the decisions to share "
        "or not, concerns, consent, retention and disposal, staff, security and subject access "
        "requests, then the review questions and the sign-off.",
        "lead",
    )
    pack.line(
        f"Figures about the year count what happened between 1 January and 31 December {figures.year}. "
        f"Figures marked “now” (consent coverage, records due for disposal, overdue actions, staff "
        f"and security) are as they stood on {long_date(figures.built_on)}, the day the pack was built.",
        "lead",
    )
    pack.line(SMALL_NUMBERS_NOTE, "lead")


def _contents(pack: _Pack) -> None:
    pack.add(PageBreak(), pack.para(CONTENTS, "h1"))
    toc = TableOfContents()
    toc.levelStyles = [pack.styles["toc"]]
    toc.dotsMinLevel = 0
    pack.add(toc)


def _policies(pack: _Pack, figures: ReviewFigures) -> None:
    section = figures.policies
    pack.section(SECTION_TITLES[0])
    pack.line(
        "The provider's policies as the register stands now, when each was reviewed and who signed "
        "it. Each is reviewed every year; a review due within the next month, overdue, or with no "
        "date is shown in bold.",
        "muted",
    )
    rows = [
        (
            f"{p.name} (version {p.version})" if p.version else p.name,
            short_date(p.adopted_on),
            short_date(p.last_reviewed_on),
            short_date(p.next_review_on),
            p.reviewed_by or NOT_RECORDED,
            p.signed_by or NOT_RECORDED,
            p.state,
        )
        for p in section.policies
    ]
    widths = [w * mm for w in (42, 20, 20, 20, 25, 25, 22)]
    pack.table(
        ("Policy", "Adopted", "Last\nreviewed", "Next\nreview", "Reviewed\nby", "Signed\nby", "State"),
        rows,
        widths,
        attention=[i for i, p in enumerate(section.policies) if p.needs_attention],
        empty="No policies are recorded in the register yet.",
    )
    pack.subheading("The multi-agency protocol and the council contract")
    signatory = (
        f"Yes, signed on {short_date(section.tier2_signed_on)}"
        if section.tier2_signatory
        else "No signature is recorded"
    )
    contract = short_date(section.contract_on)
    due = short_date(section.contract_due_on)
    pack.facts(
        [
            ("Tier-2 protocol signatory", signatory),
            ("Council contract dated", contract),
            ("Contract renewal due", f"{due} ({section.contract_state.lower()})"),
        ]
    )
    pack.line(
        "Signatories of the tier-2 protocol are bound by the tier-1 multi-agency information-sharing "
        "protocol. The council's contract is renewed every year.",
        "muted",
    )


def _decisions(pack: _Pack, figures: ReviewFigures) -> None:
    section = figures.decisions
    pack.section(SECTION_TITLES[1])
    pack.line(
        f"Requests to share and wishes to share received in {figures.year}: {shown(section.total)}. "
        "The outcome is as it stands now.",
        "lead",
    )
    pack.tallies(("Outcome", "Decisions"), section.by_outcome)
    pack.chart(section.by_outcome, height=36 * mm, horizontal=True)
    pack.subheading("Decisions to share, by what they rest on")
    pack.tallies(("Ground", "Decisions to share"), section.by_ground)
    pack.facts(
        [
            ("Shared on consent", shown(section.on_consent)),
            (
                "Shared without consent (statutory duty, public function, vital interests, public interest)",
                shown(section.without_consent),
            ),
            ("… of those, backed by a second manager or DSL", shown(section.without_consent_backed)),
            (
                "Shared where consent was not needed (nobody identifiable, or not confidential)",
                shown(section.consent_not_needed),
            ),
        ]
    )
    pack.subheading("Who asked, or who we shared with, by type of agency")
    pack.tallies(("Type of agency", "Decisions"), section.by_agency)
    pack.line(AGENCY_NOTE, "muted")
    pack.subheading("How long decisions took")
    pack.line(
        f"From the request coming in to the decision being recorded, for the {shown(section.decided)} "
        "decided so far.",
        "muted",
    )
    pack.tallies(("Time taken", "Decisions"), section.by_time)
    median = (
        "not applicable (none decided)" if section.median_days is None else f"{section.median_days:g} days"
    )
    if section.median_days is not None and section.decided < SMALL_NUMBER:
        median = f"not shown ({FEWER} decided)"
    pack.facts([("Median time to decide", median)])


def _concerns(pack: _Pack, figures: ReviewFigures) -> None:
    section = figures.concerns
    pack.section(SECTION_TITLES[2])
    pack.line(f"Concerns seen in {figures.year}: {shown(section.total)}.", "lead")
    pack.subheading("By month")
    pack.chart(section.by_month, height=55 * mm, horizontal=False)
    pack.subheading("By category")
    pack.tallies(("Category", "Concerns"), section.by_category)
    rows = min(45, max(3, len(section.by_category)))  # a tall chart never outgrows a page
    pack.chart(section.by_category, height=(12 + 4 * rows) * mm, horizontal=True)
    pack.subheading("Where they stand")
    pack.facts(
        [
            ("Still open now", shown(section.still_open)),
            ("Closed", shown(section.closed)),
            ("Actions overdue now (any year's concerns)", shown(section.actions_overdue)),
            (f"Actions completed in {figures.year}", shown(section.actions_done)),
            ("… of those, completed after their due date", shown(section.actions_done_late)),
        ]
    )


def _consents(pack: _Pack, figures: ReviewFigures) -> None:
    section = figures.consents
    pack.section(SECTION_TITLES[3])
    pack.line(
        f"Consent coverage now (on {long_date(figures.built_on)}), for the children on roll; then the "
        f"answers recorded during {figures.year}.",
        "muted",
    )
    pack.facts(
        [
            ("Children on roll now", shown(section.on_roll)),
            ("… without a signed registration declaration", shown(section.without_declaration)),
            ("Consents whose review is overdue", shown(section.reviews_overdue)),
            ("Consents due for review within 30 days", shown(section.reviews_due)),
        ]
    )
    pack.subheading(f"Answers recorded in {figures.year}")
    pack.facts(
        [
            ("Consent asked for", shown(section.asked)),
            ("Given", shown(section.given)),
            ("Refused", shown(section.refused)),
            ("Withdrawn", shown(section.withdrawn)),
        ]
    )
    pack.line(
        "A registration declaration counts only when a parent or carer signed the form; an answer "
        "given in person or by phone does not.",
        "muted",
    )


def _retention(pack: _Pack, figures: ReviewFigures) -> None:
    section = figures.retention
    pack.section(SECTION_TITLES[4])
    pack.line(
        f"Records past their retention period now (on {long_date(figures.built_on)}), decisions to keep "
        f"them, legal holds, and what was destroyed during {figures.year}.",
        "muted",
    )
    pack.subheading("Due for disposal now")
    pack.table(
        ("Kind of record", "Children", "Records"),
        [(line.kind, shown(line.items), shown(line.records)) for line in section.due],
        (_WIDTH * 0.6, _WIDTH * 0.2, _WIDTH * 0.2),
        empty="Nothing is past its retention period.",
    )
    pack.subheading("Kept past their period, with the reason")
    pack.table(
        ("Kind of record", "Records", "Kept until", "Reason"),
        [(k.kind, shown(k.records), short_date(k.kept_until), k.reason) for k in section.kept],
        [w * mm for w in (55, 20, 24, 75)],
        empty="No record is being kept past its period.",
    )
    if section.kept:
        pack.line(f"Names in the reasons are replaced with “{NAME_MARK}”.", "muted")
    pack.subheading("Under a legal hold")
    pack.facts(
        [
            ("Children whose records are held", shown(section.held_children)),
            ("Records held", shown(section.held_records)),
        ]
    )
    for reason in section.hold_reasons:
        pack.line(f"Reason: {reason}", "body")
    if section.hold_reasons:
        pack.line(f"Names in the reasons are replaced with “{NAME_MARK}”.", "muted")
    pack.subheading(f"Destroyed in {figures.year}")
    pack.table(
        ("Kind of record", "Records", "Rule", "Destroyed by", "On"),
        [
            (d.kind, shown(d.records), d.rule, d.destroyed_by, short_date(d.destroyed_on))
            for d in section.destroyed
        ],
        [w * mm for w in (50, 18, 50, 32, 24)],
        empty=f"Nothing was destroyed in {figures.year}.",
    )


def _staff(pack: _Pack, figures: ReviewFigures) -> None:
    section = figures.staff
    pack.section(SECTION_TITLES[5])
    pack.line(f"Active staff accounts now: {section.active}. Someone with two roles counts in each.", "lead")
    pack.tallies(("Role", "Staff"), section.by_role, family=False)
    policy = section.policy_name or "the confidentiality and information-sharing policy"
    pack.subheading("Confirmed the policy")
    pack.line(
        f"Each member of staff confirms they have read “{policy}” at their first sign-in and every "
        f"year after. Not up to date now: {section.not_up_to_date} of {len(section.acknowledgements)}.",
        "muted",
    )
    rows = [
        (
            a.full_name,
            a.roles,
            short_date(a.last_confirmed) if a.last_confirmed else "never",
            a.version or "—",
            "Yes" if a.up_to_date else "No",
        )
        for a in section.acknowledgements
    ]
    pack.table(
        ("Name", "Roles", "Last confirmed", "Version", "Up to date"),
        rows,
        [w * mm for w in (50, 52, 28, 20, 24)],
        attention=[i for i, a in enumerate(section.acknowledgements) if not a.up_to_date],
        empty="No active staff accounts.",
    )


def _security(pack: _Pack, figures: ReviewFigures) -> None:
    section = figures.security
    pack.section(SECTION_TITLES[6])
    pack.line(
        f"As it stood on {long_date(figures.built_on)}, except the failed sign-ins, which are for "
        f"{figures.year}.",
        "muted",
    )
    binding = f"{section.binding_state.capitalize()}. {section.binding_sentence}"
    chain = (
        f"Verified when the pack was built: intact ({section.audit_entries:,} entries checked)."
        if section.audit_ok
        else f"Verified when the pack was built: NOT intact. {section.audit_sentence}"
    )
    pack.facts(
        [
            ("Screen locks after", f"{section.auto_lock_minutes} minutes without use"),
            ("Bound to this computer", binding),
            ("Recovery key issued on", short_date(section.recovery_key_issued_on)),
            (f"Failed sign-ins in {figures.year}", f"{section.failed_sign_ins:,}"),
            ("Audit log", chain),
            ("Last backup", section.backup_sentence),
        ]
    )


def _subject_access(pack: _Pack, figures: ReviewFigures) -> None:
    section = figures.subject_access
    pack.section(SECTION_TITLES[7])
    pack.line(
        f"Requests from parents (or people acting for them) to see what is held, received in {figures.year}. "
        "Each is due one calendar month after it was received, or up to two months later if extended.",
        "muted",
    )
    pack.facts(
        [
            ("Received", shown(section.received)),
            ("Released within their deadline", shown(section.released_in_time)),
            ("Released after their deadline", shown(section.released_late)),
            ("Extended", shown(section.extended)),
            ("Still open now", shown(section.still_open)),
            ("Overdue now", shown(section.overdue)),
        ]
    )


def _checklist(pack: _Pack, figures: ReviewFigures) -> None:
    pack.section(SECTION_TITLES[8])
    pack.line(
        "The questions of the yearly review. Tick each once the review has looked at it; the note "
        "under each says what the figures in this pack show.",
        "muted",
    )
    rows: list[list[Any]] = []
    for item in figures.checklist:
        text = pack.show.markup(item.question)
        if item.note:
            text += f"<br/><font color='#555555' size='9'>{pack.show.markup(item.note)}</font>"
        rows.append([pack.box(), Paragraph(text, pack.styles["question"])])
    table = Table(rows, colWidths=[11 * mm, _WIDTH - 11 * mm], hAlign="LEFT", splitByRow=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, _RULE),
            ]
        )
    )
    pack.add(table)


def _sign_off(pack: _Pack, figures: ReviewFigures) -> None:
    pack.section(SECTION_TITLES[9])
    pack.line(
        f"We have reviewed the information-sharing arrangements of {figures.provider_name.strip()} for "
        f"{figures.year} with the figures in this pack.",
        "lead",
    )
    for who in ("The manager", "The chair of the management committee"):
        pack.add(KeepTogether([pack.para(who, "h2"), pack.write_lines(("Name", "Signature", "Date"))]))
    pack.add(
        KeepTogether(
            [
                pack.para("Actions agreed", "h2"),
                pack.write_lines(("1.", "2.", "3.", "4.", "5."), label_width=10 * mm),
            ]
        )
    )
    pack.add(Spacer(1, 6))
    pack.add(
        KeepTogether(
            [
                pack.write_lines(("Date of the next review",), label_width=55 * mm),
                pack.para(
                    f"Due by {long_date(figures.next_review_on)}, a year after this pack was built.", "muted"
                ),
            ]
        )
    )


# --- building -----------------------------------------------------------------------------------


def _furniture(provider: str, year: int, demo: bool) -> Callable[[Canvas, int, int], None]:
    def draw(canvas: Canvas, page: int, total: int) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(_INK)
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.5)
        if page > 1:
            top = height - 12 * mm
            canvas.setFont(fonts.SANS_BOLD, 9.5)
            canvas.drawString(_MARGIN, top, provider[:90])
            canvas.setFont(fonts.SANS, 9.5)
            canvas.drawRightString(width - _MARGIN, top, f"Annual review {year}")
            canvas.line(_MARGIN, top - 6, width - _MARGIN, top - 6)
        bottom = 11 * mm
        canvas.line(_MARGIN, bottom + 12, width - _MARGIN, bottom + 12)
        canvas.setFont(fonts.SANS, 9)
        canvas.drawString(_MARGIN, bottom, f"Annual review {year} · figures only, no child identifiable")
        canvas.setFont(fonts.SANS_BOLD, 9.5)
        canvas.drawRightString(width - _MARGIN, bottom, f"Page {page} of {total}")
        if demo:
            canvas.setFillColor(_DEMO_RED)
            canvas.setFont(fonts.SANS_BOLD, 9)
            canvas.drawCentredString(width / 2, bottom - 11, DEMO_LINE)
        canvas.restoreState()

    return draw


def _warnings(missing: Iterable[str]) -> tuple[str, ...]:
    lacking = sorted(set(missing))
    if not lacking:
        return ()
    listed = " ".join(lacking[:12]) + (" …" if len(lacking) > 12 else "")
    return (f"{MISSING_GLYPHS} ({listed}).",)


_SECTIONS = (_policies, _decisions, _concerns, _consents, _retention, _staff, _security, _subject_access)


def build_review_pack(
    figures: ReviewFigures, progress: Callable[[float], None] | None = None
) -> ReviewPackPdf:
    """The pack on A4 as PDF bytes, with its page count and any warnings. ``progress`` hears 0..1
    as the sections are laid out (from the thread doing the work)."""
    fonts.register()
    show = Printable()
    pack = _Pack(show)
    _cover(pack, figures)
    _contents(pack)
    for lay_out in _SECTIONS:
        lay_out(pack, figures)
    _checklist(pack, figures)
    _sign_off(pack, figures)
    provider = show(figures.provider_name.strip(), fonts.SANS_BOLD)

    out = BytesIO()
    document = a4_document(out, title=TITLE, left=_MARGIN, right=_MARGIN, top=_TOP, bottom=_BOTTOM)
    reached = [0.0]

    def after(flowable: Flowable) -> None:
        entry = getattr(flowable, "toc_entry", None)
        if entry is None:
            return
        document.notify("TOCEntry", (0, escape(show(entry)), document.page))
        # The contents need a second pass; progress only ever moves forward.
        fraction = 0.05 + 0.9 * (SECTION_TITLES.index(entry) + 1) / len(SECTION_TITLES)
        if progress is not None and fraction > reached[0]:
            reached[0] = fraction
            progress(fraction)

    document.afterFlowable = after
    pages: list[int] = []
    document.multiBuild(
        pack.story, canvasmaker=numbered_canvas(_furniture(provider, figures.year, figures.demo), pages)
    )
    if progress is not None:
        progress(1.0)
    return ReviewPackPdf(out.getvalue(), pages[-1] if pages else 0, _warnings(show.missing))
