"""Image fingerprints: imagehash's pHash and dHash of the decoded picture, decoded safely."""

from __future__ import annotations

import io
from pathlib import Path

import imagehash
import numpy as np
import pytest
from PIL import Image

from lineage.errors import FingerprintError
from lineage.fingerprint import (
    fingerprint_image,
    hamming_distance,
)
from lineage.fingerprint.image import hash_to_int
from lineage.fingerprint.image_index import PHASH_MAX_DISTANCE, image_keys, image_probe_keys
from tests.conftest import make_image


@pytest.mark.parametrize("seed", range(40))
def test_image_hashes_equal_imagehash_on_the_decoded_picture(tmp_path: Path, seed: int):
    path = make_image(tmp_path / "a.png", seed=seed)
    fingerprint = fingerprint_image(path.read_bytes())
    grey = Image.open(path).convert("L")
    assert fingerprint.phash == hash_to_int(imagehash.phash(grey))
    assert fingerprint.dhash == hash_to_int(imagehash.dhash(grey))
    assert (fingerprint.width, fingerprint.height, fingerprint.format) == (192, 192, "PNG")


def test_a_flat_picture_hashes_the_same_every_time():
    hashes = set()
    for size in (16, 64, 300):
        buffer = io.BytesIO()
        Image.new("RGB", (size, size), (90, 140, 200)).save(buffer, "PNG")
        hashes.add(fingerprint_image(buffer.getvalue()).phash)
    assert len(hashes) == 1


def test_resized_jpeg_stays_close_and_another_picture_does_not(tmp_path: Path):
    original = fingerprint_image(make_image(tmp_path / "a.png", seed=2).read_bytes())
    buffer = io.BytesIO()
    Image.open(tmp_path / "a.png").resize((96, 96)).save(buffer, "JPEG", quality=40)
    resized = fingerprint_image(buffer.getvalue())
    other = fingerprint_image(make_image(tmp_path / "b.png", seed=77).read_bytes())
    assert hamming_distance(original.phash, resized.phash) <= 6
    assert hamming_distance(original.phash, other.phash) > 12


@pytest.mark.parametrize(
    "data",
    [b"", b"GIF89a not really", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"plain text, not an image"],
)
def test_undecodable_images_raise_a_fingerprint_error(data: bytes):
    with pytest.raises(FingerprintError):
        fingerprint_image(data)


def test_decompression_bomb_is_refused_before_decoding():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, "PNG")
    with pytest.raises(FingerprintError, match="exceeds"):
        fingerprint_image(buffer.getvalue())


def test_image_probe_keys_reach_every_hash_within_the_distance():
    rng = np.random.default_rng(5)
    for _ in range(200):
        stored = int(rng.integers(-(2**63), 2**63 - 1))
        flips = rng.choice(64, size=PHASH_MAX_DISTANCE, replace=False)
        probe = stored
        for bit in flips:
            probe ^= 1 << int(bit)
        probe = probe - (1 << 64) if probe >= 1 << 63 else probe
        assert set(image_keys(stored)) & set(image_probe_keys(probe))


def test_unrelated_images_rarely_share_a_probe_key():
    rng = np.random.default_rng(6)
    hashes = [int(value) for value in rng.integers(-(2**63), 2**63 - 1, size=2000)]
    probe = set(image_probe_keys(hashes[0]))
    shared = sum(bool(probe & set(image_keys(other))) for other in hashes[1:])
    assert shared < 40  # about 548 / 65536 per piece, 4 pieces: ~3%
