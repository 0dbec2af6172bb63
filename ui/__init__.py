"""The PySide6 desktop shell. It talks to the core only through ``app.session.Session``.

Importing it first protects the interpreter from a reference-counting bug of the pinned PySide6
(see ``ui.pyside_fix``), for the program and for the tests alike.

It also imports, before anything imports PySide6, the core modules that showing the sign-in page
needs. Start-up time: PySide6 hooks every import made after its own and reads the source file of
each module it sees (to learn whether the module uses PySide6; PYSIDE-2029), about 0.1 ms a
module. Imported first, these ~20 modules are not read; ``ui.main`` would import them anyway.
"""

from ui.pyside_fix import protect_true_and_false

protect_true_and_false()

import app.data_folder  # noqa: E402 - see the module's note: before PySide6
import app.vault.vault  # noqa: E402, F401
