"""The words the lineage database stores, one enumeration per column that holds them, and
the grammar of the locators that name an item inside a corpus.

Members are `StrEnum`s: they are the strings stored, compare equal to them and print as
them, so rows written before these enumerations existed read back as members' values.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import unquote_to_bytes


class RecordKind(StrEnum):
    """`records.kind`: what a unit of content is, which decides how it is fingerprinted."""

    TEXT = "text"
    IMAGE = "image"


class LicenseOrigin(StrEnum):
    """`occurrences.license_origin` and `license_evidence.origin`: where a licence was read."""

    RECORD = "record"  # the record's own field (a JSONL or Parquet column)
    SPDX_HEADER = "spdx-header"
    IMAGE_METADATA = "image-metadata"
    ARGUMENT = "argument"  # ingest --license
    CARD = "card"  # the dataset card's front matter
    CARD_SECTION = "card-section"  # a "License" section of the card's body
    DATASET_INFO = "dataset-info"  # the dataset_info.json of a save_to_disk folder
    LICENSE_FILE = "license-file"
    UNKNOWN = "unknown"


# Licences a record carries itself, as opposed to inheriting a declaration for its folder.
RECORD_ORIGINS = (LicenseOrigin.RECORD, LicenseOrigin.SPDX_HEADER, LicenseOrigin.IMAGE_METADATA)


class EvidenceRole(StrEnum):
    """`license_evidence.role`: a declaration of a licence, or a licence found in the data."""

    DECLARED = "declared"
    FOUND = "found"


class TrainingUse(StrEnum):
    """`records.training_use`: what a work's own metadata says of AI training, in C2PA's words."""

    NOT_ALLOWED = "notAllowed"  # a reservation of rights
    CONSTRAINED = "constrained"
    ALLOWED = "allowed"

    @property
    def strictness(self) -> int:
        return _STRICTNESS[self]


_STRICTNESS = {TrainingUse.ALLOWED: 0, TrainingUse.CONSTRAINED: 1, TrainingUse.NOT_ALLOWED: 2}


class SourceKind(StrEnum):
    """`sources.kind`, from the source URI's scheme."""

    WEB = "web"
    HUB = "hub"
    VENDOR = "vendor"
    LOCAL = "local"


class RunStatus(StrEnum):
    """`ingest_runs.status`; a run left `running` is one whose process died."""

    RUNNING = "running"
    COMPLETED = "completed"
    PARTIAL = "partial"
    INTERRUPTED = "interrupted"


class LicenseCategory(StrEnum):
    """`licenses.category`, from most to least permissive (the order is the ranking)."""

    PUBLIC_DOMAIN = "public-domain"
    PERMISSIVE = "permissive"
    WEAK_COPYLEFT = "weak-copyleft"
    STRONG_COPYLEFT = "strong-copyleft"
    NON_COMMERCIAL = "non-commercial"
    NO_DERIVATIVES = "no-derivatives"
    USE_RESTRICTED = "use-restricted"
    PROPRIETARY = "proprietary"
    UNKNOWN = "unknown"


class DatasetOperation(StrEnum):
    """`dataset_derivations.operation`: how a dataset version was made from its parents."""

    FILTER = "filter"
    DEDUP = "dedup"
    SUBSET = "subset"
    MIX = "mix"
    TRANSLATION = "translation"
    SYNTHETIC = "synthetic"
    OTHER = "other"


class ModelRelation(StrEnum):
    """`model_derivations.relation`: how a model was made from its base."""

    FINE_TUNE = "fine-tune"
    CONTINUED_PRETRAINING = "continued-pretraining"
    DISTILLATION = "distillation"
    MERGE = "merge"
    QUANTIZATION = "quantization"
    ADAPTER = "adapter"


class AcquisitionChannel(StrEnum):
    """`dataset_versions.channel`: how the provider obtained a dataset version, which alone
    places it in a section of the EU public summary (2.1 to 2.6)."""

    PUBLIC_DATASET = "public-dataset"
    LICENSED = "licensed"  # commercially licensed from rights holders or their representatives
    THIRD_PARTY_PRIVATE = "third-party-private"  # other private data from third parties
    CRAWLED = "crawled"  # crawled or scraped by or for the provider
    USER_DATA = "user-data"
    SYNTHETIC = "synthetic"
    OTHER = "other"


