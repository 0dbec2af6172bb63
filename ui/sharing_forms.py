"""Information sharing: recording a request (or our own wish to share), reading the record of a
decision with its follow-ups and corrections, and the child-protection file sent on when a child
leaves.

Anyone signed in may record a request; it goes to the DSL's queue. The intake form keeps a
draft at lock (form id ``sharing.intake``) and, when the core refuses a value, shows its
sentence under the form and puts the cursor in the field it names, so nothing typed is lost.
A telephone request has its own "Check the caller" section: take a number, verify it
independently, call back before sharing anything.

The record view is read through ``session.sharing.get`` (an audited view). The DSL's next steps
(deciding, follow-ups, corrections, printing) are buttons under it; the core checks again on
every call. Window titles never name a child.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.children import Child, ChildSummary, Enrolment
from app.concerns import ConcernSummary
from app.errors import NotFound, PermissionDenied, SharewiseError, ValidationError
from app.policy.permissions import Action
from app.policy.sharing_path import Verdict
from app.session import Session
from app.sharing import (
    AMENDABLE,
    Channel,
    Direction,
    FamilyTold,
    FollowUpKind,
    Intake,
    NewFollowUp,
    ShareRecord,
    ShareStatus,
    Urgency,
)
from app.transfers import RECEIPT_SCHOOL_DAYS, Transfer
from ui import operations
from ui.child_forms import FormDialog, alive, line
from ui.concern_forms import (
    OVERDUE_COLOUR,
    SEARCH_DELAY_MS,
    child_label,
    day_edit,
    from_qdate,
    from_qdatetime,
    moment_edit,
    note_edit,
    shown_day,
    shown_moment,
    to_qdatetime,
    today,
)
from ui.record_dialog import RecordDialog, StepForm

INTAKE_FORM = "sharing.intake"
DECIDE_FORM = "sharing.decide"  # the decision wizard's drafts (ui.sharing_wizard)
INTAKE_TITLE = "Record a request to share information"
EDIT_INTAKE_TITLE = "Correct an information-sharing request"
RECORD_TITLE = "Information-sharing record"
TRANSFER_TITLE = "Record that a child-protection file was sent"
RECEIPT_TITLE = "Record that a child-protection file was received"

REQUEST_CHANNELS = (Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.IN_PERSON, Channel.MEETING)
PROACTIVE_CHANNELS = (Channel.OWN_INITIATIVE, Channel.MEETING)
LINK_KINDS = ("carer_ids", "concern_ids", "professional_ids")
TEXT_KEYS = (
    "requester_org",
    "requester_name",
    "requester_role",
    "requester_contact",
    "asked_for",
    "purpose",
    "phone_number",
    "verified_how",
)
CALLER_GUIDANCE = (
    "Take the caller's number, check it independently (for example through their organisation's "
    "main switchboard, not a number they give you), and call back on it before sharing anything."
)
TRANSFER_GUIDANCE = (
    "Send the child-protection file securely and separately from the main record (by hand, or by "
    "secure email), and ask the new setting to confirm they have it. A reminder appears if no "
    f"receipt is recorded after {RECEIPT_SCHOOL_DAYS} school days."
)
FACT_STYLE = "background-color: #e3f2fd;"
OPINION_STYLE = "background-color: #fff8e1;"


def _id_list(text: str) -> list[int]:
    """ "3,7" -> [3, 7]; anything else in a draft is left out."""
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


def _id_text(ids: Iterable[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def _moment_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


# --- choosing children ------------------------------------------------------------------------------


class ChildrenPicker(QWidget):
    """Children found by typing part of a name, added to a short list of those chosen.

    With ``multiple`` False, choosing a child replaces the one chosen before. With
    ``leavers_only`` only children who have left or have a leaving date are offered, and they
    are listed at once, most recent leaver first. The search runs off the UI thread after a
    short pause in typing.
    """

    changed = Signal()

    def __init__(
        self,
        session: Session,
        *,
        prefix: str,
        multiple: bool = True,
        leavers_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._multiple = multiple
        self._leavers_only = leavers_only
        self._generation = 0
        self._label_generation = 0
        self.search = QLineEdit()
        self.search.setObjectName(f"{prefix}SearchEdit")
        self.search.setAccessibleName("Find the child by name")
        self.search.setPlaceholderText("Type part of the child's or a parent's name")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(100)
        self.results = QListWidget()
        self.results.setObjectName(f"{prefix}Results")
        self.results.setAccessibleName("Children found")
        self.results.setFixedHeight(110)
        self.add_button = QPushButton("A&dd the child" if multiple else "C&hoose this child")
        self.add_button.setObjectName(f"{prefix}AddButton")
        self.chosen = QListWidget()
        self.chosen.setObjectName(f"{prefix}ChosenList")
        self.chosen.setAccessibleName("Children chosen")
        self.chosen.setFixedHeight(80 if multiple else self.chosen.fontMetrics().height() * 2 + 8)
        self.remove_button = QPushButton("Remo&ve")
        self.remove_button.setObjectName(f"{prefix}RemoveButton")
        self.note = QLabel()
        self.note.setObjectName(f"{prefix}Note")
        self.note.setWordWrap(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        # Return in the search box or the list adds the child; it must not save the whole form.
        self.search.installEventFilter(self)
        self.results.installEventFilter(self)
        self.results.itemDoubleClicked.connect(lambda _item: self.add_current())
        self.add_button.clicked.connect(lambda: self.add_current())
        self.remove_button.clicked.connect(lambda: self.remove_current())
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.add_button)
        chosen_row = QHBoxLayout()
        chosen_row.addWidget(self.chosen, 1)
        chosen_row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(search_row)
        layout.addWidget(self.results)
        layout.addWidget(QLabel("Chosen:" if multiple else "Child:"))
        layout.addLayout(chosen_row)
        layout.addWidget(self.note)
        self.setFocusProxy(self.search)
        if leavers_only:
            self.run_search()  # the leavers are few: list them at once
        else:
            self.results.hide()  # shown once something is typed

    def ids(self) -> list[int]:
        return [int(self.chosen.item(r).data(Qt.ItemDataRole.UserRole)) for r in range(self.chosen.count())]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched in (self.search, self.results)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            if watched is self.search and self._timer.isActive():
                self.run_search()  # still typing: search now, Return again to add
            else:
                self.add_current()
            return True
        return super().eventFilter(watched, event)

    def run_search(self) -> None:
        """Search now (the pause timer calls this; tests may too)."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        text = self.search.text()
        if not text.strip() and not self._leavers_only:
            self.results.clear()
            self.results.hide()
            return
        children, leavers = self._session.children, self._leavers_only

        def work(_progress: object) -> list[ChildSummary]:
            if not leavers:
                return children.find(search=text, enrolment=Enrolment.ALL, limit=30)
            found = [c for c in children.find(search=text, enrolment=Enrolment.ALL) if c.leaving_date]
            found.sort(key=lambda c: c.leaving_date or date.min, reverse=True)
            return found[:30]

        operations.run(
            self, work, label="Finding the child…", on_success=lambda found: self._found(generation, found)
        )

    def _label(self, child: ChildSummary) -> str:
        day = today(self._session)
        text = child_label(child, day)
        if child.leaving_date is not None and child.on_roll(day):
            text += f", leaving {shown_day(child.leaving_date)}"
        return text

    def _found(self, generation: int, found: list[ChildSummary]) -> None:
        if generation != self._generation or not alive(self):
            return  # typed again since: a newer search is on its way
        self.results.clear()
        for child in found:
            item = QListWidgetItem(self._label(child))
            item.setData(Qt.ItemDataRole.UserRole, int(child.id))
            self.results.addItem(item)
        if not found:
            empty = "No child found with that name."
            if self._leavers_only:
                empty = "No child who has left, or has a leaving date, matches."
            item = QListWidgetItem(empty)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(item)
        else:
            self.results.setCurrentRow(0)
        self.results.show()

    def add_current(self) -> None:
        item = self.results.currentItem()
        if item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return
        child_id = int(item.data(Qt.ItemDataRole.UserRole))
        if child_id in self.ids():
            return
        if not self._multiple:
            self.chosen.clear()
        chosen = QListWidgetItem(item.text())
        chosen.setData(Qt.ItemDataRole.UserRole, child_id)
        self.chosen.addItem(chosen)
        self.note.clear()
        self.changed.emit()

    def remove_current(self) -> None:
        row = self.chosen.currentRow()
        if row < 0 and self.chosen.count() == 1:
            row = 0
        if row < 0:
            return
        self.chosen.takeItem(row)
        self.changed.emit()

    def set_ids(self, ids: Sequence[int]) -> None:
        """Show ``ids`` as chosen (a draft, a record, a fixed child); their names are looked up."""
        self.chosen.clear()
        for child_id in dict.fromkeys(ids):
            item = QListWidgetItem("…")
            item.setData(Qt.ItemDataRole.UserRole, int(child_id))
            self.chosen.addItem(item)
        self.changed.emit()
        if not ids:
            return
        self._label_generation += 1
        generation = self._label_generation
        children = self._session.children
        operations.run(
            self,
            lambda _p: children.find(enrolment=Enrolment.ALL),
            label="Finding the child…",
            on_success=lambda found: self._labelled(generation, found),
        )

    def _labelled(self, generation: int, found: list[ChildSummary]) -> None:
        if generation != self._label_generation or not alive(self):
            return
        known = {int(c.id): c for c in found}
        gone = False
        for row in reversed(range(self.chosen.count())):
            item = self.chosen.item(row)
            child = known.get(int(item.data(Qt.ItemDataRole.UserRole)))
            if child is None:
                self.chosen.takeItem(row)
                gone = True
            else:
                item.setText(self._label(child))
        if gone:
            self.note.setText("A child's record chosen before is not there any more; choose again.")
            self.changed.emit()

    def forget(self) -> None:
        self._generation += 1
        self._label_generation += 1
        self._timer.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.results.clear()
        self.chosen.clear()
        self.note.clear()


