"""Settings in the encrypted database, through a signed-in manager's session.

Covers defaults, validation with the field named, NFC names in several scripts, all-or-nothing
updates, the audit entry a change writes, the read-only demo flag, and stored values that no
longer validate reading back as the default.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from app import audit, settings
from app.audit import AuditEntry
from app.errors import PermissionDenied, ValidationError
from app.policy.permissions import Role
from app.session import Session
from app.settings import (
    AUTO_LOCK_MINUTES,
    DEMO_VAULT,
    PROVIDER_ADDRESS,
    PROVIDER_DSL_NAME,
    PROVIDER_NAME,
    PROVIDER_PHONE,
    PROVIDER_URN,
    ProviderProfile,
    Setting,
)
from tests.conftest import PROVIDER, VaultUnderTest


def _entries(session: Session) -> list[AuditEntry]:
    """The audit log read directly (session.audit.entries would add an entry of its own)."""
    return audit.entries(session.context.database, limit=10_000)


def _store_raw(session: Session, key: str, stored: str) -> None:
    """Write a stored value by hand, bypassing validation (as an old version or a bug might)."""
    with session.context.transaction() as tx:
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, stored),
        )


def _refused(session: Session, changes: dict[Setting[Any], object], field: str) -> str:
    """The sentence of the ValidationError for ``changes``; the error names ``field``."""
    with pytest.raises(ValidationError) as caught:
        session.settings.update(changes)
    assert caught.value.field == field
    sentence = str(caught.value)
    assert sentence.endswith(".")
    return sentence


def _all_values(session: Session) -> dict[str, object]:
    return {s.key: session.settings.get(s) for s in settings.ALL}


# --- defaults -----------------------------------------------------------------------------------


def test_defaults_of_a_new_vault(made_vault: VaultUnderTest) -> None:
    """Auto-lock is 5 minutes, the vault is not a demo, and the provider is as set up."""
    s = made_vault.session.settings
    assert s.get(AUTO_LOCK_MINUTES) == 5
    assert s.get(DEMO_VAULT) is False
    assert s.provider() == PROVIDER


def test_every_setting_is_declared_once_with_a_valid_default() -> None:
    """Keys are unique, and every default passes its own check (except a required empty name)."""
    assert len(settings.BY_KEY) == len(settings.ALL)
    for setting in settings.ALL:
        if setting is PROVIDER_NAME:
            continue
        assert setting.clean(setting.default) == setting.default


def test_a_missing_stored_value_reads_as_the_default(made_vault: VaultUnderTest) -> None:
    """Deleting a row (or never writing it) gives the default, not an error."""
    session = made_vault.session
    with session.context.transaction() as tx:
        tx.execute("DELETE FROM setting WHERE key = ?", (PROVIDER_PHONE.key,))
    assert session.settings.get(PROVIDER_PHONE) == ""


# --- auto-lock minutes ----------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [1, 15, 10])
def test_auto_lock_accepts_1_to_15(made_vault: VaultUnderTest, minutes: int) -> None:
    """1 and 15 are the edges of the allowed range; the value is stored and read back."""
    session = made_vault.session
    session.settings.update({AUTO_LOCK_MINUTES: minutes})
    assert session.settings.get(AUTO_LOCK_MINUTES) == minutes
    made_vault.sign_in()
    assert made_vault.session.settings.get(AUTO_LOCK_MINUTES) == minutes


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "between 1 and 15"),
        (16, "between 1 and 15"),
        (-5, "between 1 and 15"),
        ("5", "whole number"),
        (True, "whole number"),
        (None, "whole number"),
        (5.0, "whole number"),
        ([5], "whole number"),
    ],
)
def test_auto_lock_refuses_bad_values(made_vault: VaultUnderTest, value: object, words: str) -> None:
    """Out of range, text, a flag or nothing: refused naming the field, and nothing changes."""
    session = made_vault.session
    sentence = _refused(session, {AUTO_LOCK_MINUTES: value}, "security.auto_lock_minutes")
    assert words in sentence
    assert "Lock the screen after" in sentence
    assert session.settings.get(AUTO_LOCK_MINUTES) == 5


# --- provider profile -----------------------------------------------------------------------------


@pytest.mark.parametrize("urn", ["EY123456", "1234567", "123456", "ey654321", " EY123456 ", ""])
def test_ofsted_urn_accepts_6_or_7_digits_with_optional_ey(made_vault: VaultUnderTest, urn: str) -> None:
    """Valid URNs are stored trimmed; the URN may also be left empty."""
    session = made_vault.session
    session.settings.update({PROVIDER_URN: urn})
    assert session.settings.get(PROVIDER_URN) == urn.strip()


@pytest.mark.parametrize("urn", ["12AB", "EY12345", "12345678", "EX123456", "EY 123456", "EY-123456"])
def test_ofsted_urn_refuses_other_shapes(made_vault: VaultUnderTest, urn: str) -> None:
    """Anything but 6-7 digits (with optional EY) is refused with an example of the right shape."""
    session = made_vault.session
    sentence = _refused(session, {PROVIDER_URN: urn}, "provider.ofsted_urn")
    assert "6 or 7 digits" in sentence
    assert session.settings.get(PROVIDER_URN) == PROVIDER.ofsted_urn


@pytest.mark.parametrize("phone", ["01632 960 123", "+44 1632 960123", "(01632) 960-123", "0163296012"])
def test_phone_accepts_digits_spaces_and_brackets(made_vault: VaultUnderTest, phone: str) -> None:
    """Usual ways of writing a UK phone number are accepted."""
    session = made_vault.session
    session.settings.update({PROVIDER_PHONE: phone})
    assert session.settings.get(PROVIDER_PHONE) == phone


@pytest.mark.parametrize("phone", ["call Zoë", "01632 960 12x", "123", "01632/960/123", "++44 1632 960123"])
def test_phone_refuses_other_text(made_vault: VaultUnderTest, phone: str) -> None:
    """Letters, too few digits or odd symbols are refused with an example."""
    session = made_vault.session
    sentence = _refused(session, {PROVIDER_PHONE: phone}, "provider.phone")
    assert "01632 960 123" in sentence
    assert session.settings.get(PROVIDER_PHONE) == PROVIDER.phone


def test_a_phone_number_over_24_characters_is_too_long(made_vault: VaultUnderTest) -> None:
    """The limit applies before the pattern, and the sentence gives it."""
    sentence = _refused(made_vault.session, {PROVIDER_PHONE: "0" * 25}, "provider.phone")
    assert "too long" in sentence
    assert "24" in sentence


@pytest.mark.parametrize("name", ["", "   ", None, "\t"])
def test_the_setting_name_is_required(made_vault: VaultUnderTest, name: object) -> None:
    """The setting's name cannot be emptied."""
    session = made_vault.session
    sentence = _refused(session, {PROVIDER_NAME: name}, "provider.name")
    assert "is needed" in sentence
    assert session.settings.get(PROVIDER_NAME) == PROVIDER.name


