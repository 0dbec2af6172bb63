"""How long each kind of record is kept: the guidance table as data, in plain words for parents.

The periods are the defaults of the guidance (IRMS toolkit, NDNA and Pre-school Learning Alliance
guidance, policy 002 §8.6). The manager can change each period (``app.settings``); the privacy
notice prints whatever is set, so what parents are told is what the program does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
