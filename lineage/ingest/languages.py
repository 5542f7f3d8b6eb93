"""The languages of a run's texts, identified on a sample of them: every text up to
`IDENTIFY_ALL`, then one in `EVERY`, so that a small corpus is read whole and a large one
costs a few microseconds a text. The identifier's model (68 MB, read from the cache folder
once decompressed there) loads on a thread of its own while the run reads and fingerprints;
the sampled texts' first characters wait for it and are identified as the run ends
(`--no-languages` skips it)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lineage.fingerprint.language import IDENTIFIER, PREFIX_CHARS, identify_language, load_model

IDENTIFY_ALL = 64
EVERY = 64


@dataclass
class LanguageSample:
    seen: int = 0
    sampled: list[str] = field(default_factory=list)
    _loading: threading.Thread | None = None

    def offer(self, text: str) -> None:
        self.seen += 1
        if self.seen <= IDENTIFY_ALL or self.seen % EVERY == 0:
            if self._loading is None:
                self._loading = threading.Thread(target=load_model, daemon=True)
                self._loading.start()
            self.sampled.append(text[:PREFIX_CHARS])

    def as_dict(self) -> dict[str, Any] | None:
        if not self.seen:
            return None
        if self._loading is not None:
            self._loading.join()
        counts = Counter(identify_language(text) for text in self.sampled)
        return {
            "identifier": IDENTIFIER,
            "method": f"first {PREFIX_CHARS} characters of every text up to {IDENTIFY_ALL}, "
            f"then of one in {EVERY}",
            "texts_seen": self.seen,
            "texts_identified": counts.total(),
            "counts": dict(sorted(counts.items())),
        }
