"""Vanished occurrences: what an earlier run recorded under the crawled roots that this run
no longer found, and so removes from the version.

The locators a run has seen are kept as 64-bit hashes in numpy arrays: 8 bytes each rather
than a hundred, so millions of them fit. A collision could at worst keep an occurrence that
has vanished (odds of n in 2^64 for n locators seen), never drop one still there.
"""

from __future__ import annotations

import hashlib

import numpy as np
from sqlalchemy import Engine

from lineage.store import session_scope
from lineage.store.bulk import delete_ids
from lineage.store.occurrences import locators_of
from lineage.store.schema import Occurrence
from lineage.vocabulary import containers_of, is_under

CHUNK = 10_000


class SeenLocators:
    """The set of locators a run has seen, hashed."""

    def __init__(self) -> None:
        self.chunks: list[np.ndarray] = []
        self.recent: list[str] = []

    def add(self, locator: str) -> None:
        self.recent.append(locator)
        if len(self.recent) >= CHUNK:
            self._pack()

    def sorted(self) -> np.ndarray:
        self._pack()
        return np.unique(np.concatenate(self.chunks)) if self.chunks else np.empty(0, np.int64)

    def _pack(self) -> None:
        if self.recent:
            self.chunks.append(string_hashes(self.recent))
            self.recent = []


def remove_vanished(
    engine: Engine,
    version_id: int,
    seen: SeenLocators,
    unreadable: set[str],
    root_labels: list[str],
) -> int:
    """Drop the version's occurrences under these roots that were not seen; those inside a
    file or archive member that could not be read stay (their content is unknown, not gone).
    How many went."""
    seen_hashes = seen.sorted()
    vanished: list[int] = []
    with session_scope(engine) as session:
        for chunk in locators_of(session, version_id, CHUNK):
            found = _contains(seen_hashes, string_hashes([locator for _, locator in chunk]))
            vanished += [
                occurrence_id
                for (occurrence_id, locator), was_seen in zip(chunk, found, strict=True)
                if not was_seen
                and is_under(locator, root_labels)
                and unreadable.isdisjoint(containers_of(locator))
            ]
        delete_ids(session, Occurrence, vanished)
    return len(vanished)


def string_hashes(strings: list[str]) -> np.ndarray:
    """A 64-bit hash of each string, as an int64 array."""
    digests = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest() for s in strings)
    return np.frombuffer(digests, dtype="<i8").copy()


def _contains(sorted_hashes: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    if not len(sorted_hashes):
        return np.zeros(len(hashes), dtype=bool)
    positions = np.clip(np.searchsorted(sorted_hashes, hashes), 0, len(sorted_hashes) - 1)
    return sorted_hashes[positions] == hashes
