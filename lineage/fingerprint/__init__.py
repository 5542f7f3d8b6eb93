"""Fingerprints of content: MinHash for text, perceptual hashes for images. Pure functions:
bytes or text in, fingerprint out. Each name below loads its module when first used: a text
lookup need not load the image fingerprints.

>>> from lineage.fingerprint import DEFAULT_TEXT_PARAMS, fingerprint_text, similarity
>>> first = fingerprint_text("The heron stood in the shallows at dawn, waiting.")
>>> second = fingerprint_text("The heron stood in the shallows at dusk, waiting.")
>>> round(similarity(first.values, second.values), 2) >= DEFAULT_TEXT_PARAMS.threshold
True
>>> first.minhash.jaccard(second.minhash) == similarity(first.values, second.values)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from lineage.fingerprint.image import (
        ImageFingerprint as ImageFingerprint,
        fingerprint_image as fingerprint_image,
    )
    from lineage.fingerprint.image_index import (
        DHASH_MAX_DISTANCE as DHASH_MAX_DISTANCE,
        HASH_BITS as HASH_BITS,
        IMAGE_SUFFIXES as IMAGE_SUFFIXES,
        PHASH_MAX_DISTANCE as PHASH_MAX_DISTANCE,
        hamming_distance as hamming_distance,
        image_keys as image_keys,
        image_probe_keys as image_probe_keys,
    )
    from lineage.fingerprint.text import (
        DEFAULT_TEXT_PARAMS as DEFAULT_TEXT_PARAMS,
        TextFingerprint as TextFingerprint,
        TextFingerprintParams as TextFingerprintParams,
        band_keys as band_keys,
        check_compatible as check_compatible,
        fingerprint_text as fingerprint_text,
        is_empty as is_empty,
        minhash_from_bytes as minhash_from_bytes,
        minhash_to_bytes as minhash_to_bytes,
        similarity as similarity,
        values_from_bytes as values_from_bytes,
    )
    from lineage.fingerprint.tokens import (
        decode_text as decode_text,
        normalize_text as normalize_text,
        shingles as shingles,
    )

# Each name is imported from its module when first used.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "image": ["ImageFingerprint", "fingerprint_image"],
        "image_index": [
            "DHASH_MAX_DISTANCE",
            "HASH_BITS",
            "IMAGE_SUFFIXES",
            "PHASH_MAX_DISTANCE",
            "hamming_distance",
            "image_keys",
            "image_probe_keys",
        ],
        "text": [
            "DEFAULT_TEXT_PARAMS",
            "TextFingerprint",
            "TextFingerprintParams",
            "band_keys",
            "check_compatible",
            "fingerprint_text",
            "is_empty",
            "minhash_from_bytes",
            "minhash_to_bytes",
            "similarity",
            "values_from_bytes",
        ],
        "tokens": ["decode_text", "normalize_text", "shingles"],
    },
)
