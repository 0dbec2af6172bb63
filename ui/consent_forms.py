"""The consent forms of a child's record: record an answer (or that we asked), withdraw consent,
and the history of one consent with its scanned signed forms.

Each form runs the core call off the UI thread. When the core refuses a value, its sentence
appears under the field it names, with the cursor in that field, and nothing typed is lost. A
scanned form is chosen as a file but read only in the worker, and only its bytes go to the core,
which keeps them inside the encrypted vault. Window titles never name the child or a carer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.children import StaffChoice
from app.clock import add_months, long_date
from app.consents import (
    MAX_FORM_BYTES,
    ChildConsents,
    Consent,
    ConsentDetails,
    ConsentEvent,
    ConsentHow,
    ConsentKind,
    ConsentStatus,
    FormInfo,
)
from app.errors import SharewiseError, ValidationError
from app.session import Session
from ui import operations
from ui.child_forms import (
    FormDialog,
    OptionalDate,
    alive,
    date_edit,
    from_qdate,
    manages_family,
    notes,
    select_data,
    to_qdate,
    today,
)
from ui.form_parts import inline_message
from ui.record_dialog import StepForm

CONSENT_FORM = "children.consent"
SCAN_FILTER = "Scanned forms (*.pdf *.png *.jpg *.jpeg);;All files (*)"
UNREADABLE = "That file could not be read. Check it is still there, then choose it again."
WITHDRAW_MEANS = "From this date we will not rely on this consent. What was shared before stays recorded."
ANSWERS = (
    (ConsentStatus.REQUESTED, "Asked (form sent home, no answer yet)", "askedRadio"),
    (ConsentStatus.GIVEN, "Given", "givenRadio"),
    (ConsentStatus.REFUSED, "Refused", "refusedRadio"),
)
NO_PR = " (no parental responsibility recorded)"


# --- small parts ------------------------------------------------------------------------------


def read_scan(path: str) -> bytes:
    """The chosen file's bytes (in the worker: a scan on a network drive can be slow). The core
    checks what it is; only a file too big to keep is stopped here, so it is never read whole."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_FORM_BYTES + 1)
    except OSError:
        raise ValidationError("form", UNREADABLE) from None
    if len(data) > MAX_FORM_BYTES:
        limit = MAX_FORM_BYTES // 1024 // 1024
        raise ValidationError(
            "form",
            f"That file is larger than {limit} MB, the limit for a scanned form. Scan it in black and "
            "white or at a lower resolution, then try again.",
        )
    return data


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def file_kind(media_type: str) -> str:
    return {"application/pdf": "PDF", "image/png": "PNG image", "image/jpeg": "JPEG image"}.get(
        media_type, "file"
    )


def how_combo(name: str) -> QComboBox:
    """How the parent answered, chosen on purpose (nothing is picked for you)."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName("How the parent answered")
    combo.setPlaceholderText("Choose how they answered")
    for how in ConsentHow:
        combo.addItem(how.label, how.value)
    combo.setCurrentIndex(-1)
    return combo


def staff_combo(name: str, staff: Sequence[StaffChoice], me: int) -> QComboBox:
    """Who the parent told; the person typing it in, unless they choose someone else."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName("Member of staff the parent told")
    for person in staff:
        combo.addItem(person.full_name, int(person.id))
    select_data(combo, me)
    return combo


