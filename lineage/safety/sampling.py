"""Drawing the sample: occurrences picked uniformly at random from a model's training data or
from dataset versions, by a seeded generator over their ids in order, so that the same
database and seed draw the same sample; the sample and its items are recorded."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.errors import InputError
from lineage.query import trained_on
from lineage.query.scope import Scope, in_scope, whole
from lineage.store import resolve_dataset_version
from lineage.store.rows import utc_now
from lineage.store.schema import (
    DatasetVersion,
    Occurrence,
    Record,
    SafetySample,
    SafetySampleItem,
    Source,
)

# GB/T 45654-2025: a manual check samples at least 4,000 items of the training corpus.
DEFAULT_SAMPLE_SIZE = 4000


@dataclass(frozen=True)
class SampledItem:
    position: int
    dataset: str
    locator: str
    record_sha256: str
    kind: str
    source: str

    def as_dict(self, sample_id: int) -> dict[str, object]:
        return (
            {"sample": sample_id, "item": self.position}
            | {key: getattr(self, key) for key in ("dataset", "locator", "record_sha256", "kind")}
            | {"source": self.source, "verdict": None, "category": None, "reviewer": None}
        )


@dataclass(frozen=True)
class DrawnSample:
    sample_id: int
    seed: int
    population: int
    items: list[SampledItem]


def draw_sample(
    session: Session,
    *,
    model: str | None = None,
    datasets: tuple[str, ...] = (),
    size: int = DEFAULT_SAMPLE_SIZE,
    seed: int,
) -> DrawnSample:
    """Draw `size` occurrences (all of them, where there are fewer) from `model`'s training
    data or from the dataset versions `datasets` names, and record the sample."""
    if (model is None) == (not datasets):
        raise InputError("draw the sample from a model (--model) or from dataset versions")
    if size < 1:
        raise InputError("the sample size must be at least 1")
    scope, drawn_from = _scope(session, model, datasets)
    ids = list(
        session.scalars(select(Occurrence.id).where(in_scope(scope)).order_by(Occurrence.id))
    )
    chosen = sorted(random.Random(seed).sample(range(len(ids)), min(size, len(ids))))
    sample = SafetySample(
        drawn_from=drawn_from, seed=seed, size=len(chosen), population=len(ids), drawn_at=utc_now()
    )
    session.add(sample)
    session.flush()
    items = list(_items(session, [ids[index] for index in chosen]))
    session.add_all(
        SafetySampleItem(
            sample_id=sample.id,
            position=item.position,
            dataset_version_id=version_id,
            record_sha256=item.record_sha256,
            locator=item.locator,
        )
        for item, version_id in items
    )
    return DrawnSample(sample.id, seed, len(ids), [item for item, _ in items])


def _scope(session: Session, model: str | None, datasets: tuple[str, ...]) -> tuple[Scope, str]:
    if model is not None:
        return trained_on(session, model).scope, f"model:{model}"
    versions = [resolve_dataset_version(session, ref) for ref in datasets]
    return whole([version.id for version in versions]), " ".join(v.ref for v in versions)


def _items(session: Session, occurrence_ids: list[int]) -> Iterator[tuple[SampledItem, int]]:
    """The chosen occurrences, in id order, numbered from 1, with their versions' ids."""
    position = 0
    for start in range(0, len(occurrence_ids), 500):
        rows = session.execute(
            select(Occurrence, Record.sha256, Record.kind, Source.uri, DatasetVersion)
            .join(Record, Record.id == Occurrence.record_id)
            .join(Source, Source.id == Occurrence.source_id)
            .join(DatasetVersion, DatasetVersion.id == Occurrence.dataset_version_id)
            .where(Occurrence.id.in_(occurrence_ids[start : start + 500]))
            .order_by(Occurrence.id)
        )
        for occurrence, sha256, kind, uri, version in rows:
            position += 1
            item = SampledItem(position, version.ref, occurrence.locator, sha256, kind, uri)
            yield item, version.id
