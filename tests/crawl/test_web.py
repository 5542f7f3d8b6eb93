"""Web archives and web pages through `lineage ingest`: main text, sources, hostile input."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import time
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


def _warc_with_headers(
    path: Path, records: list[tuple[str, bytes, str, list[tuple[str, str]]]]
) -> Path:
    output = io.BytesIO()
    writer = WARCWriter(output, gzip=True)
    for uri, payload, content_type, extra in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type), *extra], "HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), http_headers=http
            )
        )
    path.write_bytes(output.getvalue())
    return path


def _meta_page(text: str, meta: str) -> bytes:
    return f"<html><head>{meta}</head><body><main><p>{text}</p></main></body></html>".encode()


def test_noai_and_tdm_reservations_mark_what_they_cover_as_reserved(tmp_path: Path, run_cli):
    corpus = tmp_path / "web"
    corpus.mkdir()
    picture = io.BytesIO()
    make_picture(5, size=64).save(picture, format="PNG")
    html = "text/html; charset=utf-8"
    _warc_with_headers(
        corpus / "signals.warc.gz",
        [
            (
                "https://a.example/header",
                _page(make_document(40)),
                html,
                [("X-Robots-Tag", "noai")],
            ),
            (
                "https://a.example/meta",
                _meta_page(make_document(41), '<meta name="robots" content="noai, noimageai">'),
                html,
                [],
            ),
            (
                "https://b.example/tdm",
                _page(make_document(42)),
                html,
                [("tdm-reservation", "1"), ("tdm-policy", "https://b.example/policy.json")],
            ),
            (
                "https://b.example/open",
                _meta_page(make_document(43), '<meta name="tdm-reservation" content="0">'),
                html,
                [],
            ),
            (
                "https://c.example/agent",
                _page(make_document(44)),
                html,
                [("X-Robots-Tag", "GPTBot: noai")],
            ),
            (
                "https://c.example/images-only",
                _page(make_document(45)),
                html,
                [("X-Robots-Tag", "noimageai")],
            ),
            (
                "https://c.example/pic.png",
                picture.getvalue(),
                "image/png",
                [("X-Robots-Tag", "noimageai")],
            ),
            ("https://c.example/plain", _page(make_document(46)), html, []),
        ],
    )
    (corpus / "page.html").write_bytes(
        _meta_page(make_document(47), '<meta name="robots" content="noai">')
    )

    assert run_cli("ingest", corpus, "--dataset", "web").exit_code == 0

    uses = dict(
        (locator.rsplit("=", 1)[-1] if "#" in locator else locator, use)
        for locator, use in _sql(
            run_cli,
            "SELECT locator, training_use FROM occurrences JOIN records ON records.id = record_id",
        )
    )
    assert uses == {
        "1": "notAllowed",  # X-Robots-Tag: noai
        "2": "notAllowed",  # <meta name="robots" content="noai">
        "3": "notAllowed",  # tdm-reservation: 1
        "4": "allowed",  # tdm-reservation 0 in a meta tag
        "5": "notAllowed",  # noai for a named agent reserves it for that agent
        "6": None,  # noimageai says nothing of text
        "7": "notAllowed",  # ... but reserves the image
        "8": None,
        "web/page.html": "notAllowed",
    }
    (signals,) = _sql(run_cli, "SELECT rights FROM records WHERE rights LIKE '%tdm-policy%'")
    assert "header:tdm-policy=https://b.example/policy.json" in json.loads(signals[0])["signals"]

    assert run_cli("model", "register", "lm", "--dataset", "web").exit_code == 0
    verdict = run_cli("trained", "lm", "--use", "commercial")
    assert verdict.exit_code == 3 and "reserved AI training" in verdict.output
    summary = json.loads(run_cli("export", "lm", "--format", "json").output)
    reservations = summary["data_processing"]["respect_of_reservation_of_rights"]
    assert reservations["records_by_embedded_training_signal"] == {"allowed": 1, "notAllowed": 6}
    assert reservations["sources_with_recorded_rights_signals"] == 7  # the URLs that said
    (stored,) = _sql(run_cli, "SELECT rights_signals FROM sources WHERE uri LIKE '%/tdm'")
    assert json.loads(stored[0])["training_use"] == "notAllowed"


def _policy_warc(path: Path, records: list[tuple[str, str, bytes, str, dict[str, str]]]) -> Path:
    """(type, URI, payload, content type, WARC headers) records, responses with HTTP headers,
    requests with a User-Agent."""
    output = io.BytesIO()
    writer = WARCWriter(output, gzip=True)
    for kind, uri, payload, content_type, warc_headers in records:
        if kind == "request":
            http = StatusAndHeaders(
                "GET / HTTP/1.1", [("User-Agent", content_type)], is_http_request=True
            )
            record = writer.create_warc_record(uri, kind, http_headers=http)
        else:
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], "HTTP/1.1")
            record = writer.create_warc_record(
                uri,
                kind,
                payload=io.BytesIO(payload),
                http_headers=http,
                warc_headers_dict=warc_headers,
            )
        writer.write_record(record)
    path.write_bytes(output.getvalue())
    return path


def test_site_policies_in_an_archive_reserve_the_pages_they_cover(tmp_path: Path, run_cli):
    """The robots.txt and tdmrep.json of a site, archived apart from its pages (as Common
    Crawl keeps them), reserve the pages they close; the crawler's own agent is judged too."""
    corpus = tmp_path / "cc"
    corpus.mkdir()
    html = "text/html; charset=utf-8"
    robots = b"User-agent: *\nDisallow: /members/\n\nUser-agent: CCBot\nDisallow: /essays/\n"
    _policy_warc(
        corpus / "robotstxt.warc.gz",
        [
            ("response", "https://a.example/robots.txt", robots, "text/plain", {}),
            (
                "response",
                "https://b.example/.well-known/tdmrep.json",
                b'[{"location": "/books/*", "tdm-reservation": 1}]',
                "application/json",
                {},
            ),
        ],
    )
    pages = [
        ("https://a.example/essays/one", 50),
        ("https://a.example/members/two", 51),
        ("https://a.example/open", 52),
        ("https://b.example/books/three", 53),
        ("https://b.example/blog/four", 54),
    ]
    _policy_warc(
        corpus / "pages.warc.gz",
        [("request", "https://a.example/open", b"", "ExampleBot/3.1", {})]
        + [
            (
                "response",
                uri,
                _page(make_document(seed)),
                html,
                {"WARC-Date": "2025-03-04T05:06:07Z"},
            )
            for uri, seed in pages
        ],
    )

    result = json.loads(run_cli("ingest", corpus, "--dataset", "cc", "--json").output)

    assert result["sources_reserved_by_site"] == 3
    uses = dict(
        _sql(
            run_cli,
            "SELECT sources.uri, records.training_use FROM occurrences "
            "JOIN sources ON sources.id = source_id JOIN records ON records.id = record_id",
        )
    )
    assert uses == {
        "https://a.example/essays/one": "notAllowed",  # closed to CCBot
        # Closed to every crawler but CCBot (which has a group of its own): GPTBot and the
        # other AI crawlers too, and the ExampleBot that fetched it.
        "https://a.example/members/two": "notAllowed",
        "https://a.example/open": None,
        "https://b.example/books/three": "notAllowed",  # tdmrep.json
        "https://b.example/blog/four": None,
    }
    [[members]] = _sql(
        run_cli, "SELECT rights_signals FROM sources WHERE uri = 'https://a.example/members/two'"
    )
    assert any(
        "ExampleBot/3.1=disallow (fetched against it)" in signal
        for signal in json.loads(members)["site"]["signals"]
    )
    facts = _sql(run_cli, "SELECT kind, domain, http_status FROM crawl_facts ORDER BY kind")
    assert facts == [
        ["robots.txt", "a.example", 200],
        ["tdmrep.json", "b.example", 200],
        ["user-agent", "a.example", None],
    ]
    [[collected, payload]] = _sql(
        run_cli,
        "SELECT collected_at, payload_sha256 FROM occurrences WHERE locator LIKE '%pages%=2'",
    )
    assert str(collected).startswith("2025-03-04 05:06:07")
    assert payload == hashlib.sha256(_page(make_document(50))).hexdigest()

    assert run_cli("model", "register", "cc-lm", "--dataset", "cc").exit_code == 0
    summary = json.loads(run_cli("export", "cc-lm", "--format", "json").output)
    reservations = summary["data_processing"]["respect_of_reservation_of_rights"]
    assert reservations["records_by_embedded_training_signal"] == {"notAllowed": 3}


