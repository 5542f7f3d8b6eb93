"""Licence evidence of a dataset version: what its card and the ingest arguments declare, and
what its licence files are, each with the file, its hash, the span and the match score.

Ingest collects it for the roots it crawled and replaces what an earlier run recorded for
them, so evidence follows the files as they change. Licences found on single records are
kept on their occurrences (origin `record`, `spdx-header`, `image-metadata`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from lineage.crawl import CorpusRoot
from lineage.crawl.cards import Card, split_front_matter
from lineage.licenses import UNKNOWN_LICENSE, detect_license_text, normalize_license
from lineage.models import LicenseEvidence
from lineage.store import ensure_license

ARGUMENT_LOCATOR = "--license"
MAX_RAW_CHARS = 500
_LICENSE_LINE = re.compile(r"^license(?:_name|_link)?:[^\n]*", re.M)
_SECTION_HEADING = re.compile(r"^(?P<level>#{1,6})\s*(?P<title>[^\n]*)$", re.M)
_LICENSE_TITLE = re.compile(r"licen[cs]", re.I)
_URL = re.compile(r"https?://[^\s)>\]]+")
# The name runs to the end of the clause; a dot counts only inside a version ("4.0").
_LICENSED_UNDER = re.compile(
    r"licen[cs]ed\s+under\s+(?:the\s+)?(?P<name>(?:[^.;\n()\[\]]|\.(?=\d))+)", re.I
)


@dataclass(frozen=True)
class EvidenceRow:
    role: str
    spdx: str
    origin: str
    locator: str
    method: str
    sha256: str | None = None
    span: tuple[int, int] | None = None
    score: float | None = None
    raw: str | None = None


def declared_evidence(roots: list[CorpusRoot], declared: str | None) -> list[EvidenceRow]:
    """What one ingest's `--license` and each root's card declare."""
    rows = []
    if declared:
        rows.append(
            EvidenceRow(
                "declared",
                normalize_license(declared),
                "argument",
                ARGUMENT_LOCATOR,
                "declaration",
                raw=declared,
            )
        )
    for root in roots:
        if root.card is not None:
            rows.extend(_card_evidence(root, root.card))
    return rows


def store_evidence(
    session: Session, version_id: int, root_labels: list[str], rows: list[EvidenceRow]
) -> None:
    """Replace the version's evidence from these roots (and its argument) with `rows`."""
    under_roots = [LicenseEvidence.locator.startswith(f"{label}/") for label in root_labels]
    session.execute(
        delete(LicenseEvidence).where(
            LicenseEvidence.dataset_version_id == version_id,
            or_(
                LicenseEvidence.origin == "argument",
                LicenseEvidence.locator.in_(root_labels),
                *under_roots,
            ),
        )
    )
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


def _card_evidence(root: CorpusRoot, card: Card) -> list[EvidenceRow]:
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
        rows.append(
            EvidenceRow(
                "declared",
                normalize_license(card.license),
                "card",
                locator,
                "declaration",
                digest,
                span,
                raw=raw,
            )
        )
    body = split_front_matter(text)[1]
    named = card_body_license(body)
    if named is not None:
        offset = len(text) - len(body)  # the body is the text's tail
        spdx, (start, end) = named[0], (offset + named[1][0], offset + named[1][1])
        rows.append(
            EvidenceRow(
                "declared",
                spdx,
                "card-section",
                locator,
                "card-section",
                digest,
                (start, end),
                raw=text[start:end].strip(),
            )
        )
    return rows


def card_body_license(text: str) -> tuple[str, tuple[int, int]] | None:
    """The licence a card's "License" section names, with the section's span."""
    section = _license_section(text)
    if section is None:
        return None
    named = _license_named_in(text[section[0] : section[1]])
    return None if named is None else (named, section)


def _license_section(text: str) -> tuple[int, int] | None:
    """The span of the first Markdown section whose heading speaks of a licence."""
    headings = list(_SECTION_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        if not _LICENSE_TITLE.search(heading.group("title")):
            continue
        level = len(heading.group("level"))
        end = next(
            (
                later.start()
                for later in headings[index + 1 :]
                if len(later.group("level")) <= level
            ),
            len(text),
        )
        return heading.end(), end
    return None


def _license_named_in(section: str) -> str | None:
    """A licence the section states: a full text or SPDX header, a licence URL, or "licensed
    under NAME"; only names that normalise to a known licence count."""
    match = detect_license_text(section)
    if match is not None:
        return match.spdx
    candidates = [url.rstrip(".,") for url in _URL.findall(section)]
    candidates += [found.group("name").strip() for found in _LICENSED_UNDER.finditer(section)]
    for candidate in candidates:
        spdx = normalize_license(candidate)
        if spdx != UNKNOWN_LICENSE and not spdx.startswith("LicenseRef-"):
            return spdx
    return None


def license_file_evidence(root: CorpusRoot, path: Path) -> EvidenceRow:
    """What a licence file is; one we cannot identify is kept as unknown, with its opening."""
    locator = root.locator(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return EvidenceRow(
            "found", UNKNOWN_LICENSE, "license-file", locator, "unreadable", raw=str(exc)
        )
    text = data.decode("utf-8", errors="replace")
    digest = hashlib.sha256(data).hexdigest()
    match = detect_license_text(text)
    if match is None:
        return EvidenceRow(
            "found",
            UNKNOWN_LICENSE,
            "license-file",
            locator,
            "unrecognised",
            digest,
            raw=text.strip(),
        )
    return EvidenceRow(
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
