"""Home: who is signed in, to which setting, and what they can do here."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.clock import from_text
from app.session import Session
from app.settings import AUTO_LOCK_MINUTES, PROVIDER_NAME
from ui.areas import Area
from ui.form_parts import heading


def local_time(stored: str) -> str:
    return from_text(stored).astimezone().strftime("%A %d %B %Y at %H:%M")


class HomeArea(Area):
    title = "Home"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.greeting = heading("")
        self.summary = QLabel()
        self.summary.setObjectName("homeSummary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.greeting)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def opened(self) -> None:
        me = self.session.me
        previous = self.session.previous_sign_in_at
        roles = ", ".join(sorted(r.label for r in me.roles))
        lines = [
            f"You are signed in to {self.session.settings.get(PROVIDER_NAME)} as {roles}.",
            f"Last signed in: {local_time(previous)}." if previous else "This is your first sign-in.",
            f"The screen locks after {self.session.settings.get(AUTO_LOCK_MINUTES)} minutes without "
            "use, or at once with Ctrl+L. Anything half-typed is kept for you.",
        ]
        self.greeting.setText(f"Hello, {me.full_name}")
        self.summary.setText("\n\n".join(lines))

    def forget(self) -> None:
        self.greeting.clear()
        self.summary.clear()
