"""Benchmark: `lineage lookup` latency in a fresh process, with a million texts and images stored.

Builds (or reuses) a SQLite lineage database holding `--records` text records and as many
image records, each with the fingerprints and index keys that ingest writes:

- texts are generated documents (Zipf-distributed invented words, 120-300 words), signed
  and stored in ingest's batches of 1,000 with `lineage.fingerprint.text.sign_texts`, as
  ingest does, so the band index holds the runs (and merges) an ingest would leave;
- images are random 64-bit pHash/dHash pairs (what matters for the index is how keys spread),
  plus one real picture whose resized copy is the image probe.

Then it runs `lineage lookup --text PROBE` (a stored document with 10% of its words changed)
and `lineage lookup PICTURE.jpg` in fresh processes, `--repeats` times each, and the same
number of fresh `lineage --version` (start-up) and `lineage init` (a command that opens the
database through SQLAlchemy, which a lookup does without) processes. It prints medians,
spreads and the lookup time beyond start-up, and checks that every probe found its original.

Last, the store's size per text record (what issue 16 holds to 600 bytes): a copy of the
database with the images and what only they use deleted, vacuumed, divided by its texts, and
the same by table and index (SQLite's `dbstat`).

    .venv/bin/python bench/lookup_at_scale.py                      # 1,000,000 of each
    .venv/bin/python bench/lookup_at_scale.py --records 20000 --db /tmp/small.db
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from sqlalchemy import Engine, func, select

from lineage.fingerprint import DEFAULT_TEXT_PARAMS, fingerprint_image, image_keys
from lineage.fingerprint.text import sign_texts
from lineage.ingest import DEFAULT_BATCH_SIZE
from lineage.registry import ModelRegistration, register_model
from lineage.store.bulk import insert_rows
from lineage.store.engine import connect, session_scope
from lineage.store.records import store_index_keys
from lineage.store.rows import ensure_dataset_version, ensure_license, ensure_source
from lineage.store.schema import DatasetVersion, LshSegment, Occurrence, Record

BATCH = 20_000
VOCABULARY = 30_000
PROBE_INDEX = 1_234  # the stored document the text probe is an edit of (needs --records > it)
LINEAGE = str(Path(sys.executable).with_name("lineage"))


def main() -> None:
    args = parse_args()
    if args.measure_child:
        print(measure_child(*args.measure_child))
        return
    url = f"sqlite:///{args.db}"
    picture = args.db.with_suffix(".probe.jpg")
    if not args.db.exists():
        build(url, args.records, picture)
    probe_text = edited(document(np.random.default_rng(PROBE_INDEX), words()), seed=1)
    startup, opened, text, image = timed_round_robin(
        [
            [LINEAGE, "--version"],
            [LINEAGE, "--db", url, "init"],
            [LINEAGE, "--db", url, "lookup", "--json", "--text", probe_text],
            [LINEAGE, "--db", url, "lookup", "--json", str(picture)],
        ],
        args.repeats,
    )
    check(text.output, f"texts/doc-{PROBE_INDEX:07d}")
    check(image.output, "images/picture")
    inside = {
        kind: [
            float(
                subprocess.run(
                    [sys.executable, __file__, "--measure-child", kind, url, probe],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(args.repeats)
        ]
        for kind, probe in (("text", probe_text), ("image", str(picture)))
    }
    with session_scope(connect(url)) as session:
        records = session.query(Record).count()
        runs_by_level = session.execute(
            select(LshSegment.level, func.count()).group_by(LshSegment.level)
        ).all()
    print(f"lineage lookup in a fresh process, {records:,} records in {args.db}")
    levels = ", ".join(f"{count} at level {level}" for level, count in runs_by_level)
    print(f"text band index: {levels}")
    print(f"median of {args.repeats} runs, min-max in brackets, milliseconds\n")
    runs = {
        "start-up: lineage --version": startup,
        "init (opens it through SQLAlchemy)": opened,
        "lookup --text": text,
        "lookup image": image,
    }
    for name, run in runs.items():
        print(f"  {name:<36} {statistics.median(run.times):8.1f}  [{spread(run.times)}]")
    for name, run in (("text", text), ("image", image)):
        beyond = statistics.median(run.times) - statistics.median(startup.times)
        print(f"  {name} lookup beyond start-up (--version): {beyond:.1f} ms")
    print("\nfirst lookup timed inside a fresh process, after imports and opening the database:")
    for kind, times in inside.items():
        print(f"  {kind:<6} {statistics.median(times):8.1f}  [{spread(times)}]")
    print_text_store_size(args.db)


def print_text_store_size(db: Path) -> None:
    """Bytes per text record: of a vacuumed copy without the images, whole and by object."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "texts.db"
        with sqlite3.connect(db) as source:
            source.execute("VACUUM INTO ?", (str(copy),))
        texts = sqlite3.connect(copy, isolation_level=None)
        texts.executescript(
            "DELETE FROM image_keys;"
            "DELETE FROM occurrences WHERE record_id IN "
            "(SELECT id FROM records WHERE kind = 'image');"
            "DELETE FROM records WHERE kind = 'image';"
            "VACUUM;"
        )
        count = texts.execute("SELECT count(*) FROM records").fetchone()[0]
        objects = texts.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
        texts.close()
        total = copy.stat().st_size
    print(f"\nstore size per text record ({count:,} texts, images deleted, vacuumed):")
    print(f"  {total / count:8.0f} bytes  ({total / 1e9:.2f} GB)")
    for name, size in objects:
        if size / count >= 1:
            print(f"    {name:<32} {size / count:8.0f}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="texts and images each")
    parser.add_argument("--db", type=Path, default=Path("/tmp/lineage-scale.db"))
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--measure-child", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args()


def words() -> np.ndarray:
    rng = np.random.default_rng(0)
    letters = np.array(list("bcdfghklmnprstvzaeiou"))
    return np.array(
        ["".join(rng.choice(letters, size=rng.integers(4, 10))) for _ in range(VOCABULARY)]
    )


def document(rng: np.random.Generator, vocabulary: np.ndarray) -> str:
    ranks = np.minimum(rng.zipf(1.3, size=rng.integers(120, 300)), VOCABULARY) - 1
    return " ".join(vocabulary[ranks])


def edited(text: str, seed: int) -> str:
    rng = np.random.default_rng(seed)
    tokens = text.split()
    for index in rng.choice(len(tokens), size=len(tokens) // 10, replace=False):
        tokens[index] = "zqx" + str(index)
    return " ".join(tokens)


def build(url: str, count: int, picture: Path) -> None:
    """Write `count` texts and `count` images with their index keys, and a model on both."""
    engine = connect(url)
    started = time.perf_counter()
    with session_scope(engine) as session:
        session.connection().exec_driver_sql("PRAGMA cache_size=-4000000")
        texts = ensure_dataset_version(session, "texts", "1")
        images = ensure_dataset_version(session, "images", "1")
        texts.fingerprint_params = DEFAULT_TEXT_PARAMS.as_dict()
        license_id = ensure_license(session, "CC-BY-4.0").id
        source_id = ensure_source(session, "https://example.org/").id
        version_ids = (texts.id, images.id)
    vocabulary = words()
    # Texts in ingest's batches: each writes one run of the band index, as an ingest would.
    for start in range(0, count, DEFAULT_BATCH_SIZE):
        size = min(DEFAULT_BATCH_SIZE, count - start)
        docs = [document(np.random.default_rng(start + i), vocabulary) for i in range(size)]
        signed = sign_texts(docs, DEFAULT_TEXT_PARAMS, compiled=True)
        rows = [
            (
                (start + i).to_bytes(32, "big"),  # digests as the table keeps them
                "text",
                len(doc),
                bytes.fromhex(signed.text_sha256[i]),
                signed.values[i].astype("<u4").tobytes(),
            )
            for i, doc in enumerate(docs)
        ]
        store(
            engine,
            rows,
            signed.band_keys.tolist(),
            version_ids[0],
            "texts/doc",
            start,
            license_id,
            source_id,
        )
        if (start + size) % BATCH == 0 or start + size == count:
            print(f"texts {start + size:,} ({time.perf_counter() - started:.0f}s)", flush=True)
    rng = np.random.default_rng(7)
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        hashes = rng.integers(-(2**63), 2**63 - 1, size=(size, 2), dtype=np.int64).tolist()
        if start == 0:
            hashes[0] = list(real_picture(picture))
        rows = [
            (b"\xff" + (start + i).to_bytes(31, "big"), "image", 1000, phash, dhash)
            for i, (phash, dhash) in enumerate(hashes)
        ]
        keys = [list(image_keys(phash)) for phash, _ in hashes]
        store(engine, rows, keys, version_ids[1], "images/img", start, license_id, source_id)
        print(f"images {start + size:,} ({time.perf_counter() - started:.0f}s)", flush=True)
    with session_scope(engine) as session:
        session.execute(
            Occurrence.__table__.update()
            .where(Occurrence.locator == "images/img-0000000")
            .values(locator="images/picture")
        )
        for version in session.scalars(select(DatasetVersion)):
            version.record_count = count
        register_model(session, ModelRegistration("scale-model", ("texts@1", "images@1")))


def store(
    engine: Engine,
    rows: list[tuple],
    keys: list[list[int]],
    version_id: int,
    prefix: str,
    start: int,
    license_id: int,
    source_id: int,
) -> None:
    """One batch of records, their index keys and their occurrences, in one transaction."""
    fingerprints = ("text_sha256", "minhash") if rows[0][1] == "text" else ("phash", "dhash")
    columns = ("sha256", "kind", "size_bytes", *fingerprints)
    with session_scope(engine) as session:
        session.connection().exec_driver_sql("PRAGMA cache_size=-4000000")
        insert_rows(session, Record, columns, rows)
        hashes = [row[0].hex() for row in rows]  # as the models give them
        ids = dict(
            session.execute(select(Record.sha256, Record.id).where(Record.sha256.in_(hashes))).all()
        )
        record_ids = [ids[sha] for sha in hashes]
        store_index_keys(
            session,
            {
                record_id: dict(zip(columns, row, strict=True)) | {"index_keys": record_keys}
                for record_id, row, record_keys in zip(record_ids, rows, keys, strict=True)
            },
        )
        insert_rows(
            session,
            Occurrence,
            (
                "dataset_version_id",
                "record_id",
                "locator",
                "source_id",
                "license_id",
                "license_origin",
            ),
            [
                (
                    version_id,
                    record_id,
                    f"{prefix}-{start + i:07d}",
                    source_id,
                    license_id,
                    "argument",
                )
                for i, record_id in enumerate(record_ids)
            ],
        )


def real_picture(path: Path) -> tuple[int, int]:
    """A real picture, stored by its hashes; its resized JPEG copy is written as the probe."""
    rng = np.random.default_rng(3)
    y, x = np.mgrid[0:512, 0:512] / 512
    pixels = np.stack(
        [np.sin(x * (4 + c) + rng.random() * 6) * np.cos(y * (3 + c)) for c in range(3)], -1
    )
    image = Image.fromarray(((pixels + 1) * 127).astype(np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    stored = fingerprint_image(buffer.getvalue())
    image.resize((300, 300)).save(path, quality=70)
    return stored.phash, stored.dhash


class Run:
    def __init__(self, times: list[float], output: str) -> None:
        self.times, self.output = times, output


def timed_round_robin(commands: list[list[str]], repeats: int) -> list[Run]:
    """Each command `repeats` times, taking turns, so that drift in the machine's speed
    weighs on all of them alike (the differences between them are what is reported)."""
    runs = [Run([], "") for _ in commands]
    for _ in range(repeats):
        for command, run in zip(commands, runs, strict=True):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            run.times.append((time.perf_counter() - started) * 1000)
            run.output = done.stdout
    return runs


def measure_child(kind: str, url: str, probe: str) -> float:
    """Milliseconds of the first lookup in this process, the database already open through its
    driver as `lineage lookup` opens it, after the start-up `lineage` itself goes through
    (imports, then freezing them out of the GC)."""
    import gc

    import cli.main  # noqa: F401
    from lineage.query.lookup import lookup_path, lookup_text
    from lineage.store.driver import open_at_head

    gc.freeze()
    driver = open_at_head(url)
    if driver is None:
        raise SystemExit(f"{url} is not a database at the latest schema")
    started = time.perf_counter()
    matches = lookup_text(driver, probe) if kind == "text" else lookup_path(driver, Path(probe))
    elapsed = (time.perf_counter() - started) * 1000
    driver.close()
    if not matches:
        raise SystemExit(f"{kind} probe found nothing")
    return elapsed


def check(output: str, locator: str) -> None:
    matches = json.loads(output)[0]["matches"]
    found = [loc["locator"] for match in matches for loc in match["locations"]]
    if locator not in found:
        raise SystemExit(f"probe did not find {locator}: {found[:5]}")


def spread(values: list[float]) -> str:
    return f"{min(values):.1f}-{max(values):.1f}"


if __name__ == "__main__":
    main()
