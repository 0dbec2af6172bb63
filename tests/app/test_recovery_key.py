"""The recovery key: format, forgiving parsing, and errors that name the wrong group.

The check character of each group must catch every single mistyped character and every swap of
two neighbouring characters, and say which group to look at, without ever echoing the key.
"""

from __future__ import annotations

import random

import pytest

from app.errors import RecoveryKeyInvalid
from app.vault import recovery_key
from app.vault.recovery_key import (
    ALPHABET,
    DATA_PER_GROUP,
    GROUP_LENGTH,
    GROUPS,
    KEY_BYTES,
    RecoveryKey,
    generate,
    parse,
)

SEEDS = (1, 2026, 314159, 8675309)


def _seeded_key(seed: int) -> RecoveryKey:
    """A reproducible 'random' key (so a failure can be replayed)."""
    rng = random.Random(seed)
    return RecoveryKey(bytes(rng.randrange(256) for _ in range(KEY_BYTES)))


def _key_from_symbols(symbol: int) -> RecoveryKey:
    """A key whose 32 data characters are all ``ALPHABET[symbol]``."""
    number = 0
    for _ in range(GROUPS * DATA_PER_GROUP):
        number = (number << 5) | symbol
    return RecoveryKey(number.to_bytes(KEY_BYTES, "big"))


KEYS = [_seeded_key(seed) for seed in SEEDS]
KEY_IDS = [f"seed{seed}" for seed in SEEDS]


def _parse_error(typed: str) -> RecoveryKeyInvalid:
    with pytest.raises(RecoveryKeyInvalid) as caught:
        parse(typed)
    return caught.value


def _assert_sentence_hides_key(error: RecoveryKeyInvalid, *keys: RecoveryKey) -> None:
    sentence = str(error)
    assert sentence == error.sentence
    for key in keys:
        for group in key.groups():
            assert group not in sentence


# --- shape and round trip -------------------------------------------------------------------


def test_a_key_holds_160_bits() -> None:
    """The secret is 20 bytes (160 bits), and a new key is different every time."""
    assert KEY_BYTES * 8 == 160
    key = generate()
    assert len(key.secret) == 20
    assert generate() != key


def test_a_key_is_eight_groups_of_five() -> None:
    """The printed form is eight 5-character groups of the key alphabet, joined by hyphens."""
    for key in [*KEYS, generate()]:
        groups = key.groups()
        assert len(groups) == 8
        assert all(len(group) == 5 for group in groups)
        assert all(char in ALPHABET for group in groups for char in group)
        assert key.formatted() == "-".join(groups)
        assert len(key.formatted()) == 8 * 5 + 7


def test_the_alphabet_leaves_out_lookalike_letters() -> None:
    """No I, L, O or U appears in keys: they look like 1, 1, 0 and V."""
    assert len(ALPHABET) == 32
    assert not set("ILOU") & set(ALPHABET)


@pytest.mark.parametrize("key", [*KEYS, _key_from_symbols(0), _key_from_symbols(31)])
def test_format_then_parse_gives_the_same_key(key: RecoveryKey) -> None:
    """What is printed on the Recovery Sheet parses back to exactly the same 160 bits."""
    parsed = parse(key.formatted())
    assert parsed == key
    assert parsed.secret == key.secret


