"""The program's exception hook: a fault escaping a slot shows one error dialog at a time."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from ui.errors import UNEXPECTED, install_excepthook


def visible_error_boxes() -> list[QMessageBox]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.objectName() == "errorDialog" and w.isVisible()
    ]


EARLIER: list[QMessageBox] = []  # left open by tests before these: not counted


@pytest.fixture
def hook() -> Iterator[None]:
    saved = sys.excepthook
    EARLIER[:] = visible_error_boxes()
    install_excepthook()
    yield
    sys.excepthook = saved
    for widget in error_boxes():
        widget.close()
        widget.deleteLater()


def error_boxes() -> list[QMessageBox]:
    """The error boxes this test's faults opened."""
    return [w for w in visible_error_boxes() if not any(w is earlier for earlier in EARLIER)]


def raise_in_a_slot(message: str) -> None:
    try:
        raise RuntimeError(message)
    except RuntimeError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]


def test_a_repeating_fault_opens_one_box_and_the_next_after_it_closes(hook: None, qtbot: QtBot) -> None:
    for _ in range(5):  # as a slot run on every change of the active window would
        raise_in_a_slot("Zoë Łucja's record")
    boxes = error_boxes()
    assert len(boxes) == 1
    assert boxes[0].text() == UNEXPECTED
    assert "Łucja" not in boxes[0].text()

    boxes[0].reject()
    qtbot.waitUntil(lambda: not error_boxes(), timeout=5_000)
    raise_in_a_slot("again")
    assert len(error_boxes()) == 1


def test_a_box_deleted_by_the_lock_lets_the_next_fault_be_shown(hook: None, qtbot: QtBot) -> None:
    raise_in_a_slot("first")
    (box,) = error_boxes()
    gone: list[bool] = []
    box.destroyed.connect(lambda _object=None: gone.append(True))
    box.hide()  # hidden without "finished", as deleting every dialog at the lock may leave it
    box.deleteLater()
    qtbot.waitUntil(lambda: gone == [True], timeout=5_000)
    raise_in_a_slot("second")
    assert len(error_boxes()) == 1
