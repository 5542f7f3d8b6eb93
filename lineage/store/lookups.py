"""The queries of a near-duplicate lookup, written for the driver: a lookup is one-off, and
SQLAlchemy would take longer to import, and to compile each statement afresh in every
process, than the database takes to answer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from lineage.store.digests import hex_digest, hex_digest_or_none, stored_digest
from lineage.store.driver import DriverConnection

_TEXT_COLUMNS = "SELECT id, sha256, text_sha256, minhash FROM records"
_TEXT_EXACT = _TEXT_COLUMNS + " WHERE sha256 = {marker} OR text_sha256 = {marker}"
_TEXT_BY_ID = _TEXT_COLUMNS + " WHERE id IN ({})"
_VERSION_PARAMS = (
    "SELECT fingerprint_params FROM dataset_versions WHERE id IN "
    "(SELECT dataset_version_id FROM occurrences WHERE record_id IN ({}))"
)
_IMAGE_CANDIDATES = "SELECT record_id, phash, dhash FROM image_keys WHERE key IN ({})"
_IMAGE_EXACT = "SELECT id FROM records WHERE sha256 = {marker} AND kind = 'image'"
_HASH_BY_ID = "SELECT id, sha256 FROM records WHERE id IN ({})"
_LOCATIONS = (
    "SELECT occurrences.locator, licenses.spdx, dataset_versions.id, datasets.name, "
    "dataset_versions.version FROM occurrences "
    "JOIN records ON records.id = occurrences.record_id "
    "JOIN licenses ON licenses.id = occurrences.license_id "
    "JOIN dataset_versions ON dataset_versions.id = occurrences.dataset_version_id "
    "JOIN datasets ON datasets.id = dataset_versions.dataset_id "
    "WHERE records.sha256 = {marker} ORDER BY dataset_versions.id, occurrences.locator"
)

# (id, sha256, text_sha256, minhash) of a stored text, its digests in hex.
TextRow = tuple[int, str, str | None, bytes | None]


def texts_matching_exactly(
    driver: DriverConnection, sha256: str, text_sha256: str
) -> list[TextRow]:
    """Texts with these bytes, or this normalised text."""
    rows = driver.rows(_TEXT_EXACT, (stored_digest(sha256), stored_digest(text_sha256)))
    return [_text_row(row) for row in rows]


def texts_by_id(driver: DriverConnection, record_ids: Sequence[int]) -> list[TextRow]:
    return [_text_row(row) for row in driver.rows_in(_TEXT_BY_ID, record_ids)]


def _text_row(row: tuple) -> TextRow:
    record_id, digest, text_digest, minhash = row
    return record_id, hex_digest(digest), hex_digest_or_none(text_digest), minhash


def fingerprint_params_of(
    driver: DriverConnection, record_ids: Sequence[int]
) -> list[dict[str, Any]]:
    """The text fingerprint parameters of the versions holding these records, where set."""
    # Versions first, then their JSON parameters: PostgreSQL cannot DISTINCT over json.
    found = [params for (params,) in driver.rows_in(_VERSION_PARAMS, record_ids)]
    # SQLite gives JSON as text, PostgreSQL parsed.
    return [json.loads(params) if isinstance(params, str) else params for params in found if params]


def image_candidates(driver: DriverConnection, keys: Sequence[int]) -> list[tuple[int, int, int]]:
    """(record id, pHash, dHash) of the images sharing any of these pHash piece keys."""
    return driver.rows_in(_IMAGE_CANDIDATES, keys)


def image_ids_by_hash(driver: DriverConnection, sha256: str) -> list[int]:
    rows = driver.rows(_IMAGE_EXACT, (stored_digest(sha256),))
    return [record_id for (record_id,) in rows]


def hashes_by_id(driver: DriverConnection, record_ids: Sequence[int]) -> dict[int, str]:
    rows = driver.rows_in(_HASH_BY_ID, record_ids)
    return {record_id: hex_digest(digest) for record_id, digest in rows}


def locations_of(driver: DriverConnection, sha256: str) -> list[tuple[str, str, int, str, str]]:
    """(locator, licence, version id, dataset, version) of every occurrence of a record."""
    return driver.rows(_LOCATIONS, (stored_digest(sha256),))
