"""The leak scan through the real window (issue 8): QSettings, window titles, temp files and logs.

The core-level scan (test_leak_scan.py) has no Qt, so it cannot see what the desktop program
itself writes. Here the manager signs in on the real shell (offscreen) and, through the forms,
adds a child and a carer with sentinel names (accents, Cyrillic, Greek, Vietnamese), logs a
concern, previews the chronology and saves it as a PDF, makes a "Back up now" copy, locks,
unlocks, signs out (with its automatic backup) and closes the window, which writes its geometry
to QSettings. For the whole run QSettings, the temporary folder and TMPDIR point at folders the
test owns, and logging (DEBUG), Qt's messages, stdout and stderr are captured.

Then no window title seen along the way names a sentinel, and no file under the data folder,
the backup folder, the temporary folder or the QSettings folder, nor any log or output, holds
one in UTF-8, UTF-16-LE or decomposed (NFD) form. The scan cannot pass by being blind: the
sentinels are found in the decrypted pages of the live database, and the QSettings file is
there and holds the geometry key. The PDF the manager chose to save is the one deliberate
unencrypted copy, so it goes to a folder of its own that is not scanned.

Fictional people only.
"""

from __future__ import annotations

import gc
import logging
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QSettings, QStandardPaths
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from app.audit import AuditAction, AuditFilter
from app.documents import DocumentKind
from tests.app import sqlcipher_pages
from tests.conftest import VaultUnderTest
from tests.ui.conftest import (
    find,
    running_shell,
    sign_in_through_window,
    top_level,
    unlock_through_window,
    wait_idle,
)
from ui import backups as backups_ui
from ui import operations
from ui.areas.children import ChildrenArea
from ui.areas.settings import SettingsArea
from ui.child_forms import CarerDialog, ChildForm
from ui.child_record import TAB_CHRONOLOGY, TAB_CONCERNS
from ui.concern_forms import LogConcernDialog
from ui.main_window import GEOMETRY_KEY
from ui.pdf_preview import PdfPreviewDialog
from ui.shell import Shell

CHILD = "Ŝentinel-Łucja-Wn4 Wójcik"
KNOWN_AS = "Łulu-Ŝentinel-Wn4"
CHILD_ADDRESS = "Ŝentinel-Wn4 Cottage, 7 Quiet Lane"
CARER = "Сентинел-Дмитрий-Wn4 Иванов"
CARER_ADDRESS = "Σέντινελ-Wn4 House, 9 Far Road"
FACTS = "Σέντινελ-Wn4 fact: a graze on the right knee, seen at drop-off."
WORDS = "Nguyễn-Ŝentinel-Wn4 said: I fell off the slide."
SENTINELS = (CHILD, KNOWN_AS, CHILD_ADDRESS, CARER, CARER_ADDRESS, FACTS, WORDS)
# A leak of a part (the first name only, a line of the address) is a leak too.
PARTS = tuple(sorted({word for s in SENTINELS for word in s.replace(",", " ").split() if "Wn4" in word}))
NEEDLES = tuple(dict.fromkeys((*SENTINELS, *PARTS)))


def forms_of(text: str) -> dict[str, bytes]:
    """The byte patterns a leak of ``text`` would most likely take."""
    nfd = unicodedata.normalize("NFD", text)
    return {
        "UTF-8": text.encode("utf-8"),
        "UTF-16-LE": text.encode("utf-16-le"),
        "NFD UTF-8": nfd.encode("utf-8"),
        "NFD UTF-16-LE": nfd.encode("utf-16-le"),
    }


def scan(folder: Path) -> tuple[int, list[str]]:
    """Every regular file under ``folder`` (hidden ones too): how many, and the sentinels in them."""
    files = 0
    hits: list[str] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        files += 1
        for needle in NEEDLES:
            for encoding, pattern in forms_of(needle).items():
                if pattern in data:
                    hits.append(f"{needle!r} ({encoding}) in {path}")
    return files, hits


