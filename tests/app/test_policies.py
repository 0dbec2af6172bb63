"""The policy register, the information-sharing protocol and staff acknowledgements, through the core.

A real vault (cheap KDF) and the manual clock (Tuesday 1 September 2026, 09:00 UTC). Fictional
people only, with names in several scripts.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app import audit
from app.audit import AuditAction
from app.clock import ManualClock, local_today
from app.demo import create_demo_vault, demo_accounts
from app.errors import NotFound, PasswordChangeRequired, PermissionDenied, ValidationError, VaultLocked
from app.policies import (
    REVIEW_REMINDER_DAYS,
    AcknowledgementDue,
    PolicyDetails,
    ReviewState,
    acknowledgement_status,
    load_policies,
    protocol_status,
)
from app.policy.permissions import Role
from app.session import Session
from app.settings import PROTOCOL_CONTRACT_ON, PROTOCOL_TIER2_SIGNATORY, PROTOCOL_TIER2_SIGNED_ON
from app.staff import NewStaff
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault
from tests.conftest import MANAGER_NAME, VaultUnderTest

SEEDED = "Information sharing and confidentiality"
PASSWORD = "copper violin garden"
DAY = 24 * 3600


def today(made: VaultUnderTest) -> date:
    return local_today(made.clock)


def seeded_id(session: Session) -> int:
    (policy,) = [p for p in session.policies.register() if p.staff_acknowledge]
    return policy.id


def move_to(made: VaultUnderTest, day: date) -> None:
    """Noon UTC on ``day``: the same calendar day in any time zone from -11 to +11 hours."""
    made.clock.set(datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC))


def refused(call: object, field: str) -> str:
    with pytest.raises(ValidationError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.field == field
    sentence = caught.value.sentence
    assert sentence.endswith(".") and "Traceback" not in sentence
    return sentence


def audit_rows(made: VaultUnderTest, action: AuditAction) -> list[audit.AuditEntry]:
    """Read straight from the log (reading through session.audit would add entries of its own)."""
    db = made.session.context.database
    return [e for e in audit.entries(db, limit=1000) if e.action == action.value]


# --- the register -------------------------------------------------------------------------------


def test_a_new_vault_has_the_confidentiality_policy_marked_for_staff(made_vault: VaultUnderTest) -> None:
    (policy,) = made_vault.session.policies.register()
    assert policy.name == SEEDED and policy.version == "1"
    assert policy.staff_acknowledge and policy.active
    assert policy.state(today(made_vault)) is ReviewState.NO_DATE
    assert ReviewState.NO_DATE.label == "No review date"


def test_the_manager_adds_a_policy_with_names_in_any_script(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    now = today(made_vault)
    added = s.policies.add(
        PolicyDetails(
            name="  Safeguarding and child protection  ",
            version="6",
            adopted_on=date(2019, 3, 4),
            last_reviewed_on=now - timedelta(days=10),
            reviewed_by="Zoë Adams",
            signed_by="Zoë Adams; Αλέξανδρος Παπαδόπουλος (chair); Дмитрий Соколов",
        )
    )
    assert added.name == "Safeguarding and child protection"  # trimmed
    assert added.signed_by.startswith("Zoë Adams; Αλέξανδρος")
    assert not added.staff_acknowledge and added.active
    assert [p.name for p in s.policies.register()] == [SEEDED, added.name]  # in the order added
    assert load_policies(s.context.database) == s.policies.register()
    (entry,) = audit_rows(made_vault, AuditAction.POLICY_ADDED)
    assert (entry.subject_type, entry.subject_id) == ("policy", str(added.id))


@pytest.mark.parametrize(
    ("details", "field", "words"),
    [
        (PolicyDetails(""), "name", "is needed"),
        (PolicyDetails("   "), "name", "is needed"),
        (PolicyDetails("x" * 10_000), "name", "too long"),
        (PolicyDetails("Safe\nguarding"), "name", "line breaks"),
        (PolicyDetails("Safeguarding", version="v" * 41), "version", "too long"),
        (PolicyDetails("Safeguarding", signed_by="Zoë " * 2_500), "signed_by", "too long"),
        (PolicyDetails("Safeguarding", reviewed_by="Z" * 201), "reviewed_by", "too long"),
        (PolicyDetails("Safeguarding", adopted_on=date(2026, 9, 2)), "adopted_on", "in the future"),
        (PolicyDetails("Safeguarding", adopted_on=date(1066, 10, 14)), "adopted_on", "check the year"),
        (PolicyDetails("Safeguarding", last_reviewed_on=date(2027, 1, 1)), "last_reviewed_on", "future"),
        (
            PolicyDetails("Safeguarding", adopted_on=date(2024, 5, 1), last_reviewed_on=date(2024, 4, 30)),
            "last_reviewed_on",
            "before the policy was adopted",
        ),
        (
            PolicyDetails("Safeguarding", last_reviewed_on=date(2026, 3, 1), next_review_on=date(2026, 3, 1)),
            "next_review_on",
            "after the last review",
        ),
        (
            PolicyDetails("Safeguarding", adopted_on=date(2026, 3, 1), next_review_on=date(2025, 3, 1)),
            "next_review_on",
            "after the policy was adopted",
        ),
        (PolicyDetails("Safeguarding", next_review_on=date(2040, 1, 1)), "next_review_on", "10 years"),
        (PolicyDetails("Safeguarding", adopted_on="2026-02-30"), "adopted_on", "not a date"),  # type: ignore[arg-type]
        (PolicyDetails("Safeguarding", staff_acknowledge="yes"), "staff_acknowledge", "yes or no"),  # type: ignore[arg-type]
        (PolicyDetails("information SHARING and confidentiality"), "name", "already a policy"),
    ],
)
def test_what_the_register_refuses(
    made_vault: VaultUnderTest, details: PolicyDetails, field: str, words: str
) -> None:
    s = made_vault.session
    assert words in refused(lambda: s.policies.add(details), field)
    assert len(s.policies.register(include_retired=True)) == 1  # nothing was added
    assert audit_rows(made_vault, AuditAction.POLICY_ADDED) == []


def test_the_next_review_is_twelve_months_after_the_last_unless_given(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    yearly = s.policies.add(PolicyDetails("Complaints", last_reviewed_on=date(2025, 10, 31)))
    assert yearly.next_review_on == date(2026, 10, 31)
    given = s.policies.add(
        PolicyDetails("Whistleblowing", last_reviewed_on=date(2026, 1, 31), next_review_on=date(2026, 7, 31))
    )
    assert given.next_review_on == date(2026, 7, 31)
    never = s.policies.add(PolicyDetails("Lone working", adopted_on=date(2020, 1, 1)))
    assert never.next_review_on is None and never.state(today(made_vault)) is ReviewState.NO_DATE


def test_a_review_on_a_leap_day_falls_due_on_28_february(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    policy = s.policies.add(PolicyDetails("Complaints", last_reviewed_on=date(2026, 2, 1)))
    move_to(made_vault, date(2028, 3, 1))
    reviewed = s.policies.mark_reviewed(
        policy.id, on=date(2028, 2, 29), reviewed_by="Zoë Adams", signed_by=""
    )
    assert reviewed.last_reviewed_on == date(2028, 2, 29)
    assert reviewed.next_review_on == date(2029, 2, 28)


def test_the_state_moves_with_the_clock(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    start = today(made_vault)
    policy = s.policies.add(PolicyDetails("Safeguarding", last_reviewed_on=start))
    due = policy.next_review_on
    assert due is not None
    for day, state in (
        (start, ReviewState.UP_TO_DATE),
        (due - timedelta(days=REVIEW_REMINDER_DAYS + 1), ReviewState.UP_TO_DATE),
        (due - timedelta(days=REVIEW_REMINDER_DAYS), ReviewState.DUE_SOON),
        (due, ReviewState.DUE_SOON),
        (due + timedelta(days=1), ReviewState.OVERDUE),
    ):
        move_to(made_vault, day)
        (found,) = [p for p in s.policies.register() if p.id == policy.id]
        assert found.state(today(made_vault)) is state, day
    assert ReviewState.OVERDUE.label == "Review overdue"


def test_update_changes_the_register_and_audits_the_field_names_only(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    policy = s.policies.add(PolicyDetails("Safeguarding", version="1", reviewed_by="Zoë Adams"))
    details = policy.details()
    changed = s.policies.update(
        policy.id,
        PolicyDetails(
            "Safeguarding and child protection",
            version="2",
            adopted_on=details.adopted_on,
            reviewed_by="Łucja Kowalska-Sentinel",
        ),
    )
    assert (changed.name, changed.version, changed.reviewed_by) == (
        "Safeguarding and child protection",
        "2",
        "Łucja Kowalska-Sentinel",
    )
    (entry,) = audit_rows(made_vault, AuditAction.POLICY_CHANGED)
    assert sorted(entry.detail["fields"]) == ["name", "reviewed_by", "version"]
    assert s.policies.update(policy.id, changed.details()) == changed  # nothing changed: no entry
    assert len(audit_rows(made_vault, AuditAction.POLICY_CHANGED)) == 1
    with pytest.raises(NotFound):
        s.policies.update(9999, changed.details())


def test_marking_a_review(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    now = today(made_vault)
    policy = s.policies.add(
        PolicyDetails(
            "Safeguarding", version="5", adopted_on=date(2020, 1, 6), last_reviewed_on=date(2025, 9, 1)
        )
    )
    kept = s.policies.mark_reviewed(
        policy.id, on=now, reviewed_by="Zoë Adams", signed_by="Αλέξανδρος Παπαδόπουλος"
    )
    assert (kept.version, kept.last_reviewed_on, kept.next_review_on) == ("5", now, date(2027, 9, 1))
    assert (kept.reviewed_by, kept.signed_by) == ("Zoë Adams", "Αλέξανδρος Παπαδόπουλος")
    assert kept.state(now) is ReviewState.UP_TO_DATE
    new = s.policies.mark_reviewed(
        policy.id, on=now, reviewed_by="Zoë Adams", signed_by="", version="6", next_review_on=date(2027, 3, 1)
    )
    assert (new.version, new.next_review_on, new.signed_by) == ("6", date(2027, 3, 1), "")
    entries = audit_rows(made_vault, AuditAction.POLICY_CHANGED)
    assert all(e.detail["review"] is True for e in entries) and len(entries) == 2
    assert "version" in entries[0].detail["fields"]  # newest first


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"on": date(2026, 9, 2)}, "on", "in the future"),
        ({"on": date(2025, 8, 31)}, "on", "before the last review (1 September 2025)"),
        ({"on": None}, "on", "is needed"),
        ({"reviewed_by": ""}, "reviewed_by", "is needed"),
        ({"reviewed_by": "Zoë " * 3000}, "reviewed_by", "too long"),
        ({"next_review_on": date(2026, 8, 1)}, "next_review_on", "after the review"),
        ({"version": "v" * 41}, "version", "too long"),
    ],
)
def test_what_a_review_refuses(
    made_vault: VaultUnderTest, kwargs: dict[str, object], field: str, words: str
) -> None:
    s = made_vault.session
    policy = s.policies.add(PolicyDetails("Safeguarding", last_reviewed_on=date(2025, 9, 1)))
    given: dict[str, object] = {
        "on": today(made_vault),
        "reviewed_by": "Zoë Adams",
        "signed_by": "",
        **kwargs,
    }
    assert words in refused(lambda: s.policies.mark_reviewed(policy.id, **given), field)  # type: ignore[arg-type]
    assert audit_rows(made_vault, AuditAction.POLICY_CHANGED) == []


def test_marking_a_second_policy_for_staff_moves_the_mark(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    first = seeded_id(s)
    second = s.policies.add(PolicyDetails("Confidentiality (2026)", version="1", staff_acknowledge=True))
    marked = [p.id for p in s.policies.register() if p.staff_acknowledge]
    assert marked == [second.id]
    (entry,) = audit_rows(made_vault, AuditAction.POLICY_ADDED)
    assert entry.detail["staff_acknowledge_moved_from"] == first
    back = s.policies.update(first, PolicyDetails(SEEDED, version="1", staff_acknowledge=True))
    assert back.staff_acknowledge
    assert [p.id for p in s.policies.register() if p.staff_acknowledge] == [first]
    assert (
        audit_rows(made_vault, AuditAction.POLICY_CHANGED)[0].detail["staff_acknowledge_moved_from"]
        == second.id
    )


def test_retiring_and_bringing_back(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    photos = s.policies.add(PolicyDetails("Use of photographs (2019)"))
    sentence = refused(lambda: s.policies.set_active(seeded_id(s), False), "active")
    assert "Mark another policy as the one staff confirm first" in sentence
    s.policies.set_active(photos.id, False)
    assert [p.name for p in s.policies.register()] == [SEEDED]
    (retired,) = [p for p in s.policies.register(include_retired=True) if not p.active]
    assert retired.id == photos.id  # kept, never deleted
    assert "retired" in refused(
        lambda: s.policies.mark_reviewed(photos.id, on=today(made_vault), reviewed_by="Zoë", signed_by=""),
        "on",
    )
    assert "retired" in refused(
        lambda: s.policies.update(photos.id, PolicyDetails(photos.name, staff_acknowledge=True)),
        "staff_acknowledge",
    )
    s.policies.add(PolicyDetails("use of photographs (2019)"))
    assert "already a policy" in refused(lambda: s.policies.set_active(photos.id, True), "active")
    s.policies.update(photos.id, PolicyDetails("Use of photographs (2019, old)"))
    s.policies.set_active(photos.id, True)
    assert len(s.policies.register()) == 3
    entry = audit_rows(made_vault, AuditAction.POLICY_CHANGED)[0]
    assert entry.detail == {"fields": ["active"], "active": True}
    with pytest.raises(NotFound):
        s.policies.set_active(9999, False)


# --- the protocol --------------------------------------------------------------------------------


def test_protocol_status_and_the_contract_due_a_year_on(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    blank = s.policies.protocol()
    assert (blank.tier2_signatory, blank.tier2_signed_on, blank.contract_on, blank.contract_due_on) == (
        False,
        None,
        None,
        None,
    )
    assert blank.contract_state(today(made_vault)) is ReviewState.NO_DATE
    s.policies.set_protocol(
        tier2_signatory=True, tier2_signed_on=date(2023, 5, 2), contract_on=date(2025, 10, 31)
    )
    status = s.policies.protocol()
    assert status == protocol_status(s.context.database)
    assert (status.tier2_signatory, status.tier2_signed_on) == (True, date(2023, 5, 2))
    assert (status.contract_on, status.contract_due_on) == (date(2025, 10, 31), date(2026, 10, 31))
    assert status.contract_state(date(2026, 9, 30)) is ReviewState.UP_TO_DATE
    assert status.contract_state(date(2026, 10, 1)) is ReviewState.DUE_SOON
    assert status.contract_state(date(2026, 11, 1)) is ReviewState.OVERDUE
    assert s.settings.get(PROTOCOL_TIER2_SIGNATORY) is True
    assert s.settings.get(PROTOCOL_CONTRACT_ON) == "2025-10-31"
    (entry,) = audit_rows(made_vault, AuditAction.SETTINGS_CHANGED)
    assert sorted(entry.detail["keys"]) == sorted(
        [PROTOCOL_TIER2_SIGNATORY.key, PROTOCOL_TIER2_SIGNED_ON.key, PROTOCOL_CONTRACT_ON.key]
    )
    s.policies.set_protocol(
        tier2_signatory=True, tier2_signed_on=date(2023, 5, 2), contract_on=date(2025, 10, 31)
    )
    assert len(audit_rows(made_vault, AuditAction.SETTINGS_CHANGED)) == 1  # nothing changed
    s.policies.set_protocol(tier2_signatory=False, tier2_signed_on=None, contract_on=None)
    assert s.policies.protocol() == blank


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"contract_on": date(2026, 9, 2)}, "contract_on", "in the future"),
        ({"tier2_signed_on": date(2030, 1, 1)}, "tier2_signed_on", "in the future"),
        ({"contract_on": date(1989, 12, 31)}, "contract_on", "check the year"),
        ({"contract_on": "31/10/2025"}, "contract_on", "not a date"),
        ({"tier2_signatory": False, "tier2_signed_on": date(2024, 1, 1)}, "tier2_signed_on", "not marked"),
        ({"tier2_signatory": "yes"}, "tier2_signatory", "yes or no"),
    ],
)
def test_what_the_protocol_refuses(
    made_vault: VaultUnderTest, kwargs: dict[str, object], field: str, words: str
) -> None:
    s = made_vault.session
    given: dict[str, object] = {
        "tier2_signatory": True,
        "tier2_signed_on": None,
        "contract_on": None,
        **kwargs,
    }
    assert words in refused(lambda: s.policies.set_protocol(**given), field)  # type: ignore[arg-type]
    assert audit_rows(made_vault, AuditAction.SETTINGS_CHANGED) == []


def test_the_protocol_settings_are_changed_only_through_the_policies(made_vault: VaultUnderTest) -> None:
    """The settings screen cannot write a date in the future past the check."""
    with pytest.raises(ValidationError, match="cannot be changed here"):
        made_vault.session.settings.update({PROTOCOL_CONTRACT_ON: "2099-01-01"})
    assert PROTOCOL_CONTRACT_ON.clean("2026-02-28") == "2026-02-28"
    with pytest.raises(ValidationError, match="not a real date"):
        PROTOCOL_CONTRACT_ON.clean("2026-02-30")


# --- reminders -----------------------------------------------------------------------------------


def test_reminders_of_a_new_vault(made_vault: VaultUnderTest) -> None:
    assert [r.text for r in made_vault.session.policies.reminders()] == [
        "Information sharing and confidentiality: no review date is set.",
        "No date is recorded for this year's contract with the council.",
    ]


def test_reminders_say_what_is_due_overdue_first(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    now = today(made_vault)  # 1 September 2026
    s.policies.update(
        seeded_id(s), PolicyDetails(SEEDED, version="1", last_reviewed_on=now, staff_acknowledge=True)
    )
    s.policies.add(PolicyDetails("Safeguarding", last_reviewed_on=date(2025, 9, 20)))  # due in 19 days
    s.policies.add(PolicyDetails("Record keeping", last_reviewed_on=date(2025, 7, 14)))  # overdue
    s.policies.add(PolicyDetails("Online safety", last_reviewed_on=date(2025, 10, 2)))  # due in 31 days
    old = s.policies.add(PolicyDetails("Use of photographs", last_reviewed_on=date(2020, 1, 1)))
    s.policies.set_active(old.id, False)  # retired: never reminded
    s.policies.set_protocol(tier2_signatory=True, tier2_signed_on=None, contract_on=date(2025, 9, 3))
    reminders = s.policies.reminders()
    assert [r.text for r in reminders] == [
        "Record keeping: review overdue since 14 July 2026.",
        "The contract with the council: renewal due on 3 September 2026.",
        "Safeguarding: review due on 20 September 2026.",
    ]
    assert [r.overdue for r in reminders] == [True, False, False]
    assert reminders[0].due_on == date(2026, 7, 14)
    move_to(made_vault, date(2026, 9, 4))
    assert "The contract with the council: renewal overdue since 3 September 2026." in [
        r.text for r in s.policies.reminders()
    ]


def test_a_reminder_when_no_policy_is_marked_and_then_nobody_is_asked(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    s.policies.update(seeded_id(s), PolicyDetails(SEEDED, version="1", staff_acknowledge=False))
    assert "No policy is marked as the one staff confirm." in [r.text for r in s.policies.reminders()]
    assert s.policies.acknowledgement_due() is None
    with pytest.raises(NotFound, match="nothing to confirm"):
        s.policies.acknowledge()
    (me,) = s.policies.acknowledgements()
    assert not me.up_to_date and me.last_at is None


# --- acknowledgements ----------------------------------------------------------------------------


def test_first_sign_in_then_confirmed_then_a_year_later(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    assert s.policies.acknowledgement_due() == AcknowledgementDue(SEEDED, "1", "This is your first sign-in.")
    s.policies.acknowledge()
    assert s.policies.acknowledgement_due() is None
    (entry,) = audit_rows(made_vault, AuditAction.POLICY_ACKNOWLEDGED)
    assert (entry.subject_type, entry.subject_id, entry.actor_id) == ("staff", str(s.me.id), s.me.id)
    (mine,) = s.policies.acknowledgements()
    assert (mine.full_name, mine.policy_version, mine.up_to_date) == (MANAGER_NAME, "1", True)
    assert mine.last_at is not None and mine.last_at.startswith("2026-09-01T09:00")
    move_to(made_vault, date(2027, 8, 31))
    assert s.policies.acknowledgement_due() is None
    move_to(made_vault, date(2027, 9, 1))
    due = s.policies.acknowledgement_due()
    assert due is not None and due.why == "It is a year since you last confirmed it."
    assert not s.policies.acknowledgements()[0].up_to_date
    s.policies.acknowledge()
    assert s.policies.acknowledgement_due() is None


def test_a_new_version_is_confirmed_again(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    s.policies.acknowledge()
    policy = seeded_id(s)
    s.policies.mark_reviewed(policy, on=today(made_vault), reviewed_by="Zoë Adams", signed_by="", version="2")
    assert s.policies.acknowledgement_due() == AcknowledgementDue(
        SEEDED, "2", "The policy has changed (version 2)."
    )
    s.policies.acknowledge()
    assert s.policies.acknowledgement_due() is None
    assert s.policies.acknowledgements()[0].policy_version == "2"


def test_a_newly_marked_policy_is_confirmed_too(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    s.policies.acknowledge()
    s.policies.add(PolicyDetails("Confidentiality (2026)", version="1", staff_acknowledge=True))
    due = s.policies.acknowledgement_due()
    assert due == AcknowledgementDue("Confidentiality (2026)", "1", "You have not confirmed this policy yet.")


def test_what_was_confirmed_keeps_its_name_and_version(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    s.policies.acknowledge()
    policy = seeded_id(s)
    s.policies.update(
        policy, PolicyDetails("Confidentiality and sharing", version="1", staff_acknowledge=True)
    )
    row = s.context.database.one("SELECT policy_name, policy_version FROM policy_acknowledgement")
    assert (row["policy_name"], row["policy_version"]) == (SEEDED, "1")
    assert s.policies.acknowledgement_due() is None  # a new name alone asks nobody again


def test_staff_acknowledgements_by_name_active_staff_only(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    s.policies.acknowledge()
    lucja = made_vault.add_person("lucja", "Łucja Kowalska", {Role.KEY_WORKER}, PASSWORD)
    dmitry = made_vault.add_person("dmitry", "Дмитрий Соколов", {Role.DSL}, "velvet thunder candle")
    made_vault.add_person("lan", "Nguyễn Thị Lan", {Role.REVIEWER}, "silver pebble orchard")
    made_vault.session.close()
    made_vault.sign_in("lucja", PASSWORD).policies.acknowledge()
    made_vault.session.close()
    s = made_vault.sign_in()
    s.staff.deactivate(dmitry)
    found = s.policies.acknowledgements()
    assert [(a.full_name, a.up_to_date) for a in found] == [
        ("Łucja Kowalska", True),
        ("Nguyễn Thị Lan", False),
        ("Zoë Adams", True),
    ]
    assert found[0].staff_id == lucja and found[0].roles == frozenset({Role.KEY_WORKER})
    assert found[1].last_at is None and found[1].policy_version is None
    assert acknowledgement_status(s.context.database, today(made_vault)) == found


@pytest.mark.parametrize("role", list(Role))
def test_everyone_signed_in_confirms_whatever_their_role(made_vault: VaultUnderTest, role: Role) -> None:
    made_vault.add_person("siobhan", "Siobhán Ní Bhriain", {role}, PASSWORD)
    made_vault.session.close()
    person = made_vault.sign_in("siobhan", PASSWORD)
    due = person.policies.acknowledgement_due()
    assert due is not None and due.why == "This is your first sign-in."
    person.policies.acknowledge()
    assert person.policies.acknowledgement_due() is None
    if role is Role.KEY_WORKER:  # confirms the policy, but does not see who else has
        with pytest.raises(PermissionDenied):
            person.policies.acknowledgements()


def test_not_before_the_one_time_password_is_changed_nor_after_the_lock(made_vault: VaultUnderTest) -> None:
    _person, one_time = made_vault.session.staff.add(
        NewStaff("aoife", "Aoife Byrne", frozenset({Role.KEY_WORKER}))
    )
    made_vault.session.close()
    first = made_vault.vault.sign_in("aoife", one_time)
    with pytest.raises(PasswordChangeRequired):
        first.policies.acknowledgement_due()
    with pytest.raises(PasswordChangeRequired):
        first.policies.acknowledge()
    first.change_password(one_time, PASSWORD)
    assert first.policies.acknowledgement_due() is not None
    first.close()
    with pytest.raises(VaultLocked):
        first.policies.acknowledgement_due()
    with pytest.raises(VaultLocked):
        first.policies.acknowledge()
    s = made_vault.sign_in()
    assert s.context.database.scalar("SELECT count(*) FROM policy_acknowledgement") == 0


def test_the_audit_log_names_nobody(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    secrets = ("Sentinel-Policy Ωμέγα", "Łucja Sentinel-Reviewer", "Дмитрий Sentinel-Signer", "v-Sentinel")
    policy = s.policies.add(
        PolicyDetails(secrets[0], version=secrets[3], reviewed_by=secrets[1], signed_by=secrets[2])
    )
    s.policies.update(
        policy.id, PolicyDetails(secrets[0] + " 2", reviewed_by=secrets[1], signed_by=secrets[2])
    )
    s.policies.mark_reviewed(policy.id, on=today(made_vault), reviewed_by=secrets[1], signed_by=secrets[2])
    s.policies.update(seeded_id(s), PolicyDetails(SEEDED, version=secrets[3], staff_acknowledge=True))
    s.policies.acknowledge()
    s.policies.set_protocol(
        tier2_signatory=True, tier2_signed_on=date(2024, 1, 2), contract_on=date(2026, 1, 2)
    )
    log = json.dumps([e.detail for e in audit.entries(s.context.database, limit=1000)], ensure_ascii=False)
    for secret in (*secrets, SEEDED, MANAGER_NAME):
        assert secret not in log


# --- the demo vault ------------------------------------------------------------------------------


def test_the_demo_register_protocol_and_acknowledgements(tmp_path: Path) -> None:
    """Reviews due and overdue, a retired policy, the contract due soon; most staff up to date, one
    never confirmed and one a year ago; the first demo account (the manager, whom the README and
    the real-window test sign in) goes straight to work."""
    now = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    made = create_demo_vault(tmp_path / "demo", keyring=DeviceKeyring(None), clock=ManualClock(now))
    clock = ManualClock(now + timedelta(minutes=5))
    vault = Vault.open(made.folder, keyring=DeviceKeyring(None), clock=clock)
    try:
        first = demo_accounts()[0]
        s = vault.sign_in(first.username, first.password)
        on = local_today(clock)
        register = s.policies.register(include_retired=True)
        states = [p.state(on) for p in register if p.active]
        assert {ReviewState.UP_TO_DATE, ReviewState.DUE_SOON, ReviewState.OVERDUE} <= set(states)
        assert any(not p.active for p in register)
        assert [p.name for p in register if p.staff_acknowledge] == [SEEDED]
        protocol = s.policies.protocol()
        assert protocol.tier2_signatory and protocol.contract_state(on) is ReviewState.DUE_SOON
        assert any(r.overdue for r in s.policies.reminders())
        status = {a.full_name: a for a in s.policies.acknowledgements()}
        assert set(status) == {a.full_name for a in demo_accounts()}
        never = [a for a in status.values() if a.last_at is None]
        stale = [a for a in status.values() if a.last_at is not None and not a.up_to_date]
        assert len(never) == 1 and len(stale) == 1
        assert sum(a.up_to_date for a in status.values()) == len(status) - 2
        assert status[first.full_name].up_to_date and s.policies.acknowledgement_due() is None
        s.close()
    finally:
        vault.close()
