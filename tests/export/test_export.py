"""`lineage export`: the EU public summary, in the template's sections, always the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from lineage.export import build_eu_summary
from lineage.store.engine import connect, session_scope
from lineage.store.schema import DatasetVersion
from tests.conftest import make_document, make_image, write_jsonl


def _record_world(tmp_path: Path, run_cli) -> None:
    crawl = [
        {"text": make_document(i), "url": f"https://{host}/page{i}", "license": "CC-BY-4.0"}
        for i, host in enumerate(["a.example", "a.example", "b.example", "c.example"])
    ]
    write_jsonl(tmp_path / "crawl.jsonl", crawl)
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    make_image(pictures / "one.png", seed=1)
    assert run_cli("ingest", tmp_path / "crawl.jsonl", "--dataset", "crawl").exit_code == 0
    assert run_cli("ingest", pictures, "--dataset", "pictures").exit_code == 0
    assert (
        run_cli("derive", "synthetic-qa@1", "--from", "crawl@1", "--op", "synthetic").exit_code == 0
    )
    assert run_cli("model", "register", "base", "--dataset", "pictures").exit_code == 0
    result = run_cli(
        "model", "register", "tuned", "--dataset", "synthetic-qa", "--base-model", "base"
    )
    assert result.exit_code == 0, result.output


def test_export_is_byte_for_byte_deterministic(tmp_path: Path, run_cli):
    _record_world(tmp_path, run_cli)
    for fmt in ("json", "markdown"):
        first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
        assert run_cli("export", "tuned", "--format", fmt, "-o", first).exit_code == 0
        assert run_cli("export", "tuned", "--format", fmt, "-o", second).exit_code == 0
        assert first.read_bytes() == second.read_bytes()


def test_summary_follows_the_template_sections(tmp_path: Path, run_cli, db_url: str):
    _record_world(tmp_path, run_cli)
    document = json.loads(run_cli("export", "tuned", "--format", "json").output)

    assert list(document) == [
        "document",
        "general_information",
        "data_sources",
        "data_processing",
        "manifests",
    ]
    general = document["general_information"]
    assert [entry["model"] for entry in general["model_lineage"]] == ["tuned", "base"]
    assert {m["modality"]: m["records"] for m in general["modalities"]} == {"image": 1, "text": 4}
    sources = document["data_sources"]
    assert [d["dataset"] for d in sources["crawled_data"]["datasets"]] == ["crawl"]
    top = sources["crawled_data"]["top_domains_by_size"]
    assert top["domains_total"] == 3 and top["domains"][0]["domain"] == "a.example"
    assert [d["dataset"] for d in sources["synthetic_data"]] == ["synthetic-qa"]
    assert [d["dataset"] for d in sources["other_sources"]["datasets"]] == ["pictures"]
    with session_scope(connect(db_url)) as session:
        manifests = {v.ref: v.manifest_hash for v in session.scalars(select(DatasetVersion))}
    assert {
        f"{m['dataset']}@{m['version']}": m["manifest_hash"] for m in document["manifests"]
    } == {ref: manifests[ref] for ref in ("crawl@1", "pictures@1", "synthetic-qa@1")}


def test_markdown_carries_every_section(tmp_path: Path, run_cli, db_url: str):
    _record_world(tmp_path, run_cli)
    markdown = run_cli("export", "tuned", "--format", "markdown").output
    for heading in (
        "## 1. General information",
        "## 2. List of data sources",
        "### 2.3 Data crawled",
        "## 3. Data processing",
        "## Manifests",
    ):
        assert heading in markdown
    with session_scope(connect(db_url)) as session:
        assert build_eu_summary(session, "tuned")["general_information"]["model"] == "tuned"


def test_export_of_an_unknown_model_is_a_user_error(run_cli):
    result = run_cli("export", "nobody", "--format", "json")
    assert result.exit_code == 1 and "no model named 'nobody'" in result.output
