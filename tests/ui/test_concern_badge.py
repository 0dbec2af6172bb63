"""The navigation badge: the DSL sees how many concerns wait, in numbers only, refreshed on a timer."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from app.children import ChildDetails
from app.concerns import NewConcern
from app.policy.permissions import Role
from tests.conftest import VaultUnderTest
from tests.ui.conftest import find, sign_in_through_window, wait_idle
from ui.shell import Shell
from ui.workspace import CONCERNS, Workspace


def _log(made: VaultUnderTest, *, urgent: bool) -> None:
    s = made.session
    child = s.children.add(
        ChildDetails(legal_name="Zoë Okafor", date_of_birth="2023-03-01", start_date="2025-09-01")
    )
    s.concerns.log(
        NewConcern(child.id, made.clock.now() - timedelta(hours=1), 1, "Arrived upset.", urgent=urgent)
    )


def _nav_texts(shell: Shell) -> list[str]:
    nav = find(shell.window, QListWidget, "navigation")
    return [nav.item(i).text() for i in range(nav.count())]


def test_the_dsl_sees_new_and_urgent_counts_and_they_refresh(
    made_vault: VaultUnderTest, shell: Shell, qtbot: QtBot
) -> None:
    made_vault.sign_in()
    _log(made_vault, urgent=True)
    made_vault.session.close()
    sign_in_through_window(qtbot, shell)
    wait_idle(qtbot)
    assert f"{CONCERNS} (1 new, 1 urgent)" in _nav_texts(shell)
    text = " ".join(_nav_texts(shell))
    assert "Zoë" not in text and "Okafor" not in text  # numbers, never names
    # Someone else logs a concern; the timer picks it up without the DSL opening anything.
    workspace = shell.window.findChild(Workspace)
    assert workspace is not None and workspace.badge_timer.isActive()
    assert shell.session is not None
    child = shell.session.children.find(search="Zoë")[0]
    shell.session.concerns.log(NewConcern(child.id, made_vault.clock.now(), 2, "Said she was hungry."))
    workspace.badge_timer.timeout.emit()
    wait_idle(qtbot)
    assert f"{CONCERNS} (2 new, 1 urgent)" in _nav_texts(shell)


def test_a_key_worker_gets_no_badge(made_vault: VaultUnderTest, shell: Shell, qtbot: QtBot) -> None:
    made_vault.sign_in()
    _log(made_vault, urgent=True)
    made_vault.add_person("siobhan", "Siobhán Byrne", {Role.KEY_WORKER}, "amber meadow kettle")
    made_vault.session.close()
    sign_in_through_window(qtbot, shell, "siobhan", "amber meadow kettle")
    wait_idle(qtbot)
    assert CONCERNS in _nav_texts(shell)
    workspace = shell.window.findChild(Workspace)
    assert workspace is not None and not workspace.badge_timer.isActive()
