"""web archives: when each occurrence was collected and the hash of the payload it came from;
what archives say of sites and crawlers (robots.txt, tdmrep.json, user agents); the crawls
`lineage crawl` made

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("payload_sha256", sa.String(length=64), nullable=True))
    op.create_table(
        "crawl_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=True),
        sa.Column("uri", sa.String(length=2048), nullable=True),
        sa.Column("locator", sa.String(length=2048), nullable=False),
        sa.Column("warc_record_id", sa.String(length=255), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("http_status", sa.SmallInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_version_id"],
            ["dataset_versions.id"],
            name=op.f("fk_crawl_facts_dataset_version_id_dataset_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_facts")),
        sa.UniqueConstraint(
            "dataset_version_id", "locator", name=op.f("uq_crawl_facts_dataset_version_id")
        ),
    )
    with op.batch_alter_table("crawl_facts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crawl_facts_dataset_version_id"), ["dataset_version_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_crawl_facts_domain"), ["domain"], unique=False)
    op.create_table(
        "crawls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_version_id", sa.Integer(), nullable=False),
        sa.Column("crawler", sa.String(length=255), nullable=False),
        sa.Column("user_agent", sa.String(length=512), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("seeds", sa.JSON(), nullable=False),
        sa.Column("archive", sa.String(length=2048), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pages_fetched", sa.Integer(), nullable=False),
        sa.Column("refused", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_version_id"],
            ["dataset_versions.id"],
            name=op.f("fk_crawls_dataset_version_id_dataset_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawls")),
    )
    with op.batch_alter_table("crawls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crawls_dataset_version_id"), ["dataset_version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("crawls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawls_dataset_version_id"))
    op.drop_table("crawls")
    with op.batch_alter_table("crawl_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawl_facts_domain"))
        batch_op.drop_index(batch_op.f("ix_crawl_facts_dataset_version_id"))
    op.drop_table("crawl_facts")
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_column("payload_sha256")
        batch_op.drop_column("collected_at")
