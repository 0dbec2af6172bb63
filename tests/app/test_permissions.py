"""Every cell of the permissions table: allowed for the roles that have it, refused for the others.

``EXPECTED`` is copied by hand from the architecture page, so a change to the table in
``app/policy/permissions.py`` that the page does not also make fails here. Then each session
method that exists is called by a person holding exactly one role.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from app.children import CarerDetails, ChildDetails, ContactDetails, ProfessionalDetails, VisitDetails
from app.concerns import NewConcern
from app.documents import DocumentKind
from app.errors import PermissionDenied
from app.parent_contacts import ContactKind, NewParentContact
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
    child_id: int
    carer_ids: tuple[int, int]
    concern_id: int  # written by the manager
    third_party_id: int  # written by the manager, given by another agency
    own_concern_id: int | None  # written by the person, when their role may log one
    contact_id: int
    professional_id: int

    def readable_concern(self) -> int:
        return self.own_concern_id or self.concern_id

    def details(self) -> ChildDetails:
        """The child's details unchanged (an update that is allowed must not fail on content)."""
        return SAME_DETAILS[self.child_id]


SAME_DETAILS: dict[int, ChildDetails] = {}


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
    # Children's records: everyone who works with children reads them; the child used here is
    # the person's own key child when they are a key worker, so OWN scope is allowed.
    (Action.CHILD_READ, "children.find", lambda w: w.session.children.find(search="Nowak")),
    (Action.CHILD_READ, "children.rooms", lambda w: w.session.children.rooms()),
    (Action.CHILD_READ, "children.staff_choices", lambda w: w.session.children.staff_choices()),
    (Action.CHILD_READ, "children.get", lambda w: w.session.children.get(w.child_id)),
    (Action.CHILD_READ, "children.find_carers", lambda w: w.session.children.find_carers("Nowak")),
    (Action.CHILD_READ, "children.carers_for", lambda w: w.session.children.carers_for(w.child_id, None)),
    (Action.CHILD_READ, "children.log_visit", lambda w: w.session.children.log_visit(w.child_id, VISIT)),
    (Action.CHILD_EDIT, "children.update", lambda w: w.session.children.update(w.child_id, w.details())),
    (Action.CHILD_EDIT, "children.add_carer", lambda w: w.session.children.add_carer(w.child_id, CARER)),
    (
        Action.CHILD_EDIT,
        "children.update_carer",
        lambda w: w.session.children.update_carer(w.child_id, w.carer_ids[1], FATHER),
    ),
    (
        Action.CHILD_EDIT,
        "children.remove_carer",
        lambda w: w.session.children.remove_carer(w.child_id, w.carer_ids[1]),
    ),
    (
        Action.CHILD_EDIT,
        "children.delete_carer",
        lambda w: w.session.children.delete_carer(w.child_id, w.carer_ids[1]),
    ),
    (
        Action.CHILD_EDIT,
        "children.add_contact",
        lambda w: w.session.children.add_contact(w.child_id, CONTACT),
    ),
    (
        Action.CHILD_EDIT,
        "children.update_contact",
        lambda w: w.session.children.update_contact(w.child_id, w.contact_id, CONTACT),
    ),
    (
        Action.CHILD_EDIT,
        "children.remove_contact",
        lambda w: w.session.children.remove_contact(w.child_id, w.contact_id),
    ),
    (
        Action.CHILD_EDIT,
        "children.add_professional",
        lambda w: w.session.children.add_professional(w.child_id, PROFESSIONAL),
    ),
    (
        Action.CHILD_EDIT,
        "children.update_professional",
        lambda w: w.session.children.update_professional(w.child_id, w.professional_id, PROFESSIONAL),
    ),
    (
        Action.CHILD_EDIT,
        "children.remove_professional",
        lambda w: w.session.children.remove_professional(w.child_id, w.professional_id),
    ),
    (
        Action.CHILD_FAMILY,
        "children.set_withheld",
        lambda w: w.session.children.set_withheld(w.child_id, w.carer_ids[0], [w.carer_ids[1]]),
    ),
    # The concern log.
    (Action.CONCERN_CREATE, "concerns.categories", lambda w: w.session.concerns.categories()),
    (Action.CONCERN_CREATE, "concerns.log", lambda w: w.session.concerns.log(new_concern(w))),
    (Action.CONCERN_CREATE, "concerns.mine", lambda w: w.session.concerns.mine()),
    (Action.CONCERN_CREATE, "parent_contacts.log", lambda w: w.session.parent_contacts.log(parent_call(w))),
    (Action.CONCERN_READ, "concerns.get", lambda w: w.session.concerns.get(w.readable_concern())),
    (Action.CONCERN_READ, "concerns.for_child", lambda w: w.session.concerns.for_child(w.child_id)),
    (
        Action.CONCERN_READ,
        "concerns.amend",
        lambda w: w.session.concerns.amend(
            w.readable_concern(), field="opinion", new_text="Seemed tired.", reason="Left out at first"
        ),
    ),
    (Action.CONCERN_READ, "parent_contacts.entries", lambda w: w.session.parent_contacts.entries()),
    (Action.CONCERN_READ, "chronology.for_child", lambda w: w.session.chronology.for_child(w.child_id)),
    (Action.CONCERN_REVIEW, "concerns.queue", lambda w: w.session.concerns.queue()),
    (Action.CONCERN_REVIEW, "concerns.counts", lambda w: w.session.concerns.counts()),
    (
        Action.CONCERN_REVIEW,
        "concerns.review",
        lambda w: w.session.concerns.review(w.concern_id, note="Read; talk to mum at pick-up."),
    ),
    (
        Action.CONCERN_REVIEW,
        "concerns.add_action",
        lambda w: w.session.concerns.add_action(
            w.concern_id, description="Call the health visitor", assigned_to=w.spare_id, due_date="2026-09-08"
        ),
    ),
    (
        Action.CONCERN_REVIEW,
        "concerns.close",
        lambda w: w.session.concerns.close(w.concern_id, outcome="Resolved"),
    ),
    (
        Action.CONCERN_REVIEW,
        "concerns.record_third_party_consent",
        lambda w: w.session.concerns.record_third_party_consent(w.third_party_id),
    ),
    (
        Action.CONCERN_REVIEW,
        "chronology.for_child(coded)",
        lambda w: w.session.chronology.for_child(w.child_id, coded=True),
    ),
    (
        Action.CONCERN_REVIEW,
        "documents.printed(chronology)",
        lambda w: w.session.documents.printed(DocumentKind.CHRONOLOGY, pages=2, about=("child", w.child_id)),
    ),
    (
        Action.SETTINGS_MANAGE,
        "concerns.add_category",
        lambda w: w.session.concerns.add_category("Online safety"),
    ),
    (
        Action.SETTINGS_MANAGE,
        "concerns.update_category",
        lambda w: w.session.concerns.update_category(
            1, name="Injury or mark", guidance="Say where.", active=True
        ),
    ),
]

