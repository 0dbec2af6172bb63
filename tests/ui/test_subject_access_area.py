"""The Subject access area against a real vault: record a request, gather the records with
progress, withhold items under an exemption, release the rest, and the final pack opens in the
preview (audit-logged against the child when printed). Extending, the cover note, drafts at lock
and forgetting.

The family of ``tests.app.test_subject_access``: fictional people with names in several scripts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from app.audit import AuditAction, AuditFilter
from app.documents import DocumentKind
from app.drafts import Draft, DraftId
from app.session import Session
from app.subject_access import IDENTITY_HELP, Exemption, RequestStatus
from tests.app.test_subject_access import (
    CHILD,
    DAD,
    DAD_ADDRESS,
    KNOWN_AS,
    MUM,
    WITHHELD_CONCERN,
    Family,
    family,
)
from tests.conftest import VaultUnderTest
from tests.ui.conftest import wait_idle
from ui import operations
from ui.areas.subject_access import (
    DRAFT_TITLE,
    NOT_GATHERED,
    PACK_TITLE,
    SUGGESTED,
    TO_DECIDE,
    SubjectAccessArea,
)
from ui.pdf_preview import PdfPreviewDialog
from ui.subject_access_forms import COVER_FORM, EXTEND_FORM, NEW_FORM, WITHHOLD_FORM


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


@pytest.fixture
def fam(made_vault: VaultUnderTest) -> Family:
    return family(made_vault)


def open_area(session: Session, qtbot: QtBot) -> SubjectAccessArea:
    area = SubjectAccessArea(session)
    qtbot.addWidget(area)
    area.resize(1200, 800)
    area.show()
    area.opened()
    wait_idle(qtbot)
    return area


def cells(model: Any, row: int) -> tuple[str, ...]:
    return tuple(model.index(row, c).data() for c in range(model.columnCount()))


def row_where(area: SubjectAccessArea, test: Any) -> int:
    return next(n for n, item in enumerate(area.items_model.records()) if test(item))


def dialog_named(area: SubjectAccessArea, name: str) -> Any:
    found = [d for d in area.findChildren(QDialog, name) if d.isVisible()]
    assert len(found) == 1, name
    return found[0]


def record_through_the_form(area: SubjectAccessArea, qtbot: QtBot, fam: Family) -> None:
    dialog = area.open_new_request()
    assert dialog.windowTitle() == "Record a subject access request"
    dialog.chooser.search.setText("Łucja")
    dialog.chooser.run_search()
    wait_idle(qtbot)
    dialog.chooser.results.setCurrentRow(0)
    wait_idle(qtbot)  # the child's carers are read
    assert [dialog.who.itemText(i) for i in range(dialog.who.count())][1:] == [
        f"{MUM} (Mother)",
        f"{DAD} (Father)",
        "Zoë Brennan (Grandmother)",
    ]
    dialog.who.setCurrentIndex(dialog.who.findData(fam.mum))
    assert dialog.name.text() == MUM and dialog.name.isReadOnly()
    assert dialog.relationship.text() == "Mother"
    dialog.received.setDate(QDate(2026, 8, 28))
    assert dialog.due.text() == "Answer by 28 September 2026 (one calendar month)."
    dialog.submit()
    wait_idle(qtbot)
    assert dialog.isVisible() and dialog.message.text() == IDENTITY_HELP  # nothing typed is lost
    dialog.identity.setPlainText("Known to staff; asked in person at collection")
    dialog.submit()
    wait_idle(qtbot)
    assert not dialog.isVisible()


def test_request_gather_withhold_release_and_the_final_pack_opens(
    fam: Family, made_vault: VaultUnderTest, qtbot: QtBot, qtmodeltester: Any, tmp_path: Path
) -> None:
    area = open_area(made_vault.session, qtbot)
    assert area.queue_model.rowCount() == 0 and not area.gather_button.isEnabled()
    record_through_the_form(area, qtbot, fam)
    qtmodeltester.check(area.queue_model)
    assert cells(area.queue_model, 0) == (
        f"{CHILD} ({KNOWN_AS})",
        f"{MUM}, Mother",
        "28 Aug 2026",
        "28 Sep 2026, in 27 days",
        "Open",
        NOT_GATHERED,
    )
    assert area.selected() is not None and area.gather_button.isEnabled()
    assert not area.release_button.isEnabled() and not area.preview_button.isEnabled()

    fractions: list[int] = []
    area.progress.valueChanged.connect(fractions.append)
    area.gather_button.click()
    wait_idle(qtbot)
    assert fractions[-1] == 100 and len(set(fractions)) > 2  # it moved, section by section
    assert not area.progress.isVisible()
    qtmodeltester.check(area.items_model)
    items = area.items_model.records()
    assert len(items) > 10 and area.queue_model.index(0, 5).data() == str(sum(1 for i in items if i.flag))
    assert "still to decide" in area.status.text()

    dad = row_where(area, lambda i: DAD_ADDRESS in i.content)
    assert cells(area.items_model, dad)[0] == SUGGESTED
    area.items.selectRow(dad)
    assert DAD_ADDRESS in area.content.toPlainText() and "Why to check: About another person" in (
        area.content.toPlainText()
    )
    area.withhold_button.click()
    withhold = dialog_named(area, "withholdDialog")
    assert withhold.windowTitle() == "Withhold an item"
    assert withhold.exemption.currentData() == Exemption.OTHER_PERSON.value  # the suggestion
    withhold.submit()
    wait_idle(qtbot)
    assert cells(area.items_model, dad)[0] == "Withheld: another person"

    concern = row_where(area, lambda i: WITHHELD_CONCERN in i.content)
    area.items.selectRow(concern)
    area.withhold_button.click()
    withhold = dialog_named(area, "withholdDialog")
    withhold.exemption.setCurrentIndex(withhold.exemption.findData(Exemption.SERIOUS_HARM.value))
    withhold.submit()
    wait_idle(qtbot)
    assert withhold.isVisible() and "why the exemption applies" in withhold.message.text()
    withhold.reason.setPlainText("Releasing it could put Lulu at risk at home.")
    withhold.submit()
    wait_idle(qtbot)
    assert cells(area.items_model, concern)[0] == "Withheld: serious harm"

    while any(cells(area.items_model, n)[0] == TO_DECIDE for n in range(area.items_model.rowCount())):
        area.items.selectRow(
            next(n for n in range(area.items_model.rowCount()) if cells(area.items_model, n)[0] == TO_DECIDE)
        )
        area.release_item_button.click()
        wait_idle(qtbot)
    assert area.queue_model.index(0, 5).data() == "None" and "ready to release" in area.status.text()

    drafts: list[QDialog] = []
    area.preview(on_shown=drafts.append)
    wait_idle(qtbot)
    (draft,) = drafts
    assert isinstance(draft, PdfPreviewDialog) and draft.windowTitle() == DRAFT_TITLE
    draft.close()

    assert area.release_button.isEnabled()
    finals: list[QDialog] = []
    box = area.ask_release(on_shown=finals.append)
    assert box is not None and box.windowTitle() == "Release the pack"
    assert f"{len(items) - 2} items will be released and 2 withheld" in box.text()
    next(b for b in box.buttons() if b.text() == "Release the pack").click()
    wait_idle(qtbot)
    (final,) = finals
    assert isinstance(final, PdfPreviewDialog) and final.windowTitle() == PACK_TITLE
    assert CHILD not in final.windowTitle() and KNOWN_AS not in final.windowTitle()
    request = made_vault.session.subject_access.queue(include_released=True)[0]
    assert request.status is RequestStatus.RELEASED and request.withheld == 2
    assert area.queue_model.index(0, 4).data() == "Released on 01 Sep 2026"
    assert not area.gather_button.isEnabled() and not area.withhold_button.isEnabled()
    assert "Nothing in it can be changed" in area.status.text()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "pack.pdf"))
    final.print_to(printer)
    (printed,) = made_vault.session.audit.entries(
        where=AuditFilter(action=AuditAction.DOCUMENT_PRINTED.value)
    )
    assert (printed.subject_type, printed.subject_id) == ("child", str(fam.child_id))
    assert printed.detail == {"kind": DocumentKind.SUBJECT_ACCESS_PACK.value, "pages": final.page_count}
    final.close()

    area.opened()  # back to the area later: released requests show only when asked
    wait_idle(qtbot)
    assert area.queue_model.rowCount() == 0 and area.items_model.rowCount() == 0
    area.show_released.setChecked(True)
    wait_idle(qtbot)
    assert area.queue_model.rowCount() == 1

    area.forget()
    assert area.queue_model.rowCount() == 0 and area.items_model.rowCount() == 0
    assert area.content.toPlainText() == "" and area.status.text() == "" and area.count.text() == ""


def test_extend_and_the_cover_note_and_their_drafts(
    fam: Family, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    request_id = fam.asked_by_mum("2026-08-20")
    area = open_area(made_vault.session, qtbot)
    assert area.queue_model.index(0, 3).data() == "20 Sep 2026, in 19 days"
    area.queue.selectRow(0)
    wait_idle(qtbot)

    area.extend_button.click()
    extend = dialog_named(area, "extendSarDialog")
    assert "20 November 2026" in extend.findChild(QLabel, "extendSarExplain").text()
    extend.reason.setPlainText("Information from the health visiting team to check with them")
    kept = extend.draft()
    assert kept is not None and kept.form == EXTEND_FORM and kept.fields["request_id"] == str(request_id)
    extend.submit()
    wait_idle(qtbot)
    assert area.queue_model.index(0, 3).data() == "20 Nov 2026, in 80 days (extended)"
    assert not area.extend_button.isEnabled()  # once only

    area.cover_button.click()
    cover = dialog_named(area, "coverNoteDialog")
    assert cover.draft() is None  # nothing typed yet
    cover.note.setPlainText("Dear Дарья, here is what we hold about Lulu.")
    kept = cover.draft()
    assert kept is not None and kept.form == COVER_FORM
    cover.reject()
    assert cover.draft() is None  # cancelled: nothing to keep

    assert area.restore_draft(Draft(DraftId(1), kept.form, kept.title, kept.fields, ""))
    wait_idle(qtbot)
    restored = dialog_named(area, "coverNoteDialog")
    assert restored.note.toPlainText() == "Dear Дарья, here is what we hold about Lulu."
    restored.submit()
    wait_idle(qtbot)
    assert made_vault.session.subject_access.get(request_id).cover_note.startswith("Dear Дарья")

    area.gather_button.click()
    wait_idle(qtbot)
    area.items.selectRow(row_where(area, lambda i: WITHHELD_CONCERN in i.content))
    area.withhold_button.click()
    withhold = dialog_named(area, "withholdDialog")
    withhold.exemption.setCurrentIndex(withhold.exemption.findData(Exemption.CRIME.value))
    withhold.reason.setPlainText("The police asked us not to say yet.")
    kept = withhold.draft()
    assert kept is not None and kept.form == WITHHOLD_FORM and kept.fields["exemption"] == "crime"
    withhold.reject()
    assert area.restore_draft(Draft(DraftId(2), kept.form, kept.title, kept.fields, ""))
    wait_idle(qtbot)
    again = dialog_named(area, "withholdDialog")
    assert again.reason.toPlainText() == "The police asked us not to say yet."
    assert again.exemption.currentData() == "crime"
    again.reject()

    new = area.open_new_request()
    new.identity.setPlainText("Saw her passport")
    kept = new.draft()
    assert (
        kept is not None and kept.form == NEW_FORM and kept.fields["identity_checked"] == "Saw her passport"
    )
    new.forget()
    assert new.identity.toPlainText() == ""
    new.reject()
