"""Build scripts for the bundle and installers (not part of the installed program)."""
