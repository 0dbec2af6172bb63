"""Checks shared by every form field the core accepts.

Names may be in any script, so text is normalised to NFC (a composed "ë" and "e" + combining
diaeresis are the same name) and only control characters are refused. Limits are generous but
finite: a 10,000-character note is fine, a 10 MB paste is not.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime

from app.errors import ValidationError

SHORT_TEXT_LIMIT = 200
LONG_TEXT_LIMIT = 20_000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def text(
    value: object,
    *,
    field: str,
    label: str,
    required: bool = True,
    limit: int = SHORT_TEXT_LIMIT,
    multiline: bool = False,
) -> str:
    """Return ``value`` cleaned (NFC, trimmed) or raise ``ValidationError`` naming the field.

    ``label`` is the field's name as the person sees it ("Full name").
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, f"{label} must be text.")
    cleaned = unicodedata.normalize("NFC", value).strip()
    if multiline:
        cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    if required and not cleaned:
        raise ValidationError(field, f"{label} is needed.")
    pattern = _CONTROL if multiline else _CONTROL_SINGLE_LINE
    if pattern.search(cleaned):
        what = "hidden control characters" if multiline else "line breaks or hidden characters"
        raise ValidationError(field, f"{label} contains {what}; please retype it.")
    if len(cleaned) > limit:
        raise ValidationError(
            field,
            f"{label} is too long ({len(cleaned):,} characters; the limit is {limit:,}).",
        )
    return cleaned


def integer(value: object, *, field: str, label: str, minimum: int, maximum: int) -> int:
    """An integer within [minimum, maximum]; bools and text are refused with a sentence."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"{label} must be a whole number.")
    if not minimum <= value <= maximum:
        raise ValidationError(field, f"{label} must be between {minimum} and {maximum}.")
    return value


def day(value: object, *, field: str, label: str, required: bool = True) -> date | None:
    """A calendar date (a ``date`` or ISO ``YYYY-MM-DD`` text); None only when not required."""
    if value is None or value == "":
        if required:
            raise ValidationError(field, f"{label} is needed.")
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(field, f"{label} is not a date Sharewise understands; use the calendar.")


def required_day(value: object, *, field: str, label: str) -> date:
    """Like ``day`` for a date that must be given."""
    found = day(value, field=field, label=label)
    if found is None:  # day() already refuses a missing required date
        raise ValidationError(field, f"{label} is needed.")
    return found


def moment(value: object, *, field: str, label: str) -> datetime:
    """A moment with a time zone (the window sends local time with its offset), as UTC."""
    if not isinstance(value, datetime):
        raise ValidationError(field, f"{label} is needed, with a date and a time.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, f"{label} has no time zone; please choose it again.")
    return value.astimezone(UTC)


def flag(value: object, *, field: str, label: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, f"{label} must be yes or no.")
    return value