def _checklist(name: str, accessible: str) -> QListWidget:
    listing = QListWidget()
    listing.setObjectName(name)
    listing.setAccessibleName(accessible)
    listing.setMaximumHeight(100)
    return listing


def _check_item(listing: QListWidget, text: str, item_id: int, checked: bool) -> None:
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, item_id)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    listing.addItem(item)


def _empty_item(listing: QListWidget, text: str) -> None:
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    listing.addItem(item)


def checked_ids(listing: QListWidget) -> list[int]:
    found = []
    for row in range(listing.count()):
        item = listing.item(row)
        data = item.data(Qt.ItemDataRole.UserRole)
        if data is not None and item.checkState() == Qt.CheckState.Checked:
            found.append(int(data))
    return found


def set_checked(listing: QListWidget, item_id: int, checked: bool = True) -> bool:
    """Tick (or untick) the row for ``item_id``; False if there is no such row."""
    for row in range(listing.count()):
        item = listing.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == item_id:
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            return True
    return False


def record_fields(record: ShareRecord) -> dict[str, str]:
    """A record's intake as the form's fields (the same shape as a draft)."""
    return {
        "direction": record.direction.value,
        "received_via": record.received_via.value,
        "received_at": record.received_at.isoformat(),
        "urgency": record.urgency.value,
        "requester_org": record.requester_org,
        "requester_name": record.requester_name,
        "requester_role": record.requester_role,
        "requester_contact": record.requester_contact,
        "child_ids": _id_text(c.id for c in record.children),
        "carer_ids": _id_text(c.id for c in record.carers if c.id is not None),
        "concern_ids": _id_text(c.id for c in record.concerns),
        "professional_ids": _id_text(p.id for p in record.professionals if p.id is not None),
        "asked_for": record.asked_for,
        "purpose": record.purpose,
        "phone_number": record.phone_number,
        "verified_how": record.verified_how,
        "called_back": "1" if record.called_back_at is not None else "",
        "called_back_at": "" if record.called_back_at is None else record.called_back_at.isoformat(),
    }


LinkSet = list[tuple[Child, list[ConcernSummary]]]


# --- the intake -------------------------------------------------------------------------------------


