"""Printing an information-sharing decision record: built off the UI thread, previewed, then
printed or saved with both recorded in the audit log against the sharing record.

Only those who decide (the DSL and manager) get as far as building it: a preview somebody could
print but whose print could not be audit-logged must never appear.
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
    from app.reports.decision_record import DecisionRecordPdf
    from ui.pdf_preview import PdfPreviewDialog

TITLE = "Information-sharing decision record"
DOCUMENT_KIND = "Information-sharing decision record"
NOT_ALLOWED = (
    "Only the DSL or the manager can print or save an information-sharing decision record. "
    "Ask them if a copy is needed for the child's file."
)
GLYPHS_TITLE = "Some characters cannot be printed"
GLYPHS_ADVICE = "Check those words on screen before relying on the printed copy."


def print_decision_record(
    parent: QWidget,
    session: Session,
    share_id: int,
    *,
    on_shown: Callable[[PdfPreviewDialog], None] | None = None,
) -> None:
    """Build the decision record for ``share_id`` and show the preview.

    The window title names no child (it can show in the taskbar); the page does. ``on_shown``
    hears the dialog once it is open (for tests and for callers that track open windows).
    """
    # ReportLab and QtPdf load here, not at start-up: most sessions never print anything.
    from app.reports.decision_record import build_decision_record
    from ui.pdf_preview import PdfPreviewDialog

    kind = DocumentKind.DECISION_RECORD

    def build(_progress: operations.Progress) -> DecisionRecordPdf:
        needed = REQUIRES[kind]
        if not session.may(needed):  # refused before anything is read or the view logged
            raise PermissionDenied(NOT_ALLOWED, action=needed.value)
        record = session.sharing.get(share_id)
        return build_decision_record(
            record,
            provider_name=session.settings.provider().name,
            printed_by=session.me.full_name,
            printed_at=session.context.clock.now(),
            demo=bool(session.settings.get(DEMO_VAULT)),
        )

    def shown(pdf: DecisionRecordPdf) -> None:
        about = ("share_request", share_id)
        dialog = PdfPreviewDialog(
            pdf.data,
            title=TITLE,
            document_kind=DOCUMENT_KIND,
            on_printed=lambda: session.documents.printed(kind, pages=pdf.pages, about=about),
            on_saved=lambda: session.documents.saved(kind, pages=pdf.pages, about=about),
            parent=parent,
        )
        dialog.open()
        if pdf.warnings:
            text = "\n\n".join([*pdf.warnings, GLYPHS_ADVICE])
            inform(dialog, GLYPHS_TITLE, text, name="decisionGlyphsDialog")
        if on_shown is not None:
            on_shown(dialog)

    operations.run(parent, build, label="Preparing the decision record…", on_success=shown)
