"""The `lineage` command group: the database option, and errors turned into exit codes."""

from __future__ import annotations

import gc
import importlib
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

import lineage.store
from lineage.errors import LineageError
from lineage.store.driver import URL_ENV_VAR, DriverConnection, open_at_head

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

EXIT_USER_ERROR = 1
EXIT_PARTIAL = 2
EXIT_BLOCKED = 3


class UserMistake(click.UsageError):
    """A usage error, reported as click reports it, with the exit code of user errors."""

    exit_code = EXIT_USER_ERROR


class LineageGroup(click.Group):
    """A group whose user errors, its own or the library's, exit 1 with a one-line message,
    and whose commands may be named by where they live, imported when first asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, str] = {}
        # Set by the executable, which starts with the garbage collector off.
        self.collector_paused = False

    def add_lazy_commands(self, commands: dict[str, str]) -> None:
        """Commands by name, each as `module:attribute`."""
        self.lazy_commands.update(commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        resolved = super().resolve_command(ctx, args)
        if self.collector_paused:  # the executable's start-up is over (see cli/__init__.py)
            self.collector_paused = False
            gc.freeze()
            gc.enable()
        return resolved

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy_commands and name not in self.commands:
            module, _, attribute = self.lazy_commands[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

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
    """What every command shares: the database URL and, once opened, its engine. SQLAlchemy
    and the store are loaded only by the commands that open the engine."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = lineage.store.connect(self.url)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with lineage.store.session_scope(self.engine) as session:
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session | DriverConnection]:
        """Where a one-off read goes: a database at the latest schema (a SQLite file or a
        PostgreSQL server) is read through its driver alone, anything else through a session
        (the database opened, and upgraded, as every command opens it)."""
        driver = open_at_head(self.url) if self._engine is None else None
        if driver is None:
            with self.session() as session:
                yield session
            return
        try:
            yield driver
        finally:
            driver.close()


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


def json_option(function: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(function)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str))


def console() -> Console:
    """Where commands print for people. Without markup: what it prints holds names from the
    corpus and the user (a member `x[/b].txt` would be a closing tag, and fail the command
    after its work was done), so styles are given as `rich.text.Text` styles, never inline."""
    from rich.console import Console  # deferred: a lookup answering in JSON never needs it

    width = None if sys.stdout.isatty() else 120
    return Console(highlight=False, markup=False, soft_wrap=False, width=width)


def version_heading(dataset: str, version: str) -> tuple[str, str]:
    """`dataset@version` in bold, a part of `Text.assemble`, as the lines about a version
    begin."""
    return f"{dataset}@{version}", "bold"


def count_of(number: int, noun: str) -> str:
    """ "1 record", "2 records"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
