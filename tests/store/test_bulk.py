"""Multi-row INSERTs through the driver: upserts, RETURNING, and the parameter limit."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, text

from lineage.store.bulk import insert_returning, insert_rows
from lineage.store.driver import MAX_PARAMETERS
from lineage.store.engine import connect, session_scope
from lineage.store.schema import Source

SOURCE_COLUMNS = ("uri", "kind", "first_seen_at")
WHEN = "2026-01-01 00:00:00"


def _source_kinds(engine) -> dict[str, str]:
    with session_scope(engine) as session:
        return dict(session.execute(text("SELECT uri, kind FROM sources")).all())


def test_insert_rows_upserts_on_the_unique_columns_and_the_last_duplicate_wins(tmp_path: Path):
    engine = connect(f"sqlite:///{tmp_path / 'upsert.db'}")
    with session_scope(engine) as session:
        insert_rows(session, Source, SOURCE_COLUMNS, [("a", "first", WHEN)])
    with session_scope(engine) as session:
        rows = [("a", "again", WHEN), ("b", "one", WHEN)]
        rows += [("b", "two", WHEN)]  # twice in one statement (tests/store/test_postgres.py too)
        insert_rows(session, Source, SOURCE_COLUMNS, rows, unique=("uri",))
    assert _source_kinds(engine) == {"a": "again", "b": "two"}


def test_insert_returning_leaves_out_and_does_not_return_rows_already_there(tmp_path: Path):
    engine = connect(f"sqlite:///{tmp_path / 'returning.db'}")
    with session_scope(engine) as session:
        insert_rows(session, Source, SOURCE_COLUMNS, [("a", "first", WHEN)])
    with session_scope(engine) as session:
        rows = [("a", "again", WHEN), ("b", "new", WHEN)]
        returned = insert_returning(
            session, Source, SOURCE_COLUMNS, rows, ("uri",), unique=("uri",)
        )
    assert returned == [("b",)]
    assert _source_kinds(engine) == {"a": "first", "b": "new"}


def test_multi_row_inserts_split_at_the_parameter_limit(tmp_path: Path):
    engine = connect(f"sqlite:///{tmp_path / 'many.db'}")
    per_statement = MAX_PARAMETERS // len(SOURCE_COLUMNS)
    rows = [(f"u{n}", "web", WHEN) for n in range(per_statement * 2 + 7)]
    statements: list[int] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count_rows(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("INSERT INTO sources"):
            statements.append(len(parameters) // len(SOURCE_COLUMNS))

    with session_scope(engine) as session:
        returned = insert_returning(session, Source, SOURCE_COLUMNS, rows, ("uri",))
    assert statements == [per_statement, per_statement, 7]
    assert sorted(returned) == sorted((uri,) for uri, _, _ in rows)
    assert len(_source_kinds(engine)) == len(rows)
