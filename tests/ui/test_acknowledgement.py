"""The "Before you start" screen, through the real shell: it appears at a person's first sign-in
(after a forced password change, before the workspace), Confirm records it and the workspace opens,
Sign out records nothing, it does not appear at the next sign-in, the lock closes it and it comes
back after unlocking, and it comes back a year later.

Fictional people only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from app.audit import AuditAction
from app.policy.permissions import Role
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, VaultUnderTest
from tests.ui.conftest import find, sign_in_through_window, top_level, wait_idle
from ui import operations
from ui.acknowledgement import KEY_POINTS, TITLE, AcknowledgementDialog
from ui.shell import Shell

PASSWORD = "copper violin garden"
SEEDED = "Information sharing and confidentiality"


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


def acknowledgements(made: VaultUnderTest) -> int:
    """Rows in the vault, read as the manager (signing her in and out again)."""
    session = made.sign_in()
    try:
        return int(session.context.database.scalar("SELECT count(*) FROM policy_acknowledgement"))
    finally:
        session.close()


def the_screen() -> AcknowledgementDialog:
    dialog = top_level("acknowledgementDialog")
    assert isinstance(dialog, AcknowledgementDialog)
    return dialog


def test_a_new_person_confirms_at_first_sign_in_and_the_workspace_opens(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    made_vault.sign_in()
    made_vault.add_person("siobhan", "Siobhán Ní Bhriain", {Role.KEY_WORKER}, PASSWORD)
    made_vault.session.close()
    session = sign_in_through_window(qtbot, shell, "siobhan", PASSWORD, confirm_policy=False)
    dialog = the_screen()
    assert dialog.windowTitle() == TITLE == "Before you start"
    assert shell.window.windowTitle() == "Sharewise — Before you start"
    assert shell.workspace is None
    assert f"“{SEEDED}” (version 1)" in find(dialog, QLabel, "acknowledgementPolicy").text()
    assert find(dialog, QLabel, "acknowledgementWhy").text() == "This is your first sign-in."
    points = find(dialog, QLabel, "acknowledgementPoints").text()
    assert 6 <= len(KEY_POINTS) <= 8 and all(point in points for point in KEY_POINTS)
    assert "Never promise a child" in points and "Ctrl+L" in points
    confirm, tick = find(dialog, QPushButton, "confirmButton"), find(dialog, QCheckBox, "acknowledgeCheck")
    assert tick.text() == "I have read the policy and will follow it"
    assert not confirm.isEnabled()
    tick.setChecked(True)
    assert confirm.isEnabled()
    confirm.click()
    qtbot.waitUntil(lambda: shell.window.current_page().objectName() == "workspace", timeout=10_000)
    wait_idle(qtbot)
    assert top_level("acknowledgementDialog") is None
    assert shell.window.windowTitle() == "Sharewise — Home"
    assert session.policies.acknowledgement_due() is None
    row = session.context.database.one("SELECT * FROM policy_acknowledgement")
    assert (row["staff_id"], row["policy_name"], row["policy_version"]) == (session.me.id, SEEDED, "1")

    shell.sign_out()
    sign_in_through_window(qtbot, shell, "siobhan", PASSWORD, confirm_policy=False)
    assert top_level("acknowledgementDialog") is None  # not again at the next sign-in
    assert shell.window.current_page().objectName() == "workspace"


def test_sign_out_records_nothing(shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot) -> None:
    session = sign_in_through_window(qtbot, shell, confirm_policy=False)  # the manager's first sign-in
    dialog = the_screen()
    find(dialog, QCheckBox, "acknowledgeCheck").setChecked(True)
    find(dialog, QPushButton, "signOutButton").click()
    qtbot.waitUntil(lambda: not session.is_open, timeout=10_000)  # after its backup, off the UI thread
    assert shell.window.current_page().objectName() == "signInPage"
    assert top_level("acknowledgementDialog") is None
    assert acknowledgements(made_vault) == 0
    sign_in_through_window(qtbot, shell, confirm_policy=False)
    assert the_screen().why.text() == "This is your first sign-in."  # still due


def test_after_a_forced_password_change_and_before_the_workspace(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    from app.staff import NewStaff

    _person, one_time = made_vault.sign_in().staff.add(
        NewStaff("dmitry", "Дмитрий Петров", frozenset({Role.DSL}))
    )
    made_vault.session.close()
    sign_in_through_window(qtbot, shell, "dmitry", one_time, confirm_policy=False)
    assert top_level("acknowledgementDialog") is None  # the password first
    password = top_level("changePasswordDialog")
    assert password is not None
    find(password, QLineEdit, "currentPasswordEdit").setText(one_time)
    find(password, QLineEdit, "newPasswordEdit").setText("copper kettle orchard")
    find(password, QLineEdit, "repeatPasswordEdit").setText("copper kettle orchard")
    password.submit()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: top_level("acknowledgementDialog") is not None, timeout=10_000)
    assert shell.workspace is None
    dialog = the_screen()
    find(dialog, QCheckBox, "acknowledgeCheck").setChecked(True)
    find(dialog, QPushButton, "confirmButton").click()
    qtbot.waitUntil(lambda: shell.workspace is not None, timeout=10_000)
    wait_idle(qtbot)


def test_the_lock_closes_it_and_it_comes_back_after_unlocking(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    session = sign_in_through_window(qtbot, shell, confirm_policy=False)
    find(the_screen(), QCheckBox, "acknowledgeCheck").setChecked(True)
    shell.lock("idle")
    assert not session.is_open
    assert top_level("acknowledgementDialog") is None
    assert shell.window.current_page().objectName() == "lockScreen"
    assert acknowledgements(made_vault) == 0
    page = shell.window.current_page()
    find(page, QLineEdit, "unlockPasswordEdit").setText(MANAGER_PASSWORD)
    find(page, QPushButton, "unlockButton").click()
    qtbot.waitUntil(lambda: top_level("acknowledgementDialog") is not None, timeout=10_000)
    dialog = the_screen()
    assert not find(dialog, QCheckBox, "acknowledgeCheck").isChecked()  # a new screen: tick it again
    find(dialog, QCheckBox, "acknowledgeCheck").setChecked(True)
    find(dialog, QPushButton, "confirmButton").click()
    qtbot.waitUntil(lambda: shell.workspace is not None, timeout=10_000)
    wait_idle(qtbot)
    assert shell.session is not None
    entries = [
        e for e in shell.session.audit.entries(limit=100) if e.action == AuditAction.POLICY_ACKNOWLEDGED.value
    ]
    assert len(entries) == 1 and entries[0].subject_id == str(shell.session.me.id)


def test_it_comes_back_a_year_later(shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot) -> None:
    sign_in_through_window(qtbot, shell)  # confirmed, as a person would
    shell.sign_out()
    made_vault.clock.advance(366 * 24 * 3600)
    sign_in_through_window(qtbot, shell, confirm_policy=False)
    dialog = the_screen()
    assert dialog.why.text() == "It is a year since you last confirmed it."
    assert MANAGER_NAME not in dialog.windowTitle()
