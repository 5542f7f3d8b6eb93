"""Licence evidence of a dataset version: what declares its licence, and what its files are.

The card and the ingest's `--license` declare; a licence file is found; each with the file,
its hash, the span and the match score. Ingest collects it for the roots it crawled and
replaces what an earlier run recorded for them, so evidence follows the files as they change.
Licences found on single records are kept on their occurrences (origin `record`,
`spdx-header`, `image-metadata`); the audit reads them from there.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lineage.crawl import CorpusRoot
from lineage.crawl.cards import Card, split_front_matter
from lineage.crawl.walk import locator_under
from lineage.licenses import UNKNOWN_LICENSE, detect_license_text, normalize_license
from lineage.models import LicenseEvidence
from lineage.store import ensure_license

ARGUMENT_SUFFIX = "#--license"
MAX_RAW_CHARS = 500
DELETE_CHUNK = 500
_LICENSE_LINE = re.compile(r"^license(?:_name|_link)?:[^\n]*", re.M)


@dataclass(frozen=True)
class Evidence:
    """One piece of licence evidence: `records` counts the records it covers, where it is a
    licence records carry themselves."""

    role: str
    spdx: str
    origin: str
    locator: str
    method: str
    sha256: str | None = None
    span: tuple[int, int] | None = None
    score: float | None = None
    raw: str | None = None
    records: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


def declared_evidence(roots: list[CorpusRoot], declared: str | None) -> list[Evidence]:
    """What one ingest's `--license` declares for each root, and what each root's card does."""
    rows = []
    for root in roots:
        if declared:
            locator = f"{root.label}{ARGUMENT_SUFFIX}"
            spdx = normalize_license(declared)
            rows.append(
                Evidence("declared", spdx, "argument", locator, "declaration", raw=declared)
            )
        if root.card is not None:
            rows.extend(_card_evidence(root, root.card))
    return rows


def license_file_evidence(root: CorpusRoot, path: Path) -> Evidence:
    """What a licence file is; one we cannot identify is kept as unknown, with its opening."""
    locator = root.locator(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Evidence(
            "found", UNKNOWN_LICENSE, "license-file", locator, "unreadable", raw=str(exc)
        )
    text = data.decode("utf-8", errors="replace")
    digest = hashlib.sha256(data).hexdigest()
    match = detect_license_text(text)
    if match is None:
        return Evidence(
            "found",
            UNKNOWN_LICENSE,
            "license-file",
            locator,
            "unrecognised",
            digest,
            raw=text.strip()[:MAX_RAW_CHARS],
        )
    return Evidence(
        "found",
        match.spdx,
        "license-file",
        locator,
        match.method,
        digest,
        (match.start, match.end),
        match.score,
        text[match.start : match.end].strip(),
    )


def store_evidence(
    session: Session, version_id: int, root_labels: list[str], rows: list[Evidence]
) -> None:
    """Replace the version's evidence from these roots with `rows`; other roots' evidence,
    from earlier runs over other folders, stays."""
    stored = session.execute(
        select(LicenseEvidence.id, LicenseEvidence.locator).where(
            LicenseEvidence.dataset_version_id == version_id
        )
    ).all()
    stale = [row_id for row_id, locator in stored if locator_under(locator, root_labels)]
    for start in range(0, len(stale), DELETE_CHUNK):
        chunk = stale[start : start + DELETE_CHUNK]
        session.execute(delete(LicenseEvidence).where(LicenseEvidence.id.in_(chunk)))
    session.add_all(
        LicenseEvidence(
            dataset_version_id=version_id,
            role=row.role,
            license_id=ensure_license(session, row.spdx).id,
            origin=row.origin,
            locator=row.locator,
            sha256=row.sha256,
            span_start=row.span[0] if row.span else None,
            span_end=row.span[1] if row.span else None,
            score=row.score,
            method=row.method,
            raw=row.raw[:MAX_RAW_CHARS] if row.raw else None,
        )
        for row in rows
    )


def _card_evidence(root: CorpusRoot, card: Card) -> list[Evidence]:
    """The front matter's `license:` (with `license_name`/`license_link` for `other`), and a
    licence the card's body names in a section headed "License"."""
    data = card.path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    digest = hashlib.sha256(data).hexdigest()
    locator = root.locator(card.path)
    rows = []
    if card.license:
        lines = list(_LICENSE_LINE.finditer(split_front_matter(text)[0] or ""))
        offset = text.index("\n") + 1 if lines else 0  # the front matter starts on line 2
        span = (offset + lines[0].start(), offset + lines[-1].end()) if lines else None
        raw = "; ".join(line.group() for line in lines) or card.license
        spdx = normalize_license(card.license)
        rows.append(
            Evidence("declared", spdx, "card", locator, "declaration", digest, span, raw=raw)
        )
    body = card.body_license
    if body is not None:
        offset = len(text) - len(card.body)  # the body is the text's tail
        span = (offset + body.start, offset + body.end)
        rows.append(
            Evidence(
                "declared",
                body.spdx,
                "card-section",
                locator,
                "card-section",
                digest,
                span,
                raw=text[span[0] : span[1]].strip(),
            )
        )
    return rows
