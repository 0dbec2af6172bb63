"""The Children area: the list (search as you type, filters, header sorting), the child form, the
record's tabs, withheld carers, a key worker's view, shared carers, drafts and forgetting.

Fictional children only, with names in several scripts.
"""

from __future__ import annotations

import sys
import types
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.children import CarerDetails, Child, ChildDetails, ContactDetails
from app.concerns import NewConcern
from app.drafts import Draft, DraftId
from app.errors import PermissionDenied
from app.policy.permissions import Action, Role
from app.session import Session
from tests.conftest import MANAGER_PASSWORD, VaultUnderTest
from tests.ui.conftest import sign_in_through_window, top_level, wait_idle
from ui import workspace
from ui.areas.children import ChildrenArea
from ui.child_forms import ChildForm, VisitDialog, alive
from ui.child_record import ASK_MANAGER, PARTIAL_CHRONOLOGY, TAB_CARERS, TAB_CHRONOLOGY, TAB_CONCERNS
from ui.shell import Shell
from ui.workspace import AreaSpec

KEY_WORKER = ("maya", "Maya Okafor", "amber falcon riddle")
NAMES = {
    "zoe": "Zoë Brennan",
    "lucja": "Łucja Kowalska",
    "siobhan": "Siobhán Murphy",
    "nguyen": "Nguyễn Thị Lan",
    "dmitry": "Дмитрий Соколов",
    "alex": "Αλέξανδρος Παπαδόπουλος",
    "emile": "Émile Durand",
}


def add_child(
    session: Session,
    legal_name: str,
    born: date,
    *,
    known_as: str = "",
    room: str = "",
    key_worker_id: int | None = None,
    started: date = date(2025, 9, 1),
    leaving: date | None = None,
) -> Child:
    return session.children.add(
        ChildDetails(
            legal_name=legal_name,
            known_as=known_as,
            date_of_birth=born,
            start_date=started,
            leaving_date=leaving,
            room=room,
            key_worker_id=key_worker_id,
        )
    )


def names_shown(area: ChildrenArea) -> list[str]:
    return [area.model.index(r, 0).data() for r in range(area.model.rowCount())]


def open_area(session: Session, qtbot: QtBot) -> ChildrenArea:
    area = ChildrenArea(session)
    qtbot.addWidget(area)
    area.show()
    area.opened()
    wait_idle(qtbot)
    return area


def open_record(area: ChildrenArea, qtbot: QtBot, name: str) -> None:
    row = next(r for r in range(area.model.rowCount()) if name in area.model.index(r, 0).data())
    area.table.selectRow(row)
    area.open_button.click()
    wait_idle(qtbot)
    assert area.stack.currentWidget() is area.record_page and area.record.child is not None


def closed(widget: QWidget) -> bool:
    """Saved forms close and are deleted (so no closed form keeps a child's details)."""
    return not alive(widget) or not widget.isVisible()


def press(box: QMessageBox, text: str) -> None:
    next(b for b in box.buttons() if b.text() == text).click()


@pytest.fixture
def register(made_vault: VaultUnderTest) -> dict[str, Any]:
    """A key worker and eight children: seven on roll in several scripts, one who has left."""
    key_worker = made_vault.add_person(KEY_WORKER[0], KEY_WORKER[1], {Role.KEY_WORKER}, KEY_WORKER[2])
    s = made_vault.session
    made = {
        "zoe": add_child(s, NAMES["zoe"], date(2023, 2, 1), room="Sunflowers", key_worker_id=key_worker),
        "lucja": add_child(s, NAMES["lucja"], date(2024, 1, 15), room="Room 10"),
        "siobhan": add_child(s, NAMES["siobhan"], date(2022, 12, 3), known_as="Shiv", room="Room 2"),
        "nguyen": add_child(s, NAMES["nguyen"], date(2023, 6, 30), room="Sunflowers"),
        "dmitry": add_child(s, NAMES["dmitry"], date(2024, 3, 9), key_worker_id=key_worker),
        "alex": add_child(s, NAMES["alex"], date(2022, 10, 10)),
        "emile": add_child(s, NAMES["emile"], date(2023, 9, 9)),
        "left": add_child(
            s, "Oscar Left", date(2021, 5, 5), started=date(2023, 9, 1), leaving=date(2026, 7, 20)
        ),
    }
    return {"key_worker": key_worker, **made}


