"""Manifest hashes: a Merkle root over the record hashes of a dataset version.

Leaves and inner nodes are domain-separated (0x00 / 0x01 prefixes) so that a leaf can never be
passed off as a node; an odd node at the end of a level is carried up unchanged. The root of
an empty version is the SHA-256 of nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


def merkle_root(record_digests: Iterable[bytes]) -> str:
    """The hex Merkle root of the distinct SHA-256 `record_digests` (32 bytes each, as the
    records table keeps them), in sorted order (that of their hex, too)."""
    level = [hashlib.sha256(LEAF_PREFIX + value).digest() for value in sorted(set(record_digests))]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        level = [_parent(level[index : index + 2]) for index in range(0, len(level), 2)]
    return level[0].hex()


def _parent(pair: list[bytes]) -> bytes:
    if len(pair) == 1:
        return pair[0]
    return hashlib.sha256(NODE_PREFIX + pair[0] + pair[1]).digest()
