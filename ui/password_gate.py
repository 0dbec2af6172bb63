"""Signing in from the sign-in page and the lock screen: off the UI thread, with a countdown.

Argon2id takes about half a second by design, so the attempt runs through ``operations``. A
refused attempt may carry a wait (the growing delay after failures); the gate then counts down
visibly instead of freezing the window, and re-enables the button when the wait is over.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.errors import AccountLocked, WrongPassword

if TYPE_CHECKING:
    from app.session import Session


def wait_words(seconds: int) -> str:
    if seconds >= 120:
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minutes"
    if seconds >= 60:
        return f"1 minute {seconds - 60} seconds" if seconds > 60 else "1 minute"
    return "1 second" if seconds == 1 else f"{seconds} seconds"


class PasswordGate(QObject):
    succeeded = Signal(object)  # Session
    refused = Signal(str)  # the sentence to show next to the form
    busy_changed = Signal(bool)
    countdown = Signal(str)  # "" when there is nothing to wait for

    def __init__(self, owner: QWidget) -> None:
        super().__init__(owner)
        self._owner = owner
        self._deadline = 0.0
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._tick)

    @property
    def waiting(self) -> bool:
        return self._deadline > time.monotonic()

    @property
    def busy(self) -> bool:
        return self._busy

    def attempt(self, work: Callable[[], Session]) -> None:
        if self._busy or self.waiting:
            return
        from ui import operations  # at the first attempt: it builds the Qt namespace (ui.main_window)

        self._set_busy(True)
        operations.run(
            self._owner,
            lambda _progress: work(),
            label="Signing in…",
            on_success=self.succeeded.emit,
            on_failure=self._failed,
            on_done=lambda: self._set_busy(False),
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_changed.emit(busy)

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, WrongPassword | AccountLocked):
            # The countdown says how long to wait, so the sentence keeps only what went wrong.
            self.refused.emit(error.sentence.split(" For safety,")[0])
            if error.retry_after > 0:
                self.wait(error.retry_after)
            return True
        return False

    def wait(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds
        self._timer.start()
        self._tick()

    def _tick(self) -> None:
        left = math.ceil(self._deadline - time.monotonic())
        if left <= 0:
            self._timer.stop()
            self._deadline = 0.0
            self.countdown.emit("")
            self.busy_changed.emit(self._busy)
            return
        self.countdown.emit(f"For safety, wait {wait_words(left)} before trying again.")
