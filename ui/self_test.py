"""``sharewise --self-test``: the core checks (app/self_test.py) plus what only the desktop
program needs: Qt starts (offscreen when no platform is given, so it needs no display), the
bundled DejaVu fonts load, the window's icon is found, QtPdf renders a page of the self-test's
PDF, and QtPrintSupport loads.
Together they prove a bundle holds the modules it needs.

It never opens the person's vault or reads QSettings. The report goes to standard output; a
windowed program on Windows has none, so there it is written to ``sharewise-self-test.txt`` in
the temporary folder instead (IT support can run ``sharewise-admin self-test`` in a console for
the core checks).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TextIO

REPORT_FILE = "sharewise-self-test.txt"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf")
RENDER_WIDTH = 600


def qt_versions() -> tuple[str, str]:
    """(Qt, PySide6) versions, for the About box and the report."""
    import PySide6
    from PySide6.QtCore import qVersion

    return str(qVersion()), str(PySide6.__version__)


def check_qt() -> str:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    platform = app.platformName() if isinstance(app, QApplication) else "none"
    qt, pyside = qt_versions()
    return f"Qt {qt} (PySide6 {pyside}) started on the {platform} platform."


def check_fonts() -> str:
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QFontDatabase

    folder = resources.files("resources").joinpath("fonts")
    families: set[str] = set()
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFontFromData(QByteArray(folder.joinpath(name).read_bytes()))
        if font_id < 0:
            raise RuntimeError(f"The bundled font {name} did not load into Qt; reinstall Sharewise.")
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    if not {"DejaVu Sans", "DejaVu Sans Mono"} <= families:
        raise RuntimeError("The bundled DejaVu fonts loaded but do not name the expected families.")
    return f"The {len(FONT_FILES)} bundled DejaVu fonts load into Qt."


def check_icon() -> str:
    """The window's icon is found where the program looks for it (beside ``resources``)."""
    from ui.main import program_icon

    sizes = sorted(size.width() for size in program_icon().availableSizes())
    if sizes != [48, 128, 256]:
        raise RuntimeError("The program's icon files are missing from this copy; reinstall Sharewise.")
    return "The program's icon loads in all 3 sizes."


def check_print_support() -> str:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # never a real printer
    return "Qt's printing module loads."


def check_pdf_render(pdf: bytes | None) -> str:
    """QtPdf opens the self-test PDF and renders page 1 with ink on paper (not blank)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtPdf import QPdfDocument

    if pdf is None:
        raise RuntimeError("There was no PDF to show, because building it failed (see above).")
    document = QPdfDocument()
    buffer = QBuffer(document)  # the document's child: it must not outlive the device it reads
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise RuntimeError("Qt's PDF module could not open the self-test PDF; reinstall Sharewise.")
    page = document.pagePointSize(0)
    size = QSize(RENDER_WIDTH, round(RENDER_WIDTH * page.height() / page.width()))
    rendered = document.render(0, size)
    # Onto white paper: a transparent background would otherwise count as black ink.
    paper = QImage(size, QImage.Format.Format_Grayscale8)
    paper.fill(QColor("white"))
    painter = QPainter(paper)
    painter.drawImage(0, 0, rendered)
    painter.end()
    pixels = bytes(paper.constBits())[: paper.bytesPerLine() * paper.height()]
    ink = sum(1 for value in pixels if value < 128) / (size.width() * size.height())
    pages = document.pageCount()
    document.close()
    if not 0.001 < ink < 0.5:
        raise RuntimeError("Qt's PDF module opened the self-test PDF but page 1 came out blank.")
    return f"Qt's PDF module opened the {pages}-page self-test PDF and drew page 1."


def _report_stream() -> tuple[TextIO, Path | None]:
    if sys.stdout is not None:
        return sys.stdout, None
    path = Path(tempfile.gettempdir()) / REPORT_FILE
    return path.open("w", encoding="utf-8"), path


def run(out: TextIO | None = None) -> int:
    """Every check, one line each, then the summary; 0 when all passed, 1 otherwise."""
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no display needed
    from PySide6.QtWidgets import QApplication

    from app import self_test
    from app.self_test import Check

    stream, written_to = (out, None) if out is not None else _report_stream()
    existing = QApplication.instance()
    _app = existing if isinstance(existing, QApplication) else QApplication(["sharewise-self-test"])
    checks: list[Check] = []

    def done(check: Check) -> None:
        checks.append(check)
        print(check.line, file=stream, flush=True)

    def attempt(name: str, step: Callable[[], str]) -> None:
        try:
            done(Check(name, True, step()))
        except ImportError as exc:
            done(Check(name, False, f"A part of Qt is missing from this copy ({exc}); reinstall Sharewise."))
        except Exception as exc:
            done(Check(name, False, str(exc) or type(exc).__name__))

    attempt("Qt", check_qt)
    attempt("Fonts", check_fonts)
    attempt("Icon", check_icon)
    attempt("Printing", check_print_support)
    result = self_test.run_checks(done)
    attempt("PDF display", lambda: check_pdf_render(result.pdf))
    print(self_test.summary(checks), file=stream, flush=True)
    if written_to is not None:
        stream.close()
    return 0 if all(c.passed for c in checks) else 1
