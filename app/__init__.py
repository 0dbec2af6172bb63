"""Sharewise core: the encrypted vault, staff, permissions, audit and (later) the records.

Nothing in ``app`` imports Qt; a test checks it in a clean subprocess. The UI reaches the data
only through a signed-in ``app.session.Session``.
"""

from functools import cache


@cache
def version() -> str:
    """The installed version (declared once, in pyproject.toml). ``importlib.metadata`` (and the
    ``email`` package it loads) is imported here, not at start-up: only the error dialog, the
    self-test and the command line ask for the version."""
    from importlib import metadata

    try:
        return metadata.version("sharewise")
    except metadata.PackageNotFoundError:
        return "0+unknown"
