"""Parquet files, read a batch of rows at a time."""

from __future__ import annotations

from collections.abc import Iterator

from lineage.crawl.items import Blob, Reader, ReadOptions, ReadResult
from lineage.crawl.readers.rows import NumberedRow, items_from_rows
from lineage.errors import InputError

BATCH_ROWS = 2048


def read_parquet(blob: Blob, options: ReadOptions) -> ReadResult:
    return items_from_rows(blob.locator, _rows(blob), options.text_field)


def _rows(blob: Blob) -> Iterator[NumberedRow]:
    # Imported here: pyarrow takes a tenth of a second to load, and most corpora hold no Parquet.
    import pyarrow.parquet as pq

    with blob.open() as stream:
        try:
            number = 0
            for batch in pq.ParquetFile(stream).iter_batches(batch_size=BATCH_ROWS):
                for row in batch.to_pylist():
                    number += 1
                    yield number, row
        except (OSError, ValueError) as exc:
            raise InputError(f"{blob.locator}: not a readable Parquet file: {exc}") from exc


READER = Reader("parquet", frozenset({".parquet"}), read_parquet)