def test_a_10000_character_name_is_refused_with_a_sentence(made_vault: VaultUnderTest) -> None:
    """A huge paste is refused, the sentence giving its length and the limit."""
    session = made_vault.session
    sentence = _refused(session, {PROVIDER_NAME: "Ł" * 10_000}, "provider.name")
    assert "too long" in sentence
    assert "10,000 characters" in sentence
    assert "200" in sentence
    assert "ŁŁŁ" not in sentence
    assert session.settings.get(PROVIDER_NAME) == PROVIDER.name


def test_a_name_of_exactly_200_characters_is_accepted(made_vault: VaultUnderTest) -> None:
    """The boundary of the short-text limit."""
    session = made_vault.session
    session.settings.update({PROVIDER_NAME: "Ł" * 200})
    assert session.settings.get(PROVIDER_NAME) == "Ł" * 200


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        (PROVIDER_NAME, "Sunflower\x00Pre-school"),
        (PROVIDER_NAME, "Sunflower\nPre-school"),
        (PROVIDER_NAME, "Sunflower\u2028Pre-school"),
        (PROVIDER_DSL_NAME, "Zoë\x1bAdams"),
        (PROVIDER_ADDRESS, "1 Example Lane\x07\nAnytown"),
        (PROVIDER_ADDRESS, "1 Example Lane\x00"),
    ],
)
def test_control_characters_are_refused(
    made_vault: VaultUnderTest, setting: Setting[str], value: str
) -> None:
    """Hidden control characters (and line breaks in one-line fields) are refused by field."""
    session = made_vault.session
    before = session.settings.get(setting)
    sentence = _refused(session, {setting: value}, setting.key)
    assert "retype" in sentence
    assert session.settings.get(setting) == before


