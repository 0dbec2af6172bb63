"""The recovery key: 160 random bits a manager keeps on paper, typed back when needed.

Shape: 8 groups of 5 characters, ``7K2QX-...``. In each group the first four characters carry
data (Crockford base32: digits and capitals without I, L, O, U, so nothing looks like anything
else) and the fifth is a check character. The check is a weighted sum over GF(32) with distinct
weights per position and a constant per group, so within a group any single wrong character and
any two swapped characters are caught, and so are two groups typed in the wrong order. That lets
us say *which group* is wrong instead of a generic failure.

The key never appears in ``repr``, exceptions or logs.
"""

from __future__ import annotations

import os
import re

from app.errors import RecoveryKeyInvalid

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 8
DATA_PER_GROUP = 4
GROUP_LENGTH = DATA_PER_GROUP + 1
KEY_BYTES = GROUPS * DATA_PER_GROUP * 5 // 8  # 20 bytes = 160 bits
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# Letters people write for the digits they look like (Crockford's decoding rules).
_LOOKALIKES = {"O": "0", "I": "1", "L": "1"}
_SEPARATORS = re.compile(r"[\s\-_.·–—]+")

# GF(32) with the primitive polynomial x^5 + x^2 + 1.
_EXP: list[int] = []
_value = 1
for _ in range(31):
    _EXP.append(_value)
    _value <<= 1
    if _value & 0b100000:
        _value ^= 0b100101


def _mul_alpha_power(symbol: int, power: int) -> int:
    """symbol * alpha**power in GF(32)."""
    if symbol == 0:
        return 0
    log = _EXP.index(symbol)
    return _EXP[(log + power) % 31]


def _check_symbol(group: int, data: list[int]) -> int:
    total = _EXP[(DATA_PER_GROUP + 1 + group) % 31]  # distinct non-zero constant per group
    for position, symbol in enumerate(data):
        total ^= _mul_alpha_power(symbol, position + 1)
    return total


class RecoveryKey:
    """A recovery key held in memory; ``str()`` is deliberately not the key."""

    __slots__ = ("_raw",)

    def __init__(self, raw: bytes) -> None:
        if len(raw) != KEY_BYTES:
            raise ValueError("a recovery key is 20 bytes")
        self._raw = bytes(raw)

    @property
    def secret(self) -> bytes:
        """The 160 bits the key slot is derived from."""
        return self._raw

    def groups(self) -> list[str]:
        """The eight 5-character groups as printed on the Recovery Sheet."""
        number = int.from_bytes(self._raw, "big")
        symbols = [(number >> (5 * i)) & 31 for i in reversed(range(GROUPS * DATA_PER_GROUP))]
        result = []
        for g in range(GROUPS):
            data = symbols[g * DATA_PER_GROUP : (g + 1) * DATA_PER_GROUP]
            chars = [ALPHABET[s] for s in data] + [ALPHABET[_check_symbol(g, data)]]
            result.append("".join(chars))
        return result

    def formatted(self) -> str:
        """The key as printed: ``XXXXX-XXXXX-...``."""
        return "-".join(self.groups())

    def __repr__(self) -> str:
        return "RecoveryKey(<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        import hmac

        return isinstance(other, RecoveryKey) and hmac.compare_digest(self._raw, other._raw)

    def __hash__(self) -> int:
        return hash(self._raw)


def generate() -> RecoveryKey:
    return RecoveryKey(os.urandom(KEY_BYTES))


def parse(typed: str) -> RecoveryKey:
    """Read a key as a person typed it: any case, with or without separators.

    Raises ``RecoveryKeyInvalid`` saying what is wrong and, where it can, in which group.
    """
    upper = typed.strip().upper()
    parts = [p for p in _SEPARATORS.split(upper) if p]
    if len(parts) == GROUPS:
        for number, part in enumerate(parts, start=1):
            if len(part) != GROUP_LENGTH:
                raise RecoveryKeyInvalid(
                    f"Group {number} has {len(part)} characters; every group has {GROUP_LENGTH}. "
                    "Check it against the Recovery Sheet.",
                    group=number,
                )
    joined = "".join(parts)
    expected = GROUPS * GROUP_LENGTH
    if len(joined) != expected:
        raise RecoveryKeyInvalid(
            f"A recovery key has {expected} letters and digits in {GROUPS} groups of "
            f"{GROUP_LENGTH}; this one has {len(joined)}. Check for a missing or extra group."
        )
    symbols: list[int] = []
    for index, char in enumerate(joined):
        char = _LOOKALIKES.get(char, char)
        group = index // GROUP_LENGTH + 1
        if char not in _VALUE:
            shown = char if char.isprintable() and char.isascii() else "a character"
            raise RecoveryKeyInvalid(
                f"{shown!r} in group {group} is not used in recovery keys. "
                "Check that group against the Recovery Sheet.",
                group=group,
            )
        symbols.append(_VALUE[char])
    data_symbols: list[int] = []
    for g in range(GROUPS):
        block = symbols[g * GROUP_LENGTH : (g + 1) * GROUP_LENGTH]
        data, check = block[:DATA_PER_GROUP], block[DATA_PER_GROUP]
        if _check_symbol(g, data) != check:
            raise RecoveryKeyInvalid(
                f"Group {g + 1} does not add up: one of its characters is probably mistyped, or "
                "two are swapped. Check that group against the Recovery Sheet.",
                group=g + 1,
            )
        data_symbols.extend(data)
    number = 0
    for symbol in data_symbols:
        number = (number << 5) | symbol
    return RecoveryKey(number.to_bytes(KEY_BYTES, "big"))
