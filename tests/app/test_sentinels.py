"""Nothing typed into Sharewise can be read from its files without the key.

A set of sentinel strings (names in several scripts, usernames, passwords, the provider's
address, the recovery key) is written through the real API. The database, its WAL (while a
session is still open), the slot files and every other file in the vault folder are then scanned
for each sentinel in the encodings a leak would most likely use. Fictional people only.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pytest

from app import settings
from app.clock import ManualClock
from app.errors import IntegrityError
from app.policy.permissions import Role
from app.settings import ProviderProfile
from app.staff import NewStaff
from app.vault.database import Database
from app.vault.database_file import PLAIN_SQLITE_HEADER
from app.vault.device import DeviceKeyring
from app.vault.files import VaultPaths
from app.vault.vault import Vault
from tests.conftest import MemoryKeyring, VaultUnderTest

PROVIDER_NAME = "Ørnebjerg Sentinel Børnehus"
MANAGER_USERNAME = "æthelflæd.sentinel"
MANAGER_NAME = "Æthelflæd Quellebrück-Strauß"
MANAGER_PASSWORD = "quokka marmalade Lüftschloss 47"
PERSON_PASSWORD = "velvet giraffe Różowy kompas 93"
ADDRESS_LINES = ("Ulica Świętokrzyska 7", "Łódź Wąwozowa Zagroda")
DSL_NAME = "Siobhán Ní Bhriain-Ghallchóir"

# (username, full name, job title): Latin with accents, Polish, Irish, Vietnamese, Cyrillic, Greek.
PEOPLE = (
    ("zéphyrine.q", "Zéphyrine Quellebœuf-Lefèvre", "Éducatrice principale"),
    ("żółtowski.g", "Grzegorz Żółtowski-Źdźbło", "Opiekun grupy Wiewiórki"),
    ("caoimhín.ó", "Caoimhín Ó Séaghdha", "Cúntóir Naíolann"),
    ("nguyễn.hường", "Nguyễn Thị Hường Phượng", "Giáo viên mầm non"),
    ("ярослава.щ", "Ярослава Щербатюк", "Вихователька"),
    ("ξανθίππη.π", "Ξανθίππη Παπαδοπούλου", "Νηπιαγωγός"),
)
PASSWORD_PERSON = ("ðórhildur.k", "Ðórhildur Kjartansdóttir-Østergård", "Leikskólakennari")


def _sentinel_texts() -> list[str]:
    whole = [
        PROVIDER_NAME,
        MANAGER_USERNAME,
        MANAGER_NAME,
        MANAGER_PASSWORD,
        PERSON_PASSWORD,
        DSL_NAME,
        *ADDRESS_LINES,
    ]
    for person in (*PEOPLE, PASSWORD_PERSON):
        whole.extend(person)
    # Distinctive single words too, so a partial leak (a surname alone) is also caught.
    words = [w for text in whole for w in text.replace(".", " ").replace("-", " ").split() if len(w) >= 6]
    return sorted(set(whole) | set(words))


def _encodings(text: str) -> set[bytes]:
    forms = {text, unicodedata.normalize("NFD", text), text.casefold(), text.lower(), text.upper()}
    found: set[bytes] = set()
    for form in forms:
        found.add(form.encode("utf-8"))
        found.add(form.encode("utf-16-le"))
        found.add(json.dumps(form).strip('"').encode("ascii"))  # \u-escaped JSON
    return found


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _leaks(folder: Path, needles: dict[str, Iterable[bytes]]) -> list[str]:
    found = []
    for path in _files(folder):
        content = path.read_bytes()
        for label, forms in needles.items():
            for form in forms:
                if form and form in content:
                    found.append(f"{label!r} in {path.name}")
                    break
    return found


@pytest.fixture
def sentinel_vault(tmp_path: Path) -> VaultUnderTest:
    keyring = MemoryKeyring()
    clock = ManualClock()
    created = Vault.create(
        tmp_path / "vault",
        provider=ProviderProfile(name=PROVIDER_NAME, ofsted_urn="EY765432", phone="01632 960 777"),
        manager=NewStaff(MANAGER_USERNAME, MANAGER_NAME, frozenset({Role.MANAGER, Role.DSL})),
        password=MANAGER_PASSWORD,
        keyring=DeviceKeyring(keyring),
        clock=clock,
    )
    return VaultUnderTest(
        tmp_path / "vault", created.vault, created.session, created.recovery_key, keyring, clock
    )


def _write_sentinels(under_test: VaultUnderTest) -> None:
    username, full_name, _ = PASSWORD_PERSON
    under_test.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    # The real way: one-time password, first sign-in, own (sentinel) password; manager back in.
    person, one_time = under_test.session.staff.add(
        NewStaff(username, full_name, frozenset({Role.KEY_WORKER}))
    )
    person_id = person.id
    first = under_test.vault.sign_in(username, one_time)
    first.change_password(one_time, PERSON_PASSWORD)
    first.close()
    session = under_test.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    # Everything from here on is written while this session stays open, so it is in the WAL.
    session.staff.change(person_id, job_title=PASSWORD_PERSON[2])
    for username, full_name, job_title in PEOPLE:
        session.staff.add(NewStaff(username, full_name, frozenset({Role.KEY_WORKER}), job_title=job_title))
    session.settings.update(
        {
            settings.PROVIDER_ADDRESS: "\n".join(ADDRESS_LINES),
            settings.PROVIDER_DSL_NAME: DSL_NAME,
        }
    )


def test_no_sentinel_can_be_found_in_any_file_while_open_or_after_closing(
    sentinel_vault: VaultUnderTest,
) -> None:
    under_test = sentinel_vault
    paths = VaultPaths(under_test.folder)
    _write_sentinels(under_test)
    session = under_test.session

    # The sentinels really are stored (so finding none of them means something).
    names = {s.full_name for s in session.staff.accounts()}
    assert {p[1] for p in PEOPLE} | {MANAGER_NAME, PASSWORD_PERSON[1]} <= names
    assert session.settings.get(settings.PROVIDER_DSL_NAME) == DSL_NAME
    assert session.settings.get(settings.PROVIDER_ADDRESS) == "\n".join(ADDRESS_LINES)
    assert session.settings.get(settings.PROVIDER_NAME) == PROVIDER_NAME

    key = under_test.recovery_key.formatted()
    data_key = session.context.keys.data_key
    needles: dict[str, Iterable[bytes]] = {t: _encodings(t) for t in _sentinel_texts()}
    needles["recovery key"] = {
        form.encode(codec)
        for form in (key, key.replace("-", ""), key.lower(), key.replace("-", "").lower())
        for codec in ("utf-8", "utf-16-le")
    }
    needles["data key"] = {data_key, data_key.hex().encode("ascii"), data_key.hex().upper().encode()}

    wal = paths.database_sidecars()[0]
    assert wal.exists()
    assert wal.stat().st_size > 0
    scanned_open = [p.name for p in _files(under_test.folder)]
    assert {"sharewise.db", "sharewise.db-wal", "sharewise.slots", "sharewise.slots.previous"} <= set(
        scanned_open
    )
    assert _leaks(under_test.folder, needles) == []

    session.close()
    under_test.vault.close()
    assert _leaks(under_test.folder, needles) == []

    # The sentinels are in there, readable with the key (the scan was looking at the right data).
    database = Database.open(paths.database, data_key)
    try:
        stored = {str(r[0]) for r in database.query("SELECT full_name FROM staff")}
    finally:
        database.close()
    assert {p[1] for p in PEOPLE} <= stored


def test_the_database_is_not_readable_as_plain_sqlite(made_vault: VaultUnderTest) -> None:
    paths = VaultPaths(made_vault.folder)
    data_key = made_vault.session.context.keys.data_key
    made_vault.session.close()
    made_vault.vault.close()
    before = paths.database.read_bytes()

    assert not before.startswith(b"SQLite format 3")
    assert not before.startswith(PLAIN_SQLITE_HEADER)
    connection = sqlite3.connect(paths.database)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
    finally:
        connection.close()
    assert paths.database.read_bytes() == before

    database = Database.open(paths.database, data_key)
    try:
        version = database.scalar("PRAGMA cipher_version")
        assert isinstance(version, str)
        assert version.strip()
        assert database.scalar("SELECT count(*) FROM staff") == 1
    finally:
        database.close()


def test_a_wrong_key_fails_without_the_library_printing_anything(
    made_vault: VaultUnderTest, capfd: pytest.CaptureFixture[str]
) -> None:
    paths = VaultPaths(made_vault.folder)
    right_key = made_vault.session.context.keys.data_key
    made_vault.session.close()
    before = paths.database.read_bytes()
    wrong_key = bytes(b ^ 0x5A for b in right_key)
    capfd.readouterr()

    with pytest.raises(IntegrityError):
        Database.open(paths.database, wrong_key)

    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""
    assert paths.database.read_bytes() == before


def test_the_scan_finds_a_sentinel_planted_in_plain_text(tmp_path: Path) -> None:
    """The scanner itself works: each encoding of a sentinel, planted in a file, is reported."""
    name = PEOPLE[3][1]  # Vietnamese: NFC and NFD differ
    planted = [
        name.encode("utf-8"),
        name.encode("utf-16-le"),
        unicodedata.normalize("NFD", name).encode("utf-8"),
        name.casefold().encode("utf-8"),
        json.dumps(name).encode("ascii"),
    ]
    assert len(set(planted)) == len(planted)
    for index, form in enumerate(planted):
        folder = tmp_path / str(index)
        folder.mkdir()
        (folder / "sharewise.db-wal").write_bytes(b"\x00" * 100 + form + b"\x00" * 100)
        assert _leaks(folder, {name: _encodings(name)}) == [f"{name!r} in sharewise.db-wal"]
