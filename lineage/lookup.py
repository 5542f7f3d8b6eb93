"""Which datasets and models hold this work: exact and near-duplicate lookup of a text or image.

Text candidates come from the LSH band keys persisted with each record, so a fresh process
answers without building an index; each candidate is confirmed by its estimated Jaccard.
Images are compared by Hamming distance of their perceptual hashes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from lineage import band_index
from lineage.crawl.readers import decode_utf8
from lineage.crawl.walk import IMAGE_SUFFIXES
from lineage.db import driver_rows, rows_in
from lineage.errors import IncompatibleFingerprintError, InputError
from lineage.fingerprint import (
    DEFAULT_TEXT_PARAMS,
    DHASH_MAX_DISTANCE,
    HASH_BITS,
    PHASH_MAX_DISTANCE,
    TextFingerprintParams,
    check_compatible,
    fingerprint_image,
    fingerprint_text,
    image_probe_keys,
    is_empty,
    similarity,
    values_from_bytes,
)
from lineage.graph import describe_path, models_trained_on
from lineage.models import DatasetVersion

# A lookup is one-off, and SQLAlchemy would compile each statement afresh in every process,
# some milliseconds apiece for ORM ones: a lookup's own queries go to the driver as SQL.
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


@dataclass(frozen=True)
class Location:
    dataset: str
    version: str
    locator: str
    license: str


@dataclass
class Match:
    """A stored record that is this work or a near duplicate of it, and where it went."""

    sha256: str
    kind: str
    similarity: float
    exact: bool
    locations: list[Location] = field(default_factory=list)
    models: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "kind": self.kind,
            "similarity": round(self.similarity, 4),
            "exact": self.exact,
            "locations": [vars(location) for location in self.locations],
            "models": [{"model": name, "paths": paths} for name, paths in self.models.items()],
        }


def lookup_path(session: Session, path: Path) -> list[Match]:
    """Look up the work in a file: an image by its suffix, anything else as UTF-8 text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return lookup_image(session, data)
    return lookup_text(session, decode_utf8(data, str(path)), exact_bytes=data)


def lookup_text(
    session: Session,
    text: str,
    params: TextFingerprintParams = DEFAULT_TEXT_PARAMS,
    exact_bytes: bytes | None = None,
) -> list[Match]:
    """Stored texts equal to `text` (bytes or normalised) or with estimated Jaccard ≥ threshold."""
    fingerprint = fingerprint_text(text, params)
    sha = hashlib.sha256(exact_bytes if exact_bytes is not None else text.encode()).hexdigest()
    # A text without shingles (punctuation only) can only match exactly.
    band_keys = () if is_empty(fingerprint.values) else fingerprint.band_keys
    near = sorted(band_index.candidates(session, band_keys))
    exact_rows = driver_rows(session, _TEXT_EXACT, (sha, fingerprint.text_sha256))
    candidates = {row[0]: row for row in exact_rows + rows_in(session, _TEXT_BY_ID, near)}
    _check_stored_params(session, list(candidates), params)
    matches = []
    for _, stored_sha, text_sha, minhash in candidates.values():
        exact = stored_sha == sha or text_sha == fingerprint.text_sha256
        estimate = (
            1.0 if exact else similarity(fingerprint.values, values_from_bytes(minhash, params))
        )
        if exact or estimate >= params.threshold:
            matches.append(Match(stored_sha, "text", estimate, exact))
    return _with_locations(session, matches)


def _check_stored_params(
    session: Session, record_ids: list[int], params: TextFingerprintParams
) -> None:
    """Refuse to compare with records fingerprinted under other parameters."""
    if not record_ids:
        return
    # Versions first, then their JSON parameters: PostgreSQL cannot DISTINCT over json.
    for (found,) in rows_in(session, _VERSION_PARAMS, record_ids):
        if found is not None:
            if isinstance(found, str):  # SQLite gives the JSON as text, PostgreSQL parsed
                found = json.loads(found)
            try:
                check_compatible(TextFingerprintParams.from_dict(found), params)
            except IncompatibleFingerprintError as exc:
                raise IncompatibleFingerprintError(
                    f"cannot compare with stored records: {exc}"
                ) from exc


def lookup_image(session: Session, data: bytes) -> list[Match]:
    """Stored images with the same bytes, or within the pHash and dHash distance thresholds."""
    sha = hashlib.sha256(data).hexdigest()
    probe = fingerprint_image(data)
    # Candidates share a key with the probe; only their hashes are read, thousands at 1M images.
    candidates = rows_in(session, _IMAGE_CANDIDATES, image_probe_keys(probe.phash))
    rows = np.array(candidates, dtype=np.int64).reshape(-1, 3)
    close = (_hamming(rows[:, 1], probe.phash) <= PHASH_MAX_DISTANCE) & (
        _hamming(rows[:, 2], probe.dhash) <= DHASH_MAX_DISTANCE
    )
    found = {int(record_id): int(phash) for record_id, phash, _ in rows[close]}
    for (exact,) in driver_rows(session, _IMAGE_EXACT, (sha,)):
        found.setdefault(exact, probe.phash)
    hashes = dict(rows_in(session, _HASH_BY_ID, list(found)))
    matches = [
        Match(
            hashes[record_id],
            "image",
            1.0 - int(_hamming(np.int64(phash), probe.phash)) / HASH_BITS,
            hashes[record_id] == sha,
        )
        for record_id, phash in found.items()
    ]
    return _with_locations(session, matches)


def _hamming(stored: np.ndarray, probe: int) -> np.ndarray:
    return np.bitwise_count(stored ^ np.int64(probe))


def _with_locations(session: Session, matches: list[Match]) -> list[Match]:
    """Attach where each match occurs and every model trained on it; best matches first."""
    for match in matches:
        version_ids: dict[int, None] = {}
        for locator, spdx, version_id, dataset, version in driver_rows(
            session, _LOCATIONS, (match.sha256,)
        ):
            version_ids[version_id] = None
            match.locations.append(Location(dataset, version, locator, spdx))
        versions = [session.get_one(DatasetVersion, version_id) for version_id in version_ids]
        reached = models_trained_on(session, versions)
        match.models = {
            name: [describe_path(path) for path in paths] for name, paths in reached.items()
        }
    return sorted(matches, key=lambda match: (not match.exact, -match.similarity, match.sha256))
