"""The crawl stage: find content in corpora and read it, with the cards and licences beside it.

`list_corpus` walks the paths given; each `CorpusFile` it yields carries the reader of its
format, whose `read` yields `ContentItem`s (or `ItemProblem`s for single bad items).

>>> from pathlib import Path
>>> listing = list_corpus([Path("sample_data/field-notes")])
>>> first = next(listing.files())
>>> first.reader.name, first.locator
('text', 'field-notes/01-heron-at-dawn.txt')
"""

from lineage.crawl.cards import Card, parse_card, read_card
from lineage.crawl.items import (
    DEFAULT_LIMITS,
    Blob,
    ContentItem,
    CrawlFact,
    ItemProblem,
    ReadEntry,
    Reader,
    ReadLimits,
    ReadOptions,
    Skipped,
)
from lineage.crawl.readers import READERS, reader_for
from lineage.crawl.walk import CorpusFile, CorpusListing, CorpusRoot, LicenseFile, list_corpus

__all__ = [
    "DEFAULT_LIMITS",
    "READERS",
    "Blob",
    "Card",
    "ContentItem",
    "CorpusFile",
    "CorpusListing",
    "CorpusRoot",
    "CrawlFact",
    "ItemProblem",
    "LicenseFile",
    "ReadEntry",
    "ReadLimits",
    "ReadOptions",
    "Reader",
    "Skipped",
    "list_corpus",
    "parse_card",
    "read_card",
    "reader_for",
]
