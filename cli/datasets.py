"""`lineage datasets`, `lineage dataset show|licenses`, `lineage derive` and `lineage overlap`."""

from __future__ import annotations

import click
from rich.table import Table

from cli.app import AppState, console, count_of, json_option, pass_state, print_json
from lineage.licenses import Evidence
from lineage.query import audit_licenses, dataset_overlap, describe_dataset, list_datasets
from lineage.registry import DATASET_OPERATIONS, delete_dataset, derive_dataset


@click.command("datasets")
@json_option
@pass_state
def datasets(state: AppState, as_json: bool) -> None:
    """List datasets with their versions."""
    with state.session() as session:
        listings = list_datasets(session)
    if as_json:
        print_json([listing.as_dict() for listing in listings])
        return
    table = Table("dataset", "versions", "records (latest)", "MB (latest)", "declared licence")
    for entry in listings:
        table.add_row(
            entry.name,
            ", ".join(entry.versions),
            str(entry.latest_records),
            f"{entry.latest_bytes / 1e6:.2f}",
            entry.declared_license or "-",
        )
    console().print(table)


@click.group("dataset")
def dataset_group() -> None:
    """Inspect one dataset."""


@dataset_group.command("show")
@click.argument("ref", metavar="NAME[@VERSION]")
@json_option
@pass_state
def show(state: AppState, ref: str, as_json: bool) -> None:
    """Versions, licences, sources, models and ingest history of a dataset version."""
    with state.session() as session:
        details = describe_dataset(session, ref)
    if as_json:
        print_json(details)
        return
    out = console()
    out.print(
        f"[bold]{details['dataset']}@{details['version']}[/bold] {details['description'] or ''}"
    )
    out.print(f"  records {details['records']}, {details['size_bytes'] / 1e6:.2f} MB")
    out.print(f"  manifest {details['manifest_hash']}")
    out.print(f"  declared licence: {details['declared_license'] or 'none'}")
    for parent in details["derived_from"]:
        out.print(f"  derived from {parent['dataset']} ({parent['path']})")
    out.print(f"  trained models: {', '.join(details['models']) or 'none'}")
    licences = Table("licence", "category", "records", "flags", title="licences")
    for entry in details["licenses"]:
        licences.add_row(
            entry["spdx"], entry["category"], str(entry["records"]), ", ".join(entry["flags"])
        )
    out.print(licences)
    runs = Table("run", "status", "files", "failed", "records", "new", title="ingest runs")
    for run in details["ingest_runs"]:
        runs.add_row(
            *(
                str(run[key])
                for key in (
                    "run",
                    "status",
                    "files_seen",
                    "files_failed",
                    "records_seen",
                    "records_added",
                )
            )
        )
    out.print(runs)
    for run in details["ingest_runs"]:
        for error in run["errors"]:
            out.print(f"  run {run['run']}: {error['locator']}: {error['reason']}")


@dataset_group.command("delete")
@click.argument("ref", metavar="NAME[@VERSION]")
@click.option(
    "--force",
    is_flag=True,
    help="Delete even what models were trained on, or other versions derived from; "
    "the removal is recorded and their training data still names it.",
)
@pass_state
def delete(state: AppState, ref: str, force: bool) -> None:
    """Delete a dataset version (without @VERSION, every version) and what hangs on it."""
    with state.session() as session:
        deletion = delete_dataset(session, ref, force=force)
    click.echo(f"deleted {', '.join(deletion.versions)}")
    if deletion.recorded:
        click.echo(f"removal recorded for {', '.join(deletion.recorded)}")


@dataset_group.command("licenses")
@click.argument("ref", metavar="NAME[@VERSION]")
@json_option
@pass_state
def licenses(state: AppState, ref: str, as_json: bool) -> None:
    """Declared versus found licences of a dataset version, with evidence and conflicts."""
    with state.session() as session:
        audit = audit_licenses(session, ref)
    if as_json:
        print_json(audit.as_dict())
        return
    out = console()
    out.print(f"[bold]{audit.dataset}@{audit.version}[/bold] declared {audit.declared or 'none'}")
    table = Table("", "licence", "origin", "where", "evidence", title="evidence")
    for item in [*audit.declarations, *audit.found]:
        table.add_row(item.role, item.spdx, item.origin, item.locator, _evidence_detail(item))
    out.print(table)
    for ancestor, licences in audit.ancestors.items():
        out.print(f"  derived from {ancestor}: {', '.join(licences) or 'no licence known'}")
    for conflict in audit.conflicts:
        out.print(f"  [bold]{conflict.severity}[/bold]: {conflict.reason}")
    if not audit.conflicts:
        out.print("  no conflicts")


def _evidence_detail(item: Evidence) -> str:
    parts = [item.method]
    if item.score is not None:
        parts.append(f"score {item.score:.1f}")
    if item.span is not None:
        parts.append(f"chars {item.span[0]}-{item.span[1]}")
    if item.records is not None:
        parts.append(count_of(item.records, "record"))
    if item.sha256:
        parts.append(f"sha256 {item.sha256[:12]}")
    return ", ".join(parts)


@click.command()
@click.argument("new_ref", metavar="NEW[@VERSION]")
@click.option("--from", "parents", multiple=True, required=True, metavar="NAME[@VERSION]")
@click.option("--op", "operation", required=True, type=click.Choice(DATASET_OPERATIONS))
@pass_state
def derive(state: AppState, new_ref: str, parents: tuple[str, ...], operation: str) -> None:
    """Record that dataset NEW was made from other datasets (filter, dedup, mix...)."""
    with state.session() as session:
        derived = derive_dataset(session, new_ref, parents, operation)
        click.echo(f"{derived.ref} derived from {', '.join(parents)} ({operation})")


@click.command()
@click.argument("dataset", metavar="A[@VERSION]")
@click.argument("other", metavar="B[@VERSION]")
@click.option("--examples", default=10, show_default=True, help="How many examples to list.")
@json_option
@pass_state
def overlap(state: AppState, dataset: str, other: str, examples: int, as_json: bool) -> None:
    """How many records of A have an exact or near duplicate in B (contamination, dedup)."""
    with state.session() as session:
        report = dataset_overlap(session, dataset, other, max_examples=examples)
    if as_json:
        print_json(report.as_dict())
        return
    out = console()
    share = report.overlapping / report.records if report.records else 0.0
    out.print(
        f"{report.overlapping} of {report.records} records of {report.dataset} ({share:.1%}) "
        f"are in {report.other}: {report.exact} exact, {report.near} near duplicates"
    )
    if report.examples:
        table = Table("record in " + report.dataset, "found in " + report.other, "similarity")
        for example in report.examples:
            similarity = "exact" if example.exact else f"{example.similarity:.2f}"
            table.add_row(example.locator, example.other_locator, similarity)
        out.print(table)