class ScanPicker(QWidget):
    """ "Attach the signed form…": a file chosen now, read and sent with the answer."""

    def __init__(self, name: str, on_chosen: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.path: str | None = None
        self._on_chosen = on_chosen
        self.choose = QPushButton("Attach the si&gned form…")
        self.choose.setObjectName(f"{name}Button")
        self.choose.setAccessibleName("Attach the signed form")
        self.choose.clicked.connect(lambda _checked=False: self.pick())
        self.chosen = QLabel("No file chosen")
        self.chosen.setObjectName(f"{name}File")
        self.chosen.setTextFormat(Qt.TextFormat.PlainText)
        self.clear_button = QPushButton("Don't attach")
        self.clear_button.setObjectName(f"{name}ClearButton")
        self.clear_button.clicked.connect(lambda _checked=False: self.set_path(None))
        self.clear_button.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.choose)
        row.addWidget(self.chosen, 1)
        row.addWidget(self.clear_button)
        self.setFocusProxy(self.choose)

    def pick(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose the scanned signed form", "", SCAN_FILTER)
        if chosen and alive(self):  # not cancelled, and not locked while the picker was open
            self.set_path(chosen)
            if self._on_chosen is not None:
                self._on_chosen()

    def set_path(self, path: str | None) -> None:
        self.path = path or None
        self.chosen.setText(Path(path).name if path else "No file chosen")
        self.clear_button.setVisible(bool(path))


# --- the common frame ---------------------------------------------------------------------------


class ConsentForm(FormDialog):
    """A form that changes a consent: its refusals show under the field they name (in red), not
    only at the bottom; it may carry a scanned form; ``on_saved`` hears the consent as saved."""

    scan: ScanPicker
    on_saved: Callable[[Consent], None] | None

    def __init__(self, session: Session, parent: QWidget | None, name: str, title: str) -> None:
        super().__init__(session, parent, name, title)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.errors: dict[str, QLabel] = {}

    def add_row(self, label: str, key: str, widget: QWidget) -> None:
        self.fields[key] = widget
        self.form.addRow(label, widget)
        error = inline_message(f"{key}Error")
        self.errors[key] = error
        self.form.addRow("", error)
        self.form.setRowVisible(error, False)

    def show_row(self, key: str, shown: bool) -> None:
        self.form.setRowVisible(self.fields[key], shown)
        if not shown:
            self.form.setRowVisible(self.errors[key], False)

    def clear_errors(self) -> None:
        self.message.clear()
        for error in self.errors.values():
            error.clear()
            self.form.setRowVisible(error, False)

    def shown_error(self) -> str:
        """The sentence the form is showing now, wherever it is (for tests and screen readers)."""
        for error in self.errors.values():
            if error.text() and not error.isHidden():
                return error.text()
        return self.message.text()

    def failed(self, error: BaseException) -> bool:
        if not alive(self) or not isinstance(error, SharewiseError):
            return False
        self.clear_errors()
        field = error.field if isinstance(error, ValidationError) else ""
        widget = self.fields.get(field)
        if widget is not None and not widget.isHidden():
            self.errors[field].setText(error.sentence)
            self.form.setRowVisible(self.errors[field], True)
            if widget.isEnabled():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.message.setText(error.sentence)
        return True

    def refuse(self, field: str, sentence: str) -> None:
        """A value the window itself can tell is missing, shown like the core's refusals."""
        self.failed(ValidationError(field, sentence))

    def _saved(self, consent: Consent) -> None:
        if self.on_saved is not None:
            self.on_saved(consent)

    def forget(self) -> None:
        self.scan.set_path(None)
        super().forget()


# --- record an answer ---------------------------------------------------------------------------


class ConsentDialog(ConsentForm):
    """Record that a carer was asked, or their answer, for one kind of consent. Carers without
    parental responsibility are listed, marked as such, and the core explains why it refuses
    them (someone may have ticked the box wrongly on the Carers tab)."""

    form_id = CONSENT_FORM
    draft_title = "Record consent"

    def __init__(
        self,
        session: Session,
        consents: ChildConsents,
        staff: Sequence[StaffChoice],
        parent: QWidget | None = None,
        *,
        born: date | None = None,
        kind_id: int | None = None,
        carer_id: int | None = None,
        on_saved: Callable[[Consent], None] | None = None,
    ) -> None:
        super().__init__(session, parent, "consentDialog", "Record consent")
        self.child_id = int(consents.child_id)
        self.keys = {"child_id": str(self.child_id)}
        self.on_saved = on_saved
        self.kinds: dict[int, ConsentKind] = {int(k.id): k for k in consents.kinds if k.active}
        now = today(session)
        self.kind = QComboBox()
        self.kind.setObjectName("consentKindCombo")
        self.kind.setAccessibleName("Kind of consent")
        for kind in self.kinds.values():
            self.kind.addItem(kind.name, int(kind.id))
        self.carer = QComboBox()
        self.carer.setObjectName("consentCarerCombo")
        self.carer.setAccessibleName("Parent or carer")
        self.carer.setPlaceholderText("Choose the parent or carer")
        for carer in consents.carers:
            shown = carer.full_name + ("" if carer.parental_responsibility else NO_PR)
            self.carer.addItem(shown, int(carer.id))
        self.carer.setCurrentIndex(0 if len(consents.carers) == 1 else -1)
        self.answers = QButtonGroup(self)
        answer_box = QWidget()
        answer_box.setObjectName("consentAnswer")
        answer_box.setAccessibleName("Answer")
        answer_row = QHBoxLayout(answer_box)
        answer_row.setContentsMargins(0, 0, 0, 0)
        self.radios: dict[str, QRadioButton] = {}
        for status, text, name in ANSWERS:
            radio = QRadioButton(text)
            radio.setObjectName(name)
            self.answers.addButton(radio)
            self.radios[status.value] = radio
            answer_row.addWidget(radio)
        answer_row.addStretch(1)
        answer_box.setFocusProxy(self.radios[ConsentStatus.REQUESTED.value])
        self.on = date_edit("consentDateEdit", "Date")
        self.on.setMaximumDate(to_qdate(now))
        if born is not None and born <= now:
            self.on.setMinimumDate(to_qdate(born))
        self.on.setDate(to_qdate(now))
        self.how = how_combo("consentHowCombo")
        self.heard_by = staff_combo("consentHeardByCombo", staff, int(session.me.id))
        self.agencies = notes("consentAgenciesEdit", "Agencies it covers", 3)
        self.agencies.setPlaceholderText("For example: Speech and language therapy; the Area SENCO")
        self.review = OptionalDate("consentReviewEdit", "Review by", "Choose the date", now)
        self.review_hint = QLabel()
        self.review_hint.setObjectName("consentReviewHint")
        self.review_hint.setWordWrap(True)
        review_box = QWidget()
        review_layout = QVBoxLayout(review_box)
        review_layout.setContentsMargins(0, 0, 0, 0)
        review_layout.addWidget(self.review)
        review_layout.addWidget(self.review_hint)
        review_box.setFocusProxy(self.review)
        self.note = notes("consentNoteEdit", "Note", 3)
        self.scan = ScanPicker("consentScan", on_chosen=self._scan_chosen)
        no_carers = QLabel(
            "No parents or carers are on this child's record yet. Add them on the Carers tab first."
        )
        no_carers.setObjectName("consentNoCarersNote")
        no_carers.setWordWrap(True)
        no_carers.setVisible(not consents.carers)

        self.add_row("&Consent", "kind", self.kind)
        self.add_row("&Parent or carer", "carer", self.carer)
        self.add_row("&Answer", "status", answer_box)
        self.add_row("&Date", "on", self.on)
        self.add_row("&How they answered", "how", self.how)
        self.add_row("Who they &told", "heard_by", self.heard_by)
        self.add_row("A&gencies it covers", "agencies", self.agencies)
        self.add_row("&Review by", "review_on", review_box)
        self.add_row("&Note", "note", self.note)
        self.add_row("Signed form", "form", self.scan)
        self.date_label = self.form.labelForField(self.on)
        layout = QVBoxLayout(self)
        layout.addWidget(no_carers)
        layout.addLayout(self.form)
        self.add_buttons(layout, "Record")
        self.resize(560, self.sizeHint().height())

        if kind_id is not None:
            select_data(self.kind, kind_id)
        if carer_id is not None:
            select_data(self.carer, carer_id)
        self.kind.currentIndexChanged.connect(lambda _i: self._update())
        self.answers.buttonToggled.connect(lambda *_: self._update())
        self.how.currentIndexChanged.connect(lambda _i: self._update())
        self.on.dateChanged.connect(lambda _d: self._update())
        self._update()
        self._initial = self.values()

    # --- what the form shows -------------------------------------------------------------------

    def chosen_kind(self) -> ConsentKind | None:
        data = self.kind.currentData()
        return None if data is None else self.kinds.get(int(data))

    def status(self) -> str:
        return next((value for value, radio in self.radios.items() if radio.isChecked()), "")

    def _update(self) -> None:
        """Only the questions that apply to this answer and this kind of consent are shown."""
        kind = self.chosen_kind()
        status = self.status()
        asked = status == ConsentStatus.REQUESTED.value
        verbal = self.how.currentData() == ConsentHow.VERBAL.value
        self.show_row("how", not asked)
        self.show_row("heard_by", not asked and verbal)
        self.show_row("agencies", kind is not None and kind.names_agencies)
        self.show_row("review_on", status == ConsentStatus.GIVEN.value)
        self.show_row("form", not asked)
        if isinstance(self.date_label, QLabel):
            self.date_label.setText("&Date asked" if asked else "&Date of the answer")
        months = 0 if kind is None else kind.review_months
        if months:
            due = add_months(from_qdate(self.on.date()), months)
            self.review_hint.setText(
                f"Leave unticked for {long_date(due)} ({months} months after the answer)."
            )
        else:
            self.review_hint.setText("Leave unticked for no review date.")

    def _scan_chosen(self) -> None:
        if self.how.currentIndex() < 0:
            select_data(self.how, ConsentHow.SIGNED_FORM.value)  # a scan is of a signed form

    # --- drafts --------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        def data(combo: QComboBox) -> str:
            found = combo.currentData()
            return "" if found is None else str(found)

        return {
            "kind_id": data(self.kind),
            "carer_id": data(self.carer),
            "status": self.status(),
            "on": from_qdate(self.on.date()).isoformat(),
            "how": data(self.how),
            "heard_by": data(self.heard_by),
            "agencies": self.agencies.toPlainText(),
            "review_on": self.review.text(),
            "note": self.note.toPlainText(),
        }

    def fill(self, fields: Mapping[str, str]) -> None:
        for key, combo in (("kind_id", self.kind), ("carer_id", self.carer), ("heard_by", self.heard_by)):
            text = fields.get(key, "")
            if text.isdigit():
                select_data(combo, int(text))
        radio = self.radios.get(fields.get("status", ""))
        if radio is not None:
            radio.setChecked(True)
        try:
            self.on.setDate(to_qdate(date.fromisoformat(fields.get("on", ""))))
        except ValueError:
            pass  # today stays
        if fields.get("how"):
            select_data(self.how, fields["how"])
        self.agencies.setPlainText(fields.get("agencies", ""))
        self.review.set_text(fields.get("review_on", ""))
        self.note.setPlainText(fields.get("note", ""))
        self._update()

    def worth_keeping(self, values: Mapping[str, str]) -> bool:
        return dict(values) != self._initial or self.scan.path is not None

    # --- saving --------------------------------------------------------------------------------

    def details(self) -> ConsentDetails:
        status = self.status()
        asked = status == ConsentStatus.REQUESTED.value
        how = None if asked else self.how.currentData()
        kind = self.chosen_kind()
        return ConsentDetails(
            status=status,
            on=from_qdate(self.on.date()),
            how=how,
            heard_by=self.heard_by.currentData() if how == ConsentHow.VERBAL.value else None,
            agencies=self.agencies.toPlainText() if kind is not None and kind.names_agencies else "",
            review_on=self.review.value() if status == ConsentStatus.GIVEN.value else None,
            note=self.note.toPlainText(),
        )

    def submit(self) -> None:
        self.clear_errors()
        kind_id, carer_id = self.kind.currentData(), self.carer.currentData()
        if kind_id is None:
            self.refuse("kind", "Choose which consent this is.")
            return
        if carer_id is None:
            self.refuse("carer", "Choose the parent or carer who was asked or who answered.")
            return
        details = self.details()
        path = None if details.status == ConsentStatus.REQUESTED.value else self.scan.path
        consents, child_id = self.session.consents, self.child_id

        def work() -> Consent:
            form = None if path is None else read_scan(path)
            return consents.record(child_id, int(carer_id), int(kind_id), replace(details, form=form))

        self.run(work, "Recording the consent…", self._saved)


# --- withdraw -----------------------------------------------------------------------------------


class WithdrawDialog(ConsentForm):
    """The carer takes back consent they gave: one step. The answer before stays in the history."""

    def __init__(
        self,
        session: Session,
        consent: Consent,
        staff: Sequence[StaffChoice],
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[Consent], None] | None = None,
    ) -> None:
        super().__init__(session, parent, "withdrawDialog", "Withdraw consent")
        self.consent, self.on_saved = consent, on_saved
        now = today(session)
        explain = QLabel(
            f"{consent.carer_name} withdraws their consent to “{consent.kind.name}”. {WITHDRAW_MEANS}"
        )
        explain.setObjectName("withdrawExplanation")
        explain.setWordWrap(True)
        explain.setTextFormat(Qt.TextFormat.PlainText)
        self.on = date_edit("withdrawDateEdit", "Date they withdrew it")
        self.on.setMaximumDate(to_qdate(now))
        if consent.status_on <= now:
            self.on.setMinimumDate(to_qdate(consent.status_on))
        self.on.setDate(to_qdate(now))
        self.how = how_combo("withdrawHowCombo")
        self.heard_by = staff_combo("withdrawHeardByCombo", staff, int(session.me.id))
        self.note = notes("withdrawNoteEdit", "Note", 3)
        self.scan = ScanPicker("withdrawScan", on_chosen=self._scan_chosen)
        self.add_row("&Date they withdrew it", "on", self.on)
        self.add_row("&How they told us", "how", self.how)
        self.add_row("Who they &told", "heard_by", self.heard_by)
        self.add_row("&Note", "note", self.note)
        self.add_row("Signed form", "form", self.scan)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(self.form)
        self.add_buttons(layout, "Withdraw consent")
        self.setMinimumWidth(480)
        self.how.currentIndexChanged.connect(lambda _i: self._update())
        self._update()

    def _update(self) -> None:
        self.show_row("heard_by", self.how.currentData() == ConsentHow.VERBAL.value)

    def _scan_chosen(self) -> None:
        if self.how.currentIndex() < 0:
            select_data(self.how, ConsentHow.SIGNED_FORM.value)

    def submit(self) -> None:
        self.clear_errors()
        how = self.how.currentData()
        on = from_qdate(self.on.date())
        heard_by = self.heard_by.currentData() if how == ConsentHow.VERBAL.value else None
        note, path = self.note.toPlainText(), self.scan.path
        consents, consent_id = self.session.consents, self.consent.id

        def work() -> Consent:
            form = None if path is None else read_scan(path)
            return consents.withdraw(consent_id, on=on, how=how, heard_by=heard_by, note=note, form=form)

        self.run(work, "Withdrawing the consent…", self._saved)


