"""A small web site served on 127.0.0.1 for the crawler's tests: a robots.txt that closes
`/private/` to everyone and `/gated/` to GPTBot, a tdmrep.json that reserves `/archive/`,
pages with `tdm-reservation: 1` and `noai`, a redirect into the closed folder, a PDF, and a
page too large to keep whole. Every request is logged with its time."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import make_document

ROBOTS = b"User-agent: *\nDisallow: /private/\n\nUser-agent: GPTBot\nDisallow: /gated/\n"
TDMREP = b'[{"location": "/archive/*", "tdm-reservation": 1}]'
LINKS = [
    "/open",
    "/private/secret",
    "/tdm",
    "/noai",
    "/gated/page",
    "/archive/old",
    "/moved",
    "/paper.pdf",
    "/huge",
    "mailto:someone@example.org",
    "/open#section",
]


def _page(text: str, head: str = "", links: list[str] | None = None) -> bytes:
    anchors = "".join(f"<a href='{link}'>{link}</a> " for link in links or [])
    return (
        f"<html><head>{head}</head><body><nav>{anchors}</nav>"
        f"<main><article><p>{text}</p></article></main></body></html>"
    ).encode()


PAGES: dict[str, tuple[list[tuple[str, str]], bytes]] = {
    "/": ([], _page(make_document(60), links=LINKS)),
    "/open": ([], _page(make_document(61))),
    "/tdm": ([("tdm-reservation", "1")], _page(make_document(62))),
    "/noai": ([], _page(make_document(63), '<meta name="robots" content="noai">')),
    "/gated/page": ([], _page(make_document(65))),
    "/private/secret": ([], _page("never to be fetched")),
    "/private/after-redirect": ([], _page("never to be fetched either")),
    "/archive/old": ([], _page("reserved for text and data mining")),
    "/huge": ([], _page(make_document(64, words=200_000))),
}


@dataclass
class Site:
    port: int
    requests: list[tuple[float, str]] = field(default_factory=list)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def paths(self) -> list[str]:
        return [path for _, path in self.requests]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # The crawler hangs up on a body past --max-bytes: expected, and the
        # default traceback on stderr would land in the CLI output under test.
        if not isinstance(sys.exception(), ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve_site() -> Iterator[Site]:
    site = Site(0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((time.monotonic(), self.path))
            if self.path == "/robots.txt":
                self._send(200, "text/plain", ROBOTS)
            elif self.path == "/.well-known/tdmrep.json":
                self._send(200, "application/json", TDMREP)
            elif self.path == "/moved":
                self._send(302, "text/html", b"", [("Location", "/private/after-redirect")])
            elif self.path == "/paper.pdf":
                self._send(200, "application/pdf", b"%PDF-1.4 not kept")
            elif self.path in PAGES:
                headers, body = PAGES[self.path]
                self._send(200, "text/html; charset=utf-8", body, headers)
            else:
                self._send(404, "text/plain", b"not found")

        def _send(
            self, status: int, kind: str, body: bytes, headers: list[tuple[str, str]] = ()
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass  # the log that matters is site.requests

    server = _QuietServer(("127.0.0.1", 0), Handler)
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
