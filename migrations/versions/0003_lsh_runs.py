"""LSH band keys in bucketed runs (lsh_segments, lsh_pages) instead of a row per band

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 11:30:00

The keys already stored move into runs, a run per 2^22 pairs (about 100,000 texts), which
later ingests merge; memory stays bounded whatever the table's size. The bucket format is
written out here rather than imported, so that this revision keeps meaning what it meant
when `lineage.store.band_index` changes.
"""

import math
from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUCKET_PAIRS = 192
BUCKET_SHIFT = 32
FANOUT = 4
LEVEL_BASE = 1 << 12
RUN_ENTRIES = 1 << 22
# Rows read at a time: as Python tuples they weigh ten times their 16 bytes.
FETCH_ROWS = 1 << 16
INT64 = np.dtype("<i8")

segments = sa.table(
    "lsh_segments",
    sa.column("id", sa.Integer),
    sa.column("level", sa.SmallInteger),
    sa.column("entries", sa.BigInteger),
    sa.column("bits", sa.SmallInteger),
)
pages = sa.table(
    "lsh_pages",
    sa.column("id", sa.BigInteger),
    sa.column("keys", sa.LargeBinary),
    sa.column("record_ids", sa.LargeBinary),
)
bands = sa.table(
    "lsh_bands",
    sa.column("key", sa.BigInteger),
    sa.column("record_id", sa.Integer),
    sa.column("band", sa.SmallInteger),
)


def upgrade() -> None:
    op.create_table(
        "lsh_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("bits", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lsh_segments")),
    )
    op.create_table(
        "lsh_pages",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("keys", sa.LargeBinary(), nullable=False),
        sa.Column("record_ids", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lsh_pages")),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(bands.c.key, bands.c.record_id).order_by(bands.c.key, bands.c.record_id),
        execution_options={"stream_results": True},
    )
    run = np.empty((RUN_ENTRIES, 2), np.int64)
    filled = 0
    while chunk := rows.fetchmany(FETCH_ROWS):
        pairs = np.array(chunk, np.int64)
        while len(pairs):
            taken = min(len(pairs), RUN_ENTRIES - filled)
            run[filled : filled + taken] = pairs[:taken]
            filled, pairs = filled + taken, pairs[taken:]
            if filled == RUN_ENTRIES:
                _write_run(connection, run[:, 0], run[:, 1])
                filled = 0
    if filled:
        _write_run(connection, run[:filled, 0], run[:filled, 1])
    op.drop_table("lsh_bands")


def _write_run(connection: sa.Connection, keys: np.ndarray, record_ids: np.ndarray) -> None:
    """A run: its pairs cut by the top bits of their keys into buckets of about 192."""
    entries = len(keys)
    bits = max(0, math.ceil(math.log2(entries / BUCKET_PAIRS))) if entries > BUCKET_PAIRS else 0
    level = int(math.log(max(entries, LEVEL_BASE) / LEVEL_BASE, FANOUT))
    segment_id = connection.execute(
        segments.insert().values(level=level, entries=entries, bits=bits).returning(segments.c.id)
    ).scalar_one()
    keys = np.ascontiguousarray(keys, INT64)
    record_ids = np.ascontiguousarray(record_ids, INT64)
    buckets = (keys.view(np.uint64) >> np.uint64(64 - bits)).astype(np.int64) if bits else 0 * keys
    order = np.argsort(buckets, kind="stable")
    keys, record_ids, buckets = keys[order], record_ids[order], buckets[order]
    starts = np.flatnonzero(np.diff(buckets, prepend=-1)).tolist()
    ends = [*starts[1:], entries]
    connection.execute(
        pages.insert(),
        [
            {
                "id": (segment_id << BUCKET_SHIFT) + int(buckets[start]),
                "keys": keys[start:end].tobytes(),
                "record_ids": record_ids[start:end].tobytes(),
            }
            for start, end in zip(starts, ends, strict=True)
        ],
    )


def downgrade() -> None:
    op.create_table(
        "lsh_bands",
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_lsh_bands_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "record_id", "band", name=op.f("pk_lsh_bands")),
        sqlite_with_rowid=False,
    )
    connection = op.get_bind()
    stored = connection.execute(
        sa.select(pages.c["keys"], pages.c.record_ids), execution_options={"stream_results": True}
    )
    for page_keys, page_ids in stored:
        # Runs do not keep band numbers, and revision 0002's code reads only key and record
        # id; the keys mix in their band, so (key, record_id) stays unique under band 0.
        connection.execute(
            bands.insert(),
            [
                {"key": key, "record_id": record_id, "band": 0}
                for key, record_id in zip(
                    np.frombuffer(page_keys, INT64).tolist(),
                    np.frombuffer(page_ids, INT64).tolist(),
                    strict=True,
                )
            ],
        )
    op.drop_table("lsh_pages")
    op.drop_table("lsh_segments")
