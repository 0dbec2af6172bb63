"""The bundle's ``sharewise`` program (PyInstaller needs a script, not an entry point)."""

import sys

from ui.main import main

sys.exit(main())
