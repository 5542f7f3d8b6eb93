"""Walking corpus folders: which files hold content, and which describe it (cards, licences).

Each content file comes with the reader of its format and what its folder says of its
licence, so that ingest reads everything about a file from what the walk yields.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from lineage.crawl import save_to_disk, splits
from lineage.crawl.cards import Card, parse_card
from lineage.crawl.items import Reader, Skipped
from lineage.crawl.license_evidence import (
    LICENSE_FILE_STEMS,
    card_evidence,
    license_file_evidence,
    license_files_in,
)
from lineage.crawl.readers import reader_for
from lineage.crawl.splits import Placement, SplitRule
from lineage.errors import InputError
from lineage.licenses import Evidence
from lineage.vocabulary import name_in_locator

# Files that say something about the corpus rather than being part of it.
CARD_FILE_NAME = "README.md"
CARD_FILE_NAMES = frozenset({CARD_FILE_NAME.lower()})
# A whole-file read is refused past this size; a dataset card's, past the second.
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_CARD_BYTES = 16 * 1024 * 1024
# What a read asks for once past a file's size, should it have grown since it was opened.
READ_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class CorpusFile:
    """A content file (a `Blob` for its reader), with a locator that is stable wherever the
    corpus is ingested from. Its path is kept as the string the walk found: a Path per file
    of a large corpus would cost more than reading a small one, so `path` is made only when
    asked for."""

    os_path: str
    locator: str
    reader: Reader
    root: CorpusRoot

    @cached_property
    def path(self) -> Path:
        return Path(self.os_path)

    @property
    def name(self) -> str:
        return os.path.basename(self.os_path)

    @property
    def folder_locator(self) -> str:
        """The locator of the folder the file is in: files of one folder share a licence."""
        return self.locator.rpartition("/")[0]

    @cached_property
    def _stat(self) -> os.stat_result | None:
        try:
            return os.stat(self.os_path)
        except OSError:
            return None

    @property
    def size(self) -> int:
        """Bytes of the file; 0 for one that cannot be read, which its reading then reports."""
        return self._stat.st_size if self._stat is not None else 0

    @property
    def modified_at(self) -> float | None:
        """When the file was last written (seconds since the epoch), where it can be read."""
        return self._stat.st_mtime if self._stat is not None else None

    def open(self) -> BinaryIO:
        return os.fdopen(self._descriptor()[0], "rb")

    def _descriptor(self) -> tuple[int, int]:
        """The file, opened without following a link or waiting on a FIFO put in its place
        since the walk, and its size; refused unless it is a regular file."""
        try:
            descriptor = os.open(self.os_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as exc:
            raise InputError(f"{self.locator}: cannot read: {exc.strerror}") from exc
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            os.close(descriptor)
            raise InputError(f"{self.locator}: not a regular file, not read")
        self.__dict__.setdefault("_stat", status)  # the file as read: no second stat
        return descriptor, status.st_size

    def read(self) -> bytes:
        """The whole file, in as few system calls as can be (a corpus may be millions of small
        files)."""
        descriptor, size = self._descriptor()
        try:
            if size > MAX_FILE_BYTES:
                raise InputError(f"{self.locator}: {size} bytes is over the {MAX_FILE_BYTES} limit")
            data = _read_whole(descriptor, size)
        except OSError as exc:
            raise InputError(f"{self.locator}: cannot read: {exc.strerror}") from exc
        finally:
            os.close(descriptor)
        if len(data) > MAX_FILE_BYTES:
            raise InputError(f"{self.locator}: grew past the {MAX_FILE_BYTES} limit while read")
        return data

    @cached_property
    def placement(self) -> Placement:
        """The Hugging Face configuration and split the file is in: by its root's card, or by
        the `save_to_disk` metadata beside it; none for a plain folder."""
        return self.root.placement(self.locator)

    def folder_licenses(self) -> Iterator[Evidence]:
        """What the licence files in this file's folder and above it (up to the root) are,
        nearest first; each file is read once per crawl, and only when asked for."""
        for path in self.root.license_files_for(self.path):
            yield self.root.license_evidence(path)


def _read_whole(descriptor: int, size: int) -> bytes:
    """What is left of an open file of `size` bytes: one read of its size and one that finds
    the end (then more, should it have grown), up to one byte past MAX_FILE_BYTES."""
    chunks: list[bytes] = []
    total = 0
    while total <= MAX_FILE_BYTES:
        chunk = os.read(descriptor, size + 1 - total if total <= size else READ_CHUNK_BYTES)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class CorpusRoot:
    """One PATH given to `ingest`: a folder or a single file, named in locators by `label`."""

    path: Path
    label: str
    _license_files: dict[Path, list[Path]] = field(default_factory=dict, compare=False, repr=False)
    _license_evidence: dict[Path, Evidence] = field(default_factory=dict, compare=False, repr=False)
    _states: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    _info_licenses: dict[Path, str | None] = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    def locator(self, path: Path) -> str:
        """How a file under this root is named in locators."""
        if not self.is_folder:
            return self.label
        return f"{self.label}/{path.relative_to(self.path).as_posix()}"

    @cached_property
    def is_folder(self) -> bool:
        """Asked once: every file of the root would otherwise stat it again."""
        return self.path.is_dir()

    @cached_property
    def uri(self) -> str:
        """The root as a file: URI, the source of what it holds unless told otherwise."""
        return self.path.as_uri()

    @cached_property
    def folder(self) -> Path:
        return self.path if self.is_folder else self.path.parent

    @property
    def card(self) -> Card | None:
        """The dataset card (README.md with front matter) at the top of the root folder; None
        also for one that cannot be read, which `card_problem` then gives."""
        read = self._card_read
        return read if isinstance(read, Card) else None

    @property
    def card_problem(self) -> InputError | None:
        """Why the root's card could not be read: a problem of that file, not of the run."""
        read = self._card_read
        return read if isinstance(read, InputError) else None

    @property
    def card_locator(self) -> str:
        return self.locator(self.folder / CARD_FILE_NAME)

    @property
    def has_card_file(self) -> bool:
        """Whether the root has a card, readable or not (a README without front matter is
        content, not a card)."""
        return self._card_read is not None

    @cached_property
    def _card_read(self) -> Card | InputError | None:
        candidate = self.folder / CARD_FILE_NAME
        # A link is never followed, here as anywhere: the walk skips it as a link.
        if not self.is_folder or candidate.is_symlink() or not candidate.is_file():
            return None
        try:
            if candidate.stat().st_size > MAX_CARD_BYTES:
                raise InputError(f"{self.card_locator}: a card over {MAX_CARD_BYTES} bytes")
            text = candidate.read_text(encoding="utf-8", errors="replace")
            return parse_card(text, candidate, self.card_locator)
        except OSError as exc:
            return InputError(f"{self.card_locator}: cannot read: {exc.strerror}")
        except InputError as exc:
            return exc

    def license_files_for(self, path: Path) -> Iterator[Path]:
        """LICENSE/COPYING/NOTICE files in `path`'s folder and above it up to the root, nearest
        first; the caller takes the first whose text is a recognisable licence."""
        folder = path.parent
        while True:
            if folder not in self._license_files:
                self._license_files[folder] = license_files_in(folder)
            yield from self._license_files[folder]
            if folder == self.folder or folder == folder.parent:
                return
            folder = folder.parent

    def license_evidence(self, path: Path) -> Evidence:
        """What the licence file at `path` is, read once per crawl."""
        if path not in self._license_evidence:
            self._license_evidence[path] = license_file_evidence(path, self.locator(path))
        return self._license_evidence[path]

    @cached_property
    def split_rules(self) -> list[SplitRule] | None:
        """The card's configurations as rules; None without a card (then there are no splits)."""
        return splits.split_rules(self.card) if self.card is not None else None

    def placement(self, locator: str) -> Placement:
        """The configuration and split of the file at `locator` under this root: by its card,
        else by the `save_to_disk` metadata beside it."""
        if not locator.startswith(f"{self.label}/"):
            return None, None
        relative = locator[len(self.label) + 1 :]
        if self.split_rules is not None:
            return splits.placement(relative, self.split_rules)
        first, _, rest = relative.partition("/")
        if rest and first in self.saved_splits:
            return splits.DEFAULT_CONFIG, first
        # Sliced rather than a PurePosixPath: every file of a plain folder passes here.
        split = self._state_split(relative.rpartition("/")[0])
        return (splits.DEFAULT_CONFIG, split) if split else (None, None)

    @cached_property
    def saved_splits(self) -> list[str]:
        """The splits of a DatasetDict saved to disk at the root, each a folder."""
        return save_to_disk.dict_splits(self.path) if self.is_folder else []

    def _state_split(self, relative_folder: str) -> str | None:
        if relative_folder not in self._states:
            folder = self.folder / relative_folder
            self._states[relative_folder] = save_to_disk.state_split(folder)
        return self._states[relative_folder]

    def info_license(self, path: Path) -> str | None:
        """What the `dataset_info.json` nearest above `path` (up to the root) declares."""
        folder = path.parent
        while True:
            if folder not in self._info_licenses:
                self._info_licenses[folder] = save_to_disk.info_license(folder)
            if self._info_licenses[folder] or folder == self.folder or folder == folder.parent:
                return self._info_licenses[folder]
            folder = folder.parent

    def card_evidence(self) -> list[Evidence]:
        """What the root's card declares, with where it says so."""
        return card_evidence(self.card, self.locator(self.card.path)) if self.card else []


