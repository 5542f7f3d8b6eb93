"""A Hugging Face dataset folder's splits through ingest, training and disclosure: a model
is trained on the training split unless its run names others."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import make_document, write_jsonl


@pytest.fixture
def hub_folder(tmp_path: Path) -> Path:
    """A repo folder whose card names two configurations, one with a test split."""
    folder = tmp_path / "hub-dataset"
    (folder / "data").mkdir(parents=True)
    (folder / "chat").mkdir()
    (folder / "README.md").write_text(
        "---\nlicense: cc0-1.0\nconfigs:\n- config_name: default\n  data_files:\n"
        "  - split: train\n    path: data/train.jsonl\n  - split: test\n    path: data/test.jsonl\n"
        "- config_name: chat\n  data_files: chat/*.jsonl\n---\n# A dataset\n",
        encoding="utf-8",
    )
    write_jsonl(folder / "data" / "train.jsonl", [{"text": make_document(i)} for i in range(5)])
    write_jsonl(folder / "data" / "test.jsonl", [{"text": make_document(50 + i)} for i in range(3)])
    write_jsonl(folder / "chat" / "turns.jsonl", [{"text": make_document(90)}])
    return folder


def test_occurrences_carry_their_config_and_split(hub_folder: Path, run_cli):
    assert run_cli("ingest", hub_folder, "--dataset", "hub").exit_code == 0

    rows = json.loads(
        run_cli(
            "sql",
            "SELECT config, split, count(*) FROM occurrences GROUP BY ALL ORDER BY ALL",
            "--json",
        ).output
    )[0]["rows"]

    assert rows == [["chat", "train", 1], ["default", "test", 3], ["default", "train", 5]]
    shown = json.loads(run_cli("dataset", "show", "hub", "--json").output)
    assert shown["splits"] == {"test": 3, "train": 6}


def test_a_model_is_trained_on_the_training_splits_unless_told(hub_folder: Path, run_cli):
    assert run_cli("ingest", hub_folder, "--dataset", "hub").exit_code == 0
    assert run_cli("model", "register", "lm", "--dataset", "hub").exit_code == 0
    assert run_cli("model", "register", "tuned", "--base-model", "lm").exit_code == 0

    report = json.loads(run_cli("trained", "tuned", "--json").output)

    (use,) = report["datasets"]
    assert (use["records"], use["splits"], use["excluded_splits"]) == (6, {"train": 6}, {"test": 3})
    assert report["totals"]["distinct_records"] == 6
    assert "hub@1: not trained on split(s) test (3 records)" in run_cli("trained", "tuned").output
    summary = json.loads(run_cli("export", "tuned", "--format", "json").output)
    size = summary["general_information"]["modalities_size_and_characteristics"]
    assert size["total_distinct_records"] == 6
    assert size["modalities"][0]["records"] == 6

    assert (
        run_cli("model", "register", "evaluated", "--dataset", "hub", "--split", "test").exit_code
        == 0
    )
    evaluated = json.loads(run_cli("trained", "evaluated", "--json").output)["datasets"][0]
    assert (evaluated["records"], evaluated["excluded_splits"]) == (3, {"train": 6})


def test_a_folder_without_a_card_has_no_splits(tmp_path: Path, run_cli):
    corpus = tmp_path / "plain"
    corpus.mkdir()
    write_jsonl(corpus / "test.jsonl", [{"text": make_document(1)}])
    assert run_cli("ingest", corpus, "--dataset", "plain").exit_code == 0
    assert run_cli("model", "register", "lm", "--dataset", "plain").exit_code == 0

    (use,) = json.loads(run_cli("trained", "lm", "--json").output)["datasets"]

    assert (use["records"], use["splits"], use["excluded_splits"]) == (1, {}, {})
