"""The language of a text, by `py3langid` (its model ships in the package; chosen by
`bench/language_id.py`: every one of 1,200 texts in twelve languages right, six times
lingua's speed and twelve times langdetect's), from the text's first characters: enough to
tell a language, and the cost stays flat however long the text (a 1,000-word text costs
4 ms whole, 0.2 ms by its first 600 characters). Its model loads on first use.

The model ships LZMA-compressed (4.6 MB for 68 MB), and decompressing it was three quarters
of its load time, paid by every ingest: it is decompressed once into the user's cache
folder and read from there by later processes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from array import array
from functools import cache
from pathlib import Path
from typing import Any

IDENTIFIER = "py3langid"
PREFIX_CHARS = 600
# Unsigned integer arrays as the identifier's automaton holds them, by item size.
_TYPECODES = {2: "H", 4: "I", 8: "Q"}


@cache
def load_model() -> Any:
    """The identifier, its model loaded (once per process)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    packaged = Path(MODEL_DIR, MODEL_FILE)
    cached = decompressed_model(packaged)
    if cached is not None:
        try:
            return _identifier_from(cached, LanguageIdentifier)
        except (OSError, ValueError, KeyError):  # a damaged cache: made again next time
            with contextlib.suppress(OSError):
                cached.unlink()
    return LanguageIdentifier.from_model_file(packaged)


def _identifier_from(cached: Path, identifier: Any) -> Any:
    """The identifier from the decompressed model, as py3langid builds it from its own."""
    import numpy as np

    with np.load(cached, allow_pickle=False) as model:
        return identifier(
            model["ptc"],
            model["pc"],
            model["classes"].tolist(),
            _as_array(model["nextmove"]),
            model["out_feat"].tolist(),
            tk_row=_as_array(model["nextmove_row"]),
        )


def decompressed_model(packaged: Path) -> Path | None:
    """The packaged model decompressed in the cache folder, made on first use; None where
    the cache cannot be written (the packaged model is then read as it is)."""
    stat = packaged.stat()
    cached = cache_folder() / f"py3langid-model-{stat.st_size}-{stat.st_mtime_ns}.npz"
    if cached.exists():
        return cached
    import lzma
    import shutil

    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=cached.parent, suffix=".partial")
    except OSError:
        return None
    try:
        with os.fdopen(descriptor, "wb") as written, lzma.open(packaged) as source:
            shutil.copyfileobj(source, written, length=1 << 20)
        os.replace(partial, cached)  # whole or not at all, whoever else is writing it
    except BaseException as exc:  # an interrupted write too: no partial copy is left
        with contextlib.suppress(OSError):
            os.unlink(partial)
        if isinstance(exc, OSError):
            return None
        raise
    return cached


def cache_folder() -> Path:
    """Where lineage keeps what it can make again: `$XDG_CACHE_HOME/lineage`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "lineage")


def _as_array(values: Any) -> array[int]:
    return array(_TYPECODES[values.dtype.itemsize], values.tobytes())


def identify_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is most likely in."""
    language, _ = load_model().classify(text[:PREFIX_CHARS])
    return str(language)
