"""Reading the rights an image carries in its own metadata, and whether it reserves AI
training. Pillow loads with it, so the readers import it with their first image.

Who holds the rights, under which terms, and what the image says of training on it, read
from EXIF (Copyright, Artist), IPTC IIM (copyright notice, by-line), XMP (`dc:rights`,
`dc:creator`, `xmpRights:UsageTerms`, `xmpRights:WebStatement`, `cc:license`, the PLUS
`plus:DataMining` property of IPTC Photo Metadata 2023.1, TDMRep's `tdm:reservation`) and
C2PA manifests (the `cawg.training-mining` assertion, or `c2pa.training-mining` of C2PA 1.x).

Every signal counts (`EmbeddedRights.add_signal` keeps the strictest): a reservation in an
unsigned XMP packet still expresses the rights holder's wish, and a C2PA manifest whose
signature does not validate is kept, with its validation state.
"""

from __future__ import annotations

import io
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from PIL import Image, ImageFile, IptcImagePlugin

from lineage.crawl.rights import EmbeddedRights
from lineage.errors import FingerprintError
from lineage.fingerprint.image import open_image
from lineage.licenses import recognised_license
from lineage.vocabulary import TrainingUse

_USES = {use.value: use for use in TrainingUse}

_EXIF_ARTIST, _EXIF_COPYRIGHT = 0x013B, 0x8298
_IPTC_BYLINE, _IPTC_COPYRIGHT = (2, 80), (2, 116)

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"
_XMP_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
_CC = "http://creativecommons.org/ns#"
_PLUS = "http://ns.useplus.org/ldf/xmp/1.0/"
_TDMREP = "http://www.w3.org/ns/tdmrep/"
MAX_XMP_BYTES = 1024 * 1024

# PLUS data-mining values (the last path segment of the vocabulary URI).
_DATA_MINING = {
    "DMI-ALLOWED": TrainingUse.ALLOWED,
    "DMI-PROHIBITED": TrainingUse.NOT_ALLOWED,
    "DMI-PROHIBITED-AIMLTRAINING": TrainingUse.NOT_ALLOWED,
    "DMI-PROHIBITED-GENAIMLTRAINING": TrainingUse.NOT_ALLOWED,
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING": TrainingUse.NOT_ALLOWED,
    # Prohibited except as another property says: a condition, not a plain reservation.
    "DMI-PROHIBITED-SEECONSTRAINT": TrainingUse.CONSTRAINED,
    "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR": TrainingUse.CONSTRAINED,
    "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR": TrainingUse.CONSTRAINED,
}
_TDM_RESERVATION = {"1": TrainingUse.NOT_ALLOWED, "0": TrainingUse.ALLOWED}
C2PA_TRAINING_LABELS = ("cawg.training-mining", "c2pa.training-mining")
# Entries about training or mining; `ai_inference` is about using the work as model input.
_C2PA_TRAINING_ENTRIES = ("ai_training", "ai_generative_training", "data_mining")
_C2PA_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "TIFF": "image/tiff"}


