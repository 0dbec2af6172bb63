"""The password rule, with the reason in every refusal.

Long beats clever: at least 12 characters, and not a password that attackers try first (a list
of common passwords and nursery-office favourites, also with digits or symbols stuck on the
ends), nor one built from the person's own name or username. Three random words are the advice
we give, as the NCSC does.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

from app.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 1024
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("resources").joinpath("passwords/common.txt").read_text("utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip() and line[0] != "#")


def _refuse(sentence: str) -> ValidationError:
    return ValidationError("password", sentence)


def check_new_password(
    password: str, *, username: str = "", full_name: str = "", provider_name: str = ""
) -> None:
    """Raise ``ValidationError`` (field "password") saying why a new password will not do."""
    if not isinstance(password, str):
        raise _refuse("The password must be text.")
    normalised = unicodedata.normalize("NFC", password)
    if len(normalised) < MIN_LENGTH:
        raise _refuse(
            f"Use at least {MIN_LENGTH} characters: short passwords can be guessed quickly by a "
            "computer. Three random words you can picture together are long and easy to remember."
        )
    if len(normalised) > MAX_LENGTH:
        raise _refuse(f"A password can have at most {MAX_LENGTH:,} characters.")
    if normalised.strip() != normalised:
        raise _refuse("A password cannot begin or end with a space, which is easy to mistype.")
    folded = normalised.casefold()
    core = _EDGES.sub("", folded)
    squashed = re.sub(r"[\s\-_.]+", "", folded)
    common = common_passwords()
    if folded in common or core in common or squashed in common or _EDGES.sub("", squashed) in common:
        raise _refuse(
            "That password is on the lists attackers try first (adding numbers or symbols to the "
            "end does not help). Choose something less predictable, such as three random words."
        )
    if len(set(folded)) < 4:
        raise _refuse("That password repeats too few different characters to be safe.")

    def fold(text: str) -> str:
        return unicodedata.normalize("NFC", text).casefold()

    personal = [fold(username)] if len(username) >= 3 else []
    for text in (full_name, provider_name):
        personal.extend(part for part in re.split(r"[\s\-'’.]+", fold(text)) if len(part) >= 4)
    for part in personal:
        if part and part in folded:
            raise _refuse(
                "A password must not contain your name, username or the setting's name: they are "
                "the first things someone who knows you would try."
            )
