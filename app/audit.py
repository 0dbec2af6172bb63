"""The audit log: append-only, every entry chained to the one before by SHA-256.

Triggers in the schema refuse UPDATE and DELETE. The chain makes any edit, deletion or
reordering of entries evident to ``verify``, which names the first entry that no longer fits.
Someone holding the data key could rewrite the whole chain from the damaged point on, or cut
entries off the end; the chain makes silent tampering with one entry impossible, not a determined
rewrite (see docs/security.md).

Entries are written in the same transaction as the change they record, so a change without its
audit entry (or the reverse) cannot be committed. Details hold ids, counts and field names, not
the personal data itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NewType

from app.clock import Clock, to_text

if TYPE_CHECKING:
    from app.vault.database import Database

AuditEntryId = NewType("AuditEntryId", int)
GENESIS = "0" * 64


class AuditAction(StrEnum):
    VAULT_CREATED = "vault.created"
    VAULT_REKEYED = "vault.rekeyed"
    VAULT_CHECKED = "vault.checked"
    SIGN_IN = "session.sign_in"
    SIGN_IN_FAILED = "session.sign_in_failed"
    SIGN_OUT = "session.sign_out"
    SESSION_LOCKED = "session.locked"
    SESSION_UNLOCKED = "session.unlocked"
    RECOVERY_KEY_USED = "recovery_key.used"
    RECOVERY_KEY_REISSUED = "recovery_key.reissued"
    DEVICE_BOUND = "device.bound"
    PASSWORD_CHANGED = "staff.password_changed"  # noqa: S105 - an action name, not a password
    PASSWORD_RESET = "staff.password_reset"  # noqa: S105
    STAFF_ADDED = "staff.added"
    STAFF_CHANGED = "staff.changed"
    STAFF_DEACTIVATED = "staff.deactivated"
    SETTINGS_CHANGED = "settings.changed"
    AUDIT_VIEWED = "audit.viewed"
    DRAFTS_KEPT = "drafts.kept"
    DOCUMENT_PRINTED = "document.printed"
    DOCUMENT_SAVED = "document.saved_as_pdf"
    CHILD_ADDED = "child.added"
    CHILD_CHANGED = "child.changed"
    CHILD_VIEWED = "child.viewed"
    CARER_ADDED = "child.carer_added"
    CARER_CHANGED = "child.carer_changed"
    CARER_REMOVED = "child.carer_removed"
    CARER_DELETED = "carer.deleted"
    CARER_WITHHELD = "child.carer_withheld"
    CONTACT_ADDED = "child.contact_added"
    CONTACT_CHANGED = "child.contact_changed"
    CONTACT_REMOVED = "child.contact_removed"
    PROFESSIONAL_ADDED = "child.professional_added"
    PROFESSIONAL_CHANGED = "child.professional_changed"
    PROFESSIONAL_REMOVED = "child.professional_removed"
    VISIT_LOGGED = "child.visit_logged"
    CONCERN_LOGGED = "concern.logged"
    CONCERN_VIEWED = "concern.viewed"
    CONCERNS_LISTED = "concern.listed"
    CONCERN_REVIEWED = "concern.reviewed"
    CONCERN_ACTION_ADDED = "concern.action_added"
    CONCERN_ACTION_DONE = "concern.action_done"
    CONCERN_CLOSED = "concern.closed"
    CONCERN_AMENDED = "concern.amended"
    THIRD_PARTY_CONSENT = "concern.third_party_consent"
    CATEGORY_CHANGED = "concern.category_changed"
    PARENT_CONTACT_LOGGED = "parent_contact.logged"
    PARENT_CONTACTS_VIEWED = "parent_contact.viewed"
    CHRONOLOGY_VIEWED = "chronology.viewed"
    SHARE_OPENED = "share.opened"
    SHARE_INTAKE_CHANGED = "share.intake_changed"
    SHARE_VIEWED = "share.viewed"
    SHARES_LISTED = "share.listed"
    SHARE_PATH_ANSWERED = "share.path_answered"
    SHARE_ADVICE = "share.advice_recorded"
    SHARE_OUTCOME_SAVED = "share.outcome_saved"
    SHARE_BACKING_FAILED = "share.backing_failed"
    SHARE_BACKED = "share.backed"
    SHARE_FINALISED = "share.finalised"
    SHARE_FOLLOWUP_ADDED = "share.followup_added"
    SHARE_FOLLOWUP_DONE = "share.followup_done"
    SHARE_AMENDED = "share.amended"
    TRANSFER_SENT = "transfer.sent"
    TRANSFER_RECEIVED = "transfer.received"
    TRANSFERS_LISTED = "transfer.listed"
    CONSENT_KIND_ADDED = "consent.kind_added"
    CONSENT_KIND_CHANGED = "consent.kind_changed"
    CONSENT_RECORDED = "consent.recorded"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    CONSENT_FORM_ATTACHED = "consent.form_attached"
    CONSENT_FORM_OPENED = "consent.form_opened"
    CONSENT_FORM_REMOVED = "consent.form_removed"
    LOGO_CHANGED = "settings.logo_changed"
    POLICY_ADDED = "policy.added"
    POLICY_CHANGED = "policy.changed"
    POLICY_ACKNOWLEDGED = "policy.acknowledged"
    REVIEW_PACK_BUILT = "review.pack_built"
    RETENTION_QUEUE_VIEWED = "retention.queue_viewed"
    RETENTION_KEPT = "retention.kept"
    LEGAL_HOLD_PLACED = "retention.hold_placed"
    LEGAL_HOLD_LIFTED = "retention.hold_lifted"
    RECORDS_DESTROYED = "retention.destroyed"
    SAR_RECORDED = "sar.recorded"
    SAR_CHANGED = "sar.changed"
    SAR_EXTENDED = "sar.extended"
    SAR_VIEWED = "sar.viewed"
    SAR_GATHERED = "sar.gathered"
    SAR_ITEM_DECIDED = "sar.item_decided"
    SAR_RELEASED = "sar.released"
    BACKUP_MADE = "backup.made"
    VAULT_RESTORED = "vault.restored"

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self, self.value)


ACTION_LABELS: Mapping[AuditAction, str] = {
    AuditAction.VAULT_CREATED: "Vault created",
    AuditAction.VAULT_REKEYED: "Vault re-encrypted",
    AuditAction.VAULT_CHECKED: "Vault checked",
    AuditAction.SIGN_IN: "Signed in",
    AuditAction.SIGN_IN_FAILED: "Failed sign-in",
    AuditAction.SIGN_OUT: "Signed out",
    AuditAction.SESSION_LOCKED: "Screen locked",
    AuditAction.SESSION_UNLOCKED: "Screen unlocked",
    AuditAction.RECOVERY_KEY_USED: "Recovery key used",
    AuditAction.RECOVERY_KEY_REISSUED: "Recovery key re-issued",
    AuditAction.DEVICE_BOUND: "Bound to this computer",
    AuditAction.PASSWORD_CHANGED: "Password changed",
    AuditAction.PASSWORD_RESET: "Password reset",
    AuditAction.STAFF_ADDED: "Staff account added",
    AuditAction.STAFF_CHANGED: "Staff account changed",
    AuditAction.STAFF_DEACTIVATED: "Staff account deactivated",
    AuditAction.SETTINGS_CHANGED: "Settings changed",
    AuditAction.AUDIT_VIEWED: "Audit log viewed",
    AuditAction.DRAFTS_KEPT: "Unfinished form kept as a draft",
    AuditAction.DOCUMENT_PRINTED: "Document printed",
    AuditAction.DOCUMENT_SAVED: "Document saved as PDF",
    AuditAction.CHILD_ADDED: "Child added",
    AuditAction.CHILD_CHANGED: "Child's record changed",
    AuditAction.CHILD_VIEWED: "Child's record opened",
    AuditAction.CARER_ADDED: "Carer added to a child",
    AuditAction.CARER_CHANGED: "Carer's details changed",
    AuditAction.CARER_REMOVED: "Carer removed from a child",
    AuditAction.CARER_DELETED: "Carer deleted",
    AuditAction.CARER_WITHHELD: "Withheld contact details changed",
    AuditAction.CONTACT_ADDED: "Emergency contact added",
    AuditAction.CONTACT_CHANGED: "Emergency contact changed",
    AuditAction.CONTACT_REMOVED: "Emergency contact removed",
    AuditAction.PROFESSIONAL_ADDED: "Professional added",
    AuditAction.PROFESSIONAL_CHANGED: "Professional changed",
    AuditAction.PROFESSIONAL_REMOVED: "Professional removed",
    AuditAction.VISIT_LOGGED: "Agency visit logged",
    AuditAction.CONCERN_LOGGED: "Concern logged",
    AuditAction.CONCERN_VIEWED: "Concern viewed",
    AuditAction.CONCERNS_LISTED: "Concern list viewed",
    AuditAction.CONCERN_REVIEWED: "Concern reviewed",
    AuditAction.CONCERN_ACTION_ADDED: "Action added to a concern",
    AuditAction.CONCERN_ACTION_DONE: "Concern action done",
    AuditAction.CONCERN_CLOSED: "Concern closed",
    AuditAction.CONCERN_AMENDED: "Concern amended",
    AuditAction.THIRD_PARTY_CONSENT: "Agency consent to share recorded",
    AuditAction.CATEGORY_CHANGED: "Concern categories changed",
    AuditAction.PARENT_CONTACT_LOGGED: "Parent contact logged",
    AuditAction.PARENT_CONTACTS_VIEWED: "Parent contact log viewed",
    AuditAction.CHRONOLOGY_VIEWED: "Chronology viewed",
    AuditAction.SHARE_OPENED: "Request to share recorded",
    AuditAction.SHARE_INTAKE_CHANGED: "Request to share changed",
    AuditAction.SHARE_VIEWED: "Sharing record opened",
    AuditAction.SHARES_LISTED: "Sharing records listed",
    AuditAction.SHARE_PATH_ANSWERED: "Decision path answered",
    AuditAction.SHARE_ADVICE: "Advice recorded",
    AuditAction.SHARE_OUTCOME_SAVED: "Sharing outcome saved",
    AuditAction.SHARE_BACKING_FAILED: "Management backing refused (wrong password)",
    AuditAction.SHARE_BACKED: "Sharing decision backed",
    AuditAction.SHARE_FINALISED: "Sharing decision finalised",
    AuditAction.SHARE_FOLLOWUP_ADDED: "Follow-up added",
    AuditAction.SHARE_FOLLOWUP_DONE: "Follow-up done",
    AuditAction.SHARE_AMENDED: "Sharing decision corrected",
    AuditAction.TRANSFER_SENT: "Child protection file sent on",
    AuditAction.TRANSFER_RECEIVED: "Receipt of file confirmed",
    AuditAction.TRANSFERS_LISTED: "File transfers listed",
    AuditAction.CONSENT_KIND_ADDED: "Kind of consent added",
    AuditAction.CONSENT_KIND_CHANGED: "Kind of consent changed",
    AuditAction.CONSENT_RECORDED: "Consent recorded",
    AuditAction.CONSENT_WITHDRAWN: "Consent withdrawn",
    AuditAction.CONSENT_FORM_ATTACHED: "Signed form attached",
    AuditAction.CONSENT_FORM_OPENED: "Signed form opened",
    AuditAction.CONSENT_FORM_REMOVED: "Signed form removed",
    AuditAction.LOGO_CHANGED: "Logo for printed forms changed",
    AuditAction.POLICY_ADDED: "Policy added to the register",
    AuditAction.POLICY_CHANGED: "Policy register changed",
    AuditAction.POLICY_ACKNOWLEDGED: "Policy read and confirmed",
    AuditAction.REVIEW_PACK_BUILT: "Annual review pack built",
    AuditAction.RETENTION_QUEUE_VIEWED: "Records past their period listed",
    AuditAction.RETENTION_KEPT: "Records kept past their period",
    AuditAction.LEGAL_HOLD_PLACED: "Legal hold placed",
    AuditAction.LEGAL_HOLD_LIFTED: "Legal hold lifted",
    AuditAction.RECORDS_DESTROYED: "Records destroyed",
    AuditAction.SAR_RECORDED: "Subject access request recorded",
    AuditAction.SAR_CHANGED: "Subject access request changed",
    AuditAction.SAR_EXTENDED: "Subject access request extended",
    AuditAction.SAR_VIEWED: "Subject access request opened",
    AuditAction.SAR_GATHERED: "Subject access pack gathered",
    AuditAction.SAR_ITEM_DECIDED: "Subject access item released or withheld",
    AuditAction.SAR_RELEASED: "Subject access pack released",
    AuditAction.BACKUP_MADE: "Backup made",
    AuditAction.VAULT_RESTORED: "Vault restored from a backup",
}


def action_label(action: str) -> str:
    """Words for a stored action name (an unknown one, from a newer version, shows as stored)."""
    try:
        return AuditAction(action).label
    except ValueError:
        return action


@dataclass(frozen=True)
class AuditEntry:
    id: AuditEntryId
    at: str
    actor_id: int | None
    action: str
    subject_type: str | None
    subject_id: str | None
    detail: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries_checked: int
    first_broken: int | None
    sentence: str


def _hash(
    prev_hash: str,
    entry_id: int,
    at: str,
    actor_id: int | None,
    action: str,
    subject_type: str | None,
    subject_id: str | None,
    detail: str,
) -> str:
    payload = json.dumps(
        [entry_id, at, actor_id, action, subject_type, subject_id, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


def append(
    database: Database,
    clock: Clock,
    *,
    actor_id: int | None,
    action: AuditAction,
    subject_type: str | None = None,
    subject_id: str | int | None = None,
    detail: Mapping[str, Any] | None = None,
    at: str | None = None,
) -> AuditEntryId:
    """Add an entry. Must run inside the caller's ``database.transaction()``."""
    last = database.one("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
    entry_id = 1 if last is None else int(last["id"]) + 1
    prev_hash = GENESIS if last is None else str(last["hash"])
    when = at or to_text(clock.now())
    subject = None if subject_id is None else str(subject_id)
    detail_json = json.dumps(dict(detail or {}), sort_keys=True, ensure_ascii=False)
    digest = _hash(prev_hash, entry_id, when, actor_id, action.value, subject_type, subject, detail_json)
    database.execute(
        "INSERT INTO audit_log (id, at, actor_id, action, subject_type, subject_id, detail, "
        "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry_id, when, actor_id, action.value, subject_type, subject, detail_json, prev_hash, digest),
    )
    return AuditEntryId(entry_id)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=AuditEntryId(int(row["id"])),
        at=str(row["at"]),
        actor_id=None if row["actor_id"] is None else int(row["actor_id"]),
        action=str(row["action"]),
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        detail=json.loads(row["detail"]),
        prev_hash=str(row["prev_hash"]),
        hash=str(row["hash"]),
    )