class IntakeDialog(FormDialog):
    """Record a request for information (or our own wish to share), or correct one still open.

    With ``share_id`` the form corrects that intake: its fields come from ``fields`` (a draft),
    else from ``record``, else from the record read through the core. ``saved`` carries the
    ShareRecord once the core has kept it.
    """

    saved = Signal(object)
    form_id = INTAKE_FORM

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        fields: dict[str, str] | None = None,
        share_id: int | None = None,
        *,
        record: ShareRecord | None = None,
    ) -> None:
        editing = share_id is not None
        title = EDIT_INTAKE_TITLE if editing else INTAKE_TITLE
        super().__init__(session, parent, "intakeDialog", title)
        self.message.setStyleSheet("color: #b3261e;")
        self.draft_title = title
        self.share_id = share_id
        if share_id is not None:
            self.keys = {"share_id": str(int(share_id))}
        self._pending: dict[str, set[int]] | None = None  # ticks waiting for the lists to load
        self._links_generation = 0
        now = session.context.clock.now()

        self.direction = QComboBox()
        self.direction.setObjectName("directionCombo")
        self.direction.setAccessibleName("Request or our own wish to share")
        for direction in Direction:
            self.direction.addItem(direction.label, direction.value)
        self.channel = QComboBox()
        self.channel.setObjectName("channelCombo")
        self.channel.setAccessibleName("How it came in")
        self.received_at = moment_edit("receivedAtEdit", "When it came in", now)
        self.urgency = QComboBox()
        self.urgency.setObjectName("urgencyCombo")
        self.urgency.setAccessibleName("How urgent")
        for urgency in Urgency:
            self.urgency.addItem(urgency.label, urgency.value)

        self.requester_org = line("requesterOrgEdit", "Organisation")
        self.requester_name = line("requesterNameEdit", "Name")
        self.requester_role = line("requesterRoleEdit", "Role")
        self.requester_contact = line("requesterContactEdit", "Contact details")
        self.requester_group = QGroupBox("Who asked")
        self.requester_group.setObjectName("requesterGroup")
        who = QFormLayout(self.requester_group)
        who.addRow("&Organisation", self.requester_org)
        who.addRow("&Name", self.requester_name)
        who.addRow("Ro&le", self.requester_role)
        who.addRow("&Contact details", self.requester_contact)

        self.child_picker = ChildrenPicker(session, prefix="intakeChild")
        self.child_picker.changed.connect(self._load_links)
        self.carers = _checklist("intakeCarersList", "Their parents and carers the request is about")
        self.concerns = _checklist("intakeConcernsList", "Concerns the request is about")
        self.professionals = _checklist("intakeProfessionalsList", "Professionals involved")
        self.links_status = QLabel()
        self.links_status.setObjectName("intakeLinksStatus")
        self.links_status.setWordWrap(True)
        about = QGroupBox("About whom")
        about.setObjectName("aboutGroup")
        about_form = QFormLayout(about)
        about_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        about_form.addRow("The child or children", self.child_picker)
        about_form.addRow(self.links_status)
        about_form.addRow("Their parents and carers", self.carers)
        about_form.addRow("Concerns it is about (those you can read)", self.concerns)
        about_form.addRow("Professionals involved", self.professionals)

        self.asked_for = note_edit(
            "askedForEdit", "What is asked for", "Exactly what information is asked for, in their words."
        )
        self.purpose = note_edit("purposeEdit", "The stated purpose", "Why they say they need it.")
        self.asked_label = QLabel("&What is asked for")
        self.asked_label.setBuddy(self.asked_for)

        self.phone_number = line("phoneNumberEdit", "Number taken")
        self.verified_how = line("verifiedHowEdit", "How the number was checked independently")
        self.called_back = QCheckBox("I called back on the checked number")
        self.called_back.setObjectName("calledBackCheck")
        self.called_back_at = moment_edit("calledBackAtEdit", "When you called back", now)
        self.called_back_at.setEnabled(False)
        self.called_back.toggled.connect(self.called_back_at.setEnabled)
        guidance = QLabel(CALLER_GUIDANCE)
        guidance.setObjectName("callerGuidance")
        guidance.setWordWrap(True)
        guidance.setStyleSheet("font-weight: bold;")
        self.caller_group = QGroupBox("Check the caller")
        self.caller_group.setObjectName("callerCheckGroup")
        caller = QFormLayout(self.caller_group)
        caller.addRow(guidance)
        caller.addRow("Number &taken", self.phone_number)
        caller.addRow("How it was chec&ked", self.verified_how)
        called = QHBoxLayout()
        called.addWidget(self.called_back)
        called.addWidget(self.called_back_at, 1)
        caller.addRow("Called back", called)

        form = QFormLayout()
        form.addRow("&Request or our own wish", self.direction)
        form.addRow("&How it came in", self.channel)
        form.addRow("W&hen it came in", self.received_at)
        form.addRow("&Urgency", self.urgency)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addLayout(form)
        inner.addWidget(self.caller_group)
        inner.addWidget(self.requester_group)
        inner.addWidget(about)
        asked = QFormLayout()
        asked.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        asked.addRow(self.asked_label, self.asked_for)
        asked.addRow("The stated &purpose", self.purpose)
        inner.addLayout(asked)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        self.add_buttons(layout, "Save the changes" if editing else "Record the request")
        self.resize(680, 760)

        self.fields = {
            "direction": self.direction,
            "received_via": self.channel,
            "received_at": self.received_at,
            "urgency": self.urgency,
            "requester_org": self.requester_org,
            "requester_name": self.requester_name,
            "requester_role": self.requester_role,
            "requester_contact": self.requester_contact,
            "child_ids": self.child_picker.search,
            "carer_ids": self.carers,
            "concern_ids": self.concerns,
            "professional_ids": self.professionals,
            "asked_for": self.asked_for,
            "purpose": self.purpose,
            "phone_number": self.phone_number,
            "verified_how": self.verified_how,
            "called_back_at": self.called_back_at,
            "called_back_by": self.called_back_at,
        }
        self.direction.currentIndexChanged.connect(lambda _i: self._direction_changed())
        self.channel.currentIndexChanged.connect(lambda _i: self._update_caller())
        self._direction_changed()
        self._load_links()
        if fields:
            self.fill(fields)
        elif record is not None:
            self.fill(record_fields(record))
        elif share_id is not None:
            self._read(share_id)

    # --- the choices that change the form ---------------------------------------------------------

    def direction_value(self) -> Direction:
        data = self.direction.currentData()
        return Direction.REQUEST if data is None else Direction(str(data))

    def channel_value(self) -> Channel | None:
        data = self.channel.currentData()
        return None if data is None else Channel(str(data))

    def choose_channel(self, channel: Channel | str) -> None:
        self.channel.setCurrentIndex(max(self.channel.findData(Channel(channel).value), 0))

    def _direction_changed(self) -> None:
        request = self.direction_value() is Direction.REQUEST
        wanted = self.channel.currentData()
        self.channel.blockSignals(True)
        self.channel.clear()
        if request:
            self.channel.addItem("Choose how it came in", None)
        for channel in REQUEST_CHANNELS if request else PROACTIVE_CHANNELS:
            self.channel.addItem(channel.label, channel.value)
        index = self.channel.findData(wanted) if wanted is not None else 0
        self.channel.setCurrentIndex(max(index, 0))
        self.channel.blockSignals(False)
        self.requester_group.setTitle("Who asked" if request else "Who it would go to (if known)")
        self.asked_label.setText("&What is asked for" if request else "&What we want to share")
        self._update_caller()

    def caller_check_needed(self) -> bool:
        return self.direction_value() is Direction.REQUEST and self.channel_value() is Channel.PHONE

    def _update_caller(self) -> None:
        self.caller_group.setVisible(self.caller_check_needed())

    # --- the linked records -------------------------------------------------------------------------

    def _ticked(self) -> dict[str, set[int]]:
        if self._pending is not None:
            return {k: set(v) for k, v in self._pending.items()}
        return {
            "carer_ids": set(checked_ids(self.carers)),
            "concern_ids": set(checked_ids(self.concerns)),
            "professional_ids": set(checked_ids(self.professionals)),
        }

    def _load_links(self) -> None:
        """The chosen children's carers, concerns and professionals, to tick. Opening a child's
        record and listing their concerns are audited views: the person is looking at them."""
        self._links_generation += 1
        generation = self._links_generation
        self._pending = self._ticked()
        for listing in (self.carers, self.concerns, self.professionals):
            listing.clear()
        ids = self.child_picker.ids()
        if not ids:
            self.links_status.setText(
                "Choose the child or children first; their carers, concerns and professionals appear here."
            )
            return
        self.links_status.setText("Finding their carers, concerns and professionals…")
        children, concerns = self.session.children, self.session.concerns

        def work(_progress: object) -> LinkSet:
            found: LinkSet = []
            for child_id in ids:
                try:
                    child = children.get(child_id)
                except NotFound:
                    continue
                try:
                    listed = concerns.for_child(child_id)
                except (PermissionDenied, NotFound):
                    listed = []
                found.append((child, listed))
            return found

        operations.run(
            self,
            work,
            label="Finding their carers, concerns and professionals…",
            on_success=lambda found: self._links_loaded(generation, found),
        )

    def _links_loaded(self, generation: int, found: LinkSet) -> None:
        if generation != self._links_generation or not alive(self):
            return
        ticked = self._ticked()
        self._pending = None
        carers: dict[int, str] = {}
        professionals: dict[int, str] = {}
        concerns: dict[int, str] = {}
        for child, listed in found:
            for carer in child.carers:
                relationship = f", {carer.relationship}" if carer.relationship else ""
                carers.setdefault(int(carer.id), f"{carer.full_name}{relationship} ({child.name})")
            for person in child.professionals:
                words = ", ".join(p for p in (person.full_name, person.role, person.agency) if p)
                professionals.setdefault(int(person.id), f"{words} ({child.name})")
            for concern in listed:
                agency = " — from another agency" if concern.third_party else ""
                concerns[int(concern.id)] = (
                    f"{concern.child_name}: {concern.category}, seen {shown_moment(concern.seen_at)}{agency}"
                )
        for listing, entries, kind, empty in (
            (self.carers, carers, "carer_ids", "No parents or carers are recorded for these children."),
            (self.concerns, concerns, "concern_ids", "No concerns about these children that you can read."),
            (self.professionals, professionals, "professional_ids", "No professionals are recorded."),
        ):
            for item_id, text in entries.items():
                _check_item(listing, text, item_id, item_id in ticked[kind])
            if not entries:
                _empty_item(listing, empty)
        self.links_status.setText("Tick what the request is about." if found else "")

    # --- drafts -------------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        ticked = self._ticked()
        return {
            "direction": self.direction_value().value,
            "received_via": str(self.channel.currentData() or ""),
            "received_at": from_qdatetime(self.received_at.dateTime()).isoformat(),
            "urgency": str(self.urgency.currentData()),
            "requester_org": self.requester_org.text(),
            "requester_name": self.requester_name.text(),
            "requester_role": self.requester_role.text(),
            "requester_contact": self.requester_contact.text(),
            "child_ids": _id_text(self.child_picker.ids()),
            **{kind: _id_text(sorted(ticked[kind])) for kind in LINK_KINDS},
            "asked_for": self.asked_for.toPlainText(),
            "purpose": self.purpose.toPlainText(),
            "phone_number": self.phone_number.text(),
            "verified_how": self.verified_how.text(),
            "called_back": "1" if self.called_back.isChecked() else "",
            "called_back_at": from_qdatetime(self.called_back_at.dateTime()).isoformat(),
        }

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        if self.share_id is not None:
            return True  # a correction in progress: even a cleared field is worth offering back
        return bool(values["child_ids"]) or any(values[k].strip() for k in TEXT_KEYS)

    def fill(self, fields: Mapping[str, str]) -> None:
        """Put a draft's (or a record's) fields back; the ticks wait for the lists to load."""
        self.finished_ok = False
        index = self.direction.findData(fields.get("direction", ""))
        if index >= 0:
            self.direction.setCurrentIndex(index)
        channel = self.channel.findData(fields.get("received_via", ""))
        if channel >= 0:
            self.channel.setCurrentIndex(channel)
        urgency = self.urgency.findData(fields.get("urgency", ""))
        if urgency >= 0:
            self.urgency.setCurrentIndex(urgency)
        for key, edit in (("received_at", self.received_at), ("called_back_at", self.called_back_at)):
            when = _moment_text(fields.get(key, ""))
            if when is not None:
                edit.setDateTime(to_qdatetime(when))
        for key, widget in (
            ("requester_org", self.requester_org),
            ("requester_name", self.requester_name),
            ("requester_role", self.requester_role),
            ("requester_contact", self.requester_contact),
            ("phone_number", self.phone_number),
            ("verified_how", self.verified_how),
        ):
            widget.setText(fields.get(key, ""))
        self.asked_for.setPlainText(fields.get("asked_for", ""))
        self.purpose.setPlainText(fields.get("purpose", ""))
        self.called_back.setChecked(fields.get("called_back", "") == "1")
        self._pending = {kind: set(_id_list(fields.get(kind, ""))) for kind in LINK_KINDS}
        self.child_picker.set_ids(_id_list(fields.get("child_ids", "")))

    def _read(self, share_id: int) -> None:
        if self.buttons is not None:
            self.buttons.setEnabled(False)

        def loaded(record: ShareRecord) -> None:
            if alive(self):
                self.fill(record_fields(record))
                if self.buttons is not None:
                    self.buttons.setEnabled(True)

        def failed(error: BaseException) -> bool:
            if alive(self) and isinstance(error, SharewiseError):
                self.message.setText(error.sentence)
                return True
            return False

        operations.run(
            self,
            lambda _p: self.session.sharing.get(share_id),
            label="Opening the request…",
            on_success=loaded,
            on_failure=failed,
        )

    # --- saving -------------------------------------------------------------------------------------

    def intake(self) -> Intake:
        channel = self.channel_value()
        if channel is None:
            raise ValidationError("received_via", "Say how the request came in: telephone, email, letter …")
        ticked = self._ticked()
        caller = self.caller_check_needed()
        return Intake(
            direction=self.direction_value(),
            received_via=channel,
            received_at=from_qdatetime(self.received_at.dateTime()),
            child_ids=tuple(self.child_picker.ids()),
            asked_for=self.asked_for.toPlainText(),
            purpose=self.purpose.toPlainText(),
            urgency=Urgency(str(self.urgency.currentData())),
            requester_org=self.requester_org.text(),
            requester_name=self.requester_name.text(),
            requester_role=self.requester_role.text(),
            requester_contact=self.requester_contact.text(),
            carer_ids=tuple(sorted(ticked["carer_ids"])),
            concern_ids=tuple(sorted(ticked["concern_ids"])),
            professional_ids=tuple(sorted(ticked["professional_ids"])),
            phone_number=self.phone_number.text() if caller else "",
            verified_how=self.verified_how.text() if caller else "",
            called_back_at=(
                from_qdatetime(self.called_back_at.dateTime())
                if caller and self.called_back.isChecked()
                else None
            ),
        )

    def submit(self) -> None:
        self.message.clear()
        try:
            intake = self.intake()
        except ValidationError as error:
            self.failed(error)
            return
        sharing, share_id = self.session.sharing, self.share_id
        if share_id is None:
            self.run(lambda: sharing.open(intake), "Recording the request…", self.saved.emit)
        else:
            self.run(lambda: sharing.update_intake(share_id, intake), "Saving the request…", self.saved.emit)

    def forget(self) -> None:
        self._links_generation += 1
        self._pending = None
        for combo in (self.direction, self.channel, self.urgency):
            combo.blockSignals(True)  # emptied below: nothing left to react to
        self.child_picker.forget()
        super().forget()


