"""`lineage ingest --jobs N` records exactly what `--jobs 1` records."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from PIL import Image
from sqlalchemy import select

from cli.main import cli
from lineage.ingest import IngestOptions, ingest_paths
from lineage.store.engine import connect, session_scope
from lineage.store.schema import IngestError, Occurrence, Record
from tests.conftest import band_entries, make_document, make_image, write_jsonl


def _snapshot(url: str) -> dict[str, object]:
    with session_scope(connect(url)) as session:
        records = session.execute(
            select(
                Record.sha256,
                Record.kind,
                Record.text_sha256,
                Record.minhash,
                Record.phash,
                Record.dhash,
                Record.width,
                Record.height,
            ).order_by(Record.sha256)
        ).all()
        hashes = dict(session.execute(select(Record.id, Record.sha256)).all())
        bands = sorted((hashes[record_id], key) for key, record_id in band_entries(session))
        occurrences = session.execute(
            select(Occurrence.locator, Record.sha256)
            .join(Record, Record.id == Occurrence.record_id)
            .order_by(Occurrence.locator)
        ).all()
        errors = session.scalars(select(IngestError.locator).order_by(IngestError.locator)).all()
    return {"records": records, "bands": bands, "occurrences": occurrences, "errors": errors}


def test_parallel_ingest_is_identical_to_serial(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index in range(30):
        (corpus / f"doc{index}.txt").write_text(make_document(index), encoding="utf-8")
    write_jsonl(corpus / "rows.jsonl", [{"text": make_document(100 + i)} for i in range(20)])
    for seed in range(6):
        make_image(corpus / f"image{seed}.png", seed=seed)
    (corpus / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    snapshots = []
    for jobs, threads in (("1", "1"), ("1", "2"), ("2", "1")):
        url = f"sqlite:///{tmp_path / f'jobs{jobs}-{threads}.db'}"
        arguments = ["ingest", str(corpus), "--dataset", "d", "--jobs", jobs, "--threads", threads]
        result = CliRunner().invoke(
            cli, ["--db", url, *arguments, "--json"], catch_exceptions=False
        )
        assert result.exit_code == 2, result.output
        assert json.loads(result.output)["records_added"] == 56
        snapshots.append(_snapshot(url))

    assert snapshots[0] == snapshots[1] == snapshots[2]
    assert snapshots[0]["errors"] == ["corpus/broken.png"]


def _ordered_problems(url: str) -> list[tuple[str, str]]:
    with session_scope(connect(url)) as session:
        rows = session.execute(
            select(IngestError.locator, IngestError.reason).order_by(IngestError.id)
        ).all()
    return [tuple(row) for row in rows]


def test_small_batches_in_flight_give_what_one_process_gives(tmp_path: Path):
    """Batches of three, so that copies of the same content, broken or not, fall in batches
    that are fingerprinted at the same time."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index in range(12):
        text = make_document(index % 5)  # copies across batches
        (corpus / f"doc{index:02d}.txt").write_text(text, encoding="utf-8")
    for index in range(4):
        (corpus / f"broken{index}.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    (corpus / "empty.png").write_bytes(b"")  # the same (no) bytes as a valid, empty text
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "bad.txt").write_bytes(b"\xc3\x28 not utf-8")
    for seed in range(3):
        make_image(corpus / f"image{seed}.png", seed=seed)
    snapshots, problems = [], []
    for jobs in (1, 2):
        url = f"sqlite:///{tmp_path / f'jobs{jobs}.db'}"
        options = IngestOptions(dataset="d", jobs=jobs, batch_size=3, threads=2)
        summary = ingest_paths(connect(url), [corpus], options)
        assert summary.exit_code == 2
        snapshots.append(_snapshot(url))
        problems.append(_ordered_problems(url))

    assert snapshots[0] == snapshots[1]
    assert problems[0] == problems[1]
    assert "corpus/empty.txt" in [locator for locator, _ in snapshots[0]["occurrences"]]
    assert sorted(locator for locator, _ in problems[0]) == [
        "corpus/bad.txt",
        "corpus/broken0.png",
        "corpus/broken1.png",
        "corpus/broken2.png",
        "corpus/broken3.png",
        "corpus/empty.png",
    ]


def test_a_huge_picture_after_threaded_decoding_is_a_problem_not_a_crash(tmp_path: Path):
    corpus = tmp_path / "pictures"
    corpus.mkdir()
    for seed in range(8):
        make_image(corpus / f"small{seed}.png", seed=seed, size=32)
    # Above Pillow's decompression-bomb warning (about 89 million pixels); 1 bit per pixel.
    Image.new("1", (9500, 9500)).save(corpus / "zz-huge.png")
    options = IngestOptions(dataset="p", batch_size=4, threads=4)

    summary = ingest_paths(connect(f"sqlite:///{tmp_path / 'p.db'}"), [corpus], options)

    assert summary.status == "partial" and summary.records_added == 8
    assert [problem.locator for problem in summary.problems] == ["pictures/zz-huge.png"]
