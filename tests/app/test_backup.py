"""Backups through the core: the file, its consistency, reading it back, a full disk, rotation.

A real vault (cheap KDF, in-memory keyring, the manual clock at Tuesday 1 September 2026).
Fictional people only, with names in several scripts.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import tempfile
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app import backup as backup_module
from app.audit import AuditAction, AuditFilter
from app.backup import (
    DATABASE,
    MANIFEST,
    SLOTS,
    BackupDamaged,
    check_backup,
    read_backup,
    rotation,
)
from app.children import CarerDetails, ChildDetails
from app.errors import (
    PermissionDenied,
    RecoveryKeyMismatch,
    SlotFileError,
    StorageError,
    ValidationError,
    VaultLocked,
    WrongPassword,
)
from app.policy.permissions import Role
from app.security import SAME_DRIVE
from app.session import Session
from app.settings import BACKUP_FOLDER
from app.staff import NewStaff
from app.vault import recovery_key
from app.vault.database_file import PLAIN_SQLITE_HEADER
from app.vault.device import DeviceKeyring
from app.vault.files import VaultPaths
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, PROVIDER, VaultUnderTest

CHILD = "Łucja Wiśniewska-Quillfeather"
CARER = "Αλέξανδρος Παπαδόπουλος"
SENTINELS = [CHILD, CARER, "Quillfeather", PROVIDER.name, MANAGER_USERNAME, "Zoë Adams"]


def add_child(session: Session, name: str = CHILD) -> int:
    child = session.children.add(
        ChildDetails(legal_name=name, date_of_birth="2023-03-01", start_date="2025-09-01", room="Acorns")
    )
    session.children.add_carer(child.id, CarerDetails(CARER, "Father", True, True, "2 Example Road"))
    return int(child.id)


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder check_backup unpacks into, so a test can see it is left empty."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_the_backup_file_is_a_zip_of_three_encrypted_members_and_holds_no_names(
    made_vault: VaultUnderTest, usb: Path
) -> None:
    add_child(made_vault.session)
    made = made_vault.session.backups.make(usb)

    assert made.path.parent == usb
    assert made.path.name.startswith("sharewise-2026-09-01-")
    assert made.path.suffix == ".swbackup"
    assert made.bytes == made.path.stat().st_size
    assert sorted(p.name for p in usb.iterdir()) == [made.path.name]  # no temp file left
    if os.name == "posix":
        assert made.path.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(made.path) as archive:
        assert sorted(archive.namelist()) == sorted([MANIFEST, SLOTS, DATABASE])
        assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
        database = archive.read(DATABASE)
        manifest = json.loads(archive.read(MANIFEST))
        slots = archive.read(SLOTS)
    assert not database.startswith(PLAIN_SQLITE_HEADER)
    assert slots == VaultPaths(made_vault.folder).slots.read_bytes()
    assert manifest["vault_id"] == made_vault.session.context.keys.vault_id
    assert manifest["files"][DATABASE]["bytes"] == len(database)
    whole = made.path.read_bytes()
    for text in SENTINELS:
        for encoding in ("utf-8", "utf-16-le"):
            assert text.encode(encoding) not in whole, text


def test_making_a_backup_is_audited_with_its_size_only(made_vault: VaultUnderTest, usb: Path) -> None:
    session = made_vault.session
    assert session.backups.last() is None
    made = session.backups.make(usb)
    entries = session.audit.entries(where=AuditFilter(action=AuditAction.BACKUP_MADE.value))
    assert [e.detail for e in entries] == [{"bytes": made.bytes}]
    assert str(usb) not in json.dumps(entries[0].detail)
    assert session.backups.last() == entries[0].at


def test_two_backups_in_the_same_second_get_two_files(made_vault: VaultUnderTest, usb: Path) -> None:
    first = made_vault.session.backups.make(usb)
    second = made_vault.session.backups.make(usb)
    assert first.path != second.path
    assert read_backup(first.path).vault_id == read_backup(second.path).vault_id


def test_a_backup_taken_just_after_a_write_holds_it(
    made_vault: VaultUnderTest, usb: Path, private_temp: Path
) -> None:
    """The change is still only in the WAL when the backup starts; the copy must hold it."""
    session = made_vault.session
    paths = VaultPaths(made_vault.folder)
    session.context.database.checkpoint()
    add_child(session)
    assert paths.database_sidecars()[0].stat().st_size > 0  # the write is in the WAL
    made = session.backups.make(usb)

    contents = check_backup(made.path, recovery_key=made_vault.recovery_key.formatted())
    assert contents.ok, contents.problems
    assert contents.chain_intact
    assert (contents.children, contents.staff) == (1, 1)
    assert contents.schema_version == read_backup(made.path).schema_version
    assert list(private_temp.iterdir()) == []


def test_checking_a_backup_changes_nothing_in_the_live_vault(
    made_vault: VaultUnderTest, usb: Path, private_temp: Path
) -> None:
    paths = VaultPaths(made_vault.folder)
    made = made_vault.session.backups.make(usb)
    slots_before = paths.slots.read_bytes()
    keyring_before = dict(made_vault.keyring.entries)

    by_key = check_backup(made.path, recovery_key=made_vault.recovery_key.formatted())
    by_password = check_backup(
        made.path,
        username=MANAGER_USERNAME,
        password=MANAGER_PASSWORD,
        keyring=DeviceKeyring(made_vault.keyring),
    )

    assert by_key.ok and by_password.ok
    assert paths.slots.read_bytes() == slots_before
    assert made_vault.keyring.entries == keyring_before
    assert list(private_temp.iterdir()) == []
    # The recovery key was not re-issued: the same key still opens the backup.
    assert check_backup(made.path, recovery_key=made_vault.recovery_key.formatted()).ok


def test_a_wrong_key_or_password_opens_nothing_and_leaves_no_temp_files(
    made_vault: VaultUnderTest, usb: Path, private_temp: Path
) -> None:
    made = made_vault.session.backups.make(usb)
    with pytest.raises(RecoveryKeyMismatch):
        check_backup(made.path, recovery_key=recovery_key.generate().formatted())
    with pytest.raises(WrongPassword):
        check_backup(
            made.path,
            username=MANAGER_USERNAME,
            password="not the password",
            keyring=DeviceKeyring(made_vault.keyring),
        )
    assert list(private_temp.iterdir()) == []


# --- damaged and foreign files -------------------------------------------------------------------


def _member_offset(path: Path, name: str) -> tuple[int, int]:
    """Where a stored member's bytes start in the ZIP file, and how many there are."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    raw = path.read_bytes()
    header = info.header_offset
    name_len = int.from_bytes(raw[header + 26 : header + 28], "little")
    extra_len = int.from_bytes(raw[header + 28 : header + 30], "little")
    return header + 30 + name_len + extra_len, info.compress_size


