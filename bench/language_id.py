"""Benchmark: which language identifier `lineage` tags texts with, by speed and accuracy.

The texts are Faker's (a test dependency): sentences drawn from each locale's word list, in
twelve languages, `--texts` per language, of 20 to 60 words. Each identifier (all three ship
their models inside their packages, so they run offline) labels every text; the bench prints
accuracy, texts per second (median of `--repeats` runs, interleaved), and each identifier's
rate against the fastest.

    .venv/bin/python bench/language_id.py --texts 200
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from faker import Faker

LOCALES = {
    "en": "en_US",
    "de": "de_DE",
    "fr": "fr_FR",
    "it": "it_IT",
    "nl": "nl_NL",
    "pl": "pl_PL",
    "cs": "cs_CZ",
    "da": "da_DK",
    "ru": "ru_RU",
    "uk": "uk_UA",
    "ja": "ja_JP",
    "zh": "zh_CN",
}


def texts(per_language: int) -> list[tuple[str, str]]:
    found = []
    for language, locale in LOCALES.items():
        fake = Faker(locale)
        fake.seed_instance(2026)
        for _ in range(per_language):
            words = fake.words(nb=fake.random_int(20, 60))
            found.append((language, " ".join(words).capitalize() + "."))
    return found


def identifiers() -> dict[str, Callable[[str], str]]:
    import langdetect
    import py3langid
    from lingua import LanguageDetectorBuilder

    langdetect.DetectorFactory.seed = 0
    lingua = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

    def by_lingua(text: str) -> str:
        found = lingua.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found is not None else "und"

    def by_langdetect(text: str) -> str:
        return langdetect.detect(text).split("-")[0]

    return {
        "py3langid": lambda text: py3langid.classify(text)[0],
        "lingua": by_lingua,
        "langdetect": by_langdetect,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=200, help="texts per language")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    corpus = texts(args.texts)
    tools = identifiers()
    seconds: dict[str, list[float]] = {name: [] for name in tools}
    correct: dict[str, int] = {}
    for _ in range(args.repeats):
        for name, identify in tools.items():
            started = time.perf_counter()
            labels = [identify(text) for _, text in corpus]
            seconds[name].append(time.perf_counter() - started)
            correct[name] = sum(
                label == want for label, (want, _) in zip(labels, corpus, strict=True)
            )
    fastest = min(statistics.median(runs) for runs in seconds.values())
    print(f"{len(corpus)} texts in {len(LOCALES)} languages; median of {args.repeats} runs")
    for name, runs in seconds.items():
        median = statistics.median(runs)
        print(
            f"  {name:<11} accuracy {correct[name] / len(corpus):.3f}  "
            f"{len(corpus) / median:8.0f} texts/s  {median / fastest:5.1f}x the fastest's time"
        )


if __name__ == "__main__":
    main()
