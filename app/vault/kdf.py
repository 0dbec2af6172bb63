"""Argon2id parameters: calibrated once per vault, never weaker than the floor.

At vault creation we time Argon2id on this PC and raise the number of passes until one
derivation takes about half a second, never going below 64 MiB of memory and 3 passes (the
memory stays at the floor so a sign-in does not push the program past its memory budget).

Tests and the self-test need derivations in microseconds. That is one explicit switch, the
environment variable ``SHAREWISE_TEST_CHEAP_KDF=1``, read only here. Slots made under it are
below the floor, and ``KdfParams.below_floor`` lets the security status say so, so a vault made
by mistake with the switch on is visible, not silently weak.
"""

from __future__ import annotations

import os
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TEST_SWITCH = "SHAREWISE_TEST_CHEAP_KDF"
FLOOR_MEMORY_KIB = 64 * 1024
FLOOR_ITERATIONS = 3
LANES = 4
TARGET_SECONDS = 0.5
MAX_ITERATIONS = 64
SALT_BYTES = 16
KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    iterations: int
    lanes: int

    @property
    def below_floor(self) -> bool:
        return self.memory_kib < FLOOR_MEMORY_KIB or self.iterations < FLOOR_ITERATIONS

    def to_json(self) -> dict[str, Any]:
        return {
            "alg": "argon2id",
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
        }

    @classmethod
    def from_json(cls, data: Any) -> KdfParams:
        if not isinstance(data, dict) or data.get("alg") != "argon2id":
            raise ValueError("unknown key derivation")
        values = [data["memory_kib"], data["iterations"], data["lanes"]]
        # A hand-edited file must be refused as damaged, not coerced (True is an int in Python).
        if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
            raise ValueError("key derivation parameters must be whole numbers")
        params = cls(*values)
        if not (8 * params.lanes <= params.memory_kib <= 4 * 1024 * 1024):
            raise ValueError("memory out of range")
        if not (1 <= params.iterations <= 1000 and 1 <= params.lanes <= 16):
            raise ValueError("passes or lanes out of range")
        return params


CHEAP_FOR_TESTS = KdfParams(memory_kib=8, iterations=1, lanes=1)


def cheap_kdf_enabled() -> bool:
    return os.environ.get(TEST_SWITCH) == "1"


def floor() -> KdfParams:
    """The weakest parameters allowed (64 MiB, 3 passes): for the throwaway demo vault, which
    should open quickly on any PC and guards only fictional data."""
    return CHEAP_FOR_TESTS if cheap_kdf_enabled() else KdfParams(FLOOR_MEMORY_KIB, FLOOR_ITERATIONS, LANES)


def derive(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    """Argon2id(secret, salt) -> 32 bytes. Slow on purpose: run it off the UI thread."""
    # Imported here, on the thread that derives: the sign-in page reads the key file's
    # parameters without loading cryptography, so the window starts sooner.
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(secret)


def password_bytes(password: str) -> bytes:
    """Passwords are compared as NFC UTF-8, so the same word typed on any keyboard matches."""
    return unicodedata.normalize("NFC", password).encode("utf-8")


def calibrate(
    target_seconds: float = TARGET_SECONDS, progress: Callable[[float], None] | None = None
) -> KdfParams:
    """Parameters taking about ``target_seconds`` on this PC, at or above the floor.

    ``progress`` is called with the fraction done (0 to 1) after each trial run, so setup can
    show a progress bar rather than a frozen window.

    Time is not proportional to passes (filling the memory costs the same whatever the number of
    passes), so it is fitted as fixed + per-pass cost from runs at 3 and 6 passes.
    """
    report = progress or (lambda _done: None)
    if cheap_kdf_enabled():
        report(1.0)
        return CHEAP_FOR_TESTS
    salt = os.urandom(SALT_BYTES)
    runs_done = 0

    def ran() -> None:
        nonlocal runs_done
        runs_done += 1
        report(runs_done / 5)

    def fastest(iterations: int) -> float:
        params = KdfParams(FLOOR_MEMORY_KIB, iterations, LANES)
        timings = []
        for _ in range(2):
            start = time.perf_counter()
            derive(b"calibration", salt, params)
            timings.append(time.perf_counter() - start)
            ran()
        return min(timings)

    derive(b"warm-up", salt, KdfParams(FLOOR_MEMORY_KIB, FLOOR_ITERATIONS, LANES))
    ran()
    low, high = fastest(FLOOR_ITERATIONS), fastest(2 * FLOOR_ITERATIONS)
    per_pass = (high - low) / FLOOR_ITERATIONS
    if per_pass <= 0:  # noise swamped the difference: fall back to proportional scaling
        per_pass = high / (2 * FLOOR_ITERATIONS)
    fixed = max(0.0, low - FLOOR_ITERATIONS * per_pass)
    iterations = round((target_seconds - fixed) / per_pass)
    iterations = max(FLOOR_ITERATIONS, min(MAX_ITERATIONS, iterations))
    return KdfParams(FLOOR_MEMORY_KIB, iterations, LANES)
