"""Argon2id parameters: the test switch, the floor, JSON checks and NFC password bytes.

No timing assertions: calibration is checked only for the floor it must never go below.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from app.vault import kdf
from app.vault.kdf import (
    CHEAP_FOR_TESTS,
    FLOOR_ITERATIONS,
    FLOOR_MEMORY_KIB,
    TEST_SWITCH,
    KdfParams,
    calibrate,
    cheap_kdf_enabled,
    derive,
    password_bytes,
)

SALT = bytes(range(16))


def test_the_floor_is_64_mib_and_3_passes() -> None:
    """The documented floor: 64 MiB of memory and 3 passes."""
    assert FLOOR_MEMORY_KIB == 64 * 1024
    assert FLOOR_ITERATIONS == 3


def test_the_conftest_switch_is_on() -> None:
    """The test run uses the cheap parameters (set by tests/conftest.py)."""
    assert cheap_kdf_enabled()


def test_calibrate_with_the_switch_on_gives_cheap_parameters_marked_below_floor() -> None:
    """With the switch on, calibrate() returns the cheap parameters, and they say they are weak."""
    params = calibrate()
    assert params == CHEAP_FOR_TESTS
    assert params.below_floor


@pytest.mark.parametrize("value", ["0", "true", "yes", "", " 1", "1 "])
def test_only_exactly_1_turns_the_switch_on(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """Any other value of the environment variable leaves real Argon2id on."""
    monkeypatch.setenv(TEST_SWITCH, value)
    assert not cheap_kdf_enabled()


def test_calibrate_with_the_switch_off_never_goes_below_the_floor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Real calibration (about a second of Argon2id) returns at least 64 MiB and 3 passes."""
    monkeypatch.delenv(TEST_SWITCH)
    assert not cheap_kdf_enabled()
    params = calibrate()
    assert params.memory_kib >= 64 * 1024
    assert params.iterations >= 3
    assert params.iterations <= kdf.MAX_ITERATIONS
    assert params.lanes >= 1
    assert not params.below_floor
    assert KdfParams.from_json(params.to_json()) == params


@pytest.mark.parametrize(
    ("params", "below"),
    [
        (KdfParams(FLOOR_MEMORY_KIB, FLOOR_ITERATIONS, 4), False),
        (KdfParams(FLOOR_MEMORY_KIB * 2, 10, 4), False),
        (KdfParams(FLOOR_MEMORY_KIB - 1, FLOOR_ITERATIONS, 4), True),
        (KdfParams(FLOOR_MEMORY_KIB, FLOOR_ITERATIONS - 1, 4), True),
        (CHEAP_FOR_TESTS, True),
    ],
)
def test_below_floor(params: KdfParams, below: bool) -> None:
    """below_floor is true exactly when memory or passes are under the floor."""
    assert params.below_floor is below


# --- JSON ------------------------------------------------------------------------------------


def test_json_round_trip() -> None:
    """Parameters written to the key file read back the same."""
    params = KdfParams(memory_kib=65536, iterations=7, lanes=4)
    data = params.to_json()
    assert data["alg"] == "argon2id"
    assert KdfParams.from_json(data) == params


GOOD: dict[str, Any] = {"alg": "argon2id", "memory_kib": 65536, "iterations": 3, "lanes": 4}


@pytest.mark.parametrize(
    "data",
    [
        {**GOOD, "alg": "scrypt"},
        {**GOOD, "alg": "ARGON2ID"},
        {**GOOD, "alg": "argon2i"},
        {k: v for k, v in GOOD.items() if k != "alg"},
        {**GOOD, "memory_kib": 0},
        {**GOOD, "memory_kib": -65536},
        {**GOOD, "memory_kib": 31},  # under 8 KiB per lane
        {**GOOD, "memory_kib": 4 * 1024 * 1024 + 1},  # more than 4 GiB
        {**GOOD, "memory_kib": 10**12},
        {**GOOD, "iterations": 0},
        {**GOOD, "iterations": -3},
        {**GOOD, "iterations": 1001},
        {**GOOD, "lanes": 0},
        {**GOOD, "lanes": 17},
        {**GOOD, "memory_kib": "a lot"},
        None,
        "argon2id",
        [GOOD],
    ],
)
def test_from_json_rejects_absurd_or_unknown_parameters(data: Any) -> None:
    """Unknown algorithms and values that would hang or crash the program are refused."""
    with pytest.raises(ValueError):
        KdfParams.from_json(data)


def test_from_json_accepts_the_edges_of_the_range() -> None:
    """The control for the refusals: the extremes of the allowed range are accepted."""
    assert KdfParams.from_json({**GOOD, "memory_kib": 8, "lanes": 1, "iterations": 1}).memory_kib == 8
    assert KdfParams.from_json({**GOOD, "memory_kib": 4 * 1024 * 1024}).memory_kib == 4 * 1024 * 1024
    assert KdfParams.from_json({**GOOD, "iterations": 1000}).iterations == 1000
    assert KdfParams.from_json({**GOOD, "lanes": 16, "memory_kib": 128}).lanes == 16


# --- password bytes and derivation -----------------------------------------------------------


def test_password_bytes_normalises_to_nfc() -> None:
    """Composed and decomposed 'Zoë' are the same password bytes."""
    composed = "Zo\u00eb"
    decomposed = "Zoe\u0308"
    assert composed != decomposed
    assert password_bytes(composed) == password_bytes(decomposed)
    assert password_bytes(decomposed) == "Zoë".encode()


@pytest.mark.parametrize(
    "name",
    ["Łucja Wiśniewska", "Siobhán Ní Bhriain", "Nguyễn Thị Ánh", "Дмитрий Йодлов", "Αλέξανδρος Ζαΐρης"],
)
def test_password_bytes_match_for_any_script(name: str) -> None:
    """Whatever the keyboard produces (composed or not), the bytes are the NFC UTF-8 form."""
    nfd = unicodedata.normalize("NFD", name)
    nfc = unicodedata.normalize("NFC", name)
    assert password_bytes(nfd) == password_bytes(nfc) == nfc.encode("utf-8")


def test_password_bytes_keep_case_and_compatibility_characters() -> None:
    """Only canonical normalisation: case and ligatures are kept as typed."""
    assert password_bytes("Zoë") != password_bytes("zoë")
    assert password_bytes("ﬁsh") != password_bytes("fish")


def test_derive_is_deterministic_and_depends_on_secret_salt_and_params() -> None:
    """Same inputs give the same 32 bytes; changing any input changes them."""
    key = derive(b"secret", SALT, CHEAP_FOR_TESTS)
    assert len(key) == 32
    assert derive(b"secret", SALT, CHEAP_FOR_TESTS) == key
    assert derive(b"secreT", SALT, CHEAP_FOR_TESTS) != key
    assert derive(b"secret", bytes(16), CHEAP_FOR_TESTS) != key
    assert derive(b"secret", SALT, KdfParams(16, 1, 1)) != key
    assert derive(b"secret", SALT, KdfParams(8, 2, 1)) != key


def test_derive_of_composed_and_decomposed_passwords_agrees() -> None:
    """The NFC step makes the derived key the same for both spellings of Zoë."""
    assert derive(password_bytes("Zo\u00eb tea"), SALT, CHEAP_FOR_TESTS) == derive(
        password_bytes("Zoe\u0308 tea"), SALT, CHEAP_FOR_TESTS
    )
