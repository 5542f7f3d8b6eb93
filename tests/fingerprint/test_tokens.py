"""Tokens: normalisation, words and single characters, and the ASCII fast path."""

from __future__ import annotations

import numpy as np
import pytest

from lineage.fingerprint import (
    fingerprint_text,
    normalize_text,
    shingles,
    tokens as tokens_module,
)


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
