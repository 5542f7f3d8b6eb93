"""Dataset and model cards: Markdown files with YAML front matter, as on the Hugging Face hub."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from lineage.errors import InputError
from lineage.licenses import (
    UNKNOWN_LICENSE,
    detect_license_text,
    normalize_license,
    recognised_license,
)

FRONT_MATTER_FENCE = "---"
_SECTION_HEADING = re.compile(r"^(?P<level>#{1,6})\s*(?P<title>[^\n]*)$", re.M)
_LICENSE_TITLE = re.compile(r"licen[cs]", re.I)
_URL = re.compile(r"https?://[^\s)>\]]+")
# The name runs to the end of the clause; a dot counts only inside a version ("4.0").
_LICENSED_UNDER = re.compile(
    r"(?:licen[cs]ed|released|distributed|published|available)\s+under\s+"
    r"(?:the\s+(?:terms\s+of\s+(?:the\s+)?)?)?(?P<name>(?:[^.;\n()\[\]]|\.(?=\d))+)",
    re.I,
)


@dataclass(frozen=True)
class BodyLicense:
    """A licence named in the card body's "License" section, and that section's span."""

    spdx: str
    start: int
    end: int


@dataclass(frozen=True)
class Card:
    """The front matter of a card, with the Markdown body that follows it."""

    path: Path
    metadata: dict[str, Any] = field(default_factory=dict)
    body: str = ""

    def strings(self, key: str) -> list[str]:
        """A field of STRING_LIST_FIELDS (a string or a list of strings) as a list."""
        value = self.metadata.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return [str(item) for item in value if item is not None]

    @property
    def license(self) -> str | None:
        """The front matter's licence; `other` is resolved through `license_name` as the hub
        does, or through `license_link` where the link names a known licence."""
        declared = self.metadata.get("license")
        if isinstance(declared, list):
            declared = " AND ".join(str(item) for item in declared)
        if declared == "other":
            name, link = self.metadata.get("license_name"), self.metadata.get("license_link")
            if name:
                return str(name)
            if link and recognised_license([str(link)]):
                return str(link)
        return str(declared) if declared is not None else None

    @cached_property
    def body_license(self) -> BodyLicense | None:
        """The licence the body's "License" section names: a full text or SPDX header, a
        licence URL, or "licensed under NAME"; only names of known licences count."""
        section = _license_section(self.body)
        if section is None:
            return None
        text = self.body[section[0] : section[1]]
        match = detect_license_text(text)
        candidates = [url.rstrip(".,") for url in _URL.findall(text)]
        candidates += [found.group("name").strip() for found in _LICENSED_UNDER.finditer(text)]
        spdx = match.spdx if match is not None else recognised_license(candidates)
        return None if spdx is None else BodyLicense(spdx, *section)

    @property
    def declared_license(self) -> str | None:
        """What the card declares: its front matter, unless that says nothing ("unknown",
        "other"), then its body's licence section."""
        if self.license and normalize_license(self.license) != UNKNOWN_LICENSE:
            return self.license
        return self.body_license.spdx if self.body_license is not None else None


def _license_section(text: str) -> tuple[int, int] | None:
    """The span of the first Markdown section whose heading speaks of a licence."""
    headings = list(_SECTION_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        if not _LICENSE_TITLE.search(heading.group("title")):
            continue
        level = len(heading.group("level"))
        later = (h.start() for h in headings[index + 1 :] if len(h.group("level")) <= level)
        return heading.end(), next(later, len(text))
    return None


# Fields that name other datasets and models, each a string or a list of them.
STRING_LIST_FIELDS = ("source_datasets", "datasets", "base_model")
# A card's front matter: its length, and the values it may expand to through YAML aliases.
MAX_FRONT_MATTER_CHARS = 1024 * 1024
MAX_CARD_NODES = 100_000


def split_front_matter(text: str) -> tuple[str | None, str]:
    """The YAML between the opening `---` fences (None when there is none) and the body."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return None, text
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == FRONT_MATTER_FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return None, text


def parse_card(text: str, path: Path, locator: str | None = None) -> Card | None:
    """The card in `text`, or None when the text has no front matter; errors name the card
    by `locator` (its path by default). The front matter is read by `huggingface_hub`, as the
    hub reads it; the fences are found here, to tell a card without front matter from one
    whose front matter is empty, and to keep the body's span."""
    where = locator or str(path)
    front, body = split_front_matter(text)
    if front is None:
        return None
    if not front.strip():
        return Card(path=path, metadata={}, body=body)
    # Imported here: huggingface_hub takes a sixth of a second to load, and yaml 10 ms, which
    # only cards pay.
    import yaml
    from huggingface_hub import RepoCard

    try:
        _check_expansion(front, where)
        metadata = RepoCard(text.lstrip("\ufeff")).data.to_dict()
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: front matter is not valid YAML: {exc}") from exc
    except ValueError as exc:  # the hub's word for front matter that is not a mapping
        raise InputError(f"{where}: front matter must be a mapping of fields ({exc})") from exc
    for key in (*STRING_LIST_FIELDS, "license"):
        if not _string_or_list(metadata.get(key)):
            raise InputError(
                f"{where}: front matter field {key!r} must be a string or a list of strings"
            )
    return Card(path=path, metadata=metadata, body=body)


def _string_or_list(value: Any) -> bool:
    """A field the hub reads as a string or a list of them: a mapping there (`license: {a: 1}`)
    would otherwise be stored as the text of the mapping."""
    if isinstance(value, list):
        return all(isinstance(item, str | int | float | None) for item in value)
    return isinstance(value, str | None)


def _check_expansion(front: str, where: str) -> None:
    """Refuse front matter that is too long, or whose aliases would expand it past
    MAX_CARD_NODES nodes: a "billion laughs" card of a few hundred bytes expands to 10^9
    (about 2 GB and 18 s as the hub read it). Counted on the parser's events, before any
    object is built."""
    if len(front) > MAX_FRONT_MATTER_CHARS:
        raise InputError(f"{where}: front matter longer than {MAX_FRONT_MATTER_CHARS} characters")
    import yaml  # loaded with the card (see parse_card)

    anchored: dict[str, int] = {}
    open_nodes: list[tuple[str | None, int]] = [(None, 0)]
    for event in yaml.parse(front, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            size = anchored.get(event.anchor or "", 0)
        elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionEndEvent)):
            anchor, size = (
                (event.anchor, 1) if isinstance(event, yaml.ScalarEvent) else open_nodes.pop()
            )
            if anchor:
                anchored[anchor] = size
        elif isinstance(event, yaml.CollectionStartEvent):
            open_nodes.append((event.anchor, 1))
            continue
        else:
            continue
        anchor, total = open_nodes[-1]
        open_nodes[-1] = (anchor, total + size)
        if open_nodes[0][1] + sum(n for _, n in open_nodes[1:]) > MAX_CARD_NODES:
            raise InputError(
                f"{where}: front matter expands past {MAX_CARD_NODES} values (aliases)"
            )


def read_card(path: Path) -> Card:
    """The card at `path`; a file without front matter is an error here."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read card {path}: {exc}") from exc
    card = parse_card(text, path)
    if card is None:
        raise InputError(f"{path} has no YAML front matter (--- ... ---)")
    return card
