"""One self-contained HTML page for people: the lineage graph (inline SVG), what trained the
model, the verdict on each intended use, and the EU public summary. No script, no external
asset: the page renders the same offline, and a browser fetches nothing to show it."""

from __future__ import annotations

from html import escape

from sqlalchemy.orm import Session

from lineage.export.eu_summary import build_eu_summary
from lineage.export.exporter import ExportContext, Exporter
from lineage.export.lineage_svg import CATEGORY_COLOURS, lineage_svg
from lineage.export.markdown import render_markdown
from lineage.query import USES, describe_path, use_verdict
from lineage.query.graph import InclusionPath
from lineage.query.model_lineage import ModelLineage, model_lineage

_STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 72em; color: #111; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.allowed { color: #1b5e20; font-weight: bold; }
.blocked { color: #b71c1c; font-weight: bold; }
.legend span { display: inline-block; padding: 0.1em 0.5em; margin: 0 0.3em 0.3em 0;
  border: 1px solid #777; }
figure { overflow-x: auto; margin: 0; }
"""


def export_html(session: Session, model_name: str, context: ExportContext) -> str:
    lineage = model_lineage(session, model_name)
    summary = render_markdown(build_eu_summary(session, model_name, context))
    return render_html(lineage, summary)


def render_html(lineage: ModelLineage, summary_markdown: str) -> str:
    from markdown_it import MarkdownIt  # 12 ms to import: paid by this format alone

    title = f"Training lineage of {escape(lineage.model)}"
    body = [
        f"<h1>{title}</h1>",
        f"<p>Event log head: <code>{escape(lineage.event_chain_head or 'none')}</code></p>",
        "<h2>Lineage graph</h2>",
        f'<figure id="lineage-graph">{lineage_svg(lineage)}</figure>',
        _legend(),
        "<h2>What trained it</h2>",
        _trained_table(lineage),
        "<h2>Verdicts on intended uses</h2>",
        _verdicts(lineage),
        '<section id="eu-summary">',
        MarkdownIt("commonmark").enable("table").render(_demoted(summary_markdown)),
        "</section>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _legend() -> str:
    keys = "".join(
        f'<span style="background:{colour}">{escape(category)}</span>'
        for category, colour in CATEGORY_COLOURS.items()
    )
    return (
        f'<p class="legend">Dataset colour: strictest licence. {keys} '
        "A red outline marks a flag that limits some use; dark boxes are models.</p>"
    )


def _trained_table(lineage: ModelLineage) -> str:
    rows = [
        '<table id="trained"><tr><th>Dataset version</th><th>Reached</th><th>Records</th>'
        "<th>Bytes</th><th>Declared</th><th>Licences of its records</th><th>Flags</th></tr>"
    ]
    for node in lineage.versions:
        use = node.use
        licences = ", ".join(f"{entry.spdx} ({entry.records})" for entry in use.licenses)
        rows.append(
            f"<tr><td>{escape(use.ref)}</td><td>{escape(_reached(use.paths))}</td>"
            f"<td>{use.records}</td><td>{use.size_bytes}</td>"
            f"<td>{escape(use.declared_license or 'none')}</td><td>{escape(licences)}</td>"
            f"<td>{escape(', '.join(use.flags) or '—')}</td></tr>"
        )
    return "\n".join([*rows, "</table>"])


def _reached(paths: list[InclusionPath]) -> str:
    return "; ".join(describe_path(path) for path in paths)


def _verdicts(lineage: ModelLineage) -> str:
    rows = ['<table id="verdicts"><tr><th>Use</th><th>Verdict</th><th>Why</th></tr>']
    for use in USES:
        verdict = use_verdict(lineage.report, use)
        if verdict.allowed:
            word, why = '<span class="allowed">allowed</span>', verdict.constraining
        else:
            word, why = '<span class="blocked">blocked</span>', verdict.blocking
        reasons = "<br>".join(
            escape(f"{f.dataset}@{f.version}: {f.reason} ({f.records} records)") for f in why
        )
        rows.append(f"<tr><td>{use}</td><td>{word}</td><td>{reasons or '—'}</td></tr>")
    return "\n".join([*rows, "</table>"])


def _demoted(markdown: str) -> str:
    """The summary's headings one level down, under the page's own title."""
    return "\n".join("#" + line if line.startswith("#") else line for line in markdown.splitlines())


EXPORTER = Exporter(
    "html",
    "one self-contained HTML page: the lineage graph, the trained tables, verdicts, EU summary",
    export_html,
)
