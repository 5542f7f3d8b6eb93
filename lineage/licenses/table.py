"""The maintained table of licence facts (`license_facts.csv`), with a source for each row.

One row per licence, each with the licence text it was read from.

A row gives what the licence allows for training and using a model (commercial use,
attribution, share-alike, derivatives), its category, terms that bear on AI training or use,
and the hub ids and spellings that name it (Hugging Face ids that are not SPDX map here).
Rows are keyed by SPDX id, or `LicenseRef-` where SPDX has none. Variants that do not change
the facts are looked up by their base id: GNU `-only`/`-or-later`/`+` and the deprecated
`-with-…-exception` ids, and Creative Commons ports (`CC-BY-3.0-DE`, `CC-BY-NC-SA-3.0-IGO`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from lineage.vocabulary import LicenseCategory

TABLE_FILE = "license_facts.csv"
_VARIANT = re.compile(
    r"^(?:(?P<gnu>.+?)(?:-only|-or-later|\+|-with-[a-z0-9-]+-exception)"
    r"|(?P<cc>cc-[a-z-]+-\d\.\d)-[a-z]+)$"
)


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
    """The row of an SPDX id or LicenseRef, or of the base id of a variant of it."""
    table = license_table()
    lowered = license_id.lower()
    if lowered in table:
        return table[lowered]
    variant = _VARIANT.match(lowered)
    return table.get(variant.group("gnu") or variant.group("cc")) if variant else None


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
