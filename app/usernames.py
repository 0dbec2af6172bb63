"""Usernames: how they are typed, compared and checked.

A username is what a person types at sign-in, e.g. ``zoe.a`` or ``łucja``. Letters of any script
are fine; it is compared case-insensitively after NFC normalisation, so "Zoë" and "zoë" are the
same account whatever keyboard typed them.
"""

from __future__ import annotations

import unicodedata

from app.errors import ValidationError

MIN_LENGTH = 2
MAX_LENGTH = 64
_ALLOWED_PUNCTUATION = set(".-_")


def normalise(username: str) -> str:
    return unicodedata.normalize("NFC", username).strip().casefold()


def check(username: object) -> str:
    """The normalised username, or ``ValidationError`` explaining what to change."""
    if not isinstance(username, str):
        raise ValidationError("username", "The username must be text.")
    name = normalise(username)
    if len(name) < MIN_LENGTH:
        raise ValidationError("username", f"A username needs at least {MIN_LENGTH} characters.")
    if len(name) > MAX_LENGTH:
        raise ValidationError("username", f"A username can have at most {MAX_LENGTH} characters.")
    for char in name:
        category = unicodedata.category(char)
        if not (category[0] in "LN" or category == "Mn" or char in _ALLOWED_PUNCTUATION):
            raise ValidationError(
                "username",
                "A username may contain letters, digits, dots, hyphens and underscores only (no spaces).",
            )
    return name
