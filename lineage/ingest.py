"""Ingest: crawl corpora, fingerprint what is new, and record it in batched transactions.

Every batch is one transaction, so a crash leaves the database consistent with the batches
before it (the run stays `running`, which `lineage` reports as interrupted). A file that
cannot be read or fingerprinted becomes an IngestError row and the run goes on.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sqlalchemy import Engine, delete, exists, select, update
from sqlalchemy.orm import Session

from lineage.crawl import ContentItem, CorpusFile, CorpusRoot, ItemProblem, list_corpus, read_items
from lineage.crawl.walk import SkippedFile, file_locator, file_size, locator_under
from lineage.db import driver_rows, insert_returning, insert_rows, rows_in, session_scope
from lineage.errors import InputError
from lineage.evidence import Evidence, declared_evidence, license_file_evidence, store_evidence
from lineage.fingerprint import DEFAULT_TEXT_PARAMS, TextFingerprintParams, check_compatible
from lineage.fingerprint.batch import (
    EMPTY_RECORD,
    FingerprintResult,
    FingerprintTask,
    fingerprint_chunk,
)
from lineage.licenses import UNKNOWN_LICENSE, normalize_license
from lineage.manifest import merkle_root
from lineage.models import (
    DatasetVersion,
    IngestError,
    IngestRun,
    Model,
    Occurrence,
    Record,
    TrainingInput,
    TrainingRun,
)
from lineage.store import (
    ensure_dataset_version,
    ensure_license,
    ensure_source,
    store_index_keys,
    utc_now,
)

DEFAULT_BATCH_SIZE = 1000
# Batches whose fingerprints the workers compute while this thread stores the one before.
PIPELINE_DEPTH = 2
# A batch also closes at this much content, so that long documents and pictures still make
# batches small enough for reading, fingerprinting and storing to overlap, and memory stays
# bounded; yet large enough that a batch's own costs (a transaction, queries) weigh little.
# 16 MiB measured a few percent faster than 4 MiB, for pictures and 5,000-word texts alike.
BATCH_BYTES = 1 << 24
MAX_ERRORS_IN_SUMMARY = 20
# New records and occurrences go straight to the driver (see `insert_rows`), in these columns.
RECORD_COLUMNS = (
    "sha256",
    "kind",
    "size_bytes",
    "training_use",
    *EMPTY_RECORD,
    "rights",
)
OCCURRENCE_COLUMNS = (
    "dataset_version_id",
    "locator",
    "record_id",
    "source_id",
    "license_id",
    "license_origin",
)
_STORED_BY_HASH = "SELECT sha256, kind, id FROM records WHERE sha256 IN ({})"
_ID_BY_HASH = "SELECT sha256, id FROM records WHERE sha256 IN ({})"
_VERSION_MEMBERS = (
    "SELECT DISTINCT records.sha256, records.size_bytes FROM records "
    "JOIN occurrences ON occurrences.record_id = records.id "
    "WHERE occurrences.dataset_version_id = {marker}"
)
DELETE_CHUNK = 500
VANISHED_CHUNK = 10_000


class IngestProgress(Protocol):
    """Told how much there is to do, then of each file done; the CLI draws a bar from it."""

    def start(self, files: int, total_bytes: int) -> None: ...

    def advance(self, file_bytes: int) -> None: ...


@dataclass(frozen=True)
class IngestOptions:
    dataset: str
    version: str | None = None
    license: str | None = None
    source: str | None = None
    text_field: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    jobs: int = 1
    text_params: TextFingerprintParams = DEFAULT_TEXT_PARAMS

    # Fingerprinting threads per process; by default, the cores the worker processes leave.
    threads: int | None = None

    @property
    def threads_per_process(self) -> int:
        """Threads each process fingerprints on: `threads`, else the cores this process may
        run on (its CPU affinity) shared among the `jobs` processes. Threads pay off because
        the text signer and Pillow's decoders let go of the GIL."""
        if self.threads is not None:
            return self.threads
        return max(1, len(os.sched_getaffinity(0)) // self.jobs)

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise InputError("--jobs must be at least 1")
        if self.threads is not None and self.threads < 1:
            raise InputError("fingerprinting threads must be at least 1")
        if self.batch_size < 1:
            raise InputError("the batch size must be at least 1")


@dataclass(frozen=True)
class ProblemReport:
    locator: str
    error_type: str
    reason: str


@dataclass
class IngestSummary:
    """What one ingest run did; `exit_code` is 2 when anything could not be ingested."""

    run_id: int
    dataset: str
    version: str
    status: str = "running"
    files_seen: int = 0
    files_failed: int = 0
    records_seen: int = 0
    records_added: int = 0
    occurrences_added: int = 0
    occurrences_updated: int = 0
    occurrences_removed: int = 0
    bytes_read: int = 0
    problem_count: int = 0
    manifest_hash: str = ""
    elapsed_seconds: float = 0.0
    licenses: Counter[str] = field(default_factory=Counter)
    problems: list[ProblemReport] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 2 if self.problem_count else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "dataset": self.dataset,
            "version": self.version,
            "status": self.status,
            "files_seen": self.files_seen,
            "files_failed": self.files_failed,
            "records_seen": self.records_seen,
            "records_added": self.records_added,
            "occurrences_added": self.occurrences_added,
            "occurrences_updated": self.occurrences_updated,
            "occurrences_removed": self.occurrences_removed,
            "bytes_read": self.bytes_read,
            "problem_count": self.problem_count,
            "manifest_hash": self.manifest_hash,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "licenses": dict(sorted(self.licenses.items())),
            "problems": [vars(problem) for problem in self.problems],
            "skipped": [{"path": str(s.path), "reason": s.reason} for s in self.skipped],
        }


