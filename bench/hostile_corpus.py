"""Benchmark: what each case of the hostile corpus costs an ingest, against a baseline.

Each case of tests/crawl/hostile_cases.py is ingested beside a good file, in a fresh process
of its own, as the test suite does; so is a baseline corpus holding the good file alone. It
prints, per case, the median wall time as a ratio to the baseline's, the peak memory (VmHWM)
and its excess over the baseline's, the exit status and what was reported, and at the end
the number of cases, crashes (a traceback), hangs (past the time bound) and the worst peak.

    .venv/bin/python bench/hostile_corpus.py
    .venv/bin/python bench/hostile_corpus.py --repeats 5 --case gif-5000-frames
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' corpus makers

from tests.child_ingest import ChildIngest, ingest_in_child
from tests.conftest import make_document
from tests.crawl.hostile_cases import CASES, GOOD_FILE, Case

SECONDS_BOUND = 60
BASELINE = Case("baseline (the good file alone)", lambda corpus: None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--case", action="append", help="only these cases (by name)")
    args = parser.parse_args()
    cases = [case for case in CASES if not args.case or case.name in args.case]

    baseline = _runs(BASELINE, args.repeats)
    base_seconds = statistics.median(run.seconds for run in baseline)
    base_peak = statistics.median(run.peak_mib for run in baseline)
    print(f"baseline: {base_seconds:.2f} s, peak {base_peak:.0f} MiB (medians of {args.repeats})")
    print(f"{'case':28} {'time':>6} {'peak MiB':>9} {'+MiB':>6} exit  reported")
    crashes = hangs = 0
    worst_peak = base_peak
    for case in cases:
        try:
            runs = _runs(case, args.repeats)
        except subprocess.TimeoutExpired:
            hangs += 1
            print(f"{case.name:28} HANG (over {SECONDS_BOUND} s)")
            continue
        crashes += any("Traceback" in run.stderr for run in runs)
        seconds = statistics.median(run.seconds for run in runs)
        peak = max(run.peak_mib for run in runs)
        worst_peak = max(worst_peak, peak)
        print(
            f"{case.name:28} {seconds / base_seconds:5.2f}x {peak:9.0f} {peak - base_peak:6.0f} "
            f"{runs[0].status:>4}  {_reported(runs[0])}"
        )
    print(
        f"\n{len(cases)} cases: {crashes} crashed, {hangs} hung, "
        f"worst peak {worst_peak:.0f} MiB ({worst_peak - base_peak:.0f} over the baseline)"
    )


def _runs(case: Case, repeats: int) -> list[ChildIngest]:
    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as scratch:
            corpus = Path(scratch) / "corpus"
            corpus.mkdir()
            case.make(corpus)
            (corpus / GOOD_FILE).write_text(make_document(1))
            db_url = f"sqlite:///{scratch}/lineage.db"
            runs.append(ingest_in_child(db_url, corpus, timeout=SECONDS_BOUND))
    return runs


def _reported(run: ChildIngest) -> str:
    problems = [problem["reason"][:90] for problem in run.report.get("problems", [])]
    skipped = [entry["reason"] for entry in run.report.get("skipped", [])]
    return "; ".join(problems + skipped) or f"stored ({run.report.get('records_added')} records)"


if __name__ == "__main__":
    main()
