"""`lineage verify`: detect any edit made to the database behind the tool's back."""

from __future__ import annotations

import sys

import click

from cli.app import AppState, console, json_option, pass_state, print_json
from lineage.query.verify import verify_lineage

# Exit status when something differs (1 is a user's mistake, 2 a partial ingest, 3 a
# blocked use).
EXIT_TAMPERED = 4


@click.command()
@json_option
@pass_state
def verify(state: AppState, as_json: bool) -> None:
    """Recompute the event log's hash chain and every version's Merkle root and occurrence
    digest; name each difference, and exit 4 if there is any."""
    with state.session() as session:
        result = verify_lineage(session)
    if as_json:
        print_json(result.as_dict())
    else:
        out = console()
        verdict = "intact" if result.intact else f"{len(result.findings)} difference(s)"
        out.print(
            f"{result.events} events, {result.versions} dataset versions: {verdict}; "
            f"chain head {result.head or '(empty)'}"
        )
        for finding in result.findings:
            out.print(f"  {finding.kind}: {finding.subject}: {finding.detail}")
    if not result.intact:
        sys.exit(EXIT_TAMPERED)
