"""Staff accounts: adding, validating, resetting, deactivating, and always one manager."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from app.audit import AuditAction
from app.errors import NotFound, PermissionDenied, ValidationError, WrongPassword
from app.policy.permissions import Role
from app.staff import NewStaff
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest

KW = frozenset({Role.KEY_WORKER})


def test_adding_someone_gives_a_one_time_password(made_vault: VaultUnderTest) -> None:
    person, one_time = made_vault.session.staff.add(
        NewStaff("Nguyễn.Lan", "Nguyễn Thị Lan", KW, job_title="Practitioner")
    )
    assert re.fullmatch(r"[2-9A-HJ-NP-TV-Z]{4}(-[2-9A-HJ-NP-TV-Z]{4}){3}", one_time)
    assert person.username == "nguyễn.lan"
    assert person.must_change_password
    assert person.roles == KW
    assert [p.full_name for p in made_vault.session.staff.accounts()] == ["Nguyễn Thị Lan", "Zoë Adams"]
    added = [e for e in made_vault.session.audit.entries() if e.action == AuditAction.STAFF_ADDED]
    assert added[0].subject_id == str(person.id)
    assert added[0].detail == {"roles": ["key_worker"]}


def test_names_are_stored_normalised(made_vault: VaultUnderTest) -> None:
    decomposed = unicodedata.normalize("NFD", "Siobhán Ní Bhriain")
    person, _ = made_vault.session.staff.add(NewStaff("siobhan", decomposed, KW))
    assert person.full_name == unicodedata.normalize("NFC", decomposed)


@pytest.mark.parametrize(
    ("new", "field"),
    [
        (NewStaff("x", "Short Username", KW), "username"),
        (NewStaff("has space", "Space In Username", KW), "username"),
        (NewStaff("a" * 65, "Long Username", KW), "username"),
        (NewStaff("empty.name", "   ", KW), "full_name"),
        (NewStaff("long.name", "Αλέξανδρος " * 1000, KW), "full_name"),
        (NewStaff("tab.name", "Zoë\tAdams", KW), "full_name"),
        (NewStaff("no.roles", "Дмитрий Соколов", frozenset()), "roles"),
        (NewStaff("odd.role", "Дмитрий Соколов", frozenset({"cook"})), "roles"),  # type: ignore[arg-type]
        (NewStaff("long.title", "Дмитрий Соколов", KW, job_title="x" * 101), "job_title"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(
    made_vault: VaultUnderTest, new: NewStaff, field: str
) -> None:
    before = made_vault.session.staff.accounts(include_inactive=True)
    with pytest.raises(ValidationError) as refused:
        made_vault.session.staff.add(new)
    assert refused.value.field == field
    assert refused.value.sentence.endswith(".")
    assert made_vault.session.staff.accounts(include_inactive=True) == before


def test_usernames_are_unique_whatever_the_case_or_form(made_vault: VaultUnderTest) -> None:
    made_vault.session.staff.add(NewStaff("łucja", "Łucja Kowalska", KW))
    for variant in ("ŁUCJA", unicodedata.normalize("NFD", "Łucja"), " łucja "):
        with pytest.raises(ValidationError) as taken:
            made_vault.session.staff.add(NewStaff(variant, "Another Person", KW))
        assert taken.value.field == "username"


def test_reset_password_replaces_the_old_one(made_vault: VaultUnderTest) -> None:
    staff_id = made_vault.add_person("дмитрий", "Дмитрий Соколов", {Role.KEY_WORKER}, "velvet thunder candle")
    one_time = made_vault.session.staff.reset_password(staff_id)
    made_vault.session.close()
    with pytest.raises(WrongPassword):
        made_vault.vault.sign_in("дмитрий", "velvet thunder candle")
    session = made_vault.vault.sign_in("дмитрий", one_time)
    assert session.must_change_password


def test_reset_is_not_for_ones_own_or_a_deactivated_account(made_vault: VaultUnderTest) -> None:
    with pytest.raises(ValidationError):
        made_vault.session.staff.reset_password(made_vault.session.me.id)
    staff_id = made_vault.add_person("дмитрий", "Дмитрий Соколов", {Role.KEY_WORKER}, "velvet thunder candle")
    made_vault.session.staff.deactivate(staff_id)
    with pytest.raises(ValidationError):
        made_vault.session.staff.reset_password(staff_id)
    with pytest.raises(NotFound):
        made_vault.session.staff.reset_password(9999)


def test_deactivating_removes_access_at_once_and_keeps_attribution(made_vault: VaultUnderTest) -> None:
    staff_id = made_vault.add_person("siobhán", "Siobhán Ní Bhriain", {Role.DSL}, "copper violin garden")
    made_vault.session.staff.deactivate(staff_id)
    slots = json.loads((made_vault.folder / "sharewise.slots").read_text())
    assert staff_id not in [s["staff_id"] for s in slots["slots"]]
    made_vault.session.close()
    with pytest.raises(WrongPassword):
        made_vault.vault.sign_in("siobhán", "copper violin garden")
    session = made_vault.sign_in()
    gone = session.staff.get(staff_id)
    assert not gone.active and gone.deactivated_at is not None
    assert gone.full_name == "Siobhán Ní Bhriain"  # their past entries still name them
    actors = {e.actor_id for e in session.audit.entries(limit=1000)}
    assert staff_id in actors
    assert gone not in session.staff.accounts()
    assert gone in session.staff.accounts(include_inactive=True)
    with pytest.raises(ValidationError):
        session.staff.add(NewStaff("siobhán", "Someone New", KW))  # never reused


def test_there_is_always_an_active_manager(made_vault: VaultUnderTest) -> None:
    me = made_vault.session.me
    with pytest.raises(ValidationError):
        made_vault.session.staff.deactivate(me.id)
    with pytest.raises(ValidationError) as last:
        made_vault.session.staff.change(me.id, roles=[Role.DSL])
    assert "at least one active manager" in last.value.sentence
    assert made_vault.session.staff.get(me.id).roles == frozenset({Role.MANAGER, Role.DSL})


def test_removing_ones_own_manager_role_takes_effect_at_once(made_vault: VaultUnderTest) -> None:
    other = made_vault.add_person(
        "αλέξανδρος", "Αλέξανδρος Παπαδόπουλος", {Role.MANAGER}, "amber falcon riddle"
    )
    me = made_vault.session.me
    made_vault.session.staff.change(me.id, roles=[Role.DSL])
    with pytest.raises(PermissionDenied):
        made_vault.session.staff.accounts()
    made_vault.session.close()
    manager = made_vault.vault.sign_in("αλέξανδρος", "amber falcon riddle")
    assert manager.staff.get(me.id).roles == frozenset({Role.DSL})
    assert manager.staff.get(other).roles == frozenset({Role.MANAGER})


def test_changes_are_audited_by_field(made_vault: VaultUnderTest) -> None:
    person, _ = made_vault.session.staff.add(NewStaff("lan", "Nguyễn Thị Lan", KW))
    made_vault.session.staff.change(person.id, job_title="Room leader", roles=[Role.KEY_WORKER, Role.DSL])
    changed = next(e for e in made_vault.session.audit.entries() if e.action == AuditAction.STAFF_CHANGED)
    assert changed.detail == {"fields": ["job_title", "roles"], "roles": ["dsl", "key_worker"]}
    # No change, no entry.
    count = len(made_vault.session.audit.entries(limit=1000))
    made_vault.session.staff.change(person.id, job_title="Room leader")
    assert len(made_vault.session.audit.entries(limit=1000)) == count + 1  # only the viewing entry


def test_the_manager_password_still_works_after_staff_changes(made_vault: VaultUnderTest) -> None:
    made_vault.add_person("lan", "Nguyễn Thị Lan", {Role.KEY_WORKER}, "silver pebble orchard")
    made_vault.session.close()
    assert made_vault.vault.sign_in(MANAGER_USERNAME, MANAGER_PASSWORD).me.has(Role.MANAGER)


def test_staff_are_listed_in_name_order_whatever_the_script(made_vault: VaultUnderTest) -> None:
    made_vault.add_person("lucja", "Łucja Kowalska", {Role.KEY_WORKER}, "quiet meadow compass")
    made_vault.add_person("aoife", "aoife Byrne", {Role.KEY_WORKER}, "copper violin garden")
    shown = [p.full_name for p in made_vault.session.staff.accounts()]
    assert shown == ["aoife Byrne", "Łucja Kowalska", "Zoë Adams"]
