"""The leak scan (issue 8): a whole workflow with sentinel names, then no file and no log holds them.

Children, carers, a concern, a sharing decision, a consent with a scanned form, every printed
document, a manual and an automatic backup, a backup check, a restore onto a fresh folder and a
destruction all run through the real core with unusual sentinel strings (accents, Cyrillic, Greek,
Vietnamese). Every file under the test's own folders (data folder, backup folders, restored folder,
temporary folder) and the captured logging, stdout and stderr are then searched for each sentinel
in UTF-8, UTF-16-LE and in decomposed (NFD) form. So that an empty search cannot pass by accident,
the same sentinels must be found in the decrypted pages of the live database.

No Qt here, so QSettings is not written. Fictional people only.
"""

from __future__ import annotations

import logging
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.backup import check_backup
from app.children import CarerDetails, ChildDetails, ContactDetails
from app.concerns import NewConcern
from app.consents import ConsentDetails, ConsentHow, ConsentStatus, KindCode
from app.policy.retention import RecordKind
from app.policy.sharing_path import LawfulBasis, SpecialCondition
from app.reports.chronology import build_chronology
from app.reports.decision_record import build_decision_record
from app.reports.forms import build_forms
from app.reports.review_pack import build_review_pack
from app.reports.subject_access import build_subject_access_pack
from app.restore import restore_backup
from app.session import Session
from app.sharing import (
    Channel,
    ChosenItem,
    Direction,
    FamilyTold,
    FollowUpKind,
    Intake,
    Nature,
    NewFollowUp,
    OutcomeDraft,
)
from app.subject_access import NewRequest
from app.vault.database_file import PLAIN_SQLITE_HEADER
from app.vault.device import DeviceKeyring
from app.vault.files import VaultPaths
from tests.app import sqlcipher_pages
from tests.app.test_retention import WITH_CONSENT
from tests.conftest import MemoryKeyring, VaultUnderTest

SEEN = datetime(2026, 8, 20, 10, 0, tzinfo=UTC)

# Kept for the whole run: these must be in the decrypted live database at the end.
CHILD = "Ŝentinel-Łucja-Qx7 Wójcik"
KNOWN_AS = "Łulu-Sentinel-Qx7"
CARER = "Сентинел-Дмитрий-Qx7 Иванов"
CONTACT = "Siobhán-Ŝentinel-Qx7 Ní Bhriain"
FACTS = "Σέντινελ-Qx7: a bruise on the left arm, seen at drop-off."
RECIPIENT = "Nguyễn-Ŝentinel-Qx7 Hường"
REQUESTER = "Αλέξανδρος-Σέντινελ-Qx7"
SCAN_TEXT = "Ŝcanned-Zoë-Sentinel-Qx7 signature"
SCAN = b"%PDF-1.4\n% " + SCAN_TEXT.encode() + b"\n%%EOF\n"
KEPT = (CHILD, KNOWN_AS, CARER, CONTACT, FACTS, RECIPIENT, REQUESTER, SCAN_TEXT)

# Destroyed before the scan: its general record is long past its period.
GONE_CHILD = "Ðestroyed-Ήλιος-Qx7 Παππάς"
GONE_CARER = "Ŭnseen-Łucjan-Qx7 Kowalski"
SENTINELS = (*KEPT, GONE_CHILD, GONE_CARER)


def forms_of(text: str) -> dict[str, bytes]:
    """The byte patterns a leak of ``text`` would most likely take."""
    nfd = unicodedata.normalize("NFD", text)
    found = {
        "UTF-8": text.encode("utf-8"),
        "UTF-16-LE": text.encode("utf-16-le"),
        "NFD UTF-8": nfd.encode("utf-8"),
        "NFD UTF-16-LE": nfd.encode("utf-16-le"),
    }
    return found


@dataclass
class Scanned:
    files: int
    bytes: int
    hits: list[str]


def scan(folder: Path) -> Scanned:
    """Every regular file under ``folder`` (hidden ones too), searched for every sentinel form."""
    files = total = 0
    hits: list[str] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        files += 1
        total += len(data)
        for sentinel in SENTINELS:
            for encoding, needle in forms_of(sentinel).items():
                if needle in data:
                    hits.append(f"{sentinel!r} ({encoding}) in {path.relative_to(folder)}")
    return Scanned(files, total, hits)


