"""Core work off the UI thread, in the spirit of Anki's ``QueryOp``.

    run(parent, lambda progress: session.security.check(), label="Checking the vault…",
        on_success=show_report)

The work runs on a worker thread; ``on_success`` runs on the UI thread with the result. A
progress dialog appears only if the work takes longer than half a second (quick work should
not flash a dialog). Every error goes to the one error dialog unless ``on_failure`` handles it
and returns True. When the screen locks, every running operation is abandoned: its result and
errors are dropped, so nothing reappears over the lock screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.errors import show_error

T = TypeVar("T")
Progress = Callable[[float], None]
PROGRESS_DELAY_MS = 500

_running: set[Operation[Any]] = set()
# Every operation whose result has not yet reached the UI thread, abandoned or not. Signals hold
# their slots' objects weakly, so an abandoned operation would otherwise be freed by its worker
# thread as it ends, deleting its QObject off the UI thread while the result is still queued
# for it. ``_finished`` releases it on the UI thread.
_alive: set[Operation[Any]] = set()


class _Bridge(QObject):
    finished = Signal(object, object)  # result, error
    progressed = Signal(float)


class Operation(Generic[T]):
    def __init__(
        self,
        parent: QWidget | None,
        work: Callable[[Progress], T],
        *,
        label: str,
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], bool] | None = None,
        on_done: Callable[[], None] | None = None,
        on_progress: Callable[[float], None] | None = None,
    ) -> None:
        self._parent = parent
        self._on_progress = on_progress
        self._work = work
        self._label = label
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_done = on_done
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._bridge.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        self._dialog: QProgressDialog | None = None
        self._fraction: float | None = None
        self.abandoned = False
        self.done = False

    def start(self) -> Operation[T]:
        _running.add(self)
        _alive.add(self)
        QTimer.singleShot(PROGRESS_DELAY_MS, self._show_progress)
        threading.Thread(target=self._run, name="sharewise-operation", daemon=True).start()
        return self

    def _run(self) -> None:
        try:
            result = self._work(self._bridge.progressed.emit)
        except BaseException as exc:  # every error reaches the UI thread's dialog
            self._bridge.finished.emit(None, exc)
        else:
            self._bridge.finished.emit(result, None)

    def _show_progress(self) -> None:
        if self.done or self.abandoned or self._on_progress is not None:
            return  # a caller with its own progress bar gets no dialog
        dialog = QProgressDialog(self._label, "", 0, 0, self._parent)
        dialog.setObjectName("progressDialog")
        dialog.setCancelButton(None)  # core work cannot be cut off half-way safely
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        if self._fraction is not None:
            dialog.setRange(0, 100)
            dialog.setValue(round(self._fraction * 100))
        dialog.show()
        self._dialog = dialog

    def _progressed(self, fraction: float) -> None:
        self._fraction = fraction
        if self._on_progress is not None and not self.abandoned:
            self._on_progress(fraction)
        if self._dialog is not None:
            self._dialog.setRange(0, 100)
            self._dialog.setValue(round(fraction * 100))

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None

    def _finished(self, result: object, error: BaseException | None) -> None:
        self.done = True
        _running.discard(self)
        _alive.discard(self)  # freed when this returns, here on the UI thread
        self._close_dialog()
        if self.abandoned:
            return
        try:
            if error is not None:
                if self._on_failure is None or not self._on_failure(error):
                    show_error(self._parent, error)
            elif self._on_success is not None:
                self._on_success(result)  # type: ignore[arg-type]
        finally:
            if self._on_done is not None:
                self._on_done()

    def abandon(self) -> None:
        self.abandoned = True
        self._close_dialog()


def run(
    parent: QWidget | None,
    work: Callable[[Progress], T],
    *,
    label: str,
    on_success: Callable[[T], None] | None = None,
    on_failure: Callable[[BaseException], bool] | None = None,
    on_done: Callable[[], None] | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> Operation[T]:
    """Run ``work(progress)`` off the UI thread. With ``on_progress`` the caller shows progress
    itself (a wizard page's bar) and no dialog appears."""
    return Operation(
        parent,
        work,
        label=label,
        on_success=on_success,
        on_failure=on_failure,
        on_done=on_done,
        on_progress=on_progress,
    ).start()


def abandon_all() -> None:
    """The screen is locking: drop every running operation's result and progress dialog."""
    for operation in list(_running):
        operation.abandon()
    _running.clear()


def running() -> int:
    return len(_running)
