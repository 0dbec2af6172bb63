"""The password rule: every refusal is a ValidationError on "password" with the reason.

Fictional people only. The personal-name check looks at parts of four or more letters of the full
name and the setting's name, and at the whole username, so the "good" examples below are chosen
not to contain any of them.
"""

from __future__ import annotations

import unicodedata

import pytest

from app.errors import ValidationError
from app.policy.passwords import MAX_LENGTH, MIN_LENGTH, check_new_password, common_passwords

PROVIDER_NAME = "Sunflower Pre-school"


def _refusal(password: object, **people: str) -> str:
    """The sentence of the ValidationError the password gets; fails the test if it is accepted."""
    with pytest.raises(ValidationError) as caught:
        check_new_password(password, **people)  # type: ignore[arg-type]
    assert caught.value.field == "password"
    sentence = str(caught.value)
    assert sentence.endswith(".")
    assert len(sentence) > 20
    return sentence


# --- length ------------------------------------------------------------------------------------


def test_the_minimum_is_12_and_the_maximum_1024() -> None:
    """The documented limits."""
    assert MIN_LENGTH == 12
    assert MAX_LENGTH == 1024


@pytest.mark.parametrize("password", ["", "a", "tea cup fog", "Zoë's cat!"])
def test_too_short_is_refused_with_the_minimum(password: str) -> None:
    """Under 12 characters: the sentence says how many are needed and suggests three words."""
    sentence = _refusal(password)
    assert "at least 12 characters" in sentence
    assert "three random words" in sentence.lower()


def test_length_is_counted_after_nfc() -> None:
    """A decomposed ë counts as one character, so this 11-character password is too short."""
    decomposed = "Zoe\u0308, Łucja!"
    assert len(decomposed) == 12
    assert len(unicodedata.normalize("NFC", decomposed)) == 11
    assert "at least 12" in _refusal(decomposed)


def test_exactly_12_characters_is_enough() -> None:
    """The boundary: 12 characters of three short words pass."""
    check_new_password("tea cup frog")


def test_over_1024_characters_is_refused() -> None:
    """A very long paste is refused with the limit in the sentence."""
    password = ("river lamp moss " * 70)[:1025].rstrip() + "zz"
    assert len(password) > MAX_LENGTH
    sentence = _refusal(password)
    assert "at most 1,024 characters" in sentence


def test_exactly_1024_characters_is_accepted() -> None:
    """The boundary: 1,024 characters pass."""
    password = ("river lamp moss " * 70)[:1023] + "z"
    assert len(password) == MAX_LENGTH
    check_new_password(password)


def test_a_password_that_is_not_text_is_refused() -> None:
    """None or bytes: refused with a sentence, not a crash."""
    assert "must be text" in _refusal(None)
    assert "must be text" in _refusal(b"purple teapot river")


# --- spaces at the ends ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [" purple teapot river", "purple teapot river ", "\tpurple teapot river", "purple teapot river\n"],
)
def test_leading_or_trailing_space_is_refused(password: str) -> None:
    """A space at either end is easy to mistype, so it is refused with that reason."""
    sentence = _refusal(password)
    assert "begin or end with a space" in sentence


# --- common passwords --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "password123456",
        "Password123!!",
        "qwertyuiop12",
        "sunflower2026!",
        "PASSWORD123456",
        "!!Password2026",
        "pass word 1234",
    ],
)
def test_common_passwords_are_refused_even_with_things_on_the_ends(password: str) -> None:
    """A listed password, with digits or symbols on either end or in any case, is refused."""
    sentence = _refusal(password)
    assert "lists attackers try first" in sentence
    assert "three random words" in sentence


def test_the_common_list_is_loaded_and_folded() -> None:
    """The packaged list loads, is non-trivial and is held in folded case."""
    common = common_passwords()
    assert "password" in common
    assert "sunflower" in common
    assert len(common) > 100
    assert all(entry == entry.casefold() for entry in common)
    assert not any(entry.startswith("#") for entry in common)


# --- repeated characters ---------------------------------------------------------------------


