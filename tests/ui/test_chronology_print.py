"""Printing a chronology from the window: built off the UI thread, previewed, and every print and
save audit-logged against the child. Printing goes to a QPrinter in PDF mode in ``tmp_path`` and
the save dialogs are monkeypatched. Fictional people only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.audit import AuditAction, AuditFilter
from app.children import ChildDetails
from app.concerns import NewConcern
from app.documents import DocumentKind
from app.policy.permissions import Role
from tests.conftest import VaultUnderTest
from tests.ui.conftest import top_level, wait_idle
from ui.chronology_print import CODED_TITLE, GLYPHS_TITLE, NOT_ALLOWED, TITLE, print_chronology
from ui.pdf_preview import PdfPreviewDialog

KW_USERNAME = "lan"
KW_PASSWORD = "silver pebble orchard"
CHILD = "Αλέξανδρος Nguyễn"


@pytest.fixture
def child_id(made_vault: VaultUnderTest) -> int:
    kw = made_vault.add_person(KW_USERNAME, "Nguyễn Thị Lan", {Role.KEY_WORKER}, KW_PASSWORD)
    s = made_vault.session
    child = s.children.add(
        ChildDetails(
            legal_name=CHILD,
            known_as="Alex",
            date_of_birth=date(2023, 2, 3),
            start_date=date(2025, 9, 1),
            room="Oak",
            key_worker_id=kw,
        )
    )
    s.concerns.log(
        NewConcern(
            child_id=child.id,
            seen_at=datetime(2026, 8, 20, 10, 0, tzinfo=UTC),
            category_id=s.concerns.categories()[0].id,
            facts="A small bruise on the left knee; Alex said he fell in the park.",
        )
    )
    return int(child.id)


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def open_preview(
    qtbot: QtBot, parent: QWidget, made: VaultUnderTest, child: int, *, coded: bool
) -> PdfPreviewDialog:
    shown: list[PdfPreviewDialog] = []
    print_chronology(parent, made.session, child, coded=coded, on_shown=shown.append)
    wait_idle(qtbot)
    assert len(shown) == 1
    dialog = shown[0]
    assert dialog.objectName() == "pdfPreviewDialog"
    assert dialog.isVisible()
    return dialog


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def logged(made: VaultUnderTest, action: AuditAction) -> list[Any]:
    return made.session.audit.entries(where=AuditFilter(action=action.value))


def test_the_preview_opens_and_a_print_is_audited_against_the_child(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, child_id: int, tmp_path: Path
) -> None:
    dialog = open_preview(qtbot, parent, made_vault, child_id, coded=False)
    assert dialog.windowTitle() == TITLE  # no child's name in the title bar or taskbar
    assert dialog.page_count >= 1
    viewed = logged(made_vault, AuditAction.CHRONOLOGY_VIEWED)
    assert [e.subject_id for e in viewed] == [str(child_id)]
    assert logged(made_vault, AuditAction.DOCUMENT_PRINTED) == []

    dialog.print_to(pdf_printer(tmp_path / "printed.pdf"))

    (entry,) = logged(made_vault, AuditAction.DOCUMENT_PRINTED)
    assert (entry.subject_type, entry.subject_id) == ("child", str(child_id))
    assert entry.detail == {"kind": DocumentKind.CHRONOLOGY.value, "pages": dialog.page_count}
    assert top_level("chronologyGlyphsDialog") is None


def test_saving_the_coded_copy_is_audited_as_a_save(
    qtbot: QtBot,
    parent: QWidget,
    made_vault: VaultUnderTest,
    child_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_preview(qtbot, parent, made_vault, child_id, coded=True)
    assert dialog.windowTitle() == CODED_TITLE
    target = tmp_path / "coded.pdf"
    monkeypatch.setattr(QMessageBox, "warning", lambda *_a: QMessageBox.StandardButton.Save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(target), "PDF files (*.pdf)"))

    assert dialog.save_as_pdf()

    assert target.read_bytes().startswith(b"%PDF")
    (entry,) = logged(made_vault, AuditAction.DOCUMENT_SAVED)
    assert (entry.subject_type, entry.subject_id) == ("child", str(child_id))
    assert entry.detail["kind"] == DocumentKind.CHRONOLOGY_CODED.value
    assert logged(made_vault, AuditAction.DOCUMENT_PRINTED) == []


def test_characters_the_font_lacks_are_pointed_out(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, child_id: int
) -> None:
    s = made_vault.session
    s.concerns.log(
        NewConcern(
            child_id=child_id,
            seen_at=datetime(2026, 8, 25, 10, 0, tzinfo=UTC),
            category_id=s.concerns.categories()[0].id,
            facts="Collected by 李娜, who said she is an aunt.",
        )
    )
    open_preview(qtbot, parent, made_vault, child_id, coded=False)
    box = top_level("chronologyGlyphsDialog")
    assert isinstance(box, QMessageBox)
    assert box.windowTitle() == GLYPHS_TITLE
    assert "show as ?" in box.text()
    box.close()


@pytest.mark.parametrize("coded", [True, False])
def test_a_key_worker_is_refused_and_sees_no_preview(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, child_id: int, coded: bool
) -> None:
    made_vault.session.close()
    session = made_vault.vault.sign_in(KW_USERNAME, KW_PASSWORD)
    shown: list[PdfPreviewDialog] = []
    print_chronology(parent, session, child_id, coded=coded, on_shown=shown.append)
    wait_idle(qtbot)
    assert shown == []
    assert top_level("pdfPreviewDialog") is None
    error = top_level("errorDialog")
    assert isinstance(error, QMessageBox)
    assert error.text() == NOT_ALLOWED
    error.close()
    session.close()
    made_vault.sign_in()
    # Refused before anything was read: no view of the chronology in the log.
    assert logged(made_vault, AuditAction.CHRONOLOGY_VIEWED) == []
