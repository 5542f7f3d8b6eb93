"""Benchmark: `lineage ingest` and `lineage lookup` as whole processes, start-up included,
against the loops a user would write by hand, all run in this one session.

Two corpora of generated prose (Zipf-distributed invented words) as plain text files: long
documents (about 1,000 words each, 60 MB by default) and short ones (about 250 words, 30 MB).
For each, alternating, in fresh processes, `--repeats` times:

- `lineage ingest CORPUS` into a new SQLite database (what a user runs: languages included);
- the rensa loop: read each file, `rensa.RMinHash(128)` of its word 3-gram shingles, and one
  row per document (path, SHA-256, signature) into SQLite;
- the datasketch loop: the same with `datasketch.MinHash(128).update_batch`.

lineage's own modules are byte-compiled first, as installing a wheel does: where
`PYTHONDONTWRITEBYTECODE` is set (as on the project's machines) every process would
otherwise compile them from source, some 40 ms that a user's install never pays.

Then `lineage lookup --text` of a stored document (10% of its words changed) in fresh
processes, against `lineage --version` (the command's start-up) and the bare interpreter,
each as a ratio to the lookup (the target: a lookup within 250 ms). Prints medians, spreads
(min-max) and lineage's speed as a ratio to each loop's (above 1: lineage is faster).

    .venv/bin/python bench/whole_process.py
    .venv/bin/python bench/whole_process.py --long-mb 20 --short-mb 10 --repeats 3
    .venv/bin/python bench/whole_process.py --lookup-only --repeats 15
"""

from __future__ import annotations

import argparse
import compileall
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

LINEAGE = str(Path(sys.executable).parent / "lineage")
VOCABULARY_SIZE = 20_000

# The loops a user would write: whole programs, run as `python -c LOOP CORPUS DATABASE`.
_LOOP = """\
import hashlib, os, sqlite3, sys
{imports}
corpus, database = sys.argv[1], sys.argv[2]
db = sqlite3.connect(database)
db.execute("CREATE TABLE docs (path TEXT PRIMARY KEY, sha256 TEXT, signature BLOB)")
rows = []
for name in sorted(os.listdir(corpus)):
    data = open(os.path.join(corpus, name), "rb").read()
    words = data.decode().lower().split()
    shingles = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]
{sign}
    rows.append((name, hashlib.sha256(data).hexdigest(), signature))
db.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
db.commit()
"""
LOOPS = {
    "rensa": _LOOP.format(
        imports="import numpy as np\nfrom rensa import RMinHash",
        sign="    minhash = RMinHash(num_perm=128, seed=1)\n"
        "    minhash.update(shingles)\n"
        "    signature = np.asarray(minhash.digest(), np.uint32).tobytes()",
    ),
    "datasketch": _LOOP.format(
        imports="from datasketch import MinHash",
        sign="    minhash = MinHash(num_perm=128)\n"
        "    minhash.update_batch([s.encode() for s in shingles])\n"
        "    signature = minhash.hashvalues.astype('uint32').tobytes()",
    ),
}


def main() -> None:
    args = parse_args()
    compile_lineage()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        if args.lookup_only:
            corpus = work / "long-documents"
            write_corpus(corpus, args.long_mb, 1000)
            bench_ingest(corpus, work, repeats=1, loops=())
            bench_lookup(corpus, work, args.repeats)
            return
        for label, megabytes, words in (
            ("long documents", args.long_mb, 1000),
            ("short documents", args.short_mb, 250),
        ):
            corpus = work / label.replace(" ", "-")
            count = write_corpus(corpus, megabytes, words)
            print(f"\n{label}: {count:,} files, {megabytes} MB, medians of {args.repeats}")
            bench_ingest(corpus, work, args.repeats)
        bench_lookup(work / "long-documents", work, args.repeats)


def compile_lineage() -> None:
    """Byte-code for lineage's packages, which imports read even where they write none."""
    root = Path(__file__).resolve().parent.parent
    for package in ("lineage", "cli"):
        compileall.compile_dir(root / package, quiet=1)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long-mb", type=int, default=60)
    parser.add_argument("--short-mb", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--lookup-only", action="store_true", help="ingest the long documents once, time lookups"
    )
    return parser.parse_args()


def documents(words: int, seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    vocabulary = [
        "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3)) + str(index)
        for index in range(VOCABULARY_SIZE)
    ]
    weights = [1 / (rank + 1) for rank in range(VOCABULARY_SIZE)]
    while True:
        length = rng.randint(words * 3 // 4, words * 5 // 4)
        yield " ".join(rng.choices(vocabulary, weights, k=length)) + "."


def write_corpus(folder: Path, megabytes: int, words: int) -> int:
    folder.mkdir()
    written = count = 0
    for count, text in enumerate(documents(words, seed=words), start=1):
        data = text.encode()
        (folder / f"doc-{count:06d}.txt").write_bytes(data)
        written += len(data)
        if written >= megabytes * 1_000_000:
            return count
    raise AssertionError("unreachable: documents() is endless")


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def bench_ingest(
    corpus: Path, work: Path, repeats: int, loops: tuple[str, ...] = tuple(LOOPS)
) -> None:
    runs: dict[str, list[float]] = {"lineage ingest": [], **{name: [] for name in loops}}
    for repeat in range(repeats):
        for name in runs:
            database = work / f"{corpus.name}-{name.replace(' ', '-')}-{repeat}.db"
            if name == "lineage ingest":
                url = f"sqlite:///{database}"
                command = [LINEAGE, "--db", url, "ingest", str(corpus), "--dataset", "d"]
            else:
                command = [sys.executable, "-c", LOOPS[name], str(corpus), str(database)]
            runs[name].append(timed(command))
            if repeat < repeats - 1 or name != "lineage ingest":
                database.unlink()
    medians = {name: statistics.median(seconds) for name, seconds in runs.items()}
    lineage = medians["lineage ingest"]
    for name, seconds in runs.items():
        ratio = "" if name == "lineage ingest" else f"  lineage {medians[name] / lineage:.2f}x"
        print(f"  {name:16} {medians[name]:6.2f} s  ({spread(seconds)}){ratio}")


def bench_lookup(corpus: Path, work: Path, repeats: int) -> None:
    (database,) = work.glob("long-documents-lineage-ingest-*.db")
    url = f"sqlite:///{database}"
    words = (corpus / "doc-000007.txt").read_text().split()
    rng = random.Random(7)
    for index in rng.sample(range(len(words)), len(words) // 10):
        words[index] = "changed"
    probe = " ".join(words)
    commands = {
        "lookup": [LINEAGE, "--db", url, "lookup", "--text", probe],
        "lineage --version": [LINEAGE, "--version"],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    runs: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            runs[name].append(timed(command))
    lookup = statistics.median(runs["lookup"])
    print(f"\nlineage lookup --text, fresh process, medians of {repeats} (target: 250 ms)")
    for name, seconds in runs.items():
        ratio = "" if name == "lookup" else f"  {statistics.median(seconds) / lookup:.2f}x lookup"
        milliseconds = statistics.median(seconds) * 1000
        print(f"  {name:17} {milliseconds:5.0f} ms ({spread(seconds, 1000)}){ratio}")


def spread(values: list[float], scale: float = 1) -> str:
    digits = 0 if scale > 1 else 2
    return f"{min(values) * scale:.{digits}f}-{max(values) * scale:.{digits}f}"


if __name__ == "__main__":
    main()
