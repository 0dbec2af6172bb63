"""The core never loads Qt: import every ``app`` module in a clean interpreter and look."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, json, pkgutil, sys
import app
names = []
for info in pkgutil.walk_packages(app.__path__, "app."):
    if info.name == "app.__main__":
        continue  # running it would start the command line
    importlib.import_module(info.name)
    names.append(info.name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"})
print(json.dumps({"imported": names, "qt": qt}))
"""


def test_importing_every_core_module_loads_no_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found = json.loads(result.stdout)
    assert "app.vault.vault" in found["imported"]
    assert "app.session" in found["imported"]
    assert len(found["imported"]) >= 25
    assert found["qt"] == []


def test_no_core_source_file_mentions_a_qt_import() -> None:
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for binding in ("PySide6", "shiboken6", "PyQt"):
            assert f"import {binding}" not in text and f"from {binding}" not in text, path
