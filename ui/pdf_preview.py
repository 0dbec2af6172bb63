"""Print preview for a document built in memory: show it, print it, or save it as a PDF.

The PDF bytes go straight from ``app.reports`` into a ``QBuffer`` that ``QPdfDocument`` reads;
nothing is written to disk unless the person chooses "Save as PDF…" and, having been told the
file will not be encrypted, picks a place for it. Printing renders each page to an image at the
printer's resolution (capped, see ``MAX_PRINT_DPI``) and paints it on the printer, so the
printer never sees a file either.

The caller audit-logs through ``on_printed`` and ``on_saved``, which are called only once a
print or a save has actually happened. The lock screen calls ``forget()`` before closing the
dialog, and closing it forgets the document as well.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, QStandardPaths, Qt
from PySide6.QtGui import QImage, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

# A4 at 300 dpi is 2480 x 3508 pixels (35 MB as an image); at a printer's 1200 dpi it would be
# over half a gigabyte per page, for no difference anyone can see in text on paper.
MAX_PRINT_DPI = 300

PRINT_FAILED = (
    "Sharewise could not print. Check that the printer is switched on and connected, then try again."
)
NOTHING_TO_SHOW = "This document could not be shown. Close this window and try again."


def save_error_sentence(exc: OSError) -> str:
    """One sentence for a failed save, without the path or a traceback."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (
            "Sharewise could not save the PDF because the disk is full. Free some space or choose "
            "another place, then try again."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            "Sharewise could not save the PDF there because that folder cannot be written to. "
            "Choose another folder, then try again."
        )
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ENODEV, errno.EIO):
        return (
            "Sharewise could not save the PDF there: the folder or its drive is not available. "
            "Reconnect the drive or choose another folder, then try again."
        )
    if exc.errno == errno.EISDIR:
        return (
            "Sharewise could not save the PDF there because a folder already has that name. "
            "Choose another name, then try again."
        )
    return (
        f"Sharewise could not save the PDF (the system reported error {exc.errno}). Choose another "
        "folder, then try again."
    )


