"""What image fingerprints are compared and found by, with no image decoded: which files are
fingerprinted as images, the pHash and dHash distances of a match, and the index keys of a
pHash (multi-index hashing). Lookups and stores use these without loading Pillow.
"""

from __future__ import annotations

import itertools

# The file suffixes of the formats fingerprinted as images.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})
HASH_BITS = 64
# Chosen so that resizing and recompression stay within them while distinct pictures,
# about 32 bits apart on both hashes, stay far outside; both must agree for a match.
PHASH_MAX_DISTANCE = 10
DHASH_MAX_DISTANCE = 12


def hamming_distance(first: int, second: int) -> int:
    return ((first ^ second) & ((1 << HASH_BITS) - 1)).bit_count()


# Index keys: the pHash cut into 16-bit pieces. Two hashes within PHASH_MAX_DISTANCE bits
# differ in at most PHASH_MAX_DISTANCE // 4 bits of some piece (pigeonhole), so probing each
# piece's neighbours within that many bits finds every match: multi-index hashing.
KEY_PIECES = 4
PIECE_BITS = HASH_BITS // KEY_PIECES


def image_keys(phash: int) -> tuple[int, ...]:
    """The index keys stored for an image: one per piece of its pHash."""
    return tuple(_piece_key(piece, value) for piece, value in enumerate(_pieces(phash)))


def image_probe_keys(phash: int, max_distance: int = PHASH_MAX_DISTANCE) -> list[int]:
    """Every key an image within `max_distance` bits of `phash` must share with it."""
    radius = max_distance // KEY_PIECES
    keys: list[int] = []
    for piece, value in enumerate(_pieces(phash)):
        keys.extend(_piece_key(piece, near) for near in _within(value, radius))
    return keys


def _pieces(phash: int) -> list[int]:
    unsigned = phash & ((1 << HASH_BITS) - 1)
    mask = (1 << PIECE_BITS) - 1
    return [(unsigned >> (piece * PIECE_BITS)) & mask for piece in range(KEY_PIECES)]


def _within(value: int, radius: int) -> list[int]:
    """`value` and every value that differs from it in at most `radius` bits."""
    found = [value]
    for bits in itertools.chain.from_iterable(
        itertools.combinations(range(PIECE_BITS), count) for count in range(1, radius + 1)
    ):
        flipped = value
        for bit in bits:
            flipped ^= 1 << bit
        found.append(flipped)
    return found


def _piece_key(piece: int, value: int) -> int:
    mixed = _fmix64((piece << PIECE_BITS) | value)
    return mixed - (1 << 64) if mixed >= 1 << 63 else mixed


def _fmix64(value: int) -> int:
    mask = (1 << 64) - 1
    value ^= value >> 33
    value = (value * 0xFF51AFD7ED558CCD) & mask
    value ^= value >> 33
    value = (value * 0xC4CEB9FE1A85EC53) & mask
    return value ^ (value >> 33)
