"""Zip archives: members read through `zipfile`, never extracted; a zip inside another
archive is read from memory, within the limit for content read whole."""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from lineage.crawl.items import Blob, ReadOptions, ReadResult
from lineage.crawl.readers.members import Listed, ReaderOf, members_of, read_members
from lineage.crawl.streams import guarded, read_whole
from lineage.errors import InputError
from lineage.vocabulary import member_locator

ZIP_SUFFIXES = frozenset({".zip"})
_ENCRYPTED = 0x1


def zip_reader(reader_of: ReaderOf) -> Callable[[Blob, ReadOptions], ReadResult]:
    def read_zip(blob: Blob, options: ReadOptions) -> ReadResult:
        with blob.open() as stream:
            seekable = stream if stream.seekable() else io.BytesIO(blob.read())
            try:
                archive = zipfile.ZipFile(seekable)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise InputError(f"{blob.locator}: not a readable zip archive: {exc}") from exc
            with archive:
                listed = _listed(archive, blob.locator, options)
                yield from read_members(blob, members_of(blob, listed, options), options, reader_of)

    return read_zip


def _listed(archive: zipfile.ZipFile, locator: str, options: ReadOptions) -> Iterator[Listed]:
    for info in archive.infolist():
        opener = _opener(archive, info, locator, options)
        name = member_locator(locator, info.filename)
        yield info.filename, _kind(info), info.file_size, opener, _reader(opener, name, options)


def _reader(opener: Callable[[], BinaryIO], name: str, options: ReadOptions) -> Callable[[], bytes]:
    def read_member() -> bytes:
        with opener() as stream:
            return read_whole(stream, options.limits.max_whole_bytes, name)

    return read_member


def _kind(info: zipfile.ZipInfo) -> str | None:
    file_type = stat.S_IFMT(info.external_attr >> 16)  # 0 where the zip says nothing
    if info.is_dir():
        return "directory"
    if file_type == stat.S_IFLNK:
        return "link"
    if file_type and file_type != stat.S_IFREG:
        return "device or special file"
    if info.flag_bits & _ENCRYPTED:
        return "encrypted"
    return None


def _opener(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, locator: str, options: ReadOptions
) -> Callable[[], BinaryIO]:
    """The member's stream, guarded by its compressed size: the sizes a zip declares can lie."""

    def open_member() -> BinaryIO:
        try:
            stream = archive.open(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
            raise InputError(f"{locator}: cannot open member {info.filename!r}: {exc}") from exc
        limits = options.limits
        member = member_locator(locator, info.filename)
        compressed = max(1, info.compress_size)
        return guarded(stream, member, limits, limits.max_member_bytes, lambda: compressed)

    return open_member
