"""Every cell of the permissions table: allowed for the roles that have it, refused for the others.

``EXPECTED`` is copied by hand from the architecture page, so a change to the table in
``app/policy/permissions.py`` that the page does not also make fails here. Then each session
method that exists is called by a person holding exactly one role.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from app.errors import PermissionDenied
from app.policy import permissions
from app.policy.permissions import Action, Role, Scope
from app.session import Session
from app.settings import AUTO_LOCK_MINUTES, PROVIDER_NAME
from app.staff import NewStaff
from tests.conftest import MANAGER_USERNAME, VaultUnderTest

M, D, K, R = Role.MANAGER, Role.DSL, Role.KEY_WORKER, Role.REVIEWER

# | | manager | DSL | key worker | committee reviewer |   (architecture page)
EXPECTED: dict[Action, dict[Role, Scope]] = {
    Action.STAFF_MANAGE: {M: Scope.ALL},
    Action.SETTINGS_MANAGE: {M: Scope.ALL},
    Action.RETENTION_MANAGE: {M: Scope.ALL},
    Action.BACKUP_MANAGE: {M: Scope.ALL},
    Action.AUDIT_VIEW: {M: Scope.ALL},
    Action.CHILD_READ: {M: Scope.ALL, D: Scope.ALL, K: Scope.ALL},
    Action.CHILD_EDIT: {M: Scope.ALL, D: Scope.ALL, K: Scope.OWN},
    # Not a row of the architecture page: the issue restricts family circumstances (and so who
    # may hide a carer's address from whom) to the manager and DSL.
    Action.CHILD_FAMILY: {M: Scope.ALL, D: Scope.ALL},
    Action.CONCERN_CREATE: {M: Scope.ALL, D: Scope.ALL, K: Scope.ALL},
    Action.CONCERN_READ: {M: Scope.ALL, D: Scope.ALL, K: Scope.OWN},
    Action.CONCERN_REVIEW: {M: Scope.ALL, D: Scope.ALL},
    Action.SHARING_INTAKE: {M: Scope.ALL, D: Scope.ALL, K: Scope.ALL},
    Action.SHARING_READ: {M: Scope.ALL, D: Scope.ALL, K: Scope.OWN},
    Action.SHARING_DECIDE: {M: Scope.ALL, D: Scope.ALL},
    Action.REVIEW_PACK: {M: Scope.ALL, D: Scope.ALL, R: Scope.ALL},
}


def test_table_covers_every_action() -> None:
    assert set(permissions.PERMISSIONS) == set(Action) == set(EXPECTED)


@pytest.mark.parametrize(("action", "role"), list(itertools.product(Action, Role)))
def test_policy_cell(action: Action, role: Role) -> None:
    expected = EXPECTED[action].get(role)
    if expected is None:
        with pytest.raises(PermissionDenied) as refused:
            permissions.require([role], action)
        assert refused.value.action == action.value
        assert action.label in refused.value.sentence
    else:
        assert permissions.require([role], action) is expected


def test_several_roles_take_the_broadest_scope() -> None:
    assert permissions.require([K, D], Action.CONCERN_READ) is Scope.ALL
    assert permissions.require([K, R], Action.CONCERN_READ) is Scope.OWN
    assert permissions.scope([R], Action.CONCERN_READ) is None
    with pytest.raises(PermissionDenied):
        permissions.require([], Action.CHILD_READ)


@dataclass
class World:
    made: VaultUnderTest
    session: Session
    password: str
    spare_id: int


PASSWORD = "quiet meadow compass"

# Every session method that exists today, with the action that guards it.
CALLS: list[tuple[Action, str, Callable[[World], object]]] = [
    (Action.STAFF_MANAGE, "staff.accounts", lambda w: w.session.staff.accounts()),
    (Action.STAFF_MANAGE, "staff.get", lambda w: w.session.staff.get(w.spare_id)),
    (
        Action.STAFF_MANAGE,
        "staff.add",
        lambda w: w.session.staff.add(NewStaff("nguyen.lan", "Nguyễn Thị Lan", frozenset({K}))),
    ),
    (Action.STAFF_MANAGE, "staff.change", lambda w: w.session.staff.change(w.spare_id, job_title="Cook")),
    (Action.STAFF_MANAGE, "staff.reset_password", lambda w: w.session.staff.reset_password(w.spare_id)),
    (Action.STAFF_MANAGE, "staff.deactivate", lambda w: w.session.staff.deactivate(w.spare_id)),
    (Action.SETTINGS_MANAGE, "settings.update", lambda w: w.session.settings.update({AUTO_LOCK_MINUTES: 9})),
    (Action.SETTINGS_MANAGE, "security.binding_status", lambda w: w.session.security.binding_status()),
    (Action.SETTINGS_MANAGE, "security.kdf_parameters", lambda w: w.session.security.kdf_parameters()),
    (
        Action.SETTINGS_MANAGE,
        "security.reissue_recovery_key",
        lambda w: w.session.security.reissue_recovery_key(w.password),
    ),
    (Action.SETTINGS_MANAGE, "security.rekey", lambda w: w.session.security.rekey(w.password)),
    (Action.AUDIT_VIEW, "audit.entries", lambda w: w.session.audit.entries()),
    (Action.AUDIT_VIEW, "audit.verify", lambda w: w.session.audit.verify()),
    (Action.AUDIT_VIEW, "security.check", lambda w: w.session.security.check()),
]


def _world(made: VaultUnderTest, role: Role) -> World:
    person = made.add_person("дмитрий", "Дмитрий Соколов", {role}, PASSWORD)
    spare = made.add_person("siobhán", "Siobhán Ní Bhriain", {K}, "copper violin garden")
    assert person != spare
    made.session.close()
    session = made.vault.sign_in("Дмитрий", PASSWORD)
    assert session.roles == frozenset({role})
    return World(made, session, PASSWORD, spare)


@pytest.mark.parametrize(
    ("role", "action", "name", "call"),
    [(role, *call) for role in Role for call in CALLS],
    ids=[f"{role.value}-{call[1]}" for role in Role for call in CALLS],
)
def test_session_method_cell(
    made_vault: VaultUnderTest, role: Role, action: Action, name: str, call: Callable[[World], object]
) -> None:
    world = _world(made_vault, role)
    before = _audit_count(world)
    if role in EXPECTED[action]:
        call(world)  # allowed: must not raise
    else:
        with pytest.raises(PermissionDenied) as refused:
            call(world)
        assert refused.value.action == action.value, name
        # A refused call changes nothing, not even the audit log.
        assert _audit_count(world) == before


def _audit_count(world: World) -> int:
    return int(world.session.context.database.scalar("SELECT count(*) FROM audit_log"))


@pytest.mark.parametrize("role", list(Role))
def test_everyone_signed_in_reads_the_shell_settings_and_changes_own_password(
    made_vault: VaultUnderTest, role: Role
) -> None:
    """The shell needs the setting's name and the auto-lock minutes whatever the role."""
    world = _world(made_vault, role)
    assert world.session.settings.get(PROVIDER_NAME) == "Sunflower Pre-school"
    assert world.session.settings.get(AUTO_LOCK_MINUTES) == 5
    world.session.change_password(PASSWORD, "amber falcon riddle")
    world.session.close()
    assert made_vault.vault.sign_in("дмитрий", "amber falcon riddle").me.full_name == "Дмитрий Соколов"


def test_may_matches_the_table(made_vault: VaultUnderTest) -> None:
    session = made_vault.session
    assert session.me.username == MANAGER_USERNAME
    for action in Action:
        assert session.may(action) == any(r in EXPECTED[action] for r in session.roles)
