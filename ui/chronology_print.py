"""Printing a child's chronology: built off the UI thread, previewed, then printed or saved with
both recorded in the audit log against the child (the flow every document shares is
``ui.printing.show_document``).

Only those who may print a chronology (the DSL and manager) get as far as building it: a
preview somebody could print but whose print could not be audit-logged must never appear.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.documents import DocumentKind
from app.session import Session
from app.settings import DEMO_VAULT
from ui import operations
from ui.printing import GLYPHS_ADVICE, GLYPHS_TITLE, show_document

if TYPE_CHECKING:
    from app.reports.chronology import ChronologyPdf
    from ui.pdf_preview import PdfPreviewDialog

__all__ = ["CODED_TITLE", "GLYPHS_ADVICE", "GLYPHS_TITLE", "NOT_ALLOWED", "TITLE", "print_chronology"]

TITLE = "Chronology"
CODED_TITLE = "Chronology (coded copy)"
NOT_ALLOWED = (
    "Only the DSL or the manager can print or save a chronology. Ask them if a copy is needed; "
    "the Chronology tab shows it on screen."
)


def print_chronology(
    parent: QWidget,
    session: Session,
    child_id: int,
    *,
    coded: bool,
    on_shown: Callable[[PdfPreviewDialog], None] | None = None,
) -> None:
    """Build the chronology (full, or coded for insecure channels) and show the preview.

    The window title names no child (it can show in the taskbar); the page does. ``on_shown``
    hears the dialog once it is open (for tests and for callers that track open windows).
    """

    def build(_progress: operations.Progress) -> ChronologyPdf:
        # ReportLab loads here, not at start-up: most sessions never print anything.
        from app.reports.chronology import build_chronology

        chronology = session.chronology.for_child(child_id, coded=coded)
        return build_chronology(
            chronology,
            provider_name=session.settings.provider().name,
            printed_by=session.me.full_name,
            printed_at=session.context.clock.now(),
            demo=bool(session.settings.get(DEMO_VAULT)),
        )

    show_document(
        parent,
        session,
        build,
        kind=DocumentKind.CHRONOLOGY_CODED if coded else DocumentKind.CHRONOLOGY,
        title=CODED_TITLE if coded else TITLE,
        document_kind="Coded chronology" if coded else "Chronology",
        not_allowed=NOT_ALLOWED,
        label="Preparing the chronology…",
        about=("child", child_id),
        glyphs_name="chronologyGlyphsDialog",
        on_shown=on_shown,
    )
