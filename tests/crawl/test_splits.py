"""Where a file sits in a Hugging Face dataset: its configuration and split."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.crawl import parse_card
from lineage.crawl.splits import placement, split_rules

CARD = """---
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train-*
  - split: test
    path: ["data/test-*", "extra/holdout.jsonl"]
- config_name: chat
  data_files: "chat/*.jsonl"
- config_name: mapped
  data_files:
    train_sft: sft/train.parquet
---
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("data/train-00000-of-00002.parquet", ("default", "train")),
        ("data/test-00000-of-00001.parquet", ("default", "test")),
        ("extra/holdout.jsonl", ("default", "test")),
        ("chat/turns.jsonl", ("chat", "train")),
        ("sft/train.parquet", ("mapped", "train_sft")),
        ("notes/readme.txt", (None, None)),  # no configuration names it: in no split
    ],
)
def test_the_cards_configs_place_each_file(path: str, expected: tuple[str | None, str | None]):
    card = parse_card(CARD, Path("README.md"))
    assert card is not None

    assert placement(path, split_rules(card)) == expected


@pytest.mark.parametrize(
    ("path", "split"),
    [
        ("data/train-00000-of-00001.parquet", "train"),
        ("test.jsonl", "test"),
        ("validation/part_1.csv", "validation"),
        ("dev.tsv.jsonl", "validation"),
        ("eval/x.txt", "test"),
        ("training_data/a.txt", "train"),
        ("contest.jsonl", None),
        ("testimonials/a.txt", None),
        ("notes/a.txt", None),
    ],
)
def test_without_configs_the_split_comes_from_the_names(path: str, split: str | None):
    assert placement(path, [])[1] == split
