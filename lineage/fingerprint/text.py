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


def shingle_hashes(normalized: str, ngram: int) -> list[int]:
    return [zlib.crc32(shingle.encode()) for shingle in shingles(normalized, ngram)]


def _identity(value: int) -> int:
    return value


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutation parameters for (num_perm, seed), generated once per process."""
    return MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations


def fingerprint_text(
    text: str, params: TextFingerprintParams = DEFAULT_TEXT_PARAMS
) -> TextFingerprint:
    normalized = normalize_text(text)
    minhash = MinHash(
        num_perm=params.num_perm,
        seed=params.seed,
        hashfunc=_identity,
        permutations=_permutations(params.num_perm, params.seed),
        scheme=params.scheme,
    )
    minhash.update_batch(shingle_hashes(normalized, params.ngram))
    lean = LeanMinHash(minhash)
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
