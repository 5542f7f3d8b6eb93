"""The ingest stage: crawl corpora, fingerprint what is new, and record it in batched
transactions (`ingest_paths`)."""

from lineage.ingest.crawled import CrawlSummary, crawl_and_ingest
from lineage.ingest.options import (
    DEFAULT_BATCH_SIZE,
    IngestOptions,
    IngestProgress,
    IngestSummary,
    ProblemReport,
)
from lineage.ingest.run import ingest_paths

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "CrawlSummary",
    "IngestOptions",
    "IngestProgress",
    "IngestSummary",
    "ProblemReport",
    "crawl_and_ingest",
    "ingest_paths",
]
