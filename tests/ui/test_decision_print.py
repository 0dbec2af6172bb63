"""Printing an information-sharing decision record from the window: built off the UI thread,
previewed, and every print and save audit-logged against the sharing record. Printing goes to a
QPrinter in PDF mode in ``tmp_path`` and the save dialogs are monkeypatched. Fictional people
only."""

from __future__ import annotations

from datetime import timedelta
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
from app.policy.sharing_path import Answer as A
from app.policy.sharing_path import LawfulBasis, SpecialCondition
from app.policy.sharing_path import Question as Q
from app.sharing import (
    Channel,
    ChosenItem,
    Direction,
    FamilyTold,
    FollowUpKind,
    Intake,
    NewFollowUp,
    OutcomeDraft,
    Urgency,
)
from tests.conftest import VaultUnderTest
from tests.ui.conftest import top_level, wait_idle
from ui.decision_print import GLYPHS_TITLE, NOT_ALLOWED, TITLE, print_decision_record
from ui.pdf_preview import PdfPreviewDialog

KW_USERNAME = "lan"
KW_PASSWORD = "silver pebble orchard"
BACKER_USERNAME = "dmitry"
BACKER_PASSWORD = "silver kettle mountain"
CHILD = "Zoë Ålund"


def add_child(made: VaultUnderTest) -> int:
    details = ChildDetails(legal_name=CHILD, known_as="", date_of_birth="2023-02-03", start_date="2025-09-01")
    return int(made.session.children.add(details).id)


def intake(
    made: VaultUnderTest,
    child: int,
    *,
    requester: str = "Αλέξανδρος Παπαδόπουλος",
    concern_ids: tuple[int, ...] = (),
) -> Intake:
    return Intake(
        direction=Direction.REQUEST,
        received_via=Channel.EMAIL,
        received_at=made.clock.now() - timedelta(minutes=30),
        child_ids=(child,),
        asked_for="Attendance and concerns",
        purpose="Section 47 enquiry",
        urgency=Urgency.URGENT,
        requester_org="Anytown Children's Social Care",
        requester_name=requester,
        requester_role="Social worker",
        concern_ids=concern_ids,
    )


@pytest.fixture
def share_id(made_vault: VaultUnderTest) -> int:
    """A finalised share without consent, backed by a second DSL."""
    m = made_vault
    s = m.session
    kid = add_child(m)
    concern = s.concerns.log(
        NewConcern(
            child_id=kid,
            seen_at=m.clock.now() - timedelta(hours=2),
            category_id=s.concerns.categories()[0].id,
            facts="Bruise on the shin",
            opinion="Seemed withdrawn",
        )
    )
    r = s.sharing.open(intake(m, kid, concern_ids=(concern.id,)))
    r = s.sharing.save_answers(
        r.id,
        {
            Q.PURPOSE: A.YES,
            Q.IDENTIFIABLE: A.YES,
            Q.CONFIDENTIAL: A.YES,
            Q.CHILD_AT_RISK: A.YES,
            Q.CONSENT: A.NOT_SOUGHT,
            Q.OTHER_REASON: A.STATUTORY_DUTY,
        },
        consent_reason="Asking would alert the alleged abuser",
    )
    choices = s.sharing.item_choices(r.id)
    r = s.sharing.save_outcome(
        r.id,
        OutcomeDraft(
            reasons="Child at risk of significant harm",
            lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
            special_condition=SpecialCondition.SAFEGUARDING,
            recipient_name="Αλέξανδρος Παπαδόπουλος",
            recipient_org="Anytown CSC",
            recipient_role="Social worker",
            shared_how="Secure email",
            secured_how="Encrypted email",
            shared_on=m.clock.now().date(),
            family_told=FamilyTold.NOT_TOLD,
            family_reason="Telling them would raise the risk",
            items=tuple(ChosenItem(x.key, x.nature) for x in choices if x.shareable),
        ),
    )
    m.add_person(BACKER_USERNAME, "Дмитрий Иванов", {Role.DSL}, BACKER_PASSWORD)
    s = m.session
    r = s.sharing.confirm_backing(r.id, username=BACKER_USERNAME, password=BACKER_PASSWORD)
    r = s.sharing.finalise(
        r.id, [NewFollowUp(FollowUpKind.CONFIRM_RECEIPT, m.clock.now().date() + timedelta(days=2))]
    )
    return int(r.id)


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def open_preview(qtbot: QtBot, parent: QWidget, made: VaultUnderTest, share: int) -> PdfPreviewDialog:
    shown: list[PdfPreviewDialog] = []
    print_decision_record(parent, made.session, share, on_shown=shown.append)
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


