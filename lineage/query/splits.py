"""Which splits of a dataset version count: a model's training data is what its runs consumed,
by default a version's training splits (`train`, `train_sft`...) and whatever has no split; a
run can name others."""

from __future__ import annotations

from dataclasses import dataclass


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


EVERY_SPLIT = SplitChoice(every=True)
# What a union starts from: only occurrences in no split.
NO_SPLIT = SplitChoice(training=False)
