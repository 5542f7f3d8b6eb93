"""The lineage graph as SQLAlchemy 2.0 models: the one place the schema is defined.

Alembic owns every change to these tables (see `migrations/`); the models never create
tables themselves. Column types are chosen to mean the same on SQLite and PostgreSQL:
64-bit hashes are signed BIGINTs, records' SHA-256 digests 32-byte binaries given as hex,
structured metadata is JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, configure_mappers, mapped_column, relationship

from lineage.store.digests import hex_digest_or_none, stored_digest

# Stable constraint names so that migrations stay portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class Digest(TypeDecorator[str]):
    """A SHA-256 digest kept as its 32 bytes and given as hex (`lineage.store.digests`)."""

    impl = LargeBinary(32)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        return None if value is None else stored_digest(value)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> str | None:
        return hex_digest_or_none(value)


class License(Base):
    """A normalised SPDX expression and what it allows; unknown is the `NOASSERTION` row."""

    __tablename__ = "licenses"

    id: Mapped[int] = mapped_column(primary_key=True)
    spdx: Mapped[str] = mapped_column(String(512), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    commercial_use: Mapped[bool | None] = mapped_column(Boolean)
    attribution_required: Mapped[bool] = mapped_column(Boolean)
    share_alike: Mapped[bool] = mapped_column(Boolean)
    derivatives_allowed: Mapped[bool | None] = mapped_column(Boolean)


class Source(Base):
    """Where content came from: a local path, a web URL, a hub id or a vendor."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    first_seen_at: Mapped[datetime]
    rights_signals: Mapped[dict[str, Any] | None]


