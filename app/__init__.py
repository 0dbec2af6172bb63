"""Sharewise core: the encrypted vault, staff, permissions, audit and (later) the records.

Nothing in ``app`` imports Qt; a test checks it in a clean subprocess. The UI reaches the data
only through a signed-in ``app.session.Session``.
"""

from importlib import metadata


def version() -> str:
    """The installed version (declared once, in pyproject.toml)."""
    try:
        return metadata.version("sharewise")
    except metadata.PackageNotFoundError:
        return "0+unknown"
