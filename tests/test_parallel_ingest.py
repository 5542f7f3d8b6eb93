"""`lineage ingest --jobs N` records exactly what `--jobs 1` records."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from cli.main import cli
from lineage.db import connect, session_scope
from lineage.models import IngestError, LshBand, Occurrence, Record
from tests.conftest import make_document, make_image, write_jsonl


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
        bands = session.execute(
            select(Record.sha256, LshBand.band, LshBand.key)
            .join(Record, Record.id == LshBand.record_id)
            .order_by(Record.sha256, LshBand.band)
        ).all()
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
    for jobs in ("1", "2"):
        url = f"sqlite:///{tmp_path / f'jobs{jobs}.db'}"
        result = CliRunner().invoke(
            cli,
            ["--db", url, "ingest", str(corpus), "--dataset", "d", "--jobs", jobs, "--json"],
            catch_exceptions=False,
        )
        assert result.exit_code == 2, result.output
        assert json.loads(result.output)["records_added"] == 56
        snapshots.append(_snapshot(url))

    assert snapshots[0] == snapshots[1]
    assert snapshots[0]["errors"] == ["corpus/broken.png"]
