"""The same commands on PostgreSQL, against a throwaway server started for the test.

Runs where PostgreSQL's server binaries (`initdb`, `pg_ctl`) are installed, and is skipped,
saying why, where they are not. As root, the server runs as the `postgres` user.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cli.main import cli
from lineage.store.bulk import insert_returning, insert_rows
from lineage.store.engine import connect, session_scope
from lineage.store.rows import ensure_dataset_version, ensure_license
from lineage.store.schema import Source
from tests.conftest import SAMPLE_DATA

pytest.importorskip("psycopg", reason="the postgres extra (psycopg) is not installed")
PORT = 55432
SOURCE_COLUMNS = ("uri", "kind", "first_seen_at")


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(command)]


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    folder = tmp_path_factory.mktemp("postgres")
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root, and there is no postgres user to run the server")
        folder.chmod(0o755)
        for parent in folder.parents:
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o005)
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = folder / "data"
    run = {"check": True, "capture_output": True}
    subprocess.run(
        _as_server_user([initdb, "-D", str(data), "-A", "trust", "-U", "lineage"]), **run
    )
    options = f"-k {folder} -p {PORT} -c listen_addresses=''"
    start = [
        pg_ctl,
        "-D",
        str(data),
        "-o",
        f'"{options}"',
        "-w",
        "-l",
        str(folder / "log"),
        "start",
    ]
    subprocess.run(_as_server_user(start), **run)
    try:
        yield f"postgresql+psycopg://lineage@/postgres?host={folder}&port={PORT}"
    finally:
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), **run)


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
