"""The LSH band index of text records, kept LSM-style: sorted runs ("segments") of (band key,
record id) pairs, cut into pages, merged in tiers.

A B-tree row per band of each text made storing the index cost more than fingerprinting
(42 rows a text). Here an ingest batch writes one run, a few hundred page rows for a
thousand texts. When a level holds `FANOUT` runs they are merged into one of the next level,
so a lookup searches a few runs: in each, the page fences (the first key of every
page) say which pages may hold the probe keys, and only those are read.

Records are never deleted, so runs need no tombstones. Band keys mix in their band number,
so a key alone finds the texts that share that band.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from sqlalchemy import Connection, Row, delete, func, insert, select
from sqlalchemy.orm import Session

from lineage.db import insert_rows, parameter_marker
from lineage.models import LshPage, LshSegment

PAGE_ENTRIES = 256
FANOUT = 4
# A run's level follows from its size (level n holds about LEVEL_BASE x FANOUT^n pairs), so
# runs of any origin (a batch, a merge, a migration) sit among runs of their size.
LEVEL_BASE = 1 << 12
# A merge holds its pairs in memory (see `_merge`): runs of up to 2^24 pairs (about 400,000
# texts, 540 MB to merge) keep an ingest under 1 GB. Bigger runs are left unmerged: with
# batches of 1,000 texts, runs stop growing at about 256,000 texts each (four per million).
MAX_MERGED_ENTRIES = 1 << 24
# Runs whose pages one lookup statement reads: SQLite allows expressions 1,000 deep.
RUNS_PER_STATEMENT = 200
INSERT_PAGES = 1024
_INT64 = np.dtype("<i8")
_FENCES = "SELECT id, fences FROM lsh_segments"
_PAGES = "SELECT keys, record_ids FROM lsh_pages"
_SEGMENT_IDS = "SELECT id FROM lsh_segments"


def add_run(session: Session, keys: np.ndarray, record_ids: np.ndarray) -> None:
    """Index these (key, record id) pairs, in any order: one new run, then the merges it
    makes due. Runs in the session's transaction, so a batch and its index commit together."""
    if not len(keys):
        return
    order = np.argsort(keys)
    _write_segment(session, np.asarray(keys)[order], np.asarray(record_ids)[order])
    _merge_full_levels(session)


def candidates(session: Session, keys: Sequence[int]) -> set[int]:
    """Ids of the records with any of these band keys: the fences of every run say which
    pages may hold them, and those pages are read in a few statements.

    The fences and the pages are read by separate statements, between which another ingest
    may merge runs. Runs are written whole and never change, and ids are never reused (a
    merge writes its run before it deletes the ones it replaces), so the pages read are
    complete if every run they came from still exists afterwards; else the lookup is redone
    on the runs as they are then."""
    # Sorted, for searchsorted; np.unique and np.isin would import numpy.ma (15 ms) in a lookup.
    probe = np.sort(np.asarray(keys, dtype=np.int64))
    if not probe.size:
        return set()
    connection = session.connection()
    while True:
        wanted = [
            (segment_id, pages)
            for segment_id, fences in connection.exec_driver_sql(_FENCES)
            if (pages := _pages_for(np.frombuffer(fences, _INT64), probe))
        ]
        rows = _read_pages(connection, wanted)
        still_there = {segment_id for (segment_id,) in connection.exec_driver_sql(_SEGMENT_IDS)}
        if all(segment_id in still_there for segment_id, _ in wanted):
            break
    page_keys = np.frombuffer(b"".join(keys for keys, _ in rows), _INT64)
    page_ids = np.frombuffer(b"".join(record_ids for _, record_ids in rows), _INT64)
    return set(page_ids[_members(page_keys, probe)].tolist())


def _read_pages(connection: Connection, wanted: list[tuple[int, list[int]]]) -> list[Row]:
    """The (keys, record ids) of these pages of these runs. Written out rather than built with
    SQLAlchemy, since compiling a statement of this shape afresh would be a third of a one-shot
    lookup; `RUNS_PER_STATEMENT` runs at a time keeps within SQLite's limits."""
    marker = parameter_marker(connection)
    rows: list[Row] = []
    for start in range(0, len(wanted), RUNS_PER_STATEMENT):
        chunk = wanted[start : start + RUNS_PER_STATEMENT]
        terms = [
            f"(segment_id = {marker} AND page IN ({', '.join([marker] * len(pages))}))"
            for _, pages in chunk
        ]
        parameters = tuple(value for segment_id, pages in chunk for value in (segment_id, *pages))
        rows += connection.exec_driver_sql(f"{_PAGES} WHERE {' OR '.join(terms)}", parameters)
    return rows


