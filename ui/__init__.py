"""The PySide6 desktop shell. It talks to the core only through ``app.session.Session``.

Importing it first protects the interpreter from a reference-counting bug of the pinned PySide6
(see ``ui.pyside_fix``), for the program and for the tests alike.
"""

from ui.pyside_fix import protect_true_and_false

protect_true_and_false()
