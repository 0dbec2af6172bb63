"""Logging a call, visit or message from a parent, which may be anonymous.

Parents sometimes ring without giving their name; policy still wants the call recorded, so the
"Anonymous" box empties and locks the name field rather than asking for a made-up name. The form
keeps a draft at lock like the concern form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.drafts import DraftForm
from app.errors import NotFound, ValidationError
from app.parent_contacts import ContactKind, NewParentContact, ParentContact
from app.session import Session
from ui import operations
from ui.concern_forms import (
    ChildChooser,
    focus_field,
    from_qdatetime,
    moment_edit,
    note_edit,
    to_qdatetime,
)
from ui.drafts import KeepsDraft
from ui.form_parts import inline_message, ok_cancel

CONTACT_FORM = "concerns.parent_contact"
CONTACT_FORM_TITLE = "Log a parent contact"


class ParentContactDialog(QDialog, KeepsDraft):
    """When, how, who (or anonymous), which child if any, what about, and what was done."""

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        *,
        child_id: int | None = None,
        on_logged: Callable[[ParentContact], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("parentContactDialog")
        self.setWindowTitle(CONTACT_FORM_TITLE)
        self._session = session
        self._on_logged = on_logged
        self._finished = False
        self.when = moment_edit("contactAtEdit", "When they got in touch", session.context.clock.now())
        self.kind = QComboBox()
        self.kind.setObjectName("contactKindCombo")
        self.kind.setAccessibleName("How they got in touch")
        for kind in ContactKind:
            self.kind.addItem(kind.label, kind.value)
        self.who = QLineEdit()
        self.who.setObjectName("contactWhoEdit")
        self.who.setAccessibleName("Who got in touch")
        self.who.setPlaceholderText("Their name, and who they are to the child")
        self.who.setMaxLength(200)
        self.anonymous = QCheckBox("Anonymous (they did not give their name)")
        self.anonymous.setObjectName("anonymousCheck")
        self.anonymous.toggled.connect(self._anonymous_toggled)
        self.chooser = ChildChooser(session, fixed_id=child_id, optional=True, prefix="contactChild")
        self.about = note_edit("contactAboutEdit", "What it was about")
        self.action = note_edit("contactActionEdit", "What was done", "Who you passed it to, what you said.")
        self.message = inline_message("parentContactMessage")
        who_row = QHBoxLayout()
        who_row.addWidget(self.who, 1)
        who_row.addWidget(self.anonymous)
        form = QFormLayout()
        form.addRow("&When", self.when)
        form.addRow("&How", self.kind)
        form.addRow("Wh&o", who_row)
        form.addRow("Child (if about one)", self.chooser)
        form.addRow("What it was &about", self.about)
        form.addRow("What was &done", self.action)
        self.buttons = ok_cancel(self, "Record the contact", self.submit)
        self.rejected.connect(self._cancelled)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(600, 560)
        self._fields: dict[str, QWidget] = {
            "contact_at": self.when,
            "kind": self.kind,
            "who": self.who,
            "about": self.about,
            "action": self.action,
            "child_id": self.chooser,
        }

    def _anonymous_toggled(self, on: bool) -> None:
        if on:
            self.who.clear()
        self.who.setEnabled(not on)

    def draft(self) -> DraftForm | None:
        texts = {
            "who": self.who.text(),
            "about": self.about.toPlainText(),
            "action": self.action.toPlainText(),
        }
        if self._finished or not any(v.strip() for v in texts.values()):
            return None
        fields = {
            **texts,
            "contact_at": from_qdatetime(self.when.dateTime()).isoformat(),
            "kind": str(self.kind.currentData()),
            "anonymous": "1" if self.anonymous.isChecked() else "",
            "child_id": "" if self.chooser.child_id is None else str(self.chooser.child_id),
        }
        return DraftForm(CONTACT_FORM, CONTACT_FORM_TITLE, fields)

    def fill(self, fields: Mapping[str, str]) -> None:
        self._finished = False
        self.anonymous.setChecked(fields.get("anonymous", "") == "1")
        if not self.anonymous.isChecked():
            self.who.setText(fields.get("who", ""))
        self.about.setPlainText(fields.get("about", ""))
        self.action.setPlainText(fields.get("action", ""))
        self.kind.setCurrentIndex(max(self.kind.findData(fields.get("kind", "")), 0))
        try:
            self.when.setDateTime(to_qdatetime(datetime.fromisoformat(fields["contact_at"])))
        except (KeyError, ValueError):
            pass  # keep the default (now)
        child = fields.get("child_id", "")
        if child.isdigit() and not self.chooser.fixed:
            self.chooser.choose_id(int(child))

    def submit(self) -> None:
        self.message.clear()
        if not self.anonymous.isChecked() and not self.who.text().strip():
            self.message.setText(
                "Write who got in touch, or tick “Anonymous” if they did not give their name."
            )
            self.who.setFocus()
            return
        new = NewParentContact(
            contact_at=from_qdatetime(self.when.dateTime()),
            kind=str(self.kind.currentData()),
            about=self.about.toPlainText(),
            who="" if self.anonymous.isChecked() else self.who.text(),
            action=self.action.toPlainText(),
            child_id=self.chooser.child_id,
        )
        self.buttons.setEnabled(False)
        operations.run(
            self,
            lambda _p: self._session.parent_contacts.log(new),
            label="Recording the contact…",
            on_success=self._logged,
            on_failure=self._failed,
            on_done=lambda: self.buttons.setEnabled(True),
        )

    def _logged(self, contact: ParentContact) -> None:
        self._finished = True
        self.accept()
        if self._on_logged is not None:
            self._on_logged(contact)

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, ValidationError):
            self.message.setText(error.sentence)
            focus_field(self._fields, error.field)
            return True
        if isinstance(error, NotFound):
            self.message.setText(error.sentence)
            focus_field(self._fields, "child_id")
            return True
        return False

    def _cancelled(self) -> None:
        self._finished = True

    def forget(self) -> None:
        self.who.clear()
        self.about.clear()
        self.action.clear()
        self.message.clear()
        self.chooser.forget()
