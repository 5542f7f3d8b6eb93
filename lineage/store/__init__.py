"""The store stage: the lineage database.

The schema (`schema`, SQLAlchemy models that Alembic's `migrations/` own), opening and
upgrading it (`engine`), the rows of the lineage graph (`rows`), records, occurrences and
licence evidence as ingest writes them, the LSH band index, manifests, and every piece of SQL
written for the driver, with the differences between SQLite and PostgreSQL. Each name below
loads its module when first used: a lookup reads a SQLite file through `driver` alone,
without SQLAlchemy.

>>> from lineage.store import connect, ensure_license, session_scope
>>> engine = connect("sqlite://")  # in memory, upgraded to the latest schema
>>> with session_scope(engine) as session:
...     ensure_license(session, "Apache-2.0").category
'permissive'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from lineage.store.engine import (
        SCHEMA_REVISION as SCHEMA_REVISION,
        connect as connect,
        current_revision as current_revision,
        database_folder as database_folder,
        database_url as database_url,
        session_scope as session_scope,
        write_scope as write_scope,
    )
    from lineage.store.rows import (
        ensure_dataset_version as ensure_dataset_version,
        ensure_license as ensure_license,
        ensure_source as ensure_source,
        find_dataset as find_dataset,
        find_model as find_model,
        resolve_dataset_version as resolve_dataset_version,
        split_ref as split_ref,
    )

# Each name is imported from its module when first used.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "engine": [
            "SCHEMA_REVISION",
            "connect",
            "current_revision",
            "database_folder",
            "database_url",
            "session_scope",
            "write_scope",
        ],
        "rows": [
            "ensure_dataset_version",
            "ensure_license",
            "ensure_source",
            "find_dataset",
            "find_model",
            "resolve_dataset_version",
            "split_ref",
        ],
    },
)
