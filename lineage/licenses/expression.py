"""Normalising declared licences to SPDX expressions.

Declarations come as SPDX ids and expressions, Hugging Face hub ids (mapped through the
licence table's aliases), Creative Commons URLs and free-text names. What cannot be
recognised is kept visible as `LicenseRef-<slug>`; an absent declaration is `NOASSERTION`,
SPDX's own word for unknown.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from license_expression import ExpressionError, Licensing, get_spdx_licensing

from lineage.errors import InputError
from lineage.licenses.table import license_aliases

UNKNOWN_LICENSE = "NOASSERTION"
_UNKNOWN_WORDS = {"", "unknown", "none", "noassertion", "other", "n/a", "unspecified"}

_CC_ELEMENTS = {"by", "by-sa", "by-nc", "by-nd", "by-nc-sa", "by-nc-nd"}
_CC_URL = re.compile(
    r"creativecommons\.org/(?:licenses/(?P<elements>[a-z-]+)/(?P<version>\d\.\d)"
    r"|publicdomain/(?P<pd>zero|mark)/(?P<pd_version>\d\.\d))",
    re.IGNORECASE,
)
_CC_NAME_PARTS = (
    ("attribution", "by"),
    ("noncommercial", "nc"),
    ("non-commercial", "nc"),
    ("noderivatives", "nd"),
    ("noderivs", "nd"),
    ("no derivatives", "nd"),
    ("sharealike", "sa"),
    ("share-alike", "sa"),
    ("share alike", "sa"),
)
_CC_ORDER = ("by", "nc", "nd", "sa")
_CC_NAME = re.compile(r"creative\s+commons|\bcc\b", re.IGNORECASE)
# Short forms such as "CC BY-NC 4.0" or "cc_by_sa 3.0".
_CC_SHORT = re.compile(
    r"^cc[\s_-]*(?P<elements>by(?:[\s_-]+(?:nc|nd|sa))*)[\s_-]*(?P<version>\d\.\d)$",
    re.IGNORECASE,
)
_VERSION = re.compile(r"\b(\d\.\d)\b")
_FREE_TEXT = (
    (re.compile(r"^the\s+mit\s+licen[cs]e$|^mit\s+licen[cs]e$|^expat$", re.I), "MIT"),
    (re.compile(r"^apache(\s+licen[cs]e)?,?[\s-]+(version\s+|v)?2(\.0)?$", re.I), "Apache-2.0"),
    (re.compile(r"bsd\s+3-clause|new\s+bsd|modified\s+bsd", re.I), "BSD-3-Clause"),
    (re.compile(r"bsd\s+2-clause|simplified\s+bsd", re.I), "BSD-2-Clause"),
    (re.compile(r"mozilla\s+public\s+licen[cs]e,?\s+(version\s+|v)?2\.0", re.I), "MPL-2.0"),
    (re.compile(r"gnu\s+general\s+public\s+licen[cs]e,?\s+(version\s+|v)?3", re.I), "GPL-3.0-only"),
    (re.compile(r"gnu\s+general\s+public\s+licen[cs]e,?\s+(version\s+|v)?2", re.I), "GPL-2.0-only"),
    (re.compile(r"open\s+data\s+commons\s+attribution", re.I), "ODC-By-1.0"),
    (re.compile(r"open\s+database\s+licen[cs]e", re.I), "ODbL-1.0"),
    (re.compile(r"public\s+domain\s+dedication\s+and\s+licen[cs]e", re.I), "PDDL-1.0"),
)
_REF_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
_LICENSE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.-]+$")


@cache
def spdx_licensing() -> Licensing:
    return get_spdx_licensing()


@lru_cache(maxsize=4096)
def normalize_license(declared: str | None) -> str:
    """The SPDX expression for a declared licence, `LicenseRef-…` if unknown to SPDX."""
    if declared is None or declared.strip().lower() in _UNKNOWN_WORDS:
        return UNKNOWN_LICENSE
    raw = declared.strip()
    if _LICENSE_REF.match(raw):
        return raw  # already ours: normalising twice must change nothing
    lowered = raw.lower()
    aliases = license_aliases()
    if lowered in aliases:
        return aliases[lowered]
    for recognise in (_creative_commons_url, _spdx_expression, _creative_commons_name, _free_text):
        found = recognise(raw)
        if found:
            return found
    return license_ref(raw)


# What makes a declaration an expression rather than a name: an operator or a bracket.
_EXPRESSION_SYNTAX = re.compile(r"\b(AND|OR|WITH)\b|[()]")


def check_declared_license(declared: str) -> str:
    """`declared` if it can be recorded as the licence a user declares: an expression that
    does not parse (`MIT AND ((`) is refused with the parser's reason, where a name that
    is not SPDX's would be kept visible as a LicenseRef."""
    if _EXPRESSION_SYNTAX.search(declared):
        try:
            spdx_licensing().parse(_replace_refs(declared), validate=False)
        except ExpressionError as exc:
            raise InputError(f"not a valid SPDX licence expression: {declared!r} ({exc})") from exc
    return declared


