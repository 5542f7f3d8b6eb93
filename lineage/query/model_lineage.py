"""A model's lineage as the machine-readable disclosures describe it: every model it derives
from and every dataset version that trained it, each with its links (base models, derivations,
training inputs), licences, counts, acquisition and collection facts.

The BOM formats (SPDX, CycloneDX), Croissant and the HTML report are all built from this one
answer, so they cannot disagree on what trained the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.licenses import UNKNOWN_LICENSE
from lineage.query.graph import LineageGraph
from lineage.query.splits import SplitChoice
from lineage.query.summary_facts import collection_dates, modality_totals
from lineage.query.training_data import DatasetUse, TrainingDataReport, dataset_use, trained_on
from lineage.store import find_model, resolve_dataset_version
from lineage.store.events import chain_head
from lineage.store.rows import as_utc
from lineage.store.schema import Dataset, DatasetVersion
from lineage.vocabulary import EventKind


@dataclass(frozen=True)
class ModelNode:
    """A model of the lineage: its licence, the models it derives from (name, relation) and
    the dataset versions its own training runs consumed."""

    name: str
    license: str | None
    created_at: datetime
    parents: tuple[tuple[str, str], ...]
    trained_on: tuple[str, ...]


@dataclass(frozen=True)
class VersionNode:
    """A dataset version of the lineage, with what the disclosures say of it."""

    id: int
    use: DatasetUse
    description: str | None
    created_at: datetime
    channel: str | None
    generated_by: str | None
    # The latest collection date, and where it comes from (WARC-Date, --collected, file times).
    collected: tuple[datetime, str] | None
    languages: tuple[str, ...]
    # Distinct records by kind ("text", "image").
    kinds: dict[str, int]
    # The versions it was derived from: (ref, operation).
    parents: tuple[tuple[str, str], ...]

    @property
    def ref(self) -> str:
        return self.use.ref

    @property
    def declared_license(self) -> str:
        return self.use.declared_license or UNKNOWN_LICENSE

    @property
    def concluded_licenses(self) -> tuple[str, ...]:
        """The licences of its records, which all apply to the version as a whole."""
        found = sorted({entry.spdx for entry in self.use.licenses} - {UNKNOWN_LICENSE})
        return tuple(found)

    @property
    def concluded_license(self) -> str:
        """The concluded licences as one SPDX expression (NOASSERTION when none is known)."""
        licenses = self.concluded_licenses
        if not licenses:
            return UNKNOWN_LICENSE
        return " AND ".join(f"({spdx})" if " " in spdx else spdx for spdx in licenses)


@dataclass(frozen=True)
class ModelLineage:
    """What trained `model`: its models (itself first) and dataset versions, the trained
    report they come from, the event log's head and the time the facts were last changed."""

    model: str
    models: list[ModelNode]
    versions: list[VersionNode]
    report: TrainingDataReport
    event_chain_head: str | None
    as_of: datetime = field(compare=False)


def model_lineage(session: Session, model_name: str) -> ModelLineage:
    """The lineage of `model_name`, for the machine-readable disclosures.

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
    ...     lineage = model_lineage(session, "chat")
    >>> [(node.name, node.parents, node.trained_on) for node in lineage.models]
    [('chat', (('base', 'fine-tune'),), ()), ('base', (), ('qa@1',))]
    >>> [(node.ref, node.declared_license, node.concluded_license) for node in lineage.versions]
    [('qa@1', 'CC-BY-4.0', 'CC-BY-4.0 AND CC-BY-NC-4.0 AND CC-BY-SA-4.0 AND CC0-1.0')]
    """
    report = trained_on(session, model_name)
    graph = LineageGraph.load(session)
    ids = {ref: version_id for version_id, ref in graph.version_refs.items()}
    models = [_model_node(session, graph, entry.name) for entry in report.models]
    versions = [
        _version_node(session, graph, ids[use.ref], use, report.scope[ids[use.ref]])
        for use in report.datasets
    ]
    return ModelLineage(
        model=report.model,
        models=models,
        versions=versions,
        report=report,
        event_chain_head=chain_head(session, exclude=(EventKind.EXPORT,)),
        as_of=max([node.created_at for node in models] + [node.created_at for node in versions]),
    )


def version_node(session: Session, ref: str) -> VersionNode:
    """One dataset version (`NAME@V`, or NAME's latest) as a whole, apart from any model."""
    version = resolve_dataset_version(session, ref)
    graph = LineageGraph.load(session)
    use = dataset_use(session, version.id, graph)
    return _version_node(session, graph, version.id, use, SplitChoice(every=True))


def _model_node(session: Session, graph: LineageGraph, name: str) -> ModelNode:
    model = find_model(session, name)
    return ModelNode(
        name=model.name,
        license=model.license.spdx if model.license is not None else None,
        created_at=as_utc(model.created_at),
        parents=tuple((step.name, step.how) for _, step in graph.model_parents.get(model.id, [])),
        trained_on=tuple(
            graph.version_refs[version_id]
            for version_id in graph.versions_consumed.get(model.id, [])
        ),
    )


def _version_node(
    session: Session, graph: LineageGraph, version_id: int, use: DatasetUse, choice: SplitChoice
) -> VersionNode:
    row = session.execute(
        select(DatasetVersion, Dataset.description)
        .join(Dataset, Dataset.id == DatasetVersion.dataset_id)
        .where(DatasetVersion.id == version_id)
    ).one()
    version: DatasetVersion = row[0]
    scope = {version_id: choice}
    return VersionNode(
        id=version_id,
        use=use,
        description=row.description,
        created_at=as_utc(version.created_at),
        channel=version.channel,
        generated_by=version.generated_by,
        collected=collection_dates(session, scope).get(version_id),
        languages=tuple(sorted((version.languages or {}).get("counts", {}))),
        kinds={kind: records for kind, records, _ in modality_totals(session, scope)},
        parents=tuple(
            (graph.version_refs[parent], step.how)
            for parent, step in graph.version_parents.get(version_id, [])
        ),
    )


__all__ = ["ModelLineage", "ModelNode", "VersionNode", "model_lineage", "version_node"]
