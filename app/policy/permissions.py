"""Who may do what: the permissions table of the architecture page, as data.

Every session method asks ``require(roles, action)`` before touching the database. The answer
is a scope: ALL records, or only the person's OWN (a key worker's own key children, the concerns
they wrote, the intakes they opened). A person may hold several roles; the broadest scope wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum, StrEnum

from app.errors import PermissionDenied


class Role(StrEnum):
    MANAGER = "manager"
    DSL = "dsl"
    KEY_WORKER = "key_worker"
    REVIEWER = "reviewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: Mapping[Role, str] = {
    Role.MANAGER: "Manager",
    Role.DSL: "Designated safeguarding lead",
    Role.KEY_WORKER: "Key worker",
    Role.REVIEWER: "Committee reviewer",
}


class Scope(Enum):
    OWN = 1
    ALL = 2


class Action(StrEnum):
    STAFF_MANAGE = "staff.manage"
    SETTINGS_MANAGE = "settings.manage"
    RETENTION_MANAGE = "retention.manage"
    BACKUP_MANAGE = "backup.manage"
    AUDIT_VIEW = "audit.view"
    CHILD_READ = "children.read"
    CHILD_EDIT = "children.edit"
    CHILD_FAMILY = "children.family"
    CONCERN_CREATE = "concerns.create"
    CONCERN_READ = "concerns.read"
    CONCERN_REVIEW = "concerns.review"
    SHARING_INTAKE = "sharing.intake"
    SHARING_READ = "sharing.read"
    SHARING_DECIDE = "sharing.decide"
    REVIEW_PACK = "review.pack"
    SUBJECT_ACCESS = "subject_access"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: Mapping[Action, str] = {
    Action.STAFF_MANAGE: "manage staff accounts",
    Action.SETTINGS_MANAGE: "change the setting's details and security settings",
    Action.RETENTION_MANAGE: "change how long records are kept or destroy records",
    Action.BACKUP_MANAGE: "make or restore backups",
    Action.AUDIT_VIEW: "view the audit log or check the vault",
    Action.CHILD_READ: "view children's records",
    Action.CHILD_EDIT: "change this child's record, contacts or consents",
    Action.CHILD_FAMILY: "see or change family circumstances or whose address is withheld from whom",
    Action.CONCERN_CREATE: "log a concern",
    Action.CONCERN_READ: "view this concern",
    Action.CONCERN_REVIEW: "review concerns",
    Action.SHARING_INTAKE: "record a request to share information",
    Action.SHARING_READ: "view this information-sharing record",
    Action.SHARING_DECIDE: "make or finalise an information-sharing decision",
    Action.REVIEW_PACK: "open the annual review pack and its figures",
    Action.SUBJECT_ACCESS: "handle requests from parents to see what is held (subject access)",
}

_M, _D, _K, _R = Role.MANAGER, Role.DSL, Role.KEY_WORKER, Role.REVIEWER
ALL, OWN = Scope.ALL, Scope.OWN

PERMISSIONS: Mapping[Action, Mapping[Role, Scope]] = {
    Action.STAFF_MANAGE: {_M: ALL},
    Action.SETTINGS_MANAGE: {_M: ALL},
    Action.RETENTION_MANAGE: {_M: ALL},
    Action.BACKUP_MANAGE: {_M: ALL},
    Action.AUDIT_VIEW: {_M: ALL},
    Action.CHILD_READ: {_M: ALL, _D: ALL, _K: ALL},
    Action.CHILD_EDIT: {_M: ALL, _D: ALL, _K: OWN},
    Action.CHILD_FAMILY: {_M: ALL, _D: ALL},
    Action.CONCERN_CREATE: {_M: ALL, _D: ALL, _K: ALL},
    Action.CONCERN_READ: {_M: ALL, _D: ALL, _K: OWN},
    Action.CONCERN_REVIEW: {_M: ALL, _D: ALL},
    Action.SHARING_INTAKE: {_M: ALL, _D: ALL, _K: ALL},
    Action.SHARING_READ: {_M: ALL, _D: ALL, _K: OWN},
    Action.SHARING_DECIDE: {_M: ALL, _D: ALL},
    Action.REVIEW_PACK: {_M: ALL, _D: ALL, _R: ALL},
    Action.SUBJECT_ACCESS: {_M: ALL, _D: ALL},
}


def scope(roles: Iterable[Role], action: Action) -> Scope | None:
    """The broadest scope any of ``roles`` has for ``action``; None when none has it."""
    granted = PERMISSIONS[action]
    scopes = [granted[r] for r in roles if r in granted]
    return max(scopes, key=lambda s: s.value) if scopes else None


def require(roles: Iterable[Role], action: Action) -> Scope:
    """The scope, or ``PermissionDenied`` naming the action in words."""
    found = scope(roles, action)
    if found is None:
        raise PermissionDenied(
            f"Your role does not allow you to {action.label}. Ask the manager if you need to.",
            action=action.value,
        )
    return found
