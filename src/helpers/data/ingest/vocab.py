"""The words ingest reads, all from data/reference/ingest_aliases.yml: headers per
canonical column, value vocabularies, personal-data terms, unit prefixes, template text.

Every lookup is built once per process (a dictionary of folded text), never per cell.
"""

from __future__ import annotations

import re
from functools import lru_cache

from helpers.core.reference import fold, load_yaml

ALIASES_FILE = "ingest_aliases.yml"

PLACE_KEYS = {"province": "province_code", "commune": "commune_code"}
"""Header keys of ingest_aliases.yml that are not canonical column names."""

_PARENS = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^0-9a-z%@.+]+")


@lru_cache(maxsize=200_000, typed=True)
def norm(text: object) -> str:
    """A header or value as compared: no parentheses, no diacritics, lower case, words only."""
    folded = fold(_PARENS.sub(" ", str(text))).lower()
    return " ".join(_NON_WORD.sub(" ", folded).replace(".", " ").split())


@lru_cache(maxsize=1)
def aliases() -> dict:
    return load_yaml(ALIASES_FILE)


def column_specs(table: str) -> dict[str, dict]:
    """Header key → its aliases ({vi: [...], en: [...]}, and `of` for a `*_pct` key)."""
    return aliases()["columns"][table]


def canonical_of(key: str) -> str:
    """The canonical column a header key fills (`province` → `province_code`; a `*_pct`
    key fills the count it is a percentage of)."""
    key = PLACE_KEYS.get(key, key)
    return key[:-4] if key.endswith("_pct") else key


@lru_cache(maxsize=8)
def exact_headers(table: str) -> dict[str, str]:
    """Folded alias → header key, for every alias of a table (and the key itself)."""
    out = {}
    for key, spec in column_specs(table).items():
        for lang in ("vi", "en"):
            for alias in spec[lang]:
                out[norm(alias)] = key
        out[norm(key)] = key
    return out


@lru_cache(maxsize=1)
def filler_phrases() -> tuple[tuple[str, ...], ...]:
    """Phrases a header may leave out of an alias, as folded word tuples, longest first."""
    phrases = {tuple(norm(p).split()) for p in aliases()["header_filler"]}
    return tuple(sorted(phrases, key=len, reverse=True))


@lru_cache(maxsize=64)
def vocabulary(name: str) -> dict[str, str]:
    """Folded word → canonical value of an enum column."""
    return {norm(alias): value for value, words in aliases()["values"][name].items() for alias in words}


def accepted(name: str) -> str:
    """The first word of each value of an enum, for messages."""
    return ", ".join(words[0] for words in aliases()["values"][name].values())


@lru_cache(maxsize=1)
def truth() -> tuple[dict[str, bool], tuple[str, ...], tuple[str, ...]]:
    """(folded word → yes/no, folded prefixes meaning yes, folded prefixes meaning no)."""
    values = aliases()["values"]
    words = {norm(v): False for v in values["falsy"]} | {norm(v): True for v in values["truthy"]}
    return (
        words,
        tuple(norm(v) + " " for v in values.get("truthy_prefixes", [])),
        tuple(norm(v) + " " for v in values.get("falsy_prefixes", [])),
    )


@lru_cache(maxsize=1)
def places() -> dict:
    spec = aliases()["places"]
    return {
        "province_prefixes": tuple(norm(p) + " " for p in spec["province_prefixes"]),
        "abbreviations": {norm(k): norm(v) for k, v in spec["province_abbreviations"].items()},
        "commune_prefixes": tuple(norm(p) + " " for p in spec["commune_prefixes"]),
    }


@lru_cache(maxsize=1)
def month_words() -> tuple[str, ...]:
    return tuple(norm(w) for w in aliases()["months"])


@lru_cache(maxsize=1)
def group_words() -> tuple[tuple[str, ...], dict[str, int]]:
    spec = aliases()["groups"]
    return tuple(norm(w) for w in spec["words"]), {norm(k): int(v) for k, v in spec["numerals"].items()}


@lru_cache(maxsize=8)
def personal_terms(table: str) -> tuple[str, ...]:
    """Folded terms naming personal data, less those inside the table's own aliases."""
    own = " | ".join(f" {alias} " for alias in exact_headers(table))
    terms = {norm(h) for h in aliases()["personal_headers"]}
    return tuple(sorted(t for t in terms if f" {t} " not in own))


def template_text(lang: str) -> dict:
    return aliases()["template_text"][lang]


def examples(table: str) -> dict:
    return aliases()["template_text"]["examples"][table]
