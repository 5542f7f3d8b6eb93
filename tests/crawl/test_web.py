"""Web archives and web pages through `lineage ingest`: main text, sources, hostile input."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.conftest import make_document, make_picture

NAV = "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/login'>Sign in</a></nav>"


def _page(text: str) -> bytes:
    return (
        f"<html><body>{NAV}<main><article><h1>Notes</h1><p>{text}</p></article></main>"
        "<footer>Privacy policy Cookie settings Contact us</footer></body></html>"
    ).encode()


def _warc(path: Path, records: list[tuple[str, str, bytes, str]], gzipped: bool) -> Path:
    """(type, URI, payload, content type) records; responses get HTTP headers."""
    output = io.BytesIO()
    writer = WARCWriter(output, gzip=gzipped)
    for kind, uri, payload, content_type in records:
        if kind == "response":
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], "HTTP/1.1")
            record = writer.create_warc_record(
                uri, kind, payload=io.BytesIO(payload), http_headers=http
            )
        else:
            record = writer.create_warc_record(
                uri, kind, payload=io.BytesIO(payload), warc_content_type=content_type
            )
        writer.write_record(record)
    path.write_bytes(output.getvalue())
    return path


def _sql(run_cli, query: str) -> list[list[object]]:
    return json.loads(run_cli("sql", query, "--json").output)[0]["rows"]


def test_a_warc_gives_main_text_images_and_web_sources(tmp_path: Path, run_cli):
    corpus = tmp_path / "crawl"
    corpus.mkdir()
    picture = io.BytesIO()
    make_picture(2, size=64).save(picture, format="PNG")
    _warc(
        corpus / "crawl.warc.gz",
        [
            (
                "request",
                "https://www.a.example/one",
                b"GET /one HTTP/1.1\r\n\r\n",
                "application/http",
            ),
            (
                "response",
                "https://www.a.example/one",
                _page(make_document(1)),
                "text/html; charset=utf-8",
            ),
            ("response", "https://b.example/pic.png", picture.getvalue(), "image/png"),
            ("response", "https://b.example/data.bin", b"\x00\x01", "application/octet-stream"),
            ("response", "https://b.example/empty", b"<html><body></body></html>", "text/html"),
        ],
        gzipped=True,
    )

    result = run_cli("ingest", corpus, "--dataset", "web", "--json")

    assert result.exit_code == 0, result.output
    rows = _sql(
        run_cli,
        "SELECT locator, records.kind, domain FROM occurrences "
        "JOIN records ON records.id = record_id "
        "JOIN sources ON sources.id = source_id ORDER BY locator",
    )
    assert rows == [
        ["crawl/crawl.warc.gz#record=2", "text", "www.a.example"],  # the request is record 1
        ["crawl/crawl.warc.gz#record=3", "image", "b.example"],
    ]
    _assert_main_text_of(run_cli, make_document(1))
    reasons = json.loads(result.output)["skipped_by_reason"]
    assert reasons == {
        "web archive record of type application/octet-stream": 1,
        "web page with no main text": 1,
    }


def test_wet_conversions_and_html_files_are_text(tmp_path: Path, run_cli):
    corpus = tmp_path / "web"
    corpus.mkdir()
    _warc(
        corpus / "crawl.warc.wet",
        [("conversion", "https://c.example/a", make_document(3).encode(), "text/plain")],
        gzipped=False,
    )
    (corpus / "page.html").write_bytes(_page(make_document(4)))

    assert run_cli("ingest", corpus, "--dataset", "web").exit_code == 0

    found = json.loads(run_cli("lookup", "--text", make_document(3), "--json").output)
    assert found[0]["matches"][0]["exact"] is True  # a WET record is the text as it is
    _assert_main_text_of(run_cli, make_document(4))


def _assert_main_text_of(run_cli, article: str) -> None:
    """The page was stored as its article (the heading with it), without the boilerplate."""
    (match,) = json.loads(run_cli("lookup", "--text", article, "--json").output)[0]["matches"]
    assert match["similarity"] >= 0.9
    texts = _sql(run_cli, "SELECT size_bytes FROM records WHERE kind = 'text'")
    assert all(size < len(_page(article)) - 100 for (size,) in texts)


def test_a_truncated_or_corrupt_warc_is_a_problem_and_the_run_goes_on(tmp_path: Path, run_cli):
    corpus = tmp_path / "web"
    corpus.mkdir()
    whole = _warc(
        tmp_path / "whole.warc.gz",
        [
            ("response", f"https://d.example/{n}", _page(make_document(10 + n)), "text/html")
            for n in range(5)
        ],
        gzipped=True,
    ).read_bytes()
    (corpus / "cut.warc.gz").write_bytes(whole[: len(whole) // 2])
    (corpus / "junk.warc").write_bytes(
        b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 99999999\r\n\r\nx"
    )
    (corpus / "fine.txt").write_text(make_document(30), encoding="utf-8")

    result = run_cli("ingest", corpus, "--dataset", "web", "--json")

    summary = json.loads(result.output)
    assert any(p["locator"].startswith("web/cut.warc.gz") for p in summary["problems"])
    assert summary["records_seen"] >= 1
    assert gzip.decompress(whole)  # the fixture itself is a good WARC
