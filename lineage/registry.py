"""Recording models, their training runs and base models, and dataset derivations."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.crawl.cards import Card
from lineage.errors import InputError, NotFoundError
from lineage.licenses import check_declared_license
from lineage.query.graph import LineageGraph
from lineage.store import (
    ensure_dataset_version,
    ensure_license,
    find_model,
    resolve_dataset_version,
    split_ref,
)
from lineage.store.events import append_event
from lineage.store.rows import (
    check_name,
    delete_version,
    ensure_external_dataset,
    find_dataset,
    trained_models,
    utc_now,
)
from lineage.store.schema import (
    DatasetDerivation,
    DatasetRemoval,
    DatasetVersion,
    Model,
    ModelDerivation,
    SummaryExport,
    TrainingInput,
    TrainingRun,
)
from lineage.vocabulary import AcquisitionChannel, DatasetOperation, EventKind, ModelRelation

# As plain strings, for the command line's choices.
MODEL_RELATIONS = tuple(relation.value for relation in ModelRelation)
DATASET_OPERATIONS = tuple(operation.value for operation in DatasetOperation)
# Hugging Face's `base_model_relation` values, mapped to ours.
HUB_RELATIONS = {
    "finetune": ModelRelation.FINE_TUNE,
    "adapter": ModelRelation.ADAPTER,
    "merge": ModelRelation.MERGE,
    "quantized": ModelRelation.QUANTIZATION,
}


@dataclass(frozen=True)
class ModelRegistration:
    """What is known of a training run: its datasets, base models and the card it came with."""

    name: str
    datasets: tuple[str, ...] = ()
    base_models: tuple[str, ...] = ()
    relation: str | None = None
    license: str | None = None
    card: Card | None = None
    # Datasets not ingested are recorded by name (external, their content unknown) rather
    # than refused; a card's datasets always may be, as cards name hub datasets.
    external: bool = False
    # The splits the run consumed of its datasets; none means their training splits.
    splits: tuple[str, ...] = ()

    def merged_with_card(self) -> ModelRegistration:
        """Fill what the command line left out from the card's front matter."""
        if self.card is None:
            return self
        hub_relation = str(self.card.metadata.get("base_model_relation") or "")
        return ModelRegistration(
            external=self.external or not self.datasets,
            splits=self.splits,
            name=self.name,
            datasets=self.datasets or tuple(self.card.strings("datasets")),
            base_models=self.base_models or tuple(self.card.strings("base_model")),
            relation=self.relation or HUB_RELATIONS.get(hub_relation, hub_relation or None),
            license=self.license or self.card.license,
            card=self.card,
        )


def register_model(session: Session, registration: ModelRegistration) -> TrainingRun:
    """Record a model and a training run on its datasets; the same run twice is recorded once.

    >>> from lineage.store import connect, session_scope
    >>> with session_scope(connect("sqlite://")) as session:
    ...     _ = register_model(session, ModelRegistration("base-lm", base_models=("gpt-base",)))
    ...     register_model(session, ModelRegistration("gpt-base", base_models=("base-lm",)))
    Traceback (most recent call last):
    lineage.errors.InputError: 'base-lm' cannot be a base of 'gpt-base': that makes a cycle
    """
    registration = registration.merged_with_card()
    _check_relation(registration)
    versions = [_trained_on(session, ref, registration.external) for ref in registration.datasets]
    model = _ensure_model(session, registration.name)
    if registration.license:
        model.license = ensure_license(session, check_declared_license(registration.license))
    if registration.card is not None:
        model.card = json.loads(json.dumps(registration.card.metadata, default=str))
    for base_name in registration.base_models:
        _link_base_model(
            session, model, base_name, registration.relation or ModelRelation.FINE_TUNE
        )
    splits = sorted(set(registration.splits)) or None
    existing = _existing_run(session, model, versions, splits)
    run = existing or _new_run(session, model, versions, splits)
    session.flush()
    if existing is None:
        detail = {
            "run": run.id,
            "datasets": sorted(version.ref for version in versions),
            "base_models": sorted(registration.base_models),
            "splits": splits,
        }
        append_event(session, EventKind.REGISTER, model.name, detail)
    return run


def _trained_on(session: Session, ref: str, external: bool) -> DatasetVersion:
    """The dataset version a run consumed: ingested, or else, where allowed, external."""
    if external:
        return ensure_external_dataset(session, ref)
    try:
        return resolve_dataset_version(session, ref)
    except NotFoundError as exc:
        raise NotFoundError(f"{exc}; --external records it by name, content not ingested") from exc


