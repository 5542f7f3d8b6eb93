"""Listing models: each with its licence, base models and the dataset versions it consumed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.query.graph import LineageGraph
from lineage.store.schema import Model


@dataclass(frozen=True)
class ModelListing:
    name: str
    license: str | None
    base_models: list[str]  # "name (relation)"
    datasets: list[str]  # the versions its own training runs consumed
    training_data_recorded: bool

    def as_dict(self) -> dict[str, Any]:
        return vars(self)


def list_models(session: Session) -> list[ModelListing]:
    """Every model, by name.

    >>> from lineage.store import connect, session_scope
    >>> from lineage.registry import ModelRegistration, register_model
    >>> with session_scope(connect("sqlite://")) as session:
    ...     _ = register_model(session, ModelRegistration("chat", base_models=("base",)))
    ...     [(m.name, m.base_models, m.training_data_recorded) for m in list_models(session)]
    [('base', [], False), ('chat', ['base (fine-tune)'], True)]
    """
    graph = LineageGraph.load(session)
    listings = []
    for model in session.scalars(select(Model).order_by(Model.name)):
        listings.append(
            ModelListing(
                name=model.name,
                license=model.license.spdx if model.license is not None else None,
                base_models=[
                    f"{step.name} ({step.how})" for _, step in graph.model_parents.get(model.id, [])
                ],
                datasets=[
                    graph.version_refs[version]
                    for version in graph.versions_consumed.get(model.id, [])
                ],
                training_data_recorded=graph.has_training_data(model.id),
            )
        )
    return listings
