"""Storage and keys: SQLCipher database, key slots, recovery key, device binding, migrations.

Public entry point: ``app.vault.vault.Vault``.
"""
