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

from lineage.errors import DatabaseUnavailableError

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIGEST_COLUMNS = ("sha256", "text_sha256")
HEX = sa.String(length=64)
BINARY = sa.LargeBinary(length=32)


# A digest that is not 64 lowercase hex digits, which the conversion could not keep.
_NOT_HEX = {
    "sqlite": "length({0}) <> 64 OR {0} GLOB '*[^0-9a-f]*'",
    "postgresql": "{0} !~ '^[0-9a-f]{{64}}$'",
}


def upgrade() -> None:
    _refuse_values_not_hex()
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_convert(_unhex, BINARY, HEX)
    else:
        _postgresql_convert("decode({}, 'hex')", BINARY, HEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_convert(_hex, HEX, BINARY)
    else:
        _postgresql_convert("encode({}, 'hex')", HEX, BINARY)


def _refuse_values_not_hex() -> None:
    """Name the first record whose digest is not hex, before anything changes (SQLite would
    only say that the conversion's function failed)."""
    connection = op.get_bind()
    condition = _NOT_HEX[connection.dialect.name]
    for column in DIGEST_COLUMNS:
        found = connection.exec_driver_sql(
            f"SELECT id, {column} FROM records WHERE {condition.format(column)} LIMIT 1"
        ).first()
        if found is not None:
            raise DatabaseUnavailableError(
                f"record {found[0]}: {column} {found[1]!r} is not 64 lowercase hex digits; "
                "schema revision 0011 keeps digests as their bytes, so it cannot convert it"
            )


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