@pytest.mark.parametrize("password", ["abab abab abab", "zzzzzzzzzzzzzy", "xy.xy.xy.xy.xy"])
def test_too_few_different_characters_is_refused(password: str) -> None:
    """Long but built from three characters or fewer: refused with that reason."""
    sentence = _refusal(password)
    assert "too few different characters" in sentence


# --- personal words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "people"),
    [
        ("Siobhán drinks green tea", {"username": "siobhán"}),
        ("my login is zoë.adams ok", {"username": "zoë.adams"}),
        ("tea for ZOË.ADAMS please", {"username": "zoë.adams"}),
        ("nowak green kettles", {"full_name": "Łucja Nowak"}),
        ("ŁUCJA likes green kettles", {"full_name": "Łucja Nowak"}),
        ("Nguyễn rides a red bicycle", {"full_name": "Nguyễn Văn Minh"}),
        ("Дмитрий любит чай утром", {"full_name": "Дмитрий Соколов"}),
        ("Αλέξανδρος loves olives", {"full_name": "Αλέξανδρος Παπαδόπουλος"}),
        ("kelly-o-neill garden", {"full_name": "Aoife O'Neill-Kelly"}),
        ("sunflowers grow tall", {"provider_name": PROVIDER_NAME}),
        ("our school kettle rocks", {"provider_name": PROVIDER_NAME}),
    ],
)
def test_passwords_containing_names_are_refused(password: str, people: dict[str, str]) -> None:
    """The username, a part of the full name, or a part of the setting's name is refused."""
    sentence = _refusal(password, **people)
    assert "name, username or the setting's name" in sentence


def test_a_decomposed_name_in_the_password_is_still_found() -> None:
    """Siobhán typed with a combining acute accent still counts as the name."""
    sentence = _refusal("siobha\u0301n likes green tea", full_name="Siobhán Kelly")
    assert "name, username or the setting's name" in sentence


def test_short_name_parts_do_not_count() -> None:
    """Name parts under four letters (Văn, Thị, Pre) are not searched for: too many false alarms."""
    check_new_password(
        "thị văn pre cloud ladder", full_name="Nguyễn Thị Văn", provider_name=PROVIDER_NAME
    )


# --- good passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "people"),
    [
        ("purple teapot river", {"username": "zoë.adams", "full_name": "Zoë Adams"}),
        ("cloud ladder biscuit", {"username": "łucja", "full_name": "Łucja Nowak"}),
        ("Дмитрий любит чай утром", {"username": "αλέξανδρος", "full_name": "Αλέξανδρος Παπαδόπουλος"}),
        ("θάλασσα πορτοκάλι βουνό", {"username": "zoë.adams", "full_name": "Zoë Adams"}),
        ("cà phê sữa đá buổi sáng", {"username": "nguyễn.minh", "full_name": "Nguyễn Văn Minh"}),
        ("żółta łódka płynie szybko", {"username": "dmitri", "full_name": "Дмитрий Соколов"}),
        ("báisín glas ar an mbord", {"username": "siobhán", "full_name": "Siobhán Kelly"}),
        ("猫が静かに窓辺で眠っている", {"username": "zoë.adams", "full_name": "Zoë Adams"}),
    ],
)
def test_good_passwords_in_several_scripts_pass(password: str, people: dict[str, str]) -> None:
    """Long, uncommon passwords without the person's names are accepted, in any script."""
    check_new_password(password, provider_name=PROVIDER_NAME, **people)


@pytest.mark.parametrize(
    "password",
    ["purple teapot river", "cloud ladder biscuit", "otter piano lemon", "Moss Kite Ferry"],
)
def test_three_random_words_of_12_or_more_characters_pass(password: str) -> None:
    """The advice we give works: three random words pass the rule."""
    assert len(password) >= 12
    check_new_password(password, username="zoë.adams", full_name="Zoë Adams", provider_name=PROVIDER_NAME)



def test_a_name_given_in_decomposed_form_is_still_found() -> None:
    decomposed = unicodedata.normalize("NFD", "Siobhán Ní Bhriain")
    with pytest.raises(ValidationError) as refused:
        check_new_password("siobhán walks the river", full_name=decomposed)
    assert refused.value.field == "password"
