"""A crawl and its ingest: `lineage crawl` fetches into a WARC file (`lineage.fetch`), ingests
that file into the dataset version, and records the crawl (crawler, agent, purpose, period,
seeds, what it refused) for the disclosures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from lineage.fetch import CrawlOptions, CrawlResult, crawl
from lineage.fetch.crawler import CRAWLER
from lineage.ingest.options import IngestOptions, IngestSummary
from lineage.ingest.run import ingest_paths
from lineage.store import session_scope
from lineage.store.rows import find_dataset_version
from lineage.store.schema import Crawl


@dataclass
class CrawlSummary:
    crawl: CrawlResult
    ingest: IngestSummary

    def as_dict(self) -> dict[str, object]:
        result = self.crawl
        return {
            "archive": str(result.archive),
            "user_agent": result.options.user_agent,
            "pages_fetched": result.pages_fetched,
            "requests": len(result.requested),
            "refused": dict(sorted(result.refused.items())),
            "ingest": self.ingest.as_dict(),
        }


def crawl_and_ingest(
    engine: Engine,
    seeds: list[str],
    archive_dir: Path,
    options: IngestOptions,
    crawl_options: CrawlOptions,
) -> CrawlSummary:
    """Crawl from `seeds` into a new WARC file in `archive_dir`, then ingest it into
    `options.dataset`; the crawl is recorded on the version it filled."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    archive = archive_dir / f"{options.dataset.replace('/', '_')}-{stamp}.warc.gz"
    result = crawl(seeds, archive, crawl_options)
    summary = ingest_paths(engine, [archive], options)
    with session_scope(engine) as session:
        version = find_dataset_version(session, summary.dataset, summary.version)
        assert version is not None  # the ingest just filled it
        session.add(_crawl_row(version.id, result))
    return CrawlSummary(result, summary)


def _crawl_row(version_id: int, result: CrawlResult) -> Crawl:
    return Crawl(
        dataset_version_id=version_id,
        crawler=CRAWLER,
        user_agent=result.options.user_agent,
        purpose=result.options.purpose,
        seeds=result.seeds,
        archive=str(result.archive),
        started_at=result.started_at,
        finished_at=result.finished_at or result.started_at,
        pages_fetched=result.pages_fetched,
        refused=dict(result.refused),
    )
