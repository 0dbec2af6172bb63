"""The annual review pack for one year of the 10-year dataset (``bench/dataset.py``).

Run through ``make bench`` (the "Annual review pack" section of docs/benchmarks.md, measured on the
dataset the other sections use), or alone with ``python -m bench.review_pack``, which builds the
dataset in a temporary folder first (``SHAREWISE_BENCH_CHILDREN`` / ``SHAREWISE_BENCH_CONCERNS``
make it smaller for a quick check, and the report says so) and prints the section.

Measured, as the median of a few runs: ``session.review_pack.figures`` for the last full year of
the dataset (every section's figures, which includes verifying the whole audit chain and finding
the records past their retention period), then ``build_review_pack`` (the PDF, two passes for the
contents), and the two together, which is what the person waits for behind the progress bar.
The architecture page's target: under 3 s for a year of that setting, off the UI thread.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from app import audit
from app.clock import ManualClock
from app.reports.review_pack import ReviewPackPdf, build_review_pack
from app.review_pack import ReviewFigures
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault
from bench import records, sharing
from bench.bare_pdf import build_bare
from bench.dataset import DatasetInfo, build_dataset
from bench.records import Timings, column, ms

ROUNDS = 5
TARGET_SECONDS = 3.0


@dataclass(frozen=True)
class ReviewPackResult:
    year: int
    whole: Timings  # figures and PDF, one after the other
    figures: Timings
    pdf: Timings
    verify: Timings  # the audit chain alone (part of the figures)
    bare: Timings  # a bare ReportLab document of the same page count (bench/bare_pdf.py)
    pages: int
    pdf_bytes: int
    concerns: int  # seen in the year
    decisions: int  # received in the year
    audit_entries: int
    full_size: bool
    seconds: float


def bench_review_pack(info: DatasetInfo) -> ReviewPackResult:
    """The pack for the dataset's last full year, built ``ROUNDS`` times after one warm-up."""
    began = time.perf_counter()
    year = info.end.year - 1
    vault = Vault.open(info.folder, keyring=DeviceKeyring(None), clock=ManualClock(info.end))
    try:
        session = vault.sign_in(*info.manager)
        try:
            figures: ReviewFigures = session.review_pack.figures(year)  # warm-up: pages read, fonts loaded
            pdf: ReviewPackPdf = build_review_pack(figures)
            build_bare(pdf.pages)  # its warm-up
            rounds = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                figures = session.review_pack.figures(year)
                middle = time.perf_counter()
                pdf = build_review_pack(figures)
                end = time.perf_counter()
                audit.verify(session.context.database)
                verified = time.perf_counter()
                build_bare(pdf.pages)
                bare = time.perf_counter()
                rounds.append((end - start, middle - start, end - middle, verified - end, bare - verified))
            timings = Timings(tuple(rounds))
            entries = audit.verify(session.context.database).entries_checked
        finally:
            session.close()
    finally:
        vault.close()
    return ReviewPackResult(
        year=year,
        whole=column(timings, 0),
        figures=column(timings, 1),
        pdf=column(timings, 2),
        verify=column(timings, 3),
        bare=column(timings, 4),
        pages=pdf.pages,
        pdf_bytes=len(pdf.data),
        concerns=figures.concerns.total,
        decisions=figures.decisions.total,
        audit_entries=entries,
        full_size=records.full_size(info),
        seconds=time.perf_counter() - began,
    )


def _spread(timings: Timings) -> str:
    values = timings.values
    return f"median {ms(timings.median)} (min {ms(min(values))}, max {ms(max(values))}, n={len(values)})"


def report_lines(result: ReviewPackResult) -> list[str]:
    """The "Annual review pack" section of docs/benchmarks.md."""
    verdict = "met" if result.whole.median < TARGET_SECONDS else "**missed**"
    size = "" if result.full_size else " (a smaller dataset than the full one: a quick check, not the figure)"
    share = result.verify.median / result.figures.median if result.figures.median else 0.0
    return [
        "## Annual review pack (10-year dataset)",
        "",
        f"The pack for {result.year}, the dataset's last full year{size}: "
        f"{result.concerns:,} concerns and {result.decisions:,} sharing decisions in the year, "
        f"{result.audit_entries:,} audit entries verified, {result.pages} pages "
        f"({result.pdf_bytes / 1024:,.0f} KB). The figures come from `session.review_pack.figures` "
        "(every section, the audit chain verified and the records past their retention period "
        "found); the PDF from `build_review_pack` (two passes, for the contents' page numbers). "
        "Both run off the UI thread behind a progress bar.",
        "",
        "| what | time | target |",
        "| --- | --- | --- |",
        f"| figures and PDF together | {_spread(result.whole)} | under 3 s: {verdict} |",
        f"| the figures | {_spread(result.figures)} | |",
        f"| … of which verifying the audit chain | {_spread(result.verify)} ({share:.0%} of the figures) | |",
        f"| the PDF | {_spread(result.pdf)} | |",
        f"| … a bare ReportLab document of {result.pages} pages, the same rounds | {_spread(result.bare)} "
        f"(the pack's PDF takes {result.pdf.median / result.bare.median:.1f}x as long) | |",
        "",
        "The bare document (`bench/bare_pdf.py`) is a heading and a paragraph a page in the same "
        "embedded font and nothing else; the pack adds its tables, the charts' bars, two passes for "
        "the contents' page numbers and a glyph check of every text it prints.",
        "",
        f"This section took {result.seconds:.0f} s to measure, after the build.",
        "",
    ]


def main() -> None:
    children, concerns = records.dataset_size()
    print("Building the 10-year dataset...", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="sharewise-bench-") as temp:
        info = build_dataset(
            Path(temp) / "vault",
            children=children,
            concerns=concerns,
            decisions=sharing.dataset_decisions(children),
            progress=records.print_progress,
        )
        print(f"Built in {info.build_seconds:.0f} s; measuring the review pack...", file=sys.stderr)
        result = bench_review_pack(info)
    print("\n".join(report_lines(result)), file=sys.stdout)


if __name__ == "__main__":
    main()
