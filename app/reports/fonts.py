"""The fonts our PDFs embed: DejaVu Sans and DejaVu Sans Mono, shipped in ``resources/fonts``.

ReportLab's built-in fonts only know Latin-1, so a name like Łucja, Nguyễn or Дмитрий would print
as boxes. DejaVu covers Latin, Greek and Cyrillic in full. It has no CJK, Arabic shaping or Indic
scripts, so a caller that prints text from a person checks it first with ``missing_glyphs`` and
falls back or refuses rather than print boxes (pretix does the same).

``register()`` is idempotent and thread-safe; every function here calls it, so callers never
have to remember to.
"""

from __future__ import annotations

import threading
import unicodedata
from importlib import resources
from io import BytesIO

from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
MONO = "DejaVuSansMono"
MONO_BOLD = "DejaVuSansMono-Bold"

# ReportLab font name -> file in resources/fonts. The file names are DejaVu's own.
_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
    MONO_BOLD: "DejaVuSansMono-Bold.ttf",
}
# family -> (regular, bold). DejaVu's oblique faces are not shipped, so italic maps to the
# upright face rather than to a font ReportLab would have to fake or fail on.
_FAMILIES = {SANS: (SANS, SANS_BOLD), MONO: (MONO, MONO_BOLD)}

_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the DejaVu faces and families with ReportLab (once per process).

    After this, ``<b>`` in a Paragraph set in ``SANS`` uses the real DejaVu Sans Bold face.
    """
    global _registered
    with _lock:
        if _registered:
            return
        folder = resources.files("resources").joinpath("fonts")
        for name, file_name in _FILES.items():
            data = folder.joinpath(file_name).read_bytes()  # works from a wheel or zip too
            pdfmetrics.registerFont(TTFont(name, BytesIO(data)))
        for family, (regular, bold) in _FAMILIES.items():
            pdfmetrics.registerFontFamily(family, normal=regular, bold=bold, italic=regular, boldItalic=bold)
        _registered = True


def _covered(font_name: str) -> set[int] | None:
    """The code points a registered TrueType font has glyphs for; None for a built-in font."""
    font = pdfmetrics.getFont(font_name)  # KeyError for a font nobody registered
    face = getattr(font, "face", None)
    char_to_glyph = getattr(face, "charToGlyph", None)
    if isinstance(font, TTFont) and isinstance(char_to_glyph, dict):
        return {int(code) for code in char_to_glyph}
    return None


_coverage: dict[str, frozenset[int] | None] = {}


def missing_glyphs(text: str, font_name: str) -> set[str]:
    """The characters of ``text`` that ``font_name`` would print as a box (empty if none).

    Control characters (new lines, tabs) are never drawn, so they never count as missing.
    For ReportLab's built-in Type 1 fonts, anything outside their Windows-1252 encoding counts
    as missing.
    Raises ``KeyError`` for a font name that is neither ours nor built in.
    """
    register()
    with _lock:
        if font_name not in _coverage:
            covered = _covered(font_name)
            _coverage[font_name] = None if covered is None else frozenset(covered)
        coverage = _coverage[font_name]
    missing: set[str] = set()
    for char in text:
        if unicodedata.category(char) == "Cc":
            continue
        if coverage is None:
            try:
                char.encode("cp1252")
            except UnicodeEncodeError:
                missing.add(char)
        elif ord(char) not in coverage:
            missing.add(char)
    return missing
