"""Benchmark: end-to-end ingest throughput and peak memory, against plain fingerprinting loops.

What it measures, on this machine, with corpora generated deterministically in a temp folder:

1. Text: `--docs` documents of ~250 words, one .txt file each, ingested end to end with
   `lineage.ingest.ingest_paths` into a fresh SQLite file per run. The baseline, in the same
   process and over the same files, reads each file and builds a
   `datasketch.MinHash(num_perm=128)` of its word 3-gram shingles (`str.split`, joined by
   spaces, `update_batch` with datasketch's default SHA-1 hash). Reported in MB/s (10^6 bytes
   of document text per second). With `--jobs 1` twice: fingerprinting on as many threads as
   there are cores (the default), and on one. Then `--jsonl-docs` such documents in one JSONL
   file (the baseline parses each line), and `--long-doc-words` documents, four times the text
   in all: per-document costs (a file, a record and its occurrence) weigh less there.
   Also the storage floor: the first corpus read, hashed and stored in the rows an ingest
   writes, with fingerprints computed beforehand, so free, and no crawl bookkeeping. Its
   ratio bounds what any ingest that keeps a row per document can reach here.
2. Images: `--images` JPEGs of 1024x768 (smooth colour blobs plus noise), ingested the same
   way; the baseline is `imagehash.phash(Image.open(path))` over the same files. In images/s.
   With `--jobs 1` twice: decoding on as many threads as there are cores (the default), and
   on one thread.
3. Streaming: with `--jobs 1`, a `.jsonl.zst` of `--jsonl-docs` documents, a `.tar.gz` of the
   first text corpus and a WebDataset shard of the images (a `.jpg` and a `.json` per
   sample), each against the same content as plain files, ingested in the same run: there the
   ratio column is streamed over plain.
4. Memory: `--big-docs` short documents (~60 words), once in a few JSONL files of
   {"text": ...} and once as as many .txt files in folders of 1,000 (corpora of many small
   files are where per-file state would show),
   ingested in a child process (this script with `--memory-child`), which reports its own peak
   RSS from /proc/self/status VmHWM (see `peak_rss_mib` for why not ru_maxrss). Also reports
   the child's peak before ingest starts (imports, schema) and that run's speed.

Ingest timings cover `ingest_paths` only: the engine is connected and migrated beforehand, and
the compiled text signer loaded (its one-off load, once per process, is reported on its own).
Each figure is the median of `--repeats` runs, ingest and baseline interleaved, with min-max
spread.

    .venv/bin/python bench/ingest_throughput.py                       # defaults, several minutes
    .venv/bin/python bench/ingest_throughput.py --docs 200 --images 20 --big-docs 5000 --repeats 1
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import datasketch
import imagehash
import numpy as np
import zstandard
from PIL import Image
from sqlalchemy import Engine

from lineage.fingerprint import DEFAULT_TEXT_PARAMS
from lineage.fingerprint.batch import EMPTY_RECORD, FingerprintResult, fingerprint_chunk
from lineage.fingerprint.text import sign_texts
from lineage.ingest import DEFAULT_BATCH_SIZE, IngestOptions, IngestSummary, ingest_paths
from lineage.store.band_index import add_run
from lineage.store.bulk import insert_returning, insert_rows
from lineage.store.engine import connect, session_scope
from lineage.store.occurrences import OCCURRENCE_COLUMNS
from lineage.store.records import RECORD_COLUMNS
from lineage.store.rows import ensure_dataset_version, ensure_license, ensure_source
from lineage.store.schema import Occurrence, Record

DOC_WORDS = 250
# The long-document corpora hold this many times the text of the first one, so that starting
# the worker processes weighs little beside the work.
LONG_DOC_TEXT = 4
BIG_DOC_WORDS = 60
BIG_DOC_FILES = 4
SHINGLE_WORDS = 3
NUM_PERM = 128
IMAGE_SIZE = (1024, 768)
VOCABULARY_SIZE = 4000
MB = 1_000_000


@dataclass
class Row:
    """One line of the result table: ingest and baseline samples of a rate in `unit`."""

    workload: str
    unit: str
    ingest: list[float]
    baseline: list[float]


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.memory_child:
        print(json.dumps(memory_child(Path(args.memory_child[0]), args.memory_child[1])))
        return
    rows: list[Row] = []
    memory: list[tuple[str, list[dict[str, float]]]] = []
    with tempfile.TemporaryDirectory(prefix="lineage-bench-") as tmp:
        work = Path(tmp)
        load_seconds = timed(load_compiled_signer)
        for jobs in args.jobs:
            rows.append(bench_text(work, args.docs, args.repeats, jobs))
            if jobs == 1:
                rows.append(bench_text(work, args.docs, args.repeats, jobs, threads=1))
            rows.append(bench_images(work, args.images, args.repeats, jobs))
            if jobs == 1:
                rows.append(bench_images(work, args.images, args.repeats, jobs, threads=1))
        rows.append(bench_storage_floor(work, args.docs, args.repeats))
        rows.append(bench_jsonl(work, args.jsonl_docs, args.repeats))
        if 1 in args.jobs:  # over the corpora of the --jobs 1 runs
            rows += bench_streamed(work, args)
        for words in args.long_doc_words:  # four times the text, in longer documents
            count = max(1, LONG_DOC_TEXT * args.docs * DOC_WORDS // words)
            rows += [bench_text(work, count, args.repeats, jobs, words) for jobs in args.jobs]
        if not args.skip_memory:
            memory = [
                bench_memory(work, args.big_docs, args.repeats, layout)
                for layout in ("jsonl", "files")
            ]
    print_table(rows, memory, args)
    print(f"\nloading the compiled text signer, once per process: {load_seconds:.2f} s")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark lineage ingest throughput and memory.")
    parser.add_argument("--docs", type=int, default=2000, help="text documents (default 2000)")
    parser.add_argument("--images", type=int, default=300, help="JPEG images (default 300)")
    parser.add_argument(
        "--jsonl-docs", type=int, default=10_000, help="documents in the JSONL file (10000)"
    )
    parser.add_argument(
        "--big-docs", type=int, default=100_000, help="documents of the memory run (100000)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument(
        "--jobs", type=int, nargs="+", default=[1, 2], help="ingest --jobs values (default 1 2)"
    )
    parser.add_argument(
        "--long-doc-words",
        type=int,
        nargs="*",
        default=[1000, 5000],
        help="also ingest documents this long, 4x the text in all (default 1000 5000)",
    )
    parser.add_argument("--skip-memory", action="store_true", help="skip the memory run")
    parser.add_argument(
        "--memory-child", nargs=2, metavar=("FOLDER", "DB_URL"), help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


# Corpora -------------------------------------------------------------------------------------


def vocabulary(size: int = VOCABULARY_SIZE) -> list[str]:
    """Invented pronounceable words, the same on every run."""
    rng = random.Random(0)
    return [
        "".join(
            rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))
        )
        for _ in range(size)
    ]


def documents(count: int, words: int, seed: int) -> Iterator[str]:
    """`count` prose-like documents of `words` words: sentences of 8-16 words."""
    rng = random.Random(seed)
    vocab = vocabulary()
    for _ in range(count):
        chosen = rng.choices(vocab, k=words)
        sentences = []
        while chosen:
            length = rng.randint(8, 16)
            sentences.append(" ".join(chosen[:length]).capitalize() + ".")
            chosen = chosen[length:]
        yield " ".join(sentences)


def write_text_corpus(folder: Path, count: int, words: int = DOC_WORDS) -> int:
    """One .txt file per document; returns the bytes of text written."""
    folder.mkdir()
    total = 0
    for number, text in enumerate(documents(count, words, seed=1)):
        total += (folder / f"doc-{number:06d}.txt").write_bytes(text.encode())
    return total


def write_jsonl_corpus(folder: Path, count: int) -> int:
    """`count` short documents spread over a few JSONL files; returns the bytes of text."""
    folder.mkdir()
    handles = [
        (folder / f"part-{n}.jsonl").open("w", encoding="utf-8") for n in range(BIG_DOC_FILES)
    ]
    total = 0
    for number, text in enumerate(documents(count, BIG_DOC_WORDS, seed=2)):
        handles[number % BIG_DOC_FILES].write(json.dumps({"text": text}) + "\n")
        total += len(text.encode())
    for handle in handles:
        handle.close()
    return total


def picture(seed: int) -> Image.Image:
    """A natural-ish 1024x768 picture: smooth colour blobs, upscaled, plus sensor-like noise."""
    rng = np.random.default_rng(seed)
    width, height = IMAGE_SIZE
    y, x = np.mgrid[0 : height // 4, 0 : width // 4] / (height // 4)
    channels = []
    for _ in range(3):
        field = np.zeros(x.shape)
        for _ in range(6):
            cx, cy, radius, weight = rng.random(4)
            field += weight * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (0.02 + 0.1 * radius))
        channels.append(field / field.max())
    small = Image.fromarray((np.stack(channels, axis=-1) * 255).astype(np.uint8))
    pixels = np.asarray(small.resize(IMAGE_SIZE, Image.Resampling.BICUBIC), dtype=np.int16)
    noisy = pixels + rng.normal(0, 8, pixels.shape).astype(np.int16)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def write_image_corpus(folder: Path, count: int) -> None:
    folder.mkdir()
    for number in range(count):
        picture(number).save(folder / f"img-{number:05d}.jpg", quality=90)


# Measurements --------------------------------------------------------------------------------


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def ingest_once(
    folder: Path, db_url: str, expected: int, jobs: int = 1, threads: int | None = None
) -> float:
    """Seconds for one end-to-end ingest of `folder` into a freshly created database."""
    engine = connect(db_url)
    summary: list[IngestSummary] = []
    options = IngestOptions(dataset="bench", jobs=jobs, threads=threads)

    def run() -> None:
        summary.append(ingest_paths(engine, [folder], options))
        engine.dispose()  # timed too: SQLite checkpoints its write-ahead log as it closes

    seconds = timed(run)
    check_summary(summary[0], expected)
    return seconds


def check_summary(summary: IngestSummary, expected: int) -> None:
    """A benchmark that silently ingested nothing would be fast and wrong."""
    if summary.records_added != expected or summary.problem_count:
        raise SystemExit(
            f"ingest added {summary.records_added} of {expected} records "
            f"with {summary.problem_count} problems: {summary.problems[:3]}"
        )


def word_shingles(text: str) -> list[bytes]:
    words = text.split()
    last = max(len(words) - SHINGLE_WORDS + 1, 1)
    return [" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(last)]


def minhash_baseline(paths: list[Path]) -> None:
    for path in paths:
        minhash = datasketch.MinHash(num_perm=NUM_PERM)
        minhash.update_batch(word_shingles(path.read_text(encoding="utf-8")))


def minhash_jsonl_baseline(path: Path) -> None:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            minhash = datasketch.MinHash(num_perm=NUM_PERM)
            minhash.update_batch(word_shingles(json.loads(line)["text"]))


def phash_baseline(paths: list[Path]) -> None:
    for path in paths:
        imagehash.phash(Image.open(path))


def interleaved(
    repeats: int, ingest: Callable[[int], float], baseline: Callable[[], float]
) -> tuple[list[float], list[float]]:
    """Seconds of each run; alternating the two spreads any drift of the machine over both."""
    ingest_seconds, baseline_seconds = [], []
    for run in range(repeats):
        ingest_seconds.append(ingest(run))
        baseline_seconds.append(baseline())
    return ingest_seconds, baseline_seconds


def bench_text(
    work: Path,
    count: int,
    repeats: int,
    jobs: int,
    words: int = DOC_WORDS,
    threads: int | None = None,
) -> Row:
    folder = work / f"text-{words}"
    if not folder.exists():
        write_text_corpus(folder, count, words)
    paths = sorted(folder.iterdir())
    megabytes = sum(path.stat().st_size for path in paths) / MB
    ingest, baseline = interleaved(
        repeats,
        lambda run: ingest_once(
            folder,
            f"sqlite:///{work / f'text-{words}-{jobs}-{threads}-{run}.db'}",
            count,
            jobs,
            threads,
        ),
        lambda: timed(lambda: minhash_baseline(paths)),
    )
    used = IngestOptions("bench", jobs=jobs, threads=threads).threads_per_process
    label = f"text: {count} docs x {words} words ({megabytes:.1f} MB), --jobs {jobs}, {used} thr."
    return Row(label, "MB/s", rates(megabytes, ingest), rates(megabytes, baseline))


def bench_storage_floor(work: Path, count: int, repeats: int) -> Row:
    """The ceiling for any ingest that keeps a row per document, as lineage does: the 250-word
    corpus read, hashed and stored in the same rows, batches and transactions as an ingest,
    with its fingerprints computed beforehand (free) and none of the crawl's bookkeeping."""
    folder = work / f"text-{DOC_WORDS}"
    if not folder.exists():
        write_text_corpus(folder, count, DOC_WORDS)
    paths = sorted(folder.iterdir())
    texts = [path.read_text(encoding="utf-8") for path in paths]
    fingerprints = fingerprint_chunk([("text", text) for text in texts], DEFAULT_TEXT_PARAMS)
    megabytes = sum(len(text.encode()) for text in texts) / MB
    ingest, baseline = interleaved(
        repeats,
        lambda run: store_once(paths, fingerprints, f"sqlite:///{work / f'floor-{run}.db'}"),
        lambda: timed(lambda: minhash_baseline(paths)),
    )
    label = f"storage floor: {count} docs x {DOC_WORDS} words, fingerprints free"
    return Row(label, "MB/s", rates(megabytes, ingest), rates(megabytes, baseline))


