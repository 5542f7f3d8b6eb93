"""`lineage check sample|record|status`: the corpus safety check of GB/T 45654-2025."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cli.app import AppState, console, json_option, pass_state, print_json
from lineage.errors import LineageError, NotFoundError
from lineage.query.safety import DEFAULT_THRESHOLDS, SafetyThresholds, latest_check
from lineage.safety import draw_sample, record_reviews
from lineage.safety.sampling import DEFAULT_SAMPLE_SIZE

# Exit status of `check status` when the check did not pass (as `trained --use` blocks: 3).
EXIT_NOT_PASSED = 3


@click.group("check")
def check_group() -> None:
    """The corpus safety check: sample the training content, record reviewers' verdicts,
    and judge the pass rates."""


@check_group.command("sample")
@click.argument("datasets", nargs=-1, metavar="[DATASET[@VERSION]]...")
@click.option("--model", help="Sample the model's training data (base models included).")
@click.option("--size", type=click.IntRange(min=1), default=DEFAULT_SAMPLE_SIZE, show_default=True)
@click.option("--seed", type=int, required=True, help="The random seed: the same draws the same.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="JSONL file for the reviewers: one item per line, its verdict to fill in.",
)
@pass_state
def sample(
    state: AppState,
    datasets: tuple[str, ...],
    model: str | None,
    size: int,
    seed: int,
    output: Path,
) -> None:
    """Draw a reproducible random sample of training content for review."""
    with state.session() as session:
        drawn = draw_sample(session, model=model, datasets=datasets, size=size, seed=seed)
    lines = [json.dumps(item.as_dict(drawn.sample_id), ensure_ascii=False) for item in drawn.items]
    try:
        output.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    except OSError as exc:
        raise LineageError(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(
        f"sample {drawn.sample_id}: {len(drawn.items)} of {drawn.population} items "
        f"(seed {seed}) written to {output}"
    )


@check_group.command("record")
@click.argument("results", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@pass_state
def record(state: AppState, results: Path) -> None:
    """Store the reviewers' verdicts (a sample file with `verdict` filled in)."""
    with state.session() as session:
        summary = record_reviews(session, results)
    samples = ", ".join(str(number) for number in summary.samples)
    click.echo(f"{summary.recorded} verdict(s) recorded for sample(s) {samples}")


@check_group.command("status")
@click.argument("model")
@click.option("--min-sample", type=click.IntRange(min=1), default=DEFAULT_THRESHOLDS.min_sample)
@click.option(
    "--min-pass-rate", type=click.FloatRange(0, 1), default=DEFAULT_THRESHOLDS.min_pass_rate
)
@click.option(
    "--max-illegal-share",
    type=click.FloatRange(0, 1),
    default=DEFAULT_THRESHOLDS.max_illegal_share,
)
@json_option
@pass_state
def status(
    state: AppState,
    model: str,
    min_sample: int,
    min_pass_rate: float,
    max_illegal_share: float,
    as_json: bool,
) -> None:
    """Judge the latest sample of MODEL's training data; exit 3 where it does not pass."""
    thresholds = SafetyThresholds(min_sample, min_pass_rate, max_illegal_share)
    with state.session() as session:
        check = latest_check(session, model, thresholds)
    if check is None:
        raise NotFoundError(f"no safety sample was drawn for {model} (lineage check sample)")
    if as_json:
        print_json(check.as_dict())
    else:
        rate = f"{check.pass_rate:.1%}" if check.pass_rate is not None else "none reviewed"
        out = console()
        out.print(
            f"sample {check.sample_id} of {model}: {check.reviewed}/{check.size} reviewed, "
            f"pass rate {rate}: {'passed' if check.passed_check else 'not passed'}"
        )
        for finding in check.findings:
            out.print(f"  {finding}")
    if not check.passed_check:
        sys.exit(EXIT_NOT_PASSED)
