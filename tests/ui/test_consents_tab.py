"""The Consents tab of a child's record against a real vault: recording a signed answer with its
scan, withdrawing it in one action, the history with its scans, refusals shown in the form with
nothing lost, a key worker's read-only view, the Record consent draft through a real lock, the
printing buttons, forgetting, and a screenshot of the tab.

Core work runs on worker threads, so every check waits for the operations to finish. Any error
that would reach the error dialog fails the test. Fictional people only, in several scripts.
"""

from __future__ import annotations

import importlib
import io
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QDate
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from reportlab.pdfgen import canvas

from app.audit import AuditAction, AuditFilter
from app.children import CarerDetails, ChildDetails
from app.consents import ConsentDetails, ConsentHow, ConsentStatus, KindCode
from app.policy.permissions import Role
from app.session import Session
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest
from tests.ui.conftest import sign_in_through_window, top_level, wait_idle
from ui import operations
from ui.areas.children import ChildrenArea
from ui.child_forms import alive
from ui.child_record import TAB_CONSENTS
from ui.consent_forms import (
    UNREADABLE,
    WITHDRAW_MEANS,
    ConsentDialog,
    HistoryDialog,
    RemoveScanDialog,
    WithdrawDialog,
)
from ui.consents_tab import READ_ONLY, ConsentsTab
from ui.shell import Shell

PROJECT = Path(__file__).resolve().parents[2]
KEY_WORKER = ("nguyen.lan", "Nguyễn Thị Lan", "willow paper compass")
CHILD = "Łucja Kowalska"
FATHER = "Αλέξανδρος Kowalski"
MOTHER = "Siobhán Kowalska"
STEP = "Дмитрий Соколов"  # lives with the child, no parental responsibility


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


def pdf_bytes(text: str = "Signed consent form") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path | str) -> list[str]:
    """The file picker answers with ``path``; returns the titles it was opened with."""
    asked: list[str] = []

    def fake(_parent: Any, title: str = "", *_args: Any, **_kwargs: Any) -> tuple[str, str]:
        asked.append(title)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake))
    return asked


def add_family(session: Session, *, key_worker_id: int | None = None) -> tuple[int, dict[str, int]]:
    child = session.children.add(
        ChildDetails(
            legal_name=CHILD,
            date_of_birth=date(2023, 4, 5),
            start_date=date(2025, 9, 1),
            room="Sunflowers",
            key_worker_id=key_worker_id,
        )
    )
    session.children.add_carer(child.id, CarerDetails(FATHER, "Father", True, False))
    session.children.add_carer(child.id, CarerDetails(MOTHER, "Mother", True, True))
    record = session.children.add_carer(child.id, CarerDetails(STEP, "Step-parent", False, True))
    return int(child.id), {c.full_name: int(c.id) for c in record.carers}


def kind_id(session: Session, code: KindCode) -> int:
    return int(next(k.id for k in session.consents.kinds() if k.code is code))


def open_area(session: Session, qtbot: QtBot) -> ChildrenArea:
    area = ChildrenArea(session)
    qtbot.addWidget(area)
    area.resize(1100, 760)
    area.show()
    area.opened()
    wait_idle(qtbot)
    return area


def open_consents(area: ChildrenArea, qtbot: QtBot, child_id: int) -> ConsentsTab:
    area.open_child(child_id)
    wait_idle(qtbot)
    area.record.tabs.setCurrentIndex(TAB_CONSENTS)
    wait_idle(qtbot)
    tab = area.record.consents_tab
    assert tab.consents is not None
    return tab


def cells(tab: ConsentsTab) -> list[list[str]]:
    return [[tab.model.index(r, c).data() for c in range(7)] for r in range(tab.model.rowCount())]


def glance(tab: ConsentsTab) -> dict[str, tuple[str, str]]:
    return tab.glance.shown()