def _check_relation(registration: ModelRegistration) -> None:
    if registration.relation and registration.relation not in MODEL_RELATIONS:
        allowed = ", ".join(MODEL_RELATIONS)
        raise InputError(f"unknown relation {registration.relation!r} (one of: {allowed})")
    if registration.relation and not registration.base_models:
        raise InputError("a relation needs a base model (--base-model)")
    if not registration.datasets and not registration.base_models:
        raise InputError(f"model {registration.name!r}: give at least one dataset or base model")


def _ensure_model(session: Session, name: str) -> Model:
    model = session.scalar(select(Model).where(Model.name == name))
    if model is None:
        check_name(name, "model name")
        model = Model(name=name, created_at=utc_now())
        session.add(model)
        session.flush()
    return model


def _link_base_model(session: Session, model: Model, base_name: str, relation: str) -> None:
    """Derive `model` from `base_name`; an unregistered base is recorded with no known data."""
    base = _ensure_model(session, base_name)
    ancestors = LineageGraph.load(session).ancestor_models(base.id)
    if any(ancestor == model.id for ancestor, _ in ancestors):
        raise InputError(f"{base_name!r} cannot be a base of {model.name!r}: that makes a cycle")
    link = session.scalar(
        select(ModelDerivation).where(
            ModelDerivation.child_model_id == model.id,
            ModelDerivation.parent_model_id == base.id,
        )
    )
    if link is None:
        session.add(
            ModelDerivation(child_model_id=model.id, parent_model_id=base.id, relation=relation)
        )
    else:
        link.relation = relation


def _existing_run(
    session: Session, model: Model, versions: Sequence[DatasetVersion], splits: list[str] | None
) -> TrainingRun | None:
    """A run of the model on the same versions and splits, if one is recorded."""
    wanted = {(version.id, json.dumps(splits)) for version in versions}
    for run in session.scalars(select(TrainingRun).where(TrainingRun.model_id == model.id)):
        inputs = session.execute(
            select(TrainingInput.dataset_version_id, TrainingInput.splits).where(
                TrainingInput.training_run_id == run.id
            )
        )
        if {(version_id, json.dumps(chosen)) for version_id, chosen in inputs} == wanted:
            return run
    return None


def _new_run(
    session: Session, model: Model, versions: Sequence[DatasetVersion], splits: list[str] | None
) -> TrainingRun:
    run = TrainingRun(model_id=model.id, created_at=utc_now())
    session.add(run)
    session.flush()
    session.add_all(
        TrainingInput(training_run_id=run.id, dataset_version_id=version.id, splits=splits)
        for version in versions
    )
    return run


def derive_dataset(
    session: Session, new_ref: str, parent_refs: Sequence[str], operation: str
) -> DatasetVersion:
    """Record that dataset version `new_ref` was made from `parent_refs` by `operation`.

    The new version is created empty if it was not ingested; it then stands for content
    that is only known through its parents.
    """
    if operation not in DATASET_OPERATIONS:
        raise InputError(
            f"unknown operation {operation!r} (one of: {', '.join(DATASET_OPERATIONS)})"
        )
    if not parent_refs:
        raise InputError("a derived dataset needs at least one parent (--from)")
    parents = [resolve_dataset_version(session, ref) for ref in parent_refs]
    name, version = split_ref(new_ref)
    derived = ensure_dataset_version(session, name, version)
    for parent in parents:
        _link_parent(session, derived, parent, operation)
    session.flush()
    detail = {"parents": sorted(parent.ref for parent in parents), "operation": operation}
    append_event(session, EventKind.DERIVE, derived.ref, detail)
    return derived


def link_source_datasets(session: Session, derived: DatasetVersion, card: Card) -> list[str]:
    """Derive `derived` from the datasets its card's `source_datasets` names: an ingested one
    by its latest version, any other by name only (external). Hub cards say `original` for
    content of their own, and `extended|NAME` for content extended from NAME."""
    names = []
    for declared in card.strings("source_datasets"):
        name = declared.removeprefix("extended|").strip()
        if name and name not in ("original", "extended") and name != derived.dataset.name:
            parent = ensure_external_dataset(session, name)
            _link_parent(session, derived, parent, DatasetOperation.OTHER)
            names.append(parent.ref)
    session.flush()
    return names


def _link_parent(
    session: Session, derived: DatasetVersion, parent: DatasetVersion, operation: str
) -> None:
    upstream = LineageGraph.load(session).upstream_versions(parent.id)
    if any(ancestor == derived.id for ancestor, _ in upstream):
        raise InputError(f"{parent.ref} cannot be a parent of {derived.ref}: that makes a cycle")
    exists = session.scalar(
        select(DatasetDerivation).where(
            DatasetDerivation.derived_version_id == derived.id,
            DatasetDerivation.parent_version_id == parent.id,
        )
    )
    if exists is None:
        session.add(
            DatasetDerivation(
                derived_version_id=derived.id,
                parent_version_id=parent.id,
                operation=operation,
                created_at=utc_now(),
            )
        )


