"""One dialog for every error: the core's sentence, and details safe to send to IT support.

A ``SharewiseError`` carries a sentence written for a manager, with nothing personal in it. Any
other exception is a fault in Sharewise: the person sees a calm sentence, and "Copy details"
gives the exception's type and where it happened (file, line, function) but never its message
or values, which could hold a child's name.
"""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import version
from app.errors import SharewiseError, VaultLocked

UNEXPECTED = (
    "Something went wrong inside Sharewise, so that did not finish. Nothing already saved has "
    "been lost. Try again; if it happens again, choose Copy details and send them to IT support."
)


def sentence_for(error: BaseException) -> str:
    if isinstance(error, SharewiseError):
        return error.sentence
    if isinstance(error, MemoryError):
        return "The computer ran out of memory, so that did not finish. Close other programs and try again."
    return UNEXPECTED


def safe_details(error: BaseException) -> str:
    """Versions, the error's type and its stack of file:line:function; no messages, no values."""
    import platform  # here, not at start-up: only an unexpected error needs it

    lines = [
        f"Sharewise {version()}, Python {platform.python_version()}, Qt {qVersion()}, "
        f"{platform.system()} {platform.release()}",
        f"Error: {type(error).__module__}.{type(error).__qualname__}",
    ]
    if isinstance(error, SharewiseError):
        lines.append(f"Sentence shown: {error.sentence}")
    for frame in traceback.extract_tb(error.__traceback__):
        where = frame.filename.replace("\\", "/")
        for marker in ("/app/", "/ui/", "/site-packages/"):
            if marker in where:
                where = marker.strip("/") + "/" + where.split(marker, 1)[1]
                break
        else:
            where = where.rsplit("/", 1)[-1]
        lines.append(f"  at {where}:{frame.lineno} in {frame.name}")
    return "\n".join(lines)


def show_error(
    parent: QWidget | None, error: BaseException, *, title: str = "Sharewise"
) -> QMessageBox | None:
    """Show the error without blocking (the screen may lock while it is open)."""
    if isinstance(error, VaultLocked):
        return None  # the screen locked or the person signed out: the lock screen says enough
    box = QMessageBox(parent)
    box.setObjectName("errorDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(sentence_for(error))
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    copy.setObjectName("copyDetailsButton")
    copy.setAccessibleName("Copy details for IT support")
    box.addButton(QMessageBox.StandardButton.Ok)
    details = safe_details(error)

    def copy_details() -> None:
        QApplication.clipboard().setText(details)

    copy.clicked.disconnect()  # keep the box open after copying
    copy.clicked.connect(copy_details)
    box.setProperty("safeDetails", details)
    box.open()
    return box


def install_excepthook() -> None:
    """An exception escaping a Qt slot goes to the error dialog, never to a traceback on screen
    or in a log (its message could hold personal data).

    One such dialog at a time: a fault in a slot that runs whenever the active window changes
    would otherwise open a box, whose opening runs the slot again, and so on for ever."""
    open_box: list[QMessageBox] = []

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        if open_box:
            return
        if error.__traceback__ is None:
            error = error.with_traceback(tb)
        box = show_error(QApplication.activeWindow(), error)
        if box is not None:
            open_box.append(box)
            box.finished.connect(lambda _result: open_box.clear())
            box.destroyed.connect(lambda _object=None: open_box.clear())

    sys.excepthook = hook
