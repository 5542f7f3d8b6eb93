"""The lineage graph as an SVG picture: dataset versions and models in columns (each node one
column right of everything it was made from), arrows from what was used to what used it,
dataset versions coloured by their most restrictive licence category and outlined in red
where a flag blocks or constrains some use."""

from __future__ import annotations

from functools import cache
from html import escape

from lineage.query.model_lineage import ModelLineage

WIDTH, HEIGHT, COLUMN_GAP, ROW_GAP, MARGIN = 190, 44, 70, 18, 20
# From least to most restrictive: a version takes the colour of its strictest licence.
CATEGORY_COLOURS = {
    "public-domain": "#d9f2d9",
    "permissive": "#cfe8fc",
    "weak-copyleft": "#fff1c1",
    "strong-copyleft": "#ffd9a8",
    "unknown": "#e6e6e6",
    "non-commercial": "#f9c6c6",
    "no-derivatives": "#f4b6d2",
    "use-restricted": "#e3c4f5",
    "proprietary": "#d7c4f5",
}
MODEL_COLOUR = "#3b5b8c"
ALERT_FLAGS = {"rights-reserved", "non-commercial", "license-understated", "unsafe-source"}


def lineage_svg(lineage: ModelLineage) -> str:
    nodes = _nodes(lineage)
    edges = _edges(lineage)
    columns = _columns(nodes, edges)
    position = _positions(nodes, columns)
    width = (max(columns.values(), default=0) + 1) * (WIDTH + COLUMN_GAP) - COLUMN_GAP
    rows = max((row for _, row in position.values()), default=0) + 1
    height = rows * (HEIGHT + ROW_GAP) - ROW_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width + 2 * MARGIN}" '
        f'height="{height + 2 * MARGIN}" aria-label="Lineage of {escape(lineage.model)}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for source, target, label in edges:
        parts.append(_edge(position[source], position[target], label))
    for key, (label, fill, stroke, text_colour, title) in nodes.items():
        parts.append(_node(key, position[key], label, fill, stroke, text_colour, title))
    parts.append("</svg>")
    return "\n".join(parts)


Node = tuple[str, str, str, str, str]  # label, fill, stroke, text colour, tooltip


def _nodes(lineage: ModelLineage) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for version in lineage.versions:
        categories = [entry.category for entry in version.use.licenses] or ["unknown"]
        strictest = max(categories, key=list(CATEGORY_COLOURS).index)
        alert = ALERT_FLAGS.intersection(version.use.flags)
        title = f"{version.ref}: {version.use.records} records, {strictest}"
        if version.use.flags:
            title += f"; flags: {', '.join(version.use.flags)}"
        nodes[f"dataset:{version.ref}"] = (
            version.ref,
            CATEGORY_COLOURS[strictest],
            "#c62828" if alert else "#777",
            "#111",
            title,
        )
    for model in lineage.models:
        title = f"model {model.name}" + (f", licence {model.license}" if model.license else "")
        nodes[f"model:{model.name}"] = (model.name, MODEL_COLOUR, "#1d2f4d", "#fff", title)
    return nodes


def _edges(lineage: ModelLineage) -> list[tuple[str, str, str]]:
    edges = []
    for version in lineage.versions:
        for parent, operation in version.parents:
            edges.append((f"dataset:{parent}", f"dataset:{version.ref}", operation))
    for model in lineage.models:
        for ref in model.trained_on:
            edges.append((f"dataset:{ref}", f"model:{model.name}", "trained on"))
        for parent, relation in model.parents:
            edges.append((f"model:{parent}", f"model:{model.name}", relation))
    return edges


def _columns(nodes: dict[str, Node], edges: list[tuple[str, str, str]]) -> dict[str, int]:
    sources: dict[str, list[str]] = {key: [] for key in nodes}
    for source, target, _ in edges:
        sources[target].append(source)

    @cache
    def column(key: str) -> int:
        return 1 + max((column(source) for source in sources[key]), default=-1)

    return {key: column(key) for key in nodes}


def _positions(nodes: dict[str, Node], columns: dict[str, int]) -> dict[str, tuple[int, int]]:
    rows: dict[int, int] = {}
    position = {}
    for key in sorted(nodes, key=lambda key: (columns[key], key)):
        row = rows.get(columns[key], 0)
        rows[columns[key]] = row + 1
        position[key] = (columns[key], row)
    return position


def _corner(place: tuple[int, int]) -> tuple[int, int]:
    column, row = place
    return MARGIN + column * (WIDTH + COLUMN_GAP), MARGIN + row * (HEIGHT + ROW_GAP)


def _edge(source: tuple[int, int], target: tuple[int, int], label: str) -> str:
    (x1, y1), (x2, y2) = _corner(source), _corner(target)
    x1, y1, y2 = x1 + WIDTH, y1 + HEIGHT // 2, y2 + HEIGHT // 2
    middle = (x1 + x2) // 2
    return (
        f'<path class="edge" d="M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}" fill="none" '
        f'stroke="#555" stroke-width="1.5" marker-end="url(#arrow)"><title>{escape(label)}'
        "</title></path>"
    )


def _node(
    key: str,
    place: tuple[int, int],
    label: str,
    fill: str,
    stroke: str,
    text_colour: str,
    title: str,
) -> str:
    x, y = _corner(place)
    return (
        f'<g class="node" data-node="{escape(key)}"><title>{escape(title)}</title>'
        f'<rect x="{x}" y="{y}" width="{WIDTH}" height="{HEIGHT}" rx="6" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="2"/>'
        f'<text x="{x + WIDTH // 2}" y="{y + HEIGHT // 2 + 5}" text-anchor="middle" '
        f'font-family="sans-serif" font-size="13" fill="{text_colour}">{escape(label)}</text></g>'
    )
