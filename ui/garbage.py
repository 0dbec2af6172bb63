"""Garbage collection on the UI thread only, the way Anki does it.

Python's collector runs in whichever thread happens to allocate past its threshold, often an
operation's worker. A cycle holding Qt objects (a closed dialog, the workspace the lock tore down)
freed there deletes them off the UI thread: an occasional crash, seen while unlocking on ten
years of records. So the program turns automatic collection off and collects here, on a timer
on the UI thread, with the collector's own thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 1000


class GarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(CHECK_MS)

    def check(self) -> None:
        """Collect each generation whose count passed its threshold, youngest first."""
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] > self.threshold[generation]:
                gc.collect(generation)

    def stop(self) -> None:
        """At the program's end (and in tests): automatic collection as it was."""
        self.timer.stop()
        if self.was_enabled:
            gc.enable()
