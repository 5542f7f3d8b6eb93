"""`lineage ingest --engine dask`: on a Dask cluster of two workers (a scheduler and two
worker processes on loopback, started here), into a real PostgreSQL server, an ingest stores
exactly what a single-process run stores, and answers the same."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from lineage.ingest.cluster import WORKER_FILE_BYTES
from tests.conftest import make_document
from tests.dask_cluster import dask_cluster
from tests.database_state import database_state
from tests.postgres_server import fresh_database

LINEAGE = str(Path(sys.executable).parent / "lineage")
SAMPLE_DATA = Path(__file__).parents[2] / "sample_data"


@pytest.fixture(scope="module")
def dask_scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address (dask://HOST:PORT) of a scheduler with two single-threaded workers."""
    pytest.importorskip("distributed", reason="Dask (distributed) is not installed")
    with dask_cluster(tmp_path_factory.mktemp("dask"), workers=2) as (address, _):
        yield address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus (folders, archives, images, a web archive, cards, a file that fails)
    beside generated texts, one of them a file too large for a worker."""
    folder = tmp_path_factory.mktemp("corpus")
    texts = folder / "texts"
    texts.mkdir()
    for number in range(600):
        (texts / f"doc-{number:04d}.txt").write_text(make_document(number, words=300))
    base = make_document(7, words=400)
    with (folder / "large.jsonl").open("w") as large:
        number = 0
        while large.tell() <= WORKER_FILE_BYTES:
            large.write(json.dumps({"text": f"{base} {number}", "license": "CC0-1.0"}) + "\n")
            number += 1
    return folder


def _ingest(db_url: str, corpus: Path, *engine: str) -> dict[str, object]:
    ran = subprocess.run(
        [
            LINEAGE,
            "--db",
            db_url,
            "ingest",
            SAMPLE_DATA,
            corpus / "texts",
            corpus / "large.jsonl",
            "--dataset",
            "mixed",
            "--license",
            "MIT",
            "--json",
            *engine,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 2, ran.stderr  # sample_data has a file that fails, on purpose
    summary = json.loads(ran.stdout)
    for varying in ("run_id", "elapsed_seconds"):
        summary.pop(varying)
    return summary


def _answers(db_url: str) -> dict[str, object]:
    """What `trained` and `lookup` answer of the ingested version."""

    def cli(*args: str) -> str:
        ran = subprocess.run([LINEAGE, "--db", db_url, *args], capture_output=True, text=True)
        assert ran.returncode == 0, ran.stderr
        return ran.stdout

    cli("model", "register", "lm", "--dataset", "mixed")
    trained = json.loads(cli("trained", "lm", "--json"))
    lookup = json.loads(cli("lookup", "--text", make_document(42, words=300), "--json"))
    image = json.loads(cli("lookup", str(SAMPLE_DATA / "probes" / "resized-image.jpg"), "--json"))
    engine = create_engine(db_url)
    with engine.connect() as connection:
        languages = connection.execute(text("SELECT languages FROM dataset_versions")).scalar()
    engine.dispose()
    return {"trained": trained, "lookup": lookup, "image": image, "languages": languages}


def test_an_ingest_on_two_workers_stores_and_answers_what_one_process_does(
    corpus: Path, dask_scheduler: str, postgres_server_url: str
):
    alone, on_cluster = fresh_database(postgres_server_url), fresh_database(postgres_server_url)
    assert _ingest(on_cluster, corpus, "--engine", dask_scheduler) == _ingest(alone, corpus)
    assert database_state(on_cluster) == database_state(alone)
    answers = _answers(on_cluster)
    assert answers == _answers(alone)
    assert "texts/doc-0042.txt" in json.dumps(answers["lookup"])
    assert "sample_data/images/scene-07.jpg" in json.dumps(answers["image"])  # a near copy


def test_a_local_cluster_started_for_the_run(corpus: Path, tmp_path: Path):
    alone, on_cluster = f"sqlite:///{tmp_path / 'alone.db'}", f"sqlite:///{tmp_path / 'c.db'}"
    started = _ingest(on_cluster, corpus, "--engine", "dask", "--jobs", "2")
    assert started == _ingest(alone, corpus)
    assert database_state(on_cluster) == database_state(alone)


def test_a_scheduler_out_of_reach_is_one_line_and_records_no_run(tmp_path: Path):
    database = f"sqlite:///{tmp_path / 'l.db'}"
    ran = subprocess.run(
        [
            LINEAGE,
            "--db",
            database,
            "ingest",
            SAMPLE_DATA / "field-notes",
            "--dataset",
            "d",
            "--engine",
            "dask://127.0.0.1:9",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 1
    [line] = ran.stderr.strip().splitlines()
    assert "cannot reach the Dask scheduler at 127.0.0.1:9" in line
    engine = create_engine(database)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM ingest_runs")).scalar() == 0
    engine.dispose()


@pytest.mark.parametrize("engine", ["ray", "dask://", "dask:x"])
def test_an_unknown_engine_is_refused(engine: str, tmp_path: Path):
    ran = subprocess.run(
        [
            LINEAGE,
            "--db",
            f"sqlite:///{tmp_path / 'l.db'}",
            "ingest",
            SAMPLE_DATA / "field-notes",
            "--dataset",
            "d",
            "--engine",
            engine,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 1
    assert "unknown engine" in ran.stderr and "Traceback" not in ran.stderr
