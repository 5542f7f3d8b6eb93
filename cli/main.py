"""Entry point of the `lineage` command: the group, and where each of its commands lives.

A command's module is imported only when the command runs (or help lists it): most of a
command's start-up was importing what the other commands use.
"""

from __future__ import annotations

import gc

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
        "lookup": "cli.queries:lookup",
        "export": "cli.export:export",
        "sql": "cli.sql:sql",
    }
)


def main() -> None:
    # Everything imported so far lives as long as the process: keeping it out of the cyclic
    # garbage collector's scans saves each full collection ~25 ms (a lookup would pay one).
    gc.freeze()
    cli(prog_name="lineage")
