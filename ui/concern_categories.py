"""The manager's list of concern categories: add one, rename or reword its guidance, retire it.

Categories are never deleted, because old concerns still name them: a retired category stops
appearing on the concern form and can be brought back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
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

from app.concerns import Category
from app.errors import NotFound, ValidationError
from app.session import Session
from ui import operations
from ui.concern_forms import note_edit
from ui.form_parts import focus_field, inline_message
from ui.table_model import RecordTableModel


class CategoryModel(RecordTableModel[Category]):
    columns = ("Category", "Guidance", "In use")

    def cell(self, category: Category, column: int) -> str:
        if column == 0:
            return category.name
        if column == 1:
            return category.guidance
        return "In use" if category.active else "Retired"


class CategoriesDialog(QDialog):
    """Choose a category in the list to change it, or type a new one and add it."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("categoriesDialog")
        self.setWindowTitle("Concern categories")
        self._session = session
        self.model = CategoryModel(self)
        self.table = QTableView()
        self.table.setObjectName("categoriesTable")
        self.table.setAccessibleName("Concern categories")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected_changed())
        self.name = QLineEdit()
        self.name.setObjectName("categoryNameEdit")
        self.name.setAccessibleName("Category name")
        self.name.setMaxLength(80)
        self.guidance = note_edit(
            "categoryGuidanceEdit",
            "Guidance",
            "One or two lines shown under the category on the concern form.",
        )
        self.message = inline_message("categoriesMessage")
        explain = QLabel(
            "Retired categories no longer appear on the concern form; concerns that used them keep them."
        )
        explain.setWordWrap(True)
        self.add_button = QPushButton("&Add as a new category")
        self.add_button.setObjectName("addCategoryButton")
        self.add_button.clicked.connect(self.add)
        self.save_button = QPushButton("&Save changes")
        self.save_button.setObjectName("saveCategoryButton")
        self.save_button.clicked.connect(self.save)
        self.retire_button = QPushButton("&Retire")
        self.retire_button.setObjectName("retireCategoryButton")
        self.retire_button.clicked.connect(self.toggle_active)
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Guidance", self.guidance)
        actions = QHBoxLayout()
        for button in (self.add_button, self.save_button, self.retire_button):
            actions.addWidget(button)
        actions.addStretch(1)
        closing = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        closing.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(closing)
        self.resize(680, 560)
        self._fields: dict[str, QWidget] = {"name": self.name, "guidance": self.guidance}
        self._selected_changed()
        self.reload()

    def reload(self, keep: int | None = None) -> None:
        operations.run(
            self,
            lambda _p: self._session.concerns.categories(include_inactive=True),
            label="Loading the categories…",
            on_success=lambda rows: self._loaded(rows, keep),
        )

    def _loaded(self, rows: list[Category], keep: int | None) -> None:
        self.model.set_rows(rows)
        for row, category in enumerate(rows):
            if category.id == keep:
                self.table.selectRow(row)
        self._selected_changed()

    def selected(self) -> Category | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _selected_changed(self) -> None:
        category = self.selected()
        self.save_button.setEnabled(category is not None)
        self.retire_button.setEnabled(category is not None)
        self.retire_button.setText("&Restore" if category is not None and not category.active else "&Retire")
        if category is not None:
            self.name.setText(category.name)
            self.guidance.setPlainText(category.guidance)

    def _run(self, work: Callable[[], Category], label: str) -> None:
        self.message.clear()
        operations.run(
            self,
            lambda _p: work(),
            label=label,
            on_success=lambda category: self.reload(keep=int(category.id)),
            on_failure=self._failed,
        )

    def add(self) -> None:
        name, guidance = self.name.text(), self.guidance.toPlainText()
        self._run(lambda: self._session.concerns.add_category(name, guidance), "Adding the category…")

    def save(self) -> None:
        category = self.selected()
        if category is None:
            return
        name, guidance = self.name.text(), self.guidance.toPlainText()
        self._run(
            lambda: self._session.concerns.update_category(
                category.id, name=name, guidance=guidance, active=category.active
            ),
            "Saving the category…",
        )

    def toggle_active(self) -> None:
        """Retire or restore the chosen category as it is stored (unsaved typing is left alone)."""
        category = self.selected()
        if category is None:
            return
        self._run(
            lambda: self._session.concerns.update_category(
                category.id, name=category.name, guidance=category.guidance, active=not category.active
            ),
            "Saving the category…",
        )

    def _failed(self, error: BaseException) -> bool:
        if isinstance(error, ValidationError):
            self.message.setText(error.sentence)
            focus_field(self._fields, error.field)
            return True
        if isinstance(error, NotFound):
            self.message.setText(error.sentence)
            self.reload()
            return True
        return False

    def forget(self) -> None:
        self.model.forget()
        self.name.clear()
        self.guidance.clear()
        self.message.clear()
