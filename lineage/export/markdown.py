"""The EU public summary of training content as Markdown, for people: a pure function of the
summary, so equal summaries give equal bytes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lineage.export.eu_summary import build_eu_summary
from lineage.export.exporter import Exporter
from lineage.vocabulary import TrainingUse


def export_markdown(session: Session, model_name: str) -> str:
    return render_markdown(build_eu_summary(session, model_name))


def render_markdown(document: dict[str, Any]) -> str:
    lines = [
        f"# {document['document']['title']}",
        "",
        f"_Following the {document['document']['template']}._",
        "",
    ]
    lines += _general(document["general_information"])
    lines += _sources(document["data_sources"])
    lines += _processing(document["data_processing"])
    lines += [
        "## Manifests",
        "",
        "| Dataset | Version | Manifest hash (Merkle root) |",
        "|---|---|---|",
    ]
    lines += [
        f"| {m['dataset']} | {m['version']} | `{m['manifest_hash']}` |"
        for m in document["manifests"]
    ]
    return "\n".join(lines) + "\n"


def _general(section: dict[str, Any]) -> list[str]:
    lines = ["## 1. General information", "", f"- Model: **{section['model']}**"]
    lines.append(f"- Dataset versions in the training data: {section['dataset_versions']}")
    lines.append(f"- Distinct records: {section['total_distinct_records']}")
    lines += [
        "",
        "### 1.1 Model lineage",
        "",
        "| Model | Relation | Training data recorded |",
        "|---|---|---|",
    ]
    lines += [
        f"| {entry['model']} | {entry['relation_to_summarised_model']} | "
        f"{'yes' if entry['training_data_recorded'] else 'no'} |"
        for entry in section["model_lineage"]
    ]
    lines += [
        "",
        "### 1.2 Modalities and size",
        "",
        "| Modality | Records | Size (bytes) |",
        "|---|---|---|",
    ]
    lines += [
        f"| {m['modality']} | {m['records']} | {m['size_bytes']} |" for m in section["modalities"]
    ]
    return [*lines, ""]


def _datasets(title: str, datasets: list[dict[str, Any]]) -> list[str]:
    lines = [f"### {title}", ""]
    if not datasets:
        return [*lines, "None recorded.", ""]
    lines += [
        "| Dataset | Version | Records | Size (bytes) | Declared licence | Licences found "
        "| Included |",
        "|---|---|---|---|---|---|---|",
    ]
    for entry in datasets:
        licenses = ", ".join(f"{item['license']} ({item['records']})" for item in entry["licenses"])
        lines.append(
            f"| {entry['dataset']} | {entry['version']} | {entry['records']} "
            f"| {entry['size_bytes']} | "
            f"{entry['declared_license'] or '—'} | {licenses} | {'; '.join(entry['included'])} |"
        )
    return [*lines, ""]


def _sources(section: dict[str, Any]) -> list[str]:
    crawled = section["crawled_data"]
    lines = ["## 2. List of data sources", ""]
    lines += _datasets("2.1 Publicly available datasets", section["publicly_available_datasets"])
    lines += _datasets(
        "2.2 Private datasets licensed from rights-holders", section["private_datasets_licensed"]
    )
    lines += _datasets("2.3 Data crawled and scraped from online sources", crawled["datasets"])
    top = crawled["top_domains_by_size"]
    lines += [
        f"Top {top['share_listed']:.0%} of {top['domains_total']} domains by content size:",
        "",
        "| Domain | Records | Size (bytes) |",
        "|---|---|---|",
    ]
    lines += [f"| {d['domain']} | {d['records']} | {d['size_bytes']} |" for d in top["domains"]]
    lines += _crawlers(crawled["crawlers"])
    lines += ["", "### 2.4 User data", "", f"{str(section['user_data']).capitalize()}.", ""]
    lines += _datasets("2.5 Synthetic data", section["synthetic_data"])
    lines += _datasets("2.6 Other sources", section["other_sources"]["datasets"])
    return lines


def _crawlers(crawls: list[dict[str, Any]]) -> list[str]:
    if not crawls:
        return []
    lines = ["", "Crawlers used by or for the provider:", ""]
    for crawl in crawls:
        refused = ", ".join(f"{n} {why}" for why, n in sorted(crawl["not_fetched"].items()))
        lines.append(
            f"- {crawl['crawler']} as `{crawl['user_agent']}`, {crawl['period'][0]} to "
            f"{crawl['period'][1]}, for {crawl['dataset']}: {crawl['purpose']}; "
            f"{crawl['pages_fetched']} pages fetched from {len(crawl['seeds'])} seed(s), "
            f"honouring {' and '.join(crawl['honoured'])} before every request"
            + (f"; not fetched: {refused}." if refused else ".")
        )
    return lines


def _web_reservations(web: dict[str, Any]) -> list[str]:
    if not web["urls"]:
        return []
    lines = [
        "",
        f"Of {web['urls']} web URLs from {web['domains']} domains, {web['urls_with_signals']} "
        f"carried rights signals; {web['urls_reserved_by_page']} were reserved by the page "
        f"(X-Robots-Tag or meta noai, TDMRep headers or tags) and {web['urls_reserved_by_site']} "
        f"by their site (robots.txt closed to AI crawlers, tdmrep.json). robots.txt was found "
        f"for {web['domains_with_robots_txt']} domains, tdmrep.json for "
        f"{web['domains_with_tdmrep']}; the records they reserve are counted above.",
    ]
    if web["domains_reserving"]:
        lines += [
            "",
            "| Domain | URLs | Reserved by page | Reserved by site |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {d['domain']} | {d['urls']} | {d['reserved_by_page']} | {d['reserved_by_site']} |"
            for d in web["domains_reserving"]
        ]
    return lines


def _processing(section: dict[str, Any]) -> list[str]:
    rights = section["respect_of_reservation_of_rights"]
    lines = ["## 3. Data processing", "", "### 3.1 Respect of reservation of rights", ""]
    lines.append(
        f"{rights['sources_with_recorded_rights_signals']} of {rights['sources']} sources have "
        "recorded rights signals (robots.txt, TDMRep, C2PA or similar)."
    )
    embedded = rights["records_by_embedded_training_signal"]
    reserved = embedded.get(TrainingUse.NOT_ALLOWED, 0)
    lines.append(
        f"{reserved} records reserve AI training, in their own metadata (C2PA, IPTC data "
        "mining), their page's headers and tags (noai, TDMRep) or their site's robots.txt and "
        f"tdmrep.json; {embedded.get(TrainingUse.CONSTRAINED, 0)} allow it under constraints."
    )
    lines += _web_reservations(rights["web"])
    lines += ["", "| Licence | Category | Records | Flags |", "|---|---|---|---|"]
    lines += [
        f"| {entry['license']} | {entry['category']} | {entry['records']} "
        f"| {', '.join(entry['flags'])} |"
        for entry in rights["licenses"]
    ]
    flags = ", ".join(rights["flags"]) or "none"
    lines += ["", f"Flags over all training data: {flags}.", ""]
    lines += [
        "### 3.2 Removal of illegal content",
        "",
        f"{str(section['removal_of_illegal_content']).capitalize()}.",
        "",
    ]
    return lines


EXPORTER = Exporter(
    "markdown", "the EU AI Act public summary of training content, for people", export_markdown
)
