"""The maintained table of licence facts: `license_facts.csv`, one row per licence, each with
the licence text it was read from.

A row gives what the licence allows for training and using a model (commercial use,
attribution, share-alike, derivatives), its category, terms that bear on AI training or use,
and the hub ids and spellings that name it (Hugging Face ids that are not SPDX map here).
Rows are keyed by SPDX id, or `LicenseRef-` where SPDX has none; GPL-family rows are keyed
without `-only`/`-or-later`, which do not change the facts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

TABLE_FILE = "license_facts.csv"
_VERSION_SUFFIXES = ("-only", "-or-later", "+")


class LicenseCategory(StrEnum):
    PUBLIC_DOMAIN = "public-domain"
    PERMISSIVE = "permissive"
    WEAK_COPYLEFT = "weak-copyleft"
    STRONG_COPYLEFT = "strong-copyleft"
    NON_COMMERCIAL = "non-commercial"
    NO_DERIVATIVES = "no-derivatives"
    USE_RESTRICTED = "use-restricted"
    PROPRIETARY = "proprietary"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class LicenseFacts:
    """What a licence (or an expression of several) allows; None where it is not known."""

    category: LicenseCategory
    commercial_use: bool | None
    attribution_required: bool
    share_alike: bool
    derivatives_allowed: bool | None
    ai_terms: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def flags(self) -> tuple[str, ...]:
        """The facts a reader of a training-data report must notice, as short labels."""
        flags = []
        if self.category is LicenseCategory.UNKNOWN:
            flags.append("unknown-license")
        if self.commercial_use is False:
            flags.append("non-commercial")
        if self.derivatives_allowed is False:
            flags.append("no-derivatives")
        if self.share_alike:
            flags.append("share-alike")
        if self.attribution_required:
            flags.append("attribution-required")
        if self.category is LicenseCategory.USE_RESTRICTED:
            flags.append("use-restricted")
        return tuple(flags)


UNKNOWN_FACTS = LicenseFacts(LicenseCategory.UNKNOWN, None, False, False, None)


@dataclass(frozen=True)
class LicenseEntry:
    id: str
    aliases: tuple[str, ...]
    facts: LicenseFacts


@cache
def license_table() -> dict[str, LicenseEntry]:
    """The table's rows by lower-case id."""
    text = resources.files("lineage.licenses").joinpath(TABLE_FILE).read_text(encoding="utf-8")
    entries = [_entry(row) for row in csv.DictReader(io.StringIO(text))]
    return {entry.id.lower(): entry for entry in entries}


@cache
def license_aliases() -> dict[str, str]:
    """Hub ids and spellings (lower case) to the id of the row that names them."""
    return {alias: entry.id for entry in license_table().values() for alias in entry.aliases}


def table_entry(license_id: str) -> LicenseEntry | None:
    """The row of an SPDX id or LicenseRef, ignoring `-only`/`-or-later`/`+`."""
    lowered = license_id.lower()
    for suffix in _VERSION_SUFFIXES:
        if lowered.endswith(suffix):
            lowered = lowered.removesuffix(suffix)
            break
    return license_table().get(lowered)


def _entry(row: dict[str, str]) -> LicenseEntry:
    facts = LicenseFacts(
        category=LicenseCategory(row["category"]),
        commercial_use=_tristate(row["commercial_use"]),
        attribution_required=_tristate(row["attribution"]) is True,
        share_alike=_tristate(row["share_alike"]) is True,
        derivatives_allowed=_tristate(row["derivatives"]),
        ai_terms=(row["ai_terms"],) if row["ai_terms"] else (),
        sources=(row["source"],),
    )
    aliases = tuple(alias.strip().lower() for alias in row["aliases"].split("|") if alias.strip())
    return LicenseEntry(row["id"], aliases, facts)


def _tristate(value: str) -> bool | None:
    return {"yes": True, "no": False, "unknown": None}[value]
