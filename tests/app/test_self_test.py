"""The core self-test (``sharewise-admin self-test``): it passes here, a failing check is one
FAILED line with a sentence and exit 1, the temporary folder is private and gone afterwards,
and the keyring check leaves no entry behind."""

from __future__ import annotations

import io
import os
import platform
import stat
import subprocess
import sys
from pathlib import Path

import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from app import cli, self_test, version
from app.self_test import KEYRING_SERVICE, NOT_RUN, Check, CheckFailed, run_checks, summary
from tests.conftest import LockedKeyring, MemoryKeyring
from tests.integration.test_secret_service import private_env, require_tools

CORE_CHECKS = [
    "Versions",
    "SQLCipher",
    "Vault",
    "Records",
    "PDF",
    "Audit log",
    "Encryption at rest",
    "Keyring",
    "Temporary folder",
]


class RecordingKeyring(MemoryKeyring):
    """A working keyring that remembers every service written to."""

    def __init__(self) -> None:
        super().__init__()
        self.services: list[str] = []

    def set_password(self, service: str, username: str, password: str) -> None:
        self.services.append(service)
        super().set_password(service, username, password)


class BrokenKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringError("the Secret Service did not answer")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringError("the Secret Service did not answer")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringError("the Secret Service did not answer")


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(self_test, "system_keyring_backend", lambda: None)


def test_every_core_check_passes_here_and_the_folder_is_gone(no_keyring: None) -> None:
    reported: list[Check] = []
    result = run_checks(reported.append)
    assert [c.name for c in result.checks] == CORE_CHECKS
    assert reported == list(result.checks)
    assert result.passed, "\n".join(c.line for c in result.checks)
    assert summary(result.checks) == "Self-test passed."
    assert result.folder.name.startswith("sharewise-self-test-")
    assert not result.folder.exists()
    assert result.pdf is not None and result.pdf.startswith(b"%PDF-")
    lines = {c.name: c.line for c in result.checks}
    assert lines["Versions"] == (
        f"ok: Versions: Sharewise {version()}, SQLCipher {self_test.library_versions().sqlcipher} "
        f"(SQLite {self_test.library_versions().sqlite}), Python {platform.python_version()}."
    )
    assert lines["Audit log"].startswith("ok: Audit log: The audit log's chain of ")
    assert lines["Encryption at rest"].startswith("ok: ")


