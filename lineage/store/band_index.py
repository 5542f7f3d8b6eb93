"""The LSH band index of text records, kept LSM-style: runs ("segments") of (band key,
record id) pairs, bucketed by key, merged in tiers.

A B-tree row per band of each text made storing the index cost more than fingerprinting
(42 rows a text). Here an ingest batch writes one run, some hundreds of rows for a thousand
texts. Band keys are hashes, so a run cuts them by their top bits into buckets of some tens
of pairs (`BucketLayout`, chosen per backend), one row each; the row's id is the run's id
and the bucket's number (`run << 32 | bucket`), so finding a key in a run is one primary-key
lookup with nothing to read first. When a level holds `FANOUT` runs they are merged into one
of the next level, so a lookup reads one bucket per probe key in each of a few runs
(`lineage.store.band_buckets`).

A row holds the rest of its keys' top 40 bits in 32 (`band_buckets.KEY_BITS`: a run has 8
bucket bits at least), and its record ids in 64 bits, or in 32 where the layout says so and
all of the run's fit. Records are never deleted, so runs need no tombstones. Band keys mix in
their band number, so a key alone finds the texts that share that band.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from lineage.store.band_buckets import (
    BUCKET_SHIFT,
    FRAGMENT,
    ID32,
    INT64,
    MIN_BUCKET_BITS,
    buckets,
    fragments,
    prefixes,
    prefixes_of_row,
    record_ids_of,
)
from lineage.store.bulk import insert_rows
from lineage.store.schema import LshPage, LshSegment


@dataclass(frozen=True)
class BucketLayout:
    """How a backend's bucket rows are cut: a run's buckets hold between half `pairs` pairs
    and `pairs` on average, with record ids in 32 bits where all of the run's fit if
    `narrow_ids`."""

    pairs: int
    narrow_ids: bool


# SQLite stores values as they are: rows of 0.4-0.8 KB, several to a page, of 32-bit ids took
# 559 bytes a text (a million texts, 64-bit keys), where rows of up to 3 KB of 64-bit ids, one
# to a page, took 1,054. PostgreSQL compresses values over 2 KB (TOAST), and the 64-bit ids of
# records written together compress best: there the larger rows took 546 bytes a text (40,000
# texts, after VACUUM), the smaller 590.
LAYOUTS = {"sqlite": BucketLayout(pairs=48, narrow_ids=True)}
SERVER_LAYOUT = BucketLayout(pairs=192, narrow_ids=False)
FANOUT = 4
# A run's level follows from its size (level n holds about LEVEL_BASE x FANOUT^n pairs), so
# runs of any origin (a batch, a merge, a migration) sit among runs of their size.
LEVEL_BASE = 1 << 12
# A merge holds about this many pairs in memory at a time (some 100 MB with its copies),
# whatever the runs' size.
MERGE_RANGE_PAIRS = 1 << 20
INSERT_ROWS = 1024


def add_run(session: Session, keys: np.ndarray, record_ids: np.ndarray) -> None:
    """Index these (key, record id) pairs, in any order: one new run, then the merges it
    makes due. Runs in the session's transaction, so a batch and its index commit together."""
    if len(keys):
        key_prefixes = prefixes(np.asarray(keys, INT64))
        _write_segment(session, key_prefixes, np.asarray(record_ids, INT64))
        _merge_full_levels(session)


def entry_count(session: Session) -> int:
    """How many (key, record id) pairs the index holds."""
    return int(session.scalar(select(func.coalesce(func.sum(LshSegment.entries), 0))) or 0)


def level_of(entries: int) -> int:
    return int(math.log(max(entries, LEVEL_BASE) / LEVEL_BASE, FANOUT))


def bucket_bits(entries: int, pairs: int) -> int:
    """How many top bits of a key number its bucket in a run of this many pairs, for buckets
    of `pairs` pairs at most on average; at least enough that a row keeps the rest of a key's
    prefix in a fragment (smaller runs have smaller buckets)."""
    bits = max(0, math.ceil(math.log2(entries / pairs))) if entries > pairs else 0
    # A bucket number must not reach into the next run's ids.
    return min(max(bits, MIN_BUCKET_BITS), BUCKET_SHIFT)


def layout_of(session: Session) -> BucketLayout:
    return LAYOUTS.get(session.get_bind().dialect.name, SERVER_LAYOUT)


def _write_segment(session: Session, key_prefixes: np.ndarray, record_ids: np.ndarray) -> None:
    """A run of these pairs."""
    layout = layout_of(session)
    bits = bucket_bits(len(key_prefixes), layout.pairs)
    segment_id = _new_segment(session, len(key_prefixes), bits)
    _write_buckets(session, segment_id, bits, key_prefixes, record_ids, layout.narrow_ids)


