"""Listing and describing datasets: their versions, licences, sources and ingest history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.query.graph import LineageGraph, describe_path
from lineage.query.scope import whole
from lineage.query.training_data import license_counts, source_counts, split_counts
from lineage.store import resolve_dataset_version
from lineage.store.schema import Dataset, DatasetVersion, IngestRun


@dataclass(frozen=True)
class DatasetListing:
    name: str
    versions: list[str]
    latest_records: int
    latest_bytes: int
    declared_license: str | None

    def as_dict(self) -> dict[str, Any]:
        return vars(self)


def list_datasets(session: Session) -> list[DatasetListing]:
    listings = []
    for dataset in session.scalars(select(Dataset).order_by(Dataset.name)):
        latest = dataset.versions[-1] if dataset.versions else None
        listings.append(
            DatasetListing(
                name=dataset.name,
                versions=[version.version for version in dataset.versions],
                latest_records=latest.record_count if latest else 0,
                latest_bytes=latest.size_bytes if latest else 0,
                declared_license=dataset.declared_license.spdx
                if dataset.declared_license
                else None,
            )
        )
    return listings


def describe_dataset(session: Session, ref: str) -> dict[str, Any]:
    """Everything recorded about one dataset version, as JSON-able data."""
    version = resolve_dataset_version(session, ref)
    dataset = version.dataset
    graph = LineageGraph.load(session)
    return {
        "dataset": dataset.name,
        "version": version.version,
        "description": dataset.description,
        "declared_license": dataset.declared_license.spdx if dataset.declared_license else None,
        "manifest_hash": version.manifest_hash,
        "records": version.record_count,
        "size_bytes": version.size_bytes,
        "fingerprint_params": version.fingerprint_params,
        "derived_from": [
            {"dataset": graph.version_refs[parent], "path": describe_path(path)}
            for parent, path in graph.upstream_versions(version.id)[1:]
        ],
        "licenses": [
            vars(entry) | {"flags": list(entry.flags)}
            for entry in license_counts(session, whole([version.id]))
        ],
        "sources": [vars(entry) for entry in source_counts(session, whole([version.id]))],
        "splits": {
            split: records
            for split, records in sorted(split_counts(session, version.id).items(), key=str)
            if split is not None
        },
        "models": list(graph.models_trained_on([version.id])),
        "ingest_runs": _ingest_runs(session, version),
    }


def _ingest_runs(session: Session, version: DatasetVersion) -> list[dict[str, Any]]:
    runs = session.scalars(
        select(IngestRun).where(IngestRun.dataset_version_id == version.id).order_by(IngestRun.id)
    )
    return [
        {
            "run": run.id,
            "status": run.status,
            "started_at": run.started_at.isoformat(),
            "files_seen": run.files_seen,
            "files_failed": run.files_failed,
            "records_seen": run.records_seen,
            "records_added": run.records_added,
            "errors": [
                {"locator": error.locator, "error_type": error.error_type, "reason": error.reason}
                for error in run.errors
            ],
        }
        for run in runs
    ]
