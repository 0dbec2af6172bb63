"""Every branch of the information-sharing decision path (app/policy/sharing_path.py).

The expected outcomes are written by hand from policy 003 §7 and policy 001 §2-§3.5, never taken
from ``decide`` itself. A last test walks every combination of answers and checks the rules that
must hold whatever the answers are.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import pytest

from app.policy.sharing_path import (
    QUESTIONS,
    SUGGESTED_BASIS,
    SUGGESTED_CONDITION,
    WITHOUT_CONSENT,
    Answer,
    Ground,
    InvalidAnswer,
    LawfulBasis,
    Outcome,
    Question,
    SpecialCondition,
    Step,
    Verdict,
    decide,
    suggested_basis,
)

Q = Question
A = Answer

ORDER = (
    Q.PURPOSE,
    Q.IDENTIFIABLE,
    Q.CONFIDENTIAL,
    Q.CHILD_AT_RISK,
    Q.CONSENT,
    Q.OTHER_REASON,
    Q.CRITICAL_CRITERION,
)
OTHER_GROUNDS = (
    (A.STATUTORY_DUTY, Ground.STATUTORY_DUTY),
    (A.PUBLIC_FUNCTION, Ground.PUBLIC_FUNCTION),
    (A.VITAL_INTERESTS, Ground.VITAL_INTERESTS),
)
CRITERIA = (A.EVIDENCE_OF_HARM, A.REASONABLE_CAUSE, A.PREVENT_HARM_OR_CRIME)
NOT_RELIED_ON = (A.REFUSED, A.WITHDRAWN, A.NOT_SOUGHT)

# Identifiable, confidential information with a legitimate purpose: the start of every longer path.
SENSITIVE = {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES, Q.CONFIDENTIAL: A.YES}
TO_RISK = (Q.PURPOSE, Q.IDENTIFIABLE, Q.CONFIDENTIAL, Q.CHILD_AT_RISK)
TO_CONSENT = (*TO_RISK, Q.CONSENT)
TO_OTHER = (*TO_CONSENT, Q.OTHER_REASON)
TO_CRITERION = (*TO_OTHER, Q.CRITICAL_CRITERION)


@dataclass(frozen=True)
class Case:
    answers: dict[Question, Answer]
    verdict: Verdict
    path: tuple[Question, ...]  # the questions the path passes, in order; answers from ``answers``
    ground: Ground | None = None
    next_question: Question | None = None
    backing: bool = False
    consent_reason: bool = False
    criterion: Answer | None = None
    ignored: tuple[Question, ...] = field(default=())


def sensitive(**more: Answer) -> dict[Question, Answer]:
    """SENSITIVE plus answers named by question value, e.g. sensitive(consent=A.GIVEN)."""
    return {**SENSITIVE, **{Q(k): v for k, v in more.items()}}


CASES: dict[str, Case] = {
    # --- each question unanswered: undecided, that question next ---------------------------------
    "nothing answered": Case({}, Verdict.UNDECIDED, (), next_question=Q.PURPOSE),
    "identifiable unanswered": Case(
        {Q.PURPOSE: A.YES}, Verdict.UNDECIDED, (Q.PURPOSE,), next_question=Q.IDENTIFIABLE
    ),
    "confidential unanswered": Case(
        {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES},
        Verdict.UNDECIDED,
        (Q.PURPOSE, Q.IDENTIFIABLE),
        next_question=Q.CONFIDENTIAL,
    ),
    "child at risk unanswered": Case(
        sensitive(),
        Verdict.UNDECIDED,
        (Q.PURPOSE, Q.IDENTIFIABLE, Q.CONFIDENTIAL),
        next_question=Q.CHILD_AT_RISK,
    ),
    "consent unanswered": Case(
        sensitive(child_at_risk=A.NO), Verdict.UNDECIDED, TO_RISK, next_question=Q.CONSENT
    ),
    "other reason unanswered, consent refused": Case(
        sensitive(child_at_risk=A.NO, consent=A.REFUSED),
        Verdict.UNDECIDED,
        TO_CONSENT,
        next_question=Q.OTHER_REASON,
        consent_reason=True,
    ),
    # 2024 advice: a child at risk, consent given, still goes on to the other-reason step
    "child at risk, consent given: other reason next": Case(
        sensitive(child_at_risk=A.YES, consent=A.GIVEN),
        Verdict.UNDECIDED,
        TO_CONSENT,
        next_question=Q.OTHER_REASON,
    ),
    "criterion unanswered, child at risk, consent given": Case(
        sensitive(child_at_risk=A.YES, consent=A.GIVEN, other_reason=A.PUBLIC_INTEREST),
        Verdict.UNDECIDED,
        TO_OTHER,
        next_question=Q.CRITICAL_CRITERION,
    ),
    # --- each question answered "not sure": seek advice at that question ------------------------
    "purpose not sure": Case(
        {Q.PURPOSE: A.NOT_SURE}, Verdict.SEEK_ADVICE, (Q.PURPOSE,), next_question=Q.PURPOSE
    ),
    "identifiable not sure": Case(
        {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.NOT_SURE},
        Verdict.SEEK_ADVICE,
        (Q.PURPOSE, Q.IDENTIFIABLE),
        next_question=Q.IDENTIFIABLE,
    ),
    "confidential not sure": Case(
        {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES, Q.CONFIDENTIAL: A.NOT_SURE},
        Verdict.SEEK_ADVICE,
        (Q.PURPOSE, Q.IDENTIFIABLE, Q.CONFIDENTIAL),
        next_question=Q.CONFIDENTIAL,
    ),
    "child at risk not sure": Case(
        sensitive(child_at_risk=A.NOT_SURE), Verdict.SEEK_ADVICE, TO_RISK, next_question=Q.CHILD_AT_RISK
    ),
    "consent not sure": Case(
        sensitive(child_at_risk=A.NO, consent=A.NOT_SURE),
        Verdict.SEEK_ADVICE,
        TO_CONSENT,
        next_question=Q.CONSENT,
    ),
    "other reason not sure, child at risk, consent given": Case(
        sensitive(child_at_risk=A.YES, consent=A.GIVEN, other_reason=A.NOT_SURE),
        Verdict.SEEK_ADVICE,
        TO_OTHER,
        next_question=Q.OTHER_REASON,
    ),
    "criterion not sure, child at risk, consent given": Case(
        sensitive(
            child_at_risk=A.YES,
            consent=A.GIVEN,
            other_reason=A.PUBLIC_INTEREST,
            critical_criterion=A.NOT_SURE,
        ),
        Verdict.SEEK_ADVICE,
        TO_CRITERION,
        next_question=Q.CRITICAL_CRITERION,
    ),
    "not sure ignores the answers after it": Case(
        {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.NOT_SURE, Q.CONFIDENTIAL: A.YES, Q.CONSENT: A.GIVEN},
        Verdict.SEEK_ADVICE,
        (Q.PURPOSE, Q.IDENTIFIABLE),
        next_question=Q.IDENTIFIABLE,
        ignored=(Q.CONFIDENTIAL, Q.CONSENT),
    ),
    # --- the early answers -----------------------------------------------------------------------
    "no purpose: do not share": Case({Q.PURPOSE: A.NO}, Verdict.DO_NOT_SHARE, (Q.PURPOSE,)),
    "no purpose ignores every other answer": Case(
        {
            Q.PURPOSE: A.NO,
            Q.IDENTIFIABLE: A.YES,
            Q.CONFIDENTIAL: A.YES,
            Q.CHILD_AT_RISK: A.YES,
            Q.CONSENT: A.GIVEN,
            Q.OTHER_REASON: A.PUBLIC_INTEREST,
            Q.CRITICAL_CRITERION: A.EVIDENCE_OF_HARM,
        },
        Verdict.DO_NOT_SHARE,
        (Q.PURPOSE,),
        ignored=ORDER[1:],
    ),
    "not identifiable: share": Case(
        {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.NO},
        Verdict.SHARE,
        (Q.PURPOSE, Q.IDENTIFIABLE),
        ground=Ground.NOT_IDENTIFIABLE,
    ),
    "not identifiable ignores later answers": Case(
        {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.NO, Q.CONFIDENTIAL: A.YES, Q.OTHER_REASON: A.NONE},
        Verdict.SHARE,
        (Q.PURPOSE, Q.IDENTIFIABLE),
        ground=Ground.NOT_IDENTIFIABLE,
        ignored=(Q.CONFIDENTIAL, Q.OTHER_REASON),
    ),
    "not confidential: share": Case(
        {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES, Q.CONFIDENTIAL: A.NO},
        Verdict.SHARE,
        (Q.PURPOSE, Q.IDENTIFIABLE, Q.CONFIDENTIAL),
        ground=Ground.NOT_CONFIDENTIAL,
    ),
    "not confidential ignores later answers": Case(
        {Q.PURPOSE: A.YES, Q.IDENTIFIABLE: A.YES, Q.CONFIDENTIAL: A.NO, Q.CHILD_AT_RISK: A.YES},
        Verdict.SHARE,
        (Q.PURPOSE, Q.IDENTIFIABLE, Q.CONFIDENTIAL),
        ground=Ground.NOT_CONFIDENTIAL,
        ignored=(Q.CHILD_AT_RISK,),
    ),
    # --- consent -----------------------------------------------------------------------------------
    "no risk, consent given: share on consent": Case(
        sensitive(child_at_risk=A.NO, consent=A.GIVEN), Verdict.SHARE, TO_CONSENT, ground=Ground.CONSENT
    ),
    "no risk, consent given ignores the other reason and criterion": Case(
        sensitive(
            child_at_risk=A.NO,
            consent=A.GIVEN,
            other_reason=A.PUBLIC_INTEREST,
            critical_criterion=A.EVIDENCE_OF_HARM,
        ),
        Verdict.SHARE,
        TO_CONSENT,
        ground=Ground.CONSENT,
        ignored=(Q.OTHER_REASON, Q.CRITICAL_CRITERION),
    ),
    "child at risk, consent given, no other reason: consent is the fallback": Case(
        sensitive(child_at_risk=A.YES, consent=A.GIVEN, other_reason=A.NONE),
        Verdict.SHARE,
        TO_OTHER,
        ground=Ground.CONSENT,
    ),
    "child at risk, consent given, public interest, no criterion: consent is the fallback": Case(
        sensitive(
            child_at_risk=A.YES,
            consent=A.GIVEN,
            other_reason=A.PUBLIC_INTEREST,
            critical_criterion=A.NONE,
        ),
        Verdict.SHARE,
        TO_CRITERION,
        ground=Ground.CONSENT,
    ),
    # --- out of order and gaps -------------------------------------------------------------------
    "only a later answer: purpose is still next": Case(
        {Q.CONSENT: A.GIVEN},
        Verdict.UNDECIDED,
        (),
        next_question=Q.PURPOSE,
        ignored=(Q.CONSENT,),
    ),
    "a gap stops the path at the gap": Case(
        {Q.PURPOSE: A.YES, Q.CONFIDENTIAL: A.YES, Q.CHILD_AT_RISK: A.NO},
        Verdict.UNDECIDED,
        (Q.PURPOSE,),
        next_question=Q.IDENTIFIABLE,
        ignored=(Q.CONFIDENTIAL, Q.CHILD_AT_RISK),
    ),
}

# Child at risk with consent given: another reason decides and consent is not relied on.
for _other, _ground in OTHER_GROUNDS:
    CASES[f"child at risk, consent given, {_other}: share without consent"] = Case(
        sensitive(child_at_risk=A.YES, consent=A.GIVEN, other_reason=_other),
        Verdict.SHARE,
        TO_OTHER,
        ground=_ground,
        backing=True,
    )
for _criterion in CRITERIA:
    CASES[f"child at risk, consent given, public interest, {_criterion}"] = Case(
        sensitive(
            child_at_risk=A.YES,
            consent=A.GIVEN,
            other_reason=A.PUBLIC_INTEREST,
            critical_criterion=_criterion,
        ),
        Verdict.SHARE,
        TO_CRITERION,
        ground=Ground.PUBLIC_INTEREST,
        backing=True,
        criterion=_criterion,
    )

# Consent refused, withdrawn or not sought, with or without a child at risk: the reason must be
# recorded and the other-reason step decides; there is no consent to fall back on.
for _consent, _risk in itertools.product(NOT_RELIED_ON, (A.YES, A.NO)):
    _at = f"consent {_consent}, child at risk {_risk}"
    _base = sensitive(child_at_risk=_risk, consent=_consent)
    CASES[f"{_at}: other reason next"] = Case(
        _base, Verdict.UNDECIDED, TO_CONSENT, next_question=Q.OTHER_REASON, consent_reason=True
    )
    CASES[f"{_at}, other reason not sure"] = Case(
        {**_base, Q.OTHER_REASON: A.NOT_SURE},
        Verdict.SEEK_ADVICE,
        TO_OTHER,
        next_question=Q.OTHER_REASON,
        consent_reason=True,
    )
    for _other, _ground in OTHER_GROUNDS:
        CASES[f"{_at}, {_other}: share without consent"] = Case(
            {**_base, Q.OTHER_REASON: _other},
            Verdict.SHARE,
            TO_OTHER,
            ground=_ground,
            backing=True,
            consent_reason=True,
        )
    CASES[f"{_at}, no other reason: do not share"] = Case(
        {**_base, Q.OTHER_REASON: A.NONE}, Verdict.DO_NOT_SHARE, TO_OTHER, consent_reason=True
    )
    CASES[f"{_at}, no other reason ignores a criterion"] = Case(
        {**_base, Q.OTHER_REASON: A.NONE, Q.CRITICAL_CRITERION: A.EVIDENCE_OF_HARM},
        Verdict.DO_NOT_SHARE,
        TO_OTHER,
        consent_reason=True,
        ignored=(Q.CRITICAL_CRITERION,),
    )
    CASES[f"{_at}, public interest: criterion next"] = Case(
        {**_base, Q.OTHER_REASON: A.PUBLIC_INTEREST},
        Verdict.UNDECIDED,
        TO_OTHER,
        next_question=Q.CRITICAL_CRITERION,
        consent_reason=True,
    )
    CASES[f"{_at}, public interest, criterion not sure"] = Case(
        {**_base, Q.OTHER_REASON: A.PUBLIC_INTEREST, Q.CRITICAL_CRITERION: A.NOT_SURE},
        Verdict.SEEK_ADVICE,
        TO_CRITERION,
        next_question=Q.CRITICAL_CRITERION,
        consent_reason=True,
    )
    for _criterion in CRITERIA:
        CASES[f"{_at}, public interest, {_criterion}: share"] = Case(
            {**_base, Q.OTHER_REASON: A.PUBLIC_INTEREST, Q.CRITICAL_CRITERION: _criterion},
            Verdict.SHARE,
            TO_CRITERION,
            ground=Ground.PUBLIC_INTEREST,
            backing=True,
            consent_reason=True,
            criterion=_criterion,
        )
    CASES[f"{_at}, public interest, no criterion: do not share"] = Case(
        {**_base, Q.OTHER_REASON: A.PUBLIC_INTEREST, Q.CRITICAL_CRITERION: A.NONE},
        Verdict.DO_NOT_SHARE,
        TO_CRITERION,
        consent_reason=True,
    )


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_decide(case: Case) -> None:
    outcome = decide(case.answers)

    assert outcome == Outcome(
        verdict=case.verdict,
        ground=case.ground,
        backing_required=case.backing,
        next_question=case.next_question,
        path=tuple(Step(q, case.answers[q]) for q in case.path),
        consent_reason_required=case.consent_reason,
        criterion=case.criterion,
        ignored=case.ignored,
    )
    assert outcome.decided is (case.verdict in (Verdict.SHARE, Verdict.DO_NOT_SHARE))
    assert outcome.without_consent is case.backing


def test_the_table_reaches_every_verdict_and_ground() -> None:
    assert {c.verdict for c in CASES.values()} == set(Verdict)
    assert {c.ground for c in CASES.values()} - {None} == set(Ground)
    assert {c.next_question for c in CASES.values()} - {None} == set(Question)


@pytest.mark.parametrize(
    "answers",
    [
        {Q.CONSENT: A.YES},
        {Q.PURPOSE: A.GIVEN},
        {Q.IDENTIFIABLE: A.REFUSED},
        {Q.CONFIDENTIAL: A.NONE},
        {Q.CHILD_AT_RISK: A.GIVEN},
        {Q.OTHER_REASON: A.YES},
        {Q.OTHER_REASON: A.EVIDENCE_OF_HARM},
        {Q.CRITICAL_CRITERION: A.STATUTORY_DUTY},
        {Q.CRITICAL_CRITERION: A.PUBLIC_INTEREST},
        # checked even where the path would never reach the question
        {Q.PURPOSE: A.NO, Q.CONSENT: A.YES},
    ],
    ids=repr,
)
def test_an_answer_that_does_not_belong_to_its_question_is_refused(answers: dict[Question, Answer]) -> None:
    with pytest.raises(InvalidAnswer):
        decide(answers)


def test_every_answer_belongs_to_some_question_and_its_own_question_accepts_it() -> None:
    used = {a for text in QUESTIONS.values() for a in text.answers}
    assert used == set(Answer)
    for question, text in QUESTIONS.items():
        assert len(set(text.answers)) == len(text.answers)
        for answer in set(Answer) - set(text.answers):
            with pytest.raises(InvalidAnswer):
                decide({question: answer})


# --- wording ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", list(Question))
def test_every_question_has_text_guidance_and_not_sure(question: Question) -> None:
    assert question in QUESTIONS
    assert question.text.strip().endswith("?")
    assert question.guidance.strip()
    assert question.text == QUESTIONS[question].text
    assert question.guidance == QUESTIONS[question].guidance
    assert A.NOT_SURE in QUESTIONS[question].answers


def test_every_answer_verdict_and_ground_has_a_label() -> None:
    for labelled in (*Answer, *Verdict, *Ground, *LawfulBasis, *SpecialCondition):
        assert labelled.label.strip(), labelled


def test_questions_table_is_in_the_policy_order() -> None:
    assert tuple(QUESTIONS) == ORDER
    assert tuple(Question) == ORDER


# --- the suggested lawful basis ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ground", "basis"),
    [
        (Ground.CONSENT, LawfulBasis.CONSENT),
        (Ground.STATUTORY_DUTY, LawfulBasis.LEGAL_OBLIGATION),
        (Ground.VITAL_INTERESTS, LawfulBasis.VITAL_INTERESTS),
        (Ground.PUBLIC_FUNCTION, LawfulBasis.PUBLIC_TASK),
        (Ground.PUBLIC_INTEREST, LawfulBasis.PUBLIC_TASK),
        (Ground.NOT_IDENTIFIABLE, None),
        (Ground.NOT_CONFIDENTIAL, None),
        (None, None),
    ],
)
def test_suggested_basis(ground: Ground | None, basis: LawfulBasis | None) -> None:
    assert suggested_basis(ground) is basis


@pytest.mark.parametrize(
    ("ground", "condition"),
    [
        (Ground.CONSENT, SpecialCondition.EXPLICIT_CONSENT),
        (Ground.STATUTORY_DUTY, SpecialCondition.SAFEGUARDING),
        (Ground.PUBLIC_FUNCTION, SpecialCondition.SAFEGUARDING),
        (Ground.VITAL_INTERESTS, SpecialCondition.VITAL_INTERESTS),
        (Ground.PUBLIC_INTEREST, SpecialCondition.SAFEGUARDING),
    ],
)
def test_suggested_condition(ground: Ground, condition: SpecialCondition) -> None:
    assert SUGGESTED_CONDITION[ground] is condition


def test_a_basis_and_condition_are_suggested_for_exactly_the_personal_data_grounds() -> None:
    personal = set(Ground) - {Ground.NOT_IDENTIFIABLE, Ground.NOT_CONFIDENTIAL}
    assert set(SUGGESTED_BASIS) == personal
    assert set(SUGGESTED_CONDITION) == personal
    assert personal - {Ground.CONSENT} == WITHOUT_CONSENT


# --- every combination of answers ------------------------------------------------------------------


def all_answer_sets() -> list[dict[Question, Answer]]:
    choices = [(None, *QUESTIONS[q].answers) for q in QUESTIONS]
    return [
        {q: a for q, a in zip(QUESTIONS, combo, strict=True) if a is not None}
        for combo in itertools.product(*choices)
    ]


def test_invariants_over_every_combination_of_answers() -> None:
    seen = 0
    for answers in all_answer_sets():
        outcome = decide(answers)
        asked = tuple(s.question for s in outcome.path)
        seen += 1

        # the path follows the question order, using the answers given
        assert asked == ORDER[: len(asked)], answers
        assert all(s.answer is answers[s.question] for s in outcome.path), answers
        assert outcome.ignored == tuple(q for q in ORDER if q in answers and q not in asked), answers

        # backing: exactly a share on a ground other than consent (for identifiable, confidential data)
        needs_backing = outcome.verdict is Verdict.SHARE and outcome.ground in WITHOUT_CONSENT
        assert outcome.backing_required is needs_backing, answers
        assert outcome.without_consent is needs_backing, answers

        # decided exactly when nothing is asked next
        assert outcome.decided is (outcome.next_question is None), answers

        # seek advice exactly when the last step was "not sure", and it asks that question again
        last_unsure = bool(outcome.path) and outcome.path[-1].answer is A.NOT_SURE
        assert (outcome.verdict is Verdict.SEEK_ADVICE) is last_unsure, answers
        if outcome.verdict is Verdict.SEEK_ADVICE:
            assert outcome.next_question is outcome.path[-1].question, answers
        if outcome.verdict is Verdict.UNDECIDED:
            assert outcome.next_question is ORDER[len(asked)], answers
            assert outcome.next_question not in answers, answers

        # a ground only for a share, and every share has one; a criterion only for public interest
        assert (outcome.ground is not None) is (outcome.verdict is Verdict.SHARE), answers
        assert (outcome.criterion is not None) is (outcome.ground is Ground.PUBLIC_INTEREST), answers
        if outcome.criterion is not None:
            assert outcome.criterion in CRITERIA, answers

        # nothing is shared without a clear purpose; personal grounds only for identifiable,
        # confidential information; consent only when it was given
        if outcome.verdict is Verdict.SHARE:
            assert answers[Q.PURPOSE] is A.YES, answers
            if outcome.ground in SUGGESTED_BASIS:
                assert outcome.path[:3] == tuple(Step(q, A.YES) for q in ORDER[:3]), answers
        if outcome.ground is Ground.CONSENT:
            assert answers[Q.CONSENT] is A.GIVEN, answers
            if answers[Q.CHILD_AT_RISK] is A.YES:
                # 2024 advice: consent only as the fallback once no other reason applies
                assert Q.OTHER_REASON in asked, answers
                assert A.NONE in (answers[Q.OTHER_REASON], answers.get(Q.CRITICAL_CRITERION)), answers

        # the reason for going on without consent is asked for exactly when consent is not relied on
        consent_not_relied_on = Q.CONSENT in asked and answers[Q.CONSENT] in NOT_RELIED_ON
        assert outcome.consent_reason_required is consent_not_relied_on, answers

        # answers beyond the decisive point change nothing, and the order they were given in neither
        assert decide({q: answers[q] for q in asked}) == replace(outcome, ignored=()), answers
        assert decide(dict(reversed(answers.items()))) == outcome, answers
    assert seen == 4 * 4 * 4 * 4 * 6 * 7 * 6
