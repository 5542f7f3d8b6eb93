"""record ids of the LSH band index's buckets in 32 bits where they fit

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 17:45:00

No table changes: a bucket row's width follows from its byte lengths (8 bytes a key, 4 or 8
an id), so rows written before stay as they are and are read as they were. The revision
marks that writers from here on may write 32-bit ids, which code of revision 0009 would
misread; a downgrade therefore widens them back to 64 bits.
"""

from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Rows rewritten per statement: a few MB.
UPDATE_ROWS = 1024

pages = sa.table(
    "lsh_pages",
    sa.column("id", sa.BigInteger),
    sa.column("keys", sa.LargeBinary),
    sa.column("record_ids", sa.LargeBinary),
)


def upgrade() -> None:
    pass  # the format is read either way (see above)


def downgrade() -> None:
    connection = op.get_bind()
    narrow = sa.func.length(pages.c.record_ids) * 2 == sa.func.length(pages.c["keys"])
    last = -(1 << 63)
    while rows := connection.execute(
        sa.select(pages.c.id, pages.c.record_ids)
        .where(narrow, pages.c.id > last)
        .order_by(pages.c.id)
        .limit(UPDATE_ROWS)
    ).all():
        connection.execute(
            pages.update().where(pages.c.id == sa.bindparam("row")),
            [
                {"row": row, "record_ids": np.frombuffer(ids, "<u4").astype("<i8").tobytes()}
                for row, ids in rows
            ],
        )
        last = rows[-1][0]
