"""What only the provider knows, for the disclosures: who the provider is, the model's version
and placement date, SME status, the Code of Practice, how its crawlers behaved, its measures
against illegal content, user data, commercial contracts, annotation rules.

`facts_template()` writes a TOML file with every field marked TO BE PROVIDED; the provider
fills it in and passes it back (`lineage export --facts FILE`), where it is checked against
`FACTS_SCHEMA` (JSON Schema) with an error that names the field. A field left TO BE PROVIDED,
or left out, is said to be not provided in the summary, and listed at its end: nothing is
invented in its place.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from lineage.errors import InputError
from lineage.store import find_model

TO_BE_PROVIDED = "TO BE PROVIDED"


@dataclass(frozen=True)
class FactField:
    """One fact: its dotted key in the file, what the template asks, and its JSON type."""

    key: str
    question: str
    kind: str = "string"  # "string", "boolean", "date" or "list"


FIELDS = (
    FactField("provider.name", "Name of the provider"),
    FactField("provider.contact", "Contact details of the provider"),
    FactField("authorised_representative.name", "Name of the authorised representative"),
    FactField("authorised_representative.contact", "Contact of the authorised representative"),
    FactField("model.versioned_name", "Versioned name of the model"),
    FactField("model.placed_on_market", "Date of placement on the Union market", "date"),
    FactField("content_types.text", "Types of text content (fiction, news, code, ...)"),
    FactField("content_types.image", "Types of image content (photography, artworks, ...)"),
    FactField("summary.version", "Version of this summary"),
    FactField("summary.last_update", "Date of the last update of this summary", "date"),
    FactField("provider.sme", "Is the provider an SME or a small mid-cap?", "boolean"),
    FactField(
        "code_of_practice.signatory",
        "Is the provider a signatory of the General-Purpose AI Code of Practice?",
        "boolean",
    ),
    FactField("crawlers.purposes", "Purposes of the crawlers used"),
    FactField(
        "crawlers.behaviour",
        "How the crawlers behaved (robots.txt, paywalls, captchas, access restrictions)",
    ),
    FactField("opt_outs.measures", "Measures taken to respect reservations of rights"),
    FactField("illegal_content.measures", "Measures taken to remove illegal content"),
    FactField("user_data.used", "Was data from users of the provider's services used?", "boolean"),
    FactField("user_data.services", "From which services or products user data came"),
    FactField(
        "commercial_contracts", "Licensing agreements with rights holders, by contract", "list"
    ),
    FactField("annotation.rules", "Rules for annotating (tagging) the training data"),
    FactField("other_information", "Other relevant information"),
)
_BY_KEY = {field.key: field for field in FIELDS}
_JSON_TYPES = {
    "string": {"type": "string", "minLength": 1},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "list": {"type": "array", "items": {"type": "string", "minLength": 1}},
}


def _schema() -> dict[str, Any]:
    """The file's schema: its tables and keys, each value of its kind or TO BE PROVIDED."""
    tables: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for field in FIELDS:
        kind = {"anyOf": [_JSON_TYPES[field.kind], {"const": TO_BE_PROVIDED}]}
        table, _, name = field.key.rpartition(".")
        if table:
            tables.setdefault(table, {})[name] = kind
        else:
            top[field.key] = kind
    for table, keys in tables.items():
        top[table] = {"type": "object", "properties": keys, "additionalProperties": False}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "lineage provider facts",
        "type": "object",
        "properties": top,
        "additionalProperties": False,
    }


FACTS_SCHEMA = _schema()


@dataclass(frozen=True)
class ProviderFacts:
    """The facts given, by dotted key; a key absent was not provided."""

    given: dict[str, Any]

    def get(self, key: str) -> Any:
        """The value given for `key`, or None where it was not provided."""
        if key not in _BY_KEY:
            raise KeyError(key)
        return self.given.get(key)

    @property
    def missing(self) -> list[FactField]:
        return [field for field in FIELDS if field.key not in self.given]


NO_FACTS = ProviderFacts({})


def load_facts(path: Path) -> ProviderFacts:
    """The facts in a filled-in template; InputError naming the field where one is wrong."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the facts file {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not a TOML file: {exc}") from exc
    plain = json.loads(json.dumps(document, default=_date_text))
    _validate(path, plain)
    given = {}
    for field in FIELDS:
        table, _, name = field.key.rpartition(".")
        value = plain.get(table, {}).get(name) if table else plain.get(field.key)
        if value is not None and value != TO_BE_PROVIDED:
            given[field.key] = value
    return ProviderFacts(given)


def _date_text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not a value a facts file holds: {value!r}")


def _validate(path: Path, document: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(FACTS_SCHEMA, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    if errors:
        first = errors[0]
        where = ".".join(str(part) for part in first.path) or "(the file)"
        field = _BY_KEY.get(where)
        wanted = f" (expected a {field.kind} or {TO_BE_PROVIDED!r})" if field else ""
        raise InputError(f"{path}: {where}: {_message(first)}{wanted}")


def _message(error: Any) -> str:
    if error.validator == "additionalProperties":
        return "is not a field of the facts file: " + error.message.split("(")[-1].rstrip(")")
    if error.validator == "anyOf":
        return f"{error.instance!r} is not valid"
    return str(error.message)


def facts_template(model: str) -> str:
    """The TOML file to fill in, every field TO BE PROVIDED, each with its question."""
    lines = [
        f"# Facts only the provider of {model} knows, for its public summary of training",
        "# content and its corpus record. Replace each TO BE PROVIDED; one left as it is is",
        "# printed as not provided. Dates as 2026-08-02, yes/no as true/false.",
    ]
    tables: dict[str, list[FactField]] = {}
    for field in FIELDS:  # keys outside a table come first, as TOML wants them
        tables.setdefault(field.key.rpartition(".")[0], []).append(field)
    for table in sorted(tables, key=bool):
        lines += ["", f"[{table}]"] if table else [""]
        for field in tables[table]:
            name = field.key.rpartition(".")[2]
            lines += [f"# {field.question} ({field.kind})", f'{name} = "{TO_BE_PROVIDED}"']
    return "\n".join(lines) + "\n"


def export_facts_template(session: Session, model_name: str, _context: Any) -> str:
    find_model(session, model_name)  # a template for a model that exists
    return facts_template(model_name)
