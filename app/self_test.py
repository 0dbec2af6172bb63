"""The self-test (``sharewise-admin self-test``, and the core of ``sharewise --self-test``).

For IT support and for CI on the built bundle: proves that this copy of Sharewise can do its
work on this computer without touching anyone's data. In a private temporary folder it creates
a fictional vault (cheap key settings and an in-memory keyring: the folder is thrown away, so
nothing here weakens a real vault), signs in, writes and reads a child with a non-Latin name,
builds the consent forms PDF with the real report code, verifies the audit chain, and checks
that the database file is encrypted. It then checks the computer's keyring with a throwaway
entry under its own service name, and removes the folder whatever happened.

Every check ends as one line with a sentence; an unexpected error becomes a failed check with
its message, never a traceback, so the output can be pasted into a support email as it is
(nothing in it is personal).
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import keyring.backend
import keyring.errors
import sqlcipher3
from keyring.backend import KeyringBackend

from app import version
from app.children import CarerDetails, ChildDetails
from app.clock import SystemClock
from app.errors import SharewiseError
from app.policy.permissions import Role
from app.reports.forms import build_forms
from app.session import Session
from app.settings import ProviderProfile
from app.staff import NewStaff
from app.vault import kdf
from app.vault.database_file import PLAIN_SQLITE_HEADER
from app.vault.device import DeviceKeyring, KeyringState, choose_backend
from app.vault.files import VaultPaths
from app.vault.vault import Vault

# The service name of the throwaway keyring entry: plainly not Sharewise's own ("Sharewise"),
# so it can never touch a vault's device key, and anyone looking in the keyring knows what it is.
KEYRING_SERVICE = "sharewise-self-test"

# Fictional throughout, in several scripts, to prove the fonts and the database keep them.
PROVIDER_NAME = "Self-test Nursery (fictional)"
MANAGER = NewStaff("selftest", "Siobhán Self-test", frozenset({Role.MANAGER, Role.DSL}))
CHILD_NAME = "Αλέξανδρος Nguyễn"
CARER_NAME = "Дмитрий Nguyễn"

FOLDER = "Temporary folder"
NOT_RUN = "Not checked, because the vault could not be created or signed in to (see above)."


@dataclass(frozen=True)
class Check:
    """One line of the report. ``warning``: passed, but something IT support should know."""

    name: str
    passed: bool
    sentence: str
    warning: bool = False

    @property
    def line(self) -> str:
        label = "FAILED" if not self.passed else "warning" if self.warning else "ok"
        return f"{label}: {self.name}: {self.sentence}"


@dataclass(frozen=True)
class Versions:
    """What a support email needs to say which Sharewise this is. Nothing personal."""

    sharewise: str
    sqlcipher: str
    sqlite: str
    python: str

    @property
    def lines(self) -> tuple[str, ...]:
        return (
            f"Sharewise {self.sharewise}",
            f"SQLCipher {self.sqlcipher or 'MISSING'} (SQLite {self.sqlite})",
            f"Python {self.python}",
        )


@dataclass(frozen=True)
class SelfTestResult:
    checks: tuple[Check, ...]
    folder: Path  # the temporary folder it worked in (removed by the time this is returned)
    pdf: bytes | None = None  # the fictional forms PDF, for the Qt part to render

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def summary(checks: Sequence[Check]) -> str:
    """The last line of the report."""
    failed = sum(1 for c in checks if not c.passed)
    if not failed:
        return "Self-test passed."
    return f"Self-test failed: {failed} of {len(checks)} checks."


def library_versions() -> Versions:
    """Sharewise, SQLCipher, SQLite and Python versions (asks the SQLCipher library itself: an
    empty cipher version means an SQLite without encryption was loaded)."""
    connection = sqlcipher3.connect(":memory:")
    try:
        row = connection.execute("PRAGMA cipher_version").fetchone()
    finally:
        connection.close()
    cipher = str(row[0]) if row and row[0] else ""
    return Versions(version(), cipher, str(sqlcipher3.sqlite_version), sys.version.split()[0])


class _MemoryKeyring(KeyringBackend):
    """The fictional vault's keyring, held in memory so its device key never reaches the
    computer's keyring. No ``priority``: keyring never offers it as a backend to anyone else."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@dataclass
class _Work:
    """What the checks hand on to each other during one run."""

    folder: Path
    vault: Vault | None = None
    session: Session | None = None
    child_id: int | None = None
    pdf: bytes | None = None
    notes: list[str] = field(default_factory=list)


