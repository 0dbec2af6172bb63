"""The window benchmark's script still drives the program to the end (widgets found, the chosen
child opened, a concern logged, the pack built, lock and unlock), on a tiny dataset. No timings
are asserted: only that every step ran and every figure was taken."""

from __future__ import annotations

from pathlib import Path

from bench import ui_session
from bench.dataset import build_dataset


def test_the_scripted_session_runs_every_step_and_reports(tmp_path: Path) -> None:
    info = build_dataset(tmp_path / "vault", children=20, concerns=300, decisions=20, consents=40)
    result = ui_session.bench_ui_session(info, runs=1)

    assert result.failures == []
    [run] = result.runs
    assert [step["name"] for step in run["steps"]] == [
        "sign in",
        "open Children",
        ui_session.CHILD_SEARCH,
        "open the child with 200 chronology entries",
        "open Concerns (the queue)",
        ui_session.CONCERN_SEARCH,
        "log a concern through the form",
        "open Sharing",
        "build the annual review pack (off the UI thread) and close it",
        "lock",
        "unlock",
    ]
    assert [window["kind"] for window in run["windows"]] == ["sign in", "unlock"]
    assert all(window["to_home_painted"] >= window["to_workspace_built"] > 0 for window in run["windows"])
    assert set(run["longest"]) >= {step["name"] for step in run["steps"]}
    assert run["peak_mb"] > 0
    lines = ui_session.report_lines(result)
    assert lines[0] == "## The window on the 10-year dataset"
    assert any(line.startswith("| peak memory of the process") for line in lines)
