"""What trained model X: every dataset version reached, with counts, licences, sources and flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lineage.crawl.rights import CONSTRAINED, NOT_ALLOWED
from lineage.graph import InclusionPath, ancestor_models, describe_path, training_data
from lineage.license_audit import audit_version
from lineage.licenses import license_facts
from lineage.models import (
    DatasetVersion,
    License,
    Model,
    ModelDerivation,
    Occurrence,
    Record,
    Source,
    TrainingRun,
)
from lineage.store import find_model


@dataclass(frozen=True)
class LicenseCount:
    spdx: str
    category: str
    records: int
    flags: tuple[str, ...]


@dataclass(frozen=True)
class SourceCount:
    uri: str
    kind: str
    domain: str | None
    records: int
    size_bytes: int


@dataclass
class DatasetUse:
    """One dataset version in a model's training data, and how it got there."""

    dataset: str
    version: str
    manifest_hash: str | None
    records: int
    size_bytes: int
    paths: list[InclusionPath]
    declared_license: str | None
    licenses: list[LicenseCount] = field(default_factory=list)
    sources: list[SourceCount] = field(default_factory=list)
    # Records whose own metadata reserves AI training ("notAllowed") or sets conditions.
    training_use: dict[str, int] = field(default_factory=dict)
    license_conflict: bool = False

    @property
    def ref(self) -> str:
        return f"{self.dataset}@{self.version}"

    @property
    def flags(self) -> tuple[str, ...]:
        flags = {flag for entry in self.licenses for flag in entry.flags}
        if self.training_use.get(NOT_ALLOWED):
            flags.add("rights-reserved")
        if self.training_use.get(CONSTRAINED):
            flags.add("training-constrained")
        if self.license_conflict:
            flags.add("license-understated")
        return tuple(sorted(flags))

    @property
    def direct(self) -> bool:
        return any(not path for path in self.paths)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "version": self.version,
            "manifest_hash": self.manifest_hash,
            "records": self.records,
            "size_bytes": self.size_bytes,
            "declared_license": self.declared_license,
            "paths": [
                {"description": describe_path(path), "steps": [step.as_dict() for step in path]}
                for path in self.paths
            ],
            "licenses": [vars(entry) | {"flags": list(entry.flags)} for entry in self.licenses],
            "sources": [vars(entry) for entry in self.sources],
            "training_use": self.training_use,
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class ModelInLineage:
    name: str
    path: InclusionPath
    training_data_recorded: bool


@dataclass
class TrainingDataReport:
    """The transitive answer to "what data trained model X?"."""

    model: str
    models: list[ModelInLineage]
    datasets: list[DatasetUse]
    distinct_records: int
    licenses: list[LicenseCount]

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(sorted({flag for use in self.datasets for flag in use.flags}))

    @property
    def models_without_data(self) -> list[str]:
        return [entry.name for entry in self.models if not entry.training_data_recorded]

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "lineage": [
                {
                    "model": entry.name,
                    "path": describe_path(entry.path),
                    "training_data_recorded": entry.training_data_recorded,
                }
                for entry in self.models
            ],
            "datasets": [use.as_dict() for use in self.datasets],
            "totals": {
                "dataset_versions": len(self.datasets),
                "distinct_records": self.distinct_records,
                "licenses": [vars(entry) | {"flags": list(entry.flags)} for entry in self.licenses],
            },
            "flags": list(self.flags),
            "models_without_recorded_training_data": self.models_without_data,
        }


def trained_on(session: Session, model_name: str) -> TrainingDataReport:
    """Every dataset version that trained `model_name`, through base models and derivations."""
    model = find_model(session, model_name)
    reached = training_data(session, model)
    uses = [_dataset_use(session, version, paths) for version, paths in reached.values()]
    uses.sort(key=lambda use: (not use.direct, use.dataset, use.version))
    version_ids = list(reached)
    return TrainingDataReport(
        model=model.name,
        models=_lineage_models(session, model),
        datasets=uses,
        distinct_records=_distinct_records(session, version_ids),
        licenses=license_counts(session, version_ids),
    )


def _lineage_models(session: Session, model: Model) -> list[ModelInLineage]:
    return [
        ModelInLineage(ancestor.name, path, _has_training_data(session, ancestor))
        for ancestor, path in ancestor_models(session, model)
    ]


def _has_training_data(session: Session, model: Model) -> bool:
    """A model with runs, or a base it was derived from, is not a dead end of the lineage."""
    runs = select(TrainingRun.id).where(TrainingRun.model_id == model.id)
    bases = select(ModelDerivation.id).where(ModelDerivation.child_model_id == model.id)
    return bool(session.scalar(select(runs.exists())) or session.scalar(select(bases.exists())))


def _dataset_use(
    session: Session, version: DatasetVersion, paths: list[InclusionPath]
) -> DatasetUse:
    declared = version.dataset.declared_license
    return DatasetUse(
        dataset=version.dataset.name,
        version=version.version,
        manifest_hash=version.manifest_hash,
        records=version.record_count,
        size_bytes=version.size_bytes,
        paths=sorted(paths, key=len),
        declared_license=declared.spdx if declared else None,
        licenses=license_counts(session, [version.id]),
        sources=source_counts(session, version.id),
        training_use=training_use_counts(session, [version.id]),
        license_conflict=audit_version(session, version).understated,
    )


def training_use_counts(session: Session, version_ids: list[int]) -> dict[str, int]:
    """Distinct records by what their own metadata says of AI training, where it says."""
    query = (
        select(Record.training_use, func.count(func.distinct(Record.id)))
        .join(Occurrence, Occurrence.record_id == Record.id)
        .where(Occurrence.dataset_version_id.in_(version_ids), Record.training_use.is_not(None))
        .group_by(Record.training_use)
    )
    return dict(sorted(session.execute(query).tuples().all()))


def license_counts(session: Session, version_ids: list[int]) -> list[LicenseCount]:
    """Distinct records per licence over the versions (a record counted once per licence)."""
    query = (
        select(License.spdx, License.category, func.count(func.distinct(Occurrence.record_id)))
        .join(Occurrence, Occurrence.license_id == License.id)
        .where(Occurrence.dataset_version_id.in_(version_ids))
        .group_by(License.spdx, License.category)
    )
    counts = [
        LicenseCount(spdx, category, records, license_facts(spdx).flags())
        for spdx, category, records in session.execute(query)
    ]
    return sorted(counts, key=lambda entry: (-entry.records, entry.spdx))


def source_counts(session: Session, version_id: int) -> list[SourceCount]:
    query = (
        select(
            Source.uri,
            Source.kind,
            Source.domain,
            func.count(func.distinct(Record.id)),
            func.coalesce(func.sum(Record.size_bytes), 0),
        )
        .join(Occurrence, Occurrence.source_id == Source.id)
        .join(Record, Record.id == Occurrence.record_id)
        .where(Occurrence.dataset_version_id == version_id)
        .group_by(Source.uri, Source.kind, Source.domain)
    )
    counts = [SourceCount(*row) for row in session.execute(query)]
    return sorted(counts, key=lambda entry: (-entry.records, entry.uri))


def _distinct_records(session: Session, version_ids: list[int]) -> int:
    query = select(func.count(func.distinct(Occurrence.record_id))).where(
        Occurrence.dataset_version_id.in_(version_ids)
    )
    return session.scalar(query) or 0
