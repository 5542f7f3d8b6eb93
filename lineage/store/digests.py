"""Content hashes as the records table keeps them: the 32 bytes of a SHA-256 digest, where
they were 64 characters of hex (half the row, and half of each of its two indexes). Callers
see hex throughout; these convert at the table's edge for statements that go straight to the
driver, and `lineage.store.schema.Digest` does so for SQLAlchemy's."""

from __future__ import annotations

from collections.abc import Iterable


def stored_digest(in_hex: str) -> bytes:
    """A hex SHA-256 digest as the table stores it."""
    return bytes.fromhex(in_hex)


def stored_digests(in_hex: Iterable[str]) -> list[bytes]:
    return [bytes.fromhex(value) for value in in_hex]


def hex_digest(stored: bytes | memoryview) -> str:
    """A stored digest in hex (PostgreSQL's driver may give a memoryview)."""
    return bytes(stored).hex()


def hex_digest_or_none(stored: bytes | memoryview | None) -> str | None:
    return None if stored is None else hex_digest(stored)
