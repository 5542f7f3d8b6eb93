"""The export stage: disclosure documents for a model, one module per format. Adding a
format is a module that defines an `Exporter` and one line in `EXPORTERS`.

>>> sorted(EXPORTERS)
['cn-corpus', 'cyclonedx', 'facts-template', 'html', 'json', 'markdown', 'notice', 'spdx3']
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lineage.export import (
    cn_corpus,
    cyclonedx,
    html_report,
    markdown,
    notice,
    spdx3,
    summary_json,
)
from lineage.export.eu_summary import build_eu_summary
from lineage.export.exporter import ExportContext, Exporter
from lineage.export.facts import ProviderFacts, export_facts_template, load_facts

EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        summary_json.EXPORTER,
        markdown.EXPORTER,
        notice.EXPORTER,
        cn_corpus.EXPORTER,
        spdx3.EXPORTER,
        cyclonedx.EXPORTER,
        html_report.EXPORTER,
        Exporter(
            "facts-template",
            "the TOML file of facts only the provider knows, to fill in for --facts",
            export_facts_template,
        ),
    )
}


def export_model(
    session: Session, model_name: str, fmt: str, context: ExportContext | None = None
) -> str:
    """The disclosure document of format `fmt` (a name in EXPORTERS) for `model_name`.

    >>> from lineage.store import connect, session_scope
    >>> from lineage.registry import ModelRegistration, register_model
    >>> with session_scope(connect("sqlite://")) as session:
    ...     _ = register_model(session, ModelRegistration("lm", base_models=("base",)))
    ...     print(export_model(session, "lm", "markdown").splitlines()[0])
    # Public summary of training content: lm
    """
    return EXPORTERS[fmt].export(session, model_name, context or ExportContext())


__all__ = [
    "EXPORTERS",
    "ExportContext",
    "Exporter",
    "ProviderFacts",
    "build_eu_summary",
    "export_model",
    "load_facts",
]
