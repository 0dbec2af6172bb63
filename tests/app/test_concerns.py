"""The concern log in the core: recording, reading within scope, the DSL's review, amendments that
never rewrite, closing only with an outcome, and the parent contact log. Fictional people only."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlcipher3

from app import concerns as concerns_module
from app import names
from app.children import ChildDetails, ChildId
from app.concerns import Concern, ConcernStatus, ConcernSummary, NewConcern
from app.errors import NotFound, PermissionDenied, ValidationError
from app.parent_contacts import ContactKind, NewParentContact
from app.policy.permissions import Role
from app.session import Session
from app.vault.database import Params, Row
from tests.conftest import VaultUnderTest

KW_PASSWORD = "copper violin garden"


@pytest.fixture
def child(made_vault: VaultUnderTest) -> ChildId:
    s = made_vault.session
    return s.children.add(
        ChildDetails(
            legal_name="Łucja Nowak", known_as="Lucy", date_of_birth="2023-02-03", start_date="2025-09-01"
        )
    ).id


def concern(made: VaultUnderTest, child: int, **changes: object) -> NewConcern:
    values: dict[str, object] = {
        "child_id": child,
        "seen_at": made.clock.now() - timedelta(hours=1),
        "category_id": 1,
        "facts": "A bruise about 2 cm across on the left shin.",
        "child_words": "I fell off the big bike",
        "opinion": "Seemed reluctant to talk about it.",
        "action_taken": "Told the DSL; noted on body map.",
    }
    values.update(changes)
    return NewConcern(**values)  # type: ignore[arg-type]


def key_worker(made: VaultUnderTest, username: str = "siobhán") -> Session:
    """Add a key worker (as the manager), sign the manager out and the key worker in."""
    made.add_person(username, f"Key worker {username}", {Role.KEY_WORKER}, KW_PASSWORD)
    made.session.close()
    return made.vault.sign_in(username, KW_PASSWORD)


def test_a_concern_keeps_facts_words_and_opinion_apart(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    told = made_vault.clock.now() - timedelta(minutes=30)
    logged = s.concerns.log(concern(made_vault, child, dsl_told_at=told, urgent=True))
    got = s.concerns.get(logged.id)
    assert got.facts.startswith("A bruise") and got.child_words == "I fell off the big bike"
    assert got.opinion == "Seemed reluctant to talk about it."
    assert got.urgent and got.status is ConcernStatus.NEW and got.dsl_told_at == told
    assert got.recorded_at == made_vault.clock.now() and got.author_name == s.me.full_name
    assert got.child_name == "Lucy" and got.category == "Injury or mark" and got.category_guidance
    entry = next(e for e in s.audit.entries(limit=3) if e.action == "concern.logged")
    assert entry.detail == {"child": child, "urgent": True}  # ids, never the words


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"facts": "  "}, "facts", "needed"),
        ({"seen_at": "yesterday"}, "seen_at", "needed"),
        ({"category_id": None}, "category_id", "Choose the category"),
        ({"category_id": 999}, "category_id", "no longer in use"),
        ({"facts": "x" * 20_001}, "facts", "too long"),
        ({"child_words": "bad\x00char"}, "child_words", "hidden control"),
        ({"third_party_source": "x\ny"}, "third_party_source", "line breaks"),
    ],
)
def test_bad_concerns_are_refused_with_the_field_named(
    made_vault: VaultUnderTest, child: int, changes: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        made_vault.session.concerns.log(concern(made_vault, child, **changes))
    assert refused.value.field == field and words in refused.value.sentence
    assert made_vault.session.context.database.scalar("SELECT count(*) FROM concern") == 0


def test_times_must_make_sense(made_vault: VaultUnderTest, child: int) -> None:
    s, now = made_vault.session, made_vault.clock.now()
    with pytest.raises(ValidationError, match="future"):
        s.concerns.log(concern(made_vault, child, seen_at=now + timedelta(hours=1)))
    with pytest.raises(ValidationError, match="before the child was born"):
        s.concerns.log(concern(made_vault, child, seen_at=now.replace(year=2020)))
    with pytest.raises(ValidationError, match="before the concern was seen"):
        s.concerns.log(concern(made_vault, child, dsl_told_at=now - timedelta(days=1)))
    with pytest.raises(NotFound):
        s.concerns.log(concern(made_vault, 999))
    # A few minutes' disagreement between clocks is tolerated; a 10,000-character note is fine.
    s.concerns.log(concern(made_vault, child, seen_at=now + timedelta(minutes=2), facts="y" * 10_000))


def test_recorded_words_are_never_rewritten(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    logged = s.concerns.log(concern(made_vault, child))
    # The schema itself refuses a rewrite, whatever code runs.
    with pytest.raises(sqlcipher3.IntegrityError, match="never rewritten"), s.context.transaction() as tx:
        tx.execute("UPDATE concern SET facts = 'something else' WHERE id = ?", (logged.id,))
    amended = s.concerns.amend(
        logged.id, field="facts", new_text="A bruise on the RIGHT shin.", reason="Wrong leg"
    )
    assert (
        amended.facts.startswith("A bruise about 2 cm")
        and amended.current("facts") == "A bruise on the RIGHT shin."
    )
    first = amended.amendments[0]
    assert (first.original, first.reason, first.amended_by) == (logged.facts, "Wrong leg", s.me.full_name)
    twice = s.concerns.amend(logged.id, field="facts", new_text="Right shin, 3 cm.", reason="Measured")
    assert twice.amendments[1].original == "A bruise on the RIGHT shin."
    with pytest.raises(sqlcipher3.IntegrityError, match="never rewritten"), s.context.transaction() as tx:
        tx.execute("UPDATE concern_amendment SET new_text = 'x'")
    with pytest.raises(ValidationError, match="same as the current"):
        s.concerns.amend(logged.id, field="facts", new_text="Right shin, 3 cm.", reason="Again")
    with pytest.raises(ValidationError, match="Reason"):
        s.concerns.amend(logged.id, field="opinion", new_text="Quiet", reason=" ")
    with pytest.raises(ValidationError, match="Choose which part"):
        s.concerns.amend(logged.id, field="category_id", new_text="2", reason="x")
    # The search index follows the amendment.
    assert [c.id for c in s.concerns.queue(search="measured shin")] == []
    assert [c.id for c in s.concerns.queue(search="3 cm")] == [logged.id]


def test_key_workers_read_only_what_they_wrote(made_vault: VaultUnderTest, child: int) -> None:
    manager_concern = made_vault.session.concerns.log(concern(made_vault, child))
    kw = key_worker(made_vault)
    own = kw.concerns.log(concern(made_vault, child, facts="Hungry at breakfast club."))
    assert kw.concerns.get(own.id).facts == "Hungry at breakfast club."
    with pytest.raises(NotFound):
        kw.concerns.get(manager_concern.id)
    with pytest.raises(NotFound):
        kw.concerns.amend(manager_concern.id, field="opinion", new_text="x", reason="y")
    assert [c.id for c in kw.concerns.for_child(child)] == [own.id]
    assert [c.id for c in kw.concerns.mine()] == [own.id]
    with pytest.raises(PermissionDenied):
        kw.concerns.queue()
    with pytest.raises(PermissionDenied):
        kw.concerns.review(own.id, note="Looks fine")
    kw.concerns.amend(own.id, field="opinion", new_text="Possibly no breakfast at home.", reason="Forgot")
    entries = kw.context.database.query(
        "SELECT action, subject_id FROM audit_log WHERE actor_id = ? ORDER BY id", (kw.me.id,)
    )
    assert ("concern.viewed", str(own.id)) in [(e["action"], e["subject_id"]) for e in entries]


def test_the_queue_puts_new_urgent_concerns_first_and_counts_them(
    made_vault: VaultUnderTest, child: int
) -> None:
    s = made_vault.session
    calm = s.concerns.log(concern(made_vault, child))
    urgent = s.concerns.log(concern(made_vault, child, urgent=True))
    reviewed = s.concerns.log(concern(made_vault, child, urgent=True))
    s.concerns.review(reviewed.id, note="Spoke to mum.", review_date=date(2026, 9, 3))
    assert [c.id for c in s.concerns.queue()] == [urgent.id, calm.id, reviewed.id]
    counts = s.concerns.counts()
    assert (counts.new, counts.urgent, counts.overdue) == (2, 1, 0)
    made_vault.clock.advance(3 * 86400)
    assert s.concerns.counts().overdue == 1
    today = made_vault.clock.now().date()
    assert [c.id for c in s.concerns.queue() if c.overdue(today)] == [reviewed.id]


def test_the_badge_counts_agree_with_each_concern_s_own_overdue(
    made_vault: VaultUnderTest, child: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """counts() adds up from indexes (migration 0008); every way of being overdue, or not, is here
    and the totals must match what the queue's own summaries say."""
    s = made_vault.session
    me = s.me.id
    today = made_vault.clock.now().date()
    in_days = lambda n: (today + timedelta(days=n)).isoformat()  # noqa: E731

    def logged(**changes: object) -> int:
        return int(s.concerns.log(concern(made_vault, child, **changes)).id)

    logged()  # new
    logged(urgent=True)  # new and urgent
    by_review = logged()
    s.concerns.review(by_review, note="Seen.", review_date=in_days(2))
    by_action = logged()
    s.concerns.review(by_action, note="Seen.", review_date=in_days(10))
    s.concerns.add_action(
        by_action, description="Call the health visitor", assigned_to=me, due_date=in_days(2)
    )
    by_both = logged()
    s.concerns.review(by_both, note="Seen.", review_date=in_days(2))
    s.concerns.add_action(by_both, description="Call Łucja's mother", assigned_to=me, due_date=in_days(2))
    done = logged()
    finished = s.concerns.add_action(
        done, description="Speak to Дмитрий's dad", assigned_to=me, due_date=in_days(2)
    )
    s.concerns.complete_action(finished.actions[0].id, note="Spoke to him.")
    no_review_date = logged()
    s.concerns.add_action(no_review_date, description="Ask the GP", assigned_to=me, due_date=in_days(2))
    two_actions = logged()
    for what in ("Ask the GP", "Ask the school nurse"):
        s.concerns.add_action(two_actions, description=what, assigned_to=me, due_date=in_days(1))
    closed = logged()
    s.concerns.review(closed, note="Seen.", review_date=in_days(2))
    s.concerns.close(closed, outcome="No further action.")
    made_vault.clock.advance(5 * 86400)
    later = made_vault.clock.now().date()

    counts = s.concerns.counts()
    listed = s.concerns.queue(include_closed=True)
    assert len(listed) == 9
    assert counts.new == sum(c.status is ConcernStatus.NEW for c in listed) == 2
    assert counts.urgent == sum(c.status is ConcernStatus.NEW and c.urgent for c in listed) == 1
    assert counts.overdue == sum(c.overdue(later) for c in listed) == 5

    # From indexes only: no pass over the concern table (its pages hold every concern's text).
    database = s.context.database
    issued: list[tuple[str, Params]] = []
    original = database.one
    monkeypatch.setattr(
        database, "one", lambda sql, params=(): issued.append((sql, params)) or original(sql, params)
    )
    assert s.concerns.counts() == counts
    ((sql, params),) = issued
    plan = [str(r[3]) for r in database.query(f"EXPLAIN QUERY PLAN {sql}", params)]
    assert not any(step.startswith("SCAN") and "CONSTANT ROW" not in step for step in plan), plan
    assert any("concern_review_due" in step for step in plan), plan


