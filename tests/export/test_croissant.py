"""Croissant 1.0 + RAI folders, loaded, validated and read back by mlcroissant, offline."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import mlcroissant as mlc


def load(metadata: Path) -> tuple[mlc.Dataset, list[str]]:
    dataset = mlc.Dataset(jsonld=metadata)
    issues = dataset.metadata.ctx.issues
    return dataset, [str(error) for error in issues.errors]


def test_every_version_that_trained_the_model_is_written_and_validates(
    lineage_db: str, run_cli, tmp_path: Path
):
    out = tmp_path / "croissant"
    result = run_cli("export", lineage_db, "--format", "croissant", "-o", out)
    assert result.exit_code == 0, result.output
    again = run_cli("export", lineage_db, "--format", "croissant", "-o", out)
    assert again.exit_code == 0, again.output  # into the folder written before, as make sample does
    assert sorted(path.name for path in out.iterdir()) == ["notes@1", "web-clean@1", "web@1"]
    trained = json.loads(run_cli("trained", lineage_db, "--json").output)
    by_ref = {f"{d['dataset']}@{d['version']}": d for d in trained["datasets"]}

    for folder in out.iterdir():
        metadata = folder / "croissant.json"
        dataset, errors = load(metadata)
        assert errors == []
        document = json.loads(metadata.read_text())
        manifest = document["distribution"][0]
        assert (
            manifest["sha256"] == hashlib.sha256((folder / "records.csv").read_bytes()).hexdigest()
        )
        records = list(dataset.records("records"))
        assert len({row["records/sha256"] for row in records}) == by_ref[folder.name]["records"]
        assert document["rai:dataCollection"]
        assert document["rai:dataCollectionType"]

    web = json.loads((out / "web@1" / "croissant.json").read_text())
    assert web["license"] == ["https://spdx.org/licenses/CC-BY-4.0.html"]
    assert web["rai:dataCollectionType"] == ["Web Scraping"]
    clean = json.loads((out / "web-clean@1" / "croissant.json").read_text())
    assert clean["rai:dataPreprocessingProtocol"] == ["filter of web@1"]
    notes = json.loads((out / "notes@1" / "croissant.json").read_text())
    assert notes["license"] == ["NOASSERTION"]


def test_a_dataset_version_alone_and_its_records(lineage_db: str, run_cli, tmp_path: Path):
    result = run_cli("dataset", "export", "web@1", "--format", "croissant", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    dataset, errors = load(tmp_path / "web@1" / "croissant.json")
    assert errors == []
    rows = list(dataset.records("records"))
    licences = sorted(row["records/license"].decode() for row in rows)
    assert licences == ["CC-BY-4.0", "CC-BY-4.0", "CC-BY-4.0", "CC0-1.0"]


def test_croissant_validation_catches_a_broken_file(lineage_db: str, run_cli, tmp_path: Path):
    run_cli("dataset", "export", "web@1", "-o", tmp_path)
    metadata = tmp_path / "web@1" / "croissant.json"
    document = json.loads(metadata.read_text())
    del document["distribution"][0]["sha256"]  # a file object must be hashed
    metadata.write_text(json.dumps(document))
    try:
        _, errors = load(metadata)
    except mlc.ValidationError as exc:
        errors = [str(exc)]
    assert errors


def test_a_document_export_onto_a_folder_is_one_line(lineage_db: str, run_cli, tmp_path: Path):
    result = run_cli("export", lineage_db, "--format", "spdx3", "-o", tmp_path)

    assert result.exit_code == 1
    assert f"cannot write {tmp_path}" in result.output
