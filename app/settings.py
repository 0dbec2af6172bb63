"""Every setting kept in the encrypted database, declared once with its type and default.

Picard-style: a setting is a typed object (``AUTO_LOCK_MINUTES``), not a string scattered through
the code. Its ``clean`` function both validates what a manager types and repairs what is read
back (a value that no longer validates reads as the default, never as a crash).
Non-secret per-PC preferences (window size, last username) are not here: they live in QSettings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from app import validation
from app.audit import AuditAction
from app.errors import ValidationError
from app.policy.permissions import Action
from app.policy.retention import DEFAULT_RULES, MAX_MONTHS, MIN_MONTHS, RecordKind, RetentionRule

if TYPE_CHECKING:
    from app.session_context import SessionContext
    from app.vault.database import Database

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Setting(Generic[T]):
    key: str
    label: str
    default: T
    clean: Callable[[object], T]
    editable: bool = True

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Setting) and other.key == self.key


def _int(key: str, label: str, default: int, minimum: int, maximum: int) -> Setting[int]:
    def clean(value: object) -> int:
        return validation.integer(value, field=key, label=label, minimum=minimum, maximum=maximum)

    return Setting(key, label, default, clean)


def _text(
    key: str,
    label: str,
    *,
    required: bool = False,
    limit: int = validation.SHORT_TEXT_LIMIT,
    multiline: bool = False,
    pattern: tuple[re.Pattern[str], str] | None = None,
) -> Setting[str]:
    def clean(value: object) -> str:
        cleaned = validation.text(
            value, field=key, label=label, required=required, limit=limit, multiline=multiline
        )
        if cleaned and pattern and not pattern[0].fullmatch(cleaned):
            raise ValidationError(key, pattern[1])
        return cleaned

    return Setting(key, label, "", clean)


def _flag(key: str, label: str, default: bool, editable: bool = True) -> Setting[bool]:
    def clean(value: object) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(key, f"{label} must be yes or no.")
        return value

    return Setting(key, label, default, clean, editable)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EARLIEST_YEAR = 1990  # no information-sharing protocol or council contract is older


def _date(key: str, label: str) -> Setting[str]:
    """A calendar date stored as ISO text, "" when not recorded. Whether it is in the future
    depends on the session's clock, so the service that writes it checks that (not here: a value
    read back must not turn invalid as the clock moves)."""

    def clean(value: object) -> str:
        if value in (None, ""):
            return ""
        if isinstance(value, date):
            value = value.isoformat()
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
            raise ValidationError(key, f"{label} is not a date Sharewise understands; use the calendar.")
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(key, f"{label} is not a real date; please check it.") from None
        if day.year < EARLIEST_YEAR:
            raise ValidationError(key, f"{label} is before {EARLIEST_YEAR}; please check the year.")
        return day.isoformat()

    return Setting(key, label, "", clean, editable=False)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_URN = re.compile(r"(?:EY|ey)?\d{6,7}")
_PHONE = re.compile(r"\+?[0-9 ()\-]{7,24}")

PROVIDER_NAME = _text("provider.name", "The setting's name", required=True)
PROVIDER_URN = _text(
    "provider.ofsted_urn",
    "Ofsted URN",
    limit=12,
    pattern=(_URN, "The Ofsted URN is 6 or 7 digits, sometimes written with EY in front."),
)
PROVIDER_ADDRESS = _text("provider.address", "Address", limit=500, multiline=True)
PROVIDER_DSL_NAME = _text("provider.dsl_name", "Designated safeguarding lead")
PROVIDER_PHONE = _text(
    "provider.phone",
    "Phone number",
    limit=24,
    pattern=(_PHONE, "A phone number has digits, spaces and brackets only, e.g. 01632 960 123."),
)
PROVIDER_EMAIL = _text(
    "provider.email",
    "Email address",
    limit=254,
    pattern=(_EMAIL, "That does not look like an email address; it should be like office@example.org.uk."),
)
AUTO_LOCK_MINUTES = _int("security.auto_lock_minutes", "Lock the screen after (minutes)", 5, 1, 15)
# How long each kind of record is kept, in months (the privacy notice prints these).
RETENTION: Mapping[RecordKind, Setting[int]] = {
    rule.kind: _int(f"retention.{rule.kind.value}.months", rule.label, rule.months, MIN_MONTHS, MAX_MONTHS)
    for rule in DEFAULT_RULES
}


def _folder(key: str, label: str) -> Setting[str]:
    """A folder on this PC, "" for the default. Whether it exists is checked when it is used (a
    USB stick comes and goes), so only the shape of the path is validated here."""

    def clean(value: object) -> str:
        cleaned = validation.text(value, field=key, label=label, required=False, limit=1000)
        if cleaned and not PurePath(cleaned).is_absolute():
            raise ValidationError(key, f"{label} must be a whole folder path, chosen with “Change…”.")
        return cleaned

    return Setting(key, label, "", clean)


# Where automatic backups go; "" means the ``backups`` folder inside the vault's own folder.
BACKUP_FOLDER = _folder("backup.folder", "Backup folder")
DEMO_VAULT = _flag("vault.demo", "Demo vault with fictional data", False, editable=False)
# The information-sharing protocol (annual review): changed only through session.policies, which
# checks the dates against the session's clock, so not editable through SettingsService.update.
PROTOCOL_TIER2_SIGNATORY = _flag(
    "protocol.tier2_signatory", "Signed the local tier-2 information-sharing protocol", False, editable=False
)
PROTOCOL_TIER2_SIGNED_ON = _date("protocol.tier2_signed_on", "Date the tier-2 protocol was signed")
PROTOCOL_CONTRACT_ON = _date("protocol.contract_on", "Date of this year's contract with the council")

ALL: tuple[Setting[Any], ...] = (
    PROVIDER_NAME,
    PROVIDER_URN,
    PROVIDER_ADDRESS,
    PROVIDER_DSL_NAME,
    PROVIDER_PHONE,
    PROVIDER_EMAIL,
    AUTO_LOCK_MINUTES,
    BACKUP_FOLDER,
    *RETENTION.values(),
    DEMO_VAULT,
    PROTOCOL_TIER2_SIGNATORY,
    PROTOCOL_TIER2_SIGNED_ON,
    PROTOCOL_CONTRACT_ON,
)
BY_KEY: Mapping[str, Setting[Any]] = {s.key: s for s in ALL}


@dataclass(frozen=True)
class ProviderProfile:
    """The setting (provider) as printed on forms and the annual review."""

    name: str
    ofsted_urn: str = ""
    address: str = ""
    dsl_name: str = ""
    phone: str = ""
    email: str = ""

    def as_settings(self) -> dict[Setting[Any], object]:
        return {
            PROVIDER_NAME: self.name,
            PROVIDER_URN: self.ofsted_urn,
            PROVIDER_ADDRESS: self.address,
            PROVIDER_DSL_NAME: self.dsl_name,
            PROVIDER_PHONE: self.phone,
            PROVIDER_EMAIL: self.email,
        }


def encode(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def decode(setting: Setting[T], stored: str | None) -> T:
    """A stored value, cleaned; the default when missing or no longer valid."""
    if stored is None:
        return setting.default
    try:
        return setting.clean(json.loads(stored))
    except (ValueError, ValidationError):
        return setting.default


def clean_all(changes: Mapping[Setting[Any], object]) -> dict[Setting[Any], Any]:
    """Validate every change before any is written (all or nothing)."""
    return {setting: setting.clean(value) for setting, value in changes.items()}


class SettingsService:
    """``session.settings``: read by anyone signed in (the shell needs the auto-lock minutes and
    the setting's name); changed only by a manager, all fields at once or none."""

    def __init__(self, context: SessionContext) -> None:
        self._ctx = context

    def get(self, setting: Setting[T]) -> T:
        stored = self._ctx.database.scalar("SELECT value FROM setting WHERE key = ?", (setting.key,))
        return decode(setting, stored)

    def provider(self) -> ProviderProfile:
        return ProviderProfile(
            name=self.get(PROVIDER_NAME),
            ofsted_urn=self.get(PROVIDER_URN),
            address=self.get(PROVIDER_ADDRESS),
            dsl_name=self.get(PROVIDER_DSL_NAME),
            phone=self.get(PROVIDER_PHONE),
            email=self.get(PROVIDER_EMAIL),
        )

    def retention_rules(self) -> tuple[RetentionRule, ...]:
        """The retention rules with the periods the manager set (the defaults until then)."""
        return tuple(
            RetentionRule(rule.kind, rule.basis, self.get(RETENTION[rule.kind])) for rule in DEFAULT_RULES
        )

    def update(self, changes: Mapping[Setting[Any], object]) -> None:
        self._ctx.require(Action.SETTINGS_MANAGE)
        for setting in changes:
            if not setting.editable:
                raise ValidationError(setting.key, f"{setting.label} cannot be changed here.")
        cleaned = clean_all(changes)
        changed = [s.key for s, v in cleaned.items() if v != self.get(s)]
        if not changed:
            return
        with self._ctx.transaction() as tx:
            write(tx, cleaned)
            self._ctx.audit(tx, AuditAction.SETTINGS_CHANGED, "settings", None, {"keys": changed})

    def update_provider(self, profile: ProviderProfile) -> None:
        self.update(profile.as_settings())


def write(tx: Database, cleaned: Mapping[Setting[Any], object]) -> None:
    """Store already-cleaned values (inside the caller's transaction)."""
    for setting, value in cleaned.items():
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (setting.key, encode(value)),
        )
