"""Numbered schema migrations, ``NNNN_name.sql``, applied in order, one transaction each.

The version lives in ``PRAGMA user_version`` (read without touching any table) and each step is
also recorded in ``schema_migration``. A database whose version is above the newest file here
was written by a newer Sharewise: it is refused before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from app.clock import Clock, to_text
from app.errors import NewerDatabase
from app.vault.database import Database

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


def available() -> list[Migration]:
    found = []
    for entry in resources.files(__name__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.number)
    numbers = [m.number for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {numbers}")
    return found


def latest(migrations: list[Migration] | None = None) -> int:
    chosen = available() if migrations is None else migrations
    return chosen[-1].number if chosen else 0


def current_version(database: Database) -> int:
    return int(database.scalar("PRAGMA user_version"))


def refuse_newer(database: Database, migrations: list[Migration] | None = None) -> int:
    """The database's version; ``NewerDatabase`` if this program is too old for it."""
    version = current_version(database)
    if version > latest(migrations):
        raise NewerDatabase(
            "This vault was saved by a newer version of Sharewise (database version "
            f"{version}; this program knows up to {latest(migrations)}). Install the newer "
            "version to open it. Nothing has been changed."
        )
    return version


def apply(database: Database, clock: Clock, migrations: list[Migration] | None = None) -> int:
    """Bring the database up to date; returns the new version."""
    chosen = available() if migrations is None else migrations
    version = refuse_newer(database, chosen)
    for migration in chosen:
        if migration.number <= version:
            continue
        with database.transaction() as tx:
            tx.execute_script(migration.sql)
            tx.execute(
                "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.number, migration.name, to_text(clock.now())),
            )
            tx.execute(f"PRAGMA user_version = {migration.number}")
        version = migration.number
    return version
