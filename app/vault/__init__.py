"""Storage and keys: SQLCipher database, key slots, recovery key, device binding, migrations.

Public entry point: ``app.vault.vault.Vault``.

Start-up opens the vault folder before the sign-in page shows, so the modules it needs import
little: random bytes come from ``os.urandom`` (what ``secrets.token_bytes`` calls; the
``secrets`` module would load OpenSSL's ``hashlib``, about 4 ms, for nothing needed before
someone signs in), and ``hashlib``/``hmac`` are imported where a username is looked up.
"""
