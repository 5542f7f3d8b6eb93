"""Licences: normalise declarations to SPDX, detect them from texts, and know what they allow."""

from lineage.licenses.detection import LicenseMatch, detect_license_text
from lineage.licenses.evidence import Evidence
from lineage.licenses.expression import (
    UNKNOWN_LICENSE,
    check_declared_license,
    license_ref,
    normalize_license,
    recognised_license,
)
from lineage.licenses.facts import is_stricter, license_facts
from lineage.licenses.table import LicenseFacts, license_table

__all__ = [
    "UNKNOWN_LICENSE",
    "Evidence",
    "LicenseFacts",
    "LicenseMatch",
    "check_declared_license",
    "detect_license_text",
    "is_stricter",
    "license_facts",
    "license_ref",
    "license_table",
    "normalize_license",
    "recognised_license",
]
