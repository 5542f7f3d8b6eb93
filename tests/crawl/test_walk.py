"""Crawling edge cases through `lineage ingest`: names, changes, licence files, odd tables."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from lineage.crawl import list_corpus
from lineage.store.engine import connect, session_scope
from lineage.store.schema import IngestError, IngestRun, License, Occurrence
from tests.conftest import make_document, write_jsonl


def _occurrences(db_url: str) -> dict[str, str]:
    with session_scope(connect(db_url)) as session:
        rows = session.execute(select(Occurrence.locator, License.spdx).join(License)).all()
    return dict(rows)


def test_roots_with_the_same_name_get_distinct_locators(tmp_path: Path, run_cli, db_url):
    for seed, folder in enumerate(("a", "b")):
        (tmp_path / folder).mkdir()
        write_jsonl(tmp_path / folder / "d.jsonl", [{"text": make_document(seed)}])

    result = run_cli(
        "ingest",
        tmp_path / "a" / "d.jsonl",
        tmp_path / "b" / "d.jsonl",
        tmp_path / "a" / "d.jsonl",
        "--dataset",
        "same-names",
    )

    assert result.exit_code == 0, result.output
    assert set(_occurrences(db_url)) == {"a/d.jsonl#row=1", "b/d.jsonl#row=1"}


def test_reingest_drops_vanished_files_but_keeps_unreadable_ones(tmp_path: Path, run_cli, db_url):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index in range(3):
        (corpus / f"doc{index}.txt").write_text(make_document(index), encoding="utf-8")
    write_jsonl(corpus / "rows.jsonl", [{"text": make_document(10 + i)} for i in range(3)])
    assert run_cli("ingest", corpus, "--dataset", "d").exit_code == 0

    (corpus / "doc0.txt").unlink()
    (corpus / "doc1.txt").write_bytes(b"\xc3\x28 not utf-8 any more")
    write_jsonl(corpus / "rows.jsonl", [{"text": make_document(10)}])
    result = run_cli("ingest", corpus, "--dataset", "d", "--json")

    assert result.exit_code == 2
    assert json.loads(result.output)["occurrences_removed"] == 3
    assert set(_occurrences(db_url)) == {
        "corpus/doc1.txt",
        "corpus/doc2.txt",
        "corpus/rows.jsonl#row=1",
    }


def test_a_version_that_trained_a_model_is_frozen(tmp_path: Path, run_cli):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(make_document(1), encoding="utf-8")
    assert run_cli("ingest", corpus, "--dataset", "d").exit_code == 0
    assert run_cli("model", "register", "m", "--dataset", "d@1").exit_code == 0
    (corpus / "b.txt").write_text(make_document(2), encoding="utf-8")

    refused = run_cli("ingest", corpus, "--dataset", "d")
    assert refused.exit_code == 1 and "d@1 is frozen: m trained on it" in refused.output

    assert run_cli("ingest", corpus, "--dataset", "d", "--version", "2").exit_code == 0
    report = json.loads(run_cli("trained", "m", "--json").output)
    assert [(d["version"], d["records"]) for d in report["datasets"]] == [("1", 1)]


def test_reingesting_a_frozen_version_unchanged_is_a_no_op(tmp_path: Path, run_cli, db_url):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(make_document(1), encoding="utf-8")
    write_jsonl(corpus / "rows.jsonl", [{"text": make_document(2), "license": "MIT"}])
    assert run_cli("ingest", corpus, "--dataset", "d", "--license", "CC0-1.0").exit_code == 0
    assert run_cli("model", "register", "m", "--dataset", "d@1").exit_code == 0
    before = _runs(db_url)

    again = run_cli("ingest", corpus, "--dataset", "d", "--license", "CC0-1.0", "--json")

    assert again.exit_code == 0, again.output
    summary = json.loads(again.output)
    assert summary["frozen_by"] == ["m"] and summary["run_id"] is None
    assert summary["records_seen"] == 2 and summary["records_added"] == 0
    assert _runs(db_url) == before  # nothing recorded, not even a run
    relicensed = run_cli("ingest", corpus, "--dataset", "d", "--license", "MIT")
    assert relicensed.exit_code == 1 and "the input differs" in relicensed.output


def test_a_path_with_no_supported_content_is_an_error_that_records_nothing(
    tmp_path: Path, run_cli, db_url
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tool.py").write_text("print(1)", encoding="utf-8")
    (corpus / "data.bin").write_bytes(b"\x00\x01")

    result = run_cli("ingest", corpus, "--dataset", "empty")

    assert result.exit_code == 1
    assert "no supported content" in result.output
    assert "1 unsupported file type .bin, 1 unsupported file type .py" in result.output
    assert json.loads(run_cli("datasets", "--json").output) == []
    assert _runs(db_url) == 0


def _runs(db_url: str) -> int:
    with session_scope(connect(db_url)) as session:
        return session.scalar(select(func.count()).select_from(IngestRun)) or 0


def test_a_record_saying_unknown_gives_way_to_the_next_source(tmp_path: Path, run_cli, db_url):
    write_jsonl(tmp_path / "rows.jsonl", [{"text": make_document(1), "license": "unknown"}])
    assert (
        run_cli("ingest", tmp_path / "rows.jsonl", "--dataset", "d", "--license", "MIT").exit_code
        == 0
    )
    assert _occurrences(db_url) == {"rows.jsonl#row=1": "MIT"}


def test_a_notice_file_does_not_hide_the_licence_above_it(
    tmp_path: Path, run_cli, db_url, license_text
):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "LICENSE").write_text(license_text("MIT.txt"), encoding="utf-8")
    (corpus / "sub" / "NOTICE").write_text("Portions were collected by volunteers.\n")
    (corpus / "sub" / "doc.txt").write_text(make_document(1), encoding="utf-8")

    assert run_cli("ingest", corpus, "--dataset", "d").exit_code == 0
    assert _occurrences(db_url) == {"corpus/sub/doc.txt": "MIT"}


def test_a_csv_cell_may_hold_a_long_document(tmp_path: Path, run_cli, db_url):
    long_text = make_document(1, words=40_000)
    (tmp_path / "long.csv").write_text(f'id,text\n1,"{long_text}"\n2,short\n', encoding="utf-8")

    result = run_cli("ingest", tmp_path / "long.csv", "--dataset", "d")

    assert result.exit_code == 0, result.output
    assert set(_occurrences(db_url)) == {"long.csv#row=1", "long.csv#row=2"}


def test_a_table_without_a_text_field_is_an_error_not_a_guess(tmp_path: Path, run_cli, db_url):
    (tmp_path / "scores.csv").write_text("name,score\nalice,3\nbob,5\n", encoding="utf-8")

    result = run_cli("ingest", tmp_path / "scores.csv", "--dataset", "d")

    assert result.exit_code == 2
    with session_scope(connect(db_url)) as session:
        [error] = session.scalars(select(IngestError)).all()
    assert error.locator == "scores.csv" and "--text-field" in error.reason
    assert _occurrences(db_url) == {}


def test_names_that_cannot_be_referenced_are_refused(tmp_path: Path, run_cli):
    (tmp_path / "a.txt").write_text("some words here", encoding="utf-8")
    for name in ("foo@2", "", "has space"):
        result = run_cli("ingest", tmp_path / "a.txt", "--dataset", name)
        assert result.exit_code == 1 and "invalid dataset name" in result.output


def test_the_walk_takes_files_in_order_and_never_follows_links(tmp_path: Path, run_cli, db_url):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(make_document(50), encoding="utf-8")
    corpus = tmp_path / "corpus"
    for folder in ("b/deeper", "a", ".hidden"):
        (corpus / folder).mkdir(parents=True)
    for index, name in enumerate(
        ["z.txt", "a/y.txt", "b/x.txt", "b/deeper/w.txt", ".hidden/v.txt"]
    ):
        (corpus / name).write_text(make_document(index), encoding="utf-8")
    (corpus / "linked-folder").symlink_to(outside, target_is_directory=True)
    (corpus / "linked.txt").symlink_to(outside / "secret.txt")

    result = run_cli("ingest", corpus, "--dataset", "walk", "--json")

    summary = json.loads(result.output)
    assert result.exit_code == 0, result.output
    walked = [file.locator for file in list_corpus([corpus]).files()]
    # A folder's files first, then its subfolders, each in name order; hidden ones left out.
    assert walked == ["corpus/z.txt", "corpus/a/y.txt", "corpus/b/x.txt", "corpus/b/deeper/w.txt"]
    with session_scope(connect(db_url)) as session:
        assert set(session.scalars(select(Occurrence.locator))) == set(walked)
    assert sorted((Path(s["path"]).name, s["reason"]) for s in summary["skipped"]) == [
        ("linked-folder", "symbolic link (not followed)"),
        ("linked.txt", "symbolic link (not followed)"),
    ]


def test_a_file_is_read_whole_up_to_the_limit_and_refused_past_it(
    tmp_path: Path, run_cli, db_url, monkeypatch
):
    from lineage.crawl import walk

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "at-limit.txt").write_text("word " * 200, encoding="utf-8")
    (corpus / "past-limit.txt").write_text("word " * 200 + "more", encoding="utf-8")
    monkeypatch.setattr(walk, "MAX_FILE_BYTES", 1000)

    result = run_cli("ingest", corpus, "--dataset", "d", "--json")

    assert result.exit_code == 2
    problems = json.loads(result.output)["problems"]
    assert [problem["locator"] for problem in problems] == ["corpus/past-limit.txt"]
    assert "1004 bytes is over the 1000 limit" in problems[0]["reason"]
    assert set(_occurrences(db_url)) == {"corpus/at-limit.txt"}
