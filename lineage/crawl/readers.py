"""Reading content files into items: one per document, table row or image."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lineage.crawl.rights import EmbeddedRights, read_embedded_rights
from lineage.crawl.walk import CorpusFile, FileKind
from lineage.errors import InputError
from lineage.licenses.detection import spdx_header

TEXT_FIELD_CANDIDATES = ("text", "content", "body", "document", "passage", "article")
LICENSE_FIELD_CANDIDATES = ("license", "licence", "license_id", "license_spdx")
URL_FIELD_CANDIDATES = ("url", "source_url", "uri", "link")
MAX_FILE_BYTES = 512 * 1024 * 1024
PARQUET_BATCH_ROWS = 2048
# An SPDX-License-Identifier line counts only near the top of a file, where headers go.
SPDX_HEADER_WINDOW = 4096


@dataclass(frozen=True)
class ContentItem:
    """One unit of content and what the file itself says about it: its own licence, where that
    was read (a row's field, an SPDX header, image metadata), and the rights it carries."""

    locator: str
    kind: str
    data: bytes
    text: str | None = None
    license: str | None = None
    license_origin: str = "record"
    source_uri: str | None = None
    rights: EmbeddedRights | None = None


@dataclass(frozen=True)
class ItemProblem:
    """A row or document that could not be read; the rest of the file still is."""

    locator: str
    error_type: str
    reason: str


def read_items(
    file: CorpusFile, text_field: str | None = None
) -> Iterator[ContentItem | ItemProblem]:
    """The items of `file`; problems with the whole file raise InputError."""
    if file.kind is FileKind.TABLE:
        rows = _table_rows(file)
        yield from _items_from_rows(file.locator, rows, text_field)
        return
    data = _read_bytes(file)
    if file.kind is FileKind.IMAGE:
        yield _image_item(file.locator, data)
    else:
        yield _text_item(file.locator, data)


def _image_item(locator: str, data: bytes) -> ContentItem:
    rights = read_embedded_rights(data)
    license = rights.license if rights is not None else None
    return ContentItem(
        locator, "image", data, license=license, license_origin="image-metadata", rights=rights
    )


def _text_item(locator: str, data: bytes) -> ContentItem:
    text = decode_utf8(data, locator)
    header = spdx_header(text[:SPDX_HEADER_WINDOW])
    license = header.spdx if header is not None else None
    return ContentItem(
        locator, "text", data, text=text, license=license, license_origin="spdx-header"
    )


def decode_utf8(data: bytes, locator: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{locator}: invalid UTF-8 at byte {exc.start} ({exc.reason})") from exc


def _read_bytes(file: CorpusFile) -> bytes:
    try:
        with open(file.os_path, "rb", buffering=0) as handle:  # read whole: no buffer needed
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise InputError(f"{file.locator}: {size} bytes is over the {MAX_FILE_BYTES} limit")
            return handle.readall()
    except OSError as exc:
        raise InputError(f"{file.locator}: cannot read: {exc.strerror}") from exc


RowResult = tuple[int, Mapping[str, Any] | ItemProblem]


def _table_rows(file: CorpusFile) -> Iterator[RowResult]:
    suffix = file.path.suffix.lower()
    if suffix == ".jsonl":
        return _jsonl_rows(file)
    if suffix == ".json":
        return _json_rows(file)
    if suffix == ".csv":
        return _csv_rows(file)
    return _parquet_rows(file)


def _jsonl_rows(file: CorpusFile) -> Iterator[RowResult]:
    try:
        handle = file.path.open("rb")
    except OSError as exc:
        raise InputError(f"{file.locator}: cannot read: {exc.strerror}") from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            yield number, _parse_json_line(raw, f"{file.locator}#line={number}")


def _parse_json_line(raw: bytes, locator: str) -> Mapping[str, Any] | ItemProblem:
    try:
        value = json.loads(decode_utf8(raw, locator))
    except InputError as exc:
        return ItemProblem(locator, "invalid-utf8", str(exc))
    except json.JSONDecodeError as exc:
        return ItemProblem(locator, "invalid-json", f"{locator}: {exc.msg} at column {exc.colno}")
    if not isinstance(value, dict):
        return ItemProblem(locator, "not-an-object", f"{locator}: a line must hold a JSON object")
    return value


def _json_rows(file: CorpusFile) -> Iterator[RowResult]:
    try:
        value = json.loads(decode_utf8(_read_bytes(file), file.locator))
    except json.JSONDecodeError as exc:
        raise InputError(f"{file.locator}: invalid JSON: {exc.msg} at line {exc.lineno}") from exc
    rows = value if isinstance(value, list) else [value]
    for number, row in enumerate(rows, start=1):
        if isinstance(row, dict):
            yield number, row
        else:
            locator = f"{file.locator}#row={number}"
            yield number, ItemProblem(locator, "not-an-object", f"{locator}: not a JSON object")


def _csv_rows(file: CorpusFile) -> Iterator[RowResult]:
    # A cell may hold a whole document: allow fields as large as a file may be.
    csv.field_size_limit(MAX_FILE_BYTES)
    try:
        with file.path.open(encoding="utf-8-sig", newline="") as handle:
            yield from enumerate(csv.DictReader(handle), start=1)
    except UnicodeDecodeError as exc:
        raise InputError(f"{file.locator}: invalid UTF-8 ({exc.reason})") from exc
    except csv.Error as exc:
        raise InputError(f"{file.locator}: malformed CSV: {exc}") from exc
    except OSError as exc:
        raise InputError(f"{file.locator}: cannot read: {exc.strerror}") from exc


def _parquet_rows(file: CorpusFile) -> Iterator[RowResult]:
    # Imported here: pyarrow takes a tenth of a second to load, and most corpora hold no Parquet.
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(file.path)
        number = 0
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for row in batch.to_pylist():
                number += 1
                yield number, row
    except (OSError, ValueError) as exc:
        raise InputError(f"{file.locator}: not a readable Parquet file: {exc}") from exc


def _items_from_rows(
    locator: str, rows: Iterable[RowResult], text_field: str | None
) -> Iterator[ContentItem | ItemProblem]:
    field = text_field
    for number, row in rows:
        row_locator = f"{locator}#row={number}"
        if isinstance(row, ItemProblem):
            yield row
            continue
        field = field or detect_text_field(row)
        if field is None:
            raise InputError(_missing_text_reason(locator, None, row))
        text = row.get(field)
        if not isinstance(text, str):
            yield ItemProblem(
                row_locator, "no-text-field", _missing_text_reason(row_locator, field, row)
            )
            continue
        yield ContentItem(
            row_locator,
            "text",
            text.encode("utf-8"),
            text=text,
            license=_first_string(row, LICENSE_FIELD_CANDIDATES),
            source_uri=_url_of(row),
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


def _first_string(row: Mapping[str, Any], names: Iterable[str]) -> str | None:
    for name in names:
        value = row.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _url_of(row: Mapping[str, Any]) -> str | None:
    value = _first_string(row, URL_FIELD_CANDIDATES)
    if value and value.lower().startswith(("http://", "https://")):
        return value
    return None
