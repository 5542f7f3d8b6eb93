"""Folders that Hugging Face `datasets` wrote with `save_to_disk`: Arrow files, with a
`state.json` and a `dataset_info.json` (description, citation, licence) beside them, and,
for a DatasetDict, a `dataset_dict.json` naming a folder per split. The JSON files describe
the content and are not part of it."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from lineage.licenses import Evidence, normalize_license
from lineage.vocabulary import EvidenceRole, LicenseOrigin

INFO_FILE, STATE_FILE, DICT_FILE = "dataset_info.json", "state.json", "dataset_dict.json"
# Metadata larger than this is not read (real ones are a few kilobytes).
MAX_METADATA_BYTES = 1 << 20


def is_metadata(path: str, name: str, top_level: bool) -> bool:
    """Whether a file (its path, its lower-cased name) is save_to_disk's description of a
    dataset: a folder holding both `state.json` and `dataset_info.json`, or the top
    `dataset_dict.json`. Elsewhere such names are ordinary content."""
    if name == DICT_FILE:
        return top_level
    if name not in (INFO_FILE, STATE_FILE):
        return False
    folder = os.path.dirname(path)
    return all(os.path.isfile(os.path.join(folder, file)) for file in (INFO_FILE, STATE_FILE))


def read_metadata(path: Path) -> dict[str, Any] | None:
    """A metadata file's object; None where it is missing, too large or not a JSON object."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_METADATA_BYTES + 1)
        value = json.loads(data) if len(data) <= MAX_METADATA_BYTES else None
    except (OSError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def dict_splits(folder: Path) -> list[str]:
    """The splits a DatasetDict folder names, each a folder of its own."""
    splits = (read_metadata(folder / DICT_FILE) or {}).get("splits")
    return [str(split) for split in splits] if isinstance(splits, list) else []


def state_split(folder: Path) -> str | None:
    """The split a saved Dataset was of, where it says (`_split`)."""
    split = (read_metadata(folder / STATE_FILE) or {}).get("_split")
    return str(split) if split else None


def info_license(folder: Path) -> str | None:
    """The licence a saved Dataset's `dataset_info.json` names, if any."""
    declared = (read_metadata(folder / INFO_FILE) or {}).get("license")
    return declared.strip() if isinstance(declared, str) and declared.strip() else None


def saved_info(folder: Path) -> dict[str, str]:
    """What a saved Dataset, or the first split of a saved DatasetDict, says of itself:
    its description, citation, homepage and licence, where given."""
    candidates = [folder, *(folder / split for split in dict_splits(folder))]
    for candidate in candidates:
        info = read_metadata(candidate / INFO_FILE) if (candidate / STATE_FILE).is_file() else None
        if info is not None:
            fields = ("description", "citation", "homepage", "license")
            return {
                key: info[key] for key in fields if isinstance(info.get(key), str) and info[key]
            }
    return {}


def info_evidence(path: Path, locator: str) -> Evidence | None:
    """What a `dataset_info.json` declares of the licence, with its hash."""
    declared = info_license(path.parent)
    if declared is None:
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    spdx = normalize_license(declared)
    origin = LicenseOrigin.DATASET_INFO
    return Evidence(
        EvidenceRole.DECLARED, spdx, origin, locator, "declaration", digest, raw=declared
    )