def test_the_address_may_have_line_breaks(made_vault: VaultUnderTest) -> None:
    """Multi-line fields keep their lines; Windows line endings become plain newlines."""
    session = made_vault.session
    session.settings.update({PROVIDER_ADDRESS: "2 Acorn Road\r\nΑθήνα\r\n10558"})
    assert session.settings.get(PROVIDER_ADDRESS) == "2 Acorn Road\nΑθήνα\n10558"


@pytest.mark.parametrize(
    "name",
    [
        "Παιδικός Σταθμός Αλέξανδρος",
        "Детский сад «Дмитрий и Йосиф»",
        "Trường Mầm non Nguyễn Thị Ánh",
        "Łucja's Little Acorns",
        "Naíonra Shiobhán",
    ],
)
def test_names_in_other_scripts_are_accepted_and_read_back_nfc(
    made_vault: VaultUnderTest, name: str
) -> None:
    """A decomposed name is stored and read back in NFC form, in any script."""
    session = made_vault.session
    decomposed = unicodedata.normalize("NFD", name)
    composed = unicodedata.normalize("NFC", name)
    session.settings.update_provider(
        ProviderProfile(name=decomposed, ofsted_urn="EY123456", dsl_name=decomposed)
    )
    profile = session.settings.provider()
    assert profile.name == composed
    assert profile.dsl_name == composed
    assert unicodedata.is_normalized("NFC", profile.name)
    made_vault.sign_in()
    assert made_vault.session.settings.provider().name == composed


def test_update_provider_replaces_the_whole_profile(made_vault: VaultUnderTest) -> None:
    """Fields left empty in the new profile are emptied (the profile form saves all at once)."""
    session = made_vault.session
    new = ProviderProfile(name="Αλέξανδρος Day Nursery", ofsted_urn="1234567")
    session.settings.update_provider(new)
    assert session.settings.provider() == new


# --- all or nothing, and the audit entry -------------------------------------------------------------


@pytest.mark.parametrize("bad_position", [0, 1, 2])
def test_one_bad_value_leaves_every_setting_unchanged(made_vault: VaultUnderTest, bad_position: int) -> None:
    """A batch with one invalid value writes nothing at all, wherever the bad value is."""
    session = made_vault.session
    before = _all_values(session)
    entries_before = len(_entries(session))
    good: list[tuple[Setting[Any], object]] = [
        (AUTO_LOCK_MINUTES, 10),
        (PROVIDER_NAME, "Łucja's Little Acorns"),
        (PROVIDER_PHONE, "01632 960 999"),
    ]
    batch = list(good)
    batch.insert(bad_position, (PROVIDER_URN, "12AB"))
    with pytest.raises(ValidationError) as caught:
        session.settings.update(dict(batch))
    assert caught.value.field == "provider.ofsted_urn"
    assert _all_values(session) == before
    assert len(_entries(session)) == entries_before


def test_a_change_writes_one_audit_entry_naming_the_changed_keys(made_vault: VaultUnderTest) -> None:
    """One settings.changed entry, by the manager, listing only the keys whose value changed."""
    session = made_vault.session
    before = _entries(session)
    session.settings.update(
        {
            AUTO_LOCK_MINUTES: 12,
            PROVIDER_NAME: PROVIDER.name,  # unchanged: not listed
            PROVIDER_PHONE: "01632 960 777",
        }
    )
    after = _entries(session)
    assert len(after) == len(before) + 1
    entry = after[0]
    assert entry.action == "settings.changed"
    assert entry.actor_id == session.me.id
    assert entry.subject_type == "settings"
    assert sorted(entry.detail["keys"]) == ["provider.phone", "security.auto_lock_minutes"]
    assert "01632 960 777" not in json.dumps(dict(entry.detail))  # names keys, not values
    assert audit.verify(session.context.database).ok


def test_an_update_that_changes_nothing_writes_no_audit_entry(made_vault: VaultUnderTest) -> None:
    """Saving the same values again is not a change."""
    session = made_vault.session
    before = len(_entries(session))
    session.settings.update({AUTO_LOCK_MINUTES: 5})
    session.settings.update_provider(PROVIDER)
    assert len(_entries(session)) == before


