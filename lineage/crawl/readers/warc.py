"""Web archives: WARC 1.0/1.1 files (`.warc`; gzipped per record as `.warc.gz`, through the
guarded codec) and WET files of extracted text (`.wet`), read by `warcio`.

`bench/warc_tools.py` measures `fastwarc` reading 3.6 times as fast, but fastwarc 2.0 needs
to seek in what it reads and panics (an uncatchable Rust abort) on a stream that cannot, which
every decompressed and guarded stream is; reading is a fifth of the time that extracting the
main text takes, so warcio costs little.

Each HTML response becomes a text record of its main text, each WET conversion a text record,
each image response an image record; the target URI is its source and WARC-Date its
collection time. robots.txt and tdmrep.json responses, and the user agent requests announced,
are crawl facts from which the sites' signals are judged; other records are not content.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from lineage.crawl.items import (
    Blob,
    ContentItem,
    CrawlFact,
    ItemProblem,
    Reader,
    ReadOptions,
    ReadResult,
    Skipped,
)
from lineage.crawl.readers.html import HTML_TYPES, page_item
from lineage.crawl.readers.rows import NUL_IN_TEXT
from lineage.crawl.site_policy import MAX_POLICY_BYTES
from lineage.crawl.streams import read_whole
from lineage.crawl.web_rights import page_rights
from lineage.errors import InputError
from lineage.vocabulary import FRAGMENT, CrawlFactKind, LicenseOrigin, RecordKind

# A WARC or HTTP header line, at most (servers refuse lines a few kilobytes long).
MAX_HEADER_LINE = 64 * 1024
# Distinct user agents kept from one archive's requests (a crawl announces one or a few).
MAX_AGENTS = 16

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
CONTENT_RECORDS = ("response", "conversion", "resource")
# Responses that say what may be done with a site, rather than being its content.
POLICY_PATHS = {
    "/robots.txt": CrawlFactKind.ROBOTS_TXT,
    "/.well-known/tdmrep.json": CrawlFactKind.TDMREP,
}


def read_warc(blob: Blob, options: ReadOptions) -> ReadResult:
    # Imported here: only corpora with web archives load the parser.
    from warcio.archiveiterator import ArchiveIterator

    agents: set[str] = set()
    with blob.open() as stream:
        try:
            records = ArchiveIterator(stream)
            _bound_header_lines(records.reader, blob.locator)
            for number, record in enumerate(records, start=1):
                locator = f"{blob.locator}{FRAGMENT}record={number}"
                if record.rec_type in CONTENT_RECORDS:
                    yield from _read_record(record, locator, options)
                elif record.rec_type == "request":
                    yield from _announced_agent(record, locator, agents)
        except InputError:
            raise
        except Exception as exc:  # the parser's own failures on hostile input
            raise InputError(f"{blob.locator}: unreadable web archive: {exc}") from exc


def _read_record(record: Any, locator: str, options: ReadOptions) -> ReadResult:
    """The record's content item, or the site policy it holds; and a problem with its date."""
    collected_at, bad_date = _warc_date(record)
    if bad_date is not None:
        yield ItemProblem(locator, "WarcDateError", bad_date)
    truncated = record.rec_headers.get_header("WARC-Truncated")
    if truncated:
        reason = f"the crawler cut the record off ({truncated[:32]}): its content is partial"
        yield ItemProblem(locator, "TruncatedRecord", reason)
    uri = record.rec_headers.get_header("WARC-Target-URI")
    payload = read_whole(record.content_stream(), options.limits.max_whole_bytes, locator)
    policy = POLICY_PATHS.get(urlsplit(uri).path) if uri else None
    if policy is not None:
        http = record.http_headers
        yield CrawlFact(
            locator,
            policy,
            uri,
            payload[:MAX_POLICY_BYTES].decode("utf-8", errors="replace"),
            record.rec_headers.get_header("WARC-Record-ID"),
            collected_at,
            _status(http.get_statuscode()) if http is not None else None,
        )
        return
    item = _item(record, locator, uri, payload)
    if isinstance(item, ContentItem):
        item = replace(item, collected_at=collected_at)
    yield item