@dataclass(frozen=True)
class Deletion:
    """What `delete_dataset` deleted, and the removals it recorded (forced past models trained
    on a version, or versions derived from it)."""

    versions: tuple[str, ...]
    recorded: tuple[str, ...]


def delete_dataset(session: Session, ref: str, force: bool = False) -> Deletion:
    """Delete dataset version `NAME@V`, or every version of `NAME`, with what hangs on it.

    A version that trained a model, or that other versions were derived from, is refused
    unless `force`; then its removal is recorded, so that the models' training data still
    names it (with its manifest hash).
    """
    name, version = split_ref(ref)
    dataset = find_dataset(session, name)
    doomed = [resolve_dataset_version(session, ref)] if version else list(dataset.versions)
    graph = LineageGraph.load(session)
    doomed_ids = {each.id for each in doomed}
    recorded = []
    for each in doomed:
        models = trained_models(session, each.id)
        derived = sorted(
            graph.version_refs[child]
            for child, _ in graph.version_children.get(each.id, [])
            if child not in doomed_ids
        )
        if (models or derived) and not force:
            users = [f"trained {', '.join(models)}"] if models else []
            users += [f"has derived versions {', '.join(derived)}"] if derived else []
            raise InputError(
                f"{each.ref} {' and '.join(users)}: not deleted (--force deletes it and "
                "records the removal)"
            )
        if models or derived:
            session.add(_removal(each, models, derived))
            recorded.append(each.ref)
    refs = tuple(each.ref for each in doomed)
    for each in doomed:
        detail = {"manifest_hash": each.manifest_hash, "forced": each.ref in recorded}
        append_event(session, EventKind.DELETE, each.ref, detail)
        delete_version(session, each)
    session.flush()
    session.refresh(dataset)
    if not dataset.versions:
        session.delete(dataset)
    return Deletion(refs, tuple(recorded))


def _removal(version: DatasetVersion, models: list[str], derived: list[str]) -> DatasetRemoval:
    return DatasetRemoval(
        dataset=version.dataset.name,
        version=version.version,
        manifest_hash=version.manifest_hash,
        record_count=version.record_count,
        size_bytes=version.size_bytes,
        trained_models=models,
        derived_versions=derived,
        removed_at=utc_now(),
    )


@dataclass(frozen=True)
class Acquisition:
    """How a dataset version was obtained: its channel, the model that generated it where it
    is synthetic, and when its content was collected, up to. None leaves a fact as it is."""

    channel: AcquisitionChannel | None = None
    generated_by: str | None = None
    collected_until: datetime | None = None


def record_acquisition(session: Session, version: DatasetVersion, acquisition: Acquisition) -> None:
    """Record what the provider says of how it obtained `version`."""
    channel = acquisition.channel or (
        AcquisitionChannel(version.channel) if version.channel else None
    )
    if acquisition.generated_by is not None and channel is not AcquisitionChannel.SYNTHETIC:
        raise InputError("a generating model is said of synthetic data only (--channel synthetic)")
    if acquisition.channel is not None:
        version.channel = acquisition.channel
        if acquisition.channel is not AcquisitionChannel.SYNTHETIC:
            version.generated_by = None
    if acquisition.generated_by is not None:
        version.generated_by = acquisition.generated_by
    if acquisition.collected_until is not None:
        version.collected_until = acquisition.collected_until


def record_summary_export(
    session: Session, model_name: str, fmt: str, document: str, previous: str | None = None
) -> SummaryExport:
    """Keep a public summary as exported in the model's history: a new number where its
    bytes differ from the latest export of that format, else that export, unchanged."""
    model = find_model(session, model_name)
    digest = hashlib.sha256(document.encode()).hexdigest()
    latest = session.scalar(
        select(SummaryExport)
        .where(SummaryExport.model_id == model.id, SummaryExport.format == fmt)
        .order_by(SummaryExport.number.desc())
        .limit(1)
    )
    if latest is not None and latest.sha256 == digest:
        return latest
    export = SummaryExport(
        model_id=model.id,
        format=fmt,
        number=(latest.number + 1) if latest is not None else 1,
        exported_at=utc_now(),
        sha256=digest,
        previous_sha256=previous,
    )
    session.add(export)
    session.flush()
    detail = {"format": fmt, "number": export.number, "sha256": digest}
    append_event(session, EventKind.EXPORT, model.name, detail)
    return export
