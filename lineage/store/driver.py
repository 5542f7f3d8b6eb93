"""The database as its DB-API driver gives it, without SQLAlchemy: where the lineage database
is, which schema revision is the latest, and statements run straight through the driver.

A lookup is one-off: importing SQLAlchemy and compiling its statements would be most of a
fresh process's time, so a SQLite file already at the latest schema is read through
`sqlite3` alone (`open_at_head`). Everything else reaches the driver through a session's
connection (`driver_of`), in its transaction.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEFAULT_URL = "sqlite:///lineage.db"
URL_ENV_VAR = "LINEAGE_DB"
# The latest Alembic revision (a test holds it to Alembic's head).
SCHEMA_REVISION = "0009"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Parameters in one statement: under SQLite's default limit of 32,766 (PostgreSQL's is 65,535).
MAX_PARAMETERS = 30_000
_SQLITE_FILE_PREFIX = "sqlite:///"
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


def driver_of(database: Session | DriverConnection) -> DriverConnection:
    """The driver's connection: the session's (what it has not yet written flushed first, so
    that statements run on it see the session's work, in its transaction), or the one given."""
    if isinstance(database, DriverConnection):
        return database
    database.flush()
    connection = database.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    return DriverConnection(connection.connection, marker)


def open_at_head(url: str | None = None) -> DriverConnection | None:
    """A `sqlite3` connection to the database at `url` if it is a SQLite file at the latest
    schema; None for anything else (a server, a missing file, an older schema), which takes
    the way through SQLAlchemy, with its upgrades and its errors."""
    resolved = database_url(url)
    path = resolved.removeprefix(_SQLITE_FILE_PREFIX)
    if path == resolved or "?" in path or not path or not Path(path).is_file():
        return None
    try:
        connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return None
    try:
        (revision,) = connection.execute(_REVISION).fetchone() or (None,)
    except sqlite3.Error:
        revision = None
    if revision != SCHEMA_REVISION:
        connection.close()
        return None
    return DriverConnection(connection, "?")