# --- history ------------------------------------------------------------------------------------


class RemoveScanDialog(StepForm[None]):
    """The manager or DSL takes away a scan attached by mistake; why is kept in the history."""

    def __init__(
        self, session: Session, form: FormInfo, parent: QWidget | None, on_done: Callable[[None], None]
    ) -> None:
        super().__init__(
            parent, name="removeScanDialog", title="Remove a scanned form", ok_text="Remove", on_done=on_done
        )
        self._session, self._form = session, form
        explain = QLabel(
            "The scan will be deleted from Sharewise. The history will still show that it was there, "
            "who removed it, when and why."
        )
        explain.setWordWrap(True)
        self.reason = notes("removeScanReasonEdit", "Why it is removed", 3)
        self.form.addRow(explain)
        self.form.addRow("&Why it is removed", self.reason)
        self.fields = {"reason": self.reason}

    def work(self) -> Callable[[], None]:
        consents, form_id, reason = self._session.consents, self._form.id, self.reason.toPlainText()
        return lambda: consents.remove_form(form_id, reason)


def event_lines(event: ConsentEvent) -> list[str]:
    """One change to a consent, in the words the record uses."""
    lines = [f"Answer: {event.status.label}", f"Date: {long_date(event.status_on)}"]
    if event.how is not None:
        lines.append(f"How: {event.how.label}")
    if event.heard_by_name:
        lines.append(f"Who heard it: {event.heard_by_name}")
    if event.agencies:
        lines.append(f"Agencies: {event.agencies}")
    if event.review_on is not None:
        lines.append(f"Review by: {long_date(event.review_on)}")
    if event.note:
        lines.append(f"Note: {event.note}")
    at = event.recorded_at.astimezone()
    lines.append(f"Recorded by {event.recorded_by_name} on {long_date(at.date())} at {at:%H:%M}")
    return lines


