"""A throwaway Dask cluster for the tests and benchmarks: a scheduler and single-threaded
worker processes on loopback, started with Dask's own `dask` command."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DASK = str(Path(sys.executable).parent / "dask")
START_SECONDS = 60


@contextmanager
def dask_cluster(folder: Path, workers: int) -> Iterator[tuple[str, list[int]]]:
    """The address (dask://HOST:PORT) of a scheduler once `workers` workers have joined it,
    and the workers' process ids; all are stopped on the way out."""
    address_file = folder / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [
            DASK,
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(address_file),
        ],
        **quiet,
    )
    started = [
        subprocess.Popen(
            [
                DASK,
                "worker",
                "--scheduler-file",
                str(address_file),
                "--nthreads",
                "1",
                "--host",
                "127.0.0.1",
                "--no-dashboard",
                "--local-directory",
                str(folder / f"worker-{number}"),
            ],
            **quiet,
        )
        for number in range(workers)
    ]
    try:
        address = _address_once_joined(address_file, workers)
        yield "dask://" + address.removeprefix("tcp://"), [p.pid for p in started]
    finally:
        for process in [*started, scheduler]:
            process.terminate()
        for process in [*started, scheduler]:
            process.wait(timeout=30)


def _address_once_joined(address_file: Path, workers: int) -> str:
    from distributed import Client

    deadline = time.monotonic() + START_SECONDS
    while not address_file.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the Dask scheduler did not start")
        time.sleep(0.1)
    address = json.loads(address_file.read_text())["address"]
    with Client(address, timeout="30s") as client:
        client.wait_for_workers(workers, timeout=START_SECONDS)
    return address
