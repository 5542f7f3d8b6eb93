"""the LSH band index keeps the top 40 bits of each band key, 32 of them in the row

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 03:00:00

A bucket row held its keys whole, in 64 bits; its bucket number already says a key's top
bits, so a row now keeps only the next ones, up to the key's top 40 bits, in 32 bits (see
`lineage.store.band_buckets`): 4 bytes a pair less, about 170 a text. Runs have 8 bucket bits
at least, so that the rest always fits.

The upgrade cuts every row's keys in place (the rows of runs with fewer bucket bits are cut
anew into 8). What it drops cannot be restored, so the downgrade recomputes every text's
64-bit band keys from its stored signature, with its dataset version's parameters, and writes
them as runs of the former layout.
"""

import json
import math
from collections.abc import Iterator, Sequence

import numpy as np
import sqlalchemy as sa
from alembic import op

from lineage.fingerprint.text import TextFingerprintParams, band_keys, empty_rows

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUCKET_SHIFT = 32
KEY_BITS = 40
MIN_BUCKET_BITS = 8
# Rows converted per statement (a few MB), and records re-keyed at a time in a downgrade.
UPDATE_ROWS = 1024
RECORDS_AT_ONCE = 20_000
# The former layout's figures (revision 0011), which a downgrade writes runs in.
PAIRS_A_BUCKET = {"sqlite": 48}
SERVER_PAIRS_A_BUCKET = 192
LEVEL_BASE = 1 << 12
FANOUT = 4
PAIRS_A_RUN = 1 << 20

segments = sa.table(
    "lsh_segments",
    sa.column("id", sa.BigInteger),
    sa.column("level", sa.Integer),
    sa.column("entries", sa.BigInteger),
    sa.column("bits", sa.Integer),
)
pages = sa.table(
    "lsh_pages",
    sa.column("id", sa.BigInteger),
    sa.column("keys", sa.LargeBinary),
    sa.column("record_ids", sa.LargeBinary),
)
_TEXTS = sa.text(
    "SELECT records.id, records.minhash, (SELECT dataset_versions.fingerprint_params "
    "FROM occurrences JOIN dataset_versions "
    "ON dataset_versions.id = occurrences.dataset_version_id "
    "WHERE occurrences.record_id = records.id ORDER BY dataset_versions.id LIMIT 1) "
    "FROM records WHERE records.kind = 'text' AND records.minhash IS NOT NULL "
    "AND records.id > :after ORDER BY records.id LIMIT :limit"
)


def upgrade() -> None:
    connection = op.get_bind()
    for run, bits in connection.execute(sa.select(segments.c.id, segments.c.bits)).all():
        if bits >= MIN_BUCKET_BITS:
            _cut_in_place(run, bits)
        else:
            _cut_anew(run)


def _cut_in_place(run: int, bits: int) -> None:
    """Each row of the run keeps the bits of its keys' prefixes below its bucket's."""
    connection = op.get_bind()
    mask = np.uint64((1 << (KEY_BITS - bits)) - 1)
    for rows in _rows_of(run, with_ids=False):
        connection.execute(
            pages.update().where(pages.c.id == sa.bindparam("row")),
            [
                {"row": row, "keys": (_prefixes(keys) & mask).astype("<u4").tobytes()}
                for row, keys in rows
            ],
        )


