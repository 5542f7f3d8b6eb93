"""Benchmark: which WARC reader and which main-text extractor `lineage` reads the web with.

Writes a WARC of `--pages` generated HTML pages (an article of prose inside navigation, a
sidebar and a footer of boilerplate), gzipped per record as Common Crawl's are, then times in
the same process, `--repeats` times each, interleaved:

- reading every response record's payload with `warcio` and with `fastwarc`;
- extracting the main text of every page with `trafilatura` and with `resiliparse`.

Quality is measured against the article each page was made from: recall is the share of the
article's words the extraction kept, leak the share of extracted words that came from the
boilerplate. Prints medians, spreads and each tool's rate relative to the other.

Last, `lineage ingest` of the same WARC (reading, extracting, fingerprinting and storing, into
a fresh SQLite file each run) against the plain loop of what it reads with: warcio reading
every response and resiliparse extracting its main text.

    .venv/bin/python bench/warc_tools.py --pages 500
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastwarc.warc import ArchiveIterator as FastIterator, WarcRecordType
from resiliparse.extract.html2text import extract_plain_text
from trafilatura import extract
from warcio.archiveiterator import ArchiveIterator as WarcioIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from lineage.fingerprint import DEFAULT_TEXT_PARAMS
from lineage.fingerprint.text import sign_texts
from lineage.ingest import IngestOptions, ingest_paths
from lineage.store import connect

BOILERPLATE = [
    *("Home", "News", "Sport", "Weather", "Subscribe", "Sign", "in", "Privacy", "policy"),
    *("Cookie", "settings", "Contact", "us", "Accessibility", "Terms", "of", "use"),
    *("Advertise", "with", "us", "Follow", "us", "Share", "this", "page", "Related", "stories"),
]


def article(rng: random.Random) -> list[str]:
    words = ["hedge", "meadow", "river", "orchard", "barn", "lane", "willow", "heron", "frost"]
    vocabulary = [f"{w}{n}" for w in words for n in range(60)]
    return [
        " ".join(rng.choices(vocabulary, k=rng.randint(40, 80))).capitalize() + "."
        for _ in range(rng.randint(4, 8))
    ]


def page(paragraphs: list[str]) -> str:
    nav = "".join(f'<li><a href="/{word}">{word}</a></li>' for word in BOILERPLATE[:8])
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    side = " ".join(BOILERPLATE[8:])
    return (
        f"<html><head><title>Notes</title></head><body><nav><ul>{nav}</ul></nav>"
        f"<main><article><h1>Field notes</h1>{body}</article></main>"
        f"<aside>{side}</aside><footer>{' '.join(BOILERPLATE)}</footer></body></html>"
    )


def write_warc(pages: int) -> tuple[bytes, list[list[str]]]:
    rng = random.Random(1)
    output, articles = io.BytesIO(), []
    writer = WARCWriter(output, gzip=True)
    for number in range(pages):
        paragraphs = article(rng)
        articles.append(paragraphs)
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1"
        )
        record = writer.create_warc_record(
            f"https://example.org/notes/{number}",
            "response",
            payload=io.BytesIO(page(paragraphs).encode()),
            http_headers=headers,
        )
        writer.write_record(record)
    return output.getvalue(), articles


def read_warcio(data: bytes) -> list[bytes]:
    return [
        record.content_stream().read()
        for record in WarcioIterator(io.BytesIO(data))
        if record.rec_type == "response"
    ]


def read_fastwarc(data: bytes) -> list[bytes]:
    records = FastIterator(io.BytesIO(data), record_types=WarcRecordType.response, parse_http=True)
    return [record.reader.read() for record in records]


def quality(extracted: list[str], articles: list[list[str]]) -> tuple[float, float]:
    boilerplate = {word.lower() for word in BOILERPLATE}
    kept = leaked = total = found = 0
    for text, paragraphs in zip(extracted, articles, strict=True):
        wanted = " ".join(paragraphs).lower().split()
        got = text.lower().replace(".", " ").split()
        got_set = set(got)
        found += sum(1 for word in wanted if word.strip(".") in got_set)
        total += len(wanted)
        leaked += sum(1 for word in got if word in boilerplate)
        kept += len(got)
    return found / max(1, total), leaked / max(1, kept)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def plain_loop(data: bytes) -> None:
    """What a user would write: read every response with warcio, extract its main text."""
    for payload in read_warcio(data):
        extract_plain_text(payload.decode(), main_content=True)


def lineage_ingest(data: bytes, work: Path, run: int) -> float:
    """Seconds of one ingest of the WARC into a fresh database, created and migrated first
    (untimed, as in bench/ingest_throughput.py)."""
    folder = work / f"warc-{run}"
    folder.mkdir()
    (folder / "crawl.warc").write_bytes(data)
    engine = connect(f"sqlite:///{work / f'warc-{run}.db'}")
    started = time.perf_counter()
    summary = ingest_paths(engine, [folder], IngestOptions(dataset="web"))
    engine.dispose()  # timed: SQLite checkpoints its write-ahead log as it closes
    seconds = time.perf_counter() - started
    if summary.problem_count or not summary.records_added:
        raise SystemExit(f"ingest failed: {summary.problems[:3]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    data, articles = write_warc(args.pages)
    payloads = read_fastwarc(data)
    assert payloads == read_warcio(data), "the two readers disagree"
    htmls = [payload.decode() for payload in payloads]
    tools: dict[str, Callable[[], object]] = {
        "read: warcio": lambda: read_warcio(data),
        "read: fastwarc": lambda: read_fastwarc(data),
        "extract: trafilatura": lambda: [extract(html) or "" for html in htmls],
        "extract: resiliparse": lambda: [
            extract_plain_text(html, main_content=True) for html in htmls
        ],
    }
    seconds: dict[str, list[float]] = {name: [] for name in tools}
    for _ in range(args.repeats):
        for name, action in tools.items():
            seconds[name].append(timed(action))
    print(f"{args.pages} pages, {len(data) / 1e6:.2f} MB of WARC; median of {args.repeats} runs")
    for name, runs in seconds.items():
        rate = args.pages / statistics.median(runs)
        print(f"  {name:<22} {rate:9.0f} pages/s  [{min(runs) * 1e3:.0f}-{max(runs) * 1e3:.0f} ms]")
    for first, second in (
        ("read: fastwarc", "read: warcio"),
        ("extract: resiliparse", "extract: trafilatura"),
    ):
        ratio = statistics.median(seconds[second]) / statistics.median(seconds[first])
        print(f"  {first} is {ratio:.1f}x {second}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sign_texts(["warm up"], DEFAULT_TEXT_PARAMS, compiled=True)  # its one-off load
        ingest_runs, loop_runs = [], []
        for run in range(args.repeats):
            ingest_runs.append(lineage_ingest(data, work, run))
            loop_runs.append(timed(lambda: plain_loop(data)))
    ingest_rate = args.pages / statistics.median(ingest_runs)
    loop_rate = args.pages / statistics.median(loop_runs)
    megabytes = len(data) / 1e6 / statistics.median(ingest_runs)
    print(
        f"  lineage ingest {ingest_rate:.0f} pages/s ({megabytes:.1f} MB/s), plain "
        f"read+extract loop {loop_rate:.0f} pages/s: ratio {ingest_rate / loop_rate:.2f}"
    )
    for name, extractor in (
        ("trafilatura", lambda html: extract(html) or ""),
        ("resiliparse", lambda html: extract_plain_text(html, main_content=True)),
    ):
        recall, leak = quality([extractor(html) for html in htmls], articles)
        print(f"  {name:<12} recall {recall:.3f}, boilerplate leak {leak:.3f}")


if __name__ == "__main__":
    main()
