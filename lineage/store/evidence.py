"""Licence evidence rows of a dataset version: replaced per crawled root, read back whole.

Ingest collects evidence for the roots it crawled and replaces what an earlier run recorded
for them, so evidence follows the files as they change; evidence of other roots, from runs
over other folders, stays. Licences found on single records are kept on their occurrences.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.licenses import Evidence
from lineage.licenses.evidence import MAX_RAW_CHARS
from lineage.store.bulk import delete_ids
from lineage.store.rows import ensure_license
from lineage.store.schema import License, LicenseEvidence
from lineage.vocabulary import EvidenceRole, LicenseOrigin, is_under


def replace_evidence(
    session: Session, version_id: int, root_labels: list[str], rows: list[Evidence]
) -> None:
    """Replace the version's evidence from these roots with `rows`."""
    stored = session.execute(
        select(LicenseEvidence.id, LicenseEvidence.locator).where(
            LicenseEvidence.dataset_version_id == version_id
        )
    ).all()
    stale = [row_id for row_id, locator in stored if is_under(locator, root_labels)]
    delete_ids(session, LicenseEvidence, stale)
    session.add_all(
        LicenseEvidence(
            dataset_version_id=version_id,
            role=row.role,
            license_id=ensure_license(session, row.spdx).id,
            origin=row.origin,
            locator=row.locator,
            sha256=row.sha256,
            span_start=row.span[0] if row.span else None,
            span_end=row.span[1] if row.span else None,
            score=row.score,
            method=row.method,
            raw=row.raw[:MAX_RAW_CHARS] if row.raw else None,
        )
        for row in rows
    )


def stored_evidence(session: Session, version_id: int) -> list[Evidence]:
    """The version's declarations and licence-file findings, in a stable order."""
    rows = session.execute(
        select(LicenseEvidence, License.spdx)
        .join(License, License.id == LicenseEvidence.license_id)
        .where(LicenseEvidence.dataset_version_id == version_id)
        .order_by(LicenseEvidence.role, LicenseEvidence.locator, LicenseEvidence.origin)
    ).all()
    return [
        Evidence(
            role=EvidenceRole(row.role),
            spdx=spdx,
            origin=LicenseOrigin(row.origin),
            locator=row.locator,
            method=row.method,
            sha256=row.sha256,
            span=(row.span_start, row.span_end) if row.span_start is not None else None,
            score=row.score,
            raw=row.raw,
        )
        for row, spdx in rows
    ]
