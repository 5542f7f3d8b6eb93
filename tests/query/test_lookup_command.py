"""`lineage lookup` as a user runs it: a SQLite file or a PostgreSQL database at the latest
schema is read through its driver alone, anything else is opened (and upgraded) as every
command opens it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.app import cli
from lineage.ingest import IngestOptions, ingest_paths
from lineage.query import lookup_path
from lineage.registry import ModelRegistration, register_model
from lineage.store.driver import DriverConnection, open_at_head
from lineage.store.engine import connect, current_revision, head_revision, session_scope
from tests.conftest import migrate

PROBE = "sample_data/probes/edited-note.txt"
FOUND = "field-notes/01-heron-at-dawn.txt"
# What a text's lookup, on a database at the latest schema, does without.
UNNEEDED = ("sqlalchemy", "rich", "PIL", "imagehash")


@pytest.fixture
def ingested(run_cli) -> None:
    assert run_cli("ingest", "sample_data/field-notes", "--dataset", "notes").exit_code == 0


def _found(output: str) -> list[str]:
    (answer,) = json.loads(output)
    return [loc["locator"] for match in answer["matches"] for loc in match["locations"]]


@pytest.mark.usefixtures("ingested")
def test_a_lookup_of_a_text_in_a_fresh_process_loads_no_sqlalchemy_nor_pillow(db_url: str):
    run = (
        "import sys\nfrom cli import run\n"
        f"sys.argv = ['lineage', '--db', {db_url!r}, 'lookup', '--json', {PROBE!r}]\n"
        "try:\n    run()\nexcept SystemExit as end:\n    assert not end.code, end.code\n"
        f"print(sorted(name for name in sys.modules if name.split('.')[0] in {UNNEEDED!r}))"
    )
    finished = subprocess.run(
        [sys.executable, "-c", run], capture_output=True, text=True, check=True
    )
    answer, loaded = finished.stdout.rsplit("\n", 2)[:2]

    assert _found(answer) == [FOUND]
    assert loaded == "[]"


@pytest.mark.usefixtures("ingested")
def test_a_database_at_an_older_schema_is_upgraded_then_looked_up(run_cli, db_url: str):
    migrate(connect(db_url, upgrade=False), "downgrade", "0008")
    assert open_at_head(db_url) is None

    result = run_cli("lookup", "--json", PROBE)

    assert result.exit_code == 0, result.output
    assert _found(result.output) == [FOUND]
    assert current_revision(connect(db_url, upgrade=False)) == head_revision()


def test_a_lookup_in_a_database_not_yet_made_makes_it(run_cli, db_url: str):
    result = run_cli("lookup", "--text", "a heron at dawn")

    assert (result.exit_code, result.output) == (0, "--text: no match\n")
    assert current_revision(connect(db_url, upgrade=False)) == head_revision()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "nosuch://x"])
def test_only_a_database_file_or_server_is_read_through_its_driver_alone(url: str, tmp_path: Path):
    assert open_at_head(url) is None
    missing = tmp_path / "missing.db"
    assert open_at_head(f"sqlite:///{missing}") is None
    assert not missing.exists()


def test_a_server_out_of_reach_is_one_line():
    """Through the driver alone (a lookup) and through SQLAlchemy (any other command)."""
    for args in (("lookup", "--text", "a heron"), ("datasets",)):
        result = CliRunner().invoke(cli, ["--db", "postgresql://lineage@127.0.0.1:1/db", *args])

        assert result.exit_code == 1
        assert result.output.startswith("Error: cannot open the lineage database: ")
        assert len(result.output.splitlines()) == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_driver_alone_answers_as_a_session_does(backend: str, request, tmp_path: Path):
    url = (
        request.getfixturevalue("postgres_url")
        if backend == "postgresql"
        else f"sqlite:///{tmp_path / 'lineage.db'}"
    )
    engine = connect(url)
    for folder in ("field-notes", "images"):
        ingest_paths(engine, [Path("sample_data") / folder], IngestOptions(dataset=folder))
    with session_scope(engine) as session:
        register_model(session, ModelRegistration("base", datasets=("field-notes", "images")))
    probes = sorted(Path("sample_data/probes").iterdir())

    with session_scope(engine) as session:
        through_session = [[m.as_dict() for m in lookup_path(session, p)] for p in probes]
    driver = open_at_head(url)
    assert isinstance(driver, DriverConnection)
    through_driver = [[m.as_dict() for m in lookup_path(driver, p)] for p in probes]
    driver.close()

    assert through_driver == through_session
    assert [len(matches) for matches in through_driver] == [1, 1, 0]