# --- the list -----------------------------------------------------------------------------------


def test_list_searches_as_you_type_filters_and_sorts_names_in_any_script(
    made_vault: VaultUnderTest, register: dict[str, Any], qtbot: QtBot, qtmodeltester: Any
) -> None:
    area = open_area(made_vault.session, qtbot)
    assert area.model.rowCount() == 7  # on roll only, by default
    qtmodeltester.check(area.model)
    shown = names_shown(area)
    assert "Shiv (Siobhán Murphy)" in shown and "Oscar Left" not in shown
    # the core's order puts accented and non-Latin names where a reader expects them
    assert shown.index("Émile Durand") < shown.index("Łucja Kowalska") < shown.index("Zoë Brennan")

    area.search.setText("lucja")  # typed without the Polish letter
    wait_idle(qtbot)
    assert names_shown(area) == ["Łucja Kowalska"]
    area.search.setText("Дми")
    wait_idle(qtbot)
    assert names_shown(area) == ["Дмитрий Соколов"]
    area.search.setText("zzz-nobody")
    wait_idle(qtbot)
    assert area.model.rowCount() == 0 and area.count.text() == "No children found"
    area.search.clear()
    wait_idle(qtbot)

    area.enrolment.setCurrentIndex(area.enrolment.findText("Left"))
    wait_idle(qtbot)
    assert names_shown(area) == ["Oscar Left"]
    assert area.model.index(0, 5).data() == "20/07/2026"
    area.enrolment.setCurrentIndex(area.enrolment.findText("All"))
    wait_idle(qtbot)
    assert area.model.rowCount() == 8
    area.enrolment.setCurrentIndex(area.enrolment.findText("On roll"))
    area.room.setCurrentIndex(area.room.findText("Sunflowers"))
    wait_idle(qtbot)
    assert sorted(names_shown(area)) == ["Nguyễn Thị Lan", "Zoë Brennan"]
    area.room.setCurrentIndex(0)
    area.key_worker.setCurrentIndex(area.key_worker.findText(KEY_WORKER[1]))
    wait_idle(qtbot)
    assert sorted(names_shown(area)) == ["Zoë Brennan", "Дмитрий Соколов"]
    area.key_worker.setCurrentIndex(0)
    wait_idle(qtbot)

    header = area.table.horizontalHeader()
    area.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    shown = names_shown(area)
    latin = [n for n in shown if n[0].isascii() or n[0] in "ÉŁZ"]
    assert shown.index("Émile Durand") < shown.index("Łucja Kowalska") < shown.index("Nguyễn Thị Lan")
    assert (
        shown.index("Zoë Brennan") < shown.index("Αλέξανδρος Παπαδόπουλος") < shown.index("Дмитрий Соколов")
    )
    assert latin == sorted(latin, key=lambda n: n.replace("É", "E").replace("Ł", "L"))
    assert header.sortIndicatorSection() == 0
    area.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert names_shown(area) == list(reversed(shown))
    qtmodeltester.check(area.model)

    # rooms in numeric order, dates by the real date (not the dd/mm/yyyy text)
    area.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    rooms = [area.model.index(r, 2).data() for r in range(area.model.rowCount())]
    assert rooms.index("Room 2") < rooms.index("Room 10")
    area.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    births = [area.model.child(r).date_of_birth for r in range(area.model.rowCount())]
    assert births == sorted(births)
    texts = [area.model.index(r, 1).data() for r in range(area.model.rowCount())]
    assert texts != sorted(texts)  # "01/02/2023" would come before "03/12/2022" as text

    # a search keeps the chosen column's order; clearing the sort gives the core's order back
    area.search.setText("a")
    wait_idle(qtbot)
    births = [area.model.child(r).date_of_birth for r in range(area.model.rowCount())]
    assert births == sorted(births)
    area.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    area.search.clear()
    wait_idle(qtbot)
    core = [c.id for c in made_vault.session.children.find()]
    assert [area.model.child(r).id for r in range(area.model.rowCount())] == core
    qtmodeltester.check(area.model)


# --- the child form -----------------------------------------------------------------------------