def text_hits(label: str, text: str) -> list[str]:
    hits = []
    for sentinel in SENTINELS:
        for form in {sentinel, unicodedata.normalize("NFD", sentinel)}:
            if form in text:
                hits.append(f"{sentinel!r} in {label}")
    return hits


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary folder only this test uses, set before the vault is made."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setenv("TEMP", str(folder))
    monkeypatch.setenv("TMP", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


@pytest.fixture
def vault(private_temp: Path, made_vault: VaultUnderTest) -> VaultUnderTest:
    return made_vault


def add_family(s: Session) -> tuple[int, int, int]:
    """The kept child with a carer, an emergency contact, a concern and a scanned consent."""
    child = s.children.add(
        ChildDetails(
            legal_name=CHILD,
            known_as=KNOWN_AS,
            date_of_birth="2023-03-01",
            start_date="2025-09-01",
            room="Acorns",
            address="4 Quiet Lane, Anytown",
            family_circumstances="Lives with her father.",
        )
    )
    record = s.children.add_carer(child.id, CarerDetails(CARER, "Father", True, True, "4 Quiet Lane"))
    carer = int(record.carers[0].id)
    s.children.add_contact(child.id, ContactDetails(CONTACT, "07700 900456", "Neighbour", True))
    concern = int(s.concerns.log(NewConcern(child.id, SEEN, 1, FACTS)).id)
    registration = next(k.id for k in s.consents.kinds() if k.code is KindCode.REGISTRATION)
    s.consents.record(
        child.id,
        carer,
        registration,
        ConsentDetails(ConsentStatus.GIVEN, date(2026, 8, 28), ConsentHow.SIGNED_FORM, form=SCAN),
    )
    return int(child.id), carer, concern


def add_decision(s: Session, child_id: int, carer_id: int, concern_id: int) -> int:
    """A finalised decision to share, naming the sentinel recipient."""
    share = s.sharing.open(
        Intake(
            Direction.REQUEST,
            Channel.EMAIL,
            SEEN,
            (child_id,),
            "Attendance this term",
            requester_org="Anytown Children's Social Care",
            requester_name=RECIPIENT,
            carer_ids=(carer_id,),
            concern_ids=(concern_id,),
        )
    ).id
    s.sharing.save_answers(share, WITH_CONSENT)
    s.sharing.save_outcome(
        share,
        OutcomeDraft(
            reasons="To support the family.",
            recipient_name=RECIPIENT,
            recipient_org="Anytown Children's Social Care",
            shared_how="Secure email",
            secured_how="Encrypted",
            shared_on=SEEN.date(),
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            special_condition=SpecialCondition.SAFEGUARDING,
            family_told=FamilyTold.TOLD,
            items=(ChosenItem(f"child:{child_id}", Nature.FACT),),
        ),
    )
    s.sharing.finalise(share, [NewFollowUp(FollowUpKind.CONFIRM_RECEIPT, SEEN.date() + timedelta(days=21))])
    return int(share)


def print_everything(s: Session, child_id: int, carer_id: int, share_id: int, now: datetime) -> int:
    """Every printed document, built the way the print flow builds them. Returns the pages."""
    provider = s.forms.branding().provider.name
    chronology = build_chronology(
        s.chronology.for_child(child_id), provider_name=provider, printed_by="Zoë Adams", printed_at=now
    )
    record = build_decision_record(
        s.sharing.get(share_id), provider_name=provider, printed_by="Zoë Adams", printed_at=now
    )
    forms = build_forms(
        [s.forms.family(child_id, carer_id)],
        branding=s.forms.branding(),
        kinds=s.forms.kinds(),
        privacy=s.forms.privacy_facts(),
    )
    review = build_review_pack(s.review_pack.figures(2026))
    request = s.subject_access.record(
        NewRequest(child_id, REQUESTER, None, "Solicitor for the father", date(2026, 8, 25), "Letter")
    ).id
    for item in s.subject_access.gather(request):
        if item.needs_decision:
            s.subject_access.decide(item.id, withhold=False)
    s.subject_access.release(request)
    pack = build_subject_access_pack(s.subject_access.pack(request))
    built = (chronology, record, forms, review, pack)
    assert all(pdf.data.startswith(b"%PDF") for pdf in built)
    return sum(pdf.pages for pdf in built)


def test_a_whole_workflow_leaves_no_sentinel_in_any_file_or_log(
    vault: VaultUnderTest,
    tmp_path: Path,
    private_temp: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    s = vault.session
    child, carer, concern = add_family(s)
    share = add_decision(s, child, carer, concern)
    gone = s.children.add(
        ChildDetails(
            legal_name=GONE_CHILD,
            date_of_birth="2019-05-05",
            start_date="2020-09-01",
            leaving_date="2021-08-31",
            destination="Anytown Primary School",
            room="Acorns",
        )
    ).id
    s.children.add_carer(gone, CarerDetails(GONE_CARER, "Father", True, True, "9 Far Road"))
    pages = print_everything(s, child, carer, share, vault.clock.now())

    usb = tmp_path / "usb"
    usb.mkdir()
    manual = s.backups.make(usb)
    automatic = s.backups.automatic("sign_out")
    assert automatic is not None
    checked = check_backup(manual.path, recovery_key=vault.recovery_key.formatted())
    assert checked.ok
    restored = tmp_path / "restored"
    result = restore_backup(
        restored,
        manual.path,
        recovery_key=vault.recovery_key.formatted(),
        keyring=DeviceKeyring(MemoryKeyring()),
        clock=vault.clock,
    )
    assert result.children == 2 and result.concerns == 1 and result.decisions == 1

    assert any(item.child_id == gone and item.kind is RecordKind.CHILD_RECORD for item in s.retention.queue())
    s.retention.destroy(RecordKind.CHILD_RECORD, gone)
    assert not any(item.child_id == gone for item in s.retention.queue())

    # The search would see a leak: the kept sentinels are in the decrypted live pages.
    path, key = s.context.database.path, s.context.keys.data_key
    plain = sqlcipher_pages.database_pages(path, key) + sqlcipher_pages.wal_pages(path, key)
    for sentinel in KEPT:
        assert any(sentinel.encode() in page for page in plain), f"{sentinel!r} not in the decrypted pages"
    for sentinel in (GONE_CHILD, GONE_CARER):
        assert not any(sentinel.encode() in page for page in plain), f"{sentinel!r} survived destruction"
    restored_db = VaultPaths(restored).database
    assert not restored_db.read_bytes().startswith(PLAIN_SQLITE_HEADER)
    assert any(CHILD.encode() in page for page in sqlcipher_pages.database_pages(restored_db, key))

    s.close()  # sign-out, which may make another automatic backup
    # The core writes no log records today; the probe shows the capture would catch one if it did.
    logging.getLogger("app.leak_probe").debug("leak-probe %s", "Qx7")
    out, err = capfd.readouterr()
    log = caplog.text
    assert "leak-probe Qx7" in log, "logging was not captured, so the log search proves nothing"

    areas = {
        "data folder": vault.folder,
        "backup folder (USB)": usb,
        "restored folder": restored,
        "temporary folder": private_temp,
    }
    assert automatic.path.is_relative_to(vault.folder)
    results = {name: scan(folder) for name, folder in areas.items()}
    everything = scan(tmp_path)  # anything written beside them in the test's folder
    summary = "; ".join(f"{name}: {r.files} files, {r.bytes} bytes" for name, r in results.items())
    summary += (
        f"; whole test folder: {everything.files} files, {everything.bytes} bytes; "
        f"log {len(log)} chars in {len(caplog.records)} records, stdout {len(out)}, stderr {len(err)} chars; "
        f"{pages} printed pages"
    )
    assert results["data folder"].files >= 3 and results["backup folder (USB)"].files == 1, summary
    assert results["restored folder"].files >= 2, summary
    hits = everything.hits + text_hits("the log", log) + text_hits("stdout", out) + text_hits("stderr", err)
    assert hits == [], f"sentinels found ({summary}): {hits}"