def write_pdf(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file beside it, so a failed save never leaves
    half a PDF (or a truncated earlier copy) behind. A new file is readable by its owner only."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise


def _readable(kind: str) -> str:
    """``recovery_sheet`` (a ``DocumentKind`` value) -> ``Recovery Sheet``; words stay as given."""
    if " " not in kind and "_" in kind:
        return kind.replace("_", " ").title()
    return kind


class PdfPreviewDialog(QDialog):
    """Shows in-memory PDF bytes with Print…, Save as PDF… and Close.

    ``title`` becomes the window title, so it must not name a child. ``document_kind`` is what
    the document is, in words ("Recovery Sheet"); it is used in the save warning and the
    suggested file name.
    """

    def __init__(
        self,
        pdf: bytes,
        *,
        title: str,
        document_kind: str,
        on_printed: Callable[[], None] | None = None,
        on_saved: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreviewDialog")
        self.setWindowTitle(title)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.document_kind = document_kind
        self._title = title
        self._pdf: bytes | None = bytes(pdf)
        self._on_printed = on_printed
        self._on_saved = on_saved

        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(self._pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._document = QPdfDocument(self)
        self._document.load(self._buffer)

        self._view = QPdfView(self)
        self._view.setObjectName("pdfView")
        self._view.setAccessibleName(f"Preview of {title}")
        self._view.setPageMode(QPdfView.PageMode.MultiPage)
        self._view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._view.setDocument(self._document)

        self._error = QLabel(NOTHING_TO_SHOW, self)
        self._error.setObjectName("errorLabel")
        self._error.setWordWrap(True)

        self._print_button = self._button("printButton", "Print…", "Print")
        self._print_button.setToolTip("Print (Ctrl+P)")
        self._save_button = self._button("saveButton", "Save as PDF…", "Save as PDF")
        self._save_button.setAccessibleDescription("Saves a copy that is not encrypted")
        self._close_button = self._button("closeButton", "Close", "Close")
        self._close_button.setDefault(True)  # Enter closes; it never prints or saves by accident
        self._print_button.clicked.connect(self._print)
        self._save_button.clicked.connect(self.save_as_pdf)
        self._close_button.clicked.connect(self.reject)
        self._print_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        self._print_shortcut.setObjectName("printShortcut")
        self._print_shortcut.activated.connect(self._print)

        buttons = QHBoxLayout()
        buttons.addWidget(self._print_button)
        buttons.addWidget(self._save_button)
        buttons.addStretch(1)
        buttons.addWidget(self._close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self._error)
        layout.addWidget(self._view, 1)
        layout.addLayout(buttons)
        self.resize(820, 940)

        loaded = self._document.status() == QPdfDocument.Status.Ready and self.page_count > 0
        self._error.setVisible(not loaded)
        self._set_usable(loaded)

    def _button(self, object_name: str, text: str, accessible_name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(object_name)
        button.setAccessibleName(accessible_name)
        button.setAutoDefault(False)
        return button

    def _set_usable(self, usable: bool) -> None:
        self._print_button.setEnabled(usable)
        self._save_button.setEnabled(usable)
        self._print_shortcut.setEnabled(usable)

    # --- what the caller and tests see ------------------------------------------------------

    @property
    def document(self) -> QPdfDocument:
        return self._document

    @property
    def view(self) -> QPdfView:
        return self._view

    @property
    def page_count(self) -> int:
        return self._document.pageCount()

    def forget(self) -> None:
        """Close the document and drop the bytes (the lock screen calls this before closing).

        Python cannot wipe the ``bytes`` the caller passed in; this drops every reference the
        dialog holds, so the copies go once the caller drops theirs.
        """
        self._set_usable(False)
        self._view.setDocument(None)  # type: ignore[arg-type]
        self._document.close()
        self._buffer.close()
        self._buffer.setData(QByteArray())
        self._pdf = None

    def done(self, result: int) -> None:
        self.forget()
        super().done(result)

    # --- printing ---------------------------------------------------------------------------

    def _make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._title)
        return printer

    def _print(self) -> None:
        if self._pdf is None or self.page_count == 0:
            return
        printer = self._make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print {self._title}")
        # A "print to file" would be an unencrypted copy without the save warning: saving is
        # what "Save as PDF…" is for.
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        dialog.setMinMax(1, self.page_count)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print every page (or the printer's page range) on ``printer``; then ``on_printed``.

        Each page is rendered at the printer's resolution (at most ``MAX_PRINT_DPI``) and drawn
        on the whole sheet: full size on A4, scaled to fit and centred on other paper.
        """
        if self._pdf is None or self.page_count == 0:
            return
        ranges = printer.pageRanges()
        pages = [i for i in range(self.page_count) if ranges.isEmpty() or ranges.contains(i + 1)]
        if not pages:
            return
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.critical(self, "Could not print", PRINT_FAILED)
            return
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        completed = True
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for position, index in enumerate(pages):
                if position and not printer.newPage():
                    completed = False
                    break
                points = self._document.pagePointSize(index)
                pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                image = self._document.render(
                    index, pixels, format=QImage.Format.Format_RGB32, fillColor=Qt.GlobalColor.white
                )
                sheet = painter.viewport()
                fitted = pixels.scaled(sheet.size(), Qt.AspectRatioMode.KeepAspectRatio)
                left = sheet.x() + (sheet.width() - fitted.width()) // 2
                top = sheet.y() + (sheet.height() - fitted.height()) // 2
                painter.drawImage(QRect(left, top, fitted.width(), fitted.height()), image)
        finally:
            ended = painter.end()
            QApplication.restoreOverrideCursor()
        failed = printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted)
        if not (completed and ended) or failed:
            QMessageBox.critical(self, "Could not print", PRINT_FAILED)
            return
        if self._on_printed is not None:
            self._on_printed()

    # --- saving -----------------------------------------------------------------------------

    def _suggested_path(self) -> str:
        name = f"Sharewise {_readable(self.document_kind)}.pdf"
        for bad in '<>:"/\\|?*':
            name = name.replace(bad, " ")
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(folder) / name) if folder else name

    def save_as_pdf(self) -> bool:
        """Warn that the copy is not encrypted, ask where, write the bytes; then ``on_saved``.

        Returns whether a file was saved. A failed write shows one sentence, never a traceback.
        """
        if self._pdf is None:
            return False
        kind = _readable(self.document_kind)
        answer = QMessageBox.warning(
            self,
            "The saved file is not encrypted",
            f"Sharewise keeps its records encrypted, but a saved PDF of this {kind} is NOT "
            "encrypted: anyone who can open the folder you save it in can read it.\n\n"
            "Only save it somewhere as safe as the records themselves, and delete it when it is no "
            "longer needed. To make a paper copy, use Print instead.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Save:
            return False
        chosen, _ = QFileDialog.getSaveFileName(
            self, f"Save {kind} as PDF", self._suggested_path(), "PDF files (*.pdf)"
        )
        if not chosen or self._pdf is None:  # cancelled, or locked while the dialog was open
            return False
        path = Path(chosen)
        if not path.suffix and not path.with_suffix(".pdf").exists():
            path = path.with_suffix(".pdf")
        try:
            write_pdf(path, self._pdf)
        except OSError as exc:
            QMessageBox.critical(self, "Could not save", save_error_sentence(exc))
            return False
        if self._on_saved is not None:
            self._on_saved()
        return True
