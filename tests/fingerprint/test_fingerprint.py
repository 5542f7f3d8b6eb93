"""Fingerprints as a library: datasketch-compatible MinHash, every script, safe image decoding."""

from __future__ import annotations

import io
import random
from pathlib import Path

import imagehash
import numpy as np
import pytest
from datasketch import MinHash
from PIL import Image

from lineage.errors import FingerprintError, IncompatibleFingerprintError
from lineage.fingerprint import (
    DEFAULT_TEXT_PARAMS,
    TextFingerprintParams,
    check_compatible,
    fingerprint_image,
    fingerprint_text,
    hamming_distance,
    minhash_from_bytes,
    minhash_to_bytes,
    normalize_text,
    shingles,
)
from lineage.fingerprint import text as text_module
from lineage.fingerprint import tokens as tokens_module
from lineage.fingerprint.image import PHASH_MAX_DISTANCE, hash_to_int, image_keys, image_probe_keys
from lineage.fingerprint.text import shingle_hashes, sign_texts
from lineage.ingest import IngestOptions, ingest_paths
from lineage.query.lookup import lookup_text
from lineage.store.engine import connect, session_scope
from tests.conftest import edit_words, make_document, make_image


def test_signature_is_the_datasketch_minhash_of_the_shingle_hashes():
    text = make_document(3)
    expected = MinHash(num_perm=128, seed=1, hashfunc=lambda value: value)
    expected.update_batch(shingle_hashes(normalize_text(text), DEFAULT_TEXT_PARAMS.ngram))

    assert list(fingerprint_text(text).minhash.hashvalues) == list(expected.hashvalues)


def test_signature_survives_the_database_round_trip():
    fingerprint = fingerprint_text(make_document(4))
    restored = minhash_from_bytes(minhash_to_bytes(fingerprint.minhash), DEFAULT_TEXT_PARAMS)
    assert restored == fingerprint.minhash
    assert restored.jaccard(fingerprint.minhash) == 1.0


def test_estimated_jaccard_tracks_the_true_jaccard_of_the_shingles():
    original = make_document(5, words=400)
    edited = edit_words(original, 0.1, seed=9)
    first, second = (shingles(normalize_text(text), 3) for text in (original, edited))
    true_jaccard = len(first & second) / len(first | second)
    estimate = fingerprint_text(original).minhash.jaccard(fingerprint_text(edited).minhash)
    assert abs(estimate - true_jaccard) < 0.12
    assert estimate >= DEFAULT_TEXT_PARAMS.threshold


def test_a_huge_text_is_shingled_in_segments_with_the_same_result(monkeypatch):
    text = " ".join(make_document(seed) for seed in range(40))
    whole = fingerprint_text(text)
    monkeypatch.setattr(text_module, "SEGMENT_CHARS", 500)
    assert fingerprint_text(text).minhash == whole.minhash


def test_batch_signing_equals_signing_one_by_one(monkeypatch):
    monkeypatch.setattr(text_module, "SIGNATURE_ROWS", 300)
    texts = ["", "one", "two words", *(make_document(seed) for seed in range(12)), "银杏树"]
    texts.append(" ".join(texts) * 30)  # long enough to be signed in segments
    monkeypatch.setattr(text_module, "SEGMENT_CHARS", 5000)

    batch = sign_texts(texts, DEFAULT_TEXT_PARAMS)

    for index, text in enumerate(texts):
        single = fingerprint_text(text)
        assert list(batch.values[index]) == list(single.minhash.hashvalues)
        assert tuple(batch.band_keys[index].tolist()) == single.band_keys
        assert batch.text_sha256[index] == single.text_sha256


def test_normalisation_ignores_case_width_and_spacing():
    fullwidth_hello = "\uff28\uff45\uff4c\uff4c\uff4f"
    assert normalize_text(f"  {fullwidth_hello}\tWORLD\n\n again ") == "hello world again"
    assert fingerprint_text("Hello   World again").text_sha256 == (
        fingerprint_text("hello world AGAIN").text_sha256
    )


def test_chinese_and_thai_are_shingled_by_character():
    chinese = shingles(normalize_text("银杏树叶变黄了"), 3)
    assert "银 杏 树" in chinese and len(chinese) == 5
    thai = shingles(normalize_text("ภาษาไทย"), 3)
    assert len(thai) >= 3
    mixed = shingles(normalize_text("模型 model 训练"), 3)
    assert mixed == {"模 型 model", "型 model 训", "model 训 练"}


def test_near_duplicate_chinese_text_still_matches():
    original = "梅雨季节已经持续了两个星期。院子里的青苔长得格外茂盛,石阶上滑得几乎站不住。" * 2
    edited = original.replace("两个", "三个").replace("青苔", "苔藓")
    similarity = fingerprint_text(original).minhash.jaccard(fingerprint_text(edited).minhash)
    assert similarity >= DEFAULT_TEXT_PARAMS.threshold


