"""Signing in: one error for wrong password and unknown username, growing delays, counts shown
afterwards and written to the audit log, normalised names, one-time passwords, closing."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest

from app.audit import AuditAction
from app.errors import (
    AccountLocked,
    PasswordChangeRequired,
    ValidationError,
    VaultLocked,
    WrongPassword,
)
from app.policy.permissions import Role
from app.session import CloseReason
from app.settings import AUTO_LOCK_MINUTES
from app.vault.device import DeviceKeyring
from app.vault.sign_in_attempts import MAX_DELAY_SECONDS, delay_after
from app.vault.vault import Vault
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest

WRONG = "not the password"


def _fail(made: VaultUnderTest, username: str = MANAGER_USERNAME) -> WrongPassword:
    with pytest.raises(WrongPassword) as failed:
        made.vault.sign_in(username, WRONG)
    return failed.value


def test_wrong_password_and_unknown_username_look_the_same(made_vault: VaultUnderTest) -> None:
    made_vault.session.close()
    wrong = _fail(made_vault)
    unknown = _fail(made_vault, "nobody.here")
    assert type(wrong) is type(unknown)
    assert wrong.sentence == unknown.sentence
    assert "username or password" in wrong.sentence
    assert wrong.retry_after == unknown.retry_after == 0


def test_delay_schedule() -> None:
    assert [delay_after(n) for n in range(1, 10)] == [0, 0, 0, 0, 30, 60, 120, 240, 480]
    assert delay_after(10) == delay_after(1000) == MAX_DELAY_SECONDS == 900


def test_five_failures_then_a_countdown_that_doubles(made_vault: VaultUnderTest) -> None:
    made_vault.session.close()
    for _ in range(4):
        assert _fail(made_vault).retry_after == 0
    fifth = _fail(made_vault)
    assert fifth.retry_after == 30
    assert "wait 30 seconds" in fifth.sentence
    # Even the right password is refused during the wait, without trying it.
    with pytest.raises(AccountLocked) as locked:
        made_vault.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert locked.value.retry_after == 30
    made_vault.clock.advance(10)
    with pytest.raises(AccountLocked) as still:
        made_vault.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert still.value.retry_after == 20
    made_vault.clock.advance(20)
    assert _fail(made_vault).retry_after == 60
    made_vault.clock.advance(60)
    assert _fail(made_vault).retry_after == 120
    made_vault.clock.advance(120)
    session = made_vault.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert session.failed_attempts_since_last_sign_in == 7
    session.close()
    # The count starts again after a success.
    assert _fail(made_vault).retry_after == 0


def test_unknown_usernames_are_delayed_too(made_vault: VaultUnderTest) -> None:
    made_vault.session.close()
    for _ in range(4):
        _fail(made_vault, "guessed.name")
    assert _fail(made_vault, "guessed.name").retry_after == 30
    with pytest.raises(AccountLocked):
        made_vault.vault.sign_in("guessed.name", WRONG)
    # Another person is not held up by someone else's failures.
    made_vault.sign_in().close()


def test_moving_the_clock_back_never_lengthens_the_wait(made_vault: VaultUnderTest) -> None:
    made_vault.session.close()
    for _ in range(5):
        _fail(made_vault)
    made_vault.clock.set(made_vault.clock.now() - timedelta(days=3))
    with pytest.raises(AccountLocked) as locked:
        made_vault.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert locked.value.retry_after <= 30


def test_the_count_survives_closing_the_program(made_vault: VaultUnderTest) -> None:
    made_vault.session.close()
    for _ in range(5):
        _fail(made_vault)
    made_vault.vault.close()
    reopened = Vault.open(
        made_vault.folder, keyring=DeviceKeyring(made_vault.keyring), clock=made_vault.clock
    )
    made_vault.vault = reopened
    with pytest.raises(AccountLocked):
        reopened.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)


def test_failures_are_shown_and_written_to_the_audit_log(made_vault: VaultUnderTest) -> None:
    manager_id = made_vault.session.me.id
    made_vault.session.close()
    _fail(made_vault)
    _fail(made_vault)
    _fail(made_vault, "someone.else")
    session = made_vault.sign_in()
    assert session.failed_attempts_since_last_sign_in == 2
    assert session.previous_sign_in_at is not None
    entries = list(reversed(session.audit.entries()))
    failed = [e for e in entries if e.action == AuditAction.SIGN_IN_FAILED]
    assert [(e.actor_id, e.detail["known_username"]) for e in failed] == [
        (manager_id, True),
        (manager_id, True),
        (None, False),
    ]
    sign_in = [e for e in entries if e.action == AuditAction.SIGN_IN][-1]
    assert sign_in.detail["failed_attempts_before"] == 2
    # Written once only.
    session.close()
    again = made_vault.sign_in()
    assert again.failed_attempts_since_last_sign_in == 0
    assert len([e for e in again.audit.entries() if e.action == AuditAction.SIGN_IN_FAILED]) == 3


def test_the_attempt_file_holds_no_username(made_vault: VaultUnderTest) -> None:
    made_vault.session.close()
    _fail(made_vault)
    _fail(made_vault, "Αλέξανδρος")
    raw = (made_vault.folder / "sharewise.signin").read_bytes()
    assert raw  # failures were recorded
    for name in (MANAGER_USERNAME, "Αλέξανδρος", "αλέξανδρος"):
        assert name.encode() not in raw
        assert name.encode("utf-16-le") not in raw


def test_a_damaged_attempt_file_does_not_stop_sign_in(made_vault: VaultUnderTest) -> None:
    made_vault.session.close()
    (made_vault.folder / "sharewise.signin").write_bytes(b"\x00{not json")
    assert made_vault.sign_in().me.full_name == MANAGER_NAME


def test_usernames_and_passwords_are_compared_normalised(made_vault: VaultUnderTest) -> None:
    made_vault.session.close()
    decomposed_username = unicodedata.normalize("NFD", "  ZOË.ADAMS ")
    decomposed_password = unicodedata.normalize("NFD", MANAGER_PASSWORD)
    assert made_vault.vault.sign_in(decomposed_username, decomposed_password).me.full_name == MANAGER_NAME


def test_one_time_password_must_be_changed_first(made_vault: VaultUnderTest) -> None:
    from app.staff import NewStaff

    person, one_time = made_vault.session.staff.add(
        NewStaff("łucja", "Łucja Kowalska", frozenset({Role.DSL}))
    )
    made_vault.session.close()
    session = made_vault.vault.sign_in("łucja", one_time)
    assert session.must_change_password
    with pytest.raises(PasswordChangeRequired):
        session.audit.verify()
    assert session.settings.get(AUTO_LOCK_MINUTES) == 5  # the shell still works meanwhile
    with pytest.raises(WrongPassword):
        session.change_password("not it", "green kettle mountain")
    with pytest.raises(ValidationError) as same:
        session.change_password(one_time, one_time)
    assert same.value.field == "password"
    with pytest.raises(ValidationError):
        session.change_password(one_time, "short")
    session.change_password(one_time, "green kettle mountain")
    assert not session.must_change_password
    session.close()
    with pytest.raises(WrongPassword):
        made_vault.vault.sign_in("łucja", one_time)
    assert made_vault.vault.sign_in("łucja", "green kettle mountain").me.id == person.id


def test_a_closed_session_refuses_everything(made_vault: VaultUnderTest) -> None:
    session = made_vault.session
    session.close(CloseReason.LOCK)
    assert not session.is_open
    for call in (
        lambda: session.staff.accounts(),
        lambda: session.settings.get(AUTO_LOCK_MINUTES),
        lambda: session.audit.verify(),
        lambda: session.security.check(),
        lambda: session.change_password(MANAGER_PASSWORD, "green kettle mountain"),
    ):
        with pytest.raises(VaultLocked):
            call()
    session.close()  # twice is harmless
    entries = made_vault.sign_in().audit.entries()
    assert [e.action for e in entries[:2]] == [AuditAction.SIGN_IN, AuditAction.SESSION_LOCKED]


def test_signing_in_again_ends_the_previous_session(made_vault: VaultUnderTest) -> None:
    first = made_vault.session
    second = made_vault.sign_in()
    assert not first.is_open
    assert second.is_open


def test_locking_succeeds_even_when_the_database_has_failed(made_vault: VaultUnderTest) -> None:
    """A lock must never be stopped by an error, even one the core did not foresee."""
    session = made_vault.session
    session.context.database._connection.close()
    session.close(CloseReason.LOCK)
    assert not session.is_open
    with pytest.raises(VaultLocked):
        session.staff.accounts()
