"""The LSH band index of text records, kept LSM-style: runs ("segments") of (band key,
record id) pairs, bucketed by key, merged in tiers.

A B-tree row per band of each text made storing the index cost more than fingerprinting
(42 rows a text). Here an ingest batch writes one run, a few hundred rows for a thousand
texts. Band keys are hashes, so a run cuts them by their top bits into buckets of about
`BUCKET_PAIRS` pairs, one row each; the row's id is the run's id and the bucket's number
(`run << 32 | bucket`), so finding a key in a run is one primary-key lookup with nothing to
read first. When a level holds `FANOUT` runs they are merged into one of the next level, so
a lookup reads one bucket per probe key in each of a few runs.

Records are never deleted, so runs need no tombstones. Band keys mix in their band number,
so a key alone finds the texts that share that band.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from lineage.store.bulk import insert_rows, rows_in
from lineage.store.schema import LshPage, LshSegment

# Pairs per bucket on average: at 16 bytes each, the fullest buckets of a run still fit in
# one 4 KB database page.
BUCKET_PAIRS = 192
BUCKET_SHIFT = 32  # a bucket row's id is its run's id shifted by this, plus its number
FANOUT = 4
# A run's level follows from its size (level n holds about LEVEL_BASE x FANOUT^n pairs), so
# runs of any origin (a batch, a merge, a migration) sit among runs of their size.
LEVEL_BASE = 1 << 12
# A merge holds about this many pairs in memory at a time (some 100 MB with its copies),
# whatever the runs' size.
MERGE_RANGE_PAIRS = 1 << 20
INSERT_ROWS = 1024
_INT64 = np.dtype("<i8")
_RUNS = "SELECT id, bits FROM lsh_segments"
_RUN_IDS = "SELECT id FROM lsh_segments"


def add_run(session: Session, keys: np.ndarray, record_ids: np.ndarray) -> None:
    """Index these (key, record id) pairs, in any order: one new run, then the merges it
    makes due. Runs in the session's transaction, so a batch and its index commit together."""
    if len(keys):
        _write_segment(session, np.asarray(keys, _INT64), np.asarray(record_ids, _INT64))
        _merge_full_levels(session)


def candidates(session: Session, keys: Sequence[int]) -> set[int]:
    """Ids of the records with any of these band keys: the buckets that would hold them are
    read from every run, their keys first, then the record ids of the few that do hold one.

    Runs are read by separate statements, between which another ingest may merge some. Runs
    are written whole and never change, and ids are never reused (a merge writes its run
    before it deletes the ones it replaces), so what was read is complete if every run it
    came from still exists afterwards; else the lookup is redone on the runs as they are."""
    # Sorted, for searchsorted; np.unique and np.isin would import numpy.ma (15 ms) in a lookup.
    probe = np.sort(np.asarray(keys, dtype=_INT64))
    if not probe.size:
        return set()
    connection = session.connection()
    while True:
        runs = connection.exec_driver_sql(_RUNS).all()
        wanted = sorted({row for run, bits in runs for row in _bucket_rows(run, bits, probe)})
        found = _hits(_read_rows(session, "keys", wanted), probe)
        id_rows = _read_rows(session, "record_ids", sorted(found))
        still_there = {run for (run,) in connection.exec_driver_sql(_RUN_IDS)}
        if all(run in still_there for run, _ in runs):
            break
    return {
        record_id
        for row, record_ids in id_rows
        for record_id in np.frombuffer(record_ids, _INT64)[found[row]].tolist()
    }


def entry_count(session: Session) -> int:
    """How many (key, record id) pairs the index holds."""
    return int(session.scalar(select(func.coalesce(func.sum(LshSegment.entries), 0))) or 0)


def level_of(entries: int) -> int:
    return int(math.log(max(entries, LEVEL_BASE) / LEVEL_BASE, FANOUT))


def bucket_bits(entries: int) -> int:
    """How many top bits of a key number its bucket in a run of this many pairs."""
    bits = max(0, math.ceil(math.log2(entries / BUCKET_PAIRS))) if entries > BUCKET_PAIRS else 0
    return min(bits, BUCKET_SHIFT)  # a bucket number must not reach into the next run's ids


def _buckets(keys: np.ndarray, bits: int) -> np.ndarray:
    """The bucket of each key: its top `bits` bits, as an unsigned number."""
    if bits == 0:
        return np.zeros(len(keys), np.int64)
    return (keys.view(np.uint64) >> np.uint64(64 - bits)).astype(np.int64)


def _bucket_rows(run: int, bits: int, keys: np.ndarray) -> set[int]:
    return set(((run << BUCKET_SHIFT) + _buckets(keys, bits)).tolist())


