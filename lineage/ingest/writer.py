"""Storing a batch: its new records with their fingerprints and index keys, its occurrences,
and the problems met reading it, in one transaction.

Records are never deleted, so those stored when a batch closed still are when it is stored;
the rest are inserted unless another batch or run stored them since, and then looked up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lineage.crawl import ContentItem, CrawlFact
from lineage.fingerprint.batch import FingerprintResult
from lineage.ingest.options import IngestSummary, ProblemReport
from lineage.store import session_scope
from lineage.store.crawl_facts import store_crawl_facts
from lineage.store.occurrences import (
    OCCURRENCE_COLUMNS,
    occurrences_at,
    update_occurrence,
    upsert_occurrences,
)
from lineage.store.records import fill_missing_rights, ids_by_hash, insert_records
from lineage.store.rows import as_utc
from lineage.store.schema import IngestError

# (content hash, kind): the same bytes may be a broken picture and a valid text.
ContentKey = tuple[str, str]


@dataclass(slots=True)  # not frozen: one per document, and frozen init costs thrice
class Pending:
    """An item read, with its hash and size, the id of its licence row, and its source: the
    URI as read, and the id of its row once its batch has closed."""

    item: ContentItem
    sha256: str
    size: int
    license_id: int
    license_origin: str
    source_uri: str
    config: str | None
    split: str | None
    # Computed where the item was read, when a worker of a cluster read it (its content,
    # then, was never sent here).
    fingerprint: FingerprintResult | None = None
    source_id: int = 0

    def occurrence_facts(self, record_id: int) -> dict[str, Any]:
        """What the version's occurrence at this entry's locator says."""
        return {
            "record_id": record_id,
            "source_id": self.source_id,
            "license_id": self.license_id,
            "license_origin": self.license_origin,
            "config": self.config,
            "split": self.split,
            "collected_at": self.item.collected_at,
            "payload_sha256": self.item.payload_sha256,
        }

    @property
    def key(self) -> ContentKey:
        return self.sha256, self.item.kind


@dataclass
class Batch:
    """A closed batch: its entries, the ids of those stored when it closed, the first entry of
    each content (and kind) not yet stored then, a call that waits for (or computes) those
    entries' fingerprints, and the problems met while reading it."""

    pending: list[Pending]
    stored_ids: dict[str, int]
    new: list[Pending]
    fingerprints: Callable[[], list[FingerprintResult]]
    problems: list[ProblemReport]


class BatchStore(Protocol):
    """Where the pipeline sends each batch it closed, in order, with its fingerprints."""

    version_had_occurrences: bool

    def store(
        self, batch: Batch, results: list[FingerprintResult], license_names: dict[int, str]
    ) -> None: ...

    def store_crawl_facts(self, facts: list[CrawlFact]) -> None: ...


