"""The language of a text, by `py3langid` (its model ships in the package; chosen by
`bench/language_id.py`: every one of 1,200 texts in twelve languages right, six times
lingua's speed and twelve times langdetect's), from the text's first characters: enough to
tell a language, and the cost stays flat however long the text (a 1,000-word text costs
4 ms whole, 0.2 ms by its first 600 characters). Its model loads on first use."""

from __future__ import annotations

from functools import cache
from typing import Any

IDENTIFIER = "py3langid"
PREFIX_CHARS = 600


@cache
def load_model() -> Any:
    """The identifier, its model loaded (0.4 s, once per process)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def identify_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is most likely in."""
    language, _ = load_model().classify(text[:PREFIX_CHARS])
    return str(language)
