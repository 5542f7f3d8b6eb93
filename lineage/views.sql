-- Views over the lineage tables for `lineage sql`. Each view is preceded by a `-- name: doc` line,
-- which `lineage sql --help` shows. The base tables are available under their own names.

-- model_ancestry: every model with itself and each of its base models, and the chain that links them.
CREATE VIEW model_ancestry AS
WITH RECURSIVE chain(model_id, ancestor_id, via, depth) AS (
    SELECT id, id, '', 0 FROM models
    UNION ALL
    SELECT chain.model_id,
           derivation.parent_model_id,
           chain.via || CASE WHEN chain.via = '' THEN '' ELSE ' > ' END
               || 'base model ' || parent.name || ' (' || derivation.relation || ')',
           chain.depth + 1
    FROM chain
    JOIN model_derivations AS derivation ON derivation.child_model_id = chain.ancestor_id
    JOIN models AS parent ON parent.id = derivation.parent_model_id
    WHERE chain.depth < 64
)
SELECT model.name AS model, ancestor.name AS ancestor, chain.depth, chain.via,
       chain.model_id, chain.ancestor_id
FROM chain
JOIN models AS model ON model.id = chain.model_id
JOIN models AS ancestor ON ancestor.id = chain.ancestor_id;

-- model_training_data: every dataset version that trained a model, transitively through base models and dataset derivations.
CREATE VIEW model_training_data AS
WITH RECURSIVE reached(model_id, version_id, via, depth) AS (
    SELECT ancestry.model_id, input.dataset_version_id, ancestry.via, 0
    FROM model_ancestry AS ancestry
    JOIN training_runs AS run ON run.model_id = ancestry.ancestor_id
    JOIN training_inputs AS input ON input.training_run_id = run.id
    UNION ALL
    SELECT reached.model_id,
           derivation.parent_version_id,
           reached.via || CASE WHEN reached.via = '' THEN '' ELSE ' > ' END
               || 'derived dataset (' || derivation.operation || ')',
           reached.depth + 1
    FROM reached
    JOIN dataset_derivations AS derivation ON derivation.derived_version_id = reached.version_id
    WHERE reached.depth < 64
)
SELECT DISTINCT model.name AS model,
       dataset.name AS dataset,
       version.version,
       CASE WHEN reached.via = '' THEN 'direct' ELSE reached.via END AS via,
       version.record_count,
       version.size_bytes,
       version.manifest_hash
FROM reached
JOIN models AS model ON model.id = reached.model_id
JOIN dataset_versions AS version ON version.id = reached.version_id
JOIN datasets AS dataset ON dataset.id = version.dataset_id;

-- dataset_versions_summary: each dataset version with its size, manifest hash and declared licence.
CREATE VIEW dataset_versions_summary AS
SELECT dataset.name AS dataset, version.version, version.record_count, version.size_bytes,
       version.manifest_hash, declared.spdx AS declared_license, version.created_at
FROM dataset_versions AS version
JOIN datasets AS dataset ON dataset.id = version.dataset_id
LEFT JOIN licenses AS declared ON declared.id = dataset.declared_license_id;

-- dataset_licenses: distinct records per licence in each dataset version, with the licence's facts.
CREATE VIEW dataset_licenses AS
SELECT dataset.name AS dataset, version.version, license.spdx AS license, license.category,
       license.commercial_use, license.attribution_required, license.share_alike,
       license.derivatives_allowed, count(DISTINCT occurrence.record_id) AS records
FROM occurrences AS occurrence
JOIN dataset_versions AS version ON version.id = occurrence.dataset_version_id
JOIN datasets AS dataset ON dataset.id = version.dataset_id
JOIN licenses AS license ON license.id = occurrence.license_id
GROUP BY ALL;

-- record_locations: where each record occurs: dataset version, locator, licence and source.
CREATE VIEW record_locations AS
SELECT record.sha256, record.kind, record.size_bytes, dataset.name AS dataset, version.version,
       occurrence.locator, license.spdx AS license, occurrence.license_origin,
       source.uri AS source_uri, source.domain AS source_domain
FROM occurrences AS occurrence
JOIN records AS record ON record.id = occurrence.record_id
JOIN dataset_versions AS version ON version.id = occurrence.dataset_version_id
JOIN datasets AS dataset ON dataset.id = version.dataset_id
JOIN licenses AS license ON license.id = occurrence.license_id
JOIN sources AS source ON source.id = occurrence.source_id;

-- source_domains: records and bytes per source kind and web domain in each dataset version.
CREATE VIEW source_domains AS
SELECT dataset, version, source_kind, source_domain, count(DISTINCT sha256) AS records,
       sum(size_bytes) AS size_bytes
FROM (
    SELECT location.*, source.kind AS source_kind
    FROM record_locations AS location
    JOIN sources AS source ON source.uri = location.source_uri
)
GROUP BY ALL;

-- ingest_problems: every file or row an ingest run could not record, with the reason.
CREATE VIEW ingest_problems AS
SELECT dataset.name AS dataset, version.version, run.id AS ingest_run, run.status,
       error.locator, error.error_type, error.reason
FROM ingest_errors AS error
JOIN ingest_runs AS run ON run.id = error.ingest_run_id
JOIN dataset_versions AS version ON version.id = run.dataset_version_id
JOIN datasets AS dataset ON dataset.id = version.dataset_id;
