"""``sharewise``: start the desktop program.

sharewise                   the vault in this PC's data folder (first-run setup if none)
sharewise --demo            a throwaway vault of fictional people, deleted on exit
sharewise --data-dir PATH   the vault in another folder
sharewise --self-test       check this copy works here (no window, no real data); exit 0 or 1
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from app.clock import Clock, SystemClock
from app.data_folder import default_data_folder, vault_folder
from app.errors import IntegrityError, NotEncrypted, SharewiseError, SlotFileError, VaultNotFound
from app.vault.vault import NewVault, Vault
from ui.errors import install_excepthook, sentence_for
from ui.garbage import GarbageCollector
from ui.shell import Shell

if TYPE_CHECKING:
    from app.demo import DemoAccount
    from app.restore import RestoreResult

# Start-up time: only what shows the sign-in page is imported above. The demo, restore and setup
# load where they are used (a test checks that importing this module leaves them out).

# Start-up refusals a backup can mend: the key file missing or damaged, the database missing, not
# encrypted, or not the key file's.
RESTORABLE = (SlotFileError, IntegrityError, NotEncrypted)


DESKTOP_ID = "org.sharewise.Sharewise"  # installer/linux/org.sharewise.Sharewise.desktop


def program_icon() -> QIcon:
    """The program's icon in every size shipped (resources/icons), for windows and the taskbar.

    Found beside the ``resources`` package rather than through ``importlib.resources``, whose
    readers take about 5 ms to import and set up at start-up. The files are on disk in both
    layouts the program runs from: the source tree, and the bundle, which keeps them under
    ``resources/icons`` beside the package (installer/sharewise.spec; the self-test checks it).
    """
    import resources

    icons = Path(resources.__file__).parent / "icons"
    icon = QIcon()
    for size in (48, 128, 256):
        icon.addFile(str(icons / f"sharewise-{size}.png"))
    return icon


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sharewise", description="Sharewise for early-years settings.")
    parser.add_argument("--demo", action="store_true", help="open a throwaway vault of fictional people")
    parser.add_argument("--data-dir", type=Path, help="the folder holding the vault")
    parser.add_argument(
        "--self-test", action="store_true", help="check this copy works on this computer, then exit"
    )
    parser.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)  # bench/
    return parser.parse_args(list(argv))


class Program:
    """Keeps the shell (and the wizard) alive for the life of the event loop."""

    def __init__(self, app: QApplication, args: argparse.Namespace, clock: Clock) -> None:
        self.app = app
        self.args = args
        self.clock = clock
        self.shell: Shell | None = None
        self.wizard: QWidget | None = None
        self.demo_folder: Path | None = None
        self.startup_error: QMessageBox | None = None
        self.restore_dialog: QWidget | None = None

    def fail(self, error: BaseException, folder: Path | None = None) -> None:
        """The sentence, and the way out: a vault whose files will not open (a key file missing
        or damaged, the database missing or not ours) can be restored from a backup here."""
        box = QMessageBox(QMessageBox.Icon.Critical, "Sharewise", sentence_for(error))
        box.setObjectName("startupError")
        restore = None
        if folder is not None and isinstance(error, RESTORABLE):
            restore = box.addButton("Restore from a backup…", QMessageBox.ButtonRole.ActionRole)
            restore.setObjectName("startupRestoreButton")
        box.addButton(QMessageBox.StandardButton.Close)

        def answered(_result: int) -> None:
            # Read the button here: the box closes before a button's own clicked slot would run.
            if folder is not None and restore is not None and box.clickedButton() is restore:
                self.restore_into(folder, parent=None, on_cancel=lambda: self.fail(error, folder))
            else:
                self.app.exit(1)

        box.finished.connect(answered)
        box.open()
        self.startup_error = box

    def ready(self) -> None:
        if self.args.exit_when_ready:
            QTimer.singleShot(0, self.app.quit)

    def open_folder(self, folder: Path, *, provider_name: str = "", demo: bool = False) -> None:
        keyring = None
        if demo:
            from app.vault.device import DeviceKeyring

            keyring = DeviceKeyring(None)
        try:
            vault = Vault.open(folder, keyring=keyring, clock=self.clock)
        except VaultNotFound:
            self.setup(folder)
            return
        except SharewiseError as error:
            self.fail(error, None if demo else folder)
            return
        accounts: tuple[DemoAccount, ...] = ()
        if demo:
            from app.demo import demo_accounts

            accounts = demo_accounts()
        self.shell = Shell(vault, clock=self.clock, provider_name=provider_name, demo_accounts=accounts)
        self.shell.start()
        self.ready()

    def setup(self, folder: Path) -> None:
        from ui.setup_wizard import SetupWizard  # only on the first run: keeps start-up quick

        wizard = SetupWizard(folder, clock=self.clock)
        wizard.finished_setup.connect(self.set_up)
        wizard.abandoned_after_creation.connect(self.abandoned)
        wizard.restore_requested.connect(lambda: self.restore_into(folder, parent=wizard))
        wizard.rejected.connect(self._wizard_closed)
        wizard.show()
        self.wizard = wizard
        self.ready()

    def restore_into(
        self, folder: Path, *, parent: QWidget | None, on_cancel: Callable[[], None] | None = None
    ) -> None:
        """Restore a backup into the data folder before any vault is open: at first run on a
        new computer instead of creating a vault (the drill), or over a vault whose files will
        not open. Usually with the recovery key: on a new computer the staff passwords were
        bound to the old one, and a vault without its key file cannot say whose backup it is."""
        from app.restore import check_for_restore, restore_backup
        from ui.restore_dialog import RestoreDialog

        clock = self.clock
        dialog = RestoreDialog(
            folder,
            check=lambda path, proof: check_for_restore(folder, path, proof, clock=clock),
            swap=lambda path, proof, confirm: restore_backup(
                folder,
                path,
                recovery_key=proof.recovery_key,
                username=proof.username or None,
                password=proof.password,
                clock=clock,
                confirm=confirm,
            ),
            prefer_key=True,
            parent=parent,
        )
        dialog.restored.connect(lambda result: self.restored_at_start(folder, result))
        if on_cancel is not None:
            dialog.rejected.connect(on_cancel)
        dialog.open()
        self.restore_dialog = dialog

    def restored_at_start(self, folder: Path, result: RestoreResult) -> None:
        """The vault is in place: leave setup, open it, say what came back."""
        self.restore_dialog = None
        self.open_folder(folder)
        if self.wizard is not None:
            self.wizard.close()
            self.wizard = None
        if self.shell is not None:
            self.shell.restored_at_start(result)

    def _wizard_closed(self) -> None:
        if self.shell is None:
            QTimer.singleShot(0, self.app.quit)

    def set_up(self, created: NewVault) -> None:
        self.shell = Shell(created.vault, clock=self.clock)
        self.shell.start()
        self.shell.signed_in(created.session)

    def abandoned(self, vault: Vault) -> None:
        self.shell = Shell(vault, clock=self.clock)
        self.shell.start()
        QMessageBox.information(
            self.shell.window,
            "Sharewise",
            "Setup is finished, but the recovery key was not confirmed. Sign in, then choose "
            "Settings → Re-issue recovery key to print a new Recovery Sheet.",
        )

    def start_demo(self) -> None:
        """Build the demo vault off the UI thread (Argon2id for each demo account)."""
        from app.demo import create_demo_vault, demo_data
        from app.vault import kdf
        from app.vault.device import DeviceKeyring
        from ui import operations

        self.demo_folder = Path(tempfile.mkdtemp(prefix="sharewise-demo-"))
        folder = self.demo_folder / "vault"
        waiting = QProgressDialog("Preparing the demo vault with fictional people…", "", 0, 0)
        waiting.setObjectName("demoProgress")
        waiting.setWindowTitle("Sharewise demo")
        waiting.setCancelButton(None)
        waiting.show()
        name = str(demo_data()["provider"]["name"])

        def made(_demo: object) -> None:
            waiting.close()
            self.open_folder(folder, provider_name=name, demo=True)

        def failed(error: BaseException) -> bool:
            waiting.close()
            self.fail(error)
            return True

        operations.run(
            None,
            lambda _p: create_demo_vault(
                folder, keyring=DeviceKeyring(None), clock=self.clock, kdf_params=kdf.floor()
            ),
            label="Preparing the demo…",
            on_progress=lambda _f: None,
            on_success=made,
            on_failure=failed,
        )

    def clean_up(self) -> None:
        """After the event loop: a session still open (``app.quit`` from elsewhere) is backed up
        and closed here, or a close backup still running is waited for, before the vault goes."""
        shell = self.shell
        if shell is not None and (shell.session is not None or shell.closing_backup is not None):
            shell.shut_down(wait=True)
        if self.demo_folder is not None:
            shutil.rmtree(self.demo_folder, ignore_errors=True)


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.self_test:  # before any window: it chooses the offscreen platform itself
        from ui.self_test import run

        return run()
    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication([sys.argv[0] if sys.argv else "sharewise"])
    )
    app.setApplicationName("Sharewise")
    app.setOrganizationName("Sharewise")
    app.setDesktopFileName(DESKTOP_ID)  # Wayland and the taskbar match the window to its .desktop file
    app.setWindowIcon(program_icon())
    app.setQuitOnLastWindowClosed(True)
    install_excepthook()
    collector = GarbageCollector(app)  # Qt objects are freed on the UI thread only
    program = Program(app, args, clock or SystemClock())
    if args.demo:
        program.start_demo()
    else:
        program.open_folder(args.data_dir or vault_folder(default_data_folder()))
    try:
        return app.exec()
    finally:
        program.clean_up()
        collector.stop()


if __name__ == "__main__":
    sys.exit(main())