class SafetyVerdict(StrEnum):
    """A reviewer's verdict on a sampled item in the corpus safety check."""

    PASS = "pass"
    FAIL = "fail"  # harmful or otherwise unsuitable, not illegal
    ILLEGAL = "illegal"


class EventKind(StrEnum):
    """`events.kind`: what changed the lineage."""

    INGEST = "ingest"
    REGISTER = "register"
    DERIVE = "derive"
    DELETE = "delete"
    EXPORT = "export"


class CrawlFactKind(StrEnum):
    """What a web archive says besides content: a site's policy file, or the crawler's agent."""

    ROBOTS_TXT = "robots.txt"
    TDMREP = "tdmrep.json"
    USER_AGENT = "user-agent"


# Locators: `LABEL/PATH` names a file under a corpus root named LABEL (a single-file root is
# `LABEL` alone); `!/NAME` a member of an archive, inside a file or another member; a fragment
# after `#` names an item inside it, such as `#row=N`.
# A name is spelt as it is, but for `%` (written `%25`) and the bytes of a name that are not
# UTF-8 (written `%XX`): every locator is valid text, and a name's bytes can be recovered.
FRAGMENT = "#"
MEMBER = "!/"
_ESCAPED_BYTES = range(0xDC80, 0xDD00)  # how Python reads undecodable bytes of a file name


def name_in_locator(name: str) -> str:
    """A file or member name as locators spell it (`%` and non-UTF-8 bytes escaped).

    >>> name_in_locator("notes.txt"), name_in_locator("100%.txt")
    ('notes.txt', '100%25.txt')
    >>> import os
    >>> name_in_locator(os.fsdecode(b"bad-\\xff.txt"))
    'bad-%FF.txt'
    """
    if "%" not in name and name.isascii():
        return name  # nearly every name: nothing to escape
    return "".join(_escaped(char) for char in name)


def _escaped(char: str) -> str:
    if char == "%":
        return "%25"
    if ord(char) in _ESCAPED_BYTES:
        return f"%{ord(char) - 0xDC00:02X}"
    return char


def name_bytes(spelt: str) -> bytes:
    """The bytes of a name as a locator spells it: the inverse of `name_in_locator`.

    >>> name_bytes("bad-%FF.txt"), name_bytes("100%25.txt")
    (b'bad-\\xff.txt', b'100%.txt')
    """
    return unquote_to_bytes(spelt)


def row_locator(file_locator: str, number: int) -> str:
    """The locator of row `number` (from 1) of a table file."""
    return f"{file_locator}{FRAGMENT}row={number}"


def line_locator(file_locator: str, number: int) -> str:
    """The locator of line `number` (from 1) of a JSON Lines file."""
    return f"{file_locator}{FRAGMENT}line={number}"


def member_locator(archive_locator: str, name: str) -> str:
    """The locator of member `name` of the archive at `archive_locator`."""
    return f"{archive_locator}{MEMBER}{name_in_locator(name)}"


def file_of(locator: str) -> str:
    """The corpus file of a locator: `label/a.tar` of `label/a.tar!/b.jsonl#row=N`."""
    return locator.partition(FRAGMENT)[0].partition(MEMBER)[0]


def containers_of(locator: str) -> list[str]:
    """The file, and each member inside it, that hold what a locator names, outermost first:
    `a.tar`, `a.tar!/b.zip`, `a.tar!/b.zip!/c.txt` of `a.tar!/b.zip!/c.txt#row=2`."""
    parts = locator.partition(FRAGMENT)[0].split(MEMBER)
    return [MEMBER.join(parts[: depth + 1]) for depth in range(len(parts))]


def is_under(locator: str, root_labels: list[str]) -> bool:
    """Whether a locator names something under one of the roots labelled so."""
    path = file_of(locator)
    return any(path == label or path.startswith(f"{label}/") for label in root_labels)
