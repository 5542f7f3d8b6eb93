"""`trained` and `lookup` through the CLI: transitive answers, near duplicates, no false matches."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import edit_words, make_document, make_image, write_jsonl


@pytest.fixture
def lineage_world(tmp_path: Path, run_cli) -> dict[str, Path]:
    """Three datasets, one derived; a base model and its fine-tune, as the CLI records them."""
    web = tmp_path / "web"
    web.mkdir()
    for index in range(6):
        (web / f"page{index}.txt").write_text(make_document(index), encoding="utf-8")
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    for index in range(8):
        make_image(pictures / f"p{index}.png", seed=index)
    chat = write_jsonl(
        tmp_path / "chat.jsonl",
        [{"text": make_document(50 + i), "license": "CC-BY-4.0"} for i in range(5)],
    )
    assert run_cli("ingest", web, "--dataset", "web", "--license", "CC-BY-NC-4.0").exit_code == 0
    assert (
        run_cli("ingest", pictures, "--dataset", "pictures", "--license", "CC0-1.0").exit_code == 0
    )
    assert run_cli("ingest", chat, "--dataset", "chat").exit_code == 0
    assert run_cli("derive", "web-clean@1", "--from", "web@1", "--op", "filter").exit_code == 0
    card = tmp_path / "base.md"
    card.write_text("---\ndatasets: [web-clean, pictures]\nlicense: apache-2.0\n---\n# Base\n")
    assert run_cli("model", "register", "base", "--card", card).exit_code == 0
    result = run_cli(
        "model",
        "register",
        "tuned",
        "--dataset",
        "chat",
        "--base-model",
        "base",
        "--relation",
        "fine-tune",
    )
    assert result.exit_code == 0, result.output
    return {"web": web, "pictures": pictures, "chat": chat}


def test_trained_answers_transitively_through_the_fine_tune_and_derivation(lineage_world, run_cli):
    result = run_cli("trained", "tuned", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    paths = {
        f"{d['dataset']}@{d['version']}": [p["description"] for p in d["paths"]]
        for d in report["datasets"]
    }
    assert paths == {
        "chat@1": ["direct"],
        "web-clean@1": ["via base model base (fine-tune)"],
        "pictures@1": ["via base model base (fine-tune)"],
        "web@1": ["via base model base (fine-tune), via derived dataset web-clean@1 (filter)"],
    }
    web = next(d for d in report["datasets"] if d["dataset"] == "web")
    assert web["records"] == 6
    assert web["licenses"][0]["spdx"] == "CC-BY-NC-4.0"
    assert "non-commercial" in report["flags"]
    assert report["totals"]["distinct_records"] == 6 + 8 + 5


def test_trained_table_names_datasets_and_paths(lineage_world, run_cli):
    result = run_cli("trained", "tuned")

    assert result.exit_code == 0
    for expected in ("chat@1", "web@1", "via base model base", "CC-BY-NC-4.0"):
        assert expected in result.output


def test_base_model_knows_nothing_of_the_fine_tune_data(lineage_world, run_cli):
    report = json.loads(run_cli("trained", "base", "--json").output)

    assert {d["dataset"] for d in report["datasets"]} == {"web-clean", "web", "pictures"}


def test_near_duplicate_text_is_found_with_every_model_trained_on_it(
    lineage_world, run_cli, tmp_path: Path
):
    probe = tmp_path / "probe.txt"
    probe.write_text(edit_words(make_document(3), 0.10, seed=9), encoding="utf-8")

    result = run_cli("lookup", probe, "--json")

    assert result.exit_code == 0, result.output
    matches = json.loads(result.output)[0]["matches"]
    assert len(matches) == 1
    match = matches[0]
    assert not match["exact"] and match["similarity"] >= 0.5
    assert match["locations"][0]["locator"] == "web/page3.txt"
    assert {m["model"] for m in match["models"]} == {"base", "tuned"}


def test_exact_text_is_found_from_the_command_line(lineage_world, run_cli):
    result = run_cli("lookup", "--text", make_document(51), "--json")

    match = json.loads(result.output)[0]["matches"][0]
    assert match["exact"] and match["locations"][0]["dataset"] == "chat"
    assert [m["model"] for m in match["models"]] == ["tuned"]


def test_resized_recompressed_image_is_found(lineage_world, run_cli, tmp_path: Path):
    original = Image.open(lineage_world["pictures"] / "p5.png")
    smaller = original.resize((original.width // 2, original.height // 2))
    buffer = io.BytesIO()
    smaller.convert("RGB").save(buffer, format="JPEG", quality=60)
    probe = tmp_path / "probe.jpg"
    probe.write_bytes(buffer.getvalue())

    matches = json.loads(run_cli("lookup", probe, "--json").output)[0]["matches"]

    assert [m["locations"][0]["locator"] for m in matches] == ["pictures/p5.png"]
    assert {m["model"] for m in matches[0]["models"]} == {"base", "tuned"}


def test_unrelated_text_and_image_match_nothing(lineage_world, run_cli, tmp_path: Path):
    text = tmp_path / "other.txt"
    text.write_text(make_document(999), encoding="utf-8")
    image = make_image(tmp_path / "other.png", seed=999)

    result = run_cli("lookup", text, image, "--json")

    assert [entry["matches"] for entry in json.loads(result.output)] == [[], []]
    assert "no match" in run_cli("lookup", text).output


def test_unknown_model_is_a_one_line_error(lineage_world, run_cli):
    result = run_cli("trained", "nobody")

    assert result.exit_code == 1
    assert "no model named 'nobody'" in result.output


def test_derivation_cycle_is_refused(lineage_world, run_cli):
    result = run_cli("derive", "web@1", "--from", "web-clean@1", "--op", "filter")

    assert result.exit_code == 1
    assert "cycle" in result.output
