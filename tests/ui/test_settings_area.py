"""The Settings area against a real vault: loading, saving, refusing, drafts, forgetting, and
re-issuing the recovery key.

Core work runs on worker threads (``ui.operations``), so every check waits for the operations
to finish. Any error that would reach the error dialog fails the test instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.clock import from_text
from app.drafts import Draft, DraftForm, DraftId
from app.security import WRONG_CURRENT
from app.settings import AUTO_LOCK_MINUTES, PROVIDER_NAME, PROVIDER_URN
from tests.conftest import MANAGER_PASSWORD, PROVIDER, VaultUnderTest
from ui import operations
from ui.areas.settings import PROVIDER_FORM, SettingsArea, failed_sentence
from ui.pdf_preview import PdfPreviewDialog

URN_SENTENCE = "The Ofsted URN is 6 or 7 digits, sometimes written with EY in front."


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    shown: list[BaseException] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, error: shown.append(error))
    yield shown
    assert shown == [], f"an error reached the error dialog: {shown!r}"


def settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)


@pytest.fixture
def make_area(qtbot: QtBot, made_vault: VaultUnderTest) -> Iterator[Callable[[], SettingsArea]]:
    def make() -> SettingsArea:
        area = SettingsArea(made_vault.session)
        qtbot.addWidget(area)
        return area

    yield make
    settle(qtbot)
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, PdfPreviewDialog):
            widget.close()


@pytest.fixture
def area(qtbot: QtBot, make_area: Callable[[], SettingsArea]) -> SettingsArea:
    made = make_area()
    made.opened()
    settle(qtbot)
    return made


def draft_of(fields: dict[str, str]) -> Draft:
    return Draft(
        DraftId(1), PROVIDER_FORM, "The setting's details", fields, "2026-09-01T09:00:00.000000+00:00"
    )


def preview_dialogs() -> list[QWidget]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "pdfPreviewDialog" and isinstance(w, PdfPreviewDialog) and w.isVisible()
    ]


def test_shows_the_setting_from_the_vault(area: SettingsArea) -> None:
    assert area.title == "Settings"
    assert area.form.name.text() == PROVIDER.name
    assert area.form.ofsted_urn.text() == PROVIDER.ofsted_urn
    assert area.form.address.toPlainText() == PROVIDER.address
    assert area.form.dsl_name.text() == PROVIDER.dsl_name
    assert area.form.phone.text() == PROVIDER.phone
    assert area.form.minutes.value() == AUTO_LOCK_MINUTES.default
    assert (area.form.minutes.minimum(), area.form.minutes.maximum()) == (1, 15)


def test_saving_updates_the_vault_and_announces_the_minutes(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest
) -> None:
    area.form.name.setText("Łucja's Little Acorns")
    area.form.minutes.setValue(9)
    with qtbot.waitSignal(area.auto_lock_changed, timeout=10_000) as blocker:
        area.save.click()
    assert blocker.args == [9]
    settings = made_vault.session.settings
    qtbot.waitUntil(lambda: settings.get(PROVIDER_NAME) == "Łucja's Little Acorns")
    assert settings.get(AUTO_LOCK_MINUTES) == 9
    assert settings.get(PROVIDER_URN) == PROVIDER.ofsted_urn
    assert area.message.text() == "Saved."
    assert area.form.draft() is None  # what is shown is what is stored now


def test_a_refused_value_is_shown_inline_and_nothing_is_saved(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest
) -> None:
    area.form.name.setText("A new name")
    area.form.ofsted_urn.setText("12")
    area.save.click()
    qtbot.waitUntil(lambda: area.message.text() == URN_SENTENCE, timeout=10_000)
    settle(qtbot)
    settings = made_vault.session.settings
    assert settings.get(PROVIDER_URN) == PROVIDER.ofsted_urn
    assert settings.get(PROVIDER_NAME) == PROVIDER.name
    assert "border" in area.form.ofsted_urn.styleSheet()
    assert area.form.name.styleSheet() == ""
    assert area.form.ofsted_urn.text() == "12"  # the manager's typing stays to be corrected
    assert area.save.isEnabled()


def test_draft_only_once_something_was_changed(area: SettingsArea) -> None:
    assert area.form.draft() is None
    area.form.phone.setText("01632 960 999")
    draft = area.form.draft()
    assert isinstance(draft, DraftForm)
    assert draft.form == PROVIDER_FORM
    assert draft.title == "The setting's details"
    assert draft.fields["phone"] == "01632 960 999"
    assert draft.fields["name"] == PROVIDER.name
    assert not any("password" in name for name in draft.fields)
    area.form.phone.setText(PROVIDER.phone)
    assert area.form.draft() is None


def test_restore_draft_refills_the_fields(area: SettingsArea) -> None:
    fields = {"name": "Draft name", "address": "2 Other Road\nElsewhere", "auto_lock_minutes": "12"}
    assert area.restore_draft(draft_of(fields))
    assert area.form.name.text() == "Draft name"
    assert area.form.address.toPlainText() == "2 Other Road\nElsewhere"
    assert area.form.minutes.value() == 12
    assert area.form.phone.text() == PROVIDER.phone
    assert area.form.draft() is not None
    other = Draft(DraftId(2), "staff.add", "Add a staff member", {}, "2026-09-01T09:00:00.000000+00:00")
    assert not area.restore_draft(other)


def test_a_draft_restored_while_loading_wins_over_the_load(
    qtbot: QtBot, make_area: Callable[[], SettingsArea]
) -> None:
    area = make_area()
    area.opened()  # the workspace opens the area, then restores the draft at once
    assert area.restore_draft(draft_of({"name": "Typed before the lock", "auto_lock_minutes": "3"}))
    settle(qtbot)
    assert area.form.name.text() == "Typed before the lock"
    assert area.form.minutes.value() == 3
    assert area.form.ofsted_urn.text() == PROVIDER.ofsted_urn  # the rest came from the vault
    draft = area.form.draft()
    assert draft is not None and draft.fields["name"] == "Typed before the lock"


def test_reopening_keeps_unsaved_typing(qtbot: QtBot, area: SettingsArea) -> None:
    area.form.dsl_name.setText("Someone else")
    area.opened()
    settle(qtbot)
    assert area.form.dsl_name.text() == "Someone else"
    assert area.form.name.text() == PROVIDER.name


def test_forget_clears_every_field_and_label(area: SettingsArea) -> None:
    assert area.encryption.text()
    area.form.phone.setText("01632 960 999")
    area.forget()
    for line in (area.form.name, area.form.ofsted_urn, area.form.dsl_name, area.form.phone):
        assert line.text() == ""
    assert area.form.address.toPlainText() == ""
    for label in (area.encryption, area.binding, area.recovery_issued, area.failed_sign_ins, area.message):
        assert label.text() == ""
    assert area.form.draft() is None


def test_security_facts(area: SettingsArea, made_vault: VaultUnderTest) -> None:
    assert "SQLCipher" in area.encryption.text()
    status = made_vault.session.security.status()
    assert area.binding.text() == status.binding.sentence
    assert status.recovery_key_issued_at is not None
    issued = from_text(status.recovery_key_issued_at).astimezone().strftime("%d %B %Y")
    assert area.recovery_issued.text() == f"Recovery key issued on {issued}."
    assert area.failed_sign_ins.text() == "No failed sign-ins in the last 30 days."
    assert "ackup" not in " ".join(
        label.text() for label in (area.encryption, area.binding, area.recovery_issued, area.failed_sign_ins)
    )


def test_failed_sign_in_sentences() -> None:
    assert failed_sentence(0) == "No failed sign-ins in the last 30 days."
    assert failed_sentence(1) == "1 failed sign-in in the last 30 days."
    assert failed_sentence(4) == "4 failed sign-ins in the last 30 days."


def test_reissue_with_a_wrong_password_changes_nothing(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest
) -> None:
    before = made_vault.session.security.status().recovery_key_issued_at
    made_vault.clock.advance(3 * 86_400)  # a re-issue now would show as a later date
    dialog = area.open_reissue_dialog()
    assert dialog.password.objectName() == "reissuePasswordEdit"
    dialog.password.setText("not my password")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.message.text() == WRONG_CURRENT, timeout=10_000)
    settle(qtbot)
    assert dialog.isVisible()
    assert dialog.password.text() == ""
    assert made_vault.session.security.status().recovery_key_issued_at == before
    assert preview_dialogs() == []
    dialog.reject()


def test_reissue_with_the_right_password_shows_the_recovery_sheet(
    qtbot: QtBot, area: SettingsArea, made_vault: VaultUnderTest
) -> None:
    before = made_vault.session.security.status().recovery_key_issued_at
    old_label = area.recovery_issued.text()
    made_vault.clock.advance(3 * 86_400)
    dialog = area.open_reissue_dialog()
    dialog.password.setText(MANAGER_PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: len(preview_dialogs()) == 1, timeout=20_000)
    settle(qtbot)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    after = made_vault.session.security.status().recovery_key_issued_at
    assert after is not None and after != before
    qtbot.waitUntil(lambda: area.recovery_issued.text() != old_label)
    issued = from_text(after).astimezone().strftime("%d %B %Y")
    assert area.recovery_issued.text() == f"Recovery key issued on {issued}."
    preview_dialogs()[0].close()


def test_forget_closes_the_reissue_dialog_and_drops_the_password(qtbot: QtBot, area: SettingsArea) -> None:
    dialog = area.open_reissue_dialog()
    dialog.password.setText("half typed")
    area.forget()
    assert not shiboken6.isValid(dialog) or (not dialog.isVisible() and dialog.password.text() == "")
