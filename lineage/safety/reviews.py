"""Recording the reviewers' verdicts: one JSON object per line, naming the sample and item
(as `check sample` wrote them) with a `verdict` of `pass`, `fail` or `illegal`, and
optionally a `category` and the `reviewer`. A line that names no item of the sample, or gives
no valid verdict, is refused with its line number; nothing of the file is stored then."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.errors import InputError
from lineage.store.rows import utc_now
from lineage.store.schema import SafetySampleItem
from lineage.vocabulary import SafetyVerdict

# A results file is one reviewed sample: a few thousand short lines.
MAX_RESULTS_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ReviewSummary:
    recorded: int
    samples: list[int]


def record_reviews(session: Session, results: Path) -> ReviewSummary:
    """Store the verdicts of a results file; InputError (with the line) for a bad line."""
    verdicts = list(_verdicts(results))
    items = _items(session, {(sample, item) for sample, item, _ in verdicts})
    now = utc_now()
    for number, (sample, item, said) in enumerate(verdicts, start=1):
        row = items.get((sample, item))
        if row is None:
            raise InputError(f"{results}: line {number}: sample {sample} has no item {item}")
        row.verdict = said["verdict"]
        row.category = _text(said.get("category"))
        row.reviewer = _text(said.get("reviewer"))
        row.reviewed_at = now
    return ReviewSummary(len(verdicts), sorted({sample for sample, _, _ in verdicts}))


def _verdicts(results: Path) -> list[tuple[int, int, dict[str, Any]]]:
    try:
        if results.stat().st_size > MAX_RESULTS_BYTES:
            raise InputError(f"{results}: larger than {MAX_RESULTS_BYTES} bytes")
        lines = results.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {results}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{results} is not UTF-8 text") from exc
    found = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            found.append(_verdict(results, number, line))
    return found


def _verdict(results: Path, number: int, line: str) -> tuple[int, int, dict[str, Any]]:
    try:
        said = json.loads(line)
    except ValueError as exc:
        raise InputError(f"{results}: line {number} is not JSON: {exc}") from exc
    if not isinstance(said, dict):
        raise InputError(f"{results}: line {number} is not a JSON object")
    sample, item = said.get("sample"), said.get("item")
    if not isinstance(sample, int) or not isinstance(item, int):
        raise InputError(f"{results}: line {number}: `sample` and `item` must be integers")
    if said.get("verdict") not in {verdict.value for verdict in SafetyVerdict}:
        allowed = ", ".join(verdict.value for verdict in SafetyVerdict)
        raise InputError(f"{results}: line {number}: `verdict` must be one of {allowed}")
    return sample, item, said


def _items(session: Session, keys: set[tuple[int, int]]) -> dict[tuple[int, int], SafetySampleItem]:
    samples = sorted({sample for sample, _ in keys})
    rows = session.scalars(select(SafetySampleItem).where(SafetySampleItem.sample_id.in_(samples)))
    return {
        (row.sample_id, row.position): row for row in rows if (row.sample_id, row.position) in keys
    }


def _text(value: Any) -> str | None:
    return str(value)[:255] if value is not None else None
