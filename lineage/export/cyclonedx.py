"""CycloneDX 1.6 ML-BOM as JSON: the model as a `machine-learning-model` component whose model
card names its datasets, each dataset version a `data` component (licences declared and
concluded, contents, governance), base models and parent datasets as pedigree and as
dependencies."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from lineage.export.describe import (
    TOOL,
    collection_process,
    is_listed_license,
    preprocessing,
    timestamp,
    tool_version,
)
from lineage.export.exporter import ExportContext, Exporter
from lineage.licenses import UNKNOWN_LICENSE
from lineage.query.model_lineage import ModelLineage, ModelNode, VersionNode, model_lineage

SPEC_VERSION = "1.6"
_SCHEMA = "http://cyclonedx.org/schema/bom-1.6.schema.json"


def export_cyclonedx(session: Session, model_name: str, context: ExportContext) -> str:
    document = cyclonedx_bom(model_lineage(session, model_name), context)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def cyclonedx_bom(lineage: ModelLineage, context: ExportContext) -> dict[str, Any]:
    provider = context.facts.get("provider.name")
    models = {node.name: node for node in lineage.models}
    metadata: dict[str, Any] = {
        "timestamp": timestamp(lineage.as_of),
        "tools": {"components": [{"type": "application", "name": TOOL, "version": tool_version()}]},
        "component": _model_component(models[lineage.model]),
        "properties": [_property("lineage:event-chain-head", lineage.event_chain_head or "none")],
    }
    if provider:
        metadata["supplier"] = {"name": provider}
    components = [_model_component(node) for node in lineage.models[1:]]
    components += [_data_component(node, provider) for node in lineage.versions]
    return {
        "$schema": _SCHEMA,
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        # Same lineage, same serial number: derived from the event log's head and the model.
        "serialNumber": uuid.uuid5(
            uuid.NAMESPACE_URL, f"lineage:{lineage.model}:{lineage.event_chain_head}"
        ).urn,
        "version": 1,
        "metadata": metadata,
        "components": components,
        "dependencies": _dependencies(lineage),
    }


def model_ref(name: str) -> str:
    return f"model:{name}"


def data_ref(ref: str) -> str:
    return f"dataset:{ref}"


def _model_component(node: ModelNode) -> dict[str, Any]:
    component: dict[str, Any] = {
        "type": "machine-learning-model",
        "bom-ref": model_ref(node.name),
        "name": node.name,
        "modelCard": {
            "modelParameters": {"datasets": [{"ref": data_ref(ref)} for ref in node.trained_on]}
        },
    }
    licenses = _licenses(node.license, node.license)
    if licenses:
        component["licenses"] = licenses
    if node.parents:
        component["pedigree"] = _pedigree("machine-learning-model", node.parents)
    return component


def _data_component(node: VersionNode, provider: str | None) -> dict[str, Any]:
    use = node.use
    data: dict[str, Any] = {
        "type": "dataset",
        "name": node.ref,
        "contents": {
            "properties": [
                _property("lineage:records", str(use.records)),
                _property("lineage:size-bytes", str(use.size_bytes)),
                *(_property(f"lineage:records:{kind}", str(n)) for kind, n in node.kinds.items()),
                *(
                    _property(f"lineage:training-use:{value}", str(n))
                    for value, n in use.training_use.items()
                ),
            ]
        },
        "description": " ".join(
            [collection_process(node), *(f"Derived: {step}." for step in preprocessing(node))]
        ),
    }
    if provider:
        data["governance"] = {"custodians": [{"organization": {"name": provider}}]}
    component: dict[str, Any] = {
        "type": "data",
        "bom-ref": data_ref(node.ref),
        "name": use.dataset,
        "version": use.version,
        "data": [data],
        "properties": [
            _property("lineage:channel", node.channel or "unknown"),
            *(_property("lineage:flag", flag) for flag in use.flags),
        ],
    }
    if node.description:
        component["description"] = node.description
    licenses = _licenses(use.declared_license, node.concluded_license, node.concluded_licenses)
    if licenses:
        component["licenses"] = licenses
    if use.manifest_hash:
        component["hashes"] = [{"alg": "SHA-256", "content": use.manifest_hash}]
    if node.parents:
        component["pedigree"] = _pedigree("data", node.parents)
    return component


def _pedigree(kind: str, parents: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """What a component was made from, each named with how (a relation, an operation)."""
    return {
        "ancestors": [{"type": kind, "name": name, "description": how} for name, how in parents]
    }


def _licenses(
    declared: str | None, concluded: str | None, concluded_parts: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Licences with their acknowledgement. CycloneDX takes either one expression or a list
    of licences, so both are listed licence by licence (an expression's parts where known);
    an unknown licence is left out rather than written as a name."""
    entries = []
    parts = {"declared": (declared,), "concluded": concluded_parts or (concluded,)}
    for acknowledgement, expressions in parts.items():
        for expression in expressions:
            if expression is None or expression == UNKNOWN_LICENSE:
                continue
            key = "id" if is_listed_license(expression) else "name"
            entries.append({"license": {key: expression, "acknowledgement": acknowledgement}})
    return entries


def _dependencies(lineage: ModelLineage) -> list[dict[str, Any]]:
    dependencies = [
        {
            "ref": model_ref(node.name),
            "dependsOn": sorted(
                [model_ref(name) for name, _ in node.parents]
                + [data_ref(ref) for ref in node.trained_on]
            ),
        }
        for node in lineage.models
    ]
    dependencies += [
        {"ref": data_ref(node.ref), "dependsOn": sorted(data_ref(p) for p, _ in node.parents)}
        for node in lineage.versions
    ]
    return dependencies


def _property(name: str, value: str) -> dict[str, str]:
    return {"name": name, "value": value}


EXPORTER = Exporter(
    "cyclonedx",
    "CycloneDX 1.6 ML-BOM (JSON): the model card's datasets as data components",
    export_cyclonedx,
)
