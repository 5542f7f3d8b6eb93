"""The crawl stage: find content in corpora and read it, with the cards and licences beside it."""

from lineage.crawl.cards import Card, parse_card, read_card
from lineage.crawl.readers import ContentItem, ItemProblem, read_items
from lineage.crawl.walk import CorpusFile, CorpusListing, CorpusRoot, FileKind, list_corpus

__all__ = [
    "Card",
    "ContentItem",
    "CorpusFile",
    "CorpusListing",
    "CorpusRoot",
    "FileKind",
    "ItemProblem",
    "list_corpus",
    "parse_card",
    "read_card",
    "read_items",
]
