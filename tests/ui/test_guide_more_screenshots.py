"""The pictures of the user guide's everyday sections, taken through the real shell (offscreen) and
written over ``docs/screenshots/guide-*.png``:

- ``guide-setup-first-page.png``: first-run setup, its first page filled in;
- ``guide-recovery-sheet.png``: the Recovery Sheet preview at the end of that setup;
- ``guide-staff-add.png``: the Staff area with the "Add a staff member" dialog over it;
- ``guide-concern-form.png``: the concern form filled in with fictional words;
- ``guide-sharing-consent.png`` and ``guide-sharing-outcome.png``: the decision wizard on the
  consent question and on the outcome page;
- ``guide-decision-record.png``: the print preview of a demo decision record;
- ``guide-settings-backups.png``: Settings → Backups after "Back up now…";
- ``guide-restore-checked.png``: the restore dialog on the sign-in page after the check.

All but the first two come from the demo vault (made on 15 January 2027, like the pictures of
``test_guide_screenshots.py``, whose helpers this file reuses); setup runs the real wizard on an
empty folder. Each test also checks what the picture shows (the words on it, that the page is
drawn and not blank, that no window title names a child), so a wrong or empty picture fails here.
The file and folder pickers are replaced (a native dialog cannot be driven offscreen). Fictional
people only.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.clock import ManualClock
from app.demo import demo_accounts
from app.policy.permissions import Role
from app.policy.sharing_path import Answer, Question
from app.sharing import Channel, Direction, Intake, ShareStatus, Urgency
from app.vault.device import DeviceKeyring
from tests.conftest import MemoryKeyring
from tests.ui.conftest import find, sign_in_through_window, top_level, wait_idle
from tests.ui.test_guide_screenshots import (
    NOW,
    SCREENSHOTS,
    WINDOW,
    names_no_child,
    open_area,
    running_demo_shell,
    save_window,
)
from ui import backups as backups_ui
from ui import operations
from ui import restore_dialog as restore_ui
from ui.areas.settings import SettingsArea
from ui.areas.sharing import SharingArea
from ui.areas.staff import AddStaffDialog, StaffArea
from ui.concern_forms import LOG_FORM_TITLE, LogConcernDialog
from ui.decision_print import TITLE as DECISION_TITLE
from ui.pdf_preview import PdfPreviewDialog
from ui.recovery_sheet import TITLE as SHEET_TITLE
from ui.restore_dialog import RestoreDialog
from ui.setup_wizard import SetupWizard
from ui.sharing_wizard import TITLE as WIZARD_TITLE
from ui.sharing_wizard import DecisionWizard
from ui.shell import Shell

SETTING = "Little Acorns Pre-school"
NEW_STAFF = "Zoë Ålund"
SOCIAL_CARE = "Anytown Children's Social Care"
REQUESTER = "Αλέξανδρος Παπαδόπουλος"


# --- pictures ----------------------------------------------------------------------------------


def ink(image: QImage, darker_than: int = 600) -> tuple[int, int]:
    """How many of a grid of sample points are darker than near-white (their r+g+b below
    ``darker_than``), and how many colours they have: a blank window has hardly any of either."""
    dark, colours = 0, set()
    width, height = image.width(), image.height()
    for x in range(2, width, max(1, width // 80)):
        for y in range(2, height, max(1, height // 80)):
            rgb = image.pixel(x, y) & 0xFFFFFF
            colours.add(rgb)
            r, g, b = rgb >> 16, (rgb >> 8) & 0xFF, rgb & 0xFF
            if r + g + b < darker_than:
                dark += 1
    return dark, len(colours)


def printed_on(view: QPdfView) -> bool:
    """Whether the preview's page shows text yet (QPdfView renders pages on another thread)."""
    dark, _colours = ink(view.viewport().grab().toImage(), darker_than=300)
    return dark >= 20


