"""`lineage model register` and `lineage models`: record models, and list them."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from cli.app import AppState, console, json_option, pass_state, print_json
from lineage.crawl import read_card
from lineage.query import list_models
from lineage.registry import MODEL_RELATIONS, ModelRegistration, register_model


@click.command("models")
@json_option
@pass_state
def models(state: AppState, as_json: bool) -> None:
    """List models with their licences, base models and datasets."""
    with state.session() as session:
        listings = list_models(session)
    if as_json:
        print_json([listing.as_dict() for listing in listings])
        return
    table = Table("model", "licence", "base models", "datasets (own runs)")
    for entry in listings:
        table.add_row(
            _name(entry.name, entry.training_data_recorded),
            entry.license or "-",
            "\n".join(entry.base_models) or "-",
            "\n".join(entry.datasets) or "-",
        )
    console().print(table)


def _name(name: str, training_data_recorded: bool) -> Text:
    shown = Text(name)
    if not training_data_recorded:
        shown.append(" (no data)", style="yellow")
    return shown


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
    "--split",
    "splits",
    multiple=True,
    metavar="SPLIT",
    help="A split of the datasets the run consumed. Repeatable [default: the training splits].",
)
@click.option(
    "--external",
    is_flag=True,
    help="Record --dataset names that were not ingested by name, their content unknown.",
)
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
    splits: tuple[str, ...],
    external: bool,
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
        external=external,
        splits=splits,
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
