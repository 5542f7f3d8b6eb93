-- revision 0012
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE licenses (
	id INTEGER NOT NULL, 
	spdx VARCHAR(512) NOT NULL, 
	category VARCHAR(32) NOT NULL, 
	commercial_use BOOLEAN, 
	attribution_required BOOLEAN NOT NULL, 
	share_alike BOOLEAN NOT NULL, 
	derivatives_allowed BOOLEAN, 
	CONSTRAINT pk_licenses PRIMARY KEY (id), 
	CONSTRAINT uq_licenses_spdx UNIQUE (spdx)
);
CREATE TABLE sources (
	id INTEGER NOT NULL, 
	uri VARCHAR(2048) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	domain VARCHAR(255), 
	first_seen_at DATETIME NOT NULL, 
	rights_signals JSON, 
	CONSTRAINT pk_sources PRIMARY KEY (id), 
	CONSTRAINT uq_sources_uri UNIQUE (uri)
);
CREATE INDEX ix_sources_domain ON sources (domain);
CREATE TABLE image_keys (
	"key" BIGINT NOT NULL, 
	record_id INTEGER NOT NULL, 
	piece SMALLINT NOT NULL, 
	phash BIGINT NOT NULL, 
	dhash BIGINT NOT NULL, 
	CONSTRAINT pk_image_keys PRIMARY KEY ("key", record_id), 
	CONSTRAINT fk_image_keys_record_id_records FOREIGN KEY(record_id) REFERENCES records (id) ON DELETE CASCADE
)
 WITHOUT ROWID

