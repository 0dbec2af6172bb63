"""What a signed-in person works in: navigation on the left, one area on the right.

Areas are created the first time they are opened, so the window appears at once after the KDF
and only loads what is looked at. The workspace is destroyed at lock or sign-out; ``forget``
first empties every area's models and fields, so no record survives in a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QStackedWidget, QVBoxLayout, QWidget

from app.concerns import QueueCounts
from app.drafts import Draft
from app.policy.permissions import Action
from app.session import Session
from ui import operations
from ui.areas import Area
from ui.areas.audit import AuditArea
from ui.areas.home import HomeArea
from ui.areas.settings import SettingsArea
from ui.areas.staff import StaffArea


def _counted(count: int, thing: str) -> str:
    return f"{count} {thing}{'s' if count != 1 else ''}"


@dataclass(frozen=True)
class SharingBadge:
    """What waits for the DSL in Sharing: open requests (some urgent), follow-ups past their due
    date, and child-protection files with no receipt after 5 school days. Numbers only."""

    open: int
    urgent: int
    overdue_followups: int
    overdue_transfers: int

    @classmethod
    def count(cls, session: Session) -> SharingBadge:
        """Ask the core (DSL and manager only; neither count is audit-logged)."""
        counts = session.sharing.counts()
        return cls(counts.open, counts.urgent, counts.overdue_followups, session.transfers.overdue_count())


@dataclass(frozen=True)
class AreaSpec:
    title: str
    needs: Action | None  # None: everyone signed in
    make: Callable[[Session], Area]


def _children(session: Session) -> Area:
    from ui.areas.children import ChildrenArea  # loaded when first opened, not at start-up

    return ChildrenArea(session)


def _concerns(session: Session) -> Area:
    from ui.areas.concerns import ConcernsArea

    return ConcernsArea(session)


def _sharing(session: Session) -> Area:
    from ui.areas.sharing import SharingArea

    return SharingArea(session)


def _review(session: Session) -> Area:
    from ui.areas.review import ReviewArea

    return ReviewArea(session)


def _subject_access(session: Session) -> Area:
    from ui.areas.subject_access import SubjectAccessArea

    return SubjectAccessArea(session)


def _retention(session: Session) -> Area:
    from ui.areas.retention import RetentionArea

    return RetentionArea(session)


CONCERNS = "Concerns"
SHARING = "Sharing"
NAV_WIDTH, NAV_MAX_WIDTH = 220, 360
BADGE_REFRESH_MS = 60_000  # the DSL sees a new concern within a minute without opening the area

AREAS: tuple[AreaSpec, ...] = (
    AreaSpec("Home", None, HomeArea),
    AreaSpec("Children", Action.CHILD_READ, _children),
    AreaSpec(CONCERNS, Action.CONCERN_CREATE, _concerns),
    AreaSpec(SHARING, Action.SHARING_INTAKE, _sharing),
    AreaSpec("Subject access", Action.SUBJECT_ACCESS, _subject_access),
    AreaSpec("Annual review", Action.REVIEW_PACK, _review),
    AreaSpec("Retention", Action.RETENTION_MANAGE, _retention),
    AreaSpec("Staff", Action.STAFF_MANAGE, StaffArea),
    AreaSpec("Settings", Action.SETTINGS_MANAGE, SettingsArea),
    AreaSpec("Audit", Action.AUDIT_VIEW, AuditArea),
)


class Workspace(QWidget):
    area_changed = Signal(str)
    area_created = Signal(QWidget)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace")
        self.session = session
        self.specs = [a for a in AREAS if a.needs is None or session.may(a.needs)]
        self._areas: dict[str, Area] = {}
        self.notice = QLabel()
        self.notice.setObjectName("signInNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #fde2e1; color: #5c0b07; padding: 8px;")
        self.notice.hide()
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Areas")
        self.nav.setFixedWidth(NAV_WIDTH)
        for spec in self.specs:
            self.nav.addItem(spec.title)
        self.stack = QStackedWidget()
        self.stack.setObjectName("areaStack")
        self.nav.currentRowChanged.connect(self._open_row)
        row = QHBoxLayout()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(row, 1)
        for index in range(min(9, len(self.specs))):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda i=index: self.nav.setCurrentRow(i))
        if session.failed_attempts_since_last_sign_in:
            count = session.failed_attempts_since_last_sign_in
            self.show_notice(
                f"{count} failed sign-in attempt{'s' if count != 1 else ''} since you last signed in. "
                "If that was not you, tell the manager."
            )
        self.setFocusProxy(self.nav)
        self.badge_timer = QTimer(self)
        self.badge_timer.setInterval(BADGE_REFRESH_MS)
        self.badge_timer.timeout.connect(self.refresh_badge)
        titles = {spec.title for spec in self.specs}
        self.concern_badge = session.may(Action.CONCERN_REVIEW) and CONCERNS in titles
        self.sharing_badge = session.may(Action.SHARING_DECIDE) and SHARING in titles
        if self.concern_badge or self.sharing_badge:
            self.badge_timer.start()
            self.refresh_badge()
        self.nav.setCurrentRow(0)

    def refresh_badge(self) -> None:
        """Ask the core how many concerns and requests wait for the DSL (numbers only, never names)."""
        if not self.session.is_open:
            return
        if self.concern_badge:
            operations.run(
                self,
                lambda _p: self.session.concerns.counts(),
                label="Checking for new concerns…",
                on_success=self.show_badge,
                on_failure=lambda _error: True,  # the badge is a convenience; the queue shows the truth
            )
        if self.sharing_badge:
            operations.run(
                self,
                lambda _p: SharingBadge.count(self.session),
                label="Checking for information-sharing requests…",
                on_success=self.show_badge,
                on_failure=lambda _error: True,
            )

    def show_badge(self, counts: QueueCounts | SharingBadge) -> None:
        """The counts on the navigation: "Concerns (3 new, 1 urgent)", bold and red while any is
        urgent; "Sharing (2 open, 1 follow-up overdue)" likewise."""
        if isinstance(counts, SharingBadge):
            self._show_sharing_badge(counts)
            return
        for row, spec in enumerate(self.specs):
            if spec.title != CONCERNS:
                continue
            item = self.nav.item(row)
            parts = []
            if counts.new:
                parts.append(f"{counts.new} new")
            if counts.urgent:
                parts.append(f"{counts.urgent} urgent")
            if counts.overdue:
                parts.append(f"{counts.overdue} overdue")
            item.setText(f"{CONCERNS} ({', '.join(parts)})" if parts else CONCERNS)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, item.text())
            font = QFont(item.font())
            font.setBold(bool(counts.urgent or counts.new))
            item.setFont(font)
            item.setForeground(QBrush(QColor("#a4000f")) if counts.urgent else QBrush())
            self._fit_navigation()

    def _show_sharing_badge(self, badge: SharingBadge) -> None:
        """The Sharing entry, e.g. "Sharing (2 open, 1 urgent, 3 overdue)": overdue follow-ups and
        overdue file receipts together, so it fits; the tooltip and the screen reader get them
        apart. Bold while any waits, red while any is urgent or overdue."""
        for row, spec in enumerate(self.specs):
            if spec.title != SHARING:
                continue
            item = self.nav.item(row)
            overdue = badge.overdue_followups + badge.overdue_transfers
            parts = []
            if badge.open:
                parts.append(f"{badge.open} open")
            if badge.urgent:
                parts.append(f"{badge.urgent} urgent")
            if overdue:
                parts.append(f"{overdue} overdue")
            item.setText(f"{SHARING} ({', '.join(parts)})" if parts else SHARING)
            details = [
                f"{_counted(badge.open, 'open request')} ({badge.urgent} urgent)",
                f"{_counted(badge.overdue_followups, 'follow-up')} overdue",
                f"{_counted(badge.overdue_transfers, 'file receipt')} overdue",
            ]
            words = f"{SHARING}: {', '.join(details)}" if parts else SHARING
            item.setToolTip(words)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, words)
            font = QFont(item.font())
            font.setBold(bool(parts))
            item.setFont(font)
            item.setForeground(QBrush(QColor("#a4000f")) if badge.urgent or overdue else QBrush())
            self._fit_navigation()

    def _fit_navigation(self) -> None:
        """Wide enough for the longest entry (the badge), so it is never cut off mid-word."""
        wanted = self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 12
        self.nav.setFixedWidth(max(NAV_WIDTH, min(NAV_MAX_WIDTH, wanted)))

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    def area(self, title: str) -> Area | None:
        return self._areas.get(title)

    def open_area(self, title: str) -> Area | None:
        for row, spec in enumerate(self.specs):
            if spec.title == title:
                self.nav.setCurrentRow(row)
                return self._areas.get(title)
        return None

    def _open_row(self, row: int) -> None:
        if row < 0:
            return
        spec = self.specs[row]
        area = self._areas.get(spec.title)
        if area is None:
            area = spec.make(self.session)
            area.setObjectName(f"{spec.title.lower()}Area")
            self._areas[spec.title] = area
            counts_changed = getattr(area, "counts_changed", None)
            if counts_changed is not None:
                counts_changed.connect(self.show_badge)
            self.stack.addWidget(area)
            self.area_created.emit(area)
        self.stack.setCurrentWidget(area)
        area.opened()
        self.area_changed.emit(spec.title)

    def restore_draft(self, draft: Draft) -> bool:
        for spec in self.specs:
            if draft.form.split(".")[0] != spec.title.lower():
                continue
            area = self.open_area(spec.title)
            if area is not None and area.restore_draft(draft):
                return True
        return False

    def forget(self) -> None:
        self.badge_timer.stop()
        for area in self._areas.values():
            area.forget()
        self.notice.clear()
        self.nav.blockSignals(True)
        self.nav.clear()
