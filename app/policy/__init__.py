"""Pure rules with no database: permissions and passwords (and later sharing and retention)."""
