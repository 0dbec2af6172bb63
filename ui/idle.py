"""The idle timer of the clear-screen rule.

An application-wide event filter notes the time of every key press, click, wheel turn and mouse
movement. A one-second tick compares the *wall clock* with that time: after the machine sleeps,
or the event loop stalls, the first tick sees the real time that has passed and locks at once,
whereas a Qt timer set for "five minutes" would carry on counting as if nothing had happened.
Thirty seconds before the limit, ``warning`` tells the window to show a countdown.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from app.clock import Clock

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

WARNING_SECONDS = 30
TICK_MS = 1000


@cache
def activity() -> frozenset[QEvent.Type]:
    """The events that count as someone using the program. Built at the first sign-in, not at
    start-up: PySide6 makes ``QEvent`` and its 170-member ``Type`` enum when first asked (2 ms)."""
    from PySide6.QtCore import QEvent

    kinds = QEvent.Type
    return frozenset(
        {
            kinds.KeyPress,
            kinds.MouseButtonPress,
            kinds.MouseButtonDblClick,
            kinds.MouseMove,
            kinds.Wheel,
            kinds.TouchBegin,
            kinds.TabletPress,
            kinds.InputMethod,
        }
    )


class IdleMonitor(QObject):
    warning = Signal(int)  # whole seconds left before the lock
    warning_over = Signal()  # someone moved or typed: hide the countdown
    idle = Signal()  # the limit passed: lock now

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._limit = 0.0  # set by start(): the setting is read at sign-in
        self._last: datetime = clock.now()
        self._warned = False
        self._active = False
        self._activity: frozenset[QEvent.Type] = frozenset()  # filled in by start()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.check)

    @property
    def active(self) -> bool:
        return self._active

    def set_minutes(self, minutes: int) -> None:
        self._limit = float(minutes * 60)

    def start(self, minutes: int) -> None:
        """Begin watching (after sign-in), locking after ``minutes`` (the setting); the idle
        time starts from now."""
        self.set_minutes(minutes)
        self._last = self._clock.now()
        self._warned = False
        if not self._active:
            self._activity = activity()
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)
            self._active = True
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._active:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            self._active = False
        if self._warned:
            self._warned = False
            self.warning_over.emit()

    def touch(self) -> None:
        self._last = self._clock.now()
        if self._warned:
            self._warned = False
            self.warning_over.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._activity:
            self.touch()
        return False

    def check(self) -> None:
        """Compare the wall clock with the last activity; warn or lock."""
        if not self._active:
            return
        elapsed = (self._clock.now() - self._last).total_seconds()
        if elapsed < 0:
            self._last = self._clock.now()  # the clock was set back: count from now
            return
        remaining = self._limit - elapsed
        if remaining <= 0:
            self.stop()
            self.idle.emit()
        elif remaining <= WARNING_SECONDS:
            self._warned = True
            self.warning.emit(int(remaining + 0.999))
