"""The admin command line, run as IT support would: ``python -m app ...`` in a subprocess.

Subprocesses inherit ``SHAREWISE_TEST_CHEAP_KDF=1`` from conftest. They are given no D-Bus
session, so on Linux they find no keyring and never write into a developer's real login keyring.
Fictional people only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.backup import check_backup, read_backup
from app.demo import demo_accounts
from app.vault.database_file import DAMAGED
from app.vault.device import DeviceKeyring
from app.vault.recovery_key import parse as parse_recovery_key
from app.vault.vault import WRONG, Vault
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, MANAGER_USERNAME, PROVIDER, MemoryKeyring

PROJECT = Path(__file__).resolve().parents[2]
RECOVERY_KEY = re.compile(r"\b[0-9A-Z]{5}(?:-[0-9A-Z]{5}){7}\b")
PAGE_SIZE = 4096  # SQLCipher's default page size


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def cli_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    assert env.get("SHAREWISE_TEST_CHEAP_KDF") == "1"
    env["PYTHONIOENCODING"] = "utf-8"
    if sys.platform.startswith("linux"):
        env["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"
        runtime = tmp_path / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = str(runtime)
    return env


def run_cli(tmp_path: Path, *args: str, stdin: str = "") -> Run:
    done = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT,
        env=cli_env(tmp_path),
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert "Traceback" not in done.stdout, done.stdout
    return Run(done.returncode, done.stdout, done.stderr)


def init(tmp_path: Path, folder: Path, password: str = MANAGER_PASSWORD) -> Run:
    return run_cli(
        tmp_path,
        "init",
        "--data-dir", str(folder),
        "--provider", PROVIDER.name,
        "--urn", PROVIDER.ofsted_urn,
        "--username", MANAGER_USERNAME,
        "--full-name", MANAGER_NAME,
        "--dsl",
        "--password-stdin",
        stdin=password + "\n",
    )


def verify(tmp_path: Path, folder: Path, password: str) -> Run:
    return run_cli(
        tmp_path,
        "verify", "--data-dir", str(folder), "--username", MANAGER_USERNAME, "--password-stdin",
        stdin=password + "\n",
    )


def same_keyring_as_cli() -> DeviceKeyring:
    """On Linux the CLI ran without a keyring; elsewhere it used the OS keyring, as we do."""
    return DeviceKeyring(None) if sys.platform.startswith("linux") else DeviceKeyring.system()


def one_sentence(text: str) -> str:
    stripped = text.strip()
    assert stripped, "expected a sentence on stderr"
    assert "\n" not in stripped, f"expected one line, got: {text!r}"
    return stripped


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def initialised(tmp_path: Path, vault_dir: Path) -> Run:
    result = init(tmp_path, vault_dir)
    assert result.code == 0, result.err
    return result


# --- init ----------------------------------------------------------------------------------------


def test_init_creates_a_vault_and_shows_the_recovery_key_once(
    tmp_path: Path, vault_dir: Path, initialised: Run
) -> None:
    assert Vault.exists(vault_dir)
    assert (vault_dir / "sharewise.db").is_file()
    assert initialised.err == ""
    keys = RECOVERY_KEY.findall(initialised.out)
    assert len(keys) == 1
    assert len(keys[0]) == 47
    assert "RECOVERY KEY" in initialised.out
    assert "binding" in initialised.out.lower() or "bound" in initialised.out

    # The printed key is the real one: it opens the vault and lets the manager back in.
    with Vault.open(vault_dir, keyring=DeviceKeyring(MemoryKeyring())) as vault:
        session, new_key = vault.recover(keys[0], MANAGER_USERNAME, "orange lantern harbour")
        assert session.me.full_name == MANAGER_NAME
        assert new_key.formatted() != parse_recovery_key(keys[0]).formatted()
        session.close()


def test_second_init_in_the_same_folder_is_refused(
    tmp_path: Path, vault_dir: Path, initialised: Run
) -> None:
    before = (vault_dir / "sharewise.db").read_bytes()

    again = init(tmp_path, vault_dir, password="another fresh passphrase")

    assert again.code == 2
    sentence = one_sentence(again.err)
    assert "already a Sharewise vault" in sentence
    assert RECOVERY_KEY.search(again.out) is None
    assert (vault_dir / "sharewise.db").read_bytes() == before


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("tiny pw", "at least 12 characters"),
        ("password1234", "lists attackers try first"),
        ("adams river blue", "must not contain your name"),
    ],
)
def test_init_refuses_a_weak_password(tmp_path: Path, vault_dir: Path, password: str, rule: str) -> None:
    result = init(tmp_path, vault_dir, password=password)

    assert result.code == 2
    assert rule in one_sentence(result.err)
    assert RECOVERY_KEY.search(result.out) is None
    assert not Vault.exists(vault_dir)


def test_init_without_a_password_on_stdin_is_refused(tmp_path: Path, vault_dir: Path) -> None:
    result = init(tmp_path, vault_dir, password="")
    # An empty first line is a (too short) password, not a missing one.
    assert result.code == 2
    assert "at least 12 characters" in one_sentence(result.err)

    nothing = run_cli(
        tmp_path,
        "init", "--data-dir", str(vault_dir), "--provider", PROVIDER.name,
        "--username", MANAGER_USERNAME, "--full-name", MANAGER_NAME, "--password-stdin",
        stdin="",
    )
    assert nothing.code == 2
    assert "No password was given" in one_sentence(nothing.err)
    assert not Vault.exists(vault_dir)


# --- info ----------------------------------------------------------------------------------------


def test_info_shows_the_vault_but_nothing_personal(
    tmp_path: Path, vault_dir: Path, initialised: Run
) -> None:
    result = run_cli(tmp_path, "info", "--data-dir", str(vault_dir))

    assert result.code == 0, result.err
    schema = re.search(r"^Schema version:\s+(\d+)$", result.out, re.MULTILINE)
    assert schema is not None and int(schema.group(1)) >= 1
    assert re.search(r"^Staff accounts:\s+1$", result.out, re.MULTILINE)
    assert re.search(r"^Recovery key slot:\s+present$", result.out, re.MULTILINE)
    binding = re.search(r"^Device binding:\s+(bound|partly bound|not bound) \(", result.out, re.MULTILINE)
    assert binding is not None
    assert "BELOW THE SAFE MINIMUM" in result.out  # the cheap test KDF is flagged, not hidden
    for personal in (MANAGER_NAME, MANAGER_USERNAME, "Zoë", "zoë", "Adams", "adams"):
        assert personal not in result.out
    assert RECOVERY_KEY.search(result.out) is None


@pytest.mark.parametrize("folder_state", ["empty", "missing"])
def test_info_on_a_folder_without_a_vault(tmp_path: Path, folder_state: str) -> None:
    folder = tmp_path / "nothing-here"
    if folder_state == "empty":
        folder.mkdir()

    result = run_cli(tmp_path, "info", "--data-dir", str(folder))

    assert result.code == 2
    assert "no Sharewise vault" in one_sentence(result.err)
    assert result.out == ""


# --- verify --------------------------------------------------------------------------------------


def test_verify_with_the_right_password(tmp_path: Path, vault_dir: Path, initialised: Run) -> None:
    result = verify(tmp_path, vault_dir, MANAGER_PASSWORD)

    assert result.code == 0, result.err
    assert "passed every check" in result.out


def test_verify_with_a_wrong_password(tmp_path: Path, vault_dir: Path, initialised: Run) -> None:
    result = verify(tmp_path, vault_dir, "not the right words")

    assert result.code == 2
    assert one_sentence(result.err) == WRONG
    assert "passed every check" not in result.out


def test_verify_reports_failed_attempts_since_the_last_sign_in(
    tmp_path: Path, vault_dir: Path, initialised: Run
) -> None:
    verify(tmp_path, vault_dir, "not the right words")
    verify(tmp_path, vault_dir, "still not the right words")
    result = verify(tmp_path, vault_dir, MANAGER_PASSWORD)

    assert result.code == 0, result.err
    assert "2 failed sign-in attempts since you last signed in." in result.out
    assert "failed sign-in" not in verify(tmp_path, vault_dir, MANAGER_PASSWORD).out


def test_verify_without_password_stdin_when_not_at_a_terminal(
    tmp_path: Path, vault_dir: Path, initialised: Run
) -> None:
    result = run_cli(tmp_path, "verify", "--data-dir", str(vault_dir), "--username", MANAGER_USERNAME)

    assert result.code == 2
    assert "--password-stdin" in one_sentence(result.err)


def test_verify_on_a_damaged_database_says_restore_from_backup(
    tmp_path: Path, vault_dir: Path, initialised: Run
) -> None:
    database = vault_dir / "sharewise.db"
    assert not (vault_dir / "sharewise.db-wal").exists()  # everything is in the main file
    data = bytearray(database.read_bytes())
    assert len(data) % PAGE_SIZE == 0 and len(data) >= 2 * PAGE_SIZE
    data[len(data) - PAGE_SIZE // 2] ^= 0xFF  # the middle of the last page
    database.write_bytes(bytes(data))

    result = verify(tmp_path, vault_dir, MANAGER_PASSWORD)

    said = result.out + result.err
    assert DAMAGED in said
    assert "backup" in said
    assert "passed every check" not in said
    # The documented contract (app/cli.py): verify exits 1 when the vault is damaged, 2 for
    # usage problems such as a wrong password.
    assert result.code == 1, f"exit {result.code}; stdout={result.out!r} stderr={result.err!r}"


# --- demo ----------------------------------------------------------------------------------------


def test_demo_creates_a_vault_and_lists_its_fictional_accounts(tmp_path: Path) -> None:
    folder = tmp_path / "demo"

    result = run_cli(tmp_path, "demo", "--data-dir", str(folder))

    assert result.code == 0, result.err
    assert Vault.exists(folder)
    assert "fictional" in result.out
    for name in ("Zoë", "Łucja", "Siobhán", "Nguyễn", "Дмитрий", "Αλέξανδρος"):
        assert name in result.out
    accounts = demo_accounts()
    assert len(accounts) >= 4
    lines = result.out.splitlines()
    for account in accounts:
        line = next((x for x in lines if x.split()[:1] == [account.username]), None)
        assert line is not None, f"no line for {account.username}"
        assert account.password in line
        assert account.full_name in line
    assert len(RECOVERY_KEY.findall(result.out)) == 1


def test_demo_accounts_sign_in_with_the_printed_passwords(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = run_cli(tmp_path, "demo", "--data-dir", str(folder))
    assert result.code == 0, result.err
    printed: dict[str, str] = {}
    for account in demo_accounts():
        line = next(x for x in result.out.splitlines() if x.split()[:1] == [account.username])
        # "  username     password words here       Full Name (Roles)"
        printed[account.username] = line.strip()[len(account.username):].strip()[: len(account.password)]

    with Vault.open(folder, keyring=same_keyring_as_cli()) as vault:
        for account in demo_accounts():
            session = vault.sign_in(account.username, printed[account.username])
            assert session.me.full_name == account.full_name
            assert session.roles == account.roles
            assert not session.must_change_password
            session.close()


def test_demo_refuses_a_folder_that_already_holds_a_vault(
    tmp_path: Path, vault_dir: Path, initialised: Run
) -> None:
    result = run_cli(tmp_path, "demo", "--data-dir", str(vault_dir))

    assert result.code == 2
    assert "already a Sharewise vault" in one_sentence(result.err)


def test_demo_needs_a_data_dir(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "demo")

    assert result.code == 2
    assert "demo needs --data-dir" in result.err


# --- backup --------------------------------------------------------------------------------------


def backup(tmp_path: Path, folder: Path, to: Path, password: str = MANAGER_PASSWORD) -> Run:
    return run_cli(
        tmp_path,
        "backup", "--data-dir", str(folder), "--to", str(to), "--username", MANAGER_USERNAME,
        "--password-stdin",
        stdin=password + "\n",
    )  # fmt: skip


def test_backup_writes_a_file_that_opens_with_the_printed_recovery_key(
    tmp_path: Path, vault_dir: Path, initialised: Run
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    result = backup(tmp_path, vault_dir, usb)

    assert result.code == 0, result.err
    files = list(usb.iterdir())
    assert len(files) == 1 and files[0].suffix == ".swbackup"
    assert f"Backup written to {files[0]} (" in result.out
    assert read_backup(files[0]).schema_version > 0
    key = RECOVERY_KEY.findall(initialised.out)[0]
    contents = check_backup(files[0], recovery_key=key)
    assert contents.ok and contents.staff == 1
    assert PROVIDER.name.encode() not in files[0].read_bytes()


def test_backup_to_a_missing_folder_fails_with_one_sentence(
    tmp_path: Path, vault_dir: Path, initialised: Run
) -> None:
    gone = tmp_path / "unplugged"
    result = backup(tmp_path, vault_dir, gone)

    assert result.code == 1
    sentence = one_sentence(result.err)
    assert sentence.startswith(f"The backup could not be written to {gone}")
    assert "not available" in sentence
    assert not gone.exists()


def test_backup_with_a_wrong_password_writes_nothing(
    tmp_path: Path, vault_dir: Path, initialised: Run
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    result = backup(tmp_path, vault_dir, usb, password="not the right words")

    assert result.code == 1
    assert one_sentence(result.err) == WRONG
    assert list(usb.iterdir()) == []


# --- restore -------------------------------------------------------------------------------------


def restore(
    tmp_path: Path, folder: Path, backup_file: Path, *proof: str, stdin: str, yes: bool = True
) -> Run:
    return run_cli(
        tmp_path,
        "restore", "--data-dir", str(folder), "--from", str(backup_file), *proof, "--password-stdin",
        *(["--yes"] if yes else []),
        stdin=stdin,
    )  # fmt: skip


@pytest.fixture
def backed_up(tmp_path: Path, vault_dir: Path, initialised: Run) -> Path:
    usb = tmp_path / "usb"
    usb.mkdir()
    assert backup(tmp_path, vault_dir, usb).code == 0
    (made,) = usb.iterdir()
    return made


def test_restore_drill_onto_a_fresh_folder_with_the_recovery_key(
    tmp_path: Path, initialised: Run, backed_up: Path
) -> None:
    key = RECOVERY_KEY.findall(initialised.out)[0]
    fresh = tmp_path / "new-pc"
    result = restore(tmp_path, fresh, backed_up, "--recovery-key", stdin=key + "\n")

    assert result.code == 0, result.err
    assert "0 children" in result.out and "1 staff accounts" in result.out
    assert f"Restored the backup into {fresh}." in result.out
    assert "kept as" not in result.out  # nothing was there to keep
    assert "Open it with the recovery key" in result.out
    assert key not in result.out
    with Vault.open(fresh, keyring=DeviceKeyring(MemoryKeyring())) as vault:
        session, _ = vault.recover(key, MANAGER_USERNAME, "copper meadow kite 64")
        assert session.security.check().ok
        session.close()


def test_restore_over_the_vault_with_a_password_keeps_a_pre_restore_copy(
    tmp_path: Path, vault_dir: Path, backed_up: Path
) -> None:
    by_password = ("--username", MANAGER_USERNAME)
    result = restore(tmp_path, vault_dir, backed_up, *by_password, stdin=MANAGER_PASSWORD + "\n")

    assert result.code == 0, result.err
    (kept,) = (vault_dir / "pre-restore").iterdir()
    assert f"The vault it replaced was kept as {kept}." in result.out
    assert read_backup(kept).vault_id == read_backup(backed_up).vault_id
    assert verify(tmp_path, vault_dir, MANAGER_PASSWORD).code == 0


def test_restore_refusals_are_one_sentence_and_change_nothing(
    tmp_path: Path, vault_dir: Path, backed_up: Path
) -> None:
    before = {p.name: p.read_bytes() for p in vault_dir.iterdir() if p.name.startswith("sharewise.")}
    before.pop("sharewise.signin", None)

    wrong = restore(tmp_path, vault_dir, backed_up, "--username", MANAGER_USERNAME, stdin="not it\n")
    assert wrong.code == 1
    assert one_sentence(wrong.err) == WRONG

    by_password = ("--username", MANAGER_USERNAME)
    unasked = restore(tmp_path, vault_dir, backed_up, *by_password, stdin=MANAGER_PASSWORD + "\n", yes=False)
    assert unasked.code == 1
    assert "Use --yes" in one_sentence(unasked.err)

    text = tmp_path / "notes.swbackup"
    text.write_text("Shopping list: milk, bread\n", encoding="utf-8")
    damaged = restore(tmp_path, vault_dir, text, *by_password, stdin=MANAGER_PASSWORD + "\n")
    assert damaged.code == 1
    assert "not a Sharewise backup" in one_sentence(damaged.err)

    after = {p.name: p.read_bytes() for p in vault_dir.iterdir() if p.name.startswith("sharewise.")}
    after.pop("sharewise.signin", None)
    assert after == before
    assert not (vault_dir / "pre-restore").exists()


def test_restore_needs_a_way_to_prove_access(tmp_path: Path, vault_dir: Path, backed_up: Path) -> None:
    result = run_cli(tmp_path, "restore", "--data-dir", str(vault_dir), "--from", str(backed_up), "--yes")
    assert result.code == 2
    assert "--recovery-key" in result.err
