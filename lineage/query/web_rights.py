"""What the web said of the content that trained a model: per domain, its URLs, those whose
page or site reserved them, and the policy files found for it; and the crawls that fetched it,
with their agent, purpose and period. The disclosures' opt-out and crawler sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lineage.query.scope import Scope, in_scope
from lineage.store.schema import Crawl, CrawlFact, Occurrence, Source
from lineage.vocabulary import CrawlFactKind, SourceKind, TrainingUse


@dataclass(frozen=True)
class DomainRights:
    """One web domain: its URLs in scope, those that said anything of their rights, those
    reserved by their page (headers, meta tags) or by their site (robots.txt, tdmrep.json),
    and the site policy files archived for it."""

    domain: str
    urls: int
    urls_with_signals: int
    reserved_by_page: int
    reserved_by_site: int
    policy_files: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "urls": self.urls,
            "urls_with_signals": self.urls_with_signals,
            "reserved_by_page": self.reserved_by_page,
            "reserved_by_site": self.reserved_by_site,
            "policy_files": list(self.policy_files),
        }


@dataclass
class WebRights:
    domains: list[DomainRights] = field(default_factory=list)
    crawls: list[dict[str, Any]] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(domain, name) for domain in self.domains)


def web_rights(session: Session, scope: Scope) -> WebRights:
    """The web domains and crawls behind the dataset versions of `scope`."""
    return WebRights(_domains(session, scope), _crawls(session, scope))


def _domains(session: Session, scope: Scope) -> list[DomainRights]:
    reserved = str(TrainingUse.NOT_ALLOWED)
    signals = Source.rights_signals
    by_page = case((signals["training_use"].as_string() == reserved, 1), else_=0)
    by_site = case((signals[("site", "training_use")].as_string() == reserved, 1), else_=0)
    sources = select(Occurrence.source_id).where(in_scope(scope))
    rows = session.execute(
        select(
            Source.domain,
            func.count(),
            func.count(signals),
            func.sum(by_page),
            func.sum(by_site),
        )
        .where(Source.kind == SourceKind.WEB, Source.id.in_(sources), Source.domain.is_not(None))
        .group_by(Source.domain)
        .order_by(Source.domain)
    ).all()
    files = _policy_files(session, [row[0] for row in rows])
    return [
        DomainRights(domain, urls, signalled, int(page or 0), int(site or 0), files.get(domain, ()))
        for domain, urls, signalled, page, site in rows
    ]


def _policy_files(session: Session, domains: list[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    policies = (CrawlFactKind.ROBOTS_TXT, CrawlFactKind.TDMREP)
    for start in range(0, len(domains), 500):
        rows = session.execute(
            select(CrawlFact.domain, CrawlFact.kind)
            .where(CrawlFact.domain.in_(domains[start : start + 500]), CrawlFact.kind.in_(policies))
            .distinct()
        )
        for domain, kind in rows:
            found.setdefault(domain, set()).add(kind)
    return {domain: tuple(sorted(kinds)) for domain, kinds in found.items()}


def _crawls(session: Session, scope: Scope) -> list[dict[str, Any]]:
    crawls = session.scalars(
        select(Crawl).where(Crawl.dataset_version_id.in_(sorted(scope))).order_by(Crawl.id)
    )
    return [
        {
            "dataset": crawl.dataset_version.ref,
            "crawler": crawl.crawler,
            "user_agent": crawl.user_agent,
            "purpose": crawl.purpose,
            "period": [crawl.started_at.date().isoformat(), crawl.finished_at.date().isoformat()],
            "seeds": crawl.seeds,
            "pages_fetched": crawl.pages_fetched,
            "not_fetched": crawl.refused,
            "honoured": ["robots.txt", "TDMRep (tdmrep.json)"],
        }
        for crawl in crawls
    ]
