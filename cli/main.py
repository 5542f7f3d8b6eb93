"""The `lineage` group with every command named, and where each of them lives.

A command's module is imported only when the command runs (or help lists it): most of a
command's start-up was importing what the other commands use.
"""

from __future__ import annotations

from cli.app import cli

cli.add_lazy_commands(
    {
        "init": "cli.init:init",
        "ingest": "cli.ingest:ingest",
        "crawl": "cli.crawl:crawl",
        "check": "cli.check:check_group",
        "verify": "cli.verify:verify",
        "datasets": "cli.datasets:datasets",
        "dataset": "cli.datasets:dataset_group",
        "derive": "cli.datasets:derive",
        "overlap": "cli.datasets:overlap",
        "model": "cli.models:model_group",
        "models": "cli.models:models",
        "trained": "cli.queries:trained",
        "lookup": "cli.lookup:lookup",
        "export": "cli.export:export",
        "sql": "cli.sql:sql",
    }
)
