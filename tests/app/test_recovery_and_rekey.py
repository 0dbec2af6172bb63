"""The recovery key opens the vault and is then replaced; rekey makes every earlier key useless."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app.audit import AuditAction
from app.errors import (
    IntegrityError,
    RecoveryKeyInvalid,
    RecoveryKeyMismatch,
    StorageError,
    ValidationError,
    VaultLocked,
    WrongPassword,
)
from app.policy.permissions import Role
from app.vault import rekey as rekeying
from app.vault.database import Database
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest

NEW_PASSWORD = "orange bicycle lamp"


def _typo(formatted: str, group: int) -> str:
    groups = formatted.split("-")
    first = groups[group - 1][0]
    groups[group - 1] = ("2" if first != "2" else "3") + groups[group - 1][1:]
    return "-".join(groups)


def test_a_typo_names_its_group_and_changes_nothing(made_vault: VaultUnderTest) -> None:
    made_vault.session.close()
    before = (made_vault.folder / "sharewise.slots").read_bytes()
    with pytest.raises(RecoveryKeyInvalid) as typo:
        typed = _typo(made_vault.recovery_key.formatted(), 6)
        made_vault.vault.recover(typed, MANAGER_USERNAME, NEW_PASSWORD)
    assert typo.value.group == 6
    assert "Group 6" in typo.value.sentence
    assert (made_vault.folder / "sharewise.slots").read_bytes() == before


def test_recovery_sets_the_password_and_replaces_the_key(made_vault: VaultUnderTest) -> None:
    made_vault.session.close()
    old_key = made_vault.recovery_key.formatted()
    session, new_key = made_vault.vault.recover(old_key.lower(), MANAGER_USERNAME, NEW_PASSWORD)
    assert new_key.formatted() != old_key
    actions = [e.action for e in session.audit.entries()]
    assert AuditAction.RECOVERY_KEY_USED in actions
    assert AuditAction.RECOVERY_KEY_REISSUED in actions
    session.close()
    with pytest.raises(WrongPassword):
        made_vault.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    made_vault.vault.sign_in(MANAGER_USERNAME, NEW_PASSWORD).close()
    with pytest.raises(RecoveryKeyMismatch) as old:
        made_vault.vault.recover(old_key, MANAGER_USERNAME, "second new password")
    assert "older Recovery Sheet" in old.value.sentence
    made_vault.vault.recover(new_key.formatted(), MANAGER_USERNAME, "second new password")[0].close()


def test_recovery_is_for_managers_and_obeys_the_password_rule(made_vault: VaultUnderTest) -> None:
    made_vault.add_person("дмитрий", "Дмитрий Соколов", {Role.KEY_WORKER}, "velvet thunder candle")
    made_vault.session.close()
    key = made_vault.recovery_key.formatted()
    with pytest.raises(ValidationError) as not_manager:
        made_vault.vault.recover(key, "дмитрий", NEW_PASSWORD)
    assert not_manager.value.field == "username"
    with pytest.raises(ValidationError) as weak:
        made_vault.vault.recover(key, MANAGER_USERNAME, "password1234")
    assert weak.value.field == "password"
    # Refusals changed nothing: the old password and the key still work.
    made_vault.sign_in().close()
    made_vault.vault.recover(key, MANAGER_USERNAME, NEW_PASSWORD)[0].close()


def test_reissuing_needs_the_password_and_retires_the_old_key(made_vault: VaultUnderTest) -> None:
    with pytest.raises(WrongPassword):
        made_vault.session.security.reissue_recovery_key("not my password")
    new_key = made_vault.session.security.reissue_recovery_key(MANAGER_PASSWORD)
    made_vault.session.close()
    with pytest.raises(RecoveryKeyMismatch):
        made_vault.vault.recover(made_vault.recovery_key.formatted(), MANAGER_USERNAME, NEW_PASSWORD)
    made_vault.vault.recover(new_key.formatted(), MANAGER_USERNAME, NEW_PASSWORD)[0].close()


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_rekey_leaves_nothing_earlier_able_to_open_the_vault(
    made_vault: VaultUnderTest, tmp_path: Path
) -> None:
    lan = made_vault.add_person("lan", "Nguyễn Thị Lan", {Role.KEY_WORKER}, "silver pebble orchard")
    session = made_vault.session
    old_data_key = session.context.keys.data_key
    old_slots = tmp_path / "old.slots"
    shutil.copy(made_vault.folder / "sharewise.slots", old_slots)
    entries_before = session.audit.verify().entries_checked

    result = session.security.rekey(MANAGER_PASSWORD)

    # The same session carries on, on the new file, with the whole history.
    assert session.context.keys.data_key != old_data_key
    report = session.security.check()
    assert report.ok and report.audit.entries_checked > entries_before
    assert set(result.one_time_passwords) == {lan}
    assert _files(made_vault.folder) == {
        "sharewise.db", "sharewise.db-wal", "sharewise.db-shm", "sharewise.slots",
        "sharewise.slots.previous", "sharewise.signin", "sharewise.lock",
    }
    session.close()
    # The old data key no longer opens the database.
    with pytest.raises(IntegrityError):
        Database.open(made_vault.folder / "sharewise.db", old_data_key)
    # Neither does the old recovery key, nor an old copy of the slot file.
    with pytest.raises(RecoveryKeyMismatch):
        made_vault.vault.recover(made_vault.recovery_key.formatted(), MANAGER_USERNAME, NEW_PASSWORD)
    current_slots = (made_vault.folder / "sharewise.slots").read_bytes()
    shutil.copy(old_slots, made_vault.folder / "sharewise.slots")
    with pytest.raises(IntegrityError) as mismatched:
        made_vault.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD)
    assert "do not belong together" in mismatched.value.sentence
    (made_vault.folder / "sharewise.slots").write_bytes(current_slots)
    # The person who rekeyed keeps their password; everyone else has a one-time password.
    made_vault.sign_in().close()
    with pytest.raises(WrongPassword):
        made_vault.vault.sign_in("lan", "silver pebble orchard")
    assert made_vault.vault.sign_in("lan", result.one_time_passwords[lan]).must_change_password
    made_vault.vault.recover(result.recovery_key.formatted(), MANAGER_USERNAME, NEW_PASSWORD)[0].close()


def test_rekey_needs_the_password(made_vault: VaultUnderTest) -> None:
    key = made_vault.session.context.keys.data_key
    with pytest.raises(WrongPassword):
        made_vault.session.security.rekey("not my password")
    assert made_vault.session.context.keys.data_key == key


def test_rekey_interrupted_before_the_swap_keeps_the_old_vault(
    made_vault: VaultUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object) -> None:
        raise StorageError("Sharewise could not replace the database because the disk is full.")

    monkeypatch.setattr(rekeying, "_swap", fail)
    with pytest.raises(VaultLocked) as interrupted:
        made_vault.session.security.rekey(MANAGER_PASSWORD)
    assert "Your records are safe" in interrupted.value.sentence
    monkeypatch.undo()
    session = made_vault.sign_in()
    assert session.security.check().ok
    # The leftover copy and the unused new slots were tidied away.
    assert "sharewise.db.rekey" not in _files(made_vault.folder)
    assert session.security.binding_status().staff_slots == 1
    made_vault.vault.recover(made_vault.recovery_key.formatted(), MANAGER_USERNAME, NEW_PASSWORD)[0].close()


def test_rekey_interrupted_just_after_the_swap_opens_the_new_vault(
    made_vault: VaultUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_swap = rekeying._swap

    def swap_then_crash(*args: object) -> None:
        real_swap(*args)  # type: ignore[arg-type]
        raise StorageError("The program stopped here.")

    monkeypatch.setattr(rekeying, "_swap", swap_then_crash)
    with pytest.raises(VaultLocked):
        made_vault.session.security.rekey(MANAGER_PASSWORD)
    monkeypatch.undo()
    session = made_vault.sign_in()
    assert session.security.check().ok
    assert AuditAction.VAULT_REKEYED in [e.action for e in session.audit.entries()]
    assert session.security.binding_status().staff_slots == 1
    session.close()
    with pytest.raises(RecoveryKeyMismatch):
        made_vault.vault.recover(made_vault.recovery_key.formatted(), MANAGER_USERNAME, NEW_PASSWORD)


def test_a_crash_between_linking_and_swapping_never_shreds_the_live_database(
    made_vault: VaultUnderTest,
) -> None:
    """The swap first hard-links the live file as `.retired`; if the program stops before the
    rename, that name still points at the live database, which must survive the tidy-up."""
    made_vault.add_person("lan", "Nguyễn Thị Lan", {Role.KEY_WORKER}, "silver pebble orchard")
    made_vault.session.close()
    folder = made_vault.folder
    os.link(folder / "sharewise.db", folder / "sharewise.db.retired")  # as the crashed swap left it

    session = made_vault.sign_in()
    assert session.security.check().ok
    assert {p.full_name for p in session.staff.accounts()} == {"Nguyễn Thị Lan", "Zoë Adams"}
    assert "sharewise.db.retired" not in _files(folder)


def test_a_failed_rename_during_the_swap_keeps_the_old_vault_intact(
    made_vault: VaultUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace

    def refuse_database_rename(source: str, destination: str) -> None:
        if Path(destination).name == "sharewise.db":
            raise OSError(28, "No space left on device")
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", refuse_database_rename)
    with pytest.raises(VaultLocked):
        made_vault.session.security.rekey(MANAGER_PASSWORD)
    monkeypatch.undo()
    assert {"sharewise.db.retired", "sharewise.db.rekey"}.isdisjoint(_files(made_vault.folder))
    session = made_vault.sign_in()
    assert session.security.check().ok
