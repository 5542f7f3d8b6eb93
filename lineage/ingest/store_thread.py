"""Storing a run's batches on a thread of their own, where the database is a server.

A batch sent to PostgreSQL is the server's work more than this process's: the command only
waits for it, with the GIL let go. On a thread, that wait overlaps the reading of the next
batch. On SQLite the work is this process's own Python and C, which would only take turns
with the reading for the GIL: there the batches are stored in line (measured slower
otherwise).

One batch is stored at a time, in order; the next waits until it is done, which bounds
memory. Content that a batch being stored shares with a later one is fingerprinted again
and found stored, as when another ingest stores it meanwhile. The thread counts in a
summary of its own, added to the run's once all is stored; an error it meets is raised in
the command at the next batch, or at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine

from lineage.crawl import CrawlFact
from lineage.fingerprint.batch import FingerprintResult
from lineage.ingest.options import IngestSummary
from lineage.ingest.writer import Batch, BatchStore, BatchWriter


class StoreThread:
    """A `BatchStore` that hands each batch to `writer` on a thread of its own."""

    def __init__(self, writer: BatchWriter, run_summary: IngestSummary) -> None:
        self.writer = writer
        self.run_summary = run_summary
        self.version_had_occurrences = writer.version_had_occurrences
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="lineage-store")
        self._storing: Future[None] | None = None

    def store(
        self, batch: Batch, results: list[FingerprintResult], license_names: dict[int, str]
    ) -> None:
        # The names as they are now: the pipeline goes on adding licences it meets.
        self._after_the_last(self.writer.store, batch, results, dict(license_names))

    def store_crawl_facts(self, facts: list[CrawlFact]) -> None:
        self._after_the_last(self.writer.store_crawl_facts, facts)

    def close(self) -> None:
        """Wait for the last batch (raising what storing it raised), and count in what the
        thread stored, which the run's row records even when it failed."""
        try:
            self._wait()
        finally:
            self.stop()

    def stop(self) -> None:
        """Store nothing more, and count in what was stored. A thread cannot be stopped, so
        the batch being stored is finished (or fails) first."""
        self._thread.shutdown()
        self._storing = None
        self.run_summary.add_stored(self.writer.summary)

    def _after_the_last(self, store: Callable[..., None], *arguments: Any) -> None:
        self._wait()
        self._storing = self._thread.submit(store, *arguments)

    def _wait(self) -> None:
        """Until the batch being stored is, raising what storing it raised."""
        if self._storing is not None:
            storing, self._storing = self._storing, None
            storing.result()


@contextmanager
def batch_store(
    engine: Engine,
    run_id: int,
    version_id: int,
    summary: IngestSummary,
    version_had_occurrences: bool,
) -> Iterator[BatchStore]:
    """Where a run's batches go: a thread of their own for a database server, else a writer
    in line. Leaving the block normally waits for everything to be stored."""
    if engine.dialect.name == "sqlite":
        yield BatchWriter(engine, run_id, version_id, summary, version_had_occurrences)
        return
    own = IngestSummary(run_id, summary.dataset, summary.version)
    store = StoreThread(
        BatchWriter(engine, run_id, version_id, own, version_had_occurrences), summary
    )
    try:
        yield store
    except BaseException:
        store.stop()
        raise
    store.close()
