"""Declared versus found: a dataset version's declared licence against what was found.

What was found: the licences of its files and records, and of the datasets it was derived
from, directly or not.

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

from lineage.licenses import UNKNOWN_LICENSE, Evidence, is_stricter, license_facts
from lineage.query.graph import LineageGraph
from lineage.store import resolve_dataset_version
from lineage.store.evidence import stored_evidence
from lineage.store.schema import DatasetVersion, License, Occurrence, Record
from lineage.vocabulary import RECORD_ORIGINS, EvidenceRole, LicenseOrigin

# Which declaration speaks for a version when several do: the card's front matter first.
DECLARATION_PRECEDENCE = (LicenseOrigin.CARD, LicenseOrigin.CARD_SECTION, LicenseOrigin.ARGUMENT)


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
    ancestors: dict[str, list[str]] = field(default_factory=dict)
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
            "ancestors": self.ancestors,
            "conflicts": [conflict.as_dict() for conflict in self.conflicts],
        }


def audit_licenses(session: Session, ref: str) -> LicenseAudit:
    """The declared and found licences of dataset version `ref`, and where they disagree."""
    return audit_version(session, resolve_dataset_version(session, ref))


def audit_version(
    session: Session, version: DatasetVersion, graph: LineageGraph | None = None
) -> LicenseAudit:
    """The audit of one version: its own declarations (not the dataset's latest), what was
    found in it, and the licences of every version upstream of it (in `graph`, else the
    graph as the session sees it)."""
    graph = graph or LineageGraph.load(session)
    declarations, found = _evidence_of(session, version)
    audit = LicenseAudit(
        version.dataset.name,
        version.version,
        _declared(version, declarations),
        declarations,
        found,
        {
            ancestor.ref: _licences_of(session, ancestor)
            for ancestor in _ancestors(session, version, graph)
        },
    )
    if audit.declared is not None and audit.declared != UNKNOWN_LICENSE:
        audit.conflicts = _conflicts(audit, audit.declared)
    return audit


def _evidence_of(
    session: Session, version: DatasetVersion
) -> tuple[list[Evidence], list[Evidence]]:
    stored = stored_evidence(session, version.id)
    declarations = [item for item in stored if item.role == EvidenceRole.DECLARED]
    found = [item for item in stored if item.role == EvidenceRole.FOUND]
    return declarations, found + _record_evidence(session, version.id)


def _declared(version: DatasetVersion, declarations: list[Evidence]) -> str | None:
    """The licence the version's own declarations give; versions ingested before evidence was
    recorded fall back on the dataset's."""
    for origin in DECLARATION_PRECEDENCE:
        for item in declarations:
            if item.origin == origin and item.spdx != UNKNOWN_LICENSE:
                return item.spdx
    declared = version.dataset.declared_license
    return declared.spdx if declared is not None else None


def _ancestors(
    session: Session, version: DatasetVersion, graph: LineageGraph
) -> list[DatasetVersion]:
    """Every version this one was derived from, directly or through others."""
    upstream = graph.upstream_versions(version.id)[1:]
    return [session.get_one(DatasetVersion, ancestor) for ancestor, _ in upstream]


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
        origin = LicenseOrigin(origin)
        evidence.append(
            Evidence(EvidenceRole.FOUND, spdx, origin, locator, origin, sha256, records=records)
        )
    return evidence


def _licences_of(session: Session, version: DatasetVersion) -> list[str]:
    """An ancestor's declared licence and every licence found in it."""
    declarations, found = _evidence_of(session, version)
    licences = {item.spdx for item in [*declarations, *found]}
    licences.add(_declared(version, declarations) or UNKNOWN_LICENSE)
    return sorted(licences - {UNKNOWN_LICENSE})


def _conflicts(audit: LicenseAudit, declared: str) -> list[LicenseConflict]:
    conflicts = []
    for spdx, items in _by_licence(audit.declarations).items():
        if spdx != declared:
            conflicts.append(_conflict("declarations", declared, spdx, "declared elsewhere", items))
    for spdx, items in _by_licence(audit.found).items():
        if spdx != declared:
            conflicts.append(_conflict("found", declared, spdx, "found in the data", items))
    for parent, licences in audit.ancestors.items():
        for spdx in licences:
            if spdx != declared:
                reason = f"the licence of {parent}, which it was derived from"
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
