"""Whether a model's training data allows an intended use, and what the model inherits.

A verdict looks at each licence in each dataset version a model was trained on, and at the
records whose own metadata reserves AI training, and sorts them into what blocks the use (the
licence forbids it; for commercial use, also an unknown licence; outside research, a rights
reservation), what constrains it (conditions that travel with the model) and what it obliges
(attribution, share-alike). These are the tool's reading of each licence's recorded facts and
of the EU text-and-data-mining rules (a reservation binds commercial mining, CDSM Art. 4(3);
research organisations may mine regardless, Art. 3), not legal advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lineage.licenses import license_facts
from lineage.query.training_data import DatasetUse, TrainingDataReport
from lineage.vocabulary import LicenseCategory, TrainingUse

USES = ("commercial", "research", "internal")


@dataclass(frozen=True)
class Finding:
    """Records of one dataset version that block or constrain a use; `license` is None when
    the reason is the records' own rights metadata rather than a licence."""

    dataset: str
    version: str
    license: str | None
    records: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return vars(self)


@dataclass
class UseVerdict:
    model: str
    use: str
    blocking: list[Finding] = field(default_factory=list)
    constraining: list[Finding] = field(default_factory=list)
    obligations: dict[str, list[str]] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return not self.blocking

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "use": self.use,
            "allowed": self.allowed,
            "blocking": [finding.as_dict() for finding in self.blocking],
            "constraining": [finding.as_dict() for finding in self.constraining],
            "obligations": self.obligations,
        }


def use_verdict(report: TrainingDataReport, use: str) -> UseVerdict:
    """Judge `use` ("commercial", "research" or "internal") of the model in `report`."""
    if use not in USES:
        raise ValueError(f"unknown use {use!r}")
    verdict = UseVerdict(report.model, use)
    for dataset in report.datasets:
        _judge_reservations(dataset, use, verdict)
        for count in dataset.licenses:
            finding = Finding(dataset.dataset, dataset.version, count.spdx, count.records, "")
            blocks, constrains = _judge(count.spdx, use)
            if blocks:
                verdict.blocking.append(_with_reason(finding, blocks))
            for reason in constrains:
                verdict.constraining.append(_with_reason(finding, reason))
            for obligation in _obligations(count.spdx):
                verdict.obligations.setdefault(obligation, [])
                if count.spdx not in verdict.obligations[obligation]:
                    verdict.obligations[obligation].append(count.spdx)
    for licences in verdict.obligations.values():
        licences.sort()
    return verdict


def _judge_reservations(dataset: DatasetUse, use: str, verdict: UseVerdict) -> None:
    reserved = dataset.training_use.get(TrainingUse.NOT_ALLOWED, 0)
    if reserved:
        reason = "rights holder reserved AI training (in the work, its headers or its site's files)"
        finding = Finding(dataset.dataset, dataset.version, None, reserved, reason)
        if use == "research":
            research = reason + "; only a research exception (EU CDSM Art. 3) allows mining it"
            verdict.constraining.append(_with_reason(finding, research))
        else:
            verdict.blocking.append(finding)
    constrained = dataset.training_use.get(TrainingUse.CONSTRAINED, 0)
    if constrained:
        reason = "the work's metadata allows AI training only under stated constraints"
        verdict.constraining.append(
            Finding(dataset.dataset, dataset.version, None, constrained, reason)
        )


def _with_reason(finding: Finding, reason: str) -> Finding:
    return Finding(finding.dataset, finding.version, finding.license, finding.records, reason)


def _judge(spdx: str, use: str) -> tuple[str | None, list[str]]:
    """What in this licence blocks the use, and what constrains it."""
    facts = license_facts(spdx)
    constraints = []
    if facts.category is LicenseCategory.UNKNOWN:
        reason = "licence unknown: no grant to rely on"
        if use == "commercial":
            return reason, []
        constraints.append(reason)
    if facts.commercial_use is False and use == "commercial":
        return "licence forbids commercial use", []
    if facts.category is LicenseCategory.PROPRIETARY:
        constraints.append("no licence granted: the rights holder's permission is needed")
    if facts.derivatives_allowed is False:
        constraints.append(
            "licence allows no derivatives; whether a trained model is one is unsettled"
        )
    if facts.category is LicenseCategory.USE_RESTRICTED:
        terms = "; ".join(facts.ai_terms) or "the restrictions pass on"
        constraints.append(f"licence restricts how the model may be used: {terms}")
    if facts.share_alike and use == "commercial":
        constraints.append("share-alike: adaptations must carry the same licence")
    return None, constraints


def _obligations(spdx: str) -> list[str]:
    facts = license_facts(spdx)
    found = []
    if facts.attribution_required:
        found.append("attribution")
    if facts.share_alike:
        found.append("share-alike notice")
    return found
