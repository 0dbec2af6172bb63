"""The reference document the PDF benchmarks set the program's builds beside: it really has the
page count asked for, and its text (in several scripts) is set in the embedded font."""

from __future__ import annotations

import subprocess

from bench.bare_pdf import TEXT, build_bare
from tests.app.test_chronology_pdf import poppler


def test_the_bare_document_has_the_pages_asked_for_and_reads_back() -> None:
    data = build_bare(13)
    info = subprocess.run([poppler("pdfinfo"), "-"], input=data, capture_output=True, check=True).stdout
    assert b"Pages:           13" in info
    text = subprocess.run(
        [poppler("pdftotext"), "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert text.count("Дмитрий") == 13 and "Page 13" in text
    assert " ".join(text.split()).count(" ".join(TEXT.split())[:60]) == 13
    fonts = subprocess.run([poppler("pdffonts"), "-"], input=data, capture_output=True, check=True).stdout
    assert b"DejaVuSans" in fonts
