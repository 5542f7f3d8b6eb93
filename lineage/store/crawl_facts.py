"""Crawl facts (robots.txt and tdmrep.json responses, crawler agents) and the web sources the
sites' signals are judged for."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lineage.crawl import CrawlFact
from lineage.store import schema
from lineage.store.bulk import driver_value, insert_rows
from lineage.store.schema import Crawl, Occurrence, Record, Source
from lineage.vocabulary import CrawlFactKind

_FACT_COLUMNS = (
    "dataset_version_id",
    "locator",
    "kind",
    "domain",
    "uri",
    "warc_record_id",
    "fetched_at",
    "http_status",
    "sha256",
    "body",
)


def store_crawl_facts(session: Session, version_id: int, facts: Sequence[CrawlFact]) -> None:
    """Keep each fact the version's archives gave; one read again at the same locator
    replaces the earlier."""
    as_stored = driver_value(session, schema.CrawlFact.__table__.c.fetched_at)
    rows = []
    for fact in facts:
        fetched_at = as_stored(fact.fetched_at)
        domain = urlsplit(fact.uri).hostname if fact.uri else None
        body_hash = hashlib.sha256(fact.body.encode()).hexdigest()
        where = (version_id, fact.locator, str(fact.kind), domain, fact.uri)
        rows.append(
            (*where, fact.warc_record_id, fetched_at, fact.http_status, body_hash, fact.body)
        )
    insert_rows(
        session, schema.CrawlFact, _FACT_COLUMNS, rows, unique=("dataset_version_id", "locator")
    )


def version_domains(session: Session, version_id: int) -> list[str]:
    """The domains of the version's web sources."""
    return list(
        session.scalars(
            select(Source.domain)
            .join(Occurrence, Occurrence.source_id == Source.id)
            .where(Occurrence.dataset_version_id == version_id, Source.domain.is_not(None))
            .distinct()
        )
    )


def latest_policies(
    session: Session, domains: Sequence[str]
) -> dict[tuple[str, CrawlFactKind], schema.CrawlFact]:
    """Each domain's latest robots.txt and tdmrep.json that were served (a 2xx answer, or an
    archived resource without one), from any dataset: a site's word is its own."""
    found: dict[tuple[str, CrawlFactKind], schema.CrawlFact] = {}
    policies = (CrawlFactKind.ROBOTS_TXT, CrawlFactKind.TDMREP)
    for start in range(0, len(domains), 500):
        rows = session.scalars(
            select(schema.CrawlFact)
            .where(
                schema.CrawlFact.domain.in_(domains[start : start + 500]),
                schema.CrawlFact.kind.in_(policies),
            )
            .order_by(schema.CrawlFact.fetched_at.nulls_first(), schema.CrawlFact.id)
        )
        for row in rows:
            if row.http_status is None or 200 <= row.http_status < 300:
                assert row.domain is not None  # the query asked for these domains
                found[row.domain, CrawlFactKind(row.kind)] = row
    return found


def crawler_agents(session: Session, version_id: int) -> tuple[str, ...]:
    """The user agents the version's crawls and archived requests announced."""
    announced = session.scalars(
        select(schema.CrawlFact.body).where(
            schema.CrawlFact.dataset_version_id == version_id,
            schema.CrawlFact.kind == CrawlFactKind.USER_AGENT,
        )
    )
    crawled = session.scalars(
        select(Crawl.user_agent).where(Crawl.dataset_version_id == version_id)
    )
    return tuple(sorted({*announced, *crawled}))


def web_sources_in(
    session: Session, version_id: int, domains: Sequence[str]
) -> Iterator[tuple[int, str, str, dict[str, Any] | None]]:
    """(id, URI, domain, rights signals) of the version's web sources in these domains."""
    for start in range(0, len(domains), 500):
        rows = session.execute(
            select(Source.id, Source.uri, Source.domain, Source.rights_signals)
            .where(
                Source.domain.in_(domains[start : start + 500]),
                Source.id.in_(
                    select(Occurrence.source_id).where(Occurrence.dataset_version_id == version_id)
                ),
            )
            .order_by(Source.id)
        )
        yield from ((row.id, row.uri, row.domain, row.rights_signals) for row in rows)


def set_source_signals(session: Session, source_id: int, signals: dict[str, Any] | None) -> None:
    session.execute(update(Source).where(Source.id == source_id).values(rights_signals=signals))


def records_from(
    session: Session, version_id: int, source_ids: Sequence[int]
) -> dict[int, tuple[dict[str, Any] | None, set[int]]]:
    """The rights of each record the version holds from these sources, and which of them."""
    found: dict[int, tuple[dict[str, Any] | None, set[int]]] = {}
    for start in range(0, len(source_ids), 500):
        rows = session.execute(
            select(Record.id, Record.rights, Occurrence.source_id)
            .join(Occurrence, Occurrence.record_id == Record.id)
            .where(
                Occurrence.dataset_version_id == version_id,
                Occurrence.source_id.in_(source_ids[start : start + 500]),
            )
        )
        for record_id, rights, source_id in rows:
            found.setdefault(record_id, (rights, set()))[1].add(source_id)
    return found


def set_record_rights(
    session: Session, record_id: int, rights: dict[str, Any], training_use: str | None
) -> None:
    session.execute(
        update(Record)
        .where(Record.id == record_id)
        .values(rights=rights, training_use=training_use)
    )
