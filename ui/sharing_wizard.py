"""The information-sharing decision, one step at a time: the decision path, the outcome, the
management backing where it is needed, and finalising.

The path is ``app.policy.sharing_path.decide``: each page asks one question, and the page after it
is wherever the answers now lead, so changing an earlier answer re-routes the rest. Every "Next"
saves through ``session.sharing``, so closing the wizard half-way keeps everything answered and
the next opening carries on at the first unanswered question (or at the outcome). "Not sure"
leads to a page for recording the advice sought; the question is then asked again.

Sharing identifiable, confidential information without relying on consent is never decided
alone: a second manager or DSL signs in with their own username and password on the backing page
(checked off the UI thread; the password is never kept, not even in a lock draft), or, where the
setting has nobody else to ask, the decision maker records who they consulted and how.

A finalised decision is never rewritten: opened on one, the wizard shows a sentence saying so and
offers only Close. The window title never names the child.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.consents import Consent
from app.drafts import DraftForm
from app.errors import (
    AccountLocked,
    NotFound,
    PermissionDenied,
    SharewiseError,
    ValidationError,
    WrongPassword,
)
from app.policy.sharing_path import (
    CONSENT_NOT_RELIED_ON,
    QUESTIONS,
    SUGGESTED_CONDITION,
    Answer,
    LawfulBasis,
    Outcome,
    Question,
    SpecialCondition,
    Verdict,
    suggested_basis,
)
from app.session import Session
from app.sharing import (
    Channel,
    ChosenItem,
    Direction,
    FamilyTold,
    FollowUpKind,
    ItemChoice,
    Nature,
    NewFollowUp,
    OutcomeDraft,
    SharedItem,
    ShareRecord,
)
from ui import operations
from ui.child_forms import alive, check, line, to_qdate
from ui.concern_forms import (
    day_edit,
    from_qdate,
    from_qdatetime,
    moment_edit,
    note_edit,
    shown_day,
    shown_moment,
    to_qdatetime,
    today,
)
from ui.drafts import KeepsDraft
from ui.form_parts import heading, inline_message, password_field
from ui.password_gate import PasswordGate

FORM_ID = "sharing.decide"
TITLE = "Information-sharing decision"
OUTCOME_PAGE = "outcome"
BACKING_PAGE = "backing"
FINALISE_PAGE = "finalise"
REFUSED_PAGE = "refused"
TELL_FAMILY_DAYS = 1
CONFIRM_RECEIPT_DAYS = 2
REVIEW_DAYS = 28

# The questions as the path panel names them: short, so the whole path fits at a glance.
SHORT_NAMES: Mapping[Question, str] = {
    Question.PURPOSE: "Purpose",
    Question.IDENTIFIABLE: "Identifiable",
    Question.CONFIDENTIAL: "Confidential",
    Question.CHILD_AT_RISK: "Child at risk",
    Question.CONSENT: "Consent",
    Question.OTHER_REASON: "Another reason",
    Question.CRITICAL_CRITERION: "Critical criterion",
}

FINALISED = (
    "This decision is finalised and is never rewritten. Open the record to read it; to correct "
    "something, add an amendment there."
)
NOT_A_DECIDER = "Only the designated safeguarding lead or a manager makes information-sharing decisions."
ADVICE_WORDS = (
    "You were not sure, so ask before deciding: the manager, the designated safeguarding lead, or "
    "children's social care (the local authority's advice line). Describe the situation without "
    "naming the child where you can; name them only if the adviser needs it to help.\n\n"
    "Then record who advised you and what they said, and answer the question again."
)
BACKING_WORDS = (
    "Sharing without consent is never decided alone (policy 001 §2). A second manager or "
    "designated safeguarding lead reads the decision and the reasons, then confirms it here by "
    "typing their own username and password on this computer. The password is only checked, "
    "never kept."
)
CONSULT_WORDS = (
    "Nobody else here is a manager or designated safeguarding lead, so record who you consulted "
    "instead (for example the committee's safeguarding officer, or children's social care) and "
    "how and when you did."
)
FAMILY_GUIDANCE = (
    "Tell the family what is shared, with whom and why, unless telling them would put the child "
    "or anyone else at more risk, or get in the way of an enquiry."
)
NOT_TOLD_NEEDS_REASON = "Say why the family is not being told (telling them would raise the risk)."
CONSENT_REASON_NEEDED = "Say why consent was refused, withdrawn or not sought, and why we go on without it."
CONSENT_REASON_LABEL = "Why do we go on without consent?"
CLOSE_AGAIN = " Close again to leave without saving the changes on this page."


# --- the order of the pages ----------------------------------------------------------------------


def question_page(question: Question) -> str:
    return f"question:{question.value}"


def advice_page(question: Question) -> str:
    return f"advice:{question.value}"


def page_question(page: str) -> Question | None:
    """The question a question or advice page is about (None for the other pages)."""
    kind, _, value = page.partition(":")
    if kind not in ("question", "advice"):
        return None
    try:
        return Question(value)
    except ValueError:
        return None


def page_sequence(outcome: Outcome) -> list[str]:
    """The pages in order for where the answers lead now: the questions on the path, then the
    next question (or the advice page while unsure), or once decided the outcome, the backing
    when it is needed, and finalising."""
    pages = [question_page(step.question) for step in outcome.path]
    if outcome.verdict is Verdict.SEEK_ADVICE and outcome.next_question is not None:
        pages.append(advice_page(outcome.next_question))
    elif not outcome.decided:
        if outcome.next_question is not None:
            pages.append(question_page(outcome.next_question))
    else:
        pages.append(OUTCOME_PAGE)
        if outcome.backing_required:
            pages.append(BACKING_PAGE)
        pages.append(FINALISE_PAGE)
    return pages


def resume_page(outcome: Outcome) -> str:
    """Where an opened decision carries on: the first unanswered question, advice, or the outcome."""
    if outcome.decided:
        return OUTCOME_PAGE
    return page_sequence(outcome)[-1]


def path_words(outcome: Outcome) -> str:
    if not outcome.path:
        return "No questions answered yet."
    return " → ".join(f"{SHORT_NAMES[step.question]}: {step.answer.label}" for step in outcome.path)


def verdict_words(outcome: Outcome) -> str:
    words = outcome.verdict.label
    if outcome.ground is not None:
        words += f" — {outcome.ground.label}"
    if outcome.criterion is not None:
        words += f" ({outcome.criterion.label})"
    if outcome.backing_required:
        words += ". Needs the backing of a second manager or DSL."
    return words


def _para(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def summary_html(record: ShareRecord) -> str:
    """The decision as it will be finalised, for reading through before finalising."""
    outcome = record.outcome
    requester = ", ".join(
        p for p in (record.requester_name, record.requester_role, record.requester_org) if p
    )
    facts = [
        (
            "Request",
            f"{record.direction.label} ({record.received_via.label}, {shown_moment(record.received_at)})",
        ),
        ("From", requester or "—"),
        ("About", ", ".join(child.name for child in record.children)),
        ("Asked for", record.asked_for),
    ]
    if record.received_via is Channel.PHONE and record.direction is Direction.REQUEST:
        called = "not yet" if record.called_back_at is None else shown_moment(record.called_back_at)
        if record.called_back_by:
            called += f" by {record.called_back_by}"
        facts.append(("Caller checked", f"{record.verified_how or 'not recorded'}; called back {called}"))
    facts += [
        ("Path", path_words(outcome)),
        ("Decision", verdict_words(outcome)),
    ]
    if record.consent_reason:
        facts.append(("Why we go on without consent", record.consent_reason))
    if outcome.verdict is Verdict.SHARE:
        recipient = ", ".join(
            p for p in (record.recipient_name, record.recipient_role, record.recipient_org) if p
        )
        facts += [
            ("Lawful basis", record.lawful_basis.label if record.lawful_basis else "—"),
            (
                "Special-category condition",
                record.special_condition.label if record.special_condition else "—",
            ),
            ("Shared with", recipient or "—"),
            ("How", record.shared_how or "—"),
            ("Kept secure", record.secured_how or "—"),
            ("How long they keep it", record.retention or "—"),
            ("When", shown_day(record.shared_on) or "—"),
            ("The family", record.family_told.label if record.family_told else "—"),
        ]
        if record.family_reason:
            facts.append(("Why the family is not told", record.family_reason))
        if record.identity_protection:
            facts.append(("Protecting anyone who could be harmed", record.identity_protection))
    facts.append(("Reasons", record.reasons or "—"))
    if outcome.verdict is Verdict.DO_NOT_SHARE and record.direction is Direction.REQUEST:
        discussed = {None: "—", True: "Yes", False: "No"}[record.discussed_with_requester]
        facts.append(("Discussed with the requester", discussed))
        if record.discussed_note:
            facts.append(("Note", record.discussed_note))
    if outcome.backing_required:
        if record.backed_at is not None and record.backed_by:
            backing = f"{record.backed_by} ({record.backed_role}), {shown_moment(record.backed_at)}"
        elif record.consulted:
            backing = f"Consulted {record.consulted}: {record.consulted_how}"
        else:
            backing = "Not yet backed."
        facts.append(("Management backing", backing))
    parts = ["<p>" + "<br>".join(f"<b>{html.escape(k)}:</b> {_para(v)}" for k, v in facts) + "</p>"]
    if outcome.verdict is Verdict.SHARE:
        if record.items:
            rows = "".join(
                f"<li>{html.escape(i.label)} <i>({html.escape(i.nature.label)})</i>: {_para(i.content)}</li>"
                for i in record.items
            )
            parts.append(f"<h3>What is shared</h3><ul>{rows}</ul>")
        else:
            parts.append("<h3>What is shared</h3><p><i>Nothing chosen yet.</i></p>")
    if record.advice:
        rows = "".join(
            f"<li>{html.escape(SHORT_NAMES[a.question])}: {html.escape(a.adviser)} — {_para(a.advice)}"
            + (" <i>(the child was named)</i>" if a.child_named else "")
            + "</li>"
            for a in record.advice
        )
        parts.append(f"<h3>Advice sought</h3><ul>{rows}</ul>")
    return "".join(parts)


# --- the pages ----------------------------------------------------------------------------------


def _wrapped(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class QuestionPage(QWidget):
    """One question: its words, one line of guidance, a radio button per allowed answer."""

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question
        self.setObjectName(f"questionPage_{question.value}")
        words = QUESTIONS[question]
        title = heading(words.text)
        title.setObjectName(f"questionText_{question.value}")
        self.guidance = _wrapped(words.guidance, f"questionGuidance_{question.value}")
        self.group = QButtonGroup(self)
        self.radios: dict[Answer, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.guidance)
        for answer in words.answers:
            radio = QRadioButton(answer.label)
            radio.setObjectName(f"answer_{question.value}_{answer.value}")
            radio.setAccessibleName(answer.label)
            self.group.addButton(radio)
            self.radios[answer] = radio
            layout.addWidget(radio)
        self.advice = _wrapped("", f"adviceShown_{question.value}")
        self.advice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.advice)
        self.reason_label: QLabel | None = None
        self.reason: QPlainTextEdit | None = None
        # What the family has already said, from the consents on record (consent question only).
        self.on_record = _wrapped("", f"consentsOnRecord_{question.value}")
        self.on_record.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.on_record.setVisible(False)
        layout.addWidget(self.on_record)
        if question is Question.CONSENT:
            self.reason_label = _wrapped(CONSENT_REASON_LABEL, "consentReasonLabel")
            self.reason = note_edit(
                "consentReasonEdit",
                CONSENT_REASON_LABEL,
                "What the family said or why you did not ask, and why sharing goes ahead.",
            )
            self.reason_label.setBuddy(self.reason)
            layout.addWidget(self.reason_label)
            layout.addWidget(self.reason)
            self.group.buttonToggled.connect(lambda _button, _on: self._show_reason())
            self._show_reason()
        layout.addStretch(1)

    def chosen(self) -> Answer | None:
        for answer, radio in self.radios.items():
            if radio.isChecked():
                return answer
        return None

    def choose(self, answer: Answer | None) -> None:
        self.group.setExclusive(False)
        for each, radio in self.radios.items():
            radio.setChecked(each is answer)
        self.group.setExclusive(True)
        self._show_reason()

    def needs_reason(self) -> bool:
        return self.question is Question.CONSENT and self.chosen() in CONSENT_NOT_RELIED_ON

    def _show_reason(self) -> None:
        if self.reason is None or self.reason_label is None:
            return
        shown = self.needs_reason()
        self.reason_label.setVisible(shown)
        self.reason.setVisible(shown)

    def reason_text(self) -> str:
        return "" if self.reason is None else self.reason.toPlainText()

    def show_on_record(self, record: ShareRecord, consents: Sequence[Consent]) -> None:
        """List the consents the carers have given, refused or withdrawn for these children, so
        the answer to the consent question starts from what is on record."""
        if self.question is not Question.CONSENT:
            return
        names = {c.id: c.name for c in record.children}
        lines = [
            f"{names.get(c.child_id, '')}: {c.kind.name}"
            + (f" ({c.agencies})" if c.agencies else "")
            + f" — {c.carer_name}: {c.summary}"
            for c in consents
        ]
        if not lines:
            text = "No consent is recorded for the children in this request."
        else:
            text = "Consents on record:\n" + "\n".join(f"• {line}" for line in lines)
        self.on_record.setText(text)
        self.on_record.setVisible(True)

    def first_radio(self) -> QRadioButton:
        return next(iter(self.radios.values()))


class AdvicePage(QWidget):
    """Seek advice: plain words on whom to ask, and what the advice was."""

    def __init__(self, now: datetime) -> None:
        super().__init__()
        self.setObjectName("advicePage")
        self.question: Question | None = None
        self.about = _wrapped("", "adviceQuestion")
        self.earlier = _wrapped("", "adviceEarlier")
        self.adviser = line("adviserEdit", "Who gave the advice: name, role and organisation")
        self.adviser.setPlaceholderText("Name, role and organisation")
        self.sought_at = moment_edit("adviceSoughtAtEdit", "When the advice was given", now)
        self.advice = note_edit("adviceEdit", "The advice given", "What they advised, in their words.")
        self.child_named = check("childNamedCheck", "I had to name the child")
        self.record_button = QPushButton("Record advice")
        self.record_button.setObjectName("recordAdviceButton")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow("&Who gave the advice", self.adviser)
        form.addRow("W&hen", self.sought_at)
        form.addRow("The &advice", self.advice)
        form.addRow("", self.child_named)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.record_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Seek advice"))
        layout.addWidget(self.about)
        layout.addWidget(_wrapped(ADVICE_WORDS, "adviceWords"))
        layout.addWidget(self.earlier)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.fields: dict[str, QWidget] = {
            "adviser": self.adviser,
            "advice": self.advice,
            "child_named": self.child_named,
            "sought_at": self.sought_at,
        }

    def clear(self, now: datetime) -> None:
        self.adviser.clear()
        self.advice.clear()
        self.child_named.setChecked(False)
        self.sought_at.setDateTime(to_qdatetime(now))


class _ItemRow(QWidget):
    """One thing that could be shared: a tick, its nature (fact or opinion), and its words."""

    def __init__(
        self,
        key: str,
        label: str,
        content: str,
        nature: Nature,
        *,
        name: str,
        why_not: str = "",
        caution: str = "",
    ) -> None:
        super().__init__()
        self.key = key
        self.label = label
        self.content = content
        self.setObjectName(f"itemRow_{name}")
        self.check = QCheckBox(label)
        self.check.setObjectName(f"itemCheck_{name}")
        self.check.setAccessibleName(label)
        self.nature = QComboBox()
        self.nature.setObjectName(f"itemNature_{name}")
        self.nature.setAccessibleName(f"Fact or opinion: {label}")
        for each in Nature:
            self.nature.addItem(each.label, each.value)
        self.set_nature(nature)
        self.nature.setEnabled(False)
        self.check.toggled.connect(self.nature.setEnabled)
        words = content if len(content) <= 300 else content[:300] + "…"
        self.words = _wrapped(words, f"itemContent_{name}")
        self.words.setStyleSheet("color: #555;")
        self.why_not = _wrapped(why_not, f"itemWhyNot_{name}")
        top = QHBoxLayout()
        top.addWidget(self.check, 1)
        top.addWidget(self.nature)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 6)
        layout.addLayout(top)
        layout.addWidget(self.words)
        if why_not:
            self.check.setEnabled(False)
            self.check.setToolTip(why_not)
            self.nature.setToolTip(why_not)
            self.words.setToolTip(why_not)
            self.why_not.setStyleSheet("color: #b3261e;")
            layout.addWidget(self.why_not)
        elif caution:
            # Shareable, but the DSL should stop and think (a withheld address).
            self.why_not.setText(caution)
            self.why_not.setObjectName(f"itemCaution_{name}")
            self.why_not.setStyleSheet("color: #8a5a00;")
            layout.addWidget(self.why_not)
        else:
            self.why_not.hide()

    @property
    def shareable(self) -> bool:
        return self.check.isEnabled()

    def chosen_nature(self) -> Nature:
        return Nature(str(self.nature.currentData()))

    def set_nature(self, nature: Nature) -> None:
        self.nature.setCurrentIndex(max(self.nature.findData(nature.value), 0))

    def chosen(self) -> ChosenItem:
        if self.key == "other":
            return ChosenItem("other", self.chosen_nature(), self.label, self.content)
        return ChosenItem(self.key, self.chosen_nature())


def _item_source(key: str) -> str:
    """The ``share_item.source`` the core stores for an item choice's key."""
    source, _, rest = key.partition(":")
    if source == "concern":
        return "concern_" + rest.split(":")[1]
    return source