def test_with_nothing_typed_a_list_stops_at_its_limit_in_its_own_order(
    made_vault: VaultUnderTest, child: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queue and "mine" return at most LIST_LIMIT concerns with nothing typed: exactly the
    first of the whole list in its order, closed ones included only when asked for."""
    s = made_vault.session
    logged = [s.concerns.log(concern(made_vault, child, urgent=n % 3 == 0)).id for n in range(7)]
    s.concerns.review(logged[1], note="Seen.", review_date=made_vault.clock.now().date() + timedelta(days=3))
    s.concerns.close(logged[2], outcome="No further action.")
    whole_queue = [c.id for c in s.concerns.queue(include_closed=True)]
    whole_mine = [c.id for c in s.concerns.mine()]
    open_queue = [c.id for c in s.concerns.queue()]
    assert len(whole_queue) == len(whole_mine) == 7 and logged[2] not in open_queue
    monkeypatch.setattr(concerns_module, "LIST_LIMIT", 4)
    assert [c.id for c in s.concerns.queue(include_closed=True)] == whole_queue[:4]
    assert [c.id for c in s.concerns.queue()] == open_queue[:4]
    assert [c.id for c in s.concerns.mine()] == whole_mine[:4]
    assert len(s.concerns.queue(search="bruise")) == 6  # a search is bounded by SEARCH_LIMIT only


def test_actions_are_tracked_and_a_concern_closes_only_with_an_outcome(
    made_vault: VaultUnderTest, child: int
) -> None:
    s = made_vault.session
    logged = s.concerns.log(concern(made_vault, child))
    with pytest.raises(ValidationError, match="already passed"):
        s.concerns.add_action(logged.id, description="Call", assigned_to=s.me.id, due_date="2026-08-01")
    with pytest.raises(ValidationError, match="current staff"):
        s.concerns.add_action(logged.id, description="Call", assigned_to=999, due_date="2026-09-02")
    got = s.concerns.add_action(
        logged.id, description="Call the health visitor", assigned_to=s.me.id, due_date="2026-09-02"
    )
    assert got.status is ConcernStatus.REVIEWED and len(got.open_actions) == 1
    made_vault.clock.advance(2 * 86400)
    assert s.concerns.counts().overdue == 1
    assert got.actions[0].overdue(made_vault.clock.now().date())
    with pytest.raises(ValidationError, match="Outcome is needed"):
        s.concerns.close(logged.id, outcome="")
    with pytest.raises(ValidationError, match="1 action is still open"):
        s.concerns.close(logged.id, outcome="Referred to early help")
    s.concerns.complete_action(got.actions[0].id, note="Spoke to her; she will visit.")
    with pytest.raises(ValidationError, match="already marked done"):
        s.concerns.complete_action(got.actions[0].id)
    closed = s.concerns.close(logged.id, outcome="Referred to early help")
    assert closed.status is ConcernStatus.CLOSED and closed.outcome == "Referred to early help"
    assert closed.closed_by == s.me.full_name
    with pytest.raises(ValidationError, match="closed"):
        s.concerns.review(logged.id, note="More")
    with pytest.raises(sqlcipher3.IntegrityError, match="stays closed"), s.context.transaction() as tx:
        tx.execute("UPDATE concern SET status = 'new' WHERE id = ?", (logged.id,))
    # A closed concern can still be corrected (the correction is itself on record).
    s.concerns.amend(logged.id, field="action_taken", new_text="Told the DSL at 10:15.", reason="Time added")
    assert s.concerns.queue() == []
    assert [c.id for c in s.concerns.queue(include_closed=True)] == [logged.id]


def test_another_agencys_information_is_not_shareable_until_they_agree(
    made_vault: VaultUnderTest, child: int
) -> None:
    s = made_vault.session
    plain = s.concerns.log(concern(made_vault, child))
    given = s.concerns.log(concern(made_vault, child, third_party_source="Health visiting team"))
    assert plain.shareable and not given.shareable and given.third_party
    with pytest.raises(ValidationError, match="not given by another agency"):
        s.concerns.record_third_party_consent(plain.id)
    assert s.concerns.record_third_party_consent(given.id).shareable
    with pytest.raises(ValidationError, match="already recorded"):
        s.concerns.record_third_party_consent(given.id)


def test_categories_are_a_short_list_the_manager_edits(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    names = [c.name for c in s.concerns.categories()]
    assert 5 <= len(names) <= 8 and all(c.guidance for c in s.concerns.categories())
    added = s.concerns.add_category("Online safety", "What was seen on a screen, and whose.")
    with pytest.raises(ValidationError, match="already a category"):
        s.concerns.add_category("online SAFETY")
    s.concerns.update_category(added.id, name="Online safety", guidance="Screens.", active=False)
    assert "Online safety" not in [c.name for c in s.concerns.categories()]
    assert "Online safety" in [c.name for c in s.concerns.categories(include_inactive=True)]
    with pytest.raises(ValidationError, match="no longer in use"):
        s.concerns.log(concern(made_vault, child, category_id=added.id))
    for category in s.concerns.categories()[:-1]:
        s.concerns.update_category(category.id, name=category.name, guidance=category.guidance, active=False)
    last = s.concerns.categories()[0]
    with pytest.raises(ValidationError, match="at least one"):
        s.concerns.update_category(last.id, name=last.name, guidance="", active=False)


def test_search_over_concern_text_folds_accents(made_vault: VaultUnderTest, child: int) -> None:
    s = made_vault.session
    one = s.concerns.log(concern(made_vault, child, child_words="Мама сказала, что я плохой"))
    s.concerns.log(concern(made_vault, child, facts="Crying at drop-off, asked for Zoë."))
    assert [c.id for c in s.concerns.queue(search="мама")] == [one.id]
    assert len(s.concerns.queue(search="zoe")) == 1
    assert s.concerns.queue(search='"') == []
    entry = s.audit.entries(limit=1)[0]
    assert entry.action == "concern.listed" and entry.detail["searched"] is True


def test_parent_contacts_may_be_anonymous_and_are_read_within_scope(
    made_vault: VaultUnderTest, child: int
) -> None:
    s, now = made_vault.session, made_vault.clock.now()
    named = s.parent_contacts.log(
        NewParentContact(
            now, ContactKind.CALL, "Asked about the trip", who="Anna Nowak (mother)", child_id=child
        )
    )
    anonymous = s.parent_contacts.log(NewParentContact(now, "visit", "Worried about another child's bruises"))
    assert not named.anonymous and anonymous.anonymous and anonymous.child_id is None
    with pytest.raises(ValidationError, match="future"):
        s.parent_contacts.log(NewParentContact(now + timedelta(hours=1), "call", "x"))
    with pytest.raises(ValidationError, match="how they got in touch"):
        s.parent_contacts.log(NewParentContact(now, "pigeon", "x"))
    assert [p.id for p in s.parent_contacts.entries(child_id=child)] == [named.id]
    assert len(s.parent_contacts.entries()) == 2
    kw = key_worker(made_vault)
    assert kw.parent_contacts.entries() == []
    own = kw.parent_contacts.log(NewParentContact(now, "call", "Running late", who="Piotr"))
    assert [p.id for p in kw.parent_contacts.entries()] == [own.id]


def test_a_search_returns_the_first_matches_in_list_order_and_within_scope(
    made_vault: VaultUnderTest, child: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(concerns_module, "SEARCH_LIMIT", 3)
    s = made_vault.session
    logged = [
        s.concerns.log(concern(made_vault, child, facts=f"Hungry again, day {n}.")).id for n in range(5)
    ]
    urgent = s.concerns.log(concern(made_vault, child, facts="Hungry and cold.", urgent=True)).id
    found = [c.id for c in s.concerns.queue(search="hungry")]
    assert found == [urgent, logged[4], logged[3]]  # the queue's order: urgent first, then newest
    kw = key_worker(made_vault)
    own = [kw.concerns.log(concern(made_vault, child, facts="Hungry at lunch.")).id for _ in range(2)]
    assert sorted(c.id for c in kw.concerns.mine(search="hungry")) == sorted(own)


# --- search: the queue's first matches, checked against a plain reference ------------------------

SEARCH_TEXTS = (
    "Zoë said Dmitry pushed her; a bruise on the arm.",
    "Дмитрий не хочет идти домой, плачет у двери.",
    "Αλέξανδρος είπε ότι πεινάει κάθε πρωί.",
    "Nguyễn Minh was not collected until 6pm; collection form missing.",
    "Siobhán's mum collected her late again, smelled of alcohol.",
    "Łucja hungry at breakfast, asked for seconds twice.",
    "Collecting adult not on the list: Dmitrij, uncle.",
    "Bruised knee, Zoe says she fell on the slide.",
)


def _reference_matches(texts: dict[int, str], typed: str) -> set[int]:
    """Every typed word is the start of some word of the concern, accents and case ignored."""
    words = [w for w in re.findall(r"\w+", names.fold(typed))]
    found = set()
    for concern_id, text in texts.items():
        own = re.findall(r"\w+", names.fold(text))
        if words and all(any(o.startswith(w) for o in own) for w in words):
            found.add(concern_id)
    return found


def _queue_key(c: Concern) -> tuple[object, ...]:
    """The queue's order written out: new before reviewed before closed, urgent first, the
    earliest review date, then the newest seen and the newest id."""
    rank = {ConcernStatus.NEW: 0, ConcernStatus.REVIEWED: 1, ConcernStatus.CLOSED: 2}[c.status]
    review = c.review_date.isoformat() if c.review_date else "9999"
    return (rank, not c.urgent, review, -c.seen_at.timestamp(), -c.id)


@pytest.fixture
def searchable(made_vault: VaultUnderTest, child: int) -> dict[int, str]:
    """Concerns in every state, some seen at the same moment; their searchable words by id."""
    s = made_vault.session
    texts: dict[int, str] = {}
    seen = made_vault.clock.now() - timedelta(days=2)
    for n in range(24):
        facts = SEARCH_TEXTS[n % len(SEARCH_TEXTS)]
        at = seen + timedelta(hours=n // 3)  # MUT  # three concerns share each moment: the id breaks ties
        logged = s.concerns.log(concern(made_vault, child, facts=facts, seen_at=at, urgent=n % 5 == 0))
        texts[logged.id] = " ".join([facts, logged.child_words, logged.opinion, logged.action_taken])
        if n % 4 == 1:
            s.concerns.review(logged.id, note="Read.", review_date=date(2026, 9, 2 + n % 7))
        elif n % 4 == 2:
            s.concerns.review(logged.id, note="Read.", review_date=None)
        elif n % 6 == 3:
            s.concerns.close(logged.id, outcome="Resolved with the family.")
        if n == 7:
            s.concerns.amend(
                logged.id, field="facts", new_text="Grazed elbow; Ünal saw it.", reason="Misheard"
            )
            texts[logged.id] += " Grazed elbow; Ünal saw it."
    return texts


@pytest.mark.parametrize("walk_from", [0, 1_000_000], ids=["walking the queue's order", "sorting matches"])
@pytest.mark.parametrize("limit", [3, 200])
def test_a_search_lists_the_same_concerns_in_the_same_order_as_a_plain_reference(
    made_vault: VaultUnderTest,
    searchable: dict[int, str],
    monkeypatch: pytest.MonkeyPatch,
    limit: int,
    walk_from: int,
) -> None:
    monkeypatch.setattr(concerns_module, "SEARCH_LIMIT", limit)
    monkeypatch.setattr(concerns_module, "WALK_FROM", walk_from)
    s = made_vault.session
    everything = s.concerns.queue(include_closed=True)  # no search: every concern, in full
    by_id: dict[int, ConcernSummary] = {c.id: c for c in everything}
    full: dict[int, Concern] = {i: s.concerns.get(i) for i in by_id}
    assert [c.id for c in everything] == sorted(by_id, key=lambda i: _queue_key(full[i]))
    statuses = {c.status for c in full.values()}
    assert statuses == set(ConcernStatus) and any(c.urgent for c in full.values())

    typed = [
        "zoe",
        "zoë",
        "дмит",
        "ΑΛΈΞ",
        "nguyen m",
        "siobh",
        "łuc",
        "lucja",
        "collect",
        "col",
        "bru",
        "hungry",
        "unal",
        "grazed elb",
        "the",
        "xylophone",
        "d",
    ]
    for text in typed:
        matches = _reference_matches(searchable, text)
        expected = sorted(matches, key=lambda i: _queue_key(full[i]))
        found = s.concerns.queue(search=text, include_closed=True)
        assert [c.id for c in found] == expected[:limit], text
        assert found == [by_id[i] for i in expected[:limit]]  # the same summaries, field for field
        still_open = [i for i in expected if full[i].status is not ConcernStatus.CLOSED]
        assert [c.id for c in s.concerns.queue(search=text)] == still_open[:limit], text
        mine = sorted(matches, key=lambda i: (-full[i].seen_at.timestamp(), -i))
        assert [c.id for c in s.concerns.mine(search=text)] == mine[:limit], text
    assert len(_reference_matches(searchable, "col")) > 3  # the limit is exercised


def test_many_matches_walk_the_queue_order_index_and_few_are_sorted(
    made_vault: VaultUnderTest, searchable: dict[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s = made_vault.session
    database = s.context.database
    issued: list[tuple[str, Params]] = []
    original = database.query

    def recording(sql: str, params: Params = ()) -> list[Row]:
        issued.append((sql, params))
        return original(sql, params)

    def plans(search: str, include_closed: bool = False) -> list[str]:
        issued.clear()
        monkeypatch.setattr(database, "query", recording)
        s.concerns.queue(search=search, include_closed=include_closed)
        monkeypatch.setattr(database, "query", original)
        steps = [(sql, params) for sql, params in issued if "MATCH" in sql]
        assert len(steps) == 1
        return [" | ".join(str(r[3]) for r in original(f"EXPLAIN QUERY PLAN {sql}", p)) for sql, p in steps]

    matches = len(_reference_matches(searchable, "col"))
    monkeypatch.setattr(concerns_module, "WALK_FROM", matches)  # just enough matches to walk
    for plan in plans("col", include_closed=True) + plans("col"):
        assert "concern_queue_order" in plan and "TEMP B-TREE" not in plan, plan
    monkeypatch.setattr(concerns_module, "WALK_FROM", matches + 1)  # one short: sort the few
    for plan in plans("col", include_closed=True):
        assert "INTEGER PRIMARY KEY" in plan and "TEMP B-TREE" in plan, plan
