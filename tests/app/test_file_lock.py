"""One program at a time per vault, and a crashed program never leaves the vault locked."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import VaultInUse
from app.policy.permissions import Role
from app.staff import NewStaff
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, PROVIDER, VaultUnderTest

REPO = Path(__file__).resolve().parents[2]

HOLDER = """
import sys, time
from pathlib import Path
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault

vault = Vault.open(Path(sys.argv[1]), keyring=DeviceKeyring(None))
print("ready", flush=True)
time.sleep(120)
"""


def _open(made_vault: VaultUnderTest) -> Vault:
    return Vault.open(made_vault.folder, keyring=DeviceKeyring(made_vault.keyring), clock=made_vault.clock)


def _assert_in_use_sentence(error: VaultInUse) -> None:
    sentence = error.sentence
    assert "already open" in sentence
    assert "try again" in sentence
    assert "close" in sentence


@pytest.fixture
def holder(made_vault: VaultUnderTest, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the vault open (the test's own vault closed first)."""
    made_vault.session.close()
    made_vault.vault.close()
    script = tmp_path / "hold_vault.py"
    script.write_text(HOLDER, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script), str(made_vault.folder)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline() if ready else ""
        assert line.strip() == "ready", process.stderr.read() if process.stderr else ""
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_a_second_open_in_the_same_process_is_refused(made_vault: VaultUnderTest) -> None:
    with pytest.raises(VaultInUse) as caught:
        _open(made_vault)

    _assert_in_use_sentence(caught.value)
    # The first holder is unaffected.
    assert made_vault.session.is_open
    assert made_vault.session.staff.accounts()[0].username == MANAGER_USERNAME


def test_create_and_repeated_opens_are_refused_while_the_vault_is_held(
    made_vault: VaultUnderTest,
) -> None:
    with pytest.raises(VaultInUse):
        Vault.create(
            made_vault.folder,
            provider=PROVIDER,
            manager=NewStaff("saoirse.m", "Saoirse Murphy", frozenset({Role.MANAGER})),
            password="lantern orchard biscuit 31",
            keyring=DeviceKeyring(made_vault.keyring),
            clock=made_vault.clock,
        )
    for _ in range(2):  # a refused attempt leaves nothing half-held behind
        with pytest.raises(VaultInUse):
            _open(made_vault)
    made_vault.session.close()
    made_vault.vault.close()
    _open(made_vault).close()


def test_another_process_holding_the_vault_refuses_this_one(
    made_vault: VaultUnderTest, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(VaultInUse) as caught:
        _open(made_vault)

    _assert_in_use_sentence(caught.value)
    assert holder.poll() is None


def test_the_lock_is_released_when_the_holder_is_killed(
    made_vault: VaultUnderTest, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(VaultInUse):
        _open(made_vault)

    holder.send_signal(signal.SIGKILL)
    assert holder.wait(timeout=30) == -signal.SIGKILL

    with _open(made_vault) as vault:
        session = vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
        assert session.me.username == MANAGER_USERNAME
        session.close()


def test_closing_the_vault_lets_another_open_it(made_vault: VaultUnderTest) -> None:
    made_vault.vault.close()
    assert not made_vault.session.is_open  # closing the vault signs out

    second = _open(made_vault)
    try:
        with pytest.raises(VaultInUse):
            _open(made_vault)
        session = second.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
        assert session.is_open
        session.close()
    finally:
        second.close()

    _open(made_vault).close()
