"""`lineage crawl` against a web site served by the test on 127.0.0.1."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from tests.fetch.site import serve_site


def _crawl(run_cli, site, *extra: str, delay: float = 0.0):
    return run_cli(
        "crawl",
        site.root,
        "--dataset",
        "site",
        "--delay",
        str(delay),
        "--max-bytes",
        "200000",
        "--license",
        "CC-BY-4.0",
        *extra,
        "--json",
    )


def _sql(run_cli, query: str) -> list[list[object]]:
    return json.loads(run_cli("sql", query, "--json").output)[0]["rows"]


def test_the_crawler_never_requests_what_the_site_closed_to_it(tmp_path: Path, run_cli):
    with serve_site() as site:
        result = _crawl(run_cli, site, delay=0.3)
    report = json.loads(result.output)

    assert site.paths[:2] == ["/robots.txt", "/.well-known/tdmrep.json"]
    assert not [path for path in site.paths if path.startswith(("/private/", "/archive/"))]
    assert site.paths.count("/open") == 1  # the fragment link is the same page
    assert report["refused"] == {
        "content type not collected": 1,  # the PDF: asked for, not kept
        "disallowed by robots.txt": 2,  # /private/secret, and where /moved redirects
        "reserved by tdmrep.json (TDM reservation)": 1,
    }
    times = [moment for moment, _ in site.requests]
    assert min(b - a for a, b in pairwise(times)) >= 0.25  # the per-host delay


def test_the_crawl_is_archived_beside_the_database_and_ingested(tmp_path: Path, run_cli):
    with serve_site() as site:
        report = json.loads(_crawl(run_cli, site).output)

    archive = Path(report["archive"])
    assert archive.parent == tmp_path / "crawls"
    with archive.open("rb") as stream:
        records = [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.rec_headers.get_header("WARC-Truncated"),
            )
            for r in ArchiveIterator(stream)
        ]
    assert records[0][0] == "warcinfo"
    uris = {uri for kind, uri, _ in records if kind == "response"}
    assert site.root + "robots.txt" in uris and site.root + ".well-known/tdmrep.json" in uris
    assert ("response", site.root + "huge", "length") in records  # cut off at --max-bytes
    ingest = report["ingest"]
    assert ingest["records_added"] == 6  # /, /open, /tdm, /noai, /gated/page and /huge
    assert [problem["error_type"] for problem in ingest["problems"]] == ["TruncatedRecord"]
    assert ingest["skipped_by_reason"] == {"web page with no main text": 1}  # the redirect

    [crawl] = _sql(run_cli, "SELECT crawler, user_agent, purpose, pages_fetched, seeds FROM crawls")
    assert crawl[:2] == ["lineage-crawler", "lineage-crawler/1.0"]
    assert "AI models" in crawl[2] and crawl[3] == report["pages_fetched"]


def test_pages_the_site_reserves_are_marked_reserved(tmp_path: Path, run_cli):
    with serve_site() as site:
        _crawl(run_cli, site)
    run_cli("model", "register", "crawled-lm", "--dataset", "site")
    verdict = run_cli("trained", "crawled-lm", "--use", "commercial", "--json")

    assert verdict.exit_code == 3
    [reserved] = [
        f for f in json.loads(verdict.output)["verdict"]["blocking"] if f["license"] is None
    ]
    assert reserved["records"] == 3  # /tdm's header, /noai's meta tag, /gated/ for GPTBot
    reserved_uris = _sql(
        run_cli,
        "SELECT sources.uri FROM sources JOIN occurrences ON occurrences.source_id = sources.id "
        "JOIN records ON records.id = occurrences.record_id "
        "WHERE records.training_use = 'notAllowed' ORDER BY 1",
    )
    assert [uri for [uri] in reserved_uris] == [
        site.root + path for path in ("gated/page", "noai", "tdm")
    ]
    [[gated]] = _sql(
        run_cli, f"SELECT rights_signals FROM sources WHERE uri = '{site.root}gated/page'"
    )
    assert any("GPTBot=disallow" in signal for signal in json.loads(gated)["site"]["signals"])


def test_the_disclosure_names_the_crawler_and_counts_what_sites_reserved(tmp_path, run_cli):
    with serve_site() as site:
        _crawl(run_cli, site, "--purpose", "training a hedgerow model")
    run_cli("model", "register", "crawled-lm", "--dataset", "site")
    summary = json.loads(run_cli("export", "crawled-lm", "--format", "json").output)

    [crawler] = summary["data_sources"]["crawled_data"]["crawlers"]
    assert (crawler["user_agent"], crawler["purpose"]) == (
        "lineage-crawler/1.0",
        "training a hedgerow model",
    )
    assert crawler["not_fetched"]["disallowed by robots.txt"] == 2
    web = summary["data_processing"]["respect_of_reservation_of_rights"]["web"]
    assert (web["urls"], web["urls_reserved_by_page"], web["urls_reserved_by_site"]) == (6, 2, 1)
    assert (web["domains_with_robots_txt"], web["domains_with_tdmrep"]) == (1, 1)
    markdown = run_cli("export", "crawled-lm").output
    assert "lineage-crawler as `lineage-crawler/1.0`" in markdown
    [row] = _sql(run_cli, "SELECT urls, reserved_by_page, reserved_by_site FROM domain_rights")
    assert row == [6, 2, 1]
