"""The audit log is append-only and hash-chained; tampering with the key in hand is caught."""

from __future__ import annotations

import pytest
import sqlcipher3

from app import audit
from app.audit import AuditAction
from app.settings import AUTO_LOCK_MINUTES
from app.vault.database import Database
from tests.conftest import VaultUnderTest


def _database(made: VaultUnderTest) -> Database:
    return made.session.context.database


def _fill(made: VaultUnderTest, changes: int = 6) -> None:
    for minutes in range(2, 2 + changes):
        made.session.settings.update({AUTO_LOCK_MINUTES: minutes})


def _drop_triggers(database: Database) -> None:
    """What someone holding the key could do to get past the append-only triggers."""
    with database.transaction() as tx:
        tx.execute("DROP TRIGGER audit_log_no_update")
        tx.execute("DROP TRIGGER audit_log_no_delete")


def test_actions_are_recorded_in_order_with_their_actor(made_vault: VaultUnderTest) -> None:
    _fill(made_vault, 2)
    entries = made_vault.session.audit.entries()
    actions = [e.action for e in reversed(entries)]
    assert actions[:4] == [
        AuditAction.VAULT_CREATED,
        AuditAction.SIGN_IN,
        AuditAction.SETTINGS_CHANGED,
        AuditAction.SETTINGS_CHANGED,
    ]
    assert {e.actor_id for e in entries} == {made_vault.session.me.id}
    assert entries[0].detail == {"keys": [AUTO_LOCK_MINUTES.key]}


def test_viewing_the_log_is_itself_logged_and_pages_newest_first(made_vault: VaultUnderTest) -> None:
    _fill(made_vault, 5)
    first_page = made_vault.session.audit.entries(limit=3)
    assert [e.id for e in first_page] == sorted((e.id for e in first_page), reverse=True)
    second_page = made_vault.session.audit.entries(limit=3, before=first_page[-1].id)
    assert second_page[0].id == first_page[-1].id - 1
    newest = audit.entries(_database(made_vault), limit=1)[0]
    assert newest.action == AuditAction.AUDIT_VIEWED
    assert newest.detail == {"entries": 3}


def test_triggers_refuse_update_and_delete(made_vault: VaultUnderTest) -> None:
    database = _database(made_vault)
    before = database.query("SELECT * FROM audit_log ORDER BY id")
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        with database.transaction() as tx:
            tx.execute("UPDATE audit_log SET action = 'nothing' WHERE id = 1")
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        with database.transaction() as tx:
            tx.execute("DELETE FROM audit_log WHERE id = 2")
    assert [tuple(r) for r in database.query("SELECT * FROM audit_log ORDER BY id")] == [
        tuple(r) for r in before
    ]


def test_an_intact_chain_verifies(made_vault: VaultUnderTest) -> None:
    _fill(made_vault)
    report = made_vault.session.audit.verify()
    assert report.ok
    assert report.first_broken is None
    assert report.entries_checked == _database(made_vault).scalar("SELECT count(*) FROM audit_log")


def test_an_edited_entry_is_named(made_vault: VaultUnderTest) -> None:
    _fill(made_vault)
    database = _database(made_vault)
    _drop_triggers(database)
    with database.transaction() as tx:
        tx.execute("UPDATE audit_log SET detail = '{\"keys\": []}' WHERE id = 4")
    report = audit.verify(database)
    assert not report.ok
    assert report.first_broken == 4
    assert "entry 4" in report.sentence
    assert "changed" in report.sentence


def test_an_edit_that_recomputes_its_own_hash_is_caught_at_the_next_entry(
    made_vault: VaultUnderTest,
) -> None:
    """Rewriting one entry consistently still breaks the link to the entry after it."""
    _fill(made_vault)
    database = _database(made_vault)
    _drop_triggers(database)
    row = database.one("SELECT * FROM audit_log WHERE id = 4")
    forged = audit._hash(
        row["prev_hash"], 4, row["at"], row["actor_id"], "session.sign_out", row["subject_type"],
        row["subject_id"], row["detail"],
    )
    with database.transaction() as tx:
        tx.execute("UPDATE audit_log SET action = 'session.sign_out', hash = ? WHERE id = 4", (forged,))
    report = audit.verify(database)
    assert report.first_broken == 5
    assert "does not follow on" in report.sentence


def test_a_deleted_entry_is_named(made_vault: VaultUnderTest) -> None:
    _fill(made_vault)
    database = _database(made_vault)
    _drop_triggers(database)
    with database.transaction() as tx:
        tx.execute("DELETE FROM audit_log WHERE id = 3")
    report = audit.verify(database)
    assert report.first_broken == 4
    assert "missing" in report.sentence


@pytest.mark.parametrize("page", [1, 2, 3])
def test_the_chain_is_read_in_pages_and_still_checked_across_their_edges(
    made_vault: VaultUnderTest, monkeypatch: pytest.MonkeyPatch, page: int
) -> None:
    """Ten years of log is read a page at a time (memory); a page edge hides nothing."""
    _fill(made_vault)
    database = _database(made_vault)
    total = int(database.scalar("SELECT count(*) FROM audit_log"))
    monkeypatch.setattr(audit, "VERIFY_PAGE", page)
    report = audit.verify(database)
    assert report.ok and report.entries_checked == total
    _drop_triggers(database)
    with database.transaction() as tx:
        tx.execute("DELETE FROM audit_log WHERE id = 3")
    broken = audit.verify(database)
    assert broken.first_broken == 4 and broken.entries_checked == 2


def test_reordered_entries_are_named(made_vault: VaultUnderTest) -> None:
    _fill(made_vault)
    database = _database(made_vault)
    _drop_triggers(database)
    with database.transaction() as tx:
        tx.execute("UPDATE audit_log SET id = -1 WHERE id = 5")
        tx.execute("UPDATE audit_log SET id = 5 WHERE id = 6")
        tx.execute("UPDATE audit_log SET id = 6 WHERE id = -1")
    report = audit.verify(database)
    assert not report.ok
    assert report.first_broken == 5


def test_security_check_reports_a_broken_chain(made_vault: VaultUnderTest) -> None:
    _fill(made_vault)
    database = _database(made_vault)
    _drop_triggers(database)
    with database.transaction() as tx:
        tx.execute("UPDATE audit_log SET at = '2020-01-01T00:00:00.000000+00:00' WHERE id = 2")
    result = made_vault.session.security.check()
    assert not result.ok
    assert result.audit.first_broken == 2
    assert "entry 2" in result.sentence


def test_a_change_and_its_audit_entry_commit_together(made_vault: VaultUnderTest) -> None:
    """If writing the audit entry fails, the change it records is rolled back too."""
    database = _database(made_vault)
    with database.transaction() as tx:
        tx.execute(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
        )
    with pytest.raises(sqlcipher3.IntegrityError):
        made_vault.session.settings.update({AUTO_LOCK_MINUTES: 11})
    with database.transaction() as tx:
        tx.execute("DROP TRIGGER refuse_audit")
    assert made_vault.session.settings.get(AUTO_LOCK_MINUTES) == 5