def test_the_preview_opens_and_a_print_is_audited_against_the_record(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest, share_id: int, tmp_path: Path
) -> None:
    viewed_before = len(logged(made_vault, AuditAction.SHARE_VIEWED))
    dialog = open_preview(qtbot, parent, made_vault, share_id)
    assert dialog.windowTitle() == TITLE == "Information-sharing decision record"
    for part in ("Zoë", "Ålund", "Αλέξανδρος"):  # no name in the title bar or taskbar
        assert part not in dialog.windowTitle()
    assert dialog.page_count >= 1
    viewed = logged(made_vault, AuditAction.SHARE_VIEWED)
    assert len(viewed) == viewed_before + 1  # reading the record to print it is a view
    assert (viewed[0].subject_type, viewed[0].subject_id) == ("share_request", str(share_id))
    assert logged(made_vault, AuditAction.DOCUMENT_PRINTED) == []

    target = tmp_path / "printed.pdf"
    dialog.print_to(pdf_printer(target))

    assert target.read_bytes().startswith(b"%PDF")
    (entry,) = logged(made_vault, AuditAction.DOCUMENT_PRINTED)
    assert entry.action == "document.printed"
    assert (entry.subject_type, entry.subject_id) == ("share_request", str(share_id))
    assert entry.detail == {"kind": DocumentKind.DECISION_RECORD.value, "pages": dialog.page_count}
    assert logged(made_vault, AuditAction.DOCUMENT_SAVED) == []
    assert top_level("decisionGlyphsDialog") is None


def test_saving_is_audited_as_a_save(
    qtbot: QtBot,
    parent: QWidget,
    made_vault: VaultUnderTest,
    share_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_preview(qtbot, parent, made_vault, share_id)
    target = tmp_path / "decision.pdf"
    monkeypatch.setattr(QMessageBox, "warning", lambda *_a: QMessageBox.StandardButton.Save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(target), "PDF files (*.pdf)"))

    assert dialog.save_as_pdf()

    assert target.read_bytes().startswith(b"%PDF")
    (entry,) = logged(made_vault, AuditAction.DOCUMENT_SAVED)
    assert entry.action == "document.saved_as_pdf"
    assert (entry.subject_type, entry.subject_id) == ("share_request", str(share_id))
    assert entry.detail == {"kind": DocumentKind.DECISION_RECORD.value, "pages": dialog.page_count}
    assert logged(made_vault, AuditAction.DOCUMENT_PRINTED) == []


def test_characters_the_font_lacks_are_pointed_out(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest
) -> None:
    kid = add_child(made_vault)
    record = made_vault.session.sharing.open(intake(made_vault, kid, requester="王芳"))
    dialog = open_preview(qtbot, parent, made_vault, int(record.id))
    assert dialog.windowTitle() == TITLE
    box = top_level("decisionGlyphsDialog")
    assert isinstance(box, QMessageBox)
    assert box.windowTitle() == GLYPHS_TITLE
    assert "show as ?" in box.text()
    box.close()


def test_a_key_worker_is_refused_and_nothing_is_built(
    qtbot: QtBot, parent: QWidget, made_vault: VaultUnderTest
) -> None:
    kid = add_child(made_vault)
    made_vault.add_person(KW_USERNAME, "Nguyễn Thị Lan", {Role.KEY_WORKER}, KW_PASSWORD)
    made_vault.session.close()
    session = made_vault.vault.sign_in(KW_USERNAME, KW_PASSWORD)
    own = session.sharing.open(intake(made_vault, kid))  # one they opened, so may read
    shown: list[PdfPreviewDialog] = []
    print_decision_record(parent, session, int(own.id), on_shown=shown.append)
    wait_idle(qtbot)
    assert shown == []
    assert top_level("pdfPreviewDialog") is None
    error = top_level("errorDialog")
    assert isinstance(error, QMessageBox)
    assert error.text() == NOT_ALLOWED
    error.close()
    session.close()
    made_vault.sign_in()
    # Refused before anything was read: no view of the record in the log, nothing printed.
    assert logged(made_vault, AuditAction.SHARE_VIEWED) == []
    assert logged(made_vault, AuditAction.DOCUMENT_PRINTED) == []
