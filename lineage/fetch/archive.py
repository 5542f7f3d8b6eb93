"""The WARC file a crawl writes: a `warcinfo` record naming the crawler, its agent and purpose,
then every request with the response it got (robots.txt and tdmrep.json included), so that the
crawl can be audited and read again exactly as `lineage ingest` read it."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from urllib.parse import urlsplit


class CrawlArchive:
    """A gzipped WARC 1.1 file, written record by record as the crawl goes."""

    def __init__(self, path: Path, crawler: str, user_agent: str, purpose: str) -> None:
        from warcio.warcwriter import WARCWriter  # imported here: only crawls write WARCs

        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: BinaryIO = path.open("xb")
        self._writer = WARCWriter(self._file, gzip=True, warc_version="WARC/1.1")
        info = {
            "software": crawler,
            "http-header-user-agent": user_agent,
            "description": purpose,
            "format": "WARC File Format 1.1",
        }
        self._writer.write_record(self._writer.create_warcinfo_record(path.name, info))

    def write_exchange(
        self,
        url: str,
        request_headers: Iterable[tuple[str, str]],
        status: int,
        reason: str,
        response_headers: Iterable[tuple[str, str]],
        body: bytes,
        truncated: str | None = None,
    ) -> None:
        """A request record and its response record, linked by WARC-Concurrent-To. The
        response's headers are kept as received, except the transfer coding, which the body
        no longer has."""
        from warcio.statusandheaders import StatusAndHeaders

        path = _request_target(url)
        request = StatusAndHeaders(
            f"GET {path} HTTP/1.1", list(request_headers), is_http_request=True
        )
        kept = [(k, v) for k, v in response_headers if k.lower() != "transfer-encoding"]
        http = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")
        extra = {"WARC-Truncated": truncated} if truncated else {}
        response = self._writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=extra
        )
        request_record = self._writer.create_warc_record(url, "request", http_headers=request)
        self._writer.write_request_response_pair(request_record, response)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> CrawlArchive:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