def select(tab: ConsentsTab, kind_name: str, carer: str) -> None:
    row = next(
        r for r, c in enumerate(tab.model.records()) if c.kind.name == kind_name and c.carer_name == carer
    )
    tab.table.selectRow(row)


def ok(dialog: QDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def choose(combo: QComboBox, text: str) -> None:
    found = combo.findText(text)
    assert found >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(found)


def closed(widget: QWidget) -> bool:
    return not alive(widget) or not widget.isVisible()


# --- record, withdraw, history --------------------------------------------------------------------


def test_a_signed_answer_with_its_scan_then_withdrawn_in_one_action(
    made_vault: VaultUnderTest, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = made_vault.session
    child_id, _carers = add_family(s)
    area = open_area(s, qtbot)
    tab = open_consents(area, qtbot, child_id)
    assert area.record.tabs.tabText(TAB_CONSENTS) == "Co&nsents"
    assert area.record.tabs.tabText(TAB_CONSENTS - 1) == "&Carers"
    assert glance(tab)["Registration declaration"] == ("Not asked yet", "")
    assert tab.model.rowCount() == 0
    assert tab.record_button.isEnabled() and not tab.withdraw_button.isEnabled()
    assert not tab.history_button.isEnabled() and not tab.open_form_button.isEnabled()

    scan = tmp_path / "declaration.pdf"
    scan.write_bytes(pdf_bytes())
    asked = choose_file(monkeypatch, scan)
    tab.record_button.click()
    dialog = top_level("consentDialog")
    assert isinstance(dialog, ConsentDialog) and dialog.windowTitle() == "Record consent"
    # a carer without parental responsibility is offered, and marked as such
    assert dialog.carer.findText(f"{STEP} (no parental responsibility recorded)") >= 0
    choose(dialog.kind, "Registration declaration")
    choose(dialog.carer, FATHER)
    dialog.radios["given"].setChecked(True)
    assert dialog.how.currentIndex() == -1  # how they answered is chosen on purpose
    assert dialog.fields["agencies"].isHidden()  # the declaration names no agencies
    find_scan = dialog.findChild(QPushButton, "consentScanButton")
    find_scan.click()
    assert asked == ["Choose the scanned signed form"]
    assert dialog.scan.chosen.text() == "declaration.pdf"
    assert dialog.how.currentData() == ConsentHow.SIGNED_FORM.value  # a scan is of a signed form
    assert dialog.fields["heard_by"].isHidden()
    ok(dialog)
    wait_idle(qtbot)
    assert closed(dialog)

    assert glance(tab)["Registration declaration"] == (
        "Given",
        f"{FATHER}: Given (signed form) on 1 September 2026",
    )
    assert cells(tab) == [
        ["Registration declaration", FATHER, "Given", "01/09/2026", "Signed form", "", "1 scan"]
    ]
    consent = s.consents.for_child(child_id).consents[0]
    assert consent.signed and consent.forms == 1
    [event] = s.consents.history(consent.id)
    assert event.forms[0].media_type == "application/pdf"
    assert s.consents.open_form(event.forms[0].id).data == scan.read_bytes()

    # the next day the father phones to withdraw it: one action
    made_vault.clock.advance(timedelta(days=1).total_seconds())
    select(tab, "Registration declaration", FATHER)
    assert tab.withdraw_button.isEnabled() and tab.open_form_button.isEnabled()
    tab.withdraw_button.click()
    withdraw = top_level("withdrawDialog")
    assert isinstance(withdraw, WithdrawDialog) and withdraw.windowTitle() == "Withdraw consent"
    assert WITHDRAW_MEANS in withdraw.findChild(QLabel, "withdrawExplanation").text()
    assert withdraw.on.date() == QDate(2026, 9, 2) and withdraw.on.maximumDate() == QDate(2026, 9, 2)
    assert withdraw.fields["heard_by"].isHidden()
    choose(withdraw.how, ConsentHow.VERBAL.label)
    assert not withdraw.fields["heard_by"].isHidden()
    assert withdraw.heard_by.currentText() == MANAGER_NAME  # whoever is typing it in, by default
    withdraw.note.setPlainText("Phoned the office; Łucja's father wants to read the policy again.")
    ok(withdraw)
    wait_idle(qtbot)
    assert closed(withdraw)
    assert glance(tab)["Registration declaration"][0] == "Withdrawn"
    assert cells(tab)[0][2:5] == ["Withdrawn", "02/09/2026", "Told us in person or by phone"]
    assert tab.selected() is not None and tab.selected().status is ConsentStatus.WITHDRAWN  # kept
    assert not tab.withdraw_button.isEnabled()

    # the history: both changes in order, with the scan of the first
    tab.history_button.click()
    history = top_level("consentHistoryDialog")
    assert isinstance(history, HistoryDialog) and history.windowTitle() == "Consent history"
    wait_idle(qtbot)
    assert len(history.events) == 2
    shown = history.texts()
    assert shown[0] == f"Registration declaration — {FATHER}"
    assert shown.index("Answer: Given") < shown.index("Answer: Withdrawn")
    assert "How: Signed form" in shown and f"Who heard it: {MANAGER_NAME}" in shown
    assert "Note: Phoned the office; Łucja's father wants to read the policy again." in shown
    assert any(line.startswith(f"Signed form (PDF, 1 KB), added by {MANAGER_NAME}") for line in shown)
    form_id = int(event.forms[0].id)
    assert history.findChild(QPushButton, f"openScan{form_id}") is not None

    # the manager removes the scan (attached by mistake), saying why
    history.findChild(QPushButton, f"removeScan{form_id}").click()
    remove = top_level("removeScanDialog")
    assert isinstance(remove, RemoveScanDialog)
    ok(remove)  # no reason given
    wait_idle(qtbot)
    assert remove.isVisible() and "Why it is removed" in remove.message.text()
    remove.reason.setPlainText("Another family's form was scanned by mistake.")
    ok(remove)
    wait_idle(qtbot)
    assert closed(remove)
    shown = history.texts()
    assert any(
        line.startswith(f"A scanned form. Removed by {MANAGER_NAME} on 2 September 2026")
        and line.endswith("Another family's form was scanned by mistake.")
        for line in shown
    )
    assert history.findChild(QPushButton, f"openScan{form_id}") is None
    assert cells(tab)[0][6] == "—"  # the tab was read again
    history.close()

    # no window title names the child or a carer
    for widget in QApplication.topLevelWidgets():
        assert not any(name in widget.windowTitle() for name in ("Łucja", FATHER, MOTHER))


def test_refusals_show_under_their_field_and_nothing_typed_is_lost(
    made_vault: VaultUnderTest, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = made_vault.session
    child_id, _carers = add_family(s)
    area = open_area(s, qtbot)
    tab = open_consents(area, qtbot, child_id)
    dialog = tab.record_consent()
    assert dialog is not None
    choose(dialog.kind, "Sharing information about additional needs")
    assert not dialog.fields["agencies"].isHidden()
    choose(dialog.carer, MOTHER)
    dialog.radios["given"].setChecked(True)
    assert dialog.review_hint.text() == "Leave unticked for 1 September 2027 (12 months after the answer)."
    choose(dialog.how, ConsentHow.IN_WRITING.label)
    note = "Emailed back the same day. " * 20
    dialog.note.setPlainText(note)
    ok(dialog)  # no agencies named
    wait_idle(qtbot)
    assert dialog.isVisible()
    assert dialog.errors["agencies"].text() == "Name the agencies the parent agreed we may share with."
    assert not dialog.errors["agencies"].isHidden() and dialog.focusWidget() is dialog.agencies
    assert dialog.note.toPlainText() == note and dialog.how.currentData() == "in_writing"
    assert s.consents.for_child(child_id).consents == ()

    dialog.agencies.setPlainText("Speech and language therapy; the Area SENCO")
    dialog.note.setPlainText("x" * 10_000)
    ok(dialog)
    wait_idle(qtbot)
    assert dialog.isVisible() and dialog.errors["agencies"].isHidden()
    assert "Note" in dialog.errors["note"].text() and len(dialog.note.toPlainText()) == 10_000

    dialog.note.setPlainText("Emailed back the same day.")
    text_file = tmp_path / "form.docx"
    text_file.write_bytes(b"PK\x03\x04 not a scan")
    choose_file(monkeypatch, text_file)
    dialog.scan.choose.click()
    ok(dialog)
    wait_idle(qtbot)
    assert dialog.isVisible() and "PDF, PNG or JPEG" in dialog.errors["form"].text()

    choose_file(monkeypatch, tmp_path / "gone" / "scan.pdf")  # moved away after it was chosen
    dialog.scan.choose.click()
    ok(dialog)
    wait_idle(qtbot)
    assert dialog.isVisible() and dialog.errors["form"].text() == UNREADABLE

    dialog.findChild(QPushButton, "consentScanClearButton").click()
    assert dialog.scan.path is None
    choose(dialog.carer, f"{STEP} (no parental responsibility recorded)")
    ok(dialog)
    wait_idle(qtbot)
    assert dialog.isVisible() and "parental responsibility" in dialog.errors["carer"].text()
    assert dialog.shown_error() == dialog.errors["carer"].text()
    assert s.consents.for_child(child_id).consents == ()  # nothing was saved by any of those

    choose(dialog.carer, MOTHER)
    ok(dialog)
    wait_idle(qtbot)
    assert closed(dialog)
    [consent] = s.consents.for_child(child_id).consents
    assert consent.agencies == "Speech and language therapy; the Area SENCO"
    assert consent.review_on == date(2027, 9, 1) and consent.how is ConsentHow.IN_WRITING
    assert cells(tab)[0][5] == "01/09/2027"

    # asking (a form sent home) needs no "how" and takes no scan
    tab.table.clearSelection()
    asked = tab.record_consent()
    assert asked is not None
    choose(asked.kind, "Passing on development summaries")
    choose(asked.carer, FATHER)
    asked.radios["requested"].setChecked(True)
    for hidden in ("how", "heard_by", "review_on", "form"):
        assert asked.fields[hidden].isHidden()
    assert asked.form.labelForField(asked.on).text() == "&Date asked"
    ok(asked)
    wait_idle(qtbot)
    assert closed(asked)
    assert glance(tab)["Passing on development summaries"][0] == "Asked"
    select(tab, "Passing on development summaries", FATHER)
    assert not tab.attach_button.isEnabled() and not tab.withdraw_button.isEnabled()

    # a scan attached afterwards from the tab; a bad one is refused in a sentence on the tab
    select(tab, "Sharing information about additional needs", MOTHER)
    choose_file(monkeypatch, text_file)
    tab.attach_button.click()
    wait_idle(qtbot)
    assert "PDF, PNG or JPEG" in tab.message.text()
    png = tmp_path / "scan.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    choose_file(monkeypatch, png)
    tab.attach_button.click()
    wait_idle(qtbot)
    assert tab.message.text() == ""
    assert cells(tab)[[r[0] for r in cells(tab)].index("Sharing information about additional needs")][6] == (
        "1 scan"
    )


def test_a_key_worker_reads_another_key_workers_child_with_the_changing_buttons_off(
    made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    key_worker = made_vault.add_person(KEY_WORKER[0], KEY_WORKER[1], {Role.KEY_WORKER}, KEY_WORKER[2])
    s = made_vault.session
    child_id, carers = add_family(s)  # nobody's key child
    own = s.children.add(
        ChildDetails("Zoë Brennan", date(2023, 2, 1), date(2025, 9, 1), key_worker_id=key_worker)
    )
    s.children.add_carer(own.id, CarerDetails("Grace Brennan", "Mother", True, True))
    s.consents.record(
        child_id,
        carers[MOTHER],
        kind_id(s, KindCode.REGISTRATION),
        ConsentDetails(ConsentStatus.GIVEN, date(2026, 8, 28), ConsentHow.SIGNED_FORM, form=pdf_bytes()),
    )
    s.close()
    keyworker = made_vault.vault.sign_in(KEY_WORKER[0], KEY_WORKER[2])

    area = open_area(keyworker, qtbot)
    tab = open_consents(area, qtbot, child_id)
    assert tab.note.text() == READ_ONLY and tab.note.isVisible()
    assert glance(tab)["Registration declaration"][0] == "Given"
    select(tab, "Registration declaration", MOTHER)
    for changing in (tab.record_button, tab.withdraw_button, tab.attach_button, tab.print_button):
        assert not changing.isEnabled()
    assert tab.history_button.isEnabled() and tab.open_form_button.isEnabled()  # reading is fine
    history = tab.show_history()
    assert history is not None
    wait_idle(qtbot)
    assert len(history.events) == 1
    assert not [b for b in history.findChildren(QPushButton) if b.objectName().startswith("removeScan")]
    assert [b for b in history.findChildren(QPushButton) if b.objectName().startswith("openScan")]
    history.close()

    area.back_to_list()
    wait_idle(qtbot)
    tab = open_consents(area, qtbot, int(own.id))
    assert tab.record_button.isEnabled() and tab.note.text() == ""
    keyworker.close()


# --- drafts, forgetting -------------------------------------------------------------------------


def test_the_record_consent_draft_survives_a_lock_and_comes_back(
    made_vault: VaultUnderTest, shell: Shell, qtbot: QtBot
) -> None:
    s = made_vault.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    child_id, _carers = add_family(s)
    s.close()
    sign_in_through_window(qtbot, shell)
    area = shell.workspace.open_area("Children")
    assert isinstance(area, ChildrenArea)
    wait_idle(qtbot)
    tab = open_consents(area, qtbot, child_id)
    dialog = tab.record_consent()
    assert dialog is not None and dialog.draft() is None  # untouched: nothing worth keeping
    choose(dialog.kind, "Sharing information about additional needs")
    choose(dialog.carer, MOTHER)
    dialog.radios["refused"].setChecked(True)
    dialog.on.setDate(QDate(2026, 8, 31))
    choose(dialog.how, ConsentHow.VERBAL.label)
    dialog.note.setPlainText("Mum said no for now — Łucja's speech is improving.")

    shell.lock()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    for widget in QApplication.allWidgets():
        if isinstance(widget, QLabel | QLineEdit) and widget.isVisible():
            assert "Łucja" not in widget.text() and MOTHER not in widget.text()

    page = shell.window.current_page()
    page.findChild(QLineEdit, "unlockPasswordEdit").setText(MANAGER_PASSWORD)
    page.findChild(QPushButton, "unlockButton").click()
    qtbot.waitUntil(lambda: top_level("draftOffer") is not None, timeout=10_000)
    offer = top_level("draftOffer")
    assert isinstance(offer, QMessageBox) and "Record consent" in offer.text() and "Łucja" not in offer.text()
    next(b for b in offer.buttons() if b.text() == "Open it").click()
    qtbot.waitUntil(lambda: top_level("consentDialog") is not None, timeout=10_000)
    wait_idle(qtbot)
    restored = top_level("consentDialog")
    assert isinstance(restored, ConsentDialog)
    assert restored.kind.currentText() == "Sharing information about additional needs"
    assert restored.carer.currentText() == MOTHER and restored.status() == "refused"
    assert restored.on.date() == QDate(2026, 8, 31) and restored.how.currentData() == "verbal"
    assert restored.note.toPlainText() == "Mum said no for now — Łucja's speech is improving."
    assert restored.heard_by.currentText() == MANAGER_NAME
    area = shell.workspace.open_area("Children")
    assert area.record.tabs.currentIndex() == TAB_CONSENTS
    ok(restored)
    wait_idle(qtbot)
    assert closed(restored)
    [consent] = shell.session.consents.for_child(child_id).consents
    assert consent.status is ConsentStatus.REFUSED and consent.heard_by_name == MANAGER_NAME


def test_forget_leaves_no_consent_in_any_widget(
    made_vault: VaultUnderTest, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = made_vault.session
    child_id, carers = add_family(s)
    s.consents.record(
        child_id,
        carers[FATHER],
        kind_id(s, KindCode.ADDITIONAL_NEEDS),
        ConsentDetails(
            ConsentStatus.GIVEN, date(2026, 8, 30), ConsentHow.VERBAL, int(s.me.id), "Health visiting"
        ),
    )
    area = open_area(s, qtbot)
    tab = open_consents(area, qtbot, child_id)
    select(tab, "Sharing information about additional needs", FATHER)
    history = tab.show_history()
    wait_idle(qtbot)
    assert history is not None and history.events
    dialog = tab.record_consent()
    assert dialog is not None and dialog.carer.currentText() == FATHER  # the selected row's carer
    dialog.note.setPlainText("Łucja's father asked about the SENCO.")

    area.forget()
    qtbot.wait(20)  # closed forms are deleted
    secrets = [CHILD, "Łucja", FATHER, MOTHER, STEP, "Health visiting", "SENCO"]
    texts: list[str] = []
    for widget in [area, *area.findChildren(QWidget)]:
        texts.append(widget.windowTitle())
        if isinstance(widget, QLabel | QLineEdit):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
    for model in area.findChildren(QAbstractItemModel):
        for r in range(model.rowCount()):
            texts.extend(str(model.index(r, c).data()) for c in range(model.columnCount()))
    assert texts and not [t for t in texts if any(secret in t for secret in secrets)]
    assert tab.consents is None and tab.child_id is None and not tab.record_button.isEnabled()
    assert top_level("consentDialog") is None and top_level("consentHistoryDialog") is None


# --- printing -----------------------------------------------------------------------------------


def test_print_forms_and_open_signed_form_use_the_printing_module(
    made_vault: VaultUnderTest, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    printing = importlib.import_module("ui.printing")
    calls: list[tuple[str, Any, dict[str, Any]]] = []
    monkeypatch.setattr(printing, "print_family_forms", lambda *a, **k: calls.append(("family", a, k)))
    monkeypatch.setattr(printing, "show_signed_form", lambda *a, **k: calls.append(("signed", a, k)))
    s = made_vault.session
    child_id, carers = add_family(s)
    declaration = kind_id(s, KindCode.REGISTRATION)
    first = pdf_bytes("First page, signed")
    s.consents.record(
        child_id,
        carers[MOTHER],
        declaration,
        ConsentDetails(ConsentStatus.GIVEN, date(2026, 8, 28), ConsentHow.SIGNED_FORM, form=first),
    )
    consent = s.consents.for_child(child_id).consents[0]
    later = s.consents.attach_form(consent.id, pdf_bytes("Second page, signed"))
    area = open_area(s, qtbot)
    tab = open_consents(area, qtbot, child_id)

    tab.print_button.click()  # nothing selected: forms for every carer with parental responsibility
    select(tab, "Registration declaration", MOTHER)
    tab.print_button.click()  # the selected carer's forms
    assert [(c[0], c[1][1:], c[2]) for c in calls] == [
        ("family", (s, child_id), {"carer_id": None}),
        ("family", (s, child_id), {"carer_id": carers[MOTHER]}),
    ]
    assert calls[0][1][0] is tab

    calls.clear()
    tab.open_form_button.click()
    wait_idle(qtbot)
    assert calls == [("signed", (tab, s, int(later.id)), {"child_id": child_id})]  # the latest scan

    # the history offers each kept scan, the first one too
    calls.clear()
    history = tab.show_history()
    assert history is not None
    wait_idle(qtbot)
    first_id = int(history.events[0].forms[0].id)
    assert first_id != int(later.id)
    history.findChild(QPushButton, f"openScan{first_id}").click()
    assert calls == [("signed", (history, s, first_id), {"child_id": child_id})]
    history.close()


def test_the_real_signed_form_viewer_opens_from_the_tab(made_vault: VaultUnderTest, qtbot: QtBot) -> None:
    printing = importlib.import_module("ui.printing")
    s = made_vault.session
    child_id, carers = add_family(s)
    s.consents.record(
        child_id,
        carers[FATHER],
        kind_id(s, KindCode.REGISTRATION),
        ConsentDetails(ConsentStatus.GIVEN, date(2026, 8, 28), ConsentHow.SIGNED_FORM, form=pdf_bytes()),
    )
    area = open_area(s, qtbot)
    tab = open_consents(area, qtbot, child_id)
    select(tab, "Registration declaration", FATHER)
    tab.open_form_button.click()
    qtbot.waitUntil(lambda: top_level("pdfPreviewDialog") is not None, timeout=10_000)
    wait_idle(qtbot)
    preview = top_level("pdfPreviewDialog")
    assert preview is not None and preview.windowTitle() == printing.SIGNED_FORM_TITLE
    assert preview.page_count == 1
    opened = s.audit.entries(limit=100, where=AuditFilter(action=AuditAction.CONSENT_FORM_OPENED.value))
    assert [(e.subject_type, e.subject_id) for e in opened] == [("child", str(child_id))]

    area.forget()  # the lock: the scan is closed with the record
    qtbot.wait(20)
    assert top_level("pdfPreviewDialog") is None


# --- the screenshot -----------------------------------------------------------------------------


def test_screenshot_of_the_consents_tab_in_several_scripts(
    made_vault: VaultUnderTest, qtbot: QtBot, tmp_path: Path
) -> None:
    s = made_vault.session
    child_id, carers = add_family(s)
    needs, transition = kind_id(s, KindCode.ADDITIONAL_NEEDS), kind_id(s, KindCode.TRANSITION)
    s.consents.record(
        child_id,
        carers[MOTHER],
        kind_id(s, KindCode.REGISTRATION),
        ConsentDetails(ConsentStatus.GIVEN, date(2025, 8, 20), ConsentHow.SIGNED_FORM, form=pdf_bytes()),
    )
    s.consents.record(
        child_id,
        carers[MOTHER],
        needs,
        ConsentDetails(
            ConsentStatus.GIVEN,
            date(2025, 9, 15),
            ConsentHow.IN_WRITING,
            agencies="Speech and language therapy",
        ),
    )
    s.consents.record(
        child_id,
        carers[FATHER],
        needs,
        ConsentDetails(ConsentStatus.REFUSED, date(2026, 8, 25), ConsentHow.VERBAL, int(s.me.id)),
    )
    s.consents.record(
        child_id, carers[FATHER], transition, ConsentDetails(ConsentStatus.REQUESTED, date(2026, 8, 10))
    )
    area = open_area(s, qtbot)
    tab = open_consents(area, qtbot, child_id)
    shown = glance(tab)
    assert shown["Registration declaration"][0] == "Given"
    assert shown["Sharing information about additional needs"][0] == "Partly given"
    assert shown["Passing on development summaries"][0] == "Asked"
    assert {row[1] for row in cells(tab)} == {MOTHER, FATHER}
    needs_row = next(r for r in cells(tab) if r[0].startswith("Sharing") and r[1] == MOTHER)
    assert needs_row[5] == "15/09/2026 (due soon)"  # a year on, within the month
    select(tab, "Sharing information about additional needs", MOTHER)
    QTest.qWait(50)
    shot = tmp_path / "consents.png"
    assert area.record.grab().save(str(shot))
    assert shot.stat().st_size > 1000
    target = PROJECT / "docs" / "screenshots" / "consents.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, target)
