"""Fingerprints of content: MinHash for text, perceptual hashes for images."""

from lineage.fingerprint.image import (
    DHASH_MAX_DISTANCE,
    HASH_BITS,
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
    check_compatible,
    fingerprint_text,
    is_empty,
    minhash_from_bytes,
    minhash_to_bytes,
    normalize_text,
    shingles,
    similarity,
    values_from_bytes,
)

__all__ = [
    "DEFAULT_TEXT_PARAMS",
    "DHASH_MAX_DISTANCE",
    "HASH_BITS",
    "PHASH_MAX_DISTANCE",
    "ImageFingerprint",
    "TextFingerprint",
    "TextFingerprintParams",
    "check_compatible",
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
