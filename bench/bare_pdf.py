"""The reference for the program's PDF builds: a bare ReportLab document of the same page count.

Each page holds a heading and one short paragraph in the fonts the program embeds (DejaVu Sans,
registered the same way), laid out by ReportLab's platypus on A4: nothing read from a vault, no
tables, images, page templates or contents pass. It is what ReportLab costs for that many pages
at its simplest; ``bench/forms.py`` and ``bench/review_pack.py`` time it in the same rounds as
the program's own builds, so the report sets each beside its reference.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate  # type: ignore[import-untyped]

from app.reports import fonts

TEXT = (
    "Zoë, Łucja, Siobhán, Nguyễn, Дмитрий and Αλέξανδρος: a fictional paragraph of the length a "
    "form's introduction has, so each page sets a few lines of text in the embedded font."
)


def build_bare(pages: int) -> bytes:
    """A ``pages``-page PDF of one heading and one paragraph a page."""
    fonts.register()
    heading = ParagraphStyle("bareHeading", fontName=fonts.SANS_BOLD, fontSize=14, leading=18)
    body = ParagraphStyle("bareBody", fontName=fonts.SANS, fontSize=10, leading=13)
    story: list[object] = []
    for number in range(1, pages + 1):
        story += [Paragraph(f"Page {number}", heading), Paragraph(TEXT, body)]
        if number < pages:
            story.append(PageBreak())
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()
