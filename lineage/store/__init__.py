"""The store stage: the lineage database.

The schema (`schema`, SQLAlchemy models that Alembic's `migrations/` own), opening and
upgrading it (`engine`), the rows of the lineage graph (`rows`), records, occurrences and
licence evidence as ingest writes them, the LSH band index, manifests, and every piece of SQL
written for the driver, with the differences between SQLite and PostgreSQL.

>>> engine = connect("sqlite://")  # in memory, upgraded to the latest schema
>>> with session_scope(engine) as session:
...     ensure_license(session, "Apache-2.0").category
'permissive'
"""

from lineage.store.engine import (
    SCHEMA_REVISION,
    connect,
    current_revision,
    database_folder,
    database_url,
    session_scope,
)
from lineage.store.rows import (
    ensure_dataset_version,
    ensure_license,
    ensure_source,
    find_dataset,
    find_model,
    resolve_dataset_version,
    split_ref,
)

__all__ = [
    "SCHEMA_REVISION",
    "connect",
    "current_revision",
    "database_folder",
    "database_url",
    "ensure_dataset_version",
    "ensure_license",
    "ensure_source",
    "find_dataset",
    "find_model",
    "resolve_dataset_version",
    "session_scope",
    "split_ref",
]
