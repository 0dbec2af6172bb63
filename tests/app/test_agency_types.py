"""Agency types from an organisation's name, as the review pack counts them. Fictional names."""

from __future__ import annotations

import pytest

from app.policy.agency_types import AgencyType, classify

SOCIAL_CARE, POLICE, HEALTH = AgencyType.SOCIAL_CARE, AgencyType.POLICE, AgencyType.HEALTH
EDUCATION, LEGAL, OTHER = AgencyType.EDUCATION, AgencyType.LEGAL, AgencyType.OTHER


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        ("Anytown Children's Social Care", SOCIAL_CARE),
        ("Anytown Children’s Services", SOCIAL_CARE),  # a curly apostrophe
        ("ANYTOWN MASH", SOCIAL_CARE),
        ("Multi-Agency Safeguarding Hub", SOCIAL_CARE),
        ("Early Help team, Anytown Council", SOCIAL_CARE),
        ("Anyshire LADO", SOCIAL_CARE),
        ("MASH (police desk)", SOCIAL_CARE),  # the hub, whoever sits in it
        ("Anyshire Police", POLICE),
        ("anyshire constabulary, child abuse investigation team", POLICE),
        ("NHS Anytown", HEALTH),
        ("Willow Lane GP surgery", HEALTH),
        ("Health visiting team", HEALTH),
        ("Anytown General Hospital", HEALTH),
        ("CAMHS", HEALTH),
        ("Community midwives", HEALTH),
        ("School nurse, St Mary's Primary", HEALTH),  # health, though "school" is in the name
        ("Speech and Language Therapy", HEALTH),
        ("St Mary's Primary School", EDUCATION),
        ("Little Acorns Nursery", EDUCATION),
        ("Sunflower Pre-school", EDUCATION),
        ("Oakfield Academy", EDUCATION),
        ("Anytown local authority education and SEND team", EDUCATION),
        ("Anytown Family Court", LEGAL),
        ("Cafcass", LEGAL),
        ("Nowak & Ålund Solicitors", LEGAL),
        ("Anytown Council housing", OTHER),
        ("Ofsted", OTHER),
        ("", OTHER),
        ("   ", OTHER),
    ],
)
def test_classify(org: str, expected: AgencyType) -> None:
    assert classify(org) is expected


def test_accents_and_case_do_not_matter() -> None:
    assert classify("NHS") is classify("nhs") is HEALTH
    assert classify("Écoles et Nursery") is EDUCATION
    assert classify("SÓCIAL CÁRE") is SOCIAL_CARE  # folded to "social care"


def test_whole_words_only() -> None:
    # "courtyard" is not a court, "sendings" is not SEND, "gpu" is not a GP.
    assert classify("Courtyard Community Centre") is OTHER
    assert classify("Sendings Ltd") is OTHER
    assert classify("GPU Computers") is OTHER


def test_every_type_has_words_for_the_pack() -> None:
    for kind in AgencyType:
        assert kind.label and kind.label[0].isupper()
