"""An ingest run: its row, the checks before it starts, its pipeline, and how it ends.

Every batch is one transaction, so a crash leaves the database consistent with the batches
before it (the run stays `running`, which `lineage` reports as interrupted). A file that
cannot be read or fingerprinted becomes an IngestError row and the run goes on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lineage.crawl import CorpusListing, CorpusRoot, list_corpus
from lineage.crawl.save_to_disk import saved_info
from lineage.errors import InputError
from lineage.fingerprint import TextFingerprintParams, check_compatible
from lineage.ingest.frozen import verify_unchanged
from lineage.ingest.options import IngestOptions, IngestProgress, IngestSummary
from lineage.ingest.pipeline import IngestPipeline, worker_pool
from lineage.ingest.site_rights import judge_site_rights
from lineage.ingest.store_thread import batch_store
from lineage.ingest.vanished import remove_vanished
from lineage.registry import link_source_datasets, record_acquisition
from lineage.store import ensure_dataset_version, ensure_license, session_scope, write_scope
from lineage.store.events import append_event, occurrence_digest
from lineage.store.evidence import replace_evidence
from lineage.store.occurrences import has_occurrences, refresh_manifest
from lineage.store.rows import as_utc, dataset_named, find_dataset_version, trained_models, utc_now
from lineage.store.schema import DatasetVersion, IngestRun
from lineage.vocabulary import EventKind, RunStatus


def ingest_paths(
    engine: Engine,
    paths: Iterable[Path],
    options: IngestOptions,
    progress: IngestProgress | None = None,
) -> IngestSummary:
    """Crawl `paths` into dataset version `options.dataset@options.version`: what is new is
    fingerprinted and recorded, what an earlier run saw under the same roots and is gone is
    removed, and re-running on unchanged input adds nothing.

    >>> from lineage.store import connect
    >>> engine = connect("sqlite://")
    >>> summary = ingest_paths(engine, [Path("sample_data/field-notes")],
    ...                        IngestOptions(dataset="field-notes"))
    >>> summary.status.value, summary.records_added, summary.exit_code
    ('completed', 12, 0)
    >>> ingest_paths(engine, [Path("sample_data/field-notes")],
    ...              IngestOptions(dataset="field-notes")).records_added
    0
    """
    started = time.perf_counter()
    listing = list_corpus([Path(path) for path in paths])
    with session_scope(engine) as session:
        existing = find_dataset_version(session, options.dataset, options.version)
        frozen_by = trained_models(session, existing.id) if existing is not None else []
    if existing is not None and frozen_by:
        return verify_unchanged(engine, listing, options, existing.id, frozen_by)
    # The workers first: a cluster out of reach ends the command before a run is recorded.
    with worker_pool(options) as executor:
        with session_scope(engine) as session:
            new_dataset = dataset_named(session, options.dataset) is None
            run = _start_run(session, listing.roots, options)
            version = session.get_one(DatasetVersion, run.dataset_version_id)
            summary = IngestSummary(run.id, options.dataset, version.version)
            had_occurrences = has_occurrences(session, version.id)
        if progress is not None:
            progress.start(*listing.count())
        try:
            with batch_store(engine, run.id, version.id, summary, had_occurrences) as writer:
                pipeline = IngestPipeline(engine, options, summary, writer, executor)
                pipeline.report_card_problems(listing.roots)
                pipeline.ingest(listing.files(), progress)
            for skipped in listing.skipped:
                summary.skip(skipped)
            found_nothing = summary.records_seen == 0 and summary.problem_count == 0
            if not found_nothing:
                _record_evidence(engine, version.id, listing, pipeline)
            if pipeline.seen is not None and not found_nothing:
                summary.occurrences_removed = remove_vanished(
                    engine, version.id, pipeline.seen, pipeline.unreadable, _labels(listing)
                )
            if not found_nothing:
                summary.sources_reserved_by_site = judge_site_rights(engine, version.id)
                _record_languages(engine, version.id, pipeline.languages.as_dict())
        except BaseException:
            _finish_run(engine, summary, RunStatus.INTERRUPTED)
            raise
    if found_nothing:
        _abandon(engine, run.id, new_version=existing is None, new_dataset=new_dataset)
        raise InputError(_nothing_found(paths, summary))
    summary.elapsed_seconds = time.perf_counter() - started
    _finish_run(
        engine, summary, RunStatus.PARTIAL if summary.problem_count else RunStatus.COMPLETED
    )
    return summary


def _labels(listing: CorpusListing) -> list[str]:
    return [root.label for root in listing.roots]


def _abandon(engine: Engine, run_id: int, *, new_version: bool, new_dataset: bool) -> None:
    """Undo a run that found nothing to record: its row, and the version and dataset it made."""
    with session_scope(engine) as session:
        run = session.get_one(IngestRun, run_id)
        version = session.get_one(DatasetVersion, run.dataset_version_id)
        dataset = version.dataset
        session.delete(run)
        if new_version:
            session.delete(version)
        if new_dataset:
            session.flush()
            session.delete(dataset)


def _nothing_found(paths: Iterable[Path], summary: IngestSummary) -> str:
    where = ", ".join(str(path) for path in paths)
    if not summary.skipped_by_reason:
        return f"no content found in {where}; nothing was recorded"
    skipped = summary.describe_skipped()
    return f"no supported content in {where} (skipped: {skipped}); nothing was recorded"


def _record_evidence(
    engine: Engine, version_id: int, listing: CorpusListing, pipeline: IngestPipeline
) -> None:
    """Replace the version's licence evidence from these roots with what this run saw."""
    rows = pipeline.licenses.evidence(listing)
    with session_scope(engine) as session:
        replace_evidence(session, version_id, _labels(listing), rows)


