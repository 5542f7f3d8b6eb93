"""Dataset and model cards: Markdown files with YAML front matter, as on the Hugging Face hub."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lineage.errors import InputError

FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True)
class Card:
    """The front matter of a card, with the Markdown body that follows it."""

    path: Path
    metadata: dict[str, Any] = field(default_factory=dict)
    body: str = ""

    def strings(self, key: str) -> list[str]:
        """A front-matter field that may be a string or a list of strings, as a list."""
        value = self.metadata.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [str(item) for item in value if item is not None]
        raise InputError(f"{self.path}: front matter field {key!r} must be a string or a list")

    @property
    def license(self) -> str | None:
        """The declared licence; `other` is resolved through `license_name` (else
        `license_link`), as the hub does."""
        declared = self.metadata.get("license")
        if isinstance(declared, list):
            declared = " AND ".join(str(item) for item in declared)
        if declared == "other":
            named = self.metadata.get("license_name") or self.metadata.get("license_link")
            return str(named) if named else declared
        return str(declared) if declared is not None else None


def split_front_matter(text: str) -> tuple[str | None, str]:
    """The YAML between the opening `---` fences (None when there is none) and the body."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return None, text
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == FRONT_MATTER_FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return None, text


def parse_card(text: str, path: Path) -> Card | None:
    """The card in `text`, or None when the text has no front matter."""
    front, body = split_front_matter(text)
    if front is None:
        return None
    try:
        metadata = yaml.safe_load(front) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(metadata, dict):
        raise InputError(f"{path}: front matter must be a mapping of fields")
    return Card(path=path, metadata=metadata, body=body)


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