def test_adding_a_child_through_the_form_with_inline_errors_and_duplicates(
    made_vault: VaultUnderTest, register: dict[str, Any], qtbot: QtBot
) -> None:
    area = open_area(made_vault.session, qtbot)
    assert not area.add_button.isHidden()
    form = area.open_add_form()
    assert form.windowTitle() == "Add a child" and form.family is not None
    form.legal_name.setText("Aoife Ní Bhriain")
    form.known_as.setText("Aoife")
    form.address.setPlainText("2 Example Road\nAnytown")
    form.date_of_birth.setDate(QDate(2027, 1, 1))  # in the future
    form.ok_button.click()
    wait_idle(qtbot)
    assert form.isVisible()
    assert "future" in form.message.text() and form.message.objectName() == "childFormMessage"
    assert form.legal_name.text() == "Aoife Ní Bhriain"  # nothing typed is lost
    assert form.address.toPlainText() == "2 Example Road\nAnytown"
    assert form.focusWidget() is form.date_of_birth

    form.date_of_birth.setDate(QDate(2023, 4, 5))
    form.room.setEditText("Bluebells")
    form.key_worker.setCurrentIndex(form.key_worker.findText(KEY_WORKER[1]))
    form.medical_notes.setPlainText("Allergic to peanuts. " * 476 + "x" * 4)  # 10,000 characters
    form.family.setPlainText("Lives with mother and grandmother.")
    form.sessions.setValue(6)
    form.leaving_date.tick.setChecked(True)
    form.leaving_date.edit.setDate(QDate(2027, 7, 23))
    form.destination.setText("Anytown Primary")
    form.ok_button.click()
    wait_idle(qtbot)
    assert closed(form)
    found = made_vault.session.children.find(search="aoife")
    assert (
        len(found) == 1 and found[0].room == "Bluebells" and found[0].key_worker_id == register["key_worker"]
    )
    child = made_vault.session.children.get(found[0].id)
    assert len(child.medical_notes) == 10_000 and child.sessions_per_week == 6
    assert child.family_circumstances == "Lives with mother and grandmother."
    assert child.leaving_date == date(2027, 7, 23) and child.address == "2 Example Road\nAnytown"
    # the new record is shown at once, and its heading (not any window title) names the child
    assert area.stack.currentWidget() is area.record_page
    assert area.record.title.text() == "Aoife (Aoife Ní Bhriain)"
    area.back_button.click()
    wait_idle(qtbot)
    assert "Aoife (Aoife Ní Bhriain)" in names_shown(area)
    assert area.room.findText("Bluebells") >= 0  # the new room is offered as a filter

    # the same legal name and date of birth: the form asks, and a second click adds anyway
    form = area.open_add_form()
    form.legal_name.setText(NAMES["lucja"])
    form.date_of_birth.setDate(QDate(2024, 1, 15))
    form.ok_button.click()
    wait_idle(qtbot)
    assert form.isVisible() and "already recorded" in form.message.text()
    assert form.ok_button.text() == "Add anyway"
    form.ok_button.click()
    wait_idle(qtbot)
    assert closed(form)
    assert len(made_vault.session.children.find(search="lucja")) == 2


def test_child_form_drafts_come_back(
    made_vault: VaultUnderTest, register: dict[str, Any], qtbot: QtBot
) -> None:
    area = open_area(made_vault.session, qtbot)
    form = area.open_add_form()
    assert form.draft() is None  # untouched: nothing worth keeping
    form.legal_name.setText("Kacper Nowak")
    assert form.date_of_birth.text() == "Not set"  # never today by accident
    QTest.keyClicks(form.date_of_birth, "08082023")  # typing starts from a useful date, not 1900
    assert form.date_of_birth.date() == QDate(2023, 8, 8)
    kept = form.draft()
    assert kept is not None and kept.form == "children.add" and "Kacper" not in kept.title
    form.close()
    draft = Draft(DraftId(1), kept.form, kept.title, kept.fields, "2026-09-01T09:00:00+00:00")
    assert area.restore_draft(draft)
    again = top_level("childForm")
    assert isinstance(again, ChildForm)
    assert again.legal_name.text() == "Kacper Nowak" and again.date_of_birth.date() == QDate(2023, 8, 8)
    again.close()

    # an edit draft reopens the record, then the form with what was typed
    zoe = register["zoe"]
    fields = {"child_id": str(zoe.id), "known_as": "Zozo", "legal_name": NAMES["zoe"]}
    assert area.restore_draft(Draft(DraftId(2), "children.edit", "Change a child's details", fields, ""))
    wait_idle(qtbot)
    edit = top_level("childForm")
    assert isinstance(edit, ChildForm) and edit.known_as.text() == "Zozo" and edit.child is not None
    assert edit.windowTitle() == "Change a child's details"
    assert not area.restore_draft(Draft(DraftId(3), "staff.add", "Add a staff member", {}, ""))
    edit.close()


