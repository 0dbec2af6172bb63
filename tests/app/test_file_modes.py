"""Every file of a vault is readable by its owner only, and the folder is the owner's alone."""

from __future__ import annotations

import os
import stat

import pytest

from app.settings import AUTO_LOCK_MINUTES
from tests.conftest import MANAGER_PASSWORD, VaultUnderTest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def _modes(made: VaultUnderTest) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in made.folder.iterdir()}


def test_vault_files_are_owner_only(made_vault: VaultUnderTest) -> None:
    made_vault.session.settings.update({AUTO_LOCK_MINUTES: 3})
    modes = _modes(made_vault)
    assert {"sharewise.db", "sharewise.db-wal", "sharewise.slots"} <= set(modes)
    assert modes == {name: 0o600 for name in modes}
    assert stat.S_IMODE(made_vault.folder.stat().st_mode) == 0o700


def test_the_rekeyed_database_is_owner_only_too(made_vault: VaultUnderTest) -> None:
    made_vault.session.security.rekey(MANAGER_PASSWORD)
    modes = _modes(made_vault)
    assert modes == {name: 0o600 for name in modes}
