"""how each dataset version was obtained (its acquisition channel, and the model that generated
synthetic data), when its content was collected; the history of exported public summaries

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dataset_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("generated_by", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("collected_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("files_modified_until", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "summary_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("previous_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["model_id"], ["models.id"], name=op.f("fk_summary_exports_model_id_models")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_exports")),
        sa.UniqueConstraint(
            "model_id", "format", "number", name=op.f("uq_summary_exports_model_id")
        ),
    )
    with op.batch_alter_table("summary_exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_summary_exports_model_id"), ["model_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("summary_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_summary_exports_model_id"))
    op.drop_table("summary_exports")
    with op.batch_alter_table("dataset_versions", schema=None) as batch_op:
        batch_op.drop_column("files_modified_until")
        batch_op.drop_column("collected_until")
        batch_op.drop_column("generated_by")
        batch_op.drop_column("channel")
