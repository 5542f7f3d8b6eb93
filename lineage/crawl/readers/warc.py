"""Web archives: WARC 1.0/1.1 files (`.warc`; gzipped per record as `.warc.gz`, through the
guarded codec) and WET files of extracted text (`.wet`), read by `warcio`.

`bench/warc_tools.py` measures `fastwarc` reading 3.6 times as fast, but fastwarc 2.0 needs
to seek in what it reads and panics (an uncatchable Rust abort) on a stream that cannot, which
every decompressed and guarded stream is; reading is a fifth of the time that extracting the
main text takes, so warcio costs little.

Each HTML response becomes a text record of its main text, each WET conversion a text record,
each image response an image record; the target URI is its source. Other records (requests,
metadata, robots.txt and other types) are not content.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from lineage.crawl.items import Blob, ContentItem, Reader, ReadOptions, ReadResult, Skipped
from lineage.crawl.readers.html import HTML_TYPES, page_item
from lineage.crawl.rights import read_embedded_rights
from lineage.crawl.streams import read_whole
from lineage.crawl.web_rights import page_rights
from lineage.errors import InputError
from lineage.vocabulary import FRAGMENT, LicenseOrigin, RecordKind

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


CONTENT_RECORDS = ("response", "conversion", "resource")
# Responses that say what may be done with a site, rather than being its content.
POLICY_PATHS = ("/robots.txt", "/.well-known/tdmrep.json")


def read_warc(blob: Blob, options: ReadOptions) -> ReadResult:
    # Imported here: only corpora with web archives load the parser.
    from warcio.archiveiterator import ArchiveIterator

    with blob.open() as stream:
        try:
            for number, record in enumerate(ArchiveIterator(stream), start=1):
                if record.rec_type in CONTENT_RECORDS:
                    yield _item(record, f"{blob.locator}{FRAGMENT}record={number}", options)
        except InputError:
            raise
        except Exception as exc:  # the parser's own failures on hostile input
            raise InputError(f"{blob.locator}: unreadable web archive: {exc}") from exc


def _item(record: Any, locator: str, options: ReadOptions) -> ContentItem | Skipped:
    uri = record.rec_headers.get_header("WARC-Target-URI")
    if uri and urlsplit(uri).path in POLICY_PATHS:
        return Skipped(locator, f"site policy ({urlsplit(uri).path}), not content")
    payload = read_whole(record.content_stream(), options.limits.max_whole_bytes, locator)
    http = record.http_headers
    headers = dict(http.headers) if http is not None else {}
    declared = http.get_header("Content-Type") if http is not None else None
    content_type = declared or record.rec_headers.get_header("Content-Type")
    media = (content_type or "").split(";")[0].strip().lower()
    if record.rec_type == "conversion" or media == "text/plain":
        text = payload.decode("utf-8", errors="replace")
        return ContentItem(locator, RecordKind.TEXT, payload, text=text, source_uri=uri)
    if media in HTML_TYPES:
        return page_item(locator, payload, content_type, uri, headers)
    if media in IMAGE_TYPES:
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


READER = Reader("warc", frozenset({".warc", ".wet"}), read_warc)
