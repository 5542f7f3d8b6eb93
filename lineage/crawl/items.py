"""What readers yield, and the interface every reader implements.

A reader is one module per input format (see `lineage.crawl.readers`): it gets a `Blob`, a
named source of bytes (a file now; an archive member is another kind of blob), and yields
complete items, each with everything ingest records of it, or problems with single items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from lineage.crawl.rights import EmbeddedRights
from lineage.vocabulary import LicenseOrigin, RecordKind


@dataclass(frozen=True, slots=True)
class ContentItem:
    """One unit of content and what its blob says about it: its own licence, where that was
    read (a row's field, an SPDX header, image metadata), its source URL, and the rights it
    carries in its own metadata."""

    locator: str
    kind: RecordKind
    data: bytes
    text: str | None = None
    license: str | None = None
    license_origin: LicenseOrigin = LicenseOrigin.RECORD
    source_uri: str | None = None
    rights: EmbeddedRights | None = None


@dataclass(frozen=True, slots=True)
class ItemProblem:
    """A row or document that could not be read; the rest of the blob still is."""

    locator: str
    error_type: str
    reason: str


class Blob(Protocol):
    """A named source of bytes that a reader reads, once."""

    @property
    def locator(self) -> str:
        """How the blob is named in locators (`label/path`)."""
        ...

    @property
    def name(self) -> str:
        """Its file name, whose suffix chose the reader."""
        ...

    def open(self) -> BinaryIO:
        """A binary stream of the content; raises InputError when it cannot be opened."""
        ...

    def read(self) -> bytes:
        """The whole content, within a size limit; raises InputError past it."""
        ...


@dataclass(frozen=True)
class ReadOptions:
    """What the user told the readers: the field that holds the text in tables."""

    text_field: str | None = None


ReadResult = Iterator[ContentItem | ItemProblem]


@dataclass(frozen=True)
class Reader:
    """A format: the file suffixes it claims, and the function that reads a blob of it.
    `read` raises InputError for a problem with the whole blob."""

    name: str
    suffixes: frozenset[str]
    read: Callable[[Blob, ReadOptions], ReadResult]