def _hits(rows: list[tuple[int, bytes]], probe: np.ndarray) -> dict[int, np.ndarray]:
    """For each bucket row holding any probe key, where in it they are: tested for all rows
    at once, then traced back to their rows."""
    keys = np.frombuffer(b"".join(bucket_keys for _, bucket_keys in rows), _INT64)
    ends = np.cumsum([len(bucket_keys) // _INT64.itemsize for _, bucket_keys in rows])
    positions = np.flatnonzero(_members(keys, probe))
    owners = np.searchsorted(ends, positions, "right")
    found: dict[int, list[int]] = defaultdict(list)
    for owner, position in zip(owners.tolist(), positions.tolist(), strict=True):
        found[rows[owner][0]].append(position - (int(ends[owner - 1]) if owner else 0))
    return {row: np.asarray(hits, np.int64) for row, hits in found.items()}


def _members(values: np.ndarray, sorted_probe: np.ndarray) -> np.ndarray:
    """Which of `values` are in `sorted_probe`."""
    positions = np.minimum(np.searchsorted(sorted_probe, values), len(sorted_probe) - 1)
    return sorted_probe[positions] == values


def _read_rows(session: Session, column: str, rows: list[int]) -> list[tuple[int, bytes]]:
    """(row id, `column`) of these bucket rows that exist."""
    return rows_in(session, f"SELECT id, {column} FROM lsh_pages WHERE id IN ({{}})", rows)


def _write_segment(session: Session, keys: np.ndarray, record_ids: np.ndarray) -> None:
    """A run of these pairs."""
    bits = bucket_bits(len(keys))
    _write_buckets(session, _new_segment(session, len(keys), bits), bits, keys, record_ids)


def _new_segment(session: Session, entries: int, bits: int) -> int:
    return session.execute(
        insert(LshSegment)
        .values(level=level_of(entries), entries=entries, bits=bits)
        .returning(LshSegment.id)
    ).scalar_one()


def _write_buckets(
    session: Session, segment_id: int, bits: int, keys: np.ndarray, record_ids: np.ndarray
) -> None:
    """Pairs of a run, a row per bucket of the top `bits` bits of their keys."""
    buckets = _buckets(keys, bits)
    # numpy sorts 16-bit integers by radix, in linear time, and most runs have that few buckets.
    order = np.argsort(buckets.astype(np.uint16) if bits <= 16 else buckets, kind="stable")
    keys, record_ids, buckets = keys[order], record_ids[order], buckets[order]
    del order
    starts = np.flatnonzero(np.diff(buckets, prepend=-1)).tolist()
    ends = [*starts[1:], len(keys)]
    base = segment_id << BUCKET_SHIFT
    for first in range(0, len(starts), INSERT_ROWS):  # a few MB of rows at a time
        rows = [
            (base + int(buckets[start]), keys[start:end].tobytes(), record_ids[start:end].tobytes())
            for start, end in zip(
                starts[first : first + INSERT_ROWS], ends[first : first + INSERT_ROWS], strict=True
            )
        ]
        insert_rows(session, LshPage, ("id", "keys", "record_ids"), rows)


def _merge_full_levels(session: Session) -> None:
    while (runs := _full_level(session)) is not None:
        _merge(session, runs)


def _full_level(session: Session) -> list[int] | None:
    """The oldest `FANOUT` runs of the lowest level that has as many, locked (PostgreSQL) so
    that two ingests never merge the same runs; None when nothing is due, or another ingest
    is merging them."""
    levels: dict[int, list[int]] = defaultdict(list)
    for segment_id, level in session.execute(
        select(LshSegment.id, LshSegment.level).order_by(LshSegment.id)
    ):
        levels[level].append(segment_id)
    for level in sorted(levels):
        oldest = levels[level][:FANOUT]
        if len(oldest) == FANOUT:
            locked = session.scalars(
                select(LshSegment.id)
                .where(LshSegment.id.in_(oldest))
                .order_by(LshSegment.id)  # one lock order for every ingest: no deadlock
                .with_for_update()
            ).all()
            return oldest if len(locked) == FANOUT else None
    return None


def _merge(session: Session, segment_ids: list[int]) -> None:
    """One run of the pairs of these runs, which it replaces. Written a key range at a time
    (the top bits of the keys, as buckets are), so memory stays within about
    `MERGE_RANGE_PAIRS` pairs however big the runs are. The new run is written first: its id
    is then above every id ever used, so none is reused (which `candidates` relies on)."""
    runs = session.execute(
        select(LshSegment.id, LshSegment.bits, LshSegment.entries).where(
            LshSegment.id.in_(segment_ids)
        )
    ).all()
    entries = sum(run_entries for _, _, run_entries in runs)
    bits = bucket_bits(entries)
    range_bits = min(bits, max(0, math.ceil(math.log2(max(entries, 1) / MERGE_RANGE_PAIRS))))
    segment_id = _new_segment(session, entries, bits)
    for part in range(1 << range_bits):
        pieces = [
            _range_of_run(session, run, run_bits, part, range_bits) for run, run_bits, _ in runs
        ]
        keys = np.concatenate([piece_keys for piece_keys, _ in pieces])
        record_ids = np.concatenate([piece_ids for _, piece_ids in pieces])
        del pieces
        _write_buckets(session, segment_id, bits, keys, record_ids)
    for run in segment_ids:
        session.execute(delete(LshPage).where(*_rows_of(run, 0, 1 << BUCKET_SHIFT)))
    session.execute(delete(LshSegment).where(LshSegment.id.in_(segment_ids)))


def _range_of_run(
    session: Session, run: int, run_bits: int, part: int, range_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of a run whose keys' top `range_bits` bits are `part`: whole buckets where
    the run's buckets are that fine, else the one bucket holding them, filtered."""
    if run_bits >= range_bits:
        shift = run_bits - range_bits
        where = _rows_of(run, part << shift, (part + 1) << shift)
    else:
        bucket = part >> (range_bits - run_bits)
        where = _rows_of(run, bucket, bucket + 1)
    stored = session.execute(select(LshPage.keys, LshPage.record_ids).where(*where)).all()
    keys = np.frombuffer(b"".join(row[0] for row in stored), _INT64)
    record_ids = np.frombuffer(b"".join(row[1] for row in stored), _INT64)
    if run_bits < range_bits:
        inside = _buckets(keys, range_bits) == part
        keys, record_ids = keys[inside], record_ids[inside]
    return keys, record_ids


def _rows_of(segment_id: int, first_bucket: int, end_bucket: int) -> tuple:
    """Where-clauses for the rows of a run's buckets from `first_bucket` up to `end_bucket`."""
    base = segment_id << BUCKET_SHIFT
    return (LshPage.id >= base + first_bucket, LshPage.id < base + end_bucket)
