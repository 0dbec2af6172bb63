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
from app.consents import ConsentDetails, KindDetails
from app.documents import DocumentKind
from app.errors import PermissionDenied, ValidationError
from app.parent_contacts import ContactKind, NewParentContact
from app.policies import PolicyDetails
from app.policy import permissions
from app.policy.permissions import Action, Role, Scope
from app.policy.retention import RecordKind
from app.policy.sharing_path import Answer, LawfulBasis, Question, SpecialCondition
from app.session import Session
from app.settings import AUTO_LOCK_MINUTES, PROVIDER_NAME
from app.sharing import (
    Channel,
    ChosenItem,
    Direction,
    FamilyTold,
    FollowUpKind,
    Intake,
    NewFollowUp,
    OutcomeDraft,
)
from app.staff import NewStaff
from app.subject_access import NewRequest
from tests.conftest import MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest

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
    # Not a row of the architecture page: the issue gives subject access requests to the DSL
    # and the manager.
    Action.SUBJECT_ACCESS: {M: Scope.ALL, D: Scope.ALL},
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
    share_id: int  # opened by the manager, to share without consent, outcome filled in
    ready_id: int  # opened by the manager, with consent, ready to finalise
    final_id: int  # finalised by the manager, with one follow-up
    followup_id: int
    transfer_id: int
    own_share_id: int | None  # opened by the person, when their role may open one
    consent_id: int  # the mother's registration declaration, given on a signed form
    form_id: int  # the scan of that form

    def readable_concern(self) -> int:
        return self.own_concern_id or self.concern_id

    def readable_share(self) -> int:
        return self.own_share_id or self.share_id

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
    (Action.SHARING_INTAKE, "sharing.open", lambda w: w.session.sharing.open(request(w.child_id))),
    (Action.SHARING_INTAKE, "sharing.mine", lambda w: w.session.sharing.mine(search="anytown")),
    (
        Action.SHARING_INTAKE,
        "sharing.update_intake",
        lambda w: w.session.sharing.update_intake(w.readable_share(), request(w.child_id)),
    ),
    (Action.SHARING_READ, "sharing.get", lambda w: w.session.sharing.get(w.readable_share())),
    (Action.SHARING_READ, "sharing.for_child", lambda w: w.session.sharing.for_child(w.child_id)),
    (Action.SHARING_DECIDE, "sharing.queue", lambda w: w.session.sharing.queue(include_final=True)),
    (Action.SHARING_DECIDE, "sharing.counts", lambda w: w.session.sharing.counts()),
    (
        Action.SHARING_DECIDE,
        "sharing.save_answers",
        lambda w: w.session.sharing.save_answers(w.share_id, {Question.PURPOSE: Answer.YES}),
    ),
    (
        Action.SHARING_DECIDE,
        "sharing.record_advice",
        lambda w: w.session.sharing.record_advice(
            w.share_id, question=Question.PURPOSE, adviser="LADO", advice="Share", child_named=False
        ),
    ),
    (Action.SHARING_DECIDE, "sharing.item_choices", lambda w: w.session.sharing.item_choices(w.share_id)),
    (
        Action.SHARING_DECIDE,
        "sharing.save_outcome",
        lambda w: w.session.sharing.save_outcome(w.share_id, OutcomeDraft(reasons="Changed")),
    ),
    (
        Action.SHARING_DECIDE,
        "sharing.confirm_backing",
        lambda w: w.session.sharing.confirm_backing(
            w.share_id, username=MANAGER_USERNAME, password=MANAGER_PASSWORD
        ),
    ),
    (Action.SHARING_DECIDE, "sharing.may_consult_instead", lambda w: w.session.sharing.may_consult_instead()),
    (
        Action.SHARING_DECIDE,
        "sharing.record_consulted",
        # Allowed roles reach the rule that a second manager works here, past the permission check.
        lambda w: refused_for_content(
            lambda: w.session.sharing.record_consulted(w.share_id, consulted="Chair", how="Phone")
        ),
    ),
    (Action.SHARING_DECIDE, "sharing.finalise", lambda w: w.session.sharing.finalise(w.ready_id)),
    (
        Action.SHARING_DECIDE,
        "sharing.add_followup",
        lambda w: w.session.sharing.add_followup(w.final_id, NewFollowUp(FollowUpKind.REVIEW, SEEN.date())),
    ),
    (
        Action.SHARING_DECIDE,
        "sharing.complete_followup",
        lambda w: w.session.sharing.complete_followup(w.followup_id, note="Done"),
    ),
    (
        Action.SHARING_DECIDE,
        "sharing.amend",
        lambda w: w.session.sharing.amend(w.final_id, field="reasons", new_text="Clearer", reason="Typo"),
    ),
    (
        Action.SHARING_DECIDE,
        "transfers.record_sent",
        lambda w: w.session.transfers.record_sent(
            w.child_id, receiving_setting="School", sent_how="By hand", sent_on=SEEN.date()
        ),
    ),
    (
        Action.SHARING_DECIDE,
        "transfers.record_receipt",
        lambda w: w.session.transfers.record_receipt(w.transfer_id, received_on=SEEN.date()),
    ),
    (Action.SHARING_DECIDE, "transfers.waiting", lambda w: w.session.transfers.waiting()),
    (Action.SHARING_DECIDE, "transfers.for_child", lambda w: w.session.transfers.for_child(w.child_id)),
    (Action.SHARING_DECIDE, "transfers.overdue_count", lambda w: w.session.transfers.overdue_count()),
    # Consents and printed forms: read like the child's record, recorded like a change to it.
    (Action.CHILD_READ, "consents.kinds", lambda w: w.session.consents.kinds()),
    (Action.CHILD_READ, "consents.for_child", lambda w: w.session.consents.for_child(w.child_id)),
    (Action.CHILD_READ, "consents.get", lambda w: w.session.consents.get(w.consent_id)),
    (Action.CHILD_READ, "consents.history", lambda w: w.session.consents.history(w.consent_id)),
    (Action.CHILD_READ, "consents.open_form", lambda w: w.session.consents.open_form(w.form_id)),
    (Action.CHILD_READ, "consents.gaps", lambda w: w.session.consents.gaps()),
    (Action.CHILD_READ, "consents.answers_for", lambda w: w.session.consents.answers_for([w.child_id])),
    (Action.CHILD_READ, "forms.branding", lambda w: w.session.forms.branding()),
    (Action.CHILD_READ, "forms.privacy_facts", lambda w: w.session.forms.privacy_facts()),
    (Action.CHILD_READ, "forms.kinds", lambda w: w.session.forms.kinds()),
    (
        Action.CHILD_READ,
        "documents.printed(blank forms)",
        lambda w: w.session.documents.printed(DocumentKind.BLANK_FORMS, pages=4),
    ),
    (
        Action.CHILD_EDIT,
        "consents.record",
        lambda w: w.session.consents.record(
            w.child_id, w.carer_ids[1], 3, ConsentDetails("requested", SEEN.date())
        ),
    ),
    (
        Action.CHILD_EDIT,
        "consents.withdraw",
        lambda w: w.session.consents.withdraw(w.consent_id, on=SEEN.date(), how="in_writing"),
    ),
    (
        Action.CHILD_EDIT,
        "consents.attach_form",
        lambda w: w.session.consents.attach_form(w.consent_id, b"%PDF-1.4 second page"),
    ),
    (Action.CHILD_EDIT, "forms.family", lambda w: w.session.forms.family(w.child_id, w.carer_ids[1])),
    (Action.CHILD_EDIT, "forms.families", lambda w: w.session.forms.families([w.child_id])),
    (Action.CHILD_EDIT, "forms.starters", lambda w: w.session.forms.starters(room="Acorns")),
    (
        Action.CHILD_EDIT,
        "documents.printed(family forms)",
        lambda w: w.session.documents.printed(
            DocumentKind.FAMILY_FORMS, pages=4, batch=[("child", w.child_id)]
        ),
    ),
    (
        Action.CHILD_FAMILY,
        "consents.remove_form",
        lambda w: w.session.consents.remove_form(w.form_id, "Another family's form"),
    ),
    (
        Action.SETTINGS_MANAGE,
        "consents.add_kind",
        lambda w: w.session.consents.add_kind(KindDetails("Photographs", "Photos for our displays.")),
    ),
    (
        Action.SETTINGS_MANAGE,
        "consents.update_kind",
        lambda w: w.session.consents.update_kind(3, KindDetails("Moving on", "Summaries to the school.")),
    ),
    (
        Action.SETTINGS_MANAGE,
        "consents.set_kind_active",
        lambda w: w.session.consents.set_kind_active(3, False),
    ),
    (Action.SETTINGS_MANAGE, "forms.set_logo", lambda w: w.session.forms.set_logo(None)),
    # Retention and disposal: the manager only. Nothing in this world is past its period, so keep
    # and destroy reach their own refusal, past the permission check, for the manager.
    (Action.RETENTION_MANAGE, "retention.queue", lambda w: w.session.retention.queue()),
    (Action.RETENTION_MANAGE, "retention.due_count", lambda w: w.session.retention.due_count()),
    (Action.RETENTION_MANAGE, "retention.reminders", lambda w: w.session.retention.reminders()),
    (
        Action.RETENTION_MANAGE,
        "retention.keep",
        lambda w: refused_for_content(
            lambda: w.session.retention.keep(
                RecordKind.CHILD_RECORD,
                w.child_id,
                reason="Claim open",
                review_on=SEEN.date().replace(year=2027),
            )
        ),
    ),
    (Action.RETENTION_MANAGE, "retention.holds", lambda w: w.session.retention.holds(include_lifted=True)),
    (
        Action.RETENTION_MANAGE,
        "retention.place_hold",
        lambda w: w.session.retention.place_hold(w.child_id, reason="Safeguarding practice review"),
    ),
    (
        Action.RETENTION_MANAGE,
        "retention.lift_hold",
        lambda w: w.session.retention.lift_hold(
            w.session.retention.place_hold(None, reason="Inquiry").id, reason="Inquiry over"
        ),
    ),
    (
        Action.RETENTION_MANAGE,
        "retention.destroy",
        lambda w: refused_for_content(
            lambda: w.session.retention.destroy(RecordKind.CHILD_RECORD, w.child_id)
        ),
    ),
    (Action.RETENTION_MANAGE, "retention.destructions", lambda w: w.session.retention.destructions(2026)),
    (Action.RETENTION_MANAGE, "retention.backups_note", lambda w: w.session.retention.backups_note()),
    # Subject access requests: the manager and DSL. Each call meets a request (or an item) put
    # straight into the database, so it is that method's own check that refuses.
    (
        Action.SUBJECT_ACCESS,
        "subject_access.record",
        lambda w: w.session.subject_access.record(
            NewRequest(w.child_id, "Anna Nowak", w.carer_ids[0], "", SEEN.date(), "Known to staff")
        ),
    ),
    (Action.SUBJECT_ACCESS, "subject_access.queue", lambda w: w.session.subject_access.queue()),
    (Action.SUBJECT_ACCESS, "subject_access.due_counts", lambda w: w.session.subject_access.due_counts()),
    (Action.SUBJECT_ACCESS, "subject_access.reminders", lambda w: w.session.subject_access.reminders()),
    (Action.SUBJECT_ACCESS, "subject_access.get", lambda w: w.session.subject_access.get(sar_row(w))),
    (
        Action.SUBJECT_ACCESS,
        "subject_access.extend",
        lambda w: w.session.subject_access.extend(sar_row(w), reason="Records from two agencies"),
    ),
    (
        Action.SUBJECT_ACCESS,
        "subject_access.set_cover_note",
        lambda w: w.session.subject_access.set_cover_note(sar_row(w), "Dear Anna"),
    ),
    (Action.SUBJECT_ACCESS, "subject_access.gather", lambda w: w.session.subject_access.gather(sar_row(w))),
    (Action.SUBJECT_ACCESS, "subject_access.items", lambda w: w.session.subject_access.items(sar_row(w))),
    (
        Action.SUBJECT_ACCESS,
        "subject_access.decide",
        lambda w: w.session.subject_access.decide(sar_item_row(w), withhold=False),
    ),
    (Action.SUBJECT_ACCESS, "subject_access.pack", lambda w: w.session.subject_access.pack(sar_row(w))),
    (
        Action.SUBJECT_ACCESS,
        "subject_access.release",
        lambda w: w.session.subject_access.release(sar_request_of(w, sar_item_row(w))),
    ),
    (
        Action.SUBJECT_ACCESS,
        "documents.printed(subject access pack)",
        lambda w: w.session.documents.printed(
            DocumentKind.SUBJECT_ACCESS_PACK, pages=3, about=("child", w.child_id)
        ),
    ),
    # The policy register and the information-sharing protocol: read for the annual review,
    # changed by the manager. (Confirming the policy needs no action: see tests/app/test_policies.py.)
    (Action.REVIEW_PACK, "policies.register", lambda w: w.session.policies.register(include_retired=True)),
    (Action.REVIEW_PACK, "policies.protocol", lambda w: w.session.policies.protocol()),
    (Action.REVIEW_PACK, "policies.reminders", lambda w: w.session.policies.reminders()),
    (Action.REVIEW_PACK, "policies.acknowledgements", lambda w: w.session.policies.acknowledgements()),
    (Action.SETTINGS_MANAGE, "policies.add", lambda w: w.session.policies.add(PolicyDetails("Complaints"))),
    (
        Action.SETTINGS_MANAGE,
        "policies.update",
        lambda w: w.session.policies.update(1, PolicyDetails("Confidentiality", "2", staff_acknowledge=True)),
    ),
    (
        Action.SETTINGS_MANAGE,
        "policies.mark_reviewed",
        lambda w: w.session.policies.mark_reviewed(1, on=SEEN.date(), reviewed_by="Zoë Adams", signed_by=""),
    ),
    (Action.SETTINGS_MANAGE, "policies.set_active", lambda w: w.session.policies.set_active(1, True)),
    (
        Action.SETTINGS_MANAGE,
        "policies.set_protocol",
        lambda w: w.session.policies.set_protocol(
            tier2_signatory=True, tier2_signed_on=SEEN.date(), contract_on=SEEN.date()
        ),
    ),
    # The annual review pack: figures only, for the committee reviewer as well.
    (Action.REVIEW_PACK, "review_pack.years", lambda w: w.session.review_pack.years()),
    (Action.REVIEW_PACK, "review_pack.figures", lambda w: w.session.review_pack.figures(2026)),
    (
        Action.REVIEW_PACK,
        "documents.printed(review pack)",
        lambda w: w.session.documents.printed(DocumentKind.REVIEW_PACK, pages=14),
    ),
    # Backups: made by a manager; when the last one was made is shown to those who see the review.
    (Action.BACKUP_MANAGE, "backups.make", lambda w: w.session.backups.make(w.made.folder)),
    (Action.REVIEW_PACK, "backups.last", lambda w: w.session.backups.last()),
]


