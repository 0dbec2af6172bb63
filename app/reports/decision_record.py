"""An information-sharing decision as a PDF: the record that goes on the child's file.

``build_decision_record`` returns a ``DecisionRecordPdf``: the bytes, the page count (the audit
entry for a print or a save records it) and any warnings for the person printing. It is built in
memory; nothing is written to disk.

The page follows the decision record the ICO's data sharing code asks for: what was asked, by
whom and why; the decision path as walked, with any advice sought; the decision, its ground,
lawful basis and special-category condition, and the reasons; exactly what was shared (each item
marked FACT or OPINION), with whom, how, how securely and when, or why nothing was shared; the
management backing; who decided and when; the follow-ups; and every correction made since, beside
the current text. It ends with a line for the decision maker to sign.

It looks like the chronology and uses its page furniture: every page says "CONFIDENTIAL —
safeguarding record" and "Page x of y", later pages repeat the setting and the heading (with
"DRAFT" for a record not yet finalised, so a loose page of a draft is never taken for a
decision), times are UK time, long text flows over pages, text the font cannot show prints as "?"
with a warning, and the PDF's metadata names nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.policy.sharing_path import Question, Verdict
from app.reports import fonts
from app.reports.chronology import (
    CONFIDENTIAL,
    CONTINUED,
    DEMO_LINE,
    Printable,
    chunks,
    numbered_canvas,
    page_furniture,
    record_styles,
    uk_time,
)
from app.reports.document import a4_document
from app.sharing import Channel, Direction, FamilyTold, Nature, ShareRecord

__all__ = [
    "CONFIDENTIAL",
    "DRAFT",
    "MISSING_GLYPHS",
    "SIGNATURE",
    "TITLE",
    "DecisionRecordPdf",
    "build_decision_record",
    "reference",
]

TITLE = "Information-sharing decision record"  # the heading and the PDF's metadata title
DRAFT = "DRAFT — not yet decided"
DRAFT_NOTE = (
    "This decision has not been finalised. What follows is as saved so far and may still change: "
    "do not rely on it as the record of a decision."
)
SIGNATURE = "Signed ________________________________    Date ________________"
NOT_RECORDED = "Not recorded"
FACT = "FACT"
OPINION = "OPINION"
MISSING_GLYPHS = (
    "Some characters in this decision record cannot be printed with the built-in font and show as ?"
)

_MARGIN = 18 * mm
_TOP = 26 * mm  # room for the running header
_BOTTOM = 24 * mm  # room for the confidential line and page numbers
_INK = colors.HexColor("#1a1a1a")
_RULE = colors.HexColor("#9a9a9a")
_HEAD_FILL = colors.HexColor("#e8e8e8")
_LABEL_FILL = colors.HexColor("#f4f4f4")
_OPINION_FILL = colors.HexColor("#fff4d6")

# Column widths in millimetres, each set adding up to the 174 mm between the margins.
_SECTION_ROOM = 40 * mm
_SUBSECTION_ROOM = 28 * mm
_FIELD_MM = (56, 118)  # label, value
_PATH_MM = (10, 100, 64)  # step, question, answer
_ITEM_MM = (24, 50, 100)  # fact or opinion, what, the words
_FOLLOWUP_MM = (60, 24, 90)  # what, due, done


@dataclass(frozen=True)
class DecisionRecordPdf:
    """The PDF, how many pages it has (for the audit entry), and warnings for the person
    printing (e.g. characters the font cannot show), each one sentence."""

    data: bytes
    pages: int
    warnings: tuple[str, ...] = ()


def reference(record: ShareRecord) -> str:
    """How the record is referred to on paper: ``Decision 12``."""
    return f"Decision {record.id}"


def _when(moment: datetime | None) -> str:
    return "" if moment is None else uk_time(moment).strftime("%d/%m/%Y %H:%M")


def _day(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def _joined(*parts: str, sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


def _yes_no(value: bool | None, yes: str, no: str) -> str:
    return "" if value is None else (yes if value else no)


class _Sheet:
    """The story being built, with the styles and the glyph check every piece of text goes
    through."""

    def __init__(self, record: ShareRecord, show: Printable) -> None:
        self.record = record
        self.show = show
        base = record_styles()
        cell = base["cell"]
        self.styles: dict[str, ParagraphStyle] = {
            **base,
            "section": ParagraphStyle(
                "section",
                base["body"],
                fontName=fonts.SANS_BOLD,
                fontSize=12.5,
                leading=16,
                spaceBefore=12,
                spaceAfter=5,
            ),
            "subsection": ParagraphStyle(
                "subsection",
                base["body"],
                fontName=fonts.SANS_BOLD,
                spaceBefore=6,
                spaceAfter=3,
            ),
            "status": ParagraphStyle("status", base["body"], fontName=fonts.SANS_BOLD, spaceAfter=2),
            "draft": ParagraphStyle(
                "draft",
                base["note"],
                fontSize=13,
                leading=17,
                borderWidth=2,
                borderPadding=7,
                spaceBefore=10,
                spaceAfter=10,
            ),
            "label": ParagraphStyle("label", cell, fontName=fonts.SANS_BOLD),
            "marker": ParagraphStyle("marker", cell, fontName=fonts.SANS_BOLD, fontSize=10.5),
        }
        self.story: list[Flowable] = []

    # --- text --------------------------------------------------------------------------------

    def para(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of plain text (escaped, glyph-checked, line breaks kept)."""
        font = self.styles[style].fontName
        return Paragraph(self.show.markup(text, font), self.styles[style])

    def add(self, *flowables: Flowable) -> None:
        self.story.extend(flowables)

    def section(self, title: str) -> None:
        """A section heading, on a new page unless there is room for it and a few lines below:
        the tables after it split between rows, so only the heading needs keeping company."""
        self.add(CondPageBreak(_SECTION_ROOM), self.para(title, "section"))

    def subsection(self, title: str) -> None:
        self.add(CondPageBreak(_SUBSECTION_ROOM), self.para(title, "subsection"))

    def line(self, text: str, style: str = "body") -> None:
        self.add(self.para(text, style))

    # --- tables ------------------------------------------------------------------------------

    @staticmethod
    def _table(
        rows: list[list[Paragraph]], widths: Sequence[float], extra: list[tuple[object, ...]]
    ) -> Table:
        table = Table(rows, colWidths=[w * mm for w in widths], splitByRow=1, hAlign="LEFT")
        commands: list[tuple[object, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BOX", (0, 0), (-1, -1), 0.75, _INK),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            *extra,
        ]
        table.setStyle(TableStyle(commands))
        return table

    def long_rows(
        self,
        rows: list[list[Paragraph]],
        first: list[Paragraph],
        later: list[Paragraph],
        text: str,
        empty: str = NOT_RECORDED,
    ) -> None:
        """Rows whose last cell holds ``text``, cut into pieces so no row is taller than a page:
        ``first`` before the first piece, ``later`` before each further one."""
        if not text:
            rows.append([*first, self.para(empty, "cell_muted")])
            return
        for index, piece in enumerate(chunks(text)):
            rows.append([*(first if index == 0 else later), self.para(piece, "cell")])

    def fields(self, entries: Sequence[tuple[str, str]]) -> None:
        """A table of labelled values; an empty value says "Not recorded"."""
        rows: list[list[Paragraph]] = []
        extra: list[tuple[object, ...]] = [("BACKGROUND", (0, 0), (0, -1), _LABEL_FILL)]
        for label, value in entries:
            continued = self.para(f"{label} {CONTINUED}", "cell_muted")
            self.long_rows(rows, [self.para(label, "label")], [continued], value)
            extra.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.5, _RULE))
        self.add(self._table(rows, _FIELD_MM, extra))

    def header(self, *head: str) -> list[Paragraph]:
        """The first row of a table with column headings (repeated on each page it runs onto)."""
        return [self.para(h, "cell_head") for h in head]

    def headed_table(
        self, rows: list[list[Paragraph]], widths: Sequence[float], extra: list[tuple[object, ...]]
    ) -> None:
        """A table whose first row is ``header(...)``; ``extra`` counts that row as row 0."""
        head: list[tuple[object, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), _HEAD_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 1, _INK),
        ]
        table = self._table(rows, widths, [*head, *extra])
        table.repeatRows = 1
        self.add(table)

    # --- amendable text ----------------------------------------------------------------------

    def amendable(self, label: str, field: str) -> tuple[str, str]:
        """The field's current text, its label saying when a correction changed it."""
        if any(a.field == field for a in self.record.amendments):
            label = f"{label} (corrected: see Corrections)"
        return label, self.record.current(field)


