"""`lineage lookup`: which datasets and models hold a work. Often run one-off, in a fresh
process, so it loads what it needs and no more (no SQLAlchemy for a database at the latest
schema, no rich for a JSON answer)."""

from __future__ import annotations

from pathlib import Path

import click

from cli.app import AppState, console, json_option, pass_state, print_json
from lineage.errors import InputError
from lineage.query.lookup import Match, lookup_path, lookup_text


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text", help="Look up this text instead of files.")
@json_option
@pass_state
def lookup(state: AppState, files: tuple[Path, ...], text: str | None, as_json: bool) -> None:
    """Which datasets and models contain FILES (texts or images) or a near duplicate of them."""
    if bool(files) == (text is not None):
        raise InputError("give FILE... or --text TEXT, not both")
    if text is not None and not text.strip():
        raise InputError("--text is empty")
    with state.reader() as database:
        if text is not None:
            results = {"--text": lookup_text(database, text)}
        else:
            results = {str(path): lookup_path(database, path) for path in files}
    if as_json:
        print_json(
            [
                {"input": name, "matches": [m.as_dict() for m in matches]}
                for name, matches in results.items()
            ]
        )
        return
    for name, matches in results.items():
        _print_matches(name, matches)


def _print_matches(name: str, matches: list[Match]) -> None:
    if not matches:
        click.echo(f"{name}: no match")
        return
    from rich.table import Table  # deferred, as rich is in `console`

    out = console()
    out.print(f"{name}: {len(matches)} match(es)")
    table = Table("similarity", "record", "found in", "models")
    for match in matches:
        table.add_row(
            "exact" if match.exact else f"{match.similarity:.2f}",
            match.sha256[:12],
            "\n".join(
                f"{loc.dataset}@{loc.version}: {loc.locator} [{loc.license}]"
                for loc in match.locations
            ),
            "\n".join(f"{model} ({'; '.join(paths)})" for model, paths in match.models.items())
            or "none",
        )
    out.print(table)
