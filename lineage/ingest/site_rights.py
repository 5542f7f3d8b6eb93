"""The sites' own word on a version's web sources: each URL judged against its site's latest
robots.txt and tdmrep.json (`lineage.crawl.site_policy`), for AI crawlers and for the agents
the version was crawled as.

What a URL's site says is kept on its source row under `site`, beside what the page itself
said; a reservation also marks the records fetched from it (`rights.site`, and their training
use), so that the verdicts and the disclosures count them. Judged afresh at every ingest: a site's
later robots.txt replaces its earlier word on the source rows, but a record once reserved
stays so (its content was collected under the reservation).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lineage.crawl.site_policy import RobotsTxt, SitePolicy, TdmRepFile
from lineage.store import session_scope
from lineage.store.crawl_facts import (
    crawler_agents,
    latest_policies,
    records_from,
    set_record_rights,
    set_source_signals,
    version_domains,
    web_sources_in,
)
from lineage.store.schema import CrawlFact
from lineage.vocabulary import CrawlFactKind, TrainingUse

SITE = "site"


def judge_site_rights(engine: Engine, version_id: int) -> int:
    """Judge the version's web sources by their sites' policies; the number of URLs whose
    site reserves them."""
    with session_scope(engine) as session:
        domains = version_domains(session, version_id)
        files = latest_policies(session, domains)
        agents = crawler_agents(session, version_id)
        policies = {domain: _policy(files, domain, agents) for domain in domains}
        reserved: dict[int, dict[str, Any]] = {}
        for source_id, uri, domain, signals in web_sources_in(session, version_id, domains):
            said = policies[domain].rights_of(uri)
            site = said.as_dict() if said is not None else None
            if site != (signals or {}).get(SITE):
                set_source_signals(session, source_id, _with_site(signals, site))
            if said is not None and said.training_use is TrainingUse.NOT_ALLOWED:
                reserved[source_id] = said.as_dict()
        _mark_records(session, version_id, reserved)
    return len(reserved)


def _policy(
    files: dict[tuple[str, CrawlFactKind], CrawlFact], domain: str, agents: tuple[str, ...]
) -> SitePolicy:
    robots = files.get((domain, CrawlFactKind.ROBOTS_TXT))
    tdmrep = files.get((domain, CrawlFactKind.TDMREP))
    return SitePolicy(
        RobotsTxt(robots.uri or "", robots.locator, robots.body) if robots else None,
        TdmRepFile.parse(tdmrep.uri or "", tdmrep.locator, tdmrep.body) if tdmrep else None,
        agents,
    )


def _with_site(
    signals: dict[str, Any] | None, site: dict[str, Any] | None
) -> dict[str, Any] | None:
    kept = {key: value for key, value in (signals or {}).items() if key != SITE}
    if site is not None:
        kept[SITE] = site
    return kept or None


def _mark_records(session: Session, version_id: int, reserved: dict[int, dict[str, Any]]) -> None:
    """Each record fetched from a reserved URL carries its sites' signals and is reserved."""
    for record_id, (rights, sources) in records_from(session, version_id, sorted(reserved)).items():
        signals = sorted({s for source in sources for s in reserved[source].get("signals", [])})
        site = {"training_use": str(TrainingUse.NOT_ALLOWED), "signals": signals}
        if (rights or {}).get(SITE) != site:
            set_record_rights(
                session, record_id, (rights or {}) | {SITE: site}, TrainingUse.NOT_ALLOWED
            )
