"""`lineage crawl`: fetch from the web, politely, and ingest what was fetched."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.app import EXIT_PARTIAL, AppState, console, json_option, pass_state, print_json
from cli.ingest import print_summary
from lineage.fetch import CrawlOptions
from lineage.ingest import CrawlSummary, IngestOptions, crawl_and_ingest
from lineage.registry import Acquisition
from lineage.store import database_folder
from lineage.vocabulary import AcquisitionChannel

DEFAULTS = CrawlOptions()


@click.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--dataset", required=True, help="Name of the dataset to record the pages in.")
@click.option("--version", "version", help="Dataset version (default: the latest, or 1).")
@click.option("--license", "license_", metavar="SPDX", help="Licence of pages that declare none.")
@click.option("--user-agent", default=DEFAULTS.user_agent, show_default=True)
@click.option("--purpose", default=DEFAULTS.purpose, show_default=True, help="For the disclosure.")
@click.option(
    "--max-pages", type=click.IntRange(min=1), default=DEFAULTS.max_pages, show_default=True
)
@click.option("--same-host", is_flag=True, help="Follow links to the seeds' hosts only.")
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=DEFAULTS.delay,
    show_default=True,
    help="Seconds between two requests to one host (a longer robots.txt Crawl-delay wins).",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=DEFAULTS.timeout, show_default=True
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULTS.max_bytes,
    show_default=True,
    help="Of one response's body; the rest is cut off (and the WARC record says so).",
)
@click.option(
    "--archive-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the crawl's WARC file goes [default: crawls/ beside the database file].",
)
@json_option
@pass_state
def crawl(
    state: AppState,
    urls: tuple[str, ...],
    dataset: str,
    version: str | None,
    license_: str | None,
    user_agent: str,
    purpose: str,
    max_pages: int,
    same_host: bool,
    delay: float,
    timeout: float,
    max_bytes: int,
    archive_dir: Path | None,
    as_json: bool,
) -> None:
    """Crawl from URLS, honouring robots.txt and TDMRep before every request, into a WARC file
    kept beside the database; then ingest it into DATASET and record the crawl."""
    options = CrawlOptions(
        user_agent=user_agent,
        purpose=purpose,
        max_pages=max_pages,
        same_host=same_host,
        delay=delay,
        timeout=timeout,
        max_bytes=max_bytes,
    )
    folder = archive_dir or (database_folder(state.engine) or Path.cwd()) / "crawls"
    crawled = Acquisition(AcquisitionChannel.CRAWLED)  # by the provider, with this command
    ingest = IngestOptions(dataset=dataset, version=version, license=license_, acquisition=crawled)
    summary = crawl_and_ingest(state.engine, list(urls), folder, ingest, options)
    if as_json:
        print_json(summary.as_dict())
    else:
        _print_crawl(summary)
    if summary.ingest.exit_code:
        sys.exit(EXIT_PARTIAL)


def _print_crawl(summary: CrawlSummary) -> None:
    result = summary.crawl
    refused = ", ".join(f"{count} {reason}" for reason, count in sorted(result.refused.items()))
    console().print(
        f"crawled {result.pages_fetched} page(s) in {len(result.requested)} request(s) "
        f"as {result.options.user_agent!r} into {result.archive}"
    )
    if refused:
        console().print(f"  not fetched: {refused}")
    print_summary(summary.ingest)