class BatchWriter:
    """Stores a run's batches, in order, and counts what they added in the run's summary."""

    def __init__(
        self,
        engine: Engine,
        run_id: int,
        version_id: int,
        summary: IngestSummary,
        version_had_occurrences: bool,
    ) -> None:
        self.engine = engine
        self.run_id = run_id
        self.version_id = version_id
        self.summary = summary
        self.version_had_occurrences = version_had_occurrences
        # Why content (by hash and kind) could not be fingerprinted, as far as this run saw.
        self.unfingerprintable: dict[ContentKey, str] = {}

    def store(
        self, batch: Batch, results: list[FingerprintResult], license_names: dict[int, str]
    ) -> None:
        """One transaction: the batch's records, occurrences and problems. What it added is
        counted in the run's summary once it is committed: a batch rolled back added none."""
        counted = IngestSummary(self.run_id, self.summary.dataset, self.summary.version)
        with session_scope(self.engine) as session:
            record_ids = self._store_records(session, batch, results, counted)
            stored = [entry for entry in batch.pending if entry.sha256 in record_ids]
            self._store_occurrences(session, stored, record_ids, counted)
            problems = batch.problems + self._unstored(batch, record_ids, counted)
            for problem in problems:
                counted.note(problem)
            session.add_all(
                IngestError(ingest_run_id=self.run_id, **vars(problem)) for problem in problems
            )
            counted.licenses.update(license_names[entry.license_id] for entry in stored)
        self.summary.add_stored(counted)

    def store_crawl_facts(self, facts: list[CrawlFact]) -> None:
        """What web archives said of sites and crawlers, in a transaction of its own."""
        with session_scope(self.engine) as session:
            store_crawl_facts(session, self.version_id, facts)

    def _store_records(
        self,
        session: Session,
        batch: Batch,
        results: list[FingerprintResult],
        counted: IngestSummary,
    ) -> dict[str, int]:
        """Ids of the batch's records by hash, inserting the new ones with their fingerprints."""
        known = dict(batch.stored_ids)
        fresh: dict[str, dict[str, Any]] = {}
        for entry, (row, error) in zip(batch.new, results, strict=True):
            if error is not None:
                self.unfingerprintable[entry.key] = error
                continue
            self.unfingerprintable.pop(entry.key, None)
            if entry.sha256 not in known and entry.sha256 not in fresh:
                fresh[entry.sha256] = _record_row(entry, row)
        inserted = insert_records(session, fresh)
        counted.records_added += len(inserted)
        stored_since = {entry.sha256 for entry in batch.pending} - known.keys() - inserted.keys()
        known.update(ids_by_hash(session, list(stored_since)))
        fill_missing_rights(session, _carried_rights(batch.pending, known))
        known.update(inserted)
        return known

    def _unstored(
        self, batch: Batch, record_ids: dict[str, int], counted: IngestSummary
    ) -> list[ProblemReport]:
        """Every entry whose content could not be fingerprinted as its kind is a problem of its
        own, the copies of such content included: none is dropped, or kept, unsaid."""
        problems = []
        for entry in batch.pending:
            failure = self.unfingerprintable.get(entry.key)
            if failure is None and entry.sha256 in record_ids:
                continue
            counted.files_failed += 1
            reason = failure or "content was not stored"
            problems.append(ProblemReport(entry.item.locator, "FingerprintError", reason))
        return problems

    def _store_occurrences(
        self,
        session: Session,
        stored: list[Pending],
        record_ids: dict[str, int],
        counted: IngestSummary,
    ) -> None:
        existing = {}
        if self.version_had_occurrences:  # else every locator of this run is new to it
            existing = occurrences_at(session, self.version_id, [e.item.locator for e in stored])
        new_rows = []
        for entry in stored:
            wanted = entry.occurrence_facts(record_ids[entry.sha256])
            current = existing.get(entry.item.locator)
            if current is None:
                row = wanted | {
                    "dataset_version_id": self.version_id,
                    "locator": entry.item.locator,
                }
                new_rows.append(tuple(row[column] for column in OCCURRENCE_COLUMNS))
            elif any(_stored(getattr(current, key)) != value for key, value in wanted.items()):
                update_occurrence(session, current.id, wanted)
                counted.occurrences_updated += 1
        upsert_occurrences(session, new_rows)
        counted.occurrences_added += len(new_rows)


def _stored(value: Any) -> Any:
    """A value as read back, comparable with one to write."""
    return as_utc(value) if isinstance(value, datetime) else value


def _record_row(entry: Pending, fingerprint: dict[str, Any]) -> dict[str, Any]:
    """The record's row: its fingerprint columns and index keys, its hash and size, and the
    rights it carries (JSON as text: the rows go to the driver as they are)."""
    rights = entry.item.rights
    fingerprint["sha256"] = entry.sha256
    fingerprint["size_bytes"] = entry.size
    fingerprint["rights"] = json.dumps(rights.as_dict()) if rights is not None else None
    fingerprint["training_use"] = rights.training_use if rights is not None else None
    return fingerprint


def _carried_rights(
    pending: list[Pending], known: dict[str, int]
) -> dict[int, tuple[dict[str, Any], str | None]]:
    return {
        known[entry.sha256]: (entry.item.rights.as_dict(), entry.item.rights.training_use)
        for entry in pending
        if entry.sha256 in known and entry.item.rights is not None
    }
