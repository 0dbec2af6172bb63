"""The information-sharing decision wizard on a real vault: a telephone request shared without
consent and backed by a second DSL signing in, a decline discussed with the requester, "not sure"
and the advice page, leaving and resuming (and a lock draft of the outcome page), another agency's
information offered but not shareable, and a setting with only one manager recording who was
consulted instead.

Core work runs on worker threads, so every step waits for the operations to finish. Any error
that would reach the error dialog fails the test. Fictional people only, in several scripts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.audit import AuditAction, AuditFilter
from app.children import CarerDetails, ChildDetails
from app.concerns import NewConcern
from app.consents import ConsentDetails, KindCode
from app.policy.permissions import Role
from app.policy.sharing_path import QUESTIONS, Answer, LawfulBasis, Question, SpecialCondition, Verdict
from app.session import Session
from app.sharing import (
    Channel,
    ChosenItem,
    Direction,
    FamilyTold,
    FollowUpKind,
    Intake,
    Nature,
    OutcomeDraft,
    ShareRecord,
    Urgency,
)
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, MANAGER_USERNAME, VaultUnderTest
from tests.ui.conftest import find, sign_in_through_window, top_level, unlock_through_window, wait_idle
from ui import operations
from ui.child_forms import alive
from ui.sharing_wizard import CONSENT_REASON_NEEDED, FINALISED, FORM_ID, TITLE, DecisionWizard
from ui.shell import Shell

CHILD = "Łucja Nowak"
REQUESTER = "Αλέξανδρος Παπαδόπουλος"
SOCIAL_CARE = "Anytown Children's Social Care"
DMITRY = "Дмитрий Иванов"
DMITRY_PASSWORD = "silver kettle mountain"


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


@pytest.fixture
def open_wizard(qtbot: QtBot) -> Iterator[Callable[..., DecisionWizard]]:
    opened: list[DecisionWizard] = []

    def make(session: Session, share_id: int, fields: dict[str, str] | None = None) -> DecisionWizard:
        wizard = DecisionWizard(session, share_id, fields=fields)
        opened.append(wizard)
        wizard.show()
        wait_idle(qtbot)
        return wizard

    yield make
    operations.abandon_all()
    for wizard in opened:
        if alive(wizard):
            wizard.forget()  # as at lock: close without saving anything more
            wizard.close()


# --- making the records ---------------------------------------------------------------------------


def add_child(session: Session, name: str = CHILD) -> int:
    child = session.children.add(
        ChildDetails(
            legal_name=name, date_of_birth="2022-03-01", start_date="2024-09-01", address="2 Elm Road"
        )
    )
    return int(child.id)


def log(session: Session, child_id: int, facts: str, *, opinion: str = "", source: str = "") -> int:
    category = session.concerns.categories()[0].id
    seen = session.context.clock.now() - timedelta(hours=2)
    concern = session.concerns.log(
        NewConcern(child_id, seen, category, facts, opinion=opinion, third_party_source=source)
    )
    return int(concern.id)


def telephone_request(made_vault: VaultUnderTest, kid: int, concern_ids: tuple[int, ...]) -> ShareRecord:
    m, s = made_vault, made_vault.session
    return s.sharing.open(
        Intake(
            direction=Direction.REQUEST,
            received_via=Channel.PHONE,
            received_at=m.clock.now() - timedelta(minutes=30),
            child_ids=(kid,),
            asked_for="Attendance and concerns",
            purpose="Section 47 enquiry",
            urgency=Urgency.URGENT,
            requester_org=SOCIAL_CARE,
            requester_name=REQUESTER,
            requester_role="Social worker",
            concern_ids=concern_ids,
            phone_number="01632 960 111",
            verified_how="Council switchboard",
            called_back_at=m.clock.now(),
        )
    )


WITHOUT_CONSENT = {
    Question.PURPOSE: Answer.YES,
    Question.IDENTIFIABLE: Answer.YES,
    Question.CONFIDENTIAL: Answer.YES,
    Question.CHILD_AT_RISK: Answer.YES,
    Question.CONSENT: Answer.NOT_SOUGHT,
    Question.OTHER_REASON: Answer.STATUTORY_DUTY,
}


# --- driving the wizard ---------------------------------------------------------------------------


def page(wizard: DecisionWizard) -> str:
    shown = wizard.pages.currentWidget()
    assert shown is not None
    return shown.objectName()


def click(qtbot: QtBot, wizard: DecisionWizard, name: str) -> None:
    button = find(wizard, QPushButton, name)
    assert button.isVisible() and button.isEnabled(), f"{name} cannot be pressed"
    button.click()
    wait_idle(qtbot)


def answer(qtbot: QtBot, wizard: DecisionWizard, question: Question, choice: Answer) -> None:
    assert page(wizard) == f"questionPage_{question.value}"
    find(wizard, QRadioButton, f"answer_{question.value}_{choice.value}").click()
    click(qtbot, wizard, "nextButton")


def text_of(wizard: DecisionWizard, name: str) -> str:
    return str(find(wizard, QLabel, name).text())


def audit_count(session: Session, action: AuditAction, share_id: int) -> int:
    found = session.audit.entries(limit=1000, where=AuditFilter(action=action.value))
    return sum(1 for e in found if e.subject_id == str(share_id))


def ready_to_decide(session: Session, share_id: int, *, items: tuple[ChosenItem, ...]) -> ShareRecord:
    """The path answered and the outcome page filled in through the core, as a resumed decision."""
    session.sharing.save_answers(share_id, WITHOUT_CONSENT, consent_reason="Asking would alert the parent.")
    return session.sharing.save_outcome(
        share_id,
        OutcomeDraft(
            reasons="A section 47 enquiry is under way.",
            lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
            special_condition=SpecialCondition.SAFEGUARDING,
            recipient_name=REQUESTER,
            recipient_role="Social worker",
            recipient_org=SOCIAL_CARE,
            shared_how="Secure email",
            secured_how="To the council's verified address",
            retention="As the council's policy says",
            shared_on=session.context.clock.now().astimezone().date(),
            family_told=FamilyTold.NOT_TOLD,
            family_reason="Telling them would put the child at more risk.",
            items=items,
        ),
    )


# --- the tests ------------------------------------------------------------------------------------


def test_a_telephone_request_shared_without_consent_is_backed_by_a_second_dsl_and_finalised(
    made_vault: VaultUnderTest, qtbot: QtBot, open_wizard: Callable[..., DecisionWizard]
) -> None:
    made_vault.add_person("dmitry", DMITRY, {Role.DSL}, DMITRY_PASSWORD)
    session = made_vault.session  # add_person signed the manager back in
    kid = add_child(session)
    concern = log(session, kid, "A bruise on the left forearm.", opinion="It looked deliberate.")
    share_id = int(telephone_request(made_vault, kid, (concern,)).id)
    wizard = open_wizard(session, share_id)
    changes: list[ShareRecord] = []
    wizard.changed.connect(changes.append)

    assert wizard.isVisible() and wizard.windowTitle() == TITLE
    assert CHILD not in wizard.windowTitle()
    assert page(wizard) == "questionPage_purpose"
    assert text_of(wizard, "questionText_purpose") == QUESTIONS[Question.PURPOSE].text
    assert text_of(wizard, "questionGuidance_purpose") == QUESTIONS[Question.PURPOSE].guidance
    assert find(wizard, QRadioButton, "answer_purpose_not_sure").text() == Answer.NOT_SURE.label
    assert not find(wizard, QPushButton, "backButton").isEnabled()

    click(qtbot, wizard, "nextButton")  # nothing chosen
    assert page(wizard) == "questionPage_purpose" and "Choose an answer" in wizard.message.text()

    answer(qtbot, wizard, Question.PURPOSE, Answer.YES)
    assert text_of(wizard, "pathLabel") == "Purpose: Yes"
    answer(qtbot, wizard, Question.IDENTIFIABLE, Answer.YES)
    answer(qtbot, wizard, Question.CONFIDENTIAL, Answer.YES)
    answer(qtbot, wizard, Question.CHILD_AT_RISK, Answer.YES)
    assert text_of(wizard, "pathLabel").startswith("Purpose: Yes → Identifiable: Yes → Confidential: Yes")
    assert text_of(wizard, "verdictLabel") == Verdict.UNDECIDED.label

    # Consent not sought: the reason is required before going on.
    reason = find(wizard, QPlainTextEdit, "consentReasonEdit")
    assert not reason.isVisible()
    answer(qtbot, wizard, Question.CONSENT, Answer.NOT_SOUGHT)
    assert page(wizard) == "questionPage_consent" and reason.isVisible()
    assert wizard.message.text() == CONSENT_REASON_NEEDED
    reason.setPlainText("Asking the parent would alert them before the enquiry.")
    click(qtbot, wizard, "nextButton")
    answer(qtbot, wizard, Question.OTHER_REASON, Answer.STATUTORY_DUTY)

    assert page(wizard) == "outcomePage"
    assert "Share" in text_of(wizard, "verdictLabel") and "statutory duty" in text_of(wizard, "verdictLabel")
    assert find(wizard, QWidget, "shareFields").isVisible()
    assert not find(wizard, QWidget, "declineFields").isVisible()
    assert find(wizard, QComboBox, "basisCombo").currentData() == LawfulBasis.LEGAL_OBLIGATION.value
    assert find(wizard, QComboBox, "conditionCombo").currentData() == SpecialCondition.SAFEGUARDING.value
    assert find(wizard, QLineEdit, "recipientNameEdit").text() == REQUESTER  # from the requester
    assert find(wizard, QLineEdit, "recipientOrgEdit").text() == SOCIAL_CARE
    find(wizard, QCheckBox, f"itemCheck_child:{kid}").setChecked(True)
    find(wizard, QCheckBox, f"itemCheck_concern:{concern}:facts").setChecked(True)
    opinion = find(wizard, QCheckBox, f"itemCheck_concern:{concern}:opinion")
    assert find(wizard, QComboBox, f"itemNature_concern:{concern}:opinion").currentData() == "opinion"
    opinion.setChecked(True)
    find(wizard, QLineEdit, "otherItemLabelEdit").setText("Attendance this term")
    find(wizard, QPlainTextEdit, "otherItemContentEdit").setPlainText("41 of 44 sessions.")
    click(qtbot, wizard, "addOtherItemButton")
    assert find(wizard, QCheckBox, "itemCheck_other1").isChecked()
    find(wizard, QPlainTextEdit, "sharedHowEdit").setPlainText("Secure email")
    find(wizard, QPlainTextEdit, "securedHowEdit").setPlainText("To the council's verified address")
    find(wizard, QPlainTextEdit, "retentionEdit").setPlainText("As the council's policy says")
    find(wizard, QRadioButton, "familyTold_will_tell").click()
    find(wizard, QPlainTextEdit, "identityProtectionEdit").setPlainText("The neighbour's name is left out.")
    find(wizard, QPlainTextEdit, "reasonsEdit").setPlainText("A section 47 enquiry is under way.")
    click(qtbot, wizard, "nextButton")

    # The backing page: Дмитрий signs in here with his own password.
    assert page(wizard) == "backingPage"
    assert find(wizard, QGroupBox, "backingSignIn").isVisible()
    assert not find(wizard, QGroupBox, "backingConsult").isVisible()
    saved = wizard.record
    assert saved is not None and len(saved.items) == 4 and not saved.backed
    assert [i.nature for i in saved.items] == [Nature.FACT, Nature.FACT, Nature.OPINION, Nature.FACT]
    username = find(wizard, QLineEdit, "backerUsernameEdit")
    password = find(wizard, QLineEdit, "backerPasswordEdit")
    username.setText("dmitry")
    password.setText("not his password")
    draft = wizard.draft()
    assert draft is not None and "not his password" not in draft.fields.values()
    assert not any("password" in key for key in draft.fields)
    find(wizard, QPushButton, "confirmBackingButton").click()
    assert password.text() == ""  # cleared at once, whatever the answer
    qtbot.waitUntil(lambda: "not right" in text_of(wizard, "backingMessage"), timeout=10_000)
    wait_idle(qtbot)
    assert wizard.record is not None and not wizard.record.backed
    assert "Not backed" in text_of(wizard, "backingResult")
    assert audit_count(session, AuditAction.SHARE_BACKING_FAILED, share_id) == 1

    # The decision maker cannot back their own decision.
    username.setText(MANAGER_USERNAME)
    password.setText(MANAGER_PASSWORD)
    find(wizard, QPushButton, "confirmBackingButton").click()
    qtbot.waitUntil(lambda: "second person" in text_of(wizard, "backingMessage"), timeout=10_000)
    wait_idle(qtbot)
    assert wizard.record is not None and not wizard.record.backed and password.text() == ""

    username.setText("dmitry")
    password.setText(DMITRY_PASSWORD)
    find(wizard, QPushButton, "confirmBackingButton").click()
    qtbot.waitUntil(lambda: DMITRY in text_of(wizard, "backingResult"), timeout=10_000)
    wait_idle(qtbot)
    assert "Designated safeguarding lead" in text_of(wizard, "backingResult")
    assert password.text() == "" and text_of(wizard, "backingMessage") == ""
    click(qtbot, wizard, "nextButton")

    # Finalise: nothing missing; the follow-ups default to what was decided.
    assert page(wizard) == "finalisePage"
    assert text_of(wizard, "missingLabel") == ""
    assert find(wizard, QCheckBox, "followUpCheck_tell_family").isChecked()
    assert find(wizard, QCheckBox, "followUpCheck_confirm_receipt").isChecked()
    assert not find(wizard, QCheckBox, "followUpCheck_review").isChecked()
    assert not find(wizard, QPushButton, "nextButton").isVisible()
    with qtbot.waitSignal(wizard.finalised, timeout=10_000) as finalised:
        find(wizard, QPushButton, "finaliseButton").click()
    wait_idle(qtbot)
    record = finalised.args[0]
    assert not alive(wizard) or not wizard.isVisible()

    assert record.final and record.outcome.without_consent
    assert record.backed_by == DMITRY and record.decided_by == MANAGER_NAME
    assert record.consent_reason == "Asking the parent would alert them before the enquiry."
    assert record.family_told is FamilyTold.WILL_TELL and record.recipient_name == REQUESTER
    assert {f.kind for f in record.followups} == {FollowUpKind.TELL_FAMILY, FollowUpKind.CONFIRM_RECEIPT}
    assert changes and changes[-1].final
    assert audit_count(session, AuditAction.SHARE_BACKED, share_id) == 1
    assert audit_count(session, AuditAction.SHARE_FINALISED, share_id) == 1


def test_a_decline_discussed_with_the_requester_is_finalised_without_backing_and_stays_final(
    made_vault: VaultUnderTest, qtbot: QtBot, open_wizard: Callable[..., DecisionWizard]
) -> None:
    session = made_vault.session
    kid = add_child(session, "Siobhán Kelly")
    share_id = int(telephone_request(made_vault, kid, ()).id)
    wizard = open_wizard(session, share_id)
    answer(qtbot, wizard, Question.PURPOSE, Answer.NO)

    assert page(wizard) == "outcomePage"
    assert text_of(wizard, "verdictLabel") == Verdict.DO_NOT_SHARE.label
    assert not find(wizard, QWidget, "shareFields").isVisible()
    assert find(wizard, QWidget, "declineFields").isVisible()
    find(wizard, QPlainTextEdit, "reasonsEdit").setPlainText("The caller wanted the address for a dispute.")
    find(wizard, QRadioButton, "discussedYesRadio").click()
    find(wizard, QPlainTextEdit, "discussedNoteEdit").setPlainText("Explained why on the call back.")
    click(qtbot, wizard, "nextButton")

    assert page(wizard) == "finalisePage"  # no backing page for a decline
    assert text_of(wizard, "missingLabel") == ""
    assert not find(wizard, QCheckBox, "followUpCheck_confirm_receipt").isChecked()
    assert "Explained why on the call back." in wizard.final.summary.toPlainText()
    with qtbot.waitSignal(wizard.finalised, timeout=10_000) as finalised:
        find(wizard, QPushButton, "finaliseButton").click()
    wait_idle(qtbot)
    record = finalised.args[0]
    assert record.final and record.outcome.verdict is Verdict.DO_NOT_SHARE
    assert record.discussed_with_requester is True and not record.backed
    assert record.reasons == "The caller wanted the address for a dispute." and record.items == ()
    assert audit_count(session, AuditAction.SHARE_BACKED, share_id) == 0
    assert audit_count(session, AuditAction.SHARE_FINALISED, share_id) == 1

    # A finalised decision cannot be opened in the wizard again: it says why, and only closes.
    again = open_wizard(session, share_id)
    assert page(again) == "refusedPage" and text_of(again, "refusedPage") == FINALISED
    assert not find(again, QPushButton, "nextButton").isVisible()
    assert not find(again, QPushButton, "backButton").isVisible()
    assert again.draft() is None
    click(qtbot, again, "closeButton")
    assert not alive(again) or not again.isVisible()
    assert session.sharing.get(share_id).final


def test_not_sure_leads_to_advice_and_then_the_question_again(
    made_vault: VaultUnderTest, qtbot: QtBot, open_wizard: Callable[..., DecisionWizard]
) -> None:
    session = made_vault.session
    kid = add_child(session, "Nguyễn Văn An")
    share_id = int(telephone_request(made_vault, kid, ()).id)
    wizard = open_wizard(session, share_id)
    answer(qtbot, wizard, Question.PURPOSE, Answer.NOT_SURE)

    assert page(wizard) == "advicePage"
    assert text_of(wizard, "verdictLabel") == Verdict.SEEK_ADVICE.label
    assert QUESTIONS[Question.PURPOSE].text in text_of(wizard, "adviceQuestion")
    words = text_of(wizard, "adviceWords")
    assert "children's social care" in words and "without naming the child" in words
    assert not find(wizard, QPushButton, "nextButton").isVisible()

    click(qtbot, wizard, "recordAdviceButton")  # nothing typed: the core names the field
    assert page(wizard) == "advicePage" and "Who gave the advice" in wizard.message.text()
    assert wizard.focusWidget() is find(wizard, QLineEdit, "adviserEdit")

    find(wizard, QLineEdit, "adviserEdit").setText("Anytown duty desk, Siobhán Murphy")
    find(wizard, QPlainTextEdit, "adviceEdit").setPlainText("A section 47 enquiry is a legitimate purpose.")
    find(wizard, QCheckBox, "childNamedCheck").setChecked(True)
    click(qtbot, wizard, "recordAdviceButton")

    assert page(wizard) == "questionPage_purpose"
    assert "Advice recorded" in wizard.message.text()
    assert "Siobhán Murphy" in text_of(wizard, "adviceShown_purpose")
    assert not any(r.isChecked() for r in wizard.questions[Question.PURPOSE].radios.values())
    assert wizard.record is not None
    [advice] = wizard.record.advice
    assert advice.question is Question.PURPOSE and advice.child_named
    assert advice.adviser == "Anytown duty desk, Siobhán Murphy"

    answer(qtbot, wizard, Question.PURPOSE, Answer.YES)
    assert page(wizard) == "questionPage_identifiable"
    assert text_of(wizard, "verdictLabel") == Verdict.UNDECIDED.label
    assert session.sharing.get(share_id).answers == {Question.PURPOSE: Answer.YES}


def test_leaving_half_way_resumes_at_the_next_question_and_a_lock_draft_comes_back(
    made_vault: VaultUnderTest, qtbot: QtBot, open_wizard: Callable[..., DecisionWizard]
) -> None:
    session = made_vault.session
    kid = add_child(session, "Zoë Okafor")
    share_id = int(telephone_request(made_vault, kid, ()).id)
    wizard = open_wizard(session, share_id)
    answer(qtbot, wizard, Question.PURPOSE, Answer.YES)
    answer(qtbot, wizard, Question.IDENTIFIABLE, Answer.YES)
    find(wizard, QRadioButton, "answer_confidential_yes").click()  # chosen, but Next not pressed
    click(qtbot, wizard, "closeButton")
    assert not alive(wizard) or not wizard.isVisible()

    wizard = open_wizard(session, share_id)
    assert page(wizard) == "questionPage_confidential"
    assert wizard.questions[Question.CONFIDENTIAL].chosen() is None
    assert text_of(wizard, "pathLabel") == "Purpose: Yes → Identifiable: Yes"

    # Back, and a changed earlier answer re-routes the rest of the path.
    click(qtbot, wizard, "backButton")
    assert page(wizard) == "questionPage_identifiable"
    assert wizard.questions[Question.IDENTIFIABLE].chosen() is Answer.YES
    answer(qtbot, wizard, Question.IDENTIFIABLE, Answer.NO)
    assert page(wizard) == "outcomePage"
    assert "does not identify anyone" in text_of(wizard, "verdictLabel")
    click(qtbot, wizard, "backButton")
    answer(qtbot, wizard, Question.IDENTIFIABLE, Answer.YES)
    assert page(wizard) == "questionPage_confidential"

    answer(qtbot, wizard, Question.CONFIDENTIAL, Answer.YES)
    answer(qtbot, wizard, Question.CHILD_AT_RISK, Answer.NO)
    answer(qtbot, wizard, Question.CONSENT, Answer.GIVEN)
    assert page(wizard) == "outcomePage"
    assert "Consent" in text_of(wizard, "verdictLabel")
    assert find(wizard, QComboBox, "basisCombo").currentData() == LawfulBasis.CONSENT.value

    # Half-typed on the outcome page when the screen locks: the draft keeps it, nothing is saved.
    find(wizard, QPlainTextEdit, "reasonsEdit").setPlainText("The mother agreed on the phone.")
    find(wizard, QPlainTextEdit, "sharedHowEdit").setPlainText("Secure em")
    find(wizard, QRadioButton, "familyTold_told").click()
    draft = wizard.draft()
    assert draft is not None and draft.form == FORM_ID and draft.title == TITLE
    assert draft.fields["share_id"] == str(share_id) and draft.fields["page"] == "outcome"
    assert draft.fields["reasons"] == "The mother agreed on the phone."
    wizard.forget()  # what the shell does at lock, after taking the drafts
    wizard.reject()
    wait_idle(qtbot)
    assert session.sharing.get(share_id).reasons == ""

    wizard = open_wizard(session, share_id, fields=dict(draft.fields))
    assert page(wizard) == "outcomePage"
    assert find(wizard, QPlainTextEdit, "reasonsEdit").toPlainText() == "The mother agreed on the phone."
    assert find(wizard, QPlainTextEdit, "sharedHowEdit").toPlainText() == "Secure em"
    assert find(wizard, QRadioButton, "familyTold_told").isChecked()
    assert wizard.draft() is not None  # still unsaved: a second lock keeps it again

    # Closing the wizard saves the outcome page, so the next opening shows it from the record.
    click(qtbot, wizard, "closeButton")
    record = session.sharing.get(share_id)
    assert record.reasons == "The mother agreed on the phone." and record.shared_how == "Secure em"
    assert record.family_told is FamilyTold.TOLD


def test_another_agencys_information_is_shown_but_cannot_be_shared(
    made_vault: VaultUnderTest, qtbot: QtBot, open_wizard: Callable[..., DecisionWizard]
) -> None:
    made_vault.add_person("dmitry", DMITRY, {Role.DSL}, DMITRY_PASSWORD)
    session = made_vault.session
    kid = add_child(session, "Αλέξανδρος Νικολάου")
    ours = log(session, kid, "Arrived hungry three days running.")
    theirs = log(session, kid, "The health visitor found the home cold.", source="Health visitor")
    share_id = int(telephone_request(made_vault, kid, (ours, theirs)).id)
    ready_to_decide(session, share_id, items=(ChosenItem(f"concern:{ours}:facts", Nature.FACT),))
    wizard = open_wizard(session, share_id)

    assert page(wizard) == "outcomePage"  # resumed where the decision was
    mine = find(wizard, QCheckBox, f"itemCheck_concern:{ours}:facts")
    assert mine.isEnabled() and mine.isChecked()  # the saved choice is shown again
    blocked = find(wizard, QCheckBox, f"itemCheck_concern:{theirs}:facts")
    assert not blocked.isEnabled() and not blocked.isChecked()
    assert "Health visitor" in blocked.toolTip() and "consent" in blocked.toolTip()
    why_not = find(wizard, QLabel, f"itemWhyNot_concern:{theirs}:facts")
    assert why_not.isVisible() and why_not.text() == blocked.toolTip()
    QTest.mouseClick(blocked, Qt.MouseButton.LeftButton)
    assert not blocked.isChecked()
    blocked.setChecked(True)  # even ticked by other means, it is not offered to the core
    click(qtbot, wizard, "nextButton")

    assert page(wizard) == "backingPage"
    assert wizard.record is not None
    assert [i.content for i in wizard.record.items] == ["Arrived hungry three days running."]
    assert "home cold" not in wizard.record.items[0].content


def test_a_setting_with_one_manager_records_who_was_consulted_instead_of_a_second_sign_in(
    made_vault: VaultUnderTest, qtbot: QtBot, open_wizard: Callable[..., DecisionWizard]
) -> None:
    session = made_vault.session  # Zoë is the only manager and DSL
    kid = add_child(session, "Siobhán Ní Bhriain")
    concern = log(session, kid, "Said she was scared to go home.")
    share_id = int(telephone_request(made_vault, kid, (concern,)).id)
    ready_to_decide(session, share_id, items=(ChosenItem(f"concern:{concern}:facts", Nature.FACT),))
    wizard = open_wizard(session, share_id)
    assert page(wizard) == "outcomePage"
    click(qtbot, wizard, "nextButton")

    assert page(wizard) == "backingPage"
    assert not find(wizard, QGroupBox, "backingSignIn").isVisible()
    assert find(wizard, QGroupBox, "backingConsult").isVisible()
    click(qtbot, wizard, "nextButton")
    assert page(wizard) == "finalisePage"
    assert "second manager or DSL" in text_of(wizard, "missingLabel")
    assert not find(wizard, QPushButton, "finaliseButton").isEnabled()
    click(qtbot, wizard, "backButton")

    find(wizard, QLineEdit, "consultedEdit").setText("Дмитрий Соколов, committee safeguarding officer")
    find(wizard, QPlainTextEdit, "consultedHowEdit").setPlainText("By telephone at 10:15 today.")
    click(qtbot, wizard, "recordConsultedButton")
    assert "Дмитрий Соколов" in text_of(wizard, "backingResult")
    click(qtbot, wizard, "nextButton")
    assert text_of(wizard, "missingLabel") == ""
    review = find(wizard, QCheckBox, "followUpCheck_review")
    review.setChecked(True)
    with qtbot.waitSignal(wizard.finalised, timeout=10_000) as finalised:
        find(wizard, QPushButton, "finaliseButton").click()
    wait_idle(qtbot)
    record = finalised.args[0]
    assert record.final and record.backed and record.backed_by == ""
    assert record.consulted == "Дмитрий Соколов, committee safeguarding officer"
    assert record.decided_by == MANAGER_NAME
    kinds = {f.kind for f in record.followups}
    assert kinds == {FollowUpKind.CONFIRM_RECEIPT, FollowUpKind.REVIEW}  # the family is not told
    review_due = next(f.due_date for f in record.followups if f.kind is FollowUpKind.REVIEW)
    assert review_due > date.today() - timedelta(days=400)
    assert audit_count(session, AuditAction.SHARE_BACKED, share_id) == 1


def test_a_refused_save_on_closing_names_the_field_and_a_second_close_leaves_it_unsaved(
    made_vault: VaultUnderTest, qtbot: QtBot, open_wizard: Callable[..., DecisionWizard]
) -> None:
    session = made_vault.session
    kid = add_child(session, "Zoë Ní Dhuibhir")
    concern = log(session, kid, "Came in with a cut lip.")
    share_id = int(telephone_request(made_vault, kid, (concern,)).id)
    saved = ready_to_decide(session, share_id, items=(ChosenItem(f"concern:{concern}:facts", Nature.FACT),))
    wizard = open_wizard(session, share_id)
    assert page(wizard) == "outcomePage"
    when = find(wizard, QDateEdit, "sharedOnEdit")
    when.setDate(when.date().addDays(40))
    click(qtbot, wizard, "closeButton")

    assert wizard.isVisible() and page(wizard) == "outcomePage"
    assert "days ahead" in wizard.message.text() and "Close again" in wizard.message.text()
    focused = wizard.focusWidget()
    assert focused is when or when.isAncestorOf(focused)
    click(qtbot, wizard, "closeButton")
    assert not alive(wizard) or not wizard.isVisible()
    assert session.sharing.get(share_id).shared_on == saved.shared_on


def test_the_lock_keeps_the_page_being_typed_but_never_the_backers_password(
    made_vault: VaultUnderTest, shell: Shell, qtbot: QtBot
) -> None:
    made_vault.sign_in()
    made_vault.add_person("dmitry", DMITRY, {Role.DSL}, DMITRY_PASSWORD)
    kid = add_child(made_vault.session)
    concern = log(made_vault.session, kid, "Said she was scared to go home.")
    share_id = int(telephone_request(made_vault, kid, (concern,)).id)
    ready_to_decide(
        made_vault.session, share_id, items=(ChosenItem(f"concern:{concern}:facts", Nature.FACT),)
    )
    made_vault.session.close()
    session = sign_in_through_window(qtbot, shell)
    wizard = DecisionWizard(session, share_id, shell.window)
    wizard.open()
    wait_idle(qtbot)
    click(qtbot, wizard, "nextButton")
    assert page(wizard) == "backingPage"
    find(wizard, QLineEdit, "backerUsernameEdit").setText("dmitry")
    find(wizard, QLineEdit, "backerPasswordEdit").setText(DMITRY_PASSWORD)

    shell.lock()

    assert not alive(wizard) or not wizard.isVisible()
    assert top_level("decisionWizard") is None
    unlocked = unlock_through_window(qtbot, shell)
    [kept] = [d for d in unlocked.drafts.mine() if d.form == FORM_ID]
    assert kept.title == TITLE and CHILD not in kept.title
    assert kept.fields["share_id"] == str(share_id) and kept.fields["page"] == "backing"
    assert kept.fields["backer_username"] == "dmitry"
    assert DMITRY_PASSWORD not in json.dumps(dict(kept.fields), ensure_ascii=False)


def test_the_consent_question_shows_what_the_family_said_on_record(
    made_vault: VaultUnderTest, qtbot: QtBot, open_wizard: Callable[..., DecisionWizard]
) -> None:
    session = made_vault.session
    kid = add_child(session, "Αλέξανδρος Νικολάου")
    mum = session.children.add_carer(kid, CarerDetails("Ελένη Νικολάου", "Mother", True, True)).carers[0].id
    kinds = {k.code: k.id for k in session.consents.kinds()}
    session.consents.record(
        kid,
        mum,
        kinds[KindCode.ADDITIONAL_NEEDS],
        ConsentDetails("given", "2026-08-20", "signed_form", agencies="Area SENCO"),
    )
    session.consents.record(
        kid, mum, kinds[KindCode.TRANSITION], ConsentDetails("refused", "2026-08-21", "in_writing")
    )
    share_id = int(telephone_request(made_vault, kid, ()).id)
    wizard = open_wizard(session, share_id)
    for question in (Question.PURPOSE, Question.IDENTIFIABLE, Question.CONFIDENTIAL, Question.CHILD_AT_RISK):
        answer(qtbot, wizard, question, Answer.YES if question is not Question.CHILD_AT_RISK else Answer.NO)
    assert page(wizard) == "questionPage_consent"
    shown = text_of(wizard, "consentsOnRecord_consent")
    assert (
        "Sharing information about additional needs (Area SENCO) — Ελένη Νικολάου: Given (signed form)"
        in shown
    )
    assert (
        "Passing on development summaries — Ελένη Νικολάου: Refused (letter or email) on 21 August 2026"
        in shown
    )
    assert not wizard.questions[Question.PURPOSE].on_record.isVisible()
