"""When each kind of record falls due: the guidance table's periods counted in calendar months from
the date of birth, the leaving date or the day it was written, leap days included, and the
periods the manager changed in Settings.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.policy.retention import (
    BACKUP_ROTATION_MONTHS,
    DEFAULT_RULES,
    Basis,
    RecordKind,
    RetentionRule,
    due_on,
    rule_for_staff,
)
from app.settings import RETENTION
from tests.conftest import VaultUnderTest

RULES = {rule.kind: rule for rule in DEFAULT_RULES}
SAFEGUARDING = RULES[RecordKind.SAFEGUARDING]
CHILD_RECORD = RULES[RecordKind.CHILD_RECORD]
ACCIDENT = RULES[RecordKind.ACCIDENT]
PARENT_CONTACT = RULES[RecordKind.PARENT_CONTACT]
BORN = date(2022, 6, 15)


def test_the_defaults_are_the_guidance_table() -> None:
    assert (SAFEGUARDING.basis, SAFEGUARDING.months) == (Basis.BIRTH, 300)
    assert (CHILD_RECORD.basis, CHILD_RECORD.months) == (Basis.LEAVING, 36)
    assert (ACCIDENT.basis, ACCIDENT.months) == (Basis.BIRTH, 255)
    assert (PARENT_CONTACT.basis, PARENT_CONTACT.months) == (Basis.RECORDED, 84)
    assert BACKUP_ROTATION_MONTHS == 12


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (date(2022, 6, 15), date(2047, 6, 15)),
        (date(2024, 2, 29), date(2049, 2, 28)),  # 2049 is not a leap year: the 25th birthday is 28 Feb
        (date(2020, 2, 29), date(2045, 2, 28)),
        (date(2023, 12, 31), date(2048, 12, 31)),
    ],
)
def test_safeguarding_records_until_the_child_is_25(born: date, expected: date) -> None:
    assert due_on(SAFEGUARDING, born=born, left=None, recorded=None) == expected
    # Leaving or writing dates do not move it.
    assert due_on(SAFEGUARDING, born=born, left=date(2026, 7, 20), recorded=date(2026, 1, 1)) == expected


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (date(2026, 7, 24), date(2029, 7, 24)),
        (date(2028, 2, 29), date(2031, 2, 28)),  # leap day: three years on is 28 February
        (date(2024, 2, 29), date(2027, 2, 28)),
        (date(2027, 8, 31), date(2030, 8, 31)),
    ],
)
def test_the_general_record_three_years_after_leaving(left: date, expected: date) -> None:
    assert due_on(CHILD_RECORD, born=BORN, left=left, recorded=None) == expected


def test_a_child_on_roll_has_no_date_for_the_general_record() -> None:
    assert due_on(CHILD_RECORD, born=BORN, left=None, recorded=date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (date(2024, 2, 29), date(2045, 5, 29)),  # 21 years and 3 months: May has a 29th
        (date(2022, 8, 31), date(2043, 11, 30)),  # 31 August -> 30 November
        (date(2023, 11, 30), date(2045, 2, 28)),  # into a February that is not a leap year
        (date(2022, 11, 30), date(2044, 2, 29)),  # into a leap February
        (date(2022, 6, 15), date(2043, 9, 15)),
    ],
)
def test_accident_records_until_21_years_and_3_months(born: date, expected: date) -> None:
    assert due_on(ACCIDENT, born=born, left=None, recorded=None) == expected


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        (date(2026, 9, 1), date(2033, 9, 1)),
        (date(2024, 2, 29), date(2031, 2, 28)),  # 7 years on from a leap day
        (date(2028, 2, 29), date(2035, 2, 28)),
    ],
)
def test_parent_contact_notes_seven_years_after_they_were_written(recorded: date, expected: date) -> None:
    assert due_on(PARENT_CONTACT, born=BORN, left=None, recorded=recorded) == expected
    assert due_on(PARENT_CONTACT, born=BORN, left=None, recorded=None) is None


def test_the_rule_in_words_for_the_destruction_log() -> None:
    assert rule_for_staff(SAFEGUARDING) == "Until the child is 25 years old"
    assert rule_for_staff(CHILD_RECORD) == "3 years after the child leaves"
    assert rule_for_staff(ACCIDENT) == "Until the child is 21 years and 3 months old"
    assert rule_for_staff(PARENT_CONTACT) == "7 years after it was written"


def test_the_periods_the_manager_set_in_settings_are_the_ones_counted(made_vault: VaultUnderTest) -> None:
    s = made_vault.session
    s.settings.update(
        {
            RETENTION[RecordKind.SAFEGUARDING]: 26 * 12,
            RETENTION[RecordKind.CHILD_RECORD]: 6 * 12 + 6,
            RETENTION[RecordKind.ACCIDENT]: 22 * 12,
            RETENTION[RecordKind.PARENT_CONTACT]: 10 * 12,
        }
    )
    rules = {rule.kind: rule for rule in s.settings.retention_rules()}
    born = date(2024, 2, 29)
    assert due_on(rules[RecordKind.SAFEGUARDING], born=born, left=None, recorded=None) == date(2050, 2, 28)
    assert due_on(rules[RecordKind.CHILD_RECORD], born=born, left=date(2028, 2, 29), recorded=None) == date(
        2034, 8, 29
    )
    assert due_on(rules[RecordKind.ACCIDENT], born=born, left=None, recorded=None) == date(2046, 2, 28)
    assert due_on(rules[RecordKind.PARENT_CONTACT], born=born, left=None, recorded=date(2026, 9, 1)) == date(
        2036, 9, 1
    )
    assert rule_for_staff(rules[RecordKind.CHILD_RECORD]) == "6 years and 6 months after the child leaves"
    # And a rule made by hand with any period counts the same way.
    assert due_on(
        RetentionRule(RecordKind.CHILD_RECORD, Basis.LEAVING, 1),
        born=born,
        left=date(2027, 1, 31),
        recorded=None,
    ) == date(2027, 2, 28)
