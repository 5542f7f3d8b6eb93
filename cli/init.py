"""`lineage init`: the database made, or upgraded to the latest schema."""

from __future__ import annotations

import click

from cli.app import AppState, pass_state
from lineage.store.engine import current_revision, database_url


@click.command()
@pass_state
def init(state: AppState) -> None:
    """Create the lineage database, or upgrade it to the latest schema."""
    click.echo(f"{database_url(state.url)} at schema revision {current_revision(state.engine)}")
