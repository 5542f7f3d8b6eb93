"""How much of dataset A is in dataset B: exact and near-duplicate records, with examples.

This is the contamination check (an evaluation set against training data) and the dedup
report. Exact means the same bytes or the same normalised text; near means an estimated
Jaccard at or above the threshold for texts (candidates share an LSH band), and
pHash and dHash within their distances for images.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.fingerprint import (
    DEFAULT_TEXT_PARAMS,
    DHASH_MAX_DISTANCE,
    PHASH_MAX_DISTANCE,
    TextFingerprintParams,
    band_keys,
    check_compatible,
    is_empty,
    values_from_bytes,
)
from lineage.store import resolve_dataset_version
from lineage.store.schema import Occurrence, Record
from lineage.vocabulary import RecordKind

T = TypeVar("T")
# Rows of B compared with one chunk of A's images at once (bounded memory).
IMAGE_CHUNK = 2048
# A's texts whose band keys are looked up in B's at once, and candidate pairs whose
# signatures are compared at once (two 128-value rows each): memory stays bounded even where
# boilerplate makes thousands of texts candidates of each other.
TEXT_CHUNK = 512
PAIR_CHUNK = 16_384


@dataclass(frozen=True)
class OverlapExample:
    locator: str
    other_locator: str
    similarity: float
    exact: bool


@dataclass
class OverlapReport:
    dataset: str
    other: str
    records: int
    exact: int = 0
    near: int = 0
    examples: list[OverlapExample] = field(default_factory=list)

    @property
    def overlapping(self) -> int:
        return self.exact + self.near

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "other": self.other,
            "records": self.records,
            "exact": self.exact,
            "near": self.near,
            "overlapping": self.overlapping,
            "share": round(self.overlapping / self.records, 6) if self.records else 0.0,
            "examples": [vars(example) for example in self.examples],
        }


@dataclass(frozen=True)
class _Member:
    record_id: int
    locator: str
    kind: str
    sha256: str
    text_sha256: str | None
    minhash: bytes | None
    phash: int | None
    dhash: int | None


def dataset_overlap(
    session: Session,
    ref: str,
    other_ref: str,
    params: TextFingerprintParams = DEFAULT_TEXT_PARAMS,
    max_examples: int = 10,
) -> OverlapReport:
    """Records of `ref` that have an exact or near duplicate in `other_ref`: the
    contamination of an evaluation set by training data, or what a dedup would remove.

    >>> from pathlib import Path
    >>> from lineage.store import connect, session_scope
    >>> from lineage.ingest import IngestOptions, ingest_paths
    >>> engine = connect("sqlite://")
    >>> for name, path in (("notes", "sample_data/field-notes"), ("probes", "sample_data/probes")):
    ...     _ = ingest_paths(engine, [Path(path)], IngestOptions(dataset=name))
    >>> with session_scope(engine) as session:
    ...     report = dataset_overlap(session, "probes", "notes")
    >>> report.exact, report.near, report.examples[0].other_locator
    (0, 1, 'field-notes/01-heron-at-dawn.txt')
    """
    version, other = (resolve_dataset_version(session, r) for r in (ref, other_ref))
    for each in (version, other):
        if each.fingerprint_params is not None:
            check_compatible(TextFingerprintParams.from_dict(each.fingerprint_params), params)
    members, others = _members(session, version.id), _members(session, other.id)
    matches = _exact_matches(members, others)
    matches |= _near_texts(members, others, matches, params)
    matches |= _near_images(members, others, matches)
    report = OverlapReport(version.ref, other.ref, records=len(members))
    for record_id in sorted(matches, key=lambda rid: members[rid].locator):
        example = matches[record_id]
        if example.exact:
            report.exact += 1
        else:
            report.near += 1
        if len(report.examples) < max_examples:
            report.examples.append(example)
    return report


def _members(session: Session, version_id: int) -> dict[int, _Member]:
    """One entry per distinct record of the version, at its first locator."""
    rows = session.execute(
        select(
            Record.id,
            Occurrence.locator,
            Record.kind,
            Record.sha256,
            Record.text_sha256,
            Record.minhash,
            Record.phash,
            Record.dhash,
        )
        .join(Occurrence, Occurrence.record_id == Record.id)
        .where(Occurrence.dataset_version_id == version_id)
        .order_by(Occurrence.locator)
    ).all()
    members: dict[int, _Member] = {}
    for row in rows:
        members.setdefault(row[0], _Member(*row))
    return members


def _exact_matches(
    members: dict[int, _Member], others: dict[int, _Member]
) -> dict[int, OverlapExample]:
    by_text = {m.text_sha256: m for m in others.values() if m.text_sha256}
    matches = {}
    for record_id, member in members.items():
        twin = others.get(record_id) or by_text.get(member.text_sha256 or "")
        if twin is not None:
            matches[record_id] = OverlapExample(member.locator, twin.locator, 1.0, True)
    return matches


def _near_texts(
    members: dict[int, _Member],
    others: dict[int, _Member],
    found: dict[int, OverlapExample],
    params: TextFingerprintParams,
) -> dict[int, OverlapExample]:
    """Candidates share an LSH band key, computed from both sides' signatures; each is
    confirmed by its estimated Jaccard."""
    mine, my_values = _signed([m for rid, m in members.items() if rid not in found], params)
    theirs, their_values = _signed(list(others.values()), params)
    if not mine or not theirs:
        return {}
    their_keys = band_keys(their_values, params).ravel()
    order = np.argsort(their_keys, kind="stable")
    their_keys, their_rows = their_keys[order], order // params.bands
    best: dict[int, OverlapExample] = {}
    for start in range(0, len(mine), TEXT_CHUNK):
        values = my_values[start : start + TEXT_CHUNK]
        keys = band_keys(values, params).ravel()
        first = np.searchsorted(their_keys, keys, "left")
        counts = np.searchsorted(their_keys, keys, "right") - first
        rows = np.repeat(np.arange(len(keys)) // params.bands, counts)
        hits = their_rows[np.repeat(first, counts) + _ranks(counts)]
        pairs = np.unique(np.stack([rows, hits], axis=1), axis=0)
        estimates = np.concatenate(
            [
                (values[part[:, 0]] == their_values[part[:, 1]]).mean(axis=1)
                for part in np.array_split(pairs, max(1, len(pairs) // PAIR_CHUNK))
            ]
        )
        for (row, hit), estimate in zip(pairs.tolist(), estimates.tolist(), strict=True):
            member, current = mine[start + row], best.get(mine[start + row].record_id)
            if estimate >= params.threshold and (current is None or estimate > current.similarity):
                best[member.record_id] = OverlapExample(
                    member.locator, theirs[hit].locator, estimate, False
                )
    return best


def _signed(
    members: list[_Member], params: TextFingerprintParams
) -> tuple[list[_Member], np.ndarray]:
    """The texts among `members` that have shingles, and their signatures as one matrix."""
    texts = [m for m in members if m.kind == RecordKind.TEXT and m.minhash is not None]
    values = [values_from_bytes(m.minhash or b"", params) for m in texts]
    kept = [index for index, value in enumerate(values) if not is_empty(value)]
    matrix = np.stack([values[index] for index in kept]) if kept else np.empty((0, 0), np.uint32)
    return [texts[index] for index in kept], matrix


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., count - 1 for each count, concatenated."""
    ends = np.cumsum(counts)
    return np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - counts, counts)


