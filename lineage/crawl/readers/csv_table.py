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
            yield from _numbered(table, blob.locator)
    except UnicodeDecodeError as exc:
        raise InputError(f"{blob.locator}: invalid UTF-8 ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(f"{blob.locator}: cannot read: {exc.strerror}") from exc


def _numbered(table: csv.DictReader, locator: str) -> Iterator[NumberedRow]:
    """The table's rows, numbered; a malformed one named by the line it starts on, where an
    unclosed quote opened (the reader only fails at the end of the file)."""
    number, starts = 0, 1
    try:
        table.fieldnames  # noqa: B018 (reads the header, so that a row's first line is known)
        while True:
            starts = table.reader.line_num + 1
            row = next(table, None)
            if row is None:
                return
            number += 1
            yield number, row
    except csv.Error as exc:
        ends = table.reader.line_num  # the DictReader's own count stops at the last good row
        where = f"line {starts}" if starts >= ends else f"lines {starts}-{ends}"
        raise InputError(f"{locator}: malformed CSV row at {where}: {exc}") from exc


READER = Reader("csv", frozenset({".csv"}), read_csv)
