"""Consent gaps in the Children area against a real vault: children without a signed
declaration, a form not back, a review due; the room filter and the count line; opening a gap
shows the child's Consents tab and "Back" returns to the gaps; the printing buttons; forgetting.

Fictional people only, in several scripts.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.children import CarerDetails, ChildDetails
from app.consents import ConsentDetails, ConsentHow, ConsentStatus, KindCode
from app.policy.permissions import Role
from app.session import Session
from tests.conftest import VaultUnderTest
from tests.ui.conftest import wait_idle
from ui import operations
from ui.areas.children import ChildrenArea
from ui.child_record import TAB_CONSENTS
from ui.consent_gaps import NO_GAPS, ConsentGapsView

ZOE, NGUYEN, DMITRY, SIOBHAN, ALEX = (
    "Zoë Brennan",
    "Nguyễn Thị Lan",
    "Дмитрий Соколов",
    "Siobhán Murphy",
    "Αλέξανδρος Παπαδόπουλος",
)


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


def add_child(session: Session, name: str, room: str, *, leaving: date | None = None) -> tuple[int, int]:
    """A child with one parent; returns (child id, carer id)."""
    child = session.children.add(
        ChildDetails(name, date(2023, 3, 3), date(2025, 9, 1), room=room, leaving_date=leaving)
    )
    record = session.children.add_carer(
        child.id, CarerDetails(f"Parent of {name.split()[0]}", "Parent", True, True)
    )
    return int(child.id), int(record.carers[0].id)


def kind(session: Session, code: KindCode) -> int:
    return int(next(k.id for k in session.consents.kinds() if k.code is code))


@pytest.fixture
def register(made_vault: VaultUnderTest) -> dict[str, tuple[int, int]]:
    """Five children: three without a declaration (one also with a form not back), one with a
    declaration and a review due this month, and one who has left (never a gap)."""
    s = made_vault.session
    made = {
        "zoe": add_child(s, ZOE, "Sunflowers"),
        "nguyen": add_child(s, NGUYEN, "Sunflowers"),
        "dmitry": add_child(s, DMITRY, "Bluebells"),
        "siobhan": add_child(s, SIOBHAN, "Bluebells"),
        "alex": add_child(s, ALEX, "Bluebells", leaving=date(2026, 7, 24)),
    }
    signed = ConsentDetails(ConsentStatus.GIVEN, date(2025, 9, 1), ConsentHow.SIGNED_FORM, form=b"%PDF-1.4\n")
    s.consents.record(*made["siobhan"], kind(s, KindCode.REGISTRATION), signed)
    s.consents.record(
        *made["siobhan"],
        kind(s, KindCode.ADDITIONAL_NEEDS),
        ConsentDetails(
            ConsentStatus.GIVEN, date(2025, 9, 20), ConsentHow.IN_WRITING, agencies="Speech and language"
        ),
    )
    s.consents.record(
        *made["zoe"], kind(s, KindCode.TRANSITION), ConsentDetails(ConsentStatus.REQUESTED, date(2026, 8, 10))
    )
    return made


def open_area(session: Session, qtbot: QtBot) -> ChildrenArea:
    area = ChildrenArea(session)
    qtbot.addWidget(area)
    area.resize(1000, 700)
    area.show()
    area.opened()
    wait_idle(qtbot)
    return area


def rows(view: ConsentGapsView) -> list[tuple[str, ...]]:
    model = view.model
    return [tuple(model.index(r, c).data() for c in range(5)) for r in range(model.rowCount())]


def open_gaps(area: ChildrenArea, qtbot: QtBot) -> ConsentGapsView:
    area.gaps_button.click()
    wait_idle(qtbot)
    assert area.stack.currentWidget() is area.gaps
    view = area.findChild(ConsentGapsView, "consentGapsView")
    assert view is area.gaps
    return view


def test_the_gaps_list_the_room_filter_and_the_count(
    made_vault: VaultUnderTest, register: dict[str, tuple[int, int]], qtbot: QtBot, qtmodeltester: Any
) -> None:
    area = open_area(made_vault.session, qtbot)
    view = open_gaps(area, qtbot)
    qtmodeltester.check(view.model)
    assert view.model.columns == ("Child", "Room", "What is missing", "Carer", "Due")
    shown = rows(view)
    assert (
        ZOE,
        "Sunflowers",
        "Passing on development summaries: asked, no answer yet",
        "Parent of Zoë",
        "24/08/2026",  # two weeks after the form was sent home
    ) in shown
    declarations = {r[0] for r in shown if r[2] == "No signed registration declaration"}
    assert declarations == {ZOE, NGUYEN, DMITRY}  # not Siobhán (signed), not Alexandros (left)
    assert (
        SIOBHAN,
        "Bluebells",
        "Sharing information about additional needs: review due",
        "Parent of Siobhán",
        "20/09/2026",
    ) in shown
    assert len(shown) == 5 and view.count.text() == "5 gaps for 4 children"

    view.room.setCurrentIndex(view.room.findText("Sunflowers"))
    wait_idle(qtbot)
    assert {r[0] for r in rows(view)} == {ZOE, NGUYEN} and view.count.text() == "3 gaps for 2 children"
    assert [view.room.itemText(i) for i in range(view.room.count())] == [
        "Any room",
        "Bluebells",
        "Sunflowers",
    ]
    assert view.room.currentText() == "Sunflowers"  # kept when the rooms are read again

    # the declarations come back signed: the gaps go, and the count says so
    s = made_vault.session
    for name in ("zoe", "nguyen"):
        s.consents.record(
            *register[name],
            kind(s, KindCode.REGISTRATION),
            ConsentDetails(ConsentStatus.GIVEN, date(2026, 9, 1), ConsentHow.SIGNED_FORM, form=b"%PDF-1.7\n"),
        )
    view.load()
    wait_idle(qtbot)
    assert [r[0] for r in rows(view)] == [ZOE] and view.count.text() == "1 gap for 1 child"
    s.consents.record(
        *register["zoe"],
        kind(s, KindCode.TRANSITION),
        ConsentDetails(ConsentStatus.REFUSED, date(2026, 9, 1), ConsentHow.VERBAL, int(s.me.id)),
    )
    view.load()
    wait_idle(qtbot)
    assert view.model.rowCount() == 0 and view.count.text() == NO_GAPS

    view.back_button.click()
    wait_idle(qtbot)
    assert area.stack.currentWidget() is area.list_page


def test_opening_a_gap_shows_the_childs_consents_and_back_returns_to_the_gaps(
    made_vault: VaultUnderTest, register: dict[str, tuple[int, int]], qtbot: QtBot
) -> None:
    area = open_area(made_vault.session, qtbot)
    view = open_gaps(area, qtbot)
    row = next(r for r, found in enumerate(rows(view)) if found[0] == DMITRY)
    view.table.setCurrentIndex(view.model.index(row, 0))
    QTest.keyClick(view.table, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert area.stack.currentWidget() is area.record_page
    assert area.record.title.text() == DMITRY
    assert area.record.tabs.currentIndex() == TAB_CONSENTS
    tab = area.record.consents_tab
    assert tab.consents is not None and tab.child_id == register["dmitry"][0]
    assert tab.glance.shown()["Registration declaration"][0] == "Not asked yet"
    assert area.back_button.text() == "← &Back to consent gaps"

    area.back_button.click()
    wait_idle(qtbot)
    assert area.stack.currentWidget() is area.gaps and view.model.rowCount() == 5
    assert area.record.child is None and tab.consents is None  # the record was let go

    # a double-click opens too; a record opened from the list goes back to the list
    row = next(r for r, found in enumerate(rows(view)) if found[0] == SIOBHAN)
    view.table.selectRow(row)
    view.open_button.click()
    wait_idle(qtbot)
    assert area.record.title.text() == SIOBHAN and area.record.tabs.currentIndex() == TAB_CONSENTS
    area.back_button.click()
    wait_idle(qtbot)
    view.back_button.click()
    wait_idle(qtbot)
    area.open_child(register["zoe"][0])
    wait_idle(qtbot)
    assert area.back_button.text() == "← &Back to children"
    area.back_button.click()
    wait_idle(qtbot)
    assert area.stack.currentWidget() is area.list_page


def test_the_printing_buttons_and_forgetting(
    made_vault: VaultUnderTest,
    register: dict[str, tuple[int, int]],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printing = importlib.import_module("ui.printing")
    calls: list[tuple[str, tuple[Any, ...]]] = []
    for name in ("open_batch_forms", "print_blank_forms", "print_privacy_notice"):
        monkeypatch.setattr(printing, name, lambda *a, _n=name, **_k: calls.append((_n, a)))
    area = open_area(made_vault.session, qtbot)
    view = open_gaps(area, qtbot)
    assert not view.starters_button.isHidden()  # the manager may print families' forms
    view.starters_button.click()
    view.blank_button.click()
    view.notice_button.click()
    session = made_vault.session
    assert calls == [
        ("open_batch_forms", (view, session)),
        ("print_blank_forms", (view, session)),
        ("print_privacy_notice", (view, session)),
    ]

    area.forget()
    qtbot.wait(20)
    secrets = [ZOE, NGUYEN, DMITRY, SIOBHAN, "Parent of", "Sunflowers", "Bluebells"]
    texts: list[str] = []
    for widget in [area, *area.findChildren(QWidget)]:
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
    for model in area.findChildren(QAbstractItemModel):
        for r in range(model.rowCount()):
            texts.extend(str(model.index(r, c).data()) for c in range(model.columnCount()))
    assert texts and not [t for t in texts if any(secret in t for secret in secrets)]
    assert area.stack.currentWidget() is area.list_page and view.count.text() == ""


def test_a_key_worker_sees_every_childs_gaps(
    made_vault: VaultUnderTest, register: dict[str, tuple[int, int]], qtbot: QtBot
) -> None:
    made_vault.add_person("maya", "Maya Okafor", {Role.KEY_WORKER}, "amber falcon riddle")
    made_vault.session.close()
    keyworker = made_vault.vault.sign_in("maya", "amber falcon riddle")
    area = open_area(keyworker, qtbot)
    view = open_gaps(area, qtbot)
    assert view.count.text() == "5 gaps for 4 children"  # everyone working with the children reads them
    # batch forms are offered (the core gives a key worker only their own key children's)
    assert not view.starters_button.isHidden() and not view.blank_button.isHidden()
    keyworker.close()