@dataclass(slots=True)  # not frozen: one per document, and frozen init costs thrice
class _Pending:
    item: ContentItem
    sha256: str
    license_id: int
    license_origin: str
    source_id: int


@dataclass
class _Batch:
    """A closed batch: its entries, the ids of those stored when it closed, the first entry of
    each content (and kind) not yet stored then, a call that waits for (or computes) those
    entries' fingerprints, and the problems met while reading it."""

    pending: list[_Pending]
    stored_ids: dict[str, int]
    new: list[_Pending]
    fingerprints: Callable[[], list[FingerprintResult]]
    problems: list[ProblemReport]


def ingest_paths(
    engine: Engine,
    paths: Iterable[Path],
    options: IngestOptions,
    progress: IngestProgress | None = None,
) -> IngestSummary:
    """Crawl `paths` into dataset version `options.dataset@options.version`."""
    started = time.perf_counter()
    listing = list_corpus([Path(path) for path in paths])
    with session_scope(engine) as session:
        run = _start_run(session, listing.roots, options)
        summary = IngestSummary(run.id, options.dataset, _version_of(session, run))
    if progress is not None:
        progress.start(*listing.count())
    with _worker_pool(options) as executor:
        ingestor = _Ingestor(engine, run.id, run.dataset_version_id, options, summary, executor)
        try:
            ingestor.ingest(listing.files(), progress)
            summary.skipped = listing.skipped
            ingestor.record_evidence(listing.roots, listing.license_files)
            ingestor.remove_vanished([root.label for root in listing.roots])
        except BaseException:
            _finish_run(engine, summary, "interrupted")
            raise
    summary.elapsed_seconds = time.perf_counter() - started
    _finish_run(engine, summary, "partial" if summary.problem_count else "completed")
    return summary


@contextmanager
def _worker_pool(options: IngestOptions) -> Iterator[Executor]:
    """Where fingerprints are computed while this thread reads and stores. For one job,
    threads of this process. For more, worker processes, forked where the platform can
    (spawning re-imports everything, a second per worker); they only run the pure
    `fingerprint_chunk` and never touch the database connections they inherit."""
    if options.jobs == 1:
        with ThreadPoolExecutor(options.threads_per_process) as pool:
            yield pool
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(options.jobs, mp_context=context) as pool:
        yield pool


