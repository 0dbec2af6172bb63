"""Where a setting's vault lives by default: the per-user data folder of the OS (appdirs).

Windows: %LOCALAPPDATA%\\Sharewise\\Sharewise; macOS: ~/Library/Application Support/Sharewise;
Linux: ~/.local/share/Sharewise. The first-run setup lets the manager choose another folder.
"""

from __future__ import annotations

from pathlib import Path

import appdirs

APP_NAME = "Sharewise"
APP_AUTHOR = "Sharewise"


def default_data_folder() -> Path:
    return Path(appdirs.user_data_dir(APP_NAME, APP_AUTHOR))
