"""Tar archives, and WebDataset shards, read as a stream of members by libarchive (through
`libarchive-c`), in one pass, nothing extracted; compressed tars come here through their
codec, so that every decompression passes the bomb guard. libarchive parses a member's header
in a few microseconds, where Python's `tarfile` takes forty or more: in a shard of small files
that is most of the work."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from lineage.crawl.items import Blob, ReadOptions, ReadResult
from lineage.crawl.readers.members import Listed, ReaderOf, members_of, read_members
from lineage.crawl.streams import guarded
from lineage.errors import InputError
from lineage.vocabulary import member_locator

TAR_SUFFIXES = frozenset({".tar"})
BLOCK_BYTES = 1 << 16


def tar_reader(reader_of: ReaderOf) -> Callable[[Blob, ReadOptions], ReadResult]:
    def read_tar(blob: Blob, options: ReadOptions) -> ReadResult:
        # Imported here: only corpora with tar archives load the C library.
        import libarchive

        with blob.open() as stream:
            source = _Source(stream)
            try:
                # Tar alone, no decompression filter: codecs are the streams' work, guarded.
                with libarchive.stream_reader(
                    source, format_name="tar", filter_name="none", block_size=BLOCK_BYTES
                ) as archive:
                    listed = _listed(archive, blob.locator, options)
                    yield from read_members(
                        blob, members_of(blob, listed, options), options, reader_of
                    )
            except libarchive.ArchiveError as exc:
                raise source.failure or InputError(
                    f"{blob.locator}: not a readable tar archive: {exc.msg}"
                ) from exc
            if source.failure is not None:
                raise source.failure

    return read_tar


class _Source(io.RawIOBase):
    """The archive's stream as libarchive reads it. A Python exception cannot pass through
    libarchive's C code, so a failure (a bomb refused) ends the stream, and is raised again
    once libarchive has returned."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.failure: InputError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.failure is not None:
            return 0
        try:
            data = self.stream.read(len(buffer))
        except InputError as exc:
            self.failure = exc
            return 0
        # libarchive's buffer is a ctypes array, whose memoryview copies bytes one by one
        # unless cast to plain bytes first.
        memoryview(buffer).cast("B")[: len(data)] = data
        return len(data)


def _listed(archive: Any, locator: str, options: ReadOptions) -> Iterator[Listed]:
    for entry in archive:
        name = entry.pathname
        opener = _opener(entry, member_locator(locator, name), options)
        yield name, _kind(entry), entry.size or 0, opener, _reader(entry)


def _kind(entry: Any) -> str | None:
    if entry.isreg:
        return None
    if entry.isdir:
        return "directory"
    if entry.issym or entry.islnk:
        return "link"
    return "device or special file"


def _reader(entry: Any) -> Callable[[], bytes]:
    """The member's bytes in one read: its size is exact, and small members are asked for."""
    return lambda: b"".join(entry.get_blocks(BLOCK_BYTES))


def _opener(entry: Any, name: str, options: ReadOptions) -> Callable[[], BinaryIO]:
    """The member's bytes as a stream, for one too large to hold."""
    return lambda: guarded(
        _Blocks(entry.get_blocks(BLOCK_BYTES)), name, options.limits, entry.size or 0
    )


class _Blocks(io.RawIOBase):
    """A stream over the blocks libarchive gives of a member."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self.blocks = blocks
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.pending:
            self.pending = next(self.blocks, b"")
            if not self.pending:
                return 0
        count = min(len(buffer), len(self.pending))
        buffer[:count], self.pending = self.pending[:count], self.pending[count:]
        return count
