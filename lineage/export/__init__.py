"""Disclosure documents for a model, built from the lineage database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from lineage.export.eu_summary import build_eu_summary
from lineage.export.render import render_json, render_markdown

EXPORT_FORMATS: dict[str, Callable[[dict[str, Any]], str]] = {
    "json": render_json,
    "markdown": render_markdown,
}


def export_model(session: Session, model_name: str, fmt: str) -> str:
    """The EU public summary of training content for `model_name`, rendered as `fmt`."""
    return EXPORT_FORMATS[fmt](build_eu_summary(session, model_name))


__all__ = ["EXPORT_FORMATS", "build_eu_summary", "export_model", "render_json", "render_markdown"]
