"""Fetching from the web: a polite crawler that honours robots.txt and TDMRep and writes what
it fetched to a WARC file, which `lineage.ingest` then reads like any web archive."""

from lineage.fetch.crawler import CrawlOptions, CrawlResult, crawl

__all__ = ["CrawlOptions", "CrawlResult", "crawl"]
