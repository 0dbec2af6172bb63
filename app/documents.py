"""Printing and saving documents: every print and every save-as-PDF is in the audit log.

Documents are built in memory (``app.reports``) and shown, printed or saved by the window; the
window reports what actually happened here, and this checks the person may handle that kind of
document before the entry is written. A saved PDF is not encrypted, which is why saving is
logged separately from printing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

from app.audit import AuditAction
from app.policy.permissions import Action
from app.session_context import SessionContext

Subject = tuple[str, int]  # ("child", id): what a document is about, for the audit entry


class DocumentKind(StrEnum):
    RECOVERY_SHEET = "recovery_sheet"
    CHRONOLOGY = "chronology"
    CHRONOLOGY_CODED = "chronology_coded"
    DECISION_RECORD = "decision_record"
    FAMILY_FORMS = "family_forms"  # registration declaration, consent forms and notice for a family
    BLANK_FORMS = "blank_forms"  # the same forms with nothing filled in, for new families
    PRIVACY_NOTICE = "privacy_notice"
    SIGNED_FORM = "signed_form"  # a scanned form, printed again from the record
    REVIEW_PACK = "review_pack"  # the annual review: figures only, no child identifiable
    SUBJECT_ACCESS_PACK = "subject_access_pack"  # what is released to a parent who asked


# Who may print or save each kind: the same permission as seeing what it holds.
REQUIRES: Mapping[DocumentKind, Action] = {
    DocumentKind.RECOVERY_SHEET: Action.SETTINGS_MANAGE,
    DocumentKind.CHRONOLOGY: Action.CONCERN_REVIEW,
    DocumentKind.CHRONOLOGY_CODED: Action.CONCERN_REVIEW,
    DocumentKind.DECISION_RECORD: Action.SHARING_DECIDE,
    DocumentKind.FAMILY_FORMS: Action.CHILD_EDIT,
    DocumentKind.BLANK_FORMS: Action.CHILD_READ,
    DocumentKind.PRIVACY_NOTICE: Action.CHILD_READ,
    DocumentKind.SIGNED_FORM: Action.CHILD_READ,
    DocumentKind.REVIEW_PACK: Action.REVIEW_PACK,
    DocumentKind.SUBJECT_ACCESS_PACK: Action.SUBJECT_ACCESS,
}


class DocumentService:
    """``session.documents``."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def _record(
        self,
        action: AuditAction,
        kind: DocumentKind,
        pages: int,
        about: Subject | None,
        batch: Sequence[Subject],
    ) -> None:
        self._ctx.require(REQUIRES[kind])
        detail: dict[str, object] = {"kind": kind.value, "pages": pages}
        subjects = [about] if about is not None else list(batch)
        with self._ctx.transaction() as tx:
            if not subjects:
                self._ctx.audit(tx, action, "document", kind.value, detail)
            # A batch (forms for a whole room) is one entry per child, so each child's audit
            # trail shows that their details were printed.
            for subject_type, subject_id in subjects:
                extra = {"batch": len(subjects)} if batch else {}
                self._ctx.audit(tx, action, subject_type, subject_id, {**detail, **extra})

    def printed(
        self, kind: DocumentKind, *, pages: int, about: Subject | None = None, batch: Sequence[Subject] = ()
    ) -> None:
        """``about`` names what the document is about, e.g. ``("child", 12)``, for the audit log;
        ``batch`` names each child of a batch instead."""
        self._record(AuditAction.DOCUMENT_PRINTED, kind, pages, about, batch)

    def saved(
        self, kind: DocumentKind, *, pages: int, about: Subject | None = None, batch: Sequence[Subject] = ()
    ) -> None:
        self._record(AuditAction.DOCUMENT_SAVED, kind, pages, about, batch)
