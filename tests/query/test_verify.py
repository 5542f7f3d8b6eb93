"""`lineage verify`: edits made to the SQLite file behind the tool's back, each named."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest


@pytest.fixture
def recorded(tmp_path: Path, run_cli) -> Path:
    assert run_cli("ingest", "sample_data/field-notes", "--dataset", "field-notes").exit_code == 0
    recipes = ("sample_data/recipes", "--dataset", "recipes", "--text-field", "method")
    assert run_cli("ingest", *recipes).exit_code == 0
    assert run_cli("model", "register", "lm", "--dataset", "field-notes").exit_code == 0
    assert run_cli("export", "lm", "--format", "json").exit_code == 0
    return tmp_path / "lineage.db"


def _verify(run_cli) -> tuple[int, dict]:
    result = run_cli("verify", "--json")
    return result.exit_code, json.loads(result.output)


def _edit(database: Path, statement: str) -> None:
    with sqlite3.connect(database) as connection:
        assert connection.execute(statement).rowcount >= 1


def test_a_database_the_tool_made_is_intact(recorded: Path, run_cli):
    code, result = _verify(run_cli)
    assert (code, result["intact"], result["events"], result["versions"]) == (0, True, 4, 2)
    exported = json.loads(run_cli("export", "lm", "--format", "json").output)
    assert exported["document"]["event_chain_head"] is not None


@pytest.mark.parametrize(
    ("statement", "kinds"),
    [
        (  # a licence changed: the occurrence points at another licence row
            "UPDATE occurrences SET license_id = (SELECT id FROM licenses WHERE spdx = "
            "'CC-BY-SA-4.0') WHERE locator = 'field-notes/01-heron-at-dawn.txt'",
            {"occurrences-changed"},
        ),
        (  # a licence changed: its row's expression rewritten
            "UPDATE licenses SET spdx = 'CC0-1.0-forged' WHERE spdx = 'CC-BY-4.0'",
            {"occurrences-changed"},
        ),
        (
            "DELETE FROM occurrences WHERE locator = 'field-notes/02-lichen-on-the-wall.txt'",
            {"manifest-mismatch", "records-changed", "occurrences-count"},
        ),
        (
            "UPDATE records SET sha256 = zeroblob(32) WHERE id = 1",  # another 32-byte digest
            {"manifest-mismatch", "records-changed", "occurrences-changed"},
        ),
        # recipes' ingest entry gone: the chain breaks, and its occurrences are unlogged
        ("DELETE FROM events WHERE id = 2", {"event-missing", "unlogged"}),
        ("UPDATE events SET subject = 'forged' WHERE id = 3", {"event-changed"}),
    ],
)
def test_each_edit_behind_the_tools_back_is_named(recorded: Path, run_cli, statement, kinds):
    _edit(recorded, statement)
    code, result = _verify(run_cli)

    assert code == 4 and not result["intact"]
    assert {finding["kind"] for finding in result["findings"]} == kinds
    text = run_cli("verify").output
    assert "difference(s)" in text


def test_a_manifest_rewritten_to_match_is_still_caught_by_the_log(recorded: Path, run_cli):
    _edit(recorded, "DELETE FROM occurrences WHERE locator = 'recipes/recipes.csv#row=3'")
    # The forger clears the stored manifest too: the log's entry still disagrees.
    _edit(recorded, "UPDATE dataset_versions SET manifest_hash = NULL")
    code, result = _verify(run_cli)
    assert code == 4
    assert {f["kind"] for f in result["findings"]} == {"records-changed", "occurrences-count"}
