"""Read-only SQL over the lineage database, through DuckDB.

DuckDB attaches the lineage database read-only with the sqlite (or postgres) extension loaded
from its pinned PyPI wheel, so nothing is downloaded. The sandbox then has three layers: the
attachment is READ_ONLY; external access is switched off and the configuration locked, so no
query can read or write files, attach databases or load extensions; and only SELECT
statements (DESCRIBE, SHOW and SUMMARIZE included) are accepted, with the scanner and
query-string functions that would reopen those doors refused by name. A runaway query (a
huge cross join, an endless recursive CTE) ends with an error: DuckDB's memory is capped, each
statement is interrupted past its time, and results are capped in rows.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Table

from lineage.errors import SqlSandboxError
from lineage.query.views import VIEWS_SQL
from lineage.store.engine import DuckDBAttachment, duckdb_attachment
from lineage.store.schema import Base, Digest

ALIAS = "lineage"
SANDBOX_MEMORY_LIMIT = "2GB"
# A statement is interrupted past this many seconds, and refused past this many result rows
# (they are held in this process, beyond DuckDB's memory limit).
DEFAULT_TIMEOUT = 60.0
MAX_ROWS = 1_000_000
# Table and scalar functions that take a file, a database or a query string as an argument.
DENIED_FUNCTION_PREFIXES = ("sqlite_", "postgres_", "read_", "parquet_", "iceberg_", "delta_")
DENIED_FUNCTIONS = {"query", "query_table", "glob", "getenv", "json_execute_serialized_sql"}


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def run_query(
    url: str, query: str, timeout: float = DEFAULT_TIMEOUT, max_rows: int = MAX_ROWS
) -> list[QueryResult]:
    """Run each statement of `query` in a fresh sandbox over the database at `url`: each
    within `timeout` seconds (interrupted past them) and `max_rows` rows of result."""
    statements = _checked_statements(query)
    with sandbox(url) as connection:
        results = []
        for statement in statements:
            _check_functions(connection, statement.query)
            results.append(_run(connection, statement.query, timeout, max_rows))
        return results


def _run(
    connection: duckdb.DuckDBPyConnection, query: str, timeout: float, max_rows: int
) -> QueryResult:
    watchdog = threading.Timer(timeout, connection.interrupt)
    watchdog.start()
    try:
        cursor = connection.execute(query)
        columns = [column[0] for column in cursor.description or []]
        rows = cursor.fetchmany(max_rows + 1)
    except duckdb.InterruptException as exc:
        raise SqlSandboxError(f"the query ran past {timeout:g} s and was stopped") from exc
    except duckdb.Error as exc:
        raise SqlSandboxError(_first_line(exc)) from exc
    finally:
        watchdog.cancel()
    if len(rows) > max_rows:
        raise SqlSandboxError(f"the result has more than {max_rows} rows: add a LIMIT")
    return QueryResult(columns, rows)


def sandbox(url: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the lineage database attached and locked down."""
    attachment = duckdb_attachment(url)
    connection = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            # No spill files: a query that outgrows memory fails instead of writing to disk.
            "temp_directory": "",
            "memory_limit": SANDBOX_MEMORY_LIMIT,
        },
    )
    try:
        _attach(connection, attachment)
        _create_views(connection, attachment.schema)
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
    except duckdb.Error as exc:
        connection.close()
        raise SqlSandboxError(
            f"cannot open the lineage database in DuckDB: {_first_line(exc)}"
        ) from exc
    return connection


def _attach(connection: duckdb.DuckDBPyConnection, attachment: DuckDBAttachment) -> None:
    connection.load_extension(str(_extension_path(attachment.extension)))
    literal = "'" + attachment.target.replace("'", "''") + "'"  # ATTACH takes no parameters
    connection.execute(f"ATTACH {literal} AS {ALIAS} (TYPE {attachment.kind}, READ_ONLY)")


def _extension_path(name: str) -> Path:
    """The extension file inside its pinned wheel, for this DuckDB version."""
    package = f"duckdb_extension_{name}"
    try:
        root = Path(str(resources.files(package)))
    except ModuleNotFoundError as exc:
        raise SqlSandboxError(f"the {package} package is not installed") from exc
    path = root / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise SqlSandboxError(
            f"{package} has no build for DuckDB {duckdb.__version__}: pin both alike"
        )
    return path


def _create_views(connection: duckdb.DuckDBPyConnection, schema: str) -> None:
    for table in Base.metadata.sorted_tables:
        columns = f"* {_digests_in_hex(table)}".rstrip()
        connection.execute(
            f'CREATE VIEW "{table.name}" AS SELECT {columns} FROM {ALIAS}.{schema}."{table.name}"'
        )
    for statement in duckdb.extract_statements(VIEWS_SQL):
        connection.execute(statement.query)


def _digests_in_hex(table: Table) -> str:
    """The REPLACE clause that shows a table's digests in hex, as everywhere else; stored,
    they are 32 bytes (`lineage.store.schema.Digest`)."""
    digests = [column.name for column in table.columns if isinstance(column.type, Digest)]
    if not digests:
        return ""
    return f"REPLACE ({', '.join(f'lower(hex({name})) AS {name}' for name in digests)})"


def _checked_statements(query: str) -> list[duckdb.Statement]:
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise SqlSandboxError(_first_line(exc)) from exc
    if not statements:
        raise SqlSandboxError("no SQL statement given")
    for statement in statements:
        if statement.type != duckdb.StatementType.SELECT:
            kind = statement.type.name
            raise SqlSandboxError(f"only read-only queries are allowed, not {kind} statements")
    return statements


def _check_functions(connection: duckdb.DuckDBPyConnection, query: str) -> None:
    """Refuse functions that would read files, other databases or run SQL from a string."""
    tree = connection.execute("SELECT json_serialize_sql(?)", [query]).fetchone()
    parsed = json.loads(tree[0]) if tree else {}
    if parsed.get("error"):
        # PRAGMA and the like parse as SELECT but cannot be inspected, so they are refused.
        raise SqlSandboxError(f"only plain queries are allowed: {parsed.get('error_message')}")
    for name in _function_names(parsed):
        lowered = name.lower()
        if lowered in DENIED_FUNCTIONS or lowered.startswith(DENIED_FUNCTION_PREFIXES):
            raise SqlSandboxError(f"function {name}() is not allowed in `lineage sql`")


def _function_names(node: Any) -> list[str]:
    if isinstance(node, dict):
        names = [node["function_name"]] if isinstance(node.get("function_name"), str) else []
        return names + [name for value in node.values() for name in _function_names(value)]
    if isinstance(node, list):
        return [name for value in node for name in _function_names(value)]
    return []


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
