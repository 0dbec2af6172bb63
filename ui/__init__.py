"""The PySide6 desktop shell. It talks to the core only through ``app.session.Session``."""
