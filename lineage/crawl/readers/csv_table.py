"""CSV files with a header row, each further row a row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from lineage.crawl.items import Blob, Reader, ReadOptions, ReadResult
from lineage.crawl.readers.rows import NumberedRow, items_from_rows
from lineage.errors import InputError

# A cell may hold a whole document: allow fields as large as a file may be.
MAX_FIELD_BYTES = 512 * 1024 * 1024


def read_csv(blob: Blob, options: ReadOptions) -> ReadResult:
    return items_from_rows(blob.locator, _rows(blob), options.text_field)


def _rows(blob: Blob) -> Iterator[NumberedRow]:
    csv.field_size_limit(MAX_FIELD_BYTES)
    try:
        with io.TextIOWrapper(blob.open(), encoding="utf-8-sig", newline="") as handle:
            # Strict: a quote never closed would otherwise swallow every row after it into
            # one field, silently.
            table = csv.DictReader(handle, strict=True)
            try:
                yield from enumerate(table, start=1)
            except csv.Error as exc:
                line = table.line_num
                raise InputError(f"{blob.locator}: malformed CSV at line {line}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{blob.locator}: invalid UTF-8 ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(f"{blob.locator}: cannot read: {exc.strerror}") from exc


READER = Reader("csv", frozenset({".csv"}), read_csv)