def save_picture(pixmap: QPixmap, name: str, tmp_path: Path) -> Path:
    """Written whole into tmp_path, checked, then copied into docs/screenshots."""
    shot = tmp_path / name
    assert pixmap.save(str(shot))
    assert shot.stat().st_size > 10_000
    dark, colours = ink(pixmap.toImage())
    assert dark >= 60 and colours >= 4, f"{name} looks blank"
    target = SCREENSHOTS / name
    shutil.copyfile(shot, target)
    return target


def save_widget(widget: QWidget, name: str, tmp_path: Path) -> Path:
    QApplication.processEvents()
    return save_picture(widget.grab(), name, tmp_path)


def save_over_window(window: QWidget, dialog: QWidget, name: str, tmp_path: Path) -> Path:
    """The main window with the dialog drawn over its middle, as a person sees them. Offscreen
    there is no window frame, so the dialog gets a plain one with its title."""
    QApplication.processEvents()
    picture = window.grab()
    over = dialog.grab()
    bar = 26
    left = max(0, (picture.width() - over.width()) // 2)
    top = max(bar, (picture.height() - over.height() - bar) // 2 + bar)
    painter = QPainter(picture)
    painter.fillRect(QRect(left - 1, top - bar, over.width() + 2, bar), QColor("#d8dce3"))
    painter.setPen(QColor("#202020"))
    painter.drawText(
        QRect(left + 8, top - bar, over.width() - 16, bar),
        int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
        dialog.windowTitle(),
    )
    painter.drawPixmap(QPoint(left, top), over)
    painter.setPen(QColor("#6b7280"))
    painter.drawRect(QRect(left - 1, top - bar, over.width() + 1, over.height() + bar))
    painter.end()
    return save_picture(picture, name, tmp_path)


def wait_preview(qtbot: QtBot) -> PdfPreviewDialog:
    qtbot.waitUntil(lambda: top_level("pdfPreviewDialog") is not None, timeout=20_000)
    wait_idle(qtbot)
    preview = top_level("pdfPreviewDialog")
    assert isinstance(preview, PdfPreviewDialog)
    preview.resize(760, WINDOW[1])
    preview.view.setZoomMode(QPdfView.ZoomMode.FitInView)  # the whole first page in the picture
    qtbot.waitUntil(lambda: printed_on(preview.view), timeout=10_000)
    return preview


# --- the demo vault under the real shell ---------------------------------------------------------


@pytest.fixture(scope="module")
def demo_shell(qapp: QApplication) -> Iterator[Shell]:
    """As in test_guide_screenshots.py: the demo made on NOW under a shell on its sign-in page,
    in a short temporary folder, as the paths it shows are in the pictures."""
    with tempfile.TemporaryDirectory(prefix="sharewise-") as temporary:
        yield from running_demo_shell(Path(temporary) / "Sharewise")


@pytest.fixture
def shell(demo_shell: Shell, qtbot: QtBot) -> Shell:
    if demo_shell.session is None:
        manager = demo_accounts()[0]
        sign_in_through_window(qtbot, demo_shell, manager.username, manager.password)
    assert demo_shell.workspace is not None
    return demo_shell


@pytest.fixture
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield
    assert shown == [], f"an error reached the error dialog: {shown!r}"


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A folder whose path the picture shows: ``/tmp/sw-…`` rather than pytest's long one."""
    with tempfile.TemporaryDirectory(prefix="sw-") as temporary:
        yield Path(temporary)


def a_child_with_consents(shell: Shell) -> tuple[int, str]:
    session = shell.session
    assert session is not None
    for child in session.children.find():
        if session.consents.for_child(child.id).consents:
            return int(child.id), child.legal_name
    raise AssertionError("the demo has no child with a consent on record")


# --- first-run setup and the Recovery Sheet --------------------------------------------------------


def test_setup_first_page_and_the_recovery_sheet(
    tmp_path: Path, qtbot: QtBot, no_error_dialogs: None
) -> None:
    wizard = SetupWizard(tmp_path / "data", clock=ManualClock(NOW), keyring=DeviceKeyring(MemoryKeyring()))
    qtbot.addWidget(wizard)
    wizard.resize(720, 560)
    wizard.show()
    page = wizard.provider_page
    page.name.setText(SETTING)
    page.urn.setText("EY123456")
    page.address.setPlainText("2 Elm Road\nAnytown\nAN1 2BC")
    page.dsl.setText("Siobhán Ní Bhriain")
    page.phone.setText("01632 960 000")
    assert wizard.currentPage() is page and wizard.windowTitle() == "Set up Sharewise"
    assert page.title() == "Your setting"
    restore = find(wizard, QPushButton, "setupRestoreButton")
    assert restore.isVisible() and restore.text() == "Restore from a &backup…"
    save_widget(wizard, "guide-setup-first-page.png", tmp_path)

    wizard.next()
    wizard.folder_page.folder.setText(str(tmp_path / "records"))
    wizard.next()
    wizard.manager_page.full_name.setText("Zoë Adams")
    wizard.manager_page.username.setText("zoe")
    wizard.manager_page.password.setText("velvet otter lighthouse")
    wizard.manager_page.repeat.setText("velvet otter lighthouse")
    wizard.next()
    assert wizard.currentPage() is wizard.create_page
    qtbot.waitUntil(wizard.create_page.isComplete, timeout=30_000)
    wizard.next()
    assert wizard.currentPage() is wizard.sheet_page
    wizard.sheet_page.show_button.click()
    preview = wait_preview(qtbot)
    created = wizard.created
    assert created is not None
    assert preview.windowTitle() == SHEET_TITLE and preview.page_count == 1
    save_widget(preview, "guide-recovery-sheet.png", tmp_path)

    preview.close()
    wizard.reject()  # signs the new manager out; the throwaway vault is closed here
    created.vault.close()


# --- adding staff ---------------------------------------------------------------------------------


def test_the_staff_area_with_the_add_dialog(shell: Shell, qtbot: QtBot, tmp_path: Path) -> None:
    area = open_area(shell, qtbot, "Staff")
    assert isinstance(area, StaffArea)
    people = area.model.records()
    assert {p.full_name for p in people} >= {a.full_name for a in demo_accounts()}
    find(area, QPushButton, "addStaffButton").click()
    assert NEW_STAFF not in {p.full_name for p in people}  # a new person, not one listed behind
    dialog = top_level("addStaffDialog")
    assert isinstance(dialog, AddStaffDialog) and dialog.windowTitle() == "Add a staff member"
    find(dialog, QLineEdit, "fullNameEdit").setText(NEW_STAFF)
    find(dialog, QLineEdit, "newUsernameEdit").setText("zoe.alund")
    find(dialog, QLineEdit, "jobTitleEdit").setText("Nursery practitioner")
    assert find(dialog, QCheckBox, f"role_{Role.KEY_WORKER.value}").isChecked()  # the usual role
    assert not find(dialog, QCheckBox, f"role_{Role.MANAGER.value}").isChecked()
    save_over_window(shell.window, dialog, "guide-staff-add.png", tmp_path)
    dialog.reject()
    wait_idle(qtbot)


# --- logging a concern -----------------------------------------------------------------------------


def test_the_concern_form_filled_in(shell: Shell, qtbot: QtBot, tmp_path: Path) -> None:
    session = shell.session
    assert session is not None
    open_area(shell, qtbot, "Concerns")
    child_id, child_name = a_child_with_consents(shell)
    dialog = LogConcernDialog(session, shell.window, child_id=child_id)
    dialog.show()
    wait_idle(qtbot)
    assert dialog.windowTitle() == LOG_FORM_TITLE and names_no_child(dialog.windowTitle())
    assert child_name in find(dialog, QLabel, "concernChildChosenLabel").text()
    category = find(dialog, QComboBox, "categoryCombo")
    assert category.count() > 1
    category.setCurrentIndex(1)
    assert find(dialog, QLabel, "categoryGuidance").text()
    find(dialog, QPlainTextEdit, "factsEdit").setPlainText(
        "At 10:15 in the garden, a round bruise about 2 cm across on the back of the left hand. "
        "Only the two of us were by the sandpit."
    )
    find(dialog, QPlainTextEdit, "childWordsEdit").setPlainText("“Teddy did it. Teddy bites.”")
    find(dialog, QPlainTextEdit, "opinionEdit").setPlainText("It did not look like a fall to me.")
    find(dialog, QPlainTextEdit, "actionTakenEdit").setPlainText(
        "Told the DSL at 10:30. Did not ask any more questions."
    )
    find(dialog, QCheckBox, "dslToldCheck").setChecked(True)
    assert "secret" in find(dialog, QLabel, "secretReminder").text().lower()
    save_widget(dialog, "guide-concern-form.png", tmp_path)
    dialog.reject()  # cancelled: nothing is recorded
    wait_idle(qtbot)


# --- a sharing decision ----------------------------------------------------------------------------


def test_the_decision_wizard_on_the_consent_question_and_the_outcome(
    shell: Shell, qtbot: QtBot, tmp_path: Path, no_error_dialogs: None
) -> None:
    session = shell.session
    assert session is not None
    child_id, _name = a_child_with_consents(shell)
    now = session.context.clock.now()
    share = session.sharing.open(
        Intake(
            direction=Direction.REQUEST,
            received_via=Channel.EMAIL,
            received_at=now - timedelta(hours=1),
            child_ids=(child_id,),
            asked_for="Attendance this term and any concerns",
            purpose="An early help assessment the family agreed to",
            urgency=Urgency.ROUTINE,
            requester_org=SOCIAL_CARE,
            requester_name=REQUESTER,
            requester_role="Early help worker",
        )
    )
    area = open_area(shell, qtbot, "Sharing")
    assert isinstance(area, SharingArea)
    wizard = area.open_decision_wizard(int(share.id))
    assert isinstance(wizard, DecisionWizard)
    wizard.resize(*WINDOW)
    wait_idle(qtbot)
    assert wizard.windowTitle() == WIZARD_TITLE and names_no_child(wizard.windowTitle())

    def page() -> str:
        shown = wizard.pages.currentWidget()
        assert shown is not None
        return shown.objectName()

    def answer(question: Question, choice: Answer) -> None:
        assert page() == f"questionPage_{question.value}"
        find(wizard, QRadioButton, f"answer_{question.value}_{choice.value}").click()
        find(wizard, QPushButton, "nextButton").click()
        wait_idle(qtbot)

    answer(Question.PURPOSE, Answer.YES)
    answer(Question.IDENTIFIABLE, Answer.YES)
    answer(Question.CONFIDENTIAL, Answer.YES)
    answer(Question.CHILD_AT_RISK, Answer.NO)
    assert page() == "questionPage_consent"
    assert find(wizard, QLabel, "pathLabel").text().startswith("Purpose: Yes → Identifiable: Yes")
    on_record = find(wizard, QLabel, "consentsOnRecord_consent")
    assert on_record.isVisible() and on_record.text().startswith("Consents on record:")
    find(wizard, QRadioButton, f"answer_consent_{Answer.GIVEN.value}").click()
    save_widget(wizard, "guide-sharing-consent.png", tmp_path)

    find(wizard, QPushButton, "nextButton").click()
    wait_idle(qtbot)
    assert page() == "outcomePage"
    assert "Share" in find(wizard, QLabel, "verdictLabel").text()
    assert find(wizard, QWidget, "shareFields").isVisible()
    assert find(wizard, QLineEdit, "recipientOrgEdit").text() == SOCIAL_CARE
    find(wizard, QCheckBox, f"itemCheck_child:{child_id}").setChecked(True)
    find(wizard, QPlainTextEdit, "sharedHowEdit").setPlainText("Secure email")
    find(wizard, QPlainTextEdit, "reasonsEdit").setPlainText(
        "The parents agreed to the early help assessment and to this setting sharing attendance."
    )
    save_widget(wizard, "guide-sharing-outcome.png", tmp_path)
    wizard.close()  # what was answered is kept; the request stays waiting for a decision
    wait_idle(qtbot)
    assert session.sharing.get(int(share.id)).status is ShareStatus.OPEN


def test_the_decision_record_print_preview(shell: Shell, qtbot: QtBot, tmp_path: Path) -> None:
    session = shell.session
    assert session is not None
    decided = [s for s in session.sharing.queue(include_final=True) if s.status is ShareStatus.FINAL]
    assert decided, "the demo has finalised decisions"
    area = open_area(shell, qtbot, "Sharing")
    assert isinstance(area, SharingArea)
    record = area.open_record(int(decided[0].id))
    wait_idle(qtbot)
    find(record, QPushButton, "printRecordButton").click()
    preview = wait_preview(qtbot)
    assert preview.windowTitle() == DECISION_TITLE and names_no_child(preview.windowTitle())
    assert preview.page_count >= 1
    save_widget(preview, "guide-decision-record.png", tmp_path)
    preview.close()
    record.close()
    wait_idle(qtbot)


# --- backups and restore --------------------------------------------------------------------------


def test_settings_backups_after_backing_up_now(
    shell: Shell, qtbot: QtBot, tmp_path: Path, short_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = short_tmp / "USB stick"
    stick.mkdir()
    monkeypatch.setattr(backups_ui, "pick_folder", lambda _parent, _title, _start: stick)
    area = open_area(shell, qtbot, "Settings")
    assert isinstance(area, SettingsArea)
    box = area.backups
    wait_idle(qtbot)
    assert find(box, QLabel, "backupFolderLabel").text().startswith("Backup folder: ")
    find(box, QPushButton, "backUpNowButton").click()
    wait_idle(qtbot)
    assert list(stick.glob("*.swbackup"))
    assert find(box, QLabel, "backupMessage").text().startswith(f"Backup saved: {stick}")
    assert find(box, QLabel, "lastBackupLabel").text().startswith("Last backup: ")
    warning = find(box, QLabel, "backupWarningLabel")
    assert warning.isVisible() and "same drive" in warning.text()  # the demo keeps them beside the data
    scroll = area.findChild(QScrollArea)
    assert scroll is not None
    scroll.ensureWidgetVisible(box)
    save_window(shell.window, "guide-settings-backups.png", tmp_path)


def test_the_restore_dialog_after_the_check(
    shell: Shell,
    qtbot: QtBot,
    tmp_path: Path,
    short_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_error_dialogs: None,
) -> None:
    session = shell.session
    assert session is not None
    folder = short_tmp / "Sharewise backups"
    folder.mkdir()
    made = session.backups.make(folder)
    monkeypatch.setattr(restore_ui, "pick_backup_file", lambda _parent: made.path)
    shell.sign_out()
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: shell.session is None, timeout=10_000)
    sign_in_page = shell.window.current_page()
    assert sign_in_page is not None and sign_in_page.objectName() == "signInPage"

    find(shell.window, QPushButton, "restoreBackupButton").click()
    dialog = top_level("restoreDialog")
    assert isinstance(dialog, RestoreDialog) and dialog.windowTitle() == "Restore from a backup"
    find(dialog, QPushButton, "restoreChooseButton").click()
    manager = demo_accounts()[0]
    find(dialog, QRadioButton, "restoreWithPassword").setChecked(True)
    find(dialog, QLineEdit, "restoreUsernameEdit").setText(manager.username)
    find(dialog, QLineEdit, "restorePasswordEdit").setText(manager.password)
    find(dialog, QPushButton, "restoreCheckButton").click()
    wait_idle(qtbot)
    shown = find(dialog, QLabel, "restoreContents")
    assert shown.isVisible()
    assert "audit log verifies" in shown.text() and "children" in shown.text()
    assert "pre-restore" in shown.text()
    assert not any(name in shown.text() for name in (manager.full_name,))  # counts, never names
    understood = find(dialog, QCheckBox, "restoreUnderstood")
    assert understood.isVisible() and not understood.isChecked()
    assert not find(dialog, QPushButton, "restoreButton").isEnabled()
    dialog.adjustSize()
    save_over_window(shell.window, dialog, "guide-restore-checked.png", tmp_path)
    dialog.reject()  # nothing is restored
    wait_idle(qtbot)
