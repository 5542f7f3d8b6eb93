"""The languages of a run's texts, identified on a sample of them: every text up to
`IDENTIFY_ALL`, then one in `EVERY`, so that a small corpus is read whole and a large one
costs a few microseconds a text (0.2 ms for each one identified, by its first 600
characters: `lineage.fingerprint.language`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lineage.fingerprint.language import IDENTIFIER, PREFIX_CHARS, identify_language

IDENTIFY_ALL = 256
EVERY = 32


@dataclass
class LanguageSample:
    seen: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    def offer(self, text: str) -> None:
        self.seen += 1
        if self.seen <= IDENTIFY_ALL or self.seen % EVERY == 0:
            self.counts[identify_language(text)] += 1

    def as_dict(self) -> dict[str, Any] | None:
        if not self.seen:
            return None
        return {
            "identifier": IDENTIFIER,
            "method": f"first {PREFIX_CHARS} characters of every text up to {IDENTIFY_ALL}, "
            f"then of one in {EVERY}",
            "texts_seen": self.seen,
            "texts_identified": self.counts.total(),
            "counts": dict(sorted(self.counts.items())),
        }
