"""Dataset and model cards: front matter as the hub reads it, and what a card declares."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.crawl import parse_card
from lineage.errors import InputError

PATH = Path("README.md")


def test_front_matter_is_read_with_the_body_after_it():
    card = parse_card("\ufeff---\nlicense: mit\ndatasets: [a, b]\nempty:\n---\n# Title\n", PATH)

    assert card is not None
    assert card.metadata == {"license": "mit", "datasets": ["a", "b"]}
    assert card.body == "# Title\n" and card.strings("datasets") == ["a", "b"]


def test_a_file_without_front_matter_is_no_card_and_empty_front_matter_is_an_empty_card():
    assert parse_card("# Just a README\n", PATH) is None
    empty = parse_card("---\n---\nbody\n", PATH)
    assert empty is not None and empty.metadata == {} and empty.body == "body\n"


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("a: [\n", "not valid YAML"),
        ("- one\n- two\n", "must be a mapping of fields"),
        ("license: {a: 1}\n", "'license' must be a string or a list of strings"),
        ("datasets: [{name: x}]\n", "'datasets' must be a string or a list of strings"),
        ("base_model: 7\n", "'base_model' must be a string or a list of strings"),
    ],
)
def test_front_matter_that_is_not_a_mapping_is_a_clear_error(front: str, message: str):
    with pytest.raises(InputError, match=message):
        parse_card(f"---\n{front}---\nbody\n", PATH)
