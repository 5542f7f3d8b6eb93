"""JSON Lines: one object a line, read as a stream; a bad line is a problem of its own."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from lineage.crawl.items import Blob, ItemProblem, Reader, ReadOptions, ReadResult
from lineage.crawl.readers.rows import TOO_DEEP, TOO_LONG_NUMBER, NumberedRow, items_from_rows
from lineage.errors import InputError
from lineage.fingerprint import decode_text
from lineage.vocabulary import line_locator

# A line of a row's text and fields; a longer one is refused without being held in memory.
MAX_LINE_BYTES = 64 * 1024 * 1024


def read_jsonl(blob: Blob, options: ReadOptions) -> ReadResult:
    return items_from_rows(blob.locator, _rows(blob), options.text_field)


def _rows(blob: Blob) -> Iterator[NumberedRow]:
    with blob.open() as stream:
        for number, raw in enumerate(_lines(stream), start=1):
            locator = line_locator(blob.locator, number)
            if raw is None:
                reason = f"{locator}: a line longer than {MAX_LINE_BYTES} bytes, not read"
                yield number, ItemProblem(locator, "line-too-long", reason)
            elif raw.strip():
                yield number, _parse_line(raw, locator)


def _lines(stream: BinaryIO) -> Iterator[bytes | None]:
    """The stream's lines, each read within MAX_LINE_BYTES; None for one longer, whose rest
    is skipped a block at a time."""
    while line := stream.readline(MAX_LINE_BYTES + 1):
        if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
            yield line
            continue
        while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
            pass
        yield None


def _parse_line(raw: bytes, locator: str) -> Mapping[str, Any] | ItemProblem:
    try:
        value = json.loads(decode_text(raw, locator))
    except InputError as exc:
        return ItemProblem(locator, "invalid-utf8", str(exc))
    except json.JSONDecodeError as exc:
        return ItemProblem(locator, "invalid-json", f"{locator}: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return ItemProblem(locator, "too-deep", f"{locator}: {TOO_DEEP}")
    except ValueError:
        return ItemProblem(locator, "number-too-long", f"{locator}: {TOO_LONG_NUMBER}")
    if not isinstance(value, dict):
        return ItemProblem(locator, "not-an-object", f"{locator}: a line must hold a JSON object")
    return value


READER = Reader("jsonl", frozenset({".jsonl"}), read_jsonl)