def _new_segment(session: Session, entries: int, bits: int) -> int:
    return session.execute(
        insert(LshSegment)
        .values(level=level_of(entries), entries=entries, bits=bits)
        .returning(LshSegment.id)
    ).scalar_one()


def _write_buckets(
    session: Session,
    segment_id: int,
    bits: int,
    key_prefixes: np.ndarray,
    record_ids: np.ndarray,
    narrow_ids: bool,
) -> None:
    """Pairs of a run, a row per bucket of the top `bits` bits of their keys."""
    numbers = buckets(key_prefixes, bits)
    # numpy sorts 16-bit integers by radix, in linear time, and most runs have that few buckets.
    order = np.argsort(numbers.astype(np.uint16) if bits <= 16 else numbers, kind="stable")
    kept = fragments(key_prefixes[order], bits)
    record_ids, numbers = record_ids[order], numbers[order]
    if narrow_ids:
        record_ids = _narrowed(record_ids)
    del order
    starts = np.flatnonzero(np.diff(numbers, prepend=-1)).tolist()
    ends = [*starts[1:], len(kept)]
    base = segment_id << BUCKET_SHIFT
    for first in range(0, len(starts), INSERT_ROWS):  # a few MB of rows at a time
        rows = [
            (base + int(numbers[start]), kept[start:end].tobytes(), record_ids[start:end].tobytes())
            for start, end in zip(
                starts[first : first + INSERT_ROWS], ends[first : first + INSERT_ROWS], strict=True
            )
        ]
        insert_rows(session, LshPage, ("id", "keys", "record_ids"), rows)


def _narrowed(record_ids: np.ndarray) -> np.ndarray:
    """The ids in 32 bits where all of them fit (half the bytes of the index's pairs' ids)."""
    fits = record_ids.size and record_ids.min() >= 0 and record_ids.max() <= np.iinfo(ID32).max
    return record_ids.astype(ID32) if fits else record_ids


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
    layout = layout_of(session)
    bits = bucket_bits(entries, layout.pairs)
    range_bits = min(bits, max(0, math.ceil(math.log2(max(entries, 1) / MERGE_RANGE_PAIRS))))
    segment_id = _new_segment(session, entries, bits)
    for part in range(1 << range_bits):
        pieces = [
            _range_of_run(session, run, run_bits, part, range_bits) for run, run_bits, _ in runs
        ]
        key_prefixes = np.concatenate([piece_keys for piece_keys, _ in pieces])
        record_ids = np.concatenate([piece_ids for _, piece_ids in pieces])
        del pieces
        _write_buckets(session, segment_id, bits, key_prefixes, record_ids, layout.narrow_ids)
    for run in segment_ids:
        session.execute(delete(LshPage).where(*_rows_of(run, 0, 1 << BUCKET_SHIFT)))
    session.execute(delete(LshSegment).where(LshSegment.id.in_(segment_ids)))


def _range_of_run(
    session: Session, run: int, run_bits: int, part: int, range_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (key prefix, record id) of a run whose keys' top `range_bits` bits are
    `part`: whole buckets where the run's buckets are that fine, else the one bucket holding
    them, filtered."""
    if run_bits >= range_bits:
        shift = run_bits - range_bits
        where = _rows_of(run, part << shift, (part + 1) << shift)
    else:
        bucket = part >> (range_bits - run_bits)
        where = _rows_of(run, bucket, bucket + 1)
    stored = session.execute(
        select(LshPage.id, LshPage.keys, LshPage.record_ids).where(*where)
    ).all()
    keys = np.concatenate(
        [prefixes_of_row(row, run_bits, kept) for row, kept, _ in stored] or [np.empty(0, INT64)]
    )
    record_ids = np.concatenate(
        [record_ids_of(ids, len(kept) // FRAGMENT.itemsize) for _, kept, ids in stored]
        or [np.empty(0, INT64)]
    )
    if run_bits < range_bits:
        inside = buckets(keys, range_bits) == part
        keys, record_ids = keys[inside], record_ids[inside]
    return keys, record_ids


def _rows_of(segment_id: int, first_bucket: int, end_bucket: int) -> tuple:
    """Where-clauses for the rows of a run's buckets from `first_bucket` up to `end_bucket`."""
    base = segment_id << BUCKET_SHIFT
    return (LshPage.id >= base + first_bucket, LshPage.id < base + end_bucket)
