"""rights metadata on records, and licence evidence per dataset version

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rights", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("training_use", sa.String(length=16), nullable=True))
    op.create_table(
        "license_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_version_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("license_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("locator", sa.String(length=2048), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=True),
        sa.Column("span_end", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_version_id"],
            ["dataset_versions.id"],
            name=op.f("fk_license_evidence_dataset_version_id_dataset_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["license_id"], ["licenses.id"], name=op.f("fk_license_evidence_license_id_licenses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_license_evidence")),
        sa.UniqueConstraint(
            "dataset_version_id",
            "role",
            "origin",
            "locator",
            name=op.f("uq_license_evidence_dataset_version_id"),
        ),
    )
    with op.batch_alter_table("license_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_license_evidence_dataset_version_id"),
            ["dataset_version_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("license_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_license_evidence_dataset_version_id"))
    op.drop_table("license_evidence")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_column("training_use")
        batch_op.drop_column("rights")