# --- the checks: each returns its sentence, or raises with one --------------------------------


class CheckFailed(Exception):
    """A check found something wrong; the message is the sentence."""


def check_versions(_work: _Work) -> str:
    return ", ".join(library_versions().lines) + "."


def check_sqlcipher(_work: _Work) -> str:
    found = library_versions()
    if not found.sqlcipher:
        raise CheckFailed(
            "The database library is plain SQLite without encryption (SQLCipher is missing). "
            "Sharewise will not open a vault with it; reinstall Sharewise."
        )
    return f"The encrypted database library is SQLCipher {found.sqlcipher} (SQLite {found.sqlite})."


def check_vault(work: _Work) -> str:
    password = secrets.token_urlsafe(18)  # never shown: the vault is thrown away
    created = Vault.create(
        work.folder / "vault",
        provider=ProviderProfile(name=PROVIDER_NAME),
        manager=MANAGER,
        password=password,
        keyring=DeviceKeyring(_MemoryKeyring()),
        clock=SystemClock(),
        kdf_params=kdf.CHEAP_FOR_TESTS,  # this folder only; real vaults calibrate at setup
        demo=True,
    )
    work.vault = created.vault
    created.session.close()
    work.session = created.vault.sign_in(MANAGER.username, password)
    return "A fictional vault was created in a private temporary folder and signed in to."


def check_records(work: _Work) -> str:
    session = _session(work)
    child = session.children.add(
        ChildDetails(
            legal_name=CHILD_NAME, date_of_birth="2023-03-01", start_date="2025-09-01", room="Acorns"
        )
    )
    session.children.add_carer(child.id, CarerDetails(CARER_NAME, "Father", True, True))
    work.child_id = int(child.id)
    back = session.children.get(int(child.id))
    if back.legal_name != CHILD_NAME or [c.full_name for c in back.carers] != [CARER_NAME]:
        raise CheckFailed("A child written to the vault did not read back the same.")
    return "A child and a carer named in Greek, Cyrillic and Vietnamese letters were written and read back."


def check_pdf(work: _Work) -> str:
    session = _session(work)
    if work.child_id is None:
        raise CheckFailed("There was no child to print forms for (see the check above).")
    forms = build_forms(
        session.forms.families([work.child_id]),
        branding=session.forms.branding(),
        kinds=session.forms.kinds(),
        privacy=session.forms.privacy_facts(),
        demo=True,
    )
    if not forms.data.startswith(b"%PDF-") or b"%%EOF" not in forms.data[-1024:]:
        raise CheckFailed("The consent forms were built but the file is not a complete PDF.")
    if forms.pages < 1:
        raise CheckFailed("The consent forms PDF has no pages.")
    if forms.warnings:
        raise CheckFailed(" ".join(forms.warnings))
    work.pdf = forms.data
    return f"The consent forms for a fictional family were built as a {forms.pages}-page PDF."


def check_audit(work: _Work) -> str:
    report = _session(work).audit.verify()
    if not report.ok:
        raise CheckFailed(report.sentence)
    if report.entries_checked < 1:
        raise CheckFailed(
            "The audit log is empty, but creating a vault and adding a child should write to it."
        )
    return f"The audit log's chain of {report.entries_checked} entries verifies."


def check_encrypted_file(work: _Work) -> str:
    """After signing out and closing: the file on disk is not readable as plain SQLite."""
    if work.session is not None:
        work.session.close()
        work.session = None
    if work.vault is not None:
        work.vault.close()
        work.vault = None
    database = VaultPaths(work.folder / "vault").database
    with database.open("rb") as handle:
        head = handle.read(len(PLAIN_SQLITE_HEADER))
    if head == PLAIN_SQLITE_HEADER:
        raise CheckFailed("The vault's database file starts like plain SQLite: it is not encrypted.")
    plain = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        pass  # what we want: without the key it is not a database
    else:
        raise CheckFailed(
            "The vault's database file opened as plain SQLite without its key: it is not encrypted."
        )
    finally:
        plain.close()
    return "The database file on disk is encrypted: plain SQLite cannot open it."


def system_keyring_backend() -> KeyringBackend | None:
    """The backend Sharewise would bind vaults to (the same choice as ``DeviceKeyring.system``)."""
    try:
        candidates = keyring.backend.get_all_keyring()
    except Exception:  # plugin loading can fail in odd environments: as Sharewise itself treats it
        candidates = []
    return choose_backend(candidates)


