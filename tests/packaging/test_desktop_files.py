"""The Linux desktop files (installer/linux) pass the freedesktop validators and agree with the
project: the id, the icon name, the launcher, and the release version in pyproject.toml.

Needs ``desktop-file-validate`` (desktop-file-utils) and ``appstreamcli`` (appstream). Without them
the validator tests are skipped, unless ``SHAREWISE_REQUIRE_INTEGRATION=1`` (set in CI), when they
fail instead.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
LINUX = PROJECT / "installer" / "linux"
ICONS = PROJECT / "resources" / "icons"
APP_ID = "org.sharewise.Sharewise"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        reason = f"{name} not found (apt-get install {package})"
        if os.environ.get("SHAREWISE_REQUIRE_INTEGRATION") == "1":
            pytest.fail(f"SHAREWISE_REQUIRE_INTEGRATION=1 but {reason}.", pytrace=False)
        pytest.skip(reason)
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), capture_output=True, text=True, encoding="utf-8", timeout=60, check=False
    )


def project_version() -> str:
    return str(tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


@pytest.mark.integration
def test_the_desktop_file_passes_desktop_file_validate() -> None:
    done = run(tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP))
    # It prints nothing for a clean file, and hints and warnings (exit 0) otherwise: allow none.
    assert done.returncode == 0 and done.stdout.strip() == "", done.stdout + done.stderr


@pytest.mark.integration
def test_the_metainfo_passes_appstreamcli_validate() -> None:
    done = run(tool("appstreamcli", "appstream"), "validate", "--no-net", str(METAINFO))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation was successful" in done.stdout
    # Warnings would pass the validator's exit code but fail a software centre's review.
    assert not [line for line in done.stdout.splitlines() if line.startswith(("E:", "W:"))], done.stdout


@pytest.mark.integration
def test_appstreamcli_would_refuse_a_broken_metainfo(tmp_path: Path) -> None:
    """The validator test above can fail: a metainfo without its summary is refused."""
    broken = tmp_path / f"{APP_ID}.metainfo.xml"
    text = METAINFO.read_text("utf-8")
    broken.write_text(text.replace("<summary>", "<!--").replace("</summary>", "-->"), "utf-8")
    done = run(tool("appstreamcli", "appstream"), "validate", "--no-net", str(broken))
    assert done.returncode != 0, done.stdout


def test_the_desktop_file_launches_sharewise_with_its_icon_under_office() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Sharewise"
    assert entry["Exec"] == "sharewise"
    assert entry["Icon"] == APP_ID
    assert entry["Categories"].split(";")[0] == "Office"
    assert entry["Terminal"] == "false"


def test_the_metainfo_names_the_app_its_launcher_and_this_version() -> None:
    root = ET.parse(METAINFO).getroot()  # noqa: S314 (our own file)
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("metadata_license") == "CC0-1.0"
    # No LICENSE file in the repository yet: the project's licence is not an open one.
    assert root.findtext("project_license") == "LicenseRef-proprietary"
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    releases = root.findall("releases/release")
    assert releases, "the metainfo lists no release"
    assert releases[0].get("version") == project_version(), "the newest release is not pyproject's version"
    rating = root.find("content_rating")
    assert rating is not None and rating.get("type") == "oars-1.1"


def test_the_icons_exist_at_every_size_the_archive_ships() -> None:
    from PIL import Image

    for size in (48, 128, 256):
        with Image.open(ICONS / f"sharewise-{size}.png") as image:
            assert image.size == (size, size)
            assert image.mode == "RGBA"
            # A rounded square: the corners are transparent, the middle is not.
            assert image.getpixel((0, 0))[3] == 0
            assert image.getpixel((size // 2, size // 2))[3] == 255
    with Image.open(ICONS / "sharewise.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(ICONS / "sharewise.icns") as icns:
        assert icns.size == (1024, 1024)
    svg = ET.parse(ICONS / "sharewise.svg").getroot()  # noqa: S314 (our own file)
    assert svg.get("viewBox") == "0 0 256 256"
