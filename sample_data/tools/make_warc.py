"""Generate `web-crawl.warc.gz`: a small web archive as a crawler would write it, of pages the
`lineage` developers wrote for the sample (CC0-1.0): the site's robots.txt (closing its drafts
to GPTBot) and TDMRep file (reserving its archive), a page whose server says
`X-Robots-Tag: noai`, a page reserved by its `tdm-reservation: 1` header (with a policy), a
draft, an archived page, and a page with no reservation.

Deterministic: fixed record ids and dates, so running it again rewrites the same bytes.
"""

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OUTPUT = Path(__file__).parent.parent / "web-crawl.warc.gz"
SITE = "https://hedgerow-journal.example.org"
DATE = "2026-11-20T09:00:00Z"
ROBOTS = b"User-agent: *\nAllow: /\n\nUser-agent: GPTBot\nDisallow: /drafts/\n"
TDMREP = (
    b'[{"location": "/archive/*", "tdm-reservation": 1}, {"location": "/", "tdm-reservation": 0}]'
)

PAGES = [
    (
        "/notes/winter-hedges",
        [("X-Robots-Tag", "noai")],
        "Winter hedges",
        "In January the hedges are bare enough to read. You can see where the old laying cut "
        "the stems, where a gap was planted up, and which shrubs the birds stripped first.",
    ),
    (
        "/notes/spring-count",
        [("tdm-reservation", "1"), ("tdm-policy", f"{SITE}/tdm-policy.json")],
        "The spring count",
        "Twelve of us walked the parish lanes in April and counted the shrub species in every "
        "thirty-metre stretch. The oldest hedges held nine or ten; the newest held two.",
    ),
    (
        "/drafts/autumn-plan",
        [],
        "Plans for the autumn",
        "A draft for the committee: which lanes to lay this winter, who brings the billhooks, "
        "and whether the parish will lend the trailer again for the brash.",
    ),
    (
        "/archive/1998-survey",
        [],
        "The 1998 survey",
        "Transcribed from the typed sheets of the first survey: forty hedges measured by hand, "
        "with the farmers' names for each field written in the margins.",
    ),
    (
        "/notes/open-day",
        [],
        "Open day at the orchard",
        "The orchard opens its gates on the first Saturday of September. Bring a basket, a "
        "ladder if you have one, and a taste for cider apples that are not for eating.",
    ),
]


def page(title: str, text: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body>"
        "<nav><a href='/'>Journal</a> <a href='/notes'>Notes</a> <a href='/about'>About</a></nav>"
        f"<main><article><h1>{title}</h1><p>{text}</p></article></main>"
        "<footer>Hedgerow Journal, written by volunteers. Contact us.</footer></body></html>"
    ).encode()


def write() -> None:
    output = io.BytesIO()
    writer = WARCWriter(output, gzip=True)
    responses = [
        ("/robots.txt", [("Content-Type", "text/plain")], ROBOTS),
        ("/.well-known/tdmrep.json", [("Content-Type", "application/json")], TDMREP),
    ]
    responses += [
        (path, [("Content-Type", "text/html; charset=utf-8"), *extra], page(title, text))
        for path, extra, title, text in PAGES
    ]
    for number, (path, headers, body) in enumerate(responses, start=1):
        record = writer.create_warc_record(
            SITE + path,
            "response",
            payload=io.BytesIO(body),
            http_headers=StatusAndHeaders("200 OK", headers, "HTTP/1.1"),
            warc_headers_dict={
                "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>",
                "WARC-Date": DATE,
            },
        )
        writer.write_record(record)
    OUTPUT.write_bytes(output.getvalue())


if __name__ == "__main__":
    write()