def read_embedded_rights(data: bytes) -> EmbeddedRights | None:
    """The rights in an encoded image's metadata, or None when it carries none (or is not a
    readable image: fingerprinting reports that)."""
    try:
        image = open_image(data)
    except (FingerprintError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    rights = EmbeddedRights()
    readers = {
        "exif": lambda: _read_exif(image, rights),
        "iptc": lambda: _read_iptc(image, rights),
        "xmp": lambda: _read_xmp(image.info.get("xmp"), rights),
        "c2pa": lambda: _read_c2pa(image, data, rights),
    }
    for name, read in readers.items():
        try:
            read()
        # Any failure of a metadata parser on hostile input is recorded, never fatal.
        except Exception as exc:
            rights.signals.append(f"{name}=unreadable ({type(exc).__name__})")
    rights.license = _license_named(rights)
    return None if rights.is_empty() else rights


def _read_exif(image: Image.Image, rights: EmbeddedRights) -> None:
    if image.format == "PNG" and "exif" not in image.info:
        return  # Pillow would decode the whole PNG looking for an eXIf chunk after the pixels
    exif = image.getexif()
    _append(rights.copyright, exif.get(_EXIF_COPYRIGHT))
    _append(rights.creators, exif.get(_EXIF_ARTIST))


def _read_iptc(image: Image.Image, rights: EmbeddedRights) -> None:
    if not isinstance(image, ImageFile.ImageFile):
        return
    iptc = IptcImagePlugin.getiptcinfo(image) or {}
    for key, target in ((_IPTC_COPYRIGHT, rights.copyright), (_IPTC_BYLINE, rights.creators)):
        values = iptc.get(key)
        for value in values if isinstance(values, list) else [values]:
            _append(target, value)


def _append(target: list[str], value: object) -> None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        value = value.strip("\x00 \t\r\n")
        if value and value not in target:
            target.append(value)


def _may_carry_c2pa(image: Image.Image, data: bytes) -> bool:
    """Whether a C2PA manifest store (a JUMBF box) may be embedded: for JPEGs, in an APP11
    segment; other containers are searched whole, which is slower but rarer."""
    if image.format == "JPEG":
        segments = getattr(image, "applist", [])
        return any(marker == "APP11" and b"jumb" in body for marker, body in segments)
    return b"jumb" in data


def _read_xmp(packet: bytes | str | None, rights: EmbeddedRights) -> None:
    """The XMP packet as Pillow found it, in any of its formats."""
    if not packet:
        return
    if len(packet) > MAX_XMP_BYTES:
        rights.signals.append("xmp=too-large")
        return
    try:
        root = ElementTree.fromstring(packet)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        rights.signals.append("xmp=unreadable")
        return
    for value in _xmp_values(root, _DC, "rights"):
        _append(rights.copyright, value)
    for value in _xmp_values(root, _DC, "creator"):
        _append(rights.creators, value)
    for value in _xmp_values(root, _XMP_RIGHTS, "UsageTerms"):
        _append(rights.usage_terms, value)
    statements = _xmp_values(root, _XMP_RIGHTS, "WebStatement") + _xmp_values(root, _CC, "license")
    rights.web_statement = statements[0] if statements else None
    for value in _xmp_values(root, _PLUS, "DataMining"):
        use = _DATA_MINING.get(value.rstrip("/").rsplit("/", 1)[-1].upper())
        if use is not None:
            rights.add_signal(use, "xmp:plus:DataMining")
    for value in _xmp_values(root, _TDMREP, "reservation"):
        if value in _TDM_RESERVATION:
            rights.add_signal(_TDM_RESERVATION[value], "xmp:tdm:reservation")


def _xmp_values(root: Element, namespace: str, name: str) -> list[str]:
    """A property's values, written as an attribute, an element, an rdf:resource or a list."""
    tag = f"{{{namespace}}}{name}"
    values: list[str | None] = []
    for description in root.iter(f"{{{_RDF}}}Description"):
        if tag in description.attrib:
            values.append(description.attrib[tag])
        for element in description.iter(tag):
            items = [item.text for item in element.iter(f"{{{_RDF}}}li")]
            resource = element.attrib.get(f"{{{_RDF}}}resource")
            values.extend(items or [resource or element.text])
    return [value.strip() for value in values if value and value.strip()]


def _read_c2pa(image: Image.Image, data: bytes, rights: EmbeddedRights) -> None:
    mime = _C2PA_MIME.get(image.format or "")
    if mime is None or not _may_carry_c2pa(image, data):
        return
    # Imported here: only images that carry a JUMBF box pay for the C2PA library.
    import c2pa

    try:
        offline = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False}})
        reader = c2pa.Reader.try_create(mime, io.BytesIO(data), None, offline)
        if reader is None:
            return
        with reader:
            manifest = reader.get_active_manifest() or {}
            rights.c2pa_validation = reader.get_validation_state()
    except c2pa.C2paError as exc:
        rights.c2pa_error = f"{type(exc).__name__}: {exc}"[:500]
        return
    assertions = manifest.get("assertions") if isinstance(manifest, dict) else None
    for assertion in assertions if isinstance(assertions, list) else []:
        if isinstance(assertion, dict) and assertion.get("label") in C2PA_TRAINING_LABELS:
            _read_training_mining(assertion["label"], assertion.get("data"), rights)


def _read_training_mining(label: str, data: object, rights: EmbeddedRights) -> None:
    """The entries of a training-and-mining assertion; C2PA does not check their shape, so
    anything but `{name: {"use": ...}}` is skipped (and said so), never trusted."""
    entries = data.get("entries", data) if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        rights.signals.append(f"c2pa:{label}=malformed")
        return
    for key, entry in entries.items():
        use = entry.get("use") if isinstance(entry, dict) else None
        if not isinstance(use, str) or use not in _USES:
            rights.signals.append(f"c2pa:{label}:{key}=malformed")
        elif str(key).rsplit(".", 1)[-1] in _C2PA_TRAINING_ENTRIES:
            rights.add_signal(_USES[use], f"c2pa:{label}:{key}")


def _license_named(rights: EmbeddedRights) -> str | None:
    """A licence the metadata names in a form we recognise (a Creative Commons URL, an SPDX
    id); free-text terms and copyright notices stay as they are, never guessed at."""
    candidates = [rights.web_statement, *rights.usage_terms]
    return recognised_license([candidate for candidate in candidates if candidate])
