"""The ingest stage: crawl corpora, fingerprint what is new, and record it in batched
transactions (`ingest_paths`)."""

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
    "IngestOptions",
    "IngestProgress",
    "IngestSummary",
    "ProblemReport",
    "ingest_paths",
]