def entry_count(session: Session) -> int:
    """How many (key, record id) pairs the index holds."""
    return int(session.scalar(select(func.coalesce(func.sum(LshSegment.entries), 0))) or 0)


def _members(values: np.ndarray, sorted_probe: np.ndarray) -> np.ndarray:
    """Which of `values` are in `sorted_probe`."""
    positions = np.minimum(np.searchsorted(sorted_probe, values), len(sorted_probe) - 1)
    return sorted_probe[positions] == values


def _pages_for(fences: np.ndarray, probe: np.ndarray) -> list[int]:
    """The pages that may hold any probe key. A key's pairs may begin on the page before the
    first fence at or above it, and run on to the last page whose fence is at or below it."""
    first = np.maximum(np.searchsorted(fences, probe, "left") - 1, 0)
    last = np.searchsorted(fences, probe, "right") - 1
    pages: set[int] = set()
    for start, stop in zip(first.tolist(), last.tolist(), strict=True):
        pages.update(range(start, stop + 1))
    return sorted(pages)


def level_of(entries: int) -> int:
    return int(math.log(max(entries, LEVEL_BASE) / LEVEL_BASE, FANOUT))


def _write_segment(session: Session, keys: np.ndarray, record_ids: np.ndarray) -> None:
    keys = keys.astype(_INT64, copy=False)
    record_ids = record_ids.astype(_INT64, copy=False)
    segment_id = session.execute(
        insert(LshSegment)
        .values(level=level_of(len(keys)), entries=len(keys), fences=keys[::PAGE_ENTRIES].tobytes())
        .returning(LshSegment.id)
    ).scalar_one()
    starts = range(0, len(keys), PAGE_ENTRIES)
    for first in range(0, len(starts), INSERT_PAGES):  # a few MB of page rows at a time
        pages = [
            (
                segment_id,
                page,
                keys[start : start + PAGE_ENTRIES].tobytes(),
                record_ids[start : start + PAGE_ENTRIES].tobytes(),
            )
            for page, start in enumerate(starts[first : first + INSERT_PAGES], start=first)
        ]
        insert_rows(session, LshPage.__table__, ("segment_id", "page", "keys", "record_ids"), pages)


def _merge_full_levels(session: Session) -> None:
    while (runs := _full_level(session)) is not None:
        _merge(session, runs)


def _full_level(session: Session) -> list[int] | None:
    """The oldest `FANOUT` runs of the lowest level that has as many (and whose merge stays
    within `MAX_MERGED_ENTRIES`), locked (PostgreSQL) so that two ingests never merge the same
    runs; None when nothing is due, or another ingest is merging them."""
    levels: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for segment_id, level, entries in session.execute(
        select(LshSegment.id, LshSegment.level, LshSegment.entries).order_by(LshSegment.id)
    ):
        levels[level].append((segment_id, entries))
    for level in sorted(levels):
        oldest = levels[level][:FANOUT]
        if len(oldest) == FANOUT and sum(entries for _, entries in oldest) <= MAX_MERGED_ENTRIES:
            wanted = [segment_id for segment_id, _ in oldest]
            locked = session.scalars(
                select(LshSegment.id)
                .where(LshSegment.id.in_(wanted))
                .order_by(LshSegment.id)  # one lock order for every ingest: no deadlock
                .with_for_update()
            ).all()
            return wanted if len(locked) == FANOUT else None
    return None


def _merge(session: Session, segment_ids: list[int]) -> None:
    """One run of the pairs of these runs, which it replaces. Arrays are let go as soon as
    they are used: the biggest merge holds about 32 bytes per pair at its peak."""
    keys, record_ids = [], []
    for page_keys, page_ids in session.execute(
        select(LshPage.keys, LshPage.record_ids)
        .where(LshPage.segment_id.in_(segment_ids))
        .order_by(LshPage.segment_id, LshPage.page)
    ):
        keys.append(np.frombuffer(page_keys, _INT64))
        record_ids.append(np.frombuffer(page_ids, _INT64))
    merged_keys = np.concatenate(keys)
    del keys
    # The runs are sorted, so a stable sort (Timsort, merging runs) does little work.
    order = np.argsort(merged_keys, kind="stable")
    merged_keys = merged_keys[order]
    merged_ids = np.concatenate(record_ids)
    del record_ids
    merged_ids = merged_ids[order]
    del order
    # The new run first: its id is then above every id ever used, so none is reused (which
    # `candidates` relies on).
    _write_segment(session, merged_keys, merged_ids)
    session.execute(delete(LshPage).where(LshPage.segment_id.in_(segment_ids)))
    session.execute(delete(LshSegment).where(LshSegment.id.in_(segment_ids)))
