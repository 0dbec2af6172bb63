"""Run under dbus-run-session: OsLockWatcher against a stand-in logind on the private bus.

The private session bus doubles as the system bus (DBUS_SYSTEM_BUS_ADDRESS). ``--logind`` runs
the stand-in, which like the real one (sd-bus) rejects a call whose signature is wrong, records
every call, and on ``Fire`` emits PrepareForSleep(false), PrepareForSleep(true), a Lock for some
other session and a Lock for this one. Without it, the probe starts the stand-in, starts the
watcher, fires, and prints one JSON line: the sources, the reasons received and the calls seen.
"""

import json
import os
import subprocess
import sys

os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = os.environ["DBUS_SESSION_BUS_ADDRESS"]

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtDBus import (
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
    QDBusVirtualObject,
)

LOGIN1 = "org.freedesktop.login1"
MANAGER = "/org/freedesktop/login1"
SESSION = "/org/freedesktop/login1/session/c7"
SIGNATURES = {"GetSessionByPID": "u", "GetSession": "s", "Fire": "", "Calls": ""}
INTROSPECTION = """<interface name="org.freedesktop.login1.Manager">
<method name="GetSessionByPID"><arg type="u" direction="in"/><arg type="o" direction="out"/></method>
<method name="GetSession"><arg type="s" direction="in"/><arg type="o" direction="out"/></method>
<signal name="PrepareForSleep"><arg type="b"/></signal>
</interface>"""


class StandInLogind(QDBusVirtualObject):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def handleMessage(self, message: QDBusMessage, connection: QDBusConnection) -> bool:
        member, signature = message.member(), message.signature()
        if member not in SIGNATURES:
            return False
        if member != "Calls":
            self.calls.append(f"{member}({signature})")
        if signature != SIGNATURES[member]:
            error = f"Invalid arguments '{signature}' to call {member}(), expecting '{SIGNATURES[member]}'"
            connection.send(message.createErrorReply("org.freedesktop.DBus.Error.InvalidArgs", error))
            return True
        reply = message.createReply()
        if member == "GetSessionByPID" and os.environ.get("STAND_IN_PID_FAILS"):
            reply = message.createErrorReply(f"{LOGIN1}.NoSessionForPID", "not in a session")
        elif member == "GetSession" and message.arguments()[0] not in ("c7", "auto"):
            reply = message.createErrorReply(f"{LOGIN1}.NoSuchSession", "no such session")
        elif member.startswith("GetSession"):
            reply.setArguments([QDBusObjectPath(SESSION)])
        elif member == "Calls":
            reply.setArguments([json.dumps(self.calls)])
        elif member == "Fire":
            for path, interface, name, arguments in (
                (MANAGER, f"{LOGIN1}.Manager", "PrepareForSleep", [False]),
                (MANAGER, f"{LOGIN1}.Manager", "PrepareForSleep", [True]),
                ("/org/freedesktop/login1/session/other", f"{LOGIN1}.Session", "Lock", []),
                (SESSION, f"{LOGIN1}.Session", "Lock", []),
            ):
                signal = QDBusMessage.createSignal(path, interface, name)
                signal.setArguments(arguments)
                connection.send(signal)
        connection.send(reply)
        return True

    def introspect(self, path: str) -> str:
        return INTROSPECTION


def stand_in() -> None:
    app = QCoreApplication([])
    bus = QDBusConnection.systemBus()
    logind = StandInLogind()
    bus.registerVirtualObject(MANAGER, logind, QDBusConnection.VirtualObjectRegisterOption.SingleNode)
    bus.registerService(LOGIN1)
    print("ready", flush=True)
    app.exec()


def probe() -> None:
    from ui.os_lock import OsLockWatcher

    logind = subprocess.Popen([sys.executable, __file__, "--logind"], stdout=subprocess.PIPE, text=True)
    try:
        assert logind.stdout is not None and logind.stdout.readline().strip() == "ready"
        app = QCoreApplication([])
        system = QDBusConnection.systemBus()
        watcher = OsLockWatcher()
        received: list[str] = []
        watcher.lock_requested.connect(received.append)
        sources = watcher.start()
        system.asyncCall(QDBusMessage.createMethodCall(LOGIN1, MANAGER, "test.StandIn", "Fire"))
        QTimer.singleShot(1000, app.quit)
        app.exec()
        watcher.stop()
        calls = system.call(QDBusMessage.createMethodCall(LOGIN1, MANAGER, "test.StandIn", "Calls"))
        seen = json.loads(calls.arguments()[0])
        print(json.dumps({"sources": sources, "received": received, "calls": seen}), flush=True)
    finally:
        logind.terminate()
        logind.wait(10)


if __name__ == "__main__":
    stand_in() if sys.argv[1:] == ["--logind"] else probe()
