"""Ingest through the CLI, on real files, read back from the real database."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from sqlalchemy import func, select

from lineage.fingerprint import DEFAULT_TEXT_PARAMS
from lineage.store import band_index
from lineage.store.engine import connect, session_scope
from lineage.store.schema import (
    IngestError,
    IngestRun,
    License,
    LshPage,
    LshSegment,
    Occurrence,
    Record,
)
from tests.conftest import make_document, make_image, write_jsonl


def _count(db_url: str, model: type) -> int:
    with session_scope(connect(db_url)) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _licences_by_locator(db_url: str) -> dict[str, tuple[str, str]]:
    with session_scope(connect(db_url)) as session:
        rows = session.execute(
            select(Occurrence.locator, License.spdx, Occurrence.license_origin).join(License)
        ).all()
    return {locator: (spdx, origin) for locator, spdx, origin in rows}


def test_folder_of_texts_and_images_is_recorded_with_fingerprints(tmp_path: Path, run_cli, db_url):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index in range(3):
        (corpus / f"doc{index}.txt").write_text(make_document(index), encoding="utf-8")
    make_image(corpus / "picture.png", seed=1)

    result = run_cli("ingest", corpus, "--dataset", "mixed", "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["records_added"] == 4 and summary["files_failed"] == 0
    with session_scope(connect(db_url)) as session:
        records = session.scalars(select(Record)).all()
        texts = [record for record in records if record.kind == "text"]
        images = [record for record in records if record.kind == "image"]
        assert len(texts) == 3 and all(record.minhash for record in texts)
        assert len(images) == 1 and images[0].phash is not None and images[0].dhash is not None
        assert band_index.entry_count(session) == 3 * DEFAULT_TEXT_PARAMS.bands


def test_reingest_of_unchanged_folder_adds_nothing(tmp_path: Path, run_cli, db_url):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index in range(5):
        (corpus / f"doc{index}.md").write_text(make_document(index), encoding="utf-8")
    write_jsonl(corpus / "rows.jsonl", [{"text": make_document(100 + i)} for i in range(4)])
    assert run_cli("ingest", corpus, "--dataset", "d").exit_code == 0
    before = {
        model: _count(db_url, model) for model in (Record, Occurrence, LshSegment, LshPage, License)
    }

    again = run_cli("ingest", corpus, "--dataset", "d", "--json")

    assert again.exit_code == 0
    assert json.loads(again.output)["records_added"] == 0
    assert json.loads(again.output)["occurrences_added"] == 0
    assert {model: _count(db_url, model) for model in before} == before


def test_same_content_in_two_files_is_stored_once(tmp_path: Path, run_cli, db_url):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(make_document(7), encoding="utf-8")
    (corpus / "b.txt").write_text(make_document(7), encoding="utf-8")

    run_cli("ingest", corpus, "--dataset", "d")

    assert _count(db_url, Record) == 1
    assert _count(db_url, Occurrence) == 2


def test_record_licence_beats_argument_card_and_license_file(
    tmp_path: Path, run_cli, db_url, license_text
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "LICENSE").write_text(license_text("MIT.txt"), encoding="utf-8")
    write_jsonl(
        corpus / "rows.jsonl",
        [
            {"text": make_document(1), "license": "cc-by-nc-4.0"},
            {"text": make_document(2)},
        ],
    )
    (corpus / "plain.txt").write_text(make_document(3), encoding="utf-8")

    run_cli("ingest", corpus, "--dataset", "with-file")
    found = _licences_by_locator(db_url)
    assert found["corpus/rows.jsonl#row=1"] == ("CC-BY-NC-4.0", "record")
    assert found["corpus/rows.jsonl#row=2"] == ("MIT", "license-file")
    assert found["corpus/plain.txt"] == ("MIT", "license-file")

    run_cli("ingest", corpus, "--dataset", "with-argument", "--license", "Apache-2.0")
    found = _licences_by_locator(db_url)
    assert found["corpus/rows.jsonl#row=1"] == ("CC-BY-NC-4.0", "record")
    assert found["corpus/rows.jsonl#row=2"] == ("Apache-2.0", "argument")


def test_dataset_card_licence_applies_when_nothing_closer_says(tmp_path: Path, run_cli, db_url):
    corpus = tmp_path / "carded"
    corpus.mkdir()
    (corpus / "README.md").write_text(
        "---\nlicense: cc-by-sa-4.0\npretty_name: Carded\n---\n# Carded\n", encoding="utf-8"
    )
    (corpus / "data.csv").write_text(
        f'id,text,license\n1,"{make_document(1)}",\n2,"{make_document(2)}",CC0-1.0\n',
        encoding="utf-8",
    )

    run_cli("ingest", corpus, "--dataset", "carded")

    found = _licences_by_locator(db_url)
    assert found == {
        "carded/data.csv#row=1": ("CC-BY-SA-4.0", "card"),
        "carded/data.csv#row=2": ("CC0-1.0", "record"),
    }


def test_declarations_that_say_nothing_give_way_to_the_next_source(
    tmp_path: Path, run_cli, db_url, license_text
):
    corpus = tmp_path / "vague"
    corpus.mkdir()
    (corpus / "README.md").write_text(
        "---\nlicense: other\npretty_name: Vague\n---\n# Vague\n", encoding="utf-8"
    )
    (corpus / "LICENSE").write_text(license_text("MIT.txt"), encoding="utf-8")
    write_jsonl(corpus / "rows.jsonl", [{"text": make_document(1), "license": "unknown"}])

    run_cli("ingest", corpus, "--dataset", "vague", "--license", "other")
    assert _licences_by_locator(db_url) == {"vague/rows.jsonl#row=1": ("MIT", "license-file")}

    run_cli("ingest", corpus, "--dataset", "vague", "--license", "unknown")
    assert _licences_by_locator(db_url) == {"vague/rows.jsonl#row=1": ("MIT", "license-file")}


def test_each_folder_takes_the_licence_file_nearest_to_it(
    tmp_path: Path, run_cli, db_url, license_text
):
    corpus = tmp_path / "mixed"
    for folder, licence in (("mit", "MIT.txt"), ("apache", "Apache-2.0.txt"), ("plain", None)):
        (corpus / folder).mkdir(parents=True)
        (corpus / folder / "a.txt").write_text(make_document(len(folder)), encoding="utf-8")
        (corpus / folder / "b.txt").write_text(make_document(10 + len(folder)), encoding="utf-8")
        if licence:
            (corpus / folder / "LICENSE").write_text(license_text(licence), encoding="utf-8")
    (corpus / "COPYING").write_text(license_text("BSD-3-Clause.txt"), encoding="utf-8")

    run_cli("ingest", corpus, "--dataset", "mixed")

    found = _licences_by_locator(db_url)
    for name in ("a.txt", "b.txt"):
        assert found[f"mixed/mit/{name}"] == ("MIT", "license-file")
        assert found[f"mixed/apache/{name}"] == ("Apache-2.0", "license-file")
        assert found[f"mixed/plain/{name}"] == ("BSD-3-Clause", "license-file")


def test_no_licence_anywhere_is_recorded_as_unknown(tmp_path: Path, run_cli, db_url):
    corpus = tmp_path / "bare"
    corpus.mkdir()
    (corpus / "a.txt").write_text(make_document(1), encoding="utf-8")

    run_cli("ingest", corpus, "--dataset", "bare")

    assert _licences_by_locator(db_url) == {"bare/a.txt": ("NOASSERTION", "unknown")}


def test_corrupt_image_and_invalid_utf8_are_recorded_and_the_run_goes_on(
    tmp_path: Path, run_cli, db_url
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(make_document(1), encoding="utf-8")
    (corpus / "latin1.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    (corpus / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    make_image(corpus / "fine.png", seed=3)
    truncated = (corpus / "fine.png").read_bytes()[:200]
    (corpus / "truncated.png").write_bytes(truncated)
    (corpus / "rows.jsonl").write_bytes(
        b'{"text": "a good row with some words"}\n{not json}\n{"text": "bad \xff byte"}\n'
    )

    result = run_cli("ingest", corpus, "--dataset", "messy", "--json")

    assert result.exit_code == 2
    summary = json.loads(result.output)
    assert summary["status"] == "partial"
    assert summary["records_added"] == 3  # good.txt, fine.png, the good row
    with session_scope(connect(db_url)) as session:
        errors = {error.locator: error.reason for error in session.scalars(select(IngestError))}
        run = session.scalars(select(IngestRun)).one()
    assert set(errors) == {
        "corpus/latin1.txt",
        "corpus/broken.jpg",
        "corpus/truncated.png",
        "corpus/rows.jsonl#line=2",
        "corpus/rows.jsonl#line=3",
    }
    assert "UTF-8" in errors["corpus/latin1.txt"]
    assert run.status == "partial" and run.files_failed == 3


def test_missing_path_is_a_one_line_user_error(tmp_path: Path, run_cli):
    result = run_cli("ingest", tmp_path / "nowhere", "--dataset", "d")

    assert result.exit_code == 1
    assert "no such file or folder" in result.output
    assert "Traceback" not in result.output


def test_parquet_rows_are_read_with_a_named_text_field(tmp_path: Path, run_cli, db_url):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"body_text": [make_document(i) for i in range(3)], "n": [1, 2, 3]})
    pq.write_table(table, tmp_path / "rows.parquet")

    result = run_cli(
        "ingest",
        tmp_path / "rows.parquet",
        "--dataset",
        "pq",
        "--text-field",
        "body_text",
        "--json",
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["records_added"] == 3


def test_every_copy_of_unreadable_content_is_reported_across_batches(tmp_path: Path, db_url):
    from lineage.ingest import IngestOptions, ingest_paths

    folder = tmp_path / "copies"
    folder.mkdir()
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        (folder / name).write_bytes(b"\xff\xd8 not really a jpeg")
    make_image(folder / "fine.png", seed=1)

    for jobs in (1, 2):
        options = IngestOptions(dataset=f"copies-{jobs}", batch_size=2, jobs=jobs)
        summary = ingest_paths(connect(db_url), [folder], options)

        assert summary.exit_code == 2 and summary.records_added == (1 if jobs == 1 else 0)
        assert sorted(problem.locator for problem in summary.problems) == [
            "copies/a.jpg",
            "copies/b.jpg",
            "copies/c.jpg",
        ]


class _RecordingProgress:
    def __init__(self) -> None:
        self.started: tuple[int, int] | None = None
        self.done = 0

    def start(self, files: int, total_bytes: int) -> None:
        self.started = (files, total_bytes)

    def advance(self, file_bytes: int) -> None:
        self.done += file_bytes


def test_progress_counts_the_content_files_and_their_bytes(tmp_path: Path):
    from lineage.ingest import IngestOptions, ingest_paths

    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    contents = [corpus / "a.txt", corpus / "sub" / "b.md", corpus / "rows.jsonl"]
    for index, path in enumerate(contents[:2]):
        path.write_text(make_document(index), encoding="utf-8")
    write_jsonl(contents[2], [{"text": make_document(9)}])
    (corpus / "LICENSE").write_text("MIT License\n", encoding="utf-8")
    (corpus / "notes.xyz").write_text("skipped", encoding="utf-8")
    progress = _RecordingProgress()

    summary = ingest_paths(
        connect(f"sqlite:///{tmp_path / 'p.db'}"), [corpus], IngestOptions("d"), progress
    )

    total = sum(path.stat().st_size for path in contents)
    assert progress.started == (3, total) and progress.done == total
    assert [Path(skipped.path).name for skipped in summary.skipped] == ["notes.xyz"]


def test_two_runs_filling_one_new_version_at_once_both_succeed(tmp_path: Path, monkeypatch):
    """The second run started while the version was empty, so it skips looking for the
    occurrences the first run then stores: its own must meet them, not fail on them."""
    from lineage.ingest import IngestOptions, ingest_paths
    from lineage.ingest.pipeline import IngestPipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index in range(3):
        (corpus / f"doc{index}.txt").write_text(make_document(index), encoding="utf-8")
    engine = connect(f"sqlite:///{tmp_path / 'two.db'}")
    store = IngestPipeline._store
    other_runs: list[int] = []

    def store_after_another_run(self: object, batch: object) -> None:
        if not other_runs:
            other_runs.append(-1)  # the other run's own batches are stored as usual
            other_runs[0] = ingest_paths(engine, [corpus], IngestOptions("d")).exit_code
        store(self, batch)

    monkeypatch.setattr(IngestPipeline, "_store", store_after_another_run)
    summary = ingest_paths(engine, [corpus], IngestOptions("d"))

    assert other_runs == [0] and summary.exit_code == 0
    db_url = f"sqlite:///{tmp_path / 'two.db'}"
    assert _count(db_url, Occurrence) == 3
    # The other run stored every record first; this one added none, and indexed none again.
    assert summary.records_added == 0 and _count(db_url, Record) == 3
    with session_scope(connect(db_url)) as session:
        assert band_index.entry_count(session) == 3 * DEFAULT_TEXT_PARAMS.bands


def test_names_from_the_corpus_are_printed_as_they_are(tmp_path: Path, run_cli):
    """Rich would read `[/b]` in a member's name as a closing tag, and `[a, b]` (a CSV's
    columns, in its problem) as one, failing or eating them."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with tarfile.open(corpus / "a.tar", "w") as archive:
        for name, data in (("x[/b].txt", b"\0not text"), ("[bold]y.txt", b"fine words")):
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    (corpus / "t.csv").write_text("a,b\n1,2\n", encoding="utf-8")

    result = run_cli("ingest", corpus, "--dataset", "odd")

    assert result.exit_code == 2, result.output
    assert "corpus/a.tar!/x[/b].txt" in result.output
    assert "name one of [a, b] with --text-field" in result.output