# --- the sections ----------------------------------------------------------------------------


def _top(sheet: _Sheet, provider: str, printed: str, demo: bool) -> None:
    record = sheet.record
    sheet.add(
        Paragraph(escape(provider), sheet.styles["provider"]),
        Paragraph(escape(TITLE), sheet.styles["title"]),
        sheet.para(f"{reference(record)} · {record.status.label}", "status"),
    )
    if not record.final:
        sheet.add(sheet.para(DRAFT, "draft"), sheet.para(DRAFT_NOTE, "body"), Spacer(1, 4))
    sheet.line(printed, "muted")
    if demo:
        sheet.add(Paragraph(escape(DEMO_LINE), sheet.styles["demo"]))


def _people(sheet: _Sheet) -> None:
    record = sheet.record
    sheet.section("Who it is about")
    entries: list[tuple[str, str]] = [
        ("Child", f"{child.full_name}, born {_day(child.date_of_birth)}") for child in record.children
    ]
    entries += [("Parent or carer", carer.label) for carer in record.carers]
    entries += [("Professional", professional.label) for professional in record.professionals]
    for concern in record.concerns:
        text = f"{_when(concern.seen_at)} — {concern.category}"
        if concern.third_party_source:
            consent = (
                "that agency's consent to share it is recorded"
                if concern.shareable
                else "not shared without that agency's consent"
            )
            text += f". Information from another agency ({concern.third_party_source}): {consent}."
        entries.append(("Concern", text))
    sheet.fields(entries)


