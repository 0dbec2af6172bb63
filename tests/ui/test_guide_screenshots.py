"""The pictures of the user guide's sections on the annual review, retention and subject access,
taken from the demo vault through the real shell (offscreen) and written over
``docs/screenshots/{annual-review,policies,retention,subject-access}.png``, and the cover and the
concerns chart page of the demo's annual review pack rendered with ``pdftoppm -png -r 60`` into
``docs/screenshots/review-pack-{cover,charts}.png``.

Each test also checks what the picture shows, so a guide picture of an empty table, a window
title naming a child or a pack without its charts fails here. The demo is made on Friday
15 January 2027, so the pack the manager builds first is the one for 2026, the year just ended,
as it would be in a real January. Fictional people only.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPushButton, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from app.clock import ManualClock
from app.demo import create_demo_vault, demo_accounts
from app.reports.review_pack import FIGURES_ONLY, SECTION_TITLES, build_review_pack
from app.retention import ItemState
from app.review_pack import MONTH_LABELS
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault
from tests.app.test_chronology_pdf import poppler
from tests.ui.conftest import find, sign_in_through_window, wait_idle
from ui import operations
from ui.areas.retention import RetentionArea
from ui.areas.review import PACK_TITLE, ReviewArea
from ui.areas.subject_access import SubjectAccessArea
from ui.shell import Shell

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "docs" / "screenshots"
NOW = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
YEAR = 2026  # the year just ended: the pack the area offers first
WINDOW = (1100, 720)  # the size of the README's screenshots
SAR_CHILD = "Noé Whitfield-Martin"  # the demo request with items withheld and items to decide


def _demo_json(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        resources.files("resources").joinpath("demo", name).read_text("utf-8")
    )
    return data


def demo_child_names() -> list[str]:
    """Every demo child's legal and known-as name, on roll, left or from the paper files."""
    found: list[str] = []
    for source in ("children.json", "retention.json"):
        for family in _demo_json(source)["families"]:  # type: ignore[attr-defined]
            for child in family["children"]:
                found.append(child["legal_name"])
                if child.get("known_as"):
                    found.append(child["known_as"])
    return found


def names_no_child(title: str) -> bool:
    folded = unicodedata.normalize("NFC", title).casefold()
    return not any(
        re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", folded) for name in demo_child_names()
    )


def save_window(window: QWidget, name: str, tmp_path: Path) -> Path:
    """The main window's pixels as a PNG in docs/screenshots (written whole, then moved in)."""
    QApplication.processEvents()
    shot = tmp_path / name
    assert window.grab().save(str(shot))
    assert shot.stat().st_size > 10_000  # a real picture, not an empty window
    target = SCREENSHOTS / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, target)
    return target


# --- the demo vault under the real shell --------------------------------------------------------


@pytest.fixture(scope="module")
def demo_shell(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shell]:
    """The demo vault made on NOW under a shell on its sign-in page, with the demo banner as
    ``sharewise --demo`` shows it, the window the size of the README's screenshots. One for the
    module: the demo is made once."""
    yield from running_demo_shell(tmp_path_factory.mktemp("demo") / "vault")


def running_demo_shell(folder: Path) -> Iterator[Shell]:
    """The demo fixtures' body: the demo made on NOW in ``folder``, the shell on its sign-in page,
    and at the end the close backup made, the vault released and the window closed."""
    made = create_demo_vault(folder, keyring=DeviceKeyring(None), clock=ManualClock(NOW))
    clock = ManualClock(NOW + timedelta(minutes=5))
    vault = Vault.open(made.folder, keyring=DeviceKeyring(None), clock=clock)
    running = Shell(
        vault, clock=clock, provider_name=made.provider.name, demo_accounts=made.accounts, watch_os=False
    )
    running.start()
    running.window.resize(*WINDOW)
    yield running
    operations.abandon_all()
    for widget in QApplication.topLevelWidgets():
        if widget is not running.window and widget.isVisible():
            widget.close()
    running.idle.stop()
    running.shut_down(wait=True)  # signs out (the close backup made here) and releases the vault
    running.window.close()


@pytest.fixture
def shell(demo_shell: Shell, qtbot: QtBot) -> Shell:
    """The demo manager signed in through the window, by the first test that asks."""
    if demo_shell.session is None:
        manager = demo_accounts()[0]
        session = sign_in_through_window(qtbot, demo_shell, manager.username, manager.password)
        assert session.me.full_name == manager.full_name
    assert demo_shell.workspace is not None
    return demo_shell


def open_area(shell: Shell, qtbot: QtBot, title: str) -> QWidget:
    assert shell.workspace is not None
    area = shell.workspace.open_area(title)
    assert area is not None
    wait_idle(qtbot)
    assert shell.window.windowTitle() == f"Sharewise — {title}"
    assert names_no_child(shell.window.windowTitle())
    return area


# --- the annual review ---------------------------------------------------------------------------


def test_the_annual_review_pack_tab_after_building_the_pack(
    shell: Shell, qtbot: QtBot, tmp_path: Path
) -> None:
    area = open_area(shell, qtbot, "Annual review")
    assert isinstance(area, ReviewArea)
    year = find(area, QComboBox, "reviewYearCombo")
    assert [year.itemText(i) for i in range(2)] == ["2027", "2026"]  # newest first
    assert year.currentText() == str(YEAR)  # the year just ended comes first

    find(area, QPushButton, "buildPackButton").click()
    qtbot.waitUntil(lambda: area.preview is not None, timeout=20_000)
    wait_idle(qtbot)
    preview = area.preview
    assert preview is not None and preview.windowTitle() == PACK_TITLE
    pages = preview.page_count
    preview.close()
    summary = find(area, QLabel, "reviewPackSummary").text()
    assert summary == f"The pack for {YEAR} is ready: {pages} pages. Print it or save it from the preview."
    assert pages >= 12
    assert names_no_child(shell.window.windowTitle())

    save_window(shell.window, "annual-review.png", tmp_path)


