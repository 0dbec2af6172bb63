"""A writer killed with SIGKILL at random moments, 50 times: nothing committed is lost.

Each round a fresh writer process opens the vault, signs in as the manager and writes as fast as
it can: a settings change (phone number and auto-lock minutes together, so a half-applied change
would show), and every few writes a new staff account. It prints "begin ..." before each call
and "committed ..." after it returns. The parent kills it after a random pause, then checks that
every committed write is there, that nothing appeared that was never attempted, that the one
write in flight is either wholly there or wholly absent, and that the full check passes.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from app import settings
from app.clock import ManualClock
from app.policy.permissions import Role
from app.settings import ProviderProfile
from app.staff import NewStaff
from app.vault.device import DeviceKeyring
from app.vault.files import VaultPaths
from app.vault.vault import Vault

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 50
USERNAME = "róisín.writer"
PASSWORD = "tangerine harbour wobble 85"
START_PHONE = "01632 960 000"
START_MINUTES = 5

WRITER = r"""
import sys
from pathlib import Path

from app import settings
from app.policy.permissions import Role
from app.staff import NewStaff
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault

folder, username, password, round_number = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
vault = Vault.open(folder, keyring=DeviceKeyring(None))
session = vault.sign_in(username, password)
print("ready", flush=True)
i = 0
while True:
    i += 1
    if i % 4 == 0:
        name = f"crash{round_number}n{i}"
        print(f"begin staff {name}", flush=True)
        person = NewStaff(name, f"Fictional Person {round_number}-{i}", frozenset({Role.KEY_WORKER}))
        session.staff.add(person)
        print(f"committed staff {name}", flush=True)
    else:
        phone = f"01632 {round_number:03d} {i:05d}"
        minutes = (round_number + i) % 15 + 1
        print(f"begin phone {phone}|{minutes}", flush=True)
        session.settings.update({settings.PROVIDER_PHONE: phone, settings.AUTO_LOCK_MINUTES: minutes})
        print(f"committed phone {phone}|{minutes}", flush=True)
"""


@dataclass
class Round:
    begun: list[tuple[str, str]] = field(default_factory=list)
    committed: list[tuple[str, str]] = field(default_factory=list)

    def read(self, lines: list[str]) -> None:
        for line in lines:
            state, kind, value = line.split(" ", 2)
            (self.begun if state == "begin" else self.committed).append((kind, value))

    @property
    def in_flight(self) -> tuple[str, str] | None:
        """The write begun but not reported committed (it may or may not have committed)."""
        if len(self.begun) > len(self.committed):
            return self.begun[-1]
        return None

    def last_committed(self, kind: str) -> str | None:
        values = [value for k, value in self.committed if k == kind]
        return values[-1] if values else None


def _run_writer(script: Path, folder: Path, round_number: int, pause: float) -> Round:
    process = subprocess.Popen(
        [sys.executable, str(script), str(folder), USERNAME, PASSWORD, str(round_number)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        first = process.stdout.readline() if ready else b""
        assert first == b"ready\n", process.stderr.read().decode(errors="replace")
        time.sleep(pause)
        assert process.poll() is None, process.stderr.read().decode(errors="replace")
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=60) == -signal.SIGKILL
        rest = process.stdout.read().decode("utf-8")
        errors = process.stderr.read().decode(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        process.stdout.close()
        process.stderr.close()
    assert errors == ""
    # Only whole lines count: a line cut off by the kill was never reported.
    complete = rest.split("\n")[:-1]
    result = Round()
    result.read(complete)
    return result


def test_killing_a_writer_at_random_moments_never_loses_a_committed_write(tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    created = Vault.create(
        folder,
        provider=ProviderProfile(name="Bluebell Day Nursery", phone=START_PHONE),
        manager=NewStaff(USERNAME, "Róisín Ní Mhurchú", frozenset({Role.MANAGER})),
        password=PASSWORD,
        keyring=DeviceKeyring(None),
        clock=ManualClock(),
    )
    created.session.settings.update({settings.AUTO_LOCK_MINUTES: START_MINUTES})
    created.vault.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    rng = random.Random(20240611)

    current_pair = f"{START_PHONE}|{START_MINUTES}"
    known_staff = {USERNAME}
    total_committed = 0
    for round_number in range(1, ROUNDS + 1):
        pause = rng.uniform(0.0, 0.3)
        result = _run_writer(script, folder, round_number, pause)
        total_committed += len(result.committed)

        with Vault.open(folder, keyring=DeviceKeyring(None)) as vault:  # the lock is free again
            session = vault.sign_in(USERNAME, PASSWORD)
            try:
                provider = session.settings.provider()
                pair = f"{provider.phone}|{session.settings.get(settings.AUTO_LOCK_MINUTES)}"
                accounts = {s.username for s in session.staff.accounts()}
                chain = session.audit.verify()
                check = session.security.check()
            finally:
                session.close()
            slots = vault.info().staff_accounts

        where = f"round {round_number} (pause {pause:.3f} s)"
        # Settings: the last committed pair, or the in-flight one, and never a mixture.
        expected_pair = result.last_committed("phone") or current_pair
        allowed_pairs = {expected_pair}
        if result.in_flight and result.in_flight[0] == "phone":
            allowed_pairs.add(result.in_flight[1])
        assert pair in allowed_pairs, where
        current_pair = pair

        # Staff: every committed account is there; nothing appears that was never begun.
        committed_staff = {value for kind, value in result.committed if kind == "staff"}
        begun_staff = {value for kind, value in result.begun if kind == "staff"}
        assert committed_staff <= accounts, where
        assert accounts <= known_staff | begun_staff, where
        assert known_staff <= accounts, where
        known_staff = accounts
        # Every account has its key slot, and no slot is left over from a killed add.
        assert slots == len(accounts), where  # orphans of a killed add are tidied at sign-in

        assert chain.ok, f"{where}: {chain.sentence}"
        assert check.ok, f"{where}: {check.sentence}"

    # The kills did land in the middle of real work, not before any write.
    assert total_committed > ROUNDS
    assert len(known_staff) > 1
    assert VaultPaths(folder).database.exists()
