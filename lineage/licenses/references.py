"""Recognising licence texts by their similarity to real reference texts.

The references are the licence texts of the ScanCode LicenseDB, as packaged in
`licensedcode-data`. A text is compared with each reference by the Jaccard similarity of
their word 4-gram sets, which survives rewrapping, changed punctuation, a copyright line on
top and a missing tail, while telling apart licences that differ in a clause (CC BY from CC
BY-NC). This covers what `licenseclassifier` does not recognise (OpenRAIL, Llama, PDDL) and
texts it finds too incomplete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

# ScanCode keys of the reference texts, and the SPDX id (or LicenseRef) each one means.
REFERENCES = {
    "cc-by-4.0": "CC-BY-4.0",
    "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "cc-by-nc-4.0": "CC-BY-NC-4.0",
    "cc-by-nd-4.0": "CC-BY-ND-4.0",
    "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0",
    "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0",
    "cc0-1.0": "CC0-1.0",
    "mit": "MIT",
    "bsd-simplified": "BSD-2-Clause",
    "bsd-new": "BSD-3-Clause",
    "apache-2.0": "Apache-2.0",
    "gpl-2.0": "GPL-2.0-only",
    "gpl-3.0": "GPL-3.0-only",
    "lgpl-2.1": "LGPL-2.1-only",
    "lgpl-3.0": "LGPL-3.0-only",
    "agpl-3.0": "AGPL-3.0-only",
    "mpl-2.0": "MPL-2.0",
    "odc-by-1.0": "ODC-By-1.0",
    "odbl-1.0": "ODbL-1.0",
    "pddl-1.0": "PDDL-1.0",
    "cdla-permissive-1.0": "CDLA-Permissive-1.0",
    "cdla-permissive-2.0": "CDLA-Permissive-2.0",
    "cdla-sharing-1.0": "CDLA-Sharing-1.0",
    "bigscience-open-rail-m": "LicenseRef-BigScience-OpenRAIL-M",
    "bigcode-open-rail-m-v1": "LicenseRef-BigCode-OpenRAIL-M",
    "bigscience-rail-1.0": "LicenseRef-BigScience-BLOOM-RAIL-1.0",
    "llama-2-license-2023": "LicenseRef-Llama-2-Community",
    "llama-license-2023": "LicenseRef-LLaMA-Community",
}
SHINGLE_WORDS = 4
# A text is a licence when nearly all of it is the best reference's text (a copyright line or
# a footer may be added: a licence with extra terms of its own is another licence)...
MIN_TEXT_EXPLAINED = 0.9
# ...and it holds most of that reference (the tail of a licence may be missing)...
MIN_REFERENCE_COVERED = 0.5
# ...and nothing was inserted into it beyond a changed word or two.
MIN_INSERTION_ALLOWANCE = 4
INSERTION_SHARE = 0.02
# ...and, against every reference nearly as similar (a sibling licence: CC BY and CC BY-NC,
# GPL and AGPL), it holds clearly more of the best one's own clauses than of the sibling's.
SIBLING_SIMILARITY = 0.2
MIN_CLAUSE_LEAD = 0.25
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class ReferenceMatch:
    spdx: str
    similarity: float


def match_reference(text: str) -> ReferenceMatch | None:
    """The reference licence most similar to `text`, if it is similar enough and unambiguous."""
    sequence = _shingle_sequence(text)
    mine = frozenset(sequence)
    if not mine:
        return None
    references = _references()
    scored = sorted(
        ((_jaccard(mine, theirs), spdx) for spdx, theirs in references.items()), reverse=True
    )
    best, spdx = scored[0]
    reference = references[spdx]
    shared = len(mine & reference)
    if shared < MIN_TEXT_EXPLAINED * len(mine) or shared < MIN_REFERENCE_COVERED * len(reference):
        return None
    if _inserted(sequence, reference) > max(MIN_INSERTION_ALLOWANCE, INSERTION_SHARE * len(mine)):
        return None
    for similarity, sibling in scored[1:]:
        if best - similarity > SIBLING_SIMILARITY:
            break
        if not _holds_own_clauses(mine, references[spdx], references[sibling]):
            return None
    return ReferenceMatch(spdx, round(best, 3))


def contradicts(text: str, spdx: str) -> bool:
    """Whether `text` has terms inserted into the reference text of `spdx` (a variant of that
    licence, not the licence); False when there is no reference for `spdx`."""
    reference = _references().get(spdx)
    if reference is None:
        return False
    sequence = _shingle_sequence(text)
    allowance = max(MIN_INSERTION_ALLOWANCE, INSERTION_SHARE * len(set(sequence)))
    return _inserted(sequence, reference) > allowance


def _inserted(sequence: list[str], reference: frozenset[str]) -> int:
    """Shingles inside the text that the reference does not have: a header or footer is
    outside, an added clause ("shall be used for Good, not Evil") is inside."""
    explained = [index for index, shingle in enumerate(sequence) if shingle in reference]
    if not explained:
        return len(sequence)
    inside = sequence[explained[0] : explained[-1] + 1]
    return sum(shingle not in reference for shingle in inside)


def _holds_own_clauses(
    text: frozenset[str], reference: frozenset[str], sibling: frozenset[str]
) -> bool:
    """Whether the text has clearly more of what only `reference` says than of what only
    `sibling` says."""
    own, theirs = reference - sibling, sibling - reference
    own_share = len(text & own) / len(own) if own else 0.0
    their_share = len(text & theirs) / len(theirs) if theirs else 0.0
    return own_share - their_share >= MIN_CLAUSE_LEAD


def _jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    return len(first & second) / len(first | second)


def _shingle_sequence(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    return [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)]


def _shingles(text: str) -> frozenset[str]:
    return frozenset(_shingle_sequence(text))


@cache
def _references() -> dict[str, frozenset[str]]:
    folder = resources.files("licensedcode") / "data" / "licenses"
    return {
        spdx: _shingles(_licence_body((folder / f"{key}.LICENSE").read_text(encoding="utf-8")))
        for key, spdx in REFERENCES.items()
    }


def _licence_body(document: str) -> str:
    """The licence text of a LicenseDB file, without its YAML front matter."""
    if document.startswith("---"):
        return document.split("---", 2)[2]
    return document
