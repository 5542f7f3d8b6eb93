"""A labelled set of real licence texts: identification by text, not by name.

The texts come from the ScanCode LicenseDB as packaged in `licensedcode-data`. Each licence the
tool must know appears verbatim, rewrapped with a copyright line and a footer, and cut to 80%
and 60% of its length; other licences and plain prose must never be given a licence they are
not.
"""

from __future__ import annotations

import re
import textwrap
from importlib import resources

import pytest

from lineage.licenses import detect_license_text, normalize_license
from lineage.licenses.references import REFERENCES

OTHER_LICENSES = (
    "isc",
    "zlib",
    "unlicense",
    "wtfpl-2.0",
    "artistic-2.0",
    "epl-2.0",
    "eupl-1.2",
    "ofl-1.1",
    "cc-by-3.0",
    "cc-by-sa-3.0",
    "cc-by-nc-3.0",
    "hippocratic-2.1",
    "json",
    "bsl-1.0",
    "x11",
)
PROSE = (
    "This corpus collects field notes about birds. It is released under the MIT licence; see "
    "the project page for details, and cite the authors when you use it in a paper.",
    "Licensed under the Apache License, Version 2.0. You may not use this file except in "
    "compliance with the License. Contributions are welcome through pull requests on GitHub, "
    "and the maintainers review them weekly.",
    " ".join(["The heron waited at the weir while the river rose after three days of rain."] * 8),
)


def _licence(key: str) -> tuple[str, str | None]:
    """The text of a LicenseDB licence and the SPDX id it is."""
    path = resources.files("licensedcode") / "data" / "licenses" / f"{key}.LICENSE"
    _, front_matter, text = path.read_text(encoding="utf-8").split("---", 2)
    declared = re.search(r"spdx_license_key:\s*(\S+)", front_matter)
    spdx = REFERENCES.get(key) or (normalize_license(declared.group(1)) if declared else None)
    return text.strip(), spdx


def _variants(text: str) -> dict[str, str]:
    rewrapped = textwrap.fill(" ".join(text.split()), width=60)
    return {
        "verbatim": text,
        "rewrapped, header and footer": (
            f"Copyright (c) 2026 The Sample Authors\n\n{rewrapped}\n\nEND OF TERMS"
        ),
        "first 80%": text[: len(text) * 8 // 10],
        "first 60%": text[: len(text) * 6 // 10],
    }


LABELLED = [
    (key, variant, sample)
    for key in REFERENCES
    for variant, sample in _variants(_licence(key)[0]).items()
]


def test_the_labelled_set_is_identified():
    results = {}
    for key, variant, sample in LABELLED:
        match = detect_license_text(sample)
        results[(key, variant)] = match.spdx if match else None
    right = [label for label, found in results.items() if found == REFERENCES[label[0]]]
    wrong = {
        label: found
        for label, found in results.items()
        if found is not None and found != REFERENCES[label[0]]
    }
    assert len(LABELLED) >= 60
    assert len(right) / len(LABELLED) >= 0.95, set(results) - set(right)
    assert wrong == {}


@pytest.mark.parametrize("key", OTHER_LICENSES)
def test_other_licences_are_never_taken_for_one_they_are_not(key: str):
    text, spdx = _licence(key)
    for sample in _variants(text).values():
        match = detect_license_text(sample)
        assert match is None or match.spdx == spdx


@pytest.mark.parametrize("text", PROSE)
def test_prose_is_not_a_licence(text: str):
    assert detect_license_text(text) is None
