"""The EU public summary of training content as Markdown, for people: a pure function of the
summary, so equal summaries give equal bytes. Headings carry the template's numbering."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lineage.export.eu_summary import FILLED, NOT_PROVIDED, build_eu_summary
from lineage.export.exporter import ExportContext, Exporter
from lineage.export.facts import FIELDS
from lineage.vocabulary import TrainingUse

_QUESTIONS = {field.key: field.question for field in FIELDS}


def export_markdown(session: Session, model_name: str, context: ExportContext) -> str:
    return render_markdown(build_eu_summary(session, model_name, context))


def render_markdown(document: dict[str, Any]) -> str:
    head = document["document"]
    lines = [f"# {head['title']}", "", f"_Following the {head['template']}._", ""]
    lines += _versioning(head)
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
    lines += _not_provided(document["not_provided"])
    return "\n".join(lines) + "\n"


def answer(item: dict[str, Any]) -> str:
    """A field as the summary says it: its value, not provided, or unknown and why."""
    if item["status"] == FILLED:
        value = item["value"]
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, list):
            value = ", ".join(str(part) for part in value)
        source = f" _(from {item['source']})_" if item.get("source") else ""
        return f"{value}{source}"
    if item["status"] == NOT_PROVIDED:
        return "not provided"
    return f"unknown: {item['reason']}"


def _versioning(head: dict[str, Any]) -> list[str]:
    version, updated = answer(head["summary_version"]), answer(head["last_update"])
    lines = [f"- Summary version: {version}; last update: {updated}"]
    if head["event_chain_head"]:
        lines.append(f"- Lineage event log head: `{head['event_chain_head']}`")
    previous = head["previous_summary"]
    if previous is not None:
        number = f" (export {previous['number']})" if "number" in previous else ""
        lines.append(f"- Follows the summary with SHA-256 `{previous['sha256']}`{number}")
    return [*lines, ""]


def _general(section: dict[str, Any]) -> list[str]:
    provider = section["provider_identification"]
    model = section["model_identification"]
    size = section["modalities_size_and_characteristics"]
    lines = ["## 1. General information", "", "### 1.1 Provider identification", ""]
    lines += [
        f"- Provider: {answer(provider['provider_name'])}",
        f"- Contact: {answer(provider['provider_contact'])}",
        f"- Authorised representative: {answer(provider['authorised_representative_name'])}",
        f"- Its contact: {answer(provider['authorised_representative_contact'])}",
        "",
        "### 1.2 Model identification",
        "",
        f"- Model: **{model['model']}**; versioned name: {answer(model['versioned_model_name'])}",
        f"- Placed on the Union market: {answer(model['placed_on_market'])}",
    ]
    for dependency in model["model_dependencies"]:
        lines.append(
            f"- Depends on {dependency['model']} ({dependency['relation']}); its summary: "
            f"{_summary_link(dependency['summary'])}"
        )
    lines += ["", "### 1.3 Modalities, overall training data size and other characteristics", ""]
    lines += [
        "| Modality | Records | Size (bytes) | Size range | Tokens | Types of content |",
        "|---|---|---|---|---|---|",
    ]
    for entry in size["modalities"]:
        tokens = answer(entry["tokens"]) if "tokens" in entry else "—"
        lines.append(
            f"| {entry['modality']} | {entry['records']} | {entry['size_bytes']} "
            f"| {answer(entry['size_range'])} | {tokens} | {answer(entry['types_of_content'])} |"
        )
    lines += [
        "",
        f"- Latest date of data collection: {answer(size['latest_collection_date'])}",
        f"- Languages: {answer(size['languages'])}",
        f"- Distinct records: {size['total_distinct_records']}, in "
        f"{size['dataset_versions']} dataset versions",
        "",
    ]
    return lines


def _summary_link(item: dict[str, Any]) -> str:
    if item["status"] != FILLED:
        return answer(item)
    link = item["value"]
    return f"export {link['number']} ({link['format']}, {link['exported_at']}), `{link['sha256']}`"


def _datasets(datasets: list[dict[str, Any]]) -> list[str]:
    if not datasets:
        return ["None recorded.", ""]
    lines = [
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


def _channel(title: str, section: dict[str, Any], heading: str = "###") -> list[str]:
    lines = [f"{heading} {section['section']} {title}", "", f"- Used: {answer(section['used'])}"]
    if section["modalities"]:
        lines.append(f"- Modalities: {', '.join(section['modalities'])}")
    return [*lines, "", *_datasets(section["datasets"])]


def _sources(section: dict[str, Any]) -> list[str]:
    private = section["private_datasets"]
    licensed = private["licensed_by_rights_holders"]
    crawled = section["crawled_data"]
    lines = ["## 2. List of data sources", ""]
    lines += _channel("Publicly available datasets", section["publicly_available_datasets"])
    lines += ["### 2.2 Private non-publicly available datasets obtained from third parties", ""]
    lines += _channel("Datasets commercially licensed by rights holders", licensed, "####")
    lines += [f"Licensing agreements: {answer(licensed['contracts'])}", ""]
    lines += _channel(
        "Private datasets obtained from other third parties", private["other_third_parties"], "####"
    )
    lines += _channel("Data crawled and scraped from online sources", crawled)
    lines += [
        f"- Crawler purposes: {answer(crawled['crawler_purposes'])}",
        f"- Crawler behaviour: {answer(crawled['crawler_behaviour'])}",
        f"- Period of collection: {answer(crawled['collection_period'])}",
    ]
    lines += _crawlers(crawled["crawlers"])
    top = crawled["top_domains_by_size"]
    lines += [
        "",
        f"Most relevant domains ({top['rule']}; {top['domains_total']} registered domains in all):",
        "",
        "| Domain | Records | Size (bytes) |",
        "|---|---|---|",
    ]
    lines += [f"| {d['domain']} | {d['records']} | {d['size_bytes']} |" for d in top["domains"]]
    user = section["user_data"]
    lines += ["", *_channel("User data", user)]
    lines += [
        f"- The provider says user data was used: {answer(user['provider_says_used'])}",
        f"- Services: {answer(user['services'])}",
        "",
    ]
    synthetic = section["synthetic_data"]
    lines += _channel("Synthetic data", synthetic)
    for entry in synthetic["datasets"]:
        lines.append(
            f"- {entry['dataset']}@{entry['version']}: generated by {answer(entry['generated_by'])}"
        )
    lines += ["", *_channel("Other sources of data", section["other_sources"])]
    unplaced = section["channel_not_recorded"]
    if unplaced:
        lines += [
            "### Dataset versions whose acquisition channel is not recorded",
            "",
            "Not placed in 2.1 to 2.6: record how each was obtained with "
            "`lineage dataset acquisition NAME@VERSION --channel ...`.",
            "",
            *_datasets(unplaced),
        ]
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
        f"{web['domains_with_tdmrep']}; the records they reserve are counted above. Crawls made "
        f"with lineage left {web['urls_not_fetched_honouring_reservations']} URLs unfetched "
        "to honour robots.txt and TDMRep.",
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
    lines = ["## 3. Data processing aspects", ""]
    lines += [
        "### 3.1 Respect of reservation of rights from the text and data mining exception",
        "",
        f"- Signatory of the Code of Practice: {answer(rights['code_of_practice_signatory'])}",
        f"- Measures: {answer(rights['measures'])}",
        "",
        f"{rights['sources_with_recorded_rights_signals']} of {rights['sources']} sources have "
        "recorded rights signals (robots.txt, TDMRep, C2PA or similar).",
    ]
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
    illegal = section["removal_of_illegal_content"]
    other = section["other_information"]
    lines += [
        "### 3.2 Removal of illegal content",
        "",
        f"Measures: {answer(illegal['measures'])}",
        "",
        "### 3.3 Other information",
        "",
        answer(other["information"]),
        "",
    ]
    return lines


def _not_provided(keys: list[str]) -> list[str]:
    if not keys:
        return []
    lines = ["", "## Not provided", "", "Facts only the provider knows, not given (`--facts`):", ""]
    return [*lines, *(f"- {_QUESTIONS[key]} (`{key}`)" for key in keys)]


EXPORTER = Exporter(
    "markdown",
    "the EU AI Act public summary of training content, for people",
    export_markdown,
    summary=True,
)
