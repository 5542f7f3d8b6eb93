"""Opening the lineage database: URL resolution, SQLite tuning, and upgrades through Alembic
(a new SQLite database from its baseline, `lineage.store.baseline`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

import migrations
from lineage.errors import DatabaseUnavailableError, LineageError
from lineage.store.baseline import create_from_baseline
from lineage.store.driver import SCHEMA_REVISION, SQLITE_BUSY_TIMEOUT_MS, database_url

if TYPE_CHECKING:
    from alembic.config import Config

# How long a command waits for another that is creating the same new database's schema.
MIGRATION_WAIT_SECONDS = 30.0
# SQLite's page for new databases: a text record's row (a 512-byte signature, about 600
# bytes in all) takes 632 bytes of 8 KiB pages, 685 of 4 KiB ones (6 rows and the rest idle).
SQLITE_PAGE_BYTES = 8192
# The PostgreSQL advisory lock that migrations take: any fixed 64-bit key ("lineage" in ASCII).
MIGRATION_LOCK_KEY = int.from_bytes(b"lineage", "big")
ALEMBIC_VERSION_TABLE = "alembic_version"


def connect(url: str | None = None, *, upgrade: bool = True) -> Engine:
    """An engine on the lineage database, upgraded to the latest schema unless told not to."""
    resolved = database_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError as exc:
        raise LineageError(f"not a database URL: {resolved!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(resolved, parsed.database)
    else:
        engine = _server_engine(parsed)
    if upgrade:
        upgrade_to_head(engine)
    return engine


def database_folder(engine: Engine) -> Path | None:
    """The folder the database file is in, for what is kept beside it (a crawl's WARC
    files); None for a database server or one in memory."""
    path = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    return Path(path).resolve().parent if path and path != ":memory:" else None


def _server_engine(url: URL) -> Engine:
    """An engine on a database server; plain `postgresql://` means psycopg 3, the driver the
    `postgres` extra installs."""
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    try:
        return create_engine(url)
    except NoSuchModuleError as exc:
        raise LineageError(
            f"not a database lineage knows: {url.drivername!r} (use sqlite:///FILE or "
            "postgresql://USER@HOST/NAME)"
        ) from exc
    except ImportError as exc:
        raise LineageError(
            f"no driver for {url.drivername} ({exc.name}): install lineage[postgres]"
        ) from exc


def _sqlite_engine(url: str, path: str | None) -> Engine:
    if path and path != ":memory:" and not Path(path).parent.exists():
        raise LineageError(f"folder of the database file does not exist: {Path(path).parent}")
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection: DBAPIConnection, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        # Before WAL, which fixes it: a new database's pages (an existing one keeps its own).
        cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_BYTES}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The schema revision Alembic recorded in the database; None for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(ALEMBIC_VERSION_TABLE):
            return None
        return connection.scalar(text(f"SELECT version_num FROM {ALEMBIC_VERSION_TABLE}"))


def upgrade_to_head(engine: Engine) -> None:
    """Create or upgrade the schema; a database already at head is left untouched.

    Alembic is imported only to upgrade: it is a tenth of a second every command would pay
    for reading one row. `SCHEMA_REVISION` names the head (a test holds it to Alembic's)."""
    deadline = time.monotonic() + MIGRATION_WAIT_SECONDS
    while True:
        try:
            if current_revision(engine) != SCHEMA_REVISION:
                _upgrade(engine)
            return
        except DatabaseError as exc:
            # A command opening a database another is migrating: the lock makes it wait, but
            # SQLite may answer "locked" past its busy timeout; it tries again until the head.
            # Anything else (a file that is no database) is the user's to hear of.
            racing = "already exists" in str(exc.orig) or "locked" in str(exc.orig)
            if not racing or time.monotonic() > deadline:
                raise DatabaseUnavailableError(exc.orig) from exc
            time.sleep(0.1)


def _upgrade(engine: Engine) -> None:
    with schema_transaction(engine) as connection:
        if not create_from_baseline(connection):
            run_migrations(connection)


@contextmanager
def schema_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for changing the schema, with a lock taken first: a process killed
    mid-way leaves no half-made schema, and a second one waits, then finds the head.

    On SQLite, foreign keys go unenforced meanwhile (checked before it commits): changing a
    column's type there rebuilds the table, and dropping the old one would delete, or refuse,
    the rows that reference it. The setting is the connection's, and SQLite ignores it inside
    a transaction, so it is made before and undone after, through the driver."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _through_driver(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if sqlite:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                elif connection.dialect.name == "postgresql":  # whose DDL is transactional too
                    lock = text("SELECT pg_advisory_xact_lock(:key)")
                    connection.execute(lock, {"key": MIGRATION_LOCK_KEY})
                yield connection
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise LineageError("the schema change left rows whose references are gone")
        finally:
            if sqlite:
                _through_driver(connection, "PRAGMA foreign_keys=ON")


def _through_driver(connection: Connection, statement: str) -> None:
    """A statement outside the transaction SQLAlchemy would begin for it."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


def run_migrations(connection: Connection) -> None:
    """Alembic's upgrade to the head, in the connection's transaction."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def write_scope(engine: Engine) -> Iterator[Session]:
    """A session whose reads belong to its writing transaction, for writes computed from what
    it reads while other processes write too. SQLite's driver begins a transaction only at
    the first write, so what a session read before it may have changed by its commit; here
    the transaction begins at once, with SQLite's write lock (waited for up to the busy
    timeout). PostgreSQL's begins at the first statement; lock the rows read that another
    transaction may change (`with_for_update`)."""
    with session_scope(engine) as session:
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session


@dataclass(frozen=True)
class DuckDBAttachment:
    """How DuckDB attaches the lineage database: through which of its extensions, the target
    string of its ATTACH, the database type, and the schema holding the tables."""

    extension: str
    target: str
    kind: str
    schema: str


def duckdb_attachment(url: str) -> DuckDBAttachment:
    """The attachment for the database at `url`, SQLite (a file) or PostgreSQL."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise LineageError("DuckDB needs a database file, not an in-memory database")
        target = str(Path(parsed.database).resolve())
        return DuckDBAttachment("sqlite_scanner", target, "sqlite", "main")
    if backend == "postgresql":
        return DuckDBAttachment("postgres_scanner", _libpq_dsn(parsed), "postgres", "public")
    raise LineageError(f"DuckDB attaches SQLite and PostgreSQL databases, not {backend}")


def _libpq_dsn(url: URL) -> str:
    """The URL as a libpq connection string; query parameters (`?host=/socket/dir`) included."""
    parts: dict[str, object] = {
        "host": url.host,
        "port": url.port,
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
    }
    parts |= {key: value for key, value in url.query.items() if isinstance(value, str)}
    return " ".join(
        f"{key}={_libpq_quoted(str(value))}" for key, value in parts.items() if value is not None
    )


def _libpq_quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"
