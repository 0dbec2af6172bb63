"""The manager's forms of the policy register: add or change a policy, record this year's review,
and the setting's information-sharing protocol.

Each form runs the core call off the UI thread and shows the core's refusal under the form, with
the cursor in the field it names, so nothing typed is lost. The policy and review forms hand what
was typed over as a draft when the screen locks. The workspace sends a draft back to the area
named before the first dot of its form id, so the ids start with "annual review".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from app.clock import add_months, long_date
from app.policies import (
    NAME_LIMIT,
    REVIEW_EVERY_MONTHS,
    REVIEWED_BY_LIMIT,
    SIGNED_BY_LIMIT,
    VERSION_LIMIT,
    Policy,
    PolicyDetails,
    ProtocolStatus,
)
from app.session import Session
from ui.child_forms import FormDialog, OptionalDate, check, date_edit, from_qdate, line, to_qdate, today

POLICY_FORM = "annual review.policy"
REVIEW_FORM = "annual review.policy_review"
ADD_TITLE = "Add a policy"
EDIT_TITLE = "Change a policy"
REVIEW_TITLE = "Record a policy review"
PROTOCOL_TITLE = "Information-sharing protocol"
CONFIRM_TEXT = "Staff &confirm this policy when they sign in"
CONFIRM_TIP = (
    "The confidentiality and information-sharing policy. Everyone confirms it at their first sign-in, "
    "every year after, and when its version changes. Only one policy can be marked; marking this one "
    "takes the mark off the other."
)


def _explain(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class PolicyDialog(FormDialog):
    """Add a policy to the register, or change what the register says about one. ``policy`` None
    adds; ``policy_id`` alone (a draft reopened) changes that policy with what the draft holds."""

    form_id = POLICY_FORM

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        *,
        policy: Policy | None = None,
        policy_id: int | None = None,
        on_saved: Callable[[Policy], None] | None = None,
    ) -> None:
        editing = policy is not None or policy_id is not None
        title = EDIT_TITLE if editing else ADD_TITLE
        super().__init__(session, parent, "policyDialog", title)
        self.draft_title = title
        self.policy_id = policy.id if policy is not None else policy_id
        self.on_saved = on_saved
        if self.policy_id is not None:
            self.keys = {"policy_id": str(self.policy_id)}
        start = today(session)
        self.name = line("policyNameEdit", "Name of the policy", NAME_LIMIT)
        self.version = line("policyVersionEdit", "Version", VERSION_LIMIT)
        self.version.setPlaceholderText("e.g. 3, or 2026")
        self.adopted_on = OptionalDate("policyAdoptedDate", "Adopted on", "Recorded", start)
        self.last_reviewed_on = OptionalDate("policyLastReviewedDate", "Last reviewed on", "Recorded", start)
        self.next_review_on = OptionalDate(
            "policyNextReviewDate", "Next review", "Another date", add_months(start, REVIEW_EVERY_MONTHS)
        )
        self.reviewed_by = line("policyReviewedByEdit", "Reviewed by", REVIEWED_BY_LIMIT)
        self.signed_by = line("policySignedByEdit", "Signed by", SIGNED_BY_LIMIT)
        self.signed_by.setPlaceholderText("Staff or committee members, e.g. the manager and the chair")
        self.staff_acknowledge = check("policyStaffConfirmCheck", CONFIRM_TEXT.replace("&", ""))
        self.staff_acknowledge.setText(CONFIRM_TEXT)
        self.staff_acknowledge.setToolTip(CONFIRM_TIP)
        self.fields = {
            "name": self.name,
            "version": self.version,
            "adopted_on": self.adopted_on,
            "last_reviewed_on": self.last_reviewed_on,
            "next_review_on": self.next_review_on,
            "reviewed_by": self.reviewed_by,
            "signed_by": self.signed_by,
            "staff_acknowledge": self.staff_acknowledge,
        }
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Version", self.version)
        form.addRow("&Adopted on", self.adopted_on)
        form.addRow("&Last reviewed on", self.last_reviewed_on)
        form.addRow("Ne&xt review", self.next_review_on)
        form.addRow("&Reviewed by", self.reviewed_by)
        form.addRow("&Signed by", self.signed_by)
        form.addRow("", self.staff_acknowledge)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _explain(
                "Policies are reviewed every year. Leave “Next review” unticked to review twelve months "
                "after the last review.",
                "policyDialogExplain",
            )
        )
        layout.addLayout(form)
        self.add_buttons(layout, "Save" if editing else "Add")
        self.ok_button.setObjectName("policySaveButton")
        if policy is not None:
            self._show(policy)
        self._initial = self.values()
        self.resize(560, 420)
        self.name.setFocus()

    def _show(self, policy: Policy) -> None:
        self.name.setText(policy.name)
        self.version.setText(policy.version)
        self.adopted_on.set_value(policy.adopted_on)
        self.last_reviewed_on.set_value(policy.last_reviewed_on)
        automatic = policy.last_reviewed_on is not None and policy.next_review_on == add_months(
            policy.last_reviewed_on, REVIEW_EVERY_MONTHS
        )
        self.next_review_on.set_value(None if automatic else policy.next_review_on)
        self.reviewed_by.setText(policy.reviewed_by)
        self.signed_by.setText(policy.signed_by)
        self.staff_acknowledge.setChecked(policy.staff_acknowledge)

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        if self.policy_id is not None:
            return dict(values) != self._initial
        return any(values[k].strip() for k in ("name", "version", "reviewed_by", "signed_by"))

    def details(self) -> PolicyDetails:
        return PolicyDetails(
            name=self.name.text(),
            version=self.version.text(),
            adopted_on=self.adopted_on.value(),
            last_reviewed_on=self.last_reviewed_on.value(),
            next_review_on=self.next_review_on.value(),
            reviewed_by=self.reviewed_by.text(),
            signed_by=self.signed_by.text(),
            staff_acknowledge=self.staff_acknowledge.isChecked(),
        )

    def submit(self) -> None:
        details, policies, policy_id = self.details(), self.session.policies, self.policy_id
        if policy_id is None:
            self.run(lambda: policies.add(details), "Adding the policy…", self._saved)
        else:
            self.run(lambda: policies.update(policy_id, details), "Saving the policy…", self._saved)

    def _saved(self, policy: Policy) -> None:
        if self.on_saved is not None:
            self.on_saved(policy)


class ReviewDialog(FormDialog):
    """This year's review of one policy: when, who reviewed it, who signed it, a new version if
    it changed, and the next review (twelve months on unless another date is ticked)."""

    form_id = REVIEW_FORM

    def __init__(
        self,
        session: Session,
        policy_id: int,
        policy_name: str,
        current_version: str,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[Policy], None] | None = None,
    ) -> None:
        super().__init__(session, parent, "policyReviewDialog", REVIEW_TITLE)
        self.draft_title = REVIEW_TITLE
        self.policy_id = policy_id
        self.on_saved = on_saved
        self.keys = {
            "policy_id": str(policy_id),
            "policy_name": policy_name,
            "current_version": current_version,
        }
        start = today(session)
        about = _explain(f"“{policy_name}”", "policyReviewName")
        self.on = date_edit("policyReviewOnDate", "Reviewed on")
        self.on.setDate(to_qdate(start))
        self.reviewed_by = line("policyReviewReviewedByEdit", "Reviewed by", REVIEWED_BY_LIMIT)
        self.reviewed_by.setText(session.me.full_name)
        self.signed_by = line("policyReviewSignedByEdit", "Signed by", SIGNED_BY_LIMIT)
        self.signed_by.setPlaceholderText("Staff or committee members, e.g. the manager and the chair")
        self.version = line("policyReviewVersionEdit", "New version", VERSION_LIMIT)
        self.version.setPlaceholderText(
            f"Leave empty if unchanged (now {current_version})"
            if current_version
            else "Leave empty if unchanged"
        )
        self.next_review_on = OptionalDate(
            "policyReviewNextDate", "Next review", "Another date", add_months(start, REVIEW_EVERY_MONTHS)
        )
        self.fields = {
            "on": self.on,
            "reviewed_by": self.reviewed_by,
            "signed_by": self.signed_by,
            "version": self.version,
            "next_review_on": self.next_review_on,
        }
        self.on.dateChanged.connect(lambda _d: self._show_next())
        self.next_review_on.tick.toggled.connect(lambda _t: self._show_next())
        self.next_words = _explain("", "policyReviewNextWords")
        form = QFormLayout()
        form.addRow("Policy", about)
        form.addRow("Reviewed &on", self.on)
        form.addRow("&Reviewed by", self.reviewed_by)
        form.addRow("&Signed by", self.signed_by)
        form.addRow("New &version", self.version)
        form.addRow("Ne&xt review", self.next_review_on)
        form.addRow("", self.next_words)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_buttons(layout, "Record the review")
        self.ok_button.setObjectName("policyReviewSaveButton")
        self._initial = self.values()
        self._show_next()
        self.resize(560, 360)
        self.signed_by.setFocus()

    def _show_next(self) -> None:
        if self.next_review_on.value() is not None:
            self.next_words.clear()
            return
        due = add_months(from_qdate(self.on.date()), REVIEW_EVERY_MONTHS)
        self.next_words.setText(f"The next review will be due on {long_date(due)}.")

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        return dict(values) != self._initial

    def submit(self) -> None:
        policies, policy_id = self.session.policies, self.policy_id
        on: date = from_qdate(self.on.date())
        reviewed_by, signed_by = self.reviewed_by.text(), self.signed_by.text()
        version = self.version.text().strip() or None
        next_review = self.next_review_on.value()
        self.run(
            lambda: policies.mark_reviewed(
                policy_id,
                on=on,
                reviewed_by=reviewed_by,
                signed_by=signed_by,
                version=version,
                next_review_on=next_review,
            ),
            "Recording the review…",
            self._saved,
        )

    def _saved(self, policy: Policy) -> None:
        if self.on_saved is not None:
            self.on_saved(policy)


class ProtocolDialog(FormDialog):
    """Whether the setting signed the local tier-2 protocol and when, and the date of this year's
    contract with the council. Ticks and dates only: nothing worth keeping as a draft."""

    def __init__(
        self,
        session: Session,
        status: ProtocolStatus,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(session, parent, "protocolDialog", PROTOCOL_TITLE)
        self.on_saved = on_saved
        start = today(session)
        self.tier2_signatory = check(
            "protocolTier2Check", "The setting has signed the local tier-2 information-sharing protocol"
        )
        self.tier2_signed_on = OptionalDate(
            "protocolTier2Date", "Tier-2 protocol signed on", "Recorded", start
        )
        self.contract_on = OptionalDate(
            "protocolContractDate", "This year's contract with the council", "Recorded", start
        )
        self.tier2_signatory.setChecked(status.tier2_signatory)
        self.tier2_signed_on.set_value(status.tier2_signed_on)
        self.contract_on.set_value(status.contract_on)
        self.fields = {
            "tier2_signatory": self.tier2_signatory,
            "tier2_signed_on": self.tier2_signed_on,
            "contract_on": self.contract_on,
        }
        form = QFormLayout()
        form.addRow("", self.tier2_signatory)
        form.addRow("Tier-2 protocol &signed on", self.tier2_signed_on)
        form.addRow("&Contract with the council", self.contract_on)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _explain(
                "Signatories of the local tier-2 protocol are bound by the tier-1 multi-agency "
                "information-sharing protocol. The contract with the council is renewed every year; "
                "Home reminds you a month before it is due.",
                "protocolExplain",
            )
        )
        layout.addLayout(form)
        self.add_buttons(layout, "Save")
        self.ok_button.setObjectName("protocolSaveButton")
        self.resize(520, 280)

    def submit(self) -> None:
        policies = self.session.policies
        signatory = self.tier2_signatory.isChecked()
        signed_on, contract_on = self.tier2_signed_on.value(), self.contract_on.value()
        self.run(
            lambda: policies.set_protocol(
                tier2_signatory=signatory, tier2_signed_on=signed_on, contract_on=contract_on
            ),
            "Saving the protocol…",
            lambda _none: self._saved(),
        )

    def _saved(self) -> None:
        if self.on_saved is not None:
            self.on_saved()
