"""The ingest pipeline: read items into batches, fingerprint each batch on the workers while
this thread reads on and hands the batches before it to the store, in order (which stores
them in line, or on a thread of its own for a database server: `store_thread`).

A batch closes at `batch_size` items or `BATCH_BYTES` of content. Its content not yet stored
is sent to the workers (threads of this process, or worker processes); `PIPELINE_DEPTH`
batches are in flight while the next fills, so reading, fingerprinting and storing overlap.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager

from sqlalchemy import Engine

from lineage.crawl import (
    ContentItem,
    CorpusFile,
    CorpusRoot,
    CrawlFact,
    ItemProblem,
    ReadEntry,
    ReadOptions,
)
from lineage.errors import InputError
from lineage.fingerprint.batch import FingerprintResult, FingerprintTask, fingerprint_chunk
from lineage.ingest.cluster import (
    ClusterExecutor,
    FileRead,
    ReadContent,
    cluster_executor,
    read_on_workers,
)
from lineage.ingest.languages import LanguageSample
from lineage.ingest.licensing import LicensePrecedence
from lineage.ingest.options import IngestOptions, IngestProgress, IngestSummary, ProblemReport
from lineage.ingest.vanished import SeenLocators
from lineage.ingest.writer import Batch, BatchStore, ContentKey, Pending
from lineage.store import session_scope
from lineage.store.records import stored_by_hash
from lineage.store.rows import ensure_sources, record_source_signals
from lineage.vocabulary import RecordKind

# Batches whose fingerprints the workers compute while the one before is stored.
PIPELINE_DEPTH = 2
# A batch also closes at this much content, so that long documents and pictures still make
# batches small enough for reading, fingerprinting and storing to overlap, and memory stays
# bounded; yet large enough that a batch's own costs (a transaction, queries) weigh little.
# 16 MiB measured a few percent faster than 4 MiB, for pictures and 5,000-word texts alike.
BATCH_BYTES = 1 << 24
# Crawl facts (robots.txt files, up to 500 KiB each) held before they are stored.
CRAWL_FACTS_AT_ONCE = 1000


@contextmanager
def worker_pool(options: IngestOptions) -> Iterator[Executor]:
    """Where fingerprints are computed while this thread reads and stores. On a cluster
    (`engine`), its workers, which read too. For one job, threads of this process. For more,
    worker processes, forked where the platform can (spawning re-imports everything, a
    second per worker); they only run the pure `fingerprint_chunk` and never touch the
    database connections they inherit."""
    if options.engine is not None:
        with cluster_executor(options.engine, options.jobs) as cluster:
            yield cluster
        return
    if options.jobs == 1:
        with ThreadPoolExecutor(options.threads_per_process) as pool:
            yield pool
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(options.jobs, mp_context=context) as pool:
        yield pool


class IngestPipeline:
    """One run's reading, batching and fingerprinting; `writer` stores what it closes."""

    def __init__(
        self,
        engine: Engine,
        options: IngestOptions,
        summary: IngestSummary,
        writer: BatchStore,
        executor: Executor,
    ) -> None:
        self.engine = engine
        self.options = options
        self.read_options = ReadOptions(text_field=options.text_field, limits=options.limits)
        self.summary = summary
        self.writer = writer
        self.executor = executor
        self.licenses = LicensePrecedence(engine, options.license)
        self.source_ids: dict[str, int] = {}
        self.pending: list[Pending] = []
        self.pending_bytes = 0
        self.problems: list[ProblemReport] = []
        self.batches: deque[Batch] = deque()
        # Content being fingerprinted, so that a copy in a later batch waits for it.
        self.in_flight: set[ContentKey] = set()
        # What the crawl saw matters only for what it lost, in a version that had occurrences.
        self.seen = SeenLocators() if writer.version_had_occurrences else None
        # Files and archive members that could not be read at all.
        self.unreadable: set[str] = set()
        # What web archives said of sites and crawlers, stored once the content is.
        self.crawl_facts: list[CrawlFact] = []
        self.languages = LanguageSample()

    def ingest(self, files: Iterable[CorpusFile], progress: IngestProgress | None) -> None:
        for file, read in self._reads(files):
            if read is None:
                self._read_here(file)
            else:
                self._take_read(file, read)
            self._take_file(file)  # after the read, whose status it takes
            if progress is not None:
                progress.advance(file.size)
        self._flush()
        while self.batches:
            self._store(self.batches.popleft())
        self.store_crawl_facts()

    def report_card_problems(self, roots: Iterable[CorpusRoot]) -> None:
        """A card that cannot be read is a problem of its file: the rest of the root is still
        ingested, without what the card would have said."""
        for root in roots:
            if root.card_problem is not None:
                self.summary.files_seen += 1
                self.summary.files_failed += 1
                problem = ProblemReport(root.card_locator, "InputError", str(root.card_problem))
                self.problems.append(problem)

    def _reads(self, files: Iterable[CorpusFile]) -> Iterable[tuple[CorpusFile, FileRead | None]]:
        """Each file, with what a cluster's worker read of it; None where it is read here."""
        if isinstance(self.executor, ClusterExecutor):
            return read_on_workers(
                self.executor, files, self.read_options, self.options.text_params
            )
        return ((file, None) for file in files)

    def _take_file(self, file: CorpusFile) -> None:
        self.summary.files_seen += 1
        modified = file.modified_at
        newest = self.summary.files_modified_until
        if modified is not None and (newest is None or modified > newest):
            self.summary.files_modified_until = modified

    def _read_here(self, file: CorpusFile) -> None:
        try:
            for entry in file.reader.read(file, self.read_options):
                self._take_entry(file, entry)
        except InputError as exc:
            self._file_failed(file, type(exc).__name__, str(exc))

    def _take_read(self, file: CorpusFile, read: FileRead) -> None:
        for entry in read.entries:
            self._take_entry(file, entry)
        if read.failure is not None:
            self._file_failed(file, *read.failure)

    def _take_entry(self, file: CorpusFile, entry: ReadEntry | ReadContent) -> None:
        if isinstance(entry, ReadContent):
            self._add(file, entry.item, entry.sha256, entry.size, entry.fingerprint)
        elif isinstance(entry, ContentItem):
            sha256 = hashlib.sha256(entry.data).hexdigest()
            self._add(file, entry, sha256, len(entry.data), None)
        elif isinstance(entry, CrawlFact):
            self._add_fact(entry)
        elif isinstance(entry, ItemProblem):
            if entry.whole:
                self.unreadable.add(entry.locator)
            self.problems.append(ProblemReport(entry.locator, entry.error_type, entry.reason))
        else:
            self.summary.skip(entry)

    def _file_failed(self, file: CorpusFile, error_type: str, reason: str) -> None:
        self.summary.files_failed += 1
        self.unreadable.add(file.locator)
        self.problems.append(ProblemReport(file.locator, error_type, reason))

    def _add_fact(self, fact: CrawlFact) -> None:
        self.crawl_facts.append(fact)
        if len(self.crawl_facts) >= CRAWL_FACTS_AT_ONCE:
            self.store_crawl_facts()

    def store_crawl_facts(self) -> None:
        if self.crawl_facts:
            self.writer.store_crawl_facts(self.crawl_facts)
            self.crawl_facts = []

    def _add(
        self,
        file: CorpusFile,
        item: ContentItem,
        sha256: str,
        size: int,
        fingerprint: FingerprintResult | None,
    ) -> None:
        if self.seen is not None:
            self.seen.add(item.locator)
        self.summary.records_seen += 1
        self.summary.bytes_read += size
        if item.text is not None and self.options.identify_languages:
            self.languages.offer(item.text)
        license_id, origin = self.licenses.license_of(file, item)
        config, split = file.placement
        self.pending.append(
            Pending(
                item=item,
                sha256=sha256,
                size=size,
                license_id=license_id,
                license_origin=origin,
                source_uri=item.source_uri or self.options.source or file.root.uri,
                config=config,
                split=split,
                fingerprint=fingerprint,
            )
        )
        # Counted whether or not the content is held here, so that batches close where a
        # single-process run closes them.
        self.pending_bytes += size
        if len(self.pending) >= self.options.batch_size or self.pending_bytes >= BATCH_BYTES:
            self._flush()

    def _resolve_sources(self, pending: list[Pending]) -> None:
        """The source ids of a batch's entries, the new sources created all at once, and the
        rights signals web pages carried recorded on their URLs' sources."""
        new = {entry.source_uri for entry in pending} - self.source_ids.keys()
        signalled = {
            entry.source_uri: entry.item.rights.as_dict()
            for entry in pending
            if entry.item.rights is not None and entry.item.source_uri is not None
        }
        if new or signalled:
            with session_scope(self.engine) as session:
                self.source_ids.update(ensure_sources(session, sorted(new)))
                record_source_signals(session, signalled)
        for entry in pending:
            entry.source_id = self.source_ids[entry.source_uri]

    def _flush(self) -> None:
        """Close the pending batch; store the oldest in flight once more than PIPELINE_DEPTH
        are, each with the problems met so far, in one transaction."""
        if not self.pending and not self.problems:
            return
        pending, self.pending = self.pending, []
        self.batches.append(self._close(pending))
        self.pending_bytes = 0
        while len(self.batches) > PIPELINE_DEPTH:
            self._store(self.batches.popleft())

    def _close(self, pending: list[Pending]) -> Batch:
        """Start fingerprinting what is neither stored as that kind nor in an earlier batch in
        flight. By content and kind: the same bytes may be a broken picture and a valid text,
        and the picture is checked (and its problem reported) whichever came first."""
        self._resolve_sources(pending)
        hashes = list({entry.sha256 for entry in pending})
        with session_scope(self.engine) as session:
            stored = stored_by_hash(session, hashes)
        stored_kinds = {sha: kind for sha, kind, _ in stored}
        first_of_each: dict[ContentKey, Pending] = {}
        for entry in pending:
            key = entry.key
            if stored_kinds.get(entry.sha256) != entry.item.kind and key not in self.in_flight:
                first_of_each.setdefault(key, entry)
        new = list(first_of_each.values())
        self.in_flight.update(first_of_each)
        unsigned = [entry for entry in new if entry.fingerprint is None]
        computed = self._fingerprint_all([_fingerprint_task(entry.item) for entry in unsigned])
        problems, self.problems = self.problems, []
        stored_ids = {sha: id_ for sha, _, id_ in stored}
        return Batch(pending, stored_ids, new, _in_order(new, computed), problems)

    def _store(self, batch: Batch) -> None:
        results = batch.fingerprints()
        self.in_flight.difference_update(entry.key for entry in batch.new)
        self.writer.store(batch, results, self.licenses.names)

    def _fingerprint_all(
        self, tasks: list[FingerprintTask]
    ) -> Callable[[], list[FingerprintResult]]:
        """Fingerprints submitted to the workers in chunks, two per worker; the call returned
        gives them in order, waiting for the workers where needed. In worker processes each
        chunk decodes its images on the process's threads; threads share out chunks instead."""
        options = self.options
        in_threads = options.jobs == 1 and options.engine is None
        workers = options.threads_per_process if in_threads else options.jobs
        chunk_threads = 1 if in_threads else options.threads_per_process
        if isinstance(self.executor, ClusterExecutor):
            workers, chunk_threads = max(1, self.executor.threads), 1
        size = max(1, -(-len(tasks) // (workers * 2)))
        futures = [
            self.executor.submit(
                fingerprint_chunk, tasks[start : start + size], options.text_params, chunk_threads
            )
            for start in range(0, len(tasks), size)
        ]
        return lambda: [result for future in futures for result in future.result()]


def _in_order(
    new: list[Pending], computed: Callable[[], list[FingerprintResult]]
) -> Callable[[], list[FingerprintResult]]:
    """The fingerprints of `new` in order: those a cluster's workers computed as they read,
    and `computed` (of the others, in order) for the rest."""

    def fingerprints() -> list[FingerprintResult]:
        rest = iter(computed())
        return [next(rest) if entry.fingerprint is None else entry.fingerprint for entry in new]

    return fingerprints


def _fingerprint_task(item: ContentItem) -> FingerprintTask:
    """The kind as a plain string, as it goes into the record's row."""
    if item.kind == RecordKind.IMAGE:
        return item.kind.value, item.data
    return item.kind.value, item.text or ""
