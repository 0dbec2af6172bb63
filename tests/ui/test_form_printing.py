"""Printing forms for families from the window: one family, a batch, blank forms, the privacy
notice and a signed form scanned back in. Each is built off the UI thread, previewed, and every
print and save is audit-logged. Printing goes to a QPrinter in PDF mode in ``tmp_path`` and the
save dialogs are monkeypatched. Fictional people only.

Printing paints each page as a picture (see ``ui.pdf_preview``), so the printed file has no text
to read back: the words are checked in the preview's own document and in a saved copy, and the
printed file by its page count.
"""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QFileDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from reportlab.pdfgen import canvas

from app.audit import AuditAction, AuditFilter
from app.children import CarerDetails, ChildDetails
from app.consents import ConsentDetails, ConsentHow, ConsentStatus, KindCode
from app.documents import DocumentKind
from app.errors import PermissionDenied
from app.policy.permissions import Role
from app.session import Session
from tests.conftest import VaultUnderTest
from tests.ui.conftest import find, top_level, wait_idle
from ui import form_batch, printing
from ui.child_forms import to_qdate
from ui.form_batch import BatchFormsDialog
from ui.pdf_preview import PdfPreviewDialog

KW_USERNAME = "lan"
KW_PASSWORD = "silver pebble orchard"
CHILD = "Siobhán Nguyễn"
MOTHER = "Łucja Nowak"
FATHER = "Дмитрий Иванов"


@dataclass(frozen=True)
class Family:
    child: int
    mother: int
    father: int
    key_worker: int  # of other children, not of this one


def add_child(
    made: VaultUnderTest,
    legal_name: str,
    *,
    room: str = "Oak",
    start: date = date(2026, 9, 14),
    key_worker: int | None = None,
) -> int:
    details = ChildDetails(
        legal_name=legal_name,
        date_of_birth=date(2023, 2, 3),
        start_date=start,
        room=room,
        key_worker_id=key_worker,
    )
    return int(made.session.children.add(details).id)


def add_carer(made: VaultUnderTest, child: int, name: str, relationship: str, *, pr: bool = True) -> int:
    record = made.session.children.add_carer(
        child,
        CarerDetails(name, relationship, parental_responsibility=pr, lives_with=True, phone="07700 900123"),
    )
    return int(next(c.id for c in record.carers if c.full_name == name))


@pytest.fixture
def family(made_vault: VaultUnderTest) -> Family:
    """A child (no key worker) with two parents who both have parental responsibility."""
    kw = made_vault.add_person(KW_USERNAME, "Nguyễn Thị Lan", {Role.KEY_WORKER}, KW_PASSWORD)
    child = add_child(made_vault, CHILD)
    return Family(
        child,
        add_carer(made_vault, child, MOTHER, "Mother"),
        add_carer(made_vault, child, FATHER, "Father"),
        kw,
    )


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def preview_of(qtbot: QtBot, start: Any) -> PdfPreviewDialog:
    """Run ``start(on_shown)`` and return the preview it opened."""
    shown: list[PdfPreviewDialog] = []
    start(shown.append)
    wait_idle(qtbot)
    assert top_level("errorDialog") is None
    assert len(shown) == 1
    dialog = shown[0]
    assert dialog.objectName() == "pdfPreviewDialog"
    assert dialog.isVisible()
    return dialog


def forms_preview(
    qtbot: QtBot, parent: QWidget, session: Session, child: int, **options: Any
) -> PdfPreviewDialog:
    return preview_of(
        qtbot, lambda shown: printing.print_family_forms(parent, session, child, on_shown=shown, **options)
    )


