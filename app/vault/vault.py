"""A vault folder: open it (this process holds it), then sign in to get a ``Session``.

    vault = Vault.open(folder)              # file lock; reads the slot file; nothing decrypted
    session = vault.sign_in("zoe", "...")   # Argon2id (off the UI thread), then SQLCipher
    ...
    session.close()                         # sign out or lock: the key and connection go
    vault.close()                           # lets another program open the folder

Creating a vault writes the database under a temporary name, then the slot file, then renames
the database into place, so an interrupted setup leaves nothing that looks like a vault.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from app import usernames
from app.clock import Clock, SystemClock, to_text
from app.errors import (
    DeviceKeyMissing,
    IntegrityError,
    KeyringUnavailable,
    RecoveryKeyMismatch,
    SharewiseError,
    SlotFileError,
    StorageError,
    ValidationError,
    VaultExists,
    VaultNotFound,
    WrongPassword,
)
from app.policy.permissions import Role
from app.vault import kdf, keyslots, recovery_key, restore_note, slot_file
from app.vault.closing import wait_for_closes
from app.vault.database_file import read_salt
from app.vault.device import DeviceKeyring
from app.vault.file_lock import VaultFileLock
from app.vault.files import (
    VaultPaths,
    fsync_folder,
    remove_database_files,
    sidecar,
    storage_error,
    write_atomically,
)
from app.vault.kdf import KdfParams
from app.vault.keyslots import Slot
from app.vault.recovery_key import RecoveryKey
from app.vault.sign_in_attempts import SignInAttempts, wait_sentence
from app.vault.slot_file import SlotFile

if TYPE_CHECKING:
    # What a sign-in needs (SQLCipher, the session and its services) is imported in the methods
    # that sign in, create or inspect, on their worker thread: opening the folder for the
    # sign-in page reads only the lock, key and attempts files, and the window starts sooner.
    from app import settings
    from app.session import Session
    from app.settings import ProviderProfile
    from app.staff import NewStaff, Staff
    from app.vault.database import Database
    from app.vault.key_store import BindingStatus, KeyStore

CLOSE_WAIT_SECONDS = 60.0  # a connection closing off the UI thread: the WAL copied in, then closed
WRONG = "The username or password is not right. Check Caps Lock and try again."
MISMATCHED = (
    "The key file and the database in this folder do not belong together: the database is "
    "damaged or was replaced, or the key file comes from another vault. Restore both from the "
    "same backup; nothing has been changed."
)
DEVICE_KEY_MISSING = (
    "Staff passwords for this vault only work on the computer it is bound to, and this computer "
    "does not hold its device key (it is a different computer, or the key was removed from the "
    "keyring). Open the vault with the recovery key; Sharewise will then bind it to this computer."
)


@dataclass(frozen=True)
class VaultInfo:
    """What IT support may see without signing in. Nothing personal."""

    vault_id: str
    created_at: str
    schema_version: int
    staff_accounts: int
    recovery_key_present: bool
    binding: BindingStatus
    kdf: KdfParams


@dataclass(frozen=True)
class NewVault:
    vault: Vault
    session: Session
    recovery_key: RecoveryKey


def _matching_slots(slots: SlotFile, db_salt: str) -> str:
    """``db_salt`` if the key file has slots for this database file; else ``IntegrityError``.

    Checked before any password is tried, so a foreign key file or a damaged database header is
    reported as what it is, not as a wrong password (and is not counted as a failed sign-in).
    """
    if not any(s.db_salt == db_salt for s in slots.slots):
        raise IntegrityError(MISMATCHED)
    return db_salt


def restoring_database(paths: VaultPaths) -> Path:
    """A restore's database, staged beside the live one before the swap (``app.restore``)."""
    return paths.folder / "sharewise.db.restoring"


def restoring_slots(paths: VaultPaths) -> Path:
    """A restore's key file, staged after its database; its presence means the staging is whole."""
    return paths.folder / "sharewise.slots.restoring"


