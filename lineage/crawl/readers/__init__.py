"""The readers, one module per input format. Adding a format is a module that defines a
`Reader` and one line in `READERS`. Any of them may also come compressed (`.gz`, `.bz2`,
`.xz`, `.zst`), and inside archives, whose members are read by the reader of their names."""

from __future__ import annotations

from lineage.crawl.items import Reader
from lineage.crawl.readers import (
    arrow,
    csv_table,
    html,
    image,
    json_document,
    jsonl,
    parquet,
    plain_text,
    warc,
)
from lineage.crawl.readers.compressed import CODEC_SUFFIXES, compressed
from lineage.crawl.readers.tar import TAR_SUFFIXES, tar_reader
from lineage.crawl.readers.zip import ZIP_SUFFIXES, zip_reader

# Names that abbreviate a compressed format.
ALIASES = {".tgz": ".tar.gz"}


def reader_for(name: str) -> Reader | None:
    """The reader of a file by its name's suffix (and the compression around it); None for a
    format no reader knows."""
    # Sliced rather than os.path.splitext, which costs more than a small file's reading.
    suffix = name[name.rfind(".") :].lower()
    reader = _BY_SUFFIX.get(suffix)
    if reader is not None:
        return reader
    if suffix in ALIASES:
        return reader_for(name[: -len(suffix)] + ALIASES[suffix])
    if suffix in CODEC_SUFFIXES:
        inner = reader_for(name[: -len(suffix)])
        return compressed(inner, suffix) if inner is not None else None
    return None


READERS: tuple[Reader, ...] = (
    plain_text.READER,
    jsonl.READER,
    json_document.READER,
    csv_table.READER,
    parquet.READER,
    arrow.READER,
    image.READER,
    html.READER,
    warc.READER,
    Reader("tar", TAR_SUFFIXES, tar_reader(reader_for), is_archive=True),
    Reader("zip", ZIP_SUFFIXES, zip_reader(reader_for), is_archive=True),
)
_BY_SUFFIX = {suffix: reader for reader in READERS for suffix in reader.suffixes}

__all__ = ["READERS", "reader_for"]
