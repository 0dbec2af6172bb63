"""The manager's list of the kinds of consent the setting asks parents for, and the dialog that
adds or changes one.

Kinds are never deleted, because answers already given name them: a retired kind is no longer
asked for or printed, keeps its answers, and can be brought back. The three kinds the guidance
names are built in; the manager can reword them but the registration declaration is always asked
for (the core says so when asked to retire it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.consents import ConsentKind, KindDetails
from app.drafts import Draft, DraftForm
from app.errors import NotFound, ValidationError
from app.session import Session
from ui import operations
from ui.drafts import KeepsDraft
from ui.form_parts import focus_field, inline_message, message_label, ok_cancel
from ui.table_model import RecordTableModel

KIND_FORM = "settings.consent_kind"
ADD_TITLE = "Add a kind of consent"
EDIT_TITLE = "Change a kind of consent"
MAX_REVIEW_MONTHS = 120  # the core's limit: ten years
NAME_LIMIT = 200
YES = "yes"


def review_words(months: int) -> str:
    if months == 0:
        return "No review"
    return f"After {months} month{'s' if months != 1 else ''}"


def kind_fields(kind: ConsentKind) -> dict[str, str]:
    """A stored kind as the dialog's field values (the draft's field names, kept stable)."""
    return {
        "kind_id": str(int(kind.id)),
        "name": kind.name,
        "wording": kind.wording,
        "names_agencies": YES if kind.names_agencies else "",
        "review_months": str(kind.review_months),
    }


class KindModel(RecordTableModel[ConsentKind]):
    columns = ("Kind of consent", "Review", "Names agencies", "Built in or added", "In use")

    def cell(self, kind: ConsentKind, column: int) -> str:
        if column == 0:
            return kind.name
        if column == 1:
            return review_words(kind.review_months)
        if column == 2:
            return "Yes" if kind.names_agencies else "No"
        if column == 3:
            return "Built in" if kind.built_in else "Added by the setting"
        return "In use" if kind.active else "Retired"


class ConsentKindDialog(QDialog, KeepsDraft):
    """Name, the wording printed on the form, whether the form names agencies, and the review
    period. ``kind_id`` None adds a new kind. ``stored`` is what the kind holds now (None when
    adding, or when reopened from a draft: then whatever is shown is worth keeping at a lock)."""

    def __init__(
        self,
        session: Session,
        kind_id: int | None,
        stored: Mapping[str, str] | None,
        on_saved: Callable[[ConsentKind], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("consentKindDialog")
        self.setWindowTitle(ADD_TITLE if kind_id is None else EDIT_TITLE)
        self._session = session
        self.kind_id = kind_id
        self._stored = dict(stored) if stored is not None else None
        self._on_saved = on_saved
        self.name = QLineEdit()
        self.name.setObjectName("consentKindNameEdit")
        self.name.setAccessibleName("Name of the consent")
        self.name.setMaxLength(NAME_LIMIT)
        self.wording = QPlainTextEdit()
        self.wording.setObjectName("consentKindWordingEdit")
        self.wording.setAccessibleName("What the parent agrees to")
        self.wording.setPlaceholderText("The words printed on the form above the parent's signature.")
        self.wording.setTabChangesFocus(True)
        self.wording.setMinimumHeight(self.wording.fontMetrics().lineSpacing() * 7)
        self.names_agencies = QCheckBox("The form names the &agencies")
        self.names_agencies.setObjectName("consentKindAgenciesCheck")
        self.names_agencies.setToolTip(
            "The parent's answer then has to list the agencies it covers, and the form has space for them."
        )
        self.review = QSpinBox()
        self.review.setObjectName("consentKindReviewSpin")
        self.review.setAccessibleName("Review after how many months; 0 for no review")
        self.review.setRange(0, MAX_REVIEW_MONTHS)
        self.review.setSuffix(" months")
        self.review.setSpecialValueText("No review")
        explain = QLabel(
            "Answers already given keep standing when you change the wording; forms printed from now on "
            "carry the new words."
        )
        explain.setWordWrap(True)
        self.message = inline_message("consentKindMessage")
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&What the parent agrees to", self.wording)
        form.addRow("", self.names_agencies)
        form.addRow("&Review after (months, 0 for none)", self.review)
        self.buttons = ok_cancel(self, "Add" if kind_id is None else "Save", self.submit)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("consentKindSaveButton")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if kind_id is not None:
            layout.addWidget(explain)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(620, 460)
        self._fields: dict[str, QWidget] = {
            "name": self.name,
            "wording": self.wording,
            "names_agencies": self.names_agencies,
            "review_months": self.review,
        }
        if self._stored is not None:
            self.fill(self._stored)
        self.name.setFocus()

    def fill(self, fields: Mapping[str, str]) -> None:
        if "name" in fields:
            self.name.setText(fields["name"])
        if "wording" in fields:
            self.wording.setPlainText(fields["wording"])
        if "names_agencies" in fields:
            self.names_agencies.setChecked(fields["names_agencies"] == YES)
        if "review_months" in fields:
            try:
                self.review.setValue(int(fields["review_months"]))
            except ValueError:
                pass  # a damaged draft value: keep what the field shows

    def values(self) -> dict[str, str]:
        return {
            "kind_id": "" if self.kind_id is None else str(self.kind_id),
            "name": self.name.text(),
            "wording": self.wording.toPlainText(),
            "names_agencies": YES if self.names_agencies.isChecked() else "",
            "review_months": str(self.review.value()),
        }

    def details(self) -> KindDetails:
        return KindDetails(
            name=self.name.text(),
            wording=self.wording.toPlainText(),
            names_agencies=self.names_agencies.isChecked(),
            review_months=self.review.value(),
        )

    def draft(self) -> DraftForm | None:
        values = self.values()
        if self._stored is not None and values == self._stored:
            return None
        if self._stored is None and self.kind_id is None:
            typed = {k: v for k, v in values.items() if k not in ("kind_id", "review_months")}
            if not any(v.strip() for v in typed.values()) and self.review.value() == 0:
                return None
        return DraftForm(KIND_FORM, self.windowTitle(), values)

    def submit(self) -> None:
        details = self.details()
        kind_id = self.kind_id
        consents = self._session.consents
        self.message.clear()
        self.buttons.setEnabled(False)

        def work(_progress: operations.Progress) -> ConsentKind:
            if kind_id is None:
                return consents.add_kind(details)
            return consents.update_kind(kind_id, details)

        operations.run(
            self,
            work,
            label="Saving the kind of consent…",
            on_success=self._saved,
            on_failure=self._failed,
            on_done=lambda: self.buttons.setEnabled(True),
        )

    def _saved(self, kind: ConsentKind) -> None:
        self._stored = kind_fields(kind)
        self.kind_id = int(kind.id)
        self.accept()
        self._on_saved(kind)

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, ValidationError):
            self.message.setText(error.sentence)
            focus_field(self._fields, error.field)
            return True
        if isinstance(error, NotFound):
            self.message.setText(error.sentence)
            return True
        return False

    def forget(self) -> None:
        self.name.clear()
        self.wording.clear()
        self.names_agencies.setChecked(False)
        self.review.setValue(0)
        self.message.clear()
        self._stored = None


class ConsentKindsBox(QGroupBox):
    """The list of kinds with Add…, Edit… and Retire / Bring back."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Kinds of consent", parent)
        self.setObjectName("consentKindsBox")
        self._session = session
        self._dialog: ConsentKindDialog | None = None
        explain = QLabel(
            "Each kind is printed as a form for parents to sign. Retired kinds are no longer asked for or "
            "printed; the answers parents gave stay on the children's records."
        )
        explain.setWordWrap(True)
        self.model = KindModel(self)
        self.table = QTableView()
        self.table.setObjectName("consentKindsTable")
        self.table.setAccessibleName("Kinds of consent")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(self.table.fontMetrics().lineSpacing() * 9)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected_changed())
        self.table.doubleClicked.connect(lambda _index: self.open_edit())
        self.add_button = QPushButton("&Add…")
        self.add_button.setObjectName("addConsentKindButton")
        self.add_button.clicked.connect(lambda: self.open_add())
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setObjectName("editConsentKindButton")
        self.edit_button.clicked.connect(lambda: self.open_edit())
        self.retire_button = QPushButton("Re&tire")
        self.retire_button.setObjectName("retireConsentKindButton")
        self.retire_button.clicked.connect(self.toggle_active)
        self.message = inline_message("consentKindsMessage")
        self.status = message_label("consentKindsStatus")  # "Retired." and the like, not in red
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.retire_button):
            buttons.addWidget(button)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self._selected_changed()

    # --- loading --------------------------------------------------------------------------

    def load(self, keep: int | None = None) -> None:
        consents = self._session.consents
        operations.run(
            self,
            lambda _p: consents.kinds(include_retired=True),
            label="Loading the kinds of consent…",
            on_success=lambda kinds: self._loaded(kinds, keep),
        )

    def _loaded(self, kinds: list[ConsentKind], keep: int | None) -> None:
        if keep is None and (chosen := self.selected()) is not None:
            keep = int(chosen.id)
        self.model.set_rows(kinds)
        for row, kind in enumerate(kinds):
            if kind.id == keep:
                self.table.selectRow(row)
        self._selected_changed()

    def selected(self) -> ConsentKind | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select(self, kind_id: int) -> None:
        for row, kind in enumerate(self.model.records()):
            if kind.id == kind_id:
                self.table.selectRow(row)

    def _selected_changed(self) -> None:
        kind = self.selected()
        self.edit_button.setEnabled(kind is not None)
        self.retire_button.setEnabled(kind is not None)
        self.retire_button.setText("&Bring back" if kind is not None and not kind.active else "Re&tire")

    # --- changing -------------------------------------------------------------------------

    def _open(self, kind_id: int | None, stored: Mapping[str, str] | None) -> ConsentKindDialog:
        if self._dialog is not None:
            self._dialog.close()
        dialog = ConsentKindDialog(self._session, kind_id, stored, self._saved, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "_dialog", None))
        self._dialog = dialog
        self.message.clear()
        self.status.clear()
        dialog.open()
        return dialog

    def open_add(self) -> ConsentKindDialog:
        return self._open(None, None)

    def open_edit(self) -> ConsentKindDialog | None:
        kind = self.selected()
        if kind is None:
            return None
        return self._open(int(kind.id), kind_fields(kind))

    def _saved(self, kind: ConsentKind) -> None:
        self.status.setText(f"“{kind.name}” saved.")
        self.load(keep=int(kind.id))

    def toggle_active(self) -> None:
        """Retire the chosen kind, or bring a retired one back."""
        kind = self.selected()
        if kind is None:
            return
        consents = self._session.consents
        active = not kind.active
        self.message.clear()
        self.status.clear()
        self.retire_button.setEnabled(False)
        operations.run(
            self,
            lambda _p: consents.set_kind_active(kind.id, active),
            label="Saving the kind of consent…",
            on_success=self._toggled,
            on_failure=self._failed,
            on_done=self._selected_changed,
        )

    def _toggled(self, kind: ConsentKind) -> None:
        self.status.setText(f"“{kind.name}” {'is asked for again' if kind.active else 'is retired'}.")
        self.load(keep=int(kind.id))

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, ValidationError | NotFound):
            self.message.setText(error.sentence)
            if isinstance(error, NotFound):
                self.load()
            return True
        return False

    # --- drafts and forgetting ------------------------------------------------------------

    def restore_draft(self, draft: Draft) -> bool:
        """Reopen the dialog with what was typed before the lock."""
        if draft.form != KIND_FORM:
            return False
        fields = dict(draft.fields)
        try:
            kind_id = int(fields["kind_id"]) if fields.get("kind_id") else None
        except ValueError:
            kind_id = None
        dialog = self._open(kind_id, None)
        dialog.fill(fields)
        return True

    def forget(self) -> None:
        if self._dialog is not None:
            self._dialog.forget()
            self._dialog.close()
        self.model.forget()
        self.message.clear()
        self.status.clear()
        self._selected_changed()
