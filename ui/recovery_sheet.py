"""Showing a new recovery key: the Recovery Sheet PDF, built off the UI thread, previewed, and
printed or saved with both recorded in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.documents import DocumentKind
from app.session import Session
from app.settings import DEMO_VAULT
from app.vault.recovery_key import RecoveryKey
from ui import operations

if TYPE_CHECKING:
    from ui.pdf_preview import PdfPreviewDialog

TITLE = "Recovery Sheet"


def show_recovery_sheet(
    parent: QWidget,
    session: Session,
    key: RecoveryKey,
    *,
    on_shown: Callable[[PdfPreviewDialog], None] | None = None,
    on_handled: Callable[[str], None] | None = None,
) -> None:
    """Build and show the sheet. ``on_handled`` hears "printed" or "saved" once that happened."""
    # ReportLab and QtPdf load here, not at start-up: most sessions never print anything.
    from app.reports.recovery_sheet import build_recovery_sheet
    from ui.pdf_preview import PdfPreviewDialog

    provider = session.settings.provider()
    demo = bool(session.settings.get(DEMO_VAULT))
    now = session.context.clock.now()

    def shown(pdf: bytes) -> None:
        def record(how: str) -> None:
            if how == "printed":
                session.documents.printed(DocumentKind.RECOVERY_SHEET, pages=1)
            else:
                session.documents.saved(DocumentKind.RECOVERY_SHEET, pages=1)
            if on_handled is not None:
                on_handled(how)

        dialog = PdfPreviewDialog(
            pdf,
            title=TITLE,
            document_kind=DocumentKind.RECOVERY_SHEET.value,
            on_printed=lambda: record("printed"),
            on_saved=lambda: record("saved"),
            parent=parent,
        )
        dialog.open()
        if on_shown is not None:
            on_shown(dialog)

    operations.run(
        parent,
        lambda _p: build_recovery_sheet(provider, key, now, demo=demo),
        label="Preparing the Recovery Sheet…",
        on_success=shown,
    )
