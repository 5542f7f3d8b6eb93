"""Decompressing streams that refuse decompression bombs, and blobs made of them.

Compressed files and archive members are read as streams, never written to disk. Every
stream that decompresses counts what comes out of it against what went in: past a byte limit,
or past a ratio once enough has come out to judge, it raises InputError, so a few megabytes
that would expand to gigabytes are refused after a few megabytes of work.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from lineage.crawl.items import Blob, ReadLimits
from lineage.errors import InputError

# What a guarded stream reads from its source at once.
CHUNK_BYTES = 1 << 20


class ByteSource(Protocol):
    """Anything bytes are read from: a file, a decompressor, an archive member."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


# File suffixes of the compression formats, and how to decompress each from a stream.
# The caller closes what they open.
CODECS: dict[str, Callable[[io.BufferedReader], ByteSource]] = {
    ".gz": lambda raw: gzip.GzipFile(fileobj=raw, mode="rb"),
    ".bz2": lambda raw: bz2.BZ2File(raw, mode="rb"),
    ".xz": lambda raw: lzma.LZMAFile(raw, mode="rb"),  # noqa: SIM115
    ".zst": lambda raw: _zstd_reader(raw),
}


def _zstd_reader(raw: io.BufferedReader) -> ByteSource:
    # Imported here: only corpora with .zst files pay for the binding.
    import zstandard

    # Frames of several hundred MB window are legal but exhaust memory: 128 MiB at most.
    decompressor = zstandard.ZstdDecompressor(max_window_size=1 << 27)
    return decompressor.stream_reader(raw, read_across_frames=True)


class CountingReader(io.RawIOBase):
    """A raw stream that counts the bytes read through it: what went into a decompressor."""

    def __init__(self, raw: ByteSource) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


class GuardedReader(io.RawIOBase):
    """What comes out of a decompressor or an archive member. Past `max_bytes` it is refused,
    and, where `consumed` tells how many compressed bytes went in so far, past
    `limits.max_ratio` bytes out per byte in once `limits.ratio_floor` bytes have come out.
    Any failure of the source on corrupt data is an InputError that names the blob."""

    def __init__(
        self,
        source: ByteSource,
        locator: str,
        limits: ReadLimits,
        max_bytes: int,
        consumed: Callable[[], int] | None = None,
    ) -> None:
        self.source = source
        self.locator = locator
        self.limits = limits
        self.max_bytes = max_bytes
        self.consumed = consumed
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:  # a chunk at a time, so that no read makes more than a chunk past a limit
            data = self.source.read(min(len(buffer), CHUNK_BYTES))
        except InputError:
            raise
        # Decompressors and archive readers fail on hostile data in many ways (zlib, lzma,
        # zstd, zipfile's CRC check, tarfile's truncation): each is corrupt content.
        except Exception as exc:
            raise InputError(f"{self.locator}: corrupt data: {exc}") from exc
        buffer[: len(data)] = data
        self.produced += len(data)
        self._check()
        return len(data)

    def _check(self) -> None:
        if self.produced > self.max_bytes:
            raise InputError(f"{self.locator}: over {self.max_bytes} bytes, the limit")
        if self.consumed is not None and self.produced > self.limits.ratio_floor:
            ratio = self.produced / max(1, self.consumed())
            if ratio > self.limits.max_ratio:
                raise InputError(
                    f"{self.locator}: decompresses over {self.limits.max_ratio:g} times its "
                    "size (a decompression bomb?)"
                )

    def close(self) -> None:
        self.source.close()
        super().close()


def guarded(
    source: ByteSource,
    locator: str,
    limits: ReadLimits,
    max_bytes: int,
    consumed: Callable[[], int] | None = None,
) -> io.BufferedReader:
    """A buffered stream over `source` that GuardedReader bounds, a chunk at a time: archive
    readers ask for headers of a few hundred bytes, which a small buffer would pass on."""
    raw = GuardedReader(source, locator, limits, max_bytes, consumed)
    return io.BufferedReader(raw, buffer_size=CHUNK_BYTES)


def read_whole(stream: BinaryIO, limit: int, locator: str) -> bytes:
    """All of `stream`, refused past `limit` bytes; read a chunk at a time, so that memory
    grows with what the stream gives, not with the limit."""
    content = bytearray()
    while chunk := stream.read(CHUNK_BYTES):
        content += chunk
        if len(content) > limit:
            raise InputError(f"{locator}: over the {limit} byte limit for content read whole")
    return bytes(content)


@dataclass(frozen=True)
class DecompressedBlob:
    """The content of a compressed blob: named without the compression suffix, read through
    the codec and the guard."""

    compressed: Blob
    codec: str
    max_bytes: int
    limits: ReadLimits

    @property
    def locator(self) -> str:
        return self.compressed.locator

    @property
    def name(self) -> str:
        return self.compressed.name[: -len(self.codec)]

    def open(self) -> BinaryIO:
        counter = CountingReader(self.compressed.open())
        decompressed = CODECS[self.codec](io.BufferedReader(counter))
        return guarded(
            decompressed, self.locator, self.limits, self.max_bytes, lambda: counter.count
        )

    def read(self) -> bytes:
        with self.open() as stream:
            return read_whole(stream, self.limits.max_whole_bytes, self.locator)


@dataclass(frozen=True)
class MemoryBlob:
    """Content already read (a small archive member), with the locator and name it had."""

    locator: str
    name: str
    content: bytes

    def open(self) -> BinaryIO:
        return io.BytesIO(self.content)

    def read(self) -> bytes:
        return self.content


@dataclass(frozen=True)
class StreamBlob:
    """An archive member read as it streams out of the archive: opened once, read once."""

    locator: str
    name: str
    stream: BinaryIO
    limits: ReadLimits

    def open(self) -> BinaryIO:
        return self.stream

    def read(self) -> bytes:
        return read_whole(self.stream, self.limits.max_whole_bytes, self.locator)