@dataclass(frozen=True)
class LicenseFile:
    """A LICENSE, COPYING or NOTICE file the walk found."""

    path: Path
    root: CorpusRoot

    @property
    def evidence(self) -> Evidence:
        return self.root.license_evidence(self.path)


@dataclass(frozen=True)
class DatasetInfo:
    """A `dataset_info.json` of a folder saved by `datasets`, which may declare a licence."""

    path: Path
    root: CorpusRoot

    @property
    def evidence(self) -> Evidence | None:
        return save_to_disk.info_evidence(self.path, self.root.locator(self.path))


@dataclass
class CorpusListing:
    """The roots of a crawl, and what walking them found besides content: licence files and
    skipped files, collected as `files()` streams the content files (so a corpus of millions
    of files is never held in memory)."""

    roots: list[CorpusRoot] = field(default_factory=list)
    license_files: list[LicenseFile] = field(default_factory=list)
    dataset_infos: list[DatasetInfo] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def files(self) -> Iterator[CorpusFile]:
        self.license_files, self.dataset_infos, self.skipped = [], [], []
        for classified in _classified(self.roots):
            if isinstance(classified, Skipped):
                self.skipped.append(classified)
            elif isinstance(classified, LicenseFile):
                self.license_files.append(classified)
            elif isinstance(classified, DatasetInfo):
                self.dataset_infos.append(classified)
            else:
                yield classified

    def count(self) -> tuple[int, int]:
        """How many content files there are and their bytes: a walk of its own, for a
        progress bar, which is the only reader."""
        files = total_bytes = 0
        for classified in _classified(self.roots):
            if isinstance(classified, CorpusFile):
                files += 1
                total_bytes += classified.size
        return files, total_bytes


