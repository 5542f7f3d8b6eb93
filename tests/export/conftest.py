"""A lineage with a base model, a derived dataset and a dataset of unknown licence, for the
machine-readable exports and the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_document, write_jsonl


@pytest.fixture
def lineage_db(tmp_path: Path, run_cli) -> str:
    """base-lm trained on `web` (CC-BY-4.0 declared, one CC0 row) and on `notes` (no licence
    known); `web-clean` filtered from `web`; chat fine-tuned from base-lm on `web-clean`."""
    rows = [{"text": make_document(i), "license": "CC0-1.0" if i == 0 else None} for i in range(4)]
    write_jsonl(tmp_path / "web.jsonl", rows)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text(make_document(9))
    commands = [
        (
            "ingest",
            tmp_path / "web.jsonl",
            "--dataset",
            "web",
            "--license",
            "CC-BY-4.0",
            "--channel",
            "crawled",
        ),
        ("ingest", tmp_path / "notes", "--dataset", "notes"),
        ("derive", "web-clean", "--from", "web@1", "--op", "filter"),
        ("model", "register", "base-lm", "--dataset", "web", "--dataset", "notes"),
        ("model", "register", "chat", "--base-model", "base-lm", "--dataset", "web-clean"),
    ]
    for command in commands:
        result = run_cli(*command)
        assert result.exit_code == 0, result.output
    return "chat"
