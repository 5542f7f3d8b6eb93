"""A throwaway PostgreSQL server for the tests, on a Unix socket in a temporary folder.

Its binaries (`initdb`, `pg_ctl`) are found on PATH or where Debian's packages put them
(`scripts/test-system-packages` installs them where missing). As root, the server runs as
the `postgres` user. Each test that needs a database of its own asks for a fresh one.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

PORT = 55432
_NUMBERS = itertools.count(1)


class MissingServer(Exception):
    """Why no server can be started here."""


def server_binaries() -> tuple[str, str]:
    """`initdb` and `pg_ctl`: on PATH, else the newest of Debian's packages."""
    found = shutil.which("initdb"), shutil.which("pg_ctl")
    if found[0] and found[1]:
        return found[0], found[1]
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        initdb, pg_ctl = Path(folder, "initdb"), Path(folder, "pg_ctl")
        if initdb.exists() and pg_ctl.exists():
            return str(initdb), str(pg_ctl)
    raise MissingServer("PostgreSQL server binaries (initdb, pg_ctl) are not installed")


@contextmanager
def postgres_server(folder: Path) -> Iterator[str]:
    """A server whose data and socket are in `folder`; yields the URL of its `postgres`
    database, and stops the server (immediately) on the way out."""
    initdb, pg_ctl = server_binaries()
    if os.geteuid() == 0:
        _hand_to_server_user(folder)
    data = folder / "data"
    run = {"check": True, "capture_output": True}
    subprocess.run(
        _as_server_user([initdb, "-D", str(data), "-A", "trust", "-U", "lineage"]), **run
    )
    options = f"-k {folder} -p {PORT} -c listen_addresses='' -c max_connections=200"
    log = str(folder / "log")
    start = [pg_ctl, "-D", str(data), "-o", options, "-w", "-l", log, "start"]
    subprocess.run(_as_server_user(start), **run)
    try:
        yield f"postgresql+psycopg://lineage@/postgres?host={folder}&port={PORT}"
    finally:
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), **run)


def fresh_database(server_url: str) -> str:
    """A new, empty database on the server of `server_url`, and its URL."""
    name = f"test_{os.getpid()}_{next(_NUMBERS)}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return server_url.replace("/postgres?", f"/{name}?", 1)


def _hand_to_server_user(folder: Path) -> None:
    try:
        user = pwd.getpwnam("postgres")
    except KeyError as exc:
        raise MissingServer("running as root, and there is no postgres user") from exc
    folder.chmod(0o755)
    for parent in folder.parents:
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o005)
    os.chown(folder, user.pw_uid, user.pw_gid)


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(command)]
