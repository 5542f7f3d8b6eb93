"""What an ingest is asked to do, and what it reports: its options, progress and summary."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from lineage.crawl import DEFAULT_LIMITS, ReadLimits, Skipped
from lineage.errors import InputError
from lineage.fingerprint import DEFAULT_TEXT_PARAMS, TextFingerprintParams
from lineage.ingest.cluster import check_engine
from lineage.licenses import check_declared_license
from lineage.registry import Acquisition
from lineage.vocabulary import RunStatus

DEFAULT_BATCH_SIZE = 1000
MAX_PROBLEMS_IN_SUMMARY = 20
# Skipped files and members listed one by one; all are counted by reason.
MAX_SKIPPED_IN_SUMMARY = 1000


class IngestProgress(Protocol):
    """Told how much there is to do, then of each file done; the CLI draws a bar from it."""

    def start(self, files: int, total_bytes: int) -> None: ...

    def advance(self, file_bytes: int) -> None: ...


@dataclass(frozen=True)
class IngestOptions:
    """Where the content goes (`dataset@version`), what to assume of it (`license`, `source`,
    `text_field`), and how to run (batch size, worker processes and threads, a cluster)."""

    dataset: str
    version: str | None = None
    license: str | None = None
    source: str | None = None
    text_field: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    jobs: int = 1
    text_params: TextFingerprintParams = DEFAULT_TEXT_PARAMS
    # What compressed files and archives may make the readers do.
    limits: ReadLimits = DEFAULT_LIMITS
    # How the provider obtained the content (`--channel`, `--generated-by`, `--collected`).
    acquisition: Acquisition = field(default_factory=Acquisition)
    # Identify the languages of a sample of the texts (its model costs 0.3 s a run to load).
    identify_languages: bool = True

    # Fingerprinting threads per process; by default, the cores the worker processes leave.
    threads: int | None = None
    # A Dask cluster whose workers read and fingerprint (`dask`: one of `jobs` local workers
    # started for the run; `dask://HOST:PORT`: a running scheduler), see lineage.ingest.cluster.
    engine: str | None = None

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
        if self.engine is not None:
            check_engine(self.engine)
        if self.batch_size < 1:
            raise InputError("the batch size must be at least 1")
        if self.license is not None:
            check_declared_license(self.license)


@dataclass(frozen=True)
class ProblemReport:
    """Something that could not be ingested: where, what kind of problem, and why."""

    locator: str
    error_type: str
    reason: str


@dataclass
class IngestSummary:
    """What one ingest run did; `exit_code` is 2 when anything could not be ingested."""

    run_id: int | None  # None for the no-op re-ingest of a frozen version, which records nothing
    dataset: str
    version: str
    status: RunStatus = RunStatus.RUNNING
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
    skipped: list[Skipped] = field(default_factory=list)
    skipped_by_reason: Counter[str] = field(default_factory=Counter)
    # The models trained on the version, when it was frozen (and found unchanged).
    frozen_by: list[str] = field(default_factory=list)
    # Web sources whose site reserves them (robots.txt for AI crawlers, tdmrep.json).
    sources_reserved_by_site: int = 0
    # The newest modification time of the files read (seconds since the epoch).
    files_modified_until: float | None = None

    @property
    def exit_code(self) -> int:
        return 2 if self.problem_count else 0

    def skip(self, skipped: Skipped) -> None:
        """Count a file or member passed over, and list the first ones."""
        self.skipped_by_reason[skipped.reason] += 1
        if len(self.skipped) < MAX_SKIPPED_IN_SUMMARY:
            self.skipped.append(skipped)

    def note(self, problem: ProblemReport) -> None:
        """Count a problem, and list the first ones."""
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_IN_SUMMARY:
            self.problems.append(problem)

    def add_stored(self, stored: IngestSummary) -> None:
        """Count in what a store that kept a summary of its own (on another thread) added,
        and the problems it met."""
        self.files_failed += stored.files_failed
        self.records_added += stored.records_added
        self.occurrences_added += stored.occurrences_added
        self.occurrences_updated += stored.occurrences_updated
        self.problem_count += stored.problem_count
        self.licenses.update(stored.licenses)
        room = max(0, MAX_PROBLEMS_IN_SUMMARY - len(self.problems))
        self.problems.extend(stored.problems[:room])

    def describe_skipped(self) -> str:
        """What was passed over, by reason: "2 unsupported file type .py, 1 symbolic link"."""
        return ", ".join(
            f"{count} {reason}" for reason, count in sorted(self.skipped_by_reason.items())
        )

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
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "skipped_by_reason": dict(sorted(self.skipped_by_reason.items())),
            "frozen_by": self.frozen_by,
            "sources_reserved_by_site": self.sources_reserved_by_site,
        }