def match_items(
    items: Sequence[SharedItem], choices: Sequence[ItemChoice]
) -> tuple[dict[str, Nature], list[SharedItem]]:
    """Which item choices a saved record already shares (key -> nature), and its own "other" items.

    The record keeps what was shared (source, label, words), not the choice's key, so they are
    matched by source and label, preferring the same words (a concern corrected since keeps its
    label but not its words).
    """
    chosen: dict[str, Nature] = {}
    others: list[SharedItem] = []
    for item in items:
        if item.source == "other":
            others.append(item)
            continue
        candidates = [
            c
            for c in choices
            if c.key not in chosen and _item_source(c.key) == item.source and c.label == item.label
        ]
        exact = [c for c in candidates if c.content == item.content]
        found = exact or candidates
        if found:
            chosen[found[0].key] = item.nature
    return chosen, others


class OutcomePage(QWidget):
    """What is decided: for a share, exactly what, to whom, how and why; for a decline, why."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("outcomePage")
        self.title = heading("The decision")
        self.title.setObjectName("outcomeHeading")
        self.ground = _wrapped("", "outcomeGround")

        # --- sharing ---
        self.basis = QComboBox()
        self.basis.setObjectName("basisCombo")
        self.basis.setAccessibleName("Lawful basis (UK GDPR Article 6)")
        self.basis.addItem("Choose the lawful basis", None)
        for basis in LawfulBasis:
            self.basis.addItem(basis.label, basis.value)
        self.condition = QComboBox()
        self.condition.setObjectName("conditionCombo")
        self.condition.setAccessibleName("Special-category condition")
        self.condition.addItem("Choose whether special-category data is shared", None)
        for condition in SpecialCondition:
            self.condition.addItem(condition.label, condition.value)
        for combo in (self.basis, self.condition):  # long labels: let the page stay narrow
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(24)
        self.items_box = QWidget()
        self.items_box.setObjectName("itemChoices")
        self.items_layout = QVBoxLayout(self.items_box)
        self.items_layout.setContentsMargins(0, 0, 0, 0)
        self.others_box = QWidget()
        self.others_box.setObjectName("otherItems")
        self.others_layout = QVBoxLayout(self.others_box)
        self.others_layout.setContentsMargins(0, 0, 0, 0)
        self.rows: list[_ItemRow] = []
        self.other_rows: list[_ItemRow] = []
        self.other_label = line("otherItemLabelEdit", "Other item: what it is")
        self.other_label.setPlaceholderText("What it is, e.g. “Attendance this term”")
        self.other_content = note_edit("otherItemContentEdit", "Other item: the words shared")
        self.other_nature = QComboBox()
        self.other_nature.setObjectName("otherItemNatureCombo")
        self.other_nature.setAccessibleName("Other item: fact or opinion")
        for each in Nature:
            self.other_nature.addItem(each.label, each.value)
        self.add_other = QPushButton("Add other item")
        self.add_other.setObjectName("addOtherItemButton")
        self.add_other.clicked.connect(self.add_pending_other)
        other = QGroupBox("Add other item")
        other_form = QFormLayout(other)
        other_form.addRow("What it &is", self.other_label)
        other_form.addRow("The &words shared", self.other_content)
        other_form.addRow("Fact or opinion", self.other_nature)
        other_form.addRow("", self.add_other)
        self.recipient_name = line("recipientNameEdit", "Their name")
        self.recipient_role = line("recipientRoleEdit", "Their role")
        self.recipient_org = line("recipientOrgEdit", "Their organisation")
        self.shared_how = note_edit(
            "sharedHowEdit", "How it is shared", "Telephone, secure email, a meeting …"
        )
        self.secured_how = note_edit(
            "securedHowEdit", "How it is kept secure", "Secure email to a verified address, …"
        )
        self.retention = note_edit("retentionEdit", "How long they keep it", "As their own policy says, …")
        self.shared_on = QDateEdit()
        self.shared_on.setObjectName("sharedOnEdit")
        self.shared_on.setAccessibleName("When it is (or will be) shared")
        self.shared_on.setDisplayFormat("dd/MM/yyyy")
        self.shared_on.setCalendarPopup(True)
        self.family_group = QButtonGroup(self)
        self.family: dict[FamilyTold, QRadioButton] = {}
        family_box = QVBoxLayout()
        for told in FamilyTold:
            radio = QRadioButton(told.label)
            radio.setObjectName(f"familyTold_{told.value}")
            self.family_group.addButton(radio)
            self.family[told] = radio
            family_box.addWidget(radio)
        family_box.addWidget(_wrapped(FAMILY_GUIDANCE, "familyGuidance"))
        self.family_reason = note_edit(
            "familyReasonEdit", "Why the family is not told", "Required when the family is not told."
        )
        self.family_group.buttonToggled.connect(lambda _b, _on: self._family_changed())
        self.identity_protection = note_edit(
            "identityProtectionEdit",
            "Protecting the identity of anyone who could be harmed",
            "Whose details are left out or blacked out, and why.",
        )
        self.share_fields = QWidget()
        self.share_fields.setObjectName("shareFields")
        share = QFormLayout(self.share_fields)
        share.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        share.setContentsMargins(0, 0, 0, 0)
        share.addRow("&Lawful basis (UK GDPR Article 6)", self.basis)
        share.addRow("&Special-category condition", self.condition)
        share.addRow("What exactly is shared (tick each item; mark it fact or opinion)", self.items_box)
        share.addRow("", self.others_box)
        share.addRow("", other)
        share.addRow("Shared with: &name", self.recipient_name)
        share.addRow("Their &role", self.recipient_role)
        share.addRow("Their &organisation", self.recipient_org)
        share.addRow("&How it is shared", self.shared_how)
        share.addRow("How it is &kept secure", self.secured_how)
        share.addRow("How long they &keep it", self.retention)
        share.addRow("Wh&en it is shared", self.shared_on)
        share.addRow("Is the family told?", family_box)
        share.addRow("Why the family is &not told", self.family_reason)
        share.addRow("Protecting the &identity of anyone who could be harmed", self.identity_protection)

        # --- both ---
        self.reasons = note_edit("reasonsEdit", "The reasons for the decision")
        self.reasons.setMaximumHeight(160)

        # --- not sharing ---
        self.discussed_group = QButtonGroup(self)
        self.discussed_yes = QRadioButton("Yes")
        self.discussed_yes.setObjectName("discussedYesRadio")
        self.discussed_no = QRadioButton("No")
        self.discussed_no.setObjectName("discussedNoRadio")
        self.discussed_group.addButton(self.discussed_yes)
        self.discussed_group.addButton(self.discussed_no)
        discussed = QHBoxLayout()
        discussed.addWidget(self.discussed_yes)
        discussed.addWidget(self.discussed_no)
        discussed.addStretch(1)
        self.discussed_note = note_edit(
            "discussedNoteEdit",
            "Discussion with the requester",
            "What was said, or why it was not discussed.",
        )
        self.decline_fields = QWidget()
        self.decline_fields.setObjectName("declineFields")
        decline = QFormLayout(self.decline_fields)
        decline.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        decline.setContentsMargins(0, 0, 0, 0)
        decline.addRow("Discussed with the requester?", discussed)
        decline.addRow("Note (why not, if not discussed)", self.discussed_note)

        reasons_form = QFormLayout()
        reasons_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        reasons_form.addRow("The &reasons for the decision", self.reasons)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.title)
        inner.addWidget(self.ground)
        inner.addWidget(self.share_fields)
        inner.addLayout(reasons_form)
        inner.addWidget(self.decline_fields)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("outcomeScroll")
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.fields: dict[str, QWidget] = {
            "reasons": self.reasons,
            "lawful_basis": self.basis,
            "special_condition": self.condition,
            "items": self.items_box,
            "recipient_name": self.recipient_name,
            "recipient_role": self.recipient_role,
            "recipient_org": self.recipient_org,
            "shared_how": self.shared_how,
            "secured_how": self.secured_how,
            "retention": self.retention,
            "shared_on": self.shared_on,
            "family_told": self.family[FamilyTold.TOLD],
            "family_reason": self.family_reason,
            "identity_protection": self.identity_protection,
            "discussed_with_requester": self.discussed_yes,
            "discussed_note": self.discussed_note,
        }
        self.verdict = Verdict.UNDECIDED
        self._family_changed()

    # --- items ---

    def set_choices(self, choices: Sequence[ItemChoice]) -> None:
        for row in self.rows:
            row.deleteLater()
        self.rows = []
        for choice in choices:
            row = _ItemRow(
                choice.key,
                choice.label,
                choice.content,
                choice.nature,
                name=choice.key,
                why_not="" if choice.shareable else (choice.why_not or "This item cannot be shared."),
                caution=choice.caution,
            )
            self.rows.append(row)
            self.items_layout.addWidget(row)
        if not choices:
            note = _wrapped(
                "Nothing is linked to this request yet: add what is shared below.", "noItemChoices"
            )
            self.items_layout.addWidget(note)

    def _add_other_row(self, label: str, content: str, nature: Nature, checked: bool = True) -> _ItemRow:
        row = _ItemRow("other", label, content, nature, name=f"other{len(self.other_rows) + 1}")
        row.check.setChecked(checked)
        self.other_rows.append(row)
        self.others_layout.addWidget(row)
        return row

    def clear_others(self) -> None:
        for row in self.other_rows:
            row.deleteLater()
        self.other_rows = []

    def pending_other(self) -> ChosenItem | None:
        """The "other item" typed but not yet added, if anything is typed."""
        label, content = self.other_label.text(), self.other_content.toPlainText()
        if not (label.strip() or content.strip()):
            return None
        return ChosenItem("other", Nature(str(self.other_nature.currentData())), label, content)

    def add_pending_other(self) -> None:
        pending = self.pending_other()
        if pending is None or not (pending.label.strip() and pending.content.strip()):
            missing = self.other_content if self.other_label.text().strip() else self.other_label
            missing.setFocus()
            return
        self._add_other_row(pending.label, pending.content, pending.nature)
        self.other_label.clear()
        self.other_content.clear()
        self.other_nature.setCurrentIndex(0)

    def chosen_items(self) -> tuple[ChosenItem, ...]:
        found = [row.chosen() for row in self.rows if row.shareable and row.check.isChecked()]
        found += [row.chosen() for row in self.other_rows if row.check.isChecked()]
        pending = self.pending_other()
        if pending is not None:
            found.append(pending)
        return tuple(found)

    def row(self, key: str) -> _ItemRow | None:
        return next((r for r in self.rows if r.key == key), None)

    # --- filling and reading ---

    def _family_changed(self) -> None:
        not_told = self.family[FamilyTold.NOT_TOLD].isChecked()
        self.family_reason.setEnabled(not_told)

    def family_told(self) -> FamilyTold | None:
        return next((told for told, radio in self.family.items() if radio.isChecked()), None)

    def set_family_told(self, told: FamilyTold | None) -> None:
        self.family_group.setExclusive(False)
        for each, radio in self.family.items():
            radio.setChecked(each is told)
        self.family_group.setExclusive(True)
        self._family_changed()

    def discussed(self) -> bool | None:
        if self.discussed_yes.isChecked():
            return True
        if self.discussed_no.isChecked():
            return False
        return None

    def set_discussed(self, value: bool | None) -> None:
        self.discussed_group.setExclusive(False)
        self.discussed_yes.setChecked(value is True)
        self.discussed_no.setChecked(value is False)
        self.discussed_group.setExclusive(True)

    def show_record(self, record: ShareRecord, day: date) -> None:
        """Fill the page from the record (defaults where nothing is saved yet)."""
        outcome = record.outcome
        self.verdict = outcome.verdict
        sharing = outcome.verdict is Verdict.SHARE
        self.title.setText(f"The decision: {outcome.verdict.label}")
        self.ground.setText("" if outcome.ground is None else f"Ground: {outcome.ground.label}")
        self.share_fields.setVisible(sharing)
        self.decline_fields.setVisible(not sharing and record.direction is Direction.REQUEST)
        self.reasons.setPlainText(record.reasons)
        basis = record.lawful_basis or suggested_basis(outcome.ground)
        self.basis.setCurrentIndex(max(self.basis.findData(None if basis is None else basis.value), 0))
        condition = record.special_condition
        if condition is None and outcome.ground is not None:
            condition = SUGGESTED_CONDITION.get(outcome.ground)
        index = self.condition.findData(None if condition is None else condition.value)
        self.condition.setCurrentIndex(max(index, 0))
        chosen, others = match_items(record.items, [self._choice_of(r) for r in self.rows])
        for row in self.rows:
            row.check.setChecked(row.shareable and row.key in chosen)
            if row.key in chosen:
                row.set_nature(chosen[row.key])
        self.clear_others()
        for item in others:
            self._add_other_row(item.label, item.content, item.nature)
        self.other_label.clear()
        self.other_content.clear()
        self.other_nature.setCurrentIndex(0)
        untouched = not (record.recipient_name or record.recipient_role or record.recipient_org)
        self.recipient_name.setText(record.requester_name if untouched else record.recipient_name)
        self.recipient_role.setText(record.requester_role if untouched else record.recipient_role)
        self.recipient_org.setText(record.requester_org if untouched else record.recipient_org)
        self.shared_how.setPlainText(record.shared_how)
        self.secured_how.setPlainText(record.secured_how)
        self.retention.setPlainText(record.retention)
        self.shared_on.setDate(to_qdate(record.shared_on or day))
        self.set_family_told(record.family_told)
        self.family_reason.setPlainText(record.family_reason)
        self.identity_protection.setPlainText(record.identity_protection)
        self.set_discussed(record.discussed_with_requester)
        self.discussed_note.setPlainText(record.discussed_note)

    @staticmethod
    def _choice_of(row: _ItemRow) -> ItemChoice:
        return ItemChoice(row.key, row.label, row.content, row.chosen_nature(), row.shareable)

    def draft(self) -> OutcomeDraft:
        """What the page holds, as the core takes it; only the fields of the verdict shown."""
        reasons = self.reasons.toPlainText()
        if self.verdict is Verdict.SHARE:
            basis, condition = self.basis.currentData(), self.condition.currentData()
            return OutcomeDraft(
                reasons=reasons,
                lawful_basis=None if basis is None else LawfulBasis(str(basis)),
                special_condition=None if condition is None else SpecialCondition(str(condition)),
                recipient_name=self.recipient_name.text(),
                recipient_role=self.recipient_role.text(),
                recipient_org=self.recipient_org.text(),
                shared_how=self.shared_how.toPlainText(),
                secured_how=self.secured_how.toPlainText(),
                retention=self.retention.toPlainText(),
                shared_on=from_qdate(self.shared_on.date()),
                family_told=self.family_told(),
                family_reason=self.family_reason.toPlainText()
                if self.family_told() is FamilyTold.NOT_TOLD
                else "",
                identity_protection=self.identity_protection.toPlainText(),
                items=self.chosen_items(),
            )
        shown = self.decline_fields.isVisibleTo(self)
        return OutcomeDraft(
            reasons=reasons,
            discussed_with_requester=self.discussed() if shown else None,
            discussed_note=self.discussed_note.toPlainText() if shown else "",
        )

    def texts(self) -> dict[str, str]:
        """For a lock draft: everything typed or chosen on the page."""
        basis, condition = self.basis.currentData(), self.condition.currentData()
        told = self.family_told()
        discussed = self.discussed()
        items = [
            {"key": row.key, "nature": row.chosen_nature().value}
            for row in self.rows
            if row.shareable and row.check.isChecked()
        ] + [
            {"key": "other", "nature": row.chosen_nature().value, "label": row.label, "content": row.content}
            for row in self.other_rows
            if row.check.isChecked()
        ]
        return {
            "reasons": self.reasons.toPlainText(),
            "lawful_basis": "" if basis is None else str(basis),
            "special_condition": "" if condition is None else str(condition),
            "recipient_name": self.recipient_name.text(),
            "recipient_role": self.recipient_role.text(),
            "recipient_org": self.recipient_org.text(),
            "shared_how": self.shared_how.toPlainText(),
            "secured_how": self.secured_how.toPlainText(),
            "retention": self.retention.toPlainText(),
            "shared_on": from_qdate(self.shared_on.date()).isoformat(),
            "family_told": "" if told is None else told.value,
            "family_reason": self.family_reason.toPlainText(),
            "identity_protection": self.identity_protection.toPlainText(),
            "discussed": {None: "", True: "yes", False: "no"}[discussed],
            "discussed_note": self.discussed_note.toPlainText(),
            "items": json.dumps(items, ensure_ascii=False),
            "other_label": self.other_label.text(),
            "other_content": self.other_content.toPlainText(),
            "other_nature": str(self.other_nature.currentData()),
        }

    def fill(self, fields: Mapping[str, str]) -> None:
        """Put a lock draft's values back over what the record holds."""
        for key, edit in (
            ("reasons", self.reasons),
            ("shared_how", self.shared_how),
            ("secured_how", self.secured_how),
            ("retention", self.retention),
            ("family_reason", self.family_reason),
            ("identity_protection", self.identity_protection),
            ("discussed_note", self.discussed_note),
            ("other_content", self.other_content),
        ):
            if key in fields:
                edit.setPlainText(fields[key])
        for key, field in (
            ("recipient_name", self.recipient_name),
            ("recipient_role", self.recipient_role),
            ("recipient_org", self.recipient_org),
            ("other_label", self.other_label),
        ):
            if key in fields:
                field.setText(fields[key])
        for key, combo in (
            ("lawful_basis", self.basis),
            ("special_condition", self.condition),
            ("other_nature", self.other_nature),
        ):
            if key in fields:
                index = combo.findData(fields[key] or None)
                if index >= 0:
                    combo.setCurrentIndex(index)
        if fields.get("shared_on"):
            try:
                self.shared_on.setDate(to_qdate(date.fromisoformat(fields["shared_on"])))
            except ValueError:
                pass
        if "family_told" in fields:
            try:
                self.set_family_told(FamilyTold(fields["family_told"]) if fields["family_told"] else None)
            except ValueError:
                pass
        if "discussed" in fields:
            self.set_discussed({"yes": True, "no": False}.get(fields["discussed"]))
        if "items" in fields:
            self._fill_items(fields["items"])

    def _fill_items(self, text: str) -> None:
        try:
            items = json.loads(text)
        except ValueError:
            return
        if not isinstance(items, list):
            return
        wanted: dict[str, str] = {}
        self.clear_others()
        for item in items:
            if not isinstance(item, dict):
                continue
            key, nature = str(item.get("key", "")), str(item.get("nature", ""))
            try:
                chosen_nature = Nature(nature)
            except ValueError:
                chosen_nature = Nature.FACT
            if key == "other":
                self._add_other_row(str(item.get("label", "")), str(item.get("content", "")), chosen_nature)
            else:
                wanted[key] = chosen_nature.value
        for row in self.rows:
            row.check.setChecked(row.shareable and row.key in wanted)
            if row.key in wanted:
                row.set_nature(Nature(wanted[row.key]))

    def forget(self) -> None:
        for edit in self.findChildren(QPlainTextEdit):
            edit.clear()
        for field in self.findChildren(QLineEdit):
            field.clear()
        for row in [*self.rows, *self.other_rows]:
            row.deleteLater()
        self.rows, self.other_rows = [], []


