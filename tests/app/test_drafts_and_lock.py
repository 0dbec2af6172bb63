"""Locking keeps half-filled forms as encrypted drafts, audits lock and unlock as a pair, and
never fails; documents printed or saved are audited; the audit log filters; KDF reports progress."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.audit import AuditAction, AuditFilter, action_label
from app.clock import to_text
from app.documents import DocumentKind
from app.drafts import MAX_FIELD_CHARS, DraftForm
from app.errors import NotFound, PermissionDenied, VaultLocked
from app.policy.permissions import Role
from app.session import CloseReason
from app.settings import PROVIDER_NAME
from app.vault import kdf
from app.vault.closing import wait_for_closes
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest, vault_bytes

SENTINEL = "Nguyễn Thị Sentinel-Draft"


def _actions(made: VaultUnderTest) -> list[str]:
    return [e.action for e in made.session.audit.entries(limit=1000)]


def test_lock_keeps_drafts_encrypted_and_offers_them_back(made_vault: VaultUnderTest) -> None:
    form = DraftForm("staff.add", "Add a staff member", {"full_name": SENTINEL, "job_title": ""})
    kept = made_vault.session.close(CloseReason.LOCK, drafts=[form])
    assert kept == 1
    with pytest.raises(VaultLocked):
        made_vault.session.drafts.mine()
    raw = vault_bytes(made_vault.folder)
    assert SENTINEL.encode() not in raw

    session = made_vault.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD, unlocking=True)
    made_vault.session = session
    (draft,) = session.drafts.mine()
    assert (draft.form, draft.title, draft.fields["full_name"]) == (
        "staff.add",
        "Add a staff member",
        SENTINEL,
    )
    taken = session.drafts.take(draft.id)
    assert taken.fields == draft.fields
    assert session.drafts.mine() == []
    with pytest.raises(NotFound):
        session.drafts.take(draft.id)
    actions = _actions(made_vault)
    assert actions.index(AuditAction.SESSION_UNLOCKED) < actions.index(AuditAction.SESSION_LOCKED)
    assert AuditAction.DRAFTS_KEPT in actions


def test_drafts_drop_passwords_empty_forms_and_overlong_text(made_vault: VaultUnderTest) -> None:
    forms = [
        DraftForm("account.password", "Change password", {"new_password": "secret words here"}),
        DraftForm("staff.add", "Add a staff member", {"full_name": "   ", "job_title": ""}),
        DraftForm("settings.provider", "Setting's details", {"address": "x" * (MAX_FIELD_CHARS + 50)}),
    ]
    assert made_vault.session.close(CloseReason.LOCK, drafts=forms) == 1
    session = made_vault.sign_in()
    (draft,) = session.drafts.mine()
    assert draft.form == "settings.provider"
    assert len(draft.fields["address"]) == MAX_FIELD_CHARS


def test_drafts_belong_to_the_person_who_typed_them(made_vault: VaultUnderTest) -> None:
    made_vault.add_person("łucja", "Łucja Kowalska", {Role.KEY_WORKER}, "gentle harbour lantern")
    made_vault.session.close(
        CloseReason.LOCK, drafts=[DraftForm("staff.add", "Add", {"full_name": SENTINEL})]
    )
    other = made_vault.vault.sign_in("łucja", "gentle harbour lantern")
    assert other.drafts.mine() == []
    other.drafts.discard(1)  # someone else's draft: nothing happens
    other.close()
    assert len(made_vault.sign_in().drafts.mine()) == 1


def test_lock_succeeds_when_the_drafts_cannot_be_written(made_vault: VaultUnderTest) -> None:
    class Unwritable(dict[str, str]):
        def items(self):  # type: ignore[no-untyped-def, override]
            raise OSError("disk gone")

    kept = made_vault.session.close(CloseReason.LOCK, drafts=[DraftForm("x.y", "Form", Unwritable())])
    assert kept == 0
    assert not made_vault.session.is_open
    made_vault.sign_in()
    assert made_vault.session.drafts.mine() == []
    assert made_vault.session.audit.entries(where=AuditFilter(action=AuditAction.SESSION_LOCKED))


def test_documents_are_audited_and_need_the_right_role(made_vault: VaultUnderTest) -> None:
    made_vault.session.documents.printed(DocumentKind.RECOVERY_SHEET, pages=1)
    made_vault.session.documents.saved(DocumentKind.RECOVERY_SHEET, pages=1)
    actions = _actions(made_vault)
    assert AuditAction.DOCUMENT_PRINTED in actions and AuditAction.DOCUMENT_SAVED in actions
    made_vault.add_person("dmitry", "Дмитрий Петров", {Role.DSL}, "quiet orchard compass")
    dsl = made_vault.vault.sign_in("dmitry", "quiet orchard compass")
    with pytest.raises(PermissionDenied):
        dsl.documents.printed(DocumentKind.RECOVERY_SHEET, pages=1)


def test_audit_entries_filter_by_person_action_and_time(made_vault: VaultUnderTest) -> None:
    clock = made_vault.clock
    start = clock.now()
    made_vault.add_person("siobhan", "Siobhán Byrne", {Role.KEY_WORKER}, "amber meadow kettle")
    clock.advance(3 * 24 * 3600)
    later = clock.now()
    made_vault.session.close()
    session = made_vault.sign_in()
    people = session.audit.people()
    siobhan = next(i for i, name in people.items() if name == "Siobhán Byrne")

    by_person = session.audit.entries(where=AuditFilter(actor_id=siobhan))
    assert by_person and all(e.actor_id == siobhan for e in by_person)
    sign_ins = session.audit.entries(where=AuditFilter(action=AuditAction.SIGN_IN))
    assert sign_ins and {e.action for e in sign_ins} == {"session.sign_in"}
    recent = session.audit.entries(where=AuditFilter(since=to_text(later)))
    assert recent and all(e.at >= to_text(later) for e in recent)
    early = session.audit.entries(where=AuditFilter(until=to_text(start + timedelta(days=1))))
    assert early and all(e.at < to_text(later) for e in early)
    assert not {e.id for e in recent} & {e.id for e in early}
    assert action_label("session.locked") == "Screen locked"
    assert action_label("from.a.newer.version") == "from.a.newer.version"


def test_calibration_reports_progress_to_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kdf, "cheap_kdf_enabled", lambda: False)
    seen: list[float] = []
    params = kdf.calibrate(target_seconds=0.05, progress=seen.append)
    assert not params.below_floor
    assert len(seen) == 5 and seen[-1] == 1.0 and seen == sorted(seen)


def test_security_status_reports_encryption_binding_and_recovery_key(made_vault: VaultUnderTest) -> None:
    status = made_vault.session.security.status()
    assert status.cipher_version.startswith("4.")
    assert status.recovery_key_issued_at is not None
    assert "SQLCipher 4." in status.encryption_sentence
    assert "below the safe minimum" in status.encryption_sentence  # tests run with cheap KDF
    first = status.recovery_key_issued_at
    made_vault.clock.advance(60)
    made_vault.session.security.reissue_recovery_key(MANAGER_PASSWORD)
    assert (made_vault.session.security.status().recovery_key_issued_at or "") > first
    made_vault.session.close()
    with pytest.raises(Exception, match="username or password"):
        made_vault.vault.sign_in(MANAGER_USERNAME, "not the password at all")
    assert made_vault.sign_in().security.status().failed_sign_ins_last_30_days == 1


def test_drafts_kept_before_sign_out_survive_whatever_closes_the_session(made_vault: VaultUnderTest) -> None:
    """Sign-out keeps the drafts first, then backs up off the UI thread, then closes; a new sign-in
    may close the session in between, and the drafts must still be there."""
    session = made_vault.session
    form = DraftForm("staff.add", "Add a staff member", {"full_name": SENTINEL, "job_title": ""})
    assert session.keep_drafts([form]) == 1
    again = made_vault.sign_in()  # closes the first session without any drafts of its own
    assert not session.is_open
    assert [d.fields["full_name"] for d in again.drafts.mine()] == [SENTINEL]
    assert session.keep_drafts([form]) == 0  # closed: nothing written, nothing raised


def test_a_lock_closed_off_the_ui_thread_is_closed_to_its_callers_at_once(made_vault: VaultUnderTest) -> None:
    """The window's lock: the drafts and the audit entry are committed and the session refuses
    every call before close() returns; the connection then closes on its own thread, copying
    the WAL into the database, and a sign-in straight after is not held up by it."""
    session = made_vault.session
    database = session.context.database
    for number in range(20):  # something in the WAL for the close to copy in
        session.settings.update({PROVIDER_NAME: f"Meadowbank Pre-school {number}"})
    form = DraftForm("staff.add", "Add a staff member", {"full_name": SENTINEL, "job_title": ""})
    assert session.close(CloseReason.LOCK, drafts=[form], wait=False) == 1
    assert not session.is_open
    with pytest.raises(VaultLocked):
        session.drafts.mine()
    again = made_vault.sign_in()  # may overlap the close: a second connection, as WAL allows
    assert [d.fields["full_name"] for d in again.drafts.mine()] == [SENTINEL]
    assert AuditAction.SESSION_LOCKED in _actions(made_vault)
    assert wait_for_closes(timeout=30)
    assert database.closed


def test_closing_copies_the_wal_in_even_with_another_connection_open(made_vault: VaultUnderTest) -> None:
    """The close copies the WAL in as a statement (which lets other threads run) rather than
    leave it to the connection's close(), which holds the GIL and skips it anyway while another
    connection (here a read-only one, as a backup check opens) has the file open."""
    session = made_vault.session
    other = made_vault.vault.inspect(recovery_key_text=made_vault.recovery_key.formatted())
    try:
        for number in range(20):
            session.settings.update({PROVIDER_NAME: f"Łucja's Pre-school {number}"})
        wal = Path(made_vault.folder) / "sharewise.db-wal"
        assert wal.stat().st_size > 0
        session.close()
        assert wal.stat().st_size == 0
        assert other.scalar("SELECT value FROM setting WHERE key = ?", (PROVIDER_NAME.key,)) == (
            '"Łucja\'s Pre-school 19"'
        )
    finally:
        other.close()


def test_waiting_for_closes_reports_one_still_held_up(made_vault: VaultUnderTest) -> None:
    """A close waits for the statement a worker is running (the database's lock); the wait gives
    up at its timeout and says so (a restore then refuses: tests/app/test_restore.py)."""
    database = made_vault.session.context.database
    with database._lock:  # as a worker thread mid-statement holds it
        made_vault.session.close(wait=False)
        assert not wait_for_closes(timeout=0.05)
        assert not database.closed
    assert wait_for_closes(timeout=30)
    assert database.closed
