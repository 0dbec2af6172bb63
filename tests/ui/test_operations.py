"""Work off the UI thread: an operation lives until its result reaches the UI thread, and is
freed there.

The screen lock abandons running operations. Before they were held until then, an abandoned
operation was freed by its own worker thread as it ended (signals hold their slots weakly),
deleting its QObject off the UI thread with its result still queued: an AttributeError in the
event loop now and then, and an occasional crash of the whole test run.
"""

from __future__ import annotations

import gc
import threading
import weakref

from pytestqt.qtbot import QtBot

from ui import operations


def test_an_abandoned_operation_survives_a_collection_until_its_result_is_dropped(qtbot: QtBot) -> None:
    release, ended = threading.Event(), threading.Event()
    seen: list[object] = []

    def work(_progress: operations.Progress) -> str:
        release.wait(10)
        return "a result nobody should see"

    operation = operations.run(None, work, label="Working…", on_success=seen.append, on_done=ended.set)
    alive = weakref.ref(operation)
    del operation
    operations.abandon_all()  # the screen locked
    assert operations.running() == 0
    release.set()
    for thread in threading.enumerate():
        if thread.name == "sharewise-operation":
            thread.join(10)
    gc.collect()  # a collection before the queued result is delivered
    assert alive() is not None  # still whole
    qtbot.waitUntil(lambda: alive() is None, timeout=5_000)  # freed once the result arrived
    assert seen == [] and not ended.is_set()  # abandoned: nothing delivered
