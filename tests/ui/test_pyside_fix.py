"""The work-around in ``ui.pyside_fix``: PySide6 6.12.0's ``emit()`` under-counts True.

Both run in a fresh interpreter, because the bug kills the process that meets it.
"""

from __future__ import annotations

import os
import subprocess
import sys

EMITS = 200_000
SCRIPT = """
import sys
{prelude}
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Ticker(QObject):
    tick = Signal(int)

app = QCoreApplication([])
ticker = Ticker()
ticker.tick.connect(lambda value: None)
for value in range({emits}):
    ticker.tick.emit(value)
print("survived")
"""


def run(prelude: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = SCRIPT.format(prelude=prelude, emits=EMITS)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def test_with_the_shell_imported_a_long_day_of_signals_does_not_kill_the_program() -> None:
    done = run("import ui")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "survived"


def test_without_it_the_pinned_pyside6_still_has_the_bug() -> None:
    """When this fails, PySide6 is fixed: remove ui/pyside_fix.py and this file."""
    if sys.version_info >= (3, 12):
        return  # True is immortal there; the bug cannot show
    done = run("")
    assert done.returncode != 0
    assert "bool_dealloc" in done.stderr


FONT_SCRIPT = """
import sys
{prelude}
from PySide6.QtCore import QAbstractTableModel, QEventLoop, QModelIndex, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView

class Bold(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 1000

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 8

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{{index.row()}}, {{index.column()}}"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

app = QApplication([])
model = Bold()
view = QTableView()
view.setModel(model)
view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
view.show()
for _ in range(3):
    model.beginResetModel()
    model.endResetModel()
    loop = QEventLoop()
    QTimer.singleShot(100, loop.quit)
    loop.exec()
print("survived")
"""


def run_font(prelude: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = FONT_SCRIPT.format(prelude=prelude)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def test_with_the_shell_imported_a_long_list_of_bold_rows_does_not_kill_the_program() -> None:
    """A table of bold rows sized to its contents, as the concern queue on ten years of records."""
    done = run_font("import ui")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "survived"


def test_without_it_bold_rows_still_cost_none_a_reference() -> None:
    """When this fails, PySide6 is fixed for None too: drop None from ui/pyside_fix.py."""
    if sys.version_info >= (3, 12):
        return  # None is immortal there
    done = run_font("")
    assert done.returncode != 0
    assert "none_dealloc" in done.stderr
