"""The event log: appending an entry to the hash chain, and the digests an ingest entry keeps
of its version (the Merkle root of its records, and a digest of its occurrences' facts).

An entry's hash is the SHA-256 of its canonical JSON (time, kind, subject, detail, and the
hash of the entry before it). Appends are serialised: SQLite takes writers in turn, and on
PostgreSQL a transaction-level advisory lock orders them, so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lineage.store.digests import hex_digest
from lineage.store.driver import driver_of
from lineage.store.rows import utc_now
from lineage.store.schema import Event
from lineage.vocabulary import EventKind

# An arbitrary, fixed key of the advisory lock that orders appends on PostgreSQL.
_APPEND_LOCK = 0x6C696E65
_OCCURRENCE_FACTS = (
    "SELECT occurrences.locator, records.sha256, licenses.spdx, occurrences.license_origin, "
    "sources.uri, occurrences.config, occurrences.split FROM occurrences "
    "JOIN records ON records.id = occurrences.record_id "
    "JOIN licenses ON licenses.id = occurrences.license_id "
    "JOIN sources ON sources.id = occurrences.source_id "
    "WHERE occurrences.dataset_version_id = {marker} ORDER BY occurrences.locator"
)


def event_hash(
    at: datetime, kind: str, subject: str, detail: dict[str, Any], previous: str | None
) -> str:
    moment = at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at  # SQLite's naive UTC
    canonical = json.dumps(
        {
            "at": moment.isoformat(),
            "kind": kind,
            "subject": subject,
            "detail": detail,
            "previous": previous,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def append_event(session: Session, kind: EventKind, subject: str, detail: dict[str, Any]) -> Event:
    """Append an entry after the chain's last, in the session's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK})
    previous = session.scalar(select(Event.hash).order_by(Event.id.desc()).limit(1))
    at = utc_now().replace(microsecond=0)  # as every database stores it, to the second
    plain = json.loads(json.dumps(detail, sort_keys=True, default=str))
    event = Event(
        at=at,
        kind=str(kind),
        subject=subject,
        detail=plain,
        previous_hash=previous,
        hash=event_hash(at, str(kind), subject, plain, previous),
    )
    session.add(event)
    session.flush()
    return event


def occurrence_digest(session: Session, version_id: int) -> tuple[str, int]:
    """A SHA-256 over the facts of every occurrence of the version, in locator order (where
    each record is, under which licence, from which source), and how many there are."""
    digest = hashlib.sha256()
    count = 0
    for locator, digest_of_record, *facts in driver_of(session).rows(
        _OCCURRENCE_FACTS, (version_id,)
    ):
        row = (locator, hex_digest(digest_of_record), *facts)
        line = "\t".join("" if value is None else str(value) for value in row)
        digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
        count += 1
    return digest.hexdigest(), count


def chain_head(session: Session, exclude: tuple[EventKind, ...] = ()) -> str | None:
    """The hash of the chain's last entry (of a kind not in `exclude`)."""
    query = select(Event.hash).order_by(Event.id.desc()).limit(1)
    if exclude:
        query = query.where(Event.kind.not_in([str(kind) for kind in exclude]))
    return session.scalar(query)
