"""The window's icon and desktop file name match what the Linux package installs, so the taskbar
and Wayland show Sharewise's icon rather than a generic one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from ui.main import DESKTOP_ID, program_icon

INSTALLER = Path(__file__).resolve().parents[2] / "installer" / "linux"


def test_the_icon_has_every_shipped_size(qapp: QApplication) -> None:
    icon = program_icon()
    assert not icon.isNull()
    assert icon.availableSizes() == [QSize(48, 48), QSize(128, 128), QSize(256, 256)]
    assert not icon.pixmap(48, 48).toImage().isNull()


def test_the_desktop_file_name_is_the_installed_desktop_file() -> None:
    desktop = INSTALLER / f"{DESKTOP_ID}.desktop"
    assert desktop.is_file()
    assert f"Icon={DESKTOP_ID}" in desktop.read_text(encoding="utf-8").splitlines()
