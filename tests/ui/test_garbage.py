"""Collection happens on the UI thread's timer, not in whichever thread allocates (ui/garbage.py)."""

from __future__ import annotations

import gc
import weakref

from pytestqt.qtbot import QtBot

from ui.garbage import GarbageCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_the_timer_collects_cycles_and_automatic_collection_is_off_meanwhile(qtbot: QtBot) -> None:
    assert gc.isenabled()
    collector = GarbageCollector()
    try:
        assert not gc.isenabled()
        cycle = Node()
        gone = weakref.ref(cycle)
        del cycle
        for _ in range(gc.get_threshold()[0] * 2):
            Node()  # enough allocations to pass the youngest generation's threshold
        assert gone() is not None  # nothing collected by itself, in this or any thread
        qtbot.waitUntil(lambda: gone() is None, timeout=5_000)  # the timer's check collected it
    finally:
        collector.stop()
    assert gc.isenabled()
    gc.collect()
