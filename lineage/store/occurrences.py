"""Occurrences: a record's membership of a dataset version, at a locator, with its source and
licence; and the version's manifest, recomputed from them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from lineage.store.bulk import driver_value, insert_rows
from lineage.store.driver import driver_of
from lineage.store.manifest import merkle_root
from lineage.store.schema import DatasetVersion, Occurrence, Record

OCCURRENCE_COLUMNS = (
    "dataset_version_id",
    "locator",
    "record_id",
    "source_id",
    "license_id",
    "license_origin",
    "config",
    "split",
    "collected_at",
    "payload_sha256",
)
_VERSION_MEMBERS = (
    "SELECT DISTINCT records.sha256, records.size_bytes FROM records "
    "JOIN occurrences ON occurrences.record_id = records.id "
    "WHERE occurrences.dataset_version_id = {marker}"
)


def has_occurrences(session: Session, version_id: int) -> bool:
    return bool(session.scalar(select(exists().where(Occurrence.dataset_version_id == version_id))))


def occurrences_at(
    session: Session, version_id: int, locators: Sequence[str]
) -> dict[str, Occurrence]:
    """The version's occurrences at these locators, by locator."""
    found = session.scalars(
        select(Occurrence).where(
            Occurrence.dataset_version_id == version_id, Occurrence.locator.in_(locators)
        )
    )
    return {occurrence.locator: occurrence for occurrence in found}


def update_occurrence(session: Session, occurrence_id: int, facts: dict[str, Any]) -> None:
    session.execute(update(Occurrence).where(Occurrence.id == occurrence_id).values(facts))


def upsert_occurrences(session: Session, rows: list[tuple]) -> None:
    """Insert rows of OCCURRENCE_COLUMNS; one at a locator already there (another run filling
    the same new version with the same locators) updates it."""
    as_stored = driver_value(session, Occurrence.__table__.c.collected_at)
    at = OCCURRENCE_COLUMNS.index("collected_at")
    rows = [(*row[:at], as_stored(row[at]), *row[at + 1 :]) for row in rows]
    insert_rows(
        session, Occurrence, OCCURRENCE_COLUMNS, rows, unique=("dataset_version_id", "locator")
    )


def locators_of(session: Session, version_id: int, chunk: int) -> Iterator[list[tuple[int, str]]]:
    """(id, locator) of the version's occurrences, `chunk` at a time: memory stays flat
    however many there are."""
    rows = session.execute(
        select(Occurrence.id, Occurrence.locator)
        .where(Occurrence.dataset_version_id == version_id)
        .execution_options(yield_per=chunk)
    )
    for part in rows.partitions():
        yield [(occurrence_id, locator) for occurrence_id, locator in part]


def facts_of(session: Session, version_id: int, chunk: int) -> Iterator[list[tuple[Any, ...]]]:
    """(locator, record sha256, licence id, source id, licence origin, config, split) of the
    version's occurrences, `chunk` at a time."""
    rows = session.execute(
        select(
            Occurrence.locator,
            Record.sha256,
            Occurrence.license_id,
            Occurrence.source_id,
            Occurrence.license_origin,
            Occurrence.config,
            Occurrence.split,
        )
        .join(Record, Record.id == Occurrence.record_id)
        .where(Occurrence.dataset_version_id == version_id)
        .execution_options(yield_per=chunk)
    )
    for part in rows.partitions():
        yield [tuple(row) for row in part]


def refresh_manifest(session: Session, version: DatasetVersion) -> None:
    """Recompute the version's Merkle root, record count and size from its occurrences. The
    records are read through the driver: ORM rows, one per record, would cost more."""
    rows = driver_of(session).rows(_VERSION_MEMBERS, (version.id,))
    version.manifest_hash = merkle_root(bytes(digest) for digest, _ in rows)
    version.record_count = len(rows)
    version.size_bytes = sum(size for _, size in rows)
