"""Schema migrations: numbered 1..n, each all-or-nothing, and a newer database left untouched."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
import sqlcipher3

from app.children import ChildDetails
from app.clock import ManualClock
from app.concerns import NewConcern
from app.errors import NewerDatabase
from app.vault import migrations
from app.vault.database import Database
from app.vault.device import DeviceKeyring
from app.vault.files import VaultPaths
from app.vault.migrations import Migration
from app.vault.vault import Vault
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest

BROKEN_SQL = """
CREATE TABLE half_done (id INTEGER PRIMARY KEY, note TEXT);
INSERT INTO half_done (note) VALUES ('written before the failure');
THIS IS NOT VALID SQL;
CREATE TABLE never_reached (id INTEGER PRIMARY KEY);
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(database: Database) -> set[str]:
    return {str(r[0]) for r in database.query("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_available_migrations_are_numbered_one_to_n() -> None:
    found = migrations.available()

    assert found
    assert [m.number for m in found] == list(range(1, len(found) + 1))
    for migration in found:
        assert re.fullmatch(r"[a-z0-9_]+", migration.name)
        assert migration.sql.strip()
    assert migrations.latest() == len(found)
    assert migrations.latest([]) == 0


def test_a_new_vault_is_at_the_latest_version(made_vault: VaultUnderTest) -> None:
    database = made_vault.session.context.database

    assert migrations.current_version(database) == migrations.latest()
    recorded = [int(r[0]) for r in database.query("SELECT version FROM schema_migration ORDER BY version")]
    assert recorded == [m.number for m in migrations.available()]
    assert made_vault.vault.info().schema_version == migrations.latest()


def test_a_fresh_database_is_brought_up_to_date(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "fresh.db", secrets.token_bytes(32), create=True)
    try:
        assert migrations.current_version(database) == 0
        assert migrations.apply(database, ManualClock()) == migrations.latest()
        assert migrations.current_version(database) == migrations.latest()
        assert {"staff", "audit_log", "setting", "schema_migration"} <= _tables(database)
        # Applying again is a no-op.
        assert migrations.apply(database, ManualClock()) == migrations.latest()
        assert database.scalar("SELECT count(*) FROM schema_migration") == migrations.latest()
    finally:
        database.close()


def test_a_migration_failing_half_way_leaves_nothing_behind(made_vault: VaultUnderTest) -> None:
    database = made_vault.session.context.database
    version = migrations.current_version(database)
    tables_before = _tables(database)
    broken = Migration(version + 1, "broken_half_way", BROKEN_SQL)

    with pytest.raises(sqlcipher3.Error):
        migrations.apply(database, made_vault.clock, migrations=[*migrations.available(), broken])

    assert migrations.current_version(database) == version
    assert "half_done" not in _tables(database)
    assert "never_reached" not in _tables(database)
    assert _tables(database) == tables_before
    assert database.scalar("SELECT count(*) FROM schema_migration WHERE version = ?", (version + 1,)) == 0
    # The database is still usable and sound afterwards.
    assert made_vault.session.security.check().ok
    made_vault.session.close()
    session = made_vault.sign_in()
    assert migrations.current_version(session.context.database) == version


def test_a_failed_migration_is_retried_whole_once_fixed(made_vault: VaultUnderTest) -> None:
    database = made_vault.session.context.database
    version = migrations.current_version(database)
    with pytest.raises(sqlcipher3.Error):
        migrations.apply(
            database,
            made_vault.clock,
            migrations=[*migrations.available(), Migration(version + 1, "fixed_later", BROKEN_SQL)],
        )

    fixed = Migration(version + 1, "fixed_later", "CREATE TABLE half_done (id INTEGER PRIMARY KEY);")
    assert migrations.apply(database, made_vault.clock, migrations=[*migrations.available(), fixed]) == (
        version + 1
    )
    assert "half_done" in _tables(database)
    assert migrations.current_version(database) == version + 1


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(
    made_vault: VaultUnderTest,
) -> None:
    paths = VaultPaths(made_vault.folder)
    data_key = made_vault.session.context.keys.data_key
    made_vault.session.close()
    made_vault.vault.close()
    newer = migrations.latest() + 1
    database = Database.open(paths.database, data_key)
    try:
        with database.transaction() as tx:
            tx.execute(f"PRAGMA user_version = {newer}")
    finally:
        database.close()
    assert not paths.database_sidecars()[0].exists()  # checkpointed: the file says it all
    database_before = _digest(paths.database)
    slots_before = {p.name: _digest(p) for p in (paths.slots, paths.slots_kept)}

    vault = Vault.open(made_vault.folder, keyring=DeviceKeyring(made_vault.keyring), clock=made_vault.clock)
    try:
        with pytest.raises(NewerDatabase) as caught:
            vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
        with pytest.raises(NewerDatabase):
            vault.recover(made_vault.recovery_key.formatted(), MANAGER_USERNAME, "copper meadow kite 64")
    finally:
        vault.close()

    sentence = caught.value.sentence
    assert "Install the newer version" in sentence
    assert "Nothing has been changed" in sentence
    assert str(newer) in sentence
    assert _digest(paths.database) == database_before
    assert {p.name: _digest(p) for p in (paths.slots, paths.slots_kept)} == slots_before
    check = Database.open(paths.database, data_key)
    try:
        assert migrations.current_version(check) == newer
        with pytest.raises(NewerDatabase):
            migrations.refuse_newer(check)
    finally:
        check.close()


def test_0007_and_0008_give_a_vault_from_an_earlier_release_the_queue_and_badge_indexes(
    made_vault: VaultUnderTest,
) -> None:
    s = made_vault.session
    child = s.children.add(
        ChildDetails(legal_name="Zoë Αλεξίου", date_of_birth="2023-04-05", start_date="2025-09-01")
    ).id
    seen = made_vault.clock.now() - timedelta(hours=2)
    logged = [
        s.concerns.log(
            NewConcern(
                child_id=child, seen_at=seen, category_id=1, facts=f"Not collected, day {n}.", urgent=n == 1
            )
        ).id
        for n in range(4)
    ]
    s.concerns.close(logged[2], outcome="Collected by her aunt.")
    before = [c.id for c in s.concerns.queue(search="collect", include_closed=True)]
    assert before == [logged[1], logged[3], logged[0], logged[2]]
    counts_before = s.concerns.counts()
    # Back to version 6, as the previous release left it.
    paths = VaultPaths(made_vault.folder)
    data_key = made_vault.session.context.keys.data_key
    made_vault.session.close()
    made_vault.vault.close()
    database = Database.open(paths.database, data_key)
    try:
        with database.transaction() as tx:
            tx.execute("DROP INDEX concern_queue_order")
            tx.execute("DROP INDEX concern_review_due")
            tx.execute("DELETE FROM schema_migration WHERE version >= 7")
            tx.execute("PRAGMA user_version = 6")
    finally:
        database.close()

    made_vault.vault = Vault.open(
        made_vault.folder, keyring=DeviceKeyring(made_vault.keyring), clock=made_vault.clock
    )
    session = made_vault.sign_in()
    database = session.context.database
    assert migrations.current_version(database) == migrations.latest() >= 8
    assert database.scalar("SELECT name FROM schema_migration WHERE version = 7") == "concern_queue_order"
    assert database.scalar("SELECT name FROM schema_migration WHERE version = 8") == "concern_counts"
    for index in ("concern_queue_order", "concern_review_due"):
        assert database.scalar("SELECT count(*) FROM sqlite_master WHERE name = ?", (index,)) == 1
    assert [c.id for c in session.concerns.queue(search="collect", include_closed=True)] == before
    assert session.concerns.counts() == counts_before
    assert session.security.check().ok
