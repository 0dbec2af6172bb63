"""Printing the forms for many children at once: the new starters of the next month, or a room.

The manager chooses the children (starting between two dates, a room, or both) and the forms;
the dialog says how many children that is, counting again off the UI thread whenever the choice
changes, and "Prepare forms…" builds ONE document with a set for each parent or carer with
parental responsibility of each child. A key worker gets only their own key children: the core
decides that, so the count and the forms always agree with what they may print.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.children import ChildSummary
from app.consents import ConsentKind
from app.errors import SharewiseError
from app.policy.permissions import Role
from app.session import Session
from ui import operations
from ui.child_forms import alive, check, date_edit, from_qdate, to_qdate, today
from ui.form_parts import heading, inline_message, message_label
from ui.printing import print_batch_forms

if TYPE_CHECKING:
    from ui.pdf_preview import PdfPreviewDialog

TITLE = "Print forms for several children"
ANY_ROOM = "Any room"
STARTING_WINDOW_DAYS = 30  # the starters of the coming month, the usual batch
NO_CHILDREN_CHOSEN = "Choose which children: tick “Children starting between”, or choose a room."
NO_FORMS_CHOSEN = "Tick at least one form to print."
NOBODY_MATCHES = "No children on roll match that choice. Change the dates or the room."
COUNTING = "Counting the children…"
OWN_CHILDREN_ONLY = "As a key worker you can print forms for your own key children only."


def children_count(number: int) -> str:
    return "1 child" if number == 1 else f"{number} children"


class BatchFormsDialog(QDialog):
    """Object names: ``batchFormsDialog``; ``startingCheck``, ``startingFromEdit``,
    ``startingToEdit``, ``roomCombo``; ``kindCheck{id}`` and ``privacyCheck``; ``countLabel``,
    ``batchMessage``; ``prepareButton``."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchFormsDialog")
        self.setWindowTitle(TITLE)
        self._session = session
        self._kinds: list[ConsentKind] = []
        self._loaded = False
        self._children: list[ChildSummary] = []
        self._counted = False  # the children shown match the choice on screen
        self._counting = False
        self._count_again = False
        self._count_error = ""  # the core's sentence when it refused to count (dates the wrong way round)
        self._preparing = False
        self.preview: PdfPreviewDialog | None = None

        first = today(session)
        self.starting = check("startingCheck", "Children starting between")
        self.starting.setChecked(True)
        self.starting_from = date_edit("startingFromEdit", "Starting from")
        self.starting_from.setDate(to_qdate(first))
        self.starting_to = date_edit("startingToEdit", "Starting up to")
        self.starting_to.setDate(to_qdate(first + timedelta(days=STARTING_WINDOW_DAYS)))
        self.room = QComboBox()
        self.room.setObjectName("roomCombo")
        self.room.setAccessibleName("Room")
        self.room.addItem(ANY_ROOM, None)

        dates = QHBoxLayout()
        dates.addWidget(self.starting)
        dates.addWidget(self.starting_from)
        dates.addWidget(QLabel("and"))
        dates.addWidget(self.starting_to)
        dates.addStretch(1)
        children_box = QGroupBox("Which children")
        children_form = QFormLayout(children_box)
        children_form.addRow(dates)
        children_form.addRow("Room", self.room)

        self.privacy = check("privacyCheck", "Privacy notice")
        self.privacy.setChecked(True)
        self._forms_box = QGroupBox("Which forms")
        self._forms_layout = QVBoxLayout(self._forms_box)
        self._forms_layout.addWidget(self.privacy)

        self.count = message_label("countLabel")
        self.count.setAccessibleName("How many children")
        self.message = inline_message("batchMessage")
        self.own_only = message_label("ownChildrenLabel")
        self.own_only.setText(OWN_CHILDREN_ONLY)
        self.own_only.setVisible(
            Role.KEY_WORKER in session.roles and not session.roles & {Role.MANAGER, Role.DSL}
        )

        self.prepare = QPushButton("Prepare forms…")
        self.prepare.setObjectName("prepareButton")
        self.prepare.setAccessibleName("Prepare forms")
        self.prepare.setDefault(True)
        self.prepare.setEnabled(False)
        self.prepare.clicked.connect(self.prepare_forms)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.prepare, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        intro = QLabel(
            "One document with a set of forms for each parent or carer with parental "
            "responsibility, ready to print and hand out."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(TITLE))
        layout.addWidget(intro)
        layout.addWidget(children_box)
        layout.addWidget(self._forms_box)
        layout.addWidget(self.count)
        layout.addWidget(self.message)
        layout.addWidget(self.own_only)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(560, 480)

        self.starting.toggled.connect(self._choice_changed)
        self.starting_from.dateChanged.connect(self._choice_changed)
        self.starting_to.dateChanged.connect(self._choice_changed)
        self.room.currentIndexChanged.connect(self._choice_changed)
        self.privacy.toggled.connect(self._show_state)
        self._choice_changed()  # dates enabled as ticked; counting waits for the rooms and forms
        self.count.setText(COUNTING)
        operations.run(
            self,
            lambda _p: self._read_choices(),
            label="Opening…",
            on_success=self._choices_read,
            on_failure=self._read_failed,
        )

    # --- the choices on offer ----------------------------------------------------------------

    def _read_choices(self) -> tuple[list[str], list[ConsentKind]]:
        return self._session.children.rooms(), self._session.forms.kinds()

    def _choices_read(self, found: tuple[list[str], list[ConsentKind]]) -> None:
        if not alive(self):
            return
        rooms, kinds = found
        self.room.blockSignals(True)
        for room in rooms:
            self.room.addItem(room, room)
        self.room.blockSignals(False)
        self._kinds = kinds
        for position, kind in enumerate(kinds):
            box = check(f"kindCheck{kind.id}", kind.name)
            box.setChecked(True)
            box.toggled.connect(self._show_state)
            self._forms_layout.insertWidget(position, box)
        self._loaded = True
        self._choice_changed()

    def _read_failed(self, error: BaseException) -> bool:
        if not alive(self) or not isinstance(error, SharewiseError):
            return False
        self.count.clear()
        self._count_error = error.sentence
        self._show_state()
        return True

    def kind_checks(self) -> list[QCheckBox]:
        return [box for kind in self._kinds if (box := self._kind_check(kind)) is not None]

    def _kind_check(self, kind: ConsentKind) -> QCheckBox | None:
        return self._forms_box.findChild(QCheckBox, f"kindCheck{kind.id}")

    def chosen_kinds(self) -> list[ConsentKind]:
        """The forms ticked, in the order they print."""
        return [k for k in self._kinds if (box := self._kind_check(k)) is not None and box.isChecked()]

    # --- counting the children ---------------------------------------------------------------

    def _filters(self) -> tuple[str | None, date | None, date | None]:
        room = self.room.currentData()
        if not self.starting.isChecked():
            return room, None, None
        return room, from_qdate(self.starting_from.date()), from_qdate(self.starting_to.date())

    def _choice_changed(self, *_args: object) -> None:
        self.starting_from.setEnabled(self.starting.isChecked())
        self.starting_to.setEnabled(self.starting.isChecked())
        self._counted = False
        self._children = []
        self._count_error = ""
        room, first, _last = self._filters()
        if not self._loaded:
            return
        if room is None and first is None:
            self.count.clear()
            self._show_state()
            return
        self._count()

    def _count(self) -> None:
        """Count off the UI thread; a change while counting counts once more when it ends, so
        the number shown is always for the choice on screen."""
        if self._counting:
            self._count_again = True
            return
        self._counting = True
        self._count_again = False
        room, first, last = self._filters()
        self.count.setText(COUNTING)
        self._show_state()
        operations.run(
            self,
            lambda _p: self._session.forms.starters(room=room, starting_from=first, starting_to=last),
            label=COUNTING,
            on_success=self._counted_children,
            on_failure=self._count_failed,
            on_done=self._count_done,
            on_progress=lambda _fraction: None,  # the count line says so; no progress window
        )

    def _counted_children(self, children: list[ChildSummary]) -> None:
        if not alive(self) or self._count_again:
            return
        self._children = children
        self._counted = True
        self.count.setText(f"Forms for {children_count(len(children))}." if children else "")

    def _count_failed(self, error: BaseException) -> bool:
        if not alive(self) or not isinstance(error, SharewiseError):
            return False
        if not self._count_again:
            self.count.clear()
            self._count_error = error.sentence  # e.g. the second date before the first
        return True

    def _count_done(self) -> None:
        self._counting = False
        if not alive(self):
            return
        if self._count_again:
            self._count()
        else:
            self._show_state()

    # --- what may be done now -----------------------------------------------------------------

    def problem(self) -> str:
        """Why the forms cannot be prepared for the choice on screen ("" when they can)."""
        room, first, _last = self._filters()
        if room is None and first is None:
            return NO_CHILDREN_CHOSEN
        if self._count_error:
            return self._count_error
        if self._loaded and not self.chosen_kinds() and not self.privacy.isChecked():
            return NO_FORMS_CHOSEN
        if self._counted and not self._children:
            return NOBODY_MATCHES
        return ""

    def _show_state(self, *_args: object) -> None:
        problem = self.problem()
        self.message.setText(problem)
        ready = self._loaded and self._counted and not problem and not self._counting and not self._preparing
        self.prepare.setEnabled(ready)

    def child_ids(self) -> list[int]:
        return [int(c.id) for c in self._children]

    # --- preparing ------------------------------------------------------------------------------

    def prepare_forms(self) -> None:
        if self.problem() or not self._counted or self._preparing:
            return
        self._preparing = True
        self._show_state()
        print_batch_forms(
            self,
            self._session,
            self.child_ids(),
            kinds=self.chosen_kinds(),
            privacy_notice=self.privacy.isChecked(),
            on_shown=self._shown,
            on_done=self._prepared,
        )

    def _shown(self, dialog: PdfPreviewDialog) -> None:
        self.preview = dialog

    def _prepared(self) -> None:
        self._preparing = False
        if alive(self):
            self._show_state()

    def forget(self) -> None:
        """The screen is locking: drop the children found and what was said about them."""
        self._children = []
        self._counted = False
        self._count_error = ""
        self.count.clear()
        self.message.clear()
        self.prepare.setEnabled(False)
        self.preview = None


def open_batch_forms(parent: QWidget, session: Session) -> BatchFormsDialog:
    """Open the dialog (not blocking: the screen may lock while it is open)."""
    dialog = BatchFormsDialog(session, parent)
    dialog.open()
    return dialog
