"""Arrow IPC files (`.arrow`, as `datasets.save_to_disk` writes them, and `.feather`): each
row a row, read a record batch at a time from the stream format, or from the file format."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO

from lineage.crawl.items import Blob, Reader, ReadOptions, ReadResult
from lineage.crawl.readers.rows import NumberedRow, items_from_rows
from lineage.crawl.streams import read_whole
from lineage.errors import InputError

# The file format starts with this; the stream format (what `datasets` writes) does not.
FILE_MAGIC = b"ARROW1"


def read_arrow(blob: Blob, options: ReadOptions) -> ReadResult:
    return items_from_rows(blob.locator, _rows(blob, options), options.text_field)


def _rows(blob: Blob, options: ReadOptions) -> Iterator[NumberedRow]:
    # Imported here: pyarrow takes a tenth of a second to load.
    import pyarrow as pa
    import pyarrow.ipc as ipc

    with blob.open() as stream:
        try:
            if _head(stream) == FILE_MAGIC:  # random access: read whole, within the limit
                whole = read_whole(stream, options.limits.max_whole_bytes, blob.locator)
                batches = _file_batches(ipc.open_file(io.BytesIO(whole)))
            else:
                batches = iter(ipc.open_stream(stream))
            number = 0
            for batch in batches:
                for row in batch.to_pylist():
                    number += 1
                    yield number, row
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise InputError(f"{blob.locator}: not a readable Arrow file: {exc}") from exc


def _file_batches(reader: Any) -> Iterator[Any]:
    for index in range(reader.num_record_batches):
        yield reader.get_batch(index)


def _head(stream: BinaryIO) -> bytes:
    """The stream's first bytes, left to be read again: blobs open as buffered or
    in-memory streams, which can look ahead or rewind."""
    if hasattr(stream, "peek"):
        return stream.peek(len(FILE_MAGIC))[: len(FILE_MAGIC)]
    head = stream.read(len(FILE_MAGIC))
    stream.seek(0)
    return head


READER = Reader("arrow", frozenset({".arrow", ".feather"}), read_arrow)
