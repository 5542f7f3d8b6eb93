"""Hostile files beside good ones: each refused as a problem or skipped, with a reason, in
bounded time, and every good file beside it stored."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from lineage.crawl.readers.jsonl import MAX_LINE_BYTES
from lineage.vocabulary import name_bytes


def _sql(run_cli, query: str) -> list[list[object]]:
    return json.loads(run_cli("sql", query, "--json").output)[0]["rows"]


def _ingest(run_cli, corpus: Path) -> dict:
    started = time.monotonic()
    result = run_cli("ingest", corpus, "--dataset", "hostile", "--json")
    assert time.monotonic() - started < 60
    return json.loads(result.output)


def test_a_fifo_is_skipped_unopened_and_the_run_ends(tmp_path: Path, run_cli):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    os.mkfifo(corpus / "x.txt")  # opening it for reading would wait for a writer forever
    (corpus / "good.txt").write_text("A note on the heron at dawn.")

    report = _ingest(run_cli, corpus)
    assert report["skipped_by_reason"] == {"special file (FIFO, socket or device), not opened": 1}
    assert report["records_added"] == 1
    lone = tmp_path / "lone.txt"
    os.mkfifo(lone)
    assert run_cli("ingest", lone, "--dataset", "lone").exit_code == 1  # nothing to record


def test_json_nested_past_the_limit_is_a_problem_not_a_crash(tmp_path: Path, run_cli):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    deep = "[" * 100_000 + "]" * 100_000
    (corpus / "deep.json").write_text(deep)
    (corpus / "rows.jsonl").write_text(
        '{"text": ' + deep + "}\n" + '{"text": "a fine line after it"}\n'
    )

    report = _ingest(run_cli, corpus)
    problems = {p["locator"]: p["error_type"] for p in report["problems"]}
    assert problems == {"corpus/deep.json": "InputError", "corpus/rows.jsonl#line=1": "too-deep"}
    assert report["records_added"] == 1  # line 2


def test_a_huge_jsonl_line_is_refused_without_being_held(tmp_path: Path, run_cli):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with (corpus / "rows.jsonl").open("w") as rows:
        rows.write('{"text": "' + "x" * (MAX_LINE_BYTES + 10) + '"}\n')
        rows.write('{"text": "the line after the huge one"}\n')

    report = _ingest(run_cli, corpus)
    assert [(p["locator"], p["error_type"]) for p in report["problems"]] == [
        ("corpus/rows.jsonl#line=1", "line-too-long")
    ]
    assert _sql(run_cli, "SELECT locator FROM occurrences") == [["corpus/rows.jsonl#row=2"]]


def test_a_file_name_that_is_not_utf8_is_stored_escaped_and_recoverable(tmp_path, run_cli):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = b"field-\xff\xfe-100%.txt"
    Path(os.fsdecode(os.path.join(os.fsencode(corpus), name))).write_bytes(b"A note, badly named.")
    (corpus / "plain.txt").write_text("A plain note.")

    report = _ingest(run_cli, corpus)
    assert report["problem_count"] == 0 and report["records_added"] == 2
    locators = sorted(row[0] for row in _sql(run_cli, "SELECT locator FROM occurrences"))
    assert locators == ["corpus/field-%FF%FE-100%25.txt", "corpus/plain.txt"]
    assert name_bytes(locators[0].split("/")[1]) == name
    again = _ingest(run_cli, corpus)  # the same names, spelt the same: nothing changes
    assert (again["occurrences_added"], again["occurrences_removed"]) == (0, 0)


def test_a_card_whose_aliases_would_expand_past_the_limit_is_a_problem_of_its_file(
    tmp_path, run_cli
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    levels = "".join(
        f"{name}: &{name} [{', '.join(['*' + below] * 9)}]\n"
        for below, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    bomb = '---\na: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    (corpus / "README.md").write_text(bomb + levels + "---\nA card of 10^9 values.\n")
    (corpus / "notes.txt").write_text("A note beside the card.")

    started = time.monotonic()
    report = _ingest(run_cli, corpus)
    assert time.monotonic() - started < 10  # the hub's parser took 18 s and 2 GB
    assert [(p["locator"], p["reason"]) for p in report["problems"]] == [
        (
            "corpus/README.md",
            "corpus/README.md: front matter expands past 100000 values (aliases)",
        )
    ]
    assert report["records_added"] == 1  # the note beside the card
    (corpus / "README.md").write_text('---\nlicense: !!python/object/apply:os.system ["id"]\n---\n')
    report = _ingest(run_cli, corpus)
    (problem,) = report["problems"]
    assert problem["locator"] == "corpus/README.md"
    assert "front matter is not valid YAML" in problem["reason"]
    (dataset,) = json.loads(run_cli("datasets", "--json").output)
    assert dataset["declared_license"] is None  # nothing of either card was taken


def test_text_in_utf16_or_utf32_with_a_byte_order_mark_is_read(tmp_path: Path, run_cli):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    note = "A note on the heron, saved by an editor that writes UTF-16."
    (corpus / "utf16.txt").write_bytes(note.encode("utf-16"))  # with its byte-order mark
    (corpus / "utf32.txt").write_bytes(note.encode("utf-32"))
    (corpus / "utf8.txt").write_text(note)
    (corpus / "latin1.txt").write_bytes("café au lait".encode("latin-1"))

    report = _ingest(run_cli, corpus)
    assert [(p["locator"], p["reason"]) for p in report["problems"]] == [
        (
            "corpus/latin1.txt",
            "corpus/latin1.txt: invalid UTF-8 at byte 3 (invalid continuation byte)",
        )
    ]
    texts = _sql(run_cli, "SELECT count(DISTINCT text_sha256), count(*) FROM records")
    assert texts == [[1, 3]]  # three encodings of one text: three records, one normalised text
