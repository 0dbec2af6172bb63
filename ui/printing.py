"""Every document the program prints goes through ``show_document``: the permission check, the
build off the UI thread, the preview, and the audit entries for a print or a save-as-PDF.

One flow means one place to get right the rules every document shares: nobody sees a preview
they could print but whose print could not be audit-logged; the build never blocks the window;
the window title names no child; characters the font lacks are pointed out before anyone relies
on the paper copy. The functions under it are the documents for families: their forms (one
family, or many at once from ``ui.form_batch``), blank forms, the privacy notice, and a signed
form scanned back in.

ReportLab and QtPdf load inside the functions, not at module import: most sessions never print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QWidget

from app.documents import REQUIRES, DocumentKind, Subject
from app.errors import NotFound, PermissionDenied, ValidationError
from app.session import Session
from app.settings import DEMO_VAULT
from ui import operations
from ui.form_parts import inform

if TYPE_CHECKING:
    from app.consents import ConsentKind
    from ui.form_batch import BatchFormsDialog
    from ui.pdf_preview import PdfPreviewDialog

GLYPHS_TITLE = "Some characters cannot be printed"
GLYPHS_ADVICE = "Check those words on screen before relying on the printed copy."

FAMILY_FORMS_TITLE = "Forms for a family"
BATCH_FORMS_TITLE = "Forms for several families"
BLANK_FORMS_TITLE = "Blank forms"
PRIVACY_NOTICE_TITLE = "Privacy notice for parents"
SIGNED_FORM_TITLE = "Signed form"

FAMILY_FORMS_NOT_ALLOWED = (
    "Only the manager, the DSL or the child's key worker can print forms for a family. Ask one of "
    "them if the forms are needed."
)
FORMS_NOT_ALLOWED = "Only staff who work with the children can print the forms. Ask the manager for a copy."
SIGNED_FORM_NOT_ALLOWED = (
    "Only staff who work with the children can open a signed form. Ask the manager if you need to see it."
)
NO_CARERS = (
    "There is nobody to address the forms to: add the child's parents or carers on the Carers tab "
    "first, then print the forms."
)


class Built(Protocol):
    """What a report builder hands back: the PDF, its pages (for the audit entry) and warnings."""

    @property
    def data(self) -> bytes: ...

    @property
    def pages(self) -> int | None: ...

    @property
    def warnings(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Document:
    """A PDF made by someone else (a scan): ``pages`` None means count them in the preview."""

    data: bytes
    pages: int | None = None
    warnings: tuple[str, ...] = ()


def show_document(
    parent: QWidget,
    session: Session,
    build: Callable[[operations.Progress], Built],
    *,
    kind: DocumentKind,
    title: str,
    document_kind: str,
    not_allowed: str,
    label: str,
    about: Subject | None = None,
    batch: Sequence[Subject] = (),
    glyphs_name: str = "glyphsDialog",
    on_shown: Callable[[PdfPreviewDialog], None] | None = None,
    on_done: Callable[[], None] | None = None,
) -> None:
    """Check, build (off the UI thread), preview; audit-log each print and save-as-PDF.

    ``build(progress)`` runs on a worker thread once the person is known to be allowed to handle
    ``kind``; a refusal from the core inside it (a key worker and someone else's key child) goes
    to the one error dialog and no preview opens. ``title`` is the window title, so it must not
    name a child (it can show in the taskbar); ``document_kind`` is what the document is, in
    words, for the save warning and the suggested file name. ``about`` (one subject) or ``batch``
    (one audit entry per child; read when the print happens, so ``build`` may fill it in) say
    whom the entries are about; neither means the document is about nobody in particular.
    ``on_shown`` hears the dialog once it is open (for tests and for callers that track open
    windows); ``on_done`` hears that the build finished, well or not (so a button disabled
    meanwhile can come back).
    """
    from ui.pdf_preview import PdfPreviewDialog  # QtPdf loads with the first print

    needed = REQUIRES[kind]

    def checked_build(progress: operations.Progress) -> Built:
        if not session.may(needed):  # refused before anything is read or a view is logged
            raise PermissionDenied(not_allowed, action=needed.value)
        return build(progress)

    def shown(built: Built) -> None:
        dialog: PdfPreviewDialog | None = None

        def pages() -> int:
            if built.pages is not None:
                return built.pages
            return dialog.page_count if dialog is not None else 0

        def record(saved: bool) -> None:
            log = session.documents.saved if saved else session.documents.printed
            log(kind, pages=pages(), about=about, batch=tuple(batch))

        dialog = PdfPreviewDialog(
            built.data,
            title=title,
            document_kind=document_kind,
            on_printed=lambda: record(False),
            on_saved=lambda: record(True),
            parent=parent,
        )
        dialog.open()
        if built.warnings:
            text = "\n\n".join([*built.warnings, GLYPHS_ADVICE])
            inform(dialog, GLYPHS_TITLE, text, name=glyphs_name)
        if on_shown is not None:
            on_shown(dialog)

    operations.run(parent, checked_build, label=label, on_success=shown, on_done=on_done)


def _demo(session: Session) -> bool:
    return bool(session.settings.get(DEMO_VAULT))


# --- forms for families ------------------------------------------------------------------------


def print_family_forms(
    parent: QWidget,
    session: Session,
    child_id: int,
    *,
    carer_id: int | None = None,
    kinds: Sequence[ConsentKind] | None = None,
    privacy_notice: bool = True,
    on_shown: Callable[[PdfPreviewDialog], None] | None = None,
) -> None:
    """The forms for one child: addressed to ``carer_id``, or with None one set for each carer
    with parental responsibility (each set shows only what that carer may see). ``kinds`` None
    prints every form in use; ``privacy_notice`` adds the notice to each set."""

    def build(progress: operations.Progress) -> Built:
        from app.reports.forms import build_forms

        if carer_id is None:
            families = session.forms.families([child_id])
        else:
            families = [session.forms.family(child_id, carer_id)]
        if not families:
            raise ValidationError("carer", NO_CARERS)
        return build_forms(
            families,
            branding=session.forms.branding(),
            kinds=list(kinds) if kinds is not None else session.forms.kinds(),
            privacy=session.forms.privacy_facts() if privacy_notice else None,
            demo=_demo(session),
            progress=progress,
        )

    show_document(
        parent,
        session,
        build,
        kind=DocumentKind.FAMILY_FORMS,
        title=FAMILY_FORMS_TITLE,
        document_kind="Forms for a family",
        not_allowed=FAMILY_FORMS_NOT_ALLOWED,
        label="Preparing the forms…",
        about=("child", child_id),
        glyphs_name="formsGlyphsDialog",
        on_shown=on_shown,
    )


def print_batch_forms(
    parent: QWidget,
    session: Session,
    child_ids: Sequence[int],
    *,
    kinds: Sequence[ConsentKind],
    privacy_notice: bool,
    on_shown: Callable[[PdfPreviewDialog], None] | None = None,
    on_done: Callable[[], None] | None = None,
) -> None:
    """One PDF with the forms for many children (a set per carer with parental responsibility),
    audit-logged once per child whose forms are in it."""
    ids = list(child_ids)
    # Filled in by the build: a child with no carer recorded gets no forms, so no audit entry.
    printed: list[Subject] = []

    def build(progress: operations.Progress) -> Built:
        from app.reports.forms import build_forms

        families = session.forms.families(ids)
        if not families:
            raise ValidationError(
                "children",
                "None of these children has a parent or carer recorded, so there is nobody to "
                "address the forms to.",
            )
        progress(0.1)  # reading the families is the first tenth of the work
        for family in families:
            if ("child", family.child_id) not in printed:
                printed.append(("child", family.child_id))
        return build_forms(
            families,
            branding=session.forms.branding(),
            kinds=list(kinds),
            privacy=session.forms.privacy_facts() if privacy_notice else None,
            demo=_demo(session),
            progress=lambda done: progress(0.1 + 0.9 * done),
        )

    show_document(
        parent,
        session,
        build,
        kind=DocumentKind.FAMILY_FORMS,
        title=BATCH_FORMS_TITLE,
        document_kind="Forms for families",
        not_allowed=FAMILY_FORMS_NOT_ALLOWED,
        label="Preparing the forms…",
        batch=printed,
        glyphs_name="formsGlyphsDialog",
        on_shown=on_shown,
        on_done=on_done,
    )


def print_blank_forms(
    parent: QWidget,
    session: Session,
    on_shown: Callable[[PdfPreviewDialog], None] | None = None,
) -> None:
    """Every form in use, with nothing filled in, and the privacy notice: for families who have
    not been added yet. About nobody, so audit-logged as a document."""

    def build(_progress: operations.Progress) -> Built:
        from app.reports.forms import build_forms

        return build_forms(
            [],
            branding=session.forms.branding(),
            kinds=session.forms.kinds(),
            privacy=session.forms.privacy_facts(),
            blank=True,
            demo=_demo(session),
        )

    show_document(
        parent,
        session,
        build,
        kind=DocumentKind.BLANK_FORMS,
        title=BLANK_FORMS_TITLE,
        document_kind="Blank forms",
        not_allowed=FORMS_NOT_ALLOWED,
        label="Preparing the forms…",
        glyphs_name="formsGlyphsDialog",
        on_shown=on_shown,
    )


def print_privacy_notice(
    parent: QWidget,
    session: Session,
    on_shown: Callable[[PdfPreviewDialog], None] | None = None,
) -> None:
    """The privacy notice on its own (for the notice board, or a parent who asks)."""

    def build(_progress: operations.Progress) -> Built:
        from app.reports.forms import build_privacy_notice

        return build_privacy_notice(
            branding=session.forms.branding(), privacy=session.forms.privacy_facts(), demo=_demo(session)
        )

    show_document(
        parent,
        session,
        build,
        kind=DocumentKind.PRIVACY_NOTICE,
        title=PRIVACY_NOTICE_TITLE,
        document_kind="Privacy notice",
        not_allowed=FORMS_NOT_ALLOWED,
        label="Preparing the privacy notice…",
        glyphs_name="formsGlyphsDialog",
        on_shown=on_shown,
    )


def show_signed_form(
    parent: QWidget,
    session: Session,
    form_id: int,
    *,
    child_id: int,
    on_shown: Callable[[PdfPreviewDialog], None] | None = None,
) -> None:
    """A signed form scanned back in, shown as it was scanned (an image on an A4 page). The core
    logs the opening; printing or saving it again is logged against ``child_id``, the child
    whose record it was opened from."""

    def build(_progress: operations.Progress) -> Built:
        from app.reports.scan import scan_as_pdf

        form = session.consents.open_form(form_id)
        if form.child_id != child_id:  # the audit entry for a print must name the right child
            raise NotFound("That signed form belongs to another child's record. Open it from there.")
        return Document(scan_as_pdf(form))

    show_document(
        parent,
        session,
        build,
        kind=DocumentKind.SIGNED_FORM,
        title=SIGNED_FORM_TITLE,
        document_kind="Signed form",
        not_allowed=SIGNED_FORM_NOT_ALLOWED,
        label="Opening the signed form…",
        about=("child", child_id),
        on_shown=on_shown,
    )


def open_batch_forms(parent: QWidget, session: Session) -> BatchFormsDialog:
    """The dialog for printing forms for many children at once (see ``ui.form_batch``)."""
    from ui.form_batch import open_batch_forms as open_dialog

    return open_dialog(parent, session)