def _request(sheet: _Sheet) -> None:
    record = sheet.record
    asked = record.direction is Direction.REQUEST
    sheet.section("The request" if asked else "What we want to share")
    entries = [
        ("Direction", record.direction.label),
        ("Received via", record.received_via.label),
        ("When (UK time)", _when(record.received_at)),
        ("Urgency", record.urgency.label),
    ]
    who = (record.requester_org, record.requester_name, record.requester_role, record.requester_contact)
    if asked or any(who):
        prefix = "Who asked" if asked else "Who it is for"
        entries += [
            (f"{prefix}: organisation", record.requester_org),
            (f"{prefix}: name", record.requester_name),
            (f"{prefix}: role", record.requester_role),
            (f"{prefix}: contact", record.requester_contact),
        ]
    entries += [
        ("What was asked for" if asked else "What we want to share", record.asked_for),
        ("The stated purpose", record.purpose),
        ("Recorded by", _joined(record.opened_by, _when(record.opened_at), sep=", on ")),
    ]
    sheet.fields(entries)
    if record.received_via is Channel.PHONE:
        sheet.subsection("Checking the caller's identity")
        called_back = _joined(_when(record.called_back_at), record.called_back_by, sep=" by ")
        sheet.fields(
            [
                ("Number taken", record.phone_number),
                ("How the number was checked", record.verified_how),
                ("Called back", called_back),
            ]
        )


def _path(sheet: _Sheet) -> None:
    record = sheet.record
    outcome = record.outcome
    sheet.section("The decision path")
    if outcome.path:
        rows = [sheet.header("", "Question", "Answer")]
        rows += [
            [
                sheet.para(str(number), "cell"),
                sheet.para(step.question.text, "cell"),
                sheet.para(step.answer.label, "cell"),
            ]
            for number, step in enumerate(outcome.path, start=1)
        ]
        extra: list[tuple[object, ...]] = [("LINEBELOW", (0, 1), (-1, -1), 0.5, _RULE)]
        sheet.headed_table(rows, _PATH_MM, extra)
    else:
        sheet.line("No question has been answered yet.")
    if outcome.next_question is not None:
        if outcome.verdict is Verdict.SEEK_ADVICE:
            sheet.line(f"Stopped to seek advice at: {outcome.next_question.text}")
        else:
            sheet.line(f"Next question: {outcome.next_question.text}")


def _advice(sheet: _Sheet) -> None:
    record = sheet.record
    sheet.section("Advice sought")
    if not record.advice:
        sheet.line("No advice was recorded.")
        return
    for number, advice in enumerate(record.advice, start=1):
        sheet.subsection(f"Advice {number}")
        sheet.fields(
            [
                ("About the question", advice.question.text),
                ("Adviser", advice.adviser),
                ("Advice given", advice.advice),
                (
                    "Was the child named?",
                    _yes_no(advice.child_named, "Yes, the child was named", "No, the child was not named"),
                ),
                ("When (UK time)", _when(advice.sought_at)),
                ("Recorded by", advice.recorded_by),
            ]
        )


