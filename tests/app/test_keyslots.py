"""Key slots: the data key wrapped under a secret, with every describing field authenticated.

Runs with the cheap Argon2id parameters (the conftest switch), so each open is quick.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from app.vault import kdf, keyslots
from app.vault.kdf import CHEAP_FOR_TESTS, KdfParams, password_bytes
from app.vault.keyslots import Slot, SlotOpenFailed, bind, make_slot, new_data_key, open_slot, unbind

VAULT_ID = "6f1c8a52-3a1e-4c57-9d0e-2b8f0e1d4a77"
OTHER_VAULT_ID = "0b7d2f18-95c4-4e0a-8f63-7a1c2d3e4f50"
DB_SALT = "00112233445566778899aabbccddeeff"
SECRET = password_bytes("Zoë's purple teapot river")
DEVICE_SECRET = bytes(range(32))


@pytest.fixture
def data_key() -> bytes:
    return new_data_key()


@pytest.fixture
def staff_slot(data_key: bytes) -> Slot:
    return make_slot(
        vault_id=VAULT_ID,
        kind="staff",
        secret=SECRET,
        data_key=data_key,
        params=CHEAP_FOR_TESTS,
        db_salt=DB_SALT,
        staff_id=7,
        user_tag="a" * 64,
    )


@pytest.fixture
def recovery_slot(data_key: bytes) -> Slot:
    return make_slot(
        vault_id=VAULT_ID,
        kind="recovery",
        secret=b"\x01" * 20,
        data_key=data_key,
        params=CHEAP_FOR_TESTS,
        db_salt=DB_SALT,
    )


# --- round trip and wrong secrets ------------------------------------------------------------


def test_a_new_data_key_is_32_random_bytes() -> None:
    """The data key is AES-256 sized and fresh each time."""
    key = new_data_key()
    assert len(key) == 32
    assert new_data_key() != key


def test_make_then_open_gives_back_the_data_key(staff_slot: Slot, data_key: bytes) -> None:
    """The right secret opens the slot and returns the exact data key."""
    assert open_slot(staff_slot, vault_id=VAULT_ID, secret=SECRET) == data_key


def test_a_new_slot_describes_itself_and_hides_the_key(staff_slot: Slot, data_key: bytes) -> None:
    """The slot records what it is, is unbound, and its ciphertext is not the key in clear."""
    assert staff_slot.kind == "staff"
    assert staff_slot.staff_id == 7
    assert staff_slot.user_tag == "a" * 64
    assert staff_slot.kdf == CHEAP_FOR_TESTS
    assert staff_slot.db_salt == DB_SALT
    assert not staff_slot.bound
    assert len(staff_slot.salt) == 16
    assert len(staff_slot.nonce) == 12
    assert data_key not in staff_slot.ciphertext
    assert len(staff_slot.ciphertext) == 32 + 16  # key plus GCM tag


def test_the_recovery_slot_opens_with_its_secret(recovery_slot: Slot, data_key: bytes) -> None:
    """A recovery slot has no staff id or tag and opens with the recovery secret."""
    assert recovery_slot.kind == "recovery"
    assert recovery_slot.staff_id is None
    assert recovery_slot.user_tag is None
    assert open_slot(recovery_slot, vault_id=VAULT_ID, secret=b"\x01" * 20) == data_key


def test_two_slots_for_the_same_secret_differ(data_key: bytes) -> None:
    """Each slot has its own id, salt and nonce, so equal passwords do not give equal slots."""
    slots = [
        make_slot(
            vault_id=VAULT_ID, kind="staff", secret=SECRET, data_key=data_key,
            params=CHEAP_FOR_TESTS, db_salt=DB_SALT, staff_id=7, user_tag="t",
        )
        for _ in range(2)
    ]
    assert slots[0].slot_id != slots[1].slot_id
    assert slots[0].salt != slots[1].salt
    assert slots[0].ciphertext != slots[1].ciphertext


@pytest.mark.parametrize(
    "wrong",
    [
        password_bytes("Zoë's purple teapot rivers"),
        password_bytes("zoë's purple teapot river"),
        b"",
        SECRET + b"\x00",
    ],
)
def test_a_wrong_secret_does_not_open_the_slot(staff_slot: Slot, wrong: bytes) -> None:
    """Any other secret, however close, gives SlotOpenFailed."""
    with pytest.raises(SlotOpenFailed):
        open_slot(staff_slot, vault_id=VAULT_ID, secret=wrong)


def test_a_decomposed_password_opens_a_slot_made_with_the_composed_one(data_key: bytes) -> None:
    """Zoë typed with a combining diaeresis is the same password (NFC before derivation)."""
    slot = make_slot(
        vault_id=VAULT_ID, kind="staff", secret=password_bytes("Zo\u00eb likes green tea"),
        data_key=data_key, params=CHEAP_FOR_TESTS, db_salt=DB_SALT, staff_id=3, user_tag="t",
    )
    decomposed = password_bytes("Zoe\u0308 likes green tea")
    assert open_slot(slot, vault_id=VAULT_ID, secret=decomposed) == data_key


# --- every authenticated field ---------------------------------------------------------------

ALTERATIONS: dict[str, dict[str, Any]] = {
    "staff_id": {"staff_id": 8},
    "staff_id_removed": {"staff_id": None},
    "user_tag": {"user_tag": "b" * 64},
    "user_tag_removed": {"user_tag": None},
    "kdf_memory": {"kdf": KdfParams(memory_kib=16, iterations=1, lanes=1)},
    "kdf_iterations": {"kdf": KdfParams(memory_kib=8, iterations=2, lanes=1)},
    "kdf_lanes": {"kdf": KdfParams(memory_kib=16, iterations=1, lanes=2)},
    "salt": {"salt": bytes(16)},
    "db_salt": {"db_salt": "ffeeddccbbaa99887766554433221100"},
    "slot_id": {"slot_id": "3e2d1c0b-aaaa-4bbb-8ccc-0123456789ab"},
    "kind": {"kind": "recovery"},
    "nonce": {"nonce": bytes(12)},
}


@pytest.mark.parametrize("field", sorted(ALTERATIONS))
def test_altering_any_field_makes_the_slot_fail_to_open(staff_slot: Slot, field: str) -> None:
    """Editing what the slot says about itself never opens something else: it fails."""
    altered = replace(staff_slot, **ALTERATIONS[field])
    assert altered != staff_slot
    with pytest.raises(SlotOpenFailed):
        open_slot(altered, vault_id=VAULT_ID, secret=SECRET)


def test_a_flipped_ciphertext_bit_makes_the_slot_fail(staff_slot: Slot) -> None:
    """The wrapped key itself is authenticated."""
    damaged = bytearray(staff_slot.ciphertext)
    damaged[0] ^= 1
    with pytest.raises(SlotOpenFailed):
        open_slot(replace(staff_slot, ciphertext=bytes(damaged)), vault_id=VAULT_ID, secret=SECRET)


def test_the_slot_only_opens_for_its_own_vault(staff_slot: Slot, data_key: bytes) -> None:
    """The vault id passed to open is authenticated: a slot moved to another vault fails."""
    with pytest.raises(SlotOpenFailed):
        open_slot(staff_slot, vault_id=OTHER_VAULT_ID, secret=SECRET)
    assert open_slot(staff_slot, vault_id=VAULT_ID, secret=SECRET) == data_key


def test_equal_kdf_values_still_open(staff_slot: Slot, data_key: bytes) -> None:
    """The control for the kdf alterations: an equal but separate KdfParams object still opens,
    so the failures above come from the changed values."""
    same = KdfParams(CHEAP_FOR_TESTS.memory_kib, CHEAP_FOR_TESTS.iterations, CHEAP_FOR_TESTS.lanes)
    assert open_slot(replace(staff_slot, kdf=same), vault_id=VAULT_ID, secret=SECRET) == data_key


# --- the device layer --------------------------------------------------------------------------


def test_bind_then_open_with_the_device_secret(staff_slot: Slot, data_key: bytes) -> None:
    """A bound slot opens with the password and the right device secret."""
    bound = bind(staff_slot, vault_id=VAULT_ID, device_secret=DEVICE_SECRET)
    assert bound.bound
    assert bound.slot_id == staff_slot.slot_id
    assert bound.ciphertext != staff_slot.ciphertext
    assert open_slot(bound, vault_id=VAULT_ID, secret=SECRET, device_secret=DEVICE_SECRET) == data_key


def test_a_bound_slot_needs_a_device_secret(staff_slot: Slot) -> None:
    """Without the device secret (a copy of the files on another computer) the slot stays shut."""
    bound = bind(staff_slot, vault_id=VAULT_ID, device_secret=DEVICE_SECRET)
    with pytest.raises(SlotOpenFailed):
        open_slot(bound, vault_id=VAULT_ID, secret=SECRET)
    with pytest.raises(SlotOpenFailed):
        open_slot(bound, vault_id=VAULT_ID, secret=SECRET, device_secret=None)


@pytest.mark.parametrize("wrong", [bytes(32), DEVICE_SECRET[:-1] + b"\x00", b"short"])
def test_a_bound_slot_refuses_a_wrong_device_secret(staff_slot: Slot, wrong: bytes) -> None:
    """Another computer's device secret does not open the slot, even with the right password."""
    bound = bind(staff_slot, vault_id=VAULT_ID, device_secret=DEVICE_SECRET)
    with pytest.raises(SlotOpenFailed):
        open_slot(bound, vault_id=VAULT_ID, secret=SECRET, device_secret=wrong)
    with pytest.raises(SlotOpenFailed):
        unbind(bound, vault_id=VAULT_ID, device_secret=wrong)