# --- reading a record -------------------------------------------------------------------------------


def _para(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _lines(pairs: Sequence[tuple[str, str]]) -> str:
    shown = [f"<b>{html.escape(k)}:</b> {_para(v)}" for k, v in pairs if v]
    return "<p>" + "<br>".join(shown) + "</p>" if shown else ""


def _nothing(text: str = "Nothing recorded.") -> str:
    return f"<p><i>{html.escape(text)}</i></p>"


def _part(record: ShareRecord, field: str, heading: str) -> str:
    """One text of the decision as it stands now, with the words first written if corrected."""
    current = record.current(field)
    body = f"<p>{_para(current)}</p>" if current.strip() else _nothing()
    changes = [a for a in record.amendments if a.field == field]
    if changes:
        original = str(getattr(record, field))
        first = f"“{_para(original)}”" if original else "(nothing)"
        body += f"<p><i>Corrected. As first written:</i> {first}</p>"
    return f"<h4>{html.escape(heading)}</h4>{body}"


def _who_asked(record: ShareRecord) -> str:
    heading = "Who asked" if record.direction is Direction.REQUEST else "Who it would go to"
    shown = _lines(
        [
            ("Organisation", record.requester_org),
            ("Name", record.requester_name),
            ("Role", record.requester_role),
            ("Contact", record.requester_contact),
        ]
    )
    return f"<h3>{heading}</h3>" + (shown or _nothing())


def _caller(record: ShareRecord) -> str:
    if record.received_via is not Channel.PHONE or record.direction is not Direction.REQUEST:
        return ""
    verified = _para(record.verified_how) if record.verified_how else "<b>NOT CHECKED YET</b>"
    if record.called_back_at is not None:
        by = f" by {html.escape(record.called_back_by)}" if record.called_back_by else ""
        called = f"{html.escape(shown_moment(record.called_back_at))}{by}"
    else:
        called = "<b>NOT CALLED BACK YET</b>"
    return (
        "<h3>Check the caller</h3><p>"
        f"<b>Number taken:</b> {_para(record.phone_number) or '—'}<br>"
        f"<b>How it was checked independently:</b> {verified}<br>"
        f"<b>Called back:</b> {called}</p>"
    )


def _about(record: ShareRecord) -> str:
    parts = ["<h3>About whom</h3>"]
    kids = [
        f"{html.escape(c.full_name)} (born {html.escape(shown_day(c.date_of_birth))})"
        for c in record.children
    ]
    parts.append(f"<p><b>Children:</b> {', '.join(kids) or '—'}</p>")
    if record.carers:
        parts.append(
            f"<p><b>Parents and carers:</b> {html.escape(', '.join(c.label for c in record.carers))}</p>"
        )
    if record.concerns:
        items = []
        for concern in record.concerns:
            text = f"{shown_moment(concern.seen_at)}: {concern.category}"
            if concern.third_party_source:
                text += f" — from {concern.third_party_source}"
                text += "" if concern.shareable else " (not to be shared without that agency's consent)"
            items.append(f"<li>{html.escape(text)}</li>")
        parts.append(f"<p><b>Concerns:</b></p><ul>{''.join(items)}</ul>")
    if record.professionals:
        names = "; ".join(p.label for p in record.professionals)
        parts.append(f"<p><b>Professionals involved:</b> {html.escape(names)}</p>")
    return "".join(parts)


def _path(record: ShareRecord) -> str:
    outcome = record.outcome
    parts = ["<h3>The decision path</h3>"]
    if outcome.path:
        steps = "".join(
            f"<li><b>{html.escape(step.question.text)}</b><br>{html.escape(step.answer.label)}</li>"
            for step in outcome.path
        )
        parts.append(f"<ol>{steps}</ol>")
    else:
        parts.append(_nothing("Not started yet."))
    verdict = outcome.verdict.label
    pairs = [("Where the answers lead", verdict)]
    if outcome.ground is not None:
        pairs.append(("Ground", outcome.ground.label))
    if outcome.criterion is not None:
        pairs.append(("Critical criterion", outcome.criterion.label))
    if outcome.without_consent:
        pairs.append(("Consent", "Shared without relying on consent"))
    parts.append(_lines(pairs))
    if outcome.consent_reason_required or record.consent_reason:
        parts.append(_part(record, "consent_reason", AMENDABLE["consent_reason"]))
    if record.advice:
        items = "".join(
            f"<li><b>{html.escape(a.question.text)}</b><br>{html.escape(a.adviser)}, "
            f"{html.escape(shown_moment(a.sought_at))}: {_para(a.advice)}<br>"
            f"<i>The child was {'named' if a.child_named else 'not named'} to them. "
            f"Recorded by {html.escape(a.recorded_by)}.</i></li>"
            for a in record.advice
        )
        parts.append(f"<h3>Advice sought</h3><ul>{items}</ul>")
    return "".join(parts)


def _decision(record: ShareRecord) -> str:
    parts = ["<h3>The decision</h3>", _part(record, "reasons", AMENDABLE["reasons"])]
    if record.outcome.verdict is Verdict.SHARE or record.items or record.recipient_name:
        recipient = ", ".join(
            p for p in (record.recipient_name, record.recipient_role, record.recipient_org) if p
        )
        parts.append(
            _lines(
                [
                    ("Lawful basis", record.lawful_basis.label if record.lawful_basis else ""),
                    (
                        "Special-category condition",
                        record.special_condition.label if record.special_condition else "",
                    ),
                    ("Shared with", recipient),
                    ("When it is shared", shown_day(record.shared_on)),
                ]
            )
        )
        parts.append(_part(record, "shared_how", AMENDABLE["shared_how"]))
        parts.append(_part(record, "secured_how", AMENDABLE["secured_how"]))
        if record.retention or any(a.field == "retention" for a in record.amendments):
            parts.append(_part(record, "retention", AMENDABLE["retention"]))
        if record.family_told is not None:
            parts.append(f"<h4>The family</h4><p>{html.escape(record.family_told.label)}</p>")
        if record.family_told is FamilyTold.NOT_TOLD or record.family_reason:
            parts.append(_part(record, "family_reason", AMENDABLE["family_reason"]))
        if record.identity_protection or any(a.field == "identity_protection" for a in record.amendments):
            parts.append(_part(record, "identity_protection", AMENDABLE["identity_protection"]))
    if record.direction is Direction.REQUEST and record.discussed_with_requester is not None:
        said = "Yes" if record.discussed_with_requester else "No"
        parts.append(f"<h4>Reasons discussed with the requester</h4><p>{said}</p>")
    if record.discussed_note or any(a.field == "discussed_note" for a in record.amendments):
        parts.append(_part(record, "discussed_note", AMENDABLE["discussed_note"]))
    return "".join(parts)


def _items(record: ShareRecord) -> str:
    if not record.items:
        return "<h3>What is shared</h3>" + _nothing("Nothing chosen.")
    rows = []
    for item in record.items:
        style = OPINION_STYLE if item.nature.value == "opinion" else FACT_STYLE
        rows.append(
            f'<li><span style="{style}"><b>{item.nature.value.upper()}</b></span> '
            f"{html.escape(item.label)}<br>{_para(item.content)}</li>"
        )
    return f"<h3>What is shared</h3><ul>{''.join(rows)}</ul>"


def _backing(record: ShareRecord) -> str:
    if record.backed_at is not None and record.backed_by:
        text = f"{record.backed_by} ({record.backed_role}), {shown_moment(record.backed_at)}"
        return f"<h3>Management backing</h3><p>{html.escape(text)}</p>"
    if record.consulted:
        return (
            "<h3>Management backing</h3>"
            f"<p><b>Consulted:</b> {html.escape(record.consulted)}<br>{_para(record.consulted_how)}</p>"
        )
    if record.outcome.backing_required:
        return (
            "<h3>Management backing</h3><p><b>NOT BACKED YET</b> — a second manager or DSL must confirm.</p>"
        )
    return ""


def _followups(record: ShareRecord, day: date) -> str:
    if not record.followups:
        return ""
    rows = []
    for f in record.followups:
        if f.done_at is not None:
            state = html.escape(f"Done {shown_moment(f.done_at)} by {f.done_by}")
            state += f": {_para(f.done_note)}" if f.done_note else ""
        elif f.overdue(day):
            state = f'<b style="color: {OVERDUE_COLOUR};">OVERDUE — not done yet</b>'
        else:
            state = "Not done yet"
        rows.append(
            f"<tr><td>{html.escape(f.kind.label)}</td><td>{_para(f.description)}</td>"
            f"<td>{html.escape(shown_day(f.due_date))}</td><td>{state}</td></tr>"
        )
    return (
        '<h3>Follow-ups</h3><table border="1" cellpadding="4" cellspacing="0">'
        "<tr><th>What</th><th>Details</th><th>Due</th><th>Done</th></tr>" + "".join(rows) + "</table>"
    )


def _amendments(record: ShareRecord) -> str:
    if not record.amendments:
        return ""
    items = "".join(
        f"<li>{html.escape(shown_moment(a.amended_at))}, {html.escape(a.amended_by)} corrected "
        f"<b>{html.escape(a.field_label)}</b>: “{_para(a.original)}” to “{_para(a.new_text)}” — "
        f"reason: {_para(a.reason)}</li>"
        for a in record.amendments
    )
    return f"<h3>Corrections</h3><ul>{items}</ul>"


def record_html(record: ShareRecord, day: date) -> str:
    """The whole record as read-only text: the intake, the path walked, the decision and what
    followed it."""
    urgency = record.urgency.label + (" — URGENT" if record.urgency is Urgency.URGENT else "")
    asked = "What is asked for" if record.direction is Direction.REQUEST else "What we want to share"
    parts = [
        _lines(
            [
                ("Status", record.status.label),
                ("Request or our own wish", record.direction.label),
                ("How it came in", record.received_via.label),
                ("When", shown_moment(record.received_at)),
                ("Urgency", urgency),
                ("Recorded by", f"{record.opened_by}, {shown_moment(record.opened_at)}"),
            ]
        ),
        _who_asked(record),
        _caller(record),
        f"<h3>{asked}</h3><p>{_para(record.asked_for)}</p>",
        "<h3>The stated purpose</h3>" + (f"<p>{_para(record.purpose)}</p>" if record.purpose else _nothing()),
        _about(record),
        _path(record),
    ]
    if record.final or record.reasons or record.items:
        parts.append(_decision(record))
        parts.append(_items(record))
    parts.append(_backing(record))
    if record.decided_at is not None:
        decided = f"{record.decided_by} ({record.decided_role}), {shown_moment(record.decided_at)}"
        parts.append(f"<h3>Decided by</h3><p>{html.escape(decided)}</p>")
    else:
        parts.append("<h3>Decided by</h3>" + _nothing("Not decided yet."))
    parts.append(_followups(record, day))
    parts.append(_amendments(record))
    return "".join(parts)


class ShareRecordDialog(RecordDialog[ShareRecord]):
    """One information-sharing record, read-only, with the next steps as buttons.

    Opening it reads the record through ``session.sharing.get`` (an audited view); changes come
    back as the updated record and are shown without a second read. ``changed`` carries the
    record after every change made from here.
    """

    changed = Signal(object)

    def __init__(self, session: Session, share_id: int, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            parent,
            name="shareRecord",
            title=RECORD_TITLE,
            accessible="The information-sharing record",
            opening="Opening the record…",
            size=(780, 720),
        )
        self.share_id = share_id
        self.record: ShareRecord | None = None
        self.decide_button = self._button("&Decide…", "decideButton", self.open_decide)
        self.edit_button = self._button("&Edit request…", "editIntakeButton", self.open_edit)
        self.add_followup_button = self._button(
            "&Add follow-up…", "addFollowUpButton", self.open_add_followup
        )
        self.followup_done_button = self._button(
            "&Mark follow-up done…", "followUpDoneButton", self.open_followup_done
        )
        self.amend_button = self._button("&Correct…", "amendShareButton", self.open_amend)
        self.print_button = self._button("&Print record…", "printRecordButton", self.open_print)
        self.reload()

    def fetch(self) -> ShareRecord:
        return self._session.sharing.get(self.share_id)

    def _loaded(self, record: ShareRecord) -> None:
        self.show_record(record)

    def show_record(self, record: ShareRecord) -> None:
        if not alive(self):
            return
        self.record = record
        self.view.setHtml(record_html(record, today(self._session)))
        decider = self._session.may(Action.SHARING_DECIDE)
        is_open = record.status is ShareStatus.OPEN
        self.decide_button.setVisible(decider and is_open)
        self.edit_button.setVisible(is_open and (decider or record.opened_by_id == self._session.me.id))
        self.add_followup_button.setVisible(decider and record.final)
        self.followup_done_button.setVisible(decider and record.final)
        self.followup_done_button.setEnabled(any(f.done_at is None for f in record.followups))
        self.amend_button.setVisible(decider and record.final)
        self.print_button.setVisible(decider)

    def _changed(self, record: object) -> None:
        if not alive(self):
            return
        self.message.clear()
        if isinstance(record, ShareRecord):
            self.show_record(record)
        else:
            self.reload()
        self.changed.emit(record)

    # --- the next steps -----------------------------------------------------------------------------

    def open_decide(self) -> QDialog | None:
        if self.record is None:
            return None
        from ui.sharing_wizard import DecisionWizard  # written alongside; loaded when first used

        wizard = DecisionWizard(self._session, self.share_id, self)
        wizard.changed.connect(self._changed)
        wizard.finalised.connect(self._changed)
        wizard.open()
        return wizard

    def open_edit(self) -> IntakeDialog | None:
        if self.record is None:
            return None
        dialog = IntakeDialog(self._session, self, share_id=self.share_id, record=self.record)
        dialog.saved.connect(self._changed)
        dialog.open()
        return dialog

    def open_print(self) -> None:
        if self.record is None:
            return
        from ui.decision_print import print_decision_record  # loaded when first used

        print_decision_record(self, self._session, self.share_id)

    def open_add_followup(self) -> AddFollowUpDialog | None:
        if self.record is None:
            return None
        return self._step(AddFollowUpDialog(self._session, self.record, self, on_done=self._changed))

    def open_followup_done(self) -> FollowUpDoneDialog | None:
        if self.record is None:
            return None
        return self._step(FollowUpDoneDialog(self._session, self.record, self, on_done=self._changed))

    def open_amend(self) -> AmendShareDialog | None:
        if self.record is None:
            return None
        return self._step(AmendShareDialog(self._session, self.record, self, on_done=self._changed))

    def forget(self) -> None:
        self.record = None
        super().forget()


# --- the DSL's steps after the decision -------------------------------------------------------------


class _ShareStep(StepForm[ShareRecord]):
    """A small form for one change to a decided record; the core's refusal is shown inside it."""

    def __init__(
        self,
        session: Session,
        record: ShareRecord,
        parent: QWidget | None,
        *,
        name: str,
        title: str,
        ok_text: str,
        on_done: Callable[[ShareRecord], None],
    ) -> None:
        super().__init__(parent, name=name, title=title, ok_text=ok_text, on_done=on_done)
        self._session = session
        self.record = record
        self.resize(540, 380)


class AddFollowUpDialog(_ShareStep):
    """Something still to do after the decision, by a date."""

    def __init__(
        self,
        session: Session,
        record: ShareRecord,
        parent: QWidget | None,
        *,
        on_done: Callable[[ShareRecord], None],
    ) -> None:
        super().__init__(
            session,
            record,
            parent,
            name="addFollowUpDialog",
            title="Add a follow-up",
            ok_text="Add the follow-up",
            on_done=on_done,
        )
        self.kind = QComboBox()
        self.kind.setObjectName("followUpKindCombo")
        self.kind.setAccessibleName("What kind of follow-up")
        for kind in FollowUpKind:
            self.kind.addItem(kind.label, kind.value)
        self.due = day_edit("followUpDueEdit", "Due date", today(session) + timedelta(days=7))
        self.description = line("followUpDescriptionEdit", "What needs doing")
        self.description.setPlaceholderText("Needed for “Other”; optional otherwise")
        self.form.addRow("&Kind", self.kind)
        self.form.addRow("&Due by", self.due)
        self.form.addRow("&What needs doing", self.description)
        self.fields = {"kind": self.kind, "due_date": self.due, "description": self.description}

    def work(self) -> Callable[[], ShareRecord]:
        followup = NewFollowUp(
            FollowUpKind(str(self.kind.currentData())), from_qdate(self.due.date()), self.description.text()
        )
        sharing, share_id = self._session.sharing, self.record.id
        return lambda: sharing.add_followup(share_id, followup)


class FollowUpDoneDialog(_ShareStep):
    """Mark an open follow-up done, saying what happened."""

    def __init__(
        self,
        session: Session,
        record: ShareRecord,
        parent: QWidget | None,
        *,
        on_done: Callable[[ShareRecord], None],
    ) -> None:
        super().__init__(
            session,
            record,
            parent,
            name="followUpDoneDialog",
            title="Mark a follow-up done",
            ok_text="Mark done",
            on_done=on_done,
        )
        self.followup = QComboBox()
        self.followup.setObjectName("followUpChoiceCombo")
        self.followup.setAccessibleName("Which follow-up")
        for f in record.followups:
            if f.done_at is None:
                what = f"{f.kind.label}: {f.description}" if f.description else f.kind.label
                self.followup.addItem(f"{what[:80]} (due {shown_day(f.due_date)})", int(f.id))
        self.note = note_edit("followUpNoteEdit", "What was done", "What happened.")
        self.form.addRow("&Follow-up", self.followup)
        self.form.addRow("What was &done", self.note)
        self.fields = {"followup": self.followup, "note": self.note}

    def work(self) -> Callable[[], ShareRecord]:
        data = self.followup.currentData()
        if data is None:
            raise ValidationError("followup", "There is no open follow-up to mark done.")
        followup_id, note, sharing = int(data), self.note.toPlainText(), self._session.sharing
        return lambda: sharing.complete_followup(followup_id, note=note)


class AmendShareDialog(_ShareStep):
    """Correct one part of a finalised decision. The original stays beside the new text."""

    def __init__(
        self,
        session: Session,
        record: ShareRecord,
        parent: QWidget | None,
        *,
        on_done: Callable[[ShareRecord], None],
    ) -> None:
        super().__init__(
            session,
            record,
            parent,
            name="amendShareDialog",
            title="Correct part of the decision",
            ok_text="Save the correction",
            on_done=on_done,
        )
        explain = QLabel(
            "A finalised decision is never rewritten: the words as first written are kept and shown "
            "beside your correction, with your reason."
        )
        explain.setWordWrap(True)
        self.part = QComboBox()
        self.part.setObjectName("amendShareFieldCombo")
        self.part.setAccessibleName("Which part to correct")
        for field, label in AMENDABLE.items():
            self.part.addItem(label, field)
        self.new_text = note_edit("amendShareNewTextEdit", "The corrected text")
        self.new_text.setMaximumHeight(16_777_215)
        self.reason = note_edit(
            "amendShareReasonEdit", "Reason for the correction", "Why it needs correcting."
        )
        self.part.currentIndexChanged.connect(lambda _i: self._prefill())
        self.form.addRow(explain)
        self.form.addRow("&Part", self.part)
        self.form.addRow("&Corrected text", self.new_text)
        self.form.addRow("&Reason", self.reason)
        self.fields = {"field": self.part, "new_text": self.new_text, "reason": self.reason}
        self._prefill()

    def choose_part(self, field: str) -> None:
        self.part.setCurrentIndex(max(self.part.findData(field), 0))

    def _prefill(self) -> None:
        field = self.part.currentData()
        self.new_text.setPlainText("" if field is None else self.record.current(str(field)))

    def work(self) -> Callable[[], ShareRecord]:
        field, new_text, reason = (
            str(self.part.currentData()),
            self.new_text.toPlainText(),
            self.reason.toPlainText(),
        )
        sharing, share_id = self._session.sharing, self.record.id
        return lambda: sharing.amend(share_id, field=field, new_text=new_text, reason=reason)


# --- file transfers ---------------------------------------------------------------------------------


class TransferDialog(FormDialog):
    """Record that a child's child-protection file was sent on to their next setting or school."""

    saved = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None, child_id: int | None = None) -> None:
        super().__init__(session, parent, "transferDialog", TRANSFER_TITLE)
        self.message.setStyleSheet("color: #b3261e;")
        self.picker = ChildrenPicker(session, prefix="transferChild", multiple=False, leavers_only=True)
        if child_id is not None:
            self.picker.set_ids([child_id])
        self.setting = line("receivingSettingEdit", "Setting or school it went to")
        self.person = line("receivingPersonEdit", "Who it was sent to")
        self.sent_how = line("sentHowEdit", "How it was sent", 400)
        guidance = QLabel(TRANSFER_GUIDANCE)
        guidance.setObjectName("transferGuidance")
        guidance.setWordWrap(True)
        self.sent_on = day_edit("sentOnEdit", "Date sent", today(session))
        self.fields = {
            "child_id": self.picker.search,
            "receiving_setting": self.setting,
            "receiving_person": self.person,
            "sent_how": self.sent_how,
            "sent_on": self.sent_on,
        }
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("The child (left or leaving)", self.picker)
        form.addRow("&Setting or school", self.setting)
        form.addRow("Sent &to (person)", self.person)
        form.addRow(guidance)
        form.addRow("&How it was sent", self.sent_how)
        form.addRow("&Date sent", self.sent_on)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self.add_buttons(layout, "Record the file as sent")
        self.resize(620, 520)

    def submit(self) -> None:
        self.message.clear()
        ids = self.picker.ids()
        if not ids:
            self.message.setText("Choose the child whose file was sent.")
            self.picker.search.setFocus()
            return
        child_id, transfers = ids[0], self.session.transfers
        setting, person, how = self.setting.text(), self.person.text(), self.sent_how.text()
        sent_on = from_qdate(self.sent_on.date())
        self.run(
            lambda: transfers.record_sent(
                child_id, receiving_setting=setting, receiving_person=person, sent_how=how, sent_on=sent_on
            ),
            "Recording the file transfer…",
            self.saved.emit,
        )

    def forget(self) -> None:
        self.picker.forget()
        super().forget()


