"""`lineage sql`: read-only SQL over the lineage data, through DuckDB."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.table import Table

from cli.app import AppState, console, json_option, pass_state, print_json
from lineage.errors import SqlSandboxError
from lineage.query.views import VIEW_DOCS
from lineage.store import database_url

if TYPE_CHECKING:
    from lineage.query.sql import QueryResult

PROMPT = "lineage> "


@click.command(epilog="Views: " + "; ".join(f"{name}: {doc}" for name, doc in VIEW_DOCS.items()))
@click.argument("query", required=False)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds a statement may run before it is stopped.",
)
@json_option
@pass_state
def sql(state: AppState, query: str | None, timeout: float, as_json: bool) -> None:
    """Run QUERY (or a prompt, without one) read-only against the lineage database."""
    # Imported here: DuckDB takes 25 ms to load, which no other command needs.
    from lineage.query.sql import run_query

    state.engine  # noqa: B018 - creates or upgrades the database before DuckDB attaches it
    url = database_url(state.url)
    if query is not None:
        _show(run_query(url, query, timeout), as_json)
        return
    while True:
        try:
            line = click.prompt(PROMPT, prompt_suffix="", default="", show_default=False)
        except (EOFError, click.Abort):
            return
        if line.strip().lower() in ("exit", "quit", r"\q"):
            return
        if line.strip():
            try:
                _show(run_query(url, line, timeout), as_json)
            except SqlSandboxError as exc:
                click.echo(f"error: {exc}", err=True)


def _show(results: list[QueryResult], as_json: bool) -> None:
    if as_json:
        print_json([{"columns": r.columns, "rows": [list(row) for row in r.rows]} for r in results])
        return
    for result in results:
        table = Table(*result.columns)
        for row in result.rows:
            table.add_row(*("NULL" if value is None else str(value) for value in row))
        console().print(table)
