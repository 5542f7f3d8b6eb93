"""`lineage export`: a model's disclosure documents, in every format."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click

from cli.app import AppState, pass_state
from lineage.errors import LineageError
from lineage.export import EXPORTERS, ExportContext, export_model, load_facts
from lineage.export.croissant import write_model_croissant
from lineage.export.facts import NO_FACTS
from lineage.registry import record_summary_export

CROISSANT = "croissant"


@click.command()
@click.argument("model")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted([*EXPORTERS, CROISSANT])),
    default="markdown",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),  # a folder for croissant: one written before is rewritten
    help="File to write (default: stdout); for croissant, the folder to write into.",
)
@click.option(
    "--facts",
    "facts_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The provider's facts (TOML; write the template with --format facts-template).",
)
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The summary this one follows: its hash is named in this one.",
)
@pass_state
def export(
    state: AppState,
    model: str,
    fmt: str,
    output: Path | None,
    facts_file: Path | None,
    previous: Path | None,
) -> None:
    """Write a disclosure document for MODEL (formats: see --format). A public summary is
    recorded in the model's summary history (numbered, dated, hashed). croissant writes one
    folder per dataset version that trained MODEL (-o DIR)."""
    if fmt == CROISSANT:
        if output is None:
            raise click.UsageError("--format croissant writes folders: give -o DIR")
        with state.session() as session:
            written = write_model_croissant(session, model, output)
        for path in written:
            click.echo(f"wrote {path}", err=True)
        return
    context = ExportContext(
        load_facts(facts_file) if facts_file is not None else NO_FACTS,
        hashlib.sha256(previous.read_bytes()).hexdigest() if previous is not None else None,
    )
    with state.session() as session:
        document = export_model(session, model, fmt, context)
        if EXPORTERS[fmt].summary:
            record_summary_export(session, model, fmt, document, context.previous_sha256)
    if output is None:
        click.echo(document, nl=False)
        return
    try:
        output.write_text(document, encoding="utf-8")
    except OSError as exc:
        raise LineageError(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(f"wrote {output} ({fmt}, {len(document.encode())} bytes)", err=True)
