"""Language identification: the model decompressed once into the cache folder, and read
from there identifies as the packaged model does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from lineage.fingerprint import language

TEXTS = {
    "en": "The heron stood in the shallows at dawn, waiting for the fish to come.",
    "fr": "Le héron se tenait dans les bas-fonds à l'aube, attendant les poissons.",
    "de": "Der Reiher stand im Morgengrauen im seichten Wasser und wartete auf Fische.",
    "zh": "苍鹭黎明时站在浅水中等待鱼儿游过来。",
    "ru": "Цапля стояла на мелководье на рассвете, ожидая рыбу.",
}


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    language.load_model.cache_clear()
    yield tmp_path
    language.load_model.cache_clear()


def test_the_cached_model_identifies_as_the_packaged_one(cache_home: Path):
    packaged = LanguageIdentifier.from_model_file(MODEL_FILE)
    first = language.load_model()  # decompresses into the cache
    (cached,) = (cache_home / "lineage").iterdir()
    language.load_model.cache_clear()
    again = language.load_model()  # reads the cache
    for expected, text in TEXTS.items():
        assert first.classify(text) == again.classify(text) == packaged.classify(text)
        assert language.identify_language(text) == expected
    assert sorted(path.name for path in cached.iterdir()) == sorted(
        f"{name}.npy" for name in language._ARRAYS
    )
    assert list((cache_home / "lineage").iterdir()) == [cached]


def test_a_damaged_cache_is_made_again(cache_home: Path):
    language.load_model()
    (cached,) = (cache_home / "lineage").iterdir()
    automaton = cached / "nextmove.npy"
    automaton.write_bytes(automaton.read_bytes()[: 1 << 20])  # cut short, as by a full disk
    language.load_model.cache_clear()

    assert language.identify_language(TEXTS["fr"]) == "fr"  # from the packaged model
    assert not cached.exists()
    language.load_model.cache_clear()
    assert language.identify_language(TEXTS["ru"]) == "ru"  # from a new copy
    assert (cached / "nextmove.npy").stat().st_size > 1 << 20


def test_the_earlier_copy_of_the_model_goes_and_other_installs_copies_stay(cache_home: Path):
    packaged = Path(MODEL_DIR, MODEL_FILE).stat()
    folder = cache_home / "lineage"
    earlier = folder / f"py3langid-model-{packaged.st_size}-{packaged.st_mtime_ns}.npz"
    other_install = folder / f"py3langid-model-{packaged.st_size}-1"
    other_install.mkdir(parents=True)
    earlier.write_bytes(b"the .npz copy of lineage before")

    assert language.identify_language(TEXTS["zh"]) == "zh"
    assert not earlier.exists() and other_install.is_dir()


def test_without_a_writable_cache_the_packaged_model_is_read(cache_home: Path):
    (cache_home / "lineage").write_text("a file where the folder would be")
    assert language.decompressed_model(Path(MODEL_DIR, MODEL_FILE)) is None
    assert language.identify_language(TEXTS["de"]) == "de"
