"""The policy register and the setting's information-sharing protocol, as a tab of the annual review.

Everyone who may open the annual review (the manager, the DSL, the committee reviewer) reads it;
only the manager sees the buttons that change it. Hiding them is convenience: the core refuses
anyone else anyway. Policies are retired, never deleted; "Show retired" brings them into the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.clock import long_date
from app.drafts import Draft
from app.errors import NotFound, ValidationError
from app.policies import Policy, ProtocolStatus, ReviewState
from app.policy.permissions import Action
from app.session import Session
from ui import operations
from ui.child_forms import FormDialog, alive, today
from ui.form_parts import button, inline_message, message_label
from ui.policy_forms import POLICY_FORM, REVIEW_FORM, PolicyDialog, ProtocolDialog, ReviewDialog
from ui.table_model import RecordTableModel

POLICY_NAME_WIDTH = 230  # pixels; a longer name is elided and shown in full when edited


def _day(day: date | None) -> str:
    return "" if day is None else long_date(day)


def _short(day: date | None) -> str:
    """A date in a table cell: "11 Jan 2024" (sentences use the long form)."""
    return "" if day is None else day.strftime("%d %b %Y")


def state_words(policy: Policy, on: date) -> str:
    """The review state as the register shows it: "Review due on 3 December 2026" and the like."""
    if not policy.active:
        return "Retired"
    state = policy.state(on)
    due = policy.next_review_on
    if state is ReviewState.OVERDUE and due is not None:
        return f"Overdue since {long_date(due)}"
    if state is ReviewState.DUE_SOON and due is not None:
        return f"Review due on {long_date(due)}"
    return state.label


def protocol_words(status: ProtocolStatus, on: date) -> tuple[str, str]:
    """The tier-2 line and the contract line of the protocol box."""
    if status.tier2_signatory:
        signed = (
            f" on {long_date(status.tier2_signed_on)}" if status.tier2_signed_on else " (date not recorded)"
        )
        tier2 = (
            f"The setting signed the local tier-2 information-sharing protocol{signed}, so it is bound by "
            "the tier-1 multi-agency protocol."
        )
    else:
        tier2 = "The setting is not recorded as a signatory of the local tier-2 information-sharing protocol."
    if status.contract_on is None or status.contract_due_on is None:
        return tier2, "No date is recorded for this year's contract with the council."
    contract = f"This year's contract with the council: {long_date(status.contract_on)}"
    state = status.contract_state(on)
    if state is ReviewState.OVERDUE:
        contract += f"; renewal overdue since {long_date(status.contract_due_on)}."
    else:
        contract += f"; renewal due on {long_date(status.contract_due_on)}."
    return tier2, contract


class PolicyModel(RecordTableModel[Policy]):
    # The review state and dates first, so they are in view at the window's usual size; the rest
    # scrolls.
    columns = (
        "Policy",
        "Review",
        "Next review",
        "Last reviewed",
        "Reviewed by",
        "Signed by",
        "Version",
        "Adopted",
        "Staff confirm",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = date.today()

    def cell(self, policy: Policy, column: int) -> str:
        values = (
            policy.name,
            state_words(policy, self.today),
            _short(policy.next_review_on),
            _short(policy.last_reviewed_on),
            policy.reviewed_by,
            policy.signed_by,
            policy.version,
            _short(policy.adopted_on),
            "Yes" if policy.staff_acknowledge else "",
        )
        return values[column]


@dataclass(frozen=True)
class _Loaded:
    policies: list[Policy]
    protocol: ProtocolStatus
    today: date


class PolicyRegisterPanel(QWidget):
    """The register (a table), "Show retired", the manager's buttons, and the protocol box."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("policyRegisterPanel")
        self.session = session
        self.manager = session.may(Action.SETTINGS_MANAGE)
        self._dialog: FormDialog | None = None
        self._protocol: ProtocolStatus | None = None
        explain = QLabel(
            "The setting's policies and when each was last reviewed. Every policy is reviewed once a year; "
            "Home reminds the manager a month before a review is due. “Staff confirm” marks the "
            "confidentiality and information-sharing policy that everyone confirms when they sign in."
        )
        explain.setWordWrap(True)
        self.model = PolicyModel(self)
        self.table = QTableView()
        self.table.setObjectName("policyTable")
        self.table.setAccessibleName("Policy register")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, POLICY_NAME_WIDTH)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected_changed())
        if self.manager:
            self.table.doubleClicked.connect(lambda _index: self.open_edit())
        self.show_retired = QCheckBox("Show &retired policies")
        self.show_retired.setObjectName("showRetiredCheck")
        self.show_retired.toggled.connect(lambda _on: self.load())
        self.add_button = button("&Add…", "addPolicyButton", self.open_add)
        self.edit_button = button("&Edit…", "editPolicyButton", self.open_edit)
        self.review_button = button("&Mark reviewed…", "markReviewedButton", self.open_review)
        self.retire_button = button("Re&tire", "retirePolicyButton", self.toggle_active)
        self.message = inline_message("policyRegisterMessage")
        self.status = message_label("policyRegisterStatus")
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_retired)
        buttons.addStretch(1)
        for each in (self.add_button, self.edit_button, self.review_button, self.retire_button):
            each.setVisible(self.manager)
            buttons.addWidget(each)

        self.protocol_box = QGroupBox("Information-sharing protocol")
        self.protocol_box.setObjectName("protocolBox")
        self.tier2_label = message_label("protocolTier2Label")
        self.contract_label = message_label("protocolContractLabel")
        self.edit_protocol_button = button("E&dit…", "editProtocolButton", self.open_protocol)
        self.edit_protocol_button.setVisible(self.manager)
        self.edit_protocol_button.setEnabled(False)
        protocol_layout = QVBoxLayout(self.protocol_box)
        protocol_layout.addWidget(self.tier2_label)
        protocol_layout.addWidget(self.contract_label)
        protocol_row = QHBoxLayout()
        protocol_row.addStretch(1)
        protocol_row.addWidget(self.edit_protocol_button)
        protocol_layout.addLayout(protocol_row)

        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(self.protocol_box)
        self._selected_changed()

    # --- loading ------------------------------------------------------------------------------

    def opened(self) -> None:
        self.load()

    def load(self, keep: int | None = None) -> None:
        policies, retired, on = self.session.policies, self.show_retired.isChecked(), today(self.session)
        operations.run(
            self,
            lambda _p: _Loaded(policies.register(include_retired=retired), policies.protocol(), on),
            label="Loading the policy register…",
            on_success=lambda loaded: self._loaded(loaded, keep),
        )

    def _loaded(self, loaded: _Loaded, keep: int | None) -> None:
        if not alive(self):
            return
        if keep is None and (chosen := self.selected()) is not None:
            keep = chosen.id
        self.model.today = loaded.today
        self.model.set_rows(loaded.policies)
        for row, policy in enumerate(loaded.policies):
            if policy.id == keep:
                self.table.selectRow(row)
        self._protocol = loaded.protocol
        tier2, contract = protocol_words(loaded.protocol, loaded.today)
        self.tier2_label.setText(tier2)
        self.contract_label.setText(contract)
        self.edit_protocol_button.setEnabled(True)
        self._selected_changed()

    def selected(self) -> Policy | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select(self, policy_id: int) -> None:
        for row, policy in enumerate(self.model.records()):
            if policy.id == policy_id:
                self.table.selectRow(row)

    def _selected_changed(self) -> None:
        policy = self.selected()
        self.edit_button.setEnabled(policy is not None)
        self.review_button.setEnabled(policy is not None and policy.active)
        self.retire_button.setEnabled(policy is not None)
        self.retire_button.setText("&Bring back" if policy is not None and not policy.active else "Re&tire")

    # --- changing -----------------------------------------------------------------------------

    def _show_dialog(self, dialog: FormDialog) -> FormDialog:
        if self._dialog is not None and alive(self._dialog):
            self._dialog.close()
        dialog.destroyed.connect(lambda: setattr(self, "_dialog", None))
        self._dialog = dialog
        self.message.clear()
        self.status.clear()
        dialog.open()
        return dialog

    def open_add(self) -> PolicyDialog:
        dialog = PolicyDialog(self.session, self, on_saved=self._saved)
        self._show_dialog(dialog)
        return dialog

    def open_edit(self) -> PolicyDialog | None:
        policy = self.selected()
        if policy is None:
            return None
        dialog = PolicyDialog(self.session, self, policy=policy, on_saved=self._saved)
        self._show_dialog(dialog)
        return dialog

    def open_review(self) -> ReviewDialog | None:
        policy = self.selected()
        if policy is None or not policy.active:
            return None
        dialog = ReviewDialog(
            self.session, policy.id, policy.name, policy.version, self, on_saved=self._reviewed
        )
        self._show_dialog(dialog)
        return dialog

    def open_protocol(self) -> ProtocolDialog | None:
        if self._protocol is None:
            return None
        dialog = ProtocolDialog(self.session, self._protocol, self, on_saved=self._protocol_saved)
        self._show_dialog(dialog)
        return dialog

    def _saved(self, policy: Policy) -> None:
        if alive(self):
            self.status.setText(f"“{policy.name}” saved.")
            self.load(keep=policy.id)

    def _reviewed(self, policy: Policy) -> None:
        if alive(self):
            due = (
                f" The next review is due on {long_date(policy.next_review_on)}."
                if policy.next_review_on
                else ""
            )
            self.status.setText(f"Review of “{policy.name}” recorded.{due}")
            self.load(keep=policy.id)

    def _protocol_saved(self) -> None:
        if alive(self):
            self.status.setText("Protocol saved.")
            self.load()

    def toggle_active(self) -> None:
        """Retire the chosen policy, or bring a retired one back."""
        policy = self.selected()
        if policy is None:
            return
        policies, active = self.session.policies, not policy.active
        self.message.clear()
        self.status.clear()
        self.retire_button.setEnabled(False)

        def toggled(_none: None) -> None:
            if alive(self):
                self.status.setText(f"“{policy.name}” {'is in force again' if active else 'is retired'}.")
                self.load(keep=policy.id)

        operations.run(
            self,
            lambda _p: policies.set_active(policy.id, active),
            label="Saving the policy…",
            on_success=toggled,
            on_failure=self._failed,
            on_done=lambda: self._selected_changed() if alive(self) else None,
        )

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, ValidationError | NotFound) and alive(self):
            self.message.setText(error.sentence)
            if isinstance(error, NotFound):
                self.load()
            return True
        return False

    # --- drafts and forgetting ----------------------------------------------------------------

    def restore_draft(self, draft: Draft) -> bool:
        """Reopen a policy or review form with what was typed before the lock (the annual review
        area passes on drafts whose form is ``POLICY_FORM`` or ``REVIEW_FORM``)."""
        fields: Mapping[str, str] = draft.fields
        try:
            policy_id = int(fields["policy_id"]) if fields.get("policy_id") else None
        except ValueError:
            return False
        dialog: FormDialog
        if draft.form == POLICY_FORM:
            dialog = PolicyDialog(self.session, self, policy_id=policy_id, on_saved=self._saved)
        elif draft.form == REVIEW_FORM and policy_id is not None:
            dialog = ReviewDialog(
                self.session,
                policy_id,
                fields.get("policy_name", ""),
                fields.get("current_version", ""),
                self,
                on_saved=self._reviewed,
            )
        else:
            return False
        dialog.fill(fields)
        self._show_dialog(dialog)
        return True

    def forget(self) -> None:
        if self._dialog is not None and alive(self._dialog):
            self._dialog.forget()
            self._dialog.close()
        self._dialog = None
        self.model.forget()
        self._protocol = None
        self.tier2_label.clear()
        self.contract_label.clear()
        self.edit_protocol_button.setEnabled(False)
        self.message.clear()
        self.status.clear()
        self._selected_changed()
