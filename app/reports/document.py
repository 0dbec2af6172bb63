"""The one way our PDFs start: A4, and metadata that names nothing but the kind of document.

A PDF's title, author, subject and keywords show in file managers, print queues and search
indexes; they must never hold a child's, a carer's or a member of staff's name. Every report
builds its document here so that rule lives in one place.
"""

from __future__ import annotations

from typing import BinaryIO

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.platypus import SimpleDocTemplate  # type: ignore[import-untyped]


def a4_document(
    out: BinaryIO, *, title: str, left: float, right: float, top: float, bottom: float
) -> SimpleDocTemplate:
    """An A4 document writing to ``out`` (in memory) with generic metadata only."""
    return SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author="",
        subject="",
        keywords="",
        creator="Sharewise",
        lang="en-GB",
    )
