"""What an exporter is: a format name, what it writes, and the function that writes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lineage.export.facts import NO_FACTS, ProviderFacts


@dataclass(frozen=True)
class ExportContext:
    """What a disclosure is built from besides the database: the provider's facts, and the
    hash of the summary it follows (`--previous`)."""

    facts: ProviderFacts = NO_FACTS
    previous_sha256: str | None = None


@dataclass(frozen=True)
class Exporter:
    """A disclosure format. `export(session, model_name, context)` returns the whole
    document; it must be deterministic: the same database and context give the same bytes.
    `summary` says the document is a public summary, whose exports are recorded."""

    name: str
    description: str
    export: Callable[[Session, str, ExportContext], str]
    summary: bool = False
