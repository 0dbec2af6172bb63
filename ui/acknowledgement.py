"""The short screen everyone confirms before they start: at their first sign-in, a year after they
last confirmed, and when the policy changes.

The shell shows it right after sign-in (after a forced password change, before the workspace).
Confirming records it in the core; "Sign out" signs out and records nothing. Locking the screen
closes it like any dialog, and it comes back after unlocking while it is still due. The title
names no one.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.errors import SharewiseError
from app.policies import AcknowledgementDue
from app.session import Session
from ui import operations
from ui.child_forms import alive
from ui.form_parts import heading, inline_message

TITLE = "Before you start"
CONFIRM_TEXT = "I have read the policy and will follow it"

# Plain key points of the confidentiality and information-sharing policies (policy 002 §4 and §8,
# policy 003 §6-§11, policy 004) and the 2024 information-sharing advice.
KEY_POINTS = (
    "Keep what you learn about children and their families confidential. Share it only with people "
    "who need to know.",
    "Never promise a child that you will keep a secret.",
    "If you are worried about a child, tell the designated safeguarding lead (DSL) at once, and write "
    "it down: the facts, and the child's own words.",
    "A child's safety comes before confidentiality: information may be shared without consent when a "
    "child is at risk.",
    "Every decision to share information, or not to share it, is recorded with the reasons.",
    "Lock the screen whenever you leave the computer (Ctrl+L).",
    "Do not take records home, or send them by email or message unless the way is secure.",
    "Paper records are shredded, never put in the bin.",
)


class AcknowledgementDialog(QDialog):
    confirmed = Signal()

    def __init__(self, session: Session, due: AcknowledgementDue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("acknowledgementDialog")
        self.setWindowTitle(TITLE)
        self._session = session
        version = f" (version {due.policy_version})" if due.policy_version else ""
        self.policy = QLabel(
            f"Please read the key points of “{due.policy_name}”{version} and confirm you will follow them."
        )
        self.policy.setObjectName("acknowledgementPolicy")
        self.policy.setWordWrap(True)
        self.why = QLabel(due.why)
        self.why.setObjectName("acknowledgementWhy")
        self.why.setWordWrap(True)
        self.points = QLabel("<ul>" + "".join(f"<li>{point}</li>" for point in KEY_POINTS) + "</ul>")
        self.points.setObjectName("acknowledgementPoints")
        self.points.setWordWrap(True)
        self.points.setAccessibleName("Key points of the policy")
        ask = QLabel("Ask the manager if you would like to read the whole policy again.")
        ask.setWordWrap(True)
        self.check = QCheckBox(CONFIRM_TEXT)
        self.check.setObjectName("acknowledgeCheck")
        self.check.setAccessibleName(CONFIRM_TEXT)
        self.message = inline_message("acknowledgementMessage")
        self.confirm_button = QPushButton("&Confirm")
        self.confirm_button.setObjectName("confirmButton")
        self.confirm_button.setEnabled(False)
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self.submit)
        self.sign_out_button = QPushButton("&Sign out")
        self.sign_out_button.setObjectName("signOutButton")
        self.sign_out_button.setAutoDefault(False)
        self.sign_out_button.clicked.connect(self.reject)
        self.check.toggled.connect(self._update)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(TITLE))
        layout.addWidget(self.policy)
        layout.addWidget(self.why)
        layout.addWidget(self.points)
        layout.addWidget(ask)
        layout.addWidget(self.check)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(620, 520)
        self.busy = False
        self.check.setFocus()

    def _update(self) -> None:
        self.confirm_button.setEnabled(self.check.isChecked() and not self.busy)

    def submit(self) -> None:
        if not self.check.isChecked() or self.busy:
            return
        self.busy = True
        self.message.clear()
        self._update()
        policies = self._session.policies
        operations.run(
            self,
            lambda _p: policies.acknowledge(),
            label="Recording that you confirmed the policy…",
            on_success=lambda _none: self._done(),
            on_failure=self._failed,
            on_done=self._finished,
        )

    def _finished(self) -> None:
        if alive(self):
            self.busy = False
            self._update()

    def _done(self) -> None:
        if alive(self):
            self.accept()
            self.confirmed.emit()

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, SharewiseError) and alive(self):
            self.message.setText(error.sentence)
            return True
        return False

    def forget(self) -> None:
        """Nothing here is about a child, but the lock empties every window all the same."""
        self.policy.clear()
        self.why.clear()
        self.message.clear()
        self.check.setChecked(False)
