"""Pack dist/sharewise (built by PyInstaller) into dist/sharewise-<version>-linux-x86_64.tar.gz,
with the desktop file, AppStream metainfo and icons laid out as under ~/.local/share, and a short
INSTALL.txt. Run by `make bundle` after PyInstaller; prints the archive's path and size.
"""

from __future__ import annotations

import io
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
APP_ID = "org.sharewise.Sharewise"
ICON_SIZES = (48, 128, 256)

INSTALL = """\
Sharewise {version} for Linux (x86-64)

Install for yourself, without administrator rights:

    mkdir -p ~/.local/opt ~/.local/bin
    tar -xzf sharewise-{version}-linux-x86_64.tar.gz -C ~/.local/opt
    ln -sf ~/.local/opt/{top}/sharewise/sharewise ~/.local/bin/sharewise
    ln -sf ~/.local/opt/{top}/sharewise/sharewise-admin ~/.local/bin/sharewise-admin
    cp -r ~/.local/opt/{top}/share/. ~/.local/share/

Sharewise then appears in the desktop's menu under Office. Check this copy works on this
computer (it touches none of your records):

    sharewise --self-test

To remove the program, delete ~/.local/opt/{top}, the two links in ~/.local/bin and the
{app_id} files under ~/.local/share. Your records stay in ~/.local/share/Sharewise until you
delete that folder yourself: keep a backup elsewhere first.
"""


def version() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(project["version"])


def archive_name(ver: str) -> str:
    return f"sharewise-{ver}-linux-x86_64.tar.gz"


def main() -> int:
    bundle = DIST / "sharewise"
    if not (bundle / "sharewise").is_file():
        print("dist/sharewise/sharewise is missing: run PyInstaller first (make bundle).", file=sys.stderr)
        return 1
    ver = version()
    top = f"sharewise-{ver}"
    target = DIST / archive_name(ver)
    icons = ROOT / "resources" / "icons"
    linux = ROOT / "installer" / "linux"
    extras = {
        f"share/applications/{APP_ID}.desktop": linux / f"{APP_ID}.desktop",
        f"share/metainfo/{APP_ID}.metainfo.xml": linux / f"{APP_ID}.metainfo.xml",
        f"share/icons/hicolor/scalable/apps/{APP_ID}.svg": icons / "sharewise.svg",
    }
    for size in ICON_SIZES:
        extras[f"share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png"] = icons / f"sharewise-{size}.png"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        # Symbolic links inside the bundle (Qt's libraries) stay links.
        tar.add(bundle, arcname=f"{top}/sharewise")
        for name, source in extras.items():
            tar.add(source, arcname=f"{top}/{name}")
        text = INSTALL.format(version=ver, top=top, app_id=APP_ID).encode("utf-8")
        info = tarfile.TarInfo(f"{top}/INSTALL.txt")
        info.size = len(text)
        info.mode = 0o644
        info.mtime = int(time.time())
        tar.addfile(info, io.BytesIO(text))
    print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