def test_a_bound_slot_with_the_right_device_secret_and_wrong_password_fails(staff_slot: Slot) -> None:
    """The device layer is in addition to the password, not instead of it."""
    bound = bind(staff_slot, vault_id=VAULT_ID, device_secret=DEVICE_SECRET)
    with pytest.raises(SlotOpenFailed):
        open_slot(bound, vault_id=VAULT_ID, secret=b"not the password", device_secret=DEVICE_SECRET)


def test_unbind_restores_the_password_only_slot(staff_slot: Slot, data_key: bytes) -> None:
    """Removing the device layer gives back exactly the original unbound slot."""
    bound = bind(staff_slot, vault_id=VAULT_ID, device_secret=DEVICE_SECRET)
    unbound = unbind(bound, vault_id=VAULT_ID, device_secret=DEVICE_SECRET)
    assert unbound == staff_slot
    assert open_slot(unbound, vault_id=VAULT_ID, secret=SECRET) == data_key


def test_unbind_of_an_unbound_slot_changes_nothing(staff_slot: Slot) -> None:
    """Unbinding an unbound slot needs no device secret and returns it unchanged."""
    assert unbind(staff_slot, vault_id=VAULT_ID, device_secret=None) is staff_slot


def test_binding_twice_is_refused(staff_slot: Slot) -> None:
    """A slot is bound at most once."""
    bound = bind(staff_slot, vault_id=VAULT_ID, device_secret=DEVICE_SECRET)
    with pytest.raises(ValueError, match="already bound"):
        bind(bound, vault_id=VAULT_ID, device_secret=DEVICE_SECRET)


