"""Render the program icon from resources/icons/sharewise.svg: PNGs at 256, 128 and 48 px with
Qt's SVG renderer, a Windows .ico and a macOS .icns with Pillow. Run it after changing the SVG:

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icons.py

The outputs are committed, so a build never needs QtSvg (which the bundle leaves out).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
PNG_SIZES = (256, 128, 48)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data.data()))).convert("RGBA")


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "sharewise.svg"))
    if not renderer.isValid():
        print("resources/icons/sharewise.svg did not load.", file=sys.stderr)
        return 1
    for size in PNG_SIZES:
        render(renderer, size).save(ICONS / f"sharewise-{size}.png", optimize=True)
    # Each .ico size is drawn from the SVG itself, so the small ones stay sharp.
    icos = [render(renderer, size) for size in ICO_SIZES]
    icos[-1].save(ICONS / "sharewise.ico", sizes=[(s, s) for s in ICO_SIZES], append_images=icos[:-1])
    render(renderer, 1024).save(ICONS / "sharewise.icns")
    for path in sorted(ICONS.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
