"""Walking the lineage graph: what trained a model, and which models a dataset version reached.

Both directions follow model derivations (a fine-tune has seen everything its base model saw)
and dataset derivations (a filtered dataset holds content of its parent). Every answer keeps
the path by which it was reached, so a disclosure can say *why* a dataset is listed. The
graph is read once from its tables and walked in memory, by one breadth-first walker.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lineage.query.splits import NO_SPLIT, SplitChoice
from lineage.store.driver import DriverConnection, driver_of
from lineage.store.lineage_tables import LineageTables, read_lineage_tables

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BASE_MODEL, DERIVED_DATASET = "base-model", "derived-dataset"


@dataclass(frozen=True)
class Step:
    """One hop of an inclusion path: through a base model or through a derived dataset."""

    kind: str  # BASE_MODEL | DERIVED_DATASET
    name: str
    how: str

    def describe(self) -> str:
        label = "via base model" if self.kind == BASE_MODEL else "via derived dataset"
        return f"{label} {self.name} ({self.how})"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "how": self.how}


InclusionPath = tuple[Step, ...]
# A neighbour, with the step that names the hop to it; each node's, in one direction.
Edge = tuple[int, Step]
Adjacency = Mapping[int, list[Edge]]


def describe_path(path: InclusionPath) -> str:
    return ", ".join(step.describe() for step in path) if path else "direct"


@dataclass
class LineageGraph:
    """Models and dataset versions, by id, with the links between them in both directions.

    >>> from lineage.store import connect, session_scope
    >>> with session_scope(connect("sqlite://")) as session:
    ...     LineageGraph.load(session).models_trained_on([])
    {}
    """

    model_names: dict[int, str]
    version_refs: dict[int, str]
    model_parents: Adjacency
    model_children: Adjacency
    version_parents: Adjacency
    version_children: Adjacency
    versions_consumed: Mapping[int, list[int]]  # by model: the versions its runs consumed
    consuming_models: Mapping[int, list[int]]  # by version: the models whose runs consumed it
    trained_models: set[int] = field(default_factory=set)
    # By (model, version): the splits the model's runs consumed of the version.
    input_splits: Mapping[tuple[int, int], SplitChoice] = field(default_factory=dict)

    @classmethod
    def load(cls, database: Session | DriverConnection) -> LineageGraph:
        """The graph as the session sees it, what it has not yet written included."""
        return cls.from_tables(read_lineage_tables(driver_of(database)))

    @classmethod
    def from_tables(cls, tables: LineageTables) -> LineageGraph:
        names = dict(tables.models)
        refs = {version_id: f"{name}@{version}" for version_id, name, version in tables.versions}
        # Model steps name the base model; dataset steps name the derived version. Neighbours
        # go in a stable order: models by name, versions by id.
        model_up, model_down = _linked(
            tables.model_links, lambda child, parent, how: Step(BASE_MODEL, names[parent], how)
        )
        version_up, version_down = _linked(
            tables.version_links, lambda child, parent, how: Step(DERIVED_DATASET, refs[child], how)
        )
        consumed: dict[int, set[int]] = defaultdict(set)
        consuming: dict[int, set[int]] = defaultdict(set)
        splits: dict[tuple[int, int], SplitChoice] = {}
        for model_id, version_id, stored in tables.training_inputs:
            consumed[model_id].add(version_id)
            consuming[version_id].add(model_id)
            key = (model_id, version_id)
            splits[key] = splits.get(key, NO_SPLIT).union(SplitChoice.stored(stored))
        return cls(
            model_names=names,
            version_refs=refs,
            model_parents=_sorted(model_up, key=lambda edge: names[edge[0]]),
            model_children=_sorted(model_down, key=lambda edge: names[edge[0]]),
            version_parents=_sorted(version_up, key=lambda edge: edge[0]),
            version_children=_sorted(version_down, key=lambda edge: edge[0]),
            versions_consumed={model: sorted(ids) for model, ids in consumed.items()},
            consuming_models={
                version: sorted(ids, key=names.__getitem__) for version, ids in consuming.items()
            },
            trained_models=set(tables.trained_models),
            input_splits=splits,
        )

    def ancestor_models(self, model_id: int) -> list[tuple[int, InclusionPath]]:
        """The model and every model it derives from, each with the path from it."""
        return _closure(model_id, self.model_parents)

    def descendant_models(self, model_id: int) -> list[tuple[int, InclusionPath]]:
        """The model and every model derived from it (fine-tunes, distillations, merges...)."""
        return _closure(model_id, self.model_children)

    def upstream_versions(self, version_id: int) -> list[tuple[int, InclusionPath]]:
        """The version and every version it was derived from, with the derivation path."""
        return _closure(version_id, self.version_parents)

    def downstream_versions(self, version_id: int) -> list[tuple[int, InclusionPath]]:
        """The version and every version derived from it."""
        return _closure(version_id, self.version_children)

    def has_training_data(self, model_id: int) -> bool:
        """A model with runs, or a base it was derived from, is not a dead end of the lineage."""
        return model_id in self.trained_models or bool(self.model_parents.get(model_id))

    def training_data(self, model_id: int) -> dict[int, list[InclusionPath]]:
        """Every dataset version that trained the model, transitively, with all paths to it."""
        reached: dict[int, list[InclusionPath]] = {}
        for version_id, path, _ in self._reached(model_id):
            _add_path(reached.setdefault(version_id, []), path)
        return reached

    def training_splits(self, model_id: int) -> dict[int, SplitChoice]:
        """The splits of each version in `training_data` that trained the model: those the
        runs that reached it consumed (a parent version, those consumed of its derivative)."""
        chosen: dict[int, SplitChoice] = {}
        for version_id, _, choice in self._reached(model_id):
            chosen[version_id] = chosen.get(version_id, NO_SPLIT).union(choice)
        return chosen

    def _reached(self, model_id: int) -> Iterator[tuple[int, InclusionPath, SplitChoice]]:
        for ancestor, model_path in self.ancestor_models(model_id):
            for consumed in self.versions_consumed.get(ancestor, []):
                choice = self.input_splits.get((ancestor, consumed), SplitChoice())
                for version_id, data_path in self.upstream_versions(consumed):
                    yield version_id, model_path + data_path, choice

    def models_trained_on(self, version_ids: Iterable[int]) -> dict[str, list[InclusionPath]]:
        """Every model that saw any of the versions, transitively, by name with the paths."""
        reached: dict[str, list[InclusionPath]] = {}
        for start in version_ids:
            for version_id, data_path in self.downstream_versions(start):
                for direct in self.consuming_models.get(version_id, []):
                    for model_id, model_path in self.descendant_models(direct):
                        paths = reached.setdefault(self.model_names[model_id], [])
                        _add_path(paths, data_path + model_path)
        return dict(sorted(reached.items()))


def _linked(
    links: list[tuple[int, int, str]], step: Callable[[int, int, str], Step]
) -> tuple[dict[int, list[Edge]], dict[int, list[Edge]]]:
    """Each link (child, parent, how) as a hop up from the child and down from the parent,
    both named by `step(child, parent, how)`."""
    up: dict[int, list[Edge]] = defaultdict(list)
    down: dict[int, list[Edge]] = defaultdict(list)
    for child, parent, how in links:
        hop = step(child, parent, how)
        up[child].append((parent, hop))
        down[parent].append((child, hop))
    return up, down


def _sorted(adjacency: dict[int, list[Edge]], key: Callable[[Edge], str | int]) -> Adjacency:
    return {node: sorted(edges, key=key) for node, edges in adjacency.items()}


def _add_path(paths: list[InclusionPath], path: InclusionPath) -> None:
    if path not in paths:
        paths.append(path)


def _closure(start: int, neighbours: Adjacency) -> list[tuple[int, InclusionPath]]:
    """Breadth-first walk from `start`: each node once, with the first (shortest) path to it.
    Visiting each node once also makes a cycle in the graph (which the registry refuses to
    create) harmless here."""
    paths: dict[int, InclusionPath] = {start: ()}
    order: list[tuple[int, InclusionPath]] = [(start, ())]
    queue: deque[tuple[int, InclusionPath]] = deque(order)
    while queue:
        current, path = queue.popleft()
        for neighbour, step in neighbours.get(current, []):
            if neighbour in paths:
                continue
            paths[neighbour] = (*path, step)
            order.append((neighbour, paths[neighbour]))
            queue.append((neighbour, paths[neighbour]))
    return order
