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

-- record_locations: where each record occurs: dataset version, locator, licence, source, and what its own metadata says of AI training.
CREATE VIEW record_locations AS
SELECT record.sha256, record.kind, record.size_bytes, dataset.name AS dataset, version.version,
       occurrence.locator, license.spdx AS license, occurrence.license_origin,
       source.uri AS source_uri, source.domain AS source_domain, record.training_use
FROM occurrences AS occurrence
JOIN records AS record ON record.id = occurrence.record_id
JOIN dataset_versions AS version ON version.id = occurrence.dataset_version_id
JOIN datasets AS dataset ON dataset.id = version.dataset_id
JOIN licenses AS license ON license.id = occurrence.license_id
JOIN sources AS source ON source.id = occurrence.source_id;

-- dataset_license_evidence: declared and found licences of each dataset version, with the file, hash, span and score behind each.
CREATE VIEW dataset_license_evidence AS
SELECT dataset.name AS dataset, version.version, evidence.role, license.spdx AS license,
       declared.spdx AS declared_license, evidence.origin, evidence.locator, evidence.sha256,
       evidence.span_start, evidence.span_end, evidence.score, evidence.method
FROM license_evidence AS evidence
JOIN dataset_versions AS version ON version.id = evidence.dataset_version_id
JOIN datasets AS dataset ON dataset.id = version.dataset_id
JOIN licenses AS license ON license.id = evidence.license_id
LEFT JOIN licenses AS declared ON declared.id = dataset.declared_license_id;

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

-- domain_rights: per web domain in each dataset version, its URLs, those with rights signals, those reserved by their page or by their site, and the site's policy files archived.
CREATE VIEW domain_rights AS
SELECT dataset.name AS dataset, version.version, source.domain,
       count(DISTINCT source.id) AS urls,
       count(DISTINCT source.id) FILTER (WHERE source.rights_signals IS NOT NULL) AS urls_with_signals,
       count(DISTINCT source.id) FILTER (
           WHERE json_extract_string(source.rights_signals, '$.training_use') = 'notAllowed'
       ) AS reserved_by_page,
       count(DISTINCT source.id) FILTER (
           WHERE json_extract_string(source.rights_signals, '$.site.training_use') = 'notAllowed'
       ) AS reserved_by_site,
       (SELECT string_agg(DISTINCT fact.kind, ', ' ORDER BY fact.kind) FROM crawl_facts AS fact
        WHERE fact.domain = source.domain AND fact.kind IN ('robots.txt', 'tdmrep.json')) AS policy_files
FROM occurrences AS occurrence
JOIN sources AS source ON source.id = occurrence.source_id
JOIN dataset_versions AS version ON version.id = occurrence.dataset_version_id
JOIN datasets AS dataset ON dataset.id = version.dataset_id
WHERE source.kind = 'web'
GROUP BY dataset.name, version.version, source.domain;

-- model_content: per model and kind of content, the distinct records of every dataset version that trained it (all splits), their bytes, and the public summary's token estimate (UTF-8 bytes / 4).
CREATE VIEW model_content AS
SELECT model, kind, count(*) AS records, sum(size_bytes) AS size_bytes,
       CASE WHEN kind = 'text' THEN CAST(ceil(sum(size_bytes) / 4.0) AS BIGINT) END AS estimated_tokens
FROM (
    SELECT DISTINCT trained.model, record.id, record.kind, record.size_bytes
    FROM (SELECT DISTINCT model, dataset, version FROM model_training_data) AS trained
    JOIN datasets AS dataset ON dataset.name = trained.dataset
    JOIN dataset_versions AS version
        ON version.dataset_id = dataset.id AND version.version = trained.version
    JOIN occurrences AS occurrence ON occurrence.dataset_version_id = version.id
    JOIN records AS record ON record.id = occurrence.record_id
)
GROUP BY model, kind;

