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

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import NotFound, PermissionDenied, SharewiseError
from app.session import Session
from ui import operations
from ui.form_parts import inline_message

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
