"""SPDX 3.0.1 JSON-LD with the AI and Dataset profiles: the model and each base model as an
`ai_AIPackage`, each dataset version as a `dataset_DatasetPackage`, linked by `trainedOn` and
`descendantOf` relationships, with declared and concluded licences and the manifests' Merkle
roots as the packages' verified-using hashes."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from lineage.export.describe import (
    TOOL,
    collection_process,
    preprocessing,
    timestamp,
    tool_version,
)
from lineage.export.exporter import ExportContext, Exporter
from lineage.licenses import UNKNOWN_LICENSE
from lineage.query.model_lineage import ModelLineage, ModelNode, VersionNode, model_lineage

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
SPEC_VERSION = "3.0.1"
# SPDX's own individual for "no licence could be concluded or was declared".
NO_ASSERTION = "expandedlicensing_NoAssertionLicense"
_CREATION = "_:creation-info"
_DATASET_TYPES = {"text": "text", "image": "image"}


def export_spdx3(session: Session, model_name: str, context: ExportContext) -> str:
    document = spdx3_document(model_lineage(session, model_name), context)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def spdx3_document(lineage: ModelLineage, context: ExportContext) -> dict[str, Any]:
    """The document as a JSON-LD graph; deterministic, every id derived from names."""
    ids = _Ids(lineage)
    provider = context.facts.get("provider.name")
    graph: list[dict[str, Any]] = [_creation_info(lineage, ids, provider)]
    graph += _agents(ids, provider)
    licenses = _Licenses(ids)
    for node in lineage.models:
        graph.append(_ai_package(node, ids, lineage))
        licenses.relate(ids.model(node.name), node.license, node.license)
    for version in lineage.versions:
        graph.append(_dataset_package(version, ids))
        licenses.relate(
            ids.version(version.ref), version.declared_license, version.concluded_license
        )
    graph += _links(lineage, ids)
    data_license = licenses.id_of("CC0-1.0")  # SPDX documents are CC0-1.0, as the spec asks
    graph += licenses.elements()
    elements = sorted(item["spdxId"] for item in graph if "spdxId" in item)
    graph.append(
        {
            "type": "SpdxDocument",
            "spdxId": ids.of("document"),
            "creationInfo": _CREATION,
            "name": f"Training lineage of {lineage.model}",
            "comment": _chain_comment(lineage),
            "dataLicense": data_license,
            "profileConformance": ["core", "software", "simpleLicensing", "ai", "dataset"],
            "rootElement": [ids.model(lineage.model)],
            "element": elements,
        }
    )
    return {"@context": CONTEXT, "@graph": graph}


class _Ids:
    """IRIs for the document's elements, under a namespace named by the model and the event
    log's head: a new state of the lineage gives new ids."""

    def __init__(self, lineage: ModelLineage) -> None:
        head = (lineage.event_chain_head or "empty")[:16]
        self.namespace = f"urn:lineage:{quote(lineage.model, safe='')}:{head}/"

    def of(self, *parts: str) -> str:
        return self.namespace + "/".join(quote(part, safe="@") for part in parts)

    def model(self, name: str) -> str:
        return self.of("model", name)

    def version(self, ref: str) -> str:
        return self.of("dataset", ref)


class _Licenses:
    """One LicenseExpression element per distinct expression, and the declared and concluded
    relationships that point at them (SPDX's NoAssertion individual where none is known)."""

    def __init__(self, ids: _Ids) -> None:
        self.ids = ids
        self.expressions: set[str] = set()
        self.relationships: list[dict[str, Any]] = []

    def id_of(self, expression: str) -> str:
        self.expressions.add(expression)
        return self.ids.of("license", expression)

    def relate(self, element: str, declared: str | None, concluded: str | None) -> None:
        for kind, expression in (
            ("hasDeclaredLicense", declared),
            ("hasConcludedLicense", concluded),
        ):
            known = expression is not None and expression != UNKNOWN_LICENSE
            self.relationships.append(
                {
                    "type": "Relationship",
                    "spdxId": f"{element}/{kind}",
                    "creationInfo": _CREATION,
                    "from": element,
                    "relationshipType": kind,
                    "to": [self.id_of(expression) if known and expression else NO_ASSERTION],
                }
            )

    def elements(self) -> list[dict[str, Any]]:
        expressions = [
            {
                "type": "simplelicensing_LicenseExpression",
                "spdxId": self.ids.of("license", expression),
                "creationInfo": _CREATION,
                "simplelicensing_licenseExpression": expression,
            }
            for expression in sorted(self.expressions)
        ]
        return self.relationships + expressions


