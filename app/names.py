"""Names in any script: sorting them sensibly and turning them into initials.

The core cannot rely on the operating system's locale (a nursery PC may run in any language) and
SQLite's NOCASE only folds ASCII, so "Łucja" and "Zoë" would sort after every plain "Z". The key
here folds case and strips accents in every script, which puts Zoë among the Zs, Αλέξανδρος among
the Greek names and Дмитрий among the Cyrillic ones. The window re-sorts with Qt's collator for
the person's own language when they click a column.
"""

from __future__ import annotations

import unicodedata

# Letters that are not "a letter plus an accent" to Unicode, so stripping marks leaves them as
# they are; a person searching for Łucja types "lucja".
_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ħ": "h",
        "Ħ": "H",
        "ı": "i",
        "ŧ": "t",
        "Ŧ": "T",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "TH",
    }
)


def fold(text: str) -> str:
    """Lower case without accents in any script: "Łucja Zoë" -> "lucja zoe", "Αλέξανδρος" ->
    "αλεξανδρος". Used for sorting and for search, on both the names and what is typed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sort_key(name: str) -> tuple[str, str]:
    """A key that sorts names case- and accent-insensitively, ties broken by the exact text."""
    return fold(name), name


def initials(name: str) -> str:
    """ "Zoë Adams" -> "Z.A."; "Nguyễn Thị Lan" -> "N.T.L."; hyphenated parts count as one name."""
    parts = [p for p in name.replace("\u00a0", " ").split() if p]
    letters = []
    for part in parts:
        first = next((c for c in part if c.isalpha()), "")
        if first:
            letters.append(first.upper())
    return "".join(f"{letter}." for letter in letters)
