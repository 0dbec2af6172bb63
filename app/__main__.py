"""``python -m app``: the admin command line (see ``app.cli``)."""

import sys

from app.cli import main

sys.exit(main())
