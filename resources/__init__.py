"""Data files shipped with the program: password list, demo data (and later fonts, wording)."""
