"""Unit names and codes as the National Public Service Portal writes them: checked as text
from outside, then matched to our province and commune codes.

"UBND tỉnh Đắk Lắk", "UBND Thành phố Huế", "UBND thành phố Bắc Ninh" (a province's style can
differ from `vietnam-provinces`), "UBND Phường Việt Trì", "UBND xã Lâm Thao - Tỉnh Phú Thọ"
(the suffix tells two communes of one name apart), and departments such as "Sở Công Thương -
Tỉnh Phú Thọ". The words are vocabulary in ingest_aliases.yml (`portal_units`). A province is
matched by its name among the 34; a commune by its name, with its type word or without,
among the communes of its province. A name that matches no unit, or two, is reported and
never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from helpers.core import reference
from helpers.data import personal
from helpers.data.ingest import vocab
from helpers.data.ingest.vocab import norm

MAX_NAME = 200
"""The longest unit name kept (characters)."""

_MARKUP = re.compile(r"[<>\x00-\x1f\x7f]|^[=+@]")
_NUMBER_RUN = re.compile(r"(?:\d[\s.\-]?){9,}")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,31}")


def checked_name(text: object) -> tuple[str | None, str | None]:
    """(the name as kept, or None, and why it was dropped): markup, a formula, control
    characters, an e-mail address, an ID or phone number, or a name too long are never kept."""
    name = " ".join(str(text).split()) if text is not None else ""
    if not name:
        return None, None
    if len(name) > MAX_NAME:
        return None, f"longer than {MAX_NAME} characters"
    if _MARKUP.search(name):
        return None, "markup, a formula or control characters"
    if "@" in name or _NUMBER_RUN.search(name):
        return None, "an e-mail address, ID or phone number"
    return name, None


def looks_personal(text: str) -> bool:
    """Whether a name that matched no unit, a code or a file name is a person's name or
    contact detail: the one place text from the portal meets the personal-data scanner
    (names of units matched to the reference lists are public and are not asked)."""
    return personal.is_personal(text)


def checked_code(text: object) -> tuple[str | None, str | None]:
    """(the portal's unit code as kept, or None, and why it was dropped)."""
    code = "" if text is None else str(text).strip()
    if not code:
        return None, None
    if not _CODE.fullmatch(code) or _NUMBER_RUN.search(code) or looks_personal(code):
        return None, "not a unit code (letters, digits, '.', '-' and '_', at most 32)"
    return code, None


# ---- names --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _words() -> dict:
    spec = vocab.aliases()["portal_units"]

    def folded(key: str) -> tuple[str, ...]:
        return tuple(sorted({norm(w) for w in spec[key]}, key=len, reverse=True))

    return {
        "committee": folded("committee_prefixes"),
        "province": folded("province_words"),
        "commune": folded("commune_words"),
        "country": set(folded("country_names")),
        "separator": spec["suffix_separator"],
    }


def _strip(text: str, words: tuple[str, ...]) -> tuple[str, str | None]:
    """`text` without a leading word of `words` (folded), and the word found."""
    for word in words:
        if text == word or text.startswith(word + " "):
            return text[len(word) :].strip(), word
    return text, None


@dataclass(frozen=True)
class Name:
    """A portal name read: `kind` is province, commune, country, committee (a people's
    committee of another kind) or other (a department, or a bare name); `key` the folded
    name without its type word; `typed` with it; `suffix` the province a suffix names."""

    kind: str
    key: str
    typed: str
    suffix: str | None


def read_name(name: str) -> Name:
    words = _words()
    head, _, tail = name.rpartition(words["separator"]) if words["separator"] in name else ("", "", name)
    suffix = None
    if head:
        rest, found = _strip(norm(tail), words["province"])
        if found is not None and rest:
            suffix = rest
        else:
            head, tail = "", name
    text = norm(head or tail)
    if text in words["country"]:
        return Name("country", text, text, suffix)
    text, committee = _strip(text, words["committee"])
    rest, word = _strip(text, words["commune"])
    if word is not None and rest:
        return Name("commune", rest, f"{word} {rest}", suffix)
    rest, word = _strip(text, words["province"])
    if word is not None and rest:
        return Name("province", rest, f"{word} {rest}", suffix)
    return Name("committee" if committee else "other", text, text, suffix)


@dataclass(frozen=True)
class Match:
    """A name matched: `code` where exactly one unit has it; else `status` unmatched or
    ambiguous (with the candidates) and the reason."""

    code: str | None
    status: str
    candidates: tuple[str, ...] = ()
    reason: str | None = None


@lru_cache(maxsize=1)
def _provinces() -> dict[str, str]:
    out = {}
    abbreviations = vocab.places()["abbreviations"]
    for row in reference.provinces().itertuples():
        for text in (row.name_vi, row.short_name_vi):
            key, _ = _strip(norm(text), _words()["province"])
            out[key] = row.province_code
    for short, full in abbreviations.items():
        if full in out:
            out[short] = out[full]
    return out


def match_province(key: str) -> Match:
    """A province by its folded name without type word."""
    code = _provinces().get(key)
    if code is None:
        return Match(None, "unmatched", reason="no province of this name")
    return Match(code, "matched")


@lru_cache(maxsize=1)
def _communes() -> tuple[dict, dict]:
    """(province or None, folded name) → commune codes, with the type word and without; None:
    the whole country."""
    typed: dict = {}
    bare: dict = {}
    for row in reference.communes().itertuples():
        name = read_name(row.name_vi)
        for province in (row.province_code, None):
            typed.setdefault((province, name.typed), []).append(row.commune_code)
            bare.setdefault((province, name.key), []).append(row.commune_code)
    return typed, bare


@lru_cache(maxsize=1)
def commune_provinces() -> dict[str, str]:
    return dict(zip(reference.communes()["commune_code"], reference.communes()["province_code"], strict=True))


def match_commune(name: Name, province: str | None) -> Match:
    """A commune by its name within its province (in the whole country where the province
    is not known): with its type word first (Xã Phú Thọ is not Phường Phú Thọ), else without;
    two communes of the name are ambiguous."""
    typed, bare = _communes()
    found = typed.get((province, name.typed)) if name.kind == "commune" else None
    found = found or bare.get((province, name.key), [])
    where = "the province" if province is not None else "the country (its province is not known)"
    if len(found) == 1:
        return Match(found[0], "matched")
    if len(found) > 1:
        return Match(None, "ambiguous", tuple(found), f"two or more communes of this name in {where}")
    return Match(None, "unmatched", reason=f"no commune of this name in {where}")
