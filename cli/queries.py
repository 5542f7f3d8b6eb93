"""`lineage trained`: what data trained a model."""

from __future__ import annotations

import sys
from collections import Counter

import click
from rich.table import Table
from rich.text import Text

from cli.app import EXIT_BLOCKED, AppState, console, count_of, json_option, pass_state, print_json
from lineage.query import (
    USES,
    TrainingDataReport,
    UseVerdict,
    describe_path,
    trained_on,
    use_verdict,
)
from lineage.query.training_data import DatasetUse


@click.command()
@click.argument("model")
@click.option(
    "--use",
    type=click.Choice(USES),
    help="Judge this intended use: exit 3 when any training data blocks it.",
)
@json_option
@pass_state
def trained(state: AppState, model: str, use: str | None, as_json: bool) -> None:
    """What data trained MODEL, through its base models and derived datasets."""
    with state.session() as session:
        report = trained_on(session, model)
    verdict = use_verdict(report, use) if use else None
    if as_json:
        print_json(report.as_dict() | ({"verdict": verdict.as_dict()} if verdict else {}))
    else:
        _print_report(report)
        if verdict is not None:
            _print_verdict(verdict)
    if verdict is not None and not verdict.allowed:
        sys.exit(EXIT_BLOCKED)


def _print_verdict(verdict: UseVerdict) -> None:
    out = console()
    state = ("allowed", "") if verdict.allowed else ("blocked", "red")
    out.print(Text.assemble(f"{verdict.use} use of {verdict.model}: ", state))
    for label, findings in (("blocks", verdict.blocking), ("constrains", verdict.constraining)):
        for finding in findings:
            under = f" under {finding.license}" if finding.license else ""
            where = f"{finding.dataset}@{finding.version}"
            records = count_of(finding.records, "record")
            out.print(f"  {label}: {where}, {records}{under}: {finding.reason}")
    for obligation, licences in verdict.obligations.items():
        out.print(f"  inherits {obligation}: {', '.join(licences)}")


def _warning(message: str) -> Text:
    return Text.assemble("  ", ("warning", "yellow"), f": {message}")


def _print_report(report: TrainingDataReport) -> None:
    out = console()
    out.print(
        Text.assemble(
            (report.model, "bold"),
            f" was trained on {len(report.datasets)} dataset version(s), "
            f"{report.distinct_records} distinct records",
        )
    )
    for entry in report.models[1:]:
        out.print(f"  lineage: {entry.name} ({describe_path(entry.path)})")
    for name in report.models_without_data:
        out.print(_warning(f"no training data is recorded for model {name}"))
    for use in (use for use in report.datasets if use.excluded_splits):
        left_out = sorted(use.excluded_splits.items())
        splits = ", ".join(f"{split} ({count} records)" for split, count in left_out)
        out.print(f"  {use.ref}: not trained on split(s) {splits}")
    for removed in report.removed:
        out.print(
            _warning(
                f"{', '.join(removed.trained_models)} trained on "
                f"{removed.dataset}@{removed.version} ({removed.records} records, manifest "
                f"{removed.manifest_hash}), deleted since"
            )
        )
    table = Table("dataset", "included", "records", "licences", "sources", "flags")
    for use in report.datasets:
        table.add_row(
            use.ref,
            "\n".join(describe_path(path) for path in use.paths),
            str(use.records),
            "\n".join(f"{entry.spdx} ({entry.records})" for entry in use.licenses),
            _source_lines(use),
            ", ".join(use.flags),
        )
    out.print(table)
    totals = ", ".join(f"{entry.spdx} {entry.records}" for entry in report.licenses)
    out.print(f"licences over all data: {totals}")
    out.print(f"flags: {', '.join(report.flags) or 'none'}")


def _source_lines(use: DatasetUse, shown: int = 3) -> str:
    """Sources grouped by web domain (or URI), largest first."""
    records: Counter[str] = Counter()
    for entry in use.sources:
        records[entry.domain or entry.uri] += entry.records
    lines = [f"{name} ({count})" for name, count in records.most_common(shown)]
    if len(records) > shown:
        lines.append(f"+{len(records) - shown} more")
    return "\n".join(lines)
