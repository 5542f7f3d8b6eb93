"""Declared versus found: a dataset version's declared licence set against the licences found
in its files and records and the licences of the datasets it was derived from.

A disagreement is a conflict. It is `understated` when what was found forbids or demands
something the declaration does not (a CC BY-NC file in a dataset declared MIT, a CC BY-SA
parent of a dataset declared CC BY): the declaration cannot be relied on. Otherwise it
`differs` (a CC0 record in a CC BY dataset): worth knowing, rarely a problem.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lineage.graph import upstream_versions
from lineage.licenses import UNKNOWN_LICENSE, is_stricter, license_facts
from lineage.models import DatasetVersion, License, LicenseEvidence, Occurrence, Record
from lineage.store import resolve_dataset_version

# Licences a record carries itself, as opposed to inheriting the dataset's declaration.
RECORD_ORIGINS = ("record", "spdx-header", "image-metadata")


@dataclass(frozen=True)
class Evidence:
    role: str
    spdx: str
    origin: str
    locator: str
    method: str
    sha256: str | None = None
    span: tuple[int, int] | None = None
    score: float | None = None
    raw: str | None = None
    records: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class LicenseConflict:
    kind: str
    declared: str
    other: str
    severity: str
    reason: str
    evidence: tuple[Evidence, ...]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"evidence": [item.as_dict() for item in self.evidence]}


@dataclass
class LicenseAudit:
    dataset: str
    version: str
    declared: str | None
    declarations: list[Evidence] = field(default_factory=list)
    found: list[Evidence] = field(default_factory=list)
    parents: dict[str, list[str]] = field(default_factory=dict)
    conflicts: list[LicenseConflict] = field(default_factory=list)

    @property
    def understated(self) -> bool:
        return any(conflict.severity == "understated" for conflict in self.conflicts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "version": self.version,
            "declared": self.declared,
            "declarations": [item.as_dict() for item in self.declarations],
            "found": [item.as_dict() for item in self.found],
            "parents": self.parents,
            "conflicts": [conflict.as_dict() for conflict in self.conflicts],
        }


def audit_licenses(session: Session, ref: str) -> LicenseAudit:
    """The declared and found licences of dataset version `ref`, and where they disagree."""
    return audit_version(session, resolve_dataset_version(session, ref))


def audit_version(session: Session, version: DatasetVersion) -> LicenseAudit:
    declared = version.dataset.declared_license
    audit = LicenseAudit(version.dataset.name, version.version, declared.spdx if declared else None)
    stored = _stored_evidence(session, version.id)
    audit.declarations = [item for item in stored if item.role == "declared"]
    audit.found = [item for item in stored if item.role == "found"]
    audit.found += _record_evidence(session, version.id)
    audit.parents = {
        parent.ref: _licences_of(session, parent)
        for parent, path in upstream_versions(session, version)[1:]
        if len(path) == 1
    }
    if audit.declared is not None and audit.declared != UNKNOWN_LICENSE:
        audit.conflicts = _conflicts(audit, audit.declared)
    return audit


def _stored_evidence(session: Session, version_id: int) -> list[Evidence]:
    rows = session.execute(
        select(LicenseEvidence, License.spdx)
        .join(License, License.id == LicenseEvidence.license_id)
        .where(LicenseEvidence.dataset_version_id == version_id)
        .order_by(LicenseEvidence.role, LicenseEvidence.locator, LicenseEvidence.origin)
    ).all()
    return [
        Evidence(
            role=row.role,
            spdx=spdx,
            origin=row.origin,
            locator=row.locator,
            method=row.method,
            sha256=row.sha256,
            span=(row.span_start, row.span_end) if row.span_start is not None else None,
            score=row.score,
            raw=row.raw,
        )
        for row, spdx in rows
    ]


def _record_evidence(session: Session, version_id: int) -> list[Evidence]:
    """Licences records carry themselves, one entry per licence and origin, with the first
    record (by locator) as the example and the number of records."""
    query = (
        select(
            License.spdx,
            Occurrence.license_origin,
            func.count(func.distinct(Occurrence.record_id)),
            func.min(Occurrence.locator),
        )
        .join(License, License.id == Occurrence.license_id)
        .where(
            Occurrence.dataset_version_id == version_id,
            Occurrence.license_origin.in_(RECORD_ORIGINS),
        )
        .group_by(License.spdx, Occurrence.license_origin)
        .order_by(License.spdx, Occurrence.license_origin)
    )
    evidence = []
    for spdx, origin, records, locator in session.execute(query):
        sha256 = session.scalar(
            select(Record.sha256)
            .join(Occurrence, Occurrence.record_id == Record.id)
            .where(Occurrence.dataset_version_id == version_id, Occurrence.locator == locator)
        )
        evidence.append(
            Evidence("found", spdx, origin, locator, origin, sha256=sha256, records=records)
        )
    return evidence


def _licences_of(session: Session, version: DatasetVersion) -> list[str]:
    """A parent's declared licence and every licence found in it."""
    audit = audit_version(session, version)
    found = {item.spdx for item in [*audit.declarations, *audit.found]}
    if audit.declared:
        found.add(audit.declared)
    return sorted(found - {UNKNOWN_LICENSE})


def _conflicts(audit: LicenseAudit, declared: str) -> list[LicenseConflict]:
    conflicts = []
    for spdx, items in _by_licence(audit.declarations).items():
        if spdx != declared:
            conflicts.append(
                _conflict("declarations", declared, spdx, "another declaration says", items)
            )
    for spdx, items in _by_licence(audit.found).items():
        if spdx != declared:
            conflicts.append(_conflict("found", declared, spdx, "found in the data", items))
    for parent, licences in audit.parents.items():
        for spdx in licences:
            if spdx != declared:
                reason = f"derived from {parent}, which is under it"
                conflicts.append(_conflict("parent", declared, spdx, reason, ()))
    return conflicts


def _by_licence(items: list[Evidence]) -> dict[str, list[Evidence]]:
    grouped: dict[str, list[Evidence]] = {}
    for item in items:
        if item.spdx != UNKNOWN_LICENSE:
            grouped.setdefault(item.spdx, []).append(item)
    return grouped


def _conflict(
    kind: str, declared: str, other: str, where: str, evidence: list[Evidence] | tuple[()]
) -> LicenseConflict:
    understated = is_stricter(license_facts(other), license_facts(declared))
    severity = "understated" if understated else "differs"
    reason = f"declared {declared}, but {other} is {where}"
    if understated:
        reason += f"; {other} has terms {declared} does not"
    return LicenseConflict(kind, declared, other, severity, reason, tuple(evidence))
