"""Declared versus found licences: evidence recorded by ingest, and the conflicts surfaced."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.conftest import make_document, write_jsonl


def _card(folder: Path, front_matter: str, body: str = "") -> None:
    (folder / "README.md").write_text(f"---\n{front_matter}---\n{body}", encoding="utf-8")


def _corpus(tmp_path: Path, name: str, documents: int = 3) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for index in range(documents):
        (folder / f"doc-{index}.txt").write_text(make_document(index + hash(name) % 100))
    return folder


def _audit(run_cli, ref: str) -> dict:
    result = run_cli("dataset", "licenses", ref, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_licence_file_stricter_than_the_card_is_an_understated_conflict(
    tmp_path: Path, run_cli, license_text
):
    folder = _corpus(tmp_path, "photos-captions")
    _card(folder, "license: mit\n")
    licence = license_text("CC-BY-NC-4.0.txt")
    (folder / "LICENSE").write_text(licence, encoding="utf-8")
    assert run_cli("ingest", folder, "--dataset", "captions").exit_code == 0

    audit = _audit(run_cli, "captions")

    assert audit["declared"] == "MIT"
    [declared] = audit["declarations"]
    card_text = (folder / "README.md").read_text()
    assert card_text[declared["span"][0] : declared["span"][1]] == "license: mit"
    [found] = audit["found"]
    assert found["spdx"] == "CC-BY-NC-4.0" and found["locator"] == "photos-captions/LICENSE"
    assert found["sha256"] == hashlib.sha256(licence.encode()).hexdigest()
    assert found["score"] >= 75 and found["span"][1] > found["span"][0]
    [conflict] = audit["conflicts"]
    assert (conflict["kind"], conflict["other"], conflict["severity"]) == (
        "found",
        "CC-BY-NC-4.0",
        "understated",
    )
    assert conflict["evidence"][0]["locator"] == "photos-captions/LICENSE"


def test_records_under_a_share_alike_licence_understate_a_cc_by_declaration(
    tmp_path: Path, run_cli
):
    rows = [
        {"text": make_document(i), "license": "CC-BY-SA-4.0" if i < 2 else "CC0-1.0"}
        for i in range(5)
    ]
    write_jsonl(tmp_path / "rows.jsonl", rows)
    assert (
        run_cli(
            "ingest", tmp_path / "rows.jsonl", "--dataset", "rows", "--license", "CC-BY-4.0"
        ).exit_code
        == 0
    )

    audit = _audit(run_cli, "rows")

    found = {(item["spdx"], item["origin"]): item["records"] for item in audit["found"]}
    assert found == {("CC-BY-SA-4.0", "record"): 2, ("CC0-1.0", "record"): 3}
    severities = {conflict["other"]: conflict["severity"] for conflict in audit["conflicts"]}
    assert severities == {"CC-BY-SA-4.0": "understated", "CC0-1.0": "differs"}


def test_a_derived_dataset_declared_looser_than_its_parent_is_flagged(tmp_path: Path, run_cli):
    parent = _corpus(tmp_path, "parent")
    child = _corpus(tmp_path, "child")
    assert (
        run_cli("ingest", parent, "--dataset", "parent", "--license", "CC-BY-NC-4.0").exit_code == 0
    )
    assert run_cli("ingest", child, "--dataset", "child", "--license", "CC0-1.0").exit_code == 0
    assert run_cli("derive", "child@1", "--from", "parent@1", "--op", "filter").exit_code == 0
    assert run_cli("model", "register", "m", "--dataset", "child").exit_code == 0

    audit = _audit(run_cli, "child")
    trained = json.loads(run_cli("trained", "m", "--json").output)

    assert audit["ancestors"] == {"parent@1": ["CC-BY-NC-4.0"]}
    assert [(c["kind"], c["other"], c["severity"]) for c in audit["conflicts"]] == [
        ("parent", "CC-BY-NC-4.0", "understated")
    ]
    child_use = next(use for use in trained["datasets"] if use["dataset"] == "child")
    assert "license-understated" in child_use["flags"]


def test_a_matching_declaration_has_no_conflict_and_disagreeing_declarations_do(
    tmp_path: Path, run_cli, license_text
):
    folder = _corpus(tmp_path, "notes")
    _card(folder, "license: cc-by-4.0\n")
    (folder / "LICENSE").write_text(license_text("CC-BY-4.0.txt"), encoding="utf-8")
    assert run_cli("ingest", folder, "--dataset", "notes").exit_code == 0
    assert _audit(run_cli, "notes")["conflicts"] == []

    assert run_cli("ingest", folder, "--dataset", "notes", "--license", "MIT").exit_code == 0
    conflicts = _audit(run_cli, "notes")["conflicts"]

    assert [(c["kind"], c["other"]) for c in conflicts] == [("declarations", "MIT")]


def test_hub_other_licence_is_named_through_license_name_and_keeps_its_link(
    tmp_path: Path, run_cli
):
    folder = _corpus(tmp_path, "gemma-outputs")
    _card(
        folder,
        "license: other\nlicense_name: gemma\nlicense_link: https://ai.google.dev/gemma/terms\n",
    )
    assert run_cli("ingest", folder, "--dataset", "gemma-outputs").exit_code == 0

    [declared] = _audit(run_cli, "gemma-outputs")["declarations"]

    assert declared["spdx"] == "LicenseRef-Gemma-Terms-of-Use"
    assert "license_link: https://ai.google.dev/gemma/terms" in declared["raw"]


def test_a_licence_section_in_the_card_body_declares_when_the_front_matter_does_not(
    tmp_path: Path, run_cli
):
    folder = _corpus(tmp_path, "essays")
    body = (
        "# Essays\n\nShort essays.\n\n## License\n\n"
        "The essays are licensed under CC BY-SA 4.0 (see below).\n\n## Citation\n\nNone.\n"
    )
    _card(folder, "pretty_name: Essays\n", body)
    assert run_cli("ingest", folder, "--dataset", "essays").exit_code == 0

    audit = _audit(run_cli, "essays")

    assert audit["declared"] == "CC-BY-SA-4.0"
    [declared] = audit["declarations"]
    assert declared["origin"] == "card-section"
    assert "licensed under CC BY-SA 4.0" in declared["raw"] and "Citation" not in declared["raw"]


def test_an_unrecognised_licence_file_stays_visible_as_unknown(tmp_path: Path, run_cli):
    folder = _corpus(tmp_path, "odd")
    (folder / "LICENSE").write_text("You may read these notes on Sundays only.\n")
    assert run_cli("ingest", folder, "--dataset", "odd").exit_code == 0

    [found] = _audit(run_cli, "odd")["found"]

    assert (found["spdx"], found["method"]) == ("NOASSERTION", "unrecognised")
    assert found["raw"].startswith("You may read")


def test_evidence_follows_the_files_when_they_change(tmp_path: Path, run_cli, license_text):
    folder = _corpus(tmp_path, "moving")
    (folder / "LICENSE").write_text(license_text("MIT.txt"), encoding="utf-8")
    assert run_cli("ingest", folder, "--dataset", "moving").exit_code == 0
    (folder / "LICENSE").unlink()
    (folder / "COPYING").write_text(license_text("Apache-2.0.txt"), encoding="utf-8")
    assert run_cli("ingest", folder, "--dataset", "moving").exit_code == 0

    found = _audit(run_cli, "moving")["found"]

    assert [(item["spdx"], item["locator"]) for item in found] == [("Apache-2.0", "moving/COPYING")]


def test_a_licence_link_that_is_a_file_name_gives_way_to_the_licence_file(
    tmp_path: Path, run_cli, license_text
):
    folder = _corpus(tmp_path, "linked")
    _card(folder, "license: other\nlicense_link: LICENSE\n")
    (folder / "LICENSE").write_text(license_text("Apache-2.0.txt"), encoding="utf-8")
    assert run_cli("ingest", folder, "--dataset", "linked").exit_code == 0

    shown = json.loads(run_cli("dataset", "show", "linked", "--json").output)

    assert [(entry["spdx"], entry["records"]) for entry in shown["licenses"]] == [("Apache-2.0", 3)]


def test_a_hub_id_declaration_does_not_conflict_with_itself(tmp_path: Path, run_cli):
    folder = _corpus(tmp_path, "gpl-texts")
    _card(folder, "license: gpl\n")
    assert run_cli("ingest", folder, "--dataset", "gpl-texts").exit_code == 0

    audit = _audit(run_cli, "gpl-texts")

    assert audit["declared"] == "LicenseRef-GPL-Unspecified" and audit["conflicts"] == []


def test_other_in_the_front_matter_gives_way_to_the_body_section(tmp_path: Path, run_cli):
    folder = _corpus(tmp_path, "other-body")
    _card(folder, "license: other\n", "## Licence\n\nReleased under CC BY-NC 4.0.\n")
    (folder / "LICENSE").write_text("MIT License\n")
    assert run_cli("ingest", folder, "--dataset", "other-body").exit_code == 0

    assert _audit(run_cli, "other-body")["declared"] == "CC-BY-NC-4.0"


def test_ingesting_another_folder_keeps_the_evidence_of_the_first(
    tmp_path: Path, run_cli, license_text
):
    first, second = _corpus(tmp_path, "partXc"), _corpus(tmp_path, "part_c")
    (first / "LICENSE").write_text(license_text("MIT.txt"), encoding="utf-8")
    assert run_cli("ingest", first, "--dataset", "parts", "--license", "MIT").exit_code == 0
    assert run_cli("ingest", second, "--dataset", "parts").exit_code == 0

    audit = _audit(run_cli, "parts")

    assert [item["locator"] for item in audit["declarations"]] == ["partXc#--license"]
    assert [item["locator"] for item in audit["found"]] == ["partXc/LICENSE"]


def test_each_version_is_audited_against_its_own_declaration(tmp_path: Path, run_cli):
    folder = _corpus(tmp_path, "versions")
    ingest = ["ingest", folder, "--dataset", "versions"]
    assert run_cli(*ingest, "--version", "1", "--license", "CC-BY-NC-4.0").exit_code == 0
    assert run_cli(*ingest, "--version", "2", "--license", "MIT").exit_code == 0

    assert _audit(run_cli, "versions@1")["declared"] == "CC-BY-NC-4.0"
    assert _audit(run_cli, "versions@2")["declared"] == "MIT"
    assert _audit(run_cli, "versions@1")["conflicts"] == []


def test_a_licence_two_derivations_up_still_binds(tmp_path: Path, run_cli):
    source, final = _corpus(tmp_path, "source"), _corpus(tmp_path, "final")
    assert run_cli("ingest", source, "--dataset", "a", "--license", "CC-BY-NC-4.0").exit_code == 0
    assert run_cli("derive", "b", "--from", "a@1", "--op", "filter").exit_code == 0
    assert run_cli("ingest", final, "--dataset", "c", "--license", "MIT").exit_code == 0
    assert run_cli("derive", "c@1", "--from", "b@1", "--op", "filter").exit_code == 0

    conflicts = _audit(run_cli, "c")["conflicts"]

    assert [(c["kind"], c["other"], c["severity"]) for c in conflicts] == [
        ("parent", "CC-BY-NC-4.0", "understated")
    ]
