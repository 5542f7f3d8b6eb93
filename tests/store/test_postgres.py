"""The same commands on PostgreSQL, each test on a fresh database of the server the tests
start (tests/postgres_server.py); skipped, saying why, where no server can run."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from click.testing import CliRunner
from sqlalchemy import text

from cli.main import cli
from lineage.store.bulk import insert_returning, insert_rows
from lineage.store.engine import connect, session_scope
from lineage.store.rows import ensure_dataset_version, ensure_license
from lineage.store.schema import Source
from tests.conftest import SAMPLE_DATA

SOURCE_COLUMNS = ("uri", "kind", "first_seen_at")


def _run(url: str, *args: object) -> str:
    result = CliRunner().invoke(cli, ["--db", url, *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_sample_job_runs_on_postgresql(postgres_url: str):
    _run(postgres_url, "ingest", SAMPLE_DATA / "field-notes", "--dataset", "field-notes")
    _run(postgres_url, "ingest", SAMPLE_DATA / "images", "--dataset", "images")
    _run(
        postgres_url, "model", "register", "base", "--dataset", "field-notes", "--dataset", "images"
    )
    _run(postgres_url, "model", "register", "tuned", "--base-model", "base")

    report = json.loads(_run(postgres_url, "trained", "tuned", "--json"))
    assert {d["dataset"] for d in report["datasets"]} == {"field-notes", "images"}
    probes = SAMPLE_DATA / "probes"
    found = json.loads(
        _run(
            postgres_url,
            "lookup",
            probes / "edited-note.txt",
            probes / "resized-image.jpg",
            "--json",
        )
    )
    assert found[0]["matches"][0]["locations"][0]["locator"] == "field-notes/01-heron-at-dawn.txt"
    assert found[1]["matches"][0]["locations"][0]["locator"] == "images/scene-07.jpg"
    assert {entry["model"] for entry in found[1]["matches"][0]["models"]} == {"base", "tuned"}
    first = _run(postgres_url, "export", "tuned", "--format", "json")
    assert first == _run(postgres_url, "export", "tuned", "--format", "json")
    rows = json.loads(
        _run(
            postgres_url,
            "sql",
            "SELECT dataset, via FROM model_training_data WHERE model = 'tuned' ORDER BY dataset",
            "--json",
        )
    )[0]["rows"]
    assert rows == [
        ["field-notes", "base model base (fine-tune)"],
        ["images", "base model base (fine-tune)"],
    ]
    # The vocabulary's members are stored as their values (psycopg dumps an Enum by name).
    words = json.loads(
        _run(
            postgres_url,
            "sql",
            "SELECT DISTINCT records.kind, license_origin, status, sources.kind FROM records "
            "JOIN occurrences ON record_id = records.id JOIN sources ON source_id = sources.id "
            "JOIN ingest_runs USING (dataset_version_id) ORDER BY ALL",
            "--json",
        )
    )[0]["rows"]
    assert words == [
        ["image", "license-file", "completed", "local"],
        ["text", "license-file", "completed", "local"],
    ]


def test_an_upsert_of_rows_sharing_a_key_keeps_the_last_on_postgresql(postgres_url: str):
    # PostgreSQL refuses one INSERT ... ON CONFLICT DO UPDATE that meets a row twice.
    engine = connect(postgres_url)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [("dup://a", "one", when), ("dup://a", "two", when), ("dup://b", "web", when)]
    with session_scope(engine) as session:
        insert_rows(session, Source, SOURCE_COLUMNS, rows, unique=("uri",))
    with session_scope(engine) as session:
        found = dict(
            session.execute(text("SELECT uri, kind FROM sources WHERE uri LIKE 'dup://%'")).all()
        )
    engine.dispose()
    assert found == {"dup://a": "two", "dup://b": "web"}


def test_two_transactions_inserting_the_same_keys_in_opposite_orders_do_not_deadlock(
    postgres_url: str,
):
    # Rows go in key order, so the second transaction waits for the first, then skips them.
    engine = connect(postgres_url)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [(f"order://{n:05d}", "web", when) for n in range(3000)]
    both_open = threading.Barrier(2)
    returned: list[list[tuple]] = []

    def insert(ordered: list[tuple]) -> None:
        with session_scope(engine) as session:
            session.execute(text("SELECT 1"))
            both_open.wait()
            returned.append(
                insert_returning(
                    session, Source, SOURCE_COLUMNS, ordered, ("uri",), unique=("uri",)
                )
            )

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(insert, rows), pool.submit(insert, rows[::-1])]:
            future.result()
    engine.dispose()
    assert sorted(len(inserted) for inserted in returned) == [0, 3000]


def test_two_ingests_creating_the_same_licence_at_once_both_get_it(postgres_url: str):
    # The second looks while the first has inserted but not committed, so it finds nothing,
    # and its insert must wait for the first's and keep that row rather than fail.
    engine = connect(postgres_url)
    inserted = threading.Event()
    ids: list[int] = []

    def first() -> None:
        with session_scope(engine) as session:
            ids.append(ensure_license(session, "Zlib").id)
            inserted.set()
            time.sleep(0.5)

    def second() -> None:
        inserted.wait()
        with session_scope(engine) as session:
            ids.append(ensure_license(session, "zlib").id)

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(first), pool.submit(second)]:
            future.result()
    engine.dispose()
    assert len(ids) == 2 and ids[0] == ids[1]


def test_a_web_archive_and_its_sites_policies_on_postgresql(postgres_url: str):
    _run(postgres_url, "ingest", SAMPLE_DATA / "web-crawl.warc.gz", "--dataset", "web-crawl")
    _run(postgres_url, "model", "register", "web-lm", "--dataset", "web-crawl")

    summary = json.loads(_run(postgres_url, "export", "web-lm", "--format", "json"))
    rights = summary["data_processing"]["respect_of_reservation_of_rights"]
    assert rights["records_by_embedded_training_signal"] == {"notAllowed": 4}
    web = rights["web"]
    assert (web["urls"], web["urls_reserved_by_page"], web["urls_reserved_by_site"]) == (5, 2, 2)
    rows = json.loads(
        _run(
            postgres_url,
            "sql",
            "SELECT urls, reserved_by_site, policy_files FROM domain_rights",
            "--json",
        )
    )[0]["rows"]
    assert rows == [[5, 2, "robots.txt, tdmrep.json"]]
    collected = json.loads(
        _run(
            postgres_url,
            "sql",
            "SELECT DISTINCT collected_at FROM occurrences WHERE payload_sha256 IS NOT NULL",
            "--json",
        )
    )[0]["rows"]
    assert [str(value).startswith("2026-11-20") for [value] in collected] == [True]


def test_two_ingests_creating_the_same_dataset_version_at_once_share_it(postgres_url: str):
    engine = connect(postgres_url)
    inserted = threading.Event()
    ids: list[int] = []

    def first() -> None:
        with session_scope(engine) as session:
            ids.append(ensure_dataset_version(session, "raced", "2").id)
            inserted.set()
            time.sleep(0.5)

    def second() -> None:
        inserted.wait()
        with session_scope(engine) as session:
            ids.append(ensure_dataset_version(session, "raced", "2").id)

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(first), pool.submit(second)]:
            future.result()
    engine.dispose()
    assert len(ids) == 2 and ids[0] == ids[1]
