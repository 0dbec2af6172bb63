"""The Staff screen through its dialogs, the error dialog's safe details, the data-folder pointer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from app.data_folder import remember_vault_folder, vault_folder
from app.errors import PermissionDenied
from app.policy.permissions import Role
from tests.conftest import VaultUnderTest
from tests.ui.conftest import top_level, wait_idle
from ui.areas.staff import StaffArea
from ui.errors import UNEXPECTED, safe_details, show_error

SECRET = "Дмитрий Sentinel-Secret"


def test_staff_area_adds_resets_and_deactivates(
    made_vault: VaultUnderTest, qtbot: QtBot, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    area = StaffArea(made_vault.session)
    qtbot.addWidget(area)
    area.show()
    area.opened()
    wait_idle(qtbot)
    assert area.model.rowCount() == 1

    dialog = area.open_add_dialog()
    dialog.full_name.setText("")
    dialog.submit()
    wait_idle(qtbot)
    assert dialog.isVisible() and dialog.message.text()  # the core's sentence, inline
    dialog.full_name.setText("Łucja Kowalska")
    dialog.username.setText("lucja")
    dialog.roles[Role.DSL].setChecked(True)
    dialog.submit()
    qtbot.waitUntil(lambda: top_level("oneTimePasswordDialog") is not None, timeout=10_000)
    otp = top_level("oneTimePasswordDialog").findChild(QLineEdit, "oneTimePassword").text()
    assert len(otp) == 19
    wait_idle(qtbot)
    assert area.model.rowCount() == 2
    qtmodeltester.check(area.model)
    top_level("oneTimePasswordDialog").close()

    row = next(r for r in range(2) if area.model.person(r).username == "lucja")
    area.table.selectRow(row)
    area.reset_password()
    box = top_level("confirmDialog")
    next(b for b in box.buttons() if b.text() == "Reset password").click()
    qtbot.waitUntil(lambda: top_level("oneTimePasswordDialog") is not None, timeout=10_000)
    top_level("oneTimePasswordDialog").close()
    area.table.selectRow(row)
    area.deactivate_person()
    next(b for b in top_level("confirmDialog").buttons() if b.text() == "Deactivate").click()
    wait_idle(qtbot)
    wait_idle(qtbot)
    assert area.model.rowCount() == 1  # deactivated accounts are hidden by default
    area.show_inactive.setChecked(True)
    wait_idle(qtbot)
    assert {area.model.index(r, 4).data() for r in range(area.model.rowCount())} == {"Active", "Deactivated"}
    area.forget()
    assert area.model.rowCount() == 0


def test_unexpected_errors_show_a_calm_sentence_and_details_without_personal_data(qtbot: QtBot) -> None:
    try:
        raise KeyError(f"row for {SECRET} not found")
    except KeyError as error:
        caught = error
    details = safe_details(caught)
    assert (
        SECRET not in details
        and "builtins.KeyError" in details
        and "test_staff_area_and_errors.py" in details
    )
    box = show_error(None, caught)
    assert isinstance(box, QMessageBox)
    qtbot.addWidget(box)
    assert box.text() == UNEXPECTED
    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    copy.click()
    assert QApplication.clipboard().text() == details
    assert box.isVisible()  # copying does not close the dialog
    denied = show_error(None, PermissionDenied("Your role does not allow you to manage staff accounts.", "x"))
    qtbot.addWidget(denied)
    assert denied.text().startswith("Your role does not allow")
    assert denied.findChild(QLabel) is not None


def test_a_chosen_data_folder_is_remembered_outside_qsettings(tmp_path: Path) -> None:
    default, chosen = tmp_path / "default", tmp_path / "D" / "Sharewise records"
    assert vault_folder(default) == default
    remember_vault_folder(chosen, default)
    assert vault_folder(default) == chosen.resolve()
    (default / "data-folder.json").write_text("{not json")
    assert vault_folder(default) == default  # a damaged pointer falls back, never crashes
    remember_vault_folder(default, default)
    assert not (default / "data-folder.json").exists()
