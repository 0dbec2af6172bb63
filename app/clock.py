"""Injectable time, so tests can move it (sign-in delays, auto-lock, review dates, retention).

Every timestamp the core stores is UTC, written as ISO 8601 with seconds.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current wall-clock time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; for tests and benchmarks."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when


def to_text(when: datetime) -> str:
    """The stored form of a timestamp: UTC ISO 8601 to the microsecond (sorts as text)."""
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def local_today(clock: Clock) -> date:
    """Today's date on this PC's calendar (in England, an hour after UTC in summer), for due
    dates, review dates and "on roll": a review due today is due from local midnight."""
    return clock.now().astimezone().date()


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: date) -> str:
    """``3 February 2023``: the same whatever the computer's language (``%B`` follows the
    locale, which Qt sets from the desktop), with no leading zero."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def add_months(day: date, months: int) -> date:
    """``months`` calendar months on; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th