def _creation_info(lineage: ModelLineage, ids: _Ids, provider: str | None) -> dict[str, Any]:
    return {
        "type": "CreationInfo",
        "@id": _CREATION,
        "specVersion": SPEC_VERSION,
        # The time the lineage last changed, not the time of export: same lineage, same bytes.
        "created": timestamp(lineage.as_of),
        "createdBy": [ids.of("agent", "provider" if provider else TOOL)],
        "createdUsing": [ids.of("tool", TOOL)],
    }


def _agents(ids: _Ids, provider: str | None) -> list[dict[str, Any]]:
    creation = {"creationInfo": _CREATION}
    tool = {"type": "Tool", "spdxId": ids.of("tool", TOOL), "name": f"{TOOL} {tool_version()}"}
    if provider:
        agent = {"type": "Organization", "spdxId": ids.of("agent", "provider"), "name": provider}
    else:
        agent = {"type": "SoftwareAgent", "spdxId": ids.of("agent", TOOL), "name": TOOL}
    return [tool | creation, agent | creation]


def _ai_package(node: ModelNode, ids: _Ids, lineage: ModelLineage) -> dict[str, Any]:
    versions = {version.ref: version for version in lineage.versions}
    training = [
        f"{ref}: {versions[ref].use.records} records" for ref in node.trained_on if ref in versions
    ]
    parents = [f"{relation} of {name}" for name, relation in node.parents]
    return {
        "type": "ai_AIPackage",
        "spdxId": ids.model(node.name),
        "creationInfo": _CREATION,
        "name": node.name,
        "software_primaryPurpose": "model",
        "releaseTime": timestamp(node.created_at),
        "ai_informationAboutTraining": "; ".join(parents + training) or "no training data recorded",
    }


def _dataset_package(node: VersionNode, ids: _Ids) -> dict[str, Any]:
    package: dict[str, Any] = {
        "type": "dataset_DatasetPackage",
        "spdxId": ids.version(node.ref),
        "creationInfo": _CREATION,
        "name": node.use.dataset,
        "software_packageVersion": node.use.version,
        "software_primaryPurpose": "data",
        "releaseTime": timestamp(node.created_at),
        "dataset_datasetType": sorted({_DATASET_TYPES.get(kind, "other") for kind in node.kinds})
        or ["noAssertion"],
        "dataset_datasetSize": node.use.size_bytes,
        "dataset_dataCollectionProcess": collection_process(node),
        "comment": f"{node.use.records} records; flags: {', '.join(node.use.flags) or 'none'}",
    }
    if node.description:
        package["description"] = node.description
    if node.parents:
        package["dataset_dataPreprocessing"] = preprocessing(node)
    if node.use.manifest_hash:
        # The Merkle root over the version's records: `lineage verify` recomputes it.
        package["verifiedUsing"] = [
            {"type": "Hash", "algorithm": "sha256", "hashValue": node.use.manifest_hash}
        ]
    return package


def _links(lineage: ModelLineage, ids: _Ids) -> list[dict[str, Any]]:
    links = []
    for node in lineage.models:
        if node.trained_on:
            links.append(
                _relationship(
                    ids,
                    ids.model(node.name),
                    "trainedOn",
                    [ids.version(ref) for ref in node.trained_on],
                )
            )
        for parent, relation in node.parents:
            links.append(
                _relationship(ids, ids.model(node.name), "descendantOf", [ids.model(parent)])
                | {"comment": relation}
            )
    for version in lineage.versions:
        for parent, operation in version.parents:
            links.append(
                _relationship(ids, ids.version(version.ref), "descendantOf", [ids.version(parent)])
                | {"comment": operation}
            )
    return links


def _relationship(ids: _Ids, source: str, kind: str, targets: list[str]) -> dict[str, Any]:
    suffix = "" if kind == "trainedOn" else "/" + targets[0].rsplit("/", 2)[-1]
    return {
        "type": "Relationship",
        "spdxId": f"{source}/{kind}{suffix}",
        "creationInfo": _CREATION,
        "from": source,
        "relationshipType": kind,
        "to": targets,
    }


def _chain_comment(lineage: ModelLineage) -> str:
    head = lineage.event_chain_head or "none"
    return f"Built from the lineage database; event log head {head} (see `lineage verify`)."


EXPORTER = Exporter(
    "spdx3",
    "SPDX 3.0.1 JSON-LD (AI and Dataset profiles): the model, its base models and datasets",
    export_spdx3,
)