def list_corpus(paths: list[Path]) -> CorpusListing:
    """The roots of `paths`, ready to walk."""
    for raw in paths:
        if not raw.exists():
            raise InputError(f"no such file or folder: {raw}")
    resolved = list(dict.fromkeys(raw.resolve() for raw in paths))
    return CorpusListing(
        [
            CorpusRoot(path, label)
            for path, label in zip(resolved, root_labels(resolved), strict=True)
        ]
    )


def _classified(
    roots: list[CorpusRoot],
) -> Iterator[CorpusFile | LicenseFile | DatasetInfo | Skipped]:
    """Every file under the roots as content, licence or skipped; the roots' cards left out."""
    for found, root in _found_files(roots):
        classified = _classify(root, found)
        if classified is not None:
            yield classified


def _found_files(roots: list[CorpusRoot]) -> Iterator[tuple[_Found, CorpusRoot]]:
    """Every file under the roots, in order; a file under two roots belongs to the first."""
    for index, root in enumerate(roots):
        earlier = roots[:index]
        for found in _walk(root):
            if not any(_contains(other, found.path) for other in earlier):
                yield found, root


def _contains(root: CorpusRoot, path: str) -> bool:
    top = str(root.path)
    return path == top or (root.is_folder and path.startswith(top.rstrip(os.sep) + os.sep))


