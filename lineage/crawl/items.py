"""What readers yield, and the interface every reader implements.

A reader is one module per input format (see `lineage.crawl.readers`): it gets a `Blob`, a
named source of bytes (a file, a decompressed stream, an archive member), and yields complete
items, each with everything ingest records of it, problems with single items, and what it
passed over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol

from lineage.crawl.rights import EmbeddedRights
from lineage.vocabulary import CrawlFactKind, LicenseOrigin, RecordKind


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
    # When it was collected, and the hash of the bytes fetched where it was derived from them.
    collected_at: datetime | None = None
    payload_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class CrawlFact:
    """What a web archive said besides content: a site's robots.txt or tdmrep.json response,
    or the user agent its crawler announced (`body`), read at `locator`."""

    locator: str
    kind: CrawlFactKind
    uri: str | None
    body: str
    warc_record_id: str | None = None
    fetched_at: datetime | None = None
    http_status: int | None = None


@dataclass(frozen=True, slots=True)
class ItemProblem:
    """A row, document or archive member that could not be read; the rest of the blob still
    is. `whole` says the content at `locator` could not be read at all (a member refused), so
    what was recorded there before is unknown, not gone."""

    locator: str
    error_type: str
    reason: str
    whole: bool = False


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or archive member passed over, and why: not content, or of no supported type."""

    path: str
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
class ReadLimits:
    """Bounds on what one blob may make the readers do, against decompression bombs and
    archives built to exhaust memory or time. What passes a bound is refused as a problem."""

    # Content read whole into memory: a text file, an image, a JSON document, a Parquet file.
    max_whole_bytes: int = 512 * 1024 * 1024
    # What one compressed file or archive member may decompress to, streamed.
    max_member_bytes: int = 16 * 1024**3
    # What one archive may decompress to, all its members together.
    max_archive_bytes: int = 64 * 1024**3
    # Decompressed bytes per compressed byte, judged once `ratio_floor` bytes have come out
    # (text compresses 3 to 10 times; a bomb of zeros a thousand times).
    max_ratio: float = 200.0
    ratio_floor: int = 16 * 1024 * 1024
    max_members: int = 1_000_000
    # Archives inside archives: this many levels in all.
    max_depth: int = 2


DEFAULT_LIMITS = ReadLimits()


@dataclass(frozen=True)
class ReadOptions:
    """What the user told the readers (the field that holds the text in tables, the limits),
    and how deep inside archives a blob is."""

    text_field: str | None = None
    limits: ReadLimits = DEFAULT_LIMITS
    depth: int = 0


ReadEntry = ContentItem | ItemProblem | Skipped | CrawlFact
ReadResult = Iterator[ReadEntry]


@dataclass(frozen=True)
class Reader:
    """A format: the file suffixes it claims, and the function that reads a blob of it.
    `read` raises InputError for a problem with the whole blob. An archive's members are
    blobs of their own, read by their own readers."""

    name: str
    suffixes: frozenset[str]
    read: Callable[[Blob, ReadOptions], ReadResult]
    is_archive: bool = False
