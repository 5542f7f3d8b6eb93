"""`lineage model register`: record a model, its training run and its base models."""

from __future__ import annotations

from pathlib import Path

import click

from cli.app import AppState, pass_state
from lineage.crawl import read_card
from lineage.registry import MODEL_RELATIONS, ModelRegistration, register_model


@click.group("model")
def model_group() -> None:
    """Record models and how they were trained."""


@model_group.command("register")
@click.argument("name")
@click.option("--dataset", "datasets", multiple=True, metavar="NAME[@VERSION]", help="Repeatable.")
@click.option("--base-model", "base_models", multiple=True, metavar="NAME", help="Repeatable.")
@click.option(
    "--relation", type=click.Choice(MODEL_RELATIONS), help="How it derives from the base."
)
@click.option("--license", "license_", metavar="SPDX", help="The model's own licence.")
@click.option(
    "--card",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Model card whose front matter (datasets, base_model...) fills what is not given.",
)
@pass_state
def register(
    state: AppState,
    name: str,
    datasets: tuple[str, ...],
    base_models: tuple[str, ...],
    relation: str | None,
    license_: str | None,
    card: Path | None,
) -> None:
    """Record a training run of model NAME on datasets, optionally from base models."""
    registration = ModelRegistration(
        name=name,
        datasets=datasets,
        base_models=base_models,
        relation=relation,
        license=license_,
        card=read_card(card) if card else None,
    ).merged_with_card()
    with state.session() as session:
        run = register_model(session, registration)
        click.echo(
            f"{name}: training run {run.id} on {', '.join(registration.datasets) or 'no new data'}"
            + (
                f", from {', '.join(registration.base_models)} "
                f"({registration.relation or 'fine-tune'})"
                if registration.base_models
                else ""
            )
        )