def _decision(sheet: _Sheet) -> None:
    record = sheet.record
    outcome = record.outcome
    walked = {step.question: step.answer for step in outcome.path}
    sheet.section("The decision")
    entries = [("Decision", outcome.verdict.label)]
    if outcome.ground is not None:
        entries.append(("Ground", outcome.ground.label))
    if outcome.criterion is not None:
        entries.append(("Critical criterion (public interest)", outcome.criterion.label))
    consent = walked.get(Question.CONSENT)
    entries.append(
        ("Consent", consent.label if consent is not None else "Not asked: the decision path did not reach it")
    )
    if outcome.consent_reason_required or record.current("consent_reason"):
        entries.append(sheet.amendable("Why we went on without consent", "consent_reason"))
    if outcome.verdict is Verdict.SHARE:
        basis = record.lawful_basis
        condition = record.special_condition
        entries += [
            ("Lawful basis (UK GDPR Article 6)", "" if basis is None else basis.label),
            ("Special-category data condition", "" if condition is None else condition.label),
        ]
    entries.append(sheet.amendable("Reasons for the decision", "reasons"))
    sheet.fields(entries)


def _shared(sheet: _Sheet) -> None:
    record = sheet.record
    sheet.section("What is shared")
    if record.items:
        rows = [sheet.header("Fact or opinion", "What", "The words shared")]
        extra: list[tuple[object, ...]] = []
        for item in record.items:
            marker = FACT if item.nature is Nature.FACT else OPINION
            start = len(rows)
            sheet.long_rows(
                rows,
                [sheet.para(marker, "marker"), sheet.para(item.label, "cell")],
                [sheet.para(marker, "marker"), sheet.para(CONTINUED, "cell_muted")],
                item.content,
            )
            if marker == OPINION:  # said in words too: the copy may be black and white
                extra.append(("BACKGROUND", (0, start), (0, len(rows) - 1), _OPINION_FILL))
            extra.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.5, _RULE))
        sheet.headed_table(rows, _ITEM_MM, extra)
    else:
        sheet.line("Nothing has been chosen yet.")
    sheet.subsection("With whom, how and when")
    sheet.fields(
        [
            ("Shared with: name", record.recipient_name),
            ("Shared with: role", record.recipient_role),
            ("Shared with: organisation", record.recipient_org),
            sheet.amendable("How it is shared", "shared_how"),
            sheet.amendable("How it is kept secure", "secured_how"),
            sheet.amendable("How long the recipient keeps it", "retention"),
            ("When it is shared", _day(record.shared_on)),
        ]
    )
    sheet.subsection("The family and anyone at risk")
    family: list[tuple[str, str]] = [
        ("Is the family told?", "" if record.family_told is None else record.family_told.label)
    ]
    if record.family_told is FamilyTold.NOT_TOLD or record.current("family_reason"):
        family.append(sheet.amendable("Why the family is not told", "family_reason"))
    family.append(sheet.amendable("Protecting anyone who could be harmed", "identity_protection"))
    sheet.fields(family)


def _not_shared(sheet: _Sheet) -> None:
    record = sheet.record
    sheet.section("Not shared")
    entries = [("What happens", "The information is not shared. The reasons are given above.")]
    if record.direction is Direction.REQUEST:
        entries.append(
            (
                "Reasons discussed with the requester?",
                _yes_no(record.discussed_with_requester, "Yes", "No"),
            )
        )
    if record.direction is Direction.REQUEST or record.current("discussed_note"):
        entries.append(sheet.amendable("Discussion with the requester", "discussed_note"))
    sheet.fields(entries)


def _backing(sheet: _Sheet) -> None:
    record = sheet.record
    sheet.section("Management backing")
    if record.backed_at is not None and record.backed_by:
        sheet.fields(
            [
                (
                    "Backed by",
                    _joined(
                        record.backed_by, f"({record.backed_role})" if record.backed_role else "", sep=" "
                    ),
                ),
                ("When (UK time)", _when(record.backed_at)),
                ("How", "Confirmed with their own username and password on this PC"),
            ]
        )
    elif record.consulted:
        sheet.fields(
            [
                ("Consulted", record.consulted),
                ("How and when they were consulted", record.consulted_how),
                ("Recorded (UK time)", _when(record.backed_at)),
            ]
        )
    elif record.outcome.backing_required:
        sheet.line(
            "Not yet backed. Sharing without consent needs a second manager or DSL to confirm the decision."
        )
    else:
        sheet.line(
            "Not needed: this decision does not share identifiable, confidential information without consent."
        )


def _decided(sheet: _Sheet) -> None:
    record = sheet.record
    sheet.section("Decided by")
    if record.final:
        sheet.fields(
            [
                ("Name", record.decided_by),
                ("Role", record.decided_role),
                ("Date and time (UK)", _when(record.decided_at)),
            ]
        )
    else:
        sheet.line("Not yet decided.")


