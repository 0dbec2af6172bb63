"""The child-protection file sent on when a child leaves: recorded, overdue after 5 school days
without a receipt, the receipt recorded once. Fictional people only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.children import ChildDetails, ChildId
from app.errors import PermissionDenied, ValidationError
from app.policy.permissions import Role
from app.transfers import add_school_days
from tests.conftest import VaultUnderTest


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        (date(2026, 9, 1), date(2026, 9, 8)),  # Tuesday -> next Tuesday
        (date(2026, 9, 4), date(2026, 9, 11)),  # Friday -> next Friday
        (date(2026, 9, 5), date(2026, 9, 11)),  # sent on a Saturday: Monday is the first school day
        (date(2026, 12, 31), date(2027, 1, 7)),  # across the year end
    ],
)
def test_five_school_days_skip_weekends(sent: date, due: date) -> None:
    assert add_school_days(sent, 5) == due


@pytest.fixture
def leaver(made_vault: VaultUnderTest) -> ChildId:
    return made_vault.session.children.add(
        ChildDetails(
            legal_name="Αλέξανδρος Γεωργίου",
            date_of_birth="2021-10-02",
            start_date="2023-09-01",
            leaving_date="2026-08-31",
            destination="St Łucja's Primary School",
        )
    ).id


def test_a_transfer_without_receipt_is_overdue_after_five_school_days(
    made_vault: VaultUnderTest, leaver: int
) -> None:
    s = made_vault.session
    sent = s.transfers.record_sent(
        leaver,
        receiving_setting="St Łucja's Primary School",
        receiving_person="Mrs Nguyễn, DSL",
        sent_how="By hand in a sealed envelope, separately from the main record",
        sent_on=date(2026, 9, 1),
    )
    assert sent.receipt_due == date(2026, 9, 8) and sent.sent_by == s.me.full_name
    assert [t.id for t in s.transfers.waiting()] == [sent.id] and s.transfers.overdue_count() == 0
    made_vault.clock.set(datetime(2026, 9, 9, 9, 0, tzinfo=UTC))
    assert s.transfers.overdue_count() == 1 and s.transfers.waiting()[0].overdue(date(2026, 9, 9))
    with pytest.raises(ValidationError, match="before the file was sent"):
        s.transfers.record_receipt(sent.id, received_on=date(2026, 8, 30))
    with pytest.raises(ValidationError, match="in the future"):
        s.transfers.record_receipt(sent.id, received_on=date(2026, 9, 10))
    got = s.transfers.record_receipt(
        sent.id, received_on=date(2026, 9, 9), note="Signed for by the school DSL"
    )
    assert got.received_on == date(2026, 9, 9) and got.receipt_by == s.me.full_name
    assert s.transfers.waiting() == [] and s.transfers.overdue_count() == 0
    assert [t.id for t in s.transfers.for_child(leaver)] == [sent.id]
    with pytest.raises(ValidationError, match="already recorded"):
        s.transfers.record_receipt(sent.id, received_on=date(2026, 9, 9))
    actions = [e.action for e in s.audit.entries(limit=10)]
    assert "transfer.sent" in actions and "transfer.received" in actions


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"receiving_setting": ""}, "Setting or school is needed"),
        ({"sent_how": ""}, "How it was sent is needed"),
        ({"sent_on": None}, "Date sent is needed"),
        ({"sent_on": "2027-01-01"}, "in the future"),
        ({"sent_on": "2019-01-01"}, "before the child was born"),
        ({"sent_on": "next week"}, "not a date"),
    ],
)
def test_bad_transfers_are_refused(
    made_vault: VaultUnderTest, leaver: int, changes: dict[str, object], words: str
) -> None:
    values: dict[str, object] = {
        "receiving_setting": "St Łucja's Primary School",
        "sent_how": "Secure email",
        "sent_on": "2026-09-01",
    }
    values.update(changes)
    with pytest.raises(ValidationError, match=words):
        made_vault.session.transfers.record_sent(leaver, **values)  # type: ignore[arg-type]
    assert made_vault.session.transfers.for_child(leaver) == []


def test_key_workers_do_not_record_transfers(made_vault: VaultUnderTest, leaver: int) -> None:
    made_vault.add_person("siobhán", "Siobhán Ní Bhriain", {Role.KEY_WORKER}, "copper violin garden")
    made_vault.session.close()
    kw = made_vault.vault.sign_in("siobhán", "copper violin garden")
    with pytest.raises(PermissionDenied):
        kw.transfers.record_sent(leaver, receiving_setting="School", sent_how="Post", sent_on="2026-09-01")
    with pytest.raises(PermissionDenied):
        kw.transfers.waiting()


def test_the_receipt_is_never_rewritten_by_a_second_recording(
    made_vault: VaultUnderTest, leaver: int
) -> None:
    s = made_vault.session
    sent = s.transfers.record_sent(leaver, receiving_setting="School", sent_how="Post", sent_on="2026-09-01")
    s.transfers.record_receipt(sent.id, received_on="2026-09-01")
    made_vault.clock.advance(timedelta(days=3).total_seconds())
    with pytest.raises(ValidationError):
        s.transfers.record_receipt(sent.id, received_on="2026-09-03")
    assert s.transfers.for_child(leaver)[0].received_on == date(2026, 9, 1)
