"""New SQLite databases are made from the baseline, the schema Alembic's migrations leave."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, text

from lineage.store.baseline import create_from_baseline
from lineage.store.engine import SCHEMA_REVISION, connect, current_revision, run_migrations


def _structure(connection: Connection) -> dict[str, object]:
    """What a SQLite schema is, whatever order its CREATE TABLE lists constraints in (Alembic's
    table rebuilds vary it from one process to the next): each table's columns in order, its
    indexes with their columns, its foreign keys; and the revision."""
    tables = [
        name
        for (name,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]

    def pragma(statement: str) -> list[tuple[object, ...]]:
        return [tuple(row) for row in connection.exec_driver_sql(statement)]

    structure: dict[str, object] = {
        "revision": connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    }
    for table in sorted(tables):
        indexes = sorted(pragma(f"PRAGMA index_list('{table}')"), key=lambda row: str(row[1]))
        structure[table] = (
            pragma(f"PRAGMA table_xinfo('{table}')"),
            [(index[1:], pragma(f"PRAGMA index_xinfo('{index[1]}')")) for index in indexes],
            sorted(pragma(f"PRAGMA foreign_key_list('{table}')"), key=str),
        )
    return structure


def _migrated() -> dict[str, object]:
    with create_engine("sqlite://").begin() as connection:
        run_migrations(connection)
        return _structure(connection)


def test_the_shipped_baseline_makes_what_the_migrations_leave():
    with create_engine("sqlite://").begin() as connection:
        assert create_from_baseline(connection)
        made = _structure(connection)

    assert made == _migrated(), "a revision changed: run scripts/write-sqlite-baseline"


def test_a_new_database_equals_a_migrated_one_and_is_at_the_head(tmp_path: Path):
    engine = connect(f"sqlite:///{tmp_path / 'new.db'}")

    with engine.connect() as connection:
        assert _structure(connection) == _migrated()
    assert current_revision(engine) == SCHEMA_REVISION


def test_a_new_database_is_made_without_alembic(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    program = (
        "import sys; from lineage.store import connect; connect(sys.argv[1]); "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'alembic'))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", program, url], capture_output=True, text=True, check=True
    )

    assert loaded.stdout.strip() == "[]"
    assert (tmp_path / "new.db").exists()


def test_a_database_holding_tables_is_migrated_and_keeps_them(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'used.db'}"
    with connect(url, upgrade=False).begin() as connection:
        connection.execute(text("CREATE TABLE notes (body TEXT)"))
        connection.execute(text("INSERT INTO notes VALUES ('kept')"))

    engine = connect(url)

    assert current_revision(engine) == SCHEMA_REVISION
    assert "records" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT body FROM notes")).scalar() == "kept"
