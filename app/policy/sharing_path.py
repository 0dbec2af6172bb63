"""The information-sharing decision path (policy 003 §7, policy 001 §3.5), as one pure function.

``decide(answers)`` takes the answers given so far and returns where they lead: the verdict, the
ground it rests on, whether management backing is needed, the next question and the path taken.
No database, no clock: the same answers always give the same outcome, so every branch is tested
as a table (tests/app/test_sharing_path.py) and the wizard, the core and the printed record all
agree on it.

The order of the questions follows the policies:

1. a clear and legitimate purpose? no -> do not share;
2. does it identify someone? no -> may share (ground: not identifiable);
3. is it confidential? no -> may share (ground: not confidential);
4. is a child suffering, or at risk of, significant harm? (asked before consent, because the
   2024 advice says consent is not the default lawful basis where a child is at risk);
5. consent: given, refused, withdrawn, or not sought because seeking it would increase the risk or
   cause harmful delay. Given, with no child at risk -> may share (ground: consent). Refused,
   withdrawn or not sought -> the reason must be recorded and the other-reason step decides.
   Where a child is at risk the other-reason step decides even when consent was given; consent
   is then the fallback ground only if no other reason applies;
6. another reason: a statutory duty or court order, a public function, the vital interests of the
   person, or the public interest -> may share; none -> do not share;
7. for the public interest, which of policy 001's three critical criteria is met; none -> do not
   share.

"Not sure" at any question stops the path with "seek advice" at that question; once advice is
recorded the question is answered again. Sharing identifiable, confidential information on any
ground but consent needs the backing of a second manager or DSL (policy 001 §2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Question(StrEnum):
    PURPOSE = "purpose"
    IDENTIFIABLE = "identifiable"
    CONFIDENTIAL = "confidential"
    CHILD_AT_RISK = "child_at_risk"
    CONSENT = "consent"
    OTHER_REASON = "other_reason"
    CRITICAL_CRITERION = "critical_criterion"

    @property
    def text(self) -> str:
        return QUESTIONS[self].text

    @property
    def guidance(self) -> str:
        return QUESTIONS[self].guidance


class Answer(StrEnum):
    """Every answer any question accepts; ``QuestionText.answers`` says which belong where."""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"
    # consent
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NOT_SOUGHT = "not_sought"
    # another reason to share
    STATUTORY_DUTY = "statutory_duty"
    PUBLIC_FUNCTION = "public_function"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_INTEREST = "public_interest"
    NONE = "none"
    # the three critical criteria of the public interest (policy 001 §2)
    EVIDENCE_OF_HARM = "evidence_of_harm"
    REASONABLE_CAUSE = "reasonable_cause"
    PREVENT_HARM_OR_CRIME = "prevent_harm_or_crime"

    @property
    def label(self) -> str:
        return ANSWER_LABELS[self]


class Verdict(StrEnum):
    UNDECIDED = "undecided"
    SHARE = "share"
    DO_NOT_SHARE = "do_not_share"
    SEEK_ADVICE = "seek_advice"

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self]


class Ground(StrEnum):
    """What a decision to share rests on."""

    NOT_IDENTIFIABLE = "not_identifiable"
    NOT_CONFIDENTIAL = "not_confidential"
    CONSENT = "consent"
    STATUTORY_DUTY = "statutory_duty"
    PUBLIC_FUNCTION = "public_function"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_INTEREST = "public_interest"

    @property
    def label(self) -> str:
        return GROUND_LABELS[self]


@dataclass(frozen=True)
class QuestionText:
    text: str
    guidance: str
    answers: tuple[Answer, ...]


QUESTIONS: Mapping[Question, QuestionText] = {
    Question.PURPOSE: QuestionText(
        "Is there a clear and legitimate purpose for sharing this information?",
        "A legitimate purpose is keeping a child safe or getting them the help they need. Curiosity, "
        "a dispute between adults or a request that is not part of someone's job is not.",
        (Answer.YES, Answer.NO, Answer.NOT_SURE),
    ),
    Question.IDENTIFIABLE: QuestionText(
        "Does the information identify a child, a parent or anyone else?",
        "Names, addresses, dates of birth or details that point to one family all identify someone. "
        "Figures with nobody identifiable in them do not.",
        (Answer.YES, Answer.NO, Answer.NOT_SURE),
    ),
    Question.CONFIDENTIAL: QuestionText(
        "Is the information confidential?",
        "It is confidential if it was given in confidence or people would expect us to keep it to "
        "ourselves, such as anything in a concern or about a family's circumstances.",
        (Answer.YES, Answer.NO, Answer.NOT_SURE),
    ),
    Question.CHILD_AT_RISK: QuestionText(
        "Do you believe a child is suffering, or at risk of suffering, significant harm?",
        "Protecting the child comes first. Where a child is at risk, consent is not needed and is "
        "often not the right basis; the next questions still record what the family said.",
        (Answer.YES, Answer.NO, Answer.NOT_SURE),
    ),
    Question.CONSENT: QuestionText(
        "Has the parent or carer consented to this information being shared?",
        "Record what happened: they agreed, refused, withdrew their consent, or you did not ask "
        "because asking would put the child at more risk or cause a harmful delay.",
        (Answer.GIVEN, Answer.REFUSED, Answer.WITHDRAWN, Answer.NOT_SOUGHT, Answer.NOT_SURE),
    ),
    Question.OTHER_REASON: QuestionText(
        "Is there another lawful reason to share?",
        "A law or court order that requires it, a public function (such as a child protection "
        "enquiry), protecting someone's life, or a public interest strong enough to override "
        "confidentiality.",
        (
            Answer.STATUTORY_DUTY,
            Answer.PUBLIC_FUNCTION,
            Answer.VITAL_INTERESTS,
            Answer.PUBLIC_INTEREST,
            Answer.NONE,
            Answer.NOT_SURE,
        ),
    ),
    Question.CRITICAL_CRITERION: QuestionText(
        "Which of the three critical criteria is met?",
        "The public interest is enough only on one of these grounds (policy 001). Base it on the "
        "facts of the case, not on a feeling.",
        (
            Answer.EVIDENCE_OF_HARM,
            Answer.REASONABLE_CAUSE,
            Answer.PREVENT_HARM_OR_CRIME,
            Answer.NONE,
            Answer.NOT_SURE,
        ),
    ),
}

ANSWER_LABELS: Mapping[Answer, str] = {
    Answer.YES: "Yes",
    Answer.NO: "No",
    Answer.NOT_SURE: "Not sure — seek advice",
    Answer.GIVEN: "Consent given",
    Answer.REFUSED: "Consent refused",
    Answer.WITHDRAWN: "Consent withdrawn",
    Answer.NOT_SOUGHT: "Not sought: asking would increase the risk or cause harmful delay",
    Answer.STATUTORY_DUTY: "A statutory duty or a court order",
    Answer.PUBLIC_FUNCTION: "A public function (e.g. a child protection enquiry)",
    Answer.VITAL_INTERESTS: "To protect someone's life (vital interests)",
    Answer.PUBLIC_INTEREST: "Sufficient public interest",
    Answer.NONE: "None of these",
    Answer.EVIDENCE_OF_HARM: "Evidence that a child is suffering, or at risk of, significant harm",
    Answer.REASONABLE_CAUSE: (
        "Reasonable cause to believe a child may be suffering, or at risk of, significant harm"
    ),
    Answer.PREVENT_HARM_OR_CRIME: (
        "To prevent significant harm, or to prevent, detect or prosecute serious crime"
    ),
}

VERDICT_LABELS: Mapping[Verdict, str] = {
    Verdict.UNDECIDED: "Not yet decided",
    Verdict.SHARE: "Share",
    Verdict.DO_NOT_SHARE: "Do not share",
    Verdict.SEEK_ADVICE: "Seek advice before deciding",
}

GROUND_LABELS: Mapping[Ground, str] = {
    Ground.NOT_IDENTIFIABLE: "The information does not identify anyone",
    Ground.NOT_CONFIDENTIAL: "The information is not confidential",
    Ground.CONSENT: "Consent",
    Ground.STATUTORY_DUTY: "A statutory duty or court order",
    Ground.PUBLIC_FUNCTION: "A public function",
    Ground.VITAL_INTERESTS: "Vital interests",
    Ground.PUBLIC_INTEREST: "Public interest",
}

# Grounds on which identifiable, confidential information is shared without relying on consent.
WITHOUT_CONSENT = frozenset(
    {Ground.STATUTORY_DUTY, Ground.PUBLIC_FUNCTION, Ground.VITAL_INTERESTS, Ground.PUBLIC_INTEREST}
)

_OTHER_GROUNDS: Mapping[Answer, Ground] = {
    Answer.STATUTORY_DUTY: Ground.STATUTORY_DUTY,
    Answer.PUBLIC_FUNCTION: Ground.PUBLIC_FUNCTION,
    Answer.VITAL_INTERESTS: Ground.VITAL_INTERESTS,
}

CONSENT_NOT_RELIED_ON = frozenset({Answer.REFUSED, Answer.WITHDRAWN, Answer.NOT_SOUGHT})


@dataclass(frozen=True)
class Step:
    question: Question
    answer: Answer


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    ground: Ground | None
    backing_required: bool
    next_question: Question | None  # None once decided; the unsure question while seeking advice
    path: tuple[Step, ...]
    consent_reason_required: bool  # consent refused, withdrawn or not sought: say why we go on
    criterion: Answer | None = None  # the critical criterion, for a public-interest share
    ignored: tuple[Question, ...] = field(default=())  # answers given that the path never reached

    @property
    def decided(self) -> bool:
        return self.verdict in (Verdict.SHARE, Verdict.DO_NOT_SHARE)

    @property
    def without_consent(self) -> bool:
        return self.verdict is Verdict.SHARE and self.ground in WITHOUT_CONSENT


class InvalidAnswer(ValueError):
    """An answer that does not belong to its question (a programming error, not a person's)."""


def check(answers: Mapping[Question, Answer] | Mapping[str, str]) -> dict[Question, Answer]:
    """The answers as enums, or ``InvalidAnswer`` for an unknown question or answer, or an answer
    that does not belong to its question."""
    clean: dict[Question, Answer] = {}
    for question, answer in answers.items():
        try:
            q, a = Question(question), Answer(answer)
        except ValueError:
            raise InvalidAnswer(f"{answer!r} to {question!r} is not a known question and answer") from None
        if a not in QUESTIONS[q].answers:
            raise InvalidAnswer(f"{a.value!r} is not an answer to {q.value!r}")
        clean[q] = a
    return clean


def decide(given: Mapping[Question, Answer] | Mapping[str, str]) -> Outcome:
    """Where the answers lead. Answers to questions the path does not reach are reported in
    ``ignored`` and have no effect (a changed early answer can make later ones irrelevant)."""
    answers = check(given)
    path: list[Step] = []
    consent_reason_required = False

    def outcome(
        verdict: Verdict,
        ground: Ground | None = None,
        next_question: Question | None = None,
        criterion: Answer | None = None,
    ) -> Outcome:
        asked = {s.question for s in path}
        return Outcome(
            verdict=verdict,
            ground=ground,
            backing_required=verdict is Verdict.SHARE and ground in WITHOUT_CONSENT,
            next_question=next_question,
            path=tuple(path),
            consent_reason_required=consent_reason_required,
            criterion=criterion,
            ignored=tuple(q for q in Question if q in answers and q not in asked),
        )

    def ask(question: Question) -> Answer | None:
        answer = answers.get(question)
        if answer is not None:
            path.append(Step(question, answer))
        return answer

    def stop(question: Question, answer: Answer | None) -> Outcome | None:
        """The outcome when this question leaves the path unfinished, or None to go on."""
        if answer is None:
            return outcome(Verdict.UNDECIDED, next_question=question)
        if answer is Answer.NOT_SURE:
            return outcome(Verdict.SEEK_ADVICE, next_question=question)
        return None

    purpose = ask(Question.PURPOSE)
    if (early := stop(Question.PURPOSE, purpose)) is not None:
        return early
    if purpose is Answer.NO:
        return outcome(Verdict.DO_NOT_SHARE)

    identifiable = ask(Question.IDENTIFIABLE)
    if (early := stop(Question.IDENTIFIABLE, identifiable)) is not None:
        return early
    if identifiable is Answer.NO:
        return outcome(Verdict.SHARE, Ground.NOT_IDENTIFIABLE)

    confidential = ask(Question.CONFIDENTIAL)
    if (early := stop(Question.CONFIDENTIAL, confidential)) is not None:
        return early
    if confidential is Answer.NO:
        return outcome(Verdict.SHARE, Ground.NOT_CONFIDENTIAL)

    at_risk = ask(Question.CHILD_AT_RISK)
    if (early := stop(Question.CHILD_AT_RISK, at_risk)) is not None:
        return early

    consent = ask(Question.CONSENT)
    if (early := stop(Question.CONSENT, consent)) is not None:
        return early
    if consent is Answer.GIVEN and at_risk is Answer.NO:
        return outcome(Verdict.SHARE, Ground.CONSENT)
    consent_reason_required = consent in CONSENT_NOT_RELIED_ON

    other = ask(Question.OTHER_REASON)
    if (early := stop(Question.OTHER_REASON, other)) is not None:
        return early
    if other is not None and other in _OTHER_GROUNDS:
        return outcome(Verdict.SHARE, _OTHER_GROUNDS[other])
    if other is Answer.NONE:
        # At risk with consent given: consent is the ground after all (nothing overrides it).
        if consent is Answer.GIVEN:
            return outcome(Verdict.SHARE, Ground.CONSENT)
        return outcome(Verdict.DO_NOT_SHARE)

    criterion = ask(Question.CRITICAL_CRITERION)
    if (early := stop(Question.CRITICAL_CRITERION, criterion)) is not None:
        return early
    if criterion is Answer.NONE:
        if consent is Answer.GIVEN:
            return outcome(Verdict.SHARE, Ground.CONSENT)
        return outcome(Verdict.DO_NOT_SHARE)
    return outcome(Verdict.SHARE, Ground.PUBLIC_INTEREST, criterion=criterion)


# --- the lawful basis the outcome page offers ------------------------------------------------


class LawfulBasis(StrEnum):
    """UK GDPR Article 6(1)."""

    CONSENT = "6(1)(a)"
    LEGAL_OBLIGATION = "6(1)(c)"
    VITAL_INTERESTS = "6(1)(d)"
    PUBLIC_TASK = "6(1)(e)"
    LEGITIMATE_INTERESTS = "6(1)(f)"

    @property
    def label(self) -> str:
        return BASIS_LABELS[self]


BASIS_LABELS: Mapping[LawfulBasis, str] = {
    LawfulBasis.CONSENT: "Article 6(1)(a) consent",
    LawfulBasis.LEGAL_OBLIGATION: "Article 6(1)(c) legal obligation",
    LawfulBasis.VITAL_INTERESTS: "Article 6(1)(d) vital interests",
    LawfulBasis.PUBLIC_TASK: "Article 6(1)(e) public task",
    LawfulBasis.LEGITIMATE_INTERESTS: "Article 6(1)(f) legitimate interests",
}


class SpecialCondition(StrEnum):
    """For special-category data (health, ethnicity, religion ...): UK GDPR Article 9 with the
    DPA 2018 Schedule 1 condition where one is needed."""

    NONE = "none"
    SAFEGUARDING = "sch1_p18"
    EXPLICIT_CONSENT = "art9_2a"
    VITAL_INTERESTS = "art9_2c"
    HEALTH_OR_SOCIAL_CARE = "sch1_p2"
    LEGAL_CLAIMS = "art9_2f"

    @property
    def label(self) -> str:
        return CONDITION_LABELS[self]


CONDITION_LABELS: Mapping[SpecialCondition, str] = {
    SpecialCondition.NONE: "No special-category data is shared",
    SpecialCondition.SAFEGUARDING: (
        "Article 9(2)(g) with DPA 2018 Schedule 1 paragraph 18: safeguarding of children and of "
        "individuals at risk"
    ),
    SpecialCondition.EXPLICIT_CONSENT: "Article 9(2)(a) explicit consent",
    SpecialCondition.VITAL_INTERESTS: "Article 9(2)(c) vital interests",
    SpecialCondition.HEALTH_OR_SOCIAL_CARE: (
        "Article 9(2)(h) with DPA 2018 Schedule 1 paragraph 2: health or social care purposes"
    ),
    SpecialCondition.LEGAL_CLAIMS: "Article 9(2)(f) legal claims or court order",
}

SUGGESTED_BASIS: Mapping[Ground, LawfulBasis] = {
    Ground.CONSENT: LawfulBasis.CONSENT,
    Ground.STATUTORY_DUTY: LawfulBasis.LEGAL_OBLIGATION,
    Ground.PUBLIC_FUNCTION: LawfulBasis.PUBLIC_TASK,
    Ground.VITAL_INTERESTS: LawfulBasis.VITAL_INTERESTS,
    Ground.PUBLIC_INTEREST: LawfulBasis.PUBLIC_TASK,
}

SUGGESTED_CONDITION: Mapping[Ground, SpecialCondition] = {
    Ground.CONSENT: SpecialCondition.EXPLICIT_CONSENT,
    Ground.STATUTORY_DUTY: SpecialCondition.SAFEGUARDING,
    Ground.PUBLIC_FUNCTION: SpecialCondition.SAFEGUARDING,
    Ground.VITAL_INTERESTS: SpecialCondition.VITAL_INTERESTS,
    Ground.PUBLIC_INTEREST: SpecialCondition.SAFEGUARDING,
}


def suggested_basis(ground: Ground | None) -> LawfulBasis | None:
    """The Article 6 basis that usually fits the ground; the DSL may choose another.

    Not identifiable or not confidential: no personal data protection basis is suggested (an
    anonymous figure needs none; non-confidential personal data still needs one, chosen by hand).
    """
    return None if ground is None else SUGGESTED_BASIS.get(ground)
