"""What a licence expression allows: the table's facts, combined over SPDX expressions.

For `A AND B` every obligation of both applies; for `A OR B` the user may choose, so the most
permissive alternative counts. A `WITH` exception keeps the facts of its licence. An id the
table does not know has unknown facts: unknown is a value, never a guess.
"""

from __future__ import annotations

from functools import cache

from license_expression import AND, OR, BaseSymbol, LicenseWithExceptionSymbol

from lineage.licenses.expression import UNKNOWN_LICENSE, spdx_licensing
from lineage.licenses.table import UNKNOWN_FACTS, LicenseCategory, LicenseFacts, table_entry

# From most to least permissive; OR picks the lowest rank, AND the highest.
_RANK = {category: rank for rank, category in enumerate(LicenseCategory)}


@cache
def license_facts(expression: str) -> LicenseFacts:
    """The combined facts of an SPDX expression; unknown for NOASSERTION and unknown ids."""
    if expression == UNKNOWN_LICENSE:
        return UNKNOWN_FACTS
    parsed = spdx_licensing().parse(expression, validate=False)
    return UNKNOWN_FACTS if parsed is None else _combined(parsed)


def is_stricter(found: LicenseFacts, declared: LicenseFacts) -> bool:
    """Whether `found` forbids or demands something `declared` does not: the declaration
    understates the terms the content really comes with."""
    return (
        _RANK[found.category] > _RANK[declared.category]
        or (found.commercial_use is False and declared.commercial_use is not False)
        or (found.derivatives_allowed is False and declared.derivatives_allowed is not False)
        or (found.share_alike and not declared.share_alike)
        or (found.attribution_required and not declared.attribution_required)
    )


def _combined(node: object) -> LicenseFacts:
    if isinstance(node, LicenseWithExceptionSymbol):
        return _symbol_facts(node.license_symbol.key)
    if isinstance(node, BaseSymbol):
        return _symbol_facts(node.key)
    parts = [_combined(arg) for arg in node.args]  # type: ignore[attr-defined]
    if isinstance(node, OR):
        return min(parts, key=lambda facts: _RANK[facts.category])
    if isinstance(node, AND):
        return _all_of(parts)
    return UNKNOWN_FACTS


def _all_of(parts: list[LicenseFacts]) -> LicenseFacts:
    def strictest(values: list[bool | None]) -> bool | None:
        return False if False in values else (None if None in values else True)

    def union(values: list[tuple[str, ...]]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value for group in values for value in group))

    return LicenseFacts(
        category=max((facts.category for facts in parts), key=_RANK.__getitem__),
        commercial_use=strictest([facts.commercial_use for facts in parts]),
        attribution_required=any(facts.attribution_required for facts in parts),
        share_alike=any(facts.share_alike for facts in parts),
        derivatives_allowed=strictest([facts.derivatives_allowed for facts in parts]),
        ai_terms=union([facts.ai_terms for facts in parts]),
        sources=union([facts.sources for facts in parts]),
    )


def _symbol_facts(key: str) -> LicenseFacts:
    entry = table_entry(key)
    return UNKNOWN_FACTS if entry is None else entry.facts