@pytest.mark.parametrize("field", sorted(ALTERATIONS))
def test_altering_any_field_of_a_bound_slot_fails(staff_slot: Slot, field: str) -> None:
    """The device layer authenticates the same fields (checked before any Argon2id)."""
    bound = bind(staff_slot, vault_id=VAULT_ID, device_secret=DEVICE_SECRET)
    altered = replace(bound, **ALTERATIONS[field])
    with pytest.raises(SlotOpenFailed):
        open_slot(altered, vault_id=VAULT_ID, secret=SECRET, device_secret=DEVICE_SECRET)


def test_a_bound_slot_only_opens_for_its_own_vault(staff_slot: Slot) -> None:
    """The device key depends on the vault id: moving a bound slot to another vault fails."""
    bound = bind(staff_slot, vault_id=VAULT_ID, device_secret=DEVICE_SECRET)
    with pytest.raises(SlotOpenFailed):
        open_slot(bound, vault_id=OTHER_VAULT_ID, secret=SECRET, device_secret=DEVICE_SECRET)


def test_marking_an_unbound_slot_as_bound_does_not_open_it(staff_slot: Slot) -> None:
    """Flipping the 'bound' flag by hand gives a slot that fails, not one that opens."""
    with pytest.raises(SlotOpenFailed):
        open_slot(
            replace(staff_slot, bound=True), vault_id=VAULT_ID, secret=SECRET,
            device_secret=DEVICE_SECRET,
        )