def text_hits(label: str, text: str) -> list[str]:
    return [
        f"{needle!r} in {label}"
        for needle in NEEDLES
        if needle in text or unicodedata.normalize("NFD", needle) in text
    ]


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary folder only this test uses, set before the vault is made."""
    folder = tmp_path / "temp"
    folder.mkdir()
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


@pytest.fixture
def settings_folder(tmp_path: Path, qapp: QApplication) -> Iterator[Path]:
    """QSettings in a folder of the test's own, under the names the real program sets (without
    them Qt writes nothing at all, so the scan would be vacuous). Put back afterwards."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    names = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    default_format = QSettings.defaultFormat()
    # Qt's own default for both formats in the user scope on Linux (it has no getter to save).
    config = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    for kind in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(folder))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QCoreApplication.setOrganizationName("Sharewise")
    QCoreApplication.setApplicationName("Sharewise")
    try:
        yield folder
    finally:
        QCoreApplication.setOrganizationName(names[0])
        QCoreApplication.setApplicationName(names[1])
        QSettings.setDefaultFormat(default_format)
        for kind in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
            QSettings.setPath(kind, QSettings.Scope.UserScope, config)


@pytest.fixture
def shell(
    private_temp: Path, settings_folder: Path, made_vault: VaultUnderTest, qtbot: QtBot
) -> Iterator[Shell]:
    """The shell on the sign-in page, started only once the temp folder and QSettings are the
    test's."""
    yield from running_shell(made_vault, qtbot)
    gc.collect()  # free the widgets here, on the GUI thread, not in a later test's worker
    gc.collect()  # free the widgets here, on the GUI thread, not in a later test's worker


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


class Titles:
    """Every window title seen: the main window's as it changes, and every top-level widget's
    (shown or hidden) whenever ``look`` is called."""

    def __init__(self, shell: Shell) -> None:
        self.seen: list[tuple[str, str]] = []
        shell.window.windowTitleChanged.connect(lambda title: self.seen.append(("mainWindow", title)))

    def look(self) -> None:
        for widget in QApplication.topLevelWidgets():
            self.seen.append((widget.objectName() or type(widget).__name__, widget.windowTitle()))


