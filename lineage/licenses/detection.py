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
    """A licence found in a text: the span (character offsets) it was found in, how closely
    it matched (percent), and which method found it."""

    spdx: str
    score: float
    method: str
    start: int
    end: int


def detect_license_text(text: str) -> LicenseMatch | None:
    """The licence a text is (or declares), or None when it is not recognisably one."""
    header = spdx_header(text)
    if header is not None:
        return header
    stripped = text.strip()
    if not stripped:
        return None
    offset = text.index(stripped)
    return _classified(stripped, offset) or _referenced(stripped, offset)


def spdx_header(text: str) -> LicenseMatch | None:
    """The licence a `SPDX-License-Identifier:` line declares, taken at its word."""
    header = _SPDX_HEADER.search(text)
    if header is None:
        return None
    spdx = normalize_license(header.group("expression"))
    return LicenseMatch(spdx, 100.0, "spdx-header", header.start(), header.end())


def _classified(text: str, offset: int) -> LicenseMatch | None:
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
    start = offset + min(region.start for region in regions)
    end = offset + max(region.end for region in regions)
    return LicenseMatch(spdx, round(score, 1), "licenseclassifier", start, end)


def _referenced(text: str, offset: int) -> LicenseMatch | None:
    """The reference licence text the text is most like, for what licenseclassifier misses."""
    match = match_reference(text)
    if match is None:
        return None
    score = round(100 * match.similarity, 1)
    return LicenseMatch(match.spdx, score, "reference-text", offset, offset + len(text))
