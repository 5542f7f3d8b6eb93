"""The machine-readable disclosures (SPDX 3.0.1, CycloneDX 1.6), each checked by its own
validator, offline, on a lineage with a base model, a derived dataset and an unlicensed one.

SPDX: the official 3.0.1 JSON Schema (shipped in tests/export/schemas, taken from the npm
package @cyclonedx/cdxgen 12.8.4, where shacl2code generated it from the SPDX model), applied
through spdx3-validate's validator, then the SPDX project's Python bindings (spdx-python-model,
generated from the 3.0.1 SHACL model), which refuse unknown types, wrong value types and
broken cardinalities, and list references to elements the document lacks.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import spdx_python_model
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx3_validate.core import schema_validator

SCHEMAS = Path(__file__).parent / "schemas"


def spdx_problems(document: dict[str, Any]) -> list[str]:
    schema = json.loads((SCHEMAS / "spdx-3.0.1-json-schema.json").read_text())
    problems = [
        f"schema {error.json_path}: {error.message[:200]}"
        for error in schema_validator(schema).iter_errors(document)
    ]
    try:
        model, objects = spdx_python_model.load_data(document)
        problems += [f"missing element {spdx_id}" for spdx_id in sorted(objects.link())]
        model.JSONLDSerializer().write(objects, io.BytesIO())  # checks the cardinalities
    except (ValueError, TypeError, KeyError) as exc:
        problems.append(f"model: {exc}")
    return problems


def cyclonedx_problems(text: str) -> list[str]:
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text, all_errors=True)
    return [str(error) for error in errors] if errors else []


def test_spdx3_export_validates_and_carries_the_lineage(lineage_db: str, run_cli):
    text = run_cli("export", lineage_db, "--format", "spdx3").output
    document = json.loads(text)
    assert spdx_problems(document) == []

    graph = document["@graph"]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for item in graph:
        by_type.setdefault(item["type"], []).append(item)
    assert sorted(p["name"] for p in by_type["ai_AIPackage"]) == ["base-lm", "chat"]
    datasets = {
        f"{p['name']}@{p['software_packageVersion']}": p for p in by_type["dataset_DatasetPackage"]
    }
    assert sorted(datasets) == ["notes@1", "web-clean@1", "web@1"]
    assert datasets["web@1"]["verifiedUsing"][0]["algorithm"] == "sha256"

    ids = {item["spdxId"]: item for item in graph if "spdxId" in item}

    def related(kind: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for rel in by_type["Relationship"]:
            if rel["relationshipType"] == kind:
                source = ids[rel["from"]]
                targets = [ids.get(t, t) for t in rel["to"]]
                found[source["name"]] = [
                    t.get("name") or t.get("simplelicensing_licenseExpression") or t
                    if isinstance(t, dict)
                    else t
                    for t in targets
                ]
        return found

    assert related("trainedOn") == {"base-lm": ["web", "notes"], "chat": ["web-clean"]}
    assert related("descendantOf") == {"chat": ["base-lm"], "web-clean": ["web"]}
    # Every package has exactly one declared and one concluded licence (the profiles' rule).
    for kind in ("hasDeclaredLicense", "hasConcludedLicense"):
        sources = [
            rel["from"] for rel in by_type["Relationship"] if rel["relationshipType"] == kind
        ]
        packages = [
            p["spdxId"] for p in by_type["ai_AIPackage"] + by_type["dataset_DatasetPackage"]
        ]
        assert sorted(sources) == sorted(packages)
    declared = {}
    for rel in by_type["Relationship"]:
        if rel["relationshipType"] == "hasDeclaredLicense":
            target = ids.get(rel["to"][0], {}).get(
                "simplelicensing_licenseExpression", rel["to"][0]
            )
            declared[ids[rel["from"]]["name"]] = target
    assert declared["web"] == "CC-BY-4.0"
    assert declared["notes"] == "expandedlicensing_NoAssertionLicense"


def test_spdx3_validation_catches_a_broken_document(lineage_db: str, run_cli):
    document = json.loads(run_cli("export", lineage_db, "--format", "spdx3").output)
    package = next(i for i in document["@graph"] if i["type"] == "dataset_DatasetPackage")
    package["dataset_datasetType"] = ["not-a-type"]
    relationship = next(i for i in document["@graph"] if i["type"] == "Relationship")
    relationship["to"] = ["urn:lineage:nowhere"]
    problems = spdx_problems(document)
    assert any(p.startswith("schema") for p in problems)


def test_cyclonedx_export_validates_and_carries_the_lineage(lineage_db: str, run_cli):
    text = run_cli("export", lineage_db, "--format", "cyclonedx").output
    assert cyclonedx_problems(text) == []
    bom = json.loads(text)
    model = bom["metadata"]["component"]
    assert model["type"] == "machine-learning-model" and model["name"] == "chat"
    assert model["modelCard"]["modelParameters"]["datasets"] == [{"ref": "dataset:web-clean@1"}]
    assert model["pedigree"]["ancestors"][0]["name"] == "base-lm"
    components = {c["bom-ref"]: c for c in bom["components"]}
    web = components["dataset:web@1"]
    assert {(e["license"].get("id"), e["license"]["acknowledgement"]) for e in web["licenses"]} == {
        ("CC-BY-4.0", "declared"),
        ("CC-BY-4.0", "concluded"),
        ("CC0-1.0", "concluded"),
    }
    assert "licenses" not in components["dataset:notes@1"]  # nothing known, nothing claimed
    assert components["dataset:web-clean@1"]["pedigree"]["ancestors"][0]["name"] == "web@1"
    dependencies = {d["ref"]: d["dependsOn"] for d in bom["dependencies"]}
    assert dependencies["model:chat"] == ["dataset:web-clean@1", "model:base-lm"]


def test_cyclonedx_validation_catches_a_broken_bom(lineage_db: str, run_cli):
    bom = json.loads(run_cli("export", lineage_db, "--format", "cyclonedx").output)
    bom["components"][0]["type"] = "dataset"  # not a component type of 1.6
    assert cyclonedx_problems(json.dumps(bom))


def test_the_boms_agree_on_versions_counts_and_licences(lineage_db: str, run_cli):
    spdx = json.loads(run_cli("export", lineage_db, "--format", "spdx3").output)["@graph"]
    bom = json.loads(run_cli("export", lineage_db, "--format", "cyclonedx").output)
    trained = json.loads(run_cli("trained", lineage_db, "--json").output)

    expected = {
        f"{d['dataset']}@{d['version']}": (d["size_bytes"], d["manifest_hash"])
        for d in trained["datasets"]
    }
    from_spdx = {
        f"{p['name']}@{p['software_packageVersion']}": (
            p["dataset_datasetSize"],
            next((h["hashValue"] for h in p.get("verifiedUsing", [])), None),
        )
        for p in spdx
        if p["type"] == "dataset_DatasetPackage"
    }
    from_cyclonedx = {}
    for component in bom["components"]:
        if component["type"] == "data":
            props = {p["name"]: p["value"] for p in component["data"][0]["contents"]["properties"]}
            from_cyclonedx[component["data"][0]["name"]] = (
                int(props["lineage:size-bytes"]),
                next((h["content"] for h in component.get("hashes", [])), None),
            )
    assert from_spdx == expected == from_cyclonedx
    concluded = {
        f"{d['dataset']}@{d['version']}": sorted(
            lic["spdx"] for lic in d["licenses"] if lic["spdx"] != "NOASSERTION"
        )
        for d in trained["datasets"]
    }
    from_cyclonedx_licences = {
        component["data"][0]["name"]: sorted(
            e["license"].get("id") or e["license"]["name"]
            for e in component.get("licenses", [])
            if e["license"]["acknowledgement"] == "concluded"
        )
        for component in bom["components"]
        if component["type"] == "data"
    }
    assert from_cyclonedx_licences == concluded
