"""The lineage database: migrations, URL resolution, SQLite settings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from lineage.store.engine import (
    SCHEMA_REVISION,
    SQLITE_PAGE_BYTES,
    connect,
    current_revision,
    head_revision,
)
from lineage.store.schema import Base, Record
from tests.conftest import migrate

# A content hash as revisions before 0011 kept it: 64 characters of hex.
DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def test_migrations_upgrade_an_empty_database_to_the_models(tmp_path: Path):
    engine = connect(f"sqlite:///{tmp_path / 'empty.db'}")

    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}


def test_the_schema_revision_the_code_expects_is_alembics_head():
    assert head_revision() == SCHEMA_REVISION


def test_init_command_creates_the_database(tmp_path: Path, run_cli, db_url):
    result = run_cli("init")

    assert result.exit_code == 0
    assert head_revision() in result.output
    assert Path(db_url.removeprefix("sqlite:///")).exists()


def test_sqlite_runs_in_wal_mode(tmp_path: Path):
    engine = connect(f"sqlite:///{tmp_path / 'wal.db'}")

    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_a_new_sqlite_database_has_larger_pages_and_an_older_one_keeps_its_own(tmp_path: Path):
    older = tmp_path / "older.db"
    with sqlite3.connect(older) as made_before:  # SQLite's default page, 4 KiB
        made_before.execute("PRAGMA journal_mode=WAL")
    new, reopened = connect(f"sqlite:///{tmp_path / 'new.db'}"), connect(f"sqlite:///{older}")

    with new.connect() as connection, reopened.connect() as older_connection:
        assert connection.execute(text("PRAGMA page_size")).scalar() == SQLITE_PAGE_BYTES
        assert older_connection.execute(text("PRAGMA page_size")).scalar() == 4096
        assert current_revision(reopened) == head_revision()


def test_database_url_comes_from_the_environment(tmp_path: Path, monkeypatch):
    from click.testing import CliRunner

    from cli.app import cli

    target = tmp_path / "from-env.db"
    monkeypatch.setenv("LINEAGE_DB", f"sqlite:///{target}")

    assert CliRunner().invoke(cli, ["init"]).exit_code == 0
    assert target.exists()


def test_bad_database_url_is_a_user_error(run_cli):
    from click.testing import CliRunner

    from cli.app import cli

    result = CliRunner().invoke(cli, ["--db", "not a url", "datasets"])

    assert result.exit_code == 1
    assert "not a database URL" in result.output


def test_migrations_and_models_agree(tmp_path: Path):
    engine = connect(f"sqlite:///{tmp_path / 'fresh.db'}", upgrade=False)
    migrate(engine, "upgrade", "head")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_a_database_of_the_first_schema_upgrades_with_its_data(tmp_path: Path):
    engine = connect(f"sqlite:///{tmp_path / 'old.db'}", upgrade=False)
    migrate(engine, "upgrade", "0001")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO records (sha256, kind, size_bytes) VALUES (:sha, 'text', 3)"),
            {"sha": DIGEST},
        )

    engine = connect(f"sqlite:///{tmp_path / 'old.db'}")

    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        row = connection.execute(text("SELECT sha256, rights, training_use FROM records")).one()
        digest = connection.scalar(select(Record.sha256))
    assert tuple(row) == (bytes.fromhex(DIGEST), None, None)
    assert digest == DIGEST
