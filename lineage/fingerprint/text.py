"""Text fingerprints: an exact hash of the normalised text and a MinHash of its shingles.

Shingles are n-grams of tokens, where a token is a word in scripts that separate words with
spaces and a single character in those that do not (Chinese, Japanese, Thai, ...), so one
n-gram size fits every script. A shingle's hash combines its tokens' CRC-32s. The signature is
computed many texts at once, in numpy here or by the compiled signer
(`lineage.fingerprint.compiled`) for ingest batches, and holds exactly the values datasketch's
`MinHash` would (`TextFingerprint.minhash` gives the `LeanMinHash`). LSH band keys are 64-bit
mixes of each band of the signature, indexed by `lineage.store.band_index`.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from lineage.errors import IncompatibleFingerprintError
from lineage.fingerprint.tokens import normalize_text, text_token_hashes

if TYPE_CHECKING:
    from datasketch import LeanMinHash, MinHash

SCHEME = "affine32"
TOKENIZER = "words+cjk-chars"
SHINGLE_HASH = "crc32-tokens-fmix32"
BAND_HASH = "fmix64"

# Texts are shingled a segment of about this many characters at a time (bounded memory).
SEGMENT_CHARS = 1 << 20
# Shingles per numpy step: a (rows x num_perm) uint32 matrix stays within a few MB.
SIGNATURE_ROWS = 8192
_EMPTY = np.iinfo(np.uint32).max
DEFAULT_PERMUTATIONS_FILE = "permutations-128-seed1.npy"
_GOLDEN32 = np.uint32(0x9E3779B1)
_GOLDEN64 = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class TextFingerprintParams:
    """Everything that must agree for two signatures to be comparable, plus the match threshold."""

    num_perm: int = 128
    seed: int = 1
    ngram: int = 3
    bands: int = 42
    rows: int = 3
    threshold: float = 0.4
    tokenizer: str = TOKENIZER
    shingle_hash: str = SHINGLE_HASH
    band_hash: str = BAND_HASH
    scheme: str = SCHEME

    def __post_init__(self) -> None:
        if self.bands * self.rows > self.num_perm:
            raise ValueError("bands x rows must not exceed num_perm")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextFingerprintParams:
        return cls(**data)

    def signature_key(self) -> dict[str, Any]:
        """The parameters that decide what a signature means (the threshold does not)."""
        return {key: value for key, value in self.as_dict().items() if key != "threshold"}


DEFAULT_TEXT_PARAMS = TextFingerprintParams()


@dataclass(frozen=True)
class TextFingerprint:
    text_sha256: str
    values: np.ndarray  # the MinHash signature: datasketch's hash values, uint32
    band_keys: tuple[int, ...]
    seed: int = DEFAULT_TEXT_PARAMS.seed

    @property
    def minhash(self) -> LeanMinHash:
        """The signature as a datasketch `LeanMinHash`."""
        return _lean_minhash(self.values, self.seed)


def combine_tokens(hashes: np.ndarray, ngram: int) -> np.ndarray:
    """The hash of each n-gram of token hashes (all of them, for a text shorter than n)."""
    if len(hashes) == 0:
        return hashes
    width = min(ngram, len(hashes))
    count = len(hashes) - width + 1
    combined = hashes[:count].copy()
    for offset in range(1, width):
        combined = _fmix32(combined * _GOLDEN32 + hashes[offset : offset + count])
    return combined


def shingle_hashes(normalized: str, ngram: int) -> np.ndarray:
    """The distinct 32-bit hashes of the text's shingles, one per member of `shingles`."""
    segments = list(_segment_hashes(normalized, ngram))
    return np.unique(np.concatenate(segments)) if segments else np.empty(0, np.uint32)


def _segment_hashes(normalized: str, ngram: int) -> Iterator[np.ndarray]:
    """Shingle hashes a segment at a time, so a huge text never becomes one huge list."""
    carried = np.empty(0, np.uint32)
    start, shingled = 0, False
    while start < len(normalized):
        cut = normalized.find(" ", start + SEGMENT_CHARS)
        end = len(normalized) if cut < 0 else cut
        hashes = np.concatenate([carried, text_token_hashes(normalized[start:end])])
        if len(hashes) >= ngram:
            yield combine_tokens(hashes, ngram)
            shingled = True
        carried = hashes[max(0, len(hashes) - ngram + 1) :]
        start = end
    if not shingled and len(carried):
        yield combine_tokens(carried, ngram)  # fewer than n tokens in all: one shingle


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The permutation parameters datasketch's `MinHash(num_perm, seed, scheme="affine32")`
    draws (odd multipliers, any offsets). Those of the default parameters ship with the
    package: drawing needs numpy.random, whose import (12 ms) would be most of a one-shot
    lookup. Tests hold both to datasketch's."""
    if (num_perm, seed) == (DEFAULT_TEXT_PARAMS.num_perm, DEFAULT_TEXT_PARAMS.seed):
        stored = resources.files(__package__).joinpath(DEFAULT_PERMUTATIONS_FILE).read_bytes()
        a, b = np.load(io.BytesIO(stored))
        return a, b
    return draw_permutations(num_perm, seed)


