"""The public API at the top of the package: every name resolves, none is loaded before use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import lineage


@pytest.mark.parametrize("name", lineage.__all__)
def test_every_public_name_resolves_to_its_home_module(name: str):
    value = getattr(lineage, name)

    assert getattr(value, "__module__", "lineage.export").startswith("lineage.")


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'trained'"):
        lineage.trained  # noqa: B018


def test_importing_lineage_loads_no_stage():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, lineage; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "'lineage.store" not in loaded and "'sqlalchemy" not in loaded
