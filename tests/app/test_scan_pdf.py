"""A scanned signed form shown as a PDF: a PDF kept as it is, a PNG or JPEG put on one A4 page, and
a damaged picture refused with one plain sentence. The scans go through the vault
(``session.consents.attach_form`` / ``open_form``) as the program stores them; the PDFs are read
back with poppler (pdfinfo, pdfimages), piped, never written to disk.
"""

from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest
from PIL import Image

from app.children import CarerDetails, ChildDetails
from app.consents import ConsentDetails, ConsentHow, ConsentStatus, KindCode, ScannedForm
from app.errors import ValidationError
from app.reports.scan import DAMAGED, TITLE, scan_as_pdf
from tests.app.test_chronology_pdf import poppler
from tests.app.test_forms_pdf import tiny_png
from tests.conftest import VaultUnderTest


def picture(kind: str, size: tuple[int, int] = (1240, 1754), **options: object) -> bytes:
    """A page-like scan: white with a dark band where a signature would be."""
    image = Image.new("RGB", size, (252, 252, 250))
    for x in range(size[0] // 10, size[0] // 2):
        for y in range(size[1] * 3 // 4, size[1] * 3 // 4 + 6):
            image.putpixel((x, y), (20, 20, 20))
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def info_of(data: bytes) -> dict[str, str]:
    result = subprocess.run([poppler("pdfinfo"), "-"], input=data, capture_output=True, check=True)
    fields = {}
    for line in result.stdout.decode("utf-8").splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def images_in(data: bytes) -> list[list[str]]:
    """``pdfimages -list``: one row of columns per image drawn."""
    result = subprocess.run([poppler("pdfimages"), "-list", "-"], input=data, capture_output=True, check=True)
    return [line.split() for line in result.stdout.decode("utf-8").splitlines()[2:]]


def stored(made: VaultUnderTest, data: bytes) -> ScannedForm:
    """The scan attached to a consent and read back from the vault, as the preview gets it."""
    session = made.session
    child = session.children.add(
        ChildDetails(legal_name="Zoë Ålund", date_of_birth="2023-02-03", start_date="2025-09-01")
    )
    child = session.children.add_carer(child.id, CarerDetails("Łucja Ålund", "Mother", True, True))
    kind = next(k for k in session.consents.kinds() if k.code is KindCode.TRANSITION)
    consent = session.consents.record(
        child.id,
        child.carers[0].id,
        kind.id,
        ConsentDetails(ConsentStatus.GIVEN, date(2026, 9, 1), ConsentHow.SIGNED_FORM, form=data),
    )
    (event,) = session.consents.history(consent.id)
    return session.consents.open_form(event.forms[0].id)


def test_a_pdf_scan_is_handed_back_unchanged(made_vault: VaultUnderTest) -> None:
    original = scan_as_pdf(ScannedForm(picture("PNG"), "image/png"))  # any real PDF will do
    form = stored(made_vault, original)
    assert form.media_type == "application/pdf"
    assert scan_as_pdf(form) == original


@pytest.mark.parametrize(("kind", "media_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_a_picture_becomes_one_a4_page(made_vault: VaultUnderTest, kind: str, media_type: str) -> None:
    form = stored(made_vault, picture(kind))
    assert form.media_type == media_type
    data = scan_as_pdf(form)
    assert data.startswith(b"%PDF-")
    info = info_of(data)
    assert info["Pages"] == "1"
    assert "(A4)" in info["Page size"]
    assert info["Title"] == TITLE
    (image,) = images_in(data)
    width, height, encoding = image[3], image[4], image[8]
    assert (width, height) == ("1240", "1754")  # the scan at full resolution, not a thumbnail
    if kind == "JPEG":
        assert encoding == "jpeg"  # put in as it is, not compressed a second time


def test_a_picture_keeps_its_shape_and_is_centred(made_vault: VaultUnderTest) -> None:
    """A landscape photo, twice as wide as high, fills the width and sits in the middle."""
    data = scan_as_pdf(stored(made_vault, picture("PNG", (2000, 1000))))
    result = subprocess.run(
        [poppler("pdftoppm"), "-r", "30", "-gray", "-"], input=data, capture_output=True, check=True
    )
    page = Image.open(io.BytesIO(result.stdout))
    # The paper is white; the scan is a shade off white.
    box = page.point(lambda value: 255 if value < 254 else 0).getbbox()
    assert box is not None
    left, top, right, bottom = box
    page_width, page_height = page.size
    assert (right - left) / (bottom - top) == pytest.approx(2, abs=0.06)
    assert (right - left) / page_width > 0.85  # as large as the margins allow
    assert abs(left - (page_width - right)) <= 2
    assert abs(top - (page_height - bottom)) <= 2


@pytest.mark.parametrize(
    "data",
    [
        picture("PNG")[:400],  # cut off part-way
        picture("JPEG")[:600],
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,  # the right start, nothing behind it
        b"\xff\xd8\xff" + b"not a picture at all",
    ],
)
def test_a_damaged_picture_is_refused_in_one_sentence(data: bytes) -> None:
    media_type = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    with pytest.raises(ValidationError) as raised:
        scan_as_pdf(ScannedForm(data, media_type))
    assert raised.value.field == "form"
    assert str(raised.value) == DAMAGED


def test_something_called_a_pdf_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValidationError, match="could not be shown"):
        scan_as_pdf(ScannedForm(tiny_png(), "application/pdf"))


def test_a_phone_photo_taken_sideways_is_turned_upright() -> None:
    """The camera's orientation tag (6: turn 90° clockwise) is applied, so the form reads upright."""
    exif = Image.Exif()
    exif[0x0112] = 6
    sideways = picture("JPEG", (1754, 1240), exif=exif.tobytes())
    (image,) = images_in(scan_as_pdf(ScannedForm(sideways, "image/jpeg")))
    assert (image[3], image[4]) == ("1240", "1754")
