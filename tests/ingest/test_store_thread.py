"""Storing on a thread of its own (PostgreSQL) reports and keeps what storing in line
(SQLite) does, and an error met storing a batch ends the run as it would in line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from lineage.ingest import IngestOptions, ingest_paths
from lineage.store.engine import connect, session_scope
from lineage.store.schema import IngestRun, Occurrence
from tests.conftest import make_document

# A trigger refusing one occurrence: what a full disk or a lost server does to a batch.
REFUSE_POISON = {
    "postgresql": [
        "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
        "IF NEW.locator LIKE '%poison%' THEN RAISE EXCEPTION 'poisoned occurrence'; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON occurrences FOR EACH ROW "
        "EXECUTE FUNCTION refuse_poison()",
    ],
    "sqlite": [
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON occurrences "
        "WHEN NEW.locator LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'poisoned occurrence'); END"
    ],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'lineage.db'}"


def _texts(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        (folder / f"a-{number:02d}.txt").write_text(make_document(number))
    return folder


def test_a_run_with_problems_reports_the_same_on_either_database(tmp_path: Path, postgres_url: str):
    corpus = _texts(tmp_path / "corpus", 25)
    (corpus / "broken.png").write_bytes(b"no picture in here")  # the store's problem
    (corpus / "binary.txt").write_bytes(b"text\0with a NUL")  # the reader's
    options = IngestOptions(dataset="d", batch_size=10)

    summaries = []
    for url in (f"sqlite:///{tmp_path / 'lineage.db'}", postgres_url):
        summary = ingest_paths(connect(url), [corpus], options).as_dict()
        summaries.append(summary | {"elapsed_seconds": None})

    in_line, on_a_thread = summaries
    assert on_a_thread == in_line
    assert (in_line["records_added"], in_line["problem_count"]) == (25, 2)


# The poisoned file sorts into the last batch (its error met waiting for the end) or the
# second of four (met handing over the third); the batches before it are kept.
@pytest.mark.parametrize(("poisoned", "kept"), [("b-poison.txt", 30), ("a-15-poison.txt", 10)])
def test_an_error_storing_a_batch_ends_the_run_keeping_the_batches_before(
    database: str, tmp_path: Path, poisoned: str, kept: int
):
    corpus = _texts(tmp_path / "corpus", 30)
    (corpus / poisoned).write_text(make_document(99))
    engine = connect(database)
    with engine.begin() as connection:
        for statement in REFUSE_POISON[engine.dialect.name]:
            connection.execute(text(statement))

    with pytest.raises(DBAPIError, match="poisoned occurrence"):
        ingest_paths(engine, [corpus], IngestOptions(dataset="d", batch_size=10))

    with session_scope(engine) as session:
        status, added = session.execute(select(IngestRun.status, IngestRun.records_added)).one()
        assert session.scalar(select(func.count()).select_from(Occurrence)) == kept
    # The run's row counts what the batches kept added, not the failed batch's records.
    assert (status, added) == ("interrupted", kept)