def store_once(paths: list[Path], fingerprints: list[FingerprintResult], db_url: str) -> float:
    """Seconds to read each file, hash it, and store its record, occurrence and band keys in
    batches of the ingest's size, one transaction each, then close, as `ingest_once` times;
    into a freshly created database, with its dataset version, source and licence."""
    engine = connect(db_url)
    with session_scope(engine) as session:
        owners = (
            ensure_dataset_version(session, "bench", None).id,
            ensure_source(session, "file:///bench").id,
            ensure_license(session, None).id,
        )
    return timed(lambda: store_only(engine, paths, fingerprints, owners))


def store_only(
    engine: Engine,
    paths: list[Path],
    fingerprints: list[FingerprintResult],
    owners: tuple[int, int, int],
) -> None:
    version_id, source_id, license_id = owners
    for start in range(0, len(paths), DEFAULT_BATCH_SIZE):
        batch = paths[start : start + DEFAULT_BATCH_SIZE]
        computed = [row for row, _ in fingerprints[start : start + DEFAULT_BATCH_SIZE]]
        contents = [path.read_bytes() for path in batch]
        hashes = [hashlib.sha256(data).digest() for data in contents]  # as the table keeps them
        rows = [
            (sha, "text", len(data), None, *(row[column] for column in EMPTY_RECORD), None)
            for row, sha, data in zip(computed, hashes, contents, strict=True)
        ]
        with session_scope(engine) as session:
            ids = dict(insert_returning(session, Record, RECORD_COLUMNS, rows, ("sha256", "id")))
            occurrences = [
                (version_id, path.name, ids[sha], source_id, license_id, "unknown", None, None)
                for path, sha in zip(batch, hashes, strict=True)
            ]
            insert_rows(session, Occurrence, OCCURRENCE_COLUMNS, occurrences)
            keys = [row["index_keys"] for row in computed]
            record_ids = np.repeat([ids[sha] for sha in hashes], [len(k) for k in keys])
            add_run(session, np.concatenate(keys), record_ids)
    engine.dispose()