class ReceiptDialog(FormDialog):
    """The receiving setting confirmed they have the file."""

    saved = Signal(object)

    def __init__(self, session: Session, transfer: Transfer, parent: QWidget | None = None) -> None:
        super().__init__(session, parent, "receiptDialog", RECEIPT_TITLE)
        self.message.setStyleSheet("color: #b3261e;")
        self.transfer = transfer
        summary = QLabel(
            f"{transfer.child_name}'s file, sent to {transfer.receiving_setting} on "
            f"{shown_day(transfer.sent_on)} ({transfer.sent_how})."
        )
        summary.setObjectName("receiptSummary")
        summary.setWordWrap(True)
        self.received_on = day_edit("receivedOnEdit", "Date received", today(session))
        self.received_on.setMinimumDate(
            QDate(transfer.sent_on.year, transfer.sent_on.month, transfer.sent_on.day)
        )
        self.note = note_edit("receiptNoteEdit", "Note", "Who confirmed it, and how.")
        self.fields = {"received_on": self.received_on, "note": self.note}
        form = QFormLayout()
        form.addRow(summary)
        form.addRow("Date &received", self.received_on)
        form.addRow("&Note", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_buttons(layout, "Record the receipt")
        self.resize(520, 320)

    def submit(self) -> None:
        received, note = from_qdate(self.received_on.date()), self.note.toPlainText()
        transfers, transfer_id = self.session.transfers, self.transfer.id
        self.run(
            lambda: transfers.record_receipt(transfer_id, received_on=received, note=note),
            "Recording the receipt…",
            self.saved.emit,
        )