def test_a_value_that_only_differs_before_cleaning_is_not_a_change(made_vault: VaultUnderTest) -> None:
    """Surrounding spaces are trimmed first, so ' EY123456 ' equals the stored 'EY123456'."""
    session = made_vault.session
    before = len(_entries(session))
    session.settings.update({PROVIDER_URN: "  EY123456  "})
    assert len(_entries(session)) == before


# --- the demo flag and permissions -----------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False])
def test_the_demo_flag_cannot_be_edited(made_vault: VaultUnderTest, value: bool) -> None:
    """DEMO_VAULT is not editable: refused with a sentence, even when set to its current value."""
    session = made_vault.session
    entries_before = len(_entries(session))
    sentence = _refused(session, {DEMO_VAULT: value}, "vault.demo")
    assert "cannot be changed" in sentence
    assert session.settings.get(DEMO_VAULT) is False
    assert len(_entries(session)) == entries_before


def test_the_demo_flag_in_a_batch_stops_the_whole_batch(made_vault: VaultUnderTest) -> None:
    """A batch including the demo flag changes nothing else either."""
    session = made_vault.session
    with pytest.raises(ValidationError):
        session.settings.update({AUTO_LOCK_MINUTES: 3, DEMO_VAULT: True})
    assert session.settings.get(AUTO_LOCK_MINUTES) == 5
    assert session.settings.get(DEMO_VAULT) is False


def test_only_a_manager_may_change_settings(made_vault: VaultUnderTest) -> None:
    """A key worker can read the auto-lock minutes but not change anything."""
    made_vault.add_person("дмитрий", "Дмитрий Соколов", {Role.KEY_WORKER}, "green kettle mountain")
    worker = made_vault.vault.sign_in("дмитрий", "green kettle mountain")
    assert worker.settings.get(AUTO_LOCK_MINUTES) == 5
    assert worker.settings.provider().name == PROVIDER.name
    with pytest.raises(PermissionDenied):
        worker.settings.update({AUTO_LOCK_MINUTES: 10})
    assert worker.settings.get(AUTO_LOCK_MINUTES) == 5


# --- stored values that no longer validate ---------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "stored"),
    [
        (AUTO_LOCK_MINUTES, "99"),
        (AUTO_LOCK_MINUTES, "0"),
        (AUTO_LOCK_MINUTES, '"10"'),
        (AUTO_LOCK_MINUTES, "true"),
        (AUTO_LOCK_MINUTES, "null"),
        (AUTO_LOCK_MINUTES, "not json at all"),
        (AUTO_LOCK_MINUTES, ""),
        (AUTO_LOCK_MINUTES, '{"minutes": 5}'),
        (PROVIDER_URN, '"12AB"'),
        (PROVIDER_PHONE, '"call Zoë"'),
        (PROVIDER_NAME, '"Sun\\u0000flower"'),
        (PROVIDER_NAME, "12"),
        (DEMO_VAULT, '"yes"'),
        (DEMO_VAULT, "1"),
    ],
)
def test_a_stored_value_that_no_longer_validates_reads_as_the_default(
    made_vault: VaultUnderTest, setting: Setting[Any], stored: str
) -> None:
    """A bad stored value reads back as the default instead of crashing the program."""
    session = made_vault.session
    _store_raw(session, setting.key, stored)
    assert session.settings.get(setting) == setting.default


def test_a_valid_stored_value_is_read_as_stored(made_vault: VaultUnderTest) -> None:
    """The control for the test above: a hand-written valid value is read back as it is."""
    session = made_vault.session
    _store_raw(session, AUTO_LOCK_MINUTES.key, "7")
    assert session.settings.get(AUTO_LOCK_MINUTES) == 7


def test_a_bad_stored_provider_field_does_not_break_the_profile(made_vault: VaultUnderTest) -> None:
    """One damaged field reads as its default; the rest of the profile still reads normally."""
    session = made_vault.session
    _store_raw(session, PROVIDER_URN.key, '"not a urn"')
    profile = session.settings.provider()
    assert profile.ofsted_urn == ""
    assert profile.name == PROVIDER.name
    assert profile.phone == PROVIDER.phone
