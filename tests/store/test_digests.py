"""Records' SHA-256 digests, kept as 32 bytes since revision 0011: converted both ways with the
rows that reference their records, on SQLite and PostgreSQL, and shown in hex everywhere."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select, text

from cli.main import cli
from lineage.store.engine import connect, current_revision
from lineage.store.schema import ImageKey, Occurrence, Record
from tests.conftest import SAMPLE_DATA, migrate

NOTE = SAMPLE_DATA / "field-notes" / "01-heron-at-dawn.txt"
PICTURE = SAMPLE_DATA / "images" / "scene-00.png"


def _run(url: str, *args: object) -> str:
    result = CliRunner().invoke(cli, ["--db", url, *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _stored_digests(engine: Engine) -> list[tuple]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sha256, text_sha256 FROM records ORDER BY id"))
        return [tuple(row) for row in rows]


def _state(engine: Engine, url: str) -> tuple:
    """What the database answers, and how many rows reference its records."""
    with engine.connect() as connection:
        counts = [
            connection.scalar(select(func.count()).select_from(t)) for t in (Occurrence, ImageKey)
        ]
        manifests = connection.execute(text("SELECT manifest_hash FROM dataset_versions")).all()
    lookup = json.loads(_run(url, "lookup", "--json", NOTE, PICTURE))
    return counts, sorted(manifests), lookup


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, db_url: str) -> str:
    return request.getfixturevalue("postgres_url") if request.param == "postgresql" else db_url


def test_digests_convert_both_ways_and_keep_what_references_them(database: str):
    _run(database, "ingest", SAMPLE_DATA / "field-notes", "--dataset", "notes")
    _run(database, "ingest", SAMPLE_DATA / "images", "--dataset", "pictures")
    engine = connect(database)
    stored = _stored_digests(engine)
    before = _state(engine, database)

    migrate(engine, "downgrade", "0010")
    in_hex = _stored_digests(engine)
    migrate(engine, "upgrade", "head")

    assert all(len(bytes(digest)) == 32 for digest, _ in stored)
    assert in_hex == [
        (bytes(digest).hex(), None if text_digest is None else bytes(text_digest).hex())
        for digest, text_digest in stored
    ]
    assert any(text_digest is not None for _, text_digest in stored)
    assert _stored_digests(engine) == stored
    assert _state(engine, database) == before
    assert before[0][0] > 0 and before[0][1] > 0
    verified = json.loads(_run(database, "verify", "--json"))
    assert verified["findings"] == []


def test_digests_read_as_hex_through_the_models_and_in_sql(run_cli, db_url: str):
    run_cli("ingest", SAMPLE_DATA / "field-notes", "--dataset", "notes")
    with connect(db_url).connect() as connection:
        digests = connection.scalars(select(Record.sha256).order_by(Record.id)).all()

    result = run_cli("sql", "--json", "SELECT sha256 FROM records ORDER BY id")

    assert result.exit_code == 0, result.output
    [answer] = json.loads(result.output)
    assert [row[0] for row in answer["rows"]] == digests
    assert all(len(digest) == 64 and int(digest, 16) >= 0 for digest in digests)


def test_the_revision_refuses_to_rebuild_records_with_foreign_keys_enforced(db_url: str):
    from alembic import command

    from lineage.store.engine import alembic_config

    engine = connect(db_url)
    migrate(engine, "downgrade", "0010")
    config = alembic_config()
    with engine.begin() as connection:  # foreign keys on, as every lineage connection has them
        config.attributes["connection"] = connection
        with pytest.raises(RuntimeError, match="foreign keys"):
            command.upgrade(config, "head")


def test_a_digest_that_is_not_hex_stops_the_upgrade_and_changes_nothing(run_cli, db_url: str):
    run_cli("ingest", SAMPLE_DATA / "field-notes", "--dataset", "notes")
    engine = connect(db_url)
    migrate(engine, "downgrade", "0010")
    with engine.begin() as connection:
        connection.execute(text("UPDATE records SET sha256 = 'not a digest' WHERE id = 2"))
    before = _stored_digests(engine)

    result = CliRunner().invoke(cli, ["--db", db_url, "init"])

    assert result.exit_code == 1
    assert "record 2: sha256 'not a digest' is not 64 lowercase hex digits" in result.output
    assert _stored_digests(engine) == before
    assert current_revision(engine) == "0010"