;
CREATE TABLE models (
	id INTEGER NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	license_id INTEGER, 
	card JSON, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_models PRIMARY KEY (id), 
	CONSTRAINT fk_models_license_id_licenses FOREIGN KEY(license_id) REFERENCES licenses (id), 
	CONSTRAINT uq_models_name UNIQUE (name)
);
CREATE TABLE dataset_versions (
	id INTEGER NOT NULL, 
	dataset_id INTEGER NOT NULL, 
	version VARCHAR(64) NOT NULL, 
	manifest_hash VARCHAR(64), 
	record_count BIGINT NOT NULL, 
	size_bytes BIGINT NOT NULL, 
	fingerprint_params JSON, 
	created_at DATETIME NOT NULL, channel VARCHAR(32), generated_by VARCHAR(255), collected_until DATETIME, files_modified_until DATETIME, languages JSON, 
	CONSTRAINT pk_dataset_versions PRIMARY KEY (id), 
	CONSTRAINT fk_dataset_versions_dataset_id_datasets FOREIGN KEY(dataset_id) REFERENCES datasets (id), 
	CONSTRAINT uq_dataset_versions_dataset_id UNIQUE (dataset_id, version)
);
CREATE TABLE model_derivations (
	id INTEGER NOT NULL, 
	child_model_id INTEGER NOT NULL, 
	parent_model_id INTEGER NOT NULL, 
	relation VARCHAR(32) NOT NULL, 
	CONSTRAINT pk_model_derivations PRIMARY KEY (id), 
	CONSTRAINT fk_model_derivations_child_model_id_models FOREIGN KEY(child_model_id) REFERENCES models (id), 
	CONSTRAINT fk_model_derivations_parent_model_id_models FOREIGN KEY(parent_model_id) REFERENCES models (id), 
	CONSTRAINT uq_model_derivations_child_model_id UNIQUE (child_model_id, parent_model_id)
);
CREATE INDEX ix_model_derivations_child_model_id ON model_derivations (child_model_id);
CREATE INDEX ix_model_derivations_parent_model_id ON model_derivations (parent_model_id);
CREATE TABLE training_runs (
	id INTEGER NOT NULL, 
	model_id INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	notes TEXT, 
	CONSTRAINT pk_training_runs PRIMARY KEY (id), 
	CONSTRAINT fk_training_runs_model_id_models FOREIGN KEY(model_id) REFERENCES models (id)
);
CREATE INDEX ix_training_runs_model_id ON training_runs (model_id);
CREATE TABLE dataset_derivations (
	id INTEGER NOT NULL, 
	derived_version_id INTEGER NOT NULL, 
	parent_version_id INTEGER NOT NULL, 
	operation VARCHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_dataset_derivations PRIMARY KEY (id), 
	CONSTRAINT fk_dataset_derivations_derived_version_id_dataset_versions FOREIGN KEY(derived_version_id) REFERENCES dataset_versions (id), 
	CONSTRAINT fk_dataset_derivations_parent_version_id_dataset_versions FOREIGN KEY(parent_version_id) REFERENCES dataset_versions (id), 
	CONSTRAINT uq_dataset_derivations_derived_version_id UNIQUE (derived_version_id, parent_version_id)
);
CREATE INDEX ix_dataset_derivations_derived_version_id ON dataset_derivations (derived_version_id);
CREATE INDEX ix_dataset_derivations_parent_version_id ON dataset_derivations (parent_version_id);
CREATE TABLE ingest_runs (
	id INTEGER NOT NULL, 
	dataset_version_id INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	started_at DATETIME NOT NULL, 
	finished_at DATETIME, 
	arguments JSON, 
	files_seen INTEGER NOT NULL, 
	files_failed INTEGER NOT NULL, 
	records_seen BIGINT NOT NULL, 
	records_added BIGINT NOT NULL, 
	bytes_read BIGINT NOT NULL, 
	CONSTRAINT pk_ingest_runs PRIMARY KEY (id), 
	CONSTRAINT fk_ingest_runs_dataset_version_id_dataset_versions FOREIGN KEY(dataset_version_id) REFERENCES dataset_versions (id)
);
CREATE INDEX ix_ingest_runs_dataset_version_id ON ingest_runs (dataset_version_id);
CREATE TABLE occurrences (
	id INTEGER NOT NULL, 
	dataset_version_id INTEGER NOT NULL, 
	record_id INTEGER NOT NULL, 
	locator VARCHAR(2048) NOT NULL, 
	source_id INTEGER NOT NULL, 
	license_id INTEGER NOT NULL, 
	license_origin VARCHAR(16) NOT NULL, config VARCHAR(64), split VARCHAR(64), collected_at DATETIME, payload_sha256 VARCHAR(64), 
	CONSTRAINT pk_occurrences PRIMARY KEY (id), 
	CONSTRAINT fk_occurrences_dataset_version_id_dataset_versions FOREIGN KEY(dataset_version_id) REFERENCES dataset_versions (id), 
	CONSTRAINT fk_occurrences_license_id_licenses FOREIGN KEY(license_id) REFERENCES licenses (id), 
	CONSTRAINT fk_occurrences_record_id_records FOREIGN KEY(record_id) REFERENCES records (id), 
	CONSTRAINT fk_occurrences_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id), 
	CONSTRAINT uq_occurrences_dataset_version_id UNIQUE (dataset_version_id, locator)
);
CREATE INDEX ix_occurrences_license_id ON occurrences (license_id);
CREATE INDEX ix_occurrences_record_id ON occurrences (record_id);
CREATE INDEX ix_occurrences_source_id ON occurrences (source_id);
CREATE TABLE training_inputs (
	id INTEGER NOT NULL, 
	training_run_id INTEGER NOT NULL, 
	dataset_version_id INTEGER NOT NULL, 
	epochs FLOAT, 
	weight FLOAT, splits JSON, 
	CONSTRAINT pk_training_inputs PRIMARY KEY (id), 
	CONSTRAINT fk_training_inputs_dataset_version_id_dataset_versions FOREIGN KEY(dataset_version_id) REFERENCES dataset_versions (id), 
	CONSTRAINT fk_training_inputs_training_run_id_training_runs FOREIGN KEY(training_run_id) REFERENCES training_runs (id), 
	CONSTRAINT uq_training_inputs_training_run_id UNIQUE (training_run_id, dataset_version_id)
);
CREATE INDEX ix_training_inputs_dataset_version_id ON training_inputs (dataset_version_id);
CREATE INDEX ix_training_inputs_training_run_id ON training_inputs (training_run_id);
CREATE TABLE ingest_errors (
	id INTEGER NOT NULL, 
	ingest_run_id INTEGER NOT NULL, 
	locator VARCHAR(2048) NOT NULL, 
	error_type VARCHAR(64) NOT NULL, 
	reason TEXT NOT NULL, 
	CONSTRAINT pk_ingest_errors PRIMARY KEY (id), 
	CONSTRAINT fk_ingest_errors_ingest_run_id_ingest_runs FOREIGN KEY(ingest_run_id) REFERENCES ingest_runs (id)
);
CREATE INDEX ix_ingest_errors_ingest_run_id ON ingest_errors (ingest_run_id);
CREATE TABLE license_evidence (
	id INTEGER NOT NULL, 
	dataset_version_id INTEGER NOT NULL, 
	role VARCHAR(8) NOT NULL, 
	license_id INTEGER NOT NULL, 
	origin VARCHAR(16) NOT NULL, 
	locator VARCHAR(2048) NOT NULL, 
	sha256 VARCHAR(64), 
	span_start INTEGER, 
	span_end INTEGER, 
	score FLOAT, 
	method VARCHAR(32) NOT NULL, 
	raw TEXT, 
	CONSTRAINT pk_license_evidence PRIMARY KEY (id), 
	CONSTRAINT fk_license_evidence_dataset_version_id_dataset_versions FOREIGN KEY(dataset_version_id) REFERENCES dataset_versions (id), 
	CONSTRAINT fk_license_evidence_license_id_licenses FOREIGN KEY(license_id) REFERENCES licenses (id), 
	CONSTRAINT uq_license_evidence_dataset_version_id UNIQUE (dataset_version_id, role, origin, locator)
);
CREATE INDEX ix_license_evidence_dataset_version_id ON license_evidence (dataset_version_id);
CREATE TABLE lsh_segments (
	id INTEGER NOT NULL, 
	level SMALLINT NOT NULL, 
	entries BIGINT NOT NULL, 
	bits SMALLINT NOT NULL, 
	CONSTRAINT pk_lsh_segments PRIMARY KEY (id)
);
CREATE TABLE lsh_pages (
	id INTEGER NOT NULL, 
	keys BLOB NOT NULL, 
	record_ids BLOB NOT NULL, 
	CONSTRAINT pk_lsh_pages PRIMARY KEY (id)
);
CREATE TABLE dataset_removals (
	id INTEGER NOT NULL, 
	dataset VARCHAR(255) NOT NULL, 
	version VARCHAR(64) NOT NULL, 
	manifest_hash VARCHAR(64), 
	record_count BIGINT NOT NULL, 
	size_bytes BIGINT NOT NULL, 
	trained_models JSON NOT NULL, 
	derived_versions JSON NOT NULL, 
	removed_at DATETIME NOT NULL, 
	CONSTRAINT pk_dataset_removals PRIMARY KEY (id)
);
CREATE TABLE "datasets" (
	id INTEGER NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	description TEXT, 
	card JSON, 
	declared_license_id INTEGER, 
	created_at DATETIME NOT NULL, 
	external BOOLEAN DEFAULT 0 NOT NULL, 
	CONSTRAINT pk_datasets PRIMARY KEY (id), 
	CONSTRAINT fk_datasets_declared_license_id_licenses FOREIGN KEY(declared_license_id) REFERENCES licenses (id), 
	CONSTRAINT uq_datasets_name UNIQUE (name)
);
CREATE TABLE crawl_facts (
	id INTEGER NOT NULL, 
	dataset_version_id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	domain VARCHAR(255), 
	uri VARCHAR(2048), 
	locator VARCHAR(2048) NOT NULL, 
	warc_record_id VARCHAR(255), 
	fetched_at DATETIME, 
	http_status SMALLINT, 
	sha256 VARCHAR(64) NOT NULL, 
	body TEXT NOT NULL, 
	CONSTRAINT pk_crawl_facts PRIMARY KEY (id), 
	CONSTRAINT fk_crawl_facts_dataset_version_id_dataset_versions FOREIGN KEY(dataset_version_id) REFERENCES dataset_versions (id), 
	CONSTRAINT uq_crawl_facts_dataset_version_id UNIQUE (dataset_version_id, locator)
);
CREATE INDEX ix_crawl_facts_dataset_version_id ON crawl_facts (dataset_version_id);
CREATE INDEX ix_crawl_facts_domain ON crawl_facts (domain);
CREATE TABLE crawls (
	id INTEGER NOT NULL, 
	dataset_version_id INTEGER NOT NULL, 
	crawler VARCHAR(255) NOT NULL, 
	user_agent VARCHAR(512) NOT NULL, 
	purpose TEXT NOT NULL, 
	seeds JSON NOT NULL, 
	archive VARCHAR(2048) NOT NULL, 
	started_at DATETIME NOT NULL, 
	finished_at DATETIME NOT NULL, 
	pages_fetched INTEGER NOT NULL, 
	refused JSON NOT NULL, 
	CONSTRAINT pk_crawls PRIMARY KEY (id), 
	CONSTRAINT fk_crawls_dataset_version_id_dataset_versions FOREIGN KEY(dataset_version_id) REFERENCES dataset_versions (id)
);
CREATE INDEX ix_crawls_dataset_version_id ON crawls (dataset_version_id);
CREATE TABLE summary_exports (
	id INTEGER NOT NULL, 
	model_id INTEGER NOT NULL, 
	format VARCHAR(32) NOT NULL, 
	number INTEGER NOT NULL, 
	exported_at DATETIME NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	previous_sha256 VARCHAR(64), 
	CONSTRAINT pk_summary_exports PRIMARY KEY (id), 
	CONSTRAINT fk_summary_exports_model_id_models FOREIGN KEY(model_id) REFERENCES models (id), 
	CONSTRAINT uq_summary_exports_model_id UNIQUE (model_id, format, number)
);
CREATE INDEX ix_summary_exports_model_id ON summary_exports (model_id);
CREATE TABLE safety_samples (
	id INTEGER NOT NULL, 
	drawn_from VARCHAR(1024) NOT NULL, 
	seed BIGINT NOT NULL, 
	size INTEGER NOT NULL, 
	population BIGINT NOT NULL, 
	drawn_at DATETIME NOT NULL, 
	CONSTRAINT pk_safety_samples PRIMARY KEY (id)
);
CREATE TABLE safety_sample_items (
	id INTEGER NOT NULL, 
	sample_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	dataset_version_id INTEGER NOT NULL, 
	record_sha256 VARCHAR(64) NOT NULL, 
	locator VARCHAR(2048) NOT NULL, 
	verdict VARCHAR(16), 
	category VARCHAR(64), 
	reviewer VARCHAR(255), 
	reviewed_at DATETIME, 
	CONSTRAINT pk_safety_sample_items PRIMARY KEY (id), 
	CONSTRAINT fk_safety_sample_items_dataset_version_id_dataset_versions FOREIGN KEY(dataset_version_id) REFERENCES dataset_versions (id), 
	CONSTRAINT fk_safety_sample_items_sample_id_safety_samples FOREIGN KEY(sample_id) REFERENCES safety_samples (id), 
	CONSTRAINT uq_safety_sample_items_sample_id UNIQUE (sample_id, position)
);
CREATE INDEX ix_safety_sample_items_dataset_version_id ON safety_sample_items (dataset_version_id);
CREATE INDEX ix_safety_sample_items_sample_id ON safety_sample_items (sample_id);
CREATE TABLE events (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	subject VARCHAR(512) NOT NULL, 
	detail JSON NOT NULL, 
	previous_hash VARCHAR(64), 
	hash VARCHAR(64) NOT NULL, 
	CONSTRAINT pk_events PRIMARY KEY (id), 
	CONSTRAINT uq_events_hash UNIQUE (hash)
);
CREATE TABLE "records" (
	id INTEGER NOT NULL, 
	sha256 BLOB NOT NULL, 
	kind VARCHAR(8) NOT NULL, 
	size_bytes BIGINT NOT NULL, 
	text_sha256 BLOB, 
	minhash BLOB, 
	phash BIGINT, 
	dhash BIGINT, 
	width INTEGER, 
	height INTEGER, 
	image_format VARCHAR(16), 
	rights JSON, 
	training_use VARCHAR(16), 
	CONSTRAINT pk_records PRIMARY KEY (id), 
	CONSTRAINT uq_records_sha256 UNIQUE (sha256)
);
CREATE INDEX ix_records_text_sha256 ON records (text_sha256);
CREATE INDEX ix_records_phash ON records (phash);
INSERT INTO alembic_version (version_num) VALUES ('0012');
