"""Table rows into items: the text field, and the row's own licence and source URL.

Shared by the table readers (JSON Lines, JSON, CSV, Parquet), which yield numbered rows.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any

from lineage.crawl.items import ContentItem, ItemProblem, ReadResult
from lineage.errors import InputError
from lineage.vocabulary import LicenseOrigin, RecordKind, row_locator

TEXT_FIELD_CANDIDATES = ("text", "content", "body", "document", "passage", "article")
LICENSE_FIELD_CANDIDATES = ("license", "licence", "license_id", "license_spdx")
URL_FIELD_CANDIDATES = ("url", "source_url", "uri", "link")

# A row by its number (from 1), or why it could not be read.
NumberedRow = tuple[int, Mapping[str, Any] | ItemProblem]

# JSON nested past Python's recursion limit (about a thousand levels) is refused: no real row
# nests so deep, and a hostile one would exhaust the stack.
TOO_DEEP = "JSON nested too deeply (over about 1,000 levels), not read"
# A NUL character is binary data, never text: a corrupt file or one mistaken for text.
NUL_IN_TEXT = "holds NUL characters: binary data, not text"
# Python refuses to convert integers of more digits (quadratic time); json raises ValueError.
TOO_LONG_NUMBER = f"a JSON number of over {sys.get_int_max_str_digits():,} digits, not read"


def items_from_rows(
    file_locator: str, rows: Iterable[NumberedRow], text_field: str | None
) -> ReadResult:
    """A text item per row, from `text_field` or, without one, the first row's conventional
    text field; a table with no such field raises InputError."""
    field = text_field
    for number, row in rows:
        if isinstance(row, ItemProblem):
            yield row
            continue
        locator = row_locator(file_locator, number)
        field = field or detect_text_field(row)
        if field is None:
            raise InputError(_missing_text_reason(file_locator, None, row))
        text = row.get(field)
        if not isinstance(text, str):
            yield ItemProblem(locator, "no-text-field", _missing_text_reason(locator, field, row))
            continue
        if "\0" in text:
            yield ItemProblem(locator, "not-text", f"{locator}: {NUL_IN_TEXT}")
            continue
        yield ContentItem(
            locator,
            RecordKind.TEXT,
            text.encode("utf-8"),
            text=text,
            license=first_string(row, LICENSE_FIELD_CANDIDATES),
            license_origin=LicenseOrigin.RECORD,
            source_uri=url_of(row),
        )


def detect_text_field(row: Mapping[str, Any]) -> str | None:
    """The field that holds the text, by its conventional name; guessing from the values
    would ingest names or labels as documents, so other tables need --text-field."""
    for name in TEXT_FIELD_CANDIDATES:
        if isinstance(row.get(name), str):
            return name
    return None


def _missing_text_reason(locator: str, field: str | None, row: Mapping[str, Any]) -> str:
    if field is None:
        fields = ", ".join(sorted(key for key, value in row.items() if isinstance(value, str)))
        return (
            f"{locator}: no text field (text, content, ...); "
            f"name one of [{fields}] with --text-field"
        )
    return f"{locator}: field {field!r} is missing or not a string"


def first_string(row: Mapping[str, Any], names: Iterable[str]) -> str | None:
    for name in names:
        value = row.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def url_of(row: Mapping[str, Any]) -> str | None:
    value = first_string(row, URL_FIELD_CANDIDATES)
    if value and value.lower().startswith(("http://", "https://")):
        return value
    return None
