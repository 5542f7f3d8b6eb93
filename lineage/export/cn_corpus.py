"""The training corpus record a provider keeps under China's Interim Measures for generative
AI services and GB/T 45654-2025 (basic security requirements), for one model: for each corpus
source, its origin, acquisition channel, licence or authorisation evidence, the contract
behind commercial data, collection time and method, how opt-outs were handled, size and
languages; then the corpus safety check and the annotation rules. Headings are in Chinese
with English beside them. What the database and the facts file do not hold is said to be
not provided or unknown, never invented; the same database and facts give the same bytes.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from lineage.export.exporter import ExportContext, Exporter
from lineage.query import audit_licenses, trained_on
from lineage.query.safety import SafetyCheck
from lineage.query.scope import whole
from lineage.query.summary_facts import acquisitions, card_languages, collection_dates
from lineage.query.training_data import DatasetUse
from lineage.query.web_rights import web_rights
from lineage.store import resolve_dataset_version
from lineage.vocabulary import AcquisitionChannel, TrainingUse

CHANNEL_NAMES = {
    AcquisitionChannel.PUBLIC_DATASET: "开源数据集 public dataset",
    AcquisitionChannel.LICENSED: "商业采购 licensed from rights holders",
    AcquisitionChannel.THIRD_PARTY_PRIVATE: "第三方提供 other third party",
    AcquisitionChannel.CRAWLED: "自采 (网络爬取) self-collected by crawling",
    AcquisitionChannel.USER_DATA: "使用者输入 user data",
    AcquisitionChannel.SYNTHETIC: "合成数据 synthetic",
    AcquisitionChannel.OTHER: "其他 other",
}


def export_cn_corpus(session: Session, model_name: str, context: ExportContext) -> str:
    report = trained_on(session, model_name)
    lines = [
        f"# 训练语料来源记录 Training corpus record: {report.model}",
        "",
        "_依据《生成式人工智能服务管理暂行办法》及 GB/T 45654-2025 "
        "(Interim Measures for generative AI services; GB/T 45654-2025)._",
        "",
        f"- 提供者 Provider: {_fact(context, 'provider.name')}",
        f"- 模型版本 Model version: {_fact(context, 'model.versioned_name')}",
        f"- 语料来源数 Corpus sources: {len(report.datasets)}; "
        f"不同记录 distinct records: {report.distinct_records}",
        "",
    ]
    for use in sorted(report.datasets, key=lambda use: (use.dataset, use.version)):
        lines += _source(session, use, context)
    lines += _safety(report.safety)
    lines += [
        "## 标注规则 Annotation rules",
        "",
        _fact(context, "annotation.rules"),
        "",
    ]
    return "\n".join(lines) + "\n"


def _fact(context: ExportContext, key: str) -> str:
    value = context.facts.get(key)
    if value is None:
        return "未提供 not provided"
    return ", ".join(value) if isinstance(value, list) else str(value)


def _source(session: Session, use: DatasetUse, context: ExportContext) -> list[str]:
    version = resolve_dataset_version(session, use.ref)
    channel = acquisitions(session, [version.id])[version.id]
    return [
        f"## 语料来源 Source: {use.ref}",
        "",
        f"- 来源 Origin: {_origin(use)}",
        f"- 获取渠道 Acquisition channel: {_channel(channel.channel)}",
        f"- 授权情况 Licence or authorisation: {_licences(session, use)}",
        f"- 商业语料合同 Contract for commercial data: {_contract(channel.channel, context)}",
        f"- 采集时间 Collection time: {_collected(session, version.id)}",
        f"- 采集方式 Collection method: {_method(session, version.id, channel.channel)}",
        f"- 拒绝采集与权利保留 Opt-outs: {_opt_outs(use)}",
        f"- 规模 Size: {use.records} records, {use.size_bytes} bytes",
        f"- 语言 Languages: {_languages(session, version.id)}",
        "",
    ]


def _origin(use: DatasetUse) -> str:
    if use.external:
        return "仅名称已知 known by name only (content not ingested)"
    if not use.sources:
        return "未知 unknown"
    records: dict[str, int] = defaultdict(int)
    for source in use.sources:  # a web source by its domain, another by its URI
        records[source.domain or source.uri] += source.records
    shown = sorted(records, key=lambda origin: (-records[origin], origin))[:5]
    named = ", ".join(f"{origin} ({records[origin]} records)" for origin in shown)
    more = len(records) - len(shown)
    return named + (f", and {more} more" if more > 0 else "")


def _channel(channel: str | None) -> str:
    if channel is None:
        return "未记录 not recorded (lineage dataset acquisition)"
    return CHANNEL_NAMES[AcquisitionChannel(channel)]


def _licences(session: Session, use: DatasetUse) -> str:
    found = ", ".join(f"{entry.spdx} ({entry.records})" for entry in use.licenses) or "none"
    audit = audit_licenses(session, use.ref)
    evidence = sorted({item.locator for item in audit.declarations + audit.found})
    declared = f"declared {use.declared_license}; " if use.declared_license else ""
    shown = f"; evidence: {', '.join(evidence[:5])}" if evidence else ""
    return f"{declared}found {found}{shown}"


def _contract(channel: str | None, context: ExportContext) -> str:
    if channel != AcquisitionChannel.LICENSED:
        return "不适用 not applicable (not licensed commercial data)"
    return _fact(context, "commercial_contracts")


def _collected(session: Session, version_id: int) -> str:
    dates = collection_dates(session, whole([version_id]))
    if version_id not in dates:
        return "未知 unknown: no collection date is recorded"
    moment, source = dates[version_id]
    return f"{moment.date().isoformat()} (from {source})"


def _method(session: Session, version_id: int, channel: str | None) -> str:
    crawls = web_rights(session, whole([version_id])).crawls
    if crawls:
        return "; ".join(
            f"crawled by {crawl['crawler']} as {crawl['user_agent']}, {crawl['period'][0]} to "
            f"{crawl['period'][1]}, honouring robots.txt and TDMRep"
            for crawl in crawls
        )
    if channel is None:
        return "未记录 not recorded"
    return f"{_channel(channel)}; ingested from files with lineage ingest"


def _opt_outs(use: DatasetUse) -> str:
    reserved = use.training_use.get(TrainingUse.NOT_ALLOWED, 0)
    if not reserved:
        return "no record carries a reservation of rights"
    return f"{reserved} records reserved by their rights holders (flagged: rights-reserved)"


def _languages(session: Session, version_id: int) -> str:
    languages = card_languages(session, [version_id])
    return ", ".join(languages) if languages else "未知 unknown (no dataset card names them)"


def _safety(check: SafetyCheck | None) -> list[str]:
    lines = ["## 语料安全评估 Corpus safety check (GB/T 45654-2025)", ""]
    if check is None:
        return [*lines, "未进行 No sample was drawn (lineage check sample --model).", ""]
    summary = check.as_dict()
    rate = f"{check.pass_rate:.1%}" if check.pass_rate is not None else "none reviewed"
    lines += [
        f"- 抽样 Sample {check.sample_id}: {check.size} of {check.population} items, "
        f"seed {check.seed}",
        f"- 已审核 Reviewed: {check.reviewed}; 合格 passed: {check.passed}; "
        f"合格率 pass rate: {rate}",
        f"- 结论 Result: {'合格 passed' if check.passed_check else '不合格 not passed'}",
    ]
    lines += [f"  - {finding}" for finding in check.findings]
    lines += [
        "",
        "| 来源 Source | 抽样 Sampled | 已审核 Reviewed | 违法 Illegal | 停用 Not to be used |",
    ]
    lines.append("|---|---|---|---|---|")
    lines += [
        f"| {s['dataset']} | {s['sampled']} | {s['reviewed']} | {s['illegal']} "
        f"| {'yes' if s['not_to_be_used'] else 'no'} |"
        for s in summary["sources"]
    ]
    return [*lines, ""]


EXPORTER = Exporter(
    "cn-corpus",
    "China's training corpus record, with the corpus safety check (GB/T 45654-2025)",
    export_cn_corpus,
)
