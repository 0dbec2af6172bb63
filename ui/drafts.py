"""Forms that keep their half-typed content as a draft when the screen locks.

A lock never waits for, asks about, or is cancelled by an open form. Instead every open form
that mixes in ``KeepsDraft`` hands over its fields (never a password field) and is closed; the
core stores them encrypted, and they are offered back when the same person signs in again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from app.drafts import DraftForm


class KeepsDraft:
    """Mix into a form widget; return None when there is nothing worth keeping."""

    def draft(self) -> DraftForm | None:
        raise NotImplementedError


def collect(widgets: Iterable[QWidget] | None = None) -> list[DraftForm]:
    """The drafts of every live form (visible or not: a form on a hidden tab counts)."""
    found: list[DraftForm] = []
    for widget in widgets if widgets is not None else QApplication.allWidgets():
        if isinstance(widget, KeepsDraft):
            try:
                draft = widget.draft()
            except RuntimeError:  # the C++ side is already gone
                continue
            if draft is not None:
                found.append(draft)
    return found
