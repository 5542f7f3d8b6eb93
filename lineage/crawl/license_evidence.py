"""Licence evidence a crawl reads: what licence files are, and what a root's card declares.

Each piece names the file, its hash, the span of text and the match score, so that a
disclosure can show why a licence is claimed.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from lineage.crawl.cards import Card, split_front_matter
from lineage.licenses import UNKNOWN_LICENSE, Evidence, detect_license_text, normalize_license
from lineage.licenses.evidence import MAX_RAW_CHARS
from lineage.vocabulary import EvidenceRole, LicenseOrigin

# Names (without suffix) of the files that give a folder's licence.
LICENSE_FILE_STEMS = frozenset({"license", "licence", "copying", "notice", "unlicense"})
_LICENSE_LINE = re.compile(r"^license(?:_name|_link)?:[^\n]*", re.M)
_FOUND, _DECLARED = EvidenceRole.FOUND, EvidenceRole.DECLARED


def license_file_evidence(path: Path, locator: str) -> Evidence:
    """What a licence file is; one we cannot identify is kept as unknown, with its opening."""
    origin = LicenseOrigin.LICENSE_FILE
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Evidence(_FOUND, UNKNOWN_LICENSE, origin, locator, "unreadable", raw=str(exc))
    text = data.decode("utf-8", errors="replace")
    digest = hashlib.sha256(data).hexdigest()
    match = detect_license_text(text)
    if match is None:
        opening = text.strip()[:MAX_RAW_CHARS]
        return Evidence(
            _FOUND, UNKNOWN_LICENSE, origin, locator, "unrecognised", digest, raw=opening
        )
    return Evidence(
        _FOUND,
        match.spdx,
        origin,
        locator,
        match.method,
        digest,
        (match.start, match.end),
        match.score,
        text[match.start : match.end].strip(),
    )


def card_evidence(card: Card, locator: str) -> list[Evidence]:
    """The front matter's `license:` (with `license_name`/`license_link` for `other`), and a
    licence the card's body names in a section headed "License"."""
    data = card.path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    digest = hashlib.sha256(data).hexdigest()
    rows = []
    if card.license:
        lines = list(_LICENSE_LINE.finditer(split_front_matter(text)[0] or ""))
        offset = text.index("\n") + 1 if lines else 0  # the front matter starts on line 2
        span = (offset + lines[0].start(), offset + lines[-1].end()) if lines else None
        raw = "; ".join(line.group() for line in lines) or card.license
        spdx = normalize_license(card.license)
        rows.append(
            Evidence(
                _DECLARED, spdx, LicenseOrigin.CARD, locator, "declaration", digest, span, raw=raw
            )
        )
    body = card.body_license
    if body is not None:
        offset = len(text) - len(card.body)  # the body is the text's tail
        span = (offset + body.start, offset + body.end)
        rows.append(
            Evidence(
                _DECLARED,
                body.spdx,
                LicenseOrigin.CARD_SECTION,
                locator,
                "card-section",
                digest,
                span,
                raw=text[span[0] : span[1]].strip(),
            )
        )
    return rows


def license_files_in(folder: Path) -> list[Path]:
    """The folder's licence files, LICENSE-like names before NOTICE."""
    try:
        entries = [entry for entry in folder.iterdir() if _is_license_file(entry)]
    except OSError:
        return []
    return sorted(entries, key=lambda entry: (entry.stem.lower() == "notice", entry.name))


def _is_license_file(path: Path) -> bool:
    stem = os.path.splitext(path.name.lower())[0]
    return stem in LICENSE_FILE_STEMS and path.is_file() and not path.is_symlink()
