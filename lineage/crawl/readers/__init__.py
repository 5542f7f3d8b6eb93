"""The readers, one module per input format. Adding a format is a module that defines a
`Reader` and one line in `READERS`."""

from __future__ import annotations

from lineage.crawl.items import Reader
from lineage.crawl.readers import csv_table, image, json_document, jsonl, parquet, plain_text

READERS: tuple[Reader, ...] = (
    plain_text.READER,
    jsonl.READER,
    json_document.READER,
    csv_table.READER,
    parquet.READER,
    image.READER,
)
_BY_SUFFIX = {suffix: reader for reader in READERS for suffix in reader.suffixes}


def reader_for(name: str) -> Reader | None:
    """The reader of a file by its name's suffix; None for a format no reader knows."""
    # Sliced rather than os.path.splitext, which costs more than a small file's reading.
    return _BY_SUFFIX.get(name[name.rfind(".") :].lower())


__all__ = ["READERS", "reader_for"]
