"""Licence evidence: why a dataset version is said, or found, to be under a licence."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from lineage.vocabulary import EvidenceRole, LicenseOrigin

# Evidence keeps at most this much of the text it quotes.
MAX_RAW_CHARS = 500


@dataclass(frozen=True)
class Evidence:
    """One piece of licence evidence: a declaration (a card, `--license`) or a finding (a
    licence file, records that carry a licence), with the file, its hash, the span of text
    and the match score where there are such; `records` counts the records a finding covers.

    >>> Evidence(EvidenceRole.FOUND, "MIT", LicenseOrigin.LICENSE_FILE, "corpus/LICENSE",
    ...          "exact").as_dict()["spdx"]
    'MIT'
    """

    role: EvidenceRole
    spdx: str
    origin: LicenseOrigin
    locator: str
    method: str
    sha256: str | None = None
    span: tuple[int, int] | None = None
    score: float | None = None
    raw: str | None = None
    records: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}
