"""The public summary of training content (EU AI Act, Art. 53(1)(d)) for one model.

Sections follow the European Commission's template: 1 general information, 2 list of data
sources (2.1 public datasets, 2.2 private datasets licensed from rights-holders, 2.3 crawled
data with the top domains by size, 2.4 user data, 2.5 synthetic data, 2.6 other sources),
3 data processing (3.1 respect of reservations of rights, 3.2 removal of illegal content).
Only what the lineage database records is stated; what it cannot know is said to be
unknown. The document has no timestamps, and every list is sorted, so the same database
always gives the same bytes; it carries the manifest hashes it was built from.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lineage.query.graph import describe_path
from lineage.query.scope import Scope, in_scope
from lineage.query.training_data import (
    DatasetUse,
    TrainingDataReport,
    trained_on,
    training_use_counts,
)
from lineage.query.web_rights import WebRights, web_rights
from lineage.store import SCHEMA_REVISION, resolve_dataset_version
from lineage.store.schema import DatasetDerivation, Occurrence, Record, Source
from lineage.vocabulary import CrawlFactKind, DatasetOperation, SourceKind

TEMPLATE = (
    "European Commission, Template for the public summary of training content for "
    "general-purpose AI models (Article 53(1)(d) of Regulation (EU) 2024/1689)"
)
SCHEMA_VERSION = 1
# Domains listed by name where they reserved any of their URLs.
MAX_DOMAINS_LISTED = 1000
# The template asks for the top 10% of crawled domains by content size.
TOP_DOMAIN_SHARE = 0.10
NOT_RECORDED = "not recorded in the lineage database"


@dataclass(frozen=True)
class _VersionFacts:
    use: DatasetUse
    version_id: int
    source_kinds: dict[str, int]
    synthetic: bool


def build_eu_summary(session: Session, model_name: str) -> dict[str, Any]:
    """The summary as plain data, in the template's order."""
    report = trained_on(session, model_name)
    facts = _version_facts(session, report)
    return {
        "document": {
            "title": f"Public summary of training content: {report.model}",
            "template": TEMPLATE,
            "schema_version": SCHEMA_VERSION,
            "generator": "lineage",
            "lineage_schema_revision": SCHEMA_REVISION,
        },
        "general_information": _general_information(session, report),
        "data_sources": _data_sources(session, facts, report.scope),
        "data_processing": _data_processing(session, report),
        "manifests": [
            {
                "dataset": e.use.dataset,
                "version": e.use.version,
                "manifest_hash": e.use.manifest_hash,
            }
            for e in facts
        ],
    }


def _version_facts(session: Session, report: TrainingDataReport) -> list[_VersionFacts]:
    facts = []
    for use in report.datasets:
        version = resolve_dataset_version(session, use.ref)
        kinds: dict[str, int] = defaultdict(int)
        for source in use.sources:
            kinds[source.kind] += source.records
        synthetic = session.scalar(
            select(func.count(DatasetDerivation.id)).where(
                DatasetDerivation.derived_version_id == version.id,
                DatasetDerivation.operation == DatasetOperation.SYNTHETIC,
            )
        )
        facts.append(_VersionFacts(use, version.id, dict(kinds), bool(synthetic)))
    return sorted(facts, key=lambda entry: (entry.use.dataset, entry.use.version))


def _general_information(session: Session, report: TrainingDataReport) -> dict[str, Any]:
    return {
        "model": report.model,
        "model_lineage": [
            {
                "model": entry.name,
                "relation_to_summarised_model": describe_path(entry.path),
                "training_data_recorded": entry.training_data_recorded,
            }
            for entry in report.models
        ],
        "modalities": _modalities(session, report.scope),
        "total_distinct_records": report.distinct_records,
        "dataset_versions": len(report.datasets),
    }


def _modalities(session: Session, scope: Scope) -> list[dict[str, Any]]:
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
    return [
        {"modality": kind, "records": count, "size_bytes": int(size)} for kind, count, size in rows
    ]


