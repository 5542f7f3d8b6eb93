"""Opening the lineage database: URL resolution, SQLite tuning, and upgrades through Alembic."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

import migrations
from lineage.errors import LineageError

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_URL = "sqlite:///lineage.db"
URL_ENV_VAR = "LINEAGE_DB"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Parameters in one statement: under SQLite's default limit of 32,766 (PostgreSQL's is 65,535).
MAX_PARAMETERS = 30_000
SCHEMA_REVISION = "0003"
ALEMBIC_VERSION_TABLE = "alembic_version"


def database_url(url: str | None = None) -> str:
    """The URL to use: the explicit one, else `$LINEAGE_DB`, else `lineage.db` here."""
    return url or os.environ.get(URL_ENV_VAR) or DEFAULT_URL


def connect(url: str | None = None, *, upgrade: bool = True) -> Engine:
    """An engine on the lineage database, upgraded to the latest schema unless told not to."""
    resolved = database_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError as exc:
        raise LineageError(f"not a database URL: {resolved!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(resolved, parsed.database)
    else:
        engine = _server_engine(parsed)
    if upgrade:
        upgrade_to_head(engine)
    return engine


def _server_engine(url: URL) -> Engine:
    """An engine on a database server; plain `postgresql://` means psycopg 3, the driver the
    `postgres` extra installs."""
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    try:
        return create_engine(url)
    except ImportError as exc:
        raise LineageError(
            f"no driver for {url.drivername} ({exc.name}): install lineage[postgres]"
        ) from exc


def _sqlite_engine(url: str, path: str | None) -> Engine:
    if path and path != ":memory:" and not Path(path).parent.exists():
        raise LineageError(f"folder of the database file does not exist: {Path(path).parent}")
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The schema revision Alembic recorded in the database; None for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(ALEMBIC_VERSION_TABLE):
            return None
        return connection.scalar(text(f"SELECT version_num FROM {ALEMBIC_VERSION_TABLE}"))


def upgrade_to_head(engine: Engine) -> None:
    """Create or upgrade the schema; a database already at head is left untouched.

    Alembic is imported only to upgrade: it is a tenth of a second every command would pay
    for reading one row. `SCHEMA_REVISION` names the head (a test holds it to Alembic's)."""
    try:
        if current_revision(engine) == SCHEMA_REVISION:
            return
        from alembic import command

        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise LineageError(f"cannot open the lineage database: {exc.orig}") from exc


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def insert_rows(
    session: Session,
    table: Table,
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
    _insert_many(session, table, columns, rows, tail)


def insert_returning(
    session: Session,
    table: Table,
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
    return _insert_many(session, table, columns, rows, f"{tail} RETURNING {', '.join(returning)}")


def _in_key_order(rows: list[tuple], columns: Sequence[str], unique: Sequence[str]) -> list[tuple]:
    """One row per key of the `unique` columns (the last), in key order. Two transactions
    inserting the same keys then lock them in the same order, so on PostgreSQL one waits for
    the other instead of both deadlocking; and no statement meets a key twice, which
    PostgreSQL refuses in an upsert."""
    positions = [columns.index(name) for name in unique]
    last = {tuple(row[position] for position in positions): row for row in rows}
    return [last[key] for key in sorted(last)]


def _insert_many(
    session: Session, table: Table, columns: Sequence[str], rows: list[tuple], tail: str
) -> list[tuple]:
    """Multi-row INSERTs of as many rows as the parameter limit lets one statement hold,
    ending in `tail`, and the rows they return if it has a RETURNING clause. Without one,
    SQLite runs a statement in one step, letting go of the GIL once for all its rows rather
    than once a row, as executemany does (threads that fingerprint meanwhile then take it
    less often)."""
    connection = session.connection()
    marker = parameter_marker(connection)
    row_markers = f"({', '.join([marker] * len(columns))})"
    per_statement = max(1, MAX_PARAMETERS // len(columns))
    returned: list[tuple] = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        statement = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) "
            f"VALUES {', '.join([row_markers] * len(chunk))}{tail}"
        )
        result = connection.exec_driver_sql(statement, tuple(v for row in chunk for v in row))
        if result.returns_rows:
            returned += [tuple(row) for row in result]
    return returned


def driver_rows(session: Session, query: str, parameters: tuple[Any, ...]) -> list[tuple]:
    """The rows of `query`, whose `{marker}`s are where `parameters` go in the driver's style:
    for one-off statements, which SQLAlchemy would compile afresh in every process."""
    connection = session.connection()
    statement = query.format(marker=parameter_marker(connection))
    return [tuple(row) for row in connection.exec_driver_sql(statement, parameters)]


def rows_in(session: Session, query: str, values: Sequence[Any]) -> list[tuple]:
    """The rows of `query`, whose `{}` is where the parameters of an IN list go, for these
    values, in as few statements as the parameter limit allows. Straight to the driver's own
    cursor, in the session's transaction: SQLAlchemy would compile the statement afresh for
    every length of list, which a one-shot lookup pays in full."""
    connection = session.connection()
    marker = parameter_marker(connection)
    cursor = connection.connection.cursor()
    found: list[tuple] = []
    try:
        for start in range(0, len(values), MAX_PARAMETERS):
            chunk = tuple(values[start : start + MAX_PARAMETERS])
            cursor.execute(query.format(", ".join([marker] * len(chunk))), chunk)
            found += cursor.fetchall()
    finally:
        cursor.close()
    return found


def parameter_marker(connection: Connection) -> str:
    """How the driver marks a parameter in SQL it is given directly: `?` (sqlite3) or `%s`."""
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"
