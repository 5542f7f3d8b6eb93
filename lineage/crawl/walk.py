"""Walking corpus folders: which files hold content, and which describe it (cards, licences)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from lineage.crawl.cards import Card, parse_card
from lineage.errors import InputError

TEXT_SUFFIXES = frozenset({".txt", ".md"})
TABLE_SUFFIXES = frozenset({".jsonl", ".json", ".csv", ".parquet"})
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})
# Files that say something about the corpus rather than being part of it.
LICENSE_FILE_STEMS = frozenset({"license", "licence", "copying", "notice", "unlicense"})
CARD_FILE_NAMES = frozenset({"readme.md"})


class FileKind(StrEnum):
    TEXT = "text"
    TABLE = "table"
    IMAGE = "image"
    LICENSE = "license"


@dataclass(frozen=True)
class CorpusFile:
    """A content file, with a locator that is stable wherever the corpus is ingested from."""

    path: Path
    locator: str
    kind: FileKind
    root: CorpusRoot


@dataclass(frozen=True)
class SkippedFile:
    path: Path
    reason: str


@dataclass(frozen=True)
class CorpusRoot:
    """One PATH given to `ingest`: a folder or a single file, named in locators by `label`."""

    path: Path
    label: str
    _license_files: dict[Path, list[Path]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    def locator(self, path: Path) -> str:
        """How a file under this root is named in locators."""
        if self.path.is_file():
            return self.label
        return f"{self.label}/{path.relative_to(self.path).as_posix()}"

    @property
    def folder(self) -> Path:
        return self.path if self.path.is_dir() else self.path.parent

    @cached_property
    def card(self) -> Card | None:
        """The dataset card (README.md with front matter) at the top of the root folder."""
        candidate = self.folder / "README.md"
        if not self.path.is_dir() or not candidate.is_file():
            return None
        return parse_card(candidate.read_text(encoding="utf-8", errors="replace"), candidate)

    def license_files_for(self, path: Path) -> Iterator[Path]:
        """LICENSE/COPYING/NOTICE files in `path`'s folder and above it up to the root, nearest
        first; the caller takes the first whose text is a recognisable licence."""
        folder = path.parent
        while True:
            if folder not in self._license_files:
                self._license_files[folder] = _license_files_in(folder)
            yield from self._license_files[folder]
            if folder == self.folder or folder == folder.parent:
                return
            folder = folder.parent


@dataclass
class CorpusListing:
    roots: list[CorpusRoot] = field(default_factory=list)
    files: list[CorpusFile] = field(default_factory=list)
    license_files: list[CorpusFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def list_corpus(paths: list[Path]) -> CorpusListing:
    """Every content file under `paths`, in a deterministic order, and what was skipped and why."""
    listing = CorpusListing()
    for raw in paths:
        if not raw.exists():
            raise InputError(f"no such file or folder: {raw}")
    resolved = list(dict.fromkeys(raw.resolve() for raw in paths))
    seen: set[Path] = set()
    for path, label in zip(resolved, root_labels(resolved), strict=True):
        root = CorpusRoot(path, label)
        listing.roots.append(root)
        for found in _walk(root.path):
            if found not in seen:
                seen.add(found)
                _classify(root, found, listing)
    return listing


def locator_under(locator: str, root_labels: list[str]) -> bool:
    """Whether a locator (`label/path#row=N`, `label#...`) names something under these roots."""
    path = locator.partition("#")[0]
    return any(path == label or path.startswith(f"{label}/") for label in root_labels)


def root_labels(roots: list[Path]) -> list[str]:
    """How each root is named in locators: its own name, unless two roots share a name, then
    its path from the folder all the roots have in common."""
    names = [root.name for root in roots]
    if len(set(names)) == len(names):
        return names
    common = Path(os.path.commonpath([root.parent for root in roots]))
    return [root.relative_to(common).as_posix() for root in roots]


def _walk(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    for folder, subfolders, names in os.walk(path, followlinks=False):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(folder) / name


def _classify(root: CorpusRoot, path: Path, listing: CorpusListing) -> None:
    name = path.name.lower()
    if name in CARD_FILE_NAMES and path.parent == root.folder and root.card is not None:
        return
    if path.is_symlink():
        listing.skipped.append(SkippedFile(path, "symbolic link (not followed)"))
        return
    if Path(name).stem in LICENSE_FILE_STEMS:
        listing.license_files.append(CorpusFile(path, root.locator(path), FileKind.LICENSE, root))
        return
    kind = _kind_of(path.suffix.lower())
    if kind is None:
        listing.skipped.append(
            SkippedFile(path, f"unsupported file type {path.suffix or '(none)'}")
        )
        return
    listing.files.append(CorpusFile(path, root.locator(path), kind, root))


def _kind_of(suffix: str) -> FileKind | None:
    if suffix in TEXT_SUFFIXES:
        return FileKind.TEXT
    if suffix in TABLE_SUFFIXES:
        return FileKind.TABLE
    if suffix in IMAGE_SUFFIXES:
        return FileKind.IMAGE
    return None


def _license_files_in(folder: Path) -> list[Path]:
    """The folder's licence files, LICENSE-like names before NOTICE."""
    try:
        entries = [entry for entry in folder.iterdir() if _is_license_file(entry)]
    except OSError:
        return []
    return sorted(entries, key=lambda entry: (entry.stem.lower() == "notice", entry.name))


def _is_license_file(path: Path) -> bool:
    name = Path(path.name.lower())
    return name.stem in LICENSE_FILE_STEMS and path.is_file() and not path.is_symlink()
