"""Text fingerprints: an exact hash of the normalised text and a datasketch MinHash of its shingles.

Shingles are n-grams of tokens, where a token is a word in scripts that separate words with
spaces and a single character in those that do not (Chinese, Japanese, Thai, ...), so one
n-gram size fits every script. The MinHash is a plain datasketch `LeanMinHash`; LSH band keys
are 64-bit digests of each band of the signature, persisted so lookups need no in-memory index.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHash

from lineage.errors import IncompatibleFingerprintError

SCHEME = "affine32"
TOKENIZER = "words+cjk-chars"
SHINGLE_HASH = "crc32"

# Scripts written without spaces between words: every character is a token of its own.
_UNSPACED = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0002fa1f"  # CJK extensions B-F
)
_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")
_WHITESPACE = re.compile(r"\s+")
# Texts are shingled a segment of about this many characters at a time (bounded memory).
SEGMENT_CHARS = 1 << 20
# Shingles per numpy step: a (chunk x num_perm) uint32 matrix stays within a few MB.
SIGNATURE_CHUNK = 8192


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
    minhash: LeanMinHash
    band_keys: tuple[int, ...]


def normalize_text(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: the form that is hashed and shingled."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WHITESPACE.sub(" ", folded).strip()


def tokens(normalized: str) -> list[str]:
    return _TOKEN.findall(normalized)


def shingles(normalized: str, ngram: int) -> set[str]:
    """The token n-grams of a normalised text; a text shorter than n is one shingle."""
    words = tokens(normalized)
    if len(words) <= ngram:
        return {" ".join(words)} if words else set()
    return {" ".join(words[start : start + ngram]) for start in range(len(words) - ngram + 1)}


def shingle_hashes(normalized: str, ngram: int) -> np.ndarray:
    """The distinct 32-bit hashes of the text's shingles (CRC-32 of their UTF-8 bytes)."""
    segments = list(_segment_hashes(normalized, ngram))
    return np.unique(np.concatenate(segments)) if segments else np.empty(0, np.uint32)


def _segment_hashes(normalized: str, ngram: int) -> Iterator[np.ndarray]:
    """Shingle hashes a segment at a time, so a huge text never becomes one huge list."""
    carried: list[str] = []
    start = 0
    while start < len(normalized):
        cut = normalized.find(" ", start + SEGMENT_CHARS)
        end = len(normalized) if cut < 0 else cut
        words = carried + tokens(normalized[start:end])
        if start == 0 and end == len(normalized) and len(words) <= ngram:
            joined = [" ".join(words)] if words else []
        else:
            joined = [" ".join(words[i : i + ngram]) for i in range(len(words) - ngram + 1)]
        yield np.unique(np.fromiter((zlib.crc32(s.encode()) for s in joined), np.uint32))
        carried = words[len(words) - ngram + 1 :] if ngram > 1 else []
        start = end


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutation parameters for (num_perm, seed), generated once per process."""
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, which datasketch applies before its permutations."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def signature(hashes: Iterable[np.ndarray], params: TextFingerprintParams) -> np.ndarray:
    """The MinHash values datasketch's `update_batch` computes for these shingle hashes."""
    a, b = _permutations(params.num_perm, params.seed)
    values = np.full(params.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    for chunk in hashes:
        for start in range(0, len(chunk), SIGNATURE_CHUNK):
            mixed = _fmix32(chunk[start : start + SIGNATURE_CHUNK].astype(np.uint32))
            values = np.minimum(values, (mixed[:, None] * a + b).min(axis=0))
    return values


def fingerprint_text(
    text: str, params: TextFingerprintParams = DEFAULT_TEXT_PARAMS
) -> TextFingerprint:
    normalized = normalize_text(text)
    values = signature(_segment_hashes(normalized, params.ngram), params)
    lean = LeanMinHash(seed=params.seed, hashvalues=values, scheme=params.scheme)
    return TextFingerprint(
        text_sha256=hashlib.sha256(normalized.encode()).hexdigest(),
        minhash=lean,
        band_keys=band_keys(lean, params),
    )


def band_keys(minhash: MinHash, params: TextFingerprintParams) -> tuple[int, ...]:
    """One signed 64-bit key per band; the band number is mixed in so bands never collide."""
    values = np.asarray(minhash.hashvalues, dtype="<u4")
    keys = []
    for band in range(params.bands):
        chunk = values[band * params.rows : (band + 1) * params.rows]
        digest = hashlib.blake2b(band.to_bytes(2, "little") + chunk.tobytes(), digest_size=8)
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return tuple(keys)


def minhash_to_bytes(minhash: MinHash) -> bytes:
    return np.asarray(minhash.hashvalues, dtype="<u4").tobytes()


def minhash_from_bytes(data: bytes, params: TextFingerprintParams) -> LeanMinHash:
    values = np.frombuffer(data, dtype="<u4").astype(np.uint32)
    if len(values) != params.num_perm:
        raise IncompatibleFingerprintError(
            f"stored signature has {len(values)} permutations, expected {params.num_perm}"
        )
    return LeanMinHash(seed=params.seed, hashvalues=values, scheme=params.scheme)


def estimate_jaccard(first: MinHash, second: MinHash) -> float:
    return float(first.jaccard(second))


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
