"""The Annual review area: choose a year, build the pack off the UI thread with progress, preview
it, and a print writes one audit entry about the document (no child); the committee reviewer,
signed in through the window, sees Home and Annual review only. Fictional people only.

Printing goes to a QPrinter in PDF mode in ``tmp_path`` (see tests/ui/test_form_printing.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QPushButton, QTabWidget
from pytestqt.qtbot import QtBot

from app.audit import AuditAction, AuditFilter
from app.children import ChildDetails
from app.documents import DocumentKind
from app.policy.permissions import Role
from app.reports.review_pack import SECTION_TITLES
from tests.conftest import VaultUnderTest
from tests.ui.conftest import find, sign_in_through_window, top_level, wait_idle
from tests.ui.test_form_printing import pages_of, pdf_printer
from ui import operations
from ui.areas.review import PACK_TITLE, ReviewArea
from ui.pdf_preview import PdfPreviewDialog
from ui.shell import Shell

REVIEWER, REVIEWER_NAME, REVIEWER_PASSWORD = "αθηνά", "Αθηνά Γεωργίου", "amber quill harbour"
CHILD = "Siobhán Nguyễn"


@pytest.fixture
def area(made_vault: VaultUnderTest, qtbot: QtBot) -> ReviewArea:
    made_vault.session.children.add(ChildDetails(CHILD, "2023-02-03", "2025-09-01", room="Acorns"))
    made_vault.clock.set(made_vault.clock.now().replace(year=2027, month=1, day=12))
    opened = ReviewArea(made_vault.session)
    qtbot.addWidget(opened)
    opened.show()
    opened.opened()
    wait_idle(qtbot)
    return opened


def built(qtbot: QtBot, area: ReviewArea) -> PdfPreviewDialog:
    find(area, QPushButton, "buildPackButton").click()
    qtbot.waitUntil(lambda: area.preview is not None, timeout=20_000)
    wait_idle(qtbot)
    assert top_level("errorDialog") is None
    assert area.preview is not None and area.preview.isVisible()
    return area.preview


def text_of(dialog: PdfPreviewDialog) -> str:
    """The preview's text with runs of white space (line breaks too) made single spaces."""
    pages = (dialog.document.getAllText(page).text() for page in range(dialog.page_count))
    return " ".join(" ".join(pages).split())


def test_choose_a_year_build_with_progress_preview_and_print_once(
    made_vault: VaultUnderTest,
    area: ReviewArea,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    heard: list[float] = []
    original = operations.Operation._progressed

    def spy(self: operations.Operation[object], fraction: float) -> None:
        heard.append(fraction)
        original(self, fraction)

    monkeypatch.setattr(operations.Operation, "_progressed", spy)
    year = find(area, QComboBox, "reviewYearCombo")
    assert [year.itemText(i) for i in range(year.count())] == ["2027", "2026"]
    assert year.currentText() == "2026"  # the year just ended
    year.setCurrentIndex(year.findText("2026"))

    dialog = built(qtbot, area)

    assert dialog.windowTitle() == PACK_TITLE
    words = text_of(dialog)
    assert "Annual review of information sharing and records, 2026" in words
    for title in SECTION_TITLES:
        assert title in words
    for part in ("Siobhán", "Nguyễn"):
        assert part not in words and part not in dialog.windowTitle()
    assert f"{dialog.page_count} pages" in find(area, QLabel, "reviewPackSummary").text()
    # Progress: the figures (first 60 %), then the PDF, to the end; never backwards.
    assert heard == sorted(heard) and heard[-1] == 1.0
    assert any(f <= 0.6 for f in heard) and any(0.6 < f < 1.0 for f in heard)
    built_entries = made_vault.session.audit.entries(
        where=AuditFilter(action=AuditAction.REVIEW_PACK_BUILT.value)
    )
    assert [e.detail for e in built_entries] == [{"year": 2026}]
    assert (
        made_vault.session.audit.entries(where=AuditFilter(action=AuditAction.DOCUMENT_PRINTED.value)) == []
    )

    target = tmp_path / "printed.pdf"
    dialog.print_to(pdf_printer(target))

    assert pages_of(target) == dialog.page_count
    (entry,) = made_vault.session.audit.entries(where=AuditFilter(action=AuditAction.DOCUMENT_PRINTED.value))
    assert (entry.subject_type, entry.subject_id) == ("document", DocumentKind.REVIEW_PACK.value)
    assert entry.detail == {"kind": DocumentKind.REVIEW_PACK.value, "pages": dialog.page_count}
    dialog.close()


def test_the_button_waits_while_the_pack_is_built(area: ReviewArea, qtbot: QtBot) -> None:
    button = find(area, QPushButton, "buildPackButton")
    assert button.isEnabled()
    button.click()
    assert not button.isEnabled()  # a second click cannot start a second build
    qtbot.waitUntil(lambda: area.preview is not None, timeout=20_000)
    wait_idle(qtbot)
    assert button.isEnabled()
    area.preview.close()  # type: ignore[union-attr]


def test_the_policies_tab_loads_when_shown_and_forget_empties_both(area: ReviewArea, qtbot: QtBot) -> None:
    tabs = find(area, QTabWidget, "reviewTabs")
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Annual review pack", "Policies"]
    assert area.policies.model.rowCount() == 0  # not read until its tab is shown
    tabs.setCurrentIndex(1)
    wait_idle(qtbot)
    assert area.policies.model.rowCount() >= 1  # the confidentiality policy, seeded
    dialog = built(qtbot, area)

    area.forget()

    assert find(area, QComboBox, "reviewYearCombo").count() == 0
    assert find(area, QLabel, "reviewPackSummary").text() == ""
    assert not find(area, QPushButton, "buildPackButton").isEnabled()
    assert area.policies.model.rowCount() == 0
    assert dialog.page_count == 0  # the preview dropped the document
    dialog.close()


# --- the committee reviewer ---------------------------------------------------------------------


@pytest.fixture
def reviewer(made_vault: VaultUnderTest) -> int:
    return made_vault.add_person(REVIEWER, REVIEWER_NAME, {Role.REVIEWER}, REVIEWER_PASSWORD)


def test_a_reviewer_sees_home_and_annual_review_only_and_prints_the_pack(
    reviewer: int, shell: Shell, qtbot: QtBot, tmp_path: Path
) -> None:
    session = sign_in_through_window(qtbot, shell, REVIEWER, REVIEWER_PASSWORD)
    assert session.roles == frozenset({Role.REVIEWER})
    workspace = shell.workspace
    assert workspace is not None
    nav = find(workspace, QListWidget, "navigation")
    assert [nav.item(i).text() for i in range(nav.count())] == ["Home", "Annual review"]

    area = workspace.open_area("Annual review")
    wait_idle(qtbot)
    assert isinstance(area, ReviewArea)
    assert shell.window.windowTitle() == "Sharewise — Annual review"
    dialog = built(qtbot, area)
    dialog.print_to(pdf_printer(tmp_path / "printed.pdf"))

    printed = session.context.database.query(
        "SELECT actor_id, subject_type, subject_id, detail FROM audit_log WHERE action = ?",
        (AuditAction.DOCUMENT_PRINTED.value,),
    )
    assert [(r["actor_id"], r["subject_type"], r["subject_id"]) for r in printed] == [
        (reviewer, "document", DocumentKind.REVIEW_PACK.value)
    ]
    assert json.loads(printed[0]["detail"])["pages"] == dialog.page_count
    dialog.close()
