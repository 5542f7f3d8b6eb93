"""The hostile corpus (tests/crawl/hostile_cases.py), one case at a time beside a good file,
each ingested in a process of its own: no traceback, no hang, peak memory under 1 GiB, the
bad input reported or skipped, and the good file stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from lineage.store.engine import connect, session_scope
from lineage.store.schema import Occurrence
from tests.child_ingest import ingest_in_child
from tests.conftest import make_document
from tests.crawl.hostile_cases import CASES, GOOD_FILE, Case

SECONDS_PER_CASE = 60
PEAK_MIB = 1024


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_input_is_reported_within_bounds_and_the_good_file_stored(
    case: Case, tmp_path: Path, db_url: str
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    case.make(corpus)
    (corpus / GOOD_FILE).write_text(make_document(1))

    run = ingest_in_child(db_url, corpus, timeout=SECONDS_PER_CASE)

    assert "Traceback" not in run.stderr, run.stderr
    assert run.peak_mib < PEAK_MIB
    assert run.status == (2 if case.problems else 0), run.report
    reported = {problem["locator"] for problem in run.report["problems"]}
    assert reported == set(case.problems)
    skipped = {Path(entry["path"]).name for entry in run.report["skipped"]}
    assert skipped == set(case.skipped)
    with session_scope(connect(db_url)) as session:
        stored = set(session.scalars(select(Occurrence.locator)))
    assert stored == {f"corpus/{GOOD_FILE}", *case.stored}
