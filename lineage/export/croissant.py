"""Croissant 1.0 with the Responsible-AI vocabulary, one folder per dataset version:
`croissant.json` (the metadata, RAI fields filled from the lineage) beside `records.csv`, the
version's manifest (one row per occurrence: where, which record, its kind, size, licence,
source and rights), which the metadata distributes with its SHA-256 and describes as a record
set. Texts and images are not kept by lineage, so the manifest is what can be distributed."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lineage.errors import LineageError
from lineage.export.describe import collection_process, is_listed_license, preprocessing
from lineage.query import LineageGraph
from lineage.query.model_lineage import VersionNode, version_node
from lineage.store import find_model
from lineage.store.schema import License, Occurrence, Record, Source
from lineage.vocabulary import AcquisitionChannel

MANIFEST = "records.csv"
METADATA = "croissant.json"
# The context every Croissant 1.0 document carries (the specification's own).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
# The manifest's columns, with their Croissant data types.
COLUMNS = (
    ("locator", "sc:Text", "Where the record is in the corpus ingested."),
    ("sha256", "sc:Text", "The SHA-256 of the record's content."),
    ("kind", "sc:Text", "text or image."),
    ("size_bytes", "sc:Integer", "The record's size in bytes."),
    ("license", "sc:Text", "The record's licence, an SPDX expression."),
    ("license_origin", "sc:Text", "Where its licence was read."),
    ("source", "sc:Text", "The URI the record came from."),
    ("training_use", "sc:Text", "What its own metadata says of AI training, where it says."),
    ("split", "sc:Text", "Its split, where the dataset has them."),
)
_COLLECTION_TYPES = {
    AcquisitionChannel.CRAWLED: "Web Scraping",
    AcquisitionChannel.USER_DATA: "User-generated content data",
    AcquisitionChannel.SYNTHETIC: "Synthetic data",
    AcquisitionChannel.PUBLIC_DATASET: "Secondary Data analysis",
    AcquisitionChannel.LICENSED: "Secondary Data analysis",
    AcquisitionChannel.THIRD_PARTY_PRIVATE: "Secondary Data analysis",
    AcquisitionChannel.OTHER: "Others",
}


def write_croissant(session: Session, ref: str, directory: Path) -> Path:
    """Write the version `ref` names (NAME@V, or NAME's latest) under `directory`; returns the
    metadata file written."""
    node = version_node(session, ref)
    folder = directory / node.ref
    try:
        folder.mkdir(parents=True, exist_ok=True)
        digest = _write_manifest(session, node.id, folder / MANIFEST)
        metadata = folder / METADATA
        document = croissant_metadata(node, digest)
        metadata.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise LineageError(f"cannot write {folder}: {exc.strerror}") from exc
    return metadata


def write_model_croissant(session: Session, model_name: str, directory: Path) -> list[Path]:
    """One Croissant folder per dataset version that trained the model."""
    graph = LineageGraph.load(session)
    reached = graph.training_data(find_model(session, model_name).id)
    refs = sorted(graph.version_refs[version_id] for version_id in reached)
    return [write_croissant(session, ref, directory) for ref in refs]


def croissant_metadata(node: VersionNode, manifest_sha256: str) -> dict[str, Any]:
    use = node.use
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": [
            "http://mlcommons.org/croissant/1.0",
            "http://mlcommons.org/croissant/RAI/1.0",
        ],
        "name": use.dataset,
        "description": node.description or f"Dataset {use.dataset}, version {use.version}.",
        "version": use.version,
        "citeAs": f"{use.dataset}, version {use.version}; lineage manifest "
        f"{use.manifest_hash or 'none'}",
        "datePublished": node.created_at.date().isoformat(),
        "url": f"urn:lineage:dataset:{node.ref}",
        "license": _licenses(node),
        "rai:dataCollection": collection_process(node),
        "rai:dataCollectionType": [_COLLECTION_TYPES[AcquisitionChannel(node.channel)]]
        if node.channel
        else ["Others"],
        "rai:dataPreprocessingProtocol": preprocessing(node) or ["none recorded"],
        "distribution": [
            {
                "@type": "cr:FileObject",
                "@id": MANIFEST,
                "name": MANIFEST,
                "description": f"The version's manifest: {use.records} records; Merkle root "
                f"{use.manifest_hash or 'none'}.",
                "contentUrl": MANIFEST,
                "encodingFormat": "text/csv",
                "sha256": manifest_sha256,
            }
        ],
        "recordSet": [_record_set()],
    }
    if node.collected is not None:
        document["rai:dataCollectionTimeframe"] = [node.collected[0].isoformat()]
    if node.generated_by:
        document["rai:dataCollectionRawData"] = f"Generated by the model {node.generated_by}."
    if node.languages:
        document["inLanguage"] = list(node.languages)
    return document


def _licenses(node: VersionNode) -> list[str]:
    """The declared licence, else the records' licences, as SPDX pages where SPDX lists them."""
    named = [node.use.declared_license] if node.use.declared_license else node.concluded_licenses
    return [
        f"https://spdx.org/licenses/{spdx}.html" if is_listed_license(spdx) else spdx
        for spdx in named
        if spdx
    ] or ["NOASSERTION"]


def _record_set() -> dict[str, Any]:
    return {
        "@type": "cr:RecordSet",
        "@id": "records",
        "name": "records",
        "description": "One row per occurrence of a record in the version.",
        "field": [
            {
                "@type": "cr:Field",
                "@id": f"records/{column}",
                "name": column,
                "description": description,
                "dataType": data_type,
                "source": {"fileObject": {"@id": MANIFEST}, "extract": {"column": column}},
            }
            for column, data_type, description in COLUMNS
        ],
    }


def _write_manifest(session: Session, version_id: int, path: Path) -> str:
    """Stream the occurrences, in locator order, to a CSV file; returns its SHA-256."""
    query = (
        select(
            Occurrence.locator,
            Record.sha256,
            Record.kind,
            Record.size_bytes,
            License.spdx,
            Occurrence.license_origin,
            Source.uri,
            Record.training_use,
            Occurrence.split,
        )
        .join(Record, Record.id == Occurrence.record_id)
        .join(License, License.id == Occurrence.license_id)
        .join(Source, Source.id == Occurrence.source_id)
        .where(Occurrence.dataset_version_id == version_id)
        .order_by(Occurrence.locator)
        .execution_options(yield_per=10_000)
    )
    with path.open("w", newline="", encoding="utf-8", errors="surrogateescape") as out:
        writer = csv.writer(out)
        writer.writerow([column for column, _, _ in COLUMNS])
        for row in session.execute(query):
            writer.writerow(["" if value is None else value for value in row])
    with path.open("rb") as written:
        return hashlib.file_digest(written, "sha256").hexdigest()
