"""The exporter registry: every format the CLI offers, each deterministic."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.export import EXPORTERS
from tests.conftest import make_document, write_jsonl


@pytest.fixture
def trained_model(tmp_path: Path, run_cli) -> str:
    rows = [{"text": make_document(i), "license": "CC-BY-4.0"} for i in range(3)]
    corpus = write_jsonl(tmp_path / "corpus.jsonl", rows)
    assert run_cli("ingest", corpus, "--dataset", "corpus").exit_code == 0
    assert run_cli("model", "register", "lm", "--dataset", "corpus").exit_code == 0
    return "lm"


def test_the_cli_offers_exactly_the_registered_formats_and_croissant(run_cli):
    help_text = run_cli("export", "--help").output

    formats = sorted([*EXPORTERS, "croissant"])
    assert f"[{'|'.join(formats)}]" in help_text.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_every_format_gives_the_same_bytes_twice(fmt: str, trained_model: str, run_cli):
    first = run_cli("export", trained_model, "--format", fmt)
    second = run_cli("export", trained_model, "--format", fmt)

    assert first.exit_code == 0, first.output
    assert first.output == second.output and trained_model in first.output
