"""Shared fixtures: a real SQLite lineage database (and PostgreSQL ones on a server the tests
start), the CLI, and corpora written on the fly."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from PIL import Image
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cli.main import cli
from lineage.store.band_buckets import BUCKET_SHIFT, prefixes, prefixes_of_row, record_ids_of
from lineage.store.engine import alembic_config, schema_transaction
from lineage.store.schema import LshPage, LshSegment
from tests.postgres_server import MissingServer, fresh_database, postgres_server

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_DATA = Path(__file__).parent.parent / "sample_data"
Cli = Callable[..., Result]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lineage.db'}"


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One PostgreSQL server for the whole run, started on first use."""
    pytest.importorskip("psycopg", reason="the postgres extra (psycopg) is not installed")
    try:
        with postgres_server(tmp_path_factory.mktemp("postgres")) as url:
            yield url
    except MissingServer as missing:
        pytest.skip(str(missing))


@pytest.fixture
def postgres_url(postgres_server_url: str) -> str:
    """A fresh, empty database on the tests' PostgreSQL server."""
    return fresh_database(postgres_server_url)


@pytest.fixture
def run_cli(db_url: str) -> Cli:
    """Invoke `lineage --db <tmp db> ARGS...`; returns click's Result."""

    def invoke(*args: str | Path) -> Result:
        return CliRunner().invoke(cli, ["--db", db_url, *map(str, args)], catch_exceptions=False)

    return invoke


def make_document(seed: int, words: int = 250) -> str:
    """A prose-like document of `words` words drawn from a large invented vocabulary."""
    rng = random.Random(seed)
    vocabulary = _vocabulary()
    sentences, current = [], []
    for _ in range(words):
        current.append(rng.choice(vocabulary))
        if len(current) >= rng.randint(8, 16):
            sentences.append(" ".join(current).capitalize() + ".")
            current = []
    if current:
        sentences.append(" ".join(current).capitalize() + ".")
    return " ".join(sentences)


@cache
def _vocabulary() -> tuple[str, ...]:
    return tuple(_word(random.Random(index)) for index in range(4000))


def _word(rng: random.Random) -> str:
    return "".join(
        rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))
    )


def edit_words(text: str, fraction: float, seed: int) -> str:
    """`text` with `fraction` of its words replaced by other words."""
    rng = random.Random(seed)
    words = text.split()
    for index in rng.sample(range(len(words)), int(len(words) * fraction)):
        words[index] = _word(rng)
    return " ".join(words)


def make_image(path: Path, seed: int, size: int = 192) -> Path:
    make_picture(seed, size).save(path)
    return path


def make_picture(seed: int, size: int = 192) -> Image.Image:
    """A natural-ish picture: smooth random blobs of colour, distinct per seed."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    channels = []
    for _ in range(3):
        field = np.zeros((size, size))
        for _ in range(6):
            cx, cy, radius, weight = rng.random(4)
            field += weight * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (0.02 + 0.1 * radius))
        channels.append(field / field.max())
    pixels = (np.stack(channels, axis=-1) * 255).astype(np.uint8)
    return Image.fromarray(pixels)


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def license_text() -> Callable[[str], str]:
    """The real text of a licence from tests/fixtures/licenses."""

    def read(name: str) -> str:
        return (FIXTURES / "licenses" / name).read_text(encoding="utf-8")

    return read


def band_entries(session: Session) -> list[tuple[int, int]]:
    """Every (band key prefix, record id) pair of the LSH index, read from its pages."""
    run_bits = dict(session.execute(select(LshSegment.id, LshSegment.bits)).tuples().all())
    pairs: list[tuple[int, int]] = []
    for row, kept, record_ids in session.execute(
        select(LshPage.id, LshPage.keys, LshPage.record_ids)
    ):
        key_prefixes = prefixes_of_row(row, run_bits[row >> BUCKET_SHIFT], kept)
        pairs += zip(
            key_prefixes.tolist(),
            record_ids_of(record_ids, len(key_prefixes)).tolist(),
            strict=True,
        )
    return sorted(pairs)


def indexed_pairs(keys: np.ndarray, record_ids: np.ndarray) -> list[tuple[int, int]]:
    """(band key prefix, record id) pairs, sorted, as `band_entries` gives them."""
    key_prefixes = prefixes(np.asarray(keys, np.int64)).tolist()
    return sorted(zip(key_prefixes, np.asarray(record_ids).tolist(), strict=True))


def migrate(engine: Engine, direction: str, revision: str) -> None:
    """Alembic's `upgrade` or `downgrade` to `revision`, in a transaction of its own, as
    lineage's own upgrades run."""
    from alembic import command

    with schema_transaction(engine) as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)
