"""`lineage overlap` and the `dataset_overlap` view on a corpus with known duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import edit_words, make_document, make_image


@pytest.fixture
def eval_and_train(tmp_path: Path, run_cli) -> None:
    """An evaluation set of 8 texts and 2 images; training data holding 3 of the texts
    verbatim, 2 edited by 10%, and one image resized, among unrelated material."""
    evaluation, training = tmp_path / "eval", tmp_path / "train"
    evaluation.mkdir()
    training.mkdir()
    for index in range(8):
        (evaluation / f"q{index}.txt").write_text(make_document(index), encoding="utf-8")
    for index in (0, 1, 2):
        (training / f"copy{index}.txt").write_text(make_document(index), encoding="utf-8")
    for index in (3, 4):
        edited = edit_words(make_document(index), 0.1, seed=index)
        (training / f"edited{index}.txt").write_text(edited, encoding="utf-8")
    for index in range(100, 110):
        (training / f"other{index}.txt").write_text(make_document(index), encoding="utf-8")
    make_image(evaluation / "chart.png", seed=1)
    make_image(evaluation / "photo.png", seed=2)
    Image.open(evaluation / "chart.png").resize((150, 150)).save(training / "chart.jpg", quality=70)
    for seed in range(20, 26):
        make_image(training / f"picture{seed}.png", seed=seed)
    assert run_cli("ingest", evaluation, "--dataset", "eval").exit_code == 0
    assert run_cli("ingest", training, "--dataset", "train").exit_code == 0


def test_overlap_counts_exact_and_near_duplicates(eval_and_train, run_cli):
    result = run_cli("overlap", "eval", "train@1", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["records"], report["exact"], report["near"]) == (10, 3, 3)
    near = {e["locator"]: e["other_locator"] for e in report["examples"] if not e["exact"]}
    assert near == {
        "eval/q3.txt": "train/edited3.txt",
        "eval/q4.txt": "train/edited4.txt",
        "eval/chart.png": "train/chart.jpg",
    }


def test_overlap_view_agrees_with_the_command(eval_and_train, run_cli):
    result = run_cli(
        "sql",
        "SELECT records, exact, near FROM dataset_overlap "
        "WHERE dataset = 'eval' AND other_dataset = 'train'",
        "--json",
    )
    assert json.loads(result.output)[0]["rows"] == [[10, 3, 3]]


def test_overlap_is_directional(eval_and_train, run_cli):
    report = json.loads(run_cli("overlap", "train", "eval", "--json").output)
    assert (report["records"], report["exact"], report["near"]) == (22, 3, 3)
