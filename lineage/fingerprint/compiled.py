"""The text signer compiled with numba, for ASCII texts: normalise, tokenise, hash tokens
(CRC-32), combine them into shingle hashes and keep the MinHash minima in one pass over the
bytes, with no Python object per token or shingle.

It computes exactly what `lineage.fingerprint.text` computes in numpy (tests hold the two
equal): the numpy path stays for other scripts, for texts too long to batch, and for one-off
lookups, which should not pay numba's import. Compiled code is cached on disk by numba, so
only the first ingest after an install compiles it (about half a second).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# str.split()'s ASCII whitespace: tab to carriage return, the four separators, space.
_SPACES = np.zeros(256, np.bool_)
_SPACES[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
# Token bytes: [A-Za-z0-9_], as the `\w+` pattern finds them in ASCII text.
_WORD_BYTES = np.zeros(256, np.bool_)
for _byte in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_":
    _WORD_BYTES[_byte] = True


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


def sign_ascii(
    texts: list[bytes], a: np.ndarray, b: np.ndarray, ngram: int
) -> tuple[np.ndarray, list[bytes]]:
    """MinHash values (texts x permutations) and normalised bytes of ASCII texts."""
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    ends = np.cumsum(lengths)
    data = np.frombuffer(b"".join(texts), np.uint8)
    values = np.empty((len(texts), len(a)), np.uint32)
    normalized = np.empty(len(data), np.uint8)
    normalized_ends = np.empty(len(texts), np.int64)
    tokens = np.empty(int(lengths.max(initial=0)) // 2 + 1, np.uint32)
    _sign(
        data,
        ends,
        a,
        b,
        ngram,
        _SPACES,
        _WORD_BYTES,
        _CRC32,
        values,
        normalized,
        normalized_ends,
        tokens,
    )
    starts = np.concatenate([[0], ends[:-1]])
    view = normalized.tobytes()
    return values, [
        view[start:end]
        for start, end in zip(starts.tolist(), normalized_ends.tolist(), strict=True)
    ]


@njit(cache=True, nogil=True)
def _sign(
    data, ends, a, b, ngram, spaces, word_bytes, crc32, values, normalized, normalized_ends, tokens
):
    start = 0
    for text in range(len(ends)):
        end = ends[text]
        normalized_ends[text] = _normalize(data, start, end, spaces, normalized)
        count = _token_hashes(normalized, start, normalized_ends[text], word_bytes, crc32, tokens)
        _minima(tokens, count, a, b, ngram, values[text])
        start = end


@njit(cache=True, nogil=True, inline="always")
def _normalize(data, start, end, spaces, out):
    """Lower-case, whitespace runs as one space, none at either end (casefold and NFKC do
    nothing else to ASCII); writes from `start` and returns where the text ends."""
    write = start
    pending_space = False
    for index in range(start, end):
        byte = data[index]
        if spaces[byte]:
            pending_space = write > start
            continue
        if pending_space:
            out[write] = 32
            write += 1
            pending_space = False
        out[write] = byte + 32 if 65 <= byte <= 90 else byte
        write += 1
    return write


@njit(cache=True, nogil=True, inline="always")
def _token_hashes(text, start, end, word_bytes, crc32, tokens):
    """CRC-32 of each run of token bytes, into `tokens`; returns how many."""
    count = 0
    index = start
    while index < end:
        if not word_bytes[text[index]]:
            index += 1
            continue
        crc = np.uint32(0xFFFFFFFF)
        while index < end and word_bytes[text[index]]:
            crc = crc32[(crc ^ np.uint32(text[index])) & np.uint32(0xFF)] ^ (crc >> np.uint32(8))
            index += 1
        tokens[count] = crc ^ np.uint32(0xFFFFFFFF)
        count += 1
    return count


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
