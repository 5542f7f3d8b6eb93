"""Which occurrences an answer counts: those of some dataset versions, in the splits that
matter (`lineage.query.splits`), as SQL conditions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import ColumnElement, and_, false, func, or_, true

from lineage.query.splits import EVERY_SPLIT, SplitChoice
from lineage.store.schema import Occurrence

# Dataset versions by id, with the splits of each that count.
Scope = Mapping[int, SplitChoice]


def whole(version_ids: list[int]) -> Scope:
    """These versions, every split of them."""
    return dict.fromkeys(version_ids, EVERY_SPLIT)


def split_clause(choice: SplitChoice) -> ColumnElement[bool]:
    """The SQL condition on an occurrence's split."""
    if choice.every:
        return true()
    allowed = [Occurrence.split.is_(None)]
    if choice.training:
        allowed.append(func.lower(Occurrence.split).like("train%"))
    if choice.named:
        allowed.append(Occurrence.split.in_(sorted(choice.named)))
    return or_(*allowed)


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """The SQL condition that an occurrence is in scope; versions that share a choice share
    one IN list (and a version whose every split counts needs no condition on splits)."""
    by_choice: dict[SplitChoice, list[int]] = defaultdict(list)
    for version_id, choice in scope.items():
        by_choice[choice].append(version_id)
    clauses = []
    for choice, version_ids in by_choice.items():
        versions = Occurrence.dataset_version_id.in_(sorted(version_ids))
        clauses.append(and_(versions, split_clause(choice)))
    return or_(*clauses) if clauses else false()
