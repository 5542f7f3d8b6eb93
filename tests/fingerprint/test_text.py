"""Text fingerprints: datasketch-compatible MinHash signatures, band keys, the compiled signer."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash

from lineage.errors import IncompatibleFingerprintError
from lineage.fingerprint import (
    DEFAULT_TEXT_PARAMS,
    TextFingerprintParams,
    _signer,
    check_compatible,
    compiled,
    fingerprint_text,
    minhash_from_bytes,
    minhash_to_bytes,
    normalize_text,
    shingles,
    text as text_module,
)
from lineage.fingerprint.text import _permutations, shingle_hashes, sign_texts
from lineage.ingest import IngestOptions, ingest_paths
from lineage.query.lookup import lookup_text
from lineage.store.engine import connect, session_scope
from tests.conftest import edit_words, make_document


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


def test_the_compiled_signer_refuses_buffers_that_do_not_fit():
    a, b = _permutations(DEFAULT_TEXT_PARAMS.num_perm, DEFAULT_TEXT_PARAMS.seed)
    values = np.empty((1, len(a)), np.uint32)
    past_the_data = np.array([10], np.int64)
    with pytest.raises(ValueError, match="ends do not rise within the data"):
        _signer.sign_utf8(b"short", past_the_data, a, b, 3, np.zeros(128, np.uint8), values)
    with pytest.raises(ValueError, match="values is not texts x permutations"):
        _signer.sign_utf8(
            b"short", np.array([5], np.int64), a, b, 3, np.zeros(1, np.uint8), values[:, :8]
        )
    with pytest.raises(ValueError, match="a and b differ"):
        _signer.sign_utf8(
            b"short", np.array([5], np.int64), a, b[:-1], 3, np.zeros(1, np.uint8), values
        )
    with pytest.raises(ValueError, match="not an aligned array"):
        _signer.sign_utf8(b"short", np.zeros(9, np.uint8), a, b, 3, np.zeros(1, np.uint8), values)


def test_the_compiled_signer_reads_no_further_than_broken_utf8():
    """Cut or impossible sequences (which a normalised text never holds) end as separators."""
    texts = [b"ab \xe4\xb8", b"\xff\xff\xff\xffab", b"\xf0"]
    values = compiled.sign_normalized(texts, *_permutations(128, 1), 3)
    reference = compiled.sign_normalized([b"ab", b"ab", b""], *_permutations(128, 1), 3)
    assert np.array_equal(values, reference)
