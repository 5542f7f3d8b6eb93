"""dataset versions deleted with --force, remembered for the models trained on them; datasets
known by name only (external); the config and split of occurrences, and the splits a training
input consumed

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataset_removals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=255), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("manifest_hash", sa.String(length=64), nullable=True),
        sa.Column("record_count", sa.BigInteger(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("trained_models", sa.JSON(), nullable=False),
        sa.Column("derived_versions", sa.JSON(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_removals")),
    )
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("external", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("config", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("split", sa.String(length=64), nullable=True))
    with op.batch_alter_table("training_inputs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("splits", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("training_inputs", schema=None) as batch_op:
        batch_op.drop_column("splits")
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_column("split")
        batch_op.drop_column("config")
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.drop_column("external")
    op.drop_table("dataset_removals")
