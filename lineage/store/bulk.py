"""Bulk SQL straight through the driver, in a session's transaction.

For the hot paths (records, occurrences, index keys): building SQLAlchemy parameters per row
would cost more than the database does. The dialect's differences in writing (upserts, COPY)
stay here; one-off reads go through `lineage.store.driver`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete
from sqlalchemy.orm import Session

from lineage.store.driver import MAX_PARAMETERS, parameter_marker
from lineage.store.schema import Base

# Rows from which PostgreSQL is sent them by COPY rather than in INSERT statements.
COPY_AT_LEAST = 100
# Rows deleted by one statement: a short IN list.
DELETE_CHUNK = 500


def insert_rows(
    session: Session,
    table: type[Base],
    columns: Sequence[str],
    rows: list[tuple],
    unique: Sequence[str] = (),
) -> None:
    """Insert many plain rows straight through the driver, in the session's transaction: for
    the hot paths (records, occurrences, index keys), where building SQLAlchemy parameters
    per row would cost more than the database does. With `unique` (the columns of a unique
    constraint), a row that meets one already there updates it instead; of rows that share
    those columns, the last one counts."""
    tail = ""
    if unique:
        rows = _in_key_order(rows, columns, unique)
        updates = ", ".join(f"{name} = excluded.{name}" for name in columns if name not in unique)
        tail = f" ON CONFLICT ({', '.join(unique)}) DO UPDATE SET {updates}"
    _insert_many(session, table, columns, rows, tail, unique)


def insert_returning(
    session: Session,
    table: type[Base],
    columns: Sequence[str],
    rows: list[tuple],
    returning: Sequence[str],
    unique: Sequence[str] = (),
) -> list[tuple]:
    """`insert_rows`, returning these columns of the inserted rows (in no particular order).
    With `unique` (the columns of a unique constraint), a row that meets one already there
    is left out, and not returned; of rows that share those columns, the last one counts."""
    tail = ""
    if unique:
        rows = _in_key_order(rows, columns, unique)
        tail = f" ON CONFLICT ({', '.join(unique)}) DO NOTHING"
    returning_tail = f"{tail} RETURNING {', '.join(returning)}"
    return _insert_many(session, table, columns, rows, returning_tail, unique)


def _in_key_order(rows: list[tuple], columns: Sequence[str], unique: Sequence[str]) -> list[tuple]:
    """One row per key of the `unique` columns (the last), in key order. Two transactions
    inserting the same keys then lock them in the same order, so on PostgreSQL one waits for
    the other instead of both deadlocking; and no statement meets a key twice, which
    PostgreSQL refuses in an upsert."""
    positions = [columns.index(name) for name in unique]
    last = {tuple(row[position] for position in positions): row for row in rows}
    return [last[key] for key in sorted(last)]


def _insert_many(
    session: Session,
    table: type[Base],
    columns: Sequence[str],
    rows: list[tuple],
    tail: str,
    key: Sequence[str],
) -> list[tuple]:
    """Multi-row INSERTs of as many rows as the parameter limit lets one statement hold,
    ending in `tail`, and the rows they return if it has a RETURNING clause. Without one,
    SQLite runs a statement in one step, letting go of the GIL once for all its rows rather
    than once a row, as executemany does (threads that fingerprint meanwhile then take it
    less often). On PostgreSQL, many rows go through COPY instead (`_copy_then_insert`),
    inserted in the order of `key`."""
    connection = session.connection()
    if connection.dialect.name == "postgresql" and len(rows) >= COPY_AT_LEAST:
        return _copy_then_insert(connection, table, columns, rows, tail, key)
    marker = parameter_marker(connection.dialect.paramstyle)
    row_markers = f"({', '.join([marker] * len(columns))})"
    per_statement = max(1, MAX_PARAMETERS // len(columns))
    returned: list[tuple] = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        statement = (
            f"INSERT INTO {table.__tablename__} ({', '.join(columns)}) "
            f"VALUES {', '.join([row_markers] * len(chunk))}{tail}"
        )
        result = connection.exec_driver_sql(statement, tuple(v for row in chunk for v in row))
        if result.returns_rows:
            returned += [tuple(row) for row in result]
    return returned


def _copy_then_insert(
    connection: Connection,
    table: type[Base],
    columns: Sequence[str],
    rows: list[tuple],
    tail: str,
    key: Sequence[str],
) -> list[tuple]:
    """The rows streamed by COPY into a temporary table shaped like `table`'s columns, then
    inserted from it by one statement ending in `tail` (COPY itself knows no ON CONFLICT
    nor RETURNING). COPY sends no parameter per value, and the server parses no statement
    of thousands of them."""
    names = ", ".join(columns)
    target = table.__tablename__
    staging = f"copied_{target}"
    order = f" ORDER BY {', '.join(key)}" if key else ""
    cursor: Any = connection.connection.cursor()  # psycopg's, which has copy()
    try:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} AS SELECT {names} FROM {target} WITH NO DATA"
        )
        with cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {target} ({names}) SELECT {names} FROM {staging}{order}{tail}")
        returned = [tuple(row) for row in cursor.fetchall()] if cursor.description else []
        cursor.execute(f"DROP TABLE {staging}")
    finally:
        cursor.close()
    return returned


def driver_value(session: Session, column: ColumnElement[Any]) -> Callable[[Any], Any]:
    """How a value of `column` goes straight to the driver, as SQLAlchemy would send it:
    SQLite's driver takes times as SQLAlchemy's text; others take values as they are."""
    processor = column.type.bind_processor(session.get_bind().dialect)
    return processor if processor is not None else _as_it_is


def _as_it_is(value: Any) -> Any:
    return value


def delete_ids(session: Session, table: type[Base], ids: Sequence[int]) -> None:
    """Delete the rows of `table` with these ids, a chunk at a time."""
    id_column = table.__table__.c.id
    for start in range(0, len(ids), DELETE_CHUNK):
        session.execute(delete(table).where(id_column.in_(ids[start : start + DELETE_CHUNK])))
