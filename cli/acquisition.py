"""--channel, --generated-by and --collected: how the provider obtained a dataset's content,
taken by `ingest` and `dataset acquisition`."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import click

from lineage.registry import Acquisition
from lineage.vocabulary import AcquisitionChannel


def acquisition_options(function: Any) -> Any:
    """--channel, --generated-by and --collected: how the provider obtained the content."""
    options = (
        click.option(
            "--channel",
            type=click.Choice([channel.value for channel in AcquisitionChannel]),
            help="How the content was obtained; it alone places the dataset in the public "
            "summary's 2.1-2.6 (unknown where never said).",
        ),
        click.option(
            "--generated-by", metavar="MODEL", help="The model that generated synthetic data."
        ),
        click.option(
            "--collected",
            type=click.DateTime(["%Y-%m-%d"]),
            help="The latest date the content was collected (YYYY-MM-DD).",
        ),
    )
    for option in reversed(options):
        function = option(function)
    return function


def acquisition(channel: str | None, generated_by: str | None, collected: Any) -> Acquisition:
    return Acquisition(
        AcquisitionChannel(channel) if channel else None,
        generated_by,
        collected.replace(tzinfo=UTC) if collected is not None else None,
    )
