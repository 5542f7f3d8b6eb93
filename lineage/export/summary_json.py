"""The EU public summary of training content as JSON, for tools."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from lineage.export.eu_summary import build_eu_summary
from lineage.export.exporter import ExportContext, Exporter


def export_json(session: Session, model_name: str, context: ExportContext) -> str:
    document = build_eu_summary(session, model_name, context)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


EXPORTER = Exporter(
    "json",
    "the EU AI Act public summary of training content, for tools",
    export_json,
    summary=True,
)
