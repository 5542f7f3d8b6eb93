"""random samples of training content for the corpus safety check, their items and the
reviewers' verdicts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safety_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drawn_from", sa.String(length=1024), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("population", sa.BigInteger(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_samples")),
    )
    op.create_table(
        "safety_sample_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("dataset_version_id", sa.Integer(), nullable=False),
        sa.Column("record_sha256", sa.String(length=64), nullable=False),
        sa.Column("locator", sa.String(length=2048), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("reviewer", sa.String(length=255), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_version_id"],
            ["dataset_versions.id"],
            name=op.f("fk_safety_sample_items_dataset_version_id_dataset_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["sample_id"],
            ["safety_samples.id"],
            name=op.f("fk_safety_sample_items_sample_id_safety_samples"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_sample_items")),
        sa.UniqueConstraint("sample_id", "position", name=op.f("uq_safety_sample_items_sample_id")),
    )
    with op.batch_alter_table("safety_sample_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_sample_items_dataset_version_id"),
            ["dataset_version_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_safety_sample_items_sample_id"), ["sample_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("safety_sample_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_sample_items_sample_id"))
        batch_op.drop_index(batch_op.f("ix_safety_sample_items_dataset_version_id"))
    op.drop_table("safety_sample_items")
    op.drop_table("safety_samples")
