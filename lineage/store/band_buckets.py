"""Where band keys are in the LSH band index (`lineage.store.band_index`, whose docstring
tells its layout), and the records holding any of some keys: the read side, which a lookup
runs straight through the driver, SQLAlchemy not loaded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from lineage.store.driver import DriverConnection

BUCKET_SHIFT = 32  # a bucket row's id is its run's id shifted by this, plus its number
INT64 = np.dtype("<i8")
# The index keeps the top KEY_BITS bits of each band key (its prefix, since revision 0012): a
# run's bucket number gives its top `bits` bits, and the row the rest, in 32 (a fragment).
# Keys are hashes, so two texts' prefixes agree by chance once in 2^40 pairs; the lookup
# compares the candidates' signatures anyway.
KEY_BITS = 40
FRAGMENT = np.dtype("<u4")
MIN_BUCKET_BITS = KEY_BITS - 8 * FRAGMENT.itemsize
# Record ids of a bucket row: 64-bit, or 32-bit where the backend's layout narrows them (see
# `band_index.BucketLayout`, since revision 0010); a row's lengths tell which.
ID32 = np.dtype("<u4")
_RUNS = "SELECT id, bits FROM lsh_segments"
_RUN_IDS = "SELECT id FROM lsh_segments"


def prefixes(keys: np.ndarray) -> np.ndarray:
    """The top KEY_BITS bits of each signed 64-bit band key, as a non-negative number."""
    return (keys.view(np.uint64) >> np.uint64(64 - KEY_BITS)).astype(INT64)


def buckets(key_prefixes: np.ndarray, bits: int) -> np.ndarray:
    """The bucket of each key prefix: its top `bits` bits."""
    return key_prefixes >> (KEY_BITS - bits)


def fragments(key_prefixes: np.ndarray, bits: int) -> np.ndarray:
    """What a row of a run of `bits` bucket bits keeps of each key prefix: the bits below."""
    return (key_prefixes & ((1 << (KEY_BITS - bits)) - 1)).astype(FRAGMENT)


def prefixes_of_row(row_id: int, bits: int, row_fragments: bytes) -> np.ndarray:
    """The key prefixes of a bucket row of a run of `bits` bucket bits."""
    bucket = row_id & ((1 << BUCKET_SHIFT) - 1)
    values = np.frombuffer(row_fragments, FRAGMENT).astype(INT64)
    return (bucket << (KEY_BITS - bits)) | values


def record_ids_of(data: bytes, count: int) -> np.ndarray:
    """The `count` record ids of a bucket row, as 64-bit integers."""
    width = ID32 if len(data) == count * ID32.itemsize else INT64
    return np.frombuffer(data, width).astype(INT64, copy=False)


def candidates(driver: DriverConnection, keys: Sequence[int]) -> set[int]:
    """Ids of the records with any of these band keys: the buckets that would hold them are
    read from every run, their keys first, then the record ids of the few that do hold one.

    Runs are read by separate statements, between which another ingest may merge some. Runs
    are written whole and never change, and ids are never reused (a merge writes its run
    before it deletes the ones it replaces), so what was read is complete if every run it
    came from still exists afterwards; else the lookup is redone on the runs as they are."""
    # Sorted, for searchsorted; np.unique and np.isin would import numpy.ma (15 ms) in a lookup.
    probe = np.sort(prefixes(np.asarray(keys, dtype=INT64)))
    if not probe.size:
        return set()
    while True:
        runs = driver.rows(_RUNS)
        wanted = sorted({row for run, bits in runs for row in _bucket_rows(run, bits, probe)})
        key_rows = _read_rows(driver, "keys", wanted)
        found = _hits(key_rows, dict(runs), probe)
        counts = {row: len(keys) // FRAGMENT.itemsize for row, keys in key_rows}
        id_rows = _read_rows(driver, "record_ids", sorted(found))
        still_there = {run for (run,) in driver.rows(_RUN_IDS)}
        if all(run in still_there for run, _ in runs):
            break
    return {
        record_id
        for row, record_ids in id_rows
        for record_id in record_ids_of(record_ids, counts[row])[found[row]].tolist()
    }


def _bucket_rows(run: int, bits: int, key_prefixes: np.ndarray) -> set[int]:
    return set(((run << BUCKET_SHIFT) + buckets(key_prefixes, bits)).tolist())


def _hits(
    rows: list[tuple[int, bytes]], run_bits: dict[int, int], probe: np.ndarray
) -> dict[int, np.ndarray]:
    """For each bucket row holding any probe key prefix, where in it they are: tested for all
    rows at once, then traced back to their rows."""
    parts = [
        prefixes_of_row(row, run_bits[row >> BUCKET_SHIFT], row_fragments)
        for row, row_fragments in rows
    ]
    keys = np.concatenate(parts) if parts else np.empty(0, INT64)
    ends = np.cumsum([len(part) for part in parts])
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


def _read_rows(driver: DriverConnection, column: str, rows: list[int]) -> list[tuple[int, bytes]]:
    """(row id, `column`) of these bucket rows that exist."""
    return driver.rows_in(f"SELECT id, {column} FROM lsh_pages WHERE id IN ({{}})", rows)
