"""The public API: every name of the package and of its stages resolves, none is loaded
before use, a lookup loads neither SQLAlchemy nor the other questions, and only images load
Pillow."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import lineage

LAZY_PACKAGES = ("lineage", "lineage.fingerprint", "lineage.store", "lineage.query")


@pytest.mark.parametrize(
    ("package", "name"),
    [
        (package, name)
        for package in LAZY_PACKAGES
        for name in importlib.import_module(package).__all__
    ],
)
def test_every_public_name_resolves_to_its_home_module(package: str, name: str):
    value = getattr(importlib.import_module(package), name)

    assert getattr(value, "__module__", "lineage.export").startswith("lineage.")
    assert name in dir(importlib.import_module(package))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="lineage attribute trained"):
        lineage.trained  # noqa: B018


def _modules_loaded_by(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_importing_lineage_loads_no_stage():
    loaded = _modules_loaded_by("import lineage")

    assert "'lineage.store" not in loaded and "'sqlalchemy" not in loaded


def test_importing_the_lookup_loads_no_sqlalchemy_nor_other_questions():
    loaded = _modules_loaded_by("import lineage.query.lookup")

    assert "'sqlalchemy" not in loaded
    assert "'lineage.query.training_data'" not in loaded and "'lineage.store.engine'" not in loaded


def test_ingesting_texts_loads_no_image_library_and_images_do(tmp_path):
    ingest = (
        "from pathlib import Path\nfrom lineage.store import connect\n"
        "from lineage.ingest import IngestOptions, ingest_paths\n"
        f"engine = connect('sqlite:///{tmp_path / 'lineage.db'}')\n"
        "ingest_paths(engine, [Path('sample_data/{}')], IngestOptions(dataset='{}'))"
    )

    texts = _modules_loaded_by(ingest.format("field-notes", "notes"))
    images = _modules_loaded_by(ingest.format("images", "pictures"))

    assert "'lineage.store.records'" in texts and "'PIL" not in texts
    assert "'imagehash'" not in texts
    assert "'PIL.Image'" in images and "'imagehash'" in images
