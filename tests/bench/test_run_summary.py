"""The benchmark page's "Targets at a glance" table gathers every row that ends in a verdict."""

from __future__ import annotations

from bench.run import verdict_lines


def test_every_verdict_row_is_gathered_with_its_section_and_counted() -> None:
    page = [
        "## Search",
        "| target | figure | target | verdict |",
        "| --- | --- | --- | --- |",
        "| concern text | p95 6.6 ms | p95 < 10 ms | met |",
        "| fresh connection | 1.59x | within 1.3x | **missed** |",
        "## Annual review pack",
        "| what | time | target |",
        "| figures and PDF together | 1,716 ms | under 3 s: met |",
        "| the PDF | 131 ms | |",
        "## Start-up",
        "| offscreen | 243 ms | 117 ms | 2.08x | missed |",
    ]
    lines = verdict_lines(page)
    assert "2 of 4 measured against a target are met; each is explained in its section below." in lines
    assert [
        line for line in lines if line.startswith("| ") and not line.startswith(("| section", "| ---"))
    ] == [
        "| Search | concern text | met |",
        "| Search | fresh connection | **missed** |",
        "| Annual review pack | figures and PDF together | met |",
        "| Start-up | offscreen | **missed** |",
    ]
