"""The LSH band index (`lineage.store.band_index`, read by `band_buckets`) on a real database:
what goes in is found, runs merge in tiers, and band rows of the old schema move into runs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from cli.main import cli
from lineage.fingerprint import fingerprint_text
from lineage.store import band_buckets, band_index
from lineage.store.driver import driver_of
from lineage.store.engine import connect, current_revision, head_revision, session_scope
from lineage.store.schema import LshPage, LshSegment, Record
from tests.conftest import band_entries, indexed_pairs, make_document, migrate

_RECORD = text("INSERT INTO records (id, sha256, kind, size_bytes) VALUES (:id, :sha, 'text', 1)")


def _add(url: str, keys: np.ndarray, record_ids: np.ndarray) -> None:
    with session_scope(connect(url)) as session:
        band_index.add_run(session, keys, record_ids)


def _spread(*values: int) -> np.ndarray:
    """Small numbers as keys spread like band keys (hashes): multiplied by an odd 64-bit
    constant, distinct numbers differ in their top bits, which the index keeps."""
    return (np.asarray(values, np.uint64) * np.uint64(0x9E3779B97F4A7C15)).view(np.int64)


def _ingested_texts(tmp_path: Path, url: str, count: int) -> list[tuple[int, int]]:
    """Ingest `count` generated documents; their records' (64-bit band key, record id) pairs,
    from each document's own fingerprint."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    documents = [make_document(seed) for seed in range(count)]
    for seed, document in enumerate(documents):
        (corpus / f"doc{seed}.txt").write_text(document, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", url, "ingest", str(corpus), "--dataset", "d"])
    assert result.exit_code == 0, result.output
    with session_scope(connect(url)) as session:
        ids = dict(session.execute(select(Record.sha256, Record.id)).tuples().all())
    return sorted(
        (key, ids[hashlib.sha256(document.encode()).hexdigest()])
        for document in documents
        for key in fingerprint_text(document).band_keys
    )


@pytest.mark.parametrize("merge_range_pairs", [band_index.MERGE_RANGE_PAIRS, 1_000])
def test_candidates_are_exactly_the_records_sharing_a_key_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, merge_range_pairs: int
):
    """A key's top 40 bits (`band_buckets.KEY_BITS`); also with merges made a key range at a
    time, from runs cut finer and coarser."""
    monkeypatch.setattr(band_index, "MERGE_RANGE_PAIRS", merge_range_pairs)
    url = f"sqlite:///{tmp_path / 'index.db'}"
    rng = np.random.default_rng(0)
    # Keys spread over the whole range, and a few repeated by many records (one key's pairs
    # then fill a big bucket in every run).
    spread = rng.integers(-(1 << 63), (1 << 63) - 1, 20_000, dtype=np.int64)
    repeated = rng.integers(-50, 50, 20_000) * np.int64(1 << 57)
    keys = np.where(np.arange(20_000) % 2 == 0, spread, repeated)
    record_ids = np.arange(len(keys))
    # Four runs of each size, so that every level fills and merges.
    offsets = np.cumsum([0] + [25] * 4 + [75] * 4 + [400] * 4 + [750] * 4 + [3_750] * 4)
    for start, end in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True):
        _add(url, keys[start:end], record_ids[start:end])

    with session_scope(connect(url)) as session:
        assert band_index.entry_count(session) == len(keys)
        for probe in ([3 << 57], [-50 << 57, 49 << 57, 7], [int(spread[10])], [12345], []):
            shared = np.isin(band_buckets.prefixes(keys), band_buckets.prefixes(np.array(probe)))
            expected = set(record_ids[shared].tolist())
            assert band_buckets.candidates(driver_of(session), probe) == expected
        assert band_entries(session) == indexed_pairs(keys, record_ids)


