"""Finding the licence of a LICENSE/COPYING/NOTICE file from its text, not its name.

Full texts are matched by `licenseclassifier` against real licence texts; the score is the
share of the file the matched licence covers, so a reformatted or lightly edited text still
matches while a file that merely mentions a licence does not. A `SPDX-License-Identifier:`
header is taken at its word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from licenseclassifier import identify_license

from lineage.licenses.expression import normalize_license

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
    regions = identify_license(stripped, coverage_threshold=0.0)
    if not regions:
        return None
    covered = sum(region.end - region.start for region in regions)
    score = min(100.0, 100.0 * covered / len(stripped))
    if score < MIN_COVERAGE:
        return None
    ids = sorted({region.id for region in regions})
    return LicenseMatch(normalize_license(" AND ".join(ids)), round(score, 1), "text-similarity")