-- dataset_acquisition: how each dataset version was obtained (its channel, which places it in the public summary's 2.1-2.6), the model that generated synthetic data, and its collection dates.
CREATE VIEW dataset_acquisition AS
SELECT dataset.name AS dataset, version.version, version.channel, version.generated_by,
       version.collected_until, version.files_modified_until,
       (SELECT max(occurrence.collected_at) FROM occurrences AS occurrence
        WHERE occurrence.dataset_version_id = version.id) AS archived_until
FROM dataset_versions AS version
JOIN datasets AS dataset ON dataset.id = version.dataset_id;

-- summary_history: every public summary exported, by model and format: its number, time, hash and the hash of the summary it follows.
CREATE VIEW summary_history AS
SELECT model.name AS model, export.format, export.number, export.exported_at, export.sha256,
       export.previous_sha256
FROM summary_exports AS export
JOIN models AS model ON model.id = export.model_id;

-- ingest_problems: every file or row an ingest run could not record, with the reason.
CREATE VIEW ingest_problems AS
SELECT dataset.name AS dataset, version.version, run.id AS ingest_run, run.status,
       error.locator, error.error_type, error.reason
FROM ingest_errors AS error
JOIN ingest_runs AS run ON run.id = error.ingest_run_id
JOIN dataset_versions AS version ON version.id = run.dataset_version_id
JOIN datasets AS dataset ON dataset.id = version.dataset_id;

-- near_duplicate_pairs: pairs of records in different dataset versions that are the same record or text, share an LSH band with an estimated Jaccard at the threshold (texts), or share a pHash piece and are within the hash distances (images; `lineage overlap` also finds the rare close pairs that share no piece).
CREATE VIEW near_duplicate_pairs AS
WITH members AS (
    SELECT DISTINCT occurrence.dataset_version_id AS version_id, occurrence.record_id
    FROM occurrences AS occurrence
),
-- A text's LSH bands, cut from its signature with its version's parameters (hex digits: a
-- band of r rows is 8r of them); signatures of texts without shingles (all F) have none.
text_bands AS (
    SELECT DISTINCT record_id, band, substring(signature, band * width + 1, width) AS key
    FROM (
        SELECT record.id AS record_id, hex(record.minhash) AS signature,
               unnest(range(json_extract(version.fingerprint_params, '$.bands')::INTEGER)) AS band,
               8 * json_extract(version.fingerprint_params, '$.rows')::INTEGER AS width
        FROM records AS record
        JOIN occurrences AS occurrence ON occurrence.record_id = record.id
        JOIN dataset_versions AS version ON version.id = occurrence.dataset_version_id
        WHERE record.kind = 'text' AND record.minhash IS NOT NULL
          AND ltrim(hex(record.minhash), 'F') <> ''
    )
),
text_pairs AS (
    SELECT DISTINCT mine.record_id, theirs.record_id AS other_record_id
    FROM text_bands AS mine
    JOIN text_bands AS theirs ON theirs.band = mine.band AND theirs.key = mine.key
        AND theirs.record_id <> mine.record_id
),
scored AS (
    SELECT pair.record_id, pair.other_record_id, false AS exact,
           list_sum(list_transform(range(octet_length(a.minhash) // 4),
               i -> (substring(hex(a.minhash), i * 8 + 1, 8)
                     = substring(hex(b.minhash), i * 8 + 1, 8))::INTEGER))
               / (octet_length(a.minhash) // 4) AS similarity
    FROM text_pairs AS pair
    JOIN records AS a ON a.id = pair.record_id
    JOIN records AS b ON b.id = pair.other_record_id
    UNION ALL
    SELECT DISTINCT mine.record_id, theirs.record_id, false,
           1 - bit_count(xor(mine.phash, theirs.phash)) / 64
    FROM image_keys AS mine
    JOIN image_keys AS theirs ON theirs.key = mine.key AND theirs.record_id <> mine.record_id
    WHERE bit_count(xor(mine.phash, theirs.phash)) <= 10
      AND bit_count(xor(mine.dhash, theirs.dhash)) <= 12
    UNION ALL
    SELECT a.id, b.id, true, 1.0
    FROM records AS a
    JOIN records AS b ON b.text_sha256 = a.text_sha256 AND a.id <> b.id
)
SELECT mine.version_id, scored.record_id, theirs.version_id AS other_version_id,
       scored.other_record_id, scored.exact, scored.similarity
FROM scored
JOIN members AS mine ON mine.record_id = scored.record_id
JOIN members AS theirs ON theirs.record_id = scored.other_record_id
    AND theirs.version_id <> mine.version_id
JOIN dataset_versions AS version ON version.id = mine.version_id
WHERE scored.exact
   OR scored.similarity >= coalesce(
        json_extract(version.fingerprint_params, '$.threshold')::DOUBLE, 0.4)
UNION ALL
SELECT mine.version_id, mine.record_id, theirs.version_id, theirs.record_id, true, 1.0
FROM members AS mine
JOIN members AS theirs ON theirs.record_id = mine.record_id AND theirs.version_id <> mine.version_id;

-- dataset_overlap: for each ordered pair of dataset versions, how many records of the first have an exact or near duplicate in the second (what `lineage overlap` reports).
CREATE VIEW dataset_overlap AS
WITH per_record AS (
    SELECT version_id, record_id, other_version_id, bool_or(exact) AS exact
    FROM near_duplicate_pairs
    GROUP BY ALL
),
sizes AS (
    SELECT dataset_version_id AS version_id, count(DISTINCT record_id) AS records
    FROM occurrences
    GROUP BY ALL
)
SELECT mine_set.name AS dataset, mine.version, theirs_set.name AS other_dataset,
       theirs.version AS other_version, sizes.records,
       count(*) FILTER (WHERE per_record.exact) AS exact,
       count(*) FILTER (WHERE NOT per_record.exact) AS near,
       count(*) AS overlapping
FROM per_record
JOIN sizes ON sizes.version_id = per_record.version_id
JOIN dataset_versions AS mine ON mine.id = per_record.version_id
JOIN datasets AS mine_set ON mine_set.id = mine.dataset_id
JOIN dataset_versions AS theirs ON theirs.id = per_record.other_version_id
JOIN datasets AS theirs_set ON theirs_set.id = theirs.dataset_id
GROUP BY ALL;
