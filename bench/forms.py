"""The printed forms for parents (``app/reports/forms.py``): how long they take to build, and the
page renders in docs/screenshots/forms/.

Run through ``make bench`` (the "Printed forms" section of docs/benchmarks.md), alone with
``python -m bench.forms`` (prints the section), or ``python -m bench.forms --render FOLDER`` to
write the page renders (``pdftoppm -png -r 60``, poppler-utils) with stable names:
registration-declaration.png, consent-additional-needs.png, consent-transition.png,
privacy-notice-1.png (and -2.png), blank-registration-declaration.png. A document of more than one
page is rendered as its pages side by side in one picture (the notice has a file a page).

Everything is built from fictional people in a temporary vault (minimal Argon2id parameters: key
derivation is not what is measured), through ``session.forms`` as the program does, with a logo.
Measured, each as the median of repeated runs with its spread:

- one family's forms: the registration declaration, the two built-in consent forms and the
  privacy notice, for one carer, reading the family from the vault (``session.forms.family``,
  ``branding``, ``kinds``, ``privacy_facts``) and building the PDF;
- a batch of 40 families (40 children, one set each) the same way (``session.forms.families``);
- the PDF build alone for each, to show how much of the time is ReportLab.

No target is written down; a batch is expected to build in well under a few seconds, off the UI
thread, with a progress bar.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from app.children import CarerDetails, ChildDetails
from app.clock import ManualClock
from app.consents import ConsentDetails, ConsentHow, ConsentKind, ConsentStatus, KindCode
from app.policy.permissions import Role
from app.reports.forms import FormsPdf, build_forms, build_privacy_notice
from app.session import Session
from app.settings import ProviderProfile
from app.staff import NewStaff
from app.vault import kdf
from app.vault.device import DeviceKeyring
from app.vault.vault import Vault
from bench.bare_pdf import build_bare
from bench.records import Timings, column, ms, timed_rounds

PROVIDER = ProviderProfile(
    name="Sunflower Pre-school",
    ofsted_urn="EY123456",
    address="The Old School House\n1 Example Lane\nAnytown AN1 2CD",
    dsl_name="Zoë Adams",
    phone="01632 960 222",
    email="office@sunflower.example.org.uk",
)
MANAGER = ("zoe.adams", "Zoë Adams", "green lantern harbour")
KEY_WORKERS = ("Nguyễn Thị Lan", "Siobhán Kelly", "Αθηνά Γεωργίου", "Дмитрий Иванов")
BATCH = 40
ONE_ROUNDS = 15
BATCH_ROUNDS = 7
RENDER_DPI = "60"

FIRST_NAMES = ("Zoë", "Łucja", "Siobhán", "Αλέξανδρος", "Дарья", "Minh", "Oliver", "Aoife", "Amira", "Kacper")
SURNAMES = ("Nguyễn", "Kowalska", "Ó Briain", "Παπαδοπούλου", "Соколова", "Ålund", "Okafor", "Patel")
PARENT_NAMES = ("Łucja", "Siobhán", "Αθηνά", "Дмитрий", "Thanh", "Grace", "Oskar", "Niamh")


# --- a vault of fictional people ------------------------------------------------------------------


def logo() -> bytes:
    """A sunflower: yellow petals round a brown middle, on a clear background (PNG)."""
    size = 360
    picture = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    middle = size / 2
    for step in range(12):
        angle = step * 30
        petal = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        ImageDraw.Draw(petal).ellipse((middle - 34, 18, middle + 34, middle), fill=(247, 192, 28, 255))
        picture.alpha_composite(petal.rotate(angle, center=(middle, middle)))
    draw.ellipse((middle - 70, middle - 70, middle + 70, middle + 70), fill=(110, 62, 24, 255))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


@dataclass
class Setting:
    vault: Vault
    session: Session
    child_id: int  # the family shown in the renders
    carer_id: int
    batch: list[int]  # the children of the batch


def _child(session: Session, index: int) -> int:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    surname = SURNAMES[(index * 3) % len(SURNAMES)]
    born = date(2022, 9, 1) + timedelta(days=37 * index % 700)
    child = session.children.add(
        ChildDetails(
            legal_name=f"{first} {surname}",
            date_of_birth=born,
            start_date=date(2026, 9, 7),
            room=("Sunflowers", "Bluebells", "Acorns")[index % 3],
            address=f"{10 + index} Rose Street\nAnytown AN1 {index % 9}EF",
            phone=f"01632 960 {300 + index:03d}",
        ),
        allow_duplicate=True,
    )
    parent = PARENT_NAMES[index % len(PARENT_NAMES)]
    session.children.add_carer(
        child.id,
        CarerDetails(
            f"{parent} {surname}",
            "Mother" if index % 2 else "Father",
            True,
            True,
            f"{10 + index} Rose Street\nAnytown AN1 {index % 9}EF",
            f"07700 900 {100 + index:03d}",
            f"parent{index}@example.org",
        ),
    )
    session.children.add_carer(child.id, CarerDetails(f"Grace {surname}", "Grandmother", False, False))
    return int(child.id)


def make_setting(folder: Path) -> Setting:
    """A vault with the manager, four key workers, a logo, one family for the renders and a batch."""
    created = Vault.create(
        folder,
        provider=PROVIDER,
        manager=NewStaff(MANAGER[0], MANAGER[1], frozenset({Role.MANAGER, Role.DSL})),
        password=MANAGER[2],
        keyring=DeviceKeyring(None),
        clock=ManualClock(),
        kdf_params=kdf.CHEAP_FOR_TESTS,
    )
    session = created.session
    for number, name in enumerate(KEY_WORKERS):
        session.staff.add(NewStaff(f"keyworker{number}", name, frozenset({Role.KEY_WORKER})))
    session.forms.set_logo(logo())
    child = session.children.add(
        ChildDetails(
            legal_name="Αλέξανδρα Nguyễn",
            known_as="Sasha",
            date_of_birth="2023-02-03",
            start_date="2026-09-07",
            room="Sunflowers",
            address="12 Rose Street\nAnytown AN1 3EF",
            phone="01632 960 333",
        )
    )
    session.children.add_carer(
        child.id,
        CarerDetails(
            "Łucja Nguyễn",
            "Mother",
            True,
            True,
            "12 Rose Street\nAnytown AN1 3EF",
            "07700 900 123",
            "lucja@example.org",
        ),
    )
    child = session.children.add_carer(
        child.id,
        CarerDetails(
            "Дмитрий Соколов", "Father", True, False, "4 Hill Road\nOthertown OT1 2AB", "07700 900 456"
        ),
    )
    mum = next(int(c.id) for c in child.carers if c.relationship == "Mother")
    needs = next(k for k in session.forms.kinds() if k.code is KindCode.ADDITIONAL_NEEDS)
    session.consents.record(
        child.id,
        mum,
        needs.id,
        ConsentDetails(
            ConsentStatus.GIVEN,
            date(2026, 9, 1),
            ConsentHow.SIGNED_FORM,
            agencies="Anytown Speech and Language Therapy; the health visiting team",
        ),
    )
    batch = [_child(session, index) for index in range(BATCH)]
    return Setting(created.vault, session, int(child.id), mum, batch)


# --- the renders ----------------------------------------------------------------------------------


def _pages(pdf: FormsPdf, work: Path) -> list[Image.Image]:
    """The PDF's pages as pictures (``pdftoppm -png -r 60``)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise RuntimeError("pdftoppm is needed (apt-get install poppler-utils)")
    for old in work.glob("page-*.png"):
        old.unlink()
    subprocess.run([tool, "-png", "-r", RENDER_DPI, "-", str(work / "page")], input=pdf.data, check=True)
    pictures = []
    for path in sorted(work.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        with Image.open(path) as page:
            pictures.append(page.convert("RGB"))
    return pictures


def _side_by_side(pages: Sequence[Image.Image]) -> Image.Image:
    gap = 12
    width = sum(p.width for p in pages) + gap * (len(pages) - 1)
    joined = Image.new("RGB", (width, max(p.height for p in pages)), (200, 200, 200))
    x = 0
    for page in pages:
        joined.paste(page, (x, 0))
        x += page.width + gap
    return joined


def render(folder: Path) -> list[Path]:
    """Build each document from fictional data and write its page renders into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="sharewise-forms-") as temp:
        work = Path(temp)
        setting = make_setting(work / "vault")
        try:
            forms = setting.session.forms
            branding, kinds, privacy = forms.branding(), forms.kinds(), forms.privacy_facts()
            family = forms.family(setting.child_id, setting.carer_id)

            def one(kind: ConsentKind, *, blank: bool = False) -> FormsPdf:
                return build_forms(
                    [] if blank else [family], branding=branding, kinds=[kind], privacy=None, blank=blank
                )

            def save(picture: Image.Image, name: str) -> None:
                path = folder / name
                picture.save(path, "PNG", optimize=True)
                written.append(path)

            by_code = {k.code: k for k in kinds}
            documents = {
                "registration-declaration.png": one(by_code[KindCode.REGISTRATION]),
                "consent-additional-needs.png": one(by_code[KindCode.ADDITIONAL_NEEDS]),
                "consent-transition.png": one(by_code[KindCode.TRANSITION]),
                "blank-registration-declaration.png": one(by_code[KindCode.REGISTRATION], blank=True),
            }
            for name, pdf in documents.items():
                save(_side_by_side(_pages(pdf, work)), name)
            notice = _pages(build_privacy_notice(branding=branding, privacy=privacy), work)
            for number, page in enumerate(notice, start=1):
                save(page, f"privacy-notice-{number}.png")
        finally:
            setting.session.close()
            setting.vault.close()
    return written


# --- the benchmark --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormsResult:
    one_family: Timings  # reading the family from the vault and building its forms
    one_build: Timings  # the PDF build alone
    one_bare: Timings  # a bare ReportLab document of the same page count (bench/bare_pdf.py)
    one_pages: int
    one_bytes: int
    batch: Timings
    batch_build: Timings
    batch_bare: Timings
    batch_pages: int
    batch_bytes: int
    batch_families: int
    seconds: float


def bench_forms() -> FormsResult:
    """One family's forms and a batch of 40, each read from the vault and built, timed."""
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sharewise-bench-forms-") as temp:
        setting = make_setting(Path(temp) / "vault")
        session = setting.session
        forms = session.forms
        try:

            def one_family() -> FormsPdf:
                return build_forms(
                    [forms.family(setting.child_id, setting.carer_id)],
                    branding=forms.branding(),
                    kinds=forms.kinds(),
                    privacy=forms.privacy_facts(),
                )

            def batch() -> FormsPdf:
                return build_forms(
                    forms.families(setting.batch),
                    branding=forms.branding(),
                    kinds=forms.kinds(),
                    privacy=forms.privacy_facts(),
                )

            branding, kinds, privacy = forms.branding(), forms.kinds(), forms.privacy_facts()
            family = [forms.family(setting.child_id, setting.carer_id)]
            families = forms.families(setting.batch)
            one_pdf, batch_pdf = one_family(), batch()  # also the warm-up: fonts registered, pages cached

            def build_one() -> FormsPdf:
                return build_forms(family, branding=branding, kinds=kinds, privacy=privacy)

            def build_batch() -> FormsPdf:
                return build_forms(families, branding=branding, kinds=kinds, privacy=privacy)

            build_bare(one_pdf.pages)  # its warm-up

            # Each round times every way one after the other, so a busy moment weighs on all alike.
            ones = timed_rounds([one_family, build_one, lambda: build_bare(one_pdf.pages)], ONE_ROUNDS)
            batches = timed_rounds([batch, build_batch, lambda: build_bare(batch_pdf.pages)], BATCH_ROUNDS)
            result = FormsResult(
                one_family=column(ones, 0),
                one_build=column(ones, 1),
                one_bare=column(ones, 2),
                one_pages=one_pdf.pages,
                one_bytes=len(one_pdf.data),
                batch=column(batches, 0),
                batch_build=column(batches, 1),
                batch_bare=column(batches, 2),
                batch_pages=batch_pdf.pages,
                batch_bytes=len(batch_pdf.data),
                batch_families=len(families),
                seconds=0.0,
            )
        finally:
            session.close()
            setting.vault.close()
    return replace(result, seconds=time.perf_counter() - began)


def _spread(timings: Timings) -> str:
    values = timings.values
    quartiles = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return (
        f"median {ms(timings.median)}, IQR {ms(quartiles[0])}–{ms(quartiles[2])}, "
        f"min {ms(min(values))}, max {ms(max(values))} (n={len(values)})"
    )


def _ratio(program: Timings, bare: Timings) -> str:
    return f"{program.median / bare.median:.1f}x" if bare.median else "n/a"


def report_lines(result: FormsResult) -> list[str]:
    """The "Printed forms" section of docs/benchmarks.md."""
    per_page = result.batch_build.median / max(1, result.batch_pages)
    return [
        "## Printed forms for parents",
        "",
        "The registration declaration, the two built-in consent forms (sharing information about "
        "additional needs, passing on development summaries) and the privacy notice, built as PDF "
        "bytes with ReportLab (`app/reports/forms.py`) from fictional families in a temporary vault "
        'with a logo (`bench/forms.py`). "Read and build" reads the family from the vault through '
        "`session.forms` (the family, the setting's details and logo, the kinds of consent, the "
        "staff roles and retention periods for the notice) and builds the PDF, as the program does "
        'off the UI thread; "build alone" is ReportLab\'s part. The reference, timed in the same '
        "rounds, is a bare ReportLab document of the same page count (`bench/bare_pdf.py`: a "
        "heading and a paragraph a page in the same embedded font, nothing else).",
        "",
        "| what | pages | PDF size | read and build | build alone | bare ReportLab, same pages | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| one family's forms | {result.one_pages} | {result.one_bytes / 1024:,.0f} KB | "
        f"{_spread(result.one_family)} | {_spread(result.one_build)} | {_spread(result.one_bare)} | "
        f"{_ratio(result.one_family, result.one_bare)} |",
        f"| a batch of {result.batch_families} families (one set each) | {result.batch_pages} | "
        f"{result.batch_bytes / 1024:,.0f} KB | {_spread(result.batch)} | {_spread(result.batch_build)} | "
        f"{_spread(result.batch_bare)} | {_ratio(result.batch, result.batch_bare)} |",
        "",
        f"About {ms(per_page)} a page in the batch. The logo is embedded once and drawn on every page. "
        "The batch is expected to build in well under a few seconds; it runs off the UI thread with "
        "a progress bar either way.",
        f"This section took {result.seconds:.0f} s to measure, with making its vault.",
        "",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--render", type=Path, metavar="FOLDER", help="write the page renders here")
    args = parser.parse_args(argv)
    if args.render is not None:
        for path in render(args.render):
            print(path)
        return
    print("\n".join(report_lines(bench_forms())), file=sys.stdout)


if __name__ == "__main__":
    main()
