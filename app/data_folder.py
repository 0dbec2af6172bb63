"""Where a setting's vault lives by default: the per-user data folder of the OS (appdirs).

Windows: %LOCALAPPDATA%\\Sharewise\\Sharewise; macOS: ~/Library/Application Support/Sharewise;
Linux: ~/.local/share/Sharewise. The first-run setup lets the manager choose another folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import appdirs

from app.vault.files import storage_error, write_atomically

APP_NAME = "Sharewise"
APP_AUTHOR = "Sharewise"


def default_data_folder() -> Path:
    return Path(appdirs.user_data_dir(APP_NAME, APP_AUTHOR))


POINTER = "data-folder.json"


def vault_folder(default: Path | None = None) -> Path:
    """The folder the vault is in: the default, unless setup chose another and left a pointer.

    The pointer is a small file in the default folder naming the chosen one (nothing personal,
    and not in QSettings, which holds only window geometry).
    """
    base = default or default_data_folder()
    try:
        data = json.loads((base / POINTER).read_text("utf-8"))
        chosen = Path(str(data["folder"]))
    except (OSError, ValueError, KeyError, TypeError):
        return base
    return chosen if chosen.is_absolute() else base


def remember_vault_folder(folder: Path, default: Path | None = None) -> None:
    """Record a folder chosen at setup (or forget the choice when it is the default)."""
    base = default or default_data_folder()
    pointer = base / POINTER
    try:
        if Path(folder).resolve() == base.resolve():
            pointer.unlink(missing_ok=True)
            return
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = json.dumps({"folder": str(Path(folder).resolve())}).encode()
        write_atomically(pointer, data, doing="remember where the vault is")
    except OSError as exc:
        raise storage_error(exc, "remember where the vault is") from exc
