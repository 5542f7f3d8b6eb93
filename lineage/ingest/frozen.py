"""Re-ingesting a frozen version: one a model was trained on, which must not change under it.

The input is read as an ingest would read it, and each occurrence it would record (locator,
content, licence, source) is compared with what the version holds under the same roots.
Unchanged input is a no-op; changed input is refused, as changes go to a new version.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine

from lineage.crawl import CorpusListing, CrawlFact
from lineage.errors import InputError
from lineage.fingerprint.batch import FingerprintResult
from lineage.ingest.options import IngestOptions, IngestSummary
from lineage.ingest.pipeline import IngestPipeline, worker_pool
from lineage.ingest.vanished import CHUNK, string_hashes
from lineage.ingest.writer import Batch
from lineage.store import session_scope
from lineage.store.occurrences import facts_of
from lineage.store.schema import DatasetVersion
from lineage.vocabulary import RunStatus, is_under


class OccurrenceRecorder:
    """A batch store that stores nothing: it keeps a hash of each occurrence a batch would
    record, and counts the batch's problems."""

    version_had_occurrences = False  # nothing is removed, so what was seen need not be kept

    def __init__(self, summary: IngestSummary) -> None:
        self.summary = summary
        self.hashes: list[np.ndarray] = []

    def store(
        self, batch: Batch, results: list[FingerprintResult], license_names: dict[int, str]
    ) -> None:
        facts = [
            _fact(
                entry.item.locator,
                entry.sha256,
                entry.license_id,
                entry.source_id,
                entry.license_origin,
                entry.config,
                entry.split,
            )
            for entry in batch.pending
        ]
        self.hashes.append(string_hashes(facts))
        self.summary.problem_count += len(batch.problems)

    def store_crawl_facts(self, facts: list[CrawlFact]) -> None:
        """Crawl facts are not occurrences: a frozen version is judged by its content."""

    def sorted(self) -> np.ndarray:
        return np.sort(np.concatenate(self.hashes)) if self.hashes else np.empty(0, np.int64)


def verify_unchanged(
    engine: Engine,
    listing: CorpusListing,
    options: IngestOptions,
    version_id: int,
    frozen_by: list[str],
) -> IngestSummary:
    """The summary of a no-op when the input is what the frozen version holds; InputError
    when anything differs, or cannot be read."""
    with session_scope(engine) as session:
        version = session.get_one(DatasetVersion, version_id)
        ref, manifest = version.ref, version.manifest_hash or ""
    summary = IngestSummary(None, options.dataset, version.version, frozen_by=frozen_by)
    recorder = OccurrenceRecorder(summary)
    with worker_pool(options) as executor:
        pipeline = IngestPipeline(engine, options, summary, recorder, executor)
        pipeline.report_card_problems(listing.roots)
        pipeline.ingest(listing.files(), None)
    read, held = recorder.sorted(), _held(engine, version_id, [r.label for r in listing.roots])
    if summary.problem_count or not np.array_equal(read, held):
        raise InputError(
            f"{ref} is frozen: {', '.join(frozen_by)} trained on it, and the input differs "
            f"from what it holds ({len(read)} items read, {len(held)} held"
            f"{', some unreadable' if summary.problem_count else ''}); "
            "ingest into a new version with --version"
        )
    for skipped in listing.skipped:
        summary.skip(skipped)
    summary.status, summary.manifest_hash = RunStatus.COMPLETED, manifest
    return summary


def _held(engine: Engine, version_id: int, root_labels: list[str]) -> np.ndarray:
    hashes = []
    with session_scope(engine) as session:
        for chunk in facts_of(session, version_id, CHUNK):
            hashes.append(
                string_hashes([_fact(*row) for row in chunk if is_under(row[0], root_labels)])
            )
    return np.sort(np.concatenate(hashes)) if hashes else np.empty(0, np.int64)


def _fact(*facts: object) -> str:
    """One occurrence's facts as one string: locator, content, licence, source, placement."""
    return "\0".join("" if fact is None else str(fact) for fact in facts)
