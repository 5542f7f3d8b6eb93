"""The corpus safety check as judged: a sample's reviewed items, its pass rate, and each
source's share of illegal content, against the thresholds of GB/T 45654-2025 (a manual check
of at least 4,000 sampled items with at least 96% passing; a source with more than 5% illegal
content is not to be used). Thresholds can be set; the defaults are the standard's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.store.schema import DatasetVersion, SafetySample, SafetySampleItem
from lineage.vocabulary import SafetyVerdict


@dataclass(frozen=True)
class SafetyThresholds:
    min_sample: int = 4000
    min_pass_rate: float = 0.96
    max_illegal_share: float = 0.05


DEFAULT_THRESHOLDS = SafetyThresholds()


@dataclass(frozen=True)
class SourceSafety:
    """One dataset version's items in the sample, as reviewed."""

    dataset: str
    sampled: int
    reviewed: int
    passed: int
    illegal: int
    excluded: bool  # more illegal content than the threshold allows: not to be used

    @property
    def illegal_share(self) -> float | None:
        return self.illegal / self.reviewed if self.reviewed else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "sampled": self.sampled,
            "reviewed": self.reviewed,
            "passed": self.passed,
            "illegal": self.illegal,
            "illegal_share": _rounded(self.illegal_share),
            "not_to_be_used": self.excluded,
        }


@dataclass
class SafetyCheck:
    """A sample and what its review found, judged against the thresholds."""

    sample_id: int
    drawn_from: str
    seed: int
    size: int
    population: int
    reviewed: int
    passed: int
    thresholds: SafetyThresholds
    sources: list[SourceSafety] = field(default_factory=list)

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.reviewed if self.reviewed else None

    @property
    def findings(self) -> list[str]:
        """Why the check does not pass; empty where it does."""
        found = []
        if self.reviewed < self.size:
            found.append(f"{self.size - self.reviewed} of {self.size} sampled items not reviewed")
        if self.size < self.thresholds.min_sample and self.size < self.population:
            found.append(f"sample of {self.size} items, under {self.thresholds.min_sample}")
        rate = self.pass_rate
        if rate is not None and rate < self.thresholds.min_pass_rate:
            found.append(f"pass rate {rate:.1%}, under {self.thresholds.min_pass_rate:.0%}")
        found += [
            f"{source.dataset}: {source.illegal_share:.1%} illegal content, over "
            f"{self.thresholds.max_illegal_share:.0%}: not to be used"
            for source in self.sources
            if source.excluded and source.illegal_share is not None
        ]
        return found

    @property
    def passed_check(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        return {
            "sample": self.sample_id,
            "drawn_from": self.drawn_from,
            "seed": self.seed,
            "size": self.size,
            "population": self.population,
            "reviewed": self.reviewed,
            "passed": self.passed,
            "pass_rate": _rounded(self.pass_rate),
            "thresholds": vars(self.thresholds),
            "result": "passed" if self.passed_check else "not passed",
            "findings": self.findings,
            "sources": [source.as_dict() for source in self.sources],
        }


def _rounded(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def latest_check(
    session: Session, model: str, thresholds: SafetyThresholds = DEFAULT_THRESHOLDS
) -> SafetyCheck | None:
    """The check of the latest sample drawn from `model`'s training data, if any."""
    sample = session.scalar(
        select(SafetySample)
        .where(SafetySample.drawn_from == f"model:{model}")
        .order_by(SafetySample.id.desc())
        .limit(1)
    )
    return judge_sample(session, sample, thresholds) if sample is not None else None


def judge_sample(
    session: Session, sample: SafetySample, thresholds: SafetyThresholds = DEFAULT_THRESHOLDS
) -> SafetyCheck:
    items = list(sample.items)
    version_ids = {item.dataset_version_id for item in items}
    versions = session.scalars(select(DatasetVersion).where(DatasetVersion.id.in_(version_ids)))
    names = {version.id: version.ref for version in versions}
    by_version: dict[int, list[SafetySampleItem]] = defaultdict(list)
    for item in items:
        by_version[item.dataset_version_id].append(item)
    sources = [
        _source(names[version_id], version_items, thresholds)
        for version_id, version_items in sorted(by_version.items(), key=lambda e: names[e[0]])
    ]
    reviewed = [item for item in items if item.verdict is not None]
    return SafetyCheck(
        sample.id,
        sample.drawn_from,
        sample.seed,
        sample.size,
        sample.population,
        len(reviewed),
        sum(item.verdict == SafetyVerdict.PASS for item in reviewed),
        thresholds,
        sources,
    )


def _source(
    dataset: str, items: list[SafetySampleItem], thresholds: SafetyThresholds
) -> SourceSafety:
    reviewed = [item for item in items if item.verdict is not None]
    illegal = sum(item.verdict == SafetyVerdict.ILLEGAL for item in reviewed)
    share = illegal / len(reviewed) if reviewed else 0.0
    return SourceSafety(
        dataset,
        len(items),
        len(reviewed),
        sum(item.verdict == SafetyVerdict.PASS for item in reviewed),
        illegal,
        share > thresholds.max_illegal_share,
    )
