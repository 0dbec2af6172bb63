"""The areas of the main window, one module each. An area appears only for roles that may use
it; the core checks again on every call, so this is convenience, not protection."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.drafts import Draft
from app.session import Session


class Area(QWidget):
    """One screen of the workspace. ``forget`` is called at lock before the area is destroyed:
    it must clear every model and field that holds records."""

    title = ""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session

    def opened(self) -> None:
        """Called each time the area is shown: load or refresh what it displays."""

    def forget(self) -> None:
        """Drop everything shown (table rows, field contents)."""

    def restore_draft(self, draft: Draft) -> bool:
        """Reopen a form from a draft this area owns; False if it is not one of ours."""
        return False
