"""Mistakes a user makes on the command line: one clear line, exit 1, nothing recorded."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.app import cli


def test_an_unknown_kind_of_database_is_one_line():
    result = CliRunner().invoke(cli, ["--db", "nosuch://x", "datasets"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: not a database lineage knows: 'nosuch' "
        "(use sqlite:///FILE or postgresql://USER@HOST/NAME)\n"
    )


def test_a_malformed_licence_expression_is_refused_and_nothing_is_recorded(run_cli):
    for args in (
        ("ingest", "sample_data/field-notes", "--dataset", "notes", "--license", "MIT AND (("),
        ("model", "register", "lm", "--external", "--dataset", "d", "--license", "Apache-2.0 OR"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 1, result.output
        assert "not a valid SPDX licence expression" in result.output
    assert json.loads(run_cli("datasets", "--json").output) == []
    assert json.loads(run_cli("models", "--json").output) == []
    # A name SPDX does not know is not malformed: it is kept visible as a LicenseRef.
    kept = run_cli(
        "ingest", "sample_data/qa-pairs.jsonl", "--dataset", "qa", "--license", "Our Terms"
    )
    assert kept.exit_code == 0 and "LicenseRef-Our-Terms" in kept.output


def test_a_file_that_is_no_database_is_one_line(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(bytes(range(256)) * 20)
    for args in (("lookup", "--text", "a heron at dawn"), ("datasets",)):
        result = CliRunner().invoke(cli, ["--db", f"sqlite:///{garbage}", *args])
        assert result.exit_code == 1
        assert result.output == "Error: cannot open the lineage database: file is not a database\n"
