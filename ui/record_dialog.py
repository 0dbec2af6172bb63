"""The frame of a dialog that shows one record read-only, with the next steps as buttons under it
(a concern, an information-sharing record).

The record is read off the UI thread by ``fetch`` (an audited view in the core) when the
subclass calls ``reload``, and handed to ``_loaded``. A load the core refuses with one of
``INLINE_LOAD_ERRORS`` empties the view and says why under it. Step buttons are made hidden by
``_button``; the subclass shows those that apply once it has the record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import shiboken6
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import NotFound, PermissionDenied, SharewiseError, ValidationError
from app.session import Session
from ui import operations
from ui.form_parts import focus_field, inline_message, ok_cancel

R = TypeVar("R")
StepDialog = TypeVar("StepDialog", bound=QDialog)


class RecordDialog(QDialog, Generic[R]):
    """Object names: ``{name}Dialog``, ``{name}View`` and ``{name}Message``. ``opening`` is shown
    in the view, and on the progress, while the record loads."""

    INLINE_LOAD_ERRORS: tuple[type[SharewiseError], ...] = (NotFound, PermissionDenied)

    def __init__(
        self,
        session: Session,
        parent: QWidget | None,
        *,
        name: str,
        title: str,
        accessible: str,
        opening: str,
        size: tuple[int, int],
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Dialog")
        self.setWindowTitle(title)
        self._session = session
        self._opening = opening
        self.view = QTextBrowser()
        self.view.setObjectName(f"{name}View")
        self.view.setAccessibleName(accessible)
        self.view.setOpenLinks(False)
        self.view.setPlainText(opening)
        self.message = inline_message(f"{name}Message")
        self._steps = QHBoxLayout()
        self._steps.addStretch(1)
        closing = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        closing.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(self._steps)
        layout.addWidget(closing)
        self.resize(*size)

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        """A step button, hidden, placed after the ones made before it."""
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda: slot())
        button.hide()
        self._steps.insertWidget(self._steps.count() - 1, button)  # before the stretch
        return button

    def fetch(self) -> R:
        """Read the record (runs off the UI thread)."""
        raise NotImplementedError

    def _loaded(self, record: R) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        operations.run(
            self,
            lambda _p: self.fetch(),
            label=self._opening,
            on_success=self._loaded,
            on_failure=self._load_failed,
        )

    def _load_failed(self, error: BaseException) -> bool:
        if isinstance(error, self.INLINE_LOAD_ERRORS):
            self.view.clear()
            self.message.setText(error.sentence)
            return True
        return False

    def _step(self, dialog: StepDialog) -> StepDialog:
        dialog.open()
        return dialog

    def forget(self) -> None:
        self.view.clear()
        self.message.clear()


class StepForm(QDialog, Generic[R]):
    """A small form for one change to a record (review a concern, mark a follow-up done ...).

    ``work`` checks what was typed on the UI thread and returns the core call, which runs off it;
    the record the core returns goes to ``on_done``. A refusal from the core is shown inside the
    form, with the cursor in the field it names. Object names: ``name`` and ``{name}Message``.
    """

    def __init__(
        self,
        parent: QWidget | None,
        *,
        name: str,
        title: str,
        ok_text: str,
        on_done: Callable[[R], None],
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self._on_done = on_done
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.message = inline_message(f"{name}Message")
        self.buttons = ok_cancel(self, ok_text, self.submit)
        self.fields: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def work(self) -> Callable[[], R]:
        raise NotImplementedError

    def submit(self) -> None:
        self.message.clear()
        try:
            work = self.work()
        except SharewiseError as error:
            self._failed(error)
            return
        self.buttons.setEnabled(False)
        operations.run(
            self,
            lambda _p: work(),
            label="Saving…",
            on_success=self._saved,
            on_failure=self._failed,
            on_done=lambda: self.buttons.setEnabled(True) if shiboken6.isValid(self) else None,
        )

    def _saved(self, record: R) -> None:
        if shiboken6.isValid(self):
            self.accept()
        self._on_done(record)

    def _failed(self, error: BaseException) -> bool:
        """Core refusals (a field, a record gone, a permission) are shown here; anything else
        goes to the one error dialog."""
        if not shiboken6.isValid(self) or not isinstance(error, SharewiseError):
            return False
        self.message.setText(error.sentence)
        if isinstance(error, ValidationError):
            focus_field(self.fields, error.field)
        return True

    def forget(self) -> None:
        for edit in self.findChildren(QPlainTextEdit):
            edit.clear()
        for field in self.findChildren(QLineEdit):
            field.clear()
        for combo in self.findChildren(QComboBox):
            combo.clear()
        self.message.clear()
