"""The bundle's ``sharewise-admin`` command line (PyInstaller needs a script, not an entry point)."""

import sys

from app.cli import main

sys.exit(main())
