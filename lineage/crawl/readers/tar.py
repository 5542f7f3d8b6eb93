"""Tar archives, and WebDataset shards, read as a stream of members (`tarfile` in stream
mode: one pass, nothing extracted); compressed tars come here through their codec."""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from lineage.crawl.items import Blob, ReadOptions, ReadResult
from lineage.crawl.readers.members import Listed, ReaderOf, members_of, read_members
from lineage.crawl.streams import guarded
from lineage.errors import InputError
from lineage.vocabulary import member_locator

TAR_SUFFIXES = frozenset({".tar"})


def tar_reader(reader_of: ReaderOf) -> Callable[[Blob, ReadOptions], ReadResult]:
    def read_tar(blob: Blob, options: ReadOptions) -> ReadResult:
        with blob.open() as stream:
            try:
                archive = tarfile.open(fileobj=stream, mode="r|")  # noqa: SIM115 - closed below
            except tarfile.TarError as exc:
                raise InputError(f"{blob.locator}: not a readable tar archive: {exc}") from exc
            with archive:
                listed = _listed(archive, blob.locator, options)
                yield from read_members(blob, members_of(blob, listed, options), options, reader_of)

    return read_tar


def _listed(archive: tarfile.TarFile, locator: str, options: ReadOptions) -> Iterator[Listed]:
    try:
        for member in archive:
            opener = _opener(archive, member, locator, options)
            yield member.name, _kind(member), member.size, opener, _reader(archive, member, locator)
    except tarfile.TarError as exc:
        raise InputError(f"{locator}: corrupt tar archive: {exc}") from exc


def _kind(member: tarfile.TarInfo) -> str | None:
    if member.isfile():
        return None
    if member.isdir():
        return "directory"
    if member.issym() or member.islnk():
        return "link"
    return "device or special file"


def _reader(archive: tarfile.TarFile, member: tarfile.TarInfo, locator: str) -> Callable[[], bytes]:
    """The member's bytes in one read: its size is exact, and small members were asked for."""

    def read_member() -> bytes:
        stream = archive.extractfile(member)
        try:
            return stream.read() if stream is not None else b""
        except (tarfile.TarError, OSError, EOFError) as exc:
            name = member_locator(locator, member.name)
            raise InputError(f"{name}: corrupt tar member: {exc}") from exc

    return read_member


def _opener(
    archive: tarfile.TarFile, member: tarfile.TarInfo, locator: str, options: ReadOptions
) -> Callable[[], BinaryIO]:
    """The member's stream: tar sizes are exact, but a truncated archive ends early."""

    def open_member() -> BinaryIO:
        stream = archive.extractfile(member)
        if stream is None:
            raise InputError(f"{locator}: member {member.name!r} has no content")
        name = member_locator(locator, member.name)
        return guarded(stream, name, options.limits, options.limits.max_member_bytes)

    return open_member
