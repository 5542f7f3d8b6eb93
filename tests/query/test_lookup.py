"""Which datasets and models hold a work, through the library: exact, near, and none."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lineage.errors import IncompatibleFingerprintError, InputError
from lineage.fingerprint import TextFingerprintParams
from lineage.ingest import IngestOptions, ingest_paths
from lineage.query import lookup_image, lookup_path, lookup_text
from lineage.registry import ModelRegistration, register_model
from lineage.store import connect, session_scope
from lineage.store.driver import open_at_head
from tests.conftest import edit_words, make_document, make_image, make_picture


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """Texts and pictures ingested, a base model trained on them and a fine-tune of it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index in range(5):
        (corpus / f"doc{index}.txt").write_text(make_document(index), encoding="utf-8")
        make_image(corpus / f"pic{index}.png", seed=index)
    engine = connect(f"sqlite:///{tmp_path / 'lookup.db'}")
    ingest_paths(engine, [corpus], IngestOptions(dataset="corpus", license="CC-BY-4.0"))
    with session_scope(engine) as session:
        register_model(session, ModelRegistration("base", datasets=("corpus",)))
        register_model(session, ModelRegistration("tuned", base_models=("base",)))
    return engine


def test_an_edited_text_is_found_with_the_models_that_saw_it(engine: Engine):
    with session_scope(engine) as session:
        matches = lookup_text(session, edit_words(make_document(2), 0.1, seed=1))

    assert len(matches) == 1
    (match,) = matches
    assert not match.exact and 0.4 <= match.similarity < 1.0
    assert [(loc.dataset, loc.locator, loc.license) for loc in match.locations] == [
        ("corpus", "corpus/doc2.txt", "CC-BY-4.0")
    ]
    assert match.models == {"base": ["direct"], "tuned": ["via base model base (fine-tune)"]}


def test_the_same_text_differently_spaced_and_cased_is_an_exact_match(engine: Engine):
    with session_scope(engine) as session:
        (match,) = lookup_text(session, "  " + make_document(3).upper().replace(" ", "\n "))

    assert match.exact and match.similarity == 1.0


def test_a_resized_picture_is_found_and_an_unrelated_one_is_not(engine: Engine, tmp_path: Path):
    resized = io.BytesIO()
    make_picture(4).resize((150, 150)).convert("RGB").save(resized, format="JPEG", quality=80)
    other = io.BytesIO()
    make_picture(99).save(other, format="PNG")
    with session_scope(engine) as session:
        found = lookup_image(session, resized.getvalue())
        missed = lookup_image(session, other.getvalue())

    assert [location.locator for match in found for location in match.locations] == [
        "corpus/pic4.png"
    ]
    assert missed == []


def test_a_file_is_looked_up_by_its_kind(engine: Engine, tmp_path: Path):
    copy = tmp_path / "copy.png"
    make_image(copy, seed=1)
    with session_scope(engine) as session:
        (match,) = lookup_path(session, copy)
        with pytest.raises(InputError, match="cannot read"):
            lookup_path(session, tmp_path / "missing.txt")

    assert match.exact and match.kind == "image"


def test_a_lookup_with_other_fingerprint_parameters_is_refused(engine: Engine):
    with session_scope(engine) as session, pytest.raises(IncompatibleFingerprintError):
        lookup_text(session, make_document(2), TextFingerprintParams(ngram=5))


def test_a_lookup_walks_the_lineage_graph_without_a_query_per_hop(engine: Engine):
    """Found in one version, reached by two models: the graph is read once, not hop by hop."""
    driver = open_at_head(str(engine.url))
    assert driver is not None
    statements: list[str] = []
    driver.dbapi_connection.set_trace_callback(statements.append)
    lookup_text(driver, make_document(1))
    driver.close()

    lineage_tables = ("model_derivations", "training_inputs", "dataset_derivations")
    assert sum(any(table in s for table in lineage_tables) for s in statements) == 3