def test_the_window_leaves_no_sentinel_in_titles_settings_temp_files_backups_or_logs(
    shell: Shell,
    made_vault: VaultUnderTest,
    qtbot: QtBot,
    tmp_path: Path,
    private_temp: Path,
    settings_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    qtlog: Any,
) -> None:
    caplog.set_level(logging.DEBUG)
    titles = Titles(shell)
    titles.look()
    session = sign_in_through_window(qtbot, shell)
    titles.look()
    workspace = shell.workspace
    assert workspace is not None

    # A child, through the child form.
    area = workspace.open_area("Children")
    assert isinstance(area, ChildrenArea)
    wait_idle(qtbot)
    area.add_button.click()
    form = top_level("childForm")
    assert isinstance(form, ChildForm)
    form.legal_name.setText(CHILD)
    form.known_as.setText(KNOWN_AS)
    form.address.setPlainText(CHILD_ADDRESS)
    form.date_of_birth.setDate(QDate(2023, 3, 1))
    titles.look()
    form.ok_button.click()
    wait_idle(qtbot)
    record = area.record
    assert record.child is not None and record.child.legal_name == CHILD
    titles.look()

    # A carer, through the carer form on the record.
    record.add_carer_button.click()
    carer = top_level("carerDialog")
    assert isinstance(carer, CarerDialog)
    carer.full_name.setText(CARER)
    carer.relationship.setEditText("Father")
    carer.responsibility.setChecked(True)
    carer.lives_with.setChecked(True)
    carer.address.setPlainText(CARER_ADDRESS)
    titles.look()
    carer.ok_button.click()
    wait_idle(qtbot)
    assert [c.full_name for c in record.child.carers] == [CARER]

    # A concern, through the concern form with this child fixed.
    record.tabs.setCurrentIndex(TAB_CONCERNS)
    wait_idle(qtbot)
    record.log_concern_button.click()
    wait_idle(qtbot)
    concern = top_level("logConcernDialog")
    assert isinstance(concern, LogConcernDialog)
    concern.category.setCurrentIndex(1)
    concern.facts.setPlainText(FACTS)
    concern.child_words.setPlainText(WORDS)
    titles.look()
    concern.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    wait_idle(qtbot)
    assert not concern.isVisible()
    (logged,) = session.concerns.for_child(record.child.id)
    assert session.concerns.get(logged.id).facts == FACTS

    # The chronology previewed and saved as a PDF (the save dialogs replaced: none can be driven).
    record.tabs.setCurrentIndex(TAB_CHRONOLOGY)
    wait_idle(qtbot)
    record.print_button.click()
    wait_idle(qtbot)
    preview = top_level("pdfPreviewDialog")
    assert isinstance(preview, PdfPreviewDialog) and preview.page_count >= 1
    titles.look()
    exports = tmp_path / "saved by the manager"
    exports.mkdir()
    saved = exports / "chronology.pdf"
    monkeypatch.setattr(QMessageBox, "warning", lambda *_a: QMessageBox.StandardButton.Save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(saved), "PDF files (*.pdf)"))
    find(preview, QPushButton, "saveButton").click()
    assert saved.read_bytes().startswith(b"%PDF")
    (entry,) = session.audit.entries(where=AuditFilter(action=AuditAction.DOCUMENT_SAVED.value))
    assert entry.detail["kind"] == DocumentKind.CHRONOLOGY.value
    find(preview, QPushButton, "closeButton").click()
    titles.look()

    # The search would see a leak: every sentinel is in the decrypted live database.
    path, key = session.context.database.path, session.context.keys.data_key
    plain = sqlcipher_pages.database_pages(path, key) + sqlcipher_pages.wal_pages(path, key)
    for sentinel in SENTINELS:
        assert any(sentinel.encode() in page for page in plain), f"{sentinel!r} not in the decrypted pages"

    # "Back up now…" from the Settings box into a folder of the test's own (a USB stick).
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(backups_ui, "pick_folder", lambda *_a: usb)
    settings = workspace.open_area("Settings")
    assert isinstance(settings, SettingsArea)
    wait_idle(qtbot)
    find(settings.backups, QPushButton, "backUpNowButton").click()
    wait_idle(qtbot)
    assert len(list(usb.glob("*.swbackup"))) == 1
    titles.look()

    # Lock from the window, unlock, sign out (its backup runs off the UI thread), close.
    shell.window.lock_action.trigger()
    assert not session.is_open and shell.window.current_page().objectName() == "lockScreen"
    titles.look()
    unlocked = unlock_through_window(qtbot, shell)
    assert unlocked is not None and unlocked.is_open
    titles.look()
    shell.window.sign_out_action.trigger()
    qtbot.waitUntil(lambda: not unlocked.is_open, timeout=10_000)
    assert shell.window.current_page().objectName() == "signInPage"
    assert top_level("automaticBackupFailed") is None
    titles.look()
    shell.window.close()  # writes the geometry to QSettings, then shuts the shell down
    titles.look()

    # Each capture would catch a leak: a probe reaches every one of them.
    logging.getLogger("ui.leak_probe").debug("leak-probe %s", "Wn4")
    print("stdout-probe Wn4")
    print("stderr-probe Wn4", file=sys.stderr)
    out, err = capfd.readouterr()
    log = caplog.text
    qt_messages = "\n".join(record.message for record in qtlog.records)
    assert "leak-probe Wn4" in log and "stdout-probe Wn4" in out and "stderr-probe Wn4" in err

    # The QSettings file is there and holds what the window wrote, so its scan is not vacuous.
    written = QSettings().fileName()
    assert Path(written).is_relative_to(settings_folder), written
    assert Path(written).is_file() and QSettings().contains(GEOMETRY_KEY)
    assert b"geometry" in Path(written).read_bytes()

    assert {title for _who, title in titles.seen} >= {"Sharewise — Sign in", "Sharewise — Children"}
    title_hits = [
        f"{needle!r} in the title of {who}: {title!r}"
        for who, title in titles.seen
        for needle in NEEDLES
        if needle in title or unicodedata.normalize("NFD", needle) in title
    ]

    areas = {
        "data folder": made_vault.folder,
        "backup folder (USB)": usb,
        "temporary folder": private_temp,
        "QSettings folder": settings_folder,
    }
    scanned = {name: scan(folder) for name, folder in areas.items()}
    summary = "; ".join(f"{name}: {files} files" for name, (files, _hits) in scanned.items())
    assert scanned["data folder"][0] >= 3 and scanned["backup folder (USB)"][0] == 1, summary
    assert scanned["QSettings folder"][0] >= 1, summary
    automatic = list((made_vault.folder / "backups").glob("*.swbackup"))
    assert len(automatic) == 1, summary  # the sign-out's backup is among the files searched
    hits = [hit for _files, found in scanned.values() for hit in found]
    hits += text_hits("the log", log) + text_hits("stdout", out) + text_hits("stderr", err)
    hits += text_hits("Qt's messages", qt_messages)
    assert title_hits + hits == [], f"sentinels found ({summary}): {title_hits + hits}"
