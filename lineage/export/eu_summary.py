"""The public summary of training content (EU AI Act, Art. 53(1)(d)) for one model, in the
sections and numbering of the European Commission's template (July 2025):

1 general information: 1.1 provider, 1.2 model, 1.3 modalities, size and characteristics;
2 list of data sources: 2.1 public datasets, 2.2 private datasets from third parties (2.2.1
licensed from rights holders, 2.2.2 other), 2.3 crawled data, 2.4 user data, 2.5 synthetic
data, 2.6 other sources; 3 data processing: 3.1 respect of reservations of rights, 3.2
removal of illegal content, 3.3 other information.

Every answer is filled from the lineage database or from the provider's facts file
(`lineage.export.facts`), or is said to be not provided (a fact only the provider knows, left
out) or unknown (with the reason): nothing is invented. A dataset version's acquisition
channel alone places it in section 2. The document has no timestamps of its own and every
list is sorted, so the same database and facts always give the same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lineage.export.exporter import ExportContext
from lineage.export.facts import ProviderFacts
from lineage.query.graph import describe_path
from lineage.query.scope import Scope, in_scope
from lineage.query.summary_facts import (
    VersionAcquisition,
    acquisitions,
    archived_period,
    card_languages,
    collection_dates,
    estimated_tokens,
    export_with_hash,
    identified_languages,
    modality_totals,
    registered_domain_sizes,
    summary_link,
)
from lineage.query.training_data import (
    DatasetUse,
    TrainingDataReport,
    trained_on,
    training_use_counts,
)
from lineage.query.web_rights import WebRights, web_rights
from lineage.store import SCHEMA_REVISION, resolve_dataset_version
from lineage.store.events import chain_head
from lineage.store.schema import Occurrence, Source
from lineage.vocabulary import AcquisitionChannel, CrawlFactKind, EventKind

TEMPLATE = (
    "European Commission, Template for the public summary of training content for "
    "general-purpose AI models (Article 53(1)(d) of Regulation (EU) 2024/1689)"
)
SCHEMA_VERSION = 2
# The template asks for the top 10% of crawled domains by content size; of an SME, the top
# 5% or 1,000 domains, whichever is fewer.
TOP_DOMAIN_SHARE = 0.10
SME_DOMAIN_SHARE = 0.05
SME_DOMAIN_CAP = 1000
# Languages listed where at least this share of the texts identified is in them.
MIN_LANGUAGE_SHARE = 0.01
# Domains listed by name where they reserved any of their URLs.
MAX_DOMAINS_LISTED = 1000
# The template's size ranges, per modality: (upper bound, label), the last unbounded.
SIZE_BINS = {
    "text": (
        (10**9, "less than 1 billion tokens"),
        (10**13, "1 billion to 10 trillion tokens"),
        (None, "more than 10 trillion tokens"),
    ),
    "image": (
        (10**6, "less than 1 million images"),
        (10**9, "1 million to 1 billion images"),
        (None, "more than 1 billion images"),
    ),
}
FILLED, NOT_PROVIDED, UNKNOWN = "filled", "not provided", "unknown"


def filled(value: Any, source: str | None = None) -> dict[str, Any]:
    return {"status": FILLED, "value": value} | ({"source": source} if source else {})


def unknown(reason: str) -> dict[str, Any]:
    return {"status": UNKNOWN, "reason": reason}


@dataclass
class _Builder:
    session: Session
    report: TrainingDataReport
    facts: ProviderFacts
    version_ids: dict[str, int] = field(default_factory=dict)
    channels: dict[str, VersionAcquisition] = field(default_factory=dict)

    def fact(self, key: str) -> dict[str, Any]:
        value = self.facts.get(key)
        if value is None:
            return {"status": NOT_PROVIDED, "field": key}
        return filled(value, "provider's facts file")

    def versions_by_channel(self, channel: AcquisitionChannel | None) -> list[DatasetUse]:
        return [
            use
            for use in self.report.datasets
            if (self.channels[use.ref].channel or None) == (channel.value if channel else None)
        ]


def build_eu_summary(
    session: Session, model_name: str, context: ExportContext | None = None
) -> dict[str, Any]:
    """The summary as plain data, in the template's order."""
    context = context or ExportContext()
    report = trained_on(session, model_name)
    version_ids = {use.ref: resolve_dataset_version(session, use.ref).id for use in report.datasets}
    by_id = acquisitions(session, list(version_ids.values()))
    channels = {ref: by_id[version_id] for ref, version_id in version_ids.items()}
    builder = _Builder(session, report, context.facts, version_ids, channels)
    document = {
        "document": _document(builder, context),
        "general_information": _general_information(builder),
        "data_sources": _data_sources(builder),
        "data_processing": _data_processing(builder),
        "manifests": [
            {"dataset": use.dataset, "version": use.version, "manifest_hash": use.manifest_hash}
            for use in sorted(report.datasets, key=lambda use: (use.dataset, use.version))
        ],
    }
    document["not_provided"] = sorted(_not_provided(document))
    return document


