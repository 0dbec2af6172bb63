"""Previewing, printing, viewing a scanned form and saving as PDF leave nothing in the temporary
folder: no PDF, no picture, no name. The temporary folder is pointed at an empty folder for each
test (Python's ``tempfile`` and Qt both, which reads TMPDIR), then searched file by file.

The only files the test may find anywhere in ``tmp_path`` afterwards are the ones it chose (the
printer's output and the saved PDF) and the encrypted vault itself. Fictional people only.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QDir
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from reportlab.pdfgen import canvas

from app.children import CarerDetails, ChildDetails
from app.consents import ConsentDetails, ConsentHow, ConsentStatus
from tests.conftest import VaultUnderTest
from tests.ui.conftest import top_level, wait_idle
from ui import printing
from ui.pdf_preview import PdfPreviewDialog

CHILD = "Ngọc Ánh Łukasiewicz"
MOTHER = "Αθηνά Łukasiewicz"
FATHER = "Святослав Łukasiewicz"
NAMES = (CHILD, MOTHER, FATHER, "Łukasiewicz", "Святослав", "Αθηνά")
SIGNATURES = {"a PDF": b"%PDF", "a PNG picture": b"\x89PNG\r\n\x1a\n", "a JPEG picture": b"\xff\xd8\xff"}
VAULT_COMPANIONS = ("-wal", "-shm", "-journal")  # SQLite's own files beside the database


def leaks(data: bytes, *, signatures: bool = True) -> list[str]:
    """What ``data`` gives away: a document or picture, or one of the names (UTF-8 or UTF-16)."""
    found = [what for what, mark in SIGNATURES.items() if signatures and mark in data]
    for name in NAMES:
        for encoding in ("utf-8", "utf-16-le"):
            if name.encode(encoding) in data:
                found.append(f"{name!r} in {encoding}")
    return found


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def search(folder: Path, *, signatures: bool = True) -> dict[str, list[str]]:
    found = {}
    for path in files_under(folder):
        if path.is_symlink():
            found[str(path)] = ["a link"]
            continue
        what = leaks(path.read_bytes(), signatures=signatures)
        if what:
            found[str(path)] = what
    return found


@pytest.fixture(autouse=True)
def temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty temporary folder for this test, for Python and for Qt."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def small_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Signed consent form, returned by post")
    page.showPage()
    page.save()
    return out.getvalue()


def small_png() -> bytes:
    image = Image.new("RGB", (240, 340), "white")
    ImageDraw.Draw(image).line((20, 300, 220, 290), fill="black", width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def preview(qtbot: QtBot, start: Any) -> PdfPreviewDialog:
    shown: list[PdfPreviewDialog] = []
    start(shown.append)
    wait_idle(qtbot)
    assert top_level("errorDialog") is None
    (dialog,) = shown
    assert dialog.page_count >= 1
    return dialog


def with_signed_forms(made: VaultUnderTest) -> tuple[int, list[int]]:
    """The sentinel family, with a consent given on a scanned PDF and another on a photograph."""
    s = made.session
    child = int(
        s.children.add(
            ChildDetails(legal_name=CHILD, date_of_birth=date(2023, 2, 3), start_date=date(2026, 9, 14))
        ).id
    )
    carers: list[int] = []
    for name, relationship in ((MOTHER, "Mother"), (FATHER, "Father")):
        record = s.children.add_carer(
            child, CarerDetails(name, relationship, True, True, address="2 Mill Row")
        )
        carers.append(next(c.id for c in record.carers if c.full_name == name))
    kind = next(k for k in s.consents.kinds() if not k.names_agencies)
    forms: list[int] = []
    for carer, scan in zip(carers, (small_pdf(), small_png()), strict=True):
        consent = s.consents.record(
            child,
            carer,
            kind.id,
            ConsentDetails(ConsentStatus.GIVEN, on=date(2026, 8, 28), how=ConsentHow.SIGNED_FORM, form=scan),
        )
        forms.extend(int(f.id) for event in s.consents.history(consent.id) for f in event.forms)
    return child, forms


def outside(paths: Iterable[Path], root: Path, *skipped: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in paths if not any(p.is_relative_to(s) for s in skipped)}


def test_printing_viewing_and_saving_leave_nothing_in_the_temporary_folder(
    qtbot: QtBot,
    made_vault: VaultUnderTest,
    temp_folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Path(QDir.tempPath()).resolve() == temp_folder.resolve()
    assert Path(tempfile.gettempdir()).resolve() == temp_folder.resolve()
    child, forms = with_signed_forms(made_vault)
    vault_before = {p.name for p in files_under(made_vault.folder)}
    assert outside(files_under(tmp_path), tmp_path, made_vault.folder, temp_folder) == set()
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    s = made_vault.session
    printed, saved = tmp_path / "printed.pdf", tmp_path / "saved.pdf"

    # The forms: previewed, printed to a PDF printer.
    dialog = preview(qtbot, lambda shown: printing.print_family_forms(parent, s, child, on_shown=shown))
    dialog.print_to(pdf_printer(printed))
    dialog.close()

    # Each signed form viewed; the photographed one saved as a PDF.
    for form_id in forms:
        dialog = preview(
            qtbot,
            lambda shown, f=form_id: printing.show_signed_form(parent, s, f, child_id=child, on_shown=shown),
        )
        assert dialog.page_count == 1
        if form_id == forms[-1]:
            monkeypatch.setattr(QMessageBox, "warning", lambda *_a: QMessageBox.StandardButton.Save)
            monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(saved), "PDF files (*.pdf)"))
            assert dialog.save_as_pdf()
        dialog.close()

    # The blank forms and the privacy notice, previewed only.
    for start in (printing.print_blank_forms, printing.print_privacy_notice):
        preview(qtbot, lambda shown, go=start: go(parent, s, on_shown=shown)).close()
    qtbot.wait(50)

    assert printed.read_bytes().startswith(b"%PDF")
    assert saved.read_bytes().startswith(b"%PDF")
    assert search(temp_folder) == {}
    assert files_under(temp_folder) == []  # nor anything in a form the search cannot recognise
    # Only the files the test chose, beside the vault and the (searched) temporary folder.
    assert outside(files_under(tmp_path), tmp_path, made_vault.folder, temp_folder) == {
        "printed.pdf",
        "saved.pdf",
    }
    # The vault is encrypted: no name in it, and no file in its folder but the database's own.
    vault_after = {p.name for p in files_under(made_vault.folder)}
    assert {n for n in vault_after - vault_before if not n.endswith(VAULT_COMPANIONS)} == set()
    assert search(made_vault.folder, signatures=False) == {}  # short signatures occur by chance


def test_the_search_finds_what_it_looks_for(tmp_path: Path, temp_folder: Path) -> None:
    """The search above would notice a leak: each kind, in a file in a folder below."""
    below = temp_folder / "qt-print-1234"
    below.mkdir()
    (below / "a").write_bytes(b"junk" + small_pdf()[:20])
    (below / "b").write_bytes(b"\x00" * 10 + small_png())
    (temp_folder / "c").write_bytes(f"Dear {MOTHER},".encode())
    (temp_folder / "d").write_bytes(f"{CHILD}".encode("utf-16-le"))
    (temp_folder / "e").write_bytes(b"nothing to see")
    found = search(temp_folder)
    assert sorted(Path(p).name for p in found) == ["a", "b", "c", "d"]
    assert found[str(below / "a")] == ["a PDF"]
    assert found[str(below / "b")] == ["a PNG picture"]
    assert any("utf-16-le" in what for what in found[str(temp_folder / "d")])