def bench_jsonl(work: Path, count: int, repeats: int) -> Row:
    """The same kind of documents as rows of one JSONL file, as training corpora are kept."""
    folder = work / "jsonl"
    folder.mkdir()
    path = folder / "part-0.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for text in documents(count, DOC_WORDS, seed=3):
            handle.write(json.dumps({"text": text}) + "\n")
    megabytes = (
        sum(len(json.loads(line)["text"].encode()) for line in path.open(encoding="utf-8")) / MB
    )
    ingest, baseline = interleaved(
        repeats,
        lambda run: ingest_once(folder, f"sqlite:///{work / f'jsonl-{run}.db'}", count),
        lambda: timed(lambda: minhash_jsonl_baseline(path)),
    )
    label = f"text: {count} docs x {DOC_WORDS} words in one JSONL ({megabytes:.1f} MB), --jobs 1"
    return Row(label, "MB/s", rates(megabytes, ingest), rates(megabytes, baseline))


def bench_streamed(work: Path, args: argparse.Namespace) -> list[Row]:
    """Compressed files and archives against the same content as plain files, ingested the
    same way in the same run: the "baseline" column is the plain files' rate here, so the
    ratio is what streaming keeps of it (the target is 0.8 or more)."""
    plain_jsonl = work / "stream-jsonl"
    plain_jsonl.mkdir()
    lines = "".join(
        json.dumps({"text": text}) + "\n" for text in documents(args.jsonl_docs, DOC_WORDS, 4)
    ).encode()
    (plain_jsonl / "part-0.jsonl").write_bytes(lines)
    zst = work / "stream-zst"
    zst.mkdir()
    (zst / "part-0.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(lines))
    texts = work / f"text-{DOC_WORDS}"  # bench_text's corpus
    tar_gz = work / "stream-tar-gz"
    tar_gz.mkdir()
    with tarfile.open(tar_gz / "docs.tar.gz", "w:gz") as archive:
        archive.add(texts, arcname="docs")
    images = work / "images"  # bench_images's corpus
    shard = work / "stream-webdataset"
    shard.mkdir()
    with tarfile.open(shard / "shard-000000.tar", "w") as archive:
        for path in sorted(images.iterdir()):
            archive.add(path, arcname=f"{path.stem}.jpg")
            sample = json.dumps({"url": f"https://images.example/{path.name}"}).encode()
            info = tarfile.TarInfo(f"{path.stem}.json")
            info.size = len(sample)
            archive.addfile(info, io.BytesIO(sample))
    megabytes = len(lines) / MB
    text_megabytes = sum(path.stat().st_size for path in texts.iterdir()) / MB
    workloads = [
        (
            f"streamed: {args.jsonl_docs} docs, .jsonl.zst / .jsonl",
            zst,
            plain_jsonl,
            args.jsonl_docs,
            megabytes,
            "MB/s",
        ),
        (
            f"streamed: {args.docs} docs, .tar.gz / folder of .txt",
            tar_gz,
            texts,
            args.docs,
            text_megabytes,
            "MB/s",
        ),
        (
            f"streamed: {args.images} JPEG, WebDataset .tar / folder",
            shard,
            images,
            args.images,
            args.images,
            "img/s",
        ),
    ]
    return [streamed_row(work, args.repeats, *workload) for workload in workloads]


def streamed_row(
    work: Path,
    repeats: int,
    label: str,
    streamed: Path,
    plain: Path,
    count: int,
    amount: float,
    unit: str,
) -> Row:
    """Rates of ingesting `streamed` and `plain`, which hold the same `count` records,
    alternating."""
    streamed_seconds, plain_seconds = [], []
    for run in range(repeats):
        db = work / f"{streamed.name}-{run}.db"
        streamed_seconds.append(ingest_once(streamed, f"sqlite:///{db}", count))
        db = work / f"{streamed.name}-plain-{run}.db"
        plain_seconds.append(ingest_once(plain, f"sqlite:///{db}", count))
    return Row(label, unit, rates(amount, streamed_seconds), rates(amount, plain_seconds))


def load_compiled_signer() -> None:
    """What the first ingest in a process pays once: loading the compiled signer and building
    its Unicode table."""
    sign_texts(["warm up", "réchauffer"], DEFAULT_TEXT_PARAMS, compiled=True)


def bench_images(
    work: Path, count: int, repeats: int, jobs: int, threads: int | None = None
) -> Row:
    """Image ingest with `threads` decoding threads per process (default: the free cores)."""
    folder = work / "images"
    if not folder.exists():
        write_image_corpus(folder, count)
    paths = sorted(folder.iterdir())
    ingest, baseline = interleaved(
        repeats,
        lambda run: ingest_once(
            folder, f"sqlite:///{work / f'images-{jobs}-{threads}-{run}.db'}", count, jobs, threads
        ),
        lambda: timed(lambda: phash_baseline(paths)),
    )
    used = IngestOptions("bench", jobs=jobs, threads=threads).threads_per_process
    label = f"images: {count} JPEG {IMAGE_SIZE[0]}x{IMAGE_SIZE[1]}, --jobs {jobs}, {used} thr."
    return Row(label, "img/s", rates(count, ingest), rates(count, baseline))


def rates(amount: float, seconds: list[float]) -> list[float]:
    return [amount / second for second in seconds]


# Memory --------------------------------------------------------------------------------------


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB.

    Read from VmHWM, not ru_maxrss: Linux carries the parent's peak across fork+exec into the
    child's ru_maxrss (and so into the parent's RUSAGE_CHILDREN), which here would report the
    size of the benchmark that generated the corpus rather than that of the ingest.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB elsewhere too