def test_the_policies_tab_shows_the_demo_register(shell: Shell, qtbot: QtBot, tmp_path: Path) -> None:
    area = open_area(shell, qtbot, "Annual review")
    assert isinstance(area, ReviewArea)
    tabs = find(area, QTabWidget, "reviewTabs")
    tabs.setCurrentWidget(area.policies)
    wait_idle(qtbot)

    policies = _demo_json("policies.json")["policies"]
    in_force = [p["name"] for p in policies if "retired_days_ago" not in p]  # type: ignore[attr-defined]
    shown = area.policies.model.records()
    assert sorted(p.name for p in shown) == sorted(in_force)
    (marked,) = [p for p in shown if p.staff_acknowledge]
    assert marked.name == "Information sharing and confidentiality"
    model = area.policies.model
    review = {model.cell(p, 0): model.cell(p, 1) for p in shown}
    assert review["Whistleblowing"] == "No review date"  # the demo's policy nobody has reviewed
    assert review["Safeguarding and child protection"] == "Up to date"
    assert "signed the local tier-2" in find(area, QLabel, "protocolTier2Label").text()
    assert "contract with the council" in find(area, QLabel, "protocolContractLabel").text()

    save_window(shell.window, "policies.png", tmp_path)
    tabs.setCurrentIndex(0)  # as the area is found next time


# --- retention ----------------------------------------------------------------------------------


def test_the_retention_queue_has_an_item_in_each_state(shell: Shell, qtbot: QtBot, tmp_path: Path) -> None:
    area = open_area(shell, qtbot, "Retention")
    assert isinstance(area, RetentionArea)
    items = area.queue_model.records()
    assert {item.state for item in items} == {ItemState.DUE, ItemState.KEPT, ItemState.HELD}
    assert area.queue_model.rowCount() == len(items) >= 3
    assert "waiting for a decision" in find(area, QLabel, "retentionQueueCount").text()
    assert len(area.destroyed_model.records()) == 1  # the demo's general record destroyed this year
    due = next(row for row, item in enumerate(items) if item.state is ItemState.DUE)
    area.queue_table.selectRow(due)
    assert find(area, QPushButton, "destroyButton").isEnabled()

    save_window(shell.window, "retention.png", tmp_path)


# --- subject access -----------------------------------------------------------------------------


def test_a_subject_access_request_with_its_items(shell: Shell, qtbot: QtBot, tmp_path: Path) -> None:
    area = open_area(shell, qtbot, "Subject access")
    assert isinstance(area, SubjectAccessArea)
    requests = area.queue_model.records()
    assert len(requests) == 2  # the demo's open requests; the third was released
    row = next(n for n, r in enumerate(requests) if r.child_name == SAR_CHILD)
    area.queue.selectRow(row)
    wait_idle(qtbot)

    items = area.items_model.records()
    assert items and area.items_model.rowCount() == len(items)
    decisions = [area.items_model.cell(item, 0) for item in items]
    assert "Withheld: another person" in decisions
    assert "TO DECIDE" in decisions
    waiting = decisions.index("TO DECIDE")
    area.items.selectRow(waiting)
    assert area.content.toPlainText().startswith(items[waiting].label)
    assert "still to decide" in find(area, QLabel, "sarStatus").text()
    assert not find(area, QPushButton, "releaseSarButton").isEnabled()  # not until every item is decided
    assert names_no_child(shell.window.windowTitle())

    save_window(shell.window, "subject-access.png", tmp_path)


# --- the pack's pages ---------------------------------------------------------------------------


def render_page(pdf: bytes, page: int, name: str, tmp_path: Path) -> Path:
    """One page of the PDF as a PNG at 60 dpi, as the forms' pictures are made."""
    stem = tmp_path / name.removesuffix(".png")
    subprocess.run(
        [
            poppler("pdftoppm"),
            "-png",
            "-r",
            "60",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            "-",
            str(stem),
        ],
        input=pdf,
        check=True,
    )
    made = stem.with_suffix(".png")
    assert made.stat().st_size > 5_000
    target = SCREENSHOTS / name
    shutil.copyfile(made, target)
    return target


def test_the_pack_cover_and_the_concerns_charts(shell: Shell, tmp_path: Path) -> None:
    session = shell.session
    assert session is not None
    figures = session.review_pack.figures(YEAR)
    pdf = build_review_pack(figures)
    text = subprocess.run(
        [poppler("pdftotext"), "-enc", "UTF-8", "-", "-"], input=pdf.data, capture_output=True, check=True
    )
    pages = [" ".join(page.split()) for page in text.stdout.decode("utf-8").split("\f")]
    cover = pages[0]
    assert f"Annual review of information sharing and records, {YEAR}" in cover
    assert FIGURES_ONLY in cover and "The year is not over yet" not in cover
    concerns = next(n for n, page in enumerate(pages[2:], start=3) if SECTION_TITLES[2] in page)
    chart_page = pages[concerns - 1]
    assert "By month" in chart_page
    assert all(month in chart_page for month in MONTH_LABELS)
    assert sum(t.count for t in figures.concerns.by_month) >= 3  # a year of the demo's concerns

    render_page(pdf.data, 1, "review-pack-cover.png", tmp_path)
    render_page(pdf.data, concerns, "review-pack-charts.png", tmp_path)