def text_of(dialog: PdfPreviewDialog) -> str:
    return "\n".join(dialog.document.getAllText(page).text() for page in range(dialog.page_count))


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def poppler(tool: str, path: Path) -> str:
    return subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pages_of(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    (line,) = [line for line in out.splitlines() if line.startswith("Pages:")]
    return int(line.split(":")[1])


def logged(made: VaultUnderTest, action: AuditAction) -> list[Any]:
    return made.session.audit.entries(where=AuditFilter(action=action.value))


def answer_warning(monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton) -> list[str]:
    said: list[str] = []

    def warning(_parent: Any, title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        said.append(f"{title}\n{text}")
        return answer

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return said


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    asked: list[str] = []

    def fake(_parent: Any, caption: str, *_args: Any) -> tuple[str, str]:
        asked.append(caption)
        return str(path), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    return asked


# --- one family ----------------------------------------------------------------------------------


def test_a_set_of_forms_for_each_parent_and_a_print_is_audited_against_the_child(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, family: Family, tmp_path: Path
) -> None:
    s = made_vault.session
    mother_only = forms_preview(qtbot, parent, s, family.child, carer_id=family.mother)
    father_only = forms_preview(qtbot, parent, s, family.child, carer_id=family.father)
    one_set = mother_only.page_count
    assert one_set >= 2  # a declaration and at least one consent form, and the notice
    assert father_only.page_count == one_set
    assert MOTHER in text_of(mother_only) and FATHER in text_of(father_only)
    mother_only.close()
    father_only.close()

    dialog = forms_preview(qtbot, parent, s, family.child)
    assert dialog.page_count == 2 * one_set  # both parents have parental responsibility
    assert dialog.windowTitle() == printing.FAMILY_FORMS_TITLE
    for part in ("Siobhán", "Nguyễn", "Łucja", "Дмитрий"):  # no name in the title bar or taskbar
        assert part not in dialog.windowTitle()
    words = text_of(dialog)
    assert "Siobhán" in words and MOTHER in words and FATHER in words
    assert logged(made_vault, AuditAction.DOCUMENT_PRINTED) == []

    target = tmp_path / "printed.pdf"
    dialog.print_to(pdf_printer(target))

    assert target.read_bytes().startswith(b"%PDF")
    assert pages_of(target) == dialog.page_count
    (entry,) = logged(made_vault, AuditAction.DOCUMENT_PRINTED)
    assert (entry.subject_type, entry.subject_id) == ("child", str(family.child))
    assert entry.detail == {"kind": DocumentKind.FAMILY_FORMS.value, "pages": dialog.page_count}
    assert logged(made_vault, AuditAction.DOCUMENT_SAVED) == []


def test_only_the_forms_asked_for_are_printed(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, family: Family
) -> None:
    s = made_vault.session
    everything = forms_preview(qtbot, parent, s, family.child, carer_id=family.mother)
    (declaration,) = [k for k in s.forms.kinds() if k.code is KindCode.REGISTRATION]
    fewer = forms_preview(
        qtbot, parent, s, family.child, carer_id=family.mother, kinds=[declaration], privacy_notice=False
    )
    assert 1 <= fewer.page_count < everything.page_count
    assert declaration.name in text_of(fewer)


def test_saving_warns_first_and_cancelling_writes_nothing(
    qtbot: QtBot,
    parent: QWidget,
    made_vault: VaultUnderTest,
    family: Family,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = made_vault.session
    dialog = forms_preview(qtbot, parent, s, family.child)
    target = tmp_path / "forms.pdf"
    warned = answer_warning(monkeypatch, QMessageBox.StandardButton.Cancel)
    asked = choose_file(monkeypatch, target)

    assert dialog.save_as_pdf() is False

    (warning,) = warned
    assert "not encrypted" in warning.lower()
    assert asked == []  # the file dialog never opened
    assert not target.exists()
    assert logged(made_vault, AuditAction.DOCUMENT_SAVED) == []

    warned = answer_warning(monkeypatch, QMessageBox.StandardButton.Save)
    assert dialog.save_as_pdf() is True

    assert len(warned) == 1
    assert len(asked) == 1
    saved = poppler("pdftotext", target)
    assert "Siobhán" in saved and MOTHER in saved and FATHER in saved
    (entry,) = logged(made_vault, AuditAction.DOCUMENT_SAVED)
    assert (entry.subject_type, entry.subject_id) == ("child", str(family.child))
    assert entry.detail == {"kind": DocumentKind.FAMILY_FORMS.value, "pages": dialog.page_count}
    assert logged(made_vault, AuditAction.DOCUMENT_PRINTED) == []


def test_a_key_worker_is_refused_for_another_childs_forms(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, family: Family
) -> None:
    made_vault.session.close()
    session = made_vault.vault.sign_in(KW_USERNAME, KW_PASSWORD)
    with pytest.raises(PermissionDenied) as refused:
        session.forms.families([family.child])
    shown: list[PdfPreviewDialog] = []
    printing.print_family_forms(parent, session, family.child, on_shown=shown.append)
    wait_idle(qtbot)
    assert shown == []
    assert top_level("pdfPreviewDialog") is None
    error = top_level("errorDialog")
    assert isinstance(error, QMessageBox)
    assert error.text() == refused.value.sentence
    error.close()
    session.close()
    made_vault.sign_in()
    assert logged(made_vault, AuditAction.DOCUMENT_PRINTED) == []


def test_a_key_worker_prints_the_forms_of_their_own_key_child(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, family: Family
) -> None:
    own = add_child(made_vault, "Αλέξανδρος Παπαδόπουλος", key_worker=family.key_worker)
    add_carer(made_vault, own, "Ελένη Παπαδοπούλου", "Mother")
    made_vault.session.close()
    session = made_vault.vault.sign_in(KW_USERNAME, KW_PASSWORD)
    dialog = forms_preview(qtbot, parent, session, own)
    assert "Ελένη Παπαδοπούλου" in text_of(dialog)
    dialog.close()
    session.close()
    made_vault.sign_in()


def test_a_child_with_no_carer_says_who_to_add(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest
) -> None:
    alone = add_child(made_vault, "Zoë Ålund")
    shown: list[PdfPreviewDialog] = []
    printing.print_family_forms(parent, made_vault.session, alone, on_shown=shown.append)
    wait_idle(qtbot)
    assert shown == []
    error = top_level("errorDialog")
    assert isinstance(error, QMessageBox)
    assert error.text() == printing.NO_CARERS
    error.close()


def test_characters_the_font_lacks_are_pointed_out(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest
) -> None:
    child = add_child(made_vault, "王秀英")
    add_carer(made_vault, child, "Łucja Wang", "Mother")
    forms_preview(qtbot, parent, made_vault.session, child)
    box = top_level("formsGlyphsDialog")
    assert isinstance(box, QMessageBox)
    assert box.windowTitle() == printing.GLYPHS_TITLE
    assert printing.GLYPHS_ADVICE in box.text()
    box.close()


# --- documents about nobody in particular ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "kind"),
    [
        (printing.print_blank_forms, DocumentKind.BLANK_FORMS),
        (printing.print_privacy_notice, DocumentKind.PRIVACY_NOTICE),
    ],
)
def test_blank_forms_and_the_privacy_notice_are_audited_as_documents(
    qtbot: QtBot,
    parent: QWidget,
    made_vault: VaultUnderTest,
    family: Family,
    tmp_path: Path,
    start: Any,
    kind: DocumentKind,
) -> None:
    dialog = preview_of(qtbot, lambda shown: start(parent, made_vault.session, on_shown=shown))
    assert dialog.page_count >= 1
    words = text_of(dialog)
    for name in ("Siobhán", MOTHER, FATHER):  # nobody's details on a document for anyone
        assert name not in words
    dialog.print_to(pdf_printer(tmp_path / "printed.pdf"))
    (entry,) = logged(made_vault, AuditAction.DOCUMENT_PRINTED)
    assert (entry.subject_type, entry.subject_id) == ("document", kind.value)
    assert entry.detail == {"kind": kind.value, "pages": dialog.page_count}


def test_blank_forms_hold_every_form_and_the_notice(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest
) -> None:
    s = made_vault.session
    notice = preview_of(qtbot, lambda shown: printing.print_privacy_notice(parent, s, on_shown=shown))
    blank = preview_of(qtbot, lambda shown: printing.print_blank_forms(parent, s, on_shown=shown))
    assert blank.page_count >= len(s.forms.kinds()) + notice.page_count - 1
    words = text_of(blank)
    for kind in s.forms.kinds():
        assert kind.name.split()[0] in words


# --- a signed form ------------------------------------------------------------------------------------


def small_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Signed consent form, returned by post")
    page.showPage()
    page.save()
    return out.getvalue()


def small_png() -> bytes:
    image = Image.new("RGB", (240, 340), "white")
    ImageDraw.Draw(image).rectangle((20, 280, 220, 300), outline="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signed(made: VaultUnderTest, family: Family, carer: int, scan: bytes) -> int:
    """Record a given consent with its signed form; returns the form's id."""
    s = made.session
    kind = next(k for k in s.consents.kinds() if not k.names_agencies)
    consent = s.consents.record(
        family.child,
        carer,
        kind.id,
        ConsentDetails(ConsentStatus.GIVEN, on=date(2026, 8, 28), how=ConsentHow.SIGNED_FORM, form=scan),
    )
    (form,) = [f for event in s.consents.history(consent.id) for f in event.forms]
    return int(form.id)


@pytest.mark.parametrize("scan", [small_pdf(), small_png()], ids=["pdf", "png"])
def test_a_signed_form_opens_on_one_page_and_its_print_is_audited(
    qtbot: QtBot,
    parent: QWidget,
    made_vault: VaultUnderTest,
    family: Family,
    tmp_path: Path,
    scan: bytes,
) -> None:
    form_id = signed(made_vault, family, family.mother, scan)
    s = made_vault.session
    dialog = preview_of(
        qtbot,
        lambda shown: printing.show_signed_form(parent, s, form_id, child_id=family.child, on_shown=shown),
    )
    assert dialog.page_count == 1
    assert dialog.windowTitle() == printing.SIGNED_FORM_TITLE
    (opened,) = logged(made_vault, AuditAction.CONSENT_FORM_OPENED)
    assert (opened.subject_type, opened.subject_id) == ("child", str(family.child))
    assert opened.detail["form"] == form_id

    dialog.print_to(pdf_printer(tmp_path / "printed.pdf"))

    (entry,) = logged(made_vault, AuditAction.DOCUMENT_PRINTED)
    assert (entry.subject_type, entry.subject_id) == ("child", str(family.child))
    assert entry.detail == {"kind": DocumentKind.SIGNED_FORM.value, "pages": 1}


def test_a_removed_signed_form_says_so_and_shows_nothing(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, family: Family
) -> None:
    form_id = signed(made_vault, family, family.father, small_png())
    s = made_vault.session
    s.consents.remove_form(form_id, "Another family's form, attached by mistake")
    shown: list[PdfPreviewDialog] = []
    printing.show_signed_form(parent, s, form_id, child_id=family.child, on_shown=shown.append)
    wait_idle(qtbot)
    assert shown == []
    error = top_level("errorDialog")
    assert isinstance(error, QMessageBox)
    assert "not there any more" in error.text()
    error.close()


# --- a batch --------------------------------------------------------------------------------------------


@pytest.fixture
def starters(made_vault: VaultUnderTest, family: Family) -> list[int]:
    """Three children starting in Oak this month (the family's child among them), one starting in
    Ash this month, one in Oak who started last year."""
    second = add_child(made_vault, "Αλέξανδρος Παπαδόπουλος", start=date(2026, 9, 7))
    add_carer(made_vault, second, "Ελένη Παπαδοπούλου", "Mother")
    third = add_child(made_vault, "Zoë Ålund", start=date(2026, 9, 28))
    add_carer(made_vault, third, "Nguyễn Văn Minh", "Father")
    add_carer(made_vault, third, "Mary Ålund", "Grandmother", pr=False)
    ash = add_child(made_vault, "Дмитрий Петров", room="Ash", start=date(2026, 9, 21))
    add_carer(made_vault, ash, "Анна Петрова", "Mother")
    old = add_child(made_vault, "Siobhán Kelly", start=date(2025, 9, 1))
    add_carer(made_vault, old, "Aoife Kelly", "Mother")
    return [second, family.child, third]


def open_batch(qtbot: QtBot, parent: QWidget, made: VaultUnderTest) -> BatchFormsDialog:
    dialog = printing.open_batch_forms(parent, made.session)
    assert isinstance(dialog, BatchFormsDialog)
    assert dialog.objectName() == "batchFormsDialog"
    wait_idle(qtbot)
    return dialog


def choose_room(qtbot: QtBot, dialog: BatchFormsDialog, room: str) -> None:
    combo = find(dialog, QComboBox, "roomCombo")
    index = combo.findText(room)
    assert index >= 0
    combo.setCurrentIndex(index)
    wait_idle(qtbot)


def test_the_batch_dialog_counts_the_children_for_a_room_and_dates(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, starters: list[int]
) -> None:
    dialog = open_batch(qtbot, parent, made_vault)
    prepare = find(dialog, QPushButton, "prepareButton")
    count = dialog.count
    # Starting in the coming month, any room: the three in Oak and the one in Ash.
    assert find(dialog, QCheckBox, "startingCheck").isChecked()
    assert count.text() == "Forms for 4 children."
    assert prepare.isEnabled()
    assert dialog.windowTitle() == form_batch.TITLE

    choose_room(qtbot, dialog, "Oak")
    assert count.text() == "Forms for 3 children."
    assert sorted(dialog.child_ids()) == sorted(starters)
    assert prepare.isEnabled()

    find(dialog, QDateEdit, "startingFromEdit").setDate(to_qdate(date(2026, 9, 10)))
    wait_idle(qtbot)
    assert count.text() == "Forms for 2 children."

    find(dialog, QDateEdit, "startingToEdit").setDate(to_qdate(date(2026, 9, 12)))
    wait_idle(qtbot)
    assert dialog.message.text() == form_batch.NOBODY_MATCHES
    assert not prepare.isEnabled()

    find(dialog, QDateEdit, "startingToEdit").setDate(to_qdate(date(2026, 9, 1)))
    wait_idle(qtbot)
    assert "before" in dialog.message.text()  # the core's sentence: the dates are the wrong way round
    assert not prepare.isEnabled()

    find(dialog, QCheckBox, "startingCheck").setChecked(False)
    wait_idle(qtbot)
    assert count.text() == "Forms for 4 children."  # everyone in Oak on roll
    assert prepare.isEnabled()

    choose_room(qtbot, dialog, form_batch.ANY_ROOM)
    assert dialog.message.text() == form_batch.NO_CHILDREN_CHOSEN
    assert not prepare.isEnabled()


def test_the_batch_dialog_needs_at_least_one_form(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, starters: list[int]
) -> None:
    dialog = open_batch(qtbot, parent, made_vault)
    prepare = find(dialog, QPushButton, "prepareButton")
    boxes = [*dialog.kind_checks(), find(dialog, QCheckBox, "privacyCheck")]
    assert len(boxes) == len(made_vault.session.forms.kinds()) + 1
    assert prepare.isEnabled()
    for box in boxes:
        box.setChecked(False)
    assert dialog.message.text() == form_batch.NO_FORMS_CHOSEN
    assert not prepare.isEnabled()
    boxes[0].setChecked(True)
    assert dialog.message.text() == ""
    assert prepare.isEnabled()


def test_a_batch_is_one_document_audited_once_for_each_child(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, starters: list[int], tmp_path: Path
) -> None:
    s = made_vault.session
    single = forms_preview(qtbot, parent, s, starters[0])
    one_set = single.page_count
    single.close()
    dialog = open_batch(qtbot, parent, made_vault)
    choose_room(qtbot, dialog, "Oak")
    qtbot.mouseClick(find(dialog, QPushButton, "prepareButton"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    preview = dialog.preview
    assert isinstance(preview, PdfPreviewDialog)
    assert preview.isVisible()
    # Four sets: both parents of the family's child, one each for the other two (the
    # grandmother has no parental responsibility).
    assert preview.page_count == 4 * one_set
    assert preview.windowTitle() == printing.BATCH_FORMS_TITLE
    words = text_of(preview)
    for name in ("Ελένη Παπαδοπούλου", MOTHER, FATHER, "Nguyễn Văn Minh"):
        assert name in words
    for name in ("Анна Петрова", "Aoife Kelly"):  # not in this batch
        assert name not in words

    preview.print_to(pdf_printer(tmp_path / "printed.pdf"))

    entries = logged(made_vault, AuditAction.DOCUMENT_PRINTED)
    assert sorted(int(e.subject_id) for e in entries) == sorted(starters)
    for entry in entries:
        assert entry.subject_type == "child"
        assert entry.detail == {
            "kind": DocumentKind.FAMILY_FORMS.value,
            "pages": preview.page_count,
            "batch": 3,
        }


def test_a_key_worker_batch_holds_their_own_key_children_only(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, family: Family, starters: list[int]
) -> None:
    own = add_child(made_vault, "Łucja Kowalska", start=date(2026, 9, 15), key_worker=family.key_worker)
    add_carer(made_vault, own, "Agnieszka Kowalska", "Mother")
    made_vault.session.close()
    session = made_vault.vault.sign_in(KW_USERNAME, KW_PASSWORD)
    dialog = printing.open_batch_forms(parent, session)
    wait_idle(qtbot)
    assert dialog.count.text() == "Forms for 1 child."
    assert dialog.child_ids() == [own]
    assert dialog.own_only.isVisibleTo(dialog)
    dialog.close()
    session.close()
    made_vault.sign_in()


def test_forgetting_the_batch_dialog_drops_the_children(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, starters: list[int]
) -> None:
    dialog = open_batch(qtbot, parent, made_vault)
    assert dialog.child_ids()
    dialog.forget()
    assert dialog.child_ids() == []
    assert dialog.count.text() == ""
    assert not find(dialog, QPushButton, "prepareButton").isEnabled()


# --- loading ---------------------------------------------------------------------------------------------


def test_importing_the_printing_modules_loads_neither_reportlab_nor_qtpdf() -> None:
    code = (
        "import sys, ui.printing, ui.form_batch, ui.chronology_print, ui.decision_print; "
        "print(sorted(m for m in sys.modules if m.startswith(('reportlab', 'PySide6.QtPdf'))))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
