"""records' SHA-256 digests as their 32 bytes, not 64 characters of hex

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 02:10:00

`records.sha256` and `records.text_sha256` take half the bytes in the row and in each of their
two indexes: about 130 bytes a text record. The values are converted in place: PostgreSQL by
`decode`/`encode` as it changes the column's type; SQLite by updating them, then rebuilding the
table with the columns' new types (its way of changing a type). The rebuild drops `records`,
which `occurrences` and `image_keys` reference, so on SQLite it must run with foreign keys
unenforced, as `lineage.store.engine.schema_transaction` runs it (which checks them after).
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIGEST_COLUMNS = ("sha256", "text_sha256")
HEX = sa.String(length=64)
BINARY = sa.LargeBinary(length=32)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_convert(_unhex, BINARY, HEX)
    else:
        _postgresql_convert("decode({}, 'hex')", BINARY, HEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_convert(_hex, HEX, BINARY)
    else:
        _postgresql_convert("encode({}, 'hex')", HEX, BINARY)


def _unhex(value: str | bytes | None) -> bytes | None:
    return bytes.fromhex(value) if isinstance(value, str) else value


def _hex(value: str | bytes | None) -> str | None:
    return value.hex() if isinstance(value, bytes) else value


def _postgresql_convert(using: str, new: sa.types.TypeEngine, old: sa.types.TypeEngine) -> None:
    for column in DIGEST_COLUMNS:
        op.alter_column(
            "records", column, type_=new, existing_type=old, postgresql_using=using.format(column)
        )


def _sqlite_convert(
    convert: Callable[[str | bytes | None], str | bytes | None],
    new: sa.types.TypeEngine,
    old: sa.types.TypeEngine,
) -> None:
    connection = op.get_bind()
    if connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "revision 0011 rebuilds the records table, which other tables reference: run it "
            "with foreign keys unenforced, as lineage's upgrades do"
        )
    # The values first, by a function of this connection: SQLite keeps a value in a column of
    # any declared type, and the rebuild then copies them as they are.
    connection.connection.driver_connection.create_function(
        "lineage_digest", 1, convert, deterministic=True
    )
    assignments = ", ".join(f"{column} = lineage_digest({column})" for column in DIGEST_COLUMNS)
    connection.exec_driver_sql(f"UPDATE records SET {assignments}")
    with op.batch_alter_table("records", schema=None) as batch_op:
        for column in DIGEST_COLUMNS:
            batch_op.alter_column(column, type_=new, existing_type=old)
