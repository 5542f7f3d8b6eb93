"""Benchmark: `lineage ingest --engine dask://...` into PostgreSQL, against one process, and
the figures docs/scaling.md builds its model for a billion documents on.

Starts a throwaway PostgreSQL server and two Dask clusters on loopback (one worker, two
workers), generates a corpus of short documents (about 250 words, in JSONL files of 500),
then, alternating, `--repeats` times, ingests it whole into a new database:

- in one process (the baseline);
- on the one-worker cluster, and on the two-worker cluster.

For each it prints the median wall time and documents per second as a ratio to the
baseline, and, from the processes' CPU times, the CPU seconds per million documents spent
by the command (which reads the shards' answers and stores them) and by the workers (which
read and fingerprint): what a cluster of N workers can reach follows from those two.
Then the database's size per record, the lookup of one text in a fresh process on that
database, and COPY against multi-row INSERTs for storing record rows, in this process.

    .venv/bin/python bench/cluster_ingest.py
    .venv/bin/python bench/cluster_ingest.py --documents 10000 --repeats 1
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import psutil
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' servers

from lineage.store import bulk
from lineage.store.bulk import insert_returning
from lineage.store.engine import connect, session_scope
from lineage.store.schema import Record
from tests.conftest import make_document
from tests.dask_cluster import dask_cluster
from tests.postgres_server import fresh_database, postgres_server

LINEAGE = str(Path(sys.executable).parent / "lineage")
PER_FILE = 500


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        root = Path(folder)
        corpus = generate(root / "corpus", args.documents)
        (root / "postgres").mkdir()
        server = stack.enter_context(postgres_server(root / "postgres"))
        postgres_data = root / "postgres" / "data"
        clusters = {}
        for workers in (1, 2):
            (root / f"dask{workers}").mkdir()
            clusters[workers] = stack.enter_context(dask_cluster(root / f"dask{workers}", workers))
        runs = {
            "one process": [],
            "cluster, 1 worker": ["--engine", clusters[1][0]],
            "cluster, 2 workers": ["--engine", clusters[2][0]],
        }
        worker_pids = {"one process": [], "cluster, 1 worker": clusters[1][1]}
        worker_pids["cluster, 2 workers"] = clusters[2][1]
        timings: dict[str, list[Timing]] = {name: [] for name in runs}
        last_database = ""
        for _ in range(args.repeats):
            for name, engine in runs.items():
                last_database = fresh_database(server)
                timing = ingest(last_database, corpus, engine, worker_pids[name], postgres_data)
                timings[name].append(timing)
        report(args.documents, timings)
        print()
        sizes(last_database, corpus, root)
        lookup(last_database, args.repeats)
        copy_against_insert(server, args.repeats)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=40_000)
    parser.add_argument("--repeats", type=int, default=3)
    return parser.parse_args()


def generate(folder: Path, documents: int) -> Path:
    folder.mkdir()
    for first in range(0, documents, PER_FILE):
        lines = [
            json.dumps({"text": make_document(number)})
            for number in range(first, min(first + PER_FILE, documents))
        ]
        (folder / f"part-{first // PER_FILE:05d}.jsonl").write_text("\n".join(lines) + "\n")
    return folder


@dataclass
class Timing:
    wall: float
    command_cpu: float
    worker_cpu: float
    server_cpu: float


class ServerCpu:
    """CPU seconds of the PostgreSQL server's processes while it is open: its backends end
    with their connections, so they are sampled every few milliseconds."""

    def __init__(self, data: Path) -> None:
        self.postmaster = psutil.Process(int((data / "postmaster.pid").read_text().split()[0]))
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample)

    def __enter__(self) -> ServerCpu:
        self._sample_once()
        self.first = dict(self.last)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()
        self._sample_once()

    def _sample(self) -> None:
        while not self.done.wait(0.005):
            self._sample_once()

    def _sample_once(self) -> None:
        for process in [self.postmaster, *self.postmaster.children()]:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            self.last[process.pid] = times.user + times.system

    @property
    def seconds(self) -> float:
        return sum(value - self.first.get(pid, 0.0) for pid, value in self.last.items())


def ingest(
    database: str, corpus: Path, engine: list[str], workers: list[int], data: Path
) -> Timing:
    command = [LINEAGE, "--db", database, "ingest", corpus, "--dataset", "d", "--license"]
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    before_workers = worker_cpu(workers)
    with ServerCpu(data) as server:
        started = time.perf_counter()
        subprocess.run([*command, "MIT", *engine], check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    command_cpu = (after_children.ru_utime - before_children.ru_utime) + (
        after_children.ru_stime - before_children.ru_stime
    )
    return Timing(wall, command_cpu, worker_cpu(workers) - before_workers, server.seconds)


def worker_cpu(pids: list[int]) -> float:
    """CPU seconds of the workers and the processes they started."""
    total = 0.0
    for pid in pids:
        process = psutil.Process(pid)
        for each in [process, *process.children(recursive=True)]:
            times = each.cpu_times()
            total += times.user + times.system
    return total


def report(documents: int, timings: dict[str, list[Timing]]) -> None:
    print(f"ingest of {documents:,} short documents into PostgreSQL, whole process,")
    print(f"median of {len(next(iter(timings.values())))} runs, min-max in brackets\n")
    baseline = statistics.median(t.wall for t in timings["one process"])
    header = ("seconds", "docs/s", "ratio", "command", "workers", "server")
    print(f"  {'':<20} {header[0]:>20} {header[1]:>8} {header[2]:>6}", end="")
    print("".join(f" {name:>8}" for name in header[3:]))
    for name, runs in timings.items():
        walls = [run.wall for run in runs]
        wall = statistics.median(walls)
        per_million = 1e6 / documents
        cpu = [
            statistics.median(getattr(run, kind) for run in runs) * per_million
            for kind in ("command_cpu", "worker_cpu", "server_cpu")
        ]
        print(
            f"  {name:<20} {wall:7.2f} [{min(walls):.2f}-{max(walls):.2f}] "
            f"{documents / wall:8.0f} {baseline / wall:5.2f}x"
            + "".join(f" {value:8.0f}" for value in cpu)
        )
    print("  (command, workers, PostgreSQL server: CPU seconds per million documents)")


def sizes(database: str, corpus: Path, root: Path) -> None:
    engine = create_engine(database)
    with engine.connect() as connection:
        records = connection.execute(text("SELECT count(*) FROM records")).scalar() or 1
        size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
        empty = fresh_database(engine.url.set(database="postgres").render_as_string(False))
    engine.dispose()
    empty_engine = create_engine(empty)
    connect(empty).dispose()  # the schema alone, to subtract
    with empty_engine.connect() as connection:
        schema = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
    empty_engine.dispose()
    sqlite = root / "sizes.db"
    subprocess.run(
        [LINEAGE, "--db", f"sqlite:///{sqlite}", "ingest", corpus, "--dataset", "d"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"database size per record ({records:,} records, the empty schema subtracted):")
    print(f"  PostgreSQL {(size - schema) / records:8.0f} bytes")
    print(f"  SQLite     {sqlite.stat().st_size / records:8.0f} bytes")


def lookup(database: str, repeats: int) -> None:
    probe = make_document(1234)
    times, versions = [], []
    for _ in range(max(5, repeats)):
        for command, into in (
            ([LINEAGE, "--db", database, "lookup", "--text", probe, "--json"], times),
            ([LINEAGE, "--version"], versions),
        ):
            started = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            into.append((time.perf_counter() - started) * 1000)
    print(
        f"lookup of a text on PostgreSQL, fresh process: {statistics.median(times):.0f} ms "
        f"[{min(times):.0f}-{max(times):.0f}]; lineage --version "
        f"{statistics.median(versions):.0f} ms"
    )


def copy_against_insert(server: str, repeats: int, rows: int = 20_000) -> None:
    """Record rows stored by `insert_returning` (as ingest stores them): COPY through a
    temporary table, against multi-row INSERTs, alternating, into fresh databases."""
    columns = ("sha256", "kind", "size_bytes", "minhash")
    signature = os.urandom(512)
    batch = [
        (hashlib.sha256(str(n).encode()).digest(), "text", 1500, signature) for n in range(rows)
    ]
    seconds: dict[str, list[float]] = {"COPY": [], "INSERT": []}
    default = bulk.COPY_AT_LEAST
    for _ in range(max(5, repeats)):
        for way, threshold in (("COPY", default), ("INSERT", rows + 1)):
            engine = connect(fresh_database(server))
            bulk.COPY_AT_LEAST = threshold
            started = time.perf_counter()
            for start in range(0, rows, 1000):
                with session_scope(engine) as session:
                    chunk = batch[start : start + 1000]
                    insert_returning(session, Record, columns, chunk, ("id",), ("sha256",))
            seconds[way].append(time.perf_counter() - started)
            engine.dispose()
    bulk.COPY_AT_LEAST = default
    copy, insert = statistics.median(seconds["COPY"]), statistics.median(seconds["INSERT"])
    print(
        f"storing {rows:,} record rows in batches of 1,000: COPY {copy:.2f} s, INSERT "
        f"{insert:.2f} s (COPY {insert / copy:.2f}x as fast), medians of {len(seconds['COPY'])}"
    )


if __name__ == "__main__":
    main()