def _document(builder: _Builder, context: ExportContext) -> dict[str, Any]:
    session, report = builder.session, builder.report
    previous = None
    if context.previous_sha256 is not None:
        known = export_with_hash(session, context.previous_sha256)
        previous = {"sha256": context.previous_sha256} | (
            {"number": known.number, "format": known.format} if known is not None else {}
        )
    return {
        "title": f"Public summary of training content: {report.model}",
        "template": TEMPLATE,
        "schema_version": SCHEMA_VERSION,
        "generator": "lineage",
        "lineage_schema_revision": SCHEMA_REVISION,
        "summary_version": builder.fact("summary.version"),
        "last_update": builder.fact("summary.last_update"),
        "previous_summary": previous,
        # The event log's head when the summary was made (exports themselves not counted,
        # so that exporting again gives the same bytes): `lineage verify` checks the chain.
        "event_chain_head": chain_head(session, exclude=(EventKind.EXPORT,)),
    }


def _general_information(builder: _Builder) -> dict[str, Any]:
    report = builder.report
    return {
        "provider_identification": {
            "section": "1.1",
            "provider_name": builder.fact("provider.name"),
            "provider_contact": builder.fact("provider.contact"),
            "authorised_representative_name": builder.fact("authorised_representative.name"),
            "authorised_representative_contact": builder.fact("authorised_representative.contact"),
        },
        "model_identification": {
            "section": "1.2",
            "model": report.model,
            "versioned_model_name": builder.fact("model.versioned_name"),
            "placed_on_market": builder.fact("model.placed_on_market"),
            "model_dependencies": _dependencies(builder),
        },
        "modalities_size_and_characteristics": {
            "section": "1.3",
            "modalities": _modalities(builder),
            "latest_collection_date": _collection(builder),
            "languages": _languages(builder),
            "total_distinct_records": report.distinct_records,
            "dataset_versions": len(report.datasets),
        },
    }


def _dependencies(builder: _Builder) -> list[dict[str, Any]]:
    """The models the summarised one was made from, each with its own summary if exported."""
    dependencies = []
    for entry in builder.report.models:
        if not entry.path:
            continue  # the model itself
        link = summary_link(builder.session, entry.name)
        dependencies.append(
            {
                "model": entry.name,
                "relation": describe_path(entry.path),
                "training_data_recorded": entry.training_data_recorded,
                "summary": filled(link, "summary exports")
                if link is not None
                else unknown("no public summary of this model was exported with lineage"),
            }
        )
    return dependencies


def _modalities(builder: _Builder) -> list[dict[str, Any]]:
    found = []
    for kind, records, size in modality_totals(builder.session, builder.report.scope):
        entry: dict[str, Any] = {"modality": kind, "records": records, "size_bytes": size}
        if kind == "text":
            tokens = estimated_tokens(size)
            entry["tokens"] = filled(
                tokens, "estimate: UTF-8 bytes / 4 (texts are not kept, no tokenizer was run)"
            )
            entry["size_range"] = filled(_bin(kind, tokens), "the token estimate")
        else:
            entry["size_range"] = filled(_bin(kind, records), "the record count")
        entry["types_of_content"] = builder.fact(f"content_types.{kind}")
        found.append(entry)
    return found


