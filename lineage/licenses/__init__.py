"""Licences: normalise declarations to SPDX, detect them from texts, and know what they allow."""

from lineage.licenses.detection import LicenseMatch, detect_license_text
from lineage.licenses.expression import UNKNOWN_LICENSE, license_ref, normalize_license
from lineage.licenses.facts import LicenseCategory, LicenseFacts, license_facts

__all__ = [
    "UNKNOWN_LICENSE",
    "LicenseCategory",
    "LicenseFacts",
    "LicenseMatch",
    "detect_license_text",
    "license_facts",
    "license_ref",
    "normalize_license",
]