def check_keyring(_work: _Work) -> Check:
    name = "Keyring"
    backend = system_keyring_backend()
    device = DeviceKeyring(backend)
    if backend is None:
        return Check(
            name,
            True,
            f"{device.status_for(KeyringState.NONE).sentence} Sharewise works without one: a vault "
            "is then protected by the staff passwords alone, not also by this computer.",
            warning=True,
        )
    entry = f"check-{secrets.token_hex(8)}"
    value = secrets.token_urlsafe(24)
    try:
        backend.set_password(KEYRING_SERVICE, entry, value)
        try:
            read = backend.get_password(KEYRING_SERVICE, entry)
        finally:
            backend.delete_password(KEYRING_SERVICE, entry)
        left = backend.get_password(KEYRING_SERVICE, entry)
    except keyring.errors.KeyringLocked:
        return Check(
            name,
            True,
            f"{device.status_for(KeyringState.LOCKED).sentence} Sharewise works meanwhile: a vault "
            "is then protected by the staff passwords alone, not also by this computer.",
            warning=True,
        )
    except Exception as exc:
        return Check(
            name,
            False,
            f"This computer's keyring ({device.backend_name}) gave an error when storing a test entry "
            f"({_message(exc)}), so vaults cannot be bound to this computer. Check the keyring "
            "(Credential Manager, Keychain or GNOME Keyring) is working.",
        )
    if read != value:
        return Check(
            name,
            False,
            f"This computer's keyring ({device.backend_name}) accepted a test entry but gave back "
            "something else, so it cannot be trusted with a vault's device key.",
        )
    if left is not None:
        return Check(
            name,
            False,
            f"This computer's keyring ({device.backend_name}) did not delete the test entry "
            f"{KEYRING_SERVICE}/{entry}; remove it by hand.",
        )
    return Check(
        name,
        True,
        f"This computer's keyring ({device.backend_name}) stored, read back and deleted a test entry.",
    )


def _session(work: _Work) -> Session:
    if work.session is None:
        raise CheckFailed(NOT_RUN)
    return work.session


def _message(exc: BaseException) -> str:
    if isinstance(exc, SharewiseError | CheckFailed):
        return str(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _tidy(work: _Work) -> None:
    """Close whatever is still open so the folder can go (errors here are ignored: the folder
    check below says whether it went)."""
    with contextlib.suppress(Exception):
        if work.session is not None:
            work.session.close()
    with contextlib.suppress(Exception):
        if work.vault is not None:
            work.vault.close()
    work.session = None
    work.vault = None


# The vault checks in order: (name shown, check). Looked up at run time, so tests may replace one.
VAULT_CHECKS: tuple[tuple[str, str], ...] = (
    ("Vault", "check_vault"),
    ("Records", "check_records"),
    ("PDF", "check_pdf"),
    ("Audit log", "check_audit"),
    ("Encryption at rest", "check_encrypted_file"),
)


def run_checks(report: Callable[[Check], None] | None = None) -> SelfTestResult:
    """Run every core check; ``report`` is called with each as it finishes (to print progress)."""
    checks: list[Check] = []

    def done(check: Check) -> None:
        checks.append(check)
        if report is not None:
            report(check)

    def attempt(name: str, step: Callable[[_Work], str], work: _Work) -> bool:
        try:
            sentence = step(work)
        except Exception as exc:
            done(Check(name, False, _message(exc)))
            return False
        done(Check(name, True, sentence))
        return True

    this_module = sys.modules[__name__]
    attempt("Versions", this_module.check_versions, _Work(Path()))
    attempt("SQLCipher", this_module.check_sqlcipher, _Work(Path()))
    folder = Path(tempfile.mkdtemp(prefix="sharewise-self-test-"))  # 0700, made by mkdtemp
    work = _Work(folder)
    try:
        going = True
        for name, function in VAULT_CHECKS:
            if going:
                going = attempt(name, getattr(this_module, function), work) or name != "Vault"
            else:
                done(Check(name, False, NOT_RUN))
    finally:
        _tidy(work)
        shutil.rmtree(folder, ignore_errors=True)
    try:
        done(this_module.check_keyring(work))
    except Exception as exc:
        done(Check("Keyring", False, f"The keyring check stopped with an error: {_message(exc)}."))
    if folder.exists():
        done(Check(FOLDER, False, f"The temporary folder {folder} could not be removed; delete it."))
    else:
        done(Check(FOLDER, True, "The temporary folder and the fictional vault in it were removed."))
    return SelfTestResult(tuple(checks), folder, work.pdf)