def draw_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Drawn the way datasketch draws them, without importing datasketch (which imports
    SciPy, a third of a second)."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, which datasketch applies before its permutations."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def _fmix64(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


def _permuted(
    hashes: np.ndarray, params: TextFingerprintParams, buffer: np.ndarray | None = None
) -> np.ndarray:
    """Every permutation of each shingle hash, one row per permutation: the matrix whose row
    minima datasketch keeps (rows, so that minima run along contiguous memory). Written into
    `buffer` when given: a fresh matrix of megabytes per call costs more in page faults than
    the arithmetic."""
    a, b = _permutations(params.num_perm, params.seed)
    if buffer is None:
        buffer = np.empty((params.num_perm, len(hashes)), np.uint32)
    matrix = buffer[:, : len(hashes)]
    np.multiply(a[:, None], _fmix32(hashes.astype(np.uint32, copy=False))[None, :], out=matrix)
    matrix += b[:, None]
    return matrix


def signature(
    hashes: Iterable[np.ndarray], params: TextFingerprintParams, buffer: np.ndarray | None = None
) -> np.ndarray:
    """The MinHash values datasketch's `update_batch` computes for these shingle hashes."""
    values = np.full(params.num_perm, _EMPTY, dtype=np.uint32)
    for chunk in hashes:
        for start in range(0, len(chunk), SIGNATURE_ROWS):
            part = chunk[start : start + SIGNATURE_ROWS]
            if len(part):
                values = np.minimum(values, _permuted(part, params, buffer).min(axis=1))
    return values


def is_empty(values: np.ndarray) -> bool:
    """Whether a signature saw no shingle at all (an empty text, or punctuation only): such
    texts are equal to one another only exactly, never as near duplicates."""
    return bool(np.all(values == _EMPTY))


def empty_rows(values: np.ndarray) -> np.ndarray:
    """`is_empty` of each signature of a (texts x num_perm) matrix."""
    return np.all(values == _EMPTY, axis=1)


@dataclass(frozen=True)
class TextSignatures:
    """Fingerprints of many texts as arrays: what ingest stores, without per-text objects."""

    text_sha256: list[str]
    values: np.ndarray  # (texts, num_perm) uint32, datasketch's hash values
    band_keys: np.ndarray  # (texts, bands) int64


def sign_texts(
    texts: Sequence[str], params: TextFingerprintParams, compiled: bool = False
) -> TextSignatures:
    """Fingerprint many texts at once; equal to fingerprinting each, but vectorised. With
    `compiled`, texts up to SEGMENT_CHARS go through the compiled signer (worth its Unicode
    table, built in 0.2 s on the first text that is not ASCII, for batches, not for one lookup)."""
    values = np.full((len(texts), params.num_perm), _EMPTY, dtype=np.uint32)
    digests = [""] * len(texts)
    rest: Sequence[int] = range(len(texts))
    if compiled:
        short = [index for index, text in enumerate(texts) if len(text) <= SEGMENT_CHARS]
        _sign_compiled(texts, short, params, values, digests)
        rest = [index for index, text in enumerate(texts) if len(text) > SEGMENT_CHARS]
    buffer = np.empty((params.num_perm, 2 * SIGNATURE_ROWS if rest else 0), np.uint32)
    group: list[tuple[int, np.ndarray]] = []
    group_rows = 0
    for index in rest:
        normalized = normalize_text(texts[index])
        digests[index] = hashlib.sha256(normalized.encode()).hexdigest()
        if len(normalized) > SEGMENT_CHARS:
            values[index] = signature(_segment_hashes(normalized, params.ngram), params, buffer)
            continue
        hashes = combine_tokens(text_token_hashes(normalized), params.ngram)
        if len(hashes) > SIGNATURE_ROWS:  # alone and in chunks, to bound the matrix
            values[index] = signature([hashes], params, buffer)
            continue
        if len(hashes):
            group.append((index, hashes))
            group_rows += len(hashes)
        if group_rows >= SIGNATURE_ROWS:
            _sign_group(group, values, params, buffer)
            group, group_rows = [], 0
    _sign_group(group, values, params, buffer)
    return TextSignatures(digests, values, band_keys(values, params))


def _sign_compiled(
    texts: Sequence[str],
    indexes: list[int],
    params: TextFingerprintParams,
    values: np.ndarray,
    digests: list[str],
) -> None:
    """Sign these texts with the compiled signer: ASCII ones are normalised by it too."""
    if not indexes:
        return
    from lineage.fingerprint import compiled  # deferred: a lookup does without it

    permutations = _permutations(params.num_perm, params.seed)
    plain = [index for index in indexes if texts[index].isascii()]
    if plain:
        signed, normalized = compiled.sign_ascii(
            [texts[index].encode() for index in plain], *permutations, params.ngram
        )
        values[plain] = signed
        for index, text in zip(plain, normalized, strict=True):
            digests[index] = hashlib.sha256(text).hexdigest()
    others = [index for index in indexes if not texts[index].isascii()]
    if others:
        encoded = [normalize_text(texts[index]).encode() for index in others]
        values[others] = compiled.sign_normalized(encoded, *permutations, params.ngram)
        for index, encoded_text in zip(others, encoded, strict=True):
            digests[index] = hashlib.sha256(encoded_text).hexdigest()


def _sign_group(
    group: list[tuple[int, np.ndarray]],
    values: np.ndarray,
    params: TextFingerprintParams,
    buffer: np.ndarray,
) -> None:
    """Minima per text over one matrix for the whole group of texts (under 2 x SIGNATURE_ROWS
    shingles: each text has at most SIGNATURE_ROWS, and a group closes once it reaches that)."""
    if not group:
        return
    indexes = [index for index, _ in group]
    starts = np.cumsum([0] + [len(hashes) for _, hashes in group[:-1]])
    permuted = _permuted(np.concatenate([hashes for _, hashes in group]), params, buffer)
    values[indexes] = np.minimum.reduceat(permuted, starts, axis=1).T


def band_keys(values: np.ndarray, params: TextFingerprintParams) -> np.ndarray:
    """One signed 64-bit key per band; the band number is mixed in so bands never collide."""
    used = values[:, : params.bands * params.rows].astype(np.uint64)
    rows = used.reshape(len(values), params.bands, params.rows)
    keys = np.broadcast_to(
        (np.arange(params.bands, dtype=np.uint64) + np.uint64(1)) * _GOLDEN64, rows.shape[:2]
    )
    for row in range(params.rows):
        keys = _fmix64(keys ^ rows[:, :, row])
    return keys.view(np.int64)


def fingerprint_text(
    text: str, params: TextFingerprintParams = DEFAULT_TEXT_PARAMS
) -> TextFingerprint:
    signed = sign_texts([text], params)
    return TextFingerprint(
        text_sha256=signed.text_sha256[0],
        values=signed.values[0],
        band_keys=tuple(signed.band_keys[0].tolist()),
        seed=params.seed,
    )


def minhash_to_bytes(minhash: MinHash) -> bytes:
    return np.asarray(minhash.hashvalues, dtype="<u4").tobytes()


def values_from_bytes(data: bytes, params: TextFingerprintParams) -> np.ndarray:
    """A stored signature's hash values, checked against the parameters."""
    values = np.frombuffer(data, dtype="<u4").astype(np.uint32)
    if len(values) != params.num_perm:
        raise IncompatibleFingerprintError(
            f"stored signature has {len(values)} permutations, expected {params.num_perm}"
        )
    return values


def minhash_from_bytes(data: bytes, params: TextFingerprintParams) -> LeanMinHash:
    return _lean_minhash(values_from_bytes(data, params), params.seed)


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The estimated Jaccard of two signatures: the share of equal values, as datasketch's
    `MinHash.jaccard` computes it."""
    return float(np.count_nonzero(first == second)) / len(first)


def _lean_minhash(values: np.ndarray, seed: int) -> LeanMinHash:
    from datasketch import LeanMinHash  # deferred: datasketch imports SciPy

    return LeanMinHash(seed=seed, hashvalues=values, scheme=SCHEME)


def check_compatible(stored: TextFingerprintParams, wanted: TextFingerprintParams) -> None:
    """Raise if signatures made with `stored` cannot be compared with ones made with `wanted`."""
    stored_key, wanted_key = stored.signature_key(), wanted.signature_key()
    differing = sorted(key for key in stored_key if stored_key[key] != wanted_key.get(key))
    if differing:
        detail = ", ".join(
            f"{key}: {stored_key[key]} vs {wanted_key.get(key)}" for key in differing
        )
        raise IncompatibleFingerprintError(
            f"fingerprints were made with other parameters ({detail}); "
            "re-ingest with matching parameters to compare them"
        )