SEEN = datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
VISIT = VisitDetails("Ayşe Demir", "Health visiting", SEEN, "Two-year check", supervised_by=1)
CARER = CarerDetails("Søren Nowak", "Grandfather", parental_responsibility=False, lives_with=False)
FATHER = CarerDetails(
    "Piotr Nowak", "Father", parental_responsibility=True, lives_with=False, phone="07700 900123"
)
CONTACT = ContactDetails("Aoife Byrne", "07700 900456", "Neighbour", may_collect=True)
PROFESSIONAL = ProfessionalDetails("Speech and language", "Kwame Mensah", "Therapist", from_date="2026-01-05")


def new_concern(w: World) -> NewConcern:
    return NewConcern(w.child_id, SEEN, 1, "Arrived without a coat in the rain.")


def parent_call(w: World) -> NewParentContact:
    return NewParentContact(SEEN, ContactKind.CALL, "Asked about the trip", child_id=w.child_id)


def _world(made: VaultUnderTest, role: Role) -> World:
    person = made.add_person("дмитрий", "Дмитрий Соколов", {role}, PASSWORD)
    spare = made.add_person("siobhán", "Siobhán Ní Bhriain", {K}, "copper violin garden")
    assert person != spare
    manager = made.session
    details = ChildDetails(
        legal_name="Łucja Nowak",
        date_of_birth="2023-02-03",
        start_date="2025-09-01",
        key_worker_id=person if role is K else None,
    )
    child = manager.children.add(details)
    SAME_DETAILS[child.id] = details
    child = manager.children.add_carer(child.id, CarerDetails("Anna Nowak", "Mother", True, True))
    child = manager.children.add_carer(child.id, FATHER)
    child = manager.children.add_contact(child.id, CONTACT)
    child = manager.children.add_professional(child.id, PROFESSIONAL)
    concern = manager.concerns.log(NewConcern(child.id, SEEN, 1, "Bruise on the left shin, about 2 cm."))
    third = manager.concerns.log(
        NewConcern(
            child.id, SEEN, 1, "Health visitor reports missed checks.", third_party_source="Health visiting"
        )
    )
    made.session.close()
    session = made.vault.sign_in("Дмитрий", PASSWORD)
    assert session.roles == frozenset({role})
    own = None
    if session.may(Action.CONCERN_CREATE):
        own = int(session.concerns.log(NewConcern(child.id, SEEN, 1, "Quiet all morning.")).id)
    return World(
        made,
        session,
        PASSWORD,
        spare,
        int(child.id),
        (int(child.carers[0].id), int(child.carers[1].id)),
        int(concern.id),
        int(third.id),
        own,
        int(child.contacts[0].id),
        int(child.professionals[0].id),
    )


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
