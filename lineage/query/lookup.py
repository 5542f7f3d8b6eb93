"""Which datasets and models hold this work: exact and near-duplicate lookup of a text or image.

Text candidates come from the LSH band keys persisted with each record, so a fresh process
answers without building an index; each candidate is confirmed by its estimated Jaccard.
Images are compared by Hamming distance of their perceptual hashes. A lookup takes a session
or the driver's own connection (`lineage.store.driver`): a one-off lookup in a fresh process
is mostly imports, and SQLAlchemy would be the largest of them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lineage.errors import IncompatibleFingerprintError, InputError
from lineage.fingerprint.image_index import (
    DHASH_MAX_DISTANCE,
    HASH_BITS,
    IMAGE_SUFFIXES,
    PHASH_MAX_DISTANCE,
    image_probe_keys,
)
from lineage.fingerprint.text import (
    DEFAULT_TEXT_PARAMS,
    TextFingerprintParams,
    check_compatible,
    fingerprint_text,
    is_empty,
    similarity,
    values_from_bytes,
)
from lineage.fingerprint.tokens import decode_text
from lineage.query.graph import LineageGraph, describe_path
from lineage.store import band_buckets, lookups
from lineage.store.driver import DriverConnection, driver_of
from lineage.vocabulary import RecordKind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


def lookup_path(database: Session | DriverConnection, path: Path) -> list[Match]:
    """Look up the work in a file: an image by its suffix, anything else as UTF-8 text.

    >>> from lineage.store import connect, session_scope
    >>> from lineage.ingest import IngestOptions, ingest_paths
    >>> engine = connect("sqlite://")
    >>> _ = ingest_paths(engine, [Path("sample_data/field-notes")],
    ...                  IngestOptions(dataset="field-notes"))
    >>> with session_scope(engine) as session:
    ...     matches = lookup_path(session, Path("sample_data/probes/edited-note.txt"))
    >>> [(m.exact, m.locations[0].locator) for m in matches]
    [(False, 'field-notes/01-heron-at-dawn.txt')]
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return lookup_image(database, data)
    return lookup_text(database, decode_text(data, str(path)), exact_bytes=data)


def lookup_text(
    database: Session | DriverConnection,
    text: str,
    params: TextFingerprintParams = DEFAULT_TEXT_PARAMS,
    exact_bytes: bytes | None = None,
) -> list[Match]:
    """Stored texts equal to `text` (bytes or normalised) or with estimated Jaccard ≥ threshold."""
    driver = driver_of(database)
    fingerprint = fingerprint_text(text, params)
    sha = hashlib.sha256(exact_bytes if exact_bytes is not None else text.encode()).hexdigest()
    # A text without shingles (punctuation only) can only match exactly.
    band_keys = () if is_empty(fingerprint.values) else fingerprint.band_keys
    near = sorted(band_buckets.candidates(driver, band_keys))
    exact_rows = lookups.texts_matching_exactly(driver, sha, fingerprint.text_sha256)
    candidates = {row[0]: row for row in exact_rows + lookups.texts_by_id(driver, near)}
    _check_stored_params(driver, list(candidates), params)
    matches = []
    for _, stored_sha, text_sha, minhash in candidates.values():
        if stored_sha == sha or text_sha == fingerprint.text_sha256:
            matches.append(Match(stored_sha, RecordKind.TEXT, 1.0, exact=True))
        elif minhash is not None:  # an image with the text's bytes has no signature
            estimate = similarity(fingerprint.values, values_from_bytes(minhash, params))
            if estimate >= params.threshold:
                matches.append(Match(stored_sha, RecordKind.TEXT, estimate, exact=False))
    return _with_locations(driver, matches)


def _check_stored_params(
    driver: DriverConnection, record_ids: list[int], params: TextFingerprintParams
) -> None:
    """Refuse to compare with records fingerprinted under other parameters."""
    if not record_ids:
        return
    for found in lookups.fingerprint_params_of(driver, record_ids):
        try:
            check_compatible(TextFingerprintParams.from_dict(found), params)
        except IncompatibleFingerprintError as exc:
            raise IncompatibleFingerprintError(
                f"cannot compare with stored records: {exc}"
            ) from exc


def lookup_image(database: Session | DriverConnection, data: bytes) -> list[Match]:
    """Stored images with the same bytes, or within the pHash and dHash distance thresholds."""
    from lineage.fingerprint.image import fingerprint_image  # Pillow, for images only

    driver = driver_of(database)
    sha = hashlib.sha256(data).hexdigest()
    probe = fingerprint_image(data)
    # Candidates share a key with the probe; only their hashes are read, thousands at 1M images.
    candidates = lookups.image_candidates(driver, image_probe_keys(probe.phash))
    rows = np.array(candidates, dtype=np.int64).reshape(-1, 3)
    close = (_hamming(rows[:, 1], probe.phash) <= PHASH_MAX_DISTANCE) & (
        _hamming(rows[:, 2], probe.dhash) <= DHASH_MAX_DISTANCE
    )
    found = {int(record_id): int(phash) for record_id, phash, _ in rows[close]}
    for exact in lookups.image_ids_by_hash(driver, sha):
        found.setdefault(exact, probe.phash)
    hashes = lookups.hashes_by_id(driver, list(found))
    matches = [
        Match(
            hashes[record_id],
            RecordKind.IMAGE,
            1.0 - int(_hamming(np.int64(phash), probe.phash)) / HASH_BITS,
            hashes[record_id] == sha,
        )
        for record_id, phash in found.items()
    ]
    return _with_locations(driver, matches)


def _hamming(stored: np.ndarray | np.integer, probe: int) -> np.ndarray:
    return np.bitwise_count(stored ^ np.int64(probe))


def _with_locations(driver: DriverConnection, matches: list[Match]) -> list[Match]:
    """Attach where each match occurs and every model trained on it; best matches first.
    Records no version holds any more (vanished from their files, or their dataset deleted)
    are kept, never deleted, but are no longer where the work is found."""
    if not matches:
        return []
    graph = LineageGraph.load(driver)
    for match in matches:
        version_ids: dict[int, None] = {}
        for locator, spdx, version_id, dataset, version in lookups.locations_of(
            driver, match.sha256
        ):
            version_ids[version_id] = None
            match.locations.append(Location(dataset, version, locator, spdx))
        reached = graph.models_trained_on(version_ids)
        match.models = {
            name: [describe_path(path) for path in paths] for name, paths in reached.items()
        }
    held = [match for match in matches if match.locations]
    return sorted(held, key=lambda match: (not match.exact, -match.similarity, match.sha256))
