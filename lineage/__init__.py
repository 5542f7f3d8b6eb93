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

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from lineage.export import EXPORTERS as EXPORTERS, export_model as export_model
    from lineage.fetch import CrawlOptions as CrawlOptions
    from lineage.ingest import (
        IngestOptions as IngestOptions,
        IngestSummary as IngestSummary,
        crawl_and_ingest as crawl_and_ingest,
        ingest_paths as ingest_paths,
    )
    from lineage.query import (
        audit_licenses as audit_licenses,
        dataset_overlap as dataset_overlap,
        describe_dataset as describe_dataset,
        list_datasets as list_datasets,
        list_models as list_models,
        lookup_image as lookup_image,
        lookup_path as lookup_path,
        lookup_text as lookup_text,
        trained_on as trained_on,
        use_verdict as use_verdict,
    )
    from lineage.registry import (
        ModelRegistration as ModelRegistration,
        delete_dataset as delete_dataset,
        derive_dataset as derive_dataset,
        register_model as register_model,
    )
    from lineage.store import connect as connect, session_scope as session_scope

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "export": ["EXPORTERS", "export_model"],
        "fetch": ["CrawlOptions"],
        "ingest": ["IngestOptions", "IngestSummary", "crawl_and_ingest", "ingest_paths"],
        "query": [
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
        ],
        "registry": ["ModelRegistration", "delete_dataset", "derive_dataset", "register_model"],
        "store": ["connect", "session_scope"],
    },
)
