"""Image fingerprints: pHash and dHash from one reduced-size decode.

JPEGs are decoded in draft mode at a fraction of their size, since both hashes look at a
32x32 (pHash) or 9x8 (dHash) greyscale thumbnail anyway.

pHash is imagehash's algorithm (greyscale, Lanczos to 32x32, 2-D DCT-II, low 8x8 frequencies
against their median), with the DCT as two small matrix products: imagehash takes it from
SciPy, whose import alone costs a one-shot lookup about 130 ms. The bits are imagehash's
(tested), except where coefficients tie with the median within rounding, as in flat images.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from dataclasses import dataclass

import imagehash
import numpy as np
from PIL import Image

from lineage.errors import FingerprintError

# Larger images are refused as likely decompression bombs (Pillow's own default is ~89 MP).
MAX_PIXELS = 64_000_000
DRAFT_SIZE = (64, 64)
_OPEN_LOCK = threading.Lock()
_BUFFER_ADDRESS = re.compile(r" ?<_io\.BytesIO object at 0x[0-9a-f]+>")
PHASH_SIDE = 32
PHASH_FREQUENCIES = 8
# Unnormalised DCT-II basis (SciPy's type 2): 2 cos(pi k (2n + 1) / 2N), low frequencies only.
_DCT_BASIS = 2 * np.cos(
    np.pi
    * np.arange(PHASH_FREQUENCIES)[:, None]
    * (2 * np.arange(PHASH_SIDE)[None, :] + 1)
    / (2 * PHASH_SIDE)
)


@dataclass(frozen=True)
class ImageFingerprint:
    phash: int
    dhash: int
    width: int
    height: int
    format: str


def fingerprint_image(data: bytes) -> ImageFingerprint:
    """Hash an encoded image; anything Pillow cannot decode safely raises FingerprintError.
    Safe to call from several threads at once (ingest decodes on threads)."""
    try:
        image = open_image(data)
        width, height = image.size
        fmt = image.format or "unknown"
        image.draft("L", DRAFT_SIZE)
        grey = image.convert("L")
    except FingerprintError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise FingerprintError(f"not a readable image: {_stable(exc)}") from exc
    return ImageFingerprint(
        phash=perceptual_hash(grey),
        dhash=hash_to_int(imagehash.dhash(grey)),
        width=width,
        height=height,
        format=fmt,
    )


def open_image(data: bytes) -> Image.Image:
    """The image with only its header read; FingerprintError above MAX_PIXELS. Pillow's
    decompression-bomb warning is made an error for the open alone; warning filters are
    process-wide, so the opens take turns (a header is quick) while decoding stays parallel."""
    with _OPEN_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombWarning as exc:
            raise FingerprintError(f"not a readable image: {_stable(exc)}") from exc
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise FingerprintError(f"image of {width}x{height} pixels exceeds the limit")
    return image


def _stable(exc: Exception) -> str:
    """Pillow's message without the address of the buffer it read, which differs every run."""
    return _BUFFER_ADDRESS.sub("", str(exc))


def perceptual_hash(grey: Image.Image) -> int:
    """imagehash's pHash of a greyscale image, as a signed 64-bit integer."""
    side = (PHASH_SIDE, PHASH_SIDE)
    pixels = np.asarray(grey.resize(side, Image.Resampling.LANCZOS), dtype=np.float64)
    # Rounded so that exact zeros (flat areas) compare the same on every BLAS.
    low = np.round(_DCT_BASIS @ pixels @ _DCT_BASIS.T, 6)
    return _bits_to_int(low > _median(low))


def _median(values: np.ndarray) -> float:
    """np.median of an even count, without the `numpy.ma` import (10 ms) np.median makes."""
    ordered = np.sort(values, axis=None)
    middle = ordered.size // 2
    return float((ordered[middle - 1] + ordered[middle]) / 2)


def hash_to_int(image_hash: imagehash.ImageHash) -> int:
    """The 64 hash bits as a signed 64-bit integer, the form stored in the database."""
    return _bits_to_int(image_hash.hash)


def _bits_to_int(bits: np.ndarray) -> int:
    packed = np.packbits(bits.flatten())
    return int.from_bytes(packed.tobytes(), "big", signed=True)
