"""The kind of agency an organisation is, worked out from its name (for the annual review pack).

A sharing decision records the organisation as it was typed ("Anytown MASH", "NHS Anytown health
visiting team", "St Mary's Primary School"); there is no agency-type field. The review pack counts
decisions by type, so ``classify`` reads the name for keywords: whole words, case- and
accent-insensitive. The first group that matches wins, and the groups are tried in an order that
settles the usual overlaps: a school nurse is health, not education; a MASH or early help team is
children's social care even if the police sit in it; anything unrecognised is "other".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum

from app.names import fold


class AgencyType(StrEnum):
    SOCIAL_CARE = "social_care"
    POLICE = "police"
    HEALTH = "health"
    EDUCATION = "education"
    LEGAL = "legal"
    OTHER = "other"

    @property
    def label(self) -> str:
        return AGENCY_LABELS[self]


AGENCY_LABELS: Mapping[AgencyType, str] = {
    AgencyType.SOCIAL_CARE: "Children's social care, MASH and early help",
    AgencyType.POLICE: "Police",
    AgencyType.HEALTH: "Health (NHS, GP, health visitors, hospitals, CAMHS, midwives)",
    AgencyType.EDUCATION: "Education (schools, nurseries, local authority education and SEND)",
    AgencyType.LEGAL: "Courts and legal (courts, Cafcass, solicitors)",
    AgencyType.OTHER: "Other, or not known from the name",
}

# Tried in this order; each phrase is matched as whole words after folding.
_RULES: Sequence[tuple[AgencyType, Sequence[str]]] = (
    # Before education: "school" is in the name, but a school nurse is a health professional.
    (AgencyType.HEALTH, ("school nurse", "school nurses", "school nursing")),
    (
        AgencyType.SOCIAL_CARE,
        (
            "social care",
            "social services",
            "social work",
            "social worker",
            "social workers",
            "mash",
            "multi agency safeguarding hub",
            "safeguarding hub",
            "early help",
            "children s services",
            "childrens services",
            "children and families",
            "lado",
            "child protection",
        ),
    ),
    (AgencyType.POLICE, ("police", "constabulary")),
    (
        AgencyType.LEGAL,
        (
            "court",
            "courts",
            "cafcass",
            "solicitor",
            "solicitors",
            "barrister",
            "barristers",
            "legal",
            "tribunal",
        ),
    ),
    (
        AgencyType.HEALTH,
        (
            "nhs",
            "gp",
            "gps",
            "doctor",
            "doctors",
            "surgery",
            "medical",
            "health",
            "health visitor",
            "health visitors",
            "health visiting",
            "hospital",
            "camhs",
            "midwife",
            "midwives",
            "midwifery",
            "paediatric",
            "paediatrics",
            "paediatrician",
            "nurse",
            "nurses",
            "nursing",
            "clinic",
            "speech and language",
        ),
    ),
    (
        AgencyType.EDUCATION,
        (
            "school",
            "schools",
            "nursery",
            "nurseries",
            "pre school",
            "preschool",
            "academy",
            "college",
            "education",
            "send",
            "senco",
            "early years",
            "childminder",
            "playgroup",
        ),
    ),
)

_WORD = re.compile(r"\w+")


def _words(text: str) -> str:
    """Folded words joined by single spaces, with a space at each end for whole-word matching."""
    return " " + " ".join(_WORD.findall(fold(text))) + " "


_FOLDED_RULES = tuple((kind, tuple(_words(p) for p in phrases)) for kind, phrases in _RULES)


def classify(org: str) -> AgencyType:
    """The agency type an organisation's name suggests; ``OTHER`` when none does."""
    words = _words(org)
    for kind, phrases in _FOLDED_RULES:
        if any(phrase in words for phrase in phrases):
            return kind
    return AgencyType.OTHER
