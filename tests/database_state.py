"""What an ingest leaves in a database, independent of row ids and times: what the crash,
concurrency and cluster tests compare between runs."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def database_state(db_url: str) -> dict[str, object]:
    """What an ingest leaves, independent of row ids and times."""
    engine = create_engine(db_url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).one() == ("ok",)
        occurrences = connection.execute(
            text(
                "SELECT datasets.name, occurrences.locator, records.sha256, licenses.spdx "
                "FROM occurrences JOIN records ON records.id = occurrences.record_id "
                "JOIN licenses ON licenses.id = occurrences.license_id "
                "JOIN dataset_versions ON dataset_versions.id = occurrences.dataset_version_id "
                "JOIN datasets ON datasets.id = dataset_versions.dataset_id ORDER BY 1, 2"
            )
        ).all()
        versions = connection.execute(
            text(
                "SELECT datasets.name, version, manifest_hash, record_count, size_bytes "
                "FROM dataset_versions JOIN datasets ON datasets.id = dataset_id ORDER BY 1"
            )
        ).all()
        records = connection.execute(text("SELECT count(*), count(DISTINCT sha256) FROM records"))
        fingerprints = connection.execute(
            text(
                "SELECT sha256, kind, size_bytes, text_sha256, minhash, phash, dhash, "
                "training_use FROM records ORDER BY sha256, kind"
            )
        ).all()
        state = {
            "occurrences": [tuple(row) for row in occurrences],
            "versions": [tuple(row) for row in versions],
            "records": tuple(records.one()),
            "fingerprints": [tuple(row) for row in fingerprints],
        }
    engine.dispose()
    return state
