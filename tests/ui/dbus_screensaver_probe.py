"""Run under dbus-run-session: a real session bus, a real ActiveChanged signal."""

import subprocess

from PySide6.QtCore import QCoreApplication, QTimer

from ui.os_lock import OsLockWatcher

app = QCoreApplication([])
watcher = OsLockWatcher()
received: list[str] = []
watcher.lock_requested.connect(received.append)
print("sources:", ";".join(watcher.start()))


def send(value: str) -> None:
    subprocess.run(
        [
            "dbus-send",
            "--session",
            "--type=signal",
            "/org/freedesktop/ScreenSaver",
            "org.freedesktop.ScreenSaver.ActiveChanged",
            f"boolean:{value}",
        ],
        check=True,
    )


QTimer.singleShot(100, lambda: send("false"))
QTimer.singleShot(400, lambda: send("true"))
QTimer.singleShot(1500, app.quit)
app.exec()
watcher.stop()
print("received:", ";".join(received))
