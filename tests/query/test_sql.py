"""`lineage sql`: the views answer the common questions, and nothing can escape the sandbox."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from tests.conftest import make_document, write_jsonl


@pytest.fixture
def recorded(tmp_path: Path, run_cli, db_url: str) -> Path:
    """A small recorded lineage: two datasets, a base model and its fine-tune."""
    notes = tmp_path / "notes"
    notes.mkdir()
    for index in range(3):
        (notes / f"n{index}.txt").write_text(make_document(index), encoding="utf-8")
    rows = [{"text": make_document(10 + i), "url": f"https://example.org/{i}"} for i in range(4)]
    write_jsonl(tmp_path / "chat.jsonl", rows)
    assert run_cli("ingest", notes, "--dataset", "notes", "--license", "MIT").exit_code == 0
    assert run_cli("ingest", tmp_path / "chat.jsonl", "--dataset", "chat").exit_code == 0
    assert run_cli("model", "register", "base", "--dataset", "notes").exit_code == 0
    tuned = run_cli("model", "register", "tuned", "--dataset", "chat", "--base-model", "base")
    assert tuned.exit_code == 0
    return Path(db_url.removeprefix("sqlite:///"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(run_cli, query: str) -> list[list[object]]:
    result = run_cli("sql", query, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)[-1]["rows"]


def test_model_training_data_view_is_transitive(recorded: Path, run_cli):
    rows = _rows(run_cli, "SELECT dataset, via FROM model_training_data WHERE model = 'tuned'")
    assert sorted(rows) == [["chat", "direct"], ["notes", "base model base (fine-tune)"]]


def test_views_over_licences_and_sources(recorded: Path, run_cli):
    licences = _rows(run_cli, "SELECT dataset, license, records FROM dataset_licenses ORDER BY 1")
    assert licences == [["chat", "NOASSERTION", 4], ["notes", "MIT", 3]]
    domains = _rows(
        run_cli, "SELECT source_domain, records FROM source_domains WHERE dataset='chat'"
    )
    assert domains == [["example.org", 4]]


def test_base_tables_and_describe_are_readable(recorded: Path, run_cli):
    assert _rows(run_cli, "SELECT count(*) FROM records") == [[7]]
    assert ["name", "VARCHAR"] in [row[:2] for row in _rows(run_cli, "DESCRIBE models")]


HOSTILE_QUERIES = [
    "INSERT INTO lineage.models (name, created_at) VALUES ('evil', now())",
    "UPDATE lineage.licenses SET spdx = 'MIT'",
    "DELETE FROM lineage.records",
    "DROP VIEW model_training_data",
    "CREATE TABLE stolen AS SELECT * FROM records",
    "DETACH lineage",
    "ATTACH '{tmp}/other.db' AS other",
    "COPY (SELECT * FROM records) TO '{tmp}/leak.csv'",
    "EXPORT DATABASE '{tmp}/dump'",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM sqlite_scan('{db}', 'models')",
    "CALL sqlite_attach('{db}')",
    "SELECT * FROM query('SELECT 1')",
    "SELECT getenv('HOME')",
    "SET enable_external_access = true",
    "INSTALL httpfs",
    "LOAD '{tmp}/evil.duckdb_extension'",
    "PRAGMA enable_profiling",
    "SELECT 1; DELETE FROM lineage.records",
]


@pytest.mark.parametrize("template", HOSTILE_QUERIES)
def test_hostile_queries_change_nothing_and_touch_no_file(
    recorded: Path, run_cli, tmp_path: Path, template: str
):
    before = _sha256(recorded)
    files_before = sorted(tmp_path.rglob("*"))
    query = template.format(tmp=tmp_path, db=recorded)

    result = run_cli("sql", query)

    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "root:" not in result.output
    assert _sha256(recorded) == before
    assert sorted(tmp_path.rglob("*")) == files_before


def test_sandbox_cannot_spill_to_disk_or_change_its_settings(recorded: Path, run_cli):
    settings = _rows(
        run_cli,
        "SELECT current_setting('temp_directory'), current_setting('enable_external_access'), "
        "current_setting('lock_configuration')",
    )
    assert settings == [["", False, True]]


def test_refused_query_leaves_the_database_usable(recorded: Path, run_cli):
    assert run_cli("sql", "DELETE FROM lineage.records").exit_code == 1
    assert _rows(run_cli, "SELECT count(*) FROM records") == [[7]]


def test_a_runaway_query_is_stopped_within_its_time(run_cli):
    for query in (
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
        "SELECT count(*) FROM range(100000) a, range(100000) b, range(1000) c",
    ):
        started = time.monotonic()
        result = run_cli("sql", query, "--timeout", "1")
        assert time.monotonic() - started < 20
        assert result.exit_code == 1
        # An endless recursion may meet the sandbox's memory limit first.
        stopped = result.output == "Error: the query ran past 1 s and was stopped\n"
        assert stopped or "memory" in result.output.lower(), result.output


def test_a_result_too_large_to_hold_is_refused(run_cli):
    result = run_cli("sql", "SELECT * FROM range(2000000)")
    assert result.exit_code == 1
    assert result.output == "Error: the result has more than 1000000 rows: add a LIMIT\n"
