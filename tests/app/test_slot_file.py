"""The key-slot file and atomic writes: the kept copy, clear load errors, no stray files.

Also checks, through a real vault, that a deactivated account and a replaced recovery key do not
live on in the kept copy (``sharewise.slots.previous``).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.errors import RecoveryKeyMismatch, SlotFileError, StorageError, WrongPassword
from app.policy.permissions import Role
from app.vault import slot_file
from app.vault.files import VaultPaths, storage_error, write_atomically
from app.vault.kdf import CHEAP_FOR_TESTS
from app.vault.keyslots import Slot, make_slot, new_data_key
from app.vault.slot_file import SlotFile
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest

VAULT_ID = "2a0c4a9e-8f51-4bd8-9a3e-5c6d7e8f9012"
DB_SALT = "0123456789abcdef0123456789abcdef"
DATA_KEY = new_data_key()


def _staff(staff_id: int) -> Slot:
    return make_slot(
        vault_id=VAULT_ID, kind="staff", secret=f"password of {staff_id}".encode(),
        data_key=DATA_KEY, params=CHEAP_FOR_TESTS, db_salt=DB_SALT, staff_id=staff_id,
        user_tag=f"{staff_id:064x}",
    )


def _recovery() -> Slot:
    return make_slot(
        vault_id=VAULT_ID, kind="recovery", secret=os.urandom(20), data_key=DATA_KEY,
        params=CHEAP_FOR_TESTS, db_salt=DB_SALT,
    )


def _file(*slots: Slot) -> SlotFile:
    return SlotFile(
        vault_id=VAULT_ID,
        lookup_salt=bytes(range(32)),
        kdf=CHEAP_FOR_TESTS,
        schema_version=1,
        created_at="2026-03-02T09:15:00Z",
        slots=slots,
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in the folder with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def paths(tmp_path: Path) -> VaultPaths:
    folder = tmp_path / "vault"
    folder.mkdir()
    return VaultPaths(folder)


# --- saving and the kept copy ------------------------------------------------------------------


def test_save_without_previous_writes_only_the_slot_file(paths: VaultPaths) -> None:
    """The first save writes sharewise.slots and no kept copy, and nothing else."""
    new = _file(_recovery(), _staff(1))
    slot_file.save(paths, new, None)
    assert paths.slots.read_bytes() == new.to_bytes()
    assert not paths.slots_kept.exists()
    assert sorted(p.name for p in paths.folder.iterdir()) == ["sharewise.slots"]


def test_save_then_load_round_trips(paths: VaultPaths) -> None:
    """What is saved is what is loaded."""
    new = _file(_recovery(), _staff(1), _staff(2))
    slot_file.save(paths, new, None)
    assert slot_file.load(paths) == new


def test_the_kept_copy_is_the_previous_version_minus_dropped_slots(paths: VaultPaths) -> None:
    """A slot the new version dropped is removed from the kept copy too; the rest is kept."""
    recovery, first, second, third = _recovery(), _staff(1), _staff(2), _staff(3)
    previous = _file(recovery, first, second)
    new = _file(recovery, first, third)  # staff 2 dropped, staff 3 added
    slot_file.save(paths, previous, None)
    slot_file.save(paths, new, previous)

    assert slot_file.load(paths) == new
    kept = slot_file.load_kept(paths)
    assert {s.slot_id for s in kept.slots} == {recovery.slot_id, first.slot_id}
    assert kept.staff_slot_for(2, DB_SALT) is None
    assert kept.staff_slot_for(3, DB_SALT) is None  # the kept copy is the older version
    assert kept.vault_id == previous.vault_id


def test_a_replaced_slot_for_the_same_person_is_dropped_from_the_kept_copy(paths: VaultPaths) -> None:
    """A changed password (new slot id for the same staff id) leaves no old slot behind."""
    recovery, old_password = _recovery(), _staff(1)
    new_password = _staff(1)
    previous = _file(recovery, old_password)
    new = previous.with_slot(new_password, replacing=old_password.slot_id)
    slot_file.save(paths, new, previous)
    kept_ids = {s.slot_id for s in slot_file.load_kept(paths).slots}
    assert old_password.slot_id not in kept_ids
    # Without the old slot the kept copy would have no staff slot at all, so it is the new
    # version: a kept copy must let someone sign in.
    assert kept_ids == {recovery.slot_id, new_password.slot_id}


def test_the_kept_copy_falls_back_to_the_new_content_without_a_recovery_slot(
    paths: VaultPaths,
) -> None:
    """When the recovery key was replaced the kept copy would have no recovery slot at all;
    then it is the new version instead, so both files can be opened by the new key only."""
    old_recovery, new_recovery, staff = _recovery(), _recovery(), _staff(1)
    previous = _file(old_recovery, staff)
    new = previous.without([old_recovery.slot_id]).with_slot(new_recovery)
    slot_file.save(paths, new, previous)
    assert paths.slots_kept.read_bytes() == new.to_bytes()
    assert paths.slots.read_bytes() == new.to_bytes()
    kept_ids = {s.slot_id for s in slot_file.load_kept(paths).slots}
    assert old_recovery.slot_id not in kept_ids


def test_save_replaces_an_existing_kept_copy(paths: VaultPaths) -> None:
    """Each save rewrites the kept copy from its own previous version."""
    recovery, first, second = _recovery(), _staff(1), _staff(2)
    one, two, three = _file(recovery), _file(recovery, first), _file(recovery, first, second)
    slot_file.save(paths, one, None)
    slot_file.save(paths, two, one)
    slot_file.save(paths, three, two)
    assert slot_file.load_kept(paths) == two
    assert slot_file.load(paths) == three


def test_save_leaves_no_temp_files_and_private_permissions(paths: VaultPaths) -> None:
    """Atomic writes go through a temp file that is renamed away; the result is owner-only."""
    previous = _file(_recovery(), _staff(1))
    slot_file.save(paths, previous, None)
    slot_file.save(paths, _file(*previous.slots, _staff(2)), previous)
    assert _temp_files(paths.folder) == []
    if os.name == "posix":
        assert paths.slots.stat().st_mode & 0o077 == 0
        assert paths.slots_kept.stat().st_mode & 0o077 == 0


def test_a_failed_save_leaves_the_slot_file_as_it_was(
    paths: VaultPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the rename fails, the old slot file is untouched and no temp file is left."""
    previous = _file(_recovery(), _staff(1))
    slot_file.save(paths, previous, None)
    before = _snapshot(paths.folder)

    def refuse(src: Any, dst: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(StorageError) as caught:
        slot_file.save(paths, _file(*previous.slots, _staff(2)), previous)
    monkeypatch.undo()
    assert "disk is full" in str(caught.value)
    assert _snapshot(paths.folder) == before
    assert _temp_files(paths.folder) == []


# --- loading: every failure is a sentence and changes nothing -----------------------------------


def _assert_load_fails_without_changes(paths: VaultPaths, *words: str) -> SlotFileError:
    before = _snapshot(paths.folder)
    with pytest.raises(SlotFileError) as caught:
        slot_file.load(paths)
    sentence = str(caught.value)
    for word in words:
        assert word in sentence
    assert sentence.endswith(".")
    assert _snapshot(paths.folder) == before
    return caught.value


def test_load_of_a_missing_file_says_it_is_missing(paths: VaultPaths) -> None:
    """No slot file: 'missing', the database is unchanged, and how to restore."""
    error = _assert_load_fails_without_changes(paths, "missing", "sharewise.slots", "restore")
    assert "kept copy" not in str(error)


def test_load_of_a_missing_file_mentions_the_kept_copy_when_there_is_one(paths: VaultPaths) -> None:
    """With sharewise.slots.previous present, the sentence points to it; it is not used silently."""
    new = _file(_recovery())
    slot_file.save(paths, new, new)
    paths.slots.unlink()
    _assert_load_fails_without_changes(paths, "missing", "kept copy")
    assert not paths.slots.exists()


@pytest.mark.parametrize("keep", [0, 1, 10, 100, -2])
def test_load_of_a_truncated_file_says_it_is_damaged(paths: VaultPaths, keep: int) -> None:
    """A file cut short (a crash on a disk without atomic rename) is 'damaged'."""
    raw = _file(_recovery(), _staff(1)).to_bytes()
    paths.slots.write_bytes(raw[:keep])
    _assert_load_fails_without_changes(paths, "damaged", "sharewise.slots", "not been changed")


@pytest.mark.parametrize(
    "raw",
    [
        b"this is not json",
        b"\xff\xfe\x00garbage",
        b"",
        b"{",
        "Zoë".encode("utf-16"),
    ],
)
def test_load_of_non_json_says_it_is_damaged(paths: VaultPaths, raw: bytes) -> None:
    """Bytes that are not JSON (or not UTF-8) are 'damaged'."""
    paths.slots.write_bytes(raw)
    _assert_load_fails_without_changes(paths, "damaged")


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(_file(_recovery(), _staff(1)).to_bytes())
    return document


@pytest.mark.parametrize(
    "document",
    [
        [1, 2, 3],
        "sharewise-key-slots",
        None,
        {"format": "some-other-program", "version": 1},
        {**_document(), "format": "sharewise-backup"},
        {k: v for k, v in _document().items() if k != "format"},
        {**_document(), "version": 0},
        {**_document(), "version": "1"},
        {k: v for k, v in _document().items() if k != "version"},
        {k: v for k, v in _document().items() if k != "slots"},
        {**_document(), "slots": [{"kind": "staff"}]},
        {**_document(), "kdf": {"alg": "pbkdf2"}},
        {**_document(), "lookup_salt": "not base64!"},
    ],
)
def test_load_of_json_of_another_format_says_it_is_damaged(paths: VaultPaths, document: Any) -> None:
    """JSON that is not a Sharewise key file (or is missing parts of one) is 'damaged'."""
    paths.slots.write_bytes(json.dumps(document).encode())
    _assert_load_fails_without_changes(paths, "damaged")


@pytest.mark.parametrize("version", [2, 99])
def test_load_of_a_newer_version_says_so(paths: VaultPaths, version: int) -> None:
    """A file from a newer Sharewise asks for the newer version, and is left alone."""
    paths.slots.write_bytes(json.dumps({**_document(), "version": version}).encode())
    error = _assert_load_fails_without_changes(paths, "newer", "nothing has been changed")
    assert "damaged" not in str(error)


def test_load_errors_do_not_touch_the_kept_copy(paths: VaultPaths) -> None:
    """With a kept copy present, a damaged main file is reported and both files stay as they are."""
    new = _file(_recovery())
    slot_file.save(paths, new, new)
    paths.slots.write_bytes(b'{"format": "sharewise-key-slots", "vers')
    _assert_load_fails_without_changes(paths, "damaged")


def test_load_kept_without_a_kept_copy_says_so(paths: VaultPaths) -> None:
    """Asking for the kept copy when there is none gives a sentence, not a crash."""
    slot_file.save(paths, _file(_recovery()), None)
    before = _snapshot(paths.folder)
    with pytest.raises(SlotFileError, match="no kept copy"):
        slot_file.load_kept(paths)
    assert _snapshot(paths.folder) == before


def test_load_kept_of_a_damaged_kept_copy_says_damaged(paths: VaultPaths) -> None:
    """The kept copy gets the same checks as the main file, naming the kept file."""
    paths.slots_kept.write_bytes(b"not json")
    with pytest.raises(SlotFileError) as caught:
        slot_file.load_kept(paths)
    assert "damaged" in str(caught.value)
    assert "sharewise.slots.previous" in str(caught.value)


def test_the_slot_file_holds_no_usernames(paths: VaultPaths) -> None:
    """Usernames appear only as keyed hashes (user tags)."""
    document = _file(_recovery())
    tag = document.user_tag("siobhán.o.brien")
    slot_file.save(paths, document.with_slot(replace(_staff(1), user_tag=tag)), None)
    text = paths.slots.read_text("utf-8")
    assert tag in text
    assert "siobh" not in text


# --- write_atomically and storage_error ------------------------------------------------------


def test_write_atomically_writes_and_leaves_no_temp_file(tmp_path: Path) -> None:
    """New and replaced files get exactly the given bytes and nothing is left over."""
    target = tmp_path / "notes.bin"
    write_atomically(target, b"first", doing="save the test file")
    assert target.read_bytes() == b"first"
    write_atomically(target, b"second, longer content" * 1000, doing="save the test file")
    assert target.read_bytes() == b"second, longer content" * 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.bin"]


def test_write_atomically_when_replace_fails_cleans_up_and_raises_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """os.replace failing: StorageError with a sentence, old content intact, no temp file."""
    target = tmp_path / "sharewise.slots"
    target.write_bytes(b"old content")

    def refuse(src: Any, dst: Any) -> None:
        assert Path(src).exists()  # the temp file was written before the rename
        raise OSError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(StorageError) as caught:
        write_atomically(target, b"new content", doing="save the key file")
    monkeypatch.undo()
    sentence = str(caught.value)
    assert sentence.startswith("Sharewise could not save the key file")
    assert "cannot be written to" in sentence
    assert str(tmp_path) not in sentence
    assert target.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sharewise.slots"]


def test_write_atomically_when_the_disk_fills_mid_write_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing fsync (disk full) also removes the temp file and says the disk is full."""
    target = tmp_path / "sharewise.slots"

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StorageError, match="disk is full"):
        write_atomically(target, b"content", doing="save the key file")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_write_atomically_into_a_missing_folder_raises_a_sentence(tmp_path: Path) -> None:
    """The data folder gone (a network drive disconnected): 'not available', nothing created."""
    with pytest.raises(StorageError, match="not available"):
        write_atomically(tmp_path / "gone" / "sharewise.slots", b"x", doing="save the key file")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "because the disk is full"),
        (errno.EDQUOT, "because the disk is full"),
        (errno.EFBIG, "because the disk is full"),
        (errno.EROFS, "cannot be written to"),
        (errno.EACCES, "cannot be written to"),
        (errno.EPERM, "cannot be written to"),
        (errno.ENOENT, "not available"),
        (errno.EIO, "not available"),
        (errno.EBADF, f"error {errno.EBADF}"),
    ],
)
def test_storage_error_sentences(code: int, words: str) -> None:
    """Each kind of failure gets its own sentence, completing 'Sharewise could not ...'."""
    error = storage_error(OSError(code, os.strerror(code), "/home/zoë/secret/path"), "save the key file")
    assert isinstance(error, StorageError)
    sentence = str(error)
    assert sentence.startswith("Sharewise could not save the key file")
    assert words in sentence
    assert "/home/zoë" not in sentence
    assert sentence.endswith(".")


def test_storage_error_for_a_full_disk_says_nothing_was_lost() -> None:
    """The full-disk sentence reassures and says what to do."""
    sentence = str(storage_error(OSError(errno.ENOSPC, "No space left"), "save the key file"))
    assert "disk is full" in sentence
    assert "Nothing already saved has been lost" in sentence
    assert "Free some space" in sentence


# --- through a real vault --------------------------------------------------------------------


def _staff_ids_in(path: Path) -> set[int | None]:
    return {s.staff_id for s in SlotFile.from_bytes(path.read_bytes()).slots if s.kind == "staff"}


def test_a_deactivated_account_is_in_neither_slot_file(made_vault: VaultUnderTest) -> None:
    """After deactivation no slot for that person is left in sharewise.slots or the kept copy."""
    paths = made_vault.vault.paths
    staff_id = made_vault.add_person("siobhán", "Siobhán Kelly", {Role.KEY_WORKER}, "green kettle mountain")
    assert staff_id in _staff_ids_in(paths.slots)

    made_vault.session.staff.deactivate(staff_id)

    assert paths.slots_kept.exists()
    assert staff_id not in _staff_ids_in(paths.slots)
    assert staff_id not in _staff_ids_in(paths.slots_kept)
    assert made_vault.session.me.id in _staff_ids_in(paths.slots)  # the manager is still there


def test_a_deactivated_account_cannot_come_back_through_the_kept_copy(
    made_vault: VaultUnderTest,
) -> None:
    """Copying the kept copy over the key file does not restore the person's access."""
    paths = made_vault.vault.paths
    staff_id = made_vault.add_person("łucja", "Łucja Nowak", {Role.KEY_WORKER}, "green kettle mountain")
    made_vault.session.staff.deactivate(staff_id)
    shutil.copyfile(paths.slots_kept, paths.slots)
    with pytest.raises(WrongPassword):
        made_vault.vault.sign_in("łucja", "green kettle mountain")


def test_a_reissued_recovery_key_leaves_the_old_key_useless_in_both_files(
    made_vault: VaultUnderTest,
) -> None:
    """After re-issuing, the old key opens neither sharewise.slots nor the kept copy."""
    paths = made_vault.vault.paths
    old_key = made_vault.recovery_key
    new_key = made_vault.session.security.reissue_recovery_key(MANAGER_PASSWORD)
    assert new_key != old_key
    made_vault.session.close()

    with pytest.raises(RecoveryKeyMismatch):
        made_vault.vault.recover(old_key.formatted(), MANAGER_USERNAME, "amber lantern harbour")

    assert paths.slots_kept.exists()
    shutil.copyfile(paths.slots_kept, paths.slots)
    with pytest.raises(RecoveryKeyMismatch):
        made_vault.vault.recover(old_key.formatted(), MANAGER_USERNAME, "amber lantern harbour")

    # Control: the kept copy is a working key file, and the new key opens it.
    session, _ = made_vault.vault.recover(new_key.formatted(), MANAGER_USERNAME, "amber lantern harbour")
    assert session.me.username == MANAGER_USERNAME
    session.close()
