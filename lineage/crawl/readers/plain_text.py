"""Plain text and Markdown files: one document each, with an SPDX header's licence."""

from __future__ import annotations

from lineage.crawl.items import Blob, ContentItem, Reader, ReadOptions, ReadResult
from lineage.crawl.readers.rows import NUL_IN_TEXT
from lineage.errors import InputError
from lineage.fingerprint import decode_text
from lineage.licenses.detection import spdx_header
from lineage.vocabulary import LicenseOrigin, RecordKind

# An SPDX-License-Identifier line counts only near the top of a file, where headers go.
SPDX_HEADER_WINDOW = 4096


def read_text(blob: Blob, _options: ReadOptions) -> ReadResult:
    data = blob.read()
    text = decode_text(data, blob.locator)
    if "\0" in text:
        raise InputError(f"{blob.locator}: {NUL_IN_TEXT}")
    header = spdx_header(text[:SPDX_HEADER_WINDOW])
    yield ContentItem(
        blob.locator,
        RecordKind.TEXT,
        data,
        text=text,
        license=header.spdx if header is not None else None,
        license_origin=LicenseOrigin.SPDX_HEADER,
    )


READER = Reader("text", frozenset({".txt", ".md"}), read_text)
