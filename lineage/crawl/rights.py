"""The rights content carries in its own metadata (an image's, a web page's), and the one
training signal they fold into, in C2PA's words: `notAllowed` (a rights reservation),
`constrained` or `allowed`, the strictest signal winning whatever its source. Images' are read
by `lineage.crawl.image_rights`, web pages' by `lineage.crawl.web_rights`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from lineage.vocabulary import TrainingUse


@dataclass
class EmbeddedRights:
    """What an image's metadata says about its rights; empty fields were not present."""

    copyright: list[str] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)
    usage_terms: list[str] = field(default_factory=list)
    web_statement: str | None = None
    license: str | None = None
    training_use: TrainingUse | None = None
    signals: list[str] = field(default_factory=list)
    c2pa_validation: str | None = None
    c2pa_error: str | None = None

    def is_empty(self) -> bool:
        # Field by field: asdict copies every list, once for each page of a crawl.
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value}

    def add_signal(self, use: TrainingUse, signal: str) -> None:
        self.signals.append(f"{signal}={use}")
        if self.training_use is None or use.strictness > self.training_use.strictness:
            self.training_use = use
