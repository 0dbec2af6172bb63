"""``sharewise --self-test``: passes with no display at all, reports a failing Qt check as one
FAILED line and exit 1, and spots a PDF page that renders blank."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from app import self_test as core
from tests.app.test_self_test import CORE_CHECKS
from ui import self_test

QT_CHECKS = ["Qt", "Fonts", "Icon", "Printing"]
ALL_CHECKS = [*QT_CHECKS, *CORE_CHECKS, "PDF display"]


def names(output: str) -> list[str]:
    return [line.split(": ")[1] for line in output.splitlines()[:-1]]


def blank_pdf() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_the_program_passes_its_self_test_with_no_display(tmp_path: Path) -> None:
    """The installed ``sharewise`` with QT_QPA_PLATFORM and DISPLAY unset and no cheap-KDF
    switch; it leaves nothing in the temp folder, the data folder or the settings folder."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY", "SHAREWISE_TEST_CHEAP_KDF")
    }
    temp, data, config = tmp_path / "tmp", tmp_path / "data", tmp_path / "config"
    for folder in (temp, data, config):
        folder.mkdir()
    env.update(TMPDIR=str(temp), XDG_DATA_HOME=str(data), XDG_CONFIG_HOME=str(config))
    program = Path(sys.executable).with_name("sharewise")
    done = subprocess.run(
        [str(program), "--self-test"], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "Self-test passed."
    assert names(done.stdout) == ALL_CHECKS
    assert all(line.split(":")[0] in ("ok", "warning") for line in lines[:-1])
    assert "ok: Qt: Qt " in done.stdout and "on the offscreen platform." in done.stdout
    assert "ok: PDF display: Qt's PDF module opened the " in done.stdout
    assert "Traceback" not in done.stderr
    assert list(temp.iterdir()) == []
    assert list(data.iterdir()) == [] and list(config.iterdir()) == []


def test_a_failing_qt_check_is_a_failed_line_and_exit_1(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> str:
        raise ImportError("No module named 'PySide6.QtPrintSupport'")

    monkeypatch.setattr(self_test, "check_print_support", missing)
    monkeypatch.setattr(core, "system_keyring_backend", lambda: None)
    out = io.StringIO()
    assert self_test.run(out) == 1
    lines = out.getvalue().splitlines()
    assert names(out.getvalue()) == ALL_CHECKS
    assert (
        "FAILED: Printing: A part of Qt is missing from this copy (No module named "
        "'PySide6.QtPrintSupport'); reinstall Sharewise."
    ) in lines
    assert lines[-1] == f"Self-test failed: 1 of {len(ALL_CHECKS)} checks."
    assert "Traceback" not in out.getvalue()


def test_a_missing_icon_is_a_failed_line(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a bundle that lost resources/icons: the window would show a generic icon."""
    import resources

    monkeypatch.setattr(resources, "__file__", str(Path(tempfile.mkdtemp()) / "__init__.py"))
    monkeypatch.setattr(core, "system_keyring_backend", lambda: None)
    out = io.StringIO()
    assert self_test.run(out) == 1
    assert (
        "FAILED: Icon: The program's icon files are missing from this copy; reinstall Sharewise."
        in out.getvalue().splitlines()
    )


def test_a_failed_pdf_build_fails_the_display_check_too(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_work: core._Work) -> str:
        raise core.CheckFailed("The consent forms PDF has no pages.")

    monkeypatch.setattr(core, "check_pdf", broken)
    monkeypatch.setattr(core, "system_keyring_backend", lambda: None)
    out = io.StringIO()
    assert self_test.run(out) == 1
    assert "FAILED: PDF display: There was no PDF to show, because building it failed" in out.getvalue()
    assert out.getvalue().splitlines()[-1] == f"Self-test failed: 2 of {len(ALL_CHECKS)} checks."


def test_a_blank_page_or_a_damaged_pdf_is_caught(qtbot: QtBot) -> None:
    with pytest.raises(RuntimeError, match="came out blank"):
        self_test.check_pdf_render(blank_pdf())
    with pytest.raises(RuntimeError, match="could not open"):
        self_test.check_pdf_render(b"%PDF-1.4 this is not a PDF")


def test_a_windowed_program_writes_the_report_to_a_file(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A windowed exe on Windows has no standard output (sys.stdout is None)."""
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(core, "system_keyring_backend", lambda: None)
    assert self_test.run() == 0
    report = (tmp_path / self_test.REPORT_FILE).read_text(encoding="utf-8")
    assert report.splitlines()[-1] == "Self-test passed."
    assert names(report) == ALL_CHECKS
    assert [p.name for p in tmp_path.iterdir()] == [self_test.REPORT_FILE]
