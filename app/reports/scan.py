"""A scanned signed form as a PDF, so the preview window can show and print any scan the same way.

A scan kept as a PDF is handed back unchanged. A PNG or JPEG photograph of a form is put on an A4
page, as large as fits within the margins, centred, with its shape kept, in a PDF built in memory:
nothing is written to disk (the scan is a signed form about a child). The page carries no name:
its metadata says only "Scanned form".
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped]
from reportlab.platypus import Flowable  # type: ignore[import-untyped]

from app.consents import ScannedForm
from app.errors import ValidationError
from app.reports.document import a4_document

TITLE = "Scanned form"  # the PDF's metadata title: never a name
DAMAGED = "That scanned form could not be shown; it may be damaged. Scan it again and attach the new copy."

_MARGIN = 10 * mm
_ORIENTATION = 0x0112  # the EXIF tag a phone camera sets when the picture was taken sideways


class _Picture(Flowable):  # type: ignore[misc]
    """The scan, fitted inside the page's frame and centred in it."""

    def __init__(self, reader: ImageReader, size: tuple[int, int], clear: bool) -> None:
        super().__init__()
        self.reader = reader
        self.size = size
        self.clear = clear
        self.box = (0.0, 0.0)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.box = (available_width, available_height * 0.999)  # a hair under, so it always fits
        return self.box

    def draw(self) -> None:
        room_wide, room_high = self.box
        pixels_wide, pixels_high = self.size
        scale = min(room_wide / pixels_wide, room_high / pixels_high)
        wide, high = pixels_wide * scale, pixels_high * scale
        self.canv.drawImage(
            self.reader,
            (room_wide - wide) / 2,
            (room_high - high) / 2,
            width=wide,
            height=high,
            mask="auto" if self.clear else None,
        )


def _picture(data: bytes) -> _Picture:
    """The scan decoded in full (so a truncated file is caught here, not half-way through) and
    turned upright as the camera recorded it."""
    try:
        with Image.open(BytesIO(data)) as opened:
            opened.load()
            turned = opened.getexif().get(_ORIENTATION, 1) not in (1, None)
            upright = ImageOps.exif_transpose(opened) if turned else opened
            if upright.width < 1 or upright.height < 1:
                raise ValueError("an empty picture")
            if opened.format == "JPEG" and not turned:
                # The JPEG goes into the PDF as it is: no second compression, no loss, small file.
                return _Picture(ImageReader(BytesIO(data)), upright.size, clear=False)
            clear = "A" in upright.getbands() or "transparency" in upright.info
            converted = upright.convert("RGBA" if clear else "RGB")
            return _Picture(ImageReader(converted), converted.size, clear)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("form", DAMAGED) from None


def scan_as_pdf(form: ScannedForm) -> bytes:
    """The scan as PDF bytes: a PDF as it is, a PNG or JPEG on one A4 page.

    Raises ``ValidationError`` (field "form") for a scan that cannot be shown.
    """
    if form.data.startswith(b"%PDF-"):
        return form.data
    if form.media_type == "application/pdf":  # said to be a PDF but does not start like one
        raise ValidationError("form", DAMAGED)
    picture = _picture(form.data)
    out = BytesIO()
    document = a4_document(out, title=TITLE, left=_MARGIN, right=_MARGIN, top=_MARGIN, bottom=_MARGIN)
    document.build([picture])
    return out.getvalue()