def memory_child(folder: Path, db_url: str) -> dict[str, float]:
    """Run in the child: ingest `folder` and report its speed and peak RSS before and after."""
    engine = connect(db_url)
    before = peak_rss_mib()
    started = time.perf_counter()
    summary = ingest_paths(engine, [folder], IngestOptions(dataset="bench"))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "records": summary.records_added,
        "problems": summary.problem_count,
        "text_bytes": summary.bytes_read,
        "peak_before_mib": before,
        "peak_mib": peak_rss_mib(),
    }


def write_many_files_corpus(folder: Path, count: int) -> int:
    """`count` short documents, one .txt file each, in folders of 1,000; returns the bytes."""
    total = 0
    for number, text in enumerate(documents(count, BIG_DOC_WORDS, seed=2)):
        subfolder = folder / f"{number // 1000:04d}"
        if number % 1000 == 0:
            subfolder.mkdir(parents=True)
        total += (subfolder / f"doc-{number:07d}.txt").write_bytes(text.encode())
    return total


def bench_memory(
    work: Path, count: int, repeats: int, layout: str
) -> tuple[str, list[dict[str, float]]]:
    """Peak memory of ingesting `count` short documents laid out as "jsonl" or "files"."""
    folder = work / f"big-{layout}"
    if layout == "jsonl":
        write_jsonl_corpus(folder, count)
        label = f"in {BIG_DOC_FILES} JSONL files"
    else:
        write_many_files_corpus(folder, count)
        label = "one .txt file each, in folders of 1,000"
    results = []
    for run in range(repeats):
        db_url = f"sqlite:///{work / f'big-{layout}-{run}.db'}"
        command = [sys.executable, __file__, "--memory-child", str(folder), db_url]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        result = json.loads(output.splitlines()[-1])
        if result["records"] != count or result["problems"]:
            raise SystemExit(f"memory run ingested {result['records']} of {count}: {result}")
        results.append(result)
    return label, results


