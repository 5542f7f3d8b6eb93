"""The numbers of the public summary that are not in `trained_on`'s report: how each version
was obtained, size per modality, when the content was collected, its languages, the
registered domains crawled, and the summaries already exported."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lineage.query.domains import registered_domain
from lineage.query.scope import Scope, in_scope
from lineage.store.rows import as_utc
from lineage.store.schema import (
    Dataset,
    DatasetVersion,
    Model,
    Occurrence,
    Record,
    Source,
    SummaryExport,
)

# UTF-8 bytes per token: about four for English prose under the BPE tokenizers of GPT-style
# models (an estimate, said as such: texts are not kept, so no tokenizer can be run on them).
BYTES_PER_TOKEN = 4


@dataclass(frozen=True)
class VersionAcquisition:
    channel: str | None
    generated_by: str | None


def acquisitions(session: Session, version_ids: list[int]) -> dict[int, VersionAcquisition]:
    rows = session.execute(
        select(DatasetVersion.id, DatasetVersion.channel, DatasetVersion.generated_by).where(
            DatasetVersion.id.in_(version_ids)
        )
    )
    return {row.id: VersionAcquisition(row.channel, row.generated_by) for row in rows}


def modality_totals(session: Session, scope: Scope) -> list[tuple[str, int, int]]:
    """(kind, distinct records, their bytes) of the content in scope, by kind."""
    distinct = (
        select(Record.id, Record.kind, Record.size_bytes)
        .join(Occurrence, Occurrence.record_id == Record.id)
        .where(in_scope(scope))
        .distinct()
        .subquery()
    )
    rows = session.execute(
        select(distinct.c.kind, func.count(), func.coalesce(func.sum(distinct.c.size_bytes), 0))
        .group_by(distinct.c.kind)
        .order_by(distinct.c.kind)
    ).all()
    return [(kind, count, int(size)) for kind, count, size in rows]


def estimated_tokens(text_bytes: int) -> int:
    return math.ceil(text_bytes / BYTES_PER_TOKEN)


ARCHIVED = "WARC-Date of the web archive records"
SAID = "the collection date recorded with --collected"
FILE_TIMES = "the newest modification time of the files ingested"


def collection_dates(session: Session, scope: Scope) -> dict[int, tuple[datetime, str]]:
    """When the content of each version in scope was collected, up to, and where that date
    comes from: its archives' WARC-Dates, else what was said with `--collected`, else the
    newest time of the files ingested."""
    archived = session.execute(
        select(Occurrence.dataset_version_id, func.max(Occurrence.collected_at))
        .where(in_scope(scope), Occurrence.collected_at.is_not(None))
        .group_by(Occurrence.dataset_version_id)
    )
    found = {version: (as_utc(moment), ARCHIVED) for version, moment in archived}
    versions = session.execute(
        select(
            DatasetVersion.id, DatasetVersion.collected_until, DatasetVersion.files_modified_until
        ).where(DatasetVersion.id.in_(sorted(scope)))
    )
    for version, said, files in versions:
        if version in found:
            continue
        if said is not None:
            found[version] = (as_utc(said), SAID)
        elif files is not None:
            found[version] = (as_utc(files), FILE_TIMES)
    return found


def archived_period(session: Session, scope: Scope) -> tuple[datetime, datetime] | None:
    """The first and last WARC-Date of the web archive records in scope."""
    first, last = session.execute(
        select(func.min(Occurrence.collected_at), func.max(Occurrence.collected_at)).where(
            in_scope(scope)
        )
    ).one()
    return (as_utc(first), as_utc(last)) if first is not None and last is not None else None


def card_languages(session: Session, version_ids: list[int]) -> list[str]:
    """The languages the dataset cards of these versions name (their `language:` field)."""
    cards = session.scalars(
        select(Dataset.card)
        .join(DatasetVersion, DatasetVersion.dataset_id == Dataset.id)
        .where(DatasetVersion.id.in_(version_ids), Dataset.card.is_not(None))
    )
    found: set[str] = set()
    for card in cards:
        named = (card or {}).get("language")
        values = named if isinstance(named, list) else [named]
        found.update(str(value) for value in values if isinstance(value, str) and value)
    return sorted(found)


@dataclass(frozen=True)
class IdentifiedLanguages:
    """The languages identified on samples of the versions' texts: texts by language, and
    how many texts were identified of how many seen."""

    counts: dict[str, int]
    identified: int
    seen: int
    method: str


def identified_languages(session: Session, version_ids: list[int]) -> IdentifiedLanguages | None:
    samples = session.scalars(
        select(DatasetVersion.languages).where(
            DatasetVersion.id.in_(version_ids), DatasetVersion.languages.is_not(None)
        )
    )
    counts: dict[str, int] = defaultdict(int)
    identified = seen = 0
    methods = set()
    for sample in samples:
        for language, count in (sample or {}).get("counts", {}).items():
            counts[language] += int(count)
        identified += int(sample.get("texts_identified", 0))
        seen += int(sample.get("texts_seen", 0))
        methods.add(f"{sample.get('identifier')} on the {sample.get('method')}")
    if not identified:
        return None
    ranked = dict(sorted(counts.items(), key=lambda entry: (-entry[1], entry[0])))
    return IdentifiedLanguages(ranked, identified, seen, "; ".join(sorted(methods)))


def registered_domain_sizes(session: Session, scope: Scope) -> list[tuple[str, int, int]]:
    """(registered domain, distinct records, their bytes) of the web content in scope,
    largest first: `www.a.example` and `a.example` counted as one."""
    distinct = (
        select(Source.domain, Record.id, Record.size_bytes)
        .join(Occurrence, Occurrence.source_id == Source.id)
        .join(Record, Record.id == Occurrence.record_id)
        .where(in_scope(scope), Source.domain.is_not(None))
        .distinct()
    )
    records: dict[str, set[int]] = defaultdict(set)
    sizes: dict[str, int] = defaultdict(int)
    for host, record_id, size in session.execute(distinct):
        domain = registered_domain(host)
        if record_id not in records[domain]:
            records[domain].add(record_id)
            sizes[domain] += size
    ranked = sorted(sizes, key=lambda domain: (-sizes[domain], domain))
    return [(domain, len(records[domain]), sizes[domain]) for domain in ranked]


def latest_export(session: Session, model: str, fmt: str) -> SummaryExport | None:
    return session.scalar(
        select(SummaryExport)
        .join(Model, Model.id == SummaryExport.model_id)
        .where(Model.name == model, SummaryExport.format == fmt)
        .order_by(SummaryExport.number.desc())
        .limit(1)
    )


def export_with_hash(session: Session, sha256: str) -> SummaryExport | None:
    return session.scalar(
        select(SummaryExport).where(SummaryExport.sha256 == sha256).order_by(SummaryExport.id)
    )


def summary_link(session: Session, model: str) -> dict[str, Any] | None:
    """The latest public summary exported for `model`, in either format, if any."""
    found = [latest_export(session, model, fmt) for fmt in ("json", "markdown")]
    exports = [entry for entry in found if entry is not None]
    if not exports:
        return None
    latest = max(exports, key=lambda entry: (entry.exported_at, entry.id))
    return {
        "format": latest.format,
        "number": latest.number,
        "sha256": latest.sha256,
        "exported_at": as_utc(latest.exported_at).date().isoformat(),
    }
