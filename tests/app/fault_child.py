"""The child process of tests/app/test_faults.py: the program, with a fault the parent arranged.

Run as ``python -m tests.app.fault_child MODE FOLDER ...``. It opens the vault, signs in as the
manager and prints one line per event ("committed NAME", "failed SENTENCE", "made FILE"), so the
parent can check what the person was told and what must be in the vault afterwards. Faults that
belong to the process (a file-size limit standing in for a full disk; SIGKILL) need a process of
their own; everything the parent asserts is read back from the files.
"""

from __future__ import annotations

import resource
import signal
import sys
from pathlib import Path

from app.children import ChildDetails
from app.errors import SharewiseError
from app.session import Session
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault

USERNAME = "siobhán.manager"
PASSWORD = "tangerine harbour wobble 85"
# Long enough that a row cut short would show, and that a few records fill a small margin.
NEEDS = " ".join(["Needs a quiet corner after lunch; Zoë's notes say sand play helps."] * 12)


def child_details(name: str) -> ChildDetails:
    return ChildDetails(
        legal_name=name,
        date_of_birth="2023-03-01",
        start_date="2025-09-01",
        room="Acorns",
        additional_needs=NEEDS,
    )


def say(*words: object) -> None:
    print(*words, flush=True)


def limit_file_size(limit: int) -> None:
    """Every write past ``limit`` bytes fails with EFBIG instead of killing the process."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (max(0, limit), resource.RLIM_INFINITY))


def lift_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def fill(session: Session, folder: Path, round_name: str, margin: int, lift: bool) -> None:
    """Disk full during writes: add children until one is refused; retry it; maybe lift the limit."""
    database = folder / "sharewise.db"
    limit_file_size(database.stat().st_size + margin)
    number = 0
    while True:
        number += 1
        name = f"Łucja Nowak {round_name}-{number}"
        try:
            session.children.add(child_details(name))
        except SharewiseError as exc:
            say("failed", name, "|", exc.sentence)
            break
        say("committed", name)
        if number > 500:
            say("never-full")
            return
    try:  # the same write again, still full: the same sentence, nothing half-done
        session.children.add(child_details(name))
    except SharewiseError as exc:
        say("failed-again", name, "|", exc.sentence)
    else:
        say("committed", name)
        return
    if lift:
        lift_limit()
        session.children.add(child_details(name))  # the same session carries on once there is room
        say("committed", name)


def backup_full(session: Session, folder: Path, usb: Path, where: str) -> None:
    """Disk full during a backup: "Back up now" to ``usb`` and an automatic one, both refused."""
    if where == "live":
        # New pages waiting in the WAL: the copy's checkpoint must grow the live file, and cannot.
        for number in range(5):
            session.children.add(child_details(f"Αλέξανδρος Παππάς {number}"))
        limit_file_size((folder / "sharewise.db").stat().st_size)
    else:
        session.context.database.checkpoint()  # the live file needs no room while the limit holds
        size = (folder / "sharewise.db").stat().st_size
        earlier = max(p.stat().st_size for p in usb.iterdir())
        limits = {
            "zero": 0,
            "page": 4096,
            "half": size // 2,
            "database": size,  # the copy fits exactly; the backup file does not
            "zip": earlier - 64,  # everything but the end of the ZIP
        }
        limit_file_size(limits[where])
    for label, attempt in (
        ("make", lambda: session.backups.make(usb)),
        ("automatic", lambda: session.backups.automatic("daily")),
    ):
        try:
            made = attempt()
        except SharewiseError as exc:
            say("failed", label, "|", exc.sentence)
        else:
            say("made", label, made.path if made else None)
    lift_limit()


def backup_loop(session: Session, usb: Path) -> None:
    """Backups one after another, "Back up now" and automatic in turn, until killed."""
    say("ready")
    number = 0
    while True:
        number += 1
        made = session.backups.make(usb) if number % 2 else session.backups.automatic("daily")
        say("made", made.path if made else None)


def main(argv: list[str]) -> None:
    mode, folder = argv[0], Path(argv[1])
    vault = Vault.open(folder, keyring=DeviceKeyring(None))
    session = vault.sign_in(USERNAME, PASSWORD)
    if mode == "fill":
        fill(session, folder, argv[2], int(argv[3]), argv[4] == "lift")
    elif mode == "backup-full":
        backup_full(session, folder, Path(argv[2]), argv[3])
    elif mode == "backup-loop":
        backup_loop(session, Path(argv[2]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    session.close()  # in "fill" without "lift", under the limit still: the close must not lose anything
    vault.close()
    say("closed")


if __name__ == "__main__":
    main(sys.argv[1:])
