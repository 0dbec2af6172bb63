"""Connections closing on threads of their own, and waiting for them to finish.

A lock or sign-out must clear the screen at once, so the window hands the connection to a
thread of its own to close (``Database.close_in_background``). Whatever replaces or releases the
vault's files afterwards waits here first: the program's exit and a restore. Kept apart from
``database`` so that waiting, at an exit where nobody signed in, does not load SQLCipher.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

_CLOSING: set[threading.Thread] = set()
_CLOSING_LOCK = threading.Lock()


def close_in_background(close: Callable[[], None]) -> None:
    """Run ``close`` on a thread of its own (not a daemon: the interpreter waits for it)."""

    def run() -> None:
        try:
            close()
        finally:
            with _CLOSING_LOCK:
                _CLOSING.discard(threading.current_thread())

    thread = threading.Thread(target=run, name="sharewise-close")
    with _CLOSING_LOCK:
        _CLOSING.add(thread)
    thread.start()


def wait_for_closes(timeout: float | None = None) -> bool:
    """Wait for every close started here; False if one outlasts ``timeout`` (seconds)."""
    with _CLOSING_LOCK:
        pending = list(_CLOSING)
    deadline = None if timeout is None else time.monotonic() + timeout
    for thread in pending:
        thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    return not any(thread.is_alive() for thread in pending)
