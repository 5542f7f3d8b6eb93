"""Reading and fingerprinting on a Dask cluster (`lineage ingest --engine dask[://ADDRESS]`).

The files of a corpus go to the cluster's workers in shards of consecutive files. A worker
reads its shard's files where they lie (the cluster shares the corpus's file system),
fingerprints their content, and sends back what the readers yielded with each item's
content left out: its hash, size and fingerprints instead, and a text's first characters
for the language sample. This process takes the shards back in order and stores them as it
stores what it reads itself, so the database ends as a single-process run leaves it.

A file too large to be read whole on a worker (`WORKER_FILE_BYTES`) is read here, in the order
of the corpus, and only its fingerprints are computed on the cluster, a chunk at a time.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from lineage.crawl import ContentItem, CorpusFile, ReadEntry, ReadOptions
from lineage.errors import InputError
from lineage.fingerprint import TextFingerprintParams
from lineage.fingerprint.batch import FingerprintResult, fingerprint_chunk
from lineage.fingerprint.language import PREFIX_CHARS
from lineage.vocabulary import RecordKind

SCHEME = "dask"
# A shard closes at this much file content or this many files: enough work to outweigh a
# task's round trip (a few milliseconds), little enough that shards spread over the workers
# and the first comes back soon.
SHARD_BYTES = 1 << 22
SHARD_FILES = 256
# A larger file is read by the command itself, not on a worker: a worker holds what it read
# of a shard until it is sent back.
WORKER_FILE_BYTES = 1 << 25
# Shards in flight per worker thread: one running, one queued behind it.
SHARDS_PER_THREAD = 2
# How long to wait for a scheduler that does not answer.
CONNECT_TIMEOUT = "10s"


@dataclass(frozen=True, slots=True)
class ReadContent:
    """A content item read on a worker: the item without its content (a text keeps its first
    characters), with the content's hash, size and fingerprints."""

    item: ContentItem
    sha256: str
    size: int
    fingerprint: FingerprintResult


@dataclass(frozen=True, slots=True)
class FileRead:
    """What a worker read of one file: the readers' entries in order, content as
    `ReadContent`, and the error that stopped the file, if one did: (type, message)."""

    entries: list[ReadEntry | ReadContent]
    failure: tuple[str, str] | None


def check_engine(engine: str) -> None:
    """`dask` (a local cluster, started for the run) or `dask://HOST:PORT` (a scheduler)."""
    scheme, _, address = engine.partition("://")
    if scheme != SCHEME or (engine != SCHEME and not address):
        raise InputError(f"unknown engine {engine!r}: use dask or dask://HOST:PORT")


class ClusterExecutor(Executor):
    """The cluster's workers as an executor, and how many tasks they run at once."""

    def __init__(self, client: Any) -> None:
        self._executor = client.get_executor()
        self.threads = sum(client.nthreads().values())

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self._executor.submit(fn, *args, **kwargs)


@contextmanager
def cluster_executor(engine: str, workers: int) -> Iterator[ClusterExecutor]:
    """The workers of the cluster `engine` names: one started on this machine for the run,
    with `workers` worker processes on loopback, or the running one at dask://HOST:PORT."""
    from distributed import Client, LocalCluster  # only runs on a cluster pay for Dask

    address = engine.partition("://")[2]
    if address:
        try:
            client = Client(f"tcp://{address}", timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        with client:
            yield ClusterExecutor(client)
        return
    local = LocalCluster(
        n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    )
    with local, Client(local) as client:
        yield ClusterExecutor(client)


def read_on_workers(
    executor: ClusterExecutor,
    files: Iterable[CorpusFile],
    options: ReadOptions,
    params: TextFingerprintParams,
) -> Iterator[tuple[CorpusFile, FileRead | None]]:
    """Each file of `files` in order, with what a worker read of it; None for a file too
    large for a worker, which the caller reads itself."""
    in_flight = max(1, executor.threads) * SHARDS_PER_THREAD
    waiting: deque[tuple[list[CorpusFile], Future[list[FileRead]] | None]] = deque()
    for shard in _shards(files):
        if len(shard) == 1 and shard[0].size > WORKER_FILE_BYTES:
            waiting.append((shard, None))
        else:
            waiting.append((shard, executor.submit(read_shard, shard, options, params)))
        while len(waiting) > in_flight:
            yield from _taken(*waiting.popleft())
    while waiting:
        yield from _taken(*waiting.popleft())


def _taken(
    shard: list[CorpusFile], future: Future[list[FileRead]] | None
) -> Iterator[tuple[CorpusFile, FileRead | None]]:
    if future is None:
        yield shard[0], None
        return
    yield from zip(shard, future.result(), strict=True)


def _shards(files: Iterable[CorpusFile]) -> Iterator[list[CorpusFile]]:
    """Consecutive files, up to SHARD_BYTES or SHARD_FILES each; a larger file alone."""
    shard: list[CorpusFile] = []
    size = 0
    for file in files:
        if shard and (size + file.size > SHARD_BYTES or len(shard) == SHARD_FILES):
            yield shard
            shard, size = [], 0
        shard.append(file)
        size += file.size
    if shard:
        yield shard


def read_shard(
    files: list[CorpusFile], options: ReadOptions, params: TextFingerprintParams
) -> list[FileRead]:
    """Runs on a worker: each file read, and its content fingerprinted (once per content
    and kind in the shard) and left out of what is sent back."""
    reads = [_read_file(file, options) for file in files]
    items = [entry for read in reads for entry in read.entries if isinstance(entry, ContentItem)]
    hashes = {id(item): hashlib.sha256(item.data).hexdigest() for item in items}
    firsts = {(hashes[id(item)], item.kind): item for item in reversed(items)}
    tasks = [
        (kind.value, item.data if kind == RecordKind.IMAGE else item.text or "")
        for (_, kind), item in firsts.items()
    ]
    fingerprints = dict(zip(firsts, fingerprint_chunk(tasks, params), strict=True))
    return [
        FileRead(
            [_without_content(entry, hashes, fingerprints) for entry in read.entries],
            read.failure,
        )
        for read in reads
    ]


def _read_file(file: CorpusFile, options: ReadOptions) -> FileRead:
    entries: list[ReadEntry | ReadContent] = []
    try:
        for entry in file.reader.read(file, options):
            entries.append(entry)
    except InputError as exc:
        return FileRead(entries, (type(exc).__name__, str(exc)))
    return FileRead(entries, None)


def _without_content(
    entry: ReadEntry | ReadContent,
    hashes: dict[int, str],
    fingerprints: dict[tuple[str, RecordKind], FingerprintResult],
) -> ReadEntry | ReadContent:
    if not isinstance(entry, ContentItem):
        return entry
    sha256 = hashes[id(entry)]
    text = entry.text[:PREFIX_CHARS] if entry.text is not None else None
    return ReadContent(
        dataclasses.replace(entry, data=b"", text=text),
        sha256,
        len(entry.data),
        fingerprints[sha256, entry.kind],
    )
