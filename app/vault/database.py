"""The SQLCipher connection: opened with the raw data key, checked, and guarded.

SQLCipher 4 defaults are kept (AES-256, HMAC-SHA512 per page, 4096-byte pages, no plaintext
header). We refuse to go on when ``cipher_version`` is empty (a plain SQLite library silently
ignores ``PRAGMA key`` and would write children's records in clear) or when the file starts
with the plain SQLite header.

One connection, serialised by a lock: the UI reaches it only through the session, from
whichever thread runs the operation, one at a time. Errors from the library are translated into
the core's typed errors with a sentence; a damaged page becomes ``IntegrityError``, a full disk
becomes ``StorageError``, and in both cases the transaction is rolled back.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3

from app.errors import IntegrityError, NotEncrypted, StorageError, VaultInUse
from app.vault import closing
from app.vault.database_file import DAMAGED, read_salt
from app.vault.files import storage_error

CACHE_KIB = 64 * 1024

Row = Any  # sqlcipher3.Row: index by column name or position
Params = Sequence[Any] | Mapping[str, Any]  # positional ? or named :name parameters


def _translate(exc: BaseException) -> BaseException:
    message = str(exc).lower()
    if isinstance(exc, sqlcipher3.IntegrityError):
        loud: BaseException = exc  # a constraint: services validate first, so it is a bug
        return loud
    if "disk is full" in message or "database or disk is full" in message:
        return StorageError(
            "The disk is full, so the last change was not saved. Nothing already saved has been "
            "lost. Free some space on the disk and try again."
        )
    if "disk i/o error" in message or "readonly" in message or "read-only" in message:
        return StorageError(
            "The database file could not be written (the disk reported an error). The last change "
            "was not saved; nothing already saved has been lost. Check the disk and try again."
        )
    if "database is locked" in message or "database is busy" in message:
        return VaultInUse(
            "The database is busy in another program. Close any other copy of Sharewise and try again."
        )
    if isinstance(exc, sqlcipher3.DatabaseError) and (
        "not a database" in message or "malformed" in message or "corrupt" in message
    ):
        return IntegrityError(DAMAGED)
    return exc


class Database:
    """An open, keyed SQLCipher database."""

    def __init__(self, connection: Any, path: Path) -> None:
        self._connection = connection
        self._path = path
        self._lock = threading.RLock()
        self._in_transaction = False
        self._closed = False

    @classmethod
    def open(cls, path: Path, data_key: bytes, *, create: bool = False) -> Database:
        """Open (or with ``create``, make) the database at ``path`` with the raw 32-byte key.

        Does not write anything when opening an existing file, so a database that turns out to
        be newer or damaged is left as it was.
        """
        if len(data_key) != 32:
            raise ValueError("the data key is 32 bytes")
        if create:
            # Made here, owner-only, so SQLite (and its -wal/-shm files, which copy the mode)
            # never create it world-readable. An empty file is a new database to SQLite.
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                raise  # the caller's mistake, not a disk problem
            except OSError as exc:
                raise storage_error(exc, "create the database file") from exc
        else:
            read_salt(path)  # refuses a plain SQLite file before SQLite touches it
        try:
            connection = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
        except sqlcipher3.Error as exc:
            raise _translate(exc) from exc
        database = cls(connection, path)
        try:
            database._key(data_key)
            if create:
                database.configure()
        except BaseException:
            connection.close()
            raise
        return database

    def _key(self, data_key: bytes) -> None:
        with self._mapped():
            # SQLCipher's own log goes to stderr by default; it must never write anything.
            self._connection.execute("PRAGMA cipher_log_level = NONE")
            self._connection.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
            version = self._connection.execute("PRAGMA cipher_version").fetchone()
            if not version or not version[0]:
                raise NotEncrypted(
                    "This copy of Sharewise is using an SQLite library without encryption "
                    "(SQLCipher). It will not open or create a vault with it; reinstall Sharewise."
                )
            self._connection.row_factory = sqlcipher3.Row
            # Reads page 1: a wrong key or a damaged first page fails here.
            self._connection.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def configure(self) -> None:
        """Connection settings from the architecture page. May write (the WAL flag) once."""
        with self._mapped():
            self._connection.execute("PRAGMA temp_store = MEMORY")
            mode = self._connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StorageError(
                    "The database could not be switched to its safe write mode (WAL). Check that "
                    "the data folder is on a local disk and try again."
                )
            self._connection.execute("PRAGMA synchronous = FULL")
            self._connection.execute("PRAGMA foreign_keys = ON")
            # Deleted content is overwritten with zeros, not left in free pages (retention).
            self._connection.execute("PRAGMA secure_delete = ON")
            self._connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")

    @property
    def path(self) -> Path:
        return self._path

    def salt(self) -> str:
        return read_salt(self._path)

    @contextmanager
    def _mapped(self) -> Iterator[None]:
        try:
            yield
        except sqlcipher3.Error as exc:
            raise _translate(exc) from exc

    def query(self, sql: str, params: Params = ()) -> list[Row]:
        with self._lock, self._mapped():
            return list(self._connection.execute(sql, params).fetchall())

    def one(self, sql: str, params: Params = ()) -> Row | None:
        with self._lock, self._mapped():
            row = self._connection.execute(sql, params).fetchone()
            return row

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement inside ``transaction()``; returns the last row id."""
        if not self._in_transaction:
            raise RuntimeError("writes happen inside Database.transaction()")
        with self._mapped():
            cursor = self._connection.execute(sql, params)
            return int(cursor.lastrowid or 0)

    def execute_script(self, script: str) -> None:
        """Run a multi-statement script inside ``transaction()`` (migrations)."""
        if not self._in_transaction:
            raise RuntimeError("scripts run inside Database.transaction()")
        with self._mapped():
            cursor = self._connection.cursor()
            for statement in _split_statements(script):
                cursor.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """BEGIN IMMEDIATE ... COMMIT; any exception rolls the whole change back."""
        with self._lock:
            if self._in_transaction:
                raise RuntimeError("transactions do not nest")
            with self._mapped():
                self._connection.execute("BEGIN IMMEDIATE")
            self._in_transaction = True
            try:
                yield self
                with self._mapped():
                    self._connection.execute("COMMIT")
            except BaseException:
                try:
                    self._connection.execute("ROLLBACK")
                except sqlcipher3.Error:
                    pass  # the failed COMMIT may already have ended the transaction
                raise
            finally:
                self._in_transaction = False

    def checkpoint(self) -> None:
        with self._lock, self._mapped():
            self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def vacuum(self) -> None:
        """Rebuild the file without free pages, then fold the WAL back in and empty it: after a
        destruction nothing deleted survives in any page of the database or its WAL."""
        with self._lock, self._mapped():
            if self._in_transaction:
                raise RuntimeError("VACUUM runs outside a transaction")
            self._connection.execute("VACUUM")
            self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def vacuum_pending(self) -> None:
        """Inside a transaction that deletes for good: if the program stops (or the screen locks)
        before ``vacuum`` runs, the next opening of the vault runs it (``finish_vacuum``)."""
        self.execute("INSERT OR REPLACE INTO vault_meta (key, value) VALUES ('vacuum_pending', '1')")

    def finish_vacuum(self) -> None:
        """Vacuum now if a destruction asked for it; then forget the request."""
        if self.scalar("SELECT count(*) FROM vault_meta WHERE key = 'vacuum_pending'"):
            self.vacuum()
            with self.transaction() as tx:
                tx.execute("DELETE FROM vault_meta WHERE key = 'vacuum_pending'")

    def integrity_problems(self) -> list[str]:
        """Every page's HMAC, SQLite's structure check and foreign keys; [] when all is well."""
        problems: list[str] = []
        with self._lock, self._mapped():
            for row in self._connection.execute("PRAGMA cipher_integrity_check").fetchall():
                problems.append(str(row[0]))
            if problems:
                return problems  # structure checks on pages that fail HMAC only add noise
            rows = self._connection.execute("PRAGMA integrity_check").fetchall()
            if [str(r[0]) for r in rows] != ["ok"]:
                problems.extend(str(r[0]) for r in rows)
            for row in self._connection.execute("PRAGMA foreign_key_check").fetchall():
                problems.append(f"foreign key broken in {row[0]} row {row[1]}")
        return problems

    def export_copy(self, target: Path, data_key: bytes, user_version: int) -> None:
        """Write a full copy of the database to ``target`` encrypted under ``data_key``."""
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as exc:
            raise storage_error(exc, "write the re-encrypted copy") from exc
        with self._lock, self._mapped():
            self._connection.execute(
                f"ATTACH DATABASE ? AS exported KEY \"x'{data_key.hex()}'\"", (str(target),)
            )
            try:
                self._connection.execute("SELECT sqlcipher_export('exported')").fetchall()
                self._connection.execute(f"PRAGMA exported.user_version = {int(user_version)}")
            finally:
                self._connection.execute("DETACH DATABASE exported")

    def copy_to(self, target: Path) -> None:
        """Write a consistent copy of the database file to ``target`` (made owner-only).

        The WAL is folded in and emptied first, under the lock and outside any transaction, so
        the main file alone holds every committed change and nothing writes while it is read.
        The bytes are copied as they are: SQLCipher's salt and page HMACs stay, so the same key
        slots open the copy (``sqlcipher_export`` would give it a new salt). An ``OSError``
        from ``target`` is left to the caller, which knows what the target is to the person.
        """
        with self._lock:
            if self._in_transaction:
                raise RuntimeError("a copy is taken outside a transaction")
            with self._mapped():
                busy = self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy is None or int(busy[0]) != 0:
                raise VaultInUse(
                    "The database is busy, so the backup copy was not taken. Close any other copy "
                    "of Sharewise and try again."
                )
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            fd = os.open(target, flags, 0o600)
            try:
                with self._path.open("rb") as source:
                    while chunk := source.read(1 << 20):
                        view = memoryview(chunk)
                        while view:
                            view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)

    @property
    def closed(self) -> bool:
        return self._closed

    def close_in_background(self) -> None:
        """Close on a thread of its own, so a lock or sign-out clears the screen at once.

        The caller drops every reference it had first (the session is already closed to its
        users); copying the WAL in can take tens of milliseconds, more on a slow disk, and waits
        for a statement a worker is still running. ``closing.wait_for_closes`` waits for it:
        before the program exits and before a restore replaces the files.
        """
        closing.close_in_background(self.close)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            try:
                # The two costly parts of closing, done first as statements, which run with the
                # GIL released: copying the WAL into the database and freeing the page cache
                # (up to CACHE_KIB, every page wiped by SQLCipher). ``close()`` itself keeps the
                # GIL throughout, so left to it they froze the window for 50 ms and more at every
                # lock, whichever thread closed. Either may find nothing to do; close() finishes.
                self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                self._connection.execute("PRAGMA shrink_memory").fetchall()
            except sqlcipher3.Error:
                pass  # busy or failed: close() checkpoints what it can, as it always did
            try:
                self._connection.close()
            except sqlcipher3.Error:
                pass  # closing after a failure: nothing more to save


def _split_statements(script: str) -> list[str]:
    """Split SQL into complete statements (triggers contain semicolons, so ask SQLite)."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlcipher3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip() and not current.strip().startswith("--"):
        statements.append(current.strip())
    return statements
