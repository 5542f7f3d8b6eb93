"""What an exporter is: a format name, what it writes, and the function that writes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Exporter:
    """A disclosure format. `export(session, model_name)` returns the whole document; it must
    be deterministic: the same database gives the same bytes."""

    name: str
    description: str
    export: Callable[[Session, str], str]