def _followups(sheet: _Sheet, today: date) -> None:
    record = sheet.record
    sheet.section("Follow-ups")
    if not record.followups:
        sheet.line("No follow-ups were recorded.")
        return
    rows = [sheet.header("Follow-up", "Due", "Done?")]
    extra: list[tuple[object, ...]] = []
    for followup in record.followups:
        what = _joined(followup.kind.label, followup.description, sep=": ")
        if followup.done_at is not None:
            done = _joined(f"Done {_when(followup.done_at)}", followup.done_by, sep=" by ")
            done = _joined(done, followup.done_note, sep=". ")
        elif followup.overdue(today):
            done = "Not done: OVERDUE"
        else:
            done = "Not done yet"
        sheet.long_rows(
            rows,
            [sheet.para(what, "cell"), sheet.para(_day(followup.due_date), "cell")],
            [sheet.para(CONTINUED, "cell_muted"), sheet.para("", "cell")],
            done,
        )
        extra.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.5, _RULE))
    sheet.headed_table(rows, _FOLLOWUP_MM, extra)


def _corrections(sheet: _Sheet) -> None:
    record = sheet.record
    sheet.section("Corrections")
    if not record.amendments:
        sheet.line("No corrections have been made since the decision.")
        return
    sheet.line("The text above is the current text; each correction keeps the original here.", "muted")
    for number, amendment in enumerate(record.amendments, start=1):
        sheet.subsection(f"Correction {number}: {amendment.field_label}")
        sheet.fields(
            [
                ("Was", amendment.original),
                ("Now", amendment.new_text),
                ("Reason for the correction", amendment.reason),
                ("Corrected by", _joined(amendment.amended_by, _when(amendment.amended_at), sep=", on ")),
            ]
        )


def _signature(sheet: _Sheet) -> None:
    record = sheet.record
    maker = _joined(record.decided_by, f"({record.decided_role})" if record.decided_role else "", sep=" ")
    sheet.add(
        Spacer(1, 14),
        KeepTogether(
            [
                sheet.para(f"Decision maker: {maker}" if maker else "Decision maker:", "body"),
                Spacer(1, 18),
                sheet.para(SIGNATURE, "body"),
            ]
        ),
    )


def _story(sheet: _Sheet, provider: str, printed: str, demo: bool, today: date) -> list[Flowable]:
    _top(sheet, provider, printed, demo)
    _people(sheet)
    _request(sheet)
    _path(sheet)
    _advice(sheet)
    _decision(sheet)
    verdict = sheet.record.outcome.verdict
    if verdict is Verdict.SHARE:
        _shared(sheet)
    elif verdict is Verdict.DO_NOT_SHARE:
        _not_shared(sheet)
    _backing(sheet)
    _decided(sheet)
    _followups(sheet, today)
    if sheet.record.final:
        _corrections(sheet)
    _signature(sheet)
    return sheet.story


def _warnings(missing: set[str]) -> tuple[str, ...]:
    lacking = sorted(missing)
    if not lacking:
        return ()
    shown = " ".join(lacking[:12]) + (" …" if len(lacking) > 12 else "")
    return (f"{MISSING_GLYPHS} ({shown}).",)


def build_decision_record(
    record: ShareRecord,
    *,
    provider_name: str,
    printed_by: str,
    printed_at: datetime,
    demo: bool = False,
) -> DecisionRecordPdf:
    """The decision record on A4 as PDF bytes, with its page count and any warnings.

    ``printed_at`` is when it was printed (aware, any zone; shown in UK time, and the UK date
    that day decides which follow-ups print as overdue). Amendable text is printed as it now
    reads (``record.current``), with every correction listed after it.
    """
    fonts.register()
    show = Printable()
    sheet = _Sheet(record, show)
    provider = show(provider_name.strip(), fonts.SANS_BOLD)
    heading = f"{TITLE} · {reference(record)}" + ("" if record.final else f" · {DRAFT}")
    local = uk_time(printed_at)
    printed = show(f"Printed by {printed_by} on {local.strftime('%d/%m/%Y at %H:%M')} (UK time)")
    story = _story(sheet, provider, printed, demo, local.date())
    pages: list[int] = []
    out = BytesIO()
    document = a4_document(out, title=TITLE, left=_MARGIN, right=_MARGIN, top=_TOP, bottom=_BOTTOM)
    furniture = page_furniture(provider, heading, printed, demo)
    document.build(story, canvasmaker=numbered_canvas(furniture, pages))
    return DecisionRecordPdf(out.getvalue(), pages[-1] if pages else 0, _warnings(show.missing))
