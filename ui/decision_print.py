"""Printing an information-sharing decision record: built off the UI thread, previewed, then
printed or saved with both recorded in the audit log against the sharing record (the flow every
document shares is ``ui.printing.show_document``).

Only those who decide (the DSL and manager) get as far as building it: a preview somebody could
print but whose print could not be audit-logged must never appear.
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
    from app.reports.decision_record import DecisionRecordPdf
    from ui.pdf_preview import PdfPreviewDialog

__all__ = ["DOCUMENT_KIND", "GLYPHS_ADVICE", "GLYPHS_TITLE", "NOT_ALLOWED", "TITLE", "print_decision_record"]

TITLE = "Information-sharing decision record"
DOCUMENT_KIND = "Information-sharing decision record"
NOT_ALLOWED = (
    "Only the DSL or the manager can print or save an information-sharing decision record. "
    "Ask them if a copy is needed for the child's file."
)


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

    def build(_progress: operations.Progress) -> DecisionRecordPdf:
        # ReportLab loads here, not at start-up: most sessions never print anything.
        from app.reports.decision_record import build_decision_record

        record = session.sharing.get(share_id)
        return build_decision_record(
            record,
            provider_name=session.settings.provider().name,
            printed_by=session.me.full_name,
            printed_at=session.context.clock.now(),
            demo=bool(session.settings.get(DEMO_VAULT)),
        )

    show_document(
        parent,
        session,
        build,
        kind=DocumentKind.DECISION_RECORD,
        title=TITLE,
        document_kind=DOCUMENT_KIND,
        not_allowed=NOT_ALLOWED,
        label="Preparing the decision record…",
        about=("share_request", share_id),
        glyphs_name="decisionGlyphsDialog",
        on_shown=on_shown,
    )