def _bin(kind: str, amount: int) -> str:
    for bound, label in SIZE_BINS[kind]:
        if bound is None or amount < bound:
            return label
    raise AssertionError("the last bin is unbounded")


def _collection(builder: _Builder) -> dict[str, Any]:
    dates = collection_dates(builder.session, builder.report.scope)
    if not dates:
        return unknown("no collection date is recorded for this data")
    latest, source = max(dates.values())
    answer = filled(latest.date().isoformat(), source)
    refs = {version: ref for ref, version in builder.version_ids.items()}
    answer["by_dataset"] = [
        {"dataset": refs[version], "date": moment.date().isoformat(), "source": label}
        for version, (moment, label) in sorted(dates.items(), key=lambda item: refs[item[0]])
    ]
    return answer


def _languages(builder: _Builder) -> dict[str, Any]:
    """The languages identified in the texts (those of at least 1% of the texts sampled, in
    order), beside those the dataset cards name."""
    versions = sorted(builder.version_ids.values())
    named = card_languages(builder.session, versions)
    found = identified_languages(builder.session, versions)
    if found is None:
        if named:
            return filled(named, "the language fields of the dataset cards")
        return unknown("no text was read by an ingest that identifies languages")
    share = {language: count / found.identified for language, count in found.counts.items()}
    languages = [language for language, part in share.items() if part >= MIN_LANGUAGE_SHARE]
    answer = filled(
        languages,
        f"{found.method}: {found.identified} of {found.seen} texts identified",
    )
    answer["shares"] = {language: round(part, 4) for language, part in share.items()}
    answer["named_by_dataset_cards"] = named
    return answer


def _dataset_entry(builder: _Builder, use: DatasetUse) -> dict[str, Any]:
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


def _channel_section(
    builder: _Builder, section: str, channel: AcquisitionChannel
) -> dict[str, Any]:
    versions = builder.versions_by_channel(channel)
    return {
        "section": section,
        "used": _used(builder, versions),
        "modalities": sorted({kind for use in versions for kind in _kinds(builder, use)}),
        "datasets": [_dataset_entry(builder, use) for use in _sorted(versions)],
    }


def _used(builder: _Builder, versions: list[DatasetUse]) -> dict[str, Any]:
    if versions:
        return filled(True, "acquisition channels of the dataset versions")
    if builder.versions_by_channel(None):
        return unknown("some dataset versions have no acquisition channel recorded")
    return filled(False, "acquisition channels of the dataset versions")


def _kinds(builder: _Builder, use: DatasetUse) -> list[str]:
    return [kind for kind, _, _ in modality_totals(builder.session, _scope_of(builder, [use]))]


def _scope_of(builder: _Builder, versions: list[DatasetUse]) -> Scope:
    """The report's scope narrowed to these versions (those with content)."""
    wanted = {builder.version_ids[use.ref] for use in versions}
    return {
        version: choice for version, choice in builder.report.scope.items() if version in wanted
    }


def _sorted(versions: list[DatasetUse]) -> list[DatasetUse]:
    return sorted(versions, key=lambda use: (use.dataset, use.version))


