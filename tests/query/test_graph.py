"""The lineage graph, read once and walked in memory: paths, order, both directions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from lineage.query.graph import BASE_MODEL, DERIVED_DATASET, LineageGraph, Step, describe_path
from lineage.registry import ModelRegistration, derive_dataset, register_model
from lineage.store import connect, ensure_dataset_version, session_scope
from lineage.store.driver import open_at_head


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """raw@1 -> clean@1 (filter) -> mix@1 (mix, with extra@1); base on mix and extra,
    tuned from base, distilled from tuned; other on raw, merged with tuned into merged."""
    engine = connect(f"sqlite:///{tmp_path / 'graph.db'}")
    with session_scope(engine) as session:
        for name in ("raw", "extra"):
            ensure_dataset_version(session, name, None)
        derive_dataset(session, "clean@1", ["raw@1"], "filter")
        derive_dataset(session, "mix@1", ["clean@1", "extra@1"], "mix")
        for registration in (
            ModelRegistration("base", datasets=("mix", "extra")),
            ModelRegistration("tuned", base_models=("base",)),
            ModelRegistration("distilled", base_models=("tuned",), relation="distillation"),
            ModelRegistration("other", datasets=("raw",)),
            ModelRegistration("merged", base_models=("tuned", "other"), relation="merge"),
        ):
            register_model(session, registration)
    return engine


def _ids(engine: Engine) -> tuple[LineageGraph, dict[str, int], dict[str, int]]:
    with session_scope(engine) as session:
        graph = LineageGraph.load(session)
    models = {name: model_id for model_id, name in graph.model_names.items()}
    versions = {ref: version_id for version_id, ref in graph.version_refs.items()}
    return graph, models, versions


def test_training_data_reaches_derived_datasets_through_base_models(engine: Engine):
    graph, models, versions = _ids(engine)

    reached = graph.training_data(models["distilled"])

    described = {
        graph.version_refs[version_id]: [describe_path(path) for path in paths]
        for version_id, paths in reached.items()
    }
    via_base = "via base model tuned (distillation), via base model base (fine-tune)"
    assert described == {
        "mix@1": [via_base],
        "clean@1": [f"{via_base}, via derived dataset mix@1 (mix)"],
        "raw@1": [
            f"{via_base}, via derived dataset mix@1 (mix), via derived dataset clean@1 (filter)"
        ],
        # Consumed directly and as mix's parent: both paths are kept.
        "extra@1": [via_base, f"{via_base}, via derived dataset mix@1 (mix)"],
    }
    assert versions["raw@1"] in reached


def test_models_trained_on_a_version_include_every_descendant(engine: Engine):
    graph, _, versions = _ids(engine)

    reached = graph.models_trained_on([versions["raw@1"]])

    assert list(reached) == ["base", "distilled", "merged", "other", "tuned"]
    assert reached["other"] == [()]
    assert [describe_path(path) for path in reached["merged"]] == [
        "via base model other (merge)",
        "via derived dataset clean@1 (filter), via derived dataset mix@1 (mix), "
        "via base model base (fine-tune), via base model tuned (merge)",
    ]


def test_walks_visit_each_node_once_shortest_path_first(engine: Engine):
    graph, models, _ = _ids(engine)

    ancestors = graph.ancestor_models(models["merged"])

    assert [(graph.model_names[node], path) for node, path in ancestors] == [
        ("merged", ()),
        ("other", (Step(BASE_MODEL, "other", "merge"),)),
        ("tuned", (Step(BASE_MODEL, "tuned", "merge"),)),
        ("base", (Step(BASE_MODEL, "tuned", "merge"), Step(BASE_MODEL, "base", "fine-tune"))),
    ]
    upstream = graph.upstream_versions(_ids(engine)[2]["mix@1"])
    assert [path for _, path in upstream][1] == (Step(DERIVED_DATASET, "mix@1", "mix"),)


def test_a_model_with_neither_runs_nor_bases_is_a_dead_end(engine: Engine):
    with session_scope(engine) as session:
        register_model(session, ModelRegistration("child", base_models=("unknown-base",)))
    graph, models, _ = _ids(engine)

    assert graph.has_training_data(models["child"])
    assert not graph.has_training_data(models["unknown-base"])
    assert graph.training_data(models["child"]) == {}


def test_loading_the_graph_is_a_handful_of_statements_however_deep(engine: Engine):
    driver = open_at_head(str(engine.url))
    assert driver is not None
    statements: list[str] = []
    driver.dbapi_connection.set_trace_callback(statements.append)
    graph = LineageGraph.load(driver)
    loaded = len(statements)
    graph.training_data(next(iter(graph.model_names)))
    graph.models_trained_on(list(graph.version_refs))
    driver.close()

    assert loaded == 6
    assert len(statements) == loaded  # the walks themselves ask the database nothing


def test_the_graph_sees_what_the_session_has_not_yet_written(tmp_path: Path):
    engine = connect(f"sqlite:///{tmp_path / 'fresh.db'}")
    with session_scope(engine) as session:
        ensure_dataset_version(session, "data", None)
        register_model(session, ModelRegistration("first", datasets=("data",)))
        graph = LineageGraph.load(session)

    assert sorted(graph.model_names.values()) == ["first"]
    assert list(graph.version_refs.values()) == ["data@1"]
