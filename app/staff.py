"""Staff accounts: one per person, with roles, a key slot each, and history kept on leaving.

Deactivating someone removes their key slot at once (they can no longer open the vault) but
keeps their row, so everything they wrote stays attributed to them by name. Usernames are never
reused. There is always at least one active manager.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NewType

from app import names, usernames, validation
from app.audit import AuditAction
from app.clock import to_text
from app.errors import NotFound, ValidationError
from app.policy.passwords import check_new_password
from app.policy.permissions import Action, Role

if TYPE_CHECKING:
    from app.session_context import SessionContext
    from app.vault.database import Database

StaffId = NewType("StaffId", int)

_OTP_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class Staff:
    id: StaffId
    username: str
    full_name: str
    job_title: str
    roles: frozenset[Role]
    active: bool
    must_change_password: bool
    created_at: str
    last_sign_in_at: str | None
    deactivated_at: str | None

    def has(self, role: Role) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class NewStaff:
    username: str
    full_name: str
    roles: frozenset[Role]
    job_title: str = ""


def one_time_password() -> str:
    """16 unambiguous characters in groups of four, e.g. ``K7XM-PQ4R-2HVT-9WNC`` (80 bits)."""
    chars = [secrets.choice(_OTP_ALPHABET) for _ in range(16)]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, 16, 4))


def clean_new_staff(new: NewStaff) -> NewStaff:
    return NewStaff(
        username=usernames.check(new.username),
        full_name=validation.text(new.full_name, field="full_name", label="Full name"),
        roles=clean_roles(new.roles),
        job_title=validation.text(
            new.job_title, field="job_title", label="Job title", required=False, limit=100
        ),
    )


def clean_roles(roles: Iterable[object]) -> frozenset[Role]:
    try:
        cleaned = frozenset(Role(str(r)) for r in roles)
    except ValueError as exc:
        raise ValidationError("roles", "One of the roles is not known to Sharewise.") from exc
    if not cleaned:
        raise ValidationError("roles", "Give the person at least one role.")
    return cleaned


def _row_to_staff(row: Any, roles: frozenset[Role]) -> Staff:
    return Staff(
        id=StaffId(int(row["id"])),
        username=str(row["username"]),
        full_name=str(row["full_name"]),
        job_title=str(row["job_title"]),
        roles=roles,
        active=bool(row["active"]),
        must_change_password=bool(row["must_change_password"]),
        created_at=str(row["created_at"]),
        last_sign_in_at=row["last_sign_in_at"],
        deactivated_at=row["deactivated_at"],
    )


def load(database: Database, staff_id: int) -> Staff | None:
    row = database.one("SELECT * FROM staff WHERE id = ?", (staff_id,))
    if row is None:
        return None
    roles = frozenset(
        Role(r["role"]) for r in database.query("SELECT role FROM staff_role WHERE staff_id = ?", (staff_id,))
    )
    return _row_to_staff(row, roles)


def load_all(database: Database, *, include_inactive: bool) -> list[Staff]:
    where = "" if include_inactive else "WHERE active = 1"
    rows = database.query(f"SELECT * FROM staff {where} ORDER BY id")  # noqa: S608
    roles: dict[int, set[Role]] = {}
    for r in database.query("SELECT staff_id, role FROM staff_role"):
        roles.setdefault(int(r["staff_id"]), set()).add(Role(r["role"]))
    found = [_row_to_staff(row, frozenset(roles.get(int(row["id"]), set()))) for row in rows]
    # SQLite's NOCASE folds ASCII only, which put Łucja after Zoë; fold every script instead.
    return sorted(found, key=lambda person: names.sort_key(person.full_name))


def insert(tx: Database, new: NewStaff, *, created_at: str, must_change_password: bool) -> StaffId:
    """Insert a cleaned ``NewStaff``; ``ValidationError`` if the username is taken."""
    if tx.scalar("SELECT 1 FROM staff WHERE username = ?", (new.username,)):
        raise ValidationError(
            "username",
            "That username is already used (usernames are never reused, even after someone "
            "leaves). Choose another.",
        )
    staff_id = tx.execute(
        "INSERT INTO staff (username, full_name, job_title, must_change_password, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (new.username, new.full_name, new.job_title, int(must_change_password), created_at),
    )
    for role in sorted(new.roles):
        tx.execute("INSERT INTO staff_role (staff_id, role) VALUES (?, ?)", (staff_id, role.value))
    return StaffId(staff_id)


def _active_managers(database: Database) -> set[int]:
    rows = database.query(
        "SELECT s.id FROM staff s JOIN staff_role r ON r.staff_id = s.id "
        "WHERE s.active = 1 AND r.role = 'manager'"
    )
    return {int(r["id"]) for r in rows}


class StaffService:
    """``session.staff``: the manager's staff screen."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def accounts(self, *, include_inactive: bool = False) -> list[Staff]:
        self._ctx.require(Action.STAFF_MANAGE)
        return load_all(self._ctx.database, include_inactive=include_inactive)

    def get(self, staff_id: int) -> Staff:
        self._ctx.require(Action.STAFF_MANAGE)
        return self._get(staff_id)

    def _get(self, staff_id: int) -> Staff:
        found = load(self._ctx.database, staff_id)
        if found is None:
            raise NotFound("That staff account does not exist.")
        return found

    def add(self, new: NewStaff) -> tuple[Staff, str]:
        """Create an account; returns it and a one-time password to hand over in person.

        The person must choose their own password at first sign-in.
        """
        self._ctx.require(Action.STAFF_MANAGE)
        cleaned = clean_new_staff(new)
        password = one_time_password()
        now = to_text(self._ctx.clock.now())
        with self._ctx.transaction() as tx:
            staff_id = insert(tx, cleaned, created_at=now, must_change_password=True)
            self._ctx.audit(
                tx,
                AuditAction.STAFF_ADDED,
                "staff",
                staff_id,
                {"roles": sorted(r.value for r in cleaned.roles)},
            )
            self._ctx.keys.set_staff_password(
                tx, staff_id=staff_id, username=cleaned.username, password=password
            )
        return self._get(staff_id), password

    def change(
        self,
        staff_id: int,
        *,
        full_name: str | None = None,
        job_title: str | None = None,
        roles: Iterable[Role] | None = None,
    ) -> Staff:
        self._ctx.require(Action.STAFF_MANAGE)
        current = self._get(staff_id)
        name = (
            current.full_name
            if full_name is None
            else validation.text(full_name, field="full_name", label="Full name")
        )
        title = (
            current.job_title
            if job_title is None
            else validation.text(job_title, field="job_title", label="Job title", required=False, limit=100)
        )
        new_roles = current.roles if roles is None else clean_roles(roles)
        changed = [
            field
            for field, before, after in (
                ("full_name", current.full_name, name),
                ("job_title", current.job_title, title),
                ("roles", current.roles, new_roles),
            )
            if before != after
        ]
        if not changed:
            return current
        with self._ctx.transaction() as tx:
            tx.execute("UPDATE staff SET full_name = ?, job_title = ? WHERE id = ?", (name, title, staff_id))
            if new_roles != current.roles:
                tx.execute("DELETE FROM staff_role WHERE staff_id = ?", (staff_id,))
                for role in sorted(new_roles):
                    tx.execute(
                        "INSERT INTO staff_role (staff_id, role) VALUES (?, ?)", (staff_id, role.value)
                    )
                if not _active_managers(tx):
                    raise ValidationError(
                        "roles",
                        "Sharewise needs at least one active manager. Make someone else a manager first.",
                    )
            self._ctx.audit(
                tx,
                AuditAction.STAFF_CHANGED,
                "staff",
                staff_id,
                {"fields": changed, "roles": sorted(r.value for r in new_roles)},
            )
        updated = self._get(staff_id)
        if staff_id == self._ctx.actor.id:
            self._ctx.actor = updated
        return updated

    def reset_password(self, staff_id: int) -> str:
        """Replace someone's password with a one-time password they must change at sign-in."""
        self._ctx.require(Action.STAFF_MANAGE)
        target = self._get(staff_id)
        if not target.active:
            raise ValidationError("staff", "That account is deactivated; it has no password.")
        if target.id == self._ctx.actor.id:
            raise ValidationError(
                "staff", "To change your own password, use Change password (it asks for your current one)."
            )
        password = one_time_password()
        with self._ctx.transaction() as tx:
            tx.execute("UPDATE staff SET must_change_password = 1 WHERE id = ?", (staff_id,))
            self._ctx.audit(tx, AuditAction.PASSWORD_RESET, "staff", staff_id)
            self._ctx.keys.set_staff_password(
                tx, staff_id=staff_id, username=target.username, password=password
            )
        return password

    def deactivate(self, staff_id: int) -> Staff:
        """Remove the person's access now; their records stay attributed to them."""
        self._ctx.require(Action.STAFF_MANAGE)
        target = self._get(staff_id)
        if target.id == self._ctx.actor.id:
            raise ValidationError(
                "staff", "You cannot deactivate your own account; another manager must do it."
            )
        if not target.active:
            return target
        with self._ctx.transaction() as tx:
            tx.execute(
                "UPDATE staff SET active = 0, deactivated_at = ? WHERE id = ?",
                (to_text(self._ctx.clock.now()), staff_id),
            )
            if not _active_managers(tx):
                raise ValidationError(
                    "staff",
                    "Sharewise needs at least one active manager. Make someone else a manager first.",
                )
            self._ctx.audit(tx, AuditAction.STAFF_DEACTIVATED, "staff", staff_id)
            self._ctx.keys.remove_staff_slot(tx, staff_id)
        return self._get(staff_id)


def check_password_for(staff: Staff, password: str, provider_name: str) -> None:
    check_new_password(
        password, username=staff.username, full_name=staff.full_name, provider_name=provider_name
    )
