"""lineage: training-data provenance and IP lineage.

The library behind the `lineage` command; data flows through one package per stage:

- `lineage.crawl`: walk corpora and read them, one reader per format;
- `lineage.fingerprint`: exact hashes, MinHash signatures and perceptual hashes (pure);
- `lineage.store`: the lineage database (schema, engine, bulk SQL, band index, manifests);
- `lineage.fetch`: a polite web crawler that writes what it fetched to a WARC file;
- `lineage.ingest`: crawl, fingerprint and record a corpus (`ingest_paths`), or crawl the
  web and record what was fetched (`crawl_and_ingest`);
- `lineage.query`: what trained a model (`trained_on`), which models saw a work
  (`lookup_text`, `lookup_path`), dataset overlap, licence audits, read-only SQL;
- `lineage.export`: disclosure documents (`export_model`);
- `lineage.licenses`: SPDX normalisation, licence detection and licence facts.

`lineage.registry` records models, training runs and derivations; `lineage.vocabulary`
holds the words the database stores. The names below are the API every command sits on,
loaded on first use so that importing `lineage` costs nothing:

>>> import lineage
>>> engine = lineage.connect("sqlite://")
>>> from pathlib import Path
>>> summary = lineage.ingest_paths(engine, [Path("sample_data/field-notes")],
...                                lineage.IngestOptions(dataset="field-notes"))
>>> with lineage.session_scope(engine) as session:
...     _ = lineage.register_model(session, lineage.ModelRegistration(
...         "base-lm", datasets=("field-notes",)))
...     report = lineage.trained_on(session, "base-lm")
>>> report.distinct_records == summary.records_added
True
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lineage.export import EXPORTERS, export_model
    from lineage.fetch import CrawlOptions
    from lineage.ingest import IngestOptions, IngestSummary, crawl_and_ingest, ingest_paths
    from lineage.query import (
        audit_licenses,
        dataset_overlap,
        describe_dataset,
        list_datasets,
        list_models,
        lookup_image,
        lookup_path,
        lookup_text,
        trained_on,
        use_verdict,
    )
    from lineage.registry import (
        ModelRegistration,
        delete_dataset,
        derive_dataset,
        register_model,
    )
    from lineage.store import connect, session_scope

# Each public name, by the module it lives in.
_HOMES = {
    name: module
    for module, names in {
        "lineage.export": ("EXPORTERS", "export_model"),
        "lineage.fetch": ("CrawlOptions",),
        "lineage.ingest": ("IngestOptions", "IngestSummary", "crawl_and_ingest", "ingest_paths"),
        "lineage.query": (
            "audit_licenses",
            "dataset_overlap",
            "describe_dataset",
            "list_datasets",
            "list_models",
            "lookup_image",
            "lookup_path",
            "lookup_text",
            "trained_on",
            "use_verdict",
        ),
        "lineage.registry": (
            "ModelRegistration",
            "delete_dataset",
            "derive_dataset",
            "register_model",
        ),
        "lineage.store": ("connect", "session_scope"),
    }.items()
    for name in names
}
__all__ = [
    "EXPORTERS",
    "CrawlOptions",
    "IngestOptions",
    "IngestSummary",
    "ModelRegistration",
    "audit_licenses",
    "connect",
    "crawl_and_ingest",
    "dataset_overlap",
    "delete_dataset",
    "derive_dataset",
    "describe_dataset",
    "export_model",
    "ingest_paths",
    "list_datasets",
    "list_models",
    "lookup_image",
    "lookup_path",
    "lookup_text",
    "register_model",
    "session_scope",
    "trained_on",
    "use_verdict",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'lineage' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