# Report --------------------------------------------------------------------------------------


def number(value: float) -> str:
    """Three significant figures or so, whatever the magnitude."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def spread(values: list[float]) -> str:
    return f"{number(min(values))}-{number(max(values))}"


def print_table(
    rows: list[Row],
    memory: list[tuple[str, list[dict[str, float]]]],
    args: argparse.Namespace,
) -> None:
    print(f"lineage ingest benchmark (median of {args.repeats} runs, min-max in brackets)")
    print(f"baseline text: datasketch.MinHash({NUM_PERM}) of word {SHINGLE_WORDS}-gram shingles")
    print("baseline images: imagehash.phash(Image.open(path))")
    print()
    header = f"{'workload':<56} {'unit':<6} {'ingest':>20} {'baseline':>20} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for row in rows:
        ingest, baseline = statistics.median(row.ingest), statistics.median(row.baseline)
        print(
            f"{row.workload:<56} {row.unit:<6} "
            f"{f'{number(ingest)} [{spread(row.ingest)}]':>20} "
            f"{f'{number(baseline)} [{spread(row.baseline)}]':>20} {ingest / baseline:>6.2f}"
        )
    for label, runs in memory:
        print_memory(runs, args.big_docs, label)


def print_memory(memory: list[dict[str, float]], count: int, layout: str) -> None:
    megabytes = memory[0]["text_bytes"] / MB
    print()
    print(f"memory: {count:,} docs x {BIG_DOC_WORDS} words ({megabytes:.1f} MB), {layout}")
    print_measure("peak RSS during ingest", "MiB", [run["peak_mib"] for run in memory])
    print_measure("peak RSS before ingest", "MiB", [run["peak_before_mib"] for run in memory])
    print_measure("throughput", "docs/s", [count / run["seconds"] for run in memory])
    print_measure("", "MB/s", [run["text_bytes"] / MB / run["seconds"] for run in memory])


def print_measure(label: str, unit: str, values: list[float]) -> None:
    print(f"  {label:<24} {number(statistics.median(values)):>10} {unit:<6} [{spread(values)}]")


if __name__ == "__main__":
    main()