class Record(Base):
    """One unit of content (a document, a row, an image), stored once per exact content hash."""

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(Digest, unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    text_sha256: Mapped[str | None] = mapped_column(Digest, index=True)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    phash: Mapped[int | None] = mapped_column(BigInteger, index=True)
    dhash: Mapped[int | None] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    image_format: Mapped[str | None] = mapped_column(String(16))
    # Rights the content carries in its own metadata (see lineage.crawl.rights), and their
    # verdict on AI training in C2PA's words: notAllowed (reserved), constrained, allowed.
    rights: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    training_use: Mapped[str | None] = mapped_column(String(16))


class LshSegment(Base):
    """One run of the text records' MinHash LSH band keys (see `lineage.store.band_index`): written
    whole by an ingest batch, or by merging runs of the level below."""

    __tablename__ = "lsh_segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    entries: Mapped[int] = mapped_column(BigInteger)
    # How many top bits of a key number its bucket in this run.
    bits: Mapped[int] = mapped_column(SmallInteger)


class LshPage(Base):
    """A bucket of a run: the (key, record id) pairs whose keys share their top bits, as two
    little-endian int64 arrays. Its id is the run's id shifted left by 32 plus the bucket's
    number, so that a lookup finds it by primary key alone (SQLite's rowid)."""

    __tablename__ = "lsh_pages"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    keys: Mapped[bytes] = mapped_column(LargeBinary)
    record_ids: Mapped[bytes] = mapped_column(LargeBinary)


class ImageKey(Base):
    """One 16-bit piece of an image's pHash, as an index key, carrying both hashes: a lookup
    reads the candidates' hashes from this table alone (multi-index hashing)."""

    __tablename__ = "image_keys"
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    piece: Mapped[int] = mapped_column(SmallInteger)
    phash: Mapped[int] = mapped_column(BigInteger)
    dhash: Mapped[int] = mapped_column(BigInteger)


class Dataset(Base):
    """A named collection of content, with the card that describes it. An `external` one is
    known by name only (a hub dataset a model card names): its content was not ingested."""

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    card: Mapped[dict[str, Any] | None]
    declared_license_id: Mapped[int | None] = mapped_column(ForeignKey("licenses.id"))
    created_at: Mapped[datetime]
    external: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    versions: Mapped[list[DatasetVersion]] = relationship(
        back_populates="dataset", order_by="DatasetVersion.id"
    )
    declared_license: Mapped[License | None] = relationship()


class DatasetVersion(Base):
    """A snapshot of a dataset; its manifest hash (a Merkle root of record hashes) names it."""

    __tablename__ = "dataset_versions"
    __table_args__ = (UniqueConstraint("dataset_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"))
    version: Mapped[str] = mapped_column(String(64))
    manifest_hash: Mapped[str | None] = mapped_column(String(64))
    record_count: Mapped[int] = mapped_column(BigInteger, default=0)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    fingerprint_params: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    # How the provider obtained it (an AcquisitionChannel); unknown where not said.
    channel: Mapped[str | None] = mapped_column(String(32))
    # The model that generated it, for synthetic data.
    generated_by: Mapped[str | None] = mapped_column(String(255))
    # When its content was collected, up to: as the user said (`--collected`).
    collected_until: Mapped[datetime | None]
    # The newest modification time of the files its ingests read.
    files_modified_until: Mapped[datetime | None]
    # Its texts' languages, as identified on a sample of them by its latest ingest:
    # {"identifier", "texts_seen", "texts_identified", "counts": {code: texts}}.
    languages: Mapped[dict[str, Any] | None]

    dataset: Mapped[Dataset] = relationship(back_populates="versions")

    @property
    def ref(self) -> str:
        return f"{self.dataset.name}@{self.version}"


class Occurrence(Base):
    """Membership of a record in a dataset version, at a locator, with its source and licence."""

    __tablename__ = "occurrences"
    __table_args__ = (UniqueConstraint("dataset_version_id", "locator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    locator: Mapped[str] = mapped_column(String(2048))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    license_id: Mapped[int] = mapped_column(ForeignKey("licenses.id"), index=True)
    license_origin: Mapped[str] = mapped_column(String(16))
    # The configuration and split of a Hugging Face dataset the locator is in, where known.
    config: Mapped[str | None] = mapped_column(String(64))
    split: Mapped[str | None] = mapped_column(String(64))
    # When the content was collected (a WARC record's WARC-Date), where the input says.
    collected_at: Mapped[datetime | None]
    # The hash of the bytes as fetched (a web page's HTML), where the record is derived
    # from them (its main text).
    payload_sha256: Mapped[str | None] = mapped_column(String(64))


class LicenseEvidence(Base):
    """Why a dataset version is said or found to be under a licence: a card or argument that
    declares it, or a licence file whose text is it. Licences found on single records (their
    own field, an SPDX header, image metadata) are on their occurrences instead."""

    __tablename__ = "license_evidence"
    __table_args__ = (UniqueConstraint("dataset_version_id", "role", "origin", "locator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))
    license_id: Mapped[int] = mapped_column(ForeignKey("licenses.id"))
    origin: Mapped[str] = mapped_column(String(16))
    locator: Mapped[str] = mapped_column(String(2048))
    sha256: Mapped[str | None] = mapped_column(String(64))
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None]
    method: Mapped[str] = mapped_column(String(32))
    raw: Mapped[str | None] = mapped_column(Text)

    license: Mapped[License] = relationship()


class DatasetDerivation(Base):
    """A dataset version made from another: filter, dedup, subset, mix, translation, synthetic."""

    __tablename__ = "dataset_derivations"
    __table_args__ = (UniqueConstraint("derived_version_id", "parent_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    derived_version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"), index=True)
    parent_version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"), index=True)
    operation: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]


class DatasetRemoval(Base):
    """A dataset version deleted although models were trained on it or versions derived from
    it (`dataset delete --force`): what it was, so that their disclosures still name it."""

    __tablename__ = "dataset_removals"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(64))
    manifest_hash: Mapped[str | None] = mapped_column(String(64))
    record_count: Mapped[int] = mapped_column(BigInteger)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    # Names of the models that were trained on it, and references of the versions derived.
    trained_models: Mapped[list[str]] = mapped_column(JSON)
    derived_versions: Mapped[list[str]] = mapped_column(JSON)
    removed_at: Mapped[datetime]


class Model(Base):
    """A trained model, with the card it was registered from."""

    __tablename__ = "models"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    license_id: Mapped[int | None] = mapped_column(ForeignKey("licenses.id"))
    card: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]

    license: Mapped[License | None] = relationship()


class ModelDerivation(Base):
    """A model made from another: fine-tune, continued pre-training, distillation, merge, ..."""

    __tablename__ = "model_derivations"
    __table_args__ = (UniqueConstraint("child_model_id", "parent_model_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_model_id: Mapped[int] = mapped_column(ForeignKey("models.id"), index=True)
    parent_model_id: Mapped[int] = mapped_column(ForeignKey("models.id"), index=True)
    relation: Mapped[str] = mapped_column(String(32))


class TrainingRun(Base):
    """One training run that produced a model."""

    __tablename__ = "training_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id"), index=True)
    created_at: Mapped[datetime]
    notes: Mapped[str | None] = mapped_column(Text)


class TrainingInput(Base):
    """A dataset version consumed by a training run, with its epochs or sampling weight."""

    __tablename__ = "training_inputs"
    __table_args__ = (UniqueConstraint("training_run_id", "dataset_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    training_run_id: Mapped[int] = mapped_column(ForeignKey("training_runs.id"), index=True)
    dataset_version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"), index=True)
    epochs: Mapped[float | None]
    weight: Mapped[float | None]
    # The splits the run consumed (a JSON list); none given means the training splits.
    splits: Mapped[list[str] | None] = mapped_column(JSON)


class CrawlFact(Base):
    """What a web archive says of the sites it visited and of its crawler, besides content:
    a site's robots.txt or tdmrep.json as fetched, or the user agent the crawler announced.
    The site's rights signals are judged from them (`lineage.ingest.site_rights`)."""

    __tablename__ = "crawl_facts"
    __table_args__ = (UniqueConstraint("dataset_version_id", "locator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    uri: Mapped[str | None] = mapped_column(String(2048))
    locator: Mapped[str] = mapped_column(String(2048))
    warc_record_id: Mapped[str | None] = mapped_column(String(255))
    fetched_at: Mapped[datetime | None]
    http_status: Mapped[int | None] = mapped_column(SmallInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)


class Crawl(Base):
    """A `lineage crawl` run: who crawled, as which agent, for what, when, from which seeds,
    and what it refused to fetch; the disclosure's crawler details."""

    __tablename__ = "crawls"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"), index=True)
    crawler: Mapped[str] = mapped_column(String(255))
    user_agent: Mapped[str] = mapped_column(String(512))
    purpose: Mapped[str] = mapped_column(Text)
    seeds: Mapped[list[str]] = mapped_column(JSON)
    archive: Mapped[str] = mapped_column(String(2048))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    pages_fetched: Mapped[int] = mapped_column(Integer)
    # Why each URL not fetched was not, counted by reason (robots.txt, TDM reservation...).
    refused: Mapped[dict[str, Any]]

    dataset_version: Mapped[DatasetVersion] = relationship()


class SummaryExport(Base):
    """A public summary as exported: its model, number in the model's history, time, format
    and hash, so that a later summary can say which it follows and what changed."""

    __tablename__ = "summary_exports"
    __table_args__ = (UniqueConstraint("model_id", "format", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id"), index=True)
    format: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    exported_at: Mapped[datetime]
    sha256: Mapped[str] = mapped_column(String(64))
    # The hash of the document the summary follows (`--previous`), where one was given.
    previous_sha256: Mapped[str | None] = mapped_column(String(64))


class SafetySample(Base):
    """A random sample of training content drawn for the corpus safety check (GB/T
    45654-2025): what it was drawn from, with which seed, and when."""

    __tablename__ = "safety_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What it was drawn from: `model:NAME` or the dataset versions' refs.
    drawn_from: Mapped[str] = mapped_column(String(1024))
    seed: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(BigInteger)
    drawn_at: Mapped[datetime]

    items: Mapped[list[SafetySampleItem]] = relationship(order_by="SafetySampleItem.position")


class SafetySampleItem(Base):
    """One occurrence drawn into a sample, and the reviewers' verdict on it once recorded."""

    __tablename__ = "safety_sample_items"
    __table_args__ = (UniqueConstraint("sample_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("safety_samples.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # The occurrence by its version and locator (kept should a re-ingest remove it).
    dataset_version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"), index=True)
    record_sha256: Mapped[str] = mapped_column(String(64))
    locator: Mapped[str] = mapped_column(String(2048))
    # `pass`, `fail` (harmful or unsuitable) or `illegal`; empty until reviewed.
    verdict: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(64))
    reviewer: Mapped[str | None] = mapped_column(String(255))
    reviewed_at: Mapped[datetime | None]


class Event(Base):
    """One entry of the append-only, hash-chained log of what changed the lineage (ingests,
    registrations, derivations, deletions, exports), with the digests each produced: its
    hash covers its content and the hash of the entry before it, so an entry edited or
    removed behind the tool's back breaks the chain (`lineage verify`)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(512))
    detail: Mapped[dict[str, Any]]
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class IngestRun(Base):
    """One `ingest` invocation; `running` left behind means the process died mid-way."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_version_id: Mapped[int] = mapped_column(ForeignKey("dataset_versions.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    arguments: Mapped[dict[str, Any] | None]
    files_seen: Mapped[int] = mapped_column(Integer, default=0)
    files_failed: Mapped[int] = mapped_column(Integer, default=0)
    records_seen: Mapped[int] = mapped_column(BigInteger, default=0)
    records_added: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_read: Mapped[int] = mapped_column(BigInteger, default=0)

    errors: Mapped[list[IngestError]] = relationship(order_by="IngestError.id")


class IngestError(Base):
    """A file (or a row in it) that could not be ingested, and why."""

    __tablename__ = "ingest_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    ingest_run_id: Mapped[int] = mapped_column(ForeignKey("ingest_runs.id"), index=True)
    locator: Mapped[str] = mapped_column(String(2048))
    error_type: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)


# Once, with the models, rather than inside the first query a command runs (about 10 ms).
configure_mappers()