def _cut_anew(run: int) -> None:
    """A small run (under 8 bucket bits) written again as rows of 8 bucket bits."""
    connection = op.get_bind()
    key_prefixes, record_ids = [], []
    for rows in _rows_of(run, with_ids=True):
        for _, keys, ids in rows:
            key_prefixes.append(_prefixes(keys))
            record_ids.append(_ids(ids, len(keys) // 8))
    connection.execute(pages.delete().where(*_run_rows(run)))
    prefixes = np.concatenate(key_prefixes)
    buckets = prefixes >> np.uint64(KEY_BITS - MIN_BUCKET_BITS)
    kept = (prefixes & np.uint64((1 << (KEY_BITS - MIN_BUCKET_BITS)) - 1)).astype("<u4")
    _insert_buckets(run, buckets, kept, np.concatenate(record_ids))
    connection.execute(segments.update().where(segments.c.id == run).values(bits=MIN_BUCKET_BITS))


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(pages.delete())
    connection.execute(segments.delete())
    keys: list[np.ndarray] = []
    record_ids: list[np.ndarray] = []
    held = 0
    for chunk_keys, chunk_ids in _band_keys_of_texts():
        keys.append(chunk_keys)
        record_ids.append(chunk_ids)
        held += len(chunk_keys)
        if held >= PAIRS_A_RUN:
            _write_former_run(np.concatenate(keys), np.concatenate(record_ids))
            keys, record_ids, held = [], [], 0
    if held:
        _write_former_run(np.concatenate(keys), np.concatenate(record_ids))


def _band_keys_of_texts() -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(64-bit band keys, record ids) of the stored texts with shingles, a chunk at a time,
    each with the parameters of the first version it is in (the defaults, in none)."""
    connection = op.get_bind()
    after = 0
    while rows := connection.execute(_TEXTS, {"after": after, "limit": RECORDS_AT_ONCE}).all():
        after = rows[-1][0]
        by_params: dict[str, list[tuple[int, bytes]]] = {}
        for record_id, minhash, params in rows:
            stated = json.loads(params) if isinstance(params, str) else params
            by_params.setdefault(json.dumps(stated or {}, sort_keys=True), []).append(
                (record_id, minhash)
            )
        for stated, texts in by_params.items():
            params = TextFingerprintParams.from_dict(json.loads(stated))
            values = np.stack([np.frombuffer(minhash, "<u4") for _, minhash in texts])
            signed = ~empty_rows(values)
            text_keys = band_keys(values[signed], params)
            ids = np.array([record_id for record_id, _ in texts], np.int64)[signed]
            yield text_keys.reshape(-1), np.repeat(ids, params.bands)


def _write_former_run(keys: np.ndarray, record_ids: np.ndarray) -> None:
    """A run of revision 0011's layout: rows of 64-bit keys, by their top bits."""
    connection = op.get_bind()
    pairs = PAIRS_A_BUCKET.get(connection.dialect.name, SERVER_PAIRS_A_BUCKET)
    entries = len(keys)
    bits = min(math.ceil(math.log2(entries / pairs)), BUCKET_SHIFT) if entries > pairs else 0
    level = int(math.log(max(entries, LEVEL_BASE) / LEVEL_BASE, FANOUT))
    run = connection.execute(
        segments.insert().values(level=level, entries=entries, bits=bits).returning(segments.c.id)
    ).scalar_one()
    unsigned = keys.view(np.uint64)
    buckets = unsigned >> np.uint64(64 - bits) if bits else np.zeros(entries, np.uint64)
    _insert_buckets(run, buckets, keys.astype("<i8"), record_ids)


def _insert_buckets(run: int, buckets: np.ndarray, keys: np.ndarray, ids: np.ndarray) -> None:
    """Rows of a run, one per bucket, of these keys (as stored) and record ids: in 32 bits
    on SQLite where all of them fit, as revision 0010 began."""
    narrow = op.get_bind().dialect.name == "sqlite" and ids.max() <= np.iinfo(np.uint32).max
    ids = ids.astype("<u4" if narrow else "<i8")
    order = np.argsort(buckets, kind="stable")
    buckets, keys, ids = buckets[order], keys[order], ids[order]
    starts = np.flatnonzero(np.diff(buckets.astype(np.int64), prepend=-1)).tolist()
    ends = [*starts[1:], len(keys)]
    base = run << BUCKET_SHIFT
    rows = [
        {
            "id": base + int(buckets[start]),
            "keys": keys[start:end].tobytes(),
            "record_ids": ids[start:end].tobytes(),
        }
        for start, end in zip(starts, ends, strict=True)
    ]
    for first in range(0, len(rows), UPDATE_ROWS):
        op.get_bind().execute(pages.insert(), rows[first : first + UPDATE_ROWS])


def _rows_of(run: int, with_ids: bool) -> Iterator[list[tuple]]:
    """The run's rows (id, keys[, record ids]), a statement's worth at a time."""
    connection = op.get_bind()
    columns = [pages.c.id, pages.c["keys"]] + ([pages.c.record_ids] if with_ids else [])
    last = (run << BUCKET_SHIFT) - 1
    while rows := connection.execute(
        sa.select(*columns)
        .where(pages.c.id > last, pages.c.id < (run + 1) << BUCKET_SHIFT)
        .order_by(pages.c.id)
        .limit(UPDATE_ROWS)
    ).all():
        yield [tuple(row) for row in rows]
        last = rows[-1][0]


def _run_rows(run: int) -> tuple:
    return (pages.c.id >= run << BUCKET_SHIFT, pages.c.id < (run + 1) << BUCKET_SHIFT)


def _prefixes(keys: bytes) -> np.ndarray:
    return np.frombuffer(keys, "<u8") >> np.uint64(64 - KEY_BITS)


def _ids(ids: bytes, count: int) -> np.ndarray:
    return np.frombuffer(ids, "<u4" if len(ids) == 4 * count else "<i8").astype(np.int64)
