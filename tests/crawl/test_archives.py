"""Compressed files and archives, read as streams through `lineage ingest`, with their guards."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import tarfile
import zipfile
from pathlib import Path

import pytest
import zstandard
from sqlalchemy import select

from lineage.store.engine import connect, session_scope
from lineage.store.schema import License, Occurrence, Record, Source
from tests.child_ingest import ingest_in_child
from tests.conftest import make_document, make_picture

COMPRESSORS = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}


def _jsonl(count: int, seed: int = 0) -> bytes:
    rows = [{"text": make_document(seed + i), "license": "CC-BY-4.0"} for i in range(count)]
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def _tar(path: Path, members: dict[str, bytes], mode: str = "w") -> Path:
    with tarfile.open(path, mode) as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return path


def _ingest(run_cli, *args: object) -> dict:
    result = run_cli("ingest", *args, "--json")
    assert result.exit_code in (0, 2), result.output
    return json.loads(result.output)


def _occurrences(db_url: str) -> dict[str, tuple[str, str | None, str]]:
    """Locator -> (licence, source domain, record sha256)."""
    with session_scope(connect(db_url)) as session:
        rows = session.execute(
            select(Occurrence.locator, License.spdx, Source.domain, Record.sha256)
            .join(License, License.id == Occurrence.license_id)
            .join(Source, Source.id == Occurrence.source_id)
            .join(Record, Record.id == Occurrence.record_id)
        ).all()
    return {locator: (spdx, domain, sha) for locator, spdx, domain, sha in rows}


def _problems(summary: dict) -> dict[str, str]:
    return {problem["locator"]: problem["reason"] for problem in summary["problems"]}


@pytest.mark.parametrize("codec", sorted(COMPRESSORS))
def test_a_compressed_file_reads_as_the_plain_one(tmp_path: Path, run_cli, db_url, codec: str):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plain.jsonl").write_bytes(_jsonl(4))
    (corpus / f"packed.jsonl{codec}").write_bytes(COMPRESSORS[codec](_jsonl(4)))

    summary = _ingest(run_cli, corpus, "--dataset", "d")

    assert summary["problem_count"] == 0
    found = _occurrences(db_url)
    for row in range(1, 5):
        plain, packed = (
            found[f"corpus/plain.jsonl#row={row}"],
            found[f"corpus/packed.jsonl{codec}#row={row}"],
        )
        assert plain == packed  # the same record, under the same licence
    assert summary["records_seen"] == 8 and summary["records_added"] == 4


@pytest.mark.parametrize(
    ("name", "mode"),
    [("docs.tar", "w"), ("docs.tar.gz", "w:gz"), ("docs.tgz", "w:gz"), ("docs.tar.xz", "w:xz")],
)
def test_members_of_a_tar_are_read_with_locators_naming_archive_and_member(
    tmp_path: Path, run_cli, db_url, name: str, mode: str
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _tar(corpus / name, {"a/rows.jsonl": _jsonl(2), "a/note.txt": make_document(9).encode()}, mode)

    summary = _ingest(run_cli, corpus, "--dataset", "d")

    assert summary["problem_count"] == 0
    assert sorted(_occurrences(db_url)) == [
        f"corpus/{name}!/a/note.txt",
        f"corpus/{name}!/a/rows.jsonl#row=1",
        f"corpus/{name}!/a/rows.jsonl#row=2",
    ]


def test_a_zstd_tar_and_a_zip_with_a_nested_compressed_member(tmp_path: Path, run_cli, db_url):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    tar = _tar(tmp_path / "inner.tar", {"x.txt": make_document(1).encode()}).read_bytes()
    (corpus / "a.tar.zst").write_bytes(zstandard.ZstdCompressor().compress(tar))
    with zipfile.ZipFile(corpus / "b.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("rows.jsonl.gz", gzip.compress(_jsonl(1, seed=5)))
        archive.writestr("inner.tar", tar)  # an archive inside an archive: one level
        archive.writestr("tool.py", "print('not content')")

    summary = _ingest(run_cli, corpus, "--dataset", "d")

    assert summary["problem_count"] == 0
    found = _occurrences(db_url)
    assert sorted(found) == [
        "corpus/a.tar.zst!/x.txt",
        "corpus/b.zip!/inner.tar!/x.txt",
        "corpus/b.zip!/rows.jsonl.gz#row=1",
    ]
    assert found["corpus/a.tar.zst!/x.txt"][2] == found["corpus/b.zip!/inner.tar!/x.txt"][2]
    assert summary["skipped_by_reason"] == {"unsupported file type .py": 1}


def test_archives_nested_past_the_depth_are_refused(tmp_path: Path, run_cli, db_url):
    innermost = _tar(tmp_path / "c.tar", {"deep.txt": make_document(3).encode()}).read_bytes()
    middle = _tar(tmp_path / "b.tar", {"c.tar": innermost}).read_bytes()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _tar(corpus / "a.tar", {"b.tar": middle, "ok.txt": make_document(4).encode()})

    summary = _ingest(run_cli, corpus, "--dataset", "d")

    assert "archives nested more than 2 deep" in _problems(summary)["corpus/a.tar!/b.tar!/c.tar"]
    assert sorted(_occurrences(db_url)) == ["corpus/a.tar!/ok.txt"]


def test_a_webdataset_shard_takes_each_samples_url_and_licence_from_its_json(
    tmp_path: Path, run_cli, db_url
):
    members = {}
    for index in range(3):
        picture = io.BytesIO()
        make_picture(index, size=64).save(picture, format="JPEG")
        key = f"shard/{index:06d}"
        members[f"{key}.jpg"] = picture.getvalue()
        members[f"{key}.json"] = json.dumps(
            {"url": f"https://img{index}.example/p.jpg", "LICENSE": "CC-BY-SA-4.0", "key": key}
        ).encode()
        members[f"{key}.txt"] = f"a caption for picture number {index}".encode()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _tar(corpus / "shard-000.tar", members)

    summary = _ingest(run_cli, corpus, "--dataset", "pictures")

    assert summary["problem_count"] == 0 and summary["records_seen"] == 6
    found = _occurrences(db_url)
    assert sorted(found) == sorted(
        f"corpus/shard-000.tar!/shard/{index:06d}.{ext}"
        for index in range(3)
        for ext in ("jpg", "txt")
    )
    assert found["corpus/shard-000.tar!/shard/000002.jpg"][:2] == ("CC-BY-SA-4.0", "img2.example")
    assert found["corpus/shard-000.tar!/shard/000002.txt"][:2] == ("CC-BY-SA-4.0", "img2.example")


def test_hostile_members_are_refused_one_by_one_and_the_rest_is_read(
    tmp_path: Path, run_cli, db_url
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with tarfile.open(corpus / "hostile.tar", "w") as archive:
        for name, kind in (
            ("../escape.txt", tarfile.REGTYPE),
            ("/etc/absolute.txt", tarfile.REGTYPE),
            ("link.txt", tarfile.SYMTYPE),
            ("hard.txt", tarfile.LNKTYPE),
            ("tty", tarfile.CHRTYPE),
            ("fifo", tarfile.FIFOTYPE),
            ("good.txt", tarfile.REGTYPE),
        ):
            info = tarfile.TarInfo(name)
            info.type = kind
            content = make_document(len(name)).encode() if kind == tarfile.REGTYPE else b""
            info.size = len(content)
            info.linkname = "/etc/passwd" if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE) else ""
            archive.addfile(info, io.BytesIO(content))

    summary = _ingest(run_cli, corpus, "--dataset", "d")

    problems = _problems(summary)
    assert "leaves the archive" in problems["corpus/hostile.tar!/../escape.txt"]
    assert "leaves the archive" in problems["corpus/hostile.tar!//etc/absolute.txt"]
    for name in ("link.txt", "hard.txt"):
        assert "link member (not followed)" in problems[f"corpus/hostile.tar!/{name}"]
    for name in ("tty", "fifo"):
        assert "special file member" in problems[f"corpus/hostile.tar!/{name}"]
    assert sorted(_occurrences(db_url)) == ["corpus/hostile.tar!/good.txt"]
    assert not (tmp_path / "escape.txt").exists()


def test_member_count_and_size_limits_are_configurable(tmp_path: Path, run_cli, db_url):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _tar(corpus / "many.tar", {f"m{i}.txt": make_document(i).encode() for i in range(5)})
    _tar(corpus / "big.tar", {"big.txt": b"word " * 20_000, "small.txt": b"a few words here"})

    summary = _ingest(
        run_cli, corpus, "--dataset", "d", "--max-members", "3", "--max-member-bytes", "50000"
    )

    problems = _problems(summary)
    assert "more than 3 members" in problems["corpus/many.tar"]
    assert "member limit" in problems["corpus/big.tar!/big.txt"]
    assert sorted(_occurrences(db_url)) == [
        "corpus/big.tar!/small.txt",
        "corpus/many.tar!/m0.txt",
        "corpus/many.tar!/m1.txt",
        "corpus/many.tar!/m2.txt",
    ]


def _gzip_bomb(path: Path, gigabytes: int = 2) -> Path:
    """`gigabytes` of zeros in a few MB: one gzip member of 16 MiB of zeros, repeated (a gzip
    file may hold many members, decompressed one after another)."""
    member = gzip.compress(b"\0" * (16 << 20), compresslevel=9)
    path.write_bytes(member * (gigabytes * 64))
    return path


def test_a_decompression_bomb_is_refused_with_bounded_memory(tmp_path: Path, db_url):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    bomb = _gzip_bomb(corpus / "zeros.txt.gz")
    (corpus / "fine.txt").write_text(make_document(1), encoding="utf-8")
    with zipfile.ZipFile(corpus / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.txt", b"\0" * (64 << 20))
        archive.writestr("fine.txt", make_document(2))
    assert bomb.stat().st_size < 8 << 20
    run = ingest_in_child(db_url, corpus, timeout=120)

    assert run.status == 2
    assert run.peak_mib < 700
    problems = _problems(run.report)
    assert "decompression bomb" in problems["corpus/zeros.txt.gz"]
    assert "decompression bomb" in problems["corpus/bomb.zip!/zeros.txt"]
    assert sorted(_occurrences(db_url)) == ["corpus/bomb.zip!/fine.txt", "corpus/fine.txt"]


def test_corrupt_compressed_data_is_a_problem_and_the_run_goes_on(tmp_path: Path, run_cli, db_url):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "cut.jsonl.gz").write_bytes(gzip.compress(_jsonl(50))[:2000])
    (corpus / "junk.tar.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    (corpus / "junk.zip").write_bytes(b"PK\x03\x04 not a zip")
    (corpus / "fine.txt").write_text(make_document(7), encoding="utf-8")

    summary = _ingest(run_cli, corpus, "--dataset", "d")

    problems = _problems(summary)
    assert set(problems) >= {"corpus/junk.tar.gz", "corpus/junk.zip"}
    assert any(locator.startswith("corpus/cut.jsonl.gz") for locator in problems)
    assert "corpus/fine.txt" in _occurrences(db_url)


def test_reingest_follows_members_and_keeps_what_a_refused_member_held(
    tmp_path: Path, run_cli, db_url
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    members = {f"m{i}.txt": make_document(i).encode() for i in range(3)}
    _tar(corpus / "a.tar", members)
    assert _ingest(run_cli, corpus, "--dataset", "d")["occurrences_added"] == 3

    unchanged = _ingest(run_cli, corpus, "--dataset", "d")
    assert (unchanged["records_added"], unchanged["occurrences_added"]) == (0, 0)

    # m1 goes, m2 now escapes the archive's guard (bigger than allowed): m2 stays recorded.
    members.pop("m1.txt")
    members["m2.txt"] = b"word " * 20_000
    _tar(corpus / "a.tar", members)
    changed = _ingest(run_cli, corpus, "--dataset", "d", "--max-member-bytes", "50000")

    assert changed["occurrences_removed"] == 1
    assert sorted(_occurrences(db_url)) == ["corpus/a.tar!/m0.txt", "corpus/a.tar!/m2.txt"]


def test_members_sharing_one_key_are_read_a_bounded_sample_at_a_time(
    tmp_path: Path, run_cli, db_url
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    members = {f"page.{number}.txt": make_document(number).encode() for number in range(150)}
    members["page.json"] = b"[" * 100_000 + b"]" * 100_000  # deep enough to exhaust a parser
    _tar(corpus / "flat.tar", members)

    summary = _ingest(run_cli, corpus, "--dataset", "d")

    assert len(_occurrences(db_url)) == 150
    assert set(_problems(summary)) <= {"corpus/flat.tar!/page.json"}


def test_a_bomb_inside_a_compressed_tar_is_refused_and_a_disguised_one_never_inflates(
    tmp_path: Path, run_cli, db_url
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _tar(corpus / "bomb.tar.gz", {"zeros.txt": b"\0" * (64 << 20)}, "w:gz")
    disguised = gzip.compress(_tar(tmp_path / "inner.tar", {"a.txt": b"words"}).read_bytes())
    (corpus / "disguised.tar").write_bytes(disguised)  # a gzip named as a plain tar
    (corpus / "fine.txt").write_text(make_document(5), encoding="utf-8")

    summary = _ingest(run_cli, corpus, "--dataset", "d")

    problems = _problems(summary)
    assert "decompression bomb" in problems["corpus/bomb.tar.gz"]
    assert "not a readable tar archive" in problems["corpus/disguised.tar"]
    assert sorted(_occurrences(db_url)) == ["corpus/fine.txt"]
