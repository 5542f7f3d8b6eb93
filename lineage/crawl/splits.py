"""The configuration and split of a Hugging Face dataset that a file belongs to.

A dataset card's `configs:` name them: each configuration's `data_files` are path patterns by
split (a bare pattern, or list of them, is the `train` split). Without `configs:`, the hub
infers a split from the names of the files and folders (`data/train-00000-of-00002.parquet`,
`test.jsonl`, `validation/`), and so does this module. Either applies only under a folder
with a dataset card: elsewhere a file called `test.txt` is just a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from lineage.crawl.cards import Card

DEFAULT_CONFIG = "default"
# The names the hub takes for each split, in file and folder names.
SPLIT_KEYWORDS = {
    "train": ("train", "training"),
    "validation": ("validation", "valid", "val", "dev"),
    "test": ("test", "testing", "eval", "evaluation"),
}
_KEYWORD_SPLIT = {word: split for split, words in SPLIT_KEYWORDS.items() for word in words}
# A split keyword is a whole name, or a name's first word before a separator or a digit.
_FIRST_WORD = re.compile(r"^([a-z]+)(?=$|[-._ 0-9])")


@dataclass(frozen=True)
class SplitRule:
    """Files matching `pattern` (relative to the card's folder) are `split` of `config`."""

    config: str
    split: str
    pattern: str


Placement = tuple[str | None, str | None]  # (config, split)


def split_rules(card: Card) -> list[SplitRule]:
    """The card's `configs:` as rules; an empty list where it has none (or none readable)."""
    configs = card.metadata.get("configs")
    rules = []
    for config in configs if isinstance(configs, list) else []:
        if isinstance(config, dict):
            name = str(config.get("config_name") or DEFAULT_CONFIG)
            rules += [
                SplitRule(name, split, pattern)
                for split, pattern in _data_files(config.get("data_files"))
            ]
    return rules


def _data_files(data_files: Any) -> list[tuple[str, str]]:
    """(split, pattern) pairs of a configuration's `data_files`, in any of the hub's forms."""
    if isinstance(data_files, str):
        return [("train", data_files)]
    if isinstance(data_files, dict):
        data_files = [{"split": split, "path": path} for split, path in data_files.items()]
    pairs: list[tuple[str, str]] = []
    for entry in data_files if isinstance(data_files, list) else []:
        if isinstance(entry, str):
            pairs.append(("train", entry))
        elif isinstance(entry, dict) and entry.get("path") is not None:
            paths = entry["path"] if isinstance(entry["path"], list) else [entry["path"]]
            split = str(entry.get("split") or "train")
            pairs += [(split, str(path)) for path in paths]
    return pairs


def placement(relative_path: str, rules: list[SplitRule]) -> Placement:
    """Where a file (its POSIX path under the card's folder) sits: by the rules, when there
    are any (a file no rule matches is in no split), else by the names on its path."""
    if rules:
        for rule in rules:
            if fnmatchcase(relative_path, rule.pattern.lstrip("./")):
                return rule.config, rule.split
        return None, None
    for part in reversed(relative_path.lower().split("/")):
        match = _FIRST_WORD.match(part)
        if match and match.group(1) in _KEYWORD_SPLIT:
            return DEFAULT_CONFIG, _KEYWORD_SPLIT[match.group(1)]
    return None, None
