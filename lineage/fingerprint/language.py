"""The language of a text, by `py3langid` (its model ships in the package; chosen by
`bench/language_id.py`: every one of 1,200 texts in twelve languages right, six times
lingua's speed and twelve times langdetect's), from the text's first characters: enough to
tell a language, and the cost stays flat however long the text (a 1,000-word text costs
4 ms whole, 0.2 ms by its first 600 characters). Its model loads on first use.

The model ships LZMA-compressed (4.6 MB for 68 MB), and decompressing it was three quarters
of its load time, paid by every ingest: it is decompressed once into the user's cache
folder, an array a file, and later processes map those files rather than read them (a text
touches a few pages of the 39 MB automaton): loading takes 9 ms, not 220.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, Literal

IDENTIFIER = "py3langid"
PREFIX_CHARS = 600
# The arrays of py3langid's model file.
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
# Unsigned integer arrays as the identifier's automaton holds them, by item size.
_TYPECODES: dict[int, Literal["H", "I", "Q"]] = {2: "H", 4: "I", 8: "Q"}


@cache
def load_model() -> Any:
    """The identifier, its model loaded (once per process)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    packaged = Path(MODEL_DIR, MODEL_FILE)
    cached = decompressed_model(packaged)
    if cached is not None:
        try:
            return _identifier_from(cached, LanguageIdentifier)
        except (OSError, ValueError):  # a damaged cache: made again next time
            shutil.rmtree(cached, ignore_errors=True)
    return LanguageIdentifier.from_model_file(packaged)


def _identifier_from(cached: Path, identifier: Any) -> Any:
    """The identifier from the decompressed model, as py3langid builds it from its own; the
    automaton's transitions and the feature table stay mapped, not read."""
    import numpy as np

    model = {name: np.load(cached / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
    return identifier(
        model["ptc"],
        np.asarray(model["pc"]),
        model["classes"].tolist(),
        memoryview(model["nextmove"]).cast("B").cast(_TYPECODES[model["nextmove"].itemsize]),
        model["out_feat"].tolist(),
        tk_row=model["nextmove_row"].tolist(),
    )


def decompressed_model(packaged: Path) -> Path | None:
    """The packaged model decompressed in the cache folder (a folder of its arrays), made on
    first use; None where the cache cannot be written (the packaged model is then read as it
    is)."""
    stat = packaged.stat()
    cached = cache_folder() / f"py3langid-model-{stat.st_size}-{stat.st_mtime_ns}"
    if cached.is_dir():
        return cached
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(dir=cached.parent, suffix=".partial"))
    except OSError:
        return None
    try:
        _write_arrays(packaged, partial)
        os.replace(partial, cached)  # whole or not at all, whoever else is writing it
    except BaseException as exc:  # an interrupted write too: no partial copy is left
        shutil.rmtree(partial, ignore_errors=True)
        if not isinstance(exc, OSError):
            raise
        return cached if cached.is_dir() else None  # another process's copy came first
    _remove_earlier_form(cached)
    return cached


def _write_arrays(packaged: Path, folder: Path) -> None:
    """The arrays of the packaged model (an LZMA-compressed `.npz`), one `.npy` file each."""
    import lzma

    import numpy as np

    archive = folder / "model.npz"
    with archive.open("wb") as written, lzma.open(packaged) as source:
        shutil.copyfileobj(source, written, length=1 << 20)
    with np.load(archive, allow_pickle=False) as model:
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", model[name], allow_pickle=False)
    archive.unlink()


def _remove_earlier_form(kept: Path) -> None:
    """The `.npz` copy lineage made of the same model before it mapped arrays. Copies made
    from other installs stay: two environments sharing the cache would else delete each
    other's on every run."""
    kept.with_name(f"{kept.name}.npz").unlink(missing_ok=True)


def cache_folder() -> Path:
    """Where lineage keeps what it can make again: `$XDG_CACHE_HOME/lineage`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "lineage")


def identify_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is most likely in."""
    language, _ = load_model().classify(text[:PREFIX_CHARS])
    return str(language)