def settle_restore(paths: VaultPaths) -> None:
    """Finish or undo a restore that stopped part-way (under the vault's lock).

    A restore stages the database, then the key file, then renames the database into place
    (the point of no return) and then the key file. So a staged key file with no staged database
    means the database was swapped in: roll forward with the key file that opens it (and keep
    it as the kept copy too, since the old kept copy opens only the old database). A staged
    database still there means the swap never happened: the vault is as it was.
    """
    staged_db, staged_slots = restoring_database(paths), restoring_slots(paths)
    try:
        if staged_slots.exists() and not staged_db.exists():
            raw = staged_slots.read_bytes()
            os.replace(staged_slots, paths.slots)
            fsync_folder(paths.folder)
            write_atomically(paths.slots_kept, raw, doing="keep a copy of the restored key file")
            return
        staged_slots.unlink(missing_ok=True)
        remove_database_files(staged_db)
    except OSError as exc:
        raise storage_error(exc, "finish restoring the vault") from exc


# What a restore's audit entry says: moments and how access was proved, nothing personal.
RESTORE_DETAIL = ("backup_created_at", "proof", "replaced_another_vault", "pre_restore")


class Vault:
    def __init__(
        self, paths: VaultPaths, lock: VaultFileLock, device: DeviceKeyring | None, clock: Clock
    ) -> None:
        self._paths = paths
        self._lock = lock
        self._chosen_device = device
        self._clock = clock
        self._attempts = SignInAttempts(paths.sign_in_attempts, clock)
        self._session: Session | None = None

    @property
    def _device(self) -> DeviceKeyring:
        """The OS keyring, looked up on first use: finding the backend loads every keyring plugin
        (about 50 ms), which belongs in the sign-in's worker thread, not the window's start."""
        if self._chosen_device is None:
            self._chosen_device = DeviceKeyring.system()
        return self._chosen_device

    # --- finding, creating, opening ----------------------------------------------------------

    @staticmethod
    def exists(folder: Path) -> bool:
        paths = VaultPaths(Path(folder))
        return paths.database.exists() or paths.slots.exists()

    @staticmethod
    def _tidy(paths: VaultPaths) -> None:
        """Remove what an interrupted setup or rekey left behind, and settle an interrupted
        restore (under the lock)."""
        settle_restore(paths)
        creating = paths.database_being_created
        if creating.exists() and not paths.database.exists():
            # Setup never finished: there is no vault yet, only its first attempt.
            remove_database_files(creating)
            for path in (paths.slots, paths.slots_kept):
                path.unlink(missing_ok=True)
        remove_database_files(paths.database_being_rekeyed)
        retired = paths.database_retired
        if retired.exists() and paths.database.exists() and os.path.samefile(retired, paths.database):
            # A rekey stopped between linking and swapping: this name is the live database
            # itself. Drop the name only; shredding it would destroy the vault.
            retired.unlink()
        else:
            remove_database_files(retired)

    @classmethod
    def open(cls, folder: Path, *, keyring: DeviceKeyring | None = None, clock: Clock | None = None) -> Vault:
        """Take the vault for this process (``VaultInUse`` if another has it) and check files."""
        paths = VaultPaths(Path(folder))
        if not paths.folder.is_dir():
            raise VaultNotFound("There is no Sharewise vault in this folder yet.")
        lock = VaultFileLock(paths.lock)
        lock.acquire()
        try:
            cls._tidy(paths)
            if not paths.database.exists() and not paths.slots.exists():
                raise VaultNotFound("There is no Sharewise vault in this folder yet.")
            if not paths.database.exists():
                raise IntegrityError(
                    "The vault's database file (sharewise.db) is missing from the data folder. "
                    "Restore the vault from a backup; nothing else has been changed."
                )
            # Clear messages now if the key file is missing or damaged, the database is plain
            # SQLite, or the two do not belong together.
            _matching_slots(slot_file.load(paths), read_salt(paths.database))
        except BaseException:
            lock.release()
            raise
        return cls(paths, lock, keyring, clock or SystemClock())

    @classmethod
    def create(
        cls,
        folder: Path,
        *,
        provider: ProviderProfile,
        manager: NewStaff,
        password: str,
        keyring: DeviceKeyring | None = None,
        clock: Clock | None = None,
        kdf_params: KdfParams | None = None,
        demo: bool = False,
    ) -> NewVault:
        """Set up a vault with its first manager. Slow (Argon2id twice): not on the UI thread."""
        from app import settings, staff
        from app.policy.passwords import check_new_password

        clock = clock or SystemClock()
        device = keyring or DeviceKeyring.system()
        paths = VaultPaths(Path(folder))
        try:
            paths.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, "create the data folder") from exc
        lock = VaultFileLock(paths.lock)
        lock.acquire()
        try:
            cls._tidy(paths)
            if paths.database.exists() or paths.slots.exists():
                raise VaultExists(
                    "There is already a Sharewise vault in this folder. Sign in to it, or choose "
                    "an empty folder for a new one."
                )
            cleaned_manager = staff.clean_new_staff(replace(manager, roles=manager.roles | {Role.MANAGER}))
            cleaned_profile = settings.clean_all(provider.as_settings())
            check_new_password(
                password,
                username=cleaned_manager.username,
                full_name=cleaned_manager.full_name,
                provider_name=str(cleaned_profile[settings.PROVIDER_NAME]),
            )
            params = kdf_params or kdf.calibrate()
            key = cls._build(paths, device, clock, params, cleaned_manager, cleaned_profile, password, demo)
        except BaseException:
            lock.release()
            raise
        vault = cls(paths, lock, device, clock)
        try:
            session = vault.sign_in(cleaned_manager.username, password)
        except BaseException:
            vault.close()
            raise
        return NewVault(vault, session, key)

    @staticmethod
    def _build(
        paths: VaultPaths,
        device: DeviceKeyring,
        clock: Clock,
        params: KdfParams,
        manager: NewStaff,
        profile: dict[settings.Setting[object], object],
        password: str,
        demo: bool,
    ) -> RecoveryKey:
        import uuid  # here: it loads ``platform``, which the sign-in page does without

        from app import audit, settings, staff
        from app.audit import AuditAction
        from app.vault import migrations
        from app.vault.database import Database
        from app.vault.key_store import KeyStore

        creating = paths.database_being_created
        data_key = keyslots.new_data_key()
        vault_id = str(uuid.uuid4())
        now = to_text(clock.now())
        database = Database.open(creating, data_key, create=True)
        try:
            version = migrations.apply(database, clock)
            database.checkpoint()
            db_salt = database.salt()
            slots = SlotFile(
                vault_id=vault_id,
                lookup_salt=os.urandom(32),
                kdf=params,
                schema_version=version,
                created_at=now,
                slots=(),
            )
            keys = KeyStore(paths, vault_id, device, data_key, db_salt)
            key = recovery_key.generate()
            slots = slots.with_slot(keys.recovery_slot(key, params))
            slot_file.save(paths, slots, None)
            with database.transaction() as tx:
                tx.execute("INSERT INTO vault_meta (key, value) VALUES ('vault_id', ?)", (vault_id,))
                tx.execute("INSERT INTO vault_meta (key, value) VALUES ('created_at', ?)", (now,))
                settings.write(tx, {**profile, settings.DEMO_VAULT: demo})
                manager_id = staff.insert(tx, manager, created_at=now, must_change_password=False)
                audit.append(
                    tx,
                    clock,
                    actor_id=manager_id,
                    action=AuditAction.VAULT_CREATED,
                    subject_type="vault",
                    subject_id=vault_id,
                    detail={"kdf": params.to_json(), "schema_version": version},
                )
                keys.set_staff_password(tx, staff_id=manager_id, username=manager.username, password=password)
            database.checkpoint()
        finally:
            database.close()
        for leftover in (sidecar(creating, "-wal"), sidecar(creating, "-shm")):
            leftover.unlink(missing_ok=True)
        try:
            os.replace(creating, paths.database)
            fsync_folder(paths.folder)
        except OSError as exc:
            raise storage_error(exc, "finish setting up the vault") from exc
        return key

    # --- signing in ------------------------------------------------------------------------------

    def _require_open(self) -> None:
        if not self._lock.held:
            raise VaultNotFound("This vault has been closed. Open it again.")

    def _device_secret(self, slots: SlotFile, db_salt: str) -> bytes | None:
        """The keyring's device secret when staff slots need it; clear errors when missing."""
        if not any(s.bound for s in slots.staff_slots(db_salt)):
            return None
        try:
            secret = self._device.read(slots.vault_id)
        except KeyringUnavailable as exc:
            raise KeyringUnavailable(
                f"{exc.sentence} Until then, staff passwords cannot open this vault; the recovery key can.",
                locked=exc.locked,
            ) from exc
        if secret is None:
            raise DeviceKeyMissing(DEVICE_KEY_MISSING)
        return secret

    def _fail(self, tag: str, attempts: SignInAttempts | None = None) -> WrongPassword:
        wait = (attempts or self._attempts).record_failure(tag)
        sentence = WRONG if not wait else f"{WRONG} For safety, wait {wait_sentence(wait)} first."
        return WrongPassword(sentence, retry_after=wait)

    def sign_in(self, username: str, password: str, *, unlocking: bool = False) -> Session:
        """A session for this person, or ``WrongPassword`` (same for unknown usernames).

        ``unlocking`` marks the sign-in that ends a screen lock, so the audit log shows the
        lock and unlock as a pair.
        """
        from app import staff

        self._require_open()
        self._close_current_session()
        slots = slot_file.load(self._paths)
        tag = slots.user_tag(usernames.normalise(username))
        self._attempts.check(tag)
        db_salt = _matching_slots(slots, read_salt(self._paths.database))
        device_secret = self._device_secret(slots, db_salt)
        secret = kdf.password_bytes(password)
        slot = slots.staff_slot(tag, db_salt)
        if slot is None:
            stand_in = next(iter(slots.staff_slots(db_salt)), None) or slots.recovery_slot(db_salt)
            if stand_in is not None:
                keyslots.burn_time_like(stand_in, secret)
            raise self._fail(tag)
        try:
            data_key = keyslots.open_slot(
                slot, vault_id=slots.vault_id, secret=secret, device_secret=device_secret
            )
        except keyslots.SlotOpenFailed:
            raise self._fail(tag) from None
        database, keys = self._unlock(slots, data_key, db_salt)
        try:
            person = staff.load(database, slot.staff_id or 0)
            if person is None or not person.active:
                database.close()
                raise self._fail(tag)
            session = self._start(
                database, keys, slots, person, tag, slot, device_secret, unlocking=unlocking
            )
        except BaseException:
            database.close()
            raise
        if not slot.bound:
            self._bind_after_sign_in(session, keys, slot, person)
        return session

    def _bind_after_sign_in(self, session: Session, keys: KeyStore, slot: Slot, person: Staff) -> None:
        """Add the device layer to an unbound slot. Opportunistic: a keyring or disk problem
        leaves the slot unbound (the security status says so) and never fails the sign-in."""
        from app import audit
        from app.audit import AuditAction

        try:
            if keys.bind_slot_if_possible(slot):
                with session.context.transaction() as tx:
                    audit.append(
                        tx,
                        self._clock,
                        actor_id=person.id,
                        action=AuditAction.DEVICE_BOUND,
                        subject_type="staff",
                        subject_id=person.id,
                    )
        except SharewiseError:
            pass

    def _unlock(self, slots: SlotFile, data_key: bytes, db_salt: str) -> tuple[Database, KeyStore]:
        """Open the database with a key a slot gave us; refuse newer versions; migrate."""
        from app.vault import migrations
        from app.vault.database import Database
        from app.vault.key_store import KeyStore

        self._tidy(self._paths)  # a rekey that failed in this process may have left its copy
        database = Database.open(self._paths.database, data_key)
        try:
            migrations.refuse_newer(database)
            database.configure()
            version = migrations.apply(database, self._clock)
            stored_id = database.scalar("SELECT value FROM vault_meta WHERE key = 'vault_id'")
            if stored_id != slots.vault_id:
                raise IntegrityError(
                    "The key file and the database in this folder belong to different vaults. "
                    "Restore both from the same backup; nothing has been changed."
                )
        except BaseException:
            database.close()
            raise
        keys = KeyStore(self._paths, slots.vault_id, self._device, data_key, db_salt)
        active = {int(r["id"]) for r in database.query("SELECT id FROM staff WHERE active = 1")}
        tidy = [
            s.slot_id
            for s in slots.slots
            if s.db_salt != db_salt or (s.kind == "staff" and s.staff_id not in active)
        ]
        if version != slots.schema_version or tidy:
            # Record the schema version for `info`; drop slots of a finished rekey, and slots
            # whose account was never committed (the program stopped mid-way through adding
            # someone) or has been deactivated.
            slot_file.save(self._paths, replace(slots.without(tidy), schema_version=version), slots)
        try:
            database.finish_vacuum()  # a destruction interrupted before its VACUUM
        except StorageError:
            pass  # a full disk must not stop the sign-in; the flag stays and the next opening retries
        return database, keys

    def _start(
        self,
        database: Database,
        keys: KeyStore,
        slots: SlotFile,
        person: Staff,
        tag: str,
        slot: Slot,
        device_secret: bytes | None,
        *,
        recovered: bool = False,
        unlocking: bool = False,
    ) -> Session:
        from app import audit
        from app.audit import AuditAction
        from app.session import Session
        from app.session_context import SessionContext

        failures = self._attempts.failures(tag)
        pending = self._attempts.pending()
        tag_owner = {s.user_tag: s.staff_id for s in slots.slots if s.kind == "staff"}
        previous = person.last_sign_in_at
        now = to_text(self._clock.now())
        restores = restore_note.pending(self._paths)
        with database.transaction() as tx:
            for failure in pending:
                audit.append(
                    tx,
                    self._clock,
                    actor_id=tag_owner.get(failure.user_tag),
                    action=AuditAction.SIGN_IN_FAILED,
                    at=failure.at,
                    detail={"known_username": failure.user_tag in tag_owner},
                )
            for restored in restores:
                audit.append(
                    tx,
                    self._clock,
                    actor_id=None,
                    action=AuditAction.VAULT_RESTORED,
                    at=str(restored.get("restored_at") or now),
                    detail={k: restored.get(k) for k in RESTORE_DETAIL},
                )
            audit.append(
                tx,
                self._clock,
                actor_id=person.id,
                action=AuditAction.SESSION_UNLOCKED if unlocking else AuditAction.SIGN_IN,
                subject_type="staff",
                subject_id=person.id,
                detail={"failed_attempts_before": failures, "recovery_key": recovered},
            )
            tx.execute("UPDATE staff SET last_sign_in_at = ? WHERE id = ?", (now, person.id))
            if not recovered:
                keys.sync_copy(tx, slot, device_secret)
        self._attempts.settle(tag, len(pending))
        if restores:
            restore_note.clear(self._paths)
        context = SessionContext(database, keys, self._clock, person, self._attempts)
        session = Session(
            context,
            failed_attempts=failures,
            previous_sign_in_at=previous,
            on_close=self._session_closed,
        )
        self._session = session
        return session

    def recover(self, typed_key: str, username: str, new_password: str) -> tuple[Session, RecoveryKey]:
        """Open with the recovery key as a manager, set that manager's password, re-bind.

        The recovery key is then replaced (the old one stops working) and the new one returned,
        to be printed on a new Recovery Sheet.
        """
        from app import audit, settings, staff
        from app.audit import AuditAction

        self._require_open()
        self._close_current_session()
        key = recovery_key.parse(typed_key)
        slots = slot_file.load(self._paths)
        db_salt = _matching_slots(slots, read_salt(self._paths.database))
        slot = slots.recovery_slot(db_salt)
        if slot is None:
            raise SlotFileError(
                "The key file has no recovery key for this database. Restore the vault from a backup."
            )
        try:
            data_key = keyslots.open_slot(slot, vault_id=slots.vault_id, secret=key.secret)
        except keyslots.SlotOpenFailed:
            raise RecoveryKeyMismatch(
                "This recovery key is typed correctly but does not open this vault. It may be from "
                "an older Recovery Sheet (a key stops working once it has been used or replaced) or "
                "from another setting's vault."
            ) from None
        database, keys = self._unlock(slots, data_key, db_salt)
        try:
            person = self._recovering_manager(database, username)
            provider_name = settings.decode(
                settings.PROVIDER_NAME,
                database.scalar("SELECT value FROM setting WHERE key = ?", (settings.PROVIDER_NAME.key,)),
            )
            staff.check_password_for(person, new_password, provider_name)
            current = slot_file.load(self._paths)
            with database.transaction() as tx:
                audit.append(
                    tx,
                    self._clock,
                    actor_id=person.id,
                    action=AuditAction.RECOVERY_KEY_USED,
                    subject_type="staff",
                    subject_id=person.id,
                )
                tx.execute("UPDATE staff SET must_change_password = 0 WHERE id = ?", (person.id,))
                keys.set_staff_password(
                    tx, staff_id=person.id, username=person.username, password=new_password
                )
                rebound, bound = keys.rebind_all(tx, slot_file.load(self._paths))
                renewed, new_key = keys.replace_recovery_key(rebound)
                audit.append(
                    tx,
                    self._clock,
                    actor_id=person.id,
                    action=AuditAction.DEVICE_BOUND,
                    subject_type="vault",
                    subject_id=slots.vault_id,
                    detail={"bound": bound},
                )
                audit.append(
                    tx,
                    self._clock,
                    actor_id=person.id,
                    action=AuditAction.RECOVERY_KEY_REISSUED,
                    subject_type="vault",
                    subject_id=slots.vault_id,
                )
                keys.save(renewed, current)
            person = staff.load(database, person.id) or person
            renewed_file = slot_file.load(self._paths)
            own = renewed_file.staff_slot_for(person.id, db_salt)
            if own is None or own.user_tag is None:
                raise SlotFileError("The key file could not be updated. Try the recovery key again.")
            session = self._start(
                database, keys, renewed_file, person, own.user_tag, own, None, recovered=True
            )
        except BaseException:
            database.close()
            raise
        return session, new_key

    def inspect(
        self,
        *,
        recovery_key_text: str | None = None,
        username: str = "",
        password: str = "",
        attempts: SignInAttempts | None = None,
    ) -> Database:
        """Open the database for reading only, with the recovery key or else a staff password.

        For checking a backup unpacked into a private folder: unlike ``sign_in`` and ``recover``
        this records no sign-in, applies no migration, binds no slot and re-issues no recovery
        key, so neither the folder's files nor the keyring are changed (SQLite may add its
        -wal/-shm files). The caller closes the database.

        A staff password is checked against the sign-in delay and a wrong one is counted, like
        at the sign-in window: in ``attempts`` (the live vault's counter, when this folder is
        a backup's throwaway copy) or else this folder's own.
        """
        from app import staff
        from app.vault import migrations
        from app.vault.database import Database

        counter = attempts or self._attempts
        self._require_open()
        slots = slot_file.load(self._paths)
        db_salt = _matching_slots(slots, read_salt(self._paths.database))
        staff_id: int | None = None
        if recovery_key_text is not None:
            key = recovery_key.parse(recovery_key_text)
            slot = slots.recovery_slot(db_salt)
            if slot is None:
                raise SlotFileError("The key file has no recovery key for this database.")
            try:
                data_key = keyslots.open_slot(slot, vault_id=slots.vault_id, secret=key.secret)
            except keyslots.SlotOpenFailed:
                raise RecoveryKeyMismatch(
                    "This recovery key is typed correctly but does not open this vault. It may be "
                    "from an older Recovery Sheet or from another setting's vault."
                ) from None
        else:
            tag = slots.user_tag(usernames.normalise(username))
            counter.check(tag)
            found = slots.staff_slot(tag, db_salt)
            if found is None:
                raise self._fail(tag, counter)
            device_secret = self._device_secret(slots, db_salt)
            try:
                data_key = keyslots.open_slot(
                    found,
                    vault_id=slots.vault_id,
                    secret=kdf.password_bytes(password),
                    device_secret=device_secret,
                )
            except keyslots.SlotOpenFailed:
                raise self._fail(tag, counter) from None
            staff_id = found.staff_id
        database = Database.open(self._paths.database, data_key)
        try:
            migrations.refuse_newer(database)
            if database.scalar("SELECT value FROM vault_meta WHERE key = 'vault_id'") != slots.vault_id:
                raise IntegrityError(MISMATCHED)
            if staff_id is not None:
                person = staff.load(database, staff_id)
                if person is None or not person.active:
                    raise WrongPassword(WRONG)
        except BaseException:
            database.close()
            raise
        return database

    def _recovering_manager(self, database: Database, username: str) -> Staff:
        from app import staff

        name = usernames.normalise(username)
        row = database.one("SELECT id FROM staff WHERE username = ? AND active = 1", (name,))
        person = staff.load(database, int(row["id"])) if row else None
        if person is None or Role.MANAGER not in person.roles:
            raise ValidationError(
                "username",
                "Type the username of an active manager: the recovery key lets a manager back in "
                "and set a new password.",
            )
        return person

    # --- status and closing ----------------------------------------------------------------------

    def info(self) -> VaultInfo:
        from app.vault.key_store import BindingStatus

        self._require_open()
        slots = slot_file.load(self._paths)
        db_salt = read_salt(self._paths.database)
        staff_slots = slots.staff_slots(db_salt)
        return VaultInfo(
            vault_id=slots.vault_id,
            created_at=slots.created_at,
            schema_version=slots.schema_version,
            staff_accounts=len(staff_slots),
            recovery_key_present=slots.recovery_slot(db_salt) is not None,
            binding=BindingStatus(
                keyring=self._device.probe(slots.vault_id),
                staff_slots=len(staff_slots),
                bound_slots=sum(1 for s in staff_slots if s.bound),
            ),
            kdf=slots.kdf,
        )

    @property
    def paths(self) -> VaultPaths:
        return self._paths

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def device_keyring(self) -> DeviceKeyring:
        """The keyring holding this computer's device key (found on first use: not on the UI
        thread)."""
        return self._device

    @property
    def signed_in(self) -> bool:
        """Whether a session opened from this vault is still open."""
        return self._session is not None and self._session.is_open

    def _session_closed(self, session: Session) -> None:
        if self._session is session:
            self._session = None

    def _close_current_session(self) -> None:
        if self._session is not None:
            self._session.close()

    def close(self) -> None:
        self._close_current_session()
        wait_for_closes(timeout=CLOSE_WAIT_SECONDS)  # a lock's close still copying the WAL in
        self._lock.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