def _version_of(session: Session, run: IngestRun) -> str:
    return session.get_one(DatasetVersion, run.dataset_version_id).version


def _start_run(session: Session, roots: list[CorpusRoot], options: IngestOptions) -> IngestRun:
    version = ensure_dataset_version(session, options.dataset, options.version)
    _check_not_frozen(session, version)
    _check_fingerprint_params(version, options.text_params)
    _apply_card(session, version, roots, options)
    run = IngestRun(
        dataset_version_id=version.id,
        status="running",
        started_at=utc_now(),
        arguments=_arguments(options, roots),
    )
    session.add(run)
    session.flush()
    return run


def _check_not_frozen(session: Session, version: DatasetVersion) -> None:
    """A version that trained a model must not change under it: changes go to a new version."""
    trained = session.scalars(
        select(Model.name)
        .join(TrainingRun, TrainingRun.model_id == Model.id)
        .join(TrainingInput, TrainingInput.training_run_id == TrainingRun.id)
        .where(TrainingInput.dataset_version_id == version.id)
        .distinct()
        .order_by(Model.name)
    ).all()
    if trained:
        raise InputError(
            f"{version.ref} is frozen: {', '.join(trained)} trained on it; "
            "ingest into a new version with --version"
        )


def _check_fingerprint_params(version: DatasetVersion, params: TextFingerprintParams) -> None:
    if version.fingerprint_params is None:
        version.fingerprint_params = params.as_dict()
        return
    check_compatible(TextFingerprintParams.from_dict(version.fingerprint_params), params)


def _apply_card(
    session: Session, version: DatasetVersion, roots: list[CorpusRoot], options: IngestOptions
) -> None:
    """Take the dataset card's metadata and declared licence, where the corpus has a card."""
    dataset = version.dataset
    for card in (root.card for root in roots if root.card is not None):
        dataset.card = json.loads(json.dumps(card.metadata, default=str, sort_keys=True))
        dataset.description = str(card.metadata.get("pretty_name") or dataset.name)
        if card.declared_license:
            dataset.declared_license = ensure_license(session, card.declared_license)
    if options.license and dataset.declared_license is None:
        dataset.declared_license = ensure_license(session, options.license)


def _arguments(options: IngestOptions, roots: list[CorpusRoot]) -> dict[str, Any]:
    return {
        "roots": sorted(str(root.path) for root in roots),
        "license": options.license,
        "source": options.source,
        "text_field": options.text_field,
        "version": options.version,
    }


def _finish_run(engine: Engine, summary: IngestSummary, status: str) -> None:
    summary.status = status
    with session_scope(engine) as session:
        run = session.get_one(IngestRun, summary.run_id)
        version = session.get_one(DatasetVersion, run.dataset_version_id)
        _refresh_manifest(session, version)
        summary.manifest_hash = version.manifest_hash or ""
        run.status = status
        run.finished_at = utc_now()
        run.files_seen = summary.files_seen
        run.files_failed = summary.files_failed
        run.records_seen = summary.records_seen
        run.records_added = summary.records_added
        run.bytes_read = summary.bytes_read


def _refresh_manifest(session: Session, version: DatasetVersion) -> None:
    """Recompute the version's Merkle root, record count and size from its occurrences. The
    records are read through the driver: ORM rows, one per record, would cost more."""
    rows = driver_rows(session, _VERSION_MEMBERS, (version.id,))
    version.manifest_hash = merkle_root(sha for sha, _ in rows)
    version.record_count = len(rows)
    version.size_bytes = sum(size for _, size in rows)


def _says_something(declared: str | None) -> bool:
    """Whether a declared licence names one, rather than "unknown", "other" or nothing."""
    return bool(declared) and normalize_license(declared) != UNKNOWN_LICENSE


def _fingerprint_task(item: ContentItem) -> FingerprintTask:
    return (item.kind, item.data) if item.kind == "image" else (item.kind, item.text or "")


