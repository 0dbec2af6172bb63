"""Locking when the operating system locks, switches user or goes to sleep.

The clear-screen rule: if the computer is locked or put to sleep, Sharewise must be locked too
when anyone comes back. Where the platform tells us, we lock at once:

- Linux: logind's ``PrepareForSleep(true)`` and the session's ``Lock`` signal (system bus), and
  the screen saver's ``ActiveChanged(true)`` (freedesktop and GNOME names, session bus).
- Windows: ``WM_WTSSESSION_CHANGE`` (lock, console or remote disconnect) after
  ``WTSRegisterSessionNotification``, and ``WM_POWERBROADCAST``/``PBT_APMSUSPEND``, read by a
  native event filter.
- macOS: nothing native without extra libraries; the idle monitor's wall-clock check locks on
  the first tick after wake, which covers sleep.

Every source is optional: a missing bus or service is skipped, never an error.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

WM_WTSSESSION_CHANGE = 0x02B1
WM_POWERBROADCAST = 0x0218
PBT_APMSUSPEND = 0x0004
WTS_CONSOLE_DISCONNECT = 0x2
WTS_REMOTE_DISCONNECT = 0x4
WTS_SESSION_LOCK = 0x7
NOTIFY_FOR_THIS_SESSION = 0

LOGIN1 = "org.freedesktop.login1"
SCREENSAVERS = (
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)


def windows_lock_reason(message: int, wparam: int) -> str | None:
    """The lock reason for a Windows message, or None for every other message."""
    if message == WM_WTSSESSION_CHANGE:
        if wparam == WTS_SESSION_LOCK:
            return "session_locked"
        if wparam in (WTS_CONSOLE_DISCONNECT, WTS_REMOTE_DISCONNECT):
            return "user_switched"
    if message == WM_POWERBROADCAST and wparam == PBT_APMSUSPEND:
        return "sleep"
    return None


class _WindowsFilter(QAbstractNativeEventFilter):
    def __init__(self, watcher: OsLockWatcher) -> None:
        super().__init__()
        self._watcher = watcher

    def nativeEventFilter(self, event_type: Any, message: Any) -> tuple[bool, int]:
        # Only the window procedure's copy: a posted message is also offered as
        # "windows_dispatcher_MSG" first, which would request the lock twice.
        if bytes(event_type) == b"windows_generic_MSG":
            import ctypes.wintypes

            msg = ctypes.wintypes.MSG.from_address(int(message))
            reason = windows_lock_reason(int(msg.message), int(msg.wParam or 0))
            if reason is not None:
                self._watcher.lock_requested.emit(reason)
        return False, 0


class OsLockWatcher(QObject):
    lock_requested = Signal(str)  # "session_locked", "user_switched", "sleep", "screensaver"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter: _WindowsFilter | None = None
        self._hwnd: int | None = None
        self._dbus: list[tuple[Any, tuple[str, str, str, str, str]]] = []

    def start(self, window: QWidget | None = None) -> list[str]:
        """Connect what this platform offers; the names of the sources that were connected."""
        self.stop()  # a second start would otherwise list nothing: Qt refuses a duplicate hook
        try:
            if sys.platform == "win32":
                return self._start_windows(window)
            if sys.platform.startswith("linux"):
                return self._start_linux()
        except Exception:  # an odd desktop must never stop Sharewise starting
            return []
        return []

    def stop(self) -> None:
        try:
            if self._filter is not None:
                app = QCoreApplication.instance()
                if app is not None:
                    app.removeNativeEventFilter(self._filter)
                self._filter = None
            if self._hwnd is not None:
                import ctypes

                ctypes.windll.wtsapi32.WTSUnRegisterSessionNotification(self._hwnd)  # type: ignore[attr-defined]
                self._hwnd = None
            for bus, (service, path, interface, name, slot) in self._dbus:
                bus.disconnect(service, path, interface, name, self, slot)
            self._dbus.clear()
        except Exception:  # noqa: S110 - stopping at exit must not fail
            pass

    # --- Windows ---------------------------------------------------------------------------------

    def _start_windows(self, window: QWidget | None) -> list[str]:
        import ctypes

        app = QCoreApplication.instance()
        if app is None:
            return []
        self._filter = _WindowsFilter(self)
        app.installNativeEventFilter(self._filter)
        sources = ["WM_POWERBROADCAST"]
        if window is not None:
            hwnd = int(window.winId())
            if ctypes.windll.wtsapi32.WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION):  # type: ignore[attr-defined]
                self._hwnd = hwnd
                sources.append("WM_WTSSESSION_CHANGE")
        return sources

    # --- Linux -----------------------------------------------------------------------------------

    def _connect(self, bus: Any, service: str, path: str, interface: str, name: str, slot: str) -> bool:
        if bus.connect(service, path, interface, name, self, slot):
            self._dbus.append((bus, (service, path, interface, name, slot)))
            return True
        return False

    def _start_linux(self) -> list[str]:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface

        sources: list[str] = []
        system = QDBusConnection.systemBus()
        if system.isConnected():
            manager_path = "/org/freedesktop/login1"
            if self._connect(
                system, LOGIN1, manager_path, f"{LOGIN1}.Manager", "PrepareForSleep", "1on_sleep(bool)"
            ):
                sources.append("logind PrepareForSleep")
            session_path = self._logind_session(system, QDBusInterface)
            if session_path and self._connect(
                system, LOGIN1, session_path, f"{LOGIN1}.Session", "Lock", "1on_session_lock()"
            ):
                sources.append("logind session Lock")
        session = QDBusConnection.sessionBus()
        if session.isConnected():
            for service, path, interface in SCREENSAVERS:
                # Any sender: screen savers differ in which bus name they emit from, and the
                # worst a stray signal can do is lock Sharewise, which is always safe.
                if self._connect(session, "", path, interface, "ActiveChanged", "1on_screensaver(bool)"):
                    sources.append(f"{service} ActiveChanged")
        return sources

    @staticmethod
    def _logind_session(system: Any, interface_type: Any) -> str | None:
        """This process's logind session object path, or None.

        ``GetSessionByPID`` takes a ``u``; PySide6 marshals a Python int as ``i``, which logind
        rejects, so that call goes through the introspected interface's ``GetSessionByPID(uint)``.
        Then ``$XDG_SESSION_ID``; then ``auto`` (the caller's session, or the user's display
        session for a program started outside one, as desktops that launch apps in systemd
        scopes do)."""
        from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject, Qt

        manager = interface_type(LOGIN1, "/org/freedesktop/login1", f"{LOGIN1}.Manager", system)
        if not manager.isValid():
            return None
        manager.setTimeout(3000)
        try:
            by_pid = QMetaObject.invokeMethod(
                manager,
                "GetSessionByPID",
                Qt.ConnectionType.DirectConnection,
                Q_RETURN_ARG("QDBusObjectPath"),
                Q_ARG("uint", os.getpid()),
            )
            if by_pid.path().startswith("/org/freedesktop/login1/session/"):
                return str(by_pid.path())
        except Exception:  # noqa: S110 - no such method in the introspection: try the next way
            pass
        for session_id in (os.environ.get("XDG_SESSION_ID"), "auto"):
            if not session_id:
                continue
            arguments = manager.call("GetSession", session_id).arguments()
            if arguments:
                path = arguments[0]
                text = path.path() if hasattr(path, "path") else str(path)
                if text.startswith("/org/freedesktop/login1/session/"):
                    return text
        return None

    @Slot(bool)
    def on_sleep(self, going_to_sleep: bool) -> None:
        if going_to_sleep:
            self.lock_requested.emit("sleep")

    @Slot()
    def on_session_lock(self) -> None:
        self.lock_requested.emit("session_locked")

    @Slot(bool)
    def on_screensaver(self, active: bool) -> None:
        if active:
            self.lock_requested.emit("screensaver")
