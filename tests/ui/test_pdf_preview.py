"""The print preview: showing in-memory PDF bytes, printing, saving with a warning, forgetting.

Printing goes to a QPrinter in PDF output mode in ``tmp_path`` (never a real printer), and the
message boxes and file dialog are monkeypatched. The printed file is read back with poppler's
pdfinfo: skipped without poppler-utils unless ``SHAREWISE_REQUIRE_INTEGRATION=1``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from reportlab.pdfgen import canvas

from app.reports.recovery_sheet import build_recovery_sheet
from app.settings import ProviderProfile
from app.vault.recovery_key import RecoveryKey
from ui import pdf_preview
from ui.pdf_preview import PdfPreviewDialog

KEY = RecoveryKey(bytes.fromhex("00112233445566778899aabbccddeeff01234567"))
TITLE = "Recovery Sheet"


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        reason = f"{tool} (poppler-utils) is not installed"
        if os.environ.get("SHAREWISE_REQUIRE_INTEGRATION") == "1":
            pytest.fail(f"SHAREWISE_REQUIRE_INTEGRATION=1 but {reason}.", pytrace=False)
        pytest.skip(reason)
    return path


def pages_of(path: Path) -> int:
    out = subprocess.run([poppler("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    (line,) = [line for line in out.splitlines() if line.startswith("Pages:")]
    return int(line.split(":")[1])


@pytest.fixture(scope="module")
def sheet() -> bytes:
    provider = ProviderProfile(name="Łucja's Little Acorns — Дмитрий Pre-school", ofsted_urn="EY123456")
    return build_recovery_sheet(provider, KEY, datetime(2026, 11, 21))


@pytest.fixture(scope="module")
def three_pages() -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for number in (1, 2, 3):
        pdf.drawString(72, 720, f"Page {number}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


class Calls:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


class Boxes:
    """Stands in for QMessageBox.warning / critical: records what was said, gives ``answer``."""

    def __init__(self, answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Save) -> None:
        self.answer = answer
        self.warnings: list[str] = []
        self.errors: list[str] = []

    def warning(self, _parent: Any, title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        self.warnings.append(f"{title}\n{text}")
        return self.answer

    def critical(self, _parent: Any, title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        self.errors.append(f"{title}\n{text}")
        return QMessageBox.StandardButton.Ok


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    fake = Boxes()
    monkeypatch.setattr(QMessageBox, "warning", fake.warning)
    monkeypatch.setattr(QMessageBox, "critical", fake.critical)
    return fake


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path | str) -> list[str]:
    """Make the save dialog answer ``path``; returns the suggested paths it was offered."""
    offered: list[str] = []

    def fake(_parent: Any, _caption: str, suggested: str, _filter: str, *_args: Any) -> tuple[str, str]:
        offered.append(suggested)
        return str(path), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    return offered


def make(
    qtbot: QtBot, pdf: bytes, *, on_printed: Calls | None = None, on_saved: Calls | None = None
) -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(
        pdf, title=TITLE, document_kind="Recovery Sheet", on_printed=on_printed, on_saved=on_saved
    )
    qtbot.addWidget(dialog)
    return dialog


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def button(dialog: PdfPreviewDialog, name: str) -> QPushButton:
    found = dialog.findChild(QPushButton, name)
    assert isinstance(found, QPushButton)
    return found


# --- showing ---------------------------------------------------------------------------------


def test_shows_the_recovery_sheet_from_memory(qtbot: QtBot, sheet: bytes) -> None:
    dialog = make(qtbot, sheet)
    assert dialog.windowTitle() == TITLE
    assert dialog.document.status() == QPdfDocument.Status.Ready
    assert dialog.document.pageCount() == 1
    assert dialog.page_count == 1
    view = dialog.findChild(QPdfView, "pdfView")
    assert view is dialog.view
    assert view.document() is dialog.document
    assert view.pageMode() == QPdfView.PageMode.MultiPage
    assert view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert view.accessibleName()
    for name, text in (("printButton", "Print…"), ("saveButton", "Save as PDF…"), ("closeButton", "Close")):
        found = button(dialog, name)
        assert found.text() == text
        assert found.accessibleName()
        assert found.isEnabled()
    assert isinstance(dialog.findChild(QShortcut, "printShortcut"), QShortcut)


def test_counts_every_page(qtbot: QtBot, three_pages: bytes) -> None:
    assert make(qtbot, three_pages).document.pageCount() == 3


def test_bytes_that_are_not_a_pdf_show_a_sentence_and_nothing_to_print(qtbot: QtBot) -> None:
    dialog = make(qtbot, b"not a pdf at all")
    assert dialog.page_count == 0
    assert not button(dialog, "printButton").isEnabled()
    assert not button(dialog, "saveButton").isEnabled()
    label = dialog.findChild(QLabel, "errorLabel")
    assert isinstance(label, QLabel)
    assert not label.isHidden()
    assert label.text() == pdf_preview.NOTHING_TO_SHOW


def test_close_button_closes_and_forgets(qtbot: QtBot, sheet: bytes) -> None:
    dialog = make(qtbot, sheet)
    dialog.show()
    qtbot.mouseClick(button(dialog, "closeButton"), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.document.pageCount() == 0


# --- printing --------------------------------------------------------------------------------


def test_print_to_a_pdf_printer_prints_every_page(qtbot: QtBot, three_pages: bytes, tmp_path: Path) -> None:
    printed = Calls()
    dialog = make(qtbot, three_pages, on_printed=printed)
    out = tmp_path / "printed.pdf"
    dialog.print_to(pdf_printer(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert pages_of(out) == 3
    assert out.stat().st_size > 10_000  # page images, not blank pages
    assert printed.count == 1


def test_print_to_prints_the_recovery_sheet(qtbot: QtBot, sheet: bytes, tmp_path: Path) -> None:
    printed = Calls()
    dialog = make(qtbot, sheet, on_printed=printed)
    out = tmp_path / "printed.pdf"
    dialog.print_to(pdf_printer(out))
    assert pages_of(out) == 1
    assert out.stat().st_size > 20_000
    assert printed.count == 1


def test_print_to_honours_the_page_range(qtbot: QtBot, three_pages: bytes, tmp_path: Path) -> None:
    dialog = make(qtbot, three_pages)
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    dialog.print_to(printer)
    assert pages_of(out) == 2


def test_a_printer_that_cannot_start_says_so_and_is_not_logged(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, boxes: Boxes
) -> None:
    printed = Calls()
    dialog = make(qtbot, sheet, on_printed=printed)
    dialog.print_to(pdf_printer(tmp_path / "no such folder" / "printed.pdf"))
    assert printed.count == 0
    assert boxes.errors == [f"Could not print\n{pdf_preview.PRINT_FAILED}"]


def test_print_button_prints_after_the_print_dialog_is_accepted(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "printed.pdf"
    offered: list[QPrintDialog] = []

    def accept(self: QPrintDialog) -> int:
        offered.append(self)
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    monkeypatch.setattr(PdfPreviewDialog, "_make_printer", lambda self: pdf_printer(out))
    printed = Calls()
    dialog = make(qtbot, sheet, on_printed=printed)
    qtbot.mouseClick(button(dialog, "printButton"), Qt.MouseButton.LeftButton)
    assert printed.count == 1
    assert pages_of(out) == 1
    (print_dialog,) = offered
    assert not print_dialog.testOption(QPrintDialog.PrintDialogOption.PrintToFile)


def test_ctrl_p_opens_the_print_dialog_and_cancelling_prints_nothing(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "printed.pdf"
    opened: list[QPrintDialog] = []

    def cancel(self: QPrintDialog) -> int:
        opened.append(self)
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(QPrintDialog, "exec", cancel)
    monkeypatch.setattr(PdfPreviewDialog, "_make_printer", lambda self: pdf_printer(out))
    printed = Calls()
    dialog = make(qtbot, sheet, on_printed=printed)
    shortcut = dialog.findChild(QShortcut, "printShortcut")
    assert isinstance(shortcut, QShortcut)
    assert shortcut.key() == QKeySequence(QKeySequence.StandardKey.Print)
    assert shortcut.key().toString() == "Ctrl+P"
    shortcut.activated.emit()
    assert len(opened) == 1
    assert printed.count == 0
    assert not out.exists()


# --- saving ----------------------------------------------------------------------------------


def test_save_after_the_warning_writes_the_same_bytes(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "copy.pdf"
    offered = choose_file(monkeypatch, target)
    saved = Calls()
    dialog = make(qtbot, sheet, on_saved=saved)
    qtbot.mouseClick(button(dialog, "saveButton"), Qt.MouseButton.LeftButton)
    assert target.read_bytes() == sheet
    assert saved.count == 1
    (warning,) = boxes.warnings
    assert "NOT encrypted" in warning
    assert "anyone who can open the folder" in warning
    assert boxes.errors == []
    assert offered[0].endswith("Sharewise Recovery Sheet.pdf")
    assert [p.name for p in tmp_path.iterdir()] == ["copy.pdf"]  # no temporary file left


def test_save_overwrites_an_earlier_copy(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "copy.pdf"
    target.write_bytes(b"old")
    choose_file(monkeypatch, target)
    assert make(qtbot, sheet).save_as_pdf() is True
    assert target.read_bytes() == sheet


def test_a_name_without_an_extension_gets_pdf(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_file(monkeypatch, tmp_path / "sheet")
    assert make(qtbot, sheet).save_as_pdf() is True
    assert (tmp_path / "sheet.pdf").read_bytes() == sheet


def test_declining_the_warning_saves_nothing(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    boxes.answer = QMessageBox.StandardButton.Cancel
    offered = choose_file(monkeypatch, tmp_path / "copy.pdf")
    saved = Calls()
    dialog = make(qtbot, sheet, on_saved=saved)
    assert dialog.save_as_pdf() is False
    assert len(boxes.warnings) == 1
    assert offered == []  # the file dialog never opened
    assert list(tmp_path.iterdir()) == []
    assert saved.count == 0


def test_cancelling_the_file_dialog_saves_nothing(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_file(monkeypatch, "")
    saved = Calls()
    assert make(qtbot, sheet, on_saved=saved).save_as_pdf() is False
    assert saved.count == 0
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_place_shows_a_sentence_and_is_not_logged(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_file(monkeypatch, tmp_path / "gone" / "copy.pdf")
    saved = Calls()
    dialog = make(qtbot, sheet, on_saved=saved)
    assert dialog.save_as_pdf() is False
    assert saved.count == 0
    (error,) = boxes.errors
    assert error.startswith("Could not save\nSharewise could not save the PDF there")
    assert "Traceback" not in error and "gone" not in error and str(tmp_path) not in error


def test_saving_over_a_folder_shows_a_sentence(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "taken.pdf").mkdir()
    choose_file(monkeypatch, tmp_path / "taken.pdf")
    saved = Calls()
    assert make(qtbot, sheet, on_saved=saved).save_as_pdf() is False
    assert saved.count == 0
    (error,) = boxes.errors
    assert "Sharewise could not save the PDF" in error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.pdf"]


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (28, "the disk is full"),  # ENOSPC
        (13, "cannot be written to"),  # EACCES
        (2, "not available"),  # ENOENT
        (5, "not available"),  # EIO
        (9999, "error 9999"),
    ],
)
def test_save_error_sentences(number: int, words: str) -> None:
    sentence = pdf_preview.save_error_sentence(OSError(number, "x"))
    assert sentence.startswith("Sharewise could not save the PDF")
    assert words in sentence


# --- forgetting ------------------------------------------------------------------------------


def test_forget_closes_the_document_and_disables_print_and_save(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed, saved = Calls(), Calls()
    dialog = make(qtbot, sheet, on_printed=printed, on_saved=saved)
    dialog.forget()
    assert dialog.document.pageCount() == 0
    assert dialog.document.status() == QPdfDocument.Status.Null
    assert not button(dialog, "printButton").isEnabled()
    assert not button(dialog, "saveButton").isEnabled()
    out = tmp_path / "printed.pdf"
    dialog.print_to(pdf_printer(out))
    choose_file(monkeypatch, tmp_path / "copy.pdf")
    assert dialog.save_as_pdf() is False
    assert list(tmp_path.iterdir()) == []
    assert (printed.count, saved.count) == (0, 0)
    assert boxes.warnings == []
    dialog.forget()  # twice is harmless


def test_locking_while_the_file_dialog_is_open_saves_nothing(
    qtbot: QtBot, sheet: bytes, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = Calls()
    dialog = make(qtbot, sheet, on_saved=saved)

    def lock_meanwhile(*_args: Any) -> tuple[str, str]:
        dialog.forget()
        return str(tmp_path / "copy.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lock_meanwhile)
    assert dialog.save_as_pdf() is False
    assert saved.count == 0
    assert list(tmp_path.iterdir()) == []


def test_forget_while_the_view_is_drawing_the_page(qtbot: QtBot, sheet: bytes) -> None:
    dialog = make(qtbot, sheet)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(50)
    dialog.forget()
    qtbot.wait(50)
    assert dialog.view.document() is None
    dialog.close()
    assert dialog.document.pageCount() == 0
