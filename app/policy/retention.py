"""How long each kind of record is kept: the guidance table as data, in plain words for parents.

The periods are the defaults of the guidance (IRMS toolkit, NDNA and Pre-school Learning Alliance
guidance, policy 002 §8.6). The manager can change each period (``app.settings``); the privacy
notice prints whatever is set, so what parents are told is what the program does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.clock import add_months


class RecordKind(StrEnum):
    SAFEGUARDING = "safeguarding"
    CHILD_RECORD = "child_record"
    ACCIDENT = "accident"
    PARENT_CONTACT = "parent_contact"


class Basis(StrEnum):
    """What the period is counted from."""

    BIRTH = "birth"  # "until the child is 25": counted from the date of birth
    LEAVING = "leaving"  # "3 years after the child leaves"
    RECORDED = "recorded"  # "7 years after it was written"


@dataclass(frozen=True)
class RetentionRule:
    kind: RecordKind
    basis: Basis
    months: int

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def held(self) -> str:
        """What this rule covers, in words for parents."""
        return KIND_FOR_PARENTS[self.kind]

    @property
    def period(self) -> str:
        """The period in plain words: "until your child is 25 years old"."""
        span = years_and_months(self.months)
        if self.basis is Basis.BIRTH:
            return f"until your child is {span} old"
        if self.basis is Basis.LEAVING:
            return f"for {span} after your child leaves us"
        return f"for {span} after it was written"


def years_and_months(months: int) -> str:
    """300 -> "25 years"; 255 -> "21 years and 3 months"; 1 -> "1 month"."""
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if rest or not years:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " and ".join(parts)


KIND_LABELS = {
    RecordKind.SAFEGUARDING: "Safeguarding and child-protection records, information-sharing decisions",
    RecordKind.CHILD_RECORD: "The child's general record, registration forms, consents and attendance",
    RecordKind.ACCIDENT: "Accident, incident and medication records",
    RecordKind.PARENT_CONTACT: "Notes of contact with parents",
}
KIND_FOR_PARENTS = {
    RecordKind.SAFEGUARDING: (
        "Any safeguarding or child-protection record, and our decisions about sharing it"
    ),
    RecordKind.CHILD_RECORD: "Your child's record, registration forms, consent forms and attendance",
    RecordKind.ACCIDENT: "Records of accidents, incidents and medicines given",
    RecordKind.PARENT_CONTACT: "Notes of our contact with you",
}

# The guidance table. Parent contact notes: "7 years, or until the child is 25" -- Sharewise
# counts the 7 years; a review before destruction catches the child still under 25.
DEFAULT_RULES: tuple[RetentionRule, ...] = (
    RetentionRule(RecordKind.SAFEGUARDING, Basis.BIRTH, 25 * 12),
    RetentionRule(RecordKind.CHILD_RECORD, Basis.LEAVING, 3 * 12),
    RetentionRule(RecordKind.ACCIDENT, Basis.BIRTH, 21 * 12 + 3),
    RetentionRule(RecordKind.PARENT_CONTACT, Basis.RECORDED, 7 * 12),
)
MIN_MONTHS = 1
MAX_MONTHS = 100 * 12

# Issue 8 keeps 7 daily, 4 weekly and 12 monthly backups: a record destroyed today is gone from
# every automatic backup once the oldest monthly one made before today has rotated out.
BACKUP_ROTATION_MONTHS = 12

# The kinds in a few words, for a table column.
KIND_SHORT_LABELS = {
    RecordKind.SAFEGUARDING: "Safeguarding records",
    RecordKind.CHILD_RECORD: "General record",
    RecordKind.ACCIDENT: "Accident records",
    RecordKind.PARENT_CONTACT: "Parent contact notes",
}


def rule_for_staff(rule: RetentionRule) -> str:
    """The rule in words for the destruction log and the manager: "Until the child is 25 years
    old", "3 years after the child leaves", "7 years after it was written"."""
    span = years_and_months(rule.months)
    if rule.basis is Basis.BIRTH:
        return f"Until the child is {span} old"
    if rule.basis is Basis.LEAVING:
        return f"{span} after the child leaves"
    return f"{span} after it was written"


def due_on(rule: RetentionRule, *, born: date, left: date | None, recorded: date | None) -> date | None:
    """The day a record falls due for review under ``rule``: its basis date plus the rule's
    calendar months (29 February + 25 years is 28 February). None when the basis date is not
    known yet: a child still on roll has no leaving date, so nothing counts from it."""
    if rule.basis is Basis.BIRTH:
        return add_months(born, rule.months)
    start = left if rule.basis is Basis.LEAVING else recorded
    return None if start is None else add_months(start, rule.months)
