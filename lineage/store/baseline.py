"""New SQLite databases made from the schema Alembic's migrations leave, as Rails loads its
schema file: one batch of statements instead of every migration, which spares a new database
a quarter of a second (Alembic's import and its revisions). Existing databases, and every
PostgreSQL database, are upgraded by Alembic as before.

`sqlite_baseline.sql` is that schema, written by `scripts/write-sqlite-baseline` from an
in-memory database that Alembic upgraded to the head; a test holds it equal to a fresh run of
the migrations, so a new revision without a new baseline fails the suite. A baseline of an
older revision than `SCHEMA_REVISION` is never used.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from importlib import resources

from sqlalchemy import Connection

from lineage.store.driver import SCHEMA_REVISION

BASELINE_FILE = "sqlite_baseline.sql"
_REVISION_LINE = "-- revision "


def create_from_baseline(connection: Connection) -> bool:
    """Create the head schema in this empty SQLite database, in the connection's
    transaction; False (nothing done) if the database is not SQLite, not empty, or the
    shipped baseline is not of the head revision."""
    if connection.dialect.name != "sqlite" or _has_tables(connection):
        return False
    revision, statements = _read_baseline()
    if revision != SCHEMA_REVISION:
        return False
    for statement in statements:
        connection.exec_driver_sql(statement)
    return True


def dump_schema(connection: Connection, revision: str) -> str:
    """The schema of this SQLite database as a baseline: its tables, indexes and triggers in
    the order they were made, then its Alembic revision."""
    rows = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY rowid"
    ).all()
    statements = [sql for (sql,) in rows]
    statements.append(f"INSERT INTO alembic_version (version_num) VALUES ('{revision}')")
    return f"{_REVISION_LINE}{revision}\n" + "".join(f"{sql};\n" for sql in statements)


def _has_tables(connection: Connection) -> bool:
    return connection.exec_driver_sql("SELECT 1 FROM sqlite_master LIMIT 1").first() is not None


def _read_baseline() -> tuple[str, list[str]]:
    text = resources.files(__package__).joinpath(BASELINE_FILE).read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    return first.removeprefix(_REVISION_LINE), list(_statements(body))


def _statements(script: str) -> Iterator[str]:
    """The statements of a script, each whole however many lines (a trigger's body) it has."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