@pytest.fixture
def good_backup(made_vault: VaultUnderTest, usb: Path) -> Path:
    add_child(made_vault.session)
    path = made_vault.session.backups.make(usb).path
    assert read_backup(path).schema_version > 0
    return path


def _refused(path: Path) -> str:
    with pytest.raises(BackupDamaged) as refused:
        read_backup(path)
    sentence = str(refused.value)
    assert "Nothing was changed" in sentence
    assert "Traceback" not in sentence
    return sentence


def test_a_truncated_backup_is_refused(good_backup: Path) -> None:
    raw = good_backup.read_bytes()
    good_backup.write_bytes(raw[: len(raw) // 2])
    assert "not a Sharewise backup" in _refused(good_backup)


def test_a_flipped_byte_in_the_database_is_refused(good_backup: Path) -> None:
    start, size = _member_offset(good_backup, DATABASE)
    raw = bytearray(good_backup.read_bytes())
    raw[start + size // 2] ^= 0x01
    good_backup.write_bytes(bytes(raw))
    assert "damaged" in _refused(good_backup)


def test_a_changed_database_with_a_fresh_zip_check_is_refused_by_the_hash(good_backup: Path) -> None:
    """Someone rebuilt the ZIP (so its own CRCs are right) around a different database."""
    with zipfile.ZipFile(good_backup) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    database = bytearray(members[DATABASE])
    database[len(database) // 2] ^= 0x01
    members[DATABASE] = bytes(database)
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    good_backup.write_bytes(rebuilt.getvalue())
    assert "damaged" in _refused(good_backup)


def test_a_zip_of_something_else_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "holiday.swbackup"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff" + b"\x00" * 100)
    assert "not a Sharewise backup" in _refused(path)


def test_a_zip_with_the_right_names_but_a_foreign_manifest_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lookalike.swbackup"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(MANIFEST, json.dumps({"format": "something-else"}))
        archive.writestr(SLOTS, b"{}")
        archive.writestr(DATABASE, b"\x00" * 4096)
    assert "not a Sharewise backup" in _refused(path)


def test_a_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.swbackup"
    path.write_text("Shopping list: milk, bread\n", encoding="utf-8")
    assert "not a Sharewise backup" in _refused(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path / "gone.swbackup")


# --- a full or missing disk --------------------------------------------------------------------


def test_a_full_disk_leaves_nothing_and_says_so(
    made_vault: VaultUnderTest, usb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = made_vault.session
    add_child(session)
    paths = VaultPaths(made_vault.folder)
    audit_before = session.context.database.scalar("SELECT count(*) FROM audit_log")

    def full(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", full)
    with pytest.raises(StorageError) as refused:
        session.backups.make(usb)
    monkeypatch.undo()

    assert str(refused.value) == (
        f"The backup could not be written to {usb} because the disk is full. Nothing was changed; "
        "free some space or choose another folder."
    )
    assert list(usb.iterdir()) == []
    assert session.context.database.scalar("SELECT count(*) FROM audit_log") == audit_before
    assert session.backups.last() is None
    assert session.context.database.integrity_problems() == []
    assert paths.database.exists()
    assert session.context.database.scalar("SELECT count(*) FROM child") == 1


def test_a_missing_folder_says_the_drive_is_not_available(made_vault: VaultUnderTest, tmp_path: Path) -> None:
    with pytest.raises(StorageError) as refused:
        made_vault.session.backups.make(tmp_path / "unplugged")
    assert "not available" in str(refused.value)
    assert not (tmp_path / "unplugged").exists()


def test_a_missing_key_file_is_reported_as_the_vault_s_problem(made_vault: VaultUnderTest, usb: Path) -> None:
    VaultPaths(made_vault.folder).slots.unlink()
    with pytest.raises(SlotFileError) as refused:
        made_vault.session.backups.make(usb)
    assert "key file could not be read" in str(refused.value)
    assert list(usb.iterdir()) == []


def test_the_write_error_sentences_name_the_folder_and_what_to_do() -> None:
    folder = Path("E:/")
    for code, words in (
        (errno.ENOSPC, "disk is full"),
        (errno.EACCES, "cannot be written to"),
        (errno.ENOENT, "not available"),
        (errno.EMFILE, "error"),
    ):
        sentence = str(backup_module.write_failed(OSError(code, "x"), folder))
        assert sentence.startswith(f"The backup could not be written to {folder}")
        assert words in sentence
        assert "Nothing was changed" in sentence


# --- rotation ------------------------------------------------------------------------------------


def test_rotation_over_a_year_of_daily_backups() -> None:
    now = datetime(2026, 9, 1, 12, 0)
    first = date(2025, 9, 2)
    backups = [
        (
            Path(f"{first + timedelta(days=n)}.swbackup"),
            datetime.combine(first + timedelta(days=n), datetime.min.time()).replace(hour=10),
        )
        for n in range(365)
    ]
    assert backups[-1][1].date() == date(2026, 9, 1)

    kept = rotation(backups, now)

    days = [date(2026, 8, d) for d in range(26, 32)] + [date(2026, 9, 1)]
    weeks = [date(2026, 8, 30), date(2026, 8, 23), date(2026, 8, 16)]  # Sundays; this week is 1 Sep
    months = [
        date(2026, 7, 31), date(2026, 6, 30), date(2026, 5, 31), date(2026, 4, 30), date(2026, 3, 31),
        date(2026, 2, 28), date(2026, 1, 31), date(2025, 12, 31), date(2025, 11, 30), date(2025, 10, 31),
    ]  # fmt: skip
    expected = {Path(f"{d}.swbackup") for d in (*days, *weeks, *months)}
    assert len(expected) == 7 + 2 + 10
    assert kept == expected


def test_rotation_keeps_the_newest_even_when_it_is_old_and_any_from_the_future() -> None:
    now = datetime(2026, 9, 1, 12, 0)
    old = [(Path("old-a"), datetime(2024, 1, 5)), (Path("old-b"), datetime(2024, 1, 9))]
    ahead = (Path("ahead"), datetime(2026, 9, 3))
    assert rotation(old, now) == {Path("old-b")}
    assert rotation([*old, ahead], now) == {Path("old-b"), Path("ahead")}
    assert rotation([], now) == set()


def test_rotation_keeps_the_newest_of_a_day_with_several() -> None:
    now = datetime(2026, 9, 1, 18, 0)
    same_day = [(Path(f"b{h}"), datetime(2026, 9, 1, h)) for h in (9, 13, 17)]
    assert rotation(same_day, now) == {Path("b17")}


# --- automatic backups, the backup folder and the status (issue 8) ----------------------------

KW_USERNAME, KW_NAME, KW_PASSWORD = "dmitri", "Дмитрий Соколов", "amber kettle lighthouse"


def _auto_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if backup_module.AUTOMATIC_NAME.fullmatch(p.name))


def test_automatic_backups_go_to_the_default_folder_with_their_own_name(made_vault: VaultUnderTest) -> None:
    session = made_vault.session
    folder = session.backups.folder()
    assert folder == made_vault.folder / "backups"
    if os.name == "posix":
        assert folder.stat().st_mode & 0o777 == 0o700
    made = session.backups.automatic("sign_out")
    assert made is not None
    assert made.path.parent == folder
    assert backup_module.AUTOMATIC_NAME.fullmatch(made.path.name)
    assert read_backup(made.path).vault_id == session.context.keys.vault_id
    entries = session.audit.entries(where=AuditFilter(action=AuditAction.BACKUP_MADE.value))
    assert [e.detail for e in entries] == [{"bytes": made.bytes, "automatic": True, "reason": "sign_out"}]


def test_an_unknown_reason_is_a_programming_error(made_vault: VaultUnderTest) -> None:
    with pytest.raises(ValueError):
        made_vault.session.backups.automatic("whenever")


def test_the_rotation_deletes_only_automatic_backups_in_the_folder(made_vault: VaultUnderTest) -> None:
    session = made_vault.session
    folder = session.backups.folder()
    manual = session.backups.make(folder)  # "Back up now" into the same folder
    unrelated = folder / "Zoë's notes.txt"
    unrelated.write_text("not a backup", encoding="utf-8")
    renamed = folder / "sharewise-auto-keep-this.swbackup"
    renamed.write_bytes(b"a copy the manager renamed")
    made = []
    for _day in range(10):  # ten days, one automatic backup each
        info = session.backups.automatic("daily")
        assert info is not None
        made.append(info.path)
        made_vault.clock.advance(24 * 3600)
    # 1..10 September: the last 7 days are kept; 1-3 September are neither among them nor the
    # newest of their week (6 Sep) or month (10 Sep), so the rotation deleted them.
    assert _auto_files(folder) == sorted(p.name for p in made[3:])
    assert not any(p.exists() for p in made[:3])
    assert manual.path.exists()
    assert unrelated.read_text(encoding="utf-8") == "not a backup"
    assert renamed.exists()


@pytest.mark.parametrize("role", list(Role))
def test_anyone_signed_in_gets_an_automatic_backup_but_only_into_the_configured_folder(
    made_vault: VaultUnderTest, role: Role
) -> None:
    """A key worker's changes need backing up at sign-out too; "Back up now" to a folder of one's
    choosing, and choosing the folder, stay the manager's."""
    made_vault.add_person(KW_USERNAME, KW_NAME, {role}, KW_PASSWORD)
    made_vault.session.close()
    person = made_vault.vault.sign_in(KW_USERNAME, KW_PASSWORD)
    made = person.backups.automatic("sign_out")
    assert made is not None and made.path.parent == made_vault.folder / "backups"
    assert read_backup(made.path).vault_id == person.context.keys.vault_id
    assert not person.backups.due_daily()
    if role is not Role.MANAGER:
        with pytest.raises(PermissionDenied):
            person.backups.make(made_vault.folder)
        with pytest.raises(PermissionDenied):
            person.settings.update({BACKUP_FOLDER: str(made_vault.folder.parent)})


def test_a_person_still_on_a_one_time_password_makes_none(made_vault: VaultUnderTest) -> None:
    """They could not change anything yet, so there is nothing new to keep (and no error)."""
    _person, one_time = made_vault.session.staff.add(NewStaff(KW_USERNAME, KW_NAME, frozenset({Role.DSL})))
    made_vault.session.close()
    first = made_vault.vault.sign_in(KW_USERNAME, one_time)
    assert first.must_change_password
    assert first.backups.automatic("sign_out") is None
    assert not (made_vault.folder / "backups").exists()


def test_a_locked_session_makes_no_automatic_backup(made_vault: VaultUnderTest) -> None:
    session = made_vault.session
    session.close()
    with pytest.raises(VaultLocked):
        session.backups.automatic("sign_out")
    assert not (made_vault.folder / "backups").exists()


def test_an_unplugged_backup_folder_gives_a_sentence_and_nothing_else(
    made_vault: VaultUnderTest, usb: Path
) -> None:
    session = made_vault.session
    session.settings.update({BACKUP_FOLDER: str(usb / "stick")})
    assert session.backups.folder() == usb / "stick"
    with pytest.raises(StorageError) as raised:
        session.backups.automatic("close")
    assert "not available" in raised.value.sentence and "USB" in raised.value.sentence
    assert not (usb / "stick").exists()  # a chosen folder is never created behind the manager's back
    assert session.backups.due_daily()


def test_the_backup_folder_must_be_a_whole_path(made_vault: VaultUnderTest) -> None:
    with pytest.raises(ValidationError):
        made_vault.session.settings.update({BACKUP_FOLDER: "backups/elsewhere"})
    with pytest.raises(ValidationError):
        made_vault.session.settings.update({BACKUP_FOLDER: "/" + "x" * 10_000})


def test_due_daily_follows_the_clock(made_vault: VaultUnderTest, usb: Path) -> None:
    session = made_vault.session
    assert session.backups.due_daily()
    session.backups.make(usb)
    assert session.backups.due_daily()  # a manual backup elsewhere does not fill the folder
    session.backups.automatic("daily")
    assert not session.backups.due_daily()
    made_vault.clock.advance(23 * 3600)
    assert not session.backups.due_daily()
    made_vault.clock.advance(2 * 3600)
    assert session.backups.due_daily()


def test_the_status_warns_about_no_backup_an_old_one_and_the_same_drive(
    made_vault: VaultUnderTest, usb: Path
) -> None:
    session = made_vault.session
    status = session.security.status()
    assert status.last_backup_at is None
    assert status.backup_warning is not None and "No backup has been made yet" in status.backup_warning
    assert SAME_DRIVE in status.backup_warning  # the default folder is on the data's own drive

    made = session.backups.automatic("sign_out")
    assert made is not None
    status = session.security.status()
    assert status.last_backup_at is not None
    assert status.backup_warning == SAME_DRIVE

    made_vault.clock.advance(9 * 24 * 3600)
    status = session.security.status()
    assert status.backup_warning is not None and status.backup_warning.startswith("No backup for 9 days: ")

    session.settings.update({BACKUP_FOLDER: str(usb / "unplugged")})
    status = session.security.status()
    assert status.backup_warning is not None and "not available" in status.backup_warning


def test_a_backup_folder_on_another_drive_has_no_same_drive_warning(
    made_vault: VaultUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another drive is simulated with /dev/shm (a tmpfs) when it is a different device."""
    other = Path("/dev/shm")
    if not other.is_dir() or os.stat(other).st_dev == os.stat(made_vault.folder).st_dev:
        other = Path(tempfile.gettempdir())
    assert os.stat(other).st_dev != os.stat(made_vault.folder).st_dev, "no second drive to test with"
    folder = Path(tempfile.mkdtemp(prefix="sharewise-usb-", dir=other))
    try:
        session = made_vault.session
        session.settings.update({BACKUP_FOLDER: str(folder)})
        session.backups.automatic("daily")
        assert session.security.status().backup_warning is None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
