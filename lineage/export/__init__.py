"""Disclosure documents for a model, built from the lineage database."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from lineage.export.eu_summary import build_eu_summary
from lineage.export.notice import render_notice
from lineage.export.render import render_json, render_markdown

EXPORT_FORMATS: dict[str, Callable[[Session, str], str]] = {
    "json": lambda session, model: render_json(build_eu_summary(session, model)),
    "markdown": lambda session, model: render_markdown(build_eu_summary(session, model)),
    "notice": render_notice,
}


def export_model(session: Session, model_name: str, fmt: str) -> str:
    """A disclosure document for `model_name`: the EU public summary of training content
    (`json`, `markdown`) or the attribution notice (`notice`)."""
    return EXPORT_FORMATS[fmt](session, model_name)


__all__ = ["EXPORT_FORMATS", "build_eu_summary", "export_model", "render_notice"]
