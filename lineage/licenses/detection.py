"""Finding the licence of a LICENSE/COPYING/NOTICE file from its text, not its name.

Full texts are matched by `licenseclassifier` against real licence texts; the score is the
share of the file the matched licence covers, so a reformatted or lightly edited text still
matches while a file that merely mentions a licence does not. What it does not recognise
(truncated texts, OpenRAIL, Llama, PDDL) is compared with the reference texts of
`lineage.licenses.references`. A `SPDX-License-Identifier:` header is taken at its word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from licenseclassifier import identify_license

from lineage.licenses.expression import normalize_license
from lineage.licenses.references import contradicts, match_reference

# Share of the text (in percent) that the recognised licence must cover.
MIN_COVERAGE = 75.0
_SPDX_HEADER = re.compile(
    r"SPDX-License-Identifier:\s*(?P<expression>[^\n*]+?)\s*(?:\*/|-->|$)", re.M
)


@dataclass(frozen=True)
class LicenseMatch:
    spdx: str
    score: float
    method: str


def detect_license_text(text: str) -> LicenseMatch | None:
    """The licence a text is (or declares), or None when it is not recognisably one."""
    header = _SPDX_HEADER.search(text)
    if header is not None:
        return LicenseMatch(normalize_license(header.group("expression")), 100.0, "spdx-header")
    stripped = text.strip()
    if not stripped:
        return None
    return _classified(stripped) or _referenced(stripped)


def _classified(text: str) -> LicenseMatch | None:
    """What licenseclassifier finds, when the licence covers most of the text."""
    regions = identify_license(text, coverage_threshold=0.0)
    if not regions:
        return None
    covered = sum(region.end - region.start for region in regions)
    score = min(100.0, 100.0 * covered / len(text))
    if score < MIN_COVERAGE:
        return None
    ids = sorted({region.id for region in regions})
    spdx = normalize_license(" AND ".join(ids))
    if contradicts(text, spdx):
        return None  # a variant with terms of its own: calling it `spdx` would be wrong
    return LicenseMatch(spdx, round(score, 1), "licenseclassifier")


def _referenced(text: str) -> LicenseMatch | None:
    """The reference licence text the text is most like, for what licenseclassifier misses."""
    match = match_reference(text)
    if match is None:
        return None
    return LicenseMatch(match.spdx, round(100 * match.similarity, 1), "reference-text")