def _dataset_entry(entry: _VersionFacts) -> dict[str, Any]:
    use = entry.use
    return {
        "dataset": use.dataset,
        "version": use.version,
        "records": use.records,
        "size_bytes": use.size_bytes,
        "declared_license": use.declared_license,
        "licenses": [{"license": count.spdx, "records": count.records} for count in use.licenses],
        "included": sorted(describe_path(path) for path in use.paths),
        "manifest_hash": use.manifest_hash,
    }


def _data_sources(session: Session, facts: list[_VersionFacts], scope: Scope) -> dict[str, Any]:
    def having(kind: str) -> list[dict[str, Any]]:
        return [_dataset_entry(entry) for entry in facts if entry.source_kinds.get(kind)]

    return {
        "publicly_available_datasets": having(SourceKind.HUB),
        "private_datasets_licensed": having(SourceKind.VENDOR),
        "crawled_data": {
            "datasets": having(SourceKind.WEB),
            "top_domains_by_size": _top_domains(session, scope),
            "crawlers": web_rights(session, scope).crawls,
        },
        "user_data": NOT_RECORDED,
        "synthetic_data": [_dataset_entry(entry) for entry in facts if entry.synthetic],
        "other_sources": {
            "description": "local files whose origin is the path they were ingested from",
            "datasets": having(SourceKind.LOCAL),
        },
    }


def _top_domains(session: Session, scope: Scope) -> dict[str, Any]:
    distinct = (
        select(Source.domain, Record.id, Record.size_bytes)
        .join(Occurrence, Occurrence.source_id == Source.id)
        .join(Record, Record.id == Occurrence.record_id)
        .where(in_scope(scope), Source.domain.is_not(None))
        .distinct()
        .subquery()
    )
    rows = session.execute(
        select(distinct.c.domain, func.count(), func.sum(distinct.c.size_bytes)).group_by(
            distinct.c.domain
        )
    ).all()
    ranked = sorted(rows, key=lambda row: (-int(row[2]), row[0]))
    shown = ranked[: math.ceil(len(ranked) * TOP_DOMAIN_SHARE)] if ranked else []
    return {
        "domains_total": len(ranked),
        "share_listed": TOP_DOMAIN_SHARE,
        "domains": [
            {"domain": domain, "records": count, "size_bytes": int(size)}
            for domain, count, size in shown
        ],
    }


def _web_reservations(web: WebRights) -> dict[str, Any]:
    """The web sources' signals, in all and for each domain that reserved any."""
    return {
        "domains": len(web.domains),
        "urls": web.total("urls"),
        "urls_with_signals": web.total("urls_with_signals"),
        "urls_reserved_by_page": web.total("reserved_by_page"),
        "urls_reserved_by_site": web.total("reserved_by_site"),
        "domains_with_robots_txt": sum(
            CrawlFactKind.ROBOTS_TXT in domain.policy_files for domain in web.domains
        ),
        "domains_with_tdmrep": sum(
            CrawlFactKind.TDMREP in domain.policy_files for domain in web.domains
        ),
        "domains_reserving": [
            domain.as_dict()
            for domain in web.domains
            if domain.reserved_by_page or domain.reserved_by_site
        ][:MAX_DOMAINS_LISTED],
    }


def _data_processing(session: Session, report: TrainingDataReport) -> dict[str, Any]:
    signalled = session.scalar(
        select(func.count(func.distinct(Source.id)))
        .join(Occurrence, Occurrence.source_id == Source.id)
        .where(in_scope(report.scope), Source.rights_signals.is_not(None))
    )
    sources = session.scalar(
        select(func.count(func.distinct(Occurrence.source_id))).where(in_scope(report.scope))
    )
    return {
        "respect_of_reservation_of_rights": {
            "sources": sources or 0,
            "sources_with_recorded_rights_signals": signalled or 0,
            "records_by_embedded_training_signal": training_use_counts(session, report.scope),
            "web": _web_reservations(web_rights(session, report.scope)),
            "licenses": [
                {
                    "license": entry.spdx,
                    "category": entry.category,
                    "records": entry.records,
                    "flags": list(entry.flags),
                }
                for entry in report.licenses
            ],
            "flags": list(report.flags),
        },
        "removal_of_illegal_content": NOT_RECORDED,
    }
