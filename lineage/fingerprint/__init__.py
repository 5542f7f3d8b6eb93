"""Fingerprints of content: MinHash for text, perceptual hashes for images. Pure functions:
bytes or text in, fingerprint out.

>>> first = fingerprint_text("The heron stood in the shallows at dawn, waiting.")
>>> second = fingerprint_text("The heron stood in the shallows at dusk, waiting.")
>>> round(similarity(first.values, second.values), 2) >= DEFAULT_TEXT_PARAMS.threshold
True
>>> first.minhash.jaccard(second.minhash) == similarity(first.values, second.values)
True
"""

from lineage.fingerprint.image import (
    DHASH_MAX_DISTANCE,
    HASH_BITS,
    IMAGE_SUFFIXES,
    PHASH_MAX_DISTANCE,
    ImageFingerprint,
    fingerprint_image,
    hamming_distance,
    image_keys,
    image_probe_keys,
)
from lineage.fingerprint.text import (
    DEFAULT_TEXT_PARAMS,
    TextFingerprint,
    TextFingerprintParams,
    band_keys,
    check_compatible,
    fingerprint_text,
    is_empty,
    minhash_from_bytes,
    minhash_to_bytes,
    similarity,
    values_from_bytes,
)
from lineage.fingerprint.tokens import decode_text, normalize_text, shingles

__all__ = [
    "DEFAULT_TEXT_PARAMS",
    "DHASH_MAX_DISTANCE",
    "HASH_BITS",
    "IMAGE_SUFFIXES",
    "PHASH_MAX_DISTANCE",
    "ImageFingerprint",
    "TextFingerprint",
    "TextFingerprintParams",
    "band_keys",
    "check_compatible",
    "decode_text",
    "fingerprint_image",
    "fingerprint_text",
    "hamming_distance",
    "image_keys",
    "image_probe_keys",
    "is_empty",
    "minhash_from_bytes",
    "minhash_to_bytes",
    "normalize_text",
    "shingles",
    "similarity",
    "values_from_bytes",
]