def sar_row(w: World) -> int:
    """An open subject access request from the mother, written without the core."""
    with w.session.context.database.transaction() as tx:
        return tx.execute(
            "INSERT INTO sar_request (child_id, requester_name, carer_id, received_on, identity_checked, "
            "due_on, recorded_by, recorded_at) VALUES (?, 'Anna Nowak', ?, '2026-08-28', 'Known to staff', "
            "'2026-09-28', 1, '2026-09-01T08:00:00.000000+00:00')",
            (w.child_id, w.carer_ids[0]),
        )


def sar_item_row(w: World) -> int:
    """One gathered item (nothing to decide) of a new request, written without the core."""
    request = sar_row(w)
    with w.session.context.database.transaction() as tx:
        return tx.execute(
            "INSERT INTO sar_item (request_id, section, source_id, label, content) "
            "VALUES (?, 'child', 1, 'The child''s record', 'Legal name: Łucja Nowak')",
            (request,),
        )


def sar_request_of(w: World, item_id: int) -> int:
    return int(w.session.context.database.scalar("SELECT request_id FROM sar_item WHERE id = ?", (item_id,)))


def refused_for_content(call: Callable[[], object]) -> None:
    try:
        call()
    except ValidationError:
        pass


SEEN = datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
VISIT = VisitDetails("Ayşe Demir", "Health visiting", SEEN, "Two-year check", supervised_by=1)
CARER = CarerDetails("Søren Nowak", "Grandfather", parental_responsibility=False, lives_with=False)
FATHER = CarerDetails(
    "Piotr Nowak", "Father", parental_responsibility=True, lives_with=False, phone="07700 900123"
)
CONTACT = ContactDetails("Aoife Byrne", "07700 900456", "Neighbour", may_collect=True)
PROFESSIONAL = ProfessionalDetails("Speech and language", "Kwame Mensah", "Therapist", from_date="2026-01-05")


