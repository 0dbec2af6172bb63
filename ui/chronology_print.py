"""Printing a child's chronology: built off the UI thread, previewed, then printed or saved with
both recorded in the audit log against the child.

Only those who may print a chronology (the DSL and manager) get as far as building it: a
preview somebody could print but whose print could not be audit-logged must never appear.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.documents import REQUIRES, DocumentKind
from app.errors import PermissionDenied
from app.session import Session
from app.settings import DEMO_VAULT
from ui import operations
from ui.form_parts import inform

if TYPE_CHECKING:
    from app.reports.chronology import ChronologyPdf
    from ui.pdf_preview import PdfPreviewDialog

TITLE = "Chronology"
CODED_TITLE = "Chronology (coded copy)"
NOT_ALLOWED = (
    "Only the DSL or the manager can print or save a chronology. Ask them if a copy is needed; "
    "the Chronology tab shows it on screen."
)
GLYPHS_TITLE = "Some characters cannot be printed"
GLYPHS_ADVICE = "Check those words on screen before relying on the printed copy."


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
    # ReportLab and QtPdf load here, not at start-up: most sessions never print anything.
    from app.reports.chronology import build_chronology
    from ui.pdf_preview import PdfPreviewDialog

    kind = DocumentKind.CHRONOLOGY_CODED if coded else DocumentKind.CHRONOLOGY

    def build(_progress: operations.Progress) -> ChronologyPdf:
        needed = REQUIRES[kind]
        if not session.may(needed):  # refused before anything is read or the view logged
            raise PermissionDenied(NOT_ALLOWED, action=needed.value)
        chronology = session.chronology.for_child(child_id, coded=coded)
        return build_chronology(
            chronology,
            provider_name=session.settings.provider().name,
            printed_by=session.me.full_name,
            printed_at=session.context.clock.now(),
            demo=bool(session.settings.get(DEMO_VAULT)),
        )

    def shown(pdf: ChronologyPdf) -> None:
        about = ("child", child_id)
        dialog = PdfPreviewDialog(
            pdf.data,
            title=CODED_TITLE if coded else TITLE,
            document_kind="Coded chronology" if coded else "Chronology",
            on_printed=lambda: session.documents.printed(kind, pages=pdf.pages, about=about),
            on_saved=lambda: session.documents.saved(kind, pages=pdf.pages, about=about),
            parent=parent,
        )
        dialog.open()
        if pdf.warnings:
            text = "\n\n".join([*pdf.warnings, GLYPHS_ADVICE])
            inform(dialog, GLYPHS_TITLE, text, name="chronologyGlyphsDialog")
        if on_shown is not None:
            on_shown(dialog)

    operations.run(parent, build, label="Preparing the chronology…", on_success=shown)