def test_keys_that_differ_only_below_their_top_40_bits_find_each_other(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'index.db'}"
    key = int(_spread(1)[0])
    below, at_the_40th = key ^ (1 << 23), key ^ (1 << 24)
    _add(url, np.array([key, below, at_the_40th]), np.array([1, 2, 3]))

    with session_scope(connect(url)) as session:
        assert band_buckets.candidates(driver_of(session), [key]) == {1, 2}
        assert band_buckets.candidates(driver_of(session), [at_the_40th]) == {3}


def test_full_levels_merge_so_runs_stay_few(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'index.db'}"
    rng = np.random.default_rng(1)
    runs = 40
    for run in range(runs):
        keys = rng.integers(-(1 << 62), 1 << 62, 500)
        _add(url, keys, np.full(500, run))

    with session_scope(connect(url)) as session:
        levels = session.execute(
            select(LshSegment.level, func.count()).group_by(LshSegment.level)
        ).all()
        assert band_index.entry_count(session) == runs * 500
        # 40 runs in fours: never FANOUT runs left waiting at one level.
        assert all(count < band_index.FANOUT for _, count in levels)
        assert sum(count for _, count in levels) < 10
        assert band_buckets.candidates(driver_of(session), [int(keys[7])]) == {runs - 1}


def test_band_rows_of_the_old_schema_move_into_runs(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = connect(url, upgrade=False)
    migrate(engine, "upgrade", "0002")
    with engine.begin() as connection:
        connection.execute(_RECORD, [{"id": 1, "sha": "a" * 64}, {"id": 2, "sha": "b" * 64}])
        connection.execute(
            text("INSERT INTO lsh_bands (key, record_id, band) VALUES (:key, :record, :band)"),
            [{"key": key, "record": 1 + key % 2, "band": key % 7} for key in range(-600, 600)],
        )

    engine = connect(url)

    assert current_revision(engine) == head_revision()
    keys = np.arange(-600, 600)
    with session_scope(engine) as session:
        assert band_entries(session) == indexed_pairs(keys, 1 + keys % 2)
        assert band_buckets.candidates(driver_of(session), [-599, 10]) == {1, 2}


def test_a_lookup_that_overlaps_a_merge_still_finds_every_record(tmp_path: Path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'index.db'}"
    for record_id in (10, 11, 12):
        _add(url, _spread(7, 1000 + record_id), np.array([record_id, record_id]))
    _add(url, _spread(*range(5_000, 25_000)), np.arange(20_000) + 100)  # of a higher level
    read_rows = band_buckets._read_rows
    merged: list[int] = []

    def read_after_another_ingest_merges(*args: object) -> object:
        if not merged:  # a fourth small run: the first three and it merge, and are gone
            _add(url, _spread(7), np.array([13]))
            merged.append(13)
        return read_rows(*args)

    monkeypatch.setattr(band_buckets, "_read_rows", read_after_another_ingest_merges)
    with session_scope(connect(url)) as session:
        assert band_buckets.candidates(driver_of(session), _spread(7).tolist()) == {10, 11, 12, 13}
    assert merged == [13]


def test_a_downgrade_recomputes_every_key_and_an_upgrade_keeps_every_prefix(tmp_path: Path):
    """Revision 0012 keeps 40 bits of each key: going back, the 64-bit keys are computed
    again from the texts' signatures."""
    url = f"sqlite:///{tmp_path / 'round.db'}"
    engine = connect(url)
    pairs = _ingested_texts(tmp_path, url, 30)
    keys, record_ids = (np.array(column) for column in zip(*pairs, strict=True))

    migrate(engine, "downgrade", "0002")
    with engine.begin() as connection:
        old_rows = connection.execute(text("SELECT key, record_id FROM lsh_bands")).all()
    migrate(engine, "upgrade", "head")

    assert sorted(tuple(row) for row in old_rows) == pairs
    with session_scope(engine) as session:
        assert band_entries(session) == indexed_pairs(keys, record_ids)
        assert band_buckets.candidates(driver_of(session), [int(keys[0])]) >= {int(record_ids[0])}


@pytest.mark.parametrize("largest_id", [7, (1 << 32) - 1, 1 << 32, 1 << 40])
def test_record_ids_take_32_bits_on_sqlite_where_they_fit(tmp_path: Path, largest_id: int):
    url = f"sqlite:///{tmp_path / 'ids.db'}"
    keys = _spread(*range(1_000))
    record_ids = np.linspace(1, largest_id, 1_000).astype(np.int64)
    _add(url, keys, record_ids)

    with session_scope(connect(url)) as session:
        widths = {
            len(ids) // (len(kept) // 4)
            for kept, ids in session.execute(select(LshPage.keys, LshPage.record_ids))
        }
        assert band_entries(session) == indexed_pairs(keys, record_ids)
        probe = [int(keys[0]), int(keys[-1])]
        found = band_buckets.candidates(driver_of(session), probe)
    assert widths == ({4} if largest_id < 1 << 32 else {8})
    assert found == {int(record_ids[0]), int(record_ids[-1])}


def test_runs_of_both_widths_merge_into_one(tmp_path: Path):
    """Runs written before revision 0010 (64-bit ids) beside newer ones (32-bit)."""
    url = f"sqlite:///{tmp_path / 'mixed.db'}"
    rng = np.random.default_rng(5)
    runs = [rng.integers(-(1 << 62), 1 << 62, 600) for _ in range(band_index.FANOUT)]
    for number, keys in enumerate(runs):
        _add(url, keys, np.full(600, (1 << 33) + number if number % 2 else number))

    with session_scope(connect(url)) as session:
        assert session.scalar(select(func.count()).select_from(LshSegment)) == 1
        assert band_index.entry_count(session) == 600 * band_index.FANOUT
        assert band_buckets.candidates(driver_of(session), [int(runs[1][3])]) == {(1 << 33) + 1}
        assert band_buckets.candidates(driver_of(session), [int(runs[2][9])]) == {2}


def test_a_downgrade_past_0010_widens_the_record_ids(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'wide.db'}"
    engine = connect(url)
    pairs = _ingested_texts(tmp_path, url, 200)

    migrate(engine, "downgrade", "0009")
    with engine.begin() as connection:
        stored = connection.execute(text("SELECT keys, record_ids FROM lsh_pages")).all()
        bits = connection.scalars(text("SELECT bits FROM lsh_segments")).all()
    migrate(engine, "upgrade", "head")

    # Runs this fine have their rows cut in place by revision 0012; coarser ones anew.
    assert min(bits) >= band_buckets.MIN_BUCKET_BITS
    assert all(len(ids) == len(row_keys) for row_keys, ids in stored)
    old_pairs = [
        (int(key), int(id_))
        for row_keys, ids in stored
        for key, id_ in zip(np.frombuffer(row_keys, "<i8"), np.frombuffer(ids, "<i8"), strict=True)
    ]
    assert sorted(old_pairs) == pairs
    keys, record_ids = (np.array(column) for column in zip(*pairs, strict=True))
    with session_scope(engine) as session:
        assert band_entries(session) == indexed_pairs(keys, record_ids)


def test_postgresql_keeps_larger_rows_of_64_bit_ids_which_it_compresses(postgres_url: str):
    keys = np.random.default_rng(3).integers(-(1 << 63), (1 << 63) - 1, 60_000)
    record_ids = np.arange(60_000) // 42 + 1
    _add(postgres_url, keys, record_ids)

    with session_scope(connect(postgres_url)) as session:
        rows = session.execute(select(LshPage.keys, LshPage.record_ids)).all()
        assert band_entries(session) == indexed_pairs(keys, record_ids)
        assert band_buckets.candidates(driver_of(session), [int(keys[5])]) == {1}
    assert all(len(ids) == 2 * len(kept) for kept, ids in rows)
    pairs = band_index.SERVER_LAYOUT.pairs
    assert pairs / 2 <= 60_000 / len(rows) <= pairs
