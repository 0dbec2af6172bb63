"""The Audit area against a real vault: the model, each filter, paging, verifying, forgetting.

Core work runs on worker threads (``ui.operations``), so every check waits for the operations
to finish. Any error that would reach the error dialog fails the test instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from PySide6.QtCore import QDate, QModelIndex
from pytestqt.qtbot import QtBot

from app.audit import AuditAction, AuditEntry, ChainReport
from app.clock import from_text
from app.policy.permissions import Role
from app.settings import AUTO_LOCK_MINUTES, PROVIDER_PHONE
from tests.conftest import MANAGER_NAME, VaultUnderTest
from ui import operations
from ui.areas.audit import (
    BROKEN_STYLE,
    OK_STYLE,
    PAGE_SIZE,
    AuditArea,
    date_filter,
    details_text,
)

DAY = 86_400


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


def settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)


@pytest.fixture
def open_area(qtbot: QtBot, made_vault: VaultUnderTest) -> Iterator[Callable[[], AuditArea]]:
    """Made on demand, after the test has written what it wants to see (``add_person`` signs the
    manager in again, so the area must use the session current at that point)."""

    def make() -> AuditArea:
        area = AuditArea(made_vault.session)
        qtbot.addWidget(area)
        area.opened()
        settle(qtbot)
        return area

    yield make
    settle(qtbot)


def rows(area: AuditArea) -> list[AuditEntry]:
    found = [area.model.entry(row) for row in range(area.model.rowCount())]
    return [entry for entry in found if entry is not None]


def apply(qtbot: QtBot, area: AuditArea) -> None:
    area.apply.click()
    settle(qtbot)


def choose(combo_text: str, combo) -> None:  # type: ignore[no-untyped-def]
    index = combo.findText(combo_text)
    assert index >= 0, f"{combo_text!r} is not offered"
    combo.setCurrentIndex(index)


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def local_day(entry: AuditEntry) -> date:
    return from_text(entry.at).astimezone().date()


def test_the_model_passes_qts_checks(qtmodeltester, open_area: Callable[[], AuditArea]) -> None:  # type: ignore[no-untyped-def]
    area = open_area()
    assert area.title == "Audit"
    assert area.model.rowCount() > 0
    qtmodeltester.check(area.model)
    created = rows(area)[-1]
    assert created.action == AuditAction.VAULT_CREATED
    last = area.model.rowCount() - 1
    cells = [area.model.data(area.model.index(last, column)) for column in range(5)]
    assert cells[1] == MANAGER_NAME
    assert cells[2] == "Vault created"
    assert cells[0] == from_text(created.at).astimezone().strftime("%d %b %Y %H:%M:%S")
    assert area.model.data(area.model.index(0, 0), 9999) is None
    assert area.model.rowCount(area.model.index(0, 0)) == 0
    assert area.model.data(QModelIndex()) is None


def test_who_and_subject_and_details(made_vault: VaultUnderTest, open_area: Callable[[], AuditArea]) -> None:
    made_vault.session.settings.update({PROVIDER_PHONE: "01632 960 333", AUTO_LOCK_MINUTES: 7})
    area = open_area()
    changed = next(e for e in rows(area) if e.action == AuditAction.SETTINGS_CHANGED)
    row = rows(area).index(changed)
    assert area.model.data(area.model.index(row, 3)) == "settings"
    assert area.model.data(area.model.index(row, 4)) == "keys: provider.phone, security.auto_lock_minutes"
    assert area.model.who(None) == "—"


def test_details_are_compact() -> None:
    assert details_text({}) == ""
    assert details_text({"pages": 1}) == "pages: 1"
    assert details_text({"audit_ok": True, "first_broken": None}) == "audit_ok: yes; first_broken: —"
    assert (
        details_text({"forms": ["staff.add", "settings.provider"]}) == "forms: staff.add, settings.provider"
    )


def test_filter_by_person(
    qtbot: QtBot, made_vault: VaultUnderTest, open_area: Callable[[], AuditArea]
) -> None:
    amara = made_vault.add_person("amara.okafor", "Amara Okafor", {Role.KEY_WORKER}, "green bicycle lamp 7")
    area = open_area()
    assert area.person.itemText(0) == "Everyone"
    assert {area.person.itemText(i) for i in range(1, area.person.count())} == {MANAGER_NAME, "Amara Okafor"}
    everyone = len(rows(area))
    choose("Amara Okafor", area.person)
    apply(qtbot, area)
    mine = rows(area)
    assert mine and len(mine) < everyone
    assert {e.actor_id for e in mine} == {amara}
    assert {area.model.data(area.model.index(r, 1)) for r in range(len(mine))} == {"Amara Okafor"}
    assert area.person.currentText() == "Amara Okafor"  # the choice survives the reload
    choose("Everyone", area.person)
    apply(qtbot, area)
    assert len(rows(area)) > everyone  # everything again, and the views since


def test_filter_by_action(
    qtbot: QtBot, made_vault: VaultUnderTest, open_area: Callable[[], AuditArea]
) -> None:
    for minutes in (6, 7, 8):
        made_vault.session.settings.update({AUTO_LOCK_MINUTES: minutes})
    area = open_area()
    assert area.action.itemText(0) == "All actions"
    assert area.action.count() == len(AuditAction) + 1
    choose("Settings changed", area.action)
    apply(qtbot, area)
    assert [e.action for e in rows(area)] == [AuditAction.SETTINGS_CHANGED] * 3
    choose("Staff account added", area.action)
    apply(qtbot, area)
    assert rows(area) == []
    assert area.message.text() == "No entries match."


def test_filter_by_dates(
    qtbot: QtBot, made_vault: VaultUnderTest, open_area: Callable[[], AuditArea]
) -> None:
    made_vault.clock.advance(3 * DAY)
    made_vault.session.settings.update({AUTO_LOCK_MINUTES: 6})
    made_vault.clock.advance(3 * DAY)
    made_vault.session.settings.update({AUTO_LOCK_MINUTES: 7})
    area = open_area()
    everything = rows(area)
    changes = [e for e in everything if e.action == AuditAction.SETTINGS_CHANGED]
    middle, last = local_day(changes[1]), local_day(changes[0])
    first = local_day(everything[-1])

    area.use_from.setChecked(True)
    area.from_date.setDate(qdate(middle))
    area.use_to.setChecked(True)
    area.to_date.setDate(qdate(middle))  # "to" includes the whole of its day
    apply(qtbot, area)
    assert [e.id for e in rows(area)] == [changes[1].id]

    area.use_to.setChecked(False)
    apply(qtbot, area)
    since_middle = rows(area)
    assert changes[1].id in [e.id for e in since_middle] and changes[0].id in [e.id for e in since_middle]
    assert all(local_day(e) >= middle for e in since_middle)
    assert all(e.id not in [x.id for x in since_middle] for e in everything if local_day(e) == first)

    area.use_from.setChecked(False)
    area.use_to.setChecked(True)
    area.to_date.setDate(qdate(first))
    apply(qtbot, area)
    assert rows(area) and all(local_day(e) == first for e in rows(area))
    assert last > middle > first


def test_crossed_dates_say_so_and_load_nothing(qtbot: QtBot, open_area: Callable[[], AuditArea]) -> None:
    area = open_area()
    before = area.model.rowCount()
    area.use_from.setChecked(True)
    area.from_date.setDate(QDate(2026, 9, 10))
    area.use_to.setChecked(True)
    area.to_date.setDate(QDate(2026, 9, 1))
    apply(qtbot, area)
    assert "after" in area.message.text()
    assert area.model.rowCount() == before


def test_date_filter_uses_local_midnight_across_a_clock_change(monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    try:
        summer = date_filter(date(2026, 7, 1), date(2026, 7, 1))
        assert summer == ("2026-06-30T23:00:00.000000+00:00", "2026-07-01T23:00:00.000000+00:00")
        # The clocks go back on 25 October 2026: that day has 25 hours.
        change = date_filter(date(2026, 10, 25), date(2026, 10, 25))
        assert change == ("2026-10-24T23:00:00.000000+00:00", "2026-10-26T00:00:00.000000+00:00")
        assert date_filter(None, None) == (None, None)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_load_more_fetches_older_pages(
    qtbot: QtBot, made_vault: VaultUnderTest, open_area: Callable[[], AuditArea]
) -> None:
    for _ in range(PAGE_SIZE + 50):
        made_vault.session.audit.entries(limit=1)  # each view is itself an entry
    area = open_area()
    assert area.model.rowCount() == PAGE_SIZE
    assert area.load_more.isEnabled()
    area.load_more.click()
    settle(qtbot)
    ids = [int(e.id) for e in rows(area)]
    assert len(ids) > PAGE_SIZE
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert ids[-1] == 1  # down to the very first entry
    assert not area.load_more.isEnabled()


def test_verify_shows_the_chain_is_intact(qtbot: QtBot, open_area: Callable[[], AuditArea]) -> None:
    area = open_area()
    area.verify.click()
    qtbot.waitUntil(lambda: "intact" in area.verify_result.text(), timeout=10_000)
    assert area.verify_result.text().startswith("The audit log is intact")
    assert area.verify_result.styleSheet() == OK_STYLE
    area.show_report(ChainReport(ok=False, entries_checked=3, first_broken=4, sentence="Broken at entry 4."))
    assert area.verify_result.text() == "Broken at entry 4."
    assert area.verify_result.styleSheet() == BROKEN_STYLE


def test_forget_empties_the_model_and_the_lists(qtbot: QtBot, open_area: Callable[[], AuditArea]) -> None:
    area = open_area()
    area.verify.click()
    settle(qtbot)
    area.forget()
    assert area.model.rowCount() == 0
    assert area.person.count() == 0
    assert area.action.count() == 0
    assert area.verify_result.text() == ""
    assert not area.load_more.isEnabled()
    area.opened()  # opening again after a sign-in fills everything back
    settle(qtbot)
    assert area.model.rowCount() > 0
    assert area.person.count() == 2 and area.action.count() == len(AuditAction) + 1