def recognised_license(candidates: list[str]) -> str | None:
    """The first candidate that names a licence we know (an SPDX id, a hub id, a Creative
    Commons URL or name); free text, which would become a LicenseRef, never counts."""
    for candidate in candidates:
        spdx = normalize_license(candidate)
        if spdx != UNKNOWN_LICENSE and not spdx.startswith("LicenseRef-"):
            return spdx
    return None


def license_ref(raw: str) -> str:
    """A `LicenseRef-` id that keeps the declared text readable."""
    slug = _REF_UNSAFE.sub("-", raw.strip()).strip("-.")[:200]
    return f"LicenseRef-{slug or 'unnamed'}"


def _spdx_expression(raw: str) -> str | None:
    licensing = spdx_licensing()
    try:
        parsed = licensing.parse(raw, validate=False)
    except ExpressionError:
        return None
    if parsed is None:
        return None
    keys = licensing.license_keys(parsed)
    if any(key.lower() in license_aliases() for key in keys):
        parsed = licensing.parse(_replace_refs(raw), validate=False)
    unknown = [
        key for key in licensing.unknown_license_keys(parsed) if not key.startswith("LicenseRef-")
    ]
    if unknown:
        return None
    return str(parsed)


def _replace_refs(raw: str) -> str:
    """Swap hub ids inside an expression (`mit OR llama2`) for their LicenseRef ids."""
    aliases = license_aliases()
    return _hub_id_pattern().sub(lambda match: aliases[match.group(1).lower()], raw)


@cache
def _hub_id_pattern() -> re.Pattern[str]:
    """Any single-word alias of the table, as a whole token of an expression."""
    words = sorted((a for a in license_aliases() if " " not in a), key=len, reverse=True)
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<![\w.+-])({alternatives})(?![\w.+-])", re.IGNORECASE)


def _creative_commons_url(raw: str) -> str | None:
    match = _CC_URL.search(raw)
    if match is None:
        return None
    if match.group("pd"):
        return (
            "CC0-1.0"
            if match.group("pd").lower() == "zero"
            else "LicenseRef-Public-Domain-Mark-1.0"
        )
    elements = match.group("elements").lower()
    if elements not in _CC_ELEMENTS:
        return None
    return f"CC-{elements.upper()}-{match.group('version')}"


def _creative_commons_name(raw: str) -> str | None:
    short = _CC_SHORT.match(raw.strip())
    if short:
        elements = set(re.split(r"[\s_-]+", short.group("elements").lower()))
        ordered = [code.upper() for code in _CC_ORDER if code in elements]
        return f"CC-{'-'.join(ordered)}-{short.group('version')}"
    lowered = raw.lower()
    if not _CC_NAME.search(lowered):
        return None
    if "zero" in lowered or "cc0" in lowered:
        return "CC0-1.0"
    named = [code for phrase, code in _CC_NAME_PARTS if phrase in lowered]
    version = _VERSION.search(lowered)
    if "by" not in named or version is None:
        return None
    ordered = [code for code in _CC_ORDER if code in named]
    return f"CC-{'-'.join(ordered).upper()}-{version.group(1)}"


def _free_text(raw: str) -> str | None:
    for pattern, spdx in _FREE_TEXT:
        if pattern.search(raw):
            return spdx
    return None
