"""The manager's settings for printed forms, against a real vault: the setting's email address,
the logo, how long records are kept, and the kinds of consent.

Core work runs on worker threads (``ui.operations``), so every check waits for the operations
to finish. Any error that would reach the error dialog fails the test instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.consents import KindCode, KindDetails
from app.drafts import Draft, DraftId
from app.errors import ValidationError
from app.policy.retention import DEFAULT_RULES, RecordKind
from app.settings import PROVIDER_EMAIL, PROVIDER_NAME, RETENTION
from tests.conftest import PROVIDER, VaultUnderTest
from tests.ui.conftest import top_level, wait_idle
from ui import operations
from ui.areas.settings import NO_LOGO, RETENTION_FORM, UNREADABLE_FILE, SettingsArea
from ui.consent_kinds import KIND_FORM, ConsentKindDialog

EMAIL_SENTENCE = "That does not look like an email address; it should be like office@example.org.uk."
PHOTOS = "Photographs for the setting's displays"
PHOTOS_WORDING = (
    "I agree that photographs of my child may be put up on the walls of the setting, where only the "
    "children, their families and the staff see them."
)


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


@pytest.fixture
def area(qtbot: QtBot, made_vault: VaultUnderTest) -> Iterator[SettingsArea]:
    made = SettingsArea(made_vault.session)
    qtbot.addWidget(made)
    made.opened()
    wait_idle(qtbot)
    yield made
    wait_idle(qtbot)
    for name in ("consentKindDialog", "confirmDialog"):
        widget = top_level(name)
        if widget is not None:
            widget.close()


def png(path: Path, colour: str = "#f2b705", size: tuple[int, int] = (120, 60)) -> Path:
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))  # the format from the ".png" suffix
    return path


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))


def draft(form: str, fields: dict[str, str]) -> Draft:
    return Draft(DraftId(1), form, "A form", fields, "2026-09-01T09:00:00.000000+00:00")


def table_rows(area: SettingsArea) -> list[list[str]]:
    model = area.kinds.model
    return [
        [str(model.data(model.index(row, column))) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def select_kind(area: SettingsArea, name: str) -> None:
    (kind,) = [k for k in area.kinds.model.records() if k.name == name]
    area.kinds.select(kind.id)
    assert area.kinds.selected() == kind


# --- the setting's email address ------------------------------------------------------------


def test_the_email_address_is_shown_and_saved(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest
) -> None:
    assert area.form.email.objectName() == "emailEdit"
    assert area.form.email.text() == ""
    area.form.email.setText("office@sunflower.example.org.uk")
    area.save.click()
    qtbot.waitUntil(lambda: area.message.text() == "Saved.", timeout=10_000)
    assert made_vault.session.settings.get(PROVIDER_EMAIL) == "office@sunflower.example.org.uk"
    assert made_vault.session.forms.branding().provider.email == "office@sunflower.example.org.uk"
    assert area.form.draft() is None
    area.opened()
    wait_idle(qtbot)
    assert area.form.email.text() == "office@sunflower.example.org.uk"


def test_a_wrong_email_address_is_refused_inline(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest
) -> None:
    area.form.name.setText("Siobhán's Sunflowers")
    area.form.email.setText("office at sunflower")
    area.save.click()
    qtbot.waitUntil(lambda: area.message.text() == EMAIL_SENTENCE, timeout=10_000)
    wait_idle(qtbot)
    assert "border" in area.form.email.styleSheet() and area.form.name.styleSheet() == ""
    assert made_vault.session.settings.get(PROVIDER_EMAIL) == ""
    assert made_vault.session.settings.get(PROVIDER_NAME) == PROVIDER.name  # all or nothing
    kept = area.form.draft()
    assert kept is not None and kept.fields["email"] == "office at sunflower"


# --- the logo -------------------------------------------------------------------------------


def test_no_logo_at_first(area: SettingsArea) -> None:
    assert area.logo.preview.text() == NO_LOGO
    assert area.logo.preview.pixmap().isNull()
    assert not area.logo.remove_button.isEnabled()
    assert area.logo.choose_button.isEnabled()


def test_choosing_a_logo_keeps_it_in_the_vault_and_shows_it_small(
    qtbot: QtBot,
    area: SettingsArea,
    made_vault: VaultUnderTest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = png(tmp_path / "logo.png", size=(800, 400))
    choose_file(monkeypatch, path)
    area.logo.choose_button.click()
    qtbot.waitUntil(lambda: not area.logo.preview.pixmap().isNull(), timeout=10_000)
    wait_idle(qtbot)
    logo = made_vault.session.forms.branding().logo
    assert logo is not None and logo.data == path.read_bytes() and logo.media_type == "image/png"
    shown = area.logo.preview.pixmap()
    assert shown.height() <= 72 and shown.width() <= 240  # scaled down for the preview
    assert area.logo.remove_button.isEnabled()
    assert area.logo.status.text().startswith("Logo saved")
    assert area.logo.message.text() == ""


def test_a_file_that_is_not_a_picture_is_refused_inline(
    qtbot: QtBot,
    area: SettingsArea,
    made_vault: VaultUnderTest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text("Łucja's notes, not a picture", encoding="utf-8")
    choose_file(monkeypatch, fake)
    area.logo.choose_button.click()
    qtbot.waitUntil(lambda: area.logo.message.text() != "", timeout=10_000)
    wait_idle(qtbot)
    assert area.logo.message.text() == "The logo must be a PNG or JPEG picture."
    assert made_vault.session.forms.branding().logo is None
    assert area.logo.preview.text() == NO_LOGO
    assert area.logo.choose_button.isEnabled()


def test_a_picture_too_large_is_refused_without_reading_it_all(
    qtbot: QtBot,
    area: SettingsArea,
    made_vault: VaultUnderTest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    huge = tmp_path / "poster.png"
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(3 * 1024 * 1024))
    choose_file(monkeypatch, huge)
    area.logo.choose_button.click()
    qtbot.waitUntil(lambda: area.logo.message.text() != "", timeout=10_000)
    wait_idle(qtbot)
    assert area.logo.message.text().startswith("That picture is larger than 2 MB.")
    assert made_vault.session.forms.branding().logo is None


def test_a_file_that_has_gone_is_explained(
    qtbot: QtBot, area: SettingsArea, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    choose_file(monkeypatch, tmp_path / "moved away.png")
    area.logo.choose_button.click()
    qtbot.waitUntil(lambda: area.logo.message.text() == UNREADABLE_FILE, timeout=10_000)


def test_cancelling_the_file_dialog_changes_nothing(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: ("", ""))
    area.logo.choose_button.click()
    wait_idle(qtbot)
    assert made_vault.session.forms.branding().logo is None
    assert area.logo.message.text() == "" and area.logo.status.text() == ""


def test_removing_the_logo_asks_first(qtbot: QtBot, made_vault: VaultUnderTest, tmp_path: Path) -> None:
    made_vault.session.forms.set_logo(png(tmp_path / "logo.png").read_bytes())
    area = SettingsArea(made_vault.session)
    qtbot.addWidget(area)
    area.opened()
    wait_idle(qtbot)
    assert not area.logo.preview.pixmap().isNull()
    area.logo.remove_button.click()
    box = top_level("confirmDialog")
    assert isinstance(box, QMessageBox)
    assert made_vault.session.forms.branding().logo is not None  # nothing yet: only asked
    (yes,) = [b for b in box.buttons() if b.text() == "Remove logo"]
    yes.click()
    qtbot.waitUntil(lambda: area.logo.preview.text() == NO_LOGO, timeout=10_000)
    wait_idle(qtbot)
    assert made_vault.session.forms.branding().logo is None
    assert not area.logo.remove_button.isEnabled()
    assert area.logo.status.text() == "Logo removed."


# --- how long records are kept --------------------------------------------------------------


def test_the_retention_periods_show_with_the_words_parents_read(area: SettingsArea) -> None:
    for rule in DEFAULT_RULES:
        spin = area.retention.spins[rule.kind.value]
        assert spin.objectName() == f"retention_{rule.kind.value}"
        assert spin.value() == rule.months
    safeguarding = area.retention.spins[RecordKind.SAFEGUARDING.value]
    words = area.retention.periods[RecordKind.SAFEGUARDING.value]
    assert words.text() == "Parents read: “until your child is 25 years old”"
    safeguarding.setValue(302)  # the words follow as the manager types
    assert words.text() == "Parents read: “until your child is 25 years and 2 months old”"
    contact = area.retention.spins[RecordKind.PARENT_CONTACT.value]
    contact.setValue(12)
    assert area.retention.periods[RecordKind.PARENT_CONTACT.value].text() == (
        "Parents read: “for 1 year after it was written”"
    )


def test_saving_the_retention_periods(qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest) -> None:
    area.retention.spins[RecordKind.CHILD_RECORD.value].setValue(48)
    area.retention.spins[RecordKind.ACCIDENT.value].setValue(264)
    assert area.retention.draft() is not None
    area.retention.save.click()
    qtbot.waitUntil(lambda: area.retention.status.text() == "Saved.", timeout=10_000)
    wait_idle(qtbot)
    settings = made_vault.session.settings
    assert settings.get(RETENTION[RecordKind.CHILD_RECORD]) == 48
    assert settings.get(RETENTION[RecordKind.ACCIDENT]) == 264
    assert settings.get(RETENTION[RecordKind.SAFEGUARDING]) == 300  # untouched
    printed = {r.kind: r.period for r in made_vault.session.forms.privacy_facts().retention}
    assert printed[RecordKind.CHILD_RECORD] == "for 4 years after your child leaves us"
    assert area.retention.draft() is None  # what is shown is what is stored now
    area.retention.forget()
    area.retention.load()
    wait_idle(qtbot)
    assert area.retention.spins[RecordKind.CHILD_RECORD.value].value() == 48


def test_a_refused_period_is_shown_inline(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = RETENTION[RecordKind.ACCIDENT].key
    sentence = "Accident, incident and medication records must be kept for at least 1 month."

    def refuse(_changes: object) -> None:
        raise ValidationError(key, sentence)

    monkeypatch.setattr(made_vault.session.settings, "update", refuse)
    area.retention.spins[RecordKind.ACCIDENT.value].setValue(30)
    area.retention.save.click()
    qtbot.waitUntil(lambda: area.retention.message.text() == sentence, timeout=10_000)
    wait_idle(qtbot)
    assert "border" in area.retention.spins[RecordKind.ACCIDENT.value].styleSheet()
    assert area.retention.spins[RecordKind.SAFEGUARDING.value].styleSheet() == ""
    assert area.retention.spins[RecordKind.ACCIDENT.value].value() == 30  # kept to be corrected
    assert area.retention.save.isEnabled()


def test_a_retention_draft_restored_while_loading_wins(qtbot: QtBot, made_vault: VaultUnderTest) -> None:
    area = SettingsArea(made_vault.session)
    qtbot.addWidget(area)
    area.opened()
    assert area.restore_draft(draft(RETENTION_FORM, {"child_record": "60", "nonsense": "x"}))
    wait_idle(qtbot)
    assert area.retention.spins[RecordKind.CHILD_RECORD.value].value() == 60
    assert area.retention.spins[RecordKind.SAFEGUARDING.value].value() == 300
    kept = area.retention.draft()
    assert kept is not None and kept.form == RETENTION_FORM and kept.fields["child_record"] == "60"


# --- kinds of consent -----------------------------------------------------------------------


def test_the_kinds_of_consent_are_listed(area: SettingsArea) -> None:
    rows = table_rows(area)
    assert rows == [
        ["Registration declaration", "No review", "No", "Built in", "In use"],
        ["Sharing information about additional needs", "After 12 months", "Yes", "Built in", "In use"],
        ["Passing on development summaries", "No review", "No", "Built in", "In use"],
    ]
    assert not area.kinds.edit_button.isEnabled() and not area.kinds.retire_button.isEnabled()


def test_adding_a_kind_of_consent(qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest) -> None:
    area.kinds.add_button.click()
    dialog = top_level("consentKindDialog")
    assert isinstance(dialog, ConsentKindDialog)
    assert dialog.windowTitle() == "Add a kind of consent"
    dialog.name.setText(PHOTOS)
    dialog.wording.setPlainText(PHOTOS_WORDING)
    dialog.review.setValue(12)
    dialog.submit()
    qtbot.waitUntil(lambda: len(table_rows(area)) == 4, timeout=10_000)
    wait_idle(qtbot)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    assert table_rows(area)[3] == [PHOTOS, "After 12 months", "No", "Added by the setting", "In use"]
    assert area.kinds.selected() is not None and area.kinds.selected().name == PHOTOS  # type: ignore[union-attr]
    (added,) = [k for k in made_vault.session.consents.kinds() if k.name == PHOTOS]
    assert added.wording == PHOTOS_WORDING and added.review_months == 12 and not added.built_in
    assert PHOTOS in [k.name for k in made_vault.session.forms.kinds()]  # printed from now on


def test_a_duplicate_name_is_refused_in_the_dialog(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest
) -> None:
    dialog = area.kinds.open_add()
    dialog.name.setText("registration DECLARATION")
    dialog.wording.setPlainText("Anything at all.")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)
    wait_idle(qtbot)
    assert dialog.message.text() == "There is already a kind of consent called “Registration declaration”."
    assert dialog.isVisible() and dialog.name.text() == "registration DECLARATION"
    assert len(made_vault.session.consents.kinds(include_retired=True)) == 3


def test_editing_a_kind_of_consent(qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest) -> None:
    select_kind(area, "Passing on development summaries")
    assert area.kinds.edit_button.isEnabled()
    area.kinds.edit_button.click()
    dialog = top_level("consentKindDialog")
    assert isinstance(dialog, ConsentKindDialog)
    assert dialog.windowTitle() == "Change a kind of consent"
    assert dialog.name.text() == "Passing on development summaries"
    assert dialog.wording.toPlainText().startswith("I agree that the setting may pass")
    assert not dialog.names_agencies.isChecked() and dialog.review.value() == 0
    assert dialog.draft() is None  # nothing changed yet
    dialog.review.setValue(24)
    dialog.names_agencies.setChecked(True)
    dialog.submit()
    qtbot.waitUntil(lambda: "After 24 months" in table_rows(area)[2], timeout=10_000)
    wait_idle(qtbot)
    (kind,) = [k for k in made_vault.session.consents.kinds() if k.code is KindCode.TRANSITION]
    assert kind.review_months == 24 and kind.names_agencies
    assert table_rows(area)[2] == [
        "Passing on development summaries",
        "After 24 months",
        "Yes",
        "Built in",
        "In use",
    ]


def test_the_registration_declaration_cannot_be_retired(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest
) -> None:
    select_kind(area, "Registration declaration")
    area.kinds.retire_button.click()
    qtbot.waitUntil(lambda: area.kinds.message.text() != "", timeout=10_000)
    wait_idle(qtbot)
    assert area.kinds.message.text() == (
        "The registration declaration is always asked for, so it cannot be retired."
    )
    assert all(k.active for k in made_vault.session.consents.kinds(include_retired=True))
    assert table_rows(area)[0][4] == "In use"


def test_retiring_and_bringing_back_a_kind(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest
) -> None:
    made_vault.session.consents.add_kind(KindDetails(PHOTOS, PHOTOS_WORDING, review_months=12))
    area.kinds.load()
    wait_idle(qtbot)
    select_kind(area, PHOTOS)
    assert area.kinds.retire_button.text() == "Re&tire"
    area.kinds.retire_button.click()
    qtbot.waitUntil(lambda: table_rows(area)[3][4] == "Retired", timeout=10_000)
    wait_idle(qtbot)
    assert PHOTOS not in [k.name for k in made_vault.session.consents.kinds()]
    assert area.kinds.selected() is not None and area.kinds.retire_button.text() == "&Bring back"
    assert area.kinds.status.text() == f"“{PHOTOS}” is retired."
    area.kinds.retire_button.click()
    qtbot.waitUntil(lambda: table_rows(area)[3][4] == "In use", timeout=10_000)
    wait_idle(qtbot)
    assert PHOTOS in [k.name for k in made_vault.session.consents.kinds()]
    assert area.kinds.retire_button.text() == "Re&tire"


def test_a_half_typed_kind_is_kept_as_a_draft_and_comes_back(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest
) -> None:
    dialog = area.kinds.open_add()
    assert dialog.draft() is None  # an empty form is not worth keeping
    dialog.name.setText("Sun cream")
    dialog.wording.setPlainText("I agree that staff may put sun cream on Nguyễn's child.")
    kept = dialog.draft()
    assert kept is not None and kept.form == KIND_FORM and kept.title == "Add a kind of consent"
    assert kept.fields["name"] == "Sun cream" and kept.fields["kind_id"] == ""
    dialog.close()
    assert area.restore_draft(draft(KIND_FORM, dict(kept.fields)))
    again = top_level("consentKindDialog")
    assert isinstance(again, ConsentKindDialog)
    assert again.name.text() == "Sun cream" and again.kind_id is None
    assert again.wording.toPlainText() == "I agree that staff may put sun cream on Nguyễn's child."
    assert again.draft() is not None
    again.submit()
    qtbot.waitUntil(lambda: len(table_rows(area)) == 4, timeout=10_000)
    assert "Sun cream" in [k.name for k in made_vault.session.consents.kinds()]


def test_forget_clears_the_logo_the_periods_and_the_kinds(
    qtbot: QtBot, made_vault: VaultUnderTest, tmp_path: Path
) -> None:
    made_vault.session.forms.set_logo(png(tmp_path / "logo.png").read_bytes())
    area = SettingsArea(made_vault.session)
    qtbot.addWidget(area)
    area.opened()
    wait_idle(qtbot)
    assert not area.logo.preview.pixmap().isNull() and area.kinds.model.rowCount() == 3
    area.retention.spins[RecordKind.CHILD_RECORD.value].setValue(50)
    area.form.email.setText("office@example.org.uk")
    dialog = area.kinds.open_add()
    dialog.name.setText("Outings")
    area.forget()
    assert area.logo.preview.pixmap().isNull() and area.logo.preview.text() == NO_LOGO
    assert area.kinds.model.rowCount() == 0
    assert area.retention.spins[RecordKind.CHILD_RECORD.value].value() == 36
    assert area.retention.draft() is None
    assert area.form.email.text() == ""
    assert not shiboken6.isValid(dialog) or (not dialog.isVisible() and dialog.name.text() == "")
    for label in (area.logo.status, area.logo.message, area.retention.status, area.kinds.message):
        assert label.text() == ""


def test_everything_loads_off_the_ui_thread(
    qtbot: QtBot, made_vault: VaultUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The area asks the core only inside operations: nothing is read while it is built and
    opened, everything arrives once the worker threads report back."""
    started: list[str] = []
    real_run = operations.run

    def counting(parent: QWidget | None, work, **kwargs):  # type: ignore[no-untyped-def]
        started.append(str(kwargs.get("label")))
        return real_run(parent, work, **kwargs)

    monkeypatch.setattr(operations, "run", counting)
    area = SettingsArea(made_vault.session)
    qtbot.addWidget(area)
    area.opened()
    assert area.kinds.model.rowCount() == 0  # not yet: still on its way
    assert {"Loading the logo…", "Loading the retention periods…", "Loading the kinds of consent…"} <= set(
        started
    )
    wait_idle(qtbot)
    assert area.kinds.model.rowCount() == 3
    assert area.kinds.table.model().headerData(0, Qt.Orientation.Horizontal) == "Kind of consent"
