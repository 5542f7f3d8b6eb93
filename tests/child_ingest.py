"""`lineage ingest` in a process of its own, measured: its exit status, wall time, peak
memory and the report it printed, so that a test can bound what one hostile input costs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# VmHWM, not ru_maxrss: Linux carries the parent's (pytest's) peak across fork and exec into
# the child's ru_maxrss. The measure goes to stderr's last line, after click's own output.
_SCRIPT = """\
import json, sys
status = 1  # what an uncaught exception exits with; its traceback goes to stderr first
try:
    from cli.main import cli
    cli(sys.argv[1:])
except SystemExit as exit:
    status = exit.code
finally:
    status_lines = open('/proc/self/status').read().splitlines()
    hwm = next(line for line in status_lines if line.startswith('VmHWM:'))
    print(json.dumps({'status': status, 'peak_kib': int(hwm.split()[1])}), file=sys.stderr)
"""


@dataclass(frozen=True)
class ChildIngest:
    status: int
    seconds: float
    peak_mib: float
    report: dict[str, Any]
    stderr: str  # what the run wrote besides the measure


def ingest_in_child(db_url: str, corpus: Path, *, timeout: float) -> ChildIngest:
    """Ingest `corpus` as dataset `d` with `--json`; subprocess.TimeoutExpired past
    `timeout` seconds (a hang)."""
    arguments = ["--db", db_url, "ingest", str(corpus), "--dataset", "d", "--json"]
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    seconds = time.perf_counter() - started
    *written, last = finished.stderr.rstrip("\n").split("\n")
    try:
        measured = json.loads(last)
    except json.JSONDecodeError:  # killed (a signal, the OOM killer): no measure was printed
        died = f"the ingest died ({finished.returncode}): {finished.stderr}"
        raise AssertionError(died) from None
    return ChildIngest(
        status=measured["status"],
        seconds=seconds,
        peak_mib=measured["peak_kib"] / 1024,
        report=json.loads(finished.stdout) if finished.stdout.strip() else {},
        stderr="\n".join(written),
    )
