"""lineage: training-data provenance and IP lineage.

The library behind the `lineage` command, one module per stage:

- `lineage.crawl` and `lineage.ingest`: read corpora and record them (`ingest_paths`);
- `lineage.fingerprint`: exact hashes, MinHash signatures and perceptual hashes;
- `lineage.licenses`: SPDX normalisation, licence detection and licence facts;
- `lineage.db` and `lineage.models`: the lineage database (`connect`, `session_scope`);
- `lineage.registry`: models, training runs and dataset derivations;
- `lineage.training_data` (`trained_on`), `lineage.lookup` (`lookup_text`, `lookup_path`) and
  `lineage.overlap` (`dataset_overlap`): the questions it answers;
- `lineage.sql` (`run_query`): read-only SQL through DuckDB;
- `lineage.export` (`export_model`): disclosure documents.
"""
