"""The text signer compiled with numba: tokenise, hash tokens (CRC-32), combine them into
shingle hashes and keep the MinHash minima in one pass over a text's bytes, with no Python
object per token or shingle. ASCII texts are normalised in the same pass; others are
normalised by `normalize_text` (NFKC and case folding need Unicode's tables) and tokenised
here from their UTF-8, with a table of what `\\w` matches for each code point.

It computes exactly what `lineage.fingerprint.text` computes in numpy (tests hold the two
equal): the numpy path stays for texts too long to batch and for one-off lookups, which
should not pay numba's import. Compiled code is cached on disk by numba, so only the first
ingest after an install compiles it (about half a second).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import numpy as np

from lineage.fingerprint.tokens import ASCII_WORD_TRANSLATION, UNSPACED_RANGES


@contextmanager
def _unimportable(module: str) -> Iterator[None]:
    """`module` refused to any import inside the block, unless it is loaded already."""
    if module in sys.modules:
        yield
        return
    sys.modules[module] = None  # type: ignore[assignment]  # Python's mark for "cannot import"
    try:
        yield
    finally:
        if sys.modules.get(module, ...) is None:
            del sys.modules[module]


# numba's NumPy support asks, as it loads (on a signer's first call), whether SciPy's BLAS
# is there (for np.dot and the like) by importing scipy.linalg: a fifth of a second of every
# ingest, for linear algebra the signer never does. Loaded here, told it is missing, it
# leaves its BLAS functions out, for the whole process: nothing in lineage compiles linear
# algebra with numba. SciPy imports as usual afterwards. (numba is pinned: the check is its
# module's, numba.np.arraymath.)
with _unimportable("scipy.linalg.cython_blas"):
    import numba.np.arraymath  # noqa: F401  (loaded for the check above)
    from numba import njit

# ASCII as normalize_text folds it: capitals to lower case, and str.split()'s whitespace
# (tab to carriage return, the four separators) to a space.
_FOLDED = np.arange(256, dtype=np.uint8)
_FOLDED[[9, 10, 11, 12, 13, 28, 29, 30, 31]] = 32
_FOLDED[65:91] += 32  # A-Z to a-z
# Token bytes: those the numpy path's ASCII translation keeps ([A-Za-z0-9_]).
_WORD_BYTES = np.frombuffer(ASCII_WORD_TRANSLATION, np.uint8) != ord(" ")


def _crc32_table() -> np.ndarray:
    """The table of zlib's CRC-32 (reflected polynomial 0xEDB88320)."""
    table = np.zeros(256, np.uint32)
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xEDB88320 if crc & 1 else crc >> 1
        table[byte] = crc
    return table


_CRC32 = _crc32_table()
# Classes of code points in `_code_point_classes`.
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
    data, ends, tokens = _packed(texts)
    values = np.empty((len(texts), len(a)), np.uint32)
    normalized = np.empty(len(data), np.uint8)
    normalized_ends = np.empty(len(texts), np.int64)
    _sign_ascii(
        data,
        ends,
        a,
        b,
        ngram,
        _FOLDED,
        _WORD_BYTES,
        _CRC32,
        values,
        normalized,
        normalized_ends,
        tokens,
    )
    view = memoryview(normalized.data)
    starts = [0, *ends[:-1].tolist()]
    return values, [
        view[start:end] for start, end in zip(starts, normalized_ends.tolist(), strict=True)
    ]


def sign_normalized(texts: list[bytes], a: np.ndarray, b: np.ndarray, ngram: int) -> np.ndarray:
    """MinHash values (texts x permutations) of texts already normalised, in UTF-8."""
    data, ends, tokens = _packed(texts)
    values = np.empty((len(texts), len(a)), np.uint32)
    _sign_utf8(data, ends, a, b, ngram, _code_point_classes(), _CRC32, values, tokens)
    return values


