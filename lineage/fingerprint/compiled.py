"""The compiled text signer: tokenise, hash tokens (CRC-32), combine them into shingle hashes
and keep the MinHash minima in one pass over a text's bytes, with no Python object per token
or shingle and without the GIL, so that ingest's threads sign in parallel. ASCII texts are
normalised in the same pass; others are normalised by `normalize_text` (NFKC and case folding
need Unicode's tables) and tokenised from their UTF-8, with a table of what `\\w` matches for
each code point.

The signer is C (`_signer.c`), compiled when the package is installed: loading it costs a
shared library's load, where a JIT-compiled one cost every process a third of a second. It
computes exactly what `lineage.fingerprint.text` computes in numpy (tests hold the two equal):
the numpy path stays for texts too long to batch.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from lineage.fingerprint import _signer
from lineage.fingerprint.tokens import ASCII_WORD_TRANSLATION, UNSPACED_RANGES

# Token bytes: those the numpy path's ASCII translation keeps ([A-Za-z0-9_]).
_WORD_BYTES = np.frombuffer(ASCII_WORD_TRANSLATION, np.uint8) != ord(" ")
# Classes of code points in `_code_point_classes` (as _signer.c reads them).
_SEPARATOR, _WORD, _SINGLE = 0, 1, 2


@cache
def _code_point_classes() -> np.ndarray:
    """For every code point: a single-character token (scripts without spaces), a word
    character (`\\w`: alphanumeric or underscore, by this Python's Unicode tables), or neither."""
    classes = np.fromiter(
        (_WORD if chr(code).isalnum() else _SEPARATOR for code in range(0x110000)),
        np.uint8,
        0x110000,
    )
    classes[ord("_")] = _WORD
    for first, last in UNSPACED_RANGES:
        classes[first : last + 1] = _SINGLE
    return classes


def sign_ascii(
    texts: list[bytes], a: np.ndarray, b: np.ndarray, ngram: int
) -> tuple[np.ndarray, list[memoryview]]:
    """MinHash values (texts x permutations) and normalised bytes of ASCII texts."""
    data, ends = _packed(texts)
    values = np.empty((len(texts), len(a)), np.uint32)
    normalized = np.empty(len(data), np.uint8)
    normalized_ends = np.empty(len(texts), np.int64)
    _signer.sign_ascii(data, ends, a, b, ngram, _WORD_BYTES, values, normalized, normalized_ends)
    view = memoryview(normalized.data)
    starts = [0, *ends[:-1].tolist()]
    return values, [
        view[start:end] for start, end in zip(starts, normalized_ends.tolist(), strict=True)
    ]


def sign_normalized(texts: list[bytes], a: np.ndarray, b: np.ndarray, ngram: int) -> np.ndarray:
    """MinHash values (texts x permutations) of texts already normalised, in UTF-8."""
    data, ends = _packed(texts)
    values = np.empty((len(texts), len(a)), np.uint32)
    _signer.sign_utf8(data, ends, a, b, ngram, _code_point_classes(), values)
    return values


def _packed(texts: list[bytes]) -> tuple[bytes, np.ndarray]:
    """The texts end to end, and where each ends."""
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    return b"".join(texts), np.cumsum(lengths)
