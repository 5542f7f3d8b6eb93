"""What trained model X: every dataset version reached, with counts, licences, sources and flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from lineage.licenses import license_facts
from lineage.query.graph import InclusionPath, LineageGraph, describe_path
from lineage.query.license_audit import audit_version
from lineage.query.safety import SafetyCheck, latest_check
from lineage.query.scope import Scope, in_scope
from lineage.query.splits import SplitChoice
from lineage.store import find_model
from lineage.store.schema import (
    Dataset,
    DatasetRemoval,
    DatasetVersion,
    License,
    Occurrence,
    Record,
    Source,
)
from lineage.vocabulary import TrainingUse


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
    # Known by name only: what it holds was not ingested, so nothing of it is counted.
    external: bool = False
    # Records by split: those the training runs consumed, and those they left out.
    splits: dict[str, int] = field(default_factory=dict)
    excluded_splits: dict[str, int] = field(default_factory=dict)
    # The model's corpus safety check found more illegal content in it than allowed.
    unsafe: bool = False

    @property
    def ref(self) -> str:
        return f"{self.dataset}@{self.version}"

    @property
    def flags(self) -> tuple[str, ...]:
        flags = {flag for entry in self.licenses for flag in entry.flags}
        if self.training_use.get(TrainingUse.NOT_ALLOWED):
            flags.add("rights-reserved")
        if self.training_use.get(TrainingUse.CONSTRAINED):
            flags.add("training-constrained")
        if self.license_conflict:
            flags.add("license-understated")
        if self.external:
            flags.add("content-not-ingested")
        if self.unsafe:
            flags.add("unsafe-source")
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
            "content_ingested": not self.external,
            "splits": self.splits,
            "excluded_splits": self.excluded_splits,
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class RemovedVersion:
    """A dataset version that trained a model of the lineage, deleted since: what it was."""

    dataset: str
    version: str
    manifest_hash: str | None
    records: int
    trained_models: list[str]
    removed_at: str


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
    # Versions a model of the lineage was trained on that were deleted since (with --force).
    removed: list[RemovedVersion] = field(default_factory=list)
    # The versions and splits counted, for what is built from the report (disclosures).
    scope: Scope = field(default_factory=dict)
    # The latest corpus safety check of the model's training data, where one was drawn.
    safety: SafetyCheck | None = None

    @property
    def flags(self) -> tuple[str, ...]:
        flags = {flag for use in self.datasets for flag in use.flags}
        if self.removed:
            flags.add("training-data-deleted")
        if self.safety is not None and not self.safety.passed_check:
            flags.add("safety-check-not-passed")
        return tuple(sorted(flags))

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
            "safety_check": self.safety.as_dict() if self.safety is not None else None,
            "models_without_recorded_training_data": self.models_without_data,
            "removed_datasets": [vars(entry) for entry in self.removed],
        }


def trained_on(session: Session, model_name: str) -> TrainingDataReport:
    """Every dataset version that trained `model_name`, through base models and derivations:
    with each, how it was reached, its records, licences, sources and flags.

    >>> from pathlib import Path
    >>> from lineage.store import connect, session_scope
    >>> from lineage.ingest import IngestOptions, ingest_paths
    >>> from lineage.registry import ModelRegistration, register_model
    >>> engine = connect("sqlite://")
    >>> _ = ingest_paths(engine, [Path("sample_data/qa-pairs.jsonl")],
    ...                  IngestOptions(dataset="qa", license="CC-BY-4.0"))
    >>> with session_scope(engine) as session:
    ...     _ = register_model(session, ModelRegistration("base", datasets=("qa",)))
    ...     _ = register_model(session, ModelRegistration("chat", base_models=("base",)))
    ...     report = trained_on(session, "chat")
    >>> [(use.ref, describe_path(use.paths[0])) for use in report.datasets]
    [('qa@1', 'via base model base (fine-tune)')]
    >>> [(entry.spdx, entry.records) for entry in report.licenses]  # rows carry their own
    [('CC-BY-4.0', 19), ('CC-BY-NC-4.0', 7), ('CC-BY-SA-4.0', 7), ('CC0-1.0', 7)]
    """
    model = find_model(session, model_name)
    graph = LineageGraph.load(session)
    reached = graph.training_data(model.id)
    scope = graph.training_splits(model.id)
    versions = _versions(session, list(reached))
    uses = [
        _dataset_use(session, versions[version_id], paths, graph, scope[version_id])
        for version_id, paths in reached.items()
    ]
    uses.sort(key=lambda use: (not use.direct, use.dataset, use.version))
    safety = latest_check(session, model.name)
    unsafe = {s.dataset for s in safety.sources if s.excluded} if safety is not None else set()
    for use in uses:
        use.unsafe = use.ref in unsafe
    lineage = [
        ModelInLineage(graph.model_names[ancestor], path, graph.has_training_data(ancestor))
        for ancestor, path in graph.ancestor_models(model.id)
    ]
    return TrainingDataReport(
        model=model.name,
        models=lineage,
        datasets=uses,
        distinct_records=_distinct_records(session, scope),
        licenses=license_counts(session, scope),
        removed=_removed(session, {entry.name for entry in lineage}),
        scope=scope,
        safety=safety,
    )


def dataset_use(session: Session, version_id: int, graph: LineageGraph) -> DatasetUse:
    """One dataset version as a whole (every split), described as `trained_on` describes the
    versions it reaches: for disclosures of a dataset apart from any model."""
    version = _versions(session, [version_id])[version_id]
    return _dataset_use(session, version, [()], graph, SplitChoice(every=True))


def _removed(session: Session, model_names: set[str]) -> list[RemovedVersion]:
    """Removals that name a model of the lineage; the table is small, and JSON membership
    is written differently on every database, so it is read whole."""
    removals = session.scalars(select(DatasetRemoval).order_by(DatasetRemoval.id))
    return [
        RemovedVersion(
            removal.dataset,
            removal.version,
            removal.manifest_hash,
            removal.record_count,
            sorted(set(removal.trained_models) & model_names),
            removal.removed_at.isoformat(),
        )
        for removal in removals
        if model_names.intersection(removal.trained_models)
    ]


def _versions(session: Session, version_ids: list[int]) -> dict[int, DatasetVersion]:
    """These versions, with their datasets and declared licences, in one query."""
    found = session.scalars(
        select(DatasetVersion)
        .where(DatasetVersion.id.in_(version_ids))
        .options(joinedload(DatasetVersion.dataset).joinedload(Dataset.declared_license))
    )
    return {version.id: version for version in found}


def _dataset_use(
    session: Session,
    version: DatasetVersion,
    paths: list[InclusionPath],
    graph: LineageGraph,
    choice: SplitChoice,
) -> DatasetUse:
    declared = version.dataset.declared_license
    scope = {version.id: choice}
    named = {split: n for split, n in split_counts(session, version.id).items() if split}
    counted = {split: n for split, n in named.items() if choice.includes(split)}
    excluded = {split: n for split, n in named.items() if split not in counted}
    # Where a split is left out, what is left is counted; else the manifest's counts hold.
    records, size = (
        _records_and_size(session, scope)
        if excluded
        else (version.record_count, version.size_bytes)
    )
    return DatasetUse(
        dataset=version.dataset.name,
        version=version.version,
        manifest_hash=version.manifest_hash,
        records=records,
        size_bytes=size,
        paths=sorted(paths, key=len),
        declared_license=declared.spdx if declared else None,
        licenses=license_counts(session, scope),
        sources=source_counts(session, scope),
        training_use=training_use_counts(session, scope),
        license_conflict=audit_version(session, version, graph).understated,
        external=version.dataset.external,
        splits=counted,
        excluded_splits=excluded,
    )


def split_counts(session: Session, version_id: int) -> dict[str | None, int]:
    """Distinct records of a version by split (None: in no split)."""
    query = (
        select(Occurrence.split, func.count(func.distinct(Occurrence.record_id)))
        .where(Occurrence.dataset_version_id == version_id)
        .group_by(Occurrence.split)
    )
    return dict(session.execute(query).tuples().all())


def _records_and_size(session: Session, scope: Scope) -> tuple[int, int]:
    distinct = (
        select(Record.id, Record.size_bytes)
        .join(Occurrence, Occurrence.record_id == Record.id)
        .where(in_scope(scope))
        .distinct()
        .subquery()
    )
    count, size = session.execute(
        select(func.count(), func.coalesce(func.sum(distinct.c.size_bytes), 0))
    ).one()
    return int(count), int(size)


def training_use_counts(session: Session, scope: Scope) -> dict[str, int]:
    """Distinct records by what their own metadata says of AI training, where it says."""
    query = (
        select(Record.training_use, func.count(func.distinct(Record.id)))
        .join(Occurrence, Occurrence.record_id == Record.id)
        .where(in_scope(scope), Record.training_use.is_not(None))
        .group_by(Record.training_use)
    )
    rows = session.execute(query).tuples().all()
    return dict(sorted((use, count) for use, count in rows if use is not None))


def license_counts(session: Session, scope: Scope) -> list[LicenseCount]:
    """Distinct records per licence in scope (a record counted once per licence)."""
    query = (
        select(License.spdx, License.category, func.count(func.distinct(Occurrence.record_id)))
        .join(Occurrence, Occurrence.license_id == License.id)
        .where(in_scope(scope))
        .group_by(License.spdx, License.category)
    )
    counts = [
        LicenseCount(spdx, category, records, license_facts(spdx).flags())
        for spdx, category, records in session.execute(query)
    ]
    return sorted(counts, key=lambda entry: (-entry.records, entry.spdx))


def source_counts(session: Session, scope: Scope) -> list[SourceCount]:
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
        .where(in_scope(scope))
        .group_by(Source.uri, Source.kind, Source.domain)
    )
    counts = [SourceCount(*row) for row in session.execute(query)]
    return sorted(counts, key=lambda entry: (-entry.records, entry.uri))


def _distinct_records(session: Session, scope: Scope) -> int:
    query = select(func.count(func.distinct(Occurrence.record_id))).where(in_scope(scope))
    return session.scalar(query) or 0
