"""A crash loses nothing: an ingest killed (SIGKILL) at any point, then run again, leaves the
database an uninterrupted run leaves; so do ingests running at once into one SQLite file."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import make_document

# The installed command, beside the interpreter running the tests.
LINEAGE = [str(Path(sys.executable).parent / "lineage")]


def _corpus(folder: Path, documents: int, first: int = 0) -> Path:
    folder.mkdir(parents=True)
    for number in range(first, first + documents):
        (folder / f"doc-{number:05d}.txt").write_text(make_document(number, words=400))
    return folder


def _ingest(database: Path, corpus: Path, dataset: str) -> subprocess.Popen[bytes]:
    command = [*LINEAGE, "--db", f"sqlite:///{database}", "ingest", corpus, "--dataset", dataset]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _state(database: Path) -> dict[str, object]:
    """What an ingest leaves, independent of row ids and times."""
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        occurrences = connection.execute(
            "SELECT datasets.name, occurrences.locator, records.sha256, licenses.spdx "
            "FROM occurrences JOIN records ON records.id = occurrences.record_id "
            "JOIN licenses ON licenses.id = occurrences.license_id "
            "JOIN dataset_versions ON dataset_versions.id = occurrences.dataset_version_id "
            "JOIN datasets ON datasets.id = dataset_versions.dataset_id ORDER BY 1, 2"
        ).fetchall()
        versions = connection.execute(
            "SELECT datasets.name, version, manifest_hash, record_count, size_bytes "
            "FROM dataset_versions JOIN datasets ON datasets.id = dataset_id ORDER BY 1"
        ).fetchall()
        records = connection.execute("SELECT count(*), count(DISTINCT sha256) FROM records")
        return {"occurrences": occurrences, "versions": versions, "records": records.fetchone()}


def _run_status(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        try:
            row = connection.execute("SELECT status FROM ingest_runs").fetchone()
        except sqlite3.OperationalError:  # killed while the schema was being created
            return "not started"
    return row[0] if row else "not started"


def _finished(process: subprocess.Popen[bytes]) -> None:
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 0, errors.decode()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], float]:
    """A corpus, what an uninterrupted ingest of it leaves, and how long that took."""
    folder = _corpus(tmp_path_factory.mktemp("crash") / "corpus", 5000)
    _finished(_ingest(folder.parent / "warm-up.db", folder, "docs"))
    # Timed warm, as the killed runs are: a cold first run (caches filled) would place the
    # kill points after a warm run's end.
    database = folder.parent / "whole.db"
    started = time.monotonic()
    _finished(_ingest(database, folder, "docs"))
    return folder, _state(database), time.monotonic() - started


@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.4, 0.55, 0.7])
def test_an_ingest_killed_then_run_again_leaves_what_an_uninterrupted_one_does(
    corpus, tmp_path: Path, fraction: float
):
    folder, expected, seconds = corpus
    database = tmp_path / "killed.db"
    process = _ingest(database, folder, "docs")
    time.sleep(seconds * fraction)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _run_status(database) in ("not started", "running")  # killed before it ended

    _finished(_ingest(database, folder, "docs"))
    assert _state(database) == expected
    verified = subprocess.run(
        [*LINEAGE, "--db", f"sqlite:///{database}", "verify", "--json"],
        capture_output=True,
        check=False,
    )
    assert json.loads(verified.stdout)["intact"], verified.stdout


@pytest.mark.parametrize("ingests", [2, 4])
def test_ingests_at_once_into_one_sqlite_file_lose_and_duplicate_nothing(
    tmp_path: Path, ingests: int
):
    # Overlapping corpora: each shares half its documents with the next.
    corpora = [_corpus(tmp_path / f"c{index}", 300, first=150 * index) for index in range(ingests)]
    together, apart = tmp_path / "together.db", tmp_path / "apart.db"
    for index, folder in enumerate(corpora):
        _finished(_ingest(apart, folder, f"d{index}"))
    with ThreadPoolExecutor(ingests) as pool:
        processes = [_ingest(together, folder, f"d{i}") for i, folder in enumerate(corpora)]
        list(pool.map(_finished, processes))
    assert _state(together) == _state(apart)
