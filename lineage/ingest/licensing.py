"""Licence precedence: which licence an occurrence is recorded under, and the evidence a run
records for the version.

An item's own licence (a row's field, an SPDX header, image metadata) comes first, then
`--license`, then the dataset card's, then a `save_to_disk` folder's `dataset_info.json`, then
the nearest licence file's. A declaration that says
nothing ("unknown", "other") gives way to the next one.
"""

from __future__ import annotations

from sqlalchemy import Engine

from lineage.crawl import ContentItem, CorpusFile, CorpusListing
from lineage.licenses import UNKNOWN_LICENSE, Evidence, normalize_license
from lineage.store import ensure_license, session_scope
from lineage.vocabulary import EvidenceRole, LicenseOrigin

ARGUMENT_SUFFIX = "#--license"

# A licence as declared (None for none), and where that declaration was read.
Declared = tuple[str | None, LicenseOrigin]


class LicensePrecedence:
    """Chooses each item's licence and keeps the ids of the licence rows chosen."""

    def __init__(self, engine: Engine, declared: str | None) -> None:
        self.engine = engine
        self.declared = declared
        self.ids: dict[str | None, int] = {}
        self.names: dict[int, str] = {}  # the normalised SPDX expression of each id
        self.by_folder: dict[tuple[str, str], Declared] = {}

    def license_of(self, file: CorpusFile, item: ContentItem) -> tuple[int, str]:
        """The id of the item's licence row, and where the licence was read (the plain
        string: rows go to the driver as they are, and sqlite3 binds a str subclass slower)."""
        raw, origin = self._declared_for(file, item)
        return self.license_id(raw), origin.value

    def license_id(self, raw: str | None) -> int:
        """The licence row of a declaration (normalised), created if new."""
        if raw not in self.ids:
            with session_scope(self.engine) as session:
                row = ensure_license(session, raw)
                self.ids[raw] = row.id
                self.names[row.id] = row.spdx
        return self.ids[raw]

    def _declared_for(self, file: CorpusFile, item: ContentItem) -> Declared:
        if says_something(item.license):
            return item.license, item.license_origin
        folder = (file.root.label, file.folder_locator)
        if folder not in self.by_folder:  # the rest is the same for a whole folder
            self.by_folder[folder] = self._folder_license(file)
        return self.by_folder[folder]

    def _folder_license(self, file: CorpusFile) -> Declared:
        """--license, the card, the nearest licence file: the first that names a licence."""
        card = file.root.card
        if says_something(self.declared):
            return self.declared, LicenseOrigin.ARGUMENT
        if card is not None and says_something(card.declared_license):
            return card.declared_license, LicenseOrigin.CARD
        saved = file.root.info_license(file.path)
        if says_something(saved):
            return saved, LicenseOrigin.DATASET_INFO
        found = next(
            (found.spdx for found in file.folder_licenses() if found.spdx != UNKNOWN_LICENSE),
            None,
        )
        return (found, LicenseOrigin.LICENSE_FILE) if found else (None, LicenseOrigin.UNKNOWN)

    def evidence(self, listing: CorpusListing) -> list[Evidence]:
        """What this run saw declared or found for the version: `--license` and the card of
        each root, and every licence file the walk found."""
        rows = []
        for root in listing.roots:
            if self.declared:
                locator = f"{root.label}{ARGUMENT_SUFFIX}"
                spdx = normalize_license(self.declared)
                origin = LicenseOrigin.ARGUMENT
                rows.append(
                    Evidence(
                        EvidenceRole.DECLARED,
                        spdx,
                        origin,
                        locator,
                        "declaration",
                        raw=self.declared,
                    )
                )
            rows += root.card_evidence()
        rows += [info.evidence for info in listing.dataset_infos if info.evidence is not None]
        return rows + [found.evidence for found in listing.license_files]


def says_something(declared: str | None) -> bool:
    """Whether a declared licence names one, rather than "unknown", "other" or nothing."""
    return bool(declared) and normalize_license(declared) != UNKNOWN_LICENSE
