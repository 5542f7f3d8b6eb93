"""Finding and creating the rows of the lineage graph: licences, sources, datasets, models."""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from lineage.errors import InputError, NotFoundError
from lineage.licenses import license_facts, normalize_license
from lineage.store.bulk import driver_value, insert_returning
from lineage.store.driver import driver_of
from lineage.store.schema import (
    Base,
    Crawl,
    CrawlFact,
    Dataset,
    DatasetDerivation,
    DatasetVersion,
    IngestError,
    IngestRun,
    License,
    LicenseEvidence,
    Model,
    Occurrence,
    SafetySampleItem,
    Source,
    TrainingInput,
    TrainingRun,
)
from lineage.vocabulary import SourceKind

DEFAULT_VERSION = "1"
_SOURCE_COLUMNS = ("uri", "kind", "domain", "first_seen_at")
# Column defaults a Core insert does not fill in as the ORM would.
_VERSION_DEFAULTS = {"record_count": 0, "size_bytes": 0}
_SOURCE_IDS = "SELECT uri, id FROM sources WHERE uri IN ({})"
# Names and versions appear in NAME@VERSION references, so neither may contain "@".
_NAME = re.compile(r"^[\w][\w.+/:-]*$")
HUB_SCHEMES = ("hf", "hub")


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A time as read back, comparable with one to write: SQLite gives UTC times back naive."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def ensure_license(session: Session, expression: str | None) -> License:
    """The licence row for `expression` (normalised first), created with its facts if new."""
    spdx = normalize_license(expression)
    query = select(License).where(License.spdx == spdx)
    found = session.scalar(query)
    if found is not None:
        return found
    facts = license_facts(spdx)
    row = {
        "spdx": spdx,
        "category": str(facts.category),
        "commercial_use": facts.commercial_use,
        "attribution_required": facts.attribution_required,
        "share_alike": facts.share_alike,
        "derivatives_allowed": facts.derivatives_allowed,
    }
    _insert_unless_there(session, License, "spdx", [row])
    return session.scalars(query).one()


def source_kind(uri: str) -> SourceKind:
    """What kind of source a URI names, from its scheme."""
    scheme = urlsplit(uri).scheme.lower()
    if scheme in ("http", "https"):
        return SourceKind.WEB
    if scheme in HUB_SCHEMES:
        return SourceKind.HUB
    if scheme == "vendor":
        return SourceKind.VENDOR
    return SourceKind.LOCAL


def ensure_source(session: Session, uri: str) -> Source:
    ensure_sources(session, [uri])
    return session.scalars(select(Source).where(Source.uri == uri)).one()


def ensure_sources(session: Session, uris: Sequence[str]) -> dict[str, int]:
    """The ids of the source rows of these URIs, the missing ones created: in a few
    statements however many there are (a crawl's items each have a URL of their own)."""
    found: dict[str, int] = dict(driver_of(session).rows_in(_SOURCE_IDS, list(dict.fromkeys(uris))))
    missing = sorted(set(uris) - found.keys())
    if not missing:
        return found
    seen_at = driver_value(session, Source.__table__.c.first_seen_at)(utc_now())
    # Straight to the driver (a crawl's batch has thousands of new URLs, which SQLAlchemy
    # would compile into one statement at some 0.15 ms a row); one another ingest is
    # inserting at the same moment is left to it, and looked up.
    inserted = insert_returning(
        session,
        Source,
        _SOURCE_COLUMNS,
        [(*_source_facts(uri), seen_at) for uri in missing],
        returning=("uri", "id"),
        unique=("uri",),
    )
    found.update(inserted)
    if len(inserted) < len(missing):
        found.update(driver_of(session).rows_in(_SOURCE_IDS, sorted(set(missing) - found.keys())))
    return found


def record_source_signals(session: Session, signals: Mapping[str, dict[str, Any]]) -> None:
    """Keep what each URL said of its rights (the signals its response carried, the last
    time it was read) on its source row."""
    for uri, said in sorted(signals.items()):
        session.execute(update(Source).where(Source.uri == uri).values(rights_signals=said))


def _source_facts(uri: str) -> tuple[str, str, str | None]:
    kind = source_kind(uri)
    domain = (urlsplit(uri).hostname or None) if kind is SourceKind.WEB else None
    return uri, kind.value, domain


