"""Image fingerprints: pHash and dHash from one reduced-size decode.

JPEGs are decoded in draft mode at a fraction of their size, since both hashes look at a
32x32 (pHash) or 9x8 (dHash) greyscale thumbnail anyway.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import imagehash
import numpy as np
from PIL import Image

from lineage.errors import FingerprintError

# Larger images are refused as likely decompression bombs (Pillow's own default is ~89 MP).
MAX_PIXELS = 64_000_000
DRAFT_SIZE = (64, 64)
HASH_BITS = 64
# Chosen so that resizing and recompression stay within them while distinct pictures,
# about 32 bits apart on both hashes, stay far outside; both must agree for a match.
PHASH_MAX_DISTANCE = 10
DHASH_MAX_DISTANCE = 12


@dataclass(frozen=True)
class ImageFingerprint:
    phash: int
    dhash: int
    width: int
    height: int
    format: str


def fingerprint_image(data: bytes) -> ImageFingerprint:
    """Hash an encoded image; anything Pillow cannot decode safely raises FingerprintError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise FingerprintError(f"image of {width}x{height} pixels exceeds the limit")
            fmt = image.format or "unknown"
            image.draft("L", DRAFT_SIZE)
            grey = image.convert("L")
    except FingerprintError:
        raise
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise FingerprintError(f"not a readable image: {exc}") from exc
    return ImageFingerprint(
        phash=hash_to_int(imagehash.phash(grey)),
        dhash=hash_to_int(imagehash.dhash(grey)),
        width=width,
        height=height,
        format=fmt,
    )


def hash_to_int(image_hash: imagehash.ImageHash) -> int:
    """The 64 hash bits as a signed 64-bit integer, the form stored in the database."""
    bits = np.packbits(image_hash.hash.flatten())
    return int.from_bytes(bits.tobytes(), "big", signed=True)


def hamming_distance(first: int, second: int) -> int:
    return ((first ^ second) & ((1 << HASH_BITS) - 1)).bit_count()


def images_match(first: ImageFingerprint, second: ImageFingerprint) -> bool:
    return (
        hamming_distance(first.phash, second.phash) <= PHASH_MAX_DISTANCE
        and hamming_distance(first.dhash, second.dhash) <= DHASH_MAX_DISTANCE
    )
