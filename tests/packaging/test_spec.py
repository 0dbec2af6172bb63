"""The bundle's lists (installer/bundle_config.py, read by installer/sharewise.spec): no test code
or developer tools go in, and every Qt module the program does not import is left out, while
every one it does import is kept. The built bundle itself is checked by `make bundle-check`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from installer.bundle_config import EXCLUDES, QT_EXCLUDED, QT_USED, keep_qt_file

PROJECT = Path(__file__).resolve().parents[2]
SPEC = PROJECT / "installer" / "sharewise.spec"


def imported_qt_modules() -> set[str]:
    """Every PySide6 module imported anywhere in app/ or ui/ (at the top or inside a function)."""
    found: set[str] = set()
    for path in [*PROJECT.glob("app/**/*.py"), *PROJECT.glob("ui/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found.update(n.split(".")[1] for n in names if n.startswith("PySide6.") and n.count(".") >= 1)
    return found


def installed_qt_modules() -> set[str]:
    import PySide6

    folder = Path(PySide6.__file__).parent
    return {p.name.split(".")[0] for p in folder.iterdir() if re.match(r"Qt\w+\.(abi3\.so|pyd)$", p.name)}


def test_every_qt_module_the_program_imports_is_kept() -> None:
    used = imported_qt_modules()
    assert {"QtCore", "QtGui", "QtWidgets"} <= used  # the scan itself works
    assert used <= QT_USED, f"imported but left out of the bundle: {sorted(used - QT_USED)}"
    assert not {f"PySide6.{m}" for m in used} & set(EXCLUDES)


def test_every_installed_qt_module_the_program_does_not_import_is_excluded() -> None:
    unused = installed_qt_modules() - QT_USED
    assert unused, "PySide6 should have modules the program does not use (QtNetwork, QtQml...)"
    missing = sorted(f"PySide6.{m}" for m in unused if f"PySide6.{m}" not in QT_EXCLUDED)
    assert missing == [], f"installed, unused and not excluded: {missing}"
    assert QT_USED - imported_qt_modules() == set(), "QT_USED names a module nothing imports"


def test_no_test_code_or_developer_tools_go_in() -> None:
    for name in ("tests", "bench", "pytest", "_pytest", "pytestqt", "mypy", "ruff", "tkinter"):
        assert name in EXCLUDES
    text = SPEC.read_text("utf-8")
    assert "from bundle_config import EXCLUDES" in text and "excludes=EXCLUDES" in text
    # The data files the spec adds come from resources/ and the migrations only.
    data_sources = re.findall(r'\(str\(ROOT / "([^"]+)"', text) + re.findall(r"\(str\((ICONS)\)", text)
    assert data_sources, "no data files found in the spec"
    for source in data_sources:
        assert source == "ICONS" or source.startswith(("resources", "app")), source
        assert "tests" not in source and "bench" not in source


def test_qt_translations_qml_and_unused_plugins_are_dropped() -> None:
    qt = "PySide6/Qt"
    assert not keep_qt_file(f"{qt}/translations/qtbase_de.qm")
    assert not keep_qt_file(f"{qt}/qml/QtQuick/Controls/qmldir")
    assert not keep_qt_file(f"{qt}/plugins/platformthemes/libqgtk3.so")
    assert not keep_qt_file(f"{qt}/plugins/sqldrivers/libqsqlite.so")
    assert not keep_qt_file(f"{qt}/plugins/imageformats/libqwebp.so")
    assert not keep_qt_file(f"{qt}/plugins/tls/libqopensslbackend.so")
    for kept in (
        "platforms/libqxcb.so",
        "platforms/libqoffscreen.so",
        "platforms/libqwayland.so",
        "platforms/qwindows.dll",
        "platforms/libqcocoa.dylib",
        "imageformats/libqjpeg.so",
        "imageformats/qico.dll",
        "printsupport/libcupsprintersupport.so",
        "platformthemes/libqxdgdesktopportal.so",
    ):
        assert keep_qt_file(f"{qt}/plugins/{kept}"), kept
    assert keep_qt_file(f"{qt}/lib/libQt6Core.so.6")
    assert keep_qt_file("app/vault/migrations/0001_core.sql")
