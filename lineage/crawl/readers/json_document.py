"""JSON files: an array of objects (or one object), each a row."""

from __future__ import annotations

import json
from collections.abc import Iterator

from lineage.crawl.items import Blob, ItemProblem, Reader, ReadOptions, ReadResult
from lineage.crawl.readers.rows import TOO_DEEP, TOO_LONG_NUMBER, NumberedRow, items_from_rows
from lineage.errors import InputError
from lineage.fingerprint import decode_text
from lineage.vocabulary import row_locator


def read_json(blob: Blob, options: ReadOptions) -> ReadResult:
    return items_from_rows(blob.locator, _rows(blob), options.text_field)


def _rows(blob: Blob) -> Iterator[NumberedRow]:
    try:
        value = json.loads(decode_text(blob.read(), blob.locator))
    except json.JSONDecodeError as exc:
        raise InputError(f"{blob.locator}: invalid JSON: {exc.msg} at line {exc.lineno}") from exc
    except RecursionError as exc:
        raise InputError(f"{blob.locator}: {TOO_DEEP}") from exc
    except ValueError as exc:
        raise InputError(f"{blob.locator}: {TOO_LONG_NUMBER}") from exc
    rows = value if isinstance(value, list) else [value]
    for number, row in enumerate(rows, start=1):
        if isinstance(row, dict):
            yield number, row
        else:
            locator = row_locator(blob.locator, number)
            yield number, ItemProblem(locator, "not-an-object", f"{locator}: not a JSON object")


READER = Reader("json", frozenset({".json"}), read_json)
