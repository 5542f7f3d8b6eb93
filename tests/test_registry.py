"""Recording models, training runs, base models and dataset derivations through the library."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from lineage.crawl import parse_card
from lineage.errors import InputError, NotFoundError
from lineage.registry import ModelRegistration, derive_dataset, register_model
from lineage.store import connect, ensure_dataset_version, session_scope
from lineage.store.schema import DatasetDerivation, Model, ModelDerivation, TrainingRun


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = connect(f"sqlite:///{tmp_path / 'registry.db'}")
    with session_scope(engine) as session:
        for name in ("web", "books"):
            ensure_dataset_version(session, name, None)
    return engine


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_same_run_registered_twice_is_recorded_once(engine: Engine):
    for _ in range(2):
        with session_scope(engine) as session:
            register_model(session, ModelRegistration("lm", datasets=("web", "books@1")))
    with session_scope(engine) as session:
        register_model(session, ModelRegistration("lm", datasets=("web",)))

    assert _count(engine, TrainingRun) == 2
    assert _count(engine, Model) == 1


def test_a_card_fills_datasets_base_model_relation_and_licence(engine: Engine, tmp_path: Path):
    card = parse_card(
        "---\ndatasets: [web]\nbase_model: base-lm\nbase_model_relation: quantized\n"
        "license: apache-2.0\n---\n# Model\n",
        tmp_path / "README.md",
    )
    assert card is not None
    with session_scope(engine) as session:
        register_model(session, ModelRegistration("lm-q4", card=card))
        model = session.scalars(select(Model).where(Model.name == "lm-q4")).one()
        link = session.scalars(select(ModelDerivation)).one()

        assert model.license is not None and model.license.spdx == "Apache-2.0"
        assert model.card == card.metadata
        assert link.relation == "quantization"


def test_what_the_command_line_says_wins_over_the_card(tmp_path: Path):
    card = parse_card("---\ndatasets: [books]\n---\n", tmp_path / "README.md")
    merged = ModelRegistration("lm", datasets=("web",), card=card).merged_with_card()

    assert merged.datasets == ("web",)


@pytest.mark.parametrize(
    ("registration", "message"),
    [
        (ModelRegistration("lm"), "give at least one dataset or base model"),
        (ModelRegistration("lm", datasets=("web",), relation="merge"), "needs a base model"),
        (
            ModelRegistration("lm", base_models=("b",), relation="retrain"),
            "unknown relation 'retrain'",
        ),
        (ModelRegistration("bad name", datasets=("web",)), "invalid model name"),
    ],
)
def test_registrations_that_say_too_little_or_nonsense_are_refused(
    engine: Engine, registration: ModelRegistration, message: str
):
    with pytest.raises(InputError, match=message), session_scope(engine) as session:
        register_model(session, registration)
    assert _count(engine, Model) == 0


def test_an_unknown_dataset_is_not_found_and_nothing_is_recorded(engine: Engine):
    with (
        pytest.raises(NotFoundError, match="no dataset named 'fineweb'"),
        session_scope(engine) as session,
    ):
        register_model(session, ModelRegistration("lm", datasets=("fineweb",)))
    assert _count(engine, Model) == 0


def test_a_base_model_that_would_make_a_cycle_is_refused(engine: Engine):
    with session_scope(engine) as session:
        register_model(session, ModelRegistration("a", datasets=("web",)))
        register_model(session, ModelRegistration("b", base_models=("a",)))
        register_model(session, ModelRegistration("c", base_models=("b",)))
    with (
        pytest.raises(InputError, match="'c' cannot be a base of 'a'"),
        session_scope(engine) as session,
    ):
        register_model(session, ModelRegistration("a", base_models=("c",)))
    assert _count(engine, ModelDerivation) == 2


def test_derivations_link_each_parent_once_and_refuse_cycles(engine: Engine):
    with session_scope(engine) as session:
        derived = derive_dataset(session, "mix@2", ["web", "books"], "mix")
        derive_dataset(session, "mix@2", ["web"], "mix")
        assert derived.ref == "mix@2" and derived.record_count == 0
    assert _count(engine, DatasetDerivation) == 2

    with (
        pytest.raises(InputError, match="mix@2 cannot be a parent of web@1"),
        session_scope(engine) as session,
    ):
        derive_dataset(session, "web@1", ["mix@2"], "filter")
    with (
        pytest.raises(InputError, match="unknown operation 'blend'"),
        session_scope(engine) as session,
    ):
        derive_dataset(session, "x", ["web"], "blend")
