"""Failed sign-in attempts, counted outside the encrypted database.

A failure happens before the database can be opened, so the count lives in a small JSON file
beside it, keyed by the same user tag as the slots (never a username). After 5 failures in a row
each further attempt waits 30 s, then 60 s, 120 s ... up to 15 minutes. Unknown usernames are
counted the same way, so the delay does not reveal which usernames exist.

At the next successful sign-in the person is told how many failures there were since they last
signed in, and every failure still waiting is written into the audit log.

Someone who can edit files in the data folder can reset these counts; they could equally copy
the database away. Offline guessing is slowed by Argon2id and stopped by device binding, not by
this file; this file slows guessing at the sign-in window.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.clock import Clock, from_text, to_text
from app.errors import AccountLocked, StorageError
from app.vault.files import write_atomically

FREE_ATTEMPTS = 4
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60
MAX_PENDING = 500


def delay_after(failures: int) -> int:
    """Seconds to wait after ``failures`` failures in a row (0 for the first four)."""
    if failures <= FREE_ATTEMPTS:
        return 0
    doublings = min(failures - FREE_ATTEMPTS - 1, 16)  # capped: never builds a huge integer
    return int(min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2**doublings))


@dataclass(frozen=True)
class PendingFailure:
    user_tag: str
    at: str


def wait_sentence(seconds: float) -> str:
    whole = max(1, int(seconds + 0.999))
    if whole < 90:
        return f"{whole} seconds"
    return f"{(whole + 59) // 60} minutes"


class SignInAttempts:
    def __init__(self, path: Path, clock: Clock) -> None:
        self._path = path
        self._clock = clock
        self._accounts: dict[str, dict[str, Any]] = {}
        self._pending: list[PendingFailure] = []
        self._seen: tuple[int, int, int] | None = None
        self._load()

    def _signature(self) -> tuple[int, int, int] | None:
        """Which version of the file this is: each save replaces it (a new inode)."""
        try:
            status = self._path.stat()
        except OSError:
            return None
        return status.st_ino, status.st_mtime_ns, status.st_size

    def _refresh(self) -> None:
        """Read the file again if another counter wrote it since (the restore dialog's check
        runs beside the sign-in window's, and both must count towards the one delay). A save
        that failed left the file as it was: then the counts in memory stand."""
        if self._signature() != self._seen:
            self._load()

    def _load(self) -> None:
        self._seen = self._signature()
        try:
            document = json.loads(self._path.read_text(encoding="utf-8"))
            accounts = document["accounts"]
            pending = document["pending_audit"]
            if not isinstance(accounts, dict) or not isinstance(pending, list):
                raise ValueError
            self._accounts = {str(k): dict(v) for k, v in accounts.items()}
            self._pending = [PendingFailure(str(p["tag"]), str(p["at"])) for p in pending]
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # A damaged counter file must not stop anyone signing in; start counting afresh.
            self._accounts, self._pending = {}, []

    def _save(self) -> None:
        document = {
            "version": 1,
            "accounts": self._accounts,
            "pending_audit": [{"tag": p.user_tag, "at": p.at} for p in self._pending],
        }
        try:
            write_atomically(
                self._path,
                json.dumps(document, sort_keys=True).encode("utf-8"),
                doing="record a failed sign-in",
            )
            self._seen = self._signature()
        except StorageError:
            pass  # the in-memory count still applies for as long as the program runs

    def remaining_wait(self, user_tag: str) -> float:
        self._refresh()
        record = self._accounts.get(user_tag)
        if not record or not record.get("locked_until"):
            return 0.0
        now = self._clock.now()
        remaining = (from_text(record["locked_until"]) - now).total_seconds()
        delay = float(delay_after(int(record.get("failures", 0))))
        if remaining > delay:
            # The clock was moved back: count the delay from now, once, so the wait ends after the
            # delay instead of repeating "wait 30 seconds" until the clock catches up again.
            record["locked_until"] = to_text(now + timedelta(seconds=delay))
            self._save()
            remaining = delay
        return max(0.0, remaining)

    def check(self, user_tag: str) -> None:
        wait = self.remaining_wait(user_tag)
        if wait > 0:
            raise AccountLocked(
                "Too many sign-in attempts with this username. For safety, wait "
                f"{wait_sentence(wait)} before trying again.",
                retry_after=wait,
            )

    def record_failure(self, user_tag: str) -> float:
        """Count a failure; returns the seconds before the next attempt is allowed."""
        self._refresh()
        now = self._clock.now()
        record = self._accounts.setdefault(user_tag, {"failures": 0, "locked_until": None})
        record["failures"] = int(record.get("failures", 0)) + 1
        delay = delay_after(record["failures"])
        record["locked_until"] = to_text(now + timedelta(seconds=delay)) if delay else None
        self._pending.append(PendingFailure(user_tag, to_text(now)))
        del self._pending[:-MAX_PENDING]
        self._save()
        return float(delay)

    def failures(self, user_tag: str) -> int:
        self._refresh()
        return int(self._accounts.get(user_tag, {}).get("failures", 0))

    def pending(self) -> list[PendingFailure]:
        """Failures not yet written to the audit log (oldest first)."""
        self._refresh()
        return list(self._pending)

    def settle(self, user_tag: str, audited: int) -> None:
        """After a successful sign-in whose audit entries are committed: reset ``user_tag``'s
        count and forget the first ``audited`` pending failures."""
        self._refresh()
        del self._pending[:audited]
        self._accounts.pop(user_tag, None)
        self._save()