# --- the record ---------------------------------------------------------------------------------


def test_record_tabs_warnings_withheld_carer_contacts_and_visits(
    made_vault: VaultUnderTest, register: dict[str, Any], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = made_vault.session
    zoe = register["zoe"]
    s.children.add_carer(
        zoe.id, CarerDetails("Grace Brennan", "Mother", True, True, "5 Hidden Close", "07700 900111")
    )
    child = s.children.add_carer(zoe.id, CarerDetails("Tom Brennan", "Father", True, False, "9 Main St"))
    mother, father = child.carers
    s.children.set_withheld(zoe.id, mother.id, [father.id])
    category = s.concerns.categories()[0]
    s.concerns.log(
        NewConcern(
            zoe.id, datetime(2026, 8, 30, 10, 0, tzinfo=UTC), category.id, "A bruise on the arm.", urgent=True
        )
    )

    area = open_area(s, qtbot)
    open_record(area, qtbot, "Zoë")
    view = area.record
    assert [view.tabs.tabText(i).replace("&", "") for i in range(view.tabs.count())] == [
        "Details",
        "Carers",
        "Consents",
        "Emergency contacts",
        "Professionals and visits",
        "Concerns",
        "Chronology",
    ]
    assert view.title.text() == NAMES["zoe"]
    assert view.warnings.isVisible() and "emergency contact" in view.warnings.text()
    assert view.details_form.isRowVisible(view.detail_labels["family_circumstances"])  # manager and DSL

    view.tabs.setCurrentIndex(TAB_CARERS)
    rows = {view.carers_model.index(r, 0).data(): r for r in range(view.carers_model.rowCount())}
    assert view.carers_model.index(rows["Grace Brennan"], 4).data() == "Withheld from Tom Brennan"
    assert "9 Main St" in view.carers_model.index(rows["Tom Brennan"], 4).data()
    view.carers_table.selectRow(rows["Grace Brennan"])
    assert view.show_withheld_button.isEnabled() and not view.withhold_button.isHidden()
    view.show_withheld_button.click()
    assert "5 Hidden Close" in view.carers_model.index(rows["Grace Brennan"], 4).data()
    view.carers_table.selectRow(rows["Tom Brennan"])
    assert not view.show_withheld_button.isEnabled()
    view.carers_table.selectRow(rows["Grace Brennan"])
    view.show_withheld_button.click()  # hide again
    assert view.carers_model.index(rows["Grace Brennan"], 4).data() == "Withheld from Tom Brennan"

    # withhold: untick the father, and the mother's details show to everyone again
    view.carers_table.selectRow(rows["Grace Brennan"])
    dialog = view.withhold()
    assert dialog.boxes[int(father.id)].isChecked()
    dialog.boxes[int(father.id)].setChecked(False)
    dialog.ok_button.click()
    wait_idle(qtbot)
    assert "5 Hidden Close" in view.carers_model.index(rows["Grace Brennan"], 4).data()

    # two emergency contacts through the form: the warning about them goes
    for name, phone in (("Ana Lima", "07700 900222"), ("Bea Kim", "07700 900333")):
        contact = view.add_contact()
        assert contact.windowTitle() == "Add an emergency contact"
        contact.full_name.setText(name)
        contact.phone.setText(phone)
        contact.may_collect.setChecked(True)
        contact.ok_button.click()
        wait_idle(qtbot)
    assert view.contacts_model.rowCount() == 2 and view.contacts_model.index(0, 3).data() == "Yes"
    assert "emergency contact" not in view.warnings.text()

    # a visit needs the member of staff who supervised: no one is chosen for you
    visit = view.log_visit()
    assert isinstance(visit, VisitDialog) and visit.supervisor.currentIndex() == -1
    visit.visitor.setText("Priya Shah")
    visit.agency.setText("Health visiting")
    visit.purpose.setPlainText("Two-year check")
    visit.visited_at.setDateTime(visit.visited_at.dateTime().addSecs(-3600))
    visit.ok_button.click()
    wait_idle(qtbot)
    assert visit.isVisible() and "supervised" in visit.message.text()
    assert visit.visitor.text() == "Priya Shah"
    visit.supervisor.setCurrentIndex(visit.supervisor.findText(KEY_WORKER[1]))
    visit.ok_button.click()
    wait_idle(qtbot)
    assert view.visits_model.rowCount() == 1
    assert view.visits_model.index(0, 4).data() == KEY_WORKER[1]
    assert s.children.get(zoe.id).visits[0].visited_at == datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

    professional = view.add_professional()
    professional.full_name.setText("Dr Ada Obi")
    professional.agency.setText("Community paediatrics")
    professional.from_date.tick.setChecked(True)
    professional.from_date.edit.setDate(QDate(2026, 8, 1))
    professional.to_date.tick.setChecked(True)
    professional.to_date.edit.setDate(QDate(2026, 7, 1))  # before "from"
    professional.ok_button.click()
    wait_idle(qtbot)
    assert "before" in professional.message.text()
    professional.to_date.tick.setChecked(False)
    professional.ok_button.click()
    wait_idle(qtbot)
    assert view.professionals_model.index(0, 4).data() == "01/08/2026"

    # concerns and the chronology are read (and audit-logged) only when their tab is opened
    logged: list[dict[str, Any]] = []
    printed: list[tuple[Any, ...]] = []

    class FakeDialog:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            logged.append({"args": args, **kwargs})

        def open(self) -> None:
            pass

    fake_concerns = types.ModuleType("ui.concern_forms")
    fake_concerns.LogConcernDialog = FakeDialog  # type: ignore[attr-defined]
    fake_concerns.ConcernDialog = FakeDialog  # type: ignore[attr-defined]
    fake_print = types.ModuleType("ui.chronology_print")
    fake_print.print_chronology = lambda *a, **k: printed.append((*a, k))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ui.concern_forms", fake_concerns)
    monkeypatch.setitem(sys.modules, "ui.chronology_print", fake_print)

    assert view.concerns_model.rowCount() == 0
    view.tabs.setCurrentIndex(TAB_CONCERNS)
    wait_idle(qtbot)
    assert view.concerns_model.rowCount() == 1
    assert [view.concerns_model.index(0, c).data() for c in (1, 2)] == [category.name, "Yes"]
    view.log_concern_button.click()
    assert logged[-1]["child_id"] == zoe.id and callable(logged[-1]["on_logged"])
    view.concerns_table.selectRow(0)
    view.open_concern()
    assert logged[-1]["args"][1] == view.concerns_model.record(0).id and callable(logged[-1]["on_changed"])

    view.tabs.setCurrentIndex(TAB_CHRONOLOGY)
    wait_idle(qtbot)
    model = view.chronology_model
    urgent = [r for r in range(model.rowCount()) if model.record(r).urgent]
    assert len(urgent) == 1 and model.index(urgent[0], 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(urgent[0], 0).data(Qt.ItemDataRole.FontRole).bold()
    assert view.chronology_note.text() == ""  # the DSL sees everything
    assert not view.coded_button.isHidden()
    view.print_button.click()
    view.coded_button.click()
    assert [(p[2], p[3]["coded"]) for p in printed] == [(zoe.id, False), (zoe.id, True)]

    # no window shows the child's name in its title
    for widget in QApplication.topLevelWidgets():
        assert "Zoë" not in widget.windowTitle()


def test_a_key_worker_sees_no_family_details_and_edits_only_their_own_children(
    made_vault: VaultUnderTest, register: dict[str, Any], qtbot: QtBot
) -> None:
    s = made_vault.session
    lucja = register["lucja"]  # not Maya's key child
    s.children.update(
        lucja.id,
        ChildDetails(
            NAMES["lucja"], date(2024, 1, 15), date(2025, 9, 1), room="Room 10", family_circumstances="x"
        ),
    )
    child = s.children.add_carer(
        lucja.id, CarerDetails("Marta Kowalska", "Mother", True, True, "7 Quiet Way")
    )
    child = s.children.add_carer(lucja.id, CarerDetails("Piotr Kowalski", "Father", True, False, "3 Loud Rd"))
    s.children.set_withheld(lucja.id, child.carers[0].id, [child.carers[1].id])
    keyworker = made_vault.vault.sign_in(KEY_WORKER[0], KEY_WORKER[2])

    area = open_area(keyworker, qtbot)
    assert area.add_button.isHidden()  # only the manager and DSL add children
    open_record(area, qtbot, "Łucja")
    view = area.record
    assert not view.details_form.isRowVisible(view.detail_labels["family_circumstances"])
    assert view.detail_labels["family_circumstances"].text() == ""
    for button in (
        view.edit_child_button,
        view.add_carer_button,
        view.add_contact_button,
        view.add_professional_button,
    ):
        assert not button.isEnabled()
    assert view.withhold_button.isHidden()
    assert view.log_visit_button.isEnabled()  # a visit happens in the room: anyone may log it
    view.tabs.setCurrentIndex(TAB_CARERS)
    marta = next(
        r
        for r in range(view.carers_model.rowCount())
        if view.carers_model.record(r).full_name == "Marta Kowalska"
    )
    assert view.carers_model.index(marta, 4).data() == ASK_MANAGER
    view.carers_table.selectRow(marta)
    assert not view.show_withheld_button.isEnabled() and not view.edit_carer_button.isEnabled()
    with pytest.raises(PermissionDenied):
        keyworker.children.update(lucja.id, ChildDetails(NAMES["lucja"], date(2024, 1, 15), date(2025, 9, 1)))

    view.tabs.setCurrentIndex(TAB_CHRONOLOGY)
    wait_idle(qtbot)
    assert view.chronology_note.text() == PARTIAL_CHRONOLOGY
    assert view.coded_button.isHidden()

    # their own key child: they may edit, but see no family field and cannot change the key worker
    area.back_button.click()
    wait_idle(qtbot)
    open_record(area, qtbot, "Zoë")
    assert area.record.edit_child_button.isEnabled()
    form = area.record.edit_child()
    assert form.family is None and form.findChild(QPlainTextEdit, "familyCircumstancesEdit") is None
    assert not form.key_worker.isEnabled()
    form.known_as.setText("Zozo")
    form.ok_button.click()
    wait_idle(qtbot)
    assert closed(form) and area.record.title.text() == "Zozo (Zoë Brennan)"


def test_removing_a_carer_shared_with_a_sibling_keeps_them_on_the_sibling(
    made_vault: VaultUnderTest, register: dict[str, Any], qtbot: QtBot
) -> None:
    s = made_vault.session
    nguyen, emile = register["nguyen"], register["emile"]
    s.children.add_carer(nguyen.id, CarerDetails("Hoa Nguyễn", "Mother", True, True, "", "07700 900444"))
    s.children.add_carer(emile.id, CarerDetails("Luc Durand", "Father", True, True))
    area = open_area(s, qtbot)

    # link the mother to a second child through the search dialog
    open_record(area, qtbot, "Émile")
    link = area.record.link_carer()
    link.search.setText("hoa")
    wait_idle(qtbot)
    assert link.results.count() == 1 and "Nguyễn Thị Lan" in link.results.item(0).text()
    link.relationship.setEditText("Stepmother")
    link.ok_button.click()
    wait_idle(qtbot)
    carers = {c.full_name: c for c in area.record.child.carers}
    assert carers["Hoa Nguyễn"].other_children == 1 and carers["Hoa Nguyễn"].relationship == "Stepmother"

    view = area.record
    view.tabs.setCurrentIndex(TAB_CARERS)
    row = next(
        r
        for r in range(view.carers_model.rowCount())
        if view.carers_model.record(r).full_name == "Luc Durand"
    )
    view.carers_table.selectRow(row)
    box = view.remove_carer()
    assert "will be deleted" in box.text()
    box.close()
    row = next(
        r
        for r in range(view.carers_model.rowCount())
        if view.carers_model.record(r).full_name == "Hoa Nguyễn"
    )
    view.carers_table.selectRow(row)
    box = view.remove_carer()
    assert "stay on the other child's record" in box.text() and box.windowTitle() == "Remove a carer"
    press(box, "Remove")
    wait_idle(qtbot)
    assert [c.full_name for c in view.child.carers] == ["Luc Durand"]
    assert [c.full_name for c in s.children.get(nguyen.id).carers] == ["Hoa Nguyễn"]


def test_forget_leaves_no_child_in_any_widget(
    made_vault: VaultUnderTest, register: dict[str, Any], qtbot: QtBot
) -> None:
    s = made_vault.session
    zoe = register["zoe"]
    s.children.add_carer(zoe.id, CarerDetails("Grace Brennan", "Mother", True, True, "5 Hidden Close"))
    s.children.add_contact(zoe.id, ContactDetails("Ana Lima", "07700 900222"))
    area = open_area(s, qtbot)
    area.search.setText("zo")
    wait_idle(qtbot)
    open_record(area, qtbot, "Zoë")
    for tab in range(area.record.tabs.count()):
        area.record.tabs.setCurrentIndex(tab)
        wait_idle(qtbot)
    form = area.record.edit_child()
    assert form.legal_name.text() == NAMES["zoe"]

    area.forget()
    qtbot.wait(20)  # closed forms are deleted
    secrets = [*NAMES.values(), "Zoë", "Grace Brennan", "5 Hidden Close", "Ana Lima", "Sunflowers"]
    texts: list[str] = []
    widgets = [area, *area.findChildren(QWidget)]
    for widget in widgets:
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
    assert area.stack.currentWidget() is area.list_page and area.search.text() == ""
    assert top_level("childForm") is None


def test_enter_opens_a_child_and_the_visit_time_is_local_with_its_offset(
    made_vault: VaultUnderTest, register: dict[str, Any], qtbot: QtBot
) -> None:
    area = open_area(made_vault.session, qtbot)
    row = next(r for r in range(area.model.rowCount()) if area.model.child(r).id == register["zoe"].id)
    area.table.setCurrentIndex(area.model.index(row, 0))
    QTest.keyClick(area.table, Qt.Key.Key_Return)
    wait_idle(qtbot)
    assert area.stack.currentWidget() is area.record_page and area.record.title.text() == NAMES["zoe"]
    visit = area.record.log_visit()
    when = visit.when()
    assert when.tzinfo is not None and abs(when - made_vault.clock.now()) < timedelta(minutes=1)
    visit.close()


def test_the_lock_clears_the_record_and_keeps_a_half_typed_edit_as_a_draft(
    made_vault: VaultUnderTest,
    register: dict[str, Any],
    shell: Shell,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        workspace, "AREAS", (*workspace.AREAS, AreaSpec("Children", Action.CHILD_READ, ChildrenArea))
    )
    sign_in_through_window(qtbot, shell)
    area = shell.workspace.open_area("Children")
    assert isinstance(area, ChildrenArea)
    wait_idle(qtbot)
    open_record(area, qtbot, "Zoë")
    form = area.record.edit_child()
    form.known_as.setText("Zozo-Draft")
    assert "Zoë" not in shell.window.windowTitle()

    shell.lock()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    for widget in QApplication.allWidgets():
        if widget.isVisible() and isinstance(widget, QLabel | QLineEdit):
            assert NAMES["zoe"] not in widget.text() and "Zozo" not in widget.text()

    page = shell.window.current_page()
    page.findChild(QLineEdit, "unlockPasswordEdit").setText(MANAGER_PASSWORD)
    page.findChild(QPushButton, "unlockButton").click()
    qtbot.waitUntil(lambda: top_level("draftOffer") is not None, timeout=10_000)
    offer = top_level("draftOffer")
    assert "Change a child's details" in offer.text() and "Zoë" not in offer.text()
    press(offer, "Open it")
    qtbot.waitUntil(lambda: top_level("childForm") is not None, timeout=10_000)
    restored = top_level("childForm")
    assert isinstance(restored, ChildForm) and restored.known_as.text() == "Zozo-Draft"
    assert restored.child is not None and restored.child.id == register["zoe"].id


def test_the_real_concern_form_opens_for_this_child(
    made_vault: VaultUnderTest, register: dict[str, Any], qtbot: QtBot
) -> None:
    forms = pytest.importorskip("ui.concern_forms")  # written alongside this area
    area = open_area(made_vault.session, qtbot)
    open_record(area, qtbot, "Zoë")
    dialog = area.record.log_concern()
    assert isinstance(dialog, forms.LogConcernDialog) and dialog.isVisible()
    assert NAMES["zoe"] not in dialog.windowTitle()
    dialog.close()
