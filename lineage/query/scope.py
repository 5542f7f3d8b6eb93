"""Which occurrences an answer counts: those of some dataset versions, in the splits that
matter. A model's training data is what its runs consumed: by default a version's training
splits (`train`, `train_sft`...) and whatever has no split; a run can name others."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, or_, true

from lineage.store.schema import Occurrence


@dataclass(frozen=True)
class SplitChoice:
    """The splits of a version that count: every one, or the training ones and named ones.
    Occurrences in no split always count."""

    every: bool = False
    training: bool = True
    named: frozenset[str] = frozenset()

    @classmethod
    def stored(cls, splits: list[str] | None) -> SplitChoice:
        """The choice a training input records: none means the training splits."""
        return cls() if splits is None else cls(training=False, named=frozenset(splits))

    def union(self, other: SplitChoice) -> SplitChoice:
        return SplitChoice(
            self.every or other.every, self.training or other.training, self.named | other.named
        )

    def includes(self, split: str | None) -> bool:
        if split is None or self.every or split in self.named:
            return True
        return self.training and split.lower().startswith("train")

    def clause(self) -> ColumnElement[bool]:
        """The SQL condition on an occurrence's split."""
        if self.every:
            return true()
        allowed = [Occurrence.split.is_(None)]
        if self.training:
            allowed.append(func.lower(Occurrence.split).like("train%"))
        if self.named:
            allowed.append(Occurrence.split.in_(sorted(self.named)))
        return or_(*allowed)


EVERY_SPLIT = SplitChoice(every=True)
# What a union starts from: only occurrences in no split.
NO_SPLIT = SplitChoice(training=False)
# Dataset versions by id, with the splits of each that count.
Scope = Mapping[int, SplitChoice]


def whole(version_ids: list[int]) -> Scope:
    """These versions, every split of them."""
    return dict.fromkeys(version_ids, EVERY_SPLIT)


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """The SQL condition that an occurrence is in scope; versions that share a choice share
    one IN list (and a version whose every split counts needs no condition on splits)."""
    by_choice: dict[SplitChoice, list[int]] = defaultdict(list)
    for version_id, choice in scope.items():
        by_choice[choice].append(version_id)
    clauses = []
    for choice, version_ids in by_choice.items():
        versions = Occurrence.dataset_version_id.in_(sorted(version_ids))
        clauses.append(and_(versions, choice.clause()))
    return or_(*clauses) if clauses else false()
