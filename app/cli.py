"""The admin command line, ``python -m app`` (installed as ``sharewise-admin``), for IT support.

Commands: ``init``, ``info``, ``verify``, ``backup``, ``restore``, ``demo``, ``restore-key-file``,
``self-test``. Every failure is one sentence on stderr and exit status 2 (``verify`` exits 1 when
the vault is damaged or the audit log does not verify; ``backup`` and ``restore`` exit 1 when they
refuse; ``self-test`` exits 1 when a check fails).
Nothing personal is printed except by ``demo``, whose people are fictional. Passwords are read
from the terminal without echo, or from stdin with ``--password-stdin``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from app import version
from app.backup import BackupContents
from app.data_folder import default_data_folder
from app.demo import create_demo_vault
from app.errors import IntegrityError, SharewiseError, SlotFileError
from app.policy.permissions import Role
from app.restore import restore_backup
from app.settings import ProviderProfile
from app.staff import NewStaff
from app.vault import slot_file
from app.vault.database_file import read_salt
from app.vault.file_lock import VaultFileLock
from app.vault.files import VaultPaths, write_atomically
from app.vault.vault import Vault

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


class CommandError(Exception):
    """A usage problem, reported as a sentence."""


def _read_password(args: argparse.Namespace, prompt: str, *, confirm: bool = False) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CommandError("No password was given on standard input.")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError("Use --password-stdin to give the password when not at a terminal.")
    password = getpass.getpass(prompt)
    if confirm and getpass.getpass("Type it again: ") != password:
        raise CommandError("The two passwords were different; nothing was created.")
    return password


def _folder(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else default_data_folder()


def cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    folder = _folder(args)
    password = _read_password(args, "Password for the first manager: ", confirm=True)
    roles = frozenset({Role.MANAGER} | ({Role.DSL} if args.dsl else set()))
    created = Vault.create(
        folder,
        provider=ProviderProfile(name=args.provider, ofsted_urn=args.urn or ""),
        manager=NewStaff(args.username, args.full_name, roles),
        password=password,
    )
    created.session.close()
    binding = created.vault.info().binding
    created.vault.close()
    print(f"Created a Sharewise vault in {folder}.", file=out)
    print(binding.sentence, file=out)
    print("", file=out)
    print("RECOVERY KEY (shown only now):", file=out)
    print(f"    {created.recovery_key.formatted()}", file=out)
    print(
        "Write it on the Recovery Sheet or print this, and keep it locked away from this computer.\n"
        "It opens the vault on any computer if every manager password is lost or the PC dies.",
        file=out,
    )
    return EXIT_OK


def cmd_info(args: argparse.Namespace, out: TextIO) -> int:
    with Vault.open(_folder(args)) as vault:
        info = vault.info()
    print(f"Sharewise {version()}", file=out)
    print(f"Vault created:      {info.created_at}", file=out)
    print(f"Schema version:     {info.schema_version}", file=out)
    print(f"Staff accounts:     {info.staff_accounts}", file=out)
    print(f"Recovery key slot:  {'present' if info.recovery_key_present else 'MISSING'}", file=out)
    print(f"Device binding:     {info.binding.state} ({info.binding.keyring.backend_name})", file=out)
    floor = " - BELOW THE SAFE MINIMUM (test setting)" if info.kdf.below_floor else ""
    memory = (
        f"{info.kdf.memory_kib // 1024} MiB" if info.kdf.memory_kib >= 1024 else f"{info.kdf.memory_kib} KiB"
    )
    print(f"Password hashing:   Argon2id, {memory}, {info.kdf.iterations} passes{floor}", file=out)
    print(info.binding.sentence, file=out)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    # Damage can surface while signing in (it reads and writes pages) or in the full check;
    # either way it is the answer to "verify", so exit 1, not the exit 2 of a usage error.
    try:
        with Vault.open(_folder(args)) as vault:
            password = _read_password(args, f"Password for {args.username}: ")
            with vault.sign_in(args.username, password) as session:
                failures = session.failed_attempts_since_last_sign_in
                if failures:
                    attempts = "attempt" if failures == 1 else "attempts"
                    print(f"{failures} failed sign-in {attempts} since you last signed in.", file=out)
                result = session.security.check()
    except IntegrityError as exc:
        print(exc.sentence, file=out)
        return EXIT_FAILED
    print(result.sentence, file=out)
    return EXIT_OK if result.ok else EXIT_FAILED


def _size(n: int) -> str:
    for unit, step in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= step:
            return f"{n / step:.1f} {unit}"
    return f"{n} bytes"


def cmd_backup(args: argparse.Namespace, out: TextIO) -> int:
    # The same checks as "Back up now": the person signs in, and must be a manager. Any refusal
    # (wrong password, not a manager, the disk) is the command's answer: exit 1 with its sentence.
    try:
        with Vault.open(_folder(args)) as vault:
            password = _read_password(args, f"Password for {args.username}: ")
            with vault.sign_in(args.username, password) as session:
                made = session.backups.make(Path(args.to))
    except SharewiseError as exc:
        print(exc.sentence, file=sys.stderr)
        return EXIT_FAILED
    print(f"Backup written to {made.path} ({_size(made.bytes)}).", file=out)
    return EXIT_OK


def _ask(question: str) -> bool:
    """A yes/no question at the terminal; anything but "y" or "yes" is no."""
    if not sys.stdin.isatty():
        raise CommandError("Use --yes to restore when not at a terminal; nothing was changed.")
    return input(question).strip().lower() in ("y", "yes")


def cmd_restore(args: argparse.Namespace, out: TextIO) -> int:
    # The same checks as restoring in the program: the backup is checked through and through
    # with the recovery key or a staff password before anything changes, and the vault it
    # replaces is kept in pre-restore/. Any refusal is the command's answer: exit 1.
    folder = _folder(args)
    if args.recovery_key:
        key: str | None = _read_password(args, "Recovery key (from the Recovery Sheet): ")
        username = password = None
    else:
        key, username = None, args.username
        password = _read_password(args, f"Password for {args.username}: ")

    def show(contents: BackupContents) -> bool:
        print(f"Backup made:        {contents.created_at}", file=out)
        print(f"Schema version:     {contents.schema_version}", file=out)
        print(
            f"Holds:              {contents.children} children, {contents.concerns} concerns, "
            f"{contents.decisions} sharing decisions, {contents.consents} consents, "
            f"{contents.staff} staff accounts",
            file=out,
        )
        print("Checks:             every page and the audit log verify", file=out)
        out.flush()
        return bool(args.yes) or _ask(f"Replace the vault in {folder} with this backup? Restore? [y/N] ")

    try:
        result = restore_backup(
            folder, Path(args.from_file), recovery_key=key, username=username, password=password, confirm=show
        )
    except (SharewiseError, CommandError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    print(f"Restored the backup into {folder}.", file=out)
    if result.pre_restore is not None:
        print(f"The vault it replaced was kept as {result.pre_restore}.", file=out)
    if result.pre_restore_wal is not None:
        print(f"Its unsaved log was kept beside it as {result.pre_restore_wal}.", file=out)
    if args.recovery_key:
        print(
            "Open it with the recovery key: it sets the manager's password, binds the vault to this "
            "computer and gives a new recovery key for the Recovery Sheet.",
            file=out,
        )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    folder = Path(args.data_dir)
    demo = create_demo_vault(folder)
    print(f"Demo vault (fictional data) created in {folder}", file=out)
    print(f"Setting: {demo.provider.name}", file=out)
    print("Demo accounts:", file=out)
    for account in demo.accounts:
        roles = ", ".join(r.label for r in Role if r in account.roles)
        print(f"  {account.username:<12} {account.password:<24} {account.full_name} ({roles})", file=out)
    print(f"Demo recovery key: {demo.recovery_key.formatted()}", file=out)
    return EXIT_OK


def cmd_restore_key_file(args: argparse.Namespace, out: TextIO) -> int:
    paths = VaultPaths(_folder(args))
    lock = VaultFileLock(paths.lock)
    lock.acquire()
    try:
        try:
            slot_file.load(paths)
        except SharewiseError:
            pass
        else:
            print("The key file is present and readable; there is nothing to restore.", file=out)
            return EXIT_OK
        try:
            kept = slot_file.load_kept(paths)
        except SlotFileError as exc:
            # Its own sentence would send IT support back to this very command.
            raise CommandError(
                "The key file cannot be restored from its kept copy, which is missing or damaged too. "
                "Restore the vault from its most recent backup with the recovery key "
                "(sharewise-admin restore --recovery-key); nothing was changed."
            ) from exc
        db_salt = read_salt(paths.database)
        if kept.recovery_slot(db_salt) is None and not kept.staff_slots(db_salt):
            raise CommandError(
                "The kept copy of the key file does not match this database. Restore the vault "
                "from a backup instead."
            )
        write_atomically(paths.slots, kept.to_bytes(), doing="restore the key file")
    finally:
        lock.release()
    print(
        "The key file was restored from its kept copy. Sign in to check it; anyone whose password "
        "changed very recently may need the manager to reset it.",
        file=out,
    )
    return EXIT_OK


def cmd_self_test(_args: argparse.Namespace, out: TextIO) -> int:
    # Never the person's data folder: a fictional vault in a temporary folder, removed at the end.
    from app import self_test

    def show(check: self_test.Check) -> None:
        print(check.line, file=out, flush=True)

    result = self_test.run_checks(show)
    print(self_test.summary(result.checks), file=out)
    return EXIT_OK if result.passed else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sharewise-admin", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"Sharewise {version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    Handler = Callable[[argparse.Namespace, TextIO], int]

    def add(name: str, handler: Handler, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        sub.add_argument("--data-dir", help="the vault's folder (default: the per-user data folder)")
        return sub

    init = add("init", cmd_init, "Create a vault with the setting's first manager.")
    init.add_argument("--provider", required=True, help="the setting's name")
    init.add_argument("--urn", help="the Ofsted URN")
    init.add_argument("--username", required=True)
    init.add_argument("--full-name", required=True)
    init.add_argument("--dsl", action="store_true", help="the manager is also the DSL")
    init.add_argument("--password-stdin", action="store_true")

    add("info", cmd_info, "Show the vault's version, accounts and binding (nothing personal).")

    verify = add("verify", cmd_verify, "Sign in and check every page of the database and the audit log.")
    verify.add_argument("--username", required=True)
    verify.add_argument("--password-stdin", action="store_true")

    backup = add("backup", cmd_backup, "Write an encrypted backup of the vault into a folder (a manager).")
    backup.add_argument("--to", required=True, help="the folder to write the backup file into")
    backup.add_argument("--username", required=True)
    backup.add_argument("--password-stdin", action="store_true")

    restore = add("restore", cmd_restore, "Check a backup file and swap it in, keeping the current vault.")
    restore.add_argument("--from", dest="from_file", required=True, help="the .swbackup file")
    proof = restore.add_mutually_exclusive_group(required=True)
    proof.add_argument("--recovery-key", action="store_true", help="prove access with the recovery key")
    proof.add_argument("--username", help="prove access with this staff member's password (this PC)")
    restore.add_argument("--yes", action="store_true", help="do not ask before restoring")
    restore.add_argument("--password-stdin", action="store_true", help="read the key or password from stdin")

    add("demo", cmd_demo, "Create a demo vault with fictional people (needs --data-dir).")

    add("restore-key-file", cmd_restore_key_file, "Restore a missing or damaged key file from its kept copy.")

    checks = "Check this copy of Sharewise works here, on a fictional vault in a temporary folder."
    self_test = commands.add_parser("self-test", help=checks, description=checks)
    self_test.set_defaults(handler=cmd_self_test)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo" and not args.data_dir:
        parser.error("demo needs --data-dir (an empty folder for the throwaway demo vault)")
    try:
        result: int = args.handler(args, out)
        return result
    except (SharewiseError, CommandError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("Stopped. Every change is saved all-or-nothing, so nothing was half-written.", file=sys.stderr)
        return 130