def root_labels(roots: list[Path]) -> list[str]:
    """How each root is named in locators: its own name, unless two roots share a name, then
    its path from the folder all the roots have in common."""
    names = [name_in_locator(root.name) for root in roots]
    if len(set(names)) == len(names):
        return names
    common = Path(os.path.commonpath([root.parent for root in roots]))
    return [
        "/".join(name_in_locator(part) for part in root.relative_to(common).parts) for root in roots
    ]


@dataclass(slots=True)  # not frozen: one per file, and frozen init costs thrice
class _Found:
    """A file the walk found, with its name and locator worked out on strings."""

    path: str
    name: str
    locator: str
    top_level: bool
    is_link: bool
    # A FIFO, socket or device: never opened (reading a FIFO waits for a writer forever).
    is_special: bool = False


def _walk(root: CorpusRoot) -> Iterator[_Found]:
    """The root's files, depth first in name order, a folder's files before its subfolders;
    hidden entries are left out, and symbolic links are found but never followed."""
    if not root.is_folder:
        path = root.path
        special = not path.is_symlink() and _is_special(os.lstat(path).st_mode)
        yield _Found(str(path), path.name, root.label, True, path.is_symlink(), special)
        return
    top = f"{root.label}/"
    folders = [(str(root.path), top)]
    while folders:
        folder, prefix = folders.pop()
        subfolders = []
        for entry in _entries(folder):
            name = entry.name
            spelt = name_in_locator(name)
            if _is_folder(entry):
                subfolders.append((entry.path, f"{prefix}{spelt}/"))
            else:
                link = entry.is_symlink()
                special = not link and not _is_file(entry)
                yield _Found(entry.path, name, prefix + spelt, prefix == top, link, special)
        folders += reversed(subfolders)


def _entries(folder: str) -> list[os.DirEntry[str]]:
    """A folder's entries by name, hidden ones left out; none if it cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            return sorted((e for e in entries if not e.name.startswith(".")), key=_entry_name)
    except OSError:
        return []


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder, not a link to one; an entry that cannot be asked is taken for a file, whose
    reading then reports the problem."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    """A regular file, by the type the listing gave (no system call, where the file system
    gives types); an entry that cannot be asked is taken for one, whose reading then reports
    the problem."""
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return True


def _is_special(mode: int) -> bool:
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode))


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _classify(
    root: CorpusRoot, found: _Found
) -> CorpusFile | LicenseFile | DatasetInfo | Skipped | None:
    """A content or licence file, a file skipped and why, or None for metadata (the root's
    card, what `save_to_disk` writes beside its Arrow files)."""
    name = found.name.lower()
    if name in CARD_FILE_NAMES and found.top_level and root.has_card_file:
        return None  # the root's card (one that cannot be read is reported by ingest)
    if save_to_disk.is_metadata(found.path, name, found.top_level):
        return DatasetInfo(Path(found.path), root) if name == save_to_disk.INFO_FILE else None
    if found.is_link:
        return Skipped(found.path, "symbolic link (not followed)")
    if found.is_special:
        return Skipped(found.path, "special file (FIFO, socket or device), not opened")
    if os.path.splitext(name)[0] in LICENSE_FILE_STEMS:
        return LicenseFile(Path(found.path), root)
    reader = reader_for(name)
    if reader is None:
        suffix = os.path.splitext(found.name)[1] or "(none)"
        return Skipped(found.path, f"unsupported file type {suffix}")
    return CorpusFile(found.path, found.locator, reader, root)