def form_line(form: FormInfo) -> str:
    added = form.added_at.astimezone()
    return (
        f"Signed form ({file_kind(form.media_type)}, {size_text(form.size)}), added by "
        f"{form.added_by_name} on {long_date(added.date())}"
    )


class HistoryDialog(QDialog):
    """Every change to one consent, oldest first, each with the signed forms scanned for it."""

    def __init__(
        self,
        session: Session,
        consent: Consent,
        parent: QWidget | None = None,
        *,
        on_changed: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("consentHistoryDialog")
        self.setWindowTitle("Consent history")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.consent, self.on_changed = session, consent, on_changed
        self.may_remove = manages_family(session)  # the core lets only the manager or DSL
        self.events: list[ConsentEvent] = []
        self._generation = 0
        self.heading = QLabel(f"{consent.kind.name} — {consent.carer_name}")
        self.heading.setObjectName("consentHistoryHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("consentHistoryScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        self.message = inline_message("consentHistoryMessage")
        closing = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        closing.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(closing)
        self.resize(600, 560)
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        consents, consent_id = self.session.consents, self.consent.id
        operations.run(
            self,
            lambda _p: consents.history(consent_id),
            label="Opening the history…",
            on_success=lambda events: self._show(events, generation),
            on_failure=self._failed,
        )

    def _failed(self, error: BaseException) -> bool:
        if not alive(self) or not isinstance(error, SharewiseError):
            return False
        self.message.setText(error.sentence)
        return True

    def _clear_body(self) -> None:
        while self.body_layout.count() > 1:  # the stretch at the end stays
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def _show(self, events: list[ConsentEvent], generation: int) -> None:
        if generation != self._generation or not alive(self):
            return
        self.events = events
        self._clear_body()
        for number, event in enumerate(events, 1):
            box = QGroupBox(f"{number}. {event.status.label}, {long_date(event.status_on)}")
            box.setObjectName(f"consentEvent{number}")
            rows = QVBoxLayout(box)
            text = QLabel("\n".join(event_lines(event)))
            text.setObjectName(f"consentEvent{number}Text")
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            rows.addWidget(text)
            for form in event.forms:
                rows.addLayout(self._form_row(form))
            self.body_layout.insertWidget(self.body_layout.count() - 1, box)

    def _form_row(self, form: FormInfo) -> QHBoxLayout:
        row = QHBoxLayout()
        words = QLabel(form_line(form) if form.kept else f"A scanned form. {form.removed}")
        words.setObjectName(f"scan{int(form.id)}Text")
        words.setWordWrap(True)
        words.setTextFormat(Qt.TextFormat.PlainText)
        if not form.kept:
            words.setStyleSheet("color: #5f5f5f;")
        row.addWidget(words, 1)
        if form.kept:
            opening = QPushButton("Open")
            opening.setObjectName(f"openScan{int(form.id)}")
            opening.setAccessibleName("Open this signed form")
            opening.clicked.connect(lambda _checked=False, f=form: self.open_form(f))
            row.addWidget(opening)
            if self.may_remove:
                removing = QPushButton("Remove this scan…")
                removing.setObjectName(f"removeScan{int(form.id)}")
                removing.setAccessibleName("Remove this scan")
                removing.clicked.connect(lambda _checked=False, f=form: self.remove_form(f))
                row.addWidget(removing)
        return row

    def texts(self) -> list[str]:
        """What the history shows, line by line (what a screen reader reads out)."""
        found = [self.heading.text()]
        for label in self.body.findChildren(QLabel):
            if label.isVisibleTo(self.body) and label.text():
                found.extend(label.text().split("\n"))
        return found

    def open_form(self, form: FormInfo) -> Any:
        from ui.printing import show_signed_form  # written alongside; imported when first used

        return show_signed_form(self, self.session, int(form.id), child_id=int(self.consent.child_id))

    def remove_form(self, form: FormInfo) -> RemoveScanDialog:
        dialog = RemoveScanDialog(self.session, form, self, self._removed)
        dialog.open()
        return dialog

    def _removed(self, _nothing: None) -> None:
        if alive(self):
            self.reload()
        if self.on_changed is not None:
            self.on_changed()

    def forget(self) -> None:
        self._generation += 1
        self.events = []
        self._clear_body()
        self.heading.clear()
        self.message.clear()