def _near_images(
    members: dict[int, _Member], others: dict[int, _Member], found: dict[int, OverlapExample]
) -> dict[int, OverlapExample]:
    mine = [m for rid, m in members.items() if m.phash is not None and rid not in found]
    theirs = [m for m in others.values() if m.phash is not None]
    if not mine or not theirs:
        return {}
    their_hashes = np.array([(m.phash, m.dhash) for m in theirs], dtype=np.int64)
    best: dict[int, OverlapExample] = {}
    for chunk in _chunks(mine, IMAGE_CHUNK):
        hashes = np.array([(m.phash, m.dhash) for m in chunk], dtype=np.int64)
        phash = np.bitwise_count(hashes[:, None, 0] ^ their_hashes[None, :, 0])
        dhash = np.bitwise_count(hashes[:, None, 1] ^ their_hashes[None, :, 1])
        close = (phash <= PHASH_MAX_DISTANCE) & (dhash <= DHASH_MAX_DISTANCE)
        for row in np.flatnonzero(close.any(axis=1)):
            column = int(np.argmin(np.where(close[row], phash[row], 65)))
            member = chunk[row]
            best[member.record_id] = OverlapExample(
                member.locator, theirs[column].locator, 1.0 - float(phash[row, column]) / 64, False
            )
    return best


def _chunks(items: list[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
