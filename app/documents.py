"""Printing and saving documents: every print and every save-as-PDF is in the audit log.

Documents are built in memory (``app.reports``) and shown, printed or saved by the window; the
window reports what actually happened here, and this checks the person may handle that kind of
document before the entry is written. A saved PDF is not encrypted, which is why saving is
logged separately from printing.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from app.audit import AuditAction
from app.policy.permissions import Action
from app.session_context import SessionContext


class DocumentKind(StrEnum):
    RECOVERY_SHEET = "recovery_sheet"


# Who may print or save each kind: the same permission as seeing what it holds.
REQUIRES: Mapping[DocumentKind, Action] = {
    DocumentKind.RECOVERY_SHEET: Action.SETTINGS_MANAGE,
}


class DocumentService:
    """``session.documents``."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def _record(self, action: AuditAction, kind: DocumentKind, pages: int) -> None:
        self._ctx.require(REQUIRES[kind])
        with self._ctx.transaction() as tx:
            self._ctx.audit(tx, action, "document", kind.value, {"pages": pages})

    def printed(self, kind: DocumentKind, *, pages: int) -> None:
        self._record(AuditAction.DOCUMENT_PRINTED, kind, pages)

    def saved(self, kind: DocumentKind, *, pages: int) -> None:
        self._record(AuditAction.DOCUMENT_SAVED, kind, pages)
