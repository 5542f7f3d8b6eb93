"""Walking the lineage graph: what trained a model, and which models a dataset version reached.

Both directions follow model derivations (a fine-tune has seen everything its base model saw)
and dataset derivations (a filtered dataset holds content of its parent). Every answer keeps
the path by which it was reached, so a disclosure can say *why* a dataset is listed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.models import (
    DatasetDerivation,
    DatasetVersion,
    Model,
    ModelDerivation,
    TrainingInput,
    TrainingRun,
)


@dataclass(frozen=True)
class Step:
    """One hop of an inclusion path: through a base model or through a derived dataset."""

    kind: str  # "base-model" | "derived-dataset"
    name: str
    how: str

    def describe(self) -> str:
        label = "via base model" if self.kind == "base-model" else "via derived dataset"
        return f"{label} {self.name} ({self.how})"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "how": self.how}


InclusionPath = tuple[Step, ...]
Node = TypeVar("Node", Model, DatasetVersion)


def describe_path(path: InclusionPath) -> str:
    return ", ".join(step.describe() for step in path) if path else "direct"


def ancestor_models(session: Session, model: Model) -> list[tuple[Model, InclusionPath]]:
    """`model` and every model it derives from, each with the path from `model` to it."""

    def parents(current: Model) -> list[tuple[Model, str]]:
        query = (
            select(Model, ModelDerivation.relation)
            .join(ModelDerivation, ModelDerivation.parent_model_id == Model.id)
            .where(ModelDerivation.child_model_id == current.id)
        )
        return [(row[0], row[1]) for row in session.execute(query.order_by(Model.name))]

    return _closure(model, parents, lambda parent, how, _: Step("base-model", parent.name, how))


def descendant_models(session: Session, model: Model) -> list[tuple[Model, InclusionPath]]:
    """`model` and every model derived from it (fine-tunes, distillations, merges...)."""

    def children(current: Model) -> list[tuple[Model, str]]:
        query = (
            select(Model, ModelDerivation.relation)
            .join(ModelDerivation, ModelDerivation.child_model_id == Model.id)
            .where(ModelDerivation.parent_model_id == current.id)
        )
        return [(row[0], row[1]) for row in session.execute(query.order_by(Model.name))]

    return _closure(model, children, lambda _, how, base: Step("base-model", base.name, how))


def upstream_versions(
    session: Session, version: DatasetVersion
) -> list[tuple[DatasetVersion, InclusionPath]]:
    """`version` and every version it was derived from, with the derivation path."""

    def parents(current: DatasetVersion) -> list[tuple[DatasetVersion, str]]:
        query = (
            select(DatasetVersion, DatasetDerivation.operation)
            .join(DatasetDerivation, DatasetDerivation.parent_version_id == DatasetVersion.id)
            .where(DatasetDerivation.derived_version_id == current.id)
        )
        return [(row[0], row[1]) for row in session.execute(query.order_by(DatasetVersion.id))]

    return _closure(
        version, parents, lambda _, how, derived: Step("derived-dataset", derived.ref, how)
    )


def downstream_versions(
    session: Session, version: DatasetVersion
) -> list[tuple[DatasetVersion, InclusionPath]]:
    """`version` and every version derived from it."""

    def children(current: DatasetVersion) -> list[tuple[DatasetVersion, str]]:
        query = (
            select(DatasetVersion, DatasetDerivation.operation)
            .join(DatasetDerivation, DatasetDerivation.derived_version_id == DatasetVersion.id)
            .where(DatasetDerivation.parent_version_id == current.id)
        )
        return [(row[0], row[1]) for row in session.execute(query.order_by(DatasetVersion.id))]

    return _closure(
        version, children, lambda derived, how, _: Step("derived-dataset", derived.ref, how)
    )


def versions_consumed(session: Session, model: Model) -> list[DatasetVersion]:
    """The dataset versions the training runs of `model` itself consumed."""
    return list(
        session.scalars(
            select(DatasetVersion)
            .where(
                DatasetVersion.id.in_(
                    select(TrainingInput.dataset_version_id)
                    .join(TrainingRun, TrainingRun.id == TrainingInput.training_run_id)
                    .where(TrainingRun.model_id == model.id)
                )
            )
            .order_by(DatasetVersion.id)
        )
    )


def models_consuming(session: Session, version: DatasetVersion) -> list[Model]:
    """The models whose own training runs consumed `version`."""
    return list(
        session.scalars(
            select(Model)
            .where(
                Model.id.in_(
                    select(TrainingRun.model_id)
                    .join(TrainingInput, TrainingInput.training_run_id == TrainingRun.id)
                    .where(TrainingInput.dataset_version_id == version.id)
                )
            )
            .order_by(Model.name)
        )
    )


def training_data(
    session: Session, model: Model
) -> dict[int, tuple[DatasetVersion, list[InclusionPath]]]:
    """Every dataset version that trained `model`, transitively, with all paths to it."""
    reached: dict[int, tuple[DatasetVersion, list[InclusionPath]]] = {}
    for ancestor, model_path in ancestor_models(session, model):
        for consumed in versions_consumed(session, ancestor):
            for version, data_path in upstream_versions(session, consumed):
                entry = reached.setdefault(version.id, (version, []))
                path = model_path + data_path
                if path not in entry[1]:
                    entry[1].append(path)
    return reached


def models_trained_on(
    session: Session, versions: Iterable[DatasetVersion]
) -> dict[str, list[InclusionPath]]:
    """Every model that saw any of `versions`, transitively, by name with the paths to it."""
    reached: dict[str, list[InclusionPath]] = {}
    for start in versions:
        for version, data_path in downstream_versions(session, start):
            for direct in models_consuming(session, version):
                for model, model_path in descendant_models(session, direct):
                    paths = reached.setdefault(model.name, [])
                    path = data_path + model_path
                    if path not in paths:
                        paths.append(path)
    return dict(sorted(reached.items()))


def _closure(
    start: Node,
    neighbours: Callable[[Node], list[tuple[Node, str]]],
    make_step: Callable[[Node, str, Node], Step],
) -> list[tuple[Node, InclusionPath]]:
    """Breadth-first walk from `start`: each node once, with the first (shortest) path to it.

    `make_step(neighbour, how, current)` names the hop; visiting each node once also makes
    a cycle in the graph (which the CLI refuses to create) harmless here.
    """
    paths: dict[int, InclusionPath] = {start.id: ()}
    order: list[tuple[Node, InclusionPath]] = [(start, ())]
    queue: deque[tuple[Node, InclusionPath]] = deque(order)
    while queue:
        current, path = queue.popleft()
        for neighbour, how in neighbours(current):
            if neighbour.id in paths:
                continue
            paths[neighbour.id] = (*path, make_step(neighbour, how, current))
            order.append((neighbour, paths[neighbour.id]))
            queue.append((neighbour, paths[neighbour.id]))
    return order