def test_burn_time_like_derives_with_the_slots_parameters_and_a_fresh_salt(
    staff_slot: Slot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stand-in for unknown usernames costs the same Argon2id as the slot (its parameters),
    but never with the slot's own salt, so it cannot reveal anything about the slot."""
    calls: list[tuple[bytes, bytes, KdfParams]] = []
    real_derive = kdf.derive

    def recording(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
        calls.append((secret, salt, params))
        return real_derive(secret, salt, params)

    monkeypatch.setattr(kdf, "derive", recording)
    keyslots.burn_time_like(staff_slot, b"anything at all")
    assert len(calls) == 1
    secret, salt, params = calls[0]
    assert secret == b"anything at all"
    assert params == staff_slot.kdf
    assert len(salt) == len(staff_slot.salt)
    assert salt != staff_slot.salt


# --- JSON ------------------------------------------------------------------------------------


def _through_json(slot: Slot) -> Slot:
    return Slot.from_json(json.loads(json.dumps(slot.to_json())))


def test_json_round_trip_of_a_staff_slot(staff_slot: Slot, data_key: bytes) -> None:
    """A staff slot written as JSON and read back is identical and still opens."""
    again = _through_json(staff_slot)
    assert again == staff_slot
    assert open_slot(again, vault_id=VAULT_ID, secret=SECRET) == data_key


def test_json_round_trip_of_a_recovery_slot(recovery_slot: Slot) -> None:
    """A recovery slot keeps its empty staff id and tag through JSON."""
    again = _through_json(recovery_slot)
    assert again == recovery_slot
    assert again.staff_id is None
    assert again.user_tag is None


def test_json_round_trip_of_a_bound_slot(staff_slot: Slot, data_key: bytes) -> None:
    """A bound slot keeps its flag and device layer through JSON."""
    bound = bind(staff_slot, vault_id=VAULT_ID, device_secret=DEVICE_SECRET)
    again = _through_json(bound)
    assert again == bound
    assert open_slot(again, vault_id=VAULT_ID, secret=SECRET, device_secret=DEVICE_SECRET) == data_key


def test_json_holds_no_secret(staff_slot: Slot, data_key: bytes) -> None:
    """The JSON form has the wrapped key only, never the data key or the password."""
    text = json.dumps(staff_slot.to_json())
    assert data_key.hex() not in text
    assert "purple teapot" not in text


def _garbage(good: dict[str, Any], label: str) -> Any:
    def edited(**changes: Any) -> dict[str, Any]:
        return {**good, **changes}

    missing_salt = {k: v for k, v in good.items() if k != "salt"}
    cases: dict[str, Any] = {
        "a list": [good],
        "a string": "slot",
        "None": None,
        "unknown kind": edited(kind="admin"),
        "staff slot without staff id": edited(staff_id=None),
        "staff id as text": edited(staff_id="7"),
        "salt not base64": edited(salt="not base64!!"),
        "salt a number": edited(salt=12345),
        "nonce a list": edited(nonce=[1, 2, 3]),
        "ciphertext not base64": edited(ciphertext="%%%"),
        "unknown kdf": edited(kdf={"alg": "scrypt", "memory_kib": 8, "iterations": 1, "lanes": 1}),
        "absurd kdf": edited(kdf={"alg": "argon2id", "memory_kib": 8, "iterations": 0, "lanes": 1}),
        "kdf not an object": edited(kdf="argon2id"),
        "missing salt": missing_salt,
        "empty object": {},
    }
    return cases[label]


GARBAGE = [
    "a list", "a string", "None", "unknown kind", "staff slot without staff id", "staff id as text",
    "salt not base64", "salt a number", "nonce a list", "ciphertext not base64", "unknown kdf",
    "absurd kdf", "kdf not an object", "missing salt", "empty object",
]


@pytest.mark.parametrize("label", GARBAGE)
def test_from_json_rejects_garbage(staff_slot: Slot, label: str) -> None:
    """Anything that is not a well-formed slot raises (the slot file turns it into a sentence)."""
    with pytest.raises((ValueError, KeyError, TypeError)):
        Slot.from_json(_garbage(staff_slot.to_json(), label))


def test_from_json_accepts_the_unedited_original(staff_slot: Slot) -> None:
    """The control for the garbage test: the same dictionary, unedited, is accepted."""
    assert Slot.from_json(staff_slot.to_json()) == staff_slot


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bound", "false"),
        ("bound", 0),
        ("staff_id", True),
        ("staff_id", "1"),
        ("user_tag", 7),
        ("slot_id", 12345),
        ("db_salt", None),
    ],
)
def test_an_edited_slot_is_refused_not_coerced(staff_slot: Slot, field: str, value: object) -> None:
    """A hand-edited key file must read as damaged, not as a slot that then fails to open."""
    data = staff_slot.to_json()
    data[field] = value
    with pytest.raises(ValueError):
        Slot.from_json(data)


@pytest.mark.parametrize(
    "edit",
    [{"iterations": True}, {"memory_kib": 65536.9}, {"lanes": "4"}, {"iterations": 3.0}],
)
def test_kdf_parameters_must_be_whole_numbers(edit: dict[str, object]) -> None:
    data = {**KdfParams(65536, 3, 4).to_json(), **edit}
    with pytest.raises(ValueError):
        KdfParams.from_json(data)
