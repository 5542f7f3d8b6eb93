"""`lineage dataset delete` and `lineage models`: what went wrong can be removed, and what
models were trained on stays disclosed."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from lineage.store.engine import connect, session_scope
from lineage.store.schema import Dataset, IngestRun, LicenseEvidence, Occurrence, Record
from tests.conftest import make_document


def _corpus(tmp_path: Path, name: str, seed: int) -> Path:
    corpus = tmp_path / name
    corpus.mkdir()
    (corpus / "a.txt").write_text(make_document(seed), encoding="utf-8")
    (corpus / "LICENSE").write_text("MIT License\n\nPermission is hereby granted", encoding="utf-8")
    return corpus


def _count(db_url: str, model: type) -> int:
    with session_scope(connect(db_url)) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_version_no_model_used_is_deleted_with_what_hangs_on_it(tmp_path: Path, run_cli, db_url):
    assert run_cli("ingest", _corpus(tmp_path, "one", 1), "--dataset", "keep").exit_code == 0
    assert run_cli("ingest", _corpus(tmp_path, "two", 2), "--dataset", "oops").exit_code == 0

    result = run_cli("dataset", "delete", "oops")

    assert result.exit_code == 0 and "deleted oops@1" in result.output
    assert [d["name"] for d in json.loads(run_cli("datasets", "--json").output)] == ["keep"]
    assert (_count(db_url, Occurrence), _count(db_url, IngestRun)) == (1, 1)
    assert _count(db_url, Dataset) == 1 and _count(db_url, LicenseEvidence) == 1
    assert _count(db_url, Record) == 2  # records are never deleted
    lookup = json.loads(run_cli("lookup", "--text", make_document(2), "--json").output)
    assert lookup[0]["matches"] == []  # held by no version, found nowhere


def test_deleting_what_a_model_was_trained_on_needs_force_and_stays_disclosed(
    tmp_path: Path, run_cli
):
    assert run_cli("ingest", _corpus(tmp_path, "one", 1), "--dataset", "d").exit_code == 0
    assert run_cli("derive", "d-clean", "--from", "d@1", "--op", "filter").exit_code == 0
    assert run_cli("model", "register", "m", "--dataset", "d").exit_code == 0

    refused = run_cli("dataset", "delete", "d@1")
    assert refused.exit_code == 1
    assert "d@1 trained m and has derived versions d-clean@1: not deleted" in refused.output

    forced = run_cli("dataset", "delete", "d@1", "--force")
    assert forced.exit_code == 0 and "removal recorded for d@1" in forced.output
    report = json.loads(run_cli("trained", "m", "--json").output)
    assert report["datasets"] == []
    assert [(r["dataset"], r["version"], r["records"]) for r in report["removed_datasets"]] == [
        ("d", "1", 1)
    ]
    assert "training-data-deleted" in report["flags"]
    assert "deleted since" in run_cli("trained", "m").output


def test_models_are_listed_with_their_bases_and_datasets(tmp_path: Path, run_cli):
    assert run_cli("ingest", _corpus(tmp_path, "one", 1), "--dataset", "d").exit_code == 0
    assert run_cli("model", "register", "base", "--dataset", "d", "--license", "MIT").exit_code == 0
    assert run_cli("model", "register", "chat", "--base-model", "base").exit_code == 0

    listed = json.loads(run_cli("models", "--json").output)

    assert listed == [
        {
            "name": "base",
            "license": "MIT",
            "base_models": [],
            "datasets": ["d@1"],
            "training_data_recorded": True,
        },
        {
            "name": "chat",
            "license": None,
            "base_models": ["base (fine-tune)"],
            "datasets": [],
            "training_data_recorded": True,
        },
    ]
    assert "base (fine-tune)" in run_cli("models").output
