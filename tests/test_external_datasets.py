"""Datasets a model card names that were never ingested: recorded by name, flagged, counted as
nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import make_document


def test_a_card_naming_a_hub_dataset_not_ingested_records_it_by_name(tmp_path: Path, run_cli):
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "a.txt").write_text(make_document(1), encoding="utf-8")
    assert run_cli("ingest", corpus, "--dataset", "notes", "--license", "MIT").exit_code == 0
    card = tmp_path / "model.md"
    card.write_text("---\ndatasets:\n- notes\n- HuggingFaceFW/fineweb-edu\n---\n# A model\n")

    registered = run_cli("model", "register", "lm", "--card", card)

    assert registered.exit_code == 0, registered.output
    report = json.loads(run_cli("trained", "lm", "--json").output)
    uses = {d["dataset"]: d for d in report["datasets"]}
    assert uses["HuggingFaceFW/fineweb-edu"]["content_ingested"] is False
    assert "content-not-ingested" in uses["HuggingFaceFW/fineweb-edu"]["flags"]
    assert uses["HuggingFaceFW/fineweb-edu"]["records"] == 0
    assert uses["notes"]["content_ingested"] is True
    assert "content-not-ingested" in report["flags"]
    assert "content-not-ingested" in run_cli("trained", "lm").output


def test_a_dataset_named_on_the_command_line_needs_external_to_be_recorded_by_name(run_cli):
    refused = run_cli("model", "register", "lm", "--dataset", "org/corpus")
    assert refused.exit_code == 1 and "--external records it by name" in refused.output

    recorded = run_cli("model", "register", "lm", "--dataset", "org/corpus", "--external")

    assert recorded.exit_code == 0, recorded.output
    listed = json.loads(run_cli("datasets", "--json").output)
    assert [(d["name"], d["versions"], d["latest_records"]) for d in listed] == [
        ("org/corpus", ["1"], 0)
    ]


def test_an_ingested_dataset_is_never_turned_external(tmp_path: Path, run_cli):
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "a.txt").write_text(make_document(1), encoding="utf-8")
    assert run_cli("ingest", corpus, "--dataset", "notes").exit_code == 0

    missing = run_cli("model", "register", "lm", "--dataset", "notes@9", "--external")

    assert missing.exit_code == 1 and "has no version '9'" in missing.output


def test_a_cards_source_datasets_become_parents_known_by_name(tmp_path: Path, run_cli):
    corpus = tmp_path / "derived"
    corpus.mkdir()
    (corpus / "README.md").write_text(
        "---\nlicense: mit\nsource_datasets:\n- original\n- extended|org/base-set\n- org/other\n"
        "---\n# Derived\n",
        encoding="utf-8",
    )
    (corpus / "a.txt").write_text(make_document(3), encoding="utf-8")
    assert run_cli("ingest", corpus, "--dataset", "derived").exit_code == 0
    assert run_cli("ingest", corpus, "--dataset", "derived").exit_code == 0  # linked once

    shown = json.loads(run_cli("dataset", "show", "derived", "--json").output)
    assert [parent["dataset"] for parent in shown["derived_from"]] == [
        "org/base-set@1",
        "org/other@1",
    ]
    assert run_cli("model", "register", "lm", "--dataset", "derived").exit_code == 0
    report = json.loads(run_cli("trained", "lm", "--json").output)
    parents = {d["dataset"]: d for d in report["datasets"] if d["dataset"].startswith("org/")}
    assert set(parents) == {"org/base-set", "org/other"}
    assert all("content-not-ingested" in d["flags"] for d in parents.values())
    assert (
        parents["org/other"]["paths"][0]["description"] == "via derived dataset derived@1 (other)"
    )
