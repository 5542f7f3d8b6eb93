# The compiled text signer (_signer.c); lineage.fingerprint.compiled is its Python face.
import numpy as np

def sign_ascii(
    data: bytes,
    ends: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    ngram: int,
    word_bytes: np.ndarray,
    values: np.ndarray,
    normalized: np.ndarray,
    normalized_ends: np.ndarray,
) -> None: ...
def sign_utf8(
    data: bytes,
    ends: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    ngram: int,
    classes: np.ndarray,
    values: np.ndarray,
) -> None: ...
