"""Compressed files (`.gz`, `.bz2`, `.xz`, `.zst`) around any format a reader knows: the
inner reader reads the decompressed stream, under the bomb guard of `lineage.crawl.streams`."""

from __future__ import annotations

from functools import cache

from lineage.crawl.items import Blob, Reader, ReadOptions, ReadResult
from lineage.crawl.streams import CODECS, DecompressedBlob

CODEC_SUFFIXES = frozenset(CODECS)


@cache
def compressed(inner: Reader, codec: str) -> Reader:
    """`inner`'s format compressed with `codec` (a suffix of CODECS)."""

    def read_compressed(blob: Blob, options: ReadOptions) -> ReadResult:
        limits = options.limits
        # A compressed archive is the archive's whole stream; anything else one member's.
        most = limits.max_archive_bytes if inner.is_archive else limits.max_member_bytes
        yield from inner.read(DecompressedBlob(blob, codec, most, limits), options)

    suffixes = frozenset(suffix + codec for suffix in inner.suffixes)
    return Reader(f"{inner.name}{codec}", suffixes, read_compressed, inner.is_archive)
