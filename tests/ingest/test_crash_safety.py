"""A crash loses nothing: an ingest killed (SIGKILL) at any point, then run again, leaves the
database an uninterrupted run leaves; so do ingests running at once into one database. Both
on SQLite and on PostgreSQL, whose state must equal SQLite's."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from tests.conftest import make_document
from tests.database_state import database_state
from tests.postgres_server import fresh_database

# The installed command, beside the interpreter running the tests.
LINEAGE = [str(Path(sys.executable).parent / "lineage")]


def _corpus(folder: Path, documents: int, first: int = 0) -> Path:
    folder.mkdir(parents=True)
    for number in range(first, first + documents):
        (folder / f"doc-{number:05d}.txt").write_text(make_document(number, words=400))
    return folder


def _ingest(db_url: str, corpus: Path, dataset: str) -> subprocess.Popen[bytes]:
    command = [*LINEAGE, "--db", db_url, "ingest", corpus, "--dataset", dataset]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _run_status(db_url: str) -> str:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            status = connection.execute(text("SELECT status FROM ingest_runs")).scalar()
    except OperationalError:  # SQLite killed while the schema was being created
        status = None
    except ProgrammingError:  # PostgreSQL likewise
        status = None
    engine.dispose()
    return status or "not started"


def _finished(process: subprocess.Popen[bytes]) -> None:
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 0, errors.decode()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """A corpus, and what an uninterrupted ingest of it leaves (on SQLite)."""
    folder = _corpus(tmp_path_factory.mktemp("crash") / "corpus", 5000)
    database = f"sqlite:///{folder.parent / 'whole.db'}"
    _finished(_ingest(database, folder, "docs"))
    return folder, database_state(database)


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[], str]:
    """Makes empty databases of one kind, each with its URL."""
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server_url")
        return lambda: fresh_database(server)
    folder = tmp_path_factory.mktemp("sqlite")
    numbers = itertools.count()
    return lambda: f"sqlite:///{folder / f'{next(numbers)}.db'}"


_WHOLE_RUN_SECONDS: dict[str, float] = {}


def _whole_run_seconds(folder: Path, new_database: Callable[[], str]) -> float:
    """How long an uninterrupted ingest of `folder` takes on this kind of database, timed
    once per kind and warm, as the killed runs are: a cold first run (caches filled) would
    place the kill points after a warm run's end."""
    warm_up, timed = new_database(), new_database()
    kind = timed.partition(":")[0]
    if kind not in _WHOLE_RUN_SECONDS:
        _finished(_ingest(warm_up, folder, "docs"))
        started = time.monotonic()  # into an empty database, as the killed runs' are
        _finished(_ingest(timed, folder, "docs"))
        _WHOLE_RUN_SECONDS[kind] = time.monotonic() - started
    return _WHOLE_RUN_SECONDS[kind]


def _stored_records(db_url: str) -> int:
    """Records another connection sees committed; 0 before the schema exists. SQLite's file
    is opened read-only, so that polling never creates it before the ingest does."""
    if db_url.startswith("sqlite:///"):
        db_url = f"sqlite:///file:{db_url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM records")).scalar() or 0
    except (OperationalError, ProgrammingError):
        return 0
    finally:
        engine.dispose()


def _kill_once_stored(process: subprocess.Popen[bytes], db_url: str, records: int) -> None:
    while process.poll() is None and _stored_records(db_url) < records:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()


# Kill points: early ones timed as fractions of a whole run (start-up, schema, first batch),
# later ones once so many records are committed, since a time late in a run lands after its
# end whenever the machine runs the killed ingest faster than the timed one. Batches hold
# 1000 documents: a point at 4000 leaves a fifth of the run to interrupt.
KILL_POINTS = [("time", 0.1), ("time", 0.25), ("time", 0.4)] + [
    ("stored", records) for records in (1000, 2000, 3000, 4000)
]


@pytest.mark.parametrize(("measure", "point"), KILL_POINTS)
def test_an_ingest_killed_then_run_again_leaves_what_an_uninterrupted_one_does(
    corpus, new_database: Callable[[], str], measure: str, point: float
):
    folder, expected = corpus
    seconds = _whole_run_seconds(folder, new_database) if measure == "time" else 0.0
    database = new_database()
    process = _ingest(database, folder, "docs")
    if measure == "time":
        time.sleep(seconds * point)
        process.send_signal(signal.SIGKILL)
        process.wait()
    else:
        _kill_once_stored(process, database, int(point))
    assert _run_status(database) in ("not started", "running")  # killed before it ended

    _finished(_ingest(database, folder, "docs"))
    assert database_state(database) == expected
    verified = subprocess.run(
        [*LINEAGE, "--db", database, "verify", "--json"], capture_output=True, check=False
    )
    assert json.loads(verified.stdout)["intact"], verified.stdout


@pytest.mark.parametrize("growths", [1, 3, 6])
def test_an_ingest_killed_while_writing_a_commit_loses_nothing(
    corpus, tmp_path: Path, growths: int
):
    # SQLite writes a transaction's pages to its write-ahead log as it commits: killed the
    # moment the log is seen growing, the process dies with a commit half written.
    folder, expected = corpus
    database = tmp_path / "killed.db"
    wal = tmp_path / "killed.db-wal"
    process = _ingest(f"sqlite:///{database}", folder, "docs")
    size, seen = 0, 0
    while seen < growths and process.poll() is None:
        grown = wal.stat().st_size if wal.exists() else 0
        seen, size = seen + (grown > size), grown
        time.sleep(0.0005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _run_status(f"sqlite:///{database}") in ("not started", "running")

    _finished(_ingest(f"sqlite:///{database}", folder, "docs"))
    assert database_state(f"sqlite:///{database}") == expected


@pytest.mark.parametrize("ingests", [2, 4])
@pytest.mark.parametrize("into", ["their own datasets", "one dataset version"])
def test_ingests_at_once_into_one_database_lose_and_duplicate_nothing(
    new_database: Callable[[], str], tmp_path: Path, ingests: int, into: str
):
    # Overlapping corpora: each shares half its documents with the next.
    corpora = [_corpus(tmp_path / f"c{index}", 300, first=150 * index) for index in range(ingests)]
    datasets = [f"d{index}" if into == "their own datasets" else "d" for index in range(ingests)]
    together, apart = new_database(), f"sqlite:///{tmp_path / 'apart.db'}"
    for folder, dataset in zip(corpora, datasets, strict=True):
        _finished(_ingest(apart, folder, dataset))
    with ThreadPoolExecutor(ingests) as pool:
        processes = list(map(_ingest, itertools.repeat(together), corpora, datasets))
        list(pool.map(_finished, processes))
    # One version holds every corpus, its manifest recomputed by the last run to finish.
    assert database_state(together) == database_state(apart)
    verified = subprocess.run([*LINEAGE, "--db", together, "verify"], capture_output=True)
    assert verified.returncode == 0, verified.stdout.decode()