def _item(
    record: Any, locator: str, uri: str | None, payload: bytes
) -> ContentItem | Skipped | ItemProblem:
    http = record.http_headers
    headers = dict(http.headers) if http is not None else {}
    declared = http.get_header("Content-Type") if http is not None else None
    content_type = declared or record.rec_headers.get_header("Content-Type")
    media = (content_type or "").split(";")[0].strip().lower()
    if record.rec_type == "conversion" or media == "text/plain":
        text = payload.decode("utf-8", errors="replace")
        if "\0" in text:  # as a plain-text file would be
            return ItemProblem(locator, "not-text", f"{locator}: {NUL_IN_TEXT}")
        return ContentItem(locator, RecordKind.TEXT, payload, text=text, source_uri=uri)
    if media in HTML_TYPES:
        page = page_item(locator, payload, content_type, uri, headers)
        if isinstance(page, ContentItem):
            return replace(page, payload_sha256=hashlib.sha256(payload).hexdigest())
        return page
    if media in IMAGE_TYPES:
        from lineage.crawl.image_rights import read_embedded_rights  # Pillow, for images only

        rights = page_rights(headers, None, images=True, carried=read_embedded_rights(payload))
        return ContentItem(
            locator,
            RecordKind.IMAGE,
            payload,
            license=rights.license if rights is not None else None,
            license_origin=LicenseOrigin.IMAGE_METADATA,
            source_uri=uri,
            rights=rights,
        )
    return Skipped(locator, f"web archive record of type {media or '(none)'}")


def _bound_header_lines(reader: Any, locator: str) -> None:
    """Make the parser's reader refuse a header line past MAX_HEADER_LINE: warcio grows a
    line by concatenation, block by block, so one line of hundreds of megabytes would take
    it hours; payloads are read in blocks, not lines, and are not concerned."""
    unbounded = reader.readline

    def readline(length: int | None = None) -> bytes:
        wanted = MAX_HEADER_LINE if length is None else min(length, MAX_HEADER_LINE)
        line: bytes = unbounded(wanted)
        if not line or line.endswith(b"\n"):  # nearly always: a whole short line
            return line
        parts = [line]
        size = len(line)
        while size < wanted:  # warcio's reader may stop short of `length` without a newline
            part: bytes = unbounded(wanted - size)
            parts.append(part)
            size += len(part)
            if not part or part.endswith(b"\n"):
                return b"".join(parts)
        if length is None or length > MAX_HEADER_LINE:
            raise InputError(f"{locator}: a header line longer than {MAX_HEADER_LINE} bytes")
        return b"".join(parts)

    reader.readline = readline


def _announced_agent(record: Any, locator: str, seen: set[str]) -> ReadResult:
    """The User-Agent a request record announced, once per archive."""
    http = record.http_headers
    agent = http.get_header("User-Agent") if http is not None else None
    if agent and agent not in seen and len(seen) < MAX_AGENTS:
        seen.add(agent)
        uri = record.rec_headers.get_header("WARC-Target-URI")
        yield CrawlFact(locator, CrawlFactKind.USER_AGENT, uri, agent[:512])


def _warc_date(record: Any) -> tuple[datetime | None, str | None]:
    """When the record was collected, and what is wrong with its WARC-Date if anything."""
    value = record.rec_headers.get_header("WARC-Date")
    if not value:
        return None, None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None, f"WARC-Date {value[:64]!r} is not a date: collection time unknown"
    return (moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)), None


def _status(code: str | None) -> int | None:
    return int(code) if code and code.isdigit() and len(code) == 3 else None


READER = Reader("warc", frozenset({".warc", ".wet"}), read_warc)
