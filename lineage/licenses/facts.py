"""What a licence allows: one table of facts per licence id, combined over SPDX expressions.

For `A AND B` every obligation of both applies; for `A OR B` the user may choose, so the most
permissive alternative counts. A `WITH` exception keeps the facts of its licence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from license_expression import AND, OR, BaseSymbol, LicenseWithExceptionSymbol

from lineage.licenses.expression import UNKNOWN_LICENSE, spdx_licensing


class LicenseCategory(StrEnum):
    PUBLIC_DOMAIN = "public-domain"
    PERMISSIVE = "permissive"
    WEAK_COPYLEFT = "weak-copyleft"
    STRONG_COPYLEFT = "strong-copyleft"
    NON_COMMERCIAL = "non-commercial"
    NO_DERIVATIVES = "no-derivatives"
    USE_RESTRICTED = "use-restricted"
    PROPRIETARY = "proprietary"
    UNKNOWN = "unknown"


# From most to least permissive; OR picks the lowest rank, AND the highest.
_RANK = {category: rank for rank, category in enumerate(LicenseCategory)}


@dataclass(frozen=True)
class LicenseFacts:
    category: LicenseCategory
    commercial_use: bool | None
    attribution_required: bool
    share_alike: bool
    derivatives_allowed: bool | None

    def flags(self) -> tuple[str, ...]:
        """The facts a reader of a training-data report must notice, as short labels."""
        flags = []
        if self.category is LicenseCategory.UNKNOWN:
            flags.append("unknown-license")
        if self.commercial_use is False:
            flags.append("non-commercial")
        if self.derivatives_allowed is False:
            flags.append("no-derivatives")
        if self.share_alike:
            flags.append("share-alike")
        if self.attribution_required:
            flags.append("attribution-required")
        if self.category is LicenseCategory.USE_RESTRICTED:
            flags.append("use-restricted")
        return tuple(flags)


def _facts(
    category: LicenseCategory,
    commercial: bool | None = True,
    attribution: bool = False,
    share_alike: bool = False,
    derivatives: bool | None = True,
) -> LicenseFacts:
    return LicenseFacts(category, commercial, attribution, share_alike, derivatives)


UNKNOWN_FACTS = _facts(LicenseCategory.UNKNOWN, commercial=None, derivatives=None)
_PERMISSIVE_ATTRIBUTION = _facts(LicenseCategory.PERMISSIVE, attribution=True)
_PUBLIC_DOMAIN = _facts(LicenseCategory.PUBLIC_DOMAIN)
_USE_RESTRICTED = _facts(LicenseCategory.USE_RESTRICTED, attribution=True)

# Facts by licence id (lower case), from each licence's own terms.
LICENSE_FACTS: dict[str, LicenseFacts] = {
    "cc0-1.0": _PUBLIC_DOMAIN,
    "pddl-1.0": _PUBLIC_DOMAIN,
    "unlicense": _PUBLIC_DOMAIN,
    "licenseref-public-domain": _PUBLIC_DOMAIN,
    "licenseref-public-domain-mark-1.0": _PUBLIC_DOMAIN,
    "mit": _PERMISSIVE_ATTRIBUTION,
    "bsd-2-clause": _PERMISSIVE_ATTRIBUTION,
    "bsd-3-clause": _PERMISSIVE_ATTRIBUTION,
    "isc": _PERMISSIVE_ATTRIBUTION,
    "apache-2.0": _PERMISSIVE_ATTRIBUTION,
    "zlib": _PERMISSIVE_ATTRIBUTION,
    "odc-by-1.0": _PERMISSIVE_ATTRIBUTION,
    "cdla-permissive-1.0": _PERMISSIVE_ATTRIBUTION,
    "cdla-permissive-2.0": _PERMISSIVE_ATTRIBUTION,
    "mpl-2.0": _facts(LicenseCategory.WEAK_COPYLEFT, attribution=True, share_alike=True),
    "cdla-sharing-1.0": _facts(LicenseCategory.WEAK_COPYLEFT, attribution=True, share_alike=True),
    "odbl-1.0": _facts(LicenseCategory.STRONG_COPYLEFT, attribution=True, share_alike=True),
    "licenseref-llama-2-community": _USE_RESTRICTED,
    "licenseref-llama-3-community": _USE_RESTRICTED,
    "licenseref-llama-3.1-community": _USE_RESTRICTED,
    "licenseref-llama-3.2-community": _USE_RESTRICTED,
    "licenseref-llama-3.3-community": _USE_RESTRICTED,
}
_COPYLEFT_FAMILIES = (
    (re.compile(r"^lgpl-"), LicenseCategory.WEAK_COPYLEFT),
    (re.compile(r"^(agpl|gpl)-"), LicenseCategory.STRONG_COPYLEFT),
    (re.compile(r"^(epl|eupl|cddl)-"), LicenseCategory.WEAK_COPYLEFT),
)
_CREATIVE_COMMONS = re.compile(r"^cc-(?P<elements>by(?:-nc)?(?:-nd)?(?:-sa)?)-\d\.\d")


@cache
def license_facts(expression: str) -> LicenseFacts:
    """The combined facts of an SPDX expression; unknown for NOASSERTION and unknown ids."""
    if expression == UNKNOWN_LICENSE:
        return UNKNOWN_FACTS
    parsed = spdx_licensing().parse(expression, validate=False)
    return UNKNOWN_FACTS if parsed is None else _combined(parsed)


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

    return LicenseFacts(
        category=max((facts.category for facts in parts), key=_RANK.__getitem__),
        commercial_use=strictest([facts.commercial_use for facts in parts]),
        attribution_required=any(facts.attribution_required for facts in parts),
        share_alike=any(facts.share_alike for facts in parts),
        derivatives_allowed=strictest([facts.derivatives_allowed for facts in parts]),
    )


def _symbol_facts(key: str) -> LicenseFacts:
    lowered = key.lower()
    if lowered in LICENSE_FACTS:
        return LICENSE_FACTS[lowered]
    if lowered.startswith("licenseref-") and "rail" in lowered:
        return _USE_RESTRICTED
    creative_commons = _CREATIVE_COMMONS.match(lowered)
    if creative_commons:
        return _creative_commons_facts(creative_commons.group("elements"))
    for pattern, category in _COPYLEFT_FAMILIES:
        if pattern.match(lowered):
            return _facts(category, attribution=True, share_alike=True)
    return UNKNOWN_FACTS


def _creative_commons_facts(elements: str) -> LicenseFacts:
    non_commercial, no_derivatives = "nc" in elements, "nd" in elements
    if non_commercial:
        category = LicenseCategory.NON_COMMERCIAL
    elif no_derivatives:
        category = LicenseCategory.NO_DERIVATIVES
    elif "sa" in elements:
        category = LicenseCategory.STRONG_COPYLEFT
    else:
        category = LicenseCategory.PERMISSIVE
    return _facts(
        category,
        commercial=not non_commercial,
        attribution=True,
        share_alike="sa" in elements,
        derivatives=not no_derivatives,
    )
