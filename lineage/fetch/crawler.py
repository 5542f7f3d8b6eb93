"""A polite crawler: breadth-first from its seeds, each site's robots.txt and tdmrep.json
fetched first and honoured before every request, a delay between requests to one host, and
every response bounded in time and size.

A URL that robots.txt closes to the crawler's agent, or that the site's TDMRep file reserves,
is never requested; nor is one whose robots.txt cannot be fetched for a server error (RFC 9309
reads that as a complete disallow). Redirects are not followed blindly: the target is queued
as a link of its own and judged like any other. Everything fetched is written to the crawl's
WARC file (`lineage.fetch.archive`), and what was refused is counted by reason.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from lineage.crawl.readers.html import HTML_TYPES, decoded
from lineage.crawl.site_policy import MAX_POLICY_BYTES, RobotsTxt, SitePolicy, TdmRepFile
from lineage.errors import InputError
from lineage.fetch.archive import CrawlArchive
from lineage.vocabulary import TrainingUse

CRAWLER = "lineage-crawler"
FETCHED_TYPES = (*HTML_TYPES, "text/plain", "image/jpeg", "image/png", "image/webp", "image/gif")
# A robots.txt Crawl-delay above this is taken as this: a crawl of a few pages should end.
MAX_CRAWL_DELAY = 30.0
# Links kept from one page, and URLs waiting in the frontier.
MAX_LINKS_PER_PAGE = 1000
MAX_FRONTIER = 100_000


@dataclass(frozen=True)
class CrawlOptions:
    """How to crawl: as which agent and for what, how far, how politely, within which bounds."""

    user_agent: str = f"{CRAWLER}/1.0"
    purpose: str = "collecting text and images to train AI models"
    max_pages: int = 100
    same_host: bool = False
    delay: float = 1.0  # seconds between two requests to one host, at least
    timeout: float = 10.0  # seconds for a whole response, connecting included
    max_bytes: int = 10 * 1024 * 1024  # of one response's body; the rest is cut off
    content_types: tuple[str, ...] = FETCHED_TYPES


@dataclass
class CrawlResult:
    """What a crawl did: its archive, when, and what it fetched and refused."""

    archive: Path
    seeds: list[str]
    options: CrawlOptions
    started_at: datetime
    finished_at: datetime | None = None
    pages_fetched: int = 0
    requested: list[str] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)


@dataclass
class _Site:
    policy: SitePolicy
    reachable: bool
    delay: float
    last_request: float = 0.0


class Crawler:
    """One crawl: its frontier, its sites' policies, its HTTP session and its archive."""

    def __init__(self, seeds: list[str], archive: Path, options: CrawlOptions) -> None:
        import requests  # imported here: only crawls need an HTTP client

        self.options = options
        self.seeds = [_checked_seed(seed) for seed in seeds]
        self.http = requests.Session()
        self.http.headers.update({"User-Agent": options.user_agent, "Accept-Encoding": "identity"})
        self.result = CrawlResult(archive, list(seeds), options, datetime.now(UTC))
        self.sites: dict[str, _Site] = {}
        self.hosts = {urlsplit(seed).netloc for seed in self.seeds}
        self.archive = CrawlArchive(archive, CRAWLER, options.user_agent, options.purpose)

    def run(self) -> CrawlResult:
        """Crawl until the frontier is empty or `max_pages` pages were fetched."""
        frontier = deque(self.seeds)
        queued = set(frontier)
        with self.archive:
            while frontier and self.result.pages_fetched < self.options.max_pages:
                url = frontier.popleft()
                for link in self._visit(url):
                    if link not in queued and len(queued) < MAX_FRONTIER:
                        queued.add(link)
                        frontier.append(link)
        self.result.finished_at = datetime.now(UTC)
        return self.result

    def _visit(self, url: str) -> list[str]:
        """Fetch `url` where its site allows it; the links it leads to."""
        site = self._site(url)
        refusal = self._refusal(site, url)
        if refusal is not None:
            self.result.refused[refusal] += 1
            return []
        fetched = self._fetch(site, url)
        if fetched is None:
            return []
        status, headers, body = fetched
        self.result.pages_fetched += 1
        if 300 <= status < 400 and "location" in headers:
            return self._links([headers["location"]], url)
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if status == 200 and media in HTML_TYPES:
            return self._links(_hrefs(body, headers.get("content-type")), url)
        return []

    def _refusal(self, site: _Site, url: str) -> str | None:
        if not site.reachable:
            return "robots.txt unreachable (server error): the site is closed"
        robots = site.policy.robots
        if robots is not None and robots.closed_to(url, (self.options.user_agent,)):
            return "disallowed by robots.txt"
        tdm = site.policy.tdmrep.rule_for(url) if site.policy.tdmrep is not None else None
        if tdm is not None and tdm.reservation is TrainingUse.NOT_ALLOWED:
            return "reserved by tdmrep.json (TDM reservation)"
        return None

    def _site(self, url: str) -> _Site:
        """The site of `url`, its robots.txt and tdmrep.json fetched (and archived) the first
        time it is met."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self.sites:
            return self.sites[origin]
        site = _Site(SitePolicy(), reachable=True, delay=self.options.delay)
        self.sites[origin] = site
        robots = self._fetch(site, f"{origin}/robots.txt", policy=True)
        if robots is None or robots[0] >= 500:
            site.reachable = False
            return site
        tdmrep = self._fetch(site, f"{origin}/.well-known/tdmrep.json", policy=True)
        rules = None
        if tdmrep is not None and tdmrep[0] == 200:
            rules = TdmRepFile.parse(f"{origin}/.well-known/tdmrep.json", "", _text(tdmrep[2]))
        found = RobotsTxt(f"{origin}/robots.txt", "", _text(robots[2])) if robots[0] < 300 else None
        site.policy = SitePolicy(found, rules)
        crawl_delay = found.delay_for(self.options.user_agent) if found is not None else None
        site.delay = max(site.delay, min(crawl_delay or 0.0, MAX_CRAWL_DELAY))
        return site

    def _fetch(
        self, site: _Site, url: str, policy: bool = False
    ) -> tuple[int, dict[str, str], bytes] | None:
        """GET `url` after the site's delay, archived; None where no response came, or where
        its type is not one the crawl keeps (its body is then not read, nor archived)."""
        import requests

        wait = site.last_request + site.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        site.last_request = time.monotonic()
        self.result.requested.append(url)
        try:
            # A site's policy file is followed through redirects (RFC 9309); content is not.
            with self.http.get(
                url, stream=True, allow_redirects=policy, timeout=self.options.timeout
            ) as response:
                headers = {key.lower(): value for key, value in response.headers.items()}
                if not policy and not self._kept_type(headers, response.status_code):
                    self.result.refused["content type not collected"] += 1
                    return None
                limit = MAX_POLICY_BYTES if policy else self.options.max_bytes
                body, truncated = _read_body(response, limit, self.options.timeout)
        except requests.RequestException as exc:
            self.result.refused[f"fetch failed ({type(exc).__name__})"] += 1
            return None
        self.archive.write_exchange(
            response.url,
            self.http.headers.items(),
            response.status_code,
            response.reason or "",
            response.raw.headers.items(),
            body,
            truncated,
        )
        return response.status_code, headers, body

    def _kept_type(self, headers: dict[str, str], status: int) -> bool:
        if status != 200:  # redirects and errors are kept: they say where the content went
            return True
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        return media in self.options.content_types

    def _links(self, hrefs: list[str], base: str) -> list[str]:
        links = []
        for href in hrefs[:MAX_LINKS_PER_PAGE]:
            link = _normalized(urljoin(base, href))
            if link is None:
                continue
            if self.options.same_host and urlsplit(link).netloc not in self.hosts:
                continue
            links.append(link)
        return links


def _read_body(response: Any, limit: int, timeout: float) -> tuple[bytes, str | None]:
    """At most `limit` bytes of the body as sent, within `timeout` seconds in all; why it was
    cut off, in WARC-Truncated's words, if it was."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    for chunk in _raw_chunks(response):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[:limit], "length"
        if time.monotonic() > deadline:
            return b"".join(chunks), "time"
    return b"".join(chunks), None


def _raw_chunks(response: Any) -> Iterator[bytes]:
    while chunk := response.raw.read(64 * 1024, decode_content=False):
        yield chunk


def _hrefs(body: bytes, content_type: str | None) -> list[str]:
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(decoded(body, content_type))
    if tree.body is None:
        return []
    anchors = tree.body.get_elements_by_tag_name("a")
    return [href for anchor in anchors if (href := anchor.getattr("href"))]


def _normalized(url: str) -> str | None:
    """`url` without its fragment, if it is http(s) with a host; else None."""
    url = urldefrag(url.strip())[0]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url if parts.path else url + "/"


def _checked_seed(seed: str) -> str:
    url = _normalized(seed)
    if url is None:
        raise InputError(f"not an http(s) URL to crawl: {seed!r}")
    return url


def _text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


def crawl(seeds: list[str], archive: Path, options: CrawlOptions) -> CrawlResult:
    """Crawl from `seeds` into the WARC file `archive` (which must not exist yet)."""
    return Crawler(seeds, archive, options).run()
