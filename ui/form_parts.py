"""Small building blocks every form uses, so they look and behave the same everywhere.

The sign-in page uses some of them: importing this module, and the parts that page uses, leave
the ``Qt`` namespace alone (its enums take 15–20 ms to build; see ``ui.main_window``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

MESSAGE_STYLE = "color: #b3261e;"


def button(text: str, name: str, slot: Callable[[], object]) -> QPushButton:
    """A push button found by ``name`` in tests, read out without its "&" and "…"."""
    made = QPushButton(text)
    made.setObjectName(name)
    made.setAccessibleName(text.replace("&", "").rstrip("…"))
    made.clicked.connect(lambda _checked=False: slot())
    return made


def fact_label(name: str, accessible: str) -> QLabel:
    """A read-only line of status (encryption, last backup) that can be selected and copied."""
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setWordWrap(True)
    selectable(label)
    return label


def selectable(label: QLabel) -> None:
    """Let the text be selected with the mouse and copied (a message to pass on to someone)."""
    from PySide6.QtCore import Qt

    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def message_label(name: str, *, can_select: bool = True) -> QLabel:
    """A label for the core's sentences. The sign-in page's (``can_select=False``) are short
    and made before anyone has signed in, when the ``Qt`` namespace is left alone."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAccessibleName("Message")
    if can_select:
        selectable(label)
    return label


def inline_message(name: str) -> QLabel:
    """A message label in red, for the core's sentence under a form."""
    label = message_label(name)
    label.setStyleSheet(MESSAGE_STYLE)
    return label


def password_field(name: str, accessible: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(accessible)
    field.setMaxLength(1024)
    return field


def confirm(parent: QWidget, title: str, text: str, yes: str, on_yes: Callable[[], None]) -> QMessageBox:
    """A non-blocking yes/no question (a lock can close it; nothing waits on its answer)."""
    box = QMessageBox(parent)
    box.setObjectName("confirmDialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    yes_button.clicked.connect(on_yes)
    box.open()
    return box


def inform(parent: QWidget, title: str, text: str, *, name: str = "informDialog") -> QMessageBox:
    """A non-blocking message with an OK button."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.open()
    return box


PASSWORDS_DIFFER = "The two new passwords are different. Type them again."


def ok_cancel(dialog: QDialog, ok_text: str, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """The form dialog's buttons: OK (named for what it does) runs ``on_ok``; Cancel rejects."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def focus_field(fields: Mapping[str, QWidget], field: str, fallback: QWidget | None = None) -> None:
    """Put the cursor in the field the core named in its refusal."""
    widget = fields.get(field, fallback)
    if widget is not None and widget.isEnabled():
        widget.setFocus()
