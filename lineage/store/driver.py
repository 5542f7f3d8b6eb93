"""The database as its DB-API driver gives it, without SQLAlchemy: where the lineage database
is, which schema revision is the latest, and statements run straight through the driver.

A lookup is one-off: importing SQLAlchemy and compiling its statements would be most of a
fresh process's time, so a database already at the latest schema is read through `sqlite3`
or psycopg alone (`open_at_head`). Everything else reaches the driver through a session's
connection (`driver_of`), in its transaction.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lineage.errors import DatabaseUnavailableError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEFAULT_URL = "sqlite:///lineage.db"
URL_ENV_VAR = "LINEAGE_DB"
# The latest Alembic revision (a test holds it to Alembic's head).
SCHEMA_REVISION = "0012"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Parameters in one statement: under SQLite's default limit of 32,766 (PostgreSQL's is 65,535).
MAX_PARAMETERS = 30_000
_POSTGRES_SCHEMES = ("postgresql", "postgresql+psycopg")
_REVISION = "SELECT version_num FROM alembic_version"


def database_url(url: str | None = None) -> str:
    """The URL to use: the explicit one, else `$LINEAGE_DB`, else `lineage.db` here."""
    return url or os.environ.get(URL_ENV_VAR) or DEFAULT_URL


class DriverConnection:
    """A DB-API connection, and how its driver marks a parameter: `?` (sqlite3) or `%s`."""

    def __init__(self, dbapi_connection: Any, marker: str) -> None:
        self.dbapi_connection = dbapi_connection
        self.marker = marker

    def rows(self, query: str, parameters: Sequence[Any] = ()) -> list[tuple]:
        """The rows of `query`, whose `{marker}`s are where `parameters` go."""
        statement = query.format(marker=self.marker)
        cursor = self.dbapi_connection.cursor()
        try:
            if parameters:
                cursor.execute(statement, tuple(parameters))
            else:  # psycopg would read any % in a statement given parameters as a marker
                cursor.execute(statement)
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def rows_in(self, query: str, values: Sequence[Any]) -> list[tuple]:
        """The rows of `query`, whose `{}` is where the parameters of an IN list go, for these
        values, in as few statements as the parameter limit allows."""
        cursor = self.dbapi_connection.cursor()
        found: list[tuple] = []
        try:
            for start in range(0, len(values), MAX_PARAMETERS):
                chunk = tuple(values[start : start + MAX_PARAMETERS])
                cursor.execute(query.format(", ".join([self.marker] * len(chunk))), chunk)
                found += cursor.fetchall()
        finally:
            cursor.close()
        return found

    def close(self) -> None:
        self.dbapi_connection.close()


def parameter_marker(paramstyle: str) -> str:
    """How a driver of this DB-API paramstyle marks a parameter: `?` (sqlite3) or `%s`."""
    return "?" if paramstyle == "qmark" else "%s"


def driver_of(database: Session | DriverConnection) -> DriverConnection:
    """The driver's connection: the session's (what it has not yet written flushed first, so
    that statements run on it see the session's work, in its transaction), or the one given."""
    if isinstance(database, DriverConnection):
        return database
    database.flush()
    connection = database.connection()
    return DriverConnection(connection.connection, parameter_marker(connection.dialect.paramstyle))


def open_at_head(url: str | None = None) -> DriverConnection | None:
    """A connection through the driver alone to the database at `url`, a SQLite file or a
    PostgreSQL server, if it is at the latest schema; None otherwise (a missing file, an
    older schema, another kind of database), which takes the way through SQLAlchemy, with
    its upgrades and its errors."""
    scheme, _, rest = database_url(url).partition("://")
    if scheme == "sqlite":
        return _sqlite(rest.removeprefix("/"))
    if scheme in _POSTGRES_SCHEMES:
        return _postgres(rest)
    return None


def _sqlite(path: str) -> DriverConnection | None:
    # Never made here: a database not yet made is made, and migrated, the other way.
    if not path or "?" in path or path == ":memory:" or not Path(path).is_file():
        return None
    try:
        connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return None
    return _at_head(DriverConnection(connection, "?"), sqlite3.Error)


def _postgres(address: str) -> DriverConnection | None:
    try:
        import psycopg  # the postgres extra's driver, loaded for a server only
    except ImportError:
        return None
    # libpq reads the rest of SQLAlchemy's URL as its own (user, host, port, name, ?host=).
    try:
        connection = psycopg.connect(f"postgresql://{address}", autocommit=True)
    except psycopg.OperationalError as exc:  # a server out of reach: no use trying again
        raise DatabaseUnavailableError(exc) from exc
    except psycopg.Error:
        return None
    return _at_head(DriverConnection(connection, "%s"), psycopg.Error)


def _at_head(driver: DriverConnection, driver_error: type[Exception]) -> DriverConnection | None:
    """The connection if its database is at the latest schema, else None (and it is closed)."""
    try:
        found = driver.rows(_REVISION)
    except driver_error:  # no such table, or a file that is no database
        found = []
    if found and found[0][0] == SCHEMA_REVISION:
        return driver
    driver.close()
    return None