@dataclass(frozen=True)
class AuditFilter:
    """What the audit screen narrows by; every part optional.

    ``since`` (inclusive) and ``until`` (exclusive) are stored timestamps (``clock.to_text``), so
    the screen turns the manager's local dates into exact instants.
    """

    actor_id: int | None = None
    action: str | None = None
    since: str | None = None
    until: str | None = None


def entries(
    database: Database,
    *,
    limit: int = 200,
    before: int | None = None,
    where: AuditFilter | None = None,
) -> list[AuditEntry]:
    """Newest first, ``limit`` at a time; pass the last id seen as ``before`` for the next page."""
    clauses: list[str] = []
    params: list[object] = []
    chosen = where or AuditFilter()
    if before is not None:
        clauses.append("id < ?")
        params.append(before)
    if chosen.actor_id is not None:
        clauses.append("actor_id = ?")
        params.append(chosen.actor_id)
    if chosen.action:
        clauses.append("action = ?")
        params.append(chosen.action)
    if chosen.since:
        clauses.append("at >= ?")
        params.append(chosen.since)
    if chosen.until:
        clauses.append("at < ?")
        params.append(chosen.until)
    sql = "SELECT * FROM audit_log"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    rows = database.query(f"{sql} ORDER BY id DESC LIMIT ?", (*params, limit))
    return [_entry(r) for r in rows]


