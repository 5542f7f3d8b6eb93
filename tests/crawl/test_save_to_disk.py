"""Arrow files, and folders written by Hugging Face `datasets` with `save_to_disk` (made here
by the real library), through `lineage ingest`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.feather as feather
import pytest

from tests.conftest import make_document

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
datasets = pytest.importorskip("datasets")
datasets.disable_progress_bars()


def _documents(count: int, seed: int) -> dict[str, list[str]]:
    return {"text": [make_document(seed + i) for i in range(count)]}


def _sql(run_cli, query: str) -> list[list[object]]:
    return json.loads(run_cli("sql", query, "--json").output)[0]["rows"]


def test_a_saved_dataset_dict_is_read_split_by_split(tmp_path: Path, run_cli):
    train = datasets.Dataset.from_dict(_documents(3, 0))
    train.info.license = "cc-by-4.0"
    train.info.description = "Three prose documents."
    train.info.citation = "@misc{saved, title={Saved}}"
    test = datasets.Dataset.from_dict(_documents(2, 10))
    test.info.license = "cc-by-4.0"
    datasets.DatasetDict({"train": train, "test": test}).save_to_disk(tmp_path / "saved")

    result = run_cli("ingest", tmp_path / "saved", "--dataset", "saved", "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["problem_count"] == 0 and summary["skipped"] == []
    rows = _sql(
        run_cli,
        "SELECT split, locator, spdx, license_origin FROM occurrences "
        "JOIN licenses ON licenses.id = license_id ORDER BY locator",
    )
    assert [row[0] for row in rows] == ["test", "test", "train", "train", "train"]
    assert rows[0][1] == "saved/test/data-00000-of-00001.arrow#row=1"
    assert {(row[2], row[3]) for row in rows} == {("CC-BY-4.0", "dataset-info")}
    audit = json.loads(run_cli("dataset", "licenses", "saved", "--json").output)
    assert {item["origin"] for item in audit["declarations"]} == {"dataset-info"}
    shown = json.loads(run_cli("dataset", "show", "saved", "--json").output)
    assert shown["description"] == "Three prose documents."
    assert shown["declared_license"] == "CC-BY-4.0" and shown["splits"] == {"test": 2, "train": 3}

    assert run_cli("model", "register", "lm", "--dataset", "saved").exit_code == 0
    (use,) = json.loads(run_cli("trained", "lm", "--json").output)["datasets"]
    assert (use["records"], use["excluded_splits"]) == (3, {"test": 2})


def test_a_saved_dataset_with_a_split_takes_it_from_its_state(tmp_path: Path, run_cli):
    saved = datasets.Dataset.from_dict(_documents(2, 0), split=datasets.Split.VALIDATION)
    saved.save_to_disk(tmp_path / "valid")

    assert run_cli("ingest", tmp_path / "valid", "--dataset", "valid").exit_code == 0

    assert _sql(run_cli, "SELECT DISTINCT split FROM occurrences") == [["validation"]]


def test_feather_and_arrow_files_of_either_format_are_read(tmp_path: Path, run_cli):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    table = pa.table(_documents(2, 20))
    feather.write_feather(table, corpus / "a.feather")
    with pa.OSFile(str(corpus / "b.arrow"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
        w.write_table(table)
    with (
        pa.OSFile(str(corpus / "c.arrow"), "wb") as sink,
        pa.ipc.new_stream(sink, table.schema) as w,
    ):
        w.write_table(table)
    (corpus / "broken.arrow").write_bytes(b"\xff\xff\xff\xff\x10\x00\x00\x00garbage")

    result = run_cli("ingest", corpus, "--dataset", "arrow", "--json")

    summary = json.loads(result.output)
    assert [problem["locator"] for problem in summary["problems"]] == ["corpus/broken.arrow"]
    assert summary["records_seen"] == 6 and summary["records_added"] == 2
