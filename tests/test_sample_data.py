"""The bundled corpus, run as README command (a) runs it: the answers its README promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_DATA


@pytest.fixture
def sample_db(run_cli) -> None:
    steps = [
        ("ingest", SAMPLE_DATA / "field-notes", "--dataset", "field-notes"),
        (
            "ingest",
            SAMPLE_DATA / "qa-pairs.jsonl",
            "--dataset",
            "qa-pairs",
            "--license",
            "CC-BY-4.0",
        ),
        ("ingest", SAMPLE_DATA / "recipes", "--dataset", "recipes", "--text-field", "method"),
        ("ingest", SAMPLE_DATA / "images", "--dataset", "images"),
        ("ingest", SAMPLE_DATA / "photo-submissions", "--dataset", "photo-submissions"),
        ("ingest", SAMPLE_DATA / "hedgerow-forum.jsonl.gz", "--dataset", "hedgerow-forum"),
        ("ingest", SAMPLE_DATA / "garden-shard-000000.tar", "--dataset", "garden-shard"),
        ("ingest", SAMPLE_DATA / "hedgerow-qa", "--dataset", "hedgerow-qa"),
        (
            "ingest",
            SAMPLE_DATA / "web-crawl.warc.gz",
            "--dataset",
            "web-crawl",
            "--license",
            "CC0-1.0",
        ),
        ("model", "register", "base-lm", "--card", SAMPLE_DATA / "models" / "base-lm.md"),
        (
            "model",
            "register",
            "chat-assistant",
            "--card",
            SAMPLE_DATA / "models" / "chat-assistant.md",
        ),
    ]
    for step in steps:
        result = run_cli(*step)
        assert result.exit_code == 0, result.output


def test_fine_tuned_model_sees_its_own_and_its_base_models_data(sample_db, run_cli):
    report = json.loads(run_cli("trained", "chat-assistant", "--json").output)

    included = {d["dataset"]: [p["description"] for p in d["paths"]] for d in report["datasets"]}
    assert included == {
        "qa-pairs": ["direct"],
        "hedgerow-qa": ["direct"],
        "field-notes": ["via base model base-lm (fine-tune)"],
        "recipes": ["via base model base-lm (fine-tune)"],
        "images": ["via base model base-lm (fine-tune)"],
        "photo-submissions": ["via base model base-lm (fine-tune)"],
        "hedgerow-forum": ["via base model base-lm (fine-tune)"],
        "garden-shard": ["via base model base-lm (fine-tune)"],
        "web-crawl": ["via base model base-lm (fine-tune)"],
    }
    assert report["totals"]["distinct_records"] == 12 + 40 + 12 + 24 + 4 + 8 + 4 + 4 + 6 + 4 + 5
    crawl = next(d for d in report["datasets"] if d["dataset"] == "web-crawl")
    # The noai page, the page with a TDM reservation header, the draft robots.txt closes to
    # GPTBot and the archived page tdmrep.json reserves; the open day page is free.
    assert crawl["training_use"] == {"notAllowed": 4}
    hub = next(d for d in report["datasets"] if d["dataset"] == "hedgerow-qa")
    assert (hub["splits"], hub["excluded_splits"]) == ({"train": 10}, {"test": 3})


def test_licences_come_from_rows_argument_card_and_licence_files(sample_db, run_cli):
    report = json.loads(run_cli("trained", "chat-assistant", "--json").output)
    licences = {
        d["dataset"]: {e["spdx"]: e["records"] for e in d["licenses"]} for d in report["datasets"]
    }
    assert licences["field-notes"] == {"CC-BY-4.0": 12}
    assert licences["recipes"] == {"CC-BY-SA-4.0": 12}
    assert licences["images"] == {"CC0-1.0": 24}
    assert licences["photo-submissions"] == {"CC-BY-4.0": 3, "CC-BY-NC-4.0": 1}
    assert licences["hedgerow-forum"] == {"CC0-1.0": 8}
    assert licences["garden-shard"] == {"CC0-1.0": 8}  # 4 pictures, 4 captions
    assert licences["hedgerow-qa"] == {"CC0-1.0": 10}  # the test split is not counted
    assert licences["web-crawl"] == {"CC0-1.0": 5}  # five pages; the policy files are not content
    shard = next(d for d in report["datasets"] if d["dataset"] == "garden-shard")
    assert {source["domain"] for source in shard["sources"]} == {"photos.example.net"}
    assert sum(source["records"] for source in shard["sources"]) == 8  # a URL per sample
    assert licences["qa-pairs"] == {
        "CC-BY-4.0": 19,
        "CC-BY-SA-4.0": 7,
        "CC0-1.0": 7,
        "CC-BY-NC-4.0": 7,
    }
    assert "non-commercial" in report["flags"] and "share-alike" in report["flags"]


def test_probes_find_the_heron_note_and_scene_seven(sample_db, run_cli):
    probes = SAMPLE_DATA / "probes"
    result = run_cli(
        "lookup",
        probes / "edited-note.txt",
        probes / "resized-image.jpg",
        probes / "unrelated.txt",
        "--json",
    )
    answers = {Path(entry["input"]).name: entry["matches"] for entry in json.loads(result.output)}

    [note] = answers["edited-note.txt"]
    assert note["locations"][0]["locator"] == "field-notes/01-heron-at-dawn.txt"
    [image] = answers["resized-image.jpg"]
    assert image["locations"][0]["locator"] == "images/scene-07.jpg"
    for match in (note, image):
        assert {entry["model"] for entry in match["models"]} == {"base-lm", "chat-assistant"}
    assert answers["unrelated.txt"] == []


def test_the_photo_submissions_understate_their_licence_and_one_is_reserved(sample_db, run_cli):
    audit = json.loads(run_cli("dataset", "licenses", "photo-submissions", "--json").output)
    verdict = run_cli("trained", "chat-assistant", "--use", "commercial", "--json")

    assert [(c["other"], c["severity"]) for c in audit["conflicts"]] == [
        ("CC-BY-NC-4.0", "understated")
    ]
    assert verdict.exit_code == 3
    reserved = [
        (f["dataset"], f["records"])
        for f in json.loads(verdict.output)["verdict"]["blocking"]
        if f["license"] is None
    ]
    assert reserved == [("photo-submissions", 1), ("web-crawl", 4)]
