"""The lineage graph's own tables, read whole in one go: models, dataset versions, their
derivations and the training runs between them. They are small (a row per model, version and
link, never per record), so walking them in memory beats a query per hop."""

from __future__ import annotations

import json
from dataclasses import dataclass

from lineage.store.driver import DriverConnection

_MODELS = "SELECT id, name FROM models"
_VERSIONS = (
    "SELECT dataset_versions.id, datasets.name, dataset_versions.version "
    "FROM dataset_versions JOIN datasets ON datasets.id = dataset_versions.dataset_id"
)
_MODEL_LINKS = "SELECT child_model_id, parent_model_id, relation FROM model_derivations"
_VERSION_LINKS = "SELECT derived_version_id, parent_version_id, operation FROM dataset_derivations"
_RUNS = "SELECT model_id FROM training_runs"
_INPUTS = (
    "SELECT training_runs.model_id, training_inputs.dataset_version_id, training_inputs.splits "
    "FROM training_inputs JOIN training_runs ON training_runs.id = training_inputs.training_run_id"
)


@dataclass(frozen=True)
class LineageTables:
    """The rows of the lineage graph: (id, name) of models, (id, dataset, version) of dataset
    versions, (child, parent, relation) of model and dataset derivations, the model of each
    training run, and (model, dataset version, splits or None) of each training input."""

    models: list[tuple[int, str]]
    versions: list[tuple[int, str, str]]
    model_links: list[tuple[int, int, str]]
    version_links: list[tuple[int, int, str]]
    trained_models: list[int]
    training_inputs: list[tuple[int, int, list[str] | None]]


def read_lineage_tables(driver: DriverConnection) -> LineageTables:
    rows = driver.rows
    return LineageTables(
        models=rows(_MODELS),
        versions=rows(_VERSIONS),
        model_links=rows(_MODEL_LINKS),
        version_links=rows(_VERSION_LINKS),
        trained_models=[model_id for (model_id,) in rows(_RUNS)],
        # SQLite gives JSON as text, PostgreSQL parsed.
        training_inputs=[
            (model, version, json.loads(splits) if isinstance(splits, str) else splits)
            for model, version, splits in rows(_INPUTS)
        ],
    )
