"""The attribution notice a model inherits: its training data grouped by licence.

CC-BY-style and similar licences ask that the licence and the source be credited when an
adaptation is shared. For every licence in the model's training data that requires
attribution, the notice names the licence (with where to read it), each dataset version and
the sources its records came from, with counts. Sorted throughout, so it is deterministic.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lineage.export.exporter import ExportContext, Exporter
from lineage.licenses import license_facts
from lineage.query import trained_on
from lineage.query.scope import Scope, in_scope
from lineage.store import resolve_dataset_version
from lineage.store.schema import License, Occurrence, Record, Source

SPDX_LICENSE_URL = "https://spdx.org/licenses/{}.html"


def render_notice(session: Session, model_name: str, _context: ExportContext) -> str:
    report = trained_on(session, model_name)
    sections: dict[str, list[str]] = defaultdict(list)
    for use in sorted(report.datasets, key=lambda use: use.ref):
        version = resolve_dataset_version(session, use.ref)
        scope = {version.id: report.scope[version.id]}
        for spdx, lines in _sources_by_license(session, scope).items():
            if license_facts(spdx).attribution_required:
                sections[spdx].append(f"- {use.ref}:")
                sections[spdx].extend(lines)
    lines = [
        f"ATTRIBUTION NOTICE for {report.model}",
        "",
        f"{report.model} was trained on the works listed below, used under the licences named.",
        "Each group gives the licence, the dataset versions and where their records came from.",
    ]
    for spdx in sorted(sections):
        lines += ["", f"## {spdx}", f"Licence: {_license_link(spdx)}", *sections[spdx]]
    if not sections:
        lines += ["", "No licence in the training data requires attribution."]
    return "\n".join(lines) + "\n"


def _sources_by_license(session: Session, scope: Scope) -> dict[str, list[str]]:
    rows = session.execute(
        select(License.spdx, Source.uri, func.count(func.distinct(Record.id)))
        .join(Occurrence, Occurrence.license_id == License.id)
        .join(Source, Source.id == Occurrence.source_id)
        .join(Record, Record.id == Occurrence.record_id)
        .where(in_scope(scope))
        .group_by(License.spdx, Source.uri)
        .order_by(License.spdx, Source.uri)
    ).all()
    found: dict[str, list[str]] = defaultdict(list)
    for spdx, uri, records in rows:
        found[spdx].append(f"    {uri} ({records} record{'s' if records != 1 else ''})")
    return found


def _license_link(spdx: str) -> str:
    if spdx.startswith("LicenseRef-") or " " in spdx:
        return spdx
    return SPDX_LICENSE_URL.format(spdx)


EXPORTER = Exporter("notice", "the attribution notice the model inherits", render_notice)
