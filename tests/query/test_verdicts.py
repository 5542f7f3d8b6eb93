"""`lineage trained --use` verdicts and the attribution notice, on mixed licences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import make_document, write_jsonl

LICENCES = ["CC-BY-4.0", "CC-BY-NC-4.0", "CC0-1.0", None, "CC-BY-SA-4.0"]


@pytest.fixture
def mixed_model(tmp_path: Path, run_cli) -> None:
    rows = []
    for index in range(10):
        row = {"text": make_document(index), "url": f"https://example.org/{index}"}
        if LICENCES[index % 5]:
            row["license"] = LICENCES[index % 5]
        rows.append(row)
    write_jsonl(tmp_path / "mixed.jsonl", rows)
    assert run_cli("ingest", tmp_path / "mixed.jsonl", "--dataset", "mixed").exit_code == 0
    assert run_cli("model", "register", "m", "--dataset", "mixed").exit_code == 0


def _verdict(run_cli, use: str) -> tuple[int, dict]:
    result = run_cli("trained", "m", "--use", use, "--json")
    return result.exit_code, json.loads(result.output)["verdict"]


def test_commercial_use_is_blocked_by_non_commercial_and_unknown_records(mixed_model, run_cli):
    code, verdict = _verdict(run_cli, "commercial")

    assert code == 3 and verdict["allowed"] is False
    blocking = {(f["license"], f["records"]): f["reason"] for f in verdict["blocking"]}
    assert blocking == {
        ("CC-BY-NC-4.0", 2): "licence forbids commercial use",
        ("NOASSERTION", 2): "licence unknown: no grant to rely on",
    }
    assert [f["license"] for f in verdict["constraining"]] == ["CC-BY-SA-4.0"]


def test_research_use_is_allowed_with_the_unknown_records_as_a_constraint(mixed_model, run_cli):
    code, verdict = _verdict(run_cli, "research")

    assert code == 0 and verdict["allowed"] is True
    assert [f["license"] for f in verdict["constraining"]] == ["NOASSERTION"]
    assert verdict["obligations"] == {
        "attribution": ["CC-BY-4.0", "CC-BY-NC-4.0", "CC-BY-SA-4.0"],
        "share-alike notice": ["CC-BY-SA-4.0"],
    }


def test_notice_groups_attributed_works_by_licence_and_is_deterministic(mixed_model, run_cli):
    first = run_cli("export", "m", "--format", "notice").output
    second = run_cli("export", "m", "--format", "notice").output

    assert first == second
    headings = [line for line in first.splitlines() if line.startswith("## ")]
    assert headings == ["## CC-BY-4.0", "## CC-BY-NC-4.0", "## CC-BY-SA-4.0"]
    assert "https://example.org/0 (1 record)" in first
    assert "https://example.org/2 " not in first  # CC0 asks for no credit
