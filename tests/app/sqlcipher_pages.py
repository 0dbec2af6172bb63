"""Decrypt every page of a Sharewise database file and its WAL, to look for text in them.

The file is encrypted, so searching its raw bytes proves nothing about what it holds. SQLCipher 4
defaults: 4096-byte pages, each ending in 80 reserved bytes (a 16-byte IV, then a 64-byte HMAC);
AES-256-CBC with the raw 32-byte data key (a raw key needs no KDF). Page 1 starts with the
16-byte salt in clear, so its ciphertext is bytes 16..4016; every other page's is bytes 0..4016.
The WAL is a 32-byte header, then frames of a 24-byte header (page number first) and one page.

The HMACs are not checked: a page that fails to decrypt would come out as noise, which the
callers notice because the text they expect before a destruction is then missing.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE_SIZE = 4096
RESERVED = 80
IV_SIZE = 16
SALT_SIZE = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def decrypt_page(page: bytes, key: bytes, number: int) -> bytes:
    """The plain bytes of one page (page 1 without its salt)."""
    if len(page) != PAGE_SIZE:
        raise ValueError(f"a page is {PAGE_SIZE} bytes, not {len(page)}")
    start = SALT_SIZE if number == 1 else 0
    end = PAGE_SIZE - RESERVED
    iv = page[end : end + IV_SIZE]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(page[start:end]) + decryptor.finalize()


def database_pages(path: Path, key: bytes) -> list[bytes]:
    """Every page of the main database file, decrypted."""
    data = path.read_bytes()
    if len(data) % PAGE_SIZE:
        raise ValueError("the database file is not a whole number of pages")
    pages = [data[i : i + PAGE_SIZE] for i in range(0, len(data), PAGE_SIZE)]
    plain = [decrypt_page(page, key, number) for number, page in enumerate(pages, start=1)]
    # After the salt, page 1 begins with the page size (big-endian) and the WAL format numbers:
    # a wrong key or layout would give noise here.
    if plain and plain[0][:4] != b"\x10\x00\x02\x02":
        raise ValueError("page 1 did not decrypt to an SQLite header: wrong key or layout")
    return plain


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def wal_pages(path: Path, key: bytes) -> list[bytes]:
    """Every frame's page in the WAL beside ``path`` (none when it is missing or empty)."""
    wal = wal_path(path)
    if not wal.exists():
        return []
    data = wal.read_bytes()
    plain = []
    offset = WAL_HEADER
    while offset + FRAME_HEADER + PAGE_SIZE <= len(data):
        number = int.from_bytes(data[offset : offset + 4], "big")
        page = data[offset + FRAME_HEADER : offset + FRAME_HEADER + PAGE_SIZE]
        plain.append(decrypt_page(page, key, number))
        offset += FRAME_HEADER + PAGE_SIZE
    return plain


def pages_holding(path: Path, key: bytes, needle: bytes) -> list[str]:
    """Where ``needle`` appears in a decrypted page: "database page 12", "WAL frame 3"."""
    found = [f"database page {n}" for n, p in enumerate(database_pages(path, key), start=1) if needle in p]
    found += [f"WAL frame {n}" for n, p in enumerate(wal_pages(path, key), start=1) if needle in p]
    return found