def _start_run(session: Session, roots: list[CorpusRoot], options: IngestOptions) -> IngestRun:
    version = ensure_dataset_version(session, options.dataset, options.version)
    _check_fingerprint_params(version, options.text_params)
    _apply_card(session, version, roots, options)
    record_acquisition(session, version, options.acquisition)
    run = IngestRun(
        dataset_version_id=version.id,
        status=RunStatus.RUNNING,
        started_at=utc_now(),
        arguments=_arguments(options, roots),
    )
    session.add(run)
    session.flush()
    return run


def _check_fingerprint_params(version: DatasetVersion, params: TextFingerprintParams) -> None:
    if version.fingerprint_params is None:
        version.fingerprint_params = params.as_dict()
        return
    check_compatible(TextFingerprintParams.from_dict(version.fingerprint_params), params)


def _apply_card(
    session: Session, version: DatasetVersion, roots: list[CorpusRoot], options: IngestOptions
) -> None:
    """Take the dataset card's metadata and declared licence, where the corpus has a card,
    and the datasets it says its content came from."""
    dataset = version.dataset
    for card in (root.card for root in roots if root.card is not None):
        dataset.card = json.loads(json.dumps(card.metadata, default=str, sort_keys=True))
        dataset.description = str(card.metadata.get("pretty_name") or dataset.name)
        if card.declared_license:
            dataset.declared_license = ensure_license(session, card.declared_license)
        link_source_datasets(session, version, card)
    for root in (root for root in roots if root.card is None and root.is_folder):
        info = saved_info(root.path)
        if info:  # a folder saved by `datasets`: its info stands in for a card
            dataset.card = {"dataset_info": info}
            dataset.description = info.get("description") or dataset.description
            if info.get("license") and dataset.declared_license is None:
                dataset.declared_license = ensure_license(session, info["license"])
    if options.license and dataset.declared_license is None:
        dataset.declared_license = ensure_license(session, options.license)


def _arguments(options: IngestOptions, roots: list[CorpusRoot]) -> dict[str, Any]:
    return {
        "roots": sorted(str(root.path) for root in roots),
        "license": options.license,
        "source": options.source,
        "text_field": options.text_field,
        "version": options.version,
    }


def _record_languages(engine: Engine, version_id: int, languages: dict[str, Any] | None) -> None:
    """The run's sample of languages replaces the version's, where it read texts."""
    if languages is not None:
        with session_scope(engine) as session:
            session.get_one(DatasetVersion, version_id).languages = languages


def _note_file_times(version: DatasetVersion, newest: float | None) -> None:
    if newest is None:
        return
    seen = datetime.fromtimestamp(newest, UTC)
    known = version.files_modified_until
    if known is None or seen > as_utc(known):
        version.files_modified_until = seen


def _finish_run(engine: Engine, summary: IngestSummary, status: RunStatus) -> None:
    """The run's row, and its version's manifest, recomputed from what the version holds now,
    with the version locked: another run into it that finishes meanwhile waits, then
    recomputes with this one's content too, so the last to finish leaves the whole."""
    summary.status = status
    with write_scope(engine) as session:
        run = session.get_one(IngestRun, summary.run_id)
        # FOR NO KEY UPDATE: finishes wait for each other, not the other runs' batches,
        # whose occurrences only take a key-share lock on the version row.
        version = session.get_one(
            DatasetVersion, run.dataset_version_id, with_for_update={"key_share": True}
        )
        refresh_manifest(session, version)
        summary.manifest_hash = version.manifest_hash or ""
        digest, occurrences = occurrence_digest(session, version.id)
        detail = {
            "run": run.id,
            "status": str(status),
            "manifest_hash": summary.manifest_hash,
            "occurrences_digest": digest,
            "occurrences": occurrences,
            "records": version.record_count,
        }
        append_event(session, EventKind.INGEST, version.ref, detail)
        _note_file_times(version, summary.files_modified_until)
        run.status = status
        run.finished_at = utc_now()
        run.files_seen = summary.files_seen
        run.files_failed = summary.files_failed
        run.records_seen = summary.records_seen
        run.records_added = summary.records_added
        run.bytes_read = summary.bytes_read