VERIFY_PAGE = 5000  # entries read at a time: ten years' log is ~185,000, ~190 MB read whole


def _in_pages(database: Database) -> Iterator[Any]:
    """Every entry in id order, a page at a time, so memory does not grow with the log."""
    last = 0
    while True:
        rows = database.query("SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?", (last, VERIFY_PAGE))
        yield from rows
        if len(rows) < VERIFY_PAGE:
            return
        last = int(rows[-1]["id"])


def verify(database: Database) -> ChainReport:
    """Walk the chain from the first entry; report the first entry that does not fit."""
    expected_id = 1
    prev_hash = GENESIS
    checked = 0
    for row in _in_pages(database):
        entry_id = int(row["id"])
        problem = None
        if entry_id != expected_id:
            problem = "an entry before it is missing or entries were reordered"
        elif row["prev_hash"] != prev_hash:
            problem = "it does not follow on from the entry before it"
        elif row["hash"] != _hash(
            prev_hash,
            entry_id,
            row["at"],
            row["actor_id"],
            row["action"],
            row["subject_type"],
            row["subject_id"],
            row["detail"],
        ):
            problem = "its content was changed after it was written"
        if problem:
            return ChainReport(
                ok=False,
                entries_checked=checked,
                first_broken=entry_id,
                sentence=(
                    f"The audit log has been tampered with or damaged at entry {entry_id}: "
                    f"{problem}. Keep this copy for investigation and tell the manager."
                ),
            )
        checked += 1
        expected_id += 1
        prev_hash = str(row["hash"])
    return ChainReport(
        ok=True,
        entries_checked=checked,
        first_broken=None,
        sentence=f"The audit log is intact ({checked:,} entries checked).",
    )