def test_every_one_of_the_160_bits_shows_in_the_printed_key() -> None:
    """Flipping any single bit of the secret changes the printed key (no bit is dropped)."""
    key = KEYS[0]
    printed = {key.formatted()}
    for bit in range(KEY_BYTES * 8):
        raw = bytearray(key.secret)
        raw[bit // 8] ^= 1 << (bit % 8)
        flipped = RecoveryKey(bytes(raw))
        assert flipped.formatted() not in printed
        assert parse(flipped.formatted()) == flipped
        printed.add(flipped.formatted())
    assert len(printed) == 161


@pytest.mark.parametrize("length", [0, 19, 21, 32])
def test_a_key_must_be_exactly_20_bytes(length: int) -> None:
    """The constructor refuses any other length."""
    with pytest.raises(ValueError, match="20 bytes"):
        RecoveryKey(bytes(length))


# --- forgiving parsing ------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS, ids=KEY_IDS)
def test_parse_accepts_lower_case(key: RecoveryKey) -> None:
    """Case does not matter."""
    assert parse(key.formatted().lower()) == key
    mixed = "".join(c.lower() if i % 2 else c for i, c in enumerate(key.formatted()))
    assert parse(mixed) == key


@pytest.mark.parametrize("key", KEYS, ids=KEY_IDS)
def test_parse_accepts_spaces_hyphens_or_no_separators(key: RecoveryKey) -> None:
    """Groups may be separated by spaces, hyphens, a mixture, or nothing at all."""
    groups = key.groups()
    assert parse(" ".join(groups)) == key
    assert parse("  ".join(groups)) == key
    assert parse(" - ".join(groups)) == key
    assert parse("".join(groups)) == key
    assert parse("\t" + "-".join(groups) + "\n") == key
    assert parse(" ".join(groups[:4]) + "-" + "-".join(groups[4:])) == key


def test_parse_reads_letter_o_as_zero() -> None:
    """O (either case) is read as the digit 0."""
    key = _key_from_symbols(0)
    printed = key.formatted()
    assert "0" in printed
    assert parse(printed.replace("0", "O")) == key
    assert parse(printed.replace("0", "o")) == key


def test_parse_reads_letters_i_and_l_as_one() -> None:
    """I and L (either case) are read as the digit 1."""
    key = _key_from_symbols(1)
    printed = key.formatted()
    assert "1" in printed
    for letter in ("I", "i", "L", "l"):
        assert parse(printed.replace("1", letter)) == key


# --- mistakes are caught, and the right group is named -------------------------------------


@pytest.mark.parametrize("key", KEYS, ids=KEY_IDS)
def test_every_single_character_substitution_is_caught_in_its_group(key: RecoveryKey) -> None:
    """All 40 positions x 31 wrong characters: each is refused, naming the group it is in."""
    printed = "".join(key.groups())
    checked = 0
    for position, original in enumerate(printed):
        group = position // GROUP_LENGTH + 1
        for wrong in ALPHABET:
            if wrong == original:
                continue
            typed = printed[:position] + wrong + printed[position + 1 :]
            error = _parse_error(typed)
            assert error.group == group, (position, wrong)
            assert f"Group {group}" in str(error)
            _assert_sentence_hides_key(error, key)
            checked += 1
    assert checked == 40 * 31


@pytest.mark.parametrize("key", KEYS, ids=KEY_IDS)
def test_every_swap_of_neighbouring_characters_is_caught_in_its_group(key: RecoveryKey) -> None:
    """Swapping two different adjacent characters within a group is refused, naming the group."""
    groups = key.groups()
    swaps = 0
    for index, group in enumerate(groups):
        for i in range(GROUP_LENGTH - 1):
            if group[i] == group[i + 1]:
                continue
            swapped = group[:i] + group[i + 1] + group[i] + group[i + 2 :]
            typed = "-".join([*groups[:index], swapped, *groups[index + 1 :]])
            error = _parse_error(typed)
            assert error.group == index + 1, (index, i)
            assert f"Group {index + 1}" in str(error)
            _assert_sentence_hides_key(error, key)
            swaps += 1
    assert swaps > 0


@pytest.mark.parametrize("key", KEYS, ids=KEY_IDS)
def test_two_groups_typed_in_the_wrong_order_are_caught(key: RecoveryKey) -> None:
    """Any two groups swapped are refused; the first of the two is named."""
    groups = key.groups()
    for first in range(GROUPS):
        for second in range(first + 1, GROUPS):
            if groups[first] == groups[second]:
                continue
            swapped = list(groups)
            swapped[first], swapped[second] = swapped[second], swapped[first]
            error = _parse_error("-".join(swapped))
            assert error.group == first + 1, (first, second)
            _assert_sentence_hides_key(error, key)


@pytest.mark.parametrize("group", range(GROUPS))
def test_a_group_of_the_wrong_length_is_named(group: int) -> None:
    """A group with a character missing (or one too many) is named with its length."""
    key = KEYS[1]
    groups = key.groups()

    short = list(groups)
    short[group] = short[group][:4]
    error = _parse_error("-".join(short))
    assert error.group == group + 1
    assert f"Group {group + 1} has 4 characters" in str(error)
    assert "5" in str(error)
    _assert_sentence_hides_key(error, key)

    long = list(groups)
    long[group] = long[group] + "7"
    error = _parse_error(" ".join(long))
    assert error.group == group + 1
    assert f"Group {group + 1} has 6 characters" in str(error)
    _assert_sentence_hides_key(error, key)


@pytest.mark.parametrize("cut", [1, 5, 39])
def test_a_key_of_the_wrong_total_length_says_how_long_it_should_be(cut: int) -> None:
    """Without separators (or with a group missing) the message gives the expected and actual length."""
    key = KEYS[2]
    printed = "".join(key.groups())
    error = _parse_error(printed[:-cut])
    assert "40" in str(error)
    assert f"this one has {40 - cut}" in str(error)
    assert error.group is None
    _assert_sentence_hides_key(error, key)


def test_a_missing_group_is_reported_as_a_length_problem() -> None:
    """Seven groups: the message talks about a missing or extra group."""
    key = KEYS[3]
    error = _parse_error("-".join(key.groups()[:7]))
    assert "missing or extra group" in str(error)
    assert "this one has 35" in str(error)
    _assert_sentence_hides_key(error, key)


def test_an_extra_group_is_reported_as_a_length_problem() -> None:
    """Nine groups are refused too."""
    key = KEYS[3]
    error = _parse_error("-".join([*key.groups(), key.groups()[0]]))
    assert "this one has 45" in str(error)
    _assert_sentence_hides_key(error, key)


def test_empty_input_is_refused_with_a_sentence() -> None:
    """Typing nothing gives the length sentence, not a crash."""
    error = _parse_error("   ")
    assert "this one has 0" in str(error)


@pytest.mark.parametrize("group", range(GROUPS))
def test_a_letter_outside_the_alphabet_names_its_group(group: int) -> None:
    """'U' is not used in keys; the message shows it and names the group it was typed in."""
    key = KEYS[0]
    groups = key.groups()
    typed = list(groups)
    typed[group] = "U" + typed[group][1:]
    error = _parse_error("-".join(typed))
    assert error.group == group + 1
    assert "'U'" in str(error)
    assert f"group {group + 1}" in str(error)
    _assert_sentence_hides_key(error, key)


def test_a_non_ascii_character_is_not_echoed() -> None:
    """A character from another script is described, not shown (it may be unprintable)."""
    key = KEYS[0]
    groups = key.groups()
    typed = list(groups)
    typed[2] = "Ж" + typed[2][1:]
    error = _parse_error("-".join(typed))
    assert error.group == 3
    assert "Ж" not in str(error)
    assert "a character" in str(error)


# --- the key never leaks ---------------------------------------------------------------------


@pytest.mark.parametrize("key", [*KEYS, generate()])
def test_repr_and_str_never_contain_the_key(key: RecoveryKey) -> None:
    """Logging or printing a key object shows nothing of it."""
    for shown in (repr(key), str(key), f"{key}", f"{key!r}", repr([key])):
        assert "hidden" in shown
        assert key.formatted() not in shown
        assert key.secret.hex() not in shown
        for group in key.groups():
            assert group not in shown


def test_keys_compare_by_value_and_hash_consistently() -> None:
    """Two objects for the same secret are equal (and hash alike); different secrets are not."""
    key = KEYS[0]
    same = RecoveryKey(key.secret)
    assert key == same
    assert hash(key) == hash(same)
    assert key != KEYS[1]
    assert key != key.secret  # not equal to its raw bytes


def test_the_module_exposes_no_key_through_errors_for_random_keys() -> None:
    """Random keys from ``generate``: a mistyped group never appears in the error either."""
    for _ in range(5):
        key = recovery_key.generate()
        groups = key.groups()
        typed = list(groups)
        original = typed[4]
        replacement = ALPHABET[(ALPHABET.index(original[0]) + 1) % 32]
        typed[4] = replacement + original[1:]
        error = _parse_error("-".join(typed))
        assert error.group == 5
        assert typed[4] not in str(error)
        _assert_sentence_hides_key(error, key)
