"""What the bundle holds and leaves out, shared by installer/sharewise.spec, installer/check_bundle.py
and tests/packaging/test_spec.py (so the lists are tested, not just written down)."""

from __future__ import annotations

from pathlib import Path

# The Qt modules the program imports (grep ui/ for "PySide6."): QtDBus is for the screen-lock
# signals on Linux (ui/os_lock.py). Every other PySide6 module is excluded so its libraries
# stay out of the bundle.
QT_USED = {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtPdf", "QtPdfWidgets", "QtDBus"}
# fmt: off
QT_ALL = QT_USED | {
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender", "QtAxContainer",
    "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDesigner", "QtGraphs",
    "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLabsStyleKit", "QtLocation", "QtMultimedia",
    "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL", "QtOpenGLWidgets",
    "QtPositioning", "QtQml", "QtQmlFeatures", "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest",
    "QtQuickWidgets", "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort",
    "QtSpatialAudio", "QtSql", "QtStateMachine", "QtSvg", "QtSvgWidgets", "QtTest", "QtTextToSpeech",
    "QtUiTools", "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets",
    "QtWebSockets", "QtXml",
}
# fmt: on
QT_EXCLUDED = sorted(f"PySide6.{name}" for name in QT_ALL - QT_USED)

# No test code or developer tools in the bundle, and nothing the program never loads.
# fmt: off
EXCLUDES = [
    *QT_EXCLUDED,
    "tests", "bench", "pytest", "_pytest", "pytestqt", "pluggy", "iniconfig", "mypy", "mypyc", "ruff",
    "tkinter", "_tkinter", "unittest", "pydoc", "pydoc_data", "lib2to3", "IPython", "setuptools",
    "pkg_resources", "distutils", "readline",
    # Pillow's AVIF, WebP and Tk support and their libraries (about 6 MB): logos and scanned
    # forms are PNG or JPEG only (app/forms.py, app/reports/scan.py).
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin", "PIL._imagingtk",
    "PIL.ImageTk",
]
# fmt: on

# Qt plugins the program needs, by folder: the X11 and Wayland screens and the offscreen one
# (the self-test, support sessions without a display), Windows and macOS screens, PNG/JPEG/ICO
# images, printing, and the desktop's own file dialogs. Everything else under plugins/ is dropped.
QT_PLUGINS_KEPT: dict[str, set[str] | None] = {
    "platforms": {
        "libqxcb",
        "libqoffscreen",
        "libqminimal",
        "libqwayland",
        "libqwayland-generic",
        "libqwayland-egl",
        "qwindows",
        "qoffscreen",
        "qminimal",
        "libqcocoa",
    },
    "imageformats": {"libqjpeg", "libqico", "qjpeg", "qico"},
    "printsupport": None,  # all (cups on Linux, the native print dialog elsewhere)
    # The desktop's file dialogs through xdg-desktop-portal; the GTK 3 theme is left out, as it
    # would bring all of GTK, cairo and pango (about 20 MB) for the same dialogs.
    "platformthemes": {"libqxdgdesktopportal", "qxdgdesktopportal"},
    "xcbglintegrations": None,
    "wayland-shell-integration": None,
    "wayland-decoration-client": None,
    "wayland-graphics-integration-client": None,
    "styles": None,  # Windows / macOS native look
}


def keep_qt_file(dest: str) -> bool:
    """Drop Qt's translations (the program is in English), QML, and unused plugins."""
    parts = Path(dest).parts
    if "PySide6" not in parts:
        return True
    inner = parts[parts.index("PySide6") + 1 :]
    if "translations" in inner or "qml" in inner:
        return False
    if "plugins" in inner:
        at = inner.index("plugins")
        if len(inner) <= at + 2:
            return True
        folder, name = inner[at + 1], Path(inner[-1]).stem
        if folder not in QT_PLUGINS_KEPT:
            return False
        wanted = QT_PLUGINS_KEPT[folder]
        return wanted is None or name in wanted
    return True