class _LocatorSet:
    """The locators a run has seen, as 64-bit hashes in numpy arrays: 8 bytes each rather
    than a hundred, so millions of them fit. A collision could at worst keep an occurrence
    that has vanished (odds of n in 2^64 for n locators seen), never drop one still there."""

    def __init__(self) -> None:
        self.chunks: list[np.ndarray] = []
        self.recent: list[str] = []

    def add(self, locator: str) -> None:
        self.recent.append(locator)
        if len(self.recent) >= VANISHED_CHUNK:
            self._pack()

    def sorted(self) -> np.ndarray:
        self._pack()
        return np.unique(np.concatenate(self.chunks)) if self.chunks else np.empty(0, np.int64)

    def _pack(self) -> None:
        if self.recent:
            self.chunks.append(_locator_hashes(self.recent))
            self.recent = []


def _locator_hashes(locators: list[str]) -> np.ndarray:
    digests = b"".join(hashlib.blake2b(loc.encode(), digest_size=8).digest() for loc in locators)
    return np.frombuffer(digests, dtype="<i8").copy()


def _contains(sorted_hashes: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    if not len(sorted_hashes):
        return np.zeros(len(hashes), dtype=bool)
    positions = np.clip(np.searchsorted(sorted_hashes, hashes), 0, len(sorted_hashes) - 1)
    return sorted_hashes[positions] == hashes


def _fill_missing_rights(session: Session, pending: list[_Pending], known: dict[str, int]) -> None:
    """Rights of records stored before they were read (by an older version of lineage)."""
    carrying = {
        known[entry.sha256]: entry.item.rights
        for entry in pending
        if entry.sha256 in known and entry.item.rights is not None
    }
    if not carrying:
        return
    missing = session.scalars(
        select(Record.id).where(Record.id.in_(carrying), Record.rights.is_(None))
    ).all()
    for record_id in missing:
        rights = carrying[record_id]
        session.execute(
            update(Record)
            .where(Record.id == record_id)
            .values(rights=rights.as_dict(), training_use=rights.training_use)
        )


class _Ingestor:
    """The state of one run: caches of licence and source ids, and the batch being filled."""

    def __init__(
        self,
        engine: Engine,
        run_id: int,
        version_id: int,
        options: IngestOptions,
        summary: IngestSummary,
        executor: Executor,
    ) -> None:
        self.engine = engine
        self.executor = executor
        self.run_id = run_id
        self.version_id = version_id
        self.options = options
        self.summary = summary
        self.pending: list[_Pending] = []
        self.pending_bytes = 0
        self.problems: list[ProblemReport] = []
        self.license_ids: dict[str | None, int] = {}
        self.license_names: dict[int, str] = {}
        self.source_ids: dict[str, int] = {}
        self.license_files: dict[Path, Evidence] = {}
        self.folder_licences: dict[tuple[str, str], tuple[str | None, str]] = {}
        self.seen = _LocatorSet()
        self.failed_files: set[str] = set()
        self.batches: deque[_Batch] = deque()
        # (content hash, kind) of what is being fingerprinted, and of what could not be.
        self.in_flight: set[tuple[str, str]] = set()
        self.unfingerprintable: dict[tuple[str, str], str] = {}
        with session_scope(engine) as session:
            self.version_had_occurrences = session.scalar(
                select(exists().where(Occurrence.dataset_version_id == version_id))
            )

    def ingest(self, files: Iterable[CorpusFile], progress: IngestProgress | None) -> None:
        for file in files:
            self._ingest_file(file)
            if progress is not None:
                progress.advance(file_size(file.path))
        self._flush()
        while self.batches:
            self._store(self.batches.popleft())

    def _ingest_file(self, file: CorpusFile) -> None:
        self.summary.files_seen += 1
        try:
            for entry in read_items(file, self.options.text_field):
                if isinstance(entry, ItemProblem):
                    self._problem(ProblemReport(entry.locator, entry.error_type, entry.reason))
                else:
                    self._add(file, entry)
        except InputError as exc:
            self.summary.files_failed += 1
            self.failed_files.add(file.locator)
            self._problem(ProblemReport(file.locator, type(exc).__name__, str(exc)))

    def remove_vanished(self, root_labels: list[str]) -> None:
        """Drop occurrences under this run's roots that the crawl no longer found. Those of
        files that could not be read stay: their content is unknown, not gone. The version's
        occurrences are read in chunks, so memory stays flat however many there are. A
        version that had none before the run has none to lose."""
        if not self.version_had_occurrences:
            return
        seen = self.seen.sorted()
        vanished: list[int] = []
        with session_scope(self.engine) as session:
            rows = session.execute(
                select(Occurrence.id, Occurrence.locator)
                .where(Occurrence.dataset_version_id == self.version_id)
                .execution_options(yield_per=VANISHED_CHUNK)
            )
            for chunk in rows.partitions():
                found = _contains(seen, _locator_hashes([locator for _, locator in chunk]))
                vanished += [
                    occurrence_id
                    for (occurrence_id, locator), was_seen in zip(chunk, found, strict=True)
                    if not was_seen
                    and file_locator(locator) not in self.failed_files
                    and locator_under(locator, root_labels)
                ]
            for start in range(0, len(vanished), DELETE_CHUNK):
                chunk = vanished[start : start + DELETE_CHUNK]
                session.execute(delete(Occurrence).where(Occurrence.id.in_(chunk)))
        self.summary.occurrences_removed = len(vanished)

    def _add(self, file: CorpusFile, item: ContentItem) -> None:
        if self.version_had_occurrences:  # what the crawl saw matters only for what it lost
            self.seen.add(item.locator)
        self.summary.records_seen += 1
        self.summary.bytes_read += len(item.data)
        raw_license, origin = self._license_of(file, item)
        self.pending.append(
            _Pending(
                item=item,
                sha256=hashlib.sha256(item.data).hexdigest(),
                license_id=self._license_id(raw_license),
                license_origin=origin,
                source_id=self._source_id(item.source_uri or self._root_source(file.root)),
            )
        )
        self.pending_bytes += len(item.data)
        if len(self.pending) >= self.options.batch_size or self.pending_bytes >= BATCH_BYTES:
            self._flush()

    def _problem(self, problem: ProblemReport) -> None:
        """A problem met while reading: it goes with the batch being filled."""
        self.problems.append(problem)

    def _note(self, problem: ProblemReport) -> None:
        self.summary.problem_count += 1
        if len(self.summary.problems) < MAX_ERRORS_IN_SUMMARY:
            self.summary.problems.append(problem)

    def _license_of(self, file: CorpusFile, item: ContentItem) -> tuple[str | None, str]:
        """The licence by precedence: the record's own, --license, the card, a LICENSE file.
        A declaration that says nothing ("unknown", "other") gives way to the next one."""
        if _says_something(item.license):
            return item.license, item.license_origin
        folder = (file.root.label, file.locator.rpartition("/")[0])
        if folder not in self.folder_licences:  # the rest is the same for a whole folder
            self.folder_licences[folder] = self._folder_license(file)
        return self.folder_licences[folder]

    def _folder_license(self, file: CorpusFile) -> tuple[str | None, str]:
        """--license, the card, the nearest licence file: the first that names a licence."""
        card = file.root.card
        if _says_something(self.options.license):
            return self.options.license, "argument"
        if card is not None and _says_something(card.declared_license):
            return card.declared_license, "card"
        found = next(
            (
                spdx
                for path in file.root.license_files_for(file.path)
                if (spdx := self._license_file(file.root, path).spdx) != UNKNOWN_LICENSE
            ),
            None,
        )
        return (found, "license-file") if found else (None, "unknown")

    def _license_file(self, root: CorpusRoot, path: Path) -> Evidence:
        if path not in self.license_files:
            self.license_files[path] = license_file_evidence(root, path)
        return self.license_files[path]

    def record_evidence(self, roots: list[CorpusRoot], license_files: list[CorpusFile]) -> None:
        """Replace the version's licence evidence from these roots with what this run saw."""
        rows = declared_evidence(roots, self.options.license)
        rows += [self._license_file(file.root, file.path) for file in license_files]
        with session_scope(self.engine) as session:
            store_evidence(session, self.version_id, [root.label for root in roots], rows)

    def _root_source(self, root: CorpusRoot) -> str:
        return self.options.source or root.uri

    def _license_id(self, raw: str | None) -> int:
        if raw not in self.license_ids:
            with session_scope(self.engine) as session:
                license_row = ensure_license(session, raw)
                self.license_ids[raw] = license_row.id
                self.license_names[license_row.id] = license_row.spdx
        return self.license_ids[raw]

    def _source_id(self, uri: str) -> int:
        if uri not in self.source_ids:
            with session_scope(self.engine) as session:
                self.source_ids[uri] = ensure_source(session, uri).id
        return self.source_ids[uri]

    def _flush(self) -> None:
        """Close the pending batch. The workers compute its fingerprints while this thread
        reads on and stores the batches before it, in order; each batch is stored, with the
        problems met so far, in one transaction."""
        if not self.pending and not self.problems:
            return
        pending, self.pending = self.pending, []
        self.batches.append(self._close(pending))
        self.pending_bytes = 0
        while len(self.batches) > PIPELINE_DEPTH:
            self._store(self.batches.popleft())

    def _close(self, pending: list[_Pending]) -> _Batch:
        """Start fingerprinting what is neither stored as that kind nor in an earlier batch in
        flight. By content and kind: the same bytes may be a broken picture and a valid text,
        and the picture is checked (and its problem reported) whichever came first."""
        hashes = list({entry.sha256 for entry in pending})
        with session_scope(self.engine) as session:
            stored = rows_in(session, _STORED_BY_HASH, hashes)
        stored_kinds = {sha: kind for sha, kind, _ in stored}
        first_of_each: dict[tuple[str, str], _Pending] = {}
        for entry in pending:
            key = (entry.sha256, entry.item.kind)
            if stored_kinds.get(entry.sha256) != entry.item.kind and key not in self.in_flight:
                first_of_each.setdefault(key, entry)
        new = list(first_of_each.values())
        self.in_flight.update(first_of_each)
        tasks = [_fingerprint_task(entry.item) for entry in new]
        problems, self.problems = self.problems, []
        stored_ids = {sha: id_ for sha, _, id_ in stored}
        return _Batch(pending, stored_ids, new, self._fingerprint_all(tasks), problems)

    def _store(self, batch: _Batch) -> None:
        with session_scope(self.engine) as session:
            record_ids = self._store_records(session, batch)
            stored = [entry for entry in batch.pending if entry.sha256 in record_ids]
            self._store_occurrences(session, stored, record_ids)
            problems = batch.problems + self._unstored(batch, record_ids)
            for problem in problems:
                self._note(problem)
            session.add_all(
                IngestError(ingest_run_id=self.run_id, **vars(problem)) for problem in problems
            )
            self.summary.licenses.update(self.license_names[entry.license_id] for entry in stored)

    def _store_records(self, session: Session, batch: _Batch) -> dict[str, int]:
        """Ids of the batch's records by hash, inserting the new ones with their fingerprints.
        Records are never deleted, so those stored when the batch closed still are; the rest
        are inserted unless another batch or run has stored them since, and then looked up."""
        known = dict(batch.stored_ids)
        fresh: dict[str, dict[str, Any]] = {}
        for entry, (row, error) in zip(batch.new, batch.fingerprints(), strict=True):
            key = (entry.sha256, entry.item.kind)
            self.in_flight.discard(key)
            if error is not None:
                self.unfingerprintable[key] = error
            else:
                self.unfingerprintable.pop(key, None)
            if error is None and entry.sha256 not in known and entry.sha256 not in fresh:
                rights = entry.item.rights
                row["sha256"] = entry.sha256
                row["size_bytes"] = len(entry.item.data)
                # JSON as text: the rows go to the driver as they are.
                row["rights"] = json.dumps(rights.as_dict()) if rights is not None else None
                row["training_use"] = rights.training_use if rights is not None else None
                fresh[entry.sha256] = row
        inserted = self._insert_records(session, fresh)
        stored_since = {entry.sha256 for entry in batch.pending} - known.keys() - inserted.keys()
        known.update(rows_in(session, _ID_BY_HASH, list(stored_since)))
        _fill_missing_rights(session, batch.pending, known)
        known.update(inserted)
        return known

    def _insert_records(self, session: Session, fresh: dict[str, dict[str, Any]]) -> dict[str, int]:
        """Insert these records and their index keys, but for any stored since the batch closed,
        by another run or (as another kind) by an earlier batch, which stay as they are; the
        ids of those inserted, by hash."""
        if not fresh:
            return {}
        rows = [tuple(row[column] for column in RECORD_COLUMNS) for row in fresh.values()]
        inserted = dict(
            insert_returning(
                session, Record.__table__, RECORD_COLUMNS, rows, ("sha256", "id"), ("sha256",)
            )
        )
        self.summary.records_added += len(inserted)
        store_index_keys(session, {id_: fresh[sha] for sha, id_ in inserted.items()})
        return inserted

    def _unstored(self, batch: _Batch, record_ids: dict[str, int]) -> list[ProblemReport]:
        """Every entry whose content could not be fingerprinted as its kind is a problem of its
        own, the copies of such content included: none is dropped, or kept, unsaid."""
        problems = []
        for entry in batch.pending:
            failure = self.unfingerprintable.get((entry.sha256, entry.item.kind))
            if failure is None and entry.sha256 in record_ids:
                continue
            self.summary.files_failed += 1
            reason = failure or "content was not stored"
            problems.append(ProblemReport(entry.item.locator, "FingerprintError", reason))
        return problems

    def _fingerprint_all(
        self, tasks: list[FingerprintTask]
    ) -> Callable[[], list[FingerprintResult]]:
        """Fingerprints submitted to the workers in chunks, two per worker; the call returned
        gives them in order, waiting for the workers where needed. In worker processes each
        chunk decodes its images on the process's threads; threads share out chunks instead."""
        options = self.options
        in_threads = options.jobs == 1
        workers = options.threads_per_process if in_threads else options.jobs
        chunk_threads = 1 if in_threads else options.threads_per_process
        size = max(1, -(-len(tasks) // (workers * 2)))
        futures = [
            self.executor.submit(
                fingerprint_chunk, tasks[start : start + size], options.text_params, chunk_threads
            )
            for start in range(0, len(tasks), size)
        ]
        return lambda: [result for future in futures for result in future.result()]

    def _store_occurrences(
        self, session: Session, stored: list[_Pending], record_ids: dict[str, int]
    ) -> None:
        existing: dict[str, Occurrence] = {}
        if self.version_had_occurrences:  # else every locator of this run is new to it
            locators = [entry.item.locator for entry in stored]
            existing = {
                occurrence.locator: occurrence
                for occurrence in session.scalars(
                    select(Occurrence).where(
                        Occurrence.dataset_version_id == self.version_id,
                        Occurrence.locator.in_(locators),
                    )
                )
            }
        new_rows = []
        for entry in stored:
            wanted = {
                "record_id": record_ids[entry.sha256],
                "source_id": entry.source_id,
                "license_id": entry.license_id,
                "license_origin": entry.license_origin,
            }
            current = existing.get(entry.item.locator)
            if current is None:
                row = wanted | {
                    "dataset_version_id": self.version_id,
                    "locator": entry.item.locator,
                }
                new_rows.append(tuple(row[column] for column in OCCURRENCE_COLUMNS))
            elif any(getattr(current, key) != value for key, value in wanted.items()):
                session.execute(
                    update(Occurrence).where(Occurrence.id == current.id).values(wanted)
                )
                self.summary.occurrences_updated += 1
        # Upserted: another run may be filling the same new version with the same locators.
        insert_rows(
            session,
            Occurrence.__table__,
            OCCURRENCE_COLUMNS,
            new_rows,
            unique=("dataset_version_id", "locator"),
        )
        self.summary.occurrences_added += len(new_rows)