class BackingPage(QWidget):
    """A second manager or DSL confirms with their own sign-in, or who was consulted."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("backingPage")
        self.summary = _wrapped("", "backingSummary")
        self.username = line("backerUsernameEdit", "The second manager's or DSL's username")
        self.password = password_field("backerPasswordEdit", "Their password")
        self.confirm_button = QPushButton("Confirm")
        self.confirm_button.setObjectName("confirmBackingButton")
        self.countdown = _wrapped("", "backingCountdown")
        self.sign_in = QGroupBox("The second manager or DSL signs in here")
        self.sign_in.setObjectName("backingSignIn")
        sign_in = QFormLayout(self.sign_in)
        sign_in.addRow("Their &username", self.username)
        sign_in.addRow("Their &password", self.password)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.countdown, 1)
        confirm_row.addWidget(self.confirm_button)
        sign_in.addRow(confirm_row)
        self.username.returnPressed.connect(self.password.setFocus)
        self.consulted = line("consultedEdit", "Who did you consult: name, role and organisation")
        self.consulted_how = note_edit("consultedHowEdit", "How and when you consulted them")
        self.consult_button = QPushButton("Record who was consulted")
        self.consult_button.setObjectName("recordConsultedButton")
        self.consult = QGroupBox("Who did you consult, and how?")
        self.consult.setObjectName("backingConsult")
        consult = QFormLayout(self.consult)
        consult.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        consult.addRow(_wrapped(CONSULT_WORDS, "consultWords"))
        consult.addRow("&Who you consulted (name, role, organisation)", self.consulted)
        consult.addRow("&How and when", self.consulted_how)
        consult_row = QHBoxLayout()
        consult_row.addStretch(1)
        consult_row.addWidget(self.consult_button)
        consult.addRow(consult_row)
        self.result = _wrapped("", "backingResult")
        self.result.setStyleSheet("font-weight: bold;")
        self.message = inline_message("backingMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Management backing"))
        layout.addWidget(_wrapped(BACKING_WORDS, "backingWords"))
        layout.addWidget(self.summary)
        layout.addWidget(self.sign_in)
        layout.addWidget(self.consult)
        layout.addWidget(self.result)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.fields: dict[str, QWidget] = {
            "backing": self.username,
            "consulted": self.consulted,
            "consulted_how": self.consulted_how,
        }

    def show_record(self, record: ShareRecord, consult_instead: bool) -> None:
        self.sign_in.setVisible(not consult_instead)
        self.consult.setVisible(consult_instead)
        recipient = ", ".join(p for p in (record.recipient_name, record.recipient_org) if p)
        self.summary.setText(
            f"Decision: {verdict_words(record.outcome)}"
            + (f"\nShared with: {recipient}" if recipient else "")
            + (f"\nWhy we go on without consent: {record.consent_reason}" if record.consent_reason else "")
        )
        self.result.setText(backing_words(record))

    def forget(self) -> None:
        self.username.clear()
        self.password.clear()
        self.consulted.clear()
        self.consulted_how.clear()
        self.summary.clear()
        self.result.clear()
        self.message.clear()


def backing_words(record: ShareRecord) -> str:
    if record.backed_at is not None and record.backed_by:
        return f"Backed by {record.backed_by} ({record.backed_role}), {shown_moment(record.backed_at)}."
    if record.consulted:
        return f"Consulted: {record.consulted}, {shown_moment(record.backed_at)}. {record.consulted_how}"
    return "Not backed yet."


@dataclass
class _FollowUpRow:
    kind: FollowUpKind
    check: QCheckBox
    due: QDateEdit


class FinalisePage(QWidget):
    """Read it through, see what is still missing, choose the follow-ups, finalise."""

    def __init__(self, day: date) -> None:
        super().__init__()
        self.setObjectName("finalisePage")
        self.summary = QTextBrowser()
        self.summary.setObjectName("summaryView")
        self.summary.setAccessibleName("The decision")
        self.missing = inline_message("missingLabel")
        self.followups: dict[FollowUpKind, _FollowUpRow] = {}
        box = QGroupBox("Follow-ups to create")
        box.setObjectName("followUps")
        rows = QFormLayout(box)
        for kind, text in (
            (FollowUpKind.TELL_FAMILY, "Tell the family"),
            (FollowUpKind.CONFIRM_RECEIPT, "Confirm the information was received"),
            (FollowUpKind.REVIEW, "Review the decision (optional)"),
        ):
            tick = check(f"followUpCheck_{kind.value}", text)
            due = day_edit(f"followUpDate_{kind.value}", f"{text}: due by", day)
            due.setMinimumDate(to_qdate(day))
            due.setEnabled(False)
            tick.toggled.connect(due.setEnabled)
            row = QHBoxLayout()
            row.addWidget(tick, 1)
            row.addWidget(QLabel("due by"))
            row.addWidget(due)
            rows.addRow(row)
            self.followups[kind] = _FollowUpRow(kind, tick, due)
        self.finalise_button = QPushButton("Finalise decision")
        self.finalise_button.setObjectName("finaliseButton")
        finalise_row = QHBoxLayout()
        finalise_row.addWidget(
            _wrapped("A finalised decision is never rewritten: corrections are added as amendments.")
        )
        finalise_row.addStretch(1)
        finalise_row.addWidget(self.finalise_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Finalise the decision"))
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.missing)
        layout.addWidget(box)
        layout.addLayout(finalise_row)

    def show_record(self, record: ShareRecord, gaps: Sequence[tuple[str, str]], day: date) -> None:
        self.summary.setHtml(summary_html(record))
        if gaps:
            self.missing.setText(
                "Before finalising:\n" + "\n".join(f"• {sentence}" for _field, sentence in gaps)
            )
        else:
            self.missing.setText("")
        sharing = record.outcome.verdict is Verdict.SHARE
        tell = self.followups[FollowUpKind.TELL_FAMILY]
        tell.check.setChecked(sharing and record.family_told is FamilyTold.WILL_TELL)
        tell.due.setDate(to_qdate(day + timedelta(days=TELL_FAMILY_DAYS)))
        receipt = self.followups[FollowUpKind.CONFIRM_RECEIPT]
        receipt.check.setChecked(sharing)
        receipt.check.setEnabled(sharing)
        shared = max(record.shared_on or day, day)
        receipt.due.setDate(to_qdate(shared + timedelta(days=CONFIRM_RECEIPT_DAYS)))
        review = self.followups[FollowUpKind.REVIEW]
        review.check.setChecked(False)
        review.due.setDate(to_qdate(day + timedelta(days=REVIEW_DAYS)))
        self.finalise_button.setEnabled(not gaps)

    def chosen(self) -> list[NewFollowUp]:
        return [
            NewFollowUp(row.kind, from_qdate(row.due.date()))
            for row in self.followups.values()
            if row.check.isChecked() and row.check.isEnabled()
        ]

    def texts(self) -> dict[str, str]:
        fields: dict[str, str] = {}
        for kind, row in self.followups.items():
            fields[f"followup_{kind.value}"] = "1" if row.check.isChecked() else ""
            fields[f"due_{kind.value}"] = from_qdate(row.due.date()).isoformat()
        return fields

    def fill(self, fields: Mapping[str, str]) -> None:
        for kind, row in self.followups.items():
            if f"followup_{kind.value}" in fields and row.check.isEnabled():
                row.check.setChecked(fields[f"followup_{kind.value}"] == "1")
            try:
                row.due.setDate(to_qdate(date.fromisoformat(fields.get(f"due_{kind.value}", ""))))
            except ValueError:
                pass

    def forget(self) -> None:
        self.summary.clear()
        self.missing.clear()


# --- the wizard ---------------------------------------------------------------------------------


class DecisionWizard(QDialog, KeepsDraft):
    """Walk one information-sharing request through the decision path to a finalised decision.

    ``fields`` are a lock draft's fields (from ``draft()``): once the record has loaded, the
    wizard goes back to the page the draft was taken on and puts its typing back.
    """

    finalised = Signal(object)  # ShareRecord
    changed = Signal(object)  # ShareRecord, after each save

    def __init__(
        self,
        session: Session,
        share_id: int,
        parent: QWidget | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("decisionWizard")
        self.setWindowTitle(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._session = session
        self.share_id = int(share_id)
        self._fields = dict(fields) if fields and fields.get("share_id") == str(self.share_id) else None
        self.record: ShareRecord | None = None
        self.consult_instead = False
        self.page = ""
        self._done = False  # finalised, closed, refused or forgotten: nothing left to keep
        self._refused = False
        self._unsaveable: dict[str, str] | None = None  # the page as it was when a save on closing failed
        self._busy = False
        self._operation: operations.Operation[Any] | None = None
        self._shown_values: dict[str, str] = {}
        now = session.context.clock.now()

        self.path_label = _wrapped("", "pathLabel")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict_label = _wrapped("", "verdictLabel")
        self.verdict_label.setStyleSheet("font-weight: bold;")
        self.request_label = _wrapped("Opening the request…", "requestLabel")
        panel = QFrame()
        panel.setObjectName("pathPanel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setFixedWidth(260)
        side = QVBoxLayout(panel)
        side.addWidget(_wrapped("<b>The request</b>"))
        side.addWidget(self.request_label)
        side.addWidget(_wrapped("<b>Path so far</b>"))
        side.addWidget(self.path_label)
        side.addWidget(_wrapped("<b>Decision so far</b>"))
        side.addWidget(self.verdict_label)
        side.addStretch(1)

        self.questions = {q: QuestionPage(q) for q in Question}
        self.advice = AdvicePage(now)
        self.outcome = OutcomePage()
        self.backing = BackingPage()
        self.final = FinalisePage(today(session))
        self.pages = QStackedWidget()
        self.pages.setObjectName("wizardPages")
        self.loading = _wrapped("Opening the request…", "loadingPage")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.pages.addWidget(self.loading)
        for widget in (*self.questions.values(), self.advice, self.outcome, self.backing, self.final):
            self.pages.addWidget(widget)

        self.message = inline_message("wizardMessage")
        self.back_button = QPushButton("< &Back")
        self.back_button.setObjectName("backButton")
        self.next_button = QPushButton("&Next >")
        self.next_button.setObjectName("nextButton")
        self.next_button.setDefault(True)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("closeButton")
        self.close_button.setToolTip("Everything saved is kept: open the request again to carry on.")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.close_button.clicked.connect(self.reject)
        self.advice.record_button.clicked.connect(self.record_advice)
        self.backing.confirm_button.clicked.connect(self.confirm_backing)
        self.backing.password.returnPressed.connect(self.confirm_backing)
        self.backing.consult_button.clicked.connect(self.record_consulted)
        self.final.finalise_button.clicked.connect(self.finalise)
        self.gate = PasswordGate(self)
        self.gate.countdown.connect(self._countdown)

        nav = QHBoxLayout()
        nav.addWidget(self.close_button)
        nav.addStretch(1)
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        body = QHBoxLayout()
        body.addWidget(panel)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        layout.addLayout(nav)
        self.resize(960, 760)
        self._update_buttons()
        self._load()

    # --- loading ----------------------------------------------------------------------------

    def _load(self) -> None:
        sharing = self._session.sharing
        share_id = self.share_id

        consents = self._session.consents

        def work() -> tuple[ShareRecord, list[ItemChoice], bool, list[Consent]]:
            record = sharing.get(share_id)
            if record.final or not record.may_decide:
                return record, [], False, []
            on_record = consents.answers_for([c.id for c in record.children])
            return record, sharing.item_choices(share_id), sharing.may_consult_instead(), on_record

        self._run(work, "Opening the request…", self._loaded, self._load_failed)

    def _loaded(self, result: tuple[ShareRecord, list[ItemChoice], bool, list[Consent]]) -> None:
        record, choices, consult_instead, on_record = result
        if record.final:
            self._refuse(FINALISED)
            return
        if not record.may_decide:
            self._refuse(NOT_A_DECIDER)
            return
        self.record = record
        self.consult_instead = consult_instead
        self.outcome.set_choices(choices)
        self.request_label.setText(request_words(record))
        self._show_progress(record)
        self.consent_page.reason.setPlainText(record.consent_reason)  # type: ignore[union-attr]
        self.consent_page.show_on_record(record, on_record)
        fields, self._fields = self._fields, None
        wanted = fields.get("page", "") if fields else ""
        if fields and wanted in page_sequence(record.outcome):
            self._show_page(wanted)
            self._fill_page(fields)
        else:
            self._show_page(resume_page(record.outcome))

    def _load_failed(self, error: BaseException) -> bool:
        if isinstance(error, NotFound | PermissionDenied | ValidationError):
            self._refuse(error.sentence)
            return True
        return False

    def _refuse(self, sentence: str) -> None:
        """This record cannot be decided here: the wizard shows why, and only closes."""
        self._refused = True
        self._done = True
        self.page = REFUSED_PAGE
        self.loading.setObjectName("refusedPage")
        self.loading.setText(sentence)
        self.pages.setCurrentWidget(self.loading)
        self._update_buttons()
        self.close_button.setFocus()

    @property
    def consent_page(self) -> QuestionPage:
        return self.questions[Question.CONSENT]

    # --- showing pages ----------------------------------------------------------------------

    def _show_progress(self, record: ShareRecord) -> None:
        self.path_label.setText(path_words(record.outcome))
        self.verdict_label.setText(verdict_words(record.outcome))

    def _show_page(self, page: str) -> None:
        record = self.record
        if record is None:
            return
        self.message.clear()
        self._unsaveable = None
        self.page = page
        question = page_question(page)
        if page.startswith("question:") and question is not None:
            widget = self.questions[question]
            widget.choose(record.answers.get(question))
            widget.advice.setText(advice_words(record, question))
            self.pages.setCurrentWidget(widget)
        elif page.startswith("advice:") and question is not None:
            self.advice.question = question
            self.advice.about.setText(f"You were not sure: “{question.text}”")
            earlier = advice_words(record, question)
            self.advice.earlier.setText(earlier)
            self.advice.earlier.setVisible(bool(earlier))
            self.advice.clear(self._session.context.clock.now())
            self.pages.setCurrentWidget(self.advice)
        elif page == OUTCOME_PAGE:
            self.outcome.show_record(record, today(self._session))
            self.pages.setCurrentWidget(self.outcome)
        elif page == BACKING_PAGE:
            self.backing.message.clear()
            self.backing.show_record(record, self.consult_instead)
            self.pages.setCurrentWidget(self.backing)
        elif page == FINALISE_PAGE:
            self.final.show_record(record, self._session.sharing.missing(record), today(self._session))
            self.pages.setCurrentWidget(self.final)
        self._shown_values = self._page_values()
        self._update_buttons()

    def _sequence(self) -> list[str]:
        return [] if self.record is None else page_sequence(self.record.outcome)

    def _neighbour(self, step: int) -> str | None:
        pages = self._sequence()
        if self.page not in pages:
            return None
        index = pages.index(self.page) + step
        return pages[index] if 0 <= index < len(pages) else None

    def _update_buttons(self) -> None:
        ready = self.record is not None and not self._busy
        self.back_button.setEnabled(ready and self._neighbour(-1) is not None)
        on_end = self.page.startswith("advice:") or self.page == FINALISE_PAGE
        self.next_button.setVisible(not on_end and not self._refused)
        self.back_button.setVisible(not self._refused)
        self.next_button.setEnabled(ready and not on_end)
        for button in (self.advice.record_button, self.backing.consult_button, self.final.finalise_button):
            button.setEnabled(ready)
        if ready and self.page == FINALISE_PAGE and self.record is not None:
            self.final.finalise_button.setEnabled(not self._session.sharing.missing(self.record))
        self.backing.confirm_button.setEnabled(ready and not self.gate.waiting)

    # --- running core work ------------------------------------------------------------------

    def _run(
        self,
        work: Callable[[], Any],
        label: str,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], bool] | None = None,
    ) -> None:
        self._busy = True
        self._update_buttons()

        def succeeded(result: Any) -> None:
            if alive(self) and not self._done:
                on_success(result)

        def failed(error: BaseException) -> bool:
            if not alive(self) or self._done:
                return True  # closed meanwhile: nothing to show it on
            return (on_failure or self._failed)(error)

        def finished() -> None:
            if alive(self):
                self._busy = False
                self._update_buttons()

        self._operation = operations.run(
            self, lambda _p: work(), label=label, on_success=succeeded, on_failure=failed, on_done=finished
        )

    def _page_fields(self) -> Mapping[str, QWidget]:
        question = page_question(self.page)
        if self.page.startswith("question:") and question is not None:
            page = self.questions[question]
            fields: dict[str, QWidget] = {"answers": page.first_radio()}
            if page.reason is not None:
                fields["consent_reason"] = page.reason
            return fields
        if self.page.startswith("advice:"):
            return self.advice.fields
        if self.page == OUTCOME_PAGE:
            return self.outcome.fields
        if self.page == BACKING_PAGE:
            return self.backing.fields
        return {}

    def _failed(self, error: BaseException) -> bool:
        """The core's sentence under the page; the cursor goes to the field it names."""
        if not isinstance(error, SharewiseError):
            return False
        self.message.setText(error.sentence)
        if isinstance(error, ValidationError):
            widget = self._page_fields().get(error.field)
            if widget is not None and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _saved(self, record: ShareRecord) -> None:
        self.record = record
        self._show_progress(record)
        self.changed.emit(record)

    # --- moving on and back -----------------------------------------------------------------

    def go_next(self) -> None:
        if self._busy or self.record is None:
            return
        self.message.clear()
        question = page_question(self.page)
        if self.page.startswith("question:") and question is not None:
            self._answer(question)
        elif self.page == OUTCOME_PAGE:
            self._save_outcome(then=lambda: self._step(+1))
        elif self.page == BACKING_PAGE:
            self._step(+1)

    def go_back(self) -> None:
        if self._busy or self.record is None:
            return
        self.message.clear()
        if self.page == OUTCOME_PAGE:
            self._save_outcome(then=lambda: self._step(-1))
        else:
            self._step(-1)

    def _step(self, step: int) -> None:
        target = self._neighbour(step)
        if target is None and self.record is not None:
            target = resume_page(self.record.outcome)
        if target is not None:
            self._show_page(target)

    def _answer(self, question: Question) -> None:
        record = self.record
        if record is None:
            return
        page = self.questions[question]
        answer = page.chosen()
        if answer is None:
            self.message.setText("Choose an answer, or “Not sure” to seek advice first.")
            page.first_radio().setFocus()
            return
        if page.needs_reason() and not page.reason_text().strip():
            self.message.setText(CONSENT_REASON_NEEDED)
            if page.reason is not None:
                page.reason.setFocus()
            return
        answers = dict(record.answers)
        answers[question] = answer
        reason = (
            self.consent_page.reason_text() if answers.get(Question.CONSENT) in CONSENT_NOT_RELIED_ON else ""
        )
        sharing, share_id = self._session.sharing, self.share_id

        def saved(new: ShareRecord) -> None:
            self._saved(new)
            pages = page_sequence(new.outcome)
            here = question_page(question)
            if here in pages and pages.index(here) + 1 < len(pages):
                self._show_page(pages[pages.index(here) + 1])
            else:
                self._show_page(resume_page(new.outcome))

        self._run(
            lambda: sharing.save_answers(share_id, answers, consent_reason=reason),
            "Saving the answer…",
            saved,
        )

    def _save_outcome(self, then: Callable[[], None], *, closing: bool = False) -> None:
        """Save the outcome page, then ``then()``; refused, the page stays with the sentence."""
        outcome = self.outcome
        draft = outcome.draft()
        if draft.family_told is FamilyTold.NOT_TOLD and not draft.family_reason.strip():
            self._refused_save(closing)
            self.message.setText(NOT_TOLD_NEEDS_REASON + (CLOSE_AGAIN if closing else ""))
            outcome.family_reason.setFocus()
            return
        sharing, share_id = self._session.sharing, self.share_id

        def saved(record: ShareRecord) -> None:
            self._saved(record)
            then()

        def failed(error: BaseException) -> bool:
            shown = self._failed(error)
            if shown and closing:
                self._refused_save(closing)
                self.message.setText(self.message.text() + CLOSE_AGAIN)
            return shown

        self._run(lambda: sharing.save_outcome(share_id, draft), "Saving the decision…", saved, failed)

    def _refused_save(self, closing: bool) -> None:
        """Closing, the page could not be saved: closing again, with nothing changed since,
        leaves without saving it."""
        self._unsaveable = self._page_values() if closing else None

    # --- advice -----------------------------------------------------------------------------

    def record_advice(self) -> None:
        question = self.advice.question
        if self._busy or question is None:
            return
        self.message.clear()
        adviser, advice = self.advice.adviser.text(), self.advice.advice.toPlainText()
        named = self.advice.child_named.isChecked()
        when = from_qdatetime(self.advice.sought_at.dateTime())
        sharing, share_id = self._session.sharing, self.share_id

        def recorded(record: ShareRecord) -> None:
            self._saved(record)
            self._show_page(question_page(question))
            self.questions[question].choose(None)  # answer it again, now with the advice
            self._shown_values = self._page_values()
            self.message.setText("Advice recorded. Now answer the question again.")

        self._run(
            lambda: sharing.record_advice(
                share_id, question=question, adviser=adviser, advice=advice, child_named=named, sought_at=when
            ),
            "Recording the advice…",
            recorded,
        )

    # --- backing ----------------------------------------------------------------------------

    def confirm_backing(self) -> None:
        if self._busy or self.gate.waiting or self.record is None:
            return
        page = self.backing
        page.message.clear()
        username, password = page.username.text().strip(), page.password.text()
        page.password.clear()  # never kept in the form after an attempt
        if not username or not password:
            page.message.setText("The second manager or DSL types their own username and password.")
            (page.username if not username else page.password).setFocus()
            return
        sharing, share_id = self._session.sharing, self.share_id

        def backed(record: ShareRecord) -> None:
            self._saved(record)
            page.username.clear()
            page.result.setText(backing_words(record))
            self._shown_values = self._page_values()

        self._run(
            lambda: sharing.confirm_backing(share_id, username=username, password=password),
            "Checking the password…",
            backed,
            self._backing_failed,
        )

    def _backing_failed(self, error: BaseException) -> bool:
        if not isinstance(error, SharewiseError):
            return False
        page = self.backing
        if isinstance(error, WrongPassword | AccountLocked):
            page.message.setText(error.sentence.split(" For safety,")[0])
            if error.retry_after > 0:
                self.gate.wait(error.retry_after)
            page.password.setFocus()
            return True
        page.message.setText(error.sentence)
        return True

    def _countdown(self, text: str) -> None:
        if alive(self):
            self.backing.countdown.setText(text)
            self._update_buttons()

    def record_consulted(self) -> None:
        if self._busy or self.record is None:
            return
        page = self.backing
        page.message.clear()
        consulted, how = page.consulted.text(), page.consulted_how.toPlainText()
        sharing, share_id = self._session.sharing, self.share_id

        def recorded(record: ShareRecord) -> None:
            self._saved(record)
            page.result.setText(backing_words(record))
            self._shown_values = self._page_values()

        def failed(error: BaseException) -> bool:
            if isinstance(error, SharewiseError):
                page.message.setText(error.sentence)
                if isinstance(error, ValidationError):
                    widget = page.fields.get(error.field)
                    if widget is not None:
                        widget.setFocus()
                return True
            return False

        self._run(
            lambda: sharing.record_consulted(share_id, consulted=consulted, how=how),
            "Recording who was consulted…",
            recorded,
            failed,
        )

    # --- finalising -------------------------------------------------------------------------

    def finalise(self) -> None:
        if self._busy or self.record is None:
            return
        self.message.clear()
        followups = self.final.chosen()
        sharing, share_id = self._session.sharing, self.share_id

        def done(record: ShareRecord) -> None:
            self.record = record
            self._done = True
            self.changed.emit(record)
            self.finalised.emit(record)
            self.accept()

        self._run(lambda: sharing.finalise(share_id, followups), "Finalising the decision…", done)

    # --- closing ----------------------------------------------------------------------------

    def reject(self) -> None:
        """Close. On the outcome page, what was typed is saved first (the rest is saved as it
        goes); if the core refuses it, the wizard stays open with the sentence, and closing
        again leaves without saving that page."""
        running = self._operation
        saving = self._busy and running is not None and not (running.done or running.abandoned)
        if saving and self.record is not None and not self._done:
            return  # a save is under way; its answer decides
        if (
            self._done
            or self._unsaveable == self._page_values()
            or self.record is None
            or self.page != OUTCOME_PAGE
            or not self._page_changed()
        ):
            self._close()
            return
        self._save_outcome(then=self._close, closing=True)

    def _close(self) -> None:
        self._done = True
        self.backing.password.clear()
        super().reject()

    def _page_changed(self) -> bool:
        return self._page_values() != self._shown_values

    # --- drafts -----------------------------------------------------------------------------

    def _page_values(self) -> dict[str, str]:
        """What is typed or chosen on the page shown (never the password)."""
        question = page_question(self.page)
        if self.page.startswith("question:") and question is not None:
            chosen = self.questions[question].chosen()
            return {
                "answer": "" if chosen is None else chosen.value,
                "consent_reason": self.consent_page.reason_text(),
            }
        if self.page.startswith("advice:"):
            return {
                "adviser": self.advice.adviser.text(),
                "advice": self.advice.advice.toPlainText(),
                "child_named": "1" if self.advice.child_named.isChecked() else "",
                "sought_at": from_qdatetime(self.advice.sought_at.dateTime()).isoformat(),
            }
        if self.page == OUTCOME_PAGE:
            return self.outcome.texts()
        if self.page == BACKING_PAGE:
            return {
                "backer_username": self.backing.username.text(),
                "consulted": self.backing.consulted.text(),
                "consulted_how": self.backing.consulted_how.toPlainText(),
            }
        if self.page == FINALISE_PAGE:
            return self.final.texts()
        return {}

    def draft(self) -> DraftForm | None:
        if self._done or self.record is None or not alive(self) or not self._page_changed():
            return None
        return DraftForm(
            FORM_ID, TITLE, {"share_id": str(self.share_id), "page": self.page, **self._page_values()}
        )

    def _fill_page(self, fields: Mapping[str, str]) -> None:
        question = page_question(self.page)
        if self.page.startswith("question:") and question is not None:
            try:
                self.questions[question].choose(Answer(fields["answer"]) if fields.get("answer") else None)
            except ValueError:
                pass
            if "consent_reason" in fields and self.consent_page.reason is not None:
                self.consent_page.reason.setPlainText(fields["consent_reason"])
                self.consent_page.choose(self.consent_page.chosen())
        elif self.page.startswith("advice:"):
            self.advice.adviser.setText(fields.get("adviser", ""))
            self.advice.advice.setPlainText(fields.get("advice", ""))
            self.advice.child_named.setChecked(fields.get("child_named", "") == "1")
            try:
                self.advice.sought_at.setDateTime(to_qdatetime(datetime.fromisoformat(fields["sought_at"])))
            except (KeyError, ValueError):
                pass
        elif self.page == OUTCOME_PAGE:
            self.outcome.fill(fields)
        elif self.page == BACKING_PAGE:
            self.backing.username.setText(fields.get("backer_username", ""))
            self.backing.consulted.setText(fields.get("consulted", ""))
            self.backing.consulted_how.setPlainText(fields.get("consulted_how", ""))
        elif self.page == FINALISE_PAGE:
            self.final.fill(fields)

    def forget(self) -> None:
        """The screen is locking (the draft is already taken): empty every field."""
        self._done = True
        self.record = None
        self.backing.password.clear()
        self.backing.forget()
        self.outcome.forget()
        self.final.forget()
        self.advice.clear(self._session.context.clock.now())
        for page in self.questions.values():
            page.advice.clear()
            if page.reason is not None:
                page.reason.clear()
        for label in (self.path_label, self.verdict_label, self.request_label, self.message):
            label.clear()


def request_words(record: ShareRecord) -> str:
    requester = ", ".join(p for p in (record.requester_name, record.requester_org) if p)
    parts = [
        record.direction.label,
        f"{record.received_via.label}, {shown_moment(record.received_at)}",
        f"Urgency: {record.urgency.label}",
    ]
    if requester:
        parts.append(f"From: {requester}")
    parts.append(f"About: {', '.join(child.name for child in record.children)}")
    parts.append(f"Asked for: {record.asked_for}")
    return "\n".join(parts)


def advice_words(record: ShareRecord, question: Question) -> str:
    """The advice already recorded on ``question``, for the page that asks it."""
    found = [a for a in record.advice if a.question is question]
    if not found:
        return ""
    return "Advice recorded:\n" + "\n".join(
        f"• {shown_moment(a.sought_at)}, {a.adviser}: {a.advice}"
        + (" (the child was named)" if a.child_named else "")
        for a in found
    )


__all__ = [
    "FORM_ID",
    "TITLE",
    "DecisionWizard",
    "page_sequence",
    "path_words",
    "resume_page",
    "verdict_words",
]