def _packed(texts: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The texts end to end, where each ends, and room for the tokens of the longest."""
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    tokens = np.empty(int(lengths.max(initial=0)) // 2 + 1, np.uint32)
    return np.frombuffer(b"".join(texts), np.uint8), np.cumsum(lengths), tokens


@njit(cache=True, nogil=True)
def _sign_ascii(
    data, ends, a, b, ngram, folded, word_bytes, crc32, values, normalized, normalized_ends, tokens
):
    start = 0
    for text in range(len(ends)):
        end = ends[text]
        normalized_ends[text] = _normalize(data, start, end, folded, normalized)
        count = _token_hashes(normalized, start, normalized_ends[text], word_bytes, crc32, tokens)
        _minima(tokens, count, a, b, ngram, values[text])
        start = end


@njit(cache=True, nogil=True)
def _sign_utf8(data, ends, a, b, ngram, classes, crc32, values, tokens):
    start = 0
    for text in range(len(ends)):
        count = _utf8_token_hashes(data, start, ends[text], classes, crc32, tokens)
        _minima(tokens, count, a, b, ngram, values[text])
        start = ends[text]


@njit(cache=True, nogil=True, inline="always")
def _normalize(data, start, end, folded, out):
    """Lower-case, whitespace runs as one space, none at either end (casefold and NFKC do
    nothing else to ASCII); writes from `start` and returns where the text ends. Without
    branches on the data: every byte is written, and the write position moves on unless it
    is a space after a space (or at the start)."""
    write = start
    after_space = True
    for index in range(start, end):
        byte = folded[data[index]]
        is_space = byte == 32
        out[write] = byte
        write += not (is_space and after_space)
        after_space = is_space
    if write > start and out[write - 1] == 32:
        write -= 1
    return write


@njit(cache=True, nogil=True, inline="always")
def _token_hashes(text, start, end, word_bytes, crc32, tokens):
    """CRC-32 of each run of token bytes, into `tokens`; returns how many. One pass: the CRC
    of a token is computed as its bytes go by."""
    count = 0
    crc = np.uint32(0xFFFFFFFF)
    in_token = False
    for index in range(start, end):
        byte = text[index]
        if word_bytes[byte]:
            crc = crc32[(crc ^ np.uint32(byte)) & np.uint32(0xFF)] ^ (crc >> np.uint32(8))
            in_token = True
        elif in_token:
            tokens[count] = crc ^ np.uint32(0xFFFFFFFF)
            count += 1
            crc = np.uint32(0xFFFFFFFF)
            in_token = False
    if in_token:
        tokens[count] = crc ^ np.uint32(0xFFFFFFFF)
        count += 1
    return count


@njit(cache=True, nogil=True, inline="always")
def _utf8_token_hashes(text, start, end, classes, crc32, tokens):
    """CRC-32 of the UTF-8 of each token, into `tokens`; returns how many. A token is a run of
    word characters, or one character of a script written without spaces."""
    count = 0
    index = start
    run = -1  # where the current run of word characters began
    while index <= end:
        code, width = _code_point(text, index, end)
        kind = classes[code] if index < end else _SEPARATOR
        if run >= 0 and kind != _WORD:
            tokens[count] = _crc32(text, run, index, crc32)
            count += 1
            run = -1
        if kind == _SINGLE:
            tokens[count] = _crc32(text, index, index + width, crc32)
            count += 1
        elif kind == _WORD and run < 0:
            run = index
        index += width
    return count


@njit(cache=True, nogil=True, inline="always")
def _code_point(text, index, end):
    """The code point starting at `index` of valid UTF-8, and its width in bytes."""
    if index >= end:
        return 0, 1
    lead = np.int64(text[index])
    if lead < 0x80:
        return lead, 1
    if lead < 0xE0:
        return ((lead & 0x1F) << 6) | (text[index + 1] & 0x3F), 2
    if lead < 0xF0:
        return ((lead & 0x0F) << 12) | ((text[index + 1] & 0x3F) << 6) | (text[index + 2] & 0x3F), 3
    return (
        ((lead & 0x07) << 18)
        | ((text[index + 1] & 0x3F) << 12)
        | ((text[index + 2] & 0x3F) << 6)
        | (text[index + 3] & 0x3F)
    ), 4


@njit(cache=True, nogil=True, inline="always")
def _crc32(text, start, end, crc32):
    crc = np.uint32(0xFFFFFFFF)
    for index in range(start, end):
        crc = crc32[(crc ^ np.uint32(text[index])) & np.uint32(0xFF)] ^ (crc >> np.uint32(8))
    return crc ^ np.uint32(0xFFFFFFFF)


@njit(cache=True, nogil=True, inline="always")
def _fmix32(value):
    value = np.uint32(value ^ (value >> np.uint32(16)))
    value = np.uint32(value * np.uint32(0x85EBCA6B))
    value = np.uint32(value ^ (value >> np.uint32(13)))
    value = np.uint32(value * np.uint32(0xC2B2AE35))
    return np.uint32(value ^ (value >> np.uint32(16)))


@njit(cache=True, nogil=True, inline="always")
def _minima(tokens, count, a, b, ngram, out):
    """The minima of every permutation of every n-gram's hash (all tokens when fewer than n);
    32-bit arithmetic wraps, as in numpy and datasketch's affine32 scheme."""
    out[:] = np.uint32(0xFFFFFFFF)
    if count == 0:
        return
    width = min(ngram, count)
    for first in range(count - width + 1):
        shingle = tokens[first]
        for offset in range(1, width):
            shingle = _fmix32(
                np.uint32(np.uint32(shingle * np.uint32(0x9E3779B1)) + tokens[first + offset])
            )
        shingle = _fmix32(shingle)
        for permutation in range(len(a)):
            permuted = np.uint32(np.uint32(a[permutation] * shingle) + b[permutation])
            if permuted < out[permutation]:
                out[permutation] = permuted
