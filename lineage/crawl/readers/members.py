"""The members of an archive (tar or zip) read as files, under the guards every archive gets.

A member is refused, as a problem of its own, when its name is absolute or climbs out with
`..`, when it is a link or a device, when it would decompress past the limits, or when the
archive has more members than allowed; nothing is ever extracted to disk. Members are read
by the reader of their own suffix, archives inside archives to `max_depth`.

Members that share a sample key (the name up to the first dot of its last part, as WebDataset
shards lay out `000123.jpg`, `000123.txt`, `000123.json`) and sit together form a sample: its
`.json` member is metadata, whose URL and licence go to every other member of the sample.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

from lineage.crawl.items import (
    Blob,
    ContentItem,
    ItemProblem,
    ReadEntry,
    Reader,
    ReadOptions,
    ReadResult,
    Skipped,
)
from lineage.crawl.readers.rows import first_string, url_of
from lineage.crawl.streams import MemoryBlob, StreamBlob
from lineage.errors import InputError
from lineage.vocabulary import LicenseOrigin, member_locator

# Members this small are read whole as they stream by, so a sample can be read together; a
# sample is read once it holds this many members or bytes, whatever follows.
SAMPLE_MEMBER_BYTES = 16 * 1024 * 1024
SAMPLE_MEMBERS = 64
SAMPLE_BYTES = 64 * 1024 * 1024
LICENSE_KEYS = ("license", "licence", "license_id", "license_spdx")


@dataclass(frozen=True)
class Member:
    """A regular file inside an archive: its name and size, how to open it as a stream, and
    how to read it whole (for a small one: a stream costs more than such a member's bytes)."""

    name: str
    size: int
    open: Callable[[], BinaryIO]
    read: Callable[[], bytes]


# A member to read, or what was refused or passed over instead.
Entry = Member | ItemProblem | Skipped
# The reader of a member by its name (the registry's lookup, handed in: the registry imports
# the archive readers).
ReaderOf = Callable[[str], Reader | None]


def refusal(name: str, kind: str | None, size: int, options: ReadOptions) -> str | None:
    """Why a member must not be read, if it must not: `kind` names a member that is not a
    regular file (a link, a device), None for one that is."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
        return f"member name {name!r} is absolute or leaves the archive"
    if kind is not None and kind != "directory":
        return f"{kind} member (not followed)"
    if size > options.limits.max_member_bytes:
        return f"{size} bytes is over the {options.limits.max_member_bytes} byte member limit"
    return None


def read_members(
    archive: Blob,
    entries: Iterable[Entry],
    options: ReadOptions,
    reader_of: ReaderOf,
) -> ReadResult:
    """The items of an archive's members, in order; the archive's own problems raise."""
    options = replace(options, depth=options.depth + 1)  # the members' depth
    sample: list[MemoryBlob] = []
    sample_key: str | None = None
    total = 0
    for entry in entries:
        if not isinstance(entry, Member):
            yield entry
            continue
        total += entry.size
        if total > options.limits.max_archive_bytes:
            raise InputError(
                f"{archive.locator}: members over {options.limits.max_archive_bytes} bytes in all"
            )
        locator = member_locator(archive.locator, entry.name)
        key = sample_key_of(entry.name)
        full = len(sample) >= SAMPLE_MEMBERS or sum(len(b.content) for b in sample) > SAMPLE_BYTES
        if key != sample_key or full:
            yield from _read_sample(sample, options, reader_of)
            sample, sample_key = [], key
        if entry.size <= SAMPLE_MEMBER_BYTES:
            try:
                content = entry.read()
            except InputError as exc:
                yield ItemProblem(locator, type(exc).__name__, str(exc), whole=True)
                continue
            sample.append(MemoryBlob(locator, posixpath.basename(entry.name), content))
        else:
            yield from _read_sample(sample, options, reader_of)
            sample, sample_key = [], None
            with entry.open() as stream:
                blob = StreamBlob(locator, posixpath.basename(entry.name), stream, options.limits)
                yield from _read_member(blob, options, reader_of)
    yield from _read_sample(sample, options, reader_of)


def sample_key_of(name: str) -> str:
    """`dir/000123` of `dir/000123.jpg` and `dir/000123.seg.png`."""
    folder, base = posixpath.split(name)
    return posixpath.join(folder, base.split(".", 1)[0])


def _read_sample(sample: list[MemoryBlob], options: ReadOptions, reader_of: ReaderOf) -> ReadResult:
    metadata_blob = next((blob for blob in sample if blob.name.endswith(".json")), None)
    if metadata_blob is None or len(sample) == 1:
        for blob in sample:
            yield from _read_member(blob, options, reader_of)
        return
    try:
        metadata = _sample_metadata(metadata_blob)
    except InputError as exc:
        yield ItemProblem(metadata_blob.locator, "InputError", str(exc), whole=True)
        metadata = {}
    for blob in sample:
        if blob is not metadata_blob:
            for entry in _read_member(blob, options, reader_of):
                yield _with_sample_metadata(entry, metadata)


def _sample_metadata(blob: MemoryBlob) -> dict[str, Any]:
    try:
        value = json.loads(blob.content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{blob.locator}: sample metadata is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise InputError(f"{blob.locator}: sample metadata must be a JSON object")
    return {str(key).lower(): field for key, field in value.items()}


def _with_sample_metadata(entry: ReadEntry, metadata: dict[str, Any]) -> ReadEntry:
    """The sample's URL and licence on an item, where the item's own content names none."""
    if not isinstance(entry, ContentItem):
        return entry
    license = first_string(metadata, LICENSE_KEYS)
    changes: dict[str, Any] = {}
    if entry.source_uri is None and (url := url_of(metadata)) is not None:
        changes["source_uri"] = url
    if entry.license is None and license is not None:
        changes |= {"license": license, "license_origin": LicenseOrigin.RECORD}
    return replace(entry, **changes) if changes else entry


def _read_member(blob: Blob, options: ReadOptions, reader_of: ReaderOf) -> ReadResult:
    """One member by the reader of its name; its problems are its own, not the archive's."""
    reader = reader_of(blob.name)
    if reader is None:
        suffix = posixpath.splitext(blob.name)[1] or "(none)"
        yield Skipped(blob.locator, f"unsupported file type {suffix}")
        return
    if reader.is_archive and options.depth >= options.limits.max_depth:
        reason = f"{blob.locator}: archives nested more than {options.limits.max_depth} deep"
        yield ItemProblem(blob.locator, "RefusedMember", reason, whole=True)
        return
    try:
        yield from reader.read(blob, options)
    except InputError as exc:
        yield ItemProblem(blob.locator, type(exc).__name__, str(exc), whole=True)


# What an archive module lists of each member: its name, its kind (None for a regular file),
# its size, and how to open it and read it whole.
Listed = tuple[str, str | None, int, Callable[[], BinaryIO], Callable[[], bytes]]


def members_of(archive: Blob, listed: Iterable[Listed], options: ReadOptions) -> Iterator[Entry]:
    """Each listed member as a member to read, or refused: a kind names a member that is not
    a regular file; directories and hidden members are left out."""
    for count, (name, kind, size, opener, reader) in enumerate(listed, start=1):
        if count > options.limits.max_members:
            yield ItemProblem(
                archive.locator,
                "InputError",
                f"{archive.locator}: more than {options.limits.max_members} members; "
                "the rest are not read",
            )
            return
        reason = refusal(name, kind, size, options)
        if reason is not None:
            locator = member_locator(archive.locator, name)
            yield ItemProblem(locator, "RefusedMember", f"{locator}: {reason}", whole=True)
        elif kind != "directory" and not any(part.startswith(".") for part in name.split("/")):
            yield Member(name, size, opener, reader)
