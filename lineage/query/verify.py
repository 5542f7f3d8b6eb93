"""`lineage verify`: is the database what the tool made it? The event log's hash chain is
recomputed entry by entry, and every dataset version's Merkle root and occurrence digest are
recomputed from its records and occurrences and compared with what is stored and with what
its latest ingest logged. Each difference is named: an entry changed or removed, a record
hash changed, an occurrence removed, added or changed (its licence, source or record)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.store.driver import driver_of
from lineage.store.events import event_hash, occurrence_digest
from lineage.store.manifest import merkle_root
from lineage.store.schema import DatasetVersion, Event
from lineage.vocabulary import EventKind

_VERSION_RECORDS = (
    "SELECT DISTINCT records.sha256 FROM records "
    "JOIN occurrences ON occurrences.record_id = records.id "
    "WHERE occurrences.dataset_version_id = {marker}"
)


@dataclass(frozen=True)
class Finding:
    kind: str  # event-changed, event-missing, manifest-mismatch, records-changed, ...
    subject: str
    detail: str


@dataclass
class Verification:
    events: int = 0
    versions: int = 0
    head: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "events": self.events,
            "versions": self.versions,
            "chain_head": self.head,
            "findings": [vars(finding) for finding in self.findings],
        }


def verify_lineage(session: Session) -> Verification:
    """Check the chain and every version; what differs, named, in `findings`."""
    result = Verification()
    last_ingests = _check_chain(session, result)
    for version in session.scalars(select(DatasetVersion).order_by(DatasetVersion.id)):
        result.versions += 1
        _check_version(session, version, last_ingests.get(version.ref), result)
    return result


def _check_chain(session: Session, result: Verification) -> dict[str, dict[str, Any]]:
    """Recompute each entry's hash; the latest ingest entry of each version still there."""
    previous: str | None = None
    ingests: dict[str, dict[str, Any]] = {}
    for event in session.scalars(select(Event).order_by(Event.id)):
        result.events += 1
        name = f"event {event.id} ({event.kind} {event.subject})"
        if event.previous_hash != previous:
            result.findings.append(
                Finding("event-missing", name, "the entry before it was removed or changed")
            )
        recomputed = event_hash(
            event.at, event.kind, event.subject, event.detail, event.previous_hash
        )
        if recomputed != event.hash:
            result.findings.append(Finding("event-changed", name, "its content was changed"))
        previous = event.hash
        if event.kind == EventKind.INGEST:
            ingests[event.subject] = event.detail
        elif event.kind == EventKind.DELETE:
            ingests.pop(event.subject, None)
    result.head = previous
    return ingests


def _check_version(
    session: Session, version: DatasetVersion, logged: dict[str, Any] | None, result: Verification
) -> None:
    ref = version.ref
    rows = driver_of(session).rows(_VERSION_RECORDS, (version.id,))
    root = merkle_root(bytes(digest) for (digest,) in rows)
    digest, occurrences = occurrence_digest(session, version.id)
    found = result.findings
    if version.manifest_hash is not None and version.manifest_hash != root:
        found.append(
            Finding(
                "manifest-mismatch",
                ref,
                f"stored manifest {version.manifest_hash} but its records give {root}",
            )
        )
    if logged is None:
        if occurrences:
            found.append(Finding("unlogged", ref, "holds occurrences no logged ingest recorded"))
        return
    if logged.get("manifest_hash") != root:
        found.append(
            Finding("records-changed", ref, "its records' hashes differ from its last ingest's")
        )
    if logged.get("occurrences") != occurrences:
        found.append(
            Finding(
                "occurrences-count",
                ref,
                f"{occurrences} occurrences where its last ingest left {logged.get('occurrences')}",
            )
        )
    elif logged.get("occurrences_digest") != digest:
        found.append(
            Finding(
                "occurrences-changed",
                ref,
                "an occurrence's licence, source or record differs from its last ingest's",
            )
        )
