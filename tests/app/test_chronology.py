"""The chronology: one time-ordered view per child, partial for key workers, coded for sending."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app import names
from app.children import CarerDetails, ChildDetails, ProfessionalDetails, VisitDetails
from app.chronology import EntryKind, code_names, coded_reference, heading_for
from app.concerns import NewConcern
from app.errors import PermissionDenied
from app.parent_contacts import NewParentContact
from app.policy.permissions import Role
from tests.conftest import VaultUnderTest


def test_initials_and_coded_reference() -> None:
    assert names.initials("Zoë Okafor") == "Z.O."
    assert names.initials("Nguyễn Thị Lan") == "N.T.L."
    assert names.initials("Αλέξανδρος  Παπαδόπουλος") == "Α.Π."
    assert coded_reference("Łucja Nowak", date(2023, 2, 3)) == "Ł.N. 03/02/2023"


def test_code_names_replaces_whole_words_only() -> None:
    text = "Łucja said Anna Nowak shouted; Annabel was there. ŁUCJA cried."
    assert (
        code_names(text, ["Łucja Nowak", "Anna Nowak"])
        == "Ł. said A. N. shouted; Annabel was there. Ł. cried."
    )


def test_the_chronology_orders_everything_that_happened(made_vault: VaultUnderTest) -> None:
    s, clock = made_vault.session, made_vault.clock
    child = s.children.add(
        ChildDetails(
            legal_name="Łucja Nowak",
            known_as="Lucy",
            date_of_birth="2023-02-03",
            start_date="2025-09-01",
            room="Acorns",
        )
    )
    s.children.add_carer(child.id, CarerDetails("Anna Nowak", "Mother", True, True))
    s.children.add_professional(
        child.id,
        ProfessionalDetails("Social care", "Дмитрий Соколов", "Social worker", from_date="2026-06-01"),
    )
    first = s.concerns.log(
        NewConcern(
            child.id,
            clock.now() - timedelta(days=2),
            1,
            "Bruise on the arm.",
            "Anna did it",
            "Worried",
            dsl_told_at=clock.now() - timedelta(days=2) + timedelta(minutes=10),
            urgent=True,
        )
    )
    s.concerns.amend(first.id, field="facts", new_text="Bruise on the left arm.", reason="Which arm")
    s.concerns.review(first.id, note="Referred to social care.", review_date="2026-09-10")
    s.concerns.add_action(
        first.id, description="Follow up with Anna", assigned_to=s.me.id, due_date="2026-09-05"
    )
    s.children.log_visit(
        child.id,
        VisitDetails(
            "Αλέξανδρος", "Social care", clock.now() - timedelta(hours=3), "Home visit follow-up", s.me.id
        ),
    )
    s.parent_contacts.log(
        NewParentContact(clock.now() - timedelta(hours=1), "call", "Asked why", child_id=child.id)
    )
    clock.advance(60)
    chronology = s.chronology.for_child(child.id)
    kinds = [e.kind for e in chronology.entries]
    assert kinds[0] is EntryKind.STARTED and EntryKind.PROFESSIONAL in kinds
    assert kinds.index(EntryKind.CONCERN) < kinds.index(EntryKind.DSL_TOLD) < kinds.index(EntryKind.VISIT)
    assert [e.at for e in chronology.entries] == sorted(e.at for e in chronology.entries)
    concern_entry = next(e for e in chronology.entries if e.kind is EntryKind.CONCERN)
    assert concern_entry.urgent and "Bruise on the left arm." in concern_entry.detail
    assert "Opinion (not fact): Worried" in concern_entry.detail and "“Anna did it”" in concern_entry.detail
    amendment = next(e for e in chronology.entries if e.kind is EntryKind.AMENDMENT)
    assert "Was: Bruise on the arm." in amendment.detail and "Reason: Which arm" in amendment.detail
    assert (
        chronology.complete
        and heading_for(chronology) == "Chronology for Łucja Nowak (Lucy), born 03/02/2023"
    )
    entry = s.audit.entries(limit=1)[0]
    assert (entry.action, entry.subject_id) == ("chronology.viewed", str(child.id))
    assert entry.detail == {"entries": len(chronology.entries), "coded": False}

    coded = s.chronology.for_child(child.id, coded=True)
    text = " ".join(f"{e.title} {e.detail}" for e in coded.entries) + coded.child_name
    assert "Łucja" not in text and "Anna" not in text and "Nowak" not in text and "Lucy" not in text
    assert heading_for(coded) == "Chronology for Ł.N. 03/02/2023"


def test_a_key_worker_sees_a_partial_chronology_and_cannot_make_a_coded_copy(
    made_vault: VaultUnderTest,
) -> None:
    s, clock = made_vault.session, made_vault.clock
    child = s.children.add(
        ChildDetails(legal_name="Aoife Byrne", date_of_birth="2022-05-05", start_date="2025-01-06")
    )
    s.concerns.log(NewConcern(child.id, clock.now(), 1, "The DSL's own note."))
    made_vault.add_person("siobhán", "Siobhán Ní Bhriain", {Role.KEY_WORKER}, "copper violin garden")
    s = made_vault.session
    s.close()
    kw = made_vault.vault.sign_in("siobhán", "copper violin garden")
    kw.concerns.log(NewConcern(child.id, clock.now(), 2, "She said her tummy hurt."))
    seen = kw.chronology.for_child(child.id)
    assert not seen.complete
    details = [e.detail for e in seen.entries if e.kind is EntryKind.CONCERN]
    assert len(details) == 1 and "tummy" in details[0]
    with pytest.raises(PermissionDenied):
        kw.chronology.for_child(child.id, coded=True)
