"""A work-around for PySide6 6.12.0 on CPython 3.11: ``SignalInstance.emit()`` hands back True
(or False) without taking a reference to it.

Every emit from Python (an operation's result, the idle countdown, progress) leaves True one
reference short. A few thousand emits bring its count to zero and the interpreter aborts with
"Fatal Python error: bool_dealloc" — in the middle of a working day, taking unsaved work with it.
6.12.0 is the only version the pinned index offers, and Python 3.12 (where True and False are
immortal) is not the Python we ship on, so the two singletons are given 2**40 spare references
once, at import: no session could ever emit that many signals. Remove this with a fixed PySide6.

None has the same trouble: a model's ``data()`` returning a QFont (the bold rows of the concern
queue) leaves None one reference short per call. Measuring a column of a 10-year queue (Qt reads
up to 1,000 rows for each column sized to its contents) took None's count, about 17,000, to zero
and aborted the program with "Fatal Python error: none_dealloc" when the DSL opened Concerns
(found by bench/ui_session.py). None gets the same spare references.
"""

from __future__ import annotations

import ctypes
import sys

SPARE_REFERENCES = 2**40


def protect_true_and_false() -> None:
    """Raise the reference counts of True, False and None by ``SPARE_REFERENCES`` (once per process)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return  # immortal singletons: nothing to protect
    if getattr(sys, "_sharewise_bools_protected", False):
        return
    for singleton in (True, False, None):
        # ob_refcnt is the first field of every CPython object (not a debug build: no trace fields).
        ctypes.c_ssize_t.from_address(id(singleton)).value += SPARE_REFERENCES
    sys._sharewise_bools_protected = True  # type: ignore[attr-defined]
