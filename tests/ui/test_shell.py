"""The desktop shell, driven like a person would: sign in, wrong passwords, the clear-screen
lock (idle with a fake clock, the 30-second warning, waking from sleep, Ctrl+L), what is left
on screen when locked, drafts, unlock and switch user."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.audit import AuditAction, AuditFilter
from app.policy.permissions import Role
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest, vault_bytes
from tests.ui.conftest import (
    confirm_the_policy,
    find,
    sign_in_through_window,
    top_level,
    unlock_through_window,
    wait_idle,
)
from ui.areas.staff import AddStaffDialog, StaffArea
from ui.idle import WARNING_SECONDS
from ui.shell import Shell

SENTINEL_CHILD = "Αλέξανδρος Sentinel-Child"
STAFF_NAMES = ("Łucja Kowalska", "Nguyễn Văn Lân", "Дмитрий Петров")


def visible_texts(root: QWidget | None = None) -> list[str]:
    """Every piece of text a visible widget shows or holds."""
    widgets = [*root.findChildren(QWidget), root] if root else QApplication.allWidgets()
    texts: list[str] = []
    for widget in widgets:
        if not widget.isVisible():
            continue
        texts.append(widget.windowTitle())
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.text())
        if isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            for row in range(model.rowCount()):
                for column in range(model.columnCount()):
                    texts.append(str(model.index(row, column).data()))
        if isinstance(widget, QListWidget):
            texts.extend(widget.item(i).text() for i in range(widget.count()))
    return texts


def add_staff(made_vault: VaultUnderTest) -> None:
    made_vault.sign_in()
    for index, name in enumerate(STAFF_NAMES):
        made_vault.add_person(f"person{index}", name, {Role.KEY_WORKER}, f"lantern meadow {index} harbour")
    made_vault.session.close()


def press(
    widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    QTest.keyClick(widget, key, modifier)


# --- signing in ---------------------------------------------------------------------------------


def test_sign_in_opens_the_workspace_with_a_title_naming_only_the_area(shell: Shell, qtbot: QtBot) -> None:
    session = sign_in_through_window(qtbot, shell)
    assert session.me.full_name == MANAGER_NAME
    assert shell.window.windowTitle() == "Sharewise — Home"
    nav = find(shell.window, QListWidget, "navigation")
    wait_idle(qtbot)  # the concern badge has asked for its counts: none yet
    assert [nav.item(i).text() for i in range(nav.count())] == [
        "Home",
        "Children",
        "Concerns",
        "Sharing",
        "Subject access",
        "Annual review",
        "Retention",
        "Staff",
        "Settings",
        "Audit",
    ]
    press(shell.window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert shell.window.windowTitle() == "Sharewise — Staff"


def test_wrong_password_says_so_and_then_counts_down(shell: Shell, qtbot: QtBot) -> None:
    page = shell.window.current_page()
    username, password = find(page, QLineEdit, "usernameEdit"), find(page, QLineEdit, "passwordEdit")
    button, message = find(page, QPushButton, "signInButton"), find(page, QLabel, "signInMessage")
    countdown = find(page, QLabel, "countdownLabel")
    for _attempt in range(5):
        qtbot.waitUntil(button.isEnabled, timeout=5000)
        username.setText(MANAGER_USERNAME)
        password.setText("not my password at all")
        button.click()
        wait_idle(qtbot)
    assert "not right" in message.text()
    assert password.text() == ""  # never kept after an attempt
    assert "wait" in countdown.text() and "seconds" in countdown.text()
    assert not button.isEnabled()
    assert shell.session is None


def test_failed_attempts_are_reported_after_signing_in(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    for _ in range(2):
        try:
            made_vault.vault.sign_in(MANAGER_USERNAME, "wrong wrong wrong")
        except Exception:  # noqa: S110 - the failure is the point
            pass
    sign_in_through_window(qtbot, shell)
    notice = find(shell.window, QLabel, "signInNotice")
    assert notice.isVisible() and notice.text().startswith(
        "2 failed sign-in attempts since you last signed in"
    )


def test_empty_fields_are_refused_without_trying(shell: Shell, qtbot: QtBot) -> None:
    page = shell.window.current_page()
    find(page, QPushButton, "signInButton").click()
    assert find(page, QLabel, "signInMessage").text() == "Type your username and password."


def test_forgotten_password_explains_the_manager_and_the_recovery_key(shell: Shell, qtbot: QtBot) -> None:
    find(shell.window, QPushButton, "forgottenButton").click()
    box = top_level("forgottenDialog")
    assert isinstance(box, QMessageBox)
    assert "manager" in box.text() and "recovery key" in box.text()


def test_a_key_worker_sees_only_the_areas_their_role_allows(
    made_vault: VaultUnderTest, shell: Shell, qtbot: QtBot
) -> None:
    made_vault.sign_in()
    made_vault.add_person("siobhan", "Siobhán Byrne", {Role.KEY_WORKER}, "amber meadow kettle")
    made_vault.session.close()
    sign_in_through_window(qtbot, shell, "siobhan", "amber meadow kettle")
    nav = find(shell.window, QListWidget, "navigation")
    assert [nav.item(i).text() for i in range(nav.count())] == ["Home", "Children", "Concerns", "Sharing"]


# --- the clear-screen lock ----------------------------------------------------------------------


def test_idle_warning_then_lock_by_the_fake_clock(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    session = sign_in_through_window(qtbot, shell)
    limit = 5 * 60
    made_vault.clock.advance(limit - 20)
    shell.idle.check()
    warning = find(shell.window, QLabel, "idleWarning")
    assert warning.isVisible() and "20 seconds" in warning.text()
    press(shell.window, Qt.Key.Key_Shift)  # any activity counts
    assert not warning.isVisible()
    made_vault.clock.advance(limit - WARNING_SECONDS - 1)
    shell.idle.check()
    assert session.is_open and not warning.isVisible()
    made_vault.clock.advance(WARNING_SECONDS + 2)
    shell.idle.check()
    assert not session.is_open
    assert shell.window.current_page().objectName() == "lockScreen"
    assert shell.last_lock_reason == "idle"


def test_the_clock_set_back_neither_locks_at_once_nor_stops_the_idle_lock(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    """Set back a year mid-session: no lock and no warning then, and the idle lock counts its
    five minutes from that moment (not from a year ahead, which would never come)."""
    session = sign_in_through_window(qtbot, shell)
    made_vault.clock.advance(60)
    made_vault.clock.set(made_vault.clock.now().replace(year=made_vault.clock.now().year - 1))
    shell.idle.check()
    assert session.is_open and not find(shell.window, QLabel, "idleWarning").isVisible()
    made_vault.clock.advance(5 * 60 - 30)
    shell.idle.check()
    assert session.is_open
    made_vault.clock.advance(31)
    shell.idle.check()
    assert not session.is_open and shell.last_lock_reason == "idle"


def test_waking_from_sleep_locks_by_the_wall_clock(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    session = sign_in_through_window(qtbot, shell)
    made_vault.clock.advance(3 * 3600)  # the lid was closed: no timer ticked meanwhile
    app = QGuiApplication.instance()
    app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)
    assert not session.is_open
    assert shell.window.current_page().objectName() == "lockScreen"


def test_the_auto_lock_minutes_come_from_the_settings(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    from app.settings import AUTO_LOCK_MINUTES

    made_vault.sign_in().settings.update({AUTO_LOCK_MINUTES: 1})
    made_vault.session.close()
    session = sign_in_through_window(qtbot, shell)
    made_vault.clock.advance(61)
    shell.idle.check()
    assert not session.is_open


def test_ctrl_l_locks_and_the_lock_is_audited(shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot) -> None:
    session = sign_in_through_window(qtbot, shell)
    press(shell.window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not session.is_open
    assert shell.window.windowTitle() == "Sharewise — Locked"
    page = shell.window.current_page()
    find(page, QLineEdit, "unlockPasswordEdit").setText("wrong password here")
    find(page, QPushButton, "unlockButton").click()
    wait_idle(qtbot)
    assert "not right" in find(page, QLabel, "unlockMessage").text()
    find(page, QLineEdit, "unlockPasswordEdit").setText(MANAGER_PASSWORD)
    find(page, QPushButton, "unlockButton").click()
    qtbot.waitUntil(lambda: shell.session is not None, timeout=10_000)
    wait_idle(qtbot)
    entries = shell.session.audit.entries(limit=50)
    actions = [e.action for e in entries]
    assert actions.index(AuditAction.SESSION_UNLOCKED) < actions.index(AuditAction.SESSION_LOCKED)
    assert shell.window.current_page().objectName() == "workspace"


def test_on_lock_nothing_personal_is_left_on_screen(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    add_staff(made_vault)
    session = sign_in_through_window(qtbot, shell)
    area = shell.workspace.open_area("Staff")
    assert isinstance(area, StaffArea)
    wait_idle(qtbot)
    assert area.model.rowCount() == len(STAFF_NAMES) + 1
    assert any(name in visible_texts() for name in STAFF_NAMES)
    dialog = area.open_add_dialog()
    dialog.full_name.setText(SENTINEL_CHILD)
    QApplication.clipboard().setText(SENTINEL_CHILD)
    models = [m for m in shell.window.findChildren(QAbstractItemModel) if m.rowCount() > 0]
    assert models

    shell.lock()

    assert not session.is_open
    texts = "\n".join(visible_texts())
    for secret in (*STAFF_NAMES, SENTINEL_CHILD):
        assert secret not in texts
    visible_dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    assert visible_dialogs == []
    assert QApplication.clipboard().text() == ""
    assert all(not shiboken6.isValid(m) or m.rowCount() == 0 for m in models)
    assert MANAGER_NAME in texts  # the lock screen says who can unlock, and nothing else


def test_a_clipboard_filled_by_another_program_is_left_alone(shell: Shell, qtbot: QtBot) -> None:
    sign_in_through_window(qtbot, shell)
    shell.clipboard._ours = False  # as if another application had copied this text
    QApplication.clipboard().blockSignals(True)
    QApplication.clipboard().setText("shopping list")
    QApplication.clipboard().blockSignals(False)
    if QApplication.clipboard().ownsClipboard():
        return  # on this platform Qt reports ownership directly; nothing else to show
    shell.lock()
    assert QApplication.clipboard().text() == "shopping list"


def test_a_half_typed_form_survives_the_lock_as_a_draft(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    sign_in_through_window(qtbot, shell)
    area = shell.workspace.open_area("Staff")
    dialog = area.open_add_dialog()
    dialog.full_name.setText("Łucja Nowak-Draft")
    dialog.username.setText("lucja.draft")
    dialog.roles[Role.DSL].setChecked(True)
    shell.lock()
    raw = vault_bytes(made_vault.folder)
    assert "Łucja Nowak-Draft".encode() not in raw
    page = shell.window.current_page()
    find(page, QLineEdit, "unlockPasswordEdit").setText(MANAGER_PASSWORD)
    find(page, QPushButton, "unlockButton").click()
    qtbot.waitUntil(lambda: top_level("draftOffer") is not None, timeout=10_000)
    offer = top_level("draftOffer")
    assert "Add a staff member" in offer.text()
    open_it = next(b for b in offer.buttons() if b.text() == "Open it")
    open_it.click()
    qtbot.waitUntil(lambda: top_level("addStaffDialog") is not None, timeout=5000)
    restored = top_level("addStaffDialog")
    assert isinstance(restored, AddStaffDialog)
    assert restored.full_name.text() == "Łucja Nowak-Draft"
    assert restored.username.text() == "lucja.draft"
    assert restored.roles[Role.DSL].isChecked()
    assert shell.session.drafts.mine() == []  # taken back into the form


def test_switch_user_signs_in_someone_else_and_keeps_the_first_persons_draft(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    made_vault.sign_in()
    made_vault.add_person("lan", "Nguyễn Văn Lân", {Role.MANAGER}, "river stone beacon")
    made_vault.session.close()
    sign_in_through_window(qtbot, shell)
    shell.workspace.open_area("Staff").open_add_dialog().full_name.setText("Kept for Zoë")
    shell.lock()
    find(shell.window.current_page(), QPushButton, "switchUserButton").click()
    assert shell.window.current_page().objectName() == "signInPage"
    other = sign_in_through_window(qtbot, shell, "lan", "river stone beacon")
    assert other.me.full_name == "Nguyễn Văn Lân"
    assert top_level("draftOffer") is None
    assert other.audit.entries(where=AuditFilter(action=AuditAction.DRAFTS_KEPT))


def test_sign_out_returns_to_the_sign_in_page(shell: Shell, qtbot: QtBot) -> None:
    session = sign_in_through_window(qtbot, shell)
    shell.window.sign_out_action.trigger()
    assert shell.window.current_page().objectName() == "signInPage"  # at once, before the backup
    qtbot.waitUntil(lambda: not session.is_open, timeout=10_000)  # after its backup, off the UI thread
    assert not shell.window.toolbar.isVisible()


def test_a_first_sign_in_with_a_one_time_password_asks_for_a_new_one(
    shell: Shell, made_vault: VaultUnderTest, qtbot: QtBot
) -> None:
    from app.staff import NewStaff

    made_vault.sign_in()
    _person, one_time = made_vault.session.staff.add(
        NewStaff("dmitry", "Дмитрий Петров", frozenset({Role.DSL}))
    )
    made_vault.session.close()
    sign_in_through_window(qtbot, shell, "dmitry", one_time)
    dialog = top_level("changePasswordDialog")
    assert dialog is not None
    find(dialog, QLineEdit, "currentPasswordEdit").setText(one_time)
    find(dialog, QLineEdit, "newPasswordEdit").setText("short")
    find(dialog, QLineEdit, "repeatPasswordEdit").setText("short")
    dialog.submit()
    wait_idle(qtbot)
    assert "12 characters" in find(dialog, QLabel, "changePasswordMessage").text()
    find(dialog, QLineEdit, "currentPasswordEdit").setText(one_time)
    find(dialog, QLineEdit, "newPasswordEdit").setText("copper kettle orchard")
    find(dialog, QLineEdit, "repeatPasswordEdit").setText("copper kettle orchard")
    dialog.submit()
    # Then the policy, as at every first sign-in (tests/ui/test_acknowledgement.py), then the workspace.
    qtbot.waitUntil(lambda: top_level("acknowledgementDialog") is not None, timeout=10_000)
    confirm_the_policy(qtbot, shell)
    qtbot.waitUntil(lambda: shell.window.current_page().objectName() == "workspace", timeout=10_000)


def test_the_operating_system_locking_locks_sharewise(shell: Shell, qtbot: QtBot) -> None:
    session = sign_in_through_window(qtbot, shell)
    shell.os_watcher.lock_requested.emit("sleep")
    assert not session.is_open
    assert shell.last_lock_reason == "sleep"
    assert shell.window.current_page().objectName() == "lockScreen"


def test_the_operating_system_is_watched_from_the_first_sign_in(
    made_vault: VaultUnderTest, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing to lock before anyone signs in, so start-up does not connect to D-Bus; from the
    first sign-in on, the watcher runs (once: not again at each unlock)."""
    from ui.os_lock import OsLockWatcher

    started: list[object] = []
    monkeypatch.setattr(OsLockWatcher, "start", lambda self, window=None: started.append(window) or [])
    made_vault.session.close()
    shell = Shell(made_vault.vault, clock=made_vault.clock, watch_os=True)
    qtbot.addWidget(shell.window)
    shell.start()
    assert started == []
    sign_in_through_window(qtbot, shell)
    assert started == [shell.window]
    shell.lock()
    unlock_through_window(qtbot, shell)
    assert started == [shell.window]
    shell.lock()
    shell.idle.stop()
