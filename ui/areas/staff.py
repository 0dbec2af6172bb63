"""Staff (manager only): add a person with roles, reset a password, deactivate, see last sign-in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.drafts import Draft, DraftForm
from app.errors import ValidationError
from app.policy.permissions import Role
from app.session import Session
from app.staff import NewStaff, Staff
from ui import operations
from ui.areas import Area
from ui.areas.home import local_time
from ui.drafts import KeepsDraft
from ui.form_parts import confirm, heading, message_label, ok_cancel
from ui.table_model import RecordTableModel

ADD_FORM = "staff.add"
COLUMNS = ("Name", "Username", "Job title", "Roles", "Status", "Last sign-in")
Index = QModelIndex | QPersistentModelIndex


class StaffModel(RecordTableModel[Staff]):
    columns = COLUMNS

    def cell(self, person: Staff, column: int) -> str:
        if column == 0:
            return person.full_name
        if column == 1:
            return person.username
        if column == 2:
            return person.job_title
        if column == 3:
            return ", ".join(sorted(r.label for r in person.roles))
        if column == 4:
            if not person.active:
                return "Deactivated"
            return "Must choose a password" if person.must_change_password else "Active"
        return local_time(person.last_sign_in_at) if person.last_sign_in_at else "Never"

    def person(self, row: int) -> Staff | None:
        return self.record(row)


class AddStaffDialog(QDialog, KeepsDraft):
    def __init__(self, session: Session, on_added: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addStaffDialog")
        self.setWindowTitle("Add a staff member")
        self._session = session
        self._on_added = on_added
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullNameEdit")
        self.full_name.setAccessibleName("Full name")
        self.full_name.setMaxLength(200)
        self.username = QLineEdit()
        self.username.setObjectName("newUsernameEdit")
        self.username.setAccessibleName("Username")
        self.username.setMaxLength(64)
        self.job_title = QLineEdit()
        self.job_title.setObjectName("jobTitleEdit")
        self.job_title.setAccessibleName("Job title")
        self.job_title.setMaxLength(100)
        self.roles: dict[Role, QCheckBox] = {}
        roles_box = QVBoxLayout()
        for role in Role:
            box = QCheckBox(role.label)
            box.setObjectName(f"role_{role.value}")
            self.roles[role] = box
            roles_box.addWidget(box)
        self.roles[Role.KEY_WORKER].setChecked(True)
        self.message = message_label("addStaffMessage")
        form = QFormLayout()
        form.addRow("&Full name", self.full_name)
        form.addRow("&Username", self.username)
        form.addRow("&Job title", self.job_title)
        form.addRow("Roles", roles_box)
        self.buttons = ok_cancel(self, "Add", self.submit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def draft(self) -> DraftForm | None:
        fields = {
            "full_name": self.full_name.text(),
            "username": self.username.text(),
            "job_title": self.job_title.text(),
        }
        if not any(v.strip() for v in fields.values()):
            return None
        fields["roles"] = ",".join(r.value for r, box in self.roles.items() if box.isChecked())
        return DraftForm(ADD_FORM, "Add a staff member", fields)

    def fill(self, fields: dict[str, str] | Any) -> None:
        self.full_name.setText(fields.get("full_name", ""))
        self.username.setText(fields.get("username", ""))
        self.job_title.setText(fields.get("job_title", ""))
        chosen = set(fields.get("roles", "").split(","))
        for role, box in self.roles.items():
            box.setChecked(role.value in chosen)

    def submit(self) -> None:
        new = NewStaff(
            username=self.username.text(),
            full_name=self.full_name.text(),
            roles=frozenset(r for r, box in self.roles.items() if box.isChecked()),
            job_title=self.job_title.text(),
        )
        self.buttons.setEnabled(False)
        operations.run(
            self,
            lambda _p: self._session.staff.add(new),
            label="Adding the account…",
            on_success=self._added,
            on_failure=self._failed,
            on_done=lambda: self.buttons.setEnabled(True),
        )

    def _added(self, result: tuple[Staff, str]) -> None:
        person, one_time = result
        self.accept()
        self._on_added(person, one_time)

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, ValidationError):
            self.message.setText(error.sentence)
            return True
        return False


class OneTimePasswordDialog(QDialog):
    """Shown once; the password is never stored anywhere readable afterwards."""

    def __init__(self, person: Staff, password: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("oneTimePasswordDialog")
        self.setWindowTitle("One-time password")
        text = QLabel(
            f"Give this one-time password to {person.full_name} in person (not by email or text "
            f"message). They sign in as “{person.username}” with it and then choose their own "
            "password. It is shown only now."
        )
        text.setWordWrap(True)
        shown = QLineEdit(password)
        shown.setObjectName("oneTimePassword")
        shown.setReadOnly(True)
        shown.setAccessibleName("One-time password")
        font = shown.font()
        font.setFamily("monospace")
        font.setPointSizeF(font.pointSizeF() * 1.5)
        shown.setFont(font)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(shown)
        layout.addWidget(buttons)


class StaffArea(Area):
    title = "Staff"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.model = StaffModel(self)
        self.table = QTableView()
        self.table.setObjectName("staffTable")
        self.table.setAccessibleName("Staff accounts")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.show_inactive = QCheckBox("Show deactivated accounts")
        self.show_inactive.setObjectName("showInactive")
        self.show_inactive.toggled.connect(lambda _on: self.opened())
        add = QPushButton("&Add a person…")
        add.setObjectName("addStaffButton")
        add.clicked.connect(lambda: self.open_add_dialog())
        self.reset = QPushButton("&Reset password…")
        self.reset.setObjectName("resetPasswordButton")
        self.reset.clicked.connect(self.reset_password)
        self.deactivate = QPushButton("&Deactivate…")
        self.deactivate.setObjectName("deactivateButton")
        self.deactivate.clicked.connect(self.deactivate_person)
        buttons = QHBoxLayout()
        for widget in (add, self.reset, self.deactivate):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.show_inactive)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Staff"))
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)

    def opened(self) -> None:
        include = self.show_inactive.isChecked()
        operations.run(
            self,
            lambda _p: self.session.staff.accounts(include_inactive=include),
            label="Loading staff accounts…",
            on_success=self.model.set_rows,
        )

    def selected(self) -> Staff | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.person(rows[0].row()) if rows else None

    def open_add_dialog(self, fields: dict[str, str] | None = None) -> AddStaffDialog:
        dialog = AddStaffDialog(self.session, self._added, self)
        if fields:
            dialog.fill(fields)
        dialog.open()
        return dialog

    def _added(self, person: Staff, one_time: str) -> None:
        OneTimePasswordDialog(person, one_time, self).open()
        self.opened()

    def reset_password(self) -> None:
        person = self.selected()
        if person is None:
            return
        confirm(
            self,
            "Reset password",
            f"Give {person.full_name} a one-time password? Their current password stops working now.",
            "Reset password",
            lambda: operations.run(
                self,
                lambda _p: self.session.staff.reset_password(person.id),
                label="Resetting the password…",
                on_success=lambda otp: self._added(person, otp),
            ),
        )

    def deactivate_person(self) -> None:
        person = self.selected()
        if person is None:
            return
        confirm(
            self,
            "Deactivate account",
            f"Deactivate {person.full_name}'s account? They cannot sign in from now on; what they "
            "recorded stays, with their name on it.",
            "Deactivate",
            lambda: operations.run(
                self,
                lambda _p: self.session.staff.deactivate(person.id),
                label="Deactivating the account…",
                on_success=lambda _staff: self.opened(),
            ),
        )

    def restore_draft(self, draft: Draft) -> bool:
        if draft.form != ADD_FORM:
            return False
        self.open_add_dialog(dict(draft.fields))
        return True

    def forget(self) -> None:
        self.model.forget()