def test_the_temporary_folder_is_private_while_it_is_used(
    no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real = self_test.check_vault

    def watched(work: self_test._Work) -> str:
        seen.append(stat.S_IMODE(work.folder.stat().st_mode))
        sentence = real(work)
        seen.append(stat.S_IMODE((work.folder / "vault").stat().st_mode))
        return sentence

    monkeypatch.setattr(self_test, "check_vault", watched)
    result = run_checks()
    assert result.passed
    assert seen == [0o700, 0o700]
    assert not result.folder.exists()


def test_a_failing_check_is_one_failed_line_with_its_sentence_and_exit_1(
    no_keyring: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_work: self_test._Work) -> str:
        raise CheckFailed("The consent forms PDF has no pages.")

    monkeypatch.setattr(self_test, "check_pdf", broken)
    out = io.StringIO()
    assert cli.main(["self-test"], out=out) == cli.EXIT_FAILED
    lines = out.getvalue().splitlines()
    assert "FAILED: PDF: The consent forms PDF has no pages." in lines
    assert lines[-1] == f"Self-test failed: 1 of {len(CORE_CHECKS)} checks."
    # The checks after it still ran, and the folder still went.
    assert "ok: Audit log" in out.getvalue()
    assert (
        lines[-2] == "ok: Temporary folder: The temporary folder and the fictional vault in it were removed."
    )
    captured = capsys.readouterr()
    assert "Traceback" not in out.getvalue() + captured.out + captured.err


def test_an_unexpected_error_is_a_sentence_not_a_traceback(
    no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crashed(_work: self_test._Work) -> str:
        raise ValueError("bad value in the report\nsecond line")

    monkeypatch.setattr(self_test, "check_records", crashed)
    result = run_checks()
    failed = [c for c in result.checks if not c.passed]
    # The PDF has no child to print for, so it fails too, and says why.
    assert [c.name for c in failed] == ["Records", "PDF"]
    assert failed[0].line == "FAILED: Records: ValueError: bad value in the report"
    assert "no child" in failed[1].sentence
    assert summary(result.checks) == f"Self-test failed: 2 of {len(CORE_CHECKS)} checks."


def test_when_the_vault_cannot_be_made_the_checks_that_need_it_say_so_and_the_folder_goes(
    no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_made(work: self_test._Work) -> str:
        (work.folder / "vault").mkdir()
        (work.folder / "vault" / "sharewise.db").write_bytes(b"half a vault")
        raise CheckFailed("The disk is full.")

    monkeypatch.setattr(self_test, "check_vault", half_made)
    result = run_checks()
    by_name = {c.name: c for c in result.checks}
    assert by_name["Vault"].line == "FAILED: Vault: The disk is full."
    for name in ("Records", "PDF", "Audit log", "Encryption at rest"):
        assert by_name[name].line == f"FAILED: {name}: {NOT_RUN}"
    assert by_name["Temporary folder"].passed
    assert not result.folder.exists()
    assert result.pdf is None


def test_the_keyring_entry_is_stored_read_back_and_deleted(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = RecordingKeyring()
    monkeypatch.setattr(self_test, "system_keyring_backend", lambda: backend)
    result = run_checks()
    keyring_check = next(c for c in result.checks if c.name == "Keyring")
    assert keyring_check.passed and not keyring_check.warning
    assert keyring_check.line.startswith("ok: Keyring: This computer's keyring (")
    assert "stored, read back and deleted" in keyring_check.sentence
    # Only the self-test's own service was written (the fictional vault's device key stays in
    # memory), and nothing is left.
    assert backend.services == [KEYRING_SERVICE]
    assert backend.entries == {}


def test_no_keyring_is_a_warning_that_sharewise_works_without_one(no_keyring: None) -> None:
    result = run_checks()
    check = next(c for c in result.checks if c.name == "Keyring")
    assert check.passed and check.warning
    assert check.line.startswith("warning: Keyring: No secure keyring was found")
    assert "Sharewise works without one" in check.sentence
    assert result.passed


def test_a_locked_keyring_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(self_test, "system_keyring_backend", LockedKeyring)
    check = self_test.check_keyring(self_test._Work(Path()))
    assert check.passed and check.warning
    assert "is locked" in check.sentence


def test_a_keyring_that_errors_is_a_failure_with_a_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(self_test, "system_keyring_backend", BrokenKeyring)
    out = io.StringIO()
    assert cli.main(["self-test"], out=out) == cli.EXIT_FAILED
    line = next(x for x in out.getvalue().splitlines() if x.startswith("FAILED: Keyring:"))
    assert "gave an error when storing a test entry" in line
    assert "the Secret Service did not answer" in line
    assert out.getvalue().splitlines()[-1] == f"Self-test failed: 1 of {len(CORE_CHECKS)} checks."


def test_a_keyring_that_keeps_the_entry_is_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    class Sticky(MemoryKeyring):
        def delete_password(self, service: str, username: str) -> None:
            pass  # claims to delete, keeps it

    backend = Sticky()
    monkeypatch.setattr(self_test, "system_keyring_backend", lambda: backend)
    check = self_test.check_keyring(self_test._Work(Path()))
    assert not check.passed
    assert "did not delete the test entry" in check.sentence


def test_library_versions_name_sqlcipher_and_python() -> None:
    found = self_test.library_versions()
    assert found.sharewise == version()
    assert found.sqlcipher and found.sqlcipher[0].isdigit()
    assert found.python == platform.python_version()
    assert found.lines[1] == f"SQLCipher {found.sqlcipher} (SQLite {found.sqlite})"


def test_the_admin_command_runs_it_in_a_clean_process_without_the_test_switch(tmp_path: Path) -> None:
    """As IT support would: the installed command, no cheap-KDF switch, a private temp folder
    that is empty again afterwards, and the data folders untouched."""
    env = {k: v for k, v in os.environ.items() if k != "SHAREWISE_TEST_CHEAP_KDF"}
    temp, data, config = tmp_path / "tmp", tmp_path / "data", tmp_path / "config"
    for folder in (temp, data, config):
        folder.mkdir()
    env.update(TMPDIR=str(temp), XDG_DATA_HOME=str(data), XDG_CONFIG_HOME=str(config))
    command = Path(sys.executable).with_name("sharewise-admin")
    done = subprocess.run(
        [str(command), "self-test"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines[-1] == "Self-test passed."
    assert all(line.split(":")[0] in ("ok", "warning") for line in lines[:-1])
    assert len(lines) == len(CORE_CHECKS) + 1
    assert done.stderr == ""
    assert list(temp.iterdir()) == []
    assert list(data.iterdir()) == [] and list(config.iterdir()) == []


# Under a private D-Bus session with its own unlocked gnome-keyring (as in the Secret Service
# test): the self-test, then a look for anything left under its service name.
KEYRING_SHELL = (
    'printf "%s" "$SHAREWISE_TEST_KEYRING_PASSWORD" '
    "| gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null "
    '&& "$SHAREWISE_TEST_PYTHON" -m app self-test; echo "exit=$?"; '
    '"$SHAREWISE_TEST_PYTHON" "$SHAREWISE_TEST_SCRIPT"'
)
LEFT_SCRIPT = f"""
import secretstorage
connection = secretstorage.dbus_init()
collection = secretstorage.get_default_collection(connection)
print("left=" + str(len(list(collection.search_items({{"service": "{KEYRING_SERVICE}"}})))))
"""


@pytest.mark.integration
def test_with_a_real_secret_service_the_entry_is_stored_and_deleted(tmp_path: Path) -> None:
    require_tools()
    script = tmp_path / "left.py"
    script.write_text(LEFT_SCRIPT, encoding="utf-8")
    env = private_env(tmp_path, script, tmp_path / "unused")
    env.pop("SHAREWISE_TEST_CHEAP_KDF")
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", KEYRING_SHELL],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    context = f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    lines = done.stdout.splitlines()
    assert "exit=0" in lines, context
    assert "Self-test passed." in lines, context
    keyring_line = next(line for line in lines if ": Keyring: " in line)
    assert keyring_line.startswith("ok: Keyring: This computer's keyring ("), context
    assert "stored, read back and deleted a test entry" in keyring_line, context
    assert lines[-1] == "left=0", context