def _insert_unless_there(
    session: Session, model: type[Base], key: str | tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Insert a row unless one with the same unique `key` is there: one another ingest is
    inserting at the same moment is waited for and kept, where a plain INSERT would fail the
    second ingest on the unique constraint (PostgreSQL; SQLite takes writers in turn)."""
    # The dialect's module by name (sqlite or postgresql): the engine has loaded it already,
    # and the other one is not imported (PostgreSQL's brings asyncpg's, 40 ms).
    dialect = importlib.import_module(f"sqlalchemy.dialects.{session.get_bind().dialect.name}")
    columns = [key] if isinstance(key, str) else list(key)
    session.execute(
        dialect.insert(model).values(rows).on_conflict_do_nothing(index_elements=columns)
    )


def split_ref(ref: str) -> tuple[str, str | None]:
    """`NAME@V` into its name and version (None when no version is given)."""
    name, _, version = ref.partition("@")
    if not name:
        raise InputError(f"not a dataset reference: {ref!r} (expected NAME or NAME@VERSION)")
    return name, version or None


def dataset_named(session: Session, name: str) -> Dataset | None:
    return session.scalar(select(Dataset).where(Dataset.name == name))


def find_dataset(session: Session, name: str) -> Dataset:
    dataset = dataset_named(session, name)
    if dataset is None:
        raise NotFoundError(f"no dataset named {name!r}")
    return dataset


def find_dataset_version(session: Session, name: str, version: str | None) -> DatasetVersion | None:
    """The named version, or the dataset's latest when `version` is None; None for none."""
    dataset = dataset_named(session, name)
    if dataset is None or not dataset.versions:
        return None
    if version is None:
        return dataset.versions[-1]
    return next((found for found in dataset.versions if found.version == version), None)


def trained_models(session: Session, version_id: int) -> list[str]:
    """The names of the models whose own training runs consumed the version."""
    return list(
        session.scalars(
            select(Model.name)
            .join(TrainingRun, TrainingRun.model_id == Model.id)
            .join(TrainingInput, TrainingInput.training_run_id == TrainingRun.id)
            .where(TrainingInput.dataset_version_id == version_id)
            .distinct()
            .order_by(Model.name)
        )
    )


def resolve_dataset_version(session: Session, ref: str) -> DatasetVersion:
    """The version `NAME@V` names, or the latest version of NAME."""
    name, version = split_ref(ref)
    dataset = find_dataset(session, name)
    if not dataset.versions:
        raise NotFoundError(f"dataset {name!r} has no versions")
    if version is None:
        return dataset.versions[-1]
    for candidate in dataset.versions:
        if candidate.version == version:
            return candidate
    known = ", ".join(v.version for v in dataset.versions)
    raise NotFoundError(f"dataset {name!r} has no version {version!r} (it has: {known})")


def check_name(value: str, what: str) -> str:
    if not _NAME.match(value):
        raise InputError(
            f"invalid {what} {value!r}: use letters, digits and . _ + / : - (no spaces or @)"
        )
    return value


def ensure_dataset_version(session: Session, name: str, version: str | None) -> DatasetVersion:
    """The named version, created (with its dataset) if needed; no version means the latest.
    One another ingest is creating at the same moment is waited for and shared."""
    check_name(name, "dataset name")
    if version is not None:
        check_name(version, "version")
    dataset = session.scalar(select(Dataset).where(Dataset.name == name))
    if dataset is None:
        row = {"name": name, "created_at": utc_now(), "external": False}
        _insert_unless_there(session, Dataset, "name", [row])
        dataset = session.scalars(select(Dataset).where(Dataset.name == name)).one()
    if version is None and dataset.versions:
        return dataset.versions[-1]
    wanted = version or DEFAULT_VERSION
    for candidate in dataset.versions:
        if candidate.version == wanted:
            return candidate
    row = {"dataset_id": dataset.id, "version": wanted, "created_at": utc_now()}
    _insert_unless_there(
        session, DatasetVersion, ("dataset_id", "version"), [row | _VERSION_DEFAULTS]
    )
    session.expire(dataset, ["versions"])
    return session.scalars(
        select(DatasetVersion).where(
            DatasetVersion.dataset_id == dataset.id, DatasetVersion.version == wanted
        )
    ).one()


def ensure_external_dataset(session: Session, ref: str) -> DatasetVersion:
    """The version `NAME@V` of a dataset known by name only (its content not ingested),
    created if new; a dataset whose content was ingested is not turned external."""
    name, version = split_ref(ref)
    dataset = dataset_named(session, name)
    if dataset is not None and not dataset.external:
        return resolve_dataset_version(session, ref)
    if dataset is None:
        check_name(name, "dataset name")
        session.add(Dataset(name=name, created_at=utc_now(), external=True))
        session.flush()
    return ensure_dataset_version(session, name, version)


def find_model(session: Session, name: str) -> Model:
    model = session.scalar(select(Model).where(Model.name == name))
    if model is None:
        raise NotFoundError(f"no model named {name!r}")
    return model


def delete_version(session: Session, version: DatasetVersion) -> None:
    """The version and every row that hangs on it: occurrences, licence evidence, crawl facts
    and crawls, ingest runs and their errors, training inputs and derivations. Records stay:
    they are never deleted (the band index keeps no tombstones), and content held by no
    version is found nowhere."""
    run_ids = select(IngestRun.id).where(IngestRun.dataset_version_id == version.id)
    for table, where in (
        (Occurrence, Occurrence.dataset_version_id == version.id),
        (LicenseEvidence, LicenseEvidence.dataset_version_id == version.id),
        (CrawlFact, CrawlFact.dataset_version_id == version.id),
        (SafetySampleItem, SafetySampleItem.dataset_version_id == version.id),
        (Crawl, Crawl.dataset_version_id == version.id),
        (IngestError, IngestError.ingest_run_id.in_(run_ids)),
        (IngestRun, IngestRun.dataset_version_id == version.id),
        (TrainingInput, TrainingInput.dataset_version_id == version.id),
        (
            DatasetDerivation,
            (DatasetDerivation.derived_version_id == version.id)
            | (DatasetDerivation.parent_version_id == version.id),
        ),
    ):
        session.execute(delete(table).where(where))
    session.delete(version)
