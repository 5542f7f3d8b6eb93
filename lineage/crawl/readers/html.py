"""HTML pages (`.html`, `.htm`): the page's main text, as `resiliparse` extracts it (chosen by
`bench/warc_tools.py`: eleven times trafilatura's speed, the same recall, no boilerplate)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lineage.crawl.items import Blob, ContentItem, Reader, ReadOptions, ReadResult, Skipped
from lineage.crawl.web_rights import page_rights
from lineage.vocabulary import LicenseOrigin, RecordKind

HTML_TYPES = ("text/html", "application/xhtml+xml")


def decoded(page: bytes, declared_type: str | None = None) -> str:
    """An HTML page as text, by its declared encoding or else the one detected."""
    # Imported here: only corpora with web pages load resiliparse.
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    return bytes_to_str(page, _charset(declared_type) or detect_encoding(page) or "utf-8")


def main_text(tree: Any) -> str:
    """A parsed page's main text: boilerplate (navigation, sidebars, footers) left out."""
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(tree, main_content=True).strip()


def _charset(content_type: str | None) -> str | None:
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def page_item(
    locator: str,
    page: bytes,
    content_type: str | None,
    source_uri: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> ContentItem | Skipped:
    """A page as a text record of its main text, with the rights signals of its headers and
    its HTML; passed over where it has no main text."""
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(decoded(page, content_type))  # once, for the text and the tags
    text = main_text(tree)
    if not text:
        return Skipped(locator, "web page with no main text")
    return ContentItem(
        locator,
        RecordKind.TEXT,
        text.encode(),
        text=text,
        license_origin=LicenseOrigin.RECORD,
        source_uri=source_uri,
        rights=page_rights(headers or {}, tree),
    )


def read_html(blob: Blob, _options: ReadOptions) -> ReadResult:
    yield page_item(blob.locator, blob.read(), None)


READER = Reader("html", frozenset({".html", ".htm"}), read_html)
