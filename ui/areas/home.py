"""Home: who is signed in, to which setting, what they can do here, and what is due.

The reminders list gathers lines from every source the person's roles may see: the policy
register and the council contract, records past their retention period, and subject access
requests. Each line is a sentence of numbers and policy names, never a
child's details, so it can sit on the first screen after sign-in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import shiboken6
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.clock import from_text
from app.policies import Reminder, reminder_order
from app.policy.permissions import Action
from app.session import Session
from app.settings import AUTO_LOCK_MINUTES, PROVIDER_NAME
from ui import operations
from ui.areas import Area
from ui.form_parts import heading

NOTHING_DUE = "Nothing is due."
OVERDUE_COLOUR = "#b3261e"  # the red of the forms' messages


def local_time(stored: str) -> str:
    return from_text(stored).astimezone().strftime("%A %d %B %Y at %H:%M")


@dataclass(frozen=True)
class ReminderSource:
    """Where some reminders come from, and who may see them (checked again by the core)."""

    needs: Action
    gather: Callable[[Session], Sequence[Reminder]]


# Add a source here to add its lines to Home.
REMINDER_SOURCES: tuple[ReminderSource, ...] = (
    ReminderSource(Action.REVIEW_PACK, lambda session: session.policies.reminders()),
    ReminderSource(Action.RETENTION_MANAGE, lambda session: session.retention.reminders()),
    ReminderSource(Action.SUBJECT_ACCESS, lambda session: session.subject_access.reminders()),
)


def reminder_sources(session: Session) -> list[ReminderSource]:
    return [source for source in REMINDER_SOURCES if session.may(source.needs)]


def gather_reminders(session: Session) -> list[Reminder]:
    """Every reminder this person may see, overdue first, then by date (core calls: run it off the
    UI thread)."""
    found = [reminder for source in reminder_sources(session) for reminder in source.gather(session)]
    return sorted(found, key=reminder_order)


class HomeArea(Area):
    title = "Home"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.greeting = heading("")
        self.summary = QLabel()
        self.summary.setObjectName("homeSummary")
        self.summary.setWordWrap(True)
        self.reminders_title = QLabel("<b>Reminders</b>")
        self.reminders_title.setObjectName("remindersTitle")
        self.reminders = QListWidget()
        self.reminders.setObjectName("remindersList")
        self.reminders.setAccessibleName("Reminders")
        self.reminders.setMaximumHeight(self.reminders.fontMetrics().lineSpacing() * 10)
        layout = QVBoxLayout(self)
        layout.addWidget(self.greeting)
        layout.addWidget(self.summary)
        layout.addWidget(self.reminders_title)
        layout.addWidget(self.reminders)
        layout.addStretch(1)
        shown = bool(reminder_sources(session))  # after the layout: a parentless widget shown is a window
        self.reminders_title.setVisible(shown)
        self.reminders.setVisible(shown)

    def opened(self) -> None:
        """The greeting at once; the settings it quotes are read off the UI thread, because at
        sign-in the navigation's badge counts hold the database for a moment."""
        session = self.session
        self.greeting.setText(f"Hello, {session.me.full_name}")

        def read(_progress: operations.Progress) -> tuple[str, int]:
            return session.settings.get(PROVIDER_NAME), session.settings.get(AUTO_LOCK_MINUTES)

        operations.run(
            self, read, label="Opening…", on_success=self._show_summary, on_progress=lambda _f: None
        )
        self.load_reminders()

    def _show_summary(self, found: tuple[str, int]) -> None:
        if not shiboken6.isValid(self):
            return
        provider, minutes = found
        session = self.session
        previous = session.previous_sign_in_at
        roles = ", ".join(sorted(r.label for r in session.me.roles))
        lines = [
            f"You are signed in to {provider} as {roles}.",
            f"Last signed in: {local_time(previous)}." if previous else "This is your first sign-in.",
            f"The screen locks after {minutes} minutes without use, or at once with Ctrl+L. "
            "Anything half-typed is kept for you.",
        ]
        self.summary.setText("\n\n".join(lines))

    def load_reminders(self) -> None:
        if not reminder_sources(self.session):
            return
        session = self.session
        operations.run(
            self,
            lambda _p: gather_reminders(session),
            label="Looking for what is due…",
            on_success=self._show_reminders,
        )

    def _show_reminders(self, reminders: list[Reminder]) -> None:
        if not shiboken6.isValid(self):
            return
        self.reminders.clear()
        for reminder in reminders or [Reminder(NOTHING_DUE, None, False)]:
            item = QListWidgetItem(reminder.text)
            if reminder.overdue:
                item.setForeground(QBrush(QColor(OVERDUE_COLOUR)))
            self.reminders.addItem(item)

    def forget(self) -> None:
        self.greeting.clear()
        self.summary.clear()
        self.reminders.clear()
