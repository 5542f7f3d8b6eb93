"""The `lineage` command group: the database option, and errors turned into exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import Any

import click
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lineage.errors import LineageError
from lineage.registry import Acquisition
from lineage.store import connect, session_scope
from lineage.store.engine import URL_ENV_VAR
from lineage.vocabulary import AcquisitionChannel

EXIT_USER_ERROR = 1
EXIT_PARTIAL = 2
EXIT_BLOCKED = 3


class UserMistake(click.UsageError):
    """A usage error, reported as click reports it, with the exit code of user errors."""

    exit_code = EXIT_USER_ERROR


class LineageGroup(click.Group):
    """A group whose user errors, its own or the library's, exit 1 with a one-line message."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            raise UserMistake(exc.format_message(), exc.ctx) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise UserMistake(exc.format_message(), exc.ctx) from exc
        except LineageError as exc:
            raise click.ClickException(str(exc)) from exc


class AppState:
    """What every command shares: the database URL and, once opened, its engine."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = connect(self.url)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine) as session:
            yield session


pass_state = click.make_pass_decorator(AppState)


@click.group(cls=LineageGroup)
@click.option(
    "--db",
    "url",
    envvar=URL_ENV_VAR,
    metavar="URL",
    help=f"SQLAlchemy URL of the lineage database (default: ${URL_ENV_VAR}, else sqlite:///lineage.db).",
)
@click.version_option(package_name="lineage")
@click.pass_context
def cli(ctx: click.Context, url: str | None) -> None:
    """Track what trained a model, and which models saw a work."""
    ctx.obj = AppState(url)


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


def json_option(function: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(function)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str))


def console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 120)


def count_of(number: int, noun: str) -> str:
    """ "1 record", "2 records"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