def test_hostile_web_archives_are_problems_and_the_run_goes_on(tmp_path: Path, run_cli):
    corpus = tmp_path / "hostile"
    corpus.mkdir()
    html = "text/html"
    _policy_warc(
        corpus / "dates.warc.gz",
        [
            (
                "response",
                "https://d.example/a",
                _page(make_document(70)),
                html,
                {"WARC-Date": "yesterday"},
            ),
            ("response", "https://d.example/b", _page(make_document(71)), html, {}),
        ],
    )
    huge = (
        b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://e.example/\r\nX-Pad: "
        + b"x" * (64 * 1024 * 1024)
        + b"\r\nContent-Length: 0\r\n\r\n\r\n\r\n"
    )
    (corpus / "header.warc").write_bytes(huge)
    whole = (corpus / "dates.warc.gz").read_bytes()
    (corpus / "cut.warc.gz").write_bytes(whole[: len(whole) // 2 + 7])
    (corpus / "page.html").write_bytes(_page(make_document(72)))

    started = time.monotonic()
    result = run_cli("ingest", corpus, "--dataset", "hostile", "--json")
    assert time.monotonic() - started < 60

    report = json.loads(result.output)
    assert result.exit_code == 2
    problems = {(p["locator"].split("#")[0], p["error_type"]) for p in report["problems"]}
    assert ("hostile/dates.warc.gz", "WarcDateError") in problems
    assert any(
        p["reason"].endswith("a header line longer than 65536 bytes") for p in report["problems"]
    )
    assert any(locator == "hostile/cut.warc.gz" for locator, _ in problems)
    stored = {row[0] for row in _sql(run_cli, "SELECT locator FROM occurrences")}
    assert {
        "hostile/dates.warc.gz#record=1",
        "hostile/dates.warc.gz#record=2",
        "hostile/page.html",
    } <= stored


def test_a_web_text_record_holding_nuls_is_a_problem_as_a_text_file_is(tmp_path: Path, run_cli):
    corpus = tmp_path / "web"
    corpus.mkdir()
    _warc(
        corpus / "crawl.warc.wet",
        [
            ("conversion", "https://c.example/binary", b"GIF89a\0\0\x01\0" * 50, "text/plain"),
            ("conversion", "https://c.example/text", make_document(5).encode(), "text/plain"),
        ],
        gzipped=False,
    )

    result = run_cli("ingest", corpus, "--dataset", "web", "--json")

    assert result.exit_code == 2
    (problem,) = json.loads(result.output)["problems"]
    assert problem["locator"] == "web/crawl.warc.wet#record=1"
    assert problem["reason"].endswith("holds NUL characters: binary data, not text")
    stored = {row[0] for row in _sql(run_cli, "SELECT locator FROM occurrences")}
    assert stored == {"web/crawl.warc.wet#record=2"}