def request(child_id: int) -> Intake:
    return Intake(
        Direction.REQUEST,
        Channel.EMAIL,
        SEEN,
        (child_id,),
        "Attendance this term",
        requester_org="Anytown Children's Social Care",
        requester_name="Αλέξανδρος Παπαδόπουλος",
    )


def _decided(manager: Session, child_id: int, answers: dict[Question, Answer], **outcome: object) -> int:
    share = manager.sharing.open(request(child_id)).id
    manager.sharing.save_answers(share, answers, consent_reason="Asking would raise the risk.")
    manager.sharing.save_outcome(
        share,
        OutcomeDraft(
            reasons="To keep the child safe.",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            special_condition=SpecialCondition.SAFEGUARDING,
            recipient_name="Αλέξανδρος Παπαδόπουλος",
            recipient_org="Anytown Children's Social Care",
            shared_how="Secure email",
            secured_how="Encrypted",
            shared_on=SEEN.date(),
            family_told=FamilyTold.TOLD,
            items=(ChosenItem(f"child:{child_id}", outcome.pop("nature")),),  # type: ignore[arg-type]
        ),
    )
    return int(share)


YES = {Question.PURPOSE: Answer.YES, Question.IDENTIFIABLE: Answer.YES, Question.CONFIDENTIAL: Answer.YES}
WITHOUT_CONSENT = {
    **YES,
    Question.CHILD_AT_RISK: Answer.YES,
    Question.CONSENT: Answer.NOT_SOUGHT,
    Question.OTHER_REASON: Answer.PUBLIC_FUNCTION,
}
WITH_CONSENT = {**YES, Question.CHILD_AT_RISK: Answer.NO, Question.CONSENT: Answer.GIVEN}


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
    share = _decided(manager, child.id, WITHOUT_CONSENT, nature="fact")
    ready = _decided(manager, child.id, WITH_CONSENT, nature="fact")
    final_id = _decided(manager, child.id, WITH_CONSENT, nature="fact")
    final = manager.sharing.finalise(final_id, [NewFollowUp(FollowUpKind.CONFIRM_RECEIPT, SEEN.date())])
    transfer = manager.transfers.record_sent(
        child.id, receiving_setting="St Mary's", sent_how="By hand", sent_on=SEEN.date()
    )
    consent = manager.consents.record(
        child.id,
        child.carers[0].id,
        1,
        ConsentDetails("given", SEEN.date(), "signed_form", form=b"%PDF-1.4 signed declaration"),
    )
    form_id = manager.consents.history(consent.id)[0].forms[0].id
    made.session.close()
    session = made.vault.sign_in("Дмитрий", PASSWORD)
    assert session.roles == frozenset({role})
    own = None
    if session.may(Action.CONCERN_CREATE):
        own = int(session.concerns.log(NewConcern(child.id, SEEN, 1, "Quiet all morning.")).id)
    own_share = None
    if session.may(Action.SHARING_INTAKE):
        own_share = int(session.sharing.open(request(child.id)).id)
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
        share,
        ready,
        final_id,
        int(final.followups[0].id),
        int(transfer.id),
        own_share,
        int(consent.id),
        int(form_id),
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
