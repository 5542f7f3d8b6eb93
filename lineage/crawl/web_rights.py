"""What a web page says of AI training and text-and-data mining, in its HTTP headers and its
HTML: `X-Robots-Tag` and `<meta name="robots">` directives (`noai`, `noimageai`, also for a
named agent: `GPTBot: noai`), and TDMRep's `tdm-reservation` and `tdm-policy` (W3C TDM
Reservation Protocol), as a header or a `<meta>`.

A reservation (`noai`, `tdm-reservation: 1`) is folded into the page's training use as
`notAllowed`, as image metadata's are (`lineage.crawl.image_rights`), so that the verdicts
and the disclosures count it; every signal is kept with where it was read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lineage.crawl.rights import EmbeddedRights
from lineage.vocabulary import TrainingUse

# Directives that reserve training on a page's text, or on its images.
TEXT_RESERVATIONS = frozenset({"noai"})
IMAGE_RESERVATIONS = frozenset({"noai", "noimageai"})
_TDM_RESERVATION = {"1": TrainingUse.NOT_ALLOWED, "0": TrainingUse.ALLOWED}


def page_rights(
    headers: Mapping[str, str],
    tree: Any | None,
    images: bool = False,
    carried: EmbeddedRights | None = None,
) -> EmbeddedRights | None:
    """The rights signals of a response (its headers, and its HTML, parsed by resiliparse,
    where it is a page), added to those the content `carried` itself; None where there are
    none. `images` judges the image directives too."""
    rights = carried or EmbeddedRights()
    reservations = IMAGE_RESERVATIONS if images else TEXT_RESERVATIONS
    for name, value in headers.items():
        _read(name.lower(), value, f"header:{name}", reservations, rights)
    for name, value in _meta_tags(tree) if tree is not None else []:
        header = "x-robots-tag" if name == "robots" else name
        _read(header, value, f"meta:{name}", reservations, rights)
    return None if rights.is_empty() else rights


def _read(
    name: str, value: str, where: str, reservations: frozenset[str], rights: EmbeddedRights
) -> None:
    if name == "x-robots-tag":
        for directive in _directives(value):
            if directive in reservations:
                rights.add_signal(TrainingUse.NOT_ALLOWED, f"{where}={directive}")
            elif directive in IMAGE_RESERVATIONS:  # about other content than this: kept, said
                rights.signals.append(f"{where}={directive}")
    elif name == "tdm-reservation" and value.strip() in _TDM_RESERVATION:
        rights.add_signal(_TDM_RESERVATION[value.strip()], f"{where}={value.strip()}")
    elif name == "tdm-policy" and value.strip():
        rights.signals.append(f"{where}={value.strip()[:500]}")


def _directives(value: str) -> list[str]:
    """`noai, noimageai` and `GPTBot: noai, nofollow` alike: every directive, lower-cased
    (one reserved for a named agent reserves it for that agent, which a disclosure must say)."""
    directives = []
    for part in value.split(","):
        directive = part.rpartition(":")[2] if ":" in part else part
        directives.append(directive.strip().lower())
    return directives


def _meta_tags(tree: Any) -> list[tuple[str, str]]:
    """(name, content) of the page's `<meta>` tags that bear on rights."""
    head = tree.head
    if head is None:
        return []
    found = []
    for meta in head.get_elements_by_tag_name("meta"):
        name = (meta.getattr("name") or "").strip().lower()
        if name in ("robots", "tdm-reservation", "tdm-policy"):
            found.append((name, meta.getattr("content") or ""))
    return found
