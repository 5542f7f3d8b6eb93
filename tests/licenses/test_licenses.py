"""Licences: declarations normalised to SPDX, real licence texts recognised, facts combined."""

from __future__ import annotations

import textwrap

import pytest

from lineage.licenses import (
    UNKNOWN_LICENSE,
    detect_license_text,
    is_stricter,
    license_facts,
    license_table,
    normalize_license,
)
from lineage.licenses.table import table_entry
from lineage.vocabulary import LicenseCategory

LICENSE_FILES = [
    "MIT.txt",
    "BSD-3-Clause.txt",
    "Apache-2.0.txt",
    "CC0-1.0.txt",
    "CC-BY-4.0.txt",
    "CC-BY-SA-4.0.txt",
    "CC-BY-NC-4.0.txt",
]


@pytest.mark.parametrize(
    ("declared", "spdx"),
    [
        ("mit", "MIT"),
        ("MIT License", "MIT"),
        ("apache-2.0", "Apache-2.0"),
        ("Apache License, Version 2.0", "Apache-2.0"),
        ("cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0"),
        ("Creative Commons Attribution 4.0 International", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by-sa/4.0/", "CC-BY-SA-4.0"),
        ("http://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("CC BY-NC 4.0", "CC-BY-NC-4.0"),
        ("cc_by_sa_nc 3.0", "CC-BY-NC-SA-3.0"),
        ("cc0", "CC0-1.0"),
        ("Apache 2.0", "Apache-2.0"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("mit OR llama2", "MIT OR LicenseRef-Llama-2-Community"),
        ("MIT AND (Apache-2.0 OR GPL-3.0-only)", "MIT AND (Apache-2.0 OR GPL-3.0-only)"),
        ("openrail", "LicenseRef-OpenRAIL"),
        ("odc-by", "ODC-By-1.0"),
        ("gemma", "LicenseRef-Gemma-Terms-of-Use"),
        ("All rights reserved", "LicenseRef-All-Rights-Reserved"),
        ("llama3.1", "LicenseRef-Llama-3.1-Community"),
        ("lgpl", "LicenseRef-LGPL-Unspecified"),
        ("apache-2.0 AND deepseek", "Apache-2.0 AND LicenseRef-DeepSeek-License"),
        ("Our own terms, v2!", "LicenseRef-Our-own-terms-v2"),
        ("unknown", UNKNOWN_LICENSE),
        (None, UNKNOWN_LICENSE),
        ("", UNKNOWN_LICENSE),
    ],
)
def test_declarations_are_normalised_to_spdx(declared: str | None, spdx: str):
    assert normalize_license(declared) == spdx


@pytest.mark.parametrize("name", LICENSE_FILES)
def test_real_licence_texts_are_recognised(license_text, name: str):
    match = detect_license_text(license_text(name))
    assert match is not None and match.spdx == name.removesuffix(".txt")


@pytest.mark.parametrize("name", LICENSE_FILES)
def test_rewrapped_text_with_a_header_is_still_recognised(license_text, name: str):
    body = " ".join(license_text(name).split())
    text = "Copyright (c) 2026 The Sample Authors\n\n" + textwrap.fill(body, width=60)
    match = detect_license_text(text)
    assert match is not None and match.spdx == name.removesuffix(".txt")


def test_a_readme_that_mentions_a_licence_is_not_a_licence():
    readme = (
        "This corpus collects field notes about birds and insects. It is released under "
        "the MIT licence; see the project page for details. Contributions are welcome and "
        "should follow the style of the existing notes, with one observation per file."
    )
    assert detect_license_text(readme) is None


def test_spdx_header_is_taken_at_its_word():
    match = detect_license_text("# SPDX-License-Identifier: Apache-2.0 OR MIT\nprint('hi')\n")
    assert match is not None
    assert (match.spdx, match.method) == ("Apache-2.0 OR MIT", "spdx-header")


@pytest.mark.parametrize(
    ("expression", "category", "flags"),
    [
        ("CC0-1.0", LicenseCategory.PUBLIC_DOMAIN, ()),
        ("MIT", LicenseCategory.PERMISSIVE, ("attribution-required",)),
        (
            "CC-BY-NC-4.0",
            LicenseCategory.NON_COMMERCIAL,
            ("non-commercial", "attribution-required"),
        ),
        (
            "CC-BY-ND-4.0",
            LicenseCategory.NO_DERIVATIVES,
            ("no-derivatives", "attribution-required"),
        ),
        ("CC-BY-SA-4.0", LicenseCategory.STRONG_COPYLEFT, ("share-alike", "attribution-required")),
        ("NOASSERTION", LicenseCategory.UNKNOWN, ("unknown-license",)),
        ("LicenseRef-whatever", LicenseCategory.UNKNOWN, ("unknown-license",)),
        ("CC-BY-SA-4.0 OR MIT", LicenseCategory.PERMISSIVE, ("attribution-required",)),
        (
            "CC-BY-4.0 AND CC-BY-NC-4.0",
            LicenseCategory.NON_COMMERCIAL,
            ("non-commercial", "attribution-required"),
        ),
    ],
)
def test_facts_of_licences_and_expressions(expression: str, category: str, flags: tuple[str, ...]):
    facts = license_facts(expression)
    assert facts.category == category
    assert facts.flags() == flags


@pytest.mark.parametrize(
    "declared",
    [
        "gpl",
        "LicenseRef-LICENSE",
        "LicenseRef-commercial",
        "GPL-1.0",
        "llama2",
        "Our terms!",
        "MIT OR gemma",
        "cc-by-nc-sa-3.0-igo",
        "other",
    ],
)
def test_normalising_twice_changes_nothing(declared: str):
    once = normalize_license(declared)
    assert normalize_license(once) == once


def test_every_row_of_the_facts_table_names_a_source_and_a_valid_id():
    table = license_table()
    for entry in table.values():
        assert entry.facts.sources[0].startswith(("http://", "https://")), entry.id
        assert table_entry(normalize_license(entry.id)) is entry, entry.id
        for alias in entry.aliases:
            assert table_entry(normalize_license(alias)) is entry, alias
    aliases = [alias for entry in table.values() for alias in entry.aliases]
    assert len(aliases) == len(set(aliases))


@pytest.mark.parametrize(
    ("expression", "category", "commercial"),
    [
        ("GPL-3.0-or-later", LicenseCategory.STRONG_COPYLEFT, True),
        ("LGPL-2.1-only", LicenseCategory.WEAK_COPYLEFT, True),
        ("LicenseRef-Llama-2-Community", LicenseCategory.USE_RESTRICTED, True),
        ("LicenseRef-LLaMA-Community", LicenseCategory.NON_COMMERCIAL, False),
        ("LicenseRef-Creative-Commons-Unspecified", LicenseCategory.UNKNOWN, None),
        ("CC-BY-NC-ND-3.0", LicenseCategory.NON_COMMERCIAL, False),
        ("CC-BY-NC-SA-3.0-IGO", LicenseCategory.NON_COMMERCIAL, False),
        ("CC-BY-NC-1.0", LicenseCategory.NON_COMMERCIAL, False),
        ("GPL-2.0-with-classpath-exception", LicenseCategory.STRONG_COPYLEFT, True),
        ("LicenseRef-GPL-Unspecified", LicenseCategory.STRONG_COPYLEFT, True),
        ("LicenseRef-All-Rights-Reserved", LicenseCategory.PROPRIETARY, False),
    ],
)
def test_facts_come_from_the_table(expression: str, category: str, commercial: bool | None):
    facts = license_facts(expression)
    assert (facts.category, facts.commercial_use) == (category, commercial)
    assert facts.sources


def test_ai_terms_and_sources_of_both_sides_of_an_and_apply():
    facts = license_facts("LicenseRef-Gemma-Terms-of-Use AND CC-BY-NC-4.0")
    assert any("Prohibited Use Policy" in term for term in facts.ai_terms)
    assert any("commercial advantage" in term for term in facts.ai_terms)
    assert len(facts.sources) == 2


def test_a_declaration_understating_the_found_licence_is_stricter():
    assert is_stricter(license_facts("CC-BY-NC-4.0"), license_facts("CC-BY-4.0"))
    assert is_stricter(license_facts("CC-BY-SA-4.0"), license_facts("MIT"))
    assert not is_stricter(license_facts("CC0-1.0"), license_facts("CC-BY-4.0"))
    assert not is_stricter(license_facts("MIT"), license_facts("Apache-2.0"))
