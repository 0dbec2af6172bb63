"""Faults injected into a real program: each ends with a sentence, and nothing committed is lost.

The process-level faults run in a child process (tests/app/fault_child.py): a file-size limit
(RLIMIT_FSIZE, with SIGXFSZ ignored, so a write past it fails with EFBIG as on a full disk)
during writes and during backups, and SIGKILL in the middle of backups. The others (the backup
folder unplugged, the clock going back, a second copy of the program, a lost key file) are
injected as they would happen. After each, the vault passes the full check: every encrypted
page, SQLite's structure, foreign keys and the audit chain.

docs/reliability.md lists each fault, how often it is tried and what the person sees.
Fictional people only.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from app import audit
from app.audit import AuditAction
from app.backup import AUTOMATIC_NAME, DATA_DISK_REFUSED, SUFFIX, check_backup, read_backup
from app.clock import ManualClock
from app.errors import AccountLocked, StorageError, WrongPassword
from app.policy.permissions import Role
from app.settings import BACKUP_FOLDER, ProviderProfile
from app.staff import NewStaff
from app.vault.device import DeviceKeyring
from app.vault.files import VaultPaths
from app.vault.recovery_key import RecoveryKey
from app.vault.vault import Vault
from tests.app.fault_child import NEEDS, PASSWORD, USERNAME, child_details
from tests.app.test_cli import run_cli
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest

REPO = Path(__file__).resolve().parents[2]
FILL_MARGINS = (0, 1024, 4096, 10_000, 30_000, 60_000, 100_000, 150_000, 200_000, 300_000)
BACKUP_LIMITS = ("zero", "page", "half", "database", "zip")
KILL_ROUNDS = 20
BULK_CHILDREN = 300
# What a manager must never be shown: a traceback, an errno, or one of the program's temp files.
NOT_FOR_PEOPLE = re.compile(r"Traceback|Errno|errno|\.tmp\b|\.sharewise-|sqlite|sqlcipher", re.IGNORECASE)


# --- helpers ------------------------------------------------------------------------------------


def child_env(tmp_path: Path) -> dict[str, str]:
    """No D-Bus session, so a child (or the CLI) finds no keyring, as the vault was made with."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    assert env.get("SHAREWISE_TEST_CHEAP_KDF") == "1"
    if sys.platform.startswith("linux"):
        env["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"
        runtime = tmp_path / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = str(runtime)
    return env


def run_child(tmp_path: Path, *args: str) -> list[str]:
    """Run the child to the end; its stdout lines. It must neither crash nor print to stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.app.fault_child", *args],
        cwd=REPO,
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout.splitlines()


def plain_sentence(sentence: str) -> None:
    """One sentence a manager can read: no traceback, no errno, no temp file, no library name."""
    assert sentence.strip(), "expected a sentence"
    assert "\n" not in sentence.strip()
    assert NOT_FOR_PEOPLE.search(sentence) is None, sentence
    assert sentence.rstrip().endswith((".", "!"))


@dataclass(frozen=True)
class Vaulted:
    folder: Path
    recovery_key: RecoveryKey


def new_vault(folder: Path) -> Vaulted:
    """A vault a child process can open: no keyring (the children run without one)."""
    created = Vault.create(
        folder,
        provider=ProviderProfile(name="Bluebell Day Nursery", phone="01632 960 000"),
        manager=NewStaff(USERNAME, "Siobhán Ó Briain", frozenset({Role.MANAGER, Role.DSL})),
        password=PASSWORD,
        keyring=DeviceKeyring(None),
        clock=ManualClock(),
    )
    created.session.close()
    created.vault.close()
    return Vaulted(folder, created.recovery_key)


@dataclass(frozen=True)
class Checked:
    children: dict[str, str]  # legal name -> additional needs, as stored
    backups_made: int  # BACKUP_MADE entries in the audit log


def full_check(folder: Path, write: str | None = None) -> Checked:
    """Open, sign in, run the full check and the audit chain; optionally add one more child."""
    with Vault.open(folder, keyring=DeviceKeyring(None)) as vault:
        session = vault.sign_in(USERNAME, PASSWORD)
        try:
            check = session.security.check()
            assert check.ok, check.sentence
            chain = audit.verify(session.context.database)
            assert chain.ok, chain.sentence
            if write is not None:
                session.children.add(child_details(write))
            rows = session.context.database.query("SELECT legal_name, additional_needs FROM child")
            children = {str(r["legal_name"]): str(r["additional_needs"]) for r in rows}
            made = int(
                session.context.database.scalar(
                    "SELECT count(*) FROM audit_log WHERE action = ?", (AuditAction.BACKUP_MADE.value,)
                )
            )
        finally:
            session.close()
    return Checked(children, made)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_digests(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- 1. the disk full during a write ------------------------------------------------------------


def test_a_full_disk_during_writes_loses_nothing_committed_and_the_vault_carries_on(tmp_path: Path) -> None:
    vaulted = new_vault(tmp_path / "vault")
    committed: set[str] = set()
    sentences: set[str] = set()
    for number, margin in enumerate(FILL_MARGINS, start=1):
        lift = number % 2 == 0
        lines = run_child(
            tmp_path, "fill", str(vaulted.folder), f"r{number}", str(margin), "lift" if lift else "stay"
        )
        where = f"round {number} (margin {margin} bytes, {'lifted' if lift else 'closed while full'})"
        assert "never-full" not in lines, where
        assert lines[-1] == "closed", where
        this_round = {line.removeprefix("committed ") for line in lines if line.startswith("committed ")}
        failed = [line for line in lines if line.startswith("failed ")]
        again = [line for line in lines if line.startswith("failed-again ")]
        assert len(failed) == 1 and len(again) == 1, f"{where}: {lines}"
        refused_name, sentence = failed[0].removeprefix("failed ").split(" | ", 1)
        assert again[0] == f"failed-again {refused_name} | {sentence}", where
        plain_sentence(sentence)
        assert "not saved" in sentence and "nothing already saved has been lost" in sentence.lower(), sentence
        sentences.add(sentence)
        assert (refused_name in this_round) is lift, where  # once there was room, it went in
        committed |= this_round

        found = full_check(vaulted.folder)
        assert set(found.children) == committed, where  # everything committed; nothing else
        assert all(needs == NEEDS for needs in found.children.values()), where  # no row cut short

    # Once there is room again, the next write is saved and the vault still checks.
    after = full_check(vaulted.folder, write="Nguyễn Văn An")
    assert set(after.children) == committed | {"Nguyễn Văn An"}
    assert len(committed) > 2 * len(FILL_MARGINS)
    print(f"disk full during writes: {len(FILL_MARGINS)} rounds, {len(committed)} records kept: {sentences}")


# --- 2. the disk full during a backup -----------------------------------------------------------


def test_a_full_disk_during_a_backup_leaves_no_backup_and_changes_nothing(tmp_path: Path) -> None:
    vaulted = new_vault(tmp_path / "vault")
    usb = tmp_path / "usb"
    usb.mkdir()
    automatic = vaulted.folder / "backups"
    with Vault.open(vaulted.folder, keyring=DeviceKeyring(None)) as vault:
        session = vault.sign_in(USERNAME, PASSWORD)
        session.children.add(child_details("Дмитрий Соколов"))
        session.backups.make(usb)  # earlier backups, which must come through untouched
        session.backups.automatic("daily")
        session.close()
    before = full_check(vaulted.folder)
    earlier_usb, earlier_automatic = folder_digests(usb), folder_digests(automatic)
    added: set[str] = set()

    for where in (*BACKUP_LIMITS, "live"):
        lines = run_child(tmp_path, "backup-full", str(vaulted.folder), str(usb), where)
        assert lines[-1] == "closed", where
        said = dict(
            line.removeprefix("failed ").split(" | ", 1) for line in lines if line.startswith("failed ")
        )
        assert set(said) == {"make", "automatic"}, f"{where}: {lines}"
        for sentence in said.values():
            plain_sentence(sentence)
            assert "is full" in sentence and "Nothing" in sentence, f"{where}: {sentence}"
            assert "backup" in sentence.lower(), f"{where}: {sentence}"
        if where == "live":  # the data's own disk refused, not the backup folder's
            assert said["make"] == said["automatic"] == DATA_DISK_REFUSED
        else:
            assert said["make"].startswith(
                f"The backup could not be written to {usb} because the disk is full"
            )
        # No file with a backup's name (a partial one must not pass for a good backup), no temp
        # file left, and the earlier backups byte for byte as they were.
        assert folder_digests(usb) == earlier_usb, where
        assert folder_digests(automatic) == earlier_automatic, where
        if where == "live":
            added = {f"Αλέξανδρος Παππάς {n}" for n in range(5)}
        after = full_check(vaulted.folder)
        assert set(after.children) == set(before.children) | added, where
        assert after.backups_made == before.backups_made, where  # a failed backup is not recorded

    # Room again: the next backup is made, and it reads back whole.
    with Vault.open(vaulted.folder, keyring=DeviceKeyring(None)) as vault:
        session = vault.sign_in(USERNAME, PASSWORD)
        made = session.backups.make(usb)
        session.close()
    assert read_backup(made.path).vault_id
    assert len(folder_digests(usb)) == 2


# --- 3. killed in the middle of a backup ----------------------------------------------------------


def start_backup_loop(tmp_path: Path, folder: Path, usb: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.app.fault_child", "backup-loop", str(folder), str(usb)],
        cwd=REPO,
        env=child_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    ready, _, _ = select.select([process.stdout], [], [], 120)
    first = process.stdout.readline() if ready else b""
    assert first == b"ready\n", process.stderr.read().decode(errors="replace")
    return process


def kill(process: subprocess.Popen[bytes]) -> tuple[list[str], str]:
    """SIGKILL; the whole lines it printed, and its stderr."""
    assert process.stdout is not None and process.stderr is not None
    try:
        assert process.poll() is None, process.stderr.read().decode(errors="replace")
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=60) == -signal.SIGKILL
        out = process.stdout.read().decode("utf-8")
        errors = process.stderr.read().decode(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        process.stdout.close()
        process.stderr.close()
    return out.split("\n")[:-1], errors


def looks_like_a_backup(path: Path) -> bool:
    """What a person (or the restore dialog's file filter) would take for a finished backup."""
    return path.name.endswith(SUFFIX) and not path.name.startswith(".")


@pytest.fixture
def bulky(tmp_path: Path) -> Vaulted:
    """A vault with a few hundred children, so a backup takes long enough to be interrupted."""
    vaulted = new_vault(tmp_path / "vault")
    with Vault.open(vaulted.folder, keyring=DeviceKeyring(None)) as vault:
        session = vault.sign_in(USERNAME, PASSWORD)
        for number in range(BULK_CHILDREN):
            session.children.add(child_details(f"Zoë Quillfeather {number:03d}"))
        session.close()
    return vaulted


def test_killing_the_program_mid_backup_never_leaves_a_file_that_passes_for_a_backup(
    tmp_path: Path, bulky: Vaulted
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    automatic = bulky.folder / "backups"
    rng = random.Random(20261121)
    made_total, seen_leftovers = 0, set()
    for number in range(1, KILL_ROUNDS + 1):
        process = start_backup_loop(tmp_path, bulky.folder, usb)
        pause = rng.uniform(0.0, 1.0)
        time.sleep(pause)
        lines, errors = kill(process)
        assert errors == "", errors
        where = f"round {number} (pause {pause:.3f} s)"
        made = [Path(line.removeprefix("made ")) for line in lines if line.startswith("made ")]
        made_total += len(made)
        # Every "Back up now" reported made is there; the rotation keeps the newest automatic one.
        for path in made:
            assert path.is_file() or path.parent == automatic, where
        # (A later one, whose "made" line the kill cut off, may have rotated the last reported away.)
        if any(path.parent == automatic for path in made):
            assert any(looks_like_a_backup(p) for p in automatic.iterdir()), where

        backups = [p for folder in (usb, automatic) if folder.exists() for p in folder.iterdir()]
        for path in backups:
            if looks_like_a_backup(path):
                read_backup(path)  # a whole, unaltered backup, or this raises
            else:
                # A backup cut short: a hidden temp file no one would take for a backup.
                assert path.name.startswith(".sharewise-") and path.name.endswith(".tmp"), path.name
                assert AUTOMATIC_NAME.fullmatch(path.name) is None
                seen_leftovers.add(path)
        assert len(full_check(bulky.folder).children) == BULK_CHILDREN, where
        for path in sorted((p for p in usb.iterdir() if looks_like_a_backup(p)), key=os.path.getmtime)[:-1]:
            path.unlink()  # checked; only the newest is kept, to spare the disk

    finished = sorted((p for p in usb.iterdir() if looks_like_a_backup(p)), key=lambda p: p.stat().st_mtime)
    assert finished, "no backup finished in any round"
    contents = check_backup(finished[-1], recovery_key=bulky.recovery_key.formatted())
    assert contents.ok and contents.children == BULK_CHILDREN
    assert made_total > KILL_ROUNDS

    # The next backup tidies what the kills left, once it is an hour old (younger ones may belong
    # to a backup still being written by another program).
    left = [p for p in seen_leftovers if p.exists()]
    hour_ago = time.time() - 2 * 3600
    for path in left:
        os.utime(path, (hour_ago, hour_ago))
    with Vault.open(bulky.folder, keyring=DeviceKeyring(None)) as vault:
        session = vault.sign_in(USERNAME, PASSWORD)
        session.backups.make(usb)
        session.backups.automatic("daily")
        session.close()
    assert leftovers(usb) == leftovers(automatic) == []
    print(
        f"killed mid-backup: {KILL_ROUNDS} rounds, {made_total} backups finished, "
        f"{len(seen_leftovers)} temp files left by kills, {len(left)} tidied by the next backup"
    )


def test_the_next_backup_removes_only_stale_temp_files_of_ours(
    made_vault: VaultUnderTest, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    stale = [usb / ".sharewise-0123456789ab.swbackup.tmp", usb / ".sharewise-ba9876543210.db.tmp"]
    fresh = usb / ".sharewise-00000000ffff.swbackup.tmp"  # perhaps another program's, being written
    others = [usb / ".sharewise-notes.tmp", usb / "sharewise-copy.swbackup.tmp", usb / "Zoë's letter.tmp"]
    for path in (*stale, fresh, *others):
        path.write_bytes(b"cut short")
    hour_ago = time.time() - 2 * 3600
    for path in (*stale, *others):
        os.utime(path, (hour_ago, hour_ago))

    made = made_vault.session.backups.make(usb)

    assert [p.exists() for p in stale] == [False, False]
    assert fresh.exists() and all(p.exists() for p in others)
    read_backup(made.path)


def test_the_rotation_never_deletes_the_automatic_backup_just_made(made_vault: VaultUnderTest) -> None:
    """Names give whole seconds: several backups in one second look equally new to the rotation."""
    session = made_vault.session
    for _ in range(6):  # the manual clock stands still: all in the same second
        made = session.backups.automatic("sign_out")
        assert made is not None and made.path.is_file()
        read_backup(made.path)


# --- 4. the backup folder gone (a USB stick unplugged) --------------------------------------------


def test_an_unplugged_backup_folder_gives_a_sentence_and_works_again_when_plugged_back(
    made_vault: VaultUnderTest, tmp_path: Path
) -> None:
    session = made_vault.session
    stick = tmp_path / "stick" / "Sharewise backups"
    stick.mkdir(parents=True)
    session.settings.update({BACKUP_FOLDER: str(stick)})
    session.children.add(child_details("Αλέξανδρος Νικολάου"))
    earlier = session.backups.automatic("close")
    assert earlier is not None
    assert session.security.status().backup_warning is not None  # only the same-drive warning
    assert "not available" not in (session.security.status().backup_warning or "")
    kept = tmp_path / "kept"
    shutil.move(str(stick.parent), kept)  # unplugged, with the earlier backup on it
    database = session.context.database
    audit_before = database.scalar("SELECT count(*) FROM audit_log")

    for attempt in (lambda: session.backups.automatic("daily"), lambda: session.backups.make(stick)):
        with pytest.raises(StorageError) as refused:
            attempt()
        sentence = refused.value.sentence
        plain_sentence(sentence)
        assert "not available" in sentence and "USB" in sentence and str(stick) in sentence

    assert not stick.exists()  # nothing was made where the stick was
    warning = session.security.status().backup_warning
    assert warning is not None and "backup folder is not available" in warning
    assert database.scalar("SELECT count(*) FROM audit_log") == audit_before  # no backup recorded
    assert audit.verify(database).ok and database.integrity_problems() == []
    assert database.scalar("SELECT count(*) FROM child") == 1
    assert not (made_vault.folder / "backups").exists()  # never quietly backed up somewhere else

    made_vault.clock.advance(25 * 3600)  # the next day: a daily backup is still owed
    assert session.backups.due_daily()
    shutil.move(str(kept), stick.parent)  # plugged back in
    made = session.backups.automatic("daily")
    assert made is not None and made.path.parent == stick
    read_backup(made.path)
    read_backup(earlier.path)  # the earlier backup came back untouched
    assert not session.backups.due_daily()
    assert "not available" not in (session.security.status().backup_warning or "")


# --- 5. the clock jumping back --------------------------------------------------------------------


@pytest.mark.parametrize("back", [timedelta(days=1), timedelta(days=366)], ids=["a day", "a year"])
def test_writes_and_the_audit_chain_survive_the_clock_going_back(
    made_vault: VaultUnderTest, back: timedelta
) -> None:
    session = made_vault.session
    session.children.add(child_details("Siobhán Murphy"))
    made_vault.clock.set(made_vault.clock.now() - back)
    session.children.add(child_details("Nguyễn Thị Hoa"))
    made_vault.clock.advance(60)
    session.children.add(child_details("Дмитрий Иванов"))
    check = session.security.check()
    assert check.ok, check.sentence
    assert audit.verify(session.context.database).ok
    session.close()
    session = made_vault.sign_in()  # signing in again works, and sees all three
    assert session.context.database.scalar("SELECT count(*) FROM child") == 3


@pytest.mark.parametrize("back", [timedelta(days=1), timedelta(days=366)], ids=["a day", "a year"])
def test_the_sign_in_delay_never_outlasts_itself_when_the_clock_goes_back(
    made_vault: VaultUnderTest, back: timedelta
) -> None:
    made_vault.session.close()
    vault = made_vault.vault
    delay = 0.0
    for _ in range(5):
        with pytest.raises(WrongPassword) as wrong:
            vault.sign_in(MANAGER_USERNAME, "not the password")
        delay = wrong.value.retry_after
    assert delay == 30  # five in a row: wait 30 seconds
    made_vault.clock.set(made_vault.clock.now() - back)
    with pytest.raises(AccountLocked) as locked:
        vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert 0 < locked.value.retry_after <= delay
    assert "30 seconds" in locked.value.sentence
    made_vault.clock.advance(delay + 1)  # the person waits as long as they were told
    session = vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert session.failed_attempts_since_last_sign_in == 5
    assert audit.verify(session.context.database).ok
    made_vault.session = session


def test_backups_dated_in_the_future_are_kept_and_do_not_stop_daily_backups(
    made_vault: VaultUnderTest,
) -> None:
    session = made_vault.session
    clock = made_vault.clock
    future = []
    for _ in range(3):
        made = session.backups.automatic("daily")
        assert made is not None
        future.append(made.path)
        clock.advance(25 * 3600)
    assert session.backups.due_daily()
    clock.set(clock.now() - timedelta(days=366))  # the PC's clock reset to last year

    # Backups "from the future" do not count as made in the last day: the daily one is still made.
    assert session.backups.due_daily()
    made = session.backups.automatic("daily")
    assert made is not None
    assert not session.backups.due_daily()  # ...once, not at every check
    # The rotation keeps every backup dated after now (probably the newest there are) and the new one.
    assert all(path.is_file() for path in future) and made.path.is_file()
    clock.advance(25 * 3600)
    assert session.backups.due_daily()
    later = session.backups.automatic("daily")
    assert later is not None
    assert all(path.is_file() for path in future) and later.path.is_file()
    assert audit.verify(session.context.database).ok


# --- 6. a second copy of the program --------------------------------------------------------------

HOLDER = """
import sys
from pathlib import Path
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault

vault = Vault.open(Path(sys.argv[1]), keyring=DeviceKeyring(None))
session = vault.sign_in(sys.argv[2], sys.argv[3])
print("ready", flush=True)
sys.stdin.read()  # held until the test closes our stdin
session.close()
vault.close()
"""


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Vaulted, Path]]:
    """A vault open and signed in in another process, and a backup of it made earlier."""
    vaulted = new_vault(tmp_path / "vault")
    usb = tmp_path / "usb"
    usb.mkdir()
    with Vault.open(vaulted.folder, keyring=DeviceKeyring(None)) as vault:
        session = vault.sign_in(USERNAME, PASSWORD)
        session.children.add(child_details("Łucja Kowalska"))
        backup = session.backups.make(usb).path
        session.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(vaulted.folder), USERNAME, PASSWORD],
        cwd=REPO,
        env=child_env(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None and holder.stderr is not None
    try:
        ready, _, _ = select.select([holder.stdout], [], [], 120)
        assert (holder.stdout.readline() if ready else "") == "ready\n", holder.stderr.read()
        yield vaulted, backup
    finally:
        holder.stdin.close()
        assert holder.wait(timeout=60) == 0
        assert holder.stderr.read() == ""
        holder.stdout.close()
        holder.stderr.close()


def vault_files(folder: Path) -> dict[str, str]:
    """Every vault file's SHA-256, except the lock and the sign-in counter."""
    return {
        name: value
        for name, value in folder_digests(folder).items()
        if name not in ("sharewise.lock", "sharewise.signin")
    }


def test_the_command_line_refuses_a_vault_another_program_has_open(
    tmp_path: Path, held: tuple[Vaulted, Path]
) -> None:
    vaulted, backup = held
    folder = str(vaulted.folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = vault_files(vaulted.folder)
    key = vaulted.recovery_key.formatted()
    runs = {
        "backup": run_cli(
            tmp_path,
            "backup",
            "--data-dir",
            folder,
            "--to",
            str(elsewhere),
            "--username",
            USERNAME,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        ),
        "restore": run_cli(
            tmp_path,
            "restore",
            "--data-dir",
            folder,
            "--from",
            str(backup),
            "--recovery-key",
            "--yes",
            "--password-stdin",
            stdin=key + "\n",
        ),
        "restore by password": run_cli(
            tmp_path,
            "restore",
            "--data-dir",
            folder,
            "--from",
            str(backup),
            "--username",
            USERNAME,
            "--yes",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        ),
        "verify": run_cli(
            tmp_path,
            "verify",
            "--data-dir",
            folder,
            "--username",
            USERNAME,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        ),
        "restore-key-file": run_cli(tmp_path, "restore-key-file", "--data-dir", folder),
    }
    for command, run in runs.items():
        # backup and restore refuse (exit 1); verify and restore-key-file could not run at all (exit 2).
        expected = 2 if command in ("verify", "restore-key-file") else 1
        assert run.code == expected, (command, run.code, run.err)
        assert run.out == "", command
        sentence = run.err.strip()
        plain_sentence(sentence)
        assert "already open" in sentence and "try again" in sentence, (command, sentence)
    assert vault_files(vaulted.folder) == before  # nothing changed
    assert list(elsewhere.iterdir()) == []
    assert not (vaulted.folder / "pre-restore").exists()


# --- 7. the key file lost, and its kept copy damaged too: restore the last backup -----------------


def test_a_lost_key_file_with_a_damaged_kept_copy_is_recovered_from_the_last_backup(tmp_path: Path) -> None:
    vaulted = new_vault(tmp_path / "vault")
    usb = tmp_path / "usb"
    usb.mkdir()
    with Vault.open(vaulted.folder, keyring=DeviceKeyring(None)) as vault:
        session = vault.sign_in(USERNAME, PASSWORD)
        session.children.add(child_details("Aoife Ní Bhriain"))
        backup = session.backups.make(usb).path
        session.children.add(child_details("Chloé Dubois"))  # after the backup: lost with the keys
        session.close()
    paths = VaultPaths(vaulted.folder)
    paths.slots.unlink()
    paths.slots_kept.write_bytes(paths.slots_kept.read_bytes()[:40])  # cut short
    database_before = digest(paths.database)

    # The kept copy cannot help: a sentence, exit 2, and nothing touched.
    kept = run_cli(tmp_path, "restore-key-file", "--data-dir", str(vaulted.folder))
    assert kept.code == 2 and kept.out == ""
    plain_sentence(kept.err.strip())
    assert "kept copy, which is missing or damaged too" in kept.err, kept.err
    assert "restore --recovery-key" in kept.err  # not back to restore-key-file
    assert digest(paths.database) == database_before and not paths.slots.exists()

    # The last backup, opened with the recovery key from the Recovery Sheet.
    restored = run_cli(
        tmp_path,
        "restore",
        "--data-dir",
        str(vaulted.folder),
        "--from",
        str(backup),
        "--recovery-key",
        "--yes",
        "--password-stdin",
        stdin=vaulted.recovery_key.formatted() + "\n",
    )
    assert restored.code == 0, restored.err
    assert restored.err == "" and "Traceback" not in restored.out
    assert "Restored the backup" in restored.out
    assert "1 children" in restored.out or "1 child" in restored.out
    assert (vaulted.folder / "pre-restore").is_dir()  # the unreadable vault is kept, not destroyed

    found = full_check(vaulted.folder)  # the manager's own password opens it again on this PC
    assert set(found.children) == {"Aoife Ní Bhriain"}  # the data as it was at the backup
    after = full_check(vaulted.folder, write="Chloé Dubois")  # and work carries on
    assert set(after.children) == {"Aoife Ní Bhriain", "Chloé Dubois"}
