"""JSON Lines: one object a line, read as a stream; a bad line is a problem of its own."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from lineage.crawl.items import Blob, ItemProblem, Reader, ReadOptions, ReadResult
from lineage.crawl.readers.rows import NumberedRow, items_from_rows
from lineage.errors import InputError
from lineage.fingerprint import decode_text
from lineage.vocabulary import line_locator


def read_jsonl(blob: Blob, options: ReadOptions) -> ReadResult:
    return items_from_rows(blob.locator, _rows(blob), options.text_field)


def _rows(blob: Blob) -> Iterator[NumberedRow]:
    with blob.open() as stream:
        for number, raw in enumerate(stream, start=1):
            if raw.strip():
                yield number, _parse_line(raw, line_locator(blob.locator, number))


def _parse_line(raw: bytes, locator: str) -> Mapping[str, Any] | ItemProblem:
    try:
        value = json.loads(decode_text(raw, locator))
    except InputError as exc:
        return ItemProblem(locator, "invalid-utf8", str(exc))
    except json.JSONDecodeError as exc:
        return ItemProblem(locator, "invalid-json", f"{locator}: {exc.msg} at column {exc.colno}")
    if not isinstance(value, dict):
        return ItemProblem(locator, "not-an-object", f"{locator}: a line must hold a JSON object")
    return value


READER = Reader("jsonl", frozenset({".jsonl"}), read_jsonl)