def test_signatures_made_with_other_parameters_are_refused():
    other = TextFingerprintParams(num_perm=64, bands=21)
    with pytest.raises(IncompatibleFingerprintError, match="num_perm"):
        check_compatible(DEFAULT_TEXT_PARAMS, other)
    check_compatible(DEFAULT_TEXT_PARAMS, TextFingerprintParams(threshold=0.9))


def test_band_keys_differ_per_band_even_for_equal_values():
    keys = fingerprint_text("").band_keys
    assert len(keys) == DEFAULT_TEXT_PARAMS.bands and len(set(keys)) == len(keys)


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


def test_lookup_and_ingest_refuse_other_fingerprint_parameters(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = make_document(8)
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    engine = connect(f"sqlite:///{tmp_path / 'lineage.db'}")
    ingest_paths(engine, [corpus], IngestOptions(dataset="d"))
    other = TextFingerprintParams(num_perm=64, bands=21)

    with session_scope(engine) as session, pytest.raises(IncompatibleFingerprintError):
        lookup_text(session, text, other)
    with pytest.raises(IncompatibleFingerprintError, match="num_perm"):
        ingest_paths(engine, [corpus], IngestOptions(dataset="d", text_params=other))
    with session_scope(engine) as session:
        assert [match.exact for match in lookup_text(session, text)] == [True]


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (256, 42)])
def test_permutations_are_the_ones_datasketch_draws(num_perm: int, seed: int):
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    ours = text_module._permutations(num_perm, seed)
    assert np.array_equal(ours[0], a) and np.array_equal(ours[1], b)


def test_the_shipped_default_permutations_are_the_drawn_ones():
    shipped = text_module._permutations(128, 1)
    drawn = text_module.draw_permutations(128, 1)
    assert all(np.array_equal(ours, theirs) for ours, theirs in zip(shipped, drawn, strict=True))


def test_a_long_first_token_is_shingled_as_in_one_piece(monkeypatch):
    text = "x" * 3000 + " b"
    whole = fingerprint_text(text)
    monkeypatch.setattr(text_module, "SEGMENT_CHARS", 500)
    assert fingerprint_text(text).minhash == whole.minhash


def test_texts_without_shingles_match_only_exactly(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in (("bang.txt", "!!!"), ("query.txt", "???"), ("empty.txt", "")):
        (corpus / name).write_text(text, encoding="utf-8")
    engine = connect(f"sqlite:///{tmp_path / 'lineage.db'}")
    ingest_paths(engine, [corpus], IngestOptions(dataset="d"))

    with session_scope(engine) as session:
        matches = lookup_text(session, "!!!")
    assert [(m.exact, m.locations[0].locator) for m in matches] == [(True, "corpus/bang.txt")]


@pytest.mark.parametrize(
    "text",
    [
        "plain words, with punctuation: (brackets) and_underscores 42 times!",
        "tabs\tand\nnew lines -- dashes/slashes 'quotes' \"double\" x=1+2",
        "café, naïve and straße",  # not ASCII: the general path
        "",
    ],
)
def test_the_ascii_fast_path_finds_the_tokens_the_general_one_does(text: str):
    normalized = tokens_module.normalize_text(text)
    expected = tokens_module.token_hashes(tokens_module.tokens(normalized))
    assert np.array_equal(tokens_module.text_token_hashes(normalized), expected)


def _ascii_texts(count: int) -> list[str]:
    """Random ASCII of every kind: control characters (the \\x1c-\\x1f separators split words
    in str.split), capitals, punctuation, runs of spaces at either end."""
    rng = random.Random(3)
    alphabet = [chr(code) for code in range(128)] + [" "] * 20 + list("abcXYZ_09") * 10
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400))) for _ in range(count)]


def _unicode_texts(count: int) -> list[str]:
    """Random text from many scripts: CJK and Thai (a token per character), accents and
    combining marks, fullwidth forms and ligatures (NFKC), ß (case folding), Unicode spaces and
    punctuation, emoji, digits of other scripts."""
    rng = random.Random(4)
    pieces = [
        *"银杏树の葉ไทยລາວ한국어Ελληνικάкириллицаعربيעבריתहिन्दी",
        *"éÅçßİıŉǅﬁ①²Ａｂｃ\u0301\u0308\u00a0\u2028\u3000\u200b—…«»“”・、。😀🇫🇷٣४",
        *"abc XYZ_09 .,;",
        " ",
        " ",
    ]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 300))) for _ in range(count)]


def test_the_compiled_signer_equals_the_numpy_one():
    texts = ["", " ", "one", "Two  WORDS", "\x1cx\x1fy\tz", "银杏树", "naïve café"]
    texts += [make_document(seed) for seed in range(5)] + _ascii_texts(300)
    texts += _unicode_texts(300)

    compiled = sign_texts(texts, DEFAULT_TEXT_PARAMS, compiled=True)
    reference = sign_texts(texts, DEFAULT_TEXT_PARAMS)

    assert np.array_equal(compiled.values, reference.values)
    assert np.array_equal(compiled.band_keys, reference.band_keys)
    assert compiled.text_sha256 == reference.text_sha256
