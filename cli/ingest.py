"""`lineage ingest`: crawl, fingerprint and record corpora."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.acquisition import acquisition, acquisition_options
from cli.app import (
    EXIT_PARTIAL,
    AppState,
    console,
    json_option,
    pass_state,
    print_json,
    version_heading,
)
from lineage.crawl import DEFAULT_LIMITS
from lineage.ingest import IngestOptions, IngestSummary, ingest_paths

if TYPE_CHECKING:
    from rich.progress import Progress


class ProgressBar:
    """Draws ingest progress on the terminal by bytes of the files done."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("ingest", total=None)

    def start(self, files: int, total_bytes: int) -> None:
        self.progress.update(self.task, total=total_bytes, description=f"ingest {files} files")

    def advance(self, file_bytes: int) -> None:
        self.progress.advance(self.task, file_bytes)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dataset", required=True, help="Name of the dataset to record the content in.")
@click.option("--version", "version", help="Dataset version (default: the latest, or 1).")
@click.option("--license", "license_", metavar="SPDX", help="Licence of records that declare none.")
@click.option("--source", metavar="URI", help="Where the content came from (default: its path).")
@click.option("--text-field", metavar="FIELD", help="Field holding the text in JSONL/CSV/Parquet.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes that fingerprint in parallel.",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    help="Fingerprinting threads per process [default: the cores, shared among the processes].",
)
@click.option(
    "--engine",
    metavar="dask[://HOST:PORT]",
    help="Read and fingerprint on a Dask cluster: dask starts one of --jobs workers on this "
    "machine, dask://HOST:PORT uses a running scheduler (the workers must see PATHS).",
)
@click.option(
    "--max-member-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMITS.max_member_bytes,
    show_default=True,
    help="Refuse a compressed file or archive member that decompresses to more.",
)
@click.option(
    "--max-archive-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMITS.max_archive_bytes,
    show_default=True,
    help="Stop reading an archive whose members decompress to more, all together.",
)
@click.option(
    "--max-ratio",
    type=click.FloatRange(min=1),
    default=DEFAULT_LIMITS.max_ratio,
    show_default=True,
    help="Refuse what decompresses to more times its compressed size (a bomb).",
)
@click.option(
    "--max-members",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMITS.max_members,
    show_default=True,
    help="Read at most this many members of one archive.",
)
@click.option(
    "--no-languages",
    is_flag=True,
    help="Do not identify the languages of the texts (saves the identifier's 0.3 s load).",
)
@acquisition_options
@json_option
@pass_state
def ingest(
    state: AppState,
    paths: tuple[Path, ...],
    dataset: str,
    version: str | None,
    license_: str | None,
    source: str | None,
    text_field: str | None,
    jobs: int,
    threads: int | None,
    engine: str | None,
    max_member_bytes: int,
    max_archive_bytes: int,
    max_ratio: float,
    max_members: int,
    no_languages: bool,
    channel: str | None,
    generated_by: str | None,
    collected: datetime | None,
    as_json: bool,
) -> None:
    """Crawl PATHS into a dataset version; files that fail are recorded and the run goes on.
    Compressed files and archives are read as streams, never extracted."""
    limits = replace(
        DEFAULT_LIMITS,
        max_member_bytes=max_member_bytes,
        max_archive_bytes=max_archive_bytes,
        max_ratio=max_ratio,
        max_members=max_members,
    )
    options = IngestOptions(
        dataset=dataset,
        version=version,
        license=license_,
        source=source,
        text_field=text_field,
        jobs=jobs,
        threads=threads,
        engine=engine,
        limits=limits,
        acquisition=acquisition(channel, generated_by, collected),
        identify_languages=not no_languages,
    )
    if sys.stderr.isatty() and not as_json:
        # Loaded for a terminal only, as the table is for problems only: 24 ms of start-up.
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, transient=True) as progress:
            summary = ingest_paths(state.engine, paths, options, ProgressBar(progress))
    else:
        summary = ingest_paths(state.engine, paths, options)
    if as_json:
        print_json(summary.as_dict())
    else:
        print_summary(summary)
    if summary.exit_code:
        sys.exit(EXIT_PARTIAL)


def print_summary(summary: IngestSummary) -> None:
    from rich.text import Text  # loaded with the console

    out = console()
    if summary.frozen_by:
        out.print(
            Text.assemble(
                version_heading(summary.dataset, summary.version),
                f": unchanged, nothing to record (frozen: {', '.join(summary.frozen_by)} "
                f"trained on it); {summary.records_seen} records checked, "
                f"manifest {summary.manifest_hash}",
            )
        )
        return
    out.print(
        Text.assemble(
            version_heading(summary.dataset, summary.version),
            f": {summary.status} in {summary.elapsed_seconds:.1f}s (run {summary.run_id})",
        )
    )
    out.print(
        f"  files {summary.files_seen} ({summary.files_failed} failed), "
        f"records {summary.records_seen} read, {summary.records_added} new content, "
        f"{summary.occurrences_added} added / {summary.occurrences_updated} changed / "
        f"{summary.occurrences_removed} removed in the version, "
        f"{summary.bytes_read / 1e6:.2f} MB"
    )
    out.print(f"  manifest {summary.manifest_hash}")
    if summary.sources_reserved_by_site:
        out.print(
            f"  {summary.sources_reserved_by_site} web source(s) reserved by their site "
            "(robots.txt for AI crawlers, tdmrep.json): their records are marked reserved"
        )
    if summary.licenses:
        licences = ", ".join(f"{spdx} {count}" for spdx, count in sorted(summary.licenses.items()))
        out.print(f"  licences: {licences}")
    if summary.skipped:
        out.print(
            f"  skipped {summary.skipped_by_reason.total()} file(s) or member(s): "
            f"{summary.describe_skipped()}; e.g. {summary.skipped[0].path}"
        )
    if summary.problems:
        from rich.table import Table

        table = Table("locator", "problem", title=f"{summary.problem_count} problem(s) recorded")
        for problem in summary.problems:
            table.add_row(problem.locator, problem.reason)
        out.print(table)
        if summary.problem_count > len(summary.problems):
            out.print(
                f"  ... see `lineage dataset show {summary.dataset}@{summary.version}` for all"
            )
