"""Records and their index keys: stored once per content hash, in bulk, never deleted.

Ingest writes records a batch at a time through the driver (`lineage.store.bulk`); these
functions are its whole vocabulary of record SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lineage.fingerprint.batch import FINGERPRINT_COLUMNS
from lineage.store import band_index
from lineage.store.bulk import insert_returning, insert_rows
from lineage.store.digests import hex_digest, stored_digest, stored_digests
from lineage.store.driver import driver_of
from lineage.store.schema import ImageKey, Record
from lineage.vocabulary import RecordKind

RECORD_COLUMNS = ("sha256", "kind", "size_bytes", "training_use", *FINGERPRINT_COLUMNS, "rights")
IMAGE_KEY_COLUMNS = ("key", "record_id", "piece", "phash", "dhash")
_DIGEST_POSITIONS = [RECORD_COLUMNS.index(column) for column in ("sha256", "text_sha256")]
_STORED_BY_HASH = "SELECT sha256, kind, id FROM records WHERE sha256 IN ({})"
_ID_BY_HASH = "SELECT sha256, id FROM records WHERE sha256 IN ({})"


def stored_by_hash(session: Session, hashes: Sequence[str]) -> list[tuple[str, str, int]]:
    """(sha256, kind, id) of the records stored with these content hashes."""
    rows = driver_of(session).rows_in(_STORED_BY_HASH, stored_digests(hashes))
    return [(hex_digest(digest), kind, id_) for digest, kind, id_ in rows]


def ids_by_hash(session: Session, hashes: Sequence[str]) -> dict[str, int]:
    rows = driver_of(session).rows_in(_ID_BY_HASH, stored_digests(hashes))
    return {hex_digest(digest): id_ for digest, id_ in rows}


def insert_records(session: Session, rows: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Insert these records (each a row of RECORD_COLUMNS and its `index_keys`, by hash) with
    their index keys, but for any another run stored meanwhile, which stays as it is; the ids
    of those inserted, by hash."""
    if not rows:
        return {}
    values = [_as_stored(row) for row in rows.values()]
    returned = insert_returning(
        session, Record, RECORD_COLUMNS, values, ("sha256", "id"), ("sha256",)
    )
    inserted = {hex_digest(digest): id_ for digest, id_ in returned}
    store_index_keys(session, {id_: rows[sha] for sha, id_ in inserted.items()})
    return inserted


def _as_stored(row: Mapping[str, Any]) -> tuple:
    """A record's values of RECORD_COLUMNS as the table takes them: its digests in bytes."""
    values = [row[column] for column in RECORD_COLUMNS]
    for position in _DIGEST_POSITIONS:
        if values[position] is not None:
            values[position] = stored_digest(values[position])
    return tuple(values)


def fill_missing_rights(
    session: Session, rights_by_id: Mapping[int, tuple[dict[str, Any], str | None]]
) -> None:
    """Rights (and the training use they say) of records stored before they were read, by an
    older version of lineage."""
    if not rights_by_id:
        return
    missing = session.scalars(
        select(Record.id).where(Record.id.in_(rights_by_id), Record.rights.is_(None))
    ).all()
    for record_id in missing:
        rights, training_use = rights_by_id[record_id]
        session.execute(
            update(Record)
            .where(Record.id == record_id)
            .values(rights=rights, training_use=training_use)
        )


def store_index_keys(session: Session, rows: Mapping[int, Mapping[str, Any]]) -> None:
    """LSH band keys of new texts (one run of the band index), and pHash piece keys (with both
    hashes) of new images: each row's `index_keys`, by record id."""
    texts, pieces = [], []
    for record_id, row in rows.items():
        if row["kind"] == RecordKind.IMAGE:
            pieces += [
                (key, record_id, piece, row["phash"], row["dhash"])
                for piece, key in enumerate(row["index_keys"])
            ]
        else:
            texts.append((record_id, np.asarray(row["index_keys"], dtype=np.int64)))
    if texts:
        keys = np.concatenate([text_keys for _, text_keys in texts])
        record_ids = np.repeat([record_id for record_id, _ in texts], [len(k) for _, k in texts])
        band_index.add_run(session, keys, record_ids)
    insert_rows(session, ImageKey, IMAGE_KEY_COLUMNS, sorted(pieces))