def _data_sources(builder: _Builder) -> dict[str, Any]:
    licensed = _channel_section(builder, "2.2.1", AcquisitionChannel.LICENSED)
    licensed["contracts"] = builder.fact("commercial_contracts")
    crawled = _channel_section(builder, "2.3", AcquisitionChannel.CRAWLED)
    scope = _scope_of(builder, builder.versions_by_channel(AcquisitionChannel.CRAWLED))
    web = web_rights(builder.session, scope)
    crawled |= {
        "crawlers": web.crawls,
        "crawler_purposes": builder.fact("crawlers.purposes"),
        "crawler_behaviour": builder.fact("crawlers.behaviour"),
        "collection_period": _period(builder, scope, web),
        "top_domains_by_size": _top_domains(builder, scope),
    }
    user = _channel_section(builder, "2.4", AcquisitionChannel.USER_DATA)
    user |= {"provider_says_used": builder.fact("user_data.used")}
    user["services"] = builder.fact("user_data.services")
    synthetic = _channel_section(builder, "2.5", AcquisitionChannel.SYNTHETIC)
    for entry in synthetic["datasets"]:
        generator = builder.channels[f"{entry['dataset']}@{entry['version']}"].generated_by
        entry["generated_by"] = (
            filled(generator, "recorded with --generated-by")
            if generator
            else unknown("no generating model was recorded")
        )
        if generator:
            link = summary_link(builder.session, generator)
            entry["generator_summary"] = link
    return {
        "publicly_available_datasets": _channel_section(
            builder, "2.1", AcquisitionChannel.PUBLIC_DATASET
        ),
        "private_datasets": {
            "section": "2.2",
            "licensed_by_rights_holders": licensed,
            "other_third_parties": _channel_section(
                builder, "2.2.2", AcquisitionChannel.THIRD_PARTY_PRIVATE
            ),
        },
        "crawled_data": crawled,
        "user_data": user,
        "synthetic_data": synthetic,
        "other_sources": _channel_section(builder, "2.6", AcquisitionChannel.OTHER),
        "channel_not_recorded": [
            _dataset_entry(builder, use) for use in _sorted(builder.versions_by_channel(None))
        ],
    }


def _period(builder: _Builder, scope: Scope, web: WebRights) -> dict[str, Any]:
    if web.crawls:
        starts = [crawl["period"][0] for crawl in web.crawls]
        ends = [crawl["period"][1] for crawl in web.crawls]
        return filled([min(starts), max(ends)], "the crawl records")
    archived = archived_period(builder.session, scope)
    if archived is not None:
        first, last = archived
        return filled([first.date().isoformat(), last.date().isoformat()], "WARC-Dates")
    return unknown("no crawl record or web archive dates are recorded for this data")


def _top_domains(builder: _Builder, scope: Scope) -> dict[str, Any]:
    ranked = registered_domain_sizes(builder.session, scope)
    sme = builder.facts.get("provider.sme") is True
    if sme:
        count = min(math.ceil(len(ranked) * SME_DOMAIN_SHARE), SME_DOMAIN_CAP)
        rule = "SME: the top 5% of registered domains or 1,000, whichever is fewer"
    else:
        count = math.ceil(len(ranked) * TOP_DOMAIN_SHARE)
        rule = "the top 10% of registered domains by content size"
    return {
        "rule": rule,
        "provider_is_sme": builder.fact("provider.sme"),
        "domains_total": len(ranked),
        "domains": [
            {"domain": domain, "records": records, "size_bytes": size}
            for domain, records, size in ranked[:count]
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
        "urls_not_fetched_honouring_reservations": sum(
            count
            for crawl in web.crawls
            for reason, count in crawl["not_fetched"].items()
            if "robots.txt" in reason or "tdmrep" in reason
        ),
        "domains_reserving": [
            domain.as_dict()
            for domain in web.domains
            if domain.reserved_by_page or domain.reserved_by_site
        ][:MAX_DOMAINS_LISTED],
    }


def _data_processing(builder: _Builder) -> dict[str, Any]:
    session, report = builder.session, builder.report
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
            "section": "3.1",
            "code_of_practice_signatory": builder.fact("code_of_practice.signatory"),
            "measures": builder.fact("opt_outs.measures"),
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
        "removal_of_illegal_content": {
            "section": "3.2",
            "measures": builder.fact("illegal_content.measures"),
        },
        "other_information": {"section": "3.3", "information": builder.fact("other_information")},
    }


def _not_provided(node: Any) -> set[str]:
    """The facts fields the summary asked for and the provider did not give."""
    if isinstance(node, dict):
        if node.get("status") == NOT_PROVIDED:
            return {node["field"]}
        return set().union(*(_not_provided(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_not_provided(value) for value in node))
    return set()
